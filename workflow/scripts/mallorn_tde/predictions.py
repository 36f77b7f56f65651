"""The test side per split: each split's merged table and probabilities, and the gathering of the splits' results.

One job per test split predicts from that split's tables alone (:func:`read_merged`, :func:`split_probabilities`);
the submission, the probabilities table and the report's candidates are gathered from the per-split
probabilities (:func:`gather_probabilities`) and the candidates' own rows (:func:`candidate_rows`). No job holds
the features of the whole test side. A LightGBM prediction of a row depends on that row alone, so the gathered
probabilities are those of one prediction over the merged test table (tests/test_predict_split.py checks it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .contract import InputError, format_ids
from .features import merge_tables
from .io import read_rows, read_table, read_tables
from .model import predict
from .selection import feature_matrix


def read_merged(catalogs, features) -> pd.DataFrame:
    """:func:`~mallorn_tde.features.merge_tables` of the given per-split catalogues and per-set feature tables
    (files), as the training side's merge job makes it (workflow/scripts/merge.py): one test split's for its
    prediction job, or every test split's for a check by hand."""
    return merge_tables(read_tables(catalogs), {path: read_table(path) for path in features})


def split_probabilities(models, table: pd.DataFrame) -> pd.Series:
    """The TDE probability of each object of a merged table (index object_id), in the table's order."""
    values = predict(models, feature_matrix(table)) if len(table) else []
    return pd.Series(values, index=table.index, name="probability", dtype="float64")


def without_redshift(table: pd.DataFrame) -> pd.Index:
    """Objects of a merged table without a redshift (they are classified all the same, from their other features)."""
    return table.index[table["Z"].isna()] if "Z" in table else table.index[:0]


def gather_probabilities(parts) -> pd.Series:
    """The per-split probabilities (tables of :func:`split_probabilities`, in split order) as one series.

    An object predicted in two splits is an error: the submission would hold it twice.
    """
    parts = list(parts)
    if not parts:
        return pd.Series(dtype="float64", name="probability", index=pd.Index([], name="object_id"))
    proba = pd.concat([part["probability"] for part in parts])
    duplicated = proba.index.duplicated(keep=False)
    if duplicated.any():
        raise InputError(f"test objects predicted in more than one split: {format_ids(proba.index[duplicated])}")
    return proba


def files_by_split(catalogs, features) -> dict[str, tuple[str, list[str]]]:
    """Split name -> (its catalogue, its feature tables), from per-split paths named ``.../{split}.parquet``."""
    grouped = {Path(path).stem: (str(path), []) for path in catalogs}
    for path in features:
        split = Path(path).stem
        if split not in grouped:
            raise ValueError(f"{path}: no catalogue of {split} among {sorted(grouped)}")
        grouped[split][1].append(str(path))
    return grouped


def candidate_rows(splits: dict[str, tuple[str, list[str]]], ids) -> pd.DataFrame:
    """The merged-table rows of the objects ``ids``, in that order, from the per-split tables
    (:func:`files_by_split`), read split by split and only those objects' rows of each table: the report's
    candidates need their own rows of features, not the test side's."""
    wanted = pd.Index([str(i) for i in ids])
    parts = []
    for catalog, features in splits.values():
        meta = read_rows(catalog, wanted)
        if len(meta):
            parts.append(merge_tables(meta, {path: read_rows(path, meta.index) for path in features}))
    if not parts:
        raise ValueError(f"none of the {len(wanted)} object(s) is in the test catalogues")
    rows = pd.concat(parts)
    return rows.loc[wanted[wanted.isin(rows.index)]]
