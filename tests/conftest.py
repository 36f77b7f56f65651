"""Shared test set-up: the workflow's module on the path, and where the real data would be."""

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
