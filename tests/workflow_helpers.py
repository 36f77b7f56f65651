"""Run the workflow through its command line in a temporary copy, as a user would after cloning."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
WORKFLOW_FILES = ("Snakefile", "config.yaml", "config", "workflow", "profiles", "envs")
HOLD_HOOK = REPO / "tests" / "hold"

# A tiny simulated set and cheap settings: enough TDEs for 3 outer and 2 inner folds.
TINY_CONFIG = {
    "simulate": {"n_splits": 3, "train_per_split": 40, "test_per_split": 8, "seed": 11},
    "features": {"sets": ["tsfresh", "lightcurve", "physics", "gp"], "tsfresh": "minimal"},
    "selection": {"tested": "generic", "fdr_level": 0.05, "min_features": 10, "max_features": 0},
    "tuning": {"n_trials": 2, "inner_folds": 2, "seed": 1},
    "cv": {"n_folds": 3, "seed": 2},
    "model": {"objective": "multiclass", "seed": 3},
}


def copy_workflow(dest: Path, config_updates: dict | None = None) -> Path:
    """A clone-like copy of the workflow in ``dest``, with config.yaml updated by ``config_updates``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / name)
    if config_updates:
        config = yaml.safe_load((dest / "config.yaml").read_text())
        for key, value in config_updates.items():
            config[key] = value
        (dest / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


def run_env(**extra: str) -> dict[str, str]:
    """The environment of a workflow run started by a test: Python's hashes fixed, plus ``extra``."""
    return {**os.environ, "PYTHONHASHSEED": "0", **extra}


def holding_jobs(script: str, folder: Path) -> dict[str, str]:
    """Environment variables that hold every job of ``script`` (say ``extract.py``) of a run as its process
    ends, its outputs written, until the run is killed; each held job writes a file named by its pid in
    ``folder``. The hook is tests/hold/sitecustomize.py, imported by every Python process of the run."""
    folder.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join(filter(None, [str(HOLD_HOOK), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "MALLORN_HOLD_JOBS": f"{script}:{folder}"}


def snakemake(workdir: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    env = run_env()
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    return result


def job_counts(output: str) -> dict[str, int]:
    """Jobs per rule from the 'Job stats' table that snakemake prints for a (dry) run."""
    counts = {}
    table = output.split("Job stats:", 1)[1] if "Job stats:" in output else ""
    for line in table.splitlines()[3:]:
        match = re.fullmatch(r"(\w+)\s+(\d+)", line.strip())
        if not match:
            break
        counts[match.group(1)] = int(match.group(2))
    counts.pop("total", None)
    return counts


def cluster_jobs(output: str) -> dict[str, int]:
    """Cluster jobs of a dry run's plan, by the name the executor gives them: a group job's group (one per job,
    however many rules' jobs it holds), else its rule; the target rule `all`, which Snakemake runs itself, left out.
    """
    counts: dict[str, int] = {}
    for name in re.findall(r"^\[[^\]]*\] Group job (\w+)|^rule (\w+):", output, flags=re.M):
        name = name[0] or name[1]
        if name != "all":
            counts[name] = counts.get(name, 0) + 1
    return counts
