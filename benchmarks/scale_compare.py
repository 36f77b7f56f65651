"""Two finished runs side by side, a small and a large test side: per rule the largest job's peak memory, and the
test side's cost per test object (issue 24).

    python benchmarks/scale_compare.py SMALL_RUN LARGE_RUN [--steady 0.05]

Each RUN is a folder where the workflow ran to completion (``benchmarks/time_run.py`` makes them, e.g. with
``--simulate 2 1250 5000`` and ``--simulate 20 125 5000``: the same training side and test splits of the same
size, ten times as many). Jobs' wall time comes from their benchmark files, their CPU time and peak memory from
their logs (``benchmarks/summarize.py``). The test side is every job of one test split: ``ingest`` and
``extract`` of side ``test`` and ``predict``. Prints Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summarize import collect, test_split_sizes  # noqa: E402

LIMIT = 0.20  # the largest change of a rule's peak memory, or of the test side's time per object, that passes


def is_test_side(job: str) -> bool:
    """A job of one test split: ``ingest/test/...``, ``extract/test/...`` or ``predict/...``."""
    parts = job.split("/")
    return parts[0] == "predict" or (parts[0] in ("ingest", "extract") and parts[1:2] == ["test"])


def per_rule(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per rule: its jobs and its largest job's peak RSS (MB)."""
    return jobs.groupby("rule").agg(jobs=("job", "size"), peak_rss_mb=("max_rss_mb", "max"))


def test_side(jobs: pd.DataFrame, objects: int) -> dict:
    side = jobs[jobs["job"].map(is_test_side)]
    return {
        "objects": objects,
        "jobs": len(side),
        "wall_s": float(side["s"].sum()),
        "cpu_s": float(side["cpu_s"].sum()),
        "wall_ms_per_object": 1000 * float(side["s"].sum()) / objects,
        "cpu_ms_per_object": 1000 * float(side["cpu_s"].sum()) / objects,
    }


def compare(small: Path, large: Path) -> tuple[pd.DataFrame, dict, dict]:
    """Per rule, the two runs' job counts and largest peak RSS with the relative change; each run's test side."""
    a, b = collect(small / "results"), collect(large / "results")
    rules = per_rule(a).add_suffix("_small").join(per_rule(b).add_suffix("_large"), how="outer")
    rules["change"] = rules["peak_rss_mb_large"] / rules["peak_rss_mb_small"] - 1
    rules = rules.sort_values("peak_rss_mb_large", ascending=False)
    small_objects, large_objects = sum(test_split_sizes(small / "results")), sum(test_split_sizes(large / "results"))
    return rules, test_side(a, small_objects), test_side(b, large_objects)


def markdown(rules: pd.DataFrame, small: dict, large: dict, steady: float = 0.0) -> str:
    """The two tables; rules whose peak memory changed by less than ``steady`` are named in a line instead."""
    quiet = rules[rules["change"].abs() < steady]
    rules = rules.drop(quiet.index)
    lines = [
        f"| rule | jobs ({small['objects']:,} / {large['objects']:,} test objects) | largest job's peak RSS MB, "
        f"{small['objects']:,} | the same, {large['objects']:,} | change |",
        "|---|---:|---:|---:|---:|",
    ]
    for rule, r in rules.iterrows():
        flag = "" if abs(r["change"]) < LIMIT else " **(over 20%)**"
        lines.append(
            f"| {rule} | {r['jobs_small']:.0f} / {r['jobs_large']:.0f} | {r['peak_rss_mb_small']:,.0f} | "
            f"{r['peak_rss_mb_large']:,.0f} | {r['change']:+.0%}{flag} |"
        )
    if len(quiet):
        lines += [
            "",
            f"Within {steady:.0%} (peak RSS at most {quiet['peak_rss_mb_large'].max():,.0f} MB): "
            f"{', '.join(quiet.index)}.",
        ]
    wall = large["wall_ms_per_object"] / small["wall_ms_per_object"] - 1
    cpu = large["cpu_ms_per_object"] / small["cpu_ms_per_object"] - 1
    lines += [
        "",
        "| the test side (every job of a test split) | "
        f"{small['objects']:,} test objects | {large['objects']:,} test objects | change |",
        "|---|---:|---:|---:|",
        f"| jobs | {small['jobs']} | {large['jobs']} | |",
        f"| wall time of its jobs, added up | {small['wall_s']:,.0f} s | {large['wall_s']:,.0f} s | |",
        f"| **wall time per test object** | **{small['wall_ms_per_object']:.1f} ms** | "
        f"**{large['wall_ms_per_object']:.1f} ms** | **{wall:+.0%}** |",
        f"| CPU time per test object | {small['cpu_ms_per_object']:.1f} ms | {large['cpu_ms_per_object']:.1f} ms | "
        f"{cpu:+.0%} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    parser.add_argument("--steady", type=float, default=0.0, help="name rules that changed less than this in a line")
    args = parser.parse_args()
    print(markdown(*compare(args.small, args.large), steady=args.steady))


if __name__ == "__main__":
    main()
