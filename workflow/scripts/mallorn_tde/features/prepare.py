"""What every feature set shares: the cleaned, sorted arrays of one split and side, and column names."""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from ..constants import DISTANCE_COLUMNS, FILTERS

NB = len(FILTERS)

_BAD_CHARS = re.compile(r"[^0-9A-Za-z_.\-]")


def sanitize_name(name: str) -> str:
    """Replace every character that is not alphanumeric, ``_``, ``.`` or ``-`` by ``_``.

    This removes the JSON special characters LightGBM rejects (``" , : [ ] { }``) and spaces,
    brackets and ``=`` as well.
    """
    return _BAD_CHARS.sub("_", name)


def unique_names(names: list[str]) -> list[str]:
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


class Prepared:
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
        key = self.obj * NB + self.band
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


def n_jobs_of(n_jobs: int) -> int:
    if n_jobs is None or n_jobs < 0:
        return os.cpu_count() or 1
    return max(int(n_jobs), 1)
