"""Per-object features of MALLORN lightcurves: tsfresh, light-curve and hand-written physics features.

Entry point: :func:`extract_features`. Input is the ingested lightcurve table of one split and side
(``object_id, mjd, flux, flux_err, filter``; flux in microjansky, Milky Way dust already removed) and
the metadata indexed by ``object_id``: the catalogue's columns ``Z``, ``lum_dist_mpc`` and ``distmod``
(:func:`mallorn_tde.catalog.with_distances`). Output has one float64 row per object of
``meta.index`` (in that order), columns prefixed by set:

- ``tsfresh__{filter}__...``: tsfresh features of the flux series of each filter (ordered by time);
- ``lightcurve__{filter}__...``: features of the ``light_curve`` package per filter, incl. Bazin/Villar fits;
- ``physics__...``: physically motivated per-object features (see :data:`PHYSICS_FEATURES`).

Objects without usable observations get an all-NaN row; a filter without observations gives NaN in
that filter's columns. +-inf is replaced by NaN; names are sanitized for LightGBM; the result is
deterministic (same input, same values and column order, whatever ``n_jobs``).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import sys
import types
import warnings

import numpy as np
import pandas as pd

from .constants import DISTANCE_COLUMNS, EFF_WAVELENGTH_AA, FILTERS

SETS = ("tsfresh", "lightcurve", "physics")
TSFRESH_SETTINGS = ("minimal", "efficient", "comprehensive")

# ---------------------------------------------------------------------------------------------
# Tunable constants of the physics features (times are rest-frame days unless said otherwise).
DET_SNR = 5.0  # a "detection"
FIT_SNR = 3.0  # points used in the post-peak decline fits
COLOR_SNR = 2.0  # a band's near-peak flux must be positive at this S/N for a colour
BB_MIN_BANDS = 3  # bands needed in the window for a blackbody fit ...
BB_MIN_SNR_BANDS = 2  # ... of which at least this many with S/N >= FIT_SNR
PEAK_WINDOW = 7.0  # +- half-width of the near-peak window (colours, blackbody)
LATE_EPOCH = 30.0  # the "later" epoch of colours / temperature
DECLINE_MAX = 365.0  # post-peak points used in the decline fits
EVENT_HALF_WIDTH = 100.0  # points farther than this from the peak are "off-event"
MAG_RATE_EPOCHS = (30.0, 60.0)  # post-peak epochs of the magnitude decline rates
MAG_RATE_MAX_GAP_OBS = 50.0  # observed days: max gap of the two points interpolated at an epoch
T0_FIXED = 30.0  # rest-frame days; t0 of the power law f ~ (t - t_peak + t0)^k of decline_index_*
T0_GRID = np.geomspace(1.0, 300.0, 40)  # rest-frame days; t0 grid of decline_index_free_ref
T_GRID = np.geomspace(2.0e3, 1.0e5, 80)  # K; blackbody temperature grid

# Physical constants (cgs)
_H = 6.62607015e-27
_K_B = 1.380649e-16
_C = 2.99792458e10
_SIGMA_SB = 5.670374419e-5
_UJY_CGS = 1e-29  # erg s^-1 cm^-2 Hz^-1 per microjansky
_MPC_CM = 3.0856775814913673e24

_NB = len(FILTERS)
_NU_OBS = np.array([_C / (EFF_WAVELENGTH_AA[f] * 1e-8) for f in FILTERS])  # Hz
_COLORS = (("u", "g"), ("g", "r"), ("r", "i"))
_FIDX = {f: i for i, f in enumerate(FILTERS)}


def _physics_names() -> list[str]:
    names: list[str] = []
    for f in FILTERS:
        names += [f"peak_flux_{f}", f"peak_snr_{f}", f"n_obs_{f}", f"n_det_{f}"]
    names += [
        "n_obs",
        "n_det",
        "n_bands_det",
        "frac_negative",
        "frac_neg_3sigma",
        "ref_band_wavelength",
        "t_peak_mjd",
        "rise_time_obs",
        "rise_time_rest",
        "fall_time_obs",
        "fall_time_rest",
        "rise_half_time_rest",
        "fall_half_time_obs",
        "fall_half_time_rest",
        "duration_half_max_rest",
        "time_above_half_span_rest",
        "decline_index_g",
        "decline_index_r",
        "decline_index_ref",
        "decline_index_free_ref",
        "decline_t0_free_ref_rest",
        "decline_powerlaw_rmse_ref",
        "decline_linmag_rate_ref",
        "decline_linmag_rmse_ref",
    ]
    names += [f"dmag_rate_{int(d)}d_ref" for d in MAG_RATE_EPOCHS]
    for a, b in _COLORS:
        names += [f"color_{a}_{b}_peak", f"color_{a}_{b}_{int(LATE_EPOCH)}d", f"color_{a}_{b}_change"]
    names += [
        "bb_log10_temp_peak",
        f"bb_log10_temp_{int(LATE_EPOCH)}d",
        "bb_log10_temp_change",
        "bb_redchi2_peak",
        "bb_log10_radius_cm_peak",
        "bb_log10_lum_peak",
        "peak_abs_mag_g",
        "peak_abs_mag_r",
        "peak_abs_mag_ref",
        "pre_peak_mean_frac",
        "post_peak_mean_frac",
        "offevent_n_obs",
        "offevent_std_frac_ref",
        "offevent_redchi2",
        "offevent_frac_3sigma",
    ]
    return names


PHYSICS_FEATURES: tuple[str, ...] = tuple(_physics_names())
_PIDX = {n: i for i, n in enumerate(PHYSICS_FEATURES)}


# ---------------------------------------------------------------------------------------------
# Names


_BAD_CHARS = re.compile(r"[^0-9A-Za-z_.\-]")


def sanitize_name(name: str) -> str:
    """Replace every character that is not alphanumeric, ``_``, ``.`` or ``-`` by ``_``.

    This removes the JSON special characters LightGBM rejects (``" , : [ ] { }``) and spaces,
    brackets and ``=`` as well.
    """
    return _BAD_CHARS.sub("_", name)


def _unique_names(names: list[str]) -> list[str]:
    """Sanitize, then make unique by suffixing ``__dupN`` (deterministic)."""
    out, seen = [], set()
    for n in names:
        s = sanitize_name(n)
        base, k = s, 1
        while s in seen:
            s = f"{base}__dup{k}"
            k += 1
        seen.add(s)
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------
# Input preparation


class _Prepared:
    """Clean arrays sorted by (object code, filter code, mjd), plus per-object row bounds."""

    def __init__(self, lc: pd.DataFrame, meta: pd.DataFrame):
        self.ids = pd.Index(meta.index)
        self.n_obj = len(self.ids)
        obj = self.ids.get_indexer(lc["object_id"].astype(str)) if len(lc) else np.zeros(0, np.int64)
        band = pd.Index(FILTERS).get_indexer(lc["filter"].astype(str)) if len(lc) else np.zeros(0, np.int64)
        t = lc["mjd"].to_numpy(np.float64)
        f = lc["flux"].to_numpy(np.float64)
        e = lc["flux_err"].to_numpy(np.float64)
        ok = (obj >= 0) & (band >= 0) & np.isfinite(t) & np.isfinite(f) & np.isfinite(e) & (e > 0)
        obj, band, t, f, e = obj[ok], band[ok], t[ok], f[ok], e[ok]
        order = np.lexsort((f, t, band, obj))  # flux as last key only to fix ties deterministically
        self.obj = obj[order].astype(np.int64)
        self.band = band[order].astype(np.int64)
        self.t, self.f, self.e = t[order], f[order], e[order]
        self.bounds = np.searchsorted(self.obj, np.arange(self.n_obj + 1))
        # (object, band) series
        key = self.obj * _NB + self.band
        self.series_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
        self.series_end = np.r_[self.series_start[1:], len(key)].astype(np.int64)
        self.series_obj = self.obj[self.series_start]
        self.series_band = self.band[self.series_start]

        def column(name):
            if name not in meta:
                return np.full(self.n_obj, np.nan)
            return pd.to_numeric(meta[name], errors="coerce").to_numpy(np.float64)

        self.z = column("Z")
        self.lum_dist_mpc, self.distmod = (column(name) for name in DISTANCE_COLUMNS)


def _n_jobs(n_jobs: int) -> int:
    if n_jobs is None or n_jobs < 0:
        return os.cpu_count() or 1
    return max(int(n_jobs), 1)


# ---------------------------------------------------------------------------------------------
# tsfresh


def _tsfresh_parameters(settings: str):
    from tsfresh.feature_extraction import (
        ComprehensiveFCParameters,
        EfficientFCParameters,
        MinimalFCParameters,
    )

    table = {
        "minimal": MinimalFCParameters,
        "efficient": EfficientFCParameters,
        "comprehensive": ComprehensiveFCParameters,
    }
    if settings not in table:
        raise ValueError(f"tsfresh_settings must be one of {TSFRESH_SETTINGS}, got {settings!r}")
    return table[settings]()


class _DeferredModule(types.ModuleType):
    """Stands in for a module in ``sys.modules`` and imports the real one when an attribute is first used."""

    def __getattr__(self, attr):
        if "_real" not in self.__dict__:
            sys.modules.pop(self.__name__, None)
            self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(self.__dict__["_real"], attr)


def _defer_import(name: str) -> None:
    """Let ``import name`` succeed at once and pay for the module only when it is used.

    tsfresh imports stumpy at start-up for one calculator (query_similarity_count, which needs a query
    the default settings do not give); stumpy's import parses its own sources and takes ~3 s, paid by
    every extraction job. With the stand-in, a calculator that does use stumpy gets the real module.
    """
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _DeferredModule(name)


def _run_tsfresh(df: pd.DataFrame, settings: str, n_jobs: int) -> pd.DataFrame:
    _defer_import("stumpy")
    from tsfresh import extract_features as ts_extract

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return ts_extract(
                df,
                column_id="id",
                column_kind="kind",
                column_value="value",
                column_sort=None,  # rows are already sorted by time within each (id, kind)
                default_fc_parameters=_tsfresh_parameters(settings),
                n_jobs=0 if n_jobs <= 1 else n_jobs,
                disable_progressbar=True,
                impute_function=None,
            )


@functools.lru_cache(maxsize=None)
def _tsfresh_suffixes(settings: str) -> tuple[str, ...]:
    """The feature names tsfresh produces for one series kind (data independent), in tsfresh order."""
    rng = np.random.default_rng(0)
    x = np.sin(np.arange(40) / 3.0) + rng.normal(0, 0.1, 40)
    dummy = pd.DataFrame({"id": 0, "kind": "x", "value": x})
    cols = _run_tsfresh(dummy, settings, 1).columns
    return tuple(c.split("__", 1)[1] for c in cols)


def _tsfresh_block(p: _Prepared, settings: str, n_jobs: int) -> pd.DataFrame:
    suffixes = list(_tsfresh_suffixes(settings))
    if len(p.t):
        df = pd.DataFrame({"id": p.obj, "kind": np.asarray(FILTERS)[p.band], "value": p.f})
        res = _run_tsfresh(df, settings, n_jobs)
        extra = [c.split("__", 1)[1] for c in res.columns]
        suffixes += [s for s in dict.fromkeys(extra) if s not in set(suffixes)]
    else:
        res = pd.DataFrame()
    names = [f"{f}__{s}" for f in FILTERS for s in suffixes]
    res = res.reindex(index=np.arange(p.n_obj), columns=names)
    res.columns = [f"tsfresh__{c}" for c in names]
    return res


# ---------------------------------------------------------------------------------------------
# light-curve


def _lightcurve_extractor():
    import light_curve as lc

    return lc.Extractor(
        lc.Amplitude(),
        lc.BeyondNStd(nstd=1.0),
        lc.Cusum(),
        lc.Eta(),
        lc.InterPercentileRange(quantile=0.1),
        lc.Kurtosis(),
        lc.LinearTrend(),
        lc.MaximumSlope(),
        lc.Mean(),
        lc.Median(),
        lc.MedianAbsoluteDeviation(),
        lc.PercentAmplitude(),
        lc.ReducedChi2(),
        lc.Skew(),
        lc.StandardDeviation(),
        lc.StetsonK(),
        lc.WeightedMean(),
        lc.ExcessVariance(),
        lc.Duration(),
        lc.ObservationCount(),
        # Parametric fits; 'lmsder' costs ~0.2 ms per series (ceres ~0.5 ms, and floods stderr with
        # glog messages on failed evaluations). transform=True drops the absolute reference time.
        lc.BazinFit("lmsder", transform=True),
        lc.VillarFit("lmsder", transform=True),
    )


def _lightcurve_block(p: _Prepared, n_jobs: int) -> pd.DataFrame:
    ext = _lightcurve_extractor()
    feat_names = list(ext.names)
    out = np.full((p.n_obj, _NB, len(feat_names)), np.nan)
    if len(p.series_start):
        lcs = [(p.t[s:e], p.f[s:e], p.e[s:e]) for s, e in zip(p.series_start, p.series_end)]
        with np.errstate(all="ignore"):
            vals = np.asarray(
                ext.many(lcs, fill_value=np.nan, sorted=True, check=True, n_jobs=n_jobs), dtype=np.float64
            )
        out[p.series_obj, p.series_band] = vals
    names = [f"lightcurve__{f}__{n}" for f in FILTERS for n in feat_names]
    return pd.DataFrame(out.reshape(p.n_obj, -1), columns=names)


# ---------------------------------------------------------------------------------------------
# physics: helpers (all pure numpy, NaN on anything degenerate)


def _batch_linfit(X: np.ndarray, y: np.ndarray):
    """Least-squares line y = a + b x for every row of X (shape (G, n)); returns slope b, SSE."""
    xm = X.mean(axis=1, keepdims=True)
    ym = y.mean()
    dx = X - xm
    dy = y - ym
    sxx = (dx * dx).sum(axis=1)
    sxy = (dx * dy).sum(axis=1)
    syy = (dy * dy).sum()
    slope = sxy / sxx
    sse = np.maximum(syy - slope * sxy, 0.0)
    return slope, sse


def powerlaw_decline(dt: np.ndarray, flux: np.ndarray, zf: float = 1.0, t0: float | None = T0_FIXED):
    """Fit log10 flux = a + k log10(dt + t0 (1+z)) and return (k, t0 in rest-frame days, rmse in dex).

    ``dt`` are observed days since the peak (>= 0), ``flux`` positive. With ``t0=None`` t0 is
    fitted as well: chosen on a log grid (:data:`T0_GRID`), then refined on a finer grid around the
    best value (it sits on the grid edge, 300 d, when the decline looks exponential).
    """
    nan3 = (np.nan, np.nan, np.nan)
    if len(dt) < 3 or np.ptp(dt) <= 0:
        return nan3
    y = np.log10(flux)
    if t0 is not None:
        slope, sse = _batch_linfit(np.log10(dt + t0 * zf)[None, :], y)
        return float(slope[0]), float(t0), float(np.sqrt(sse[0] / len(dt)))
    grid = T0_GRID * zf
    _, sse = _batch_linfit(np.log10(dt[None, :] + grid[:, None]), y)
    k = int(np.argmin(sse))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    fine = np.geomspace(lo, hi, 21)
    slope, sse = _batch_linfit(np.log10(dt[None, :] + fine[:, None]), y)
    j = int(np.argmin(sse))
    return float(slope[j]), float(fine[j] / zf), float(np.sqrt(sse[j] / len(dt)))


def planck_nu(nu: np.ndarray, temp: np.ndarray) -> np.ndarray:
    """Planck B_nu in erg s^-1 cm^-2 Hz^-1 sr^-1 (broadcasting)."""
    with np.errstate(over="ignore"):
        return 2.0 * _H * nu**3 / _C**2 / np.expm1(_H * nu / (_K_B * temp))


def blackbody_fit(nu_rest: np.ndarray, flux: np.ndarray, err: np.ndarray):
    """Fit F = a * B_nu(nu_rest, T) (flux, err in any common unit); return (T, a, reduced chi2).

    Grid search in log T over :data:`T_GRID` with the scale a solved linearly (a > 0) for every T,
    then a parabolic refinement of chi2 in log T. NaNs if the best T lies on the grid edge.
    """
    w = 1.0 / err**2
    B = planck_nu(nu_rest[None, :], T_GRID[:, None])  # (G, nb)
    sbb = (B * B * w).sum(axis=1)
    sfb = (B * flux * w).sum(axis=1)
    a = sfb / sbb
    chi2 = (flux * flux * w).sum() - a * sfb
    chi2 = np.where((a > 0) & np.isfinite(chi2), chi2, np.inf)
    k = int(np.argmin(chi2))
    if not np.isfinite(chi2[k]) or k == 0 or k == len(T_GRID) - 1:
        return np.nan, np.nan, np.nan
    x = np.log(T_GRID[k - 1 : k + 2])
    c0, c1, c2 = chi2[k - 1 : k + 2]
    den = c0 - 2 * c1 + c2
    xt = x[1] + 0.5 * (x[1] - x[0]) * (c0 - c2) / den if den > 0 else x[1]
    temp = float(np.exp(xt))
    b = planck_nu(nu_rest, temp)
    a_t = (b * flux * w).sum() / (b * b * w).sum()
    chi2_t = float((((flux - a_t * b) ** 2) * w).sum())
    dof = len(flux) - 2
    return temp, float(a_t), chi2_t / dof if dof > 0 else np.nan


def flux_to_color(fa: float, ea: float, fb: float, eb: float, min_snr: float = COLOR_SNR) -> float:
    """AB colour a - b = -2.5 log10(fa / fb); NaN unless both fluxes are positive at ``min_snr``."""
    if not (fa >= min_snr * ea and fb >= min_snr * eb and fa > 0 and fb > 0):
        return np.nan
    return float(-2.5 * np.log10(fa / fb))


def _window_fluxes(t, f, e, band, center, half):
    """Inverse-variance mean flux and its error per band over |t - center| <= half."""
    m = np.abs(t - center) <= half
    w = 1.0 / e[m] ** 2
    sw = np.bincount(band[m], weights=w, minlength=_NB)
    swf = np.bincount(band[m], weights=w * f[m], minlength=_NB)
    with np.errstate(divide="ignore", invalid="ignore"):
        return swf / sw, 1.0 / np.sqrt(sw)


def _flux_at(t, f, e, tc, max_gap):
    """Linear interpolation of flux and error at time tc; NaN outside or across a gap > max_gap."""
    n = len(t)
    j = int(np.searchsorted(t, tc))
    if j < n and t[j] == tc:
        return f[j], e[j]
    if j == 0 or j >= n or t[j] - t[j - 1] > max_gap:
        return np.nan, np.nan
    w = (tc - t[j - 1]) / (t[j] - t[j - 1])
    return f[j - 1] + w * (f[j] - f[j - 1]), e[j - 1] + w * (e[j] - e[j - 1])


def _decline_points(t, f, e, p, zf):
    """Peak point p plus post-peak points with S/N > FIT_SNR within DECLINE_MAX rest days."""
    dt = t[p:] - t[p]
    m = (f[p:] > FIT_SNR * e[p:]) & (dt <= DECLINE_MAX * zf)
    m[0] = f[p] > 0
    return dt[m], f[p:][m]


def _physics_one(t, f, e, band, z, dist_cm, distmod, row):
    """Fill ``row`` (pre-set to NaN) with the physics features of one object."""
    P = _PIDX
    n = len(t)
    if n == 0:
        return
    zf = 1.0 + z if np.isfinite(z) and z > 0 else 1.0  # time dilation (1 if z unknown / <= 0)
    zrest = 1.0 + z if np.isfinite(z) else np.nan  # for rest-frame outputs: NaN if z unknown
    if np.isfinite(z) and z <= 0:
        zrest = 1.0
    snr = f / e
    bnd = np.searchsorted(band, np.arange(_NB + 1))
    peak_snr = np.full(_NB, -np.inf)
    peak_flux = np.full(_NB, np.nan)
    peak_idx = np.zeros(_NB, dtype=np.int64)
    for b in range(_NB):
        s, q = bnd[b], bnd[b + 1]
        nb = q - s
        row[P[f"n_obs_{FILTERS[b]}"]] = nb
        if nb == 0:
            row[P[f"n_det_{FILTERS[b]}"]] = 0
            continue
        i = s + int(np.argmax(f[s:q]))
        peak_idx[b] = i
        peak_flux[b] = f[i]
        peak_snr[b] = snr[s:q].max()
        row[P[f"peak_flux_{FILTERS[b]}"]] = f[i]
        row[P[f"peak_snr_{FILTERS[b]}"]] = peak_snr[b]
        row[P[f"n_det_{FILTERS[b]}"]] = np.count_nonzero(snr[s:q] > DET_SNR)
    det = snr > DET_SNR
    row[P["n_obs"]] = n
    row[P["n_det"]] = np.count_nonzero(det)
    row[P["n_bands_det"]] = np.count_nonzero([np.any(det[bnd[b] : bnd[b + 1]]) for b in range(_NB)])
    row[P["frac_negative"]] = np.count_nonzero(f < 0) / n
    row[P["frac_neg_3sigma"]] = np.count_nonzero(snr < -3.0) / n

    # reference band: highest peak S/N; the peak is its maximum flux
    rb = int(np.argmax(peak_snr))
    s, q = bnd[rb], bnd[rb + 1]
    tr, fr, er = t[s:q], f[s:q], e[s:q]
    p = peak_idx[rb] - s
    tp, fp = tr[p], fr[p]
    row[P["ref_band_wavelength"]] = EFF_WAVELENGTH_AA[FILTERS[rb]]
    row[P["t_peak_mjd"]] = tp

    if det.any():
        rise = tp - t[det].min()
        fall = t[det].max() - tp
        row[P["rise_time_obs"]] = rise
        row[P["rise_time_rest"]] = rise / zrest
        row[P["fall_time_obs"]] = fall
        row[P["fall_time_rest"]] = fall / zrest

    if fp > 0:
        half = 0.5 * fp
        below_after = np.flatnonzero(fr[p + 1 :] < half)
        if below_after.size:
            j = p + 1 + below_after[0]
            tc = tr[j - 1] + (tr[j] - tr[j - 1]) * (fr[j - 1] - half) / (fr[j - 1] - fr[j])
            row[P["fall_half_time_obs"]] = tc - tp
            row[P["fall_half_time_rest"]] = (tc - tp) / zrest
        below_before = np.flatnonzero(fr[:p] < half)
        if below_before.size:
            j = below_before[-1]
            tc = tr[j] + (tr[j + 1] - tr[j]) * (half - fr[j]) / (fr[j + 1] - fr[j])
            row[P["rise_half_time_rest"]] = (tp - tc) / zrest
        row[P["duration_half_max_rest"]] = row[P["rise_half_time_rest"]] + row[P["fall_half_time_rest"]]
        above = tr[fr > half]
        row[P["time_above_half_span_rest"]] = (above.max() - above.min()) / zrest

        # decline: power law (own peak of g, r; reference band) and linear in magnitude
        for name, b in (("g", _FIDX["g"]), ("r", _FIDX["r"])):
            sb, qb = bnd[b], bnd[b + 1]
            if qb - sb >= 3 and peak_flux[b] > 0:
                dtb, fb = _decline_points(t[sb:qb], f[sb:qb], e[sb:qb], peak_idx[b] - sb, zf)
                row[P[f"decline_index_{name}"]] = powerlaw_decline(dtb, fb, zf)[0]
        dtr, fdr = _decline_points(tr, fr, er, p, zf)
        row[P["decline_index_ref"]] = powerlaw_decline(dtr, fdr, zf)[0]
        k, t0, rmse = powerlaw_decline(dtr, fdr, zf, t0=None)
        row[P["decline_index_free_ref"]] = k
        row[P["decline_t0_free_ref_rest"]] = t0
        row[P["decline_powerlaw_rmse_ref"]] = rmse
        if len(dtr) >= 3 and np.ptp(dtr) > 0:
            mag = -2.5 * np.log10(fdr)
            slope, sse = _batch_linfit((dtr / zf)[None, :], mag)
            row[P["decline_linmag_rate_ref"]] = slope[0]
            row[P["decline_linmag_rmse_ref"]] = np.sqrt(sse[0] / len(dtr))
        for d in MAG_RATE_EPOCHS:
            fi, ei = _flux_at(tr, fr, er, tp + d * zf, MAG_RATE_MAX_GAP_OBS)
            if np.isfinite(fi):
                row[P[f"dmag_rate_{int(d)}d_ref"]] = -2.5 * np.log10(max(fi, ei) / fp) / d

        # pre- / post-peak mean flux relative to the peak
        dtev = tr - tp
        pre = (dtev < 0) & (dtev >= -EVENT_HALF_WIDTH * zf)
        post = (dtev > 0) & (dtev <= EVENT_HALF_WIDTH * zf)
        if pre.any():
            row[P["pre_peak_mean_frac"]] = fr[pre].mean() / fp
        if post.any():
            row[P["post_peak_mean_frac"]] = fr[post].mean() / fp

    # colours and blackbody near peak and LATE_EPOCH later
    lt = int(LATE_EPOCH)
    for tag, center in (("peak", tp), (f"{lt}d", tp + LATE_EPOCH * zf)):
        wf, we = _window_fluxes(t, f, e, band, center, PEAK_WINDOW * zf)
        for a, b in _COLORS:
            ia, ib = _FIDX[a], _FIDX[b]
            row[P[f"color_{a}_{b}_{tag}"]] = flux_to_color(wf[ia], we[ia], wf[ib], we[ib])
        have = np.isfinite(wf)
        if have.sum() >= BB_MIN_BANDS and np.count_nonzero(wf[have] >= FIT_SNR * we[have]) >= BB_MIN_SNR_BANDS:
            temp, a, rchi2 = blackbody_fit(_NU_OBS[have] * zf, wf[have] * _UJY_CGS, we[have] * _UJY_CGS)
            if tag == "peak" and np.isfinite(temp):
                row[P["bb_log10_temp_peak"]] = np.log10(temp)
                row[P["bb_redchi2_peak"]] = rchi2
                if np.isfinite(dist_cm):
                    radius = dist_cm * np.sqrt(a / (zf * np.pi))
                    row[P["bb_log10_radius_cm_peak"]] = np.log10(radius)
                    row[P["bb_log10_lum_peak"]] = np.log10(4 * np.pi * radius**2 * _SIGMA_SB * temp**4)
            elif np.isfinite(temp):
                row[P[f"bb_log10_temp_{lt}d"]] = np.log10(temp)
    for a, b in _COLORS:
        row[P[f"color_{a}_{b}_change"]] = row[P[f"color_{a}_{b}_{lt}d"]] - row[P[f"color_{a}_{b}_peak"]]
    row[P["bb_log10_temp_change"]] = row[P[f"bb_log10_temp_{lt}d"]] - row[P["bb_log10_temp_peak"]]

    # peak absolute magnitudes (AB, no K-correction)
    for name, fl in (("g", peak_flux[_FIDX["g"]]), ("r", peak_flux[_FIDX["r"]]), ("ref", fp)):
        if fl > 0 and np.isfinite(distmod):
            row[P[f"peak_abs_mag_{name}"]] = -2.5 * np.log10(fl) + 23.9 - distmod

    # variability away from the main event
    off = np.abs(t - tp) > EVENT_HALF_WIDTH * zf
    noff = np.count_nonzero(off)
    row[P["offevent_n_obs"]] = noff
    if noff:
        row[P["offevent_redchi2"]] = np.mean(snr[off] ** 2)
        row[P["offevent_frac_3sigma"]] = np.count_nonzero(np.abs(snr[off]) > 3.0) / noff
        offr = np.abs(tr - tp) > EVENT_HALF_WIDTH * zf
        if np.count_nonzero(offr) >= 2 and fp > 0:
            row[P["offevent_std_frac_ref"]] = fr[offr].std() / fp


def _physics_block(p: _Prepared) -> pd.DataFrame:
    out = np.full((p.n_obj, len(PHYSICS_FEATURES)), np.nan)
    dist, dm = p.lum_dist_mpc * _MPC_CM, p.distmod
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            for i in range(p.n_obj):
                s, q = p.bounds[i], p.bounds[i + 1]
                if q > s:
                    _physics_one(p.t[s:q], p.f[s:q], p.e[s:q], p.band[s:q], p.z[i], dist[i], dm[i], out[i])
    return pd.DataFrame(out, columns=[f"physics__{n}" for n in PHYSICS_FEATURES])


# ---------------------------------------------------------------------------------------------


def extract_features(
    lc: pd.DataFrame, meta: pd.DataFrame, sets: list[str], tsfresh_settings: str, n_jobs: int
) -> pd.DataFrame:
    """Feature matrix of one split and side: one float64 row per object of ``meta.index``.

    ``sets`` is any subset of :data:`SETS` (output blocks follow the order of :data:`SETS`);
    ``tsfresh_settings`` one of :data:`TSFRESH_SETTINGS`; ``n_jobs`` goes to tsfresh (1 -> no worker
    processes) and to light-curve's ``many``; a negative value means all CPUs.
    """
    unknown = set(sets) - set(SETS)
    if unknown:
        raise ValueError(f"unknown feature sets {sorted(unknown)}; choose from {SETS}")
    if "tsfresh" in sets and tsfresh_settings not in TSFRESH_SETTINGS:
        raise ValueError(f"tsfresh_settings must be one of {TSFRESH_SETTINGS}, got {tsfresh_settings!r}")
    missing = [c for c in DISTANCE_COLUMNS if c not in meta]
    if "physics" in sets and missing:
        raise ValueError(f"meta lacks {missing}; add them with mallorn_tde.catalog.with_distances")
    jobs = _n_jobs(n_jobs)
    p = _Prepared(lc, meta)
    blocks = []
    if "tsfresh" in sets:
        blocks.append(_tsfresh_block(p, tsfresh_settings, jobs))
    if "lightcurve" in sets:
        blocks.append(_lightcurve_block(p, jobs))
    if "physics" in sets:
        blocks.append(_physics_block(p))
    if blocks:
        values = np.concatenate([b.to_numpy(np.float64) for b in blocks], axis=1)
        names = [c for b in blocks for c in b.columns]
    else:
        values, names = np.zeros((p.n_obj, 0)), []
    values[~np.isfinite(values)] = np.nan
    out = pd.DataFrame(values, index=pd.Index(p.ids, name="object_id"), columns=_unique_names(names))
    return out
