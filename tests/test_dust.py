"""mallorn_tde.dust: the one extinction law, against its definition and published LSST coefficients."""

import extinction
import numpy as np
import pytest

from mallorn_tde.constants import FILTERS, R_V
from mallorn_tde.dust import BAND_WAVE_AA, ebv_coefficients, extinction_mag


def test_coefficients_define_e_b_minus_v():
    # E(B-V) = A_B - A_V: at the Johnson B and V wavelengths Fitzpatrick (1999) gives a difference of ~1.
    a_b, a_v = extinction_mag(np.array([4405.0, 5495.0]), R_V)
    assert a_b - a_v == pytest.approx(1.0, abs=0.05)
    assert a_v == pytest.approx(3.1, abs=0.1)  # F99 spline anchors differ slightly from Johnson V


def test_coefficients_match_published_lsst_values():
    # Schlafly & Finkbeiner (2011), table 6, LSST bands, R_V = 3.1, computed with their 0.86 rescaling of
    # SFD and integrated over bandpasses; at effective wavelengths we agree within 10%.
    published = {"u": 4.145, "g": 3.237, "r": 2.273, "i": 1.684, "z": 1.323, "y": 1.088}
    coeff = ebv_coefficients()
    for band in FILTERS:
        assert 0.86 * coeff[band] == pytest.approx(published[band], rel=0.10), band
    # Bluer bands are dimmed more.
    assert [coeff[b] for b in FILTERS] == sorted(coeff.values(), reverse=True)


def test_the_law_is_linear_in_a_v_and_the_coefficients_per_a_v_and_per_e_b_minus_v_agree_to_the_bit():
    """What ingest removes (per E(B-V)) and what the simulator applies (per A_V, times R_V) are the same numbers."""
    per_av = extinction_mag(BAND_WAVE_AA, 1.0)
    assert np.array_equal(per_av * R_V, np.array([ebv_coefficients()[f] for f in FILTERS]))
    assert np.allclose(extinction_mag(BAND_WAVE_AA, 0.3), 0.3 * per_av, rtol=1e-12)
    assert np.array_equal(extinction_mag(BAND_WAVE_AA, 2.0), extinction.fitzpatrick99(BAND_WAVE_AA, 2.0, 3.1))
