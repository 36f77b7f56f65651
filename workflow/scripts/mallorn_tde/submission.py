"""The challenge submission: one row per test object, in the sample submission's order."""

from __future__ import annotations

import pandas as pd


def submission_table(proba: pd.Series, threshold: float, order: pd.Series | None = None):
    """(submission, probabilities) tables; ``order`` (object ids of sample_submission.csv) fixes the rows.

    Every id of ``order`` must have a probability and vice versa: a submission that silently dropped
    or invented objects would be scored wrongly.
    """
    if order is not None:
        missing = pd.Index(order).difference(proba.index)
        extra = proba.index.difference(pd.Index(order))
        if len(missing) or len(extra):
            raise ValueError(
                f"sample_submission.csv and the test log disagree: {len(missing)} id(s) without a prediction "
                f"{list(missing[:10])}, {len(extra)} predicted id(s) not in the sample {list(extra[:10])}"
            )
        proba = proba.reindex(pd.Index(order))
    probabilities = pd.DataFrame({"object_id": proba.index, "probability": proba.to_numpy()})
    submission = pd.DataFrame({"object_id": proba.index, "prediction": (proba.to_numpy() >= threshold).astype(int)})
    return submission, probabilities
