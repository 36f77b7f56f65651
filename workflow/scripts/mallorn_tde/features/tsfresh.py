"""The tsfresh feature set: tsfresh's calculators on the flux series of each filter (ordered by time).

Columns ``tsfresh__{filter}__{calculator}...``; the calculators are tsfresh's ``minimal``, ``efficient``
or ``comprehensive`` settings.
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

# config.yaml's features.tsfresh; the schema admits no other value, so nothing here checks it again.
TSFRESH_SETTINGS = ("minimal", "efficient", "comprehensive")


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


def tsfresh_block(p: Prepared, settings: str, n_jobs: int) -> pd.DataFrame:
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
