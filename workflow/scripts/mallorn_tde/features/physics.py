"""The physics feature set: hand-written, physically motivated features of one object's multi-band lightcurve.

Rise and fall times, power-law and linear-magnitude declines, colours and blackbody temperature near the
peak and later, peak absolute magnitudes, variability away from the event (see :data:`PHYSICS_FEATURES`).
Times are rest-frame days unless a name says ``obs``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..constants import AB_ZERO_POINT_UJY, EFF_WAVELENGTH_AA, FILTERS, MPC_CM, SIGMA_SB_CGS, UJY_CGS
from .fits import (
    NU_OBS,
    batch_linfit,
    blackbody_fit,
    flux_to_color,
    powerlaw_decline,
)
from .prepare import NB, Prepared

DET_SNR = 5.0  # a "detection"
FIT_SNR = 3.0  # points used in the post-peak decline fits
BB_MIN_BANDS = 3  # bands needed in the window for a blackbody fit ...
BB_MIN_SNR_BANDS = 2  # ... of which at least this many with S/N >= FIT_SNR
PEAK_WINDOW = 7.0  # +- half-width of the near-peak window (colours, blackbody)
LATE_EPOCH = 30.0  # the "later" epoch of colours / temperature
DECLINE_MAX = 365.0  # post-peak points used in the decline fits
EVENT_HALF_WIDTH = 100.0  # points farther than this from the peak are "off-event"
MAG_RATE_EPOCHS = (30.0, 60.0)  # post-peak epochs of the magnitude decline rates
MAG_RATE_MAX_GAP_OBS = 50.0  # observed days: max gap of the two points interpolated at an epoch

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


def _window_fluxes(t, f, e, band, center, half):
    """Inverse-variance mean flux and its error per band over |t - center| <= half."""
    m = np.abs(t - center) <= half
    w = 1.0 / e[m] ** 2
    sw = np.bincount(band[m], weights=w, minlength=NB)
    swf = np.bincount(band[m], weights=w * f[m], minlength=NB)
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
    bnd = np.searchsorted(band, np.arange(NB + 1))
    peak_snr = np.full(NB, -np.inf)
    peak_flux = np.full(NB, np.nan)
    peak_idx = np.zeros(NB, dtype=np.int64)
    for b in range(NB):
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
    row[P["n_bands_det"]] = np.count_nonzero([np.any(det[bnd[b] : bnd[b + 1]]) for b in range(NB)])
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
            slope, sse = batch_linfit((dtr / zf)[None, :], mag)
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
            temp, a, rchi2 = blackbody_fit(NU_OBS[have] * zf, wf[have] * UJY_CGS, we[have] * UJY_CGS)
            if tag == "peak" and np.isfinite(temp):
                row[P["bb_log10_temp_peak"]] = np.log10(temp)
                row[P["bb_redchi2_peak"]] = rchi2
                if np.isfinite(dist_cm):
                    radius = dist_cm * np.sqrt(a / (zf * np.pi))
                    row[P["bb_log10_radius_cm_peak"]] = np.log10(radius)
                    row[P["bb_log10_lum_peak"]] = np.log10(4 * np.pi * radius**2 * SIGMA_SB_CGS * temp**4)
            elif np.isfinite(temp):
                row[P[f"bb_log10_temp_{lt}d"]] = np.log10(temp)
    for a, b in _COLORS:
        row[P[f"color_{a}_{b}_change"]] = row[P[f"color_{a}_{b}_{lt}d"]] - row[P[f"color_{a}_{b}_peak"]]
    row[P["bb_log10_temp_change"]] = row[P[f"bb_log10_temp_{lt}d"]] - row[P["bb_log10_temp_peak"]]

    # peak absolute magnitudes (AB, no K-correction)
    for name, fl in (("g", peak_flux[_FIDX["g"]]), ("r", peak_flux[_FIDX["r"]]), ("ref", fp)):
        if fl > 0 and np.isfinite(distmod):
            row[P[f"peak_abs_mag_{name}"]] = -2.5 * np.log10(fl) + AB_ZERO_POINT_UJY - distmod

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


def physics_block(p: Prepared) -> pd.DataFrame:
    out = np.full((p.n_obj, len(PHYSICS_FEATURES)), np.nan)
    dist, dm = p.lum_dist_mpc * MPC_CM, p.distmod
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            for i in range(p.n_obj):
                s, q = p.bounds[i], p.bounds[i + 1]
                if q > s:
                    _physics_one(p.t[s:q], p.f[s:q], p.e[s:q], p.band[s:q], p.z[i], dist[i], dm[i], out[i])
    return pd.DataFrame(out, columns=[f"physics__{n}" for n in PHYSICS_FEATURES])
