"""The gp feature set (mallorn_tde.features.gp) on synthetic curves with known answers."""

import importlib
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from mallorn_tde.constants import EFF_WAVELENGTH_AA, FILTERS
from mallorn_tde.features import extract_features
from mallorn_tde.features.fits import NU_OBS, planck_nu
from mallorn_tde.features.gp import GP_FEATURES, REST_WAVELENGTHS, ObjectGP, gp_features_one, grid_inputs

G = {n: i for i, n in enumerate(GP_FEATURES)}
sys.path.insert(0, str(REPO / "benchmarks"))
gp_fit = importlib.import_module("gp_fit")  # scikit-learn's GP, the reference of the gp set's own


def bazin(t, t0=0.0, rise=5.0, fall=30.0):
    """Bazin profile over rest-frame days (its maximum is at :func:`bazin_peak`)."""
    return np.exp(-(t - t0) / fall) / (1.0 + np.exp(-(t - t0) / rise))


def bazin_peak(t0=0.0, rise=5.0, fall=30.0):
    return t0 + rise * np.log(fall / rise - 1.0)


def observe(rest_times, sed, z, profile, noise, rng, t_start=60000.0):
    """Six-band observations: every band at every rest-frame time, flux = sed[band] * profile(t) + noise."""
    n = len(rest_times)
    band = np.tile(np.arange(len(FILTERS)), n)
    t_rest = np.repeat(rest_times, len(FILTERS))
    flux = sed[band] * profile(t_rest)
    err = np.full(len(flux), noise)
    flux = flux + rng.normal(0.0, noise, len(flux))
    return t_start + t_rest * (1.0 + z), flux, err, band


def test_blackbody_colours_and_temperature():
    z, temp = 0.2, 15000.0
    sed = planck_nu(NU_OBS * (1 + z), temp)
    sed = 100.0 * sed / sed.max()  # microjansky at peak
    rng = np.random.default_rng(0)
    t, f, e, band = observe(np.arange(-60.0, 150.0, 3.0), sed, z, bazin, 0.5, rng)
    row = gp_features_one(t, f, e, band, z, distmod=40.0)
    truth = {
        (a, b): -2.5 * np.log10(sed[FILTERS.index(a)] / sed[FILTERS.index(b)])
        for a, b in [("u", "g"), ("g", "r"), ("r", "i"), ("i", "z")]
    }
    for (a, b), colour in truth.items():
        for epoch in ("m10d", "p0d", "p20d", "p50d"):
            assert row[G[f"color_{a}_{b}_{epoch}"]] == pytest.approx(colour, abs=0.05), (a, b, epoch)
    for epoch in ("p0d", "p20d"):
        assert row[G[f"bb_log10_temp_{epoch}"]] == pytest.approx(np.log10(temp), abs=0.03)
    # rest-frame colours between fixed rest wavelengths: the blackbody's own (interpolated across bands)
    rest_nu = 2.99792458e18 / np.array(REST_WAVELENGTHS)  # Hz
    rest_sed = planck_nu(rest_nu, temp)
    for j, (a, b) in enumerate(zip(REST_WAVELENGTHS, REST_WAVELENGTHS[1:])):
        colour = -2.5 * np.log10(rest_sed[j] / rest_sed[j + 1])
        assert row[G[f"rest_color_{int(a)}_{int(b)}_p0d"]] == pytest.approx(colour, abs=0.1)


def test_power_law_decline_slope():
    z, t0 = 0.3, 10.0
    sed = np.array([0.7, 0.9, 1.0, 0.9, 0.8, 0.7]) * 200.0

    def profile(t):  # a fast rise to a peak at 0, then a t^-5/3 decline
        return np.where(t < 0, np.exp(-((t / 8.0) ** 2)), ((np.maximum(t, 0.0) + t0) / t0) ** (-5.0 / 3.0))

    t, f, e, band = observe(np.arange(-40.0, 250.0, 2.0), sed, z, profile, 0.2, np.random.default_rng(6))
    row = gp_features_one(t, f, e, band, z, distmod=40.0)
    expected = (-5.0 / 3.0) * np.log10((100.0 + t0) / (20.0 + t0)) / np.log10(100.0 / 20.0)
    for name in ("g", "r"):
        assert row[G[f"decline_loglog_{name}"]] == pytest.approx(expected, abs=0.1)


def test_time_dilated_copy_has_the_same_rest_frame_widths():
    sed = np.array([0.6, 0.9, 1.0, 0.9, 0.8, 0.7]) * 80.0
    rest = np.sort(np.random.default_rng(1).uniform(-50.0, 200.0, 60))
    rows = []
    for z in (0.1, 0.8):
        rng = np.random.default_rng(2)  # the same noise draws for both copies
        t, f, e, band = observe(rest, sed, z, lambda x: bazin(x, rise=4.0, fall=40.0), 1.0, rng)
        rows.append(gp_features_one(t, f, e, band, z, distmod=40.0))
    widths = [n for n in GP_FEATURES if n.startswith(("rise_", "fall_"))]
    near, far = (pd.Series(r, index=GP_FEATURES)[widths] for r in rows)
    assert near.notna().sum() >= 12
    pd.testing.assert_series_equal(near, far, atol=0.5, check_names=False)
    # and the widths are the curve's: the fall to 50% of a Bazin with a 40 d decline takes ~ 40 ln 2 d
    assert near["fall_50_r"] == pytest.approx(40.0 * np.log(2) + 4.0 * np.log(2), rel=0.25)


def test_peak_time_on_a_noisy_bazin_curve():
    """Within 2 rest-frame days (median of ten noise draws; none beyond 4 d) at S/N ~20 and a 3-day cadence.

    A stationary GP smooths an asymmetric peak towards its slower side, so the GP peak of a fast-rising
    curve comes a little late (~1.5 d here); this test pins that bias down.
    """
    z, t0, truth_rest = 0.3, 12.0, bazin_peak(t0=12.0)
    sed = np.array([0.5, 0.8, 1.0, 1.0, 0.9, 0.8]) * 50.0
    errors = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        rest = np.sort(rng.uniform(-100.0, 250.0, 116))  # ~3 d apart in the rest frame
        t, f, e, band = observe(rest, sed, z, lambda x: bazin(x, t0=t0), 2.5, rng)
        keep = rng.random(len(t)) < 0.5  # not every band at every epoch
        gp = ObjectGP(t[keep], f[keep], e[keep], band[keep], z)
        errors.append((gp.to_mjd(gp.peak()) - (60000.0 + truth_rest * (1 + z))) / (1 + z))
    errors = np.abs(errors)
    assert np.median(errors) < 2.0 and errors.max() < 4.0, errors


def test_hyperparameters_and_missing_data():
    rng = np.random.default_rng(4)
    sed = np.full(6, 60.0)
    t, f, e, band = observe(np.arange(-40.0, 120.0, 4.0), sed, 0.1, bazin, 1.0, rng)
    row = gp_features_one(t, f, e, band, 0.1, distmod=38.0)
    assert 5.0 < row[G["length_scale_time"]] < 200.0
    peak_flux = 60.0 * bazin(bazin_peak())
    assert peak_flux / 10 < row[G["amplitude"]] < 10 * peak_flux  # the prior scale, not the peak itself
    assert np.isfinite(row[G["log_likelihood"]]) and row[G["redchi2"]] < 3.0
    # peak absolute magnitude from the GP peak flux and the distance modulus
    assert row[G["peak_abs_mag_r"]] == pytest.approx(-2.5 * np.log10(peak_flux) + 23.9 - 38.0, abs=0.05)
    # epochs outside the observed span are NaN, not extrapolations
    assert np.isnan(row[G["color_g_r_m20d"]]) or row[G["peak_span_before"]] >= 10.0
    short = gp_features_one(t[:4], f[:4], e[:4], band[:4], 0.1, 38.0)
    assert np.isnan(short).all()
    negative = gp_features_one(t, -np.abs(f), e, band, 0.1, 38.0)
    assert np.isnan(negative).all()


def test_gp_set_through_extract_features_is_deterministic():
    rng = np.random.default_rng(5)
    rows = []
    for k, z in enumerate((0.1, 0.5)):
        t, f, e, band = observe(np.arange(-30.0, 90.0, 5.0), np.full(6, 40.0), z, bazin, 2.0, rng)
        rows.append(
            pd.DataFrame(
                {"object_id": f"obj{k}", "mjd": t, "flux": f, "flux_err": e, "filter": np.asarray(FILTERS)[band]}
            )
        )
    lc = pd.concat(rows, ignore_index=True)
    meta = pd.DataFrame(
        {"Z": [0.1, 0.5], "lum_dist_mpc": [460.0, 2900.0], "distmod": [38.3, 42.3]},
        index=pd.Index(["obj0", "obj1"], name="object_id"),
    )
    X = extract_features(lc, meta, ["gp"], "minimal", 1)
    again = extract_features(lc.sample(frac=1, random_state=0), meta, ["gp"], "minimal", 1)
    assert list(X.columns) == [f"gp__{n}" for n in GP_FEATURES]
    pd.testing.assert_frame_equal(X, again)
    assert X["gp__length_scale_time"].notna().all()
    assert set(EFF_WAVELENGTH_AA) == set(FILTERS)


def test_long_series_fit_hyperparameters_on_a_thinned_subset(monkeypatch):
    """Above MAX_FIT_POINTS, the hyperparameters come from an evenly thinned subset (the n^3 search) and the
    GP is conditioned on every point: the features stay close to those of a search over all points."""
    import mallorn_tde.features.gp as gp_module

    rng = np.random.default_rng(8)
    sed = np.array([0.5, 0.8, 1.0, 1.0, 0.9, 0.8]) * 50.0
    t, f, e, band = observe(np.arange(-100.0, 300.0, 4.0), sed, 0.2, bazin, 2.0, rng)  # 600 points
    order = np.lexsort((t, band))  # as the feature sets hand them over: by band, then time
    t, f, e, band = t[order], f[order], e[order], band[order]
    assert len(t) > gp_module.MAX_FIT_POINTS
    thinned = gp_module.ObjectGP(t, f, e, band, 0.2)
    # conditioned on all points: the fitted mean follows every observation, thinned-out ones included
    assert thinned.redchi2 < 2.0
    row = gp_features_one(t, f, e, band, 0.2, 40.0)
    monkeypatch.setattr(gp_module, "MAX_FIT_POINTS", 10_000)
    full = gp_features_one(t, f, e, band, 0.2, 40.0)
    for name in ("length_scale_time", "length_scale_wavelength", "fall_50_r", "rise_50_g", "peak_abs_mag_r"):
        assert row[G[name]] == pytest.approx(full[G[name]], rel=0.1), name
    assert row[G["color_g_r_p20d"]] == pytest.approx(full[G["color_g_r_p20d"]], abs=0.05)


def _assert_same_gp(t, f, e, band, z):
    """Matern32GP and scikit-learn's GaussianProcessRegressor (benchmarks/gp_fit.py): same hyperparameters,
    likelihood, mean and std."""
    from mallorn_tde.features.gp import fit_gp

    model = ObjectGP(t, f, e, band, z)
    args = (model.t_rest, model.ln_wave[band], f / model.scale, e / model.scale)
    ours = fit_gp(*args)
    reference = gp_fit.sklearn_gp(np.column_stack(args[:2]), *args[2:])
    k = reference.kernel_
    assert ours.length_scales == pytest.approx(tuple(k.k2.length_scale), rel=1e-5)
    assert ours.amplitude == pytest.approx(np.sqrt(k.k1.constant_value), rel=1e-5)
    assert ours.log_marginal_likelihood_value == pytest.approx(reference.log_marginal_likelihood_value_, rel=1e-7)
    grid = grid_inputs(np.linspace(model.t_rest.min(), model.t_rest.max(), 50), model.ln_wave)
    mean, std = ours.predict(grid, return_std=True)
    ref_mean, ref_std = reference.predict(grid, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-5, atol=1e-7 * np.abs(ref_mean).max())
    np.testing.assert_allclose(std, ref_std, rtol=1e-5, atol=1e-7 * ref_std.max())


def test_specialised_gp_is_scikit_learns_on_simulated_series():
    rng = np.random.default_rng(11)
    sed = np.array([0.5, 0.8, 1.0, 1.0, 0.9, 0.8]) * 40.0
    for z, noise in ((0.05, 0.5), (0.4, 3.0), (1.2, 8.0)):  # from well measured to noise-dominated
        rest = np.sort(rng.uniform(-80.0, 250.0, 40))
        t, f, e, band = observe(rest, sed, z, lambda x: bazin(x, rise=6.0, fall=35.0), noise, rng)
        keep = rng.random(len(t)) < 0.6
        _assert_same_gp(t[keep], f[keep], e[keep], band[keep], z)


def test_specialised_gp_is_scikit_learns_on_real_series(real_data, monkeypatch):
    """Real MALLORN objects of every class, as the gp set sees them (NaN fluxes dropped, by band then time);
    ``real_data`` (conftest) skips without the data."""
    import mallorn_tde.features.gp as gp_module

    raw = pd.read_csv(real_data / "split_03" / "train_full_lightcurves.csv").dropna(subset=["Flux"])
    log = pd.read_csv(real_data / "train_log.csv").set_index("object_id")
    ids = log[log["split"] == "split_03"].groupby("SpecType", sort=True).head(2).index
    assert len(ids) >= 8
    monkeypatch.setattr(gp_module, "MAX_FIT_POINTS", 300)  # whole series, not the thinned subset of fit_gp
    compared = 0
    for object_id in ids:
        lc = raw[raw["object_id"] == object_id]
        band = pd.Index(FILTERS).get_indexer(lc["Filter"])
        order = np.lexsort((lc["Time (MJD)"].to_numpy(), band))
        t, f, e = (lc[c].to_numpy(float)[order] for c in ("Time (MJD)", "Flux", "Flux_err"))
        if 5 <= len(t) <= 300 and (f > 0).any():  # longer: slow for scikit-learn
            compared += 1
            _assert_same_gp(t, f, e, band[order], float(log.loc[object_id, "Z"]))
    assert compared >= 8


def test_whole_gp_set_is_the_same_with_scikit_learn_doing_the_fits(monkeypatch):
    """benchmarks/gp_fit.py's comparison on three objects, one above MAX_FIT_POINTS (thinned search): every
    feature value the same, NaN where scikit-learn's is NaN."""
    import mallorn_tde.features.gp as gp_module
    from mallorn_tde.features.prepare import Prepared

    monkeypatch.setattr(gp_module, "MAX_FIT_POINTS", 60)
    rng = np.random.default_rng(12)
    frames, sed = [], np.array([0.5, 0.8, 1.0, 1.0, 0.9, 0.8]) * 30.0
    for k, (z, n) in enumerate(((0.1, 8), (0.3, 12), (0.7, 20))):  # 48, 72 and 120 points
        t, f, e, band = observe(np.sort(rng.uniform(-60.0, 200.0, n)), sed, z, bazin, 1.5, rng)
        frames.append(pd.DataFrame({"object_id": f"o{k}", "mjd": t, "flux": f, "flux_err": e, "filter": band}))
    lc = pd.concat(frames, ignore_index=True)
    lc["filter"] = np.asarray(FILTERS)[lc["filter"]]
    meta = pd.DataFrame(
        {"Z": [0.1, 0.3, 0.7], "lum_dist_mpc": [460.0, 1600.0, 4300.0], "distmod": [38.3, 41.0, 43.2]},
        index=pd.Index(["o0", "o1", "o2"], name="object_id"),
    )
    result = gp_fit.compare(Prepared(lc, meta))
    assert result["values_compared"] > 150 and result["nan_mismatches"] == 0
    assert result["max_rel_diff"] < 1e-6
