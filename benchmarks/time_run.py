"""Time a whole workflow run: the one runner of every benchmark that runs the workflow.

    python benchmarks/time_run.py WORKDIR [--slurm] [--simulate SPLITS TRAIN TEST] [--cores 2] [-- SNAKEMAKE_ARGS...]

Copies the workflow (Snakefile, config.yaml, config/, workflow/, profiles/, envs/) into WORKDIR, which must not
exist yet, runs `snakemake --cores 2 SNAKEMAKE_ARGS` there and prints the date, commit, machine, the wall
time, the process tree's CPU split into the jobs' own (exact, from their logs) and Snakemake's (the rest), the
peak memory (the largest single process from GNU time; the whole tree, sampled) and the per-rule table of
benchmarks/summarize.py.
Example, the README's first command on the built-in data:   python benchmarks/time_run.py /tmp/default
On the real data:   python benchmarks/time_run.py /tmp/real -- --config data_dir=/path/to/mallorn
With --simulate SPLITS TRAIN TEST, the built-in data set has SPLITS splits of TRAIN training and TEST test
objects each instead of the default's 20 x (12 + 3): the scale runs of BENCHMARKS.md. With --slurm, the
README's cluster command instead: `snakemake --workflow-profile profiles/slurm` (no --cores, which would cap
the cluster's jobs at 2 cores in all), under a 2-hour limit.

As a module (speed.py, rebuild.py, ablation.py): :func:`run_timed` times any command (wall, process-tree CPU,
sampled memory), :func:`time_workflow` a whole run in a folder with its per-rule figures, :func:`machine` and
:func:`commit` say where and what was measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests")]

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
SAMPLE_SECONDS = 0.5
GNU_TIME = "/usr/bin/time"
SLURM_LIMIT = ("timeout", "-s", "INT", "-k", "15", "7200")  # the cluster run's 2-hour limit


def run_timed(command: list[str], cwd: Path, log_path: Path, *, append: bool = False) -> dict:
    """Run ``command`` to its end, its output to ``log_path``; raise SystemExit if it fails.

    Returns ``wall_s``; ``cpu_s`` (``user_s`` + ``system_s``) of the whole process tree (this process's
    ``RUSAGE_CHILDREN`` before and after: every waited-for descendant); ``tree_peak_rss_mb_sampled``, the sum
    of the live tree's resident memory, sampled every :data:`SAMPLE_SECONDS`; ``load_mean``, the mean 1-minute
    load average meanwhile (the run's own processes included: well above the cores it uses means others shared
    the machine); and, where GNU time exists, ``peak_rss_mb`` of the largest single process.
    """
    import psutil

    rss_file = log_path.with_suffix(".maxrss")
    gnu_time = Path(GNU_TIME).exists()
    timed = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *command] if gnu_time else command
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    tree_peak, loads = 0, []
    with open(log_path, "a" if append else "w") as log:
        proc = subprocess.Popen(timed, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        root = psutil.Process(proc.pid)
        while True:
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            tree_peak = max(tree_peak, total)
            loads.append(os.getloadavg()[0])
            try:
                proc.wait(timeout=SAMPLE_SECONDS)  # returns as soon as the command ends
                break
            except subprocess.TimeoutExpired:
                continue
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed ({proc.returncode}); see {log_path}")
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    result = {
        "timed_command": shlex.join(command),
        "wall_s": wall,
        "cpu_s": user + system,
        "user_s": user,
        "system_s": system,
        "tree_peak_rss_mb_sampled": tree_peak / 2**20,
        "load_mean": sum(loads) / len(loads),
    }
    if gnu_time:
        result["peak_rss_mb"] = int(rss_file.read_text().split()[-1]) / 1024  # GNU time: kB, largest process
    return result


def snakemake_command(cores: int = 2, slurm: bool = False, extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The README's local command (``snakemake --cores N``) or its cluster command (the Slurm profile, no
    ``--cores``, under a 2-hour limit), with ``extra`` arguments."""
    if slurm:
        return [*SLURM_LIMIT, SNAKEMAKE, "--workflow-profile", "profiles/slurm", *extra]
    return [SNAKEMAKE, "--cores", str(cores), *extra]


def simulate_splits(config: Path, splits: int, train: int, test: int) -> None:
    """Set the copy's built-in data set to ``splits`` splits of ``train`` training and ``test`` test objects."""
    text = config.read_text()
    for key, value in (("n_splits", splits), ("train_per_split", train), ("test_per_split", test)):
        text, n = re.subn(rf"^  {key}: \d+", f"  {key}: {value}", text, flags=re.M)
        assert n == 1, f"config.yaml: no simulate.{key}"
    config.write_text(text)


def job_figures(results: Path) -> dict:
    """The jobs' own figures of a finished run's ``results/`` (benchmarks/summarize.py): their count, their
    exact CPU in all, the largest job's peak RSS, and the per-rule table as one dict per rule."""
    from summarize import collect, per_rule

    jobs = collect(results)
    return {
        "n_jobs": len(jobs),
        "jobs_s": float(jobs["s"].sum()),
        "jobs_cpu_s": float(jobs["cpu_s"].sum()),
        "jobs_max_peak_rss_mb": float(jobs["max_rss_mb"].max()),
        "per_rule": [
            {"rule": rule, **{k: float(v) for k, v in row.items()}} for rule, row in per_rule(jobs).iterrows()
        ],
    }


def time_workflow(
    workdir: Path,
    extra: tuple[str, ...] | list[str] = (),
    *,
    cores: int = 2,
    slurm: bool = False,
    simulate: tuple[int, int, int] | None = None,
    log_name: str = "run.log",
) -> dict:
    """Copy the workflow into ``workdir`` (which must not exist: ``results/`` starts clean), run it there and
    return :func:`run_timed`'s figures, :func:`job_figures` of its results, ``snakemake_cpu_s`` (the process
    tree's CPU less the jobs' own: Snakemake's process, its scheduler, the jobs' wrappers), ``command`` and
    ``finished`` (UTC)."""
    from workflow_helpers import copy_workflow  # the same clone-like copy the tests run in

    if workdir.exists():
        raise SystemExit(f"{workdir} exists: a timed run starts from a clean copy; remove it first")
    copy_workflow(workdir)
    if simulate:
        simulate_splits(workdir / "config.yaml", *simulate)
    command = snakemake_command(cores, slurm, extra)
    print(f"running {shlex.join(command)} in {workdir} (log: {workdir / log_name})", flush=True)
    timing = run_timed(command, workdir, workdir / log_name)
    jobs = job_figures(workdir / "results")
    return {
        **timing,
        **jobs,
        # Through Slurm the jobs run under slurmd, outside this process tree: the tree's CPU is Snakemake's own.
        "snakemake_cpu_s": timing["cpu_s"] if slurm else timing["cpu_s"] - jobs["jobs_cpu_s"],
        "slurm": slurm,
        "command": shlex.join(["snakemake", *command[command.index(SNAKEMAKE) + 1 :]]),
        "finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    }


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    match = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "cores": os.cpu_count(),
        "memory_gib": int(match.group(1)) / 2**20 if match else None,
        "cpu": model.group(1).strip() if model else platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def report(run: dict, invocation: str) -> str:
    """The run as text for BENCHMARKS.md: where, when and how; wall, CPU, memory; the per-rule table."""
    import pandas as pd
    from summarize import markdown

    m = machine()
    memory = f"largest process {run['peak_rss_mb']:,.0f} MB, " if "peak_rss_mb" in run else ""
    table = pd.DataFrame(run["per_rule"]).set_index("rule")
    return (
        f"`{invocation}` at commit {commit()}, finished {run['finished']}; the run: `{run['command']}`. "
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']:.1f} GiB, Python {m['python']}; mean "
        f"1-minute load {run['load_mean']:.1f}.\n\n"
        f"Wall time {run['wall_s']:,.0f} s. CPU: process tree {run['cpu_s']:,.0f} s"
        + (" (Snakemake's own: the jobs ran under Slurm)" if run.get("slurm") else "")
        + f", the {run['n_jobs']} jobs {run['jobs_cpu_s']:,.0f} s (exact, from their logs), Snakemake itself "
        f"{run['snakemake_cpu_s']:,.0f} s. "
        f"Peak RSS: {memory}whole tree {run['tree_peak_rss_mb_sampled']:,.0f} MB (sampled), any job "
        f"{run['jobs_max_peak_rss_mb']:,.0f} MB.\n\n{markdown(table)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], usage=__doc__.splitlines()[2].strip())
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--slurm", action="store_true")
    parser.add_argument(
        "--simulate", type=int, nargs=3, metavar=("SPLITS", "TRAIN", "TEST"), help="the built-in data's size"
    )
    parser.add_argument("--cores", type=int, default=2)
    args, extra = parser.parse_known_args()
    extra = extra[1:] if extra[:1] == ["--"] else extra
    run = time_workflow(args.workdir, extra, cores=args.cores, slurm=args.slurm, simulate=args.simulate)
    print(report(run, shlex.join(["python", "benchmarks/time_run.py", *sys.argv[1:]])))


if __name__ == "__main__":
    main()
