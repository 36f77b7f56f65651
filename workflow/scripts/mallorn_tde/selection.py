"""The model's inputs and their selection: tsfresh's FDR-controlled relevance test on a training part.

Kept apart from :mod:`mallorn_tde.model` so that selecting features does not import LightGBM and Optuna.
Everything here learns from the rows it is given and from nothing else.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# Columns of the merged table that are not model inputs. Z_err is empty for every training object
# (spectroscopic redshifts), so a model could learn nothing from it but a train/test difference.
NON_FEATURE_COLUMNS = ("target", "split", "Z_err", "SpecType")


def feature_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The model inputs of a merged feature table: every numeric column but labels and bookkeeping.

    Infinities become NaN. Done on the numpy array: pandas' ``replace`` takes ~30 s on 5,000 columns.
    """
    X = table.drop(columns=[c for c in NON_FEATURE_COLUMNS if c in table.columns])
    values = X.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    values[np.isinf(values)] = np.nan
    return pd.DataFrame(values, index=X.index, columns=X.columns)


def relevance_table(X: pd.DataFrame, y: pd.Series, fdr_level: float) -> pd.DataFrame:
    """tsfresh's relevance test for a binary target, with the per-feature tests run as array operations.

    Same tests and decision as ``tsfresh.feature_selection.relevance.calculate_relevance_table`` (checked
    in tests/test_selection.py): a column with one value is "constant" (no p-value), two values "binary"
    (two-sided Fisher exact test), more "real" (two-sided Mann-Whitney U with continuity correction);
    a feature is relevant when the Benjamini-Yekutieli procedure at ``fdr_level`` rejects its
    hypothesis. tsfresh calls scipy once per feature through pandas (~15 ms each, 75 s for 5,000
    features); scipy's test vectorised over the columns gives the same p-values in well under a second.
    ``X`` must have no NaN. Returns columns feature, type, p_value, relevant, sorted by p-value.
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    values = X.to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError("relevance_table needs a matrix without NaN")
    positive = y.astype(bool).to_numpy()
    ordered = np.sort(values, axis=0)
    n_unique = 1 + (np.diff(ordered, axis=0) != 0).sum(axis=0) if len(values) else np.zeros(values.shape[1], int)
    kind = np.where(n_unique == 1, "constant", np.where(n_unique == 2, "binary", "real"))
    p_value = np.full(values.shape[1], np.nan)

    real = np.flatnonzero(kind == "real")
    a, b = values[positive][:, real], values[~positive][:, real]
    if min(a.shape[0], b.shape[0]) > 8:
        # Both samples large: scipy uses the normal approximation for every column, as it would per column.
        p_value[real] = stats.mannwhitneyu(a, b, use_continuity=True, alternative="two-sided", axis=0).pvalue
    else:
        # Small samples: scipy picks the exact test per column unless it has ties, so decide per column.
        for j, col in enumerate(real):
            p_value[col] = stats.mannwhitneyu(a[:, j], b[:, j], use_continuity=True, alternative="two-sided").pvalue

    for col in np.flatnonzero(kind == "binary"):
        x0, x1 = np.unique(values[:, col])
        table = [
            [np.sum(positive & (values[:, col] == x1)), np.sum(positive & (values[:, col] == x0))],
            [np.sum(~positive & (values[:, col] == x1)), np.sum(~positive & (values[:, col] == x0))],
        ]
        p_value[col] = stats.fisher_exact(table, alternative="two-sided").pvalue

    tested = kind != "constant"
    relevant = np.zeros(values.shape[1], dtype=bool)
    if tested.any():
        relevant[tested] = multipletests(p_value[tested], fdr_level, "fdr_by")[0]
    table = pd.DataFrame({"feature": X.columns, "type": kind, "p_value": p_value, "relevant": relevant})
    return table.sort_values(["p_value", "feature"], kind="mergesort", na_position="last").reset_index(drop=True)


# Feature sets of generic time-series statistics; with ``tested: generic`` only these go through the
# relevance test and every other column (physics, gp, Z, EBV) is always kept.
GENERIC_SETS = ("tsfresh", "lightcurve")
TESTED = ("all", "generic")


def is_generic(column: str) -> bool:
    return column.split("__", 1)[0] in GENERIC_SETS


def tested_columns(columns, tested: str) -> list[str]:
    """The columns that face the relevance test under ``selection.tested`` (``all`` or ``generic``)."""
    if tested not in TESTED:
        raise ValueError(f"selection.tested must be one of {TESTED}, got {tested!r}")
    return [c for c in columns if tested == "all" or is_generic(c)]


def selection_counts(columns, tested: str, selected) -> dict[str, int]:
    """How a selection went: columns offered, how many faced the test, and of those how many were kept and
    dropped (empty and constant columns count as dropped), and how many were kept without a test."""
    faced = set(tested_columns(columns, tested))
    kept = faced & set(selected)
    return {
        "columns": len(columns),
        "tested": len(faced),
        "kept": len(kept),
        "dropped": len(faced) - len(kept),
        "kept_untested": len(set(selected) - faced),
    }


def select(X: pd.DataFrame, y: pd.Series, settings: dict):
    """Selection as configured (``selection`` in config.yaml): which columns are tested, FDR level, bounds.

    ``tested``: ``all`` runs the relevance test over every column; ``generic`` only over the generic sets'
    columns (:data:`GENERIC_SETS`), keeping the rest unconditionally. ``max_features`` (0: no cap) keeps at
    most that many of the tested columns that pass, those with the smallest p-values.
    Returns (selected column names in their original order, relevance table of the tested columns).
    """
    tested = tested_columns(X.columns, settings["tested"])
    faced = set(tested)
    kept = [c for c in X.columns if c not in faced]
    chosen, table = (
        select_features(X[tested], y, settings["fdr_level"], settings["min_features"], settings.get("max_features", 0))
        if tested
        else ([], pd.DataFrame(columns=["feature", "type", "p_value", "relevant"]))
    )
    chosen = set(chosen) | set(kept)
    return [c for c in X.columns if c in chosen], table


def select_features(X: pd.DataFrame, y: pd.Series, fdr_level: float, min_features: int, max_features: int = 0):
    """Features whose relation to the label passes tsfresh's FDR-controlled relevance test.

    NaNs are filled with the column medians of ``X`` (the rows given, i.e. the training part) for the
    test only; the model itself sees the NaNs, which LightGBM handles natively. Columns that are empty or
    constant are dropped first. When fewer than ``min_features`` pass (tiny data sets), the
    ``min_features`` with the smallest p-values are kept, so a model can still be fitted; when more than
    ``max_features`` pass (0: no cap), the ``max_features`` with the smallest p-values.
    Returns (selected column names in their original order, relevance table).
    """
    values = X.to_numpy(dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: dropped just below
        low, high, median = np.nanmin(values, axis=0), np.nanmax(values, axis=0), np.nanmedian(values, axis=0)
    usable = np.flatnonzero(low < high)  # at least two distinct values (False for all-NaN columns)
    filled = np.where(np.isnan(values[:, usable]), median[usable], values[:, usable])
    X_imp = pd.DataFrame(filled, index=X.index, columns=X.columns[usable])
    table = relevance_table(X_imp, y, fdr_level)
    table = table.loc[table["p_value"].notna()].reset_index(drop=True)
    relevant = set(table.loc[table["relevant"], "feature"])
    if len(relevant) < min_features:
        relevant = set(table["feature"].iloc[:min_features])
        log.warning(
            "only %d feature(s) pass FDR %.3g; kept the %d with the smallest p-values",
            int(table["relevant"].sum()),
            fdr_level,
            len(relevant),
        )
    if max_features and len(relevant) > max_features:
        relevant = set(table.loc[table["feature"].isin(relevant), "feature"].iloc[:max_features])
    selected = [c for c in X.columns if c in relevant]
    return selected, table
