"""Same answer twice; a second run beside a live one refused; the same answer after a run killed with SIGKILL."""

import os
import signal
import subprocess
import time

from workflow_helpers import SNAKEMAKE, TINY_CONFIG, copy_workflow, snakemake

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


def test_two_clean_runs_are_identical(tiny_run, tmp_path):
    other = copy_workflow(tmp_path / "again", TINY_CONFIG)
    snakemake(other)
    assert_identical(tiny_run, other)


def test_second_run_is_refused_then_kill_9_and_rerun_gives_identical_results(tiny_run, tmp_path):
    workdir = copy_workflow(tmp_path / "killed", TINY_CONFIG)
    process = subprocess.Popen(
        [SNAKEMAKE, "--cores", "2"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    extract_logs = workdir / "results" / "logs" / "extract"
    deadline = time.monotonic() + 300
    try:
        # Wait until extraction is under way: an extract job has started (its log exists).
        while not (extract_logs.is_dir() and any(extract_logs.rglob("*.log"))):
            assert process.poll() is None, "the run ended before extraction started"
            assert time.monotonic() < deadline, "extraction did not start in time"
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
    features = workdir / "results" / "features"
    assert not (features / "train.parquet").exists(), "killed too late: extraction had finished"

    snakemake(workdir)  # the README's command again, nothing else
    assert_identical(tiny_run, workdir)
