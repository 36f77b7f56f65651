"""mallorn_tde.submission: one row per test object in the sample submission's order, TDE at or above the cut."""

import pandas as pd
import pytest

from mallorn_tde.submission import submission_table


def probabilities(values: dict) -> pd.Series:
    return pd.Series(values, name="probability").rename_axis("object_id")


def test_rows_follow_the_sample_submission_and_the_threshold_is_inclusive():
    proba = probabilities({"a": 0.2, "b": 0.5, "c": 0.9})
    submission, table = submission_table(proba, 0.5, order=pd.Series(["c", "a", "b"]))
    assert submission.columns.tolist() == ["object_id", "prediction"]
    assert submission["object_id"].tolist() == ["c", "a", "b"]
    assert submission["prediction"].tolist() == [1, 0, 1]  # b sits exactly on the threshold: a TDE
    assert table["object_id"].tolist() == ["c", "a", "b"] and table["probability"].tolist() == [0.9, 0.2, 0.5]


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_the_calibrated_probability_goes_beside_the_raw_score_and_leaves_the_submission_alone(method):
    from mallorn_tde.calibration import fit_calibrator

    calibrator = fit_calibrator([0.1, 0.2, 0.3, 0.6, 0.7, 0.95], [0, 0, 1, 0, 1, 1], method)
    proba = probabilities({"a": 0.2, "b": 0.5, "c": 0.9})
    order = pd.Series(["c", "a", "b"])
    plain, _ = submission_table(proba, 0.5, order)
    submission, table = submission_table(proba, 0.5, order, calibrator)
    assert submission.equals(plain)
    assert table.columns.tolist() == ["object_id", "probability", "calibrated_probability"]
    assert table["calibrated_probability"].tolist() == calibrator([0.9, 0.2, 0.5]).tolist()


def test_without_a_sample_submission_the_rows_keep_the_test_tables_order():
    submission, _ = submission_table(probabilities({"b": 0.7, "a": 0.1}), 0.5)
    assert submission["object_id"].tolist() == ["b", "a"] and submission["prediction"].tolist() == [1, 0]


@pytest.mark.parametrize(
    "order, message",
    [
        (["a", "b", "x"], r"1 id\(s\) without a prediction \['x'\]"),
        (["a"], r"1 predicted id\(s\) not in the sample \['b'\]"),
    ],
)
def test_an_object_missing_on_either_side_is_an_error(order, message):
    with pytest.raises(ValueError, match=message):
        submission_table(probabilities({"a": 0.1, "b": 0.9}), 0.5, order=pd.Series(order))
