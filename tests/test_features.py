"""Tests of mallorn_tde.features: feature values on synthetic lightcurves with known answers."""

import re
import subprocess
import sys
from pathlib import Path

if not (Path(__file__).resolve().parent / "conftest.py").exists():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

import numpy as np
import pandas as pd
import pytest
from astropy.cosmology import FlatLambdaCDM

from mallorn_tde import features as F
from mallorn_tde.catalog import with_distances
from mallorn_tde.constants import EFF_WAVELENGTH_AA, FILTERS
from mallorn_tde.features import physics as physics_module
from mallorn_tde.features.fits import blackbody_fit, flux_to_color, planck_nu, powerlaw_decline
from mallorn_tde.features.prepare import sanitize_name

T_PEAK = 60000.0
H, K_B, C = 6.62607015e-27, 1.380649e-16, 2.99792458e10


def make_lc(objects: dict) -> pd.DataFrame:
    """objects: {object_id: {filter: (t, flux, err)}} -> ingested lightcurve table."""
    rows = []
    for oid, bands in objects.items():
        for band, (t, f, e) in bands.items():
            t, f, e = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (t, f, e)))
            rows.append(pd.DataFrame({"object_id": oid, "mjd": t, "flux": f, "flux_err": e, "filter": band}))
    lc = pd.concat(rows, ignore_index=True)
    return lc.sort_values(["object_id", "mjd"], kind="mergesort").reset_index(drop=True)


def make_meta(z: dict) -> pd.DataFrame:
    return with_distances(pd.DataFrame({"Z": list(z.values()), "EBV": 0.02}, index=pd.Index(list(z), name="object_id")))


def tde_like(z: float, t0_rest: float = 30.0, fpeak: float = 100.0, err: float = 0.1):
    """Linear rise over 40 rest days, then f = fpeak ((t - t_peak)/(1+z)/t0 + 1)^(-5/3); every 2 d."""
    zf = 1 + z
    t = T_PEAK + np.arange(-80.0, 500.0 * zf, 2.0)
    dt = (t - T_PEAK) / zf
    shape = np.where(dt < 0, np.clip(1 + dt / 40.0, 0, None), (np.clip(dt, 0, None) / t0_rest + 1) ** (-5 / 3))
    return t, fpeak * shape, np.full_like(t, err)


def physics(lc, meta):
    X = F.extract_features(lc, meta, ["physics"], "minimal", 1)
    X.columns = X.columns.str.replace("physics__", "", regex=False)
    return X


# --------------------------------------------------------------------------------------- helpers


def test_sanitize_name_removes_lightgbm_special_chars():
    name = 'g__change_quantiles__f_agg_"mean"__isabs_False__qh_0.2:[x]{y},z (2, 5)'
    s = sanitize_name(name)
    assert re.fullmatch(r"[0-9A-Za-z_.\-]+", s)
    assert s.startswith("g__change_quantiles__f_agg__mean___isabs_False__qh_0.2")


def test_powerlaw_decline_function_pure_power_law():
    dt = np.linspace(0, 200, 30)
    f = 50 * (dt + 20.0) ** (-5 / 3)
    k, t0, rmse = powerlaw_decline(dt, f, 1.0, t0=20.0)
    assert k == pytest.approx(-5 / 3, abs=1e-9) and rmse < 1e-6
    k, t0, rmse = powerlaw_decline(dt, f, 1.0, t0=None)  # t0 fitted
    assert k == pytest.approx(-5 / 3, abs=0.02)
    assert t0 == pytest.approx(20.0, rel=0.03)
    assert np.isnan(powerlaw_decline(dt[:2], f[:2])[0])  # too few points


@pytest.mark.parametrize("temp", [6.0e3, 2.0e4, 3.5e4])
def test_blackbody_fit_recovers_temperature(temp):
    nu = np.array([C / (EFF_WAVELENGTH_AA[f] * 1e-8) for f in FILTERS]) * 1.3  # rest frame, z = 0.3
    flux = 3e-13 * planck_nu(nu, temp)
    t_fit, a, rchi2 = blackbody_fit(nu, flux, 0.01 * flux)
    assert t_fit == pytest.approx(temp, rel=0.01)
    assert a == pytest.approx(3e-13, rel=0.03)


def test_flux_to_color():
    assert flux_to_color(10.0, 0.1, 20.0, 0.1) == pytest.approx(2.5 * np.log10(2))
    assert np.isnan(flux_to_color(-1.0, 0.1, 20.0, 0.1))
    assert np.isnan(flux_to_color(0.1, 0.1, 20.0, 0.1))  # S/N 1 < 2


# ---------------------------------------------------------------------------- physics features


def test_physics_tde_like_decline_peak_times_and_colors():
    z = 0.5
    t, f, e = tde_like(z)
    lc = make_lc({"tde": {"r": (t, f, e), "g": (t, 0.8 * f, e)}})
    X = physics(lc, make_meta({"tde": z})).loc["tde"]

    assert X["t_peak_mjd"] == T_PEAK
    assert X["ref_band_wavelength"] == EFF_WAVELENGTH_AA["r"]  # highest peak S/N
    assert X["peak_flux_r"] == pytest.approx(100.0) and X["peak_snr_r"] == pytest.approx(1000.0)
    assert X["peak_flux_g"] == pytest.approx(80.0)
    assert np.isnan(X["peak_flux_u"]) and X["n_obs_u"] == 0 and X["n_obs_r"] == len(t)
    assert X["n_det_r"] == np.count_nonzero(f / e > 5)

    # rise / fall: first / last detection in any band, rest frame = observed / (1+z)
    det = f / e > 5
    assert X["rise_time_obs"] == pytest.approx(T_PEAK - t[det].min())
    assert X["fall_time_obs"] == pytest.approx(t[det].max() - T_PEAK)
    assert X["rise_time_rest"] == pytest.approx(X["rise_time_obs"] / (1 + z))
    assert X["fall_time_rest"] == pytest.approx(X["fall_time_obs"] / (1 + z))
    # half max: (t/30 + 1)^(-5/3) = 1/2 -> t = 30 (2^0.6 - 1); linear rise reaches half at -20 d
    assert X["fall_half_time_rest"] == pytest.approx(30 * (2**0.6 - 1), abs=0.3)
    assert X["fall_half_time_obs"] == pytest.approx(X["fall_half_time_rest"] * (1 + z))
    assert X["rise_half_time_rest"] == pytest.approx(20.0, abs=0.01)
    assert X["duration_half_max_rest"] == pytest.approx(20.0 + 30 * (2**0.6 - 1), abs=0.3)

    # pure t^-5/3 decline with t0 = 30 rest-frame days
    for col in ("decline_index_g", "decline_index_r", "decline_index_ref"):
        assert X[col] == pytest.approx(-5 / 3, abs=1e-6), col
    assert X["decline_index_free_ref"] == pytest.approx(-5 / 3, abs=0.03)
    assert X["decline_t0_free_ref_rest"] == pytest.approx(30.0, rel=0.05)
    assert X["decline_powerlaw_rmse_ref"] < 0.01

    # constant flux ratio g/r = 0.8 -> g - r = 0.242 at peak and 30 d later, no change
    gr = -2.5 * np.log10(0.8)
    assert X["color_g_r_peak"] == pytest.approx(gr, abs=1e-9)
    assert X["color_g_r_30d"] == pytest.approx(gr, abs=1e-9)
    assert X["color_g_r_change"] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(X["color_u_g_peak"]) and np.isnan(X["color_r_i_peak"])  # no u / i data

    # everything is within 500 rest days -> hardly anything off-event, little variability
    assert X["offevent_frac_3sigma"] > 0.5  # the t^-5/3 tail is still detected after 100 d
    assert X["frac_negative"] == 0.0 and X["frac_neg_3sigma"] == 0.0


def test_physics_linear_magnitude_decline_rate():
    z = 0.2
    t = T_PEAK + np.arange(0.0, 150.0, 3.0)
    rate = 0.05  # mag per rest-frame day
    f = 200.0 * 10 ** (-0.4 * rate * (t - T_PEAK) / (1 + z))
    X = physics(make_lc({"sn": {"i": (t, f, 0.05)}}), make_meta({"sn": z})).loc["sn"]
    assert X["decline_linmag_rate_ref"] == pytest.approx(rate, rel=1e-6)
    assert X["decline_linmag_rmse_ref"] == pytest.approx(0.0, abs=1e-9)
    assert X["dmag_rate_30d_ref"] == pytest.approx(rate, rel=0.02)  # linear interpolation in flux
    assert X["dmag_rate_60d_ref"] == pytest.approx(rate, rel=0.02)
    assert X["fall_half_time_rest"] == pytest.approx(2.5 * np.log10(2) / rate, rel=0.02)


def test_physics_blackbody_temperature_radius_and_absolute_magnitude():
    z, temp, radius = 0.3, 2.0e4, 1.0e15
    cosmo = FlatLambdaCDM(H0=70, Om0=0.3)
    d_cm = cosmo.luminosity_distance(z).to_value("cm")
    bands = {}
    for band in FILTERS:
        nu_rest = C / (EFF_WAVELENGTH_AA[band] * 1e-8) * (1 + z)
        f_cgs = (1 + z) * np.pi * radius**2 * planck_nu(nu_rest, temp) / d_cm**2
        f_ujy = f_cgs / 1e-29
        bands[band] = (
            np.array([T_PEAK - 1.0, T_PEAK, T_PEAK + 1.0]),
            f_ujy * np.array([0.99, 1.0, 0.99]),
            0.01 * f_ujy,
        )
    X = physics(make_lc({"bb": bands}), make_meta({"bb": z})).loc["bb"]
    assert 10 ** X["bb_log10_temp_peak"] == pytest.approx(temp, rel=0.01)
    assert 10 ** X["bb_log10_radius_cm_peak"] == pytest.approx(radius, rel=0.03)
    assert X["bb_redchi2_peak"] < 0.1
    lum = 4 * np.pi * radius**2 * 5.670374419e-5 * temp**4
    assert X["bb_log10_lum_peak"] == pytest.approx(np.log10(lum), abs=0.03)
    g_mag = -2.5 * np.log10(bands["g"][1][1]) + 23.9
    assert X["peak_abs_mag_g"] == pytest.approx(g_mag - cosmo.distmod(z).value, abs=1e-6)
    # colours of the blackbody
    ug = -2.5 * np.log10(bands["u"][1][1] / bands["g"][1][1])
    assert X["color_u_g_peak"] == pytest.approx(ug, abs=1e-3)


def test_physics_agn_like_variability_is_flagged():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(60000, 62000, 200))
    agn = 5 * np.sin((t - 60000) / 90.0) + rng.normal(0, 0.2, t.size)  # swings above and below baseline
    tt, ft, et = tde_like(0.1, fpeak=20.0, err=0.2)
    lc = make_lc({"agn": {"g": (t, agn, 0.2)}, "tde": {"g": (tt, ft, et)}})
    X = physics(lc, make_meta({"agn": 0.1, "tde": 0.1}))
    assert X.loc["agn", "frac_neg_3sigma"] > 0.2 and X.loc["tde", "frac_neg_3sigma"] == 0
    assert X.loc["agn", "offevent_redchi2"] > 10 * X.loc["tde", "offevent_redchi2"]
    assert X.loc["agn", "offevent_std_frac_ref"] > 3 * X.loc["tde", "offevent_std_frac_ref"]


@pytest.mark.parametrize("z", [-0.01, 0.0, np.nan])
def test_physics_nonpositive_or_missing_redshift(z):
    t, f, e = tde_like(0.0)
    X = physics(make_lc({"o": {"g": (t, f, e)}}), make_meta({"o": z})).loc["o"]
    assert np.isnan(X["peak_abs_mag_g"]) and np.isnan(X["bb_log10_lum_peak"])
    if np.isnan(z):
        assert np.isnan(X["rise_time_rest"])
    else:
        assert X["rise_time_rest"] == X["rise_time_obs"]
    assert X["decline_index_g"] == pytest.approx(-5 / 3, abs=1e-6)


def test_physics_degenerate_inputs_do_not_crash_or_warn(recwarn):
    lc = make_lc(
        {
            "one": {"r": ([T_PEAK], [3.0], [1.0])},
            "neg": {"g": (T_PEAK + np.arange(10.0), -np.arange(1.0, 11.0), 0.5)},
            "flat": {"i": (T_PEAK + np.arange(5.0), np.zeros(5), 1.0), "z": (T_PEAK + np.arange(5.0), np.ones(5), 1.0)},
        }
    )
    X = physics(lc, make_meta({"one": 0.1, "neg": 0.2, "flat": 0.3, "empty": 0.4}))
    assert list(X.index) == ["one", "neg", "flat", "empty"]
    assert not np.isinf(X.to_numpy()).any()
    assert X.loc["empty"].isna().all()
    assert X.loc["neg", "frac_negative"] == 1.0 and np.isnan(X.loc["neg", "peak_abs_mag_ref"])
    assert X.loc["one", "n_obs"] == 1
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ------------------------------------------------------------------------------ whole function


@pytest.fixture(scope="module")
def small_set():
    rng = np.random.default_rng(7)
    objects = {}
    for k in range(6):
        bands = {}
        for band in FILTERS[: 3 + k % 4]:
            n = int(rng.integers(3, 40))
            t = np.sort(rng.uniform(60000, 61000, n))
            f = 30 * np.exp(-(((t - 60400) / 40) ** 2)) + rng.normal(0, 1, n)
            bands[band] = (t, f, rng.uniform(0.5, 1.5, n))
        objects[f"obj{k}"] = bands
    lc = make_lc(objects)
    meta = make_meta({"nodata": 0.2, **{f"obj{k}": 0.1 + 0.1 * k for k in range(6)}})
    return lc, meta


@pytest.fixture(scope="module")
def all_sets(small_set):
    lc, meta = small_set
    return F.extract_features(lc, meta, list(F.SETS), "minimal", 1)


def test_output_layout(small_set, all_sets):
    lc, meta = small_set
    X = all_sets
    assert list(X.index) == list(meta.index) and X.index.name == "object_id"
    assert (X.dtypes == np.float64).all()
    assert X.columns.is_unique
    assert all(re.fullmatch(r"[0-9A-Za-z_.\-]+", c) for c in X.columns)
    prefixes = {c.split("__")[0] for c in X.columns}
    assert prefixes == set(F.SETS)
    for s in ("tsfresh", "lightcurve"):
        per_filter = {c.split("__")[1] for c in X.columns if c.startswith(s + "__")}
        assert per_filter == set(FILTERS)
    # block order follows SETS, filters follow FILTERS
    firsts = [next(i for i, c in enumerate(X.columns) if c.startswith(s)) for s in F.SETS]
    assert firsts == sorted(firsts)
    assert not np.isinf(X.to_numpy()).any()
    assert X.loc["nodata"].isna().all()


def test_values_and_missing_filters(small_set, all_sets):
    lc, meta = small_set
    X = all_sets
    g = lc[(lc.object_id == "obj0") & (lc["filter"] == "g")]
    assert X.loc["obj0", "tsfresh__g__maximum"] == pytest.approx(g.flux.max())
    assert X.loc["obj0", "tsfresh__g__length"] == len(g)
    assert X.loc["obj0", "lightcurve__g__mean"] == pytest.approx(g.flux.mean())
    assert X.loc["obj0", "lightcurve__g__observation_count"] == len(g)
    # obj0 has only u g r: its i z y features are NaN
    for s in ("tsfresh", "lightcurve"):
        cols = [c for c in X.columns if c.startswith(f"{s}__y__")]
        assert X.loc["obj0", cols].isna().all()
        assert X.loc["obj3", cols].notna().any()  # obj3 has all six filters
    assert X.loc["obj0", "physics__n_obs_y"] == 0


def test_sets_subset_and_column_order_are_stable(small_set, all_sets):
    lc, meta = small_set
    X = F.extract_features(lc, meta, ["physics", "lightcurve"], "minimal", 1)
    expected = [c for c in all_sets.columns if c.startswith(("lightcurve__", "physics__"))]
    assert list(X.columns) == expected
    pd.testing.assert_frame_equal(X, all_sets[expected])
    with pytest.raises(ValueError):
        F.extract_features(lc, meta, ["nope"], "minimal", 1)


def test_deterministic_and_independent_of_n_jobs(small_set, all_sets):
    lc, meta = small_set
    again = F.extract_features(lc, meta, list(F.SETS), "minimal", 1)
    pd.testing.assert_frame_equal(again, all_sets)
    shuffled = lc.sample(frac=1.0, random_state=3)  # input order must not matter
    two = F.extract_features(shuffled, meta, list(F.SETS), "minimal", 2)
    pd.testing.assert_frame_equal(two, all_sets)


def test_extraction_in_chunks_logs_progress_and_gives_the_same_table(small_set, all_sets, caplog):
    """Extraction with progress lines (chunks of 3 objects, the last one short) equals one call over all objects."""
    lc, meta = small_set
    with caplog.at_level("INFO"):
        chunked = F.extract_with_progress(lc, meta, list(F.SETS), "minimal", 1, every=3)
    pd.testing.assert_frame_equal(chunked, all_sets)
    progress = [r.getMessage() for r in caplog.records if "objects," in r.getMessage()]
    assert [m.split(" objects")[0] for m in progress] == [
        "tsfresh+lightcurve+physics+gp: 3/7",
        "tsfresh+lightcurve+physics+gp: 6/7",
        "tsfresh+lightcurve+physics+gp: 7/7",
    ]
    caplog.clear()
    with caplog.at_level("INFO"):  # one chunk: no progress line, the plain extraction
        whole = F.extract_with_progress(lc, meta, ["physics"], "minimal", 1, every=100)
    assert not [r for r in caplog.records if "objects," in r.getMessage()]
    pd.testing.assert_frame_equal(whole, all_sets[[c for c in all_sets.columns if c.startswith("physics__")]])


def test_inf_is_replaced_by_nan(small_set, monkeypatch):
    lc, meta = small_set
    real = physics_module.physics_block

    def with_inf(p):
        out = real(p)
        out.iloc[0, 0], out.iloc[1, 1] = np.inf, -np.inf
        return out

    monkeypatch.setattr(physics_module, "physics_block", with_inf)
    X = F.extract_features(lc, meta, ["physics"], "minimal", 1)
    assert np.isnan(X.iloc[0, 0]) and np.isnan(X.iloc[1, 1])
    assert not np.isinf(X.to_numpy()).any()


def test_real_data_smoke(real_data):  # fixture of tests/conftest.py: skips without the data
    raw = pd.read_csv(real_data / "split_01" / "train_full_lightcurves.csv")
    lc = raw.rename(columns={"Time (MJD)": "mjd", "Flux": "flux", "Flux_err": "flux_err", "Filter": "filter"})
    lc = lc.dropna(subset=["flux"])
    log = pd.read_csv(real_data / "train_log.csv").set_index("object_id")
    meta = with_distances(log.loc[log["split"] == "split_01", ["Z", "EBV"]].iloc[:12])
    lc = lc[lc.object_id.isin(meta.index)].sort_values(["object_id", "mjd"], kind="mergesort")
    X = F.extract_features(lc, meta, ["tsfresh", "lightcurve", "physics"], "minimal", 1)
    assert X.shape[0] == 12 and not np.isinf(X.to_numpy()).any()
    assert X.filter(like="physics__").notna().mean().mean() > 0.5


def test_deferred_stumpy_still_serves_tsfresh():
    """tsfresh's one stumpy calculator works when stumpy's import is deferred (a fresh interpreter)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from mallorn_tde.features.tsfresh import _defer_import\n"
        "_defer_import('stumpy')\n"
        "import numpy as np\n"
        "from tsfresh.feature_extraction import feature_calculators as fc\n"
        "assert 'stumpy.core' not in sys.modules\n"
        "x = np.sin(np.arange(60) / 5.0)\n"
        "[(name, count)] = fc.query_similarity_count(x, [{'query': x[:10], 'threshold': 0.5}])\n"
        "assert count > 0 and 'stumpy.core' in sys.modules, count\n"
    )
    scripts = Path(__file__).resolve().parents[1] / "workflow" / "scripts"
    subprocess.run([sys.executable, "-c", code, str(scripts)], check=True)


def test_physics_needs_the_catalogue_distances(small_set):
    lc, meta = small_set
    with pytest.raises(ValueError, match="with_distances"):
        F.extract_features(lc, meta[["Z"]], ["physics"], "minimal", 1)
