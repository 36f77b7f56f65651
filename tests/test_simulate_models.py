"""mallorn_tde.simulate.models: the classes' light curves, SEDs and variability, distance and dust."""

import extinction
import numpy as np
import pytest

from mallorn_tde.constants import EFF_WAVELENGTH_AA, FILTERS
from mallorn_tde.simulate import models, tables


def _params(name, n=1, seed=0):
    return models._transient_params(name, n, np.random.default_rng(seed))


def _median_params(name, n=400, seed=0):
    p = _params(name, n, seed)
    return {k: np.array([np.median(v)]) for k, v in p.items()}


def _curve(p, tau, wave):
    tau = np.asarray(tau, dtype=float)
    return models.transient_flux(tau, np.full(tau.shape, float(wave)), p, np.zeros(tau.shape, dtype=int))


def test_tde_is_hot_with_constant_colour_and_slow_power_law_decline():
    tde, ia = _median_params("TDE"), _median_params("SN Ia")
    tau = np.array([0.0, 60.0])
    blue, red = 3000.0, 6000.0  # rest-frame wavelengths (u/g at z~0.3-0.5, r/i)
    tde_colour = _curve(tde, tau, blue) / _curve(tde, tau, red)
    ia_colour = _curve(ia, tau, blue) / _curve(ia, tau, red)
    assert tde_colour[0] > 1.0 > ia_colour[0]  # TDE brighter in the blue at peak
    assert abs(np.log(tde_colour[1] / tde_colour[0])) < 0.25  # nearly constant colour
    assert ia_colour[1] / ia_colour[0] < 0.5  # SN Ia reddens after peak
    # decline: power law near t^(-5/3) at late times, much slower than a SN Ia
    late = _curve(tde, [200.0, 400.0], 4400.0)
    slope = np.log(late[1] / late[0]) / np.log((1 + 400 / tde["t0"][0]) / (1 + 200 / tde["t0"][0]))
    assert slope == pytest.approx(-tde["p"][0], rel=1e-6)
    assert 1.2 <= tde["p"][0] <= 2.2
    assert _curve(tde, [40.0], 4400.0)[0] > 3 * _curve(ia, [40.0], 4400.0)[0]
    # rise of roughly 10-50 rest-frame days
    p = _params("TDE", 500)
    assert np.all((2 * p["sig_r"] >= 10) & (2 * p["sig_r"] <= 50))
    assert np.all((p["T_pk"] >= 1.5e4) & (p["T_pk"] <= 4e4))
    assert np.median(p["M"]) == pytest.approx(-19.3, abs=0.3) and p["M"].min() >= -21 and p["M"].max() <= -18.5


def test_sn_ia_rise_decline_and_secondary_red_maximum():
    ia = _median_params("SN Ia")
    tau = np.arange(-30.0, 80.0, 1.0)
    b = _curve(ia, tau, 4400.0)
    assert tau[np.argmax(b)] == 0.0
    assert 15 <= 2.5 * ia["sig_r"][0] <= 20  # rise of ~15-20 days
    assert 2.5 * np.log10(b[tau == 0][0] / b[tau == 15][0]) == pytest.approx(1.1, abs=0.3)  # Delta m15(B)
    # secondary bump in the red: the rest-frame ~7900 A curve has a local maximum 20-35 days after peak
    red = _curve(ia, tau, 7900.0)
    after = (tau > 10) & (tau < 45)
    d = np.diff(red[after])
    assert np.any((d[:-1] > 0) & (d[1:] <= 0))
    assert not np.any(np.diff(b[tau > 5]) > 0)  # no bump in the blue
    p = _params("SN Ia", 500)
    assert np.median(p["M"]) == pytest.approx(-19.3, abs=0.05)


def test_type_ii_plateau_and_superluminous():
    iip = _median_params("SN IIP")
    f = _curve(iip, [10.0, 60.0, 150.0], 6000.0)
    assert f[1] > 0.3 * f[0] and f[2] < 0.3 * f[1]  # plateau, then the drop
    assert np.median(_params("SLSN-I", 200)["M"]) < np.median(_params("SN Ia", 200)["M"]) - 1.5
    assert np.median(_params("SN IIn", 200)["tau1"]) > 2 * np.median(_params("SN Ia", 200)["tau1"])


def test_damped_random_walk_statistics():
    rng = np.random.default_rng(1)
    n, m, tau, sigma = 3000, 60, 200.0, 0.2
    times = np.tile(np.arange(m) * 50.0, (n, 1))
    walk = models.damped_random_walk(times, np.full(n, tau), np.full(n, sigma), rng)
    assert np.std(walk) == pytest.approx(sigma, rel=0.05)
    lag = 4  # 200 days
    corr = np.corrcoef(walk[:, 10], walk[:, 10 + lag])[0, 1]
    assert corr == pytest.approx(np.exp(-1), abs=0.05)
    padded = times.copy()
    padded[:, 40:] = np.nan
    out = models.damped_random_walk(padded, np.full(n, tau), np.full(n, sigma), rng)
    assert np.isnan(out[:, 40:]).all() and np.isfinite(out[:, :40]).all()


def test_agn_parameters():
    """AGN: redshifts up to ~4, variability amplitude within 0.1-0.3 mag, rest-frame timescale 100-1000 days."""
    p = models._agn_params(np.array([0.5, 3.0]), np.random.default_rng(0))
    assert np.all((p["sigma"] >= 0.1) & (p["sigma"] <= 0.3)) and np.all((p["tau"] >= 100) & (p["tau"] <= 1000))


def test_dust_cosmology_and_time_dilation():
    assert tables.COSMOLOGY.H0.value == 70 and tables.COSMOLOGY.Om0 == 0.3
    waves = np.array([EFF_WAVELENGTH_AA[f] for f in FILTERS])
    assert np.allclose(tables.EXTINCTION_PER_AV * 3.1 * 0.1, extinction.fitzpatrick99(waves, 3.1 * 0.1, 3.1))
    assert np.all(np.diff(tables.EXTINCTION_PER_AV) < 0)  # u extinguished most
    # one TDE with a constant temperature, no host dust, placed at z = 0.1 and z = 0.5
    p = {k: np.repeat(v, 2) for k, v in _median_params("TDE").items()}
    p["T_late"], p["host_av"] = p["T_pk"].copy(), np.zeros(2)
    z, peak = np.array([0.1, 0.5]), np.array([62000.0, 62000.0])
    t = 62000.0 + np.arange(0.0, 400.0, 0.25)
    r = FILTERS.index("r")
    curves = [models.transient_band_flux(t, np.full(t.shape, r), np.full(t.shape, i), z, peak, p) for i in (0, 1)]
    half = [t[np.argmax(c < c[0] / 2)] - 62000.0 for c in curves]
    assert half[1] / half[0] == pytest.approx(1.5 / 1.1, rel=0.01)  # time dilation by (1+z)
    dm = tables.COSMOLOGY.distmod(z).value
    sed = [models._sed_ratio(np.array([EFF_WAVELENGTH_AA["r"] / (1 + zz)]), p["T_pk"][:1], np.zeros(1))[0] for zz in z]
    expected = (1.5 / 1.1) * 10 ** (-0.4 * (dm[1] - dm[0])) * sed[1] / sed[0]
    assert curves[1][0] / curves[0][0] == pytest.approx(expected, rel=1e-6)  # distance and bandwidth
