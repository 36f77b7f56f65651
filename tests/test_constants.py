"""mallorn_tde.constants: the physical constants against astropy's, and the names of splits and scopes."""

import re

import pytest

from mallorn_tde import constants as C


def test_physical_constants_are_astropys():
    """The cgs values written out for the feature jobs (which skip astropy's import) are CODATA 2018 as astropy
    gives them: exactly, but for the microjansky (exact by definition, astropy's conversion rounds) and the
    Stefan-Boltzmann constant (kept at CODATA's ten published digits)."""
    from astropy import constants, units

    assert C.H_CGS == constants.h.cgs.value
    assert C.K_B_CGS == constants.k_B.cgs.value
    assert C.C_CGS == constants.c.cgs.value
    assert C.MPC_CM == (1 * units.Mpc).to_value(units.cm)
    assert C.SIGMA_SB_CGS == pytest.approx(constants.sigma_sb.cgs.value, rel=1e-10)
    assert C.UJY_CGS == pytest.approx((1 * units.uJy).cgs.value, rel=1e-15)  # 1e-29 by definition
    assert C.AB_ZERO_POINT_UJY == pytest.approx((1 * units.uJy).to(units.ABmag).value, abs=1e-3)


def test_the_simulators_blackbody_constant_is_the_same_physics():
    """The simulator derives hc/k_B through astropy's units; it agrees with the written-out constants."""
    from mallorn_tde.simulate.tables import HC_OVER_K_AA_K

    assert HC_OVER_K_AA_K == pytest.approx(C.H_CGS * C.C_CGS / C.K_B_CGS * 1e8, rel=1e-15)


def test_split_names_match_the_split_pattern():
    assert C.split_name(7) == "split_07"
    assert all(re.fullmatch(C.SPLIT_PATTERN, C.split_name(i)) for i in (1, 20, 123))
    assert not re.fullmatch(C.SPLIT_PATTERN, "split_x1")


def test_scopes_name_and_parse_the_outer_folds():
    assert C.scope_names(3) == ["fold_1", "fold_2", "fold_3", "final"]
    assert [C.fold_number(C.fold_scope(k)) for k in (1, 12)] == [1, 12]
    assert all(re.fullmatch(C.SCOPE_PATTERN, s) for s in C.scope_names(12))
    assert not re.fullmatch(C.FOLD_SCOPE_PATTERN, C.FINAL_SCOPE)
    with pytest.raises(ValueError, match="final"):
        C.fold_number(C.FINAL_SCOPE)
