"""mallorn_tde.io: a table comes back as it was written, JSON is written the same way every time."""

import numpy as np
import pandas as pd
import pytest

from mallorn_tde.io import read_json, read_rows, read_table, write_json, write_table


@pytest.mark.parametrize("kind", ["floats", "mixed"])
def test_round_trip_keeps_index_columns_values_and_nan(tmp_path, kind):
    index = pd.Index(["b", "a", "c"], name="object_id")
    df = pd.DataFrame({"x": [1.5, np.nan, -np.inf], "y": [0.0, 2.0, 3.0]}, index=index)
    if kind == "mixed":
        df["split"] = ["split_01", None, "split_02"]
        df["target"] = [1, 0, 1]
    write_table(df, tmp_path / "t.parquet")
    back = read_table(tmp_path / "t.parquet")
    assert list(back.index) == ["b", "a", "c"] and back.index.name == "object_id"
    assert list(back.columns) == list(df.columns)
    np.testing.assert_array_equal(back[["x", "y"]].to_numpy(), df[["x", "y"]].to_numpy())
    if kind == "mixed":
        assert back["split"].iloc[0] == "split_01" and pd.isna(back["split"].iloc[1])
        assert back["target"].tolist() == [1, 0, 1]


def test_unnamed_index_is_refused(tmp_path):
    with pytest.raises(ValueError, match="named index"):
        write_table(pd.DataFrame({"x": [1.0]}), tmp_path / "t.parquet")


def test_tables_written_by_pandas_keep_their_index(tmp_path):
    df = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="object_id"))
    df.to_parquet(tmp_path / "t.parquet")
    back = read_table(tmp_path / "t.parquet")
    assert list(back.index) == ["a", "b"] and list(back.columns) == ["x"]


def test_json_is_written_indented_with_sorted_keys_and_read_back(tmp_path):
    value = {"b": [1, 0.1], "a": {"y": None, "x": "text"}}
    write_json(value, tmp_path / "v.json")
    assert (tmp_path / "v.json").read_text() == (
        '{\n  "a": {\n    "x": "text",\n    "y": null\n  },\n  "b": [\n    1,\n    0.1\n  ]\n}'
    )
    assert read_json(tmp_path / "v.json") == value


def test_read_rows_reads_the_asked_rows_and_for_no_ids_none(tmp_path):
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=pd.Index(["a", "b", "c"], name="object_id"))
    write_table(table, tmp_path / "t.parquet")
    rows = read_rows(tmp_path / "t.parquet", ["c", "a", "absent"])
    pd.testing.assert_frame_equal(rows, table.loc[["a", "c"]])  # the table's order, absent ids skipped
    empty = read_rows(tmp_path / "t.parquet", [])
    assert empty.empty and empty.index.name == "object_id" and list(empty.columns) == ["x"]
