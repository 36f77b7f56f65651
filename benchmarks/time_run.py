"""Time one whole workflow run from a clean copy, then summarise its benchmark files.

    python benchmarks/time_run.py WORKDIR [--slurm] [--objects N] [-- SNAKEMAKE_ARGS...]

Copies the workflow (Snakefile, config.yaml, workflow/, profiles/, envs/) into WORKDIR, which must not
exist yet, runs `snakemake --cores 2 SNAKEMAKE_ARGS` there, and prints the wall time, the peak memory of
the whole process tree (from GNU time when available), the per-rule table of benchmarks/summarize.py, and the
process tree's CPU split into the jobs' own (exact, from their logs) and Snakemake's (the rest).
Example, the README's first command on the built-in data:   python benchmarks/time_run.py /tmp/default
On the real data:   python benchmarks/time_run.py /tmp/real -- --config data_dir=/path/to/mallorn
With --objects N, the built-in data set has N objects (a quarter of them training objects) instead of the
default's 300: the scale runs of BENCHMARKS.md. With --slurm, the README's cluster command instead:
`snakemake --workflow-profile profiles/slurm` (no --cores, which would cap the cluster's jobs at 2 cores in
all), under a 2-hour limit.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests")]

from speed import run_timed  # noqa: E402
from summarize import collect, markdown, per_rule  # noqa: E402
from workflow_helpers import copy_workflow  # noqa: E402  (the same clone-like copy the tests run in)


def simulate_objects(config: Path, objects: int) -> None:
    """Set the copy's built-in data set to ``objects`` objects over its splits, a quarter of them training
    objects (the real data's share: 2,435 of 9,570)."""
    text = config.read_text()
    splits = int(re.search(r"^  n_splits: (\d+)", text, re.M).group(1))
    train, test = objects // (4 * splits), 3 * objects // (4 * splits)
    for key, value in (("train_per_split", train), ("test_per_split", test)):
        text, n = re.subn(rf"^  {key}: \d+", f"  {key}: {value}", text, flags=re.M)
        assert n == 1, f"config.yaml: no simulate.{key}"
    config.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], usage=__doc__.splitlines()[2].strip())
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--slurm", action="store_true")
    parser.add_argument("--objects", type=int, help="simulate this many objects (a quarter training)")
    args, extra = parser.parse_known_args()
    extra = extra[1:] if extra[:1] == ["--"] else extra
    workdir, slurm = args.workdir, args.slurm
    workdir.mkdir(parents=True)
    copy_workflow(workdir)
    if args.objects:
        simulate_objects(workdir / "config.yaml", args.objects)
    snakemake = str(Path(sys.executable).parent / "snakemake")
    if slurm:
        command = [
            "timeout",
            "-s",
            "INT",
            "-k",
            "15",
            "7200",
            snakemake,
            "--workflow-profile",
            "profiles/slurm",
            *extra,
        ]
    else:
        command = [snakemake, "--cores", "2", *extra]
    timing = run_timed(command, workdir, workdir / "run.log")  # the speed benchmark's: wall, tree CPU, peak RSS
    print(
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores; command: {' '.join(command[command.index(snakemake) :])}"
    )
    print(f"wall time: {timing['wall_s']:.0f} s")
    if "peak_rss_mb" in timing:  # GNU time's: the largest single process of the tree (the biggest job)
        print(f"peak RSS of the largest process: {timing['peak_rss_mb']:.0f} MB")
    jobs = collect(workdir / "results")
    print(markdown(per_rule(jobs)))
    print(
        f"\nSum of job times {jobs['s'].sum():.0f} s over {len(jobs)} jobs; "
        f"peak RSS of any job {jobs['max_rss_mb'].max():.0f} MB."
    )
    # The whole tree's CPU (every waited-for process) less the jobs' own (exact, from their logs) is what
    # Snakemake itself spent: its process, its scheduler's ILP solver, the jobs' wrappers.
    tree_cpu, jobs_cpu = timing["cpu_s"], jobs["cpu_s"].sum()
    print(f"CPU: process tree {tree_cpu:.0f} s, jobs {jobs_cpu:.0f} s, Snakemake itself {tree_cpu - jobs_cpu:.0f} s.")


if __name__ == "__main__":
    main()
