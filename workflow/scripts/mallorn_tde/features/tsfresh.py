"""The tsfresh feature set: tsfresh's calculators on one series per filter (ordered by time).

Columns ``tsfresh__{filter}__{calculator}...``; the calculators are tsfresh's ``minimal``, ``efficient``
or ``comprehensive`` settings. The series (:data:`TSFRESH_SERIES`, config.yaml's ``features.tsfresh_series``):

- ``raw``: the de-extincted flux of each filter as observed, every observation (the seed's method). Its
  statistics mostly encode distance (flux scale), cadence and season gaps.
- ``peak``: the event's shape without its distance. Each object's flux divided by its peak flux (the
  brightest g, r or i observation; any band when it has none of those), only the observations within
  :data:`PEAK_WINDOW` rest-frame days of that peak's time. A maximum of 0.4 in u then says "blue", a median
  of 0.5 over the window "slow decline", whatever the redshift. An object without a positive peak or without
  a redshift has no series (NaN).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import types
import warnings

import numpy as np
import pandas as pd

from ..constants import FILTERS
from .prepare import Prepared

# config.yaml's features.tsfresh and features.tsfresh_series; the schema admits no other values, so nothing
# here checks them again.
TSFRESH_SETTINGS = ("minimal", "efficient", "comprehensive")
TSFRESH_SERIES = ("raw", "peak")
PEAK_BANDS = ("g", "r", "i")  # the brightest observation in these bands is the peak of the ``peak`` series
PEAK_WINDOW = (-50.0, 200.0)  # rest-frame days from the peak that the ``peak`` series keeps


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


@functools.cache
def _tsfresh_suffixes(settings: str) -> tuple[str, ...]:
    """The feature names tsfresh produces for one series kind (data independent), in tsfresh order."""
    rng = np.random.default_rng(0)
    x = np.sin(np.arange(40) / 3.0) + rng.normal(0, 0.1, 40)
    dummy = pd.DataFrame({"id": 0, "kind": "x", "value": x})
    cols = _run_tsfresh(dummy, settings, 1).columns
    return tuple(c.split("__", 1)[1] for c in cols)


def peak_series(p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``peak`` series of every object: (object code, band code, rest-frame days from peak, flux / peak).

    Rows keep :class:`Prepared`'s order (object, band, time), as tsfresh needs them sorted within a series.
    """
    n = len(p.t)
    if not n:
        return p.obj, p.band, p.t, p.f
    in_peak_bands = np.isin(p.band, [FILTERS.index(b) for b in PEAK_BANDS])
    # Per object: rows of the peak bands first, then the highest flux; the first row is the peak.
    order = np.lexsort((-p.f, ~in_peak_bands, p.obj))
    first = order[np.r_[True, p.obj[order][1:] != p.obj[order][:-1]]]
    peak_time = np.full(p.n_obj, np.nan)
    peak_flux = np.full(p.n_obj, np.nan)
    peak_time[p.obj[first]] = p.t[first]
    peak_flux[p.obj[first]] = p.f[first]
    peak_flux[~(peak_flux > 0)] = np.nan
    with np.errstate(invalid="ignore"):
        days = (p.t - peak_time[p.obj]) / (1.0 + p.z[p.obj])
        value = p.f / peak_flux[p.obj]
    keep = (days >= PEAK_WINDOW[0]) & (days <= PEAK_WINDOW[1]) & np.isfinite(value)
    return p.obj[keep], p.band[keep], days[keep], value[keep]


def tsfresh_block(p: Prepared, settings: str, n_jobs: int, series: str = "raw") -> pd.DataFrame:
    suffixes = list(_tsfresh_suffixes(settings))
    if series == "raw":
        obj, band, value = p.obj, p.band, p.f
    else:
        obj, band, _, value = peak_series(p)
    if len(value):
        df = pd.DataFrame({"id": obj, "kind": np.asarray(FILTERS)[band], "value": value})
        res = _run_tsfresh(df, settings, n_jobs)
        extra = [c.split("__", 1)[1] for c in res.columns]
        suffixes += [s for s in dict.fromkeys(extra) if s not in set(suffixes)]
    else:
        res = pd.DataFrame()
    names = [f"{f}__{s}" for f in FILTERS for s in suffixes]
    res = res.reindex(index=np.arange(p.n_obj), columns=names)
    res.columns = [f"tsfresh__{c}" for c in names]
    return res
