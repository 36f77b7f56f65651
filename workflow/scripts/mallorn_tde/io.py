"""Reading and writing the workflow's intermediate files: tables, lists of names, fold tables and JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def read_table(path) -> pd.DataFrame:
    """A table written by :func:`write_table`: its first column becomes the index again.

    A table written by pandas itself (with pandas' metadata, as earlier versions of this workflow did)
    gets its index back from that metadata.
    """
    table = pq.read_table(path)
    df = table.to_pandas()
    return df if table.schema.pandas_metadata else df.set_index(df.columns[0])


def read_columns(path, columns) -> pd.DataFrame:
    """Some columns of a table written by :func:`write_table` (its first column is the index).

    Reads only those columns: the merged feature tables have thousands.
    """
    schema = pq.read_schema(path)
    index = schema.names[0]
    wanted = [c for c in columns if c in schema.names and c != index]
    return pq.read_table(path, columns=[index, *wanted]).to_pandas().set_index(index)


def read_rows(path, ids) -> pd.DataFrame:
    """The rows of ``ids`` (index values; any order, absent ones skipped) of a table written by
    :func:`write_table`: parquet's filter reads those rows, not the whole table."""
    schema = pq.read_schema(path)
    index = schema.names[0]
    if not len(ids):
        return schema.empty_table().to_pandas().set_index(index)
    return pq.read_table(path, filters=[(index, "in", [str(i) for i in ids])]).to_pandas().set_index(index)


def read_tables(paths) -> pd.DataFrame:
    """Several tables of the same columns (say the per-split catalogues of one side), one after the other."""
    return pd.concat([read_table(path) for path in paths])


def write_table(df: pd.DataFrame, path) -> None:
    """Parquet with the index as the first column, then ``df``'s columns; NaN floats stay NaN.

    The arrays are handed to pyarrow ready-made: ``DataFrame.to_parquet`` infers every column's type
    through pandas' metadata machinery, ~0.1 ms a column, which is most of the cost of writing the
    5,000-column feature tables.
    """
    if df.index.name is None or df.index.name in df.columns:
        raise ValueError("write_table needs a named index that is not also a column")
    arrays = [pa.array(df.index.to_numpy(), from_pandas=True)]
    if len(df.columns) and all(dtype == np.float64 for dtype in df.dtypes):
        values = df.to_numpy()
        arrays += [pa.array(values[:, j]) for j in range(values.shape[1])]
    else:
        for name in df.columns:
            column = df[name].to_numpy()
            arrays.append(pa.array(column) if column.dtype == np.float64 else pa.array(column, from_pandas=True))
    names = [str(df.index.name), *map(str, df.columns)]
    pq.write_table(pa.Table.from_arrays(arrays, names=names), path)


def read_lines(path) -> list[str]:
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip()]


def write_lines(lines, path) -> None:
    with open(path, "w") as handle:
        handle.writelines(f"{line}\n" for line in lines)


def read_folds(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


def write_json(value, path) -> None:
    """Indented, keys sorted: a file that is the same for the same value, and that a reader can diff."""
    with open(path, "w") as handle:
        json.dump(value, handle, indent=2, sort_keys=True)
