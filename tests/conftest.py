"""Shared test set-up: the workflow's module on the path, where the real data would be, the tests that run
only in CI, the tiny run that many tests read, and the out-of-fold predictions and metrics that the report's
tests draw and tabulate."""

import fcntl
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

# The team's copy of the real challenge data; users do not have it, so tests that need it skip.
REAL_DATA = REPO.parent / "shared" / "mallorn"


# Session-scoped, so that it is set up (and skips) before a test's module-scoped fixtures: without the data,
# tests/test_realism.py does not simulate its 4,000 objects for nothing.
@pytest.fixture(scope="session")
def real_data():
    if not (REAL_DATA / "train_log.csv").is_file():
        pytest.skip(f"real MALLORN data not found at {REAL_DATA}")
    return REAL_DATA


CI_ONLY = (
    "run only in CI (.ci/run): minutes of work, Chromium or Slurm, or a check the default run makes another way;"
    " pytest --ci runs it"
)


def pytest_addoption(parser):
    parser.addoption("--ci", action="store_true", help="also run the tests marked ci, as .ci/run does")


# The longest modules, run first (pytest.ini keeps pytest-xdist to this order): a long one started last would
# keep one worker busy while the other idles. The first two run the workflow several times.
LONG_MODULES = ("test_rerun.py", "test_rebuild.py", "test_gp.py", "test_features.py")


def pytest_collection_modifyitems(config, items):
    """The longest modules first; tests marked ``ci`` skip, saying why, unless --ci is given."""
    items.sort(key=lambda item: LONG_MODULES.index(item.path.name) if item.path.name in LONG_MODULES else 99)
    if config.getoption("--ci"):
        return
    for item in items:
        if item.get_closest_marker("ci"):
            item.add_marker(pytest.mark.skip(reason=CI_ONLY))


def pytest_xdist_auto_num_workers(config):
    """Workers for pytest.ini's ``-n auto``: one per core this process may use, or none with -s (a worker's
    output is not shown)."""
    return 0 if config.getoption("capture") == "no" else len(os.sched_getaffinity(0))


def shared_folder(tmp_path_factory, name: str, build) -> Path:
    """A folder that ``build(folder)`` fills once per test session, however many pytest-xdist workers ask.

    The first to ask builds it under a lock in the session's temporary root (the workers share it) and
    marks it done; the others wait for the lock and read the same folder. Tests must not change it: one that
    needs to, changes a copy (shutil.copytree(..., symlinks=True) keeps the time stamps Snakemake reads).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's base is a folder of the session's
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed part-way
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One end-to-end run on a tiny simulated set, shared by every test (and worker) that reads its results."""
    from workflow_helpers import TINY_CONFIG, copy_workflow, snakemake

    def build(folder):
        copy_workflow(folder, TINY_CONFIG)
        snakemake(folder)

    return shared_folder(tmp_path_factory, "tiny", build)


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
def inner(oof):
    """Each fold's inner out-of-fold probabilities, as the tuning writes them: its training part (the other
    folds' objects), scored by a model of its own (here: the out-of-fold scores, nudged)."""
    import numpy as np

    tables = {}
    for k in range(1, 5):
        part = oof.loc[oof["fold"] != k, ["object_id", "target", "probability"]]
        nudge = np.random.default_rng(k).normal(0, 0.05, len(part))
        tables[f"fold_{k}"] = part.assign(probability=(part["probability"] + nudge).clip(0, 1))
    return tables


@pytest.fixture
def metrics(oof, inner):
    """metrics.json of :func:`oof`: every fold at threshold 0.5, isotonic calibration, a test side of 500."""
    from mallorn_tde.calibration import with_calibration
    from mallorn_tde.evaluation import cv_metrics

    thresholds = {f"fold_{k}": 0.5 for k in range(1, 5)}
    counts = {"columns": 14, "tested": 4, "kept": 2, "dropped": 2, "kept_untested": 8}
    selection = {**{f"fold_{k}": counts for k in range(1, 5)}, "final": {**counts, "kept": 4, "dropped": 0}}
    return with_calibration(cv_metrics(oof, selection, thresholds), oof, inner, "isotonic", 500, [10, 50, 100])[1]


@pytest.fixture
def calibrated_oof(oof, inner):
    """:func:`oof` with its calibrated probabilities, as the metrics job writes oof_probabilities.csv."""
    from mallorn_tde.calibration import calibrate_out_of_fold

    return oof.assign(calibrated_probability=calibrate_out_of_fold(oof, inner, "isotonic")[0])
