"""Observing a batch of objects: fluxes at the visits, Milky Way dust, noise and the detection requirement.

:func:`simulate_objects` draws a cadence (:mod:`.cadence`) and a model (:mod:`.models`) for each object, dims
the flux by Milky Way dust (which the challenge's fluxes are not corrected for), adds per-band noise and
re-draws the objects that miss the challenge's detection requirement; :func:`_add_missing_fluxes` empties
the fluxes of a few runs of visits, as in the challenge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import AB_ZERO_POINT_UJY, R_V
from .cadence import cadence, observation_windows
from .models import _agn_params, _transient_params, damped_random_walk, transient_band_flux
from .tables import (
    BAND_WAVE_AA,
    BOOST_AFTER,
    COSMOLOGY,
    DETECTION_SNR,
    EXTINCTION_PER_AV,
    FLUX_ERR_LOG_SIGMA_HIGH,
    FLUX_ERR_LOG_SIGMA_LOW,
    FLUX_ERR_OBJECT_SIGMA,
    MAX_ATTEMPTS,
    MEDIAN_FLUX_ERR,
    MIN_DETECTIONS,
    REF_WAVE_AA,
    SOURCE_NOISE_UJY,
)


def _attempt(labels, z, ebv, boost, rng):
    """Simulate objects once: rows (object, time, band, noiseless flux, error) and whether each object meets
    the detection requirement."""
    n = len(labels)
    is_agn = labels == "AGN"
    start, end, peak = observation_windows(~is_agn, rng)
    obj, t, band, visit = cadence(z, start, end, rng)
    dist_mod = COSMOLOGY.distmod(z).value
    wave_rest = BAND_WAVE_AA[band] / (1 + z[obj])
    flux = np.zeros(len(obj))
    # transients
    m_tr = ~is_agn[obj]
    params = {}
    for name in np.unique(labels[~is_agn]):
        sel = np.flatnonzero(labels == name)
        pp = _transient_params(name, len(sel), rng)
        for key, val in pp.items():
            params.setdefault(key, np.zeros(n))[sel] = val
    if params:
        params["M"] = params["M"] - boost
        rows = np.flatnonzero(m_tr)
        flux[rows] = transient_band_flux(t[rows], band[rows], obj[rows], z, peak, params)
    # AGN: one damped random walk per object, evaluated at its (unique, sorted) visit times
    if is_agn.any():
        agn = np.flatnonzero(is_agn)
        ap = _agn_params(z[agn], rng)
        ap["M"] = ap["M"] - boost
        pos = np.full(n, -1)
        pos[agn] = np.arange(len(agn))
        v_obj = obj[np.r_[0, np.flatnonzero(np.diff(visit)) + 1]] if len(visit) else np.zeros(0, int)
        v_time = t[np.r_[0, np.flatnonzero(np.diff(visit)) + 1]] if len(visit) else np.zeros(0)
        v_agn = pos[v_obj] >= 0
        vo, vt = pos[v_obj[v_agn]], v_time[v_agn]
        cnt = np.bincount(vo, minlength=len(agn))
        col = np.arange(len(vo)) - np.repeat(np.r_[0, np.cumsum(cnt)[:-1]], cnt)
        grid = np.full((len(agn), max(cnt.max(initial=0), 1)), np.nan)
        grid[vo, col] = vt
        walk = damped_random_walk(grid, ap["tau"] * (1 + z[agn]), ap["sigma"], rng)
        v_x = np.full(len(v_obj), np.nan)
        v_x[np.flatnonzero(v_agn)] = walk[vo, col]
        rows = np.flatnonzero(is_agn[obj])
        a = pos[obj[rows]]
        scale = (wave_rest[rows] / REF_WAVE_AA) ** -0.2  # bluer: more variable
        mean_flux = (
            (1 + z[agn[a]])
            * 10 ** (-0.4 * (ap["M"][a] + dist_mod[agn[a]] - AB_ZERO_POINT_UJY))
            * (wave_rest[rows] / REF_WAVE_AA) ** ap["beta"][a]
        )
        x_ref = ap["ref"][a] * ap["sigma"][a]
        flux[rows] = mean_flux * (10 ** (-0.4 * scale * v_x[visit[rows]]) - 10 ** (-0.4 * scale * x_ref))
    # Milky Way dust (not corrected in the challenge data)
    flux *= 10 ** (-0.4 * EXTINCTION_PER_AV[band] * R_V * ebv[obj])
    # noise
    obj_off = FLUX_ERR_OBJECT_SIGMA * rng.standard_normal(n)
    e = rng.standard_normal(len(obj))
    e = e * np.where(e < 0, FLUX_ERR_LOG_SIGMA_LOW[band], FLUX_ERR_LOG_SIGMA_HIGH[band])
    sky = MEDIAN_FLUX_ERR[band] * np.exp(obj_off[obj] + e)
    err = np.sqrt(sky**2 + SOURCE_NOISE_UJY * np.maximum(flux, 0.0))
    n_det = np.bincount(obj, weights=(flux / err >= DETECTION_SNR).astype(float), minlength=n)
    return {"obj": obj, "t": t, "band": band, "visit": visit, "flux": flux, "err": err}, n_det >= MIN_DETECTIONS


def simulate_objects(labels, z, ebv, rng: np.random.Generator):
    """Lightcurve rows of a batch of objects (all meet the detection requirement), as a DataFrame with
    integer column 'obj' (index into labels) and MJD, band, true and noisy flux, flux error. Objects that fail
    are re-drawn (new window, cadence and parameters; class, z and EBV kept), brightened after BOOST_AFTER attempts
    by 0.02 (attempt - BOOST_AFTER)^2 mag (a flux-limited sample: objects far too faint for their z are rare)."""
    labels = np.asarray(labels, dtype=object)
    pending = np.arange(len(labels))
    pieces, attempt = [], 0
    while pending.size:
        if attempt >= MAX_ATTEMPTS:
            raise RuntimeError(f"{pending.size} objects never met the detection requirement")
        boost = 0.02 * max(0, attempt - BOOST_AFTER) ** 2
        rows, ok = _attempt(labels[pending], z[pending], ebv[pending], boost, rng)
        keep = ok[rows["obj"]]
        piece = {k: v[keep] for k, v in rows.items()}
        piece["visit"] = piece["visit"] + attempt * 10**9  # unique visit ids across attempts
        piece["obj"] = pending[piece["obj"]]
        pieces.append(piece)
        pending = pending[~ok]
        attempt += 1
    df = pd.DataFrame({k: np.concatenate([p[k] for p in pieces]) for k in pieces[0]})
    df["flux_obs"] = df["flux"] + df["err"] * rng.standard_normal(len(df))
    return df.sort_values(["obj", "t", "band"], kind="stable").reset_index(drop=True), attempt


def _add_missing_fluxes(df, n_obj, rng, object_fraction=0.035, mean_visits=5.0):
    """Empty Flux values: a few objects lose all rows of a run of consecutive visits (as in the challenge,
    ~3.5% of objects and ~0.17% of rows). df must be sorted by object and time."""
    hit = np.flatnonzero(rng.random(n_obj) < object_fraction)
    n_vis = rng.geometric(1 / mean_visits, n_obj)
    obj, visit = df["obj"].to_numpy(), df["visit"].to_numpy()
    first = np.r_[True, (visit[1:] != visit[:-1]) | (obj[1:] != obj[:-1])]
    v_obj, v_id = obj[first], visit[first]
    v_start = np.searchsorted(v_obj, np.arange(n_obj))
    v_count = np.bincount(v_obj, minlength=n_obj)
    drop = []
    for o in hit:
        if v_count[o] > 2 * n_vis[o]:
            k0 = v_start[o] + rng.integers(0, v_count[o] - n_vis[o] + 1)
            drop.append(v_id[k0 : k0 + n_vis[o]])
    if drop:
        df.loc[np.isin(visit, np.concatenate(drop)), "flux_obs"] = np.nan
    return df
