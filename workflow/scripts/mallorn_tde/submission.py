"""The challenge submission: one row per test object, in the sample submission's order."""

from __future__ import annotations

import pandas as pd

from .constants import SAMPLE_SUBMISSION
from .contract import InputError, check_columns, check_unique_ids, read_csv


def read_sample_submission(path) -> pd.Series:
    """The object ids of a sample submission, in its order, checked as the data contract says."""
    df = read_csv(path)
    ids = check_columns(df, SAMPLE_SUBMISSION, path)["object_id"]
    check_unique_ids(ids, path)
    return ids


def submission_table(proba: pd.Series, threshold: float, order: pd.Series | None = None, calibrator=None):
    """(submission, probabilities) tables; ``order`` (object ids of sample_submission.csv) fixes the rows.

    Every id of ``order`` must have a probability and vice versa: a submission that silently dropped
    or invented objects would be scored wrongly. The probabilities table holds the raw score (``probability``,
    the submission's) and, with a ``calibrator`` (:func:`mallorn_tde.calibration.fit_calibrator`), the
    calibrated P(TDE) beside it (``calibrated_probability``); the submission is the raw score at ``threshold``.
    """
    if order is not None:
        missing = pd.Index(order).difference(proba.index)
        extra = proba.index.difference(pd.Index(order))
        if len(missing) or len(extra):
            raise InputError(
                f"sample_submission.csv and the test log disagree in column 'object_id': {len(missing)} id(s) "
                f"without a prediction {list(missing[:10])}, {len(extra)} predicted id(s) not in the sample "
                f"{list(extra[:10])}"
            )
        proba = proba.reindex(pd.Index(order))
    probabilities = pd.DataFrame({"object_id": proba.index, "probability": proba.to_numpy()})
    if calibrator is not None:
        probabilities["calibrated_probability"] = calibrator(proba.to_numpy()) if len(proba) else []
    submission = pd.DataFrame({"object_id": proba.index, "prediction": (proba.to_numpy() >= threshold).astype(int)})
    return submission, probabilities
