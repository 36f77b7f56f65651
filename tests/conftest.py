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
