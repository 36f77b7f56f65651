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


def _scale_run(root: Path, test_splits: int) -> Path:
    """A finished run's traces: one training split, ``test_splits`` test splits of 4 objects, a gathering job."""
    import pandas as pd

    from mallorn_tde.io import write_table

    results = root / "results"
    bench(results, "ingest/train/split_01", 2.0, 200.0, 1.0)
    for i in range(1, test_splits + 1):
        split = f"split_{i:02d}"
        bench(results, f"ingest/test/{split}", 1.0, 210.0, 0.5)
        bench(results, f"extract/test/{split}", 3.0, 300.0 + i, 2.5)
        bench(results, f"predict/{split}", 1.0, 250.0, 0.5)
        ids = pd.Index([f"{split}_{k}" for k in range(4)], name="object_id")
        (results / "catalog" / "test").mkdir(parents=True, exist_ok=True)
        write_table(pd.DataFrame({"Z": 0.1}, index=ids), results / "catalog" / "test" / f"{split}.parquet")
    bench(results, "submission", 1.0, 180.0 + 10 * test_splits, 0.5)
    return root


def test_scale_compare_tables_each_rules_largest_job_and_the_test_side_per_object(tmp_path):
    from scale_compare import compare, markdown

    rules, small, large = compare(_scale_run(tmp_path / "a", 2), _scale_run(tmp_path / "b", 20))
    assert small["objects"] == 8 and large["objects"] == 80 and large["jobs"] == 60
    assert small["wall_ms_per_object"] == large["wall_ms_per_object"] == 1000 * 5.0 / 4
    assert rules.loc["extract", "peak_rss_mb_small"] == 302 and rules.loc["extract", "peak_rss_mb_large"] == 320
    assert round(rules.loc["submission", "change"], 3) == round(380 / 200 - 1, 3)
    text = markdown(rules, small, large)
    assert "| submission | 1 / 1 | 200 | 380 | +90% **(over 20%)** |" in text
    assert "| ingest | 3 / 21 | 210 | 210 | +0% |" in text and "**1250.0 ms** | **+0%** |" in text
    steady = markdown(rules, small, large, steady=0.05)
    assert "| ingest |" not in steady and "Within 5% (peak RSS at most 250 MB): predict, ingest." in steady
