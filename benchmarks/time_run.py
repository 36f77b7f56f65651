"""Time one whole workflow run from a clean copy, then summarise its benchmark files.

    python benchmarks/time_run.py WORKDIR [--slurm] [-- SNAKEMAKE_ARGS...]

Copies the workflow (Snakefile, config.yaml, workflow/, profiles/, envs/) into WORKDIR, which must not
exist yet, runs `snakemake --cores 2 SNAKEMAKE_ARGS` there, and prints the wall time, the peak memory of
the whole process tree (from GNU time when available) and the per-rule table of benchmarks/summarize.py.
Example, the README's first command on the built-in data:   python benchmarks/time_run.py /tmp/default
On the real data:   python benchmarks/time_run.py /tmp/real -- --config data_dir=/path/to/mallorn
With --slurm, the README's cluster command instead: `snakemake --workflow-profile profiles/slurm` (no --cores,
which would cap the cluster's jobs at 2 cores in all), under a 2-hour limit.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests")]

from summarize import collect, markdown, per_rule  # noqa: E402
from workflow_helpers import copy_workflow  # noqa: E402  (the same clone-like copy the tests run in)


def main() -> None:
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    workdir = Path(args[0])
    slurm = args[1:2] == ["--slurm"]
    rest = args[2:] if slurm else args[1:]
    extra = rest[1:] if rest[:1] == ["--"] else rest
    workdir.mkdir(parents=True)
    copy_workflow(workdir)
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
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    timed = [gnu_time, "-f", "%M", "-o", str(workdir / "peak_rss_kb.txt"), *command] if gnu_time else command
    start = time.monotonic()
    with open(workdir / "run.log", "w") as log:
        result = subprocess.run(timed, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"run failed ({result.returncode}); see {workdir / 'run.log'}")
    print(
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores; command: {' '.join(command[command.index(snakemake) :])}"
    )
    print(f"wall time: {wall:.0f} s")
    if gnu_time:
        # GNU time reports the largest single process of the tree (the biggest job), in kB.
        peak_kb = int((workdir / "peak_rss_kb.txt").read_text().split()[-1])
        print(f"peak RSS of the largest process: {peak_kb / 1024:.0f} MB")
    jobs = collect(workdir / "results")
    print(markdown(per_rule(jobs)))
    print(
        f"\nSum of job times {jobs['s'].sum():.0f} s over {len(jobs)} jobs; "
        f"peak RSS of any job {jobs['max_rss_mb'].max():.0f} MB."
    )


if __name__ == "__main__":
    main()
