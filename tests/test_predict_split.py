"""The test side per split (issue 24): per-split prediction and its gathering against one prediction over the
gathered test table, and the gathering functions themselves."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from mallorn_tde.calibration import fit_calibrator
from mallorn_tde.contract import InputError
from mallorn_tde.io import read_json, read_table, write_table
from mallorn_tde.model import load_models
from mallorn_tde.predictions import (
    candidate_rows,
    files_by_split,
    gather_probabilities,
    read_merged,
    split_probabilities,
    without_redshift,
)
from mallorn_tde.submission import read_sample_submission, submission_table


def csv_text(table: pd.DataFrame, **options) -> str:
    out = io.StringIO()
    table.to_csv(out, index=False, **options)
    return out.getvalue()


def test_per_split_prediction_equals_one_prediction_over_the_gathered_table(tiny_run):
    """Acceptance 2: the same probabilities, to the bit, and the same submission and probabilities files as one
    prediction over the merged test table (what results/features/test.parquet held) with the same model and
    threshold."""
    results = tiny_run / "results"
    catalogs = sorted((results / "catalog" / "test").glob("*.parquet"))
    features = sorted((results / "features").glob("*/test/*.parquet"))
    assert len(catalogs) == 3 and len(features) == 3 * 4
    models = load_models(results / "model" / "final" / "model.txt")
    threshold = read_json(results / "model" / "final" / "threshold.json")["threshold"]
    order = read_sample_submission(results / "simulated" / "sample_submission.csv")

    whole = split_probabilities(models, read_merged(catalogs, features))
    gathered = gather_probabilities(read_table(p) for p in sorted((results / "predictions").glob("*.parquet")))
    pd.testing.assert_series_equal(gathered, whole, check_exact=True)
    # The files the run wrote are those of the one prediction.
    inner = pd.read_csv(results / "model" / "final" / "inner_probabilities.csv")
    calibrator = fit_calibrator(inner["probability"], inner["target"], "platt")  # config.yaml's calibration.method
    submission, probabilities = submission_table(whole, threshold, order, calibrator)
    assert (results / "submission.csv").read_text() == csv_text(submission)
    assert (results / "test_probabilities.csv").read_text() == csv_text(probabilities, float_format="%.10g")
    assert not (results / "features" / "test.parquet").exists()


def test_gather_refuses_an_object_of_two_splits():
    a = pd.DataFrame({"probability": [0.1, 0.2]}, index=pd.Index(["x", "y"], name="object_id"))
    b = pd.DataFrame({"probability": [0.3]}, index=pd.Index(["y"], name="object_id"))
    with pytest.raises(InputError, match="more than one split: y"):
        gather_probabilities([a, b])
    assert gather_probabilities([a, b.rename(index={"y": "z"})]).index.tolist() == ["x", "y", "z"]


def test_an_empty_split_has_no_probabilities():
    empty = pd.DataFrame({"Z": []}, index=pd.Index([], name="object_id"))
    assert split_probabilities(None, empty).empty
    assert without_redshift(empty).empty


def test_candidate_rows_reads_only_the_wanted_objects_split_by_split(tmp_path):
    """The candidates' rows, in the order asked for, from the per-split catalogues and set tables."""
    rng = np.random.default_rng(0)
    catalogs, features = [], []
    for split, ids in {"split_01": ["a", "b", "c"], "split_02": ["d", "e"]}.items():
        index = pd.Index(ids, name="object_id")
        catalog = pd.DataFrame({"Z": rng.random(len(ids)), "EBV": 0.01, "split": split}, index=index)
        write_table(catalog, tmp_path / f"catalog_{split}.parquet")
        for name in ("physics", "gp"):
            table = pd.DataFrame({f"{name}__x": rng.random(len(ids))}, index=index)
            (tmp_path / name).mkdir(exist_ok=True)
            write_table(table, tmp_path / name / f"{split}.parquet")
            features.append(tmp_path / name / f"{split}.parquet")
        (tmp_path / "catalog").mkdir(exist_ok=True)
        (tmp_path / f"catalog_{split}.parquet").rename(tmp_path / "catalog" / f"{split}.parquet")
        catalogs.append(tmp_path / "catalog" / f"{split}.parquet")
    splits = files_by_split(catalogs, features)
    assert sorted(splits) == ["split_01", "split_02"] and len(splits["split_02"][1]) == 2
    rows = candidate_rows(splits, ["e", "a"])
    whole = read_merged(catalogs, features)
    pd.testing.assert_frame_equal(rows, whole.loc[["e", "a"]])
