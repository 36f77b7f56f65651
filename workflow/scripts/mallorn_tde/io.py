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
