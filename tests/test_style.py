"""Style gates: ruff's lint and format check and snakefmt, with the settings of pyproject.toml.

Each skips, saying so, where its tool is not installed (requirements-dev.txt pins them all).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tool(name: str) -> str:
    """The tool beside this Python (the virtual environment's), else the first on PATH; skip if neither."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -r requirements-dev.txt)")
    return found


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["snakefmt", "--check", "."]],
    ids=["ruff-check", "ruff-format", "snakefmt"],
)
def test_style_is_clean(command):
    result = subprocess.run([tool(command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
