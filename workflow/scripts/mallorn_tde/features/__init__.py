"""Per-object features of MALLORN lightcurves, one module per feature set.

Entry point: :func:`extract_features`. Input is the ingested lightcurve table of one split and side
(``object_id, mjd, flux, flux_err, filter``; flux in microjansky, Milky Way dust already removed) and
the metadata indexed by ``object_id``: the catalogue's columns ``Z``, ``lum_dist_mpc`` and ``distmod``
(:func:`mallorn_tde.catalog.with_distances`). Output has one float64 row per object of
``meta.index`` (in that order), columns prefixed by set:

- ``tsfresh__{filter}__...``: tsfresh features of the flux series of each filter (:mod:`.tsfresh`);
- ``lightcurve__{filter}__...``: the ``light_curve`` package per filter, Bazin/Villar fits included
  (:mod:`.lightcurve`);
- ``physics__...``: hand-written physical features of the whole object (:mod:`.physics`);
- ``gp__...``: features of one 2D Gaussian process per object over rest-frame time and wavelength
  (:mod:`.gp`).

Objects without usable observations get an all-NaN row; a filter without observations gives NaN in
that filter's columns. +-inf is replaced by NaN; names are sanitized for LightGBM; the result is
deterministic (same input, same values and column order, whatever ``n_jobs``).
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import DISTANCE_COLUMNS
from .prepare import Prepared, n_jobs_of, unique_names

SETS = ("tsfresh", "lightcurve", "physics", "gp")
# Objects per chunk of :func:`extract_with_progress`: a line in the job's log after each (a real split's
# gp job takes about 0.05 CPU s per object, so about every 5 s).
PROGRESS_EVERY = 100
# Catalogue columns carried into the merged tables: model inputs (Z, EBV), bookkeeping and labels.
META_COLUMNS = ("Z", "EBV", "Z_err", "split", "SpecType", "target")
# Sets that need the catalogue's distances (absolute magnitudes, luminosities).
_NEEDS_DISTANCES = ("physics", "gp")
# The line an extraction job logs for each set it computed (workflow/scripts/extract.py): set, objects,
# features, the set's CPU seconds. benchmarks/ablation.py reads it back with :func:`read_set_cpu`.
SET_CPU_LINE = "%s: %d objects x %d features, %.2f CPU s in this process"


def _block(name: str, p: Prepared, tsfresh_settings: str, tsfresh_series: str, jobs: int) -> pd.DataFrame:
    # Each set's module is imported by name, only when the set is computed: tsfresh's import alone takes
    # seconds, and the workflow's code tracking (mallorn_tde.sources) then counts a set's module as code of
    # the extraction only when the set is configured, so an edit of tsfresh.py reruns nothing while tsfresh
    # is not among features.sets.
    module = importlib.import_module(f"{__name__}.{name}")
    if name == "tsfresh":
        return module.tsfresh_block(p, tsfresh_settings, jobs, tsfresh_series)
    if name == "lightcurve":
        return module.lightcurve_block(p, jobs)
    return getattr(module, f"{name}_block")(p)


def extract_features(
    lc: pd.DataFrame,
    meta: pd.DataFrame,
    sets: list[str],
    tsfresh_settings: str,
    n_jobs: int,
    tsfresh_series: str = "raw",
) -> pd.DataFrame:
    """Feature matrix of one split and side: one float64 row per object of ``meta.index``.

    ``sets`` is any subset of :data:`SETS` (output blocks follow the order of :data:`SETS`);
    ``tsfresh_settings`` one of :data:`.tsfresh.TSFRESH_SETTINGS` and ``tsfresh_series`` one of
    :data:`.tsfresh.TSFRESH_SERIES`; ``n_jobs`` goes to tsfresh (1 -> no worker
    processes) and to light-curve's ``many``; a negative value means all CPUs.
    """
    unknown = set(sets) - set(SETS)
    if unknown:
        raise ValueError(f"unknown feature sets {sorted(unknown)}; choose from {SETS}")
    missing = [c for c in DISTANCE_COLUMNS if c not in meta]
    if missing and set(sets) & set(_NEEDS_DISTANCES):
        raise ValueError(f"meta lacks {missing}; add them with mallorn_tde.catalog.with_distances")
    jobs = n_jobs_of(n_jobs)
    p = Prepared(lc, meta)
    blocks = [_block(name, p, tsfresh_settings, tsfresh_series, jobs) for name in SETS if name in sets]
    if blocks:
        values = np.concatenate([b.to_numpy(np.float64) for b in blocks], axis=1)
        names = [c for b in blocks for c in b.columns]
    else:
        values, names = np.zeros((p.n_obj, 0)), []
    values[~np.isfinite(values)] = np.nan
    return pd.DataFrame(values, index=pd.Index(p.ids, name="object_id"), columns=unique_names(names))


def extract_with_progress(
    lc: pd.DataFrame,
    meta: pd.DataFrame,
    sets: list[str],
    tsfresh_settings: str,
    n_jobs: int,
    every: int = PROGRESS_EVERY,
    log: logging.Logger | None = None,
    tsfresh_series: str = "raw",
) -> pd.DataFrame:
    """:func:`extract_features` over chunks of ``every`` objects, logging the progress after each chunk.

    Every set computes each object from its own observations alone, so the result is the same table as one
    call over all objects (tests/test_features.py checks it); the log tells how far a long job has come.
    """
    log = log or logging.getLogger(__name__)
    every = max(int(every), 1)
    if len(meta) <= every:
        return extract_features(lc, meta, sets, tsfresh_settings, n_jobs, tsfresh_series)
    object_ids = lc["object_id"].astype(str)
    started = time.monotonic()
    blocks = []
    for start in range(0, len(meta), every):
        part = meta.iloc[start : start + every]
        part_lc = lc[object_ids.isin(part.index)]
        blocks.append(extract_features(part_lc, part, sets, tsfresh_settings, n_jobs, tsfresh_series))
        done, elapsed = start + len(part), time.monotonic() - started
        left = elapsed / done * (len(meta) - done)
        log.info(
            "%s: %d/%d objects, %.0f s elapsed, about %.0f s to go", "+".join(sets), done, len(meta), elapsed, left
        )
    return pd.concat(blocks, axis=0)


def read_set_cpu(path, name: str) -> float | None:
    """CPU seconds of set ``name`` from an extraction job's log (:data:`SET_CPU_LINE`), or None if it has none."""
    pattern = rf": {re.escape(name)}: \d+ objects x \d+ features, ([0-9.]+) CPU s in this process$"
    found = re.findall(pattern, Path(path).read_text(), flags=re.M)
    return float(found[-1]) if found else None


def merge_tables(meta: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One side's merged table: the catalogue's :data:`META_COLUMNS`, then every feature column.

    ``tables`` holds the per-set, per-split tables (any order): tables of one set are stacked (they share
    columns), then the sets are joined side by side in the order of :data:`SETS`, rows in catalogue order.
    """
    by_set: dict[str, list[pd.DataFrame]] = {}
    for table in tables.values():
        if len(table.columns):
            by_set.setdefault(table.columns[0].split("__", 1)[0], []).append(table)
    keep = [c for c in META_COLUMNS if c in meta.columns]
    if "SpecType" in keep and not meta["SpecType"].notna().any():
        keep.remove("SpecType")  # the test log's SpecType is empty
    parts = [meta[keep]]
    for name in sorted(by_set, key=SETS.index):
        parts.append(pd.concat(by_set[name]).reindex(meta.index))
    return pd.concat(parts, axis=1)
