"""Summarise a run's Snakemake benchmark files: per-rule job count, wall time and peak memory.

    python benchmarks/summarize.py RESULTS_DIR [--wall SECONDS]

RESULTS_DIR is a run's results/ folder (it reads RESULTS_DIR/benchmarks/**/*.tsv, written by every
rule's `benchmark:`). Prints a Markdown table for BENCHMARKS.md. Wall time of the whole run is not in
those files (jobs overlap); pass it with --wall when you measured it, to print it beside the sums.

A job's wall time comes from its benchmark file; its CPU time and peak memory from the last line of its log
(RESULTS_DIR/logs/, same relative path: mallorn_tde.logs.RESOURCES_LINE, the kernel's exact figures), or,
for a job whose log has no such line, from the benchmark file, whose samples (every 30 s after a job's
first 15 s) miss the CPU of a long job's last seconds and may miss its peak.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))
from mallorn_tde.report import read_benchmarks  # noqa: E402


def collect(results: Path) -> pd.DataFrame:
    """One row per job: rule, job name, seconds, peak resident memory (MB), CPU seconds, and whether the last
    two are the exact ones of the job's log (``exact``) or the benchmark file's samples."""
    jobs = read_benchmarks(results / "benchmarks", logs=results / "logs")
    if jobs.empty:
        raise SystemExit(f"no benchmark files under {results / 'benchmarks'}")
    return jobs.rename(columns={"cpu_time": "cpu_s", "max_rss": "max_rss_mb"})[
        ["rule", "job", "s", "max_rss_mb", "cpu_s", "exact"]
    ]


def test_split_sizes(results: Path) -> list[int]:
    """The objects of each test split of a finished run (the rows of its per-split test catalogues)."""
    import pyarrow.parquet as pq

    return [pq.ParquetFile(p).metadata.num_rows for p in sorted((results / "catalog" / "test").glob("*.parquet"))]


def per_rule(jobs: pd.DataFrame) -> pd.DataFrame:
    return (
        jobs.groupby("rule", sort=False)
        .agg(
            jobs=("job", "size"),
            total_s=("s", "sum"),
            mean_s=("s", "mean"),
            max_s=("s", "max"),
            cpu_s=("cpu_s", "sum"),
            peak_rss_mb=("max_rss_mb", "max"),
        )
        .sort_values("total_s", ascending=False)
    )


def markdown(table: pd.DataFrame) -> str:
    header = "| rule | jobs | total s | mean s | max s | CPU s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|\n"
    lines = [
        f"| {rule} | {int(r.jobs)} | {r.total_s:.1f} | {r.mean_s:.1f} | {r.max_s:.1f} | {r.cpu_s:.1f} | "
        f"{r.peak_rss_mb:.0f} |"
        for rule, r in table.iterrows()
    ]
    return header + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--wall", type=float, help="measured wall time of the whole run, seconds")
    args = parser.parse_args()
    jobs = collect(args.results)
    table = per_rule(jobs)
    print(markdown(table))
    print(
        f"\nSum of job times {jobs['s'].sum():.0f} s over {len(jobs)} jobs; "
        f"peak RSS of any job {jobs['max_rss_mb'].max():.0f} MB."
    )
    if args.wall is not None:
        print(f"Wall time of the run: {args.wall:.0f} s.")


if __name__ == "__main__":
    main()
