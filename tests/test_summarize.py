"""benchmarks/summarize.py: per-job wall time from the benchmark files, CPU and peak memory from the logs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from summarize import collect, per_rule  # noqa: E402

from mallorn_tde.logs import RESOURCES_LINE  # noqa: E402

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def bench(results: Path, job: str, s: float, rss: float, cpu: float) -> None:
    path = results / "benchmarks" / f"{job}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{s}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n")


def test_exact_figures_from_the_log_replace_the_benchmark_samples(tmp_path):
    bench(tmp_path, "extract/gp/train/split_01", 120.0, 300.0, 95.0)  # samples missed the last 25 s
    log = tmp_path / "logs" / "extract/gp/train/split_01.log"
    log.parent.mkdir(parents=True)
    log.write_text(
        "2026-11-30 INFO mallorn_tde: gp: 10 objects\n2026-11-30 INFO mallorn_tde: "
        + RESOURCES_LINE % (119.5, 412.0)
        + "\n"
    )
    bench(tmp_path, "folds", 2.0, 150.0, 1.5)  # no log line: the benchmark's own figures
    jobs = collect(tmp_path).set_index("job")
    assert jobs.loc["extract/gp/train/split_01", ["s", "cpu_s", "max_rss_mb", "exact"]].tolist() == [
        120.0,
        119.5,
        412.0,
        True,
    ]
    assert jobs.loc["folds", ["cpu_s", "max_rss_mb", "exact"]].tolist() == [1.5, 150.0, False]
    table = per_rule(jobs.reset_index())
    assert table.loc["extract", "cpu_s"] == 119.5 and table.loc["folds", "jobs"] == 1
