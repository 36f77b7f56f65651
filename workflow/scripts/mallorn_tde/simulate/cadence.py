"""When each object is observed, and in which filters: an LSST-like cadence.

Each object gets a data window inside the survey (and, for a transient, its peak inside the window); visits
then lie on a per-object time grid inside yearly observing seasons, and each visit observes one to five
filters at one timestamp, with the wide and deep-drilling fields' combinations of :mod:`.tables`.
"""

from __future__ import annotations

import numpy as np

from ..constants import FILTERS
from .models import _n
from .tables import DDF_FRACTION, DDF_VISIT_COMBOS, SURVEY_END_MJD, SURVEY_START_MJD, VISIT_COMBOS, YEAR_DAYS


def _combo_table(combos):
    names = [c for c, _ in combos]
    w = np.array([w for _, w in combos], dtype=float)
    length = np.array([len(c) for c in names])
    offset = np.r_[0, np.cumsum(length)[:-1]]
    flat = np.array([FILTERS.index(f) for c in names for f in c])
    return w / w.sum(), length, offset, flat


_COMBOS = _combo_table(VISIT_COMBOS)
_DDF_COMBOS = _combo_table(DDF_VISIT_COMBOS)


def observation_windows(is_transient: np.ndarray, rng: np.random.Generator):
    """Per-object data window [start, end] and, for transients, the peak time inside it (MJD).

    Transients: a window of ~2200 +- 380 days (at most 2850), the peak at 15-85% of it; AGN: ~2500 +- 650
    days; both placed at random in the survey and clipped to it, as the challenge's windows are.
    """
    n = len(is_transient)
    width = np.where(is_transient, _n(rng, 2200, 380, n, 700, 2850), _n(rng, 2500, 650, n, 500, 3700))
    # a window may reach past either end of the survey (it is clipped below)
    lo = SURVEY_START_MJD - np.where(is_transient, 300.0, 500.0)
    hi = SURVEY_END_MJD - width + 100.0
    start = rng.uniform(lo, np.maximum(hi, lo + 1))
    peak = start + rng.uniform(0.15, 0.85, n) * width
    end = np.minimum(SURVEY_END_MJD, start + width)
    start = np.maximum(SURVEY_START_MJD, start)
    return start, end, peak


def cadence(z, start, end, rng: np.random.Generator):
    """LSST-like visits of each object inside its window.

    Visits lie on a per-object time grid (step ~2 days, growing with z as in the challenge data), inside yearly
    observing seasons (~150 days; deep-drilling-like objects ~225 days and ~4x more visits); each visit observes
    one to five filters at the same timestamp. Returns per-row arrays (object index, MJD, filter index), rows
    grouped by object and sorted by time.
    """
    n = len(z)
    ddf = rng.random(n) < DDF_FRACTION
    step = np.clip(1.98 * (1 + z) ** 0.55 * np.exp(0.07 * rng.standard_normal(n)), 1.2, 13.0)
    season_len = np.where(ddf, _n(rng, 225, 15, n, 150, 300), _n(rng, 150, 35, n, 60, 250))
    centre = rng.uniform(0, YEAR_DAYS, n)
    span = np.maximum(end - start, 0.0)
    n_target = np.where(ddf, _n(rng, 375, 70, n, 170, 470), _n(rng, 92, 9, n, 40, 140) * np.minimum(1.0, span / 2000.0))
    n_target = np.maximum(np.round(n_target), 12).astype(int)
    offset = rng.uniform(0, 1, n) * step
    k_count = np.maximum(np.floor((span - offset) / step).astype(int) + 1, 0)
    g_obj = np.repeat(np.arange(n), k_count)
    first = np.r_[0, np.cumsum(k_count)[:-1]]
    k = np.arange(len(g_obj)) - np.repeat(first, k_count)
    t = start[g_obj] + offset[g_obj] + k * step[g_obj]
    d = (t - centre[g_obj] + YEAR_DAYS / 2) % YEAR_DAYS - YEAR_DAYS / 2
    keep = np.abs(d) < season_len[g_obj] / 2
    g_obj, t = g_obj[keep], t[keep]
    # a random subset of the in-season grid points, n_target per object on average (already time-sorted)
    avail = np.bincount(g_obj, minlength=n)
    keep = rng.random(len(g_obj)) < (n_target / np.maximum(avail, 1))[g_obj]
    g_obj, t = g_obj[keep], np.round(t[keep], 4)
    # filters of each visit
    length = np.empty(len(g_obj), dtype=int)
    offs = np.empty(len(g_obj), dtype=int)
    is_ddf = ddf[g_obj]
    tables = ((_COMBOS, ~is_ddf), (_DDF_COMBOS, is_ddf))
    for table, mask in tables:
        combo = rng.choice(len(table[0]), size=mask.sum(), p=table[0])
        length[mask], offs[mask] = table[1][combo], table[2][combo]
    visit = np.repeat(np.arange(len(g_obj)), length)
    j = np.arange(len(visit)) - np.repeat(np.r_[0, np.cumsum(length)[:-1]], length)
    band = np.empty(len(visit), dtype=int)
    for table, mask in tables:
        rows = mask[visit]
        band[rows] = table[3][offs[visit[rows]] + j[rows]]
    return g_obj[visit], t[visit], band, visit
