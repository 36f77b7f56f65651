"""Reading and writing the workflow's intermediate tables."""

from __future__ import annotations

import pandas as pd


def read_table(path) -> pd.DataFrame:
    return pd.read_parquet(path)


def write_table(df: pd.DataFrame, path) -> None:
    df.to_parquet(path, engine="pyarrow", index=True)


def read_lines(path) -> list[str]:
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip()]


def write_lines(lines, path) -> None:
    with open(path, "w") as handle:
        handle.writelines(f"{line}\n" for line in lines)


def read_folds(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")


def read_training_part(features_path, folds_paths, scope: str) -> pd.DataFrame:
    """The merged training table, cut to what ``scope`` may learn from.

    ``folds_paths`` is the rule's optional fold input: empty for the final fit (every object), else the fold table.
    """
    from .evaluation import training_ids

    table = read_table(features_path)
    if folds_paths:
        table = table.loc[training_ids(read_folds(folds_paths[0]), scope)]
    return table
