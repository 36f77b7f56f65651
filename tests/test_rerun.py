"""Same answer twice; a second run beside a live one refused; the same answer after a run killed with SIGKILL."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from workflow_helpers import SNAKEMAKE, TINY_CONFIG, copy_workflow, holding_jobs, run_env, snakemake

RESULT_FILES = (
    "results/submission.csv",
    "results/test_probabilities.csv",
    "results/metrics.json",
    "results/cv/oof_probabilities.csv",
    "results/cv/folds.tsv",
    "results/model/final/model.txt",
    "results/features/train.parquet",
    "results/predictions/split_02.parquet",
)


def assert_identical(a, b):
    for name in RESULT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a killed one may stay a zombie until it is reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# In CI only: the interrupted run below (in the default suite) already runs every job again in a folder of
# its own and compares the results with the first run's; this is the same check without the interruption,
# at the price of one more whole run.
@pytest.mark.ci
def test_two_clean_runs_are_identical(tiny_run, tmp_path):
    other = copy_workflow(tmp_path / "again", TINY_CONFIG)
    snakemake(other)
    assert_identical(tiny_run, other)


def test_second_run_is_refused_then_kill_9_and_rerun_gives_identical_results(tiny_run, tmp_path):
    """A run held at a known point: every extraction job has written its tables and waits as its process ends,
    so Snakemake has not seen it finish (tests/hold/sitecustomize.py). There a second run is refused, then the
    first is killed with SIGKILL, leaving outputs that look whole but were never registered; the README's
    command, run again, redoes those jobs and gives the uninterrupted run's results."""
    workdir = copy_workflow(tmp_path / "killed", TINY_CONFIG)
    held = tmp_path / "held"
    process = subprocess.Popen(
        [SNAKEMAKE, "--cores", "2"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=run_env(**holding_jobs("extract.py", held)),
    )
    deadline = time.monotonic() + 600
    try:
        while not any(held.iterdir()):  # an extraction job has written its tables and is held
            assert process.poll() is None, "the run ended before an extraction job was held"
            assert time.monotonic() < deadline, "no extraction job was held in time"
            time.sleep(0.2)
        # A second run in the same folder stops at once (before any job), naming the live run.
        started = time.monotonic()
        second = snakemake(workdir, check=False)
        assert second.returncode != 0
        assert "another run is using this folder" in second.stderr and f"pid {process.pid} " in second.stderr
        assert time.monotonic() - started < 60
        assert process.poll() is None, "the first run did not survive the second one"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    held_jobs = [int(path.name) for path in held.iterdir()]
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in held_jobs):
        assert time.monotonic() < deadline, "a held job outlived the kill of its run"
        time.sleep(0.1)
    features = workdir / "results" / "features"
    assert not (features / "train.parquet").exists() and not (features / "test.parquet").exists()
    # The held jobs' tables: written in full, never registered by the killed run.
    left = {path: path.stat().st_mtime_ns for path in features.glob("*/*/*.parquet")}
    assert len(left) >= len(TINY_CONFIG["features"]["sets"])

    snakemake(workdir)  # the README's command again, nothing else
    assert_identical(tiny_run, workdir)
    assert all(path.stat().st_mtime_ns > mtime for path, mtime in left.items()), "a held job's tables were kept"
