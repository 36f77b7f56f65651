"""benchmarks/time_run.py, the runner of every timed workflow run: what it measures of a process tree, the
scale option's edit of config.yaml, and the jobs' figures it reads from a finished run's results/."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import time_run  # noqa: E402
from test_summarize import bench  # noqa: E402

# A child that starts a grandchild: the grandchild holds ~200 MB and spins for ~1.5 s of CPU, then both end.
# The runner must count the grandchild's CPU (it is waited for by its parent) and see its memory.
TREE = (
    "import subprocess, sys;"
    "subprocess.run([sys.executable, '-c', "
    "'import time; a = bytearray(200 * 2**20); t = time.process_time()\\n"
    'while time.process_time() - t < 1.5: a[::4096] = b"x" * len(a[::4096])\'], check=True);'
    "print('done')"
)


def test_run_timed_counts_the_whole_trees_cpu_and_memory(tmp_path):
    timing = time_run.run_timed([sys.executable, "-c", TREE], tmp_path, tmp_path / "tree.log")
    assert timing["cpu_s"] >= 1.4 and timing["wall_s"] >= timing["cpu_s"] * 0.5
    assert abs(timing["cpu_s"] - timing["user_s"] - timing["system_s"]) < 1e-9
    assert timing["tree_peak_rss_mb_sampled"] > 150  # the grandchild's bytearray, seen by the sampler
    if Path(time_run.GNU_TIME).exists():
        assert timing["peak_rss_mb"] > 150  # GNU time's largest process
    assert timing["load_mean"] >= 0
    assert (tmp_path / "tree.log").read_text() == "done\n"


def test_run_timed_appends_on_request_and_stops_on_failure(tmp_path):
    log = tmp_path / "run.log"
    log.write_text("earlier\n")
    time_run.run_timed([sys.executable, "-c", "print('later')"], tmp_path, log, append=True)
    assert log.read_text() == "earlier\nlater\n"
    with pytest.raises(SystemExit, match=r"failed \(3\); see .*run.log"):
        time_run.run_timed([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, log)


def test_the_local_and_the_cluster_commands_are_the_readmes():
    assert time_run.snakemake_command(2, extra=["-n"]) == [time_run.SNAKEMAKE, "--cores", "2", "-n"]
    slurm = time_run.snakemake_command(slurm=True)
    assert slurm[slurm.index(time_run.SNAKEMAKE) :] == [time_run.SNAKEMAKE, "--workflow-profile", "profiles/slurm"]
    assert "--cores" not in slurm and slurm[0] == "timeout"


def test_simulate_sets_the_splits_and_their_objects(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text((REPO / "config.yaml").read_text())
    time_run.simulate_splits(config, 200, 13, 500)
    text = config.read_text()
    assert "  n_splits: 200\n" in text
    assert "  train_per_split: 13 " in text and "  test_per_split: 500 " in text


def test_job_figures_sum_the_jobs_and_table_them_per_rule(tmp_path):
    bench(tmp_path, "extract/train/split_01", 10.0, 300.0, 9.0)
    bench(tmp_path, "extract/train/split_02", 12.0, 320.0, 11.0)
    bench(tmp_path, "folds", 2.0, 150.0, 1.5)
    figures = time_run.job_figures(tmp_path)
    assert figures["n_jobs"] == 3 and figures["jobs_s"] == 24.0 and figures["jobs_cpu_s"] == 21.5
    assert figures["jobs_max_peak_rss_mb"] == 320.0
    extract = next(r for r in figures["per_rule"] if r["rule"] == "extract")
    assert extract["jobs"] == 2 and extract["cpu_s"] == 20.0 and extract["peak_rss_mb"] == 320.0


def test_a_timed_run_refuses_a_folder_that_exists(tmp_path):
    with pytest.raises(SystemExit, match="exists"):
        time_run.time_workflow(tmp_path)
