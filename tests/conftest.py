"""Shared test set-up: the workflow's module on the path, where the real data would be, and the out-of-fold
predictions and metrics that the report's tests draw and tabulate."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

# The team's copy of the real challenge data; users do not have it, so tests that need it skip.
REAL_DATA = REPO.parent / "shared" / "mallorn"


@pytest.fixture
def real_data():
    if not (REAL_DATA / "train_log.csv").is_file():
        pytest.skip(f"real MALLORN data not found at {REAL_DATA}")
    return REAL_DATA


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One end-to-end run on a tiny simulated set, shared by every test that reads its results."""
    from workflow_helpers import TINY_CONFIG, copy_workflow, snakemake

    workdir = copy_workflow(tmp_path_factory.mktemp("tiny"), TINY_CONFIG)
    snakemake(workdir)
    return workdir


@pytest.fixture
def oof():
    """Out-of-fold predictions of 200 objects in 4 folds, as the metrics job pools them (about 15% TDEs)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)
    n = 200
    target = (rng.random(n) < 0.15).astype(int)
    probability = np.clip(0.55 * target + 0.45 * rng.random(n), 0, 1)
    fold = np.arange(n) % 4 + 1
    prediction = (probability >= 0.5).astype(int)
    return pd.DataFrame(
        {
            "object_id": [f"o{i:03d}" for i in range(n)],
            "fold": fold,
            "target": target,
            "probability": probability,
            "prediction": prediction,
        }
    )


@pytest.fixture
def metrics(oof):
    """metrics.json of :func:`oof`: every fold at threshold 0.5."""
    from mallorn_tde.evaluation import cv_metrics

    thresholds = {f"fold_{k}": 0.5 for k in range(1, 5)}
    counts = {"columns": 14, "tested": 4, "kept": 2, "dropped": 2, "kept_untested": 8}
    selection = {**{f"fold_{k}": counts for k in range(1, 5)}, "final": {**counts, "kept": 4, "dropped": 0}}
    return cv_metrics(oof, selection, thresholds)
