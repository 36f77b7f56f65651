"""Estimate a finished run's wall time on a cluster that runs up to N jobs at once (issue 10).

    python benchmarks/cluster_estimate.py RUN_DIR [--slots 200] [--overhead SECONDS] [--also-overhead S ...]
                                          [--config KEY=VALUE ...]

RUN_DIR is a folder where the workflow ran to completion (Snakefile, config.yaml, workflow/, results/ with
every job's Snakemake benchmark file under results/benchmarks/). ``--config`` takes what the run was given on
its command line (e.g. ``data_dir=...``), so that Snakemake plans the same jobs.

1. The job DAG is Snakemake's own: ``snakemake --forceall --dag [--config ...]`` in RUN_DIR (a dry run, which
   takes no lock). Its Graphviz labels name a job's rule but only the wildcards that none of the job's inputs'
   jobs has (Snakemake's ``DAG.new_wildcards``), so each job's other wildcard values are taken from its inputs'
   jobs, where those agree on one value; where they do not, the job is named and the script stops.
2. Each job's benchmark file is its rule's ``benchmark:`` path (read from RUN_DIR's Snakefile and
   workflow/rules/*.smk, each of the form ``results/benchmarks/<rule>.tsv`` or
   ``results/benchmarks/<rule>/{w1}/{w2}....tsv``) filled with its wildcards. A job without its file, two jobs
   on one file, or a rule that runs code without a benchmark stops the script, naming the job or rule. A rule
   without code and without a benchmark (the target ``all``) takes no time and no overhead.
3. The run is replayed as a list schedule: a job starts once all its inputs' jobs have ended and one of
   ``--slots`` is free, and lasts its measured wall time (``s``) plus ``--overhead`` seconds; of the jobs ready
   at one moment the longest goes first (ties in Snakemake's job order). One job takes one slot, whatever its
   threads. With 1 slot and no overhead the estimate is the sum of the job times; with slots to spare it is the
   DAG's critical path.

Prints a Markdown section for BENCHMARKS.md: the command, the assumptions and the numbers (the estimate, the
chain of jobs that sets it, the critical path, the sum of job times, the slots ever used at once, the largest
job, the per-rule maximum, the estimate at other overheads).
"""

from __future__ import annotations

import argparse
import heapq
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks")]

from summarize import collect  # noqa: E402
from time_run import SNAKEMAKE, machine  # noqa: E402

# The per-job cost of a Slurm job, measured on the project's single-node Slurm (BENCHMARKS.md, "The built-in run",
# "Through Slurm, on the same machine", commit 3229e59): Slurm's elapsed time of the built-in run's 146 jobs
# minus the work inside them (their benchmark files), 8.8 s per job, the start-up of the job's two Snakemake
# processes on a busy 2-core machine.
SLURM_OVERHEAD_S = 8.8
OVERHEAD_SOURCE = (
    'the per-job cost measured on the project\'s single-node Slurm (BENCHMARKS.md, "The built-in run", "Through '
    "Slurm, on the same machine\"): Slurm's elapsed time of 146 jobs minus the work inside them, 8.8 s per job, "
    "the start-up of each job's two Snakemake processes on a busy 2-core machine. It leaves out the executor's "
    "status polling (the wall time there grew by 9.7 s per job) and any queue wait on a shared cluster"
)


@dataclass
class Job:
    """One node of Snakemake's job DAG: its id, rule, wildcards and the ids of its inputs' jobs."""

    id: int
    rule: str
    wildcards: dict[str, str]
    deps: list[int] = field(default_factory=list)


# --- the DAG ---------------------------------------------------------------------------------------------------


def dag_dot(run_dir: Path, config: list[str]) -> str:
    """Snakemake's job DAG of the run in ``run_dir``, as Graphviz dot (a dry run: no job is executed)."""
    command = [SNAKEMAKE, "--forceall", "--dag", *(["--config", *config] if config else [])]
    result = subprocess.run(command, cwd=run_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed in {run_dir}:\n{result.stderr[-3000:]}")
    return result.stdout


NODE = re.compile(r'^\s*(\d+)\[label = "([^"]*)"', re.M)
EDGE = re.compile(r"^\s*(\d+) -> (\d+)\s*$", re.M)


def parse_dot(dot: str) -> dict[int, Job]:
    """Jobs by id from ``snakemake --dag``: rule and label wildcards of each node, inputs' jobs from the edges."""
    if "digraph" not in dot:
        raise SystemExit("no Graphviz digraph in Snakemake's --dag output")
    jobs = {}
    for match in NODE.finditer(dot):
        rule, *wildcards = match.group(2).split("\\n")
        jobs[int(match.group(1))] = Job(int(match.group(1)), rule, dict(w.split(": ", 1) for w in wildcards))
    for match in EDGE.finditer(dot):
        dep, job = int(match.group(1)), int(match.group(2))
        jobs[job].deps.append(dep)
    return jobs


def dependents(deps: dict[int, list[int]]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """For each job, how many jobs it waits for, and the jobs that wait for it."""
    waiting = {job: len(set(d)) for job, d in deps.items()}
    waiters = {job: [] for job in deps}
    for job, d in deps.items():
        for dep in set(d):
            waiters[dep].append(job)
    return waiting, waiters


def topological_order(deps: dict[int, list[int]]) -> list[int]:
    """Every job after the jobs it depends on; ties in id order. Stops on a cycle."""
    waiting, waiters = dependents(deps)
    ready = [job for job, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        job = heapq.heappop(ready)
        order.append(job)
        for waiter in waiters[job]:
            waiting[waiter] -= 1
            if waiting[waiter] == 0:
                heapq.heappush(ready, waiter)
    if len(order) != len(deps):
        raise SystemExit(f"the DAG has a cycle through jobs {sorted(set(deps) - set(order))}")
    return order


# --- benchmark files --------------------------------------------------------------------------------------------

RULE_BLOCK = re.compile(r"^(?=rule \w+:)", re.M)
BENCHMARK = re.compile(r'^\s+benchmark:\s*\n\s+"([^"]+)"', re.M)
RUNS_CODE = re.compile(r"^\s+(script|shell|run|notebook|wrapper|cwl):", re.M)


def benchmark_wildcards(run_dir: Path) -> dict[str, list[str] | None]:
    """Rule -> the wildcards of its benchmark path, in the path's order (None for a rule that runs no code and
    has no benchmark, like the target ``all``), from RUN_DIR's Snakefile and workflow/rules/*.smk."""
    rules = {}
    for path in [run_dir / "Snakefile", *sorted((run_dir / "workflow" / "rules").glob("*.smk"))]:
        for block in RULE_BLOCK.split(path.read_text()):
            name = re.match(r"rule (\w+):", block)
            if not name:
                continue
            rule, benchmark = name.group(1), BENCHMARK.search(block)
            if benchmark is None:
                if RUNS_CODE.search(block):
                    raise SystemExit(f"rule {rule} ({path.name}) runs code but writes no benchmark file")
                rules[rule] = None
                continue
            form = re.fullmatch(rf"results/benchmarks/{rule}((?:/\{{\w+\}})*)\.tsv", benchmark.group(1))
            if form is None:
                raise SystemExit(
                    f"rule {rule} ({path.name}): benchmark {benchmark.group(1)!r} is not "
                    f"results/benchmarks/{rule}.tsv nor results/benchmarks/{rule}/{{wildcard}}/....tsv"
                )
            rules[rule] = re.findall(r"\{(\w+)\}", form.group(1))
    return rules


def describe(job: Job) -> str:
    return job.rule + (f" ({', '.join(f'{k}={v}' for k, v in job.wildcards.items())})" if job.wildcards else "")


def complete_wildcards(jobs: dict[int, Job], names: dict[str, list[str] | None]) -> None:
    """Fill in the wildcards that Snakemake's dot labels leave out: a label shows only the values that none of
    the job's inputs' jobs has, so a missing one is the single value that those jobs have for that name."""
    for job_id in topological_order({j.id: j.deps for j in jobs.values()}):
        job = jobs[job_id]
        if job.rule not in names:
            raise SystemExit(f"job {job_id} ({describe(job)}): rule {job.rule} not found in the run's rules files")
        wanted = names[job.rule] or []
        extra = set(job.wildcards) - set(wanted)
        if extra:
            raise SystemExit(f"job {job_id} ({describe(job)}): wildcards {sorted(extra)} are not in its benchmark path")
        for name in wanted:
            if name in job.wildcards:
                continue
            values = {jobs[d].wildcards[name] for d in job.deps if name in jobs[d].wildcards}
            if len(values) != 1:
                raise SystemExit(
                    f"job {job_id} ({describe(job)}): its value of wildcard {name} is not in the DAG's label and "
                    f"its inputs' jobs have {sorted(values) or 'none'}"
                )
            job.wildcards[name] = values.pop()
        job.wildcards = {name: job.wildcards[name] for name in wanted}


def benchmark_names(jobs: dict[int, Job], names: dict[str, list[str] | None]) -> dict[int, str | None]:
    """Job id -> its benchmark file relative to results/benchmarks, without .tsv (None: no benchmark)."""
    complete_wildcards(jobs, names)
    found, owner = {}, {}
    for job in jobs.values():
        if names[job.rule] is None:
            found[job.id] = None
            continue
        name = "/".join([job.rule, *job.wildcards.values()])
        if name in owner:
            raise SystemExit(f"jobs {owner[name]} and {job.id} ({describe(job)}) both map to {name}.tsv")
        owner[name] = job.id
        found[job.id] = name
    return found


def job_times(results: Path, names: dict[int, str | None]) -> tuple[dict[int, dict], list[str]]:
    """Job id -> {'s', 'cpu_s'} from its benchmark file (zeros for a job without one), and the benchmark files
    that no job of the DAG names."""
    table = collect(results).set_index("job")
    times = {}
    for job_id, name in names.items():
        if name is None:
            times[job_id] = {"s": 0.0, "cpu_s": 0.0}
        elif name not in table.index:
            raise SystemExit(
                f"job {job_id} has no benchmark file: {results}/benchmarks/{name}.tsv (did the run have other "
                "--config values? Snakemake must plan the run's own jobs)"
            )
        else:
            times[job_id] = {"s": float(table.at[name, "s"]), "cpu_s": float(table.at[name, "cpu_s"])}
    unused = sorted(set(table.index) - {n for n in names.values() if n})
    return times, unused


# --- the schedule -----------------------------------------------------------------------------------------------


@dataclass
class Schedule:
    """When each job starts and ends, and what let it start: (job, 'input') for its input that ended last,
    (job, 'slot') for the job whose end freed its slot, (None, 'input') for a job that started at 0."""

    start: dict[int, float]
    end: dict[int, float]
    cause: dict[int, tuple[int | None, str]]

    @property
    def makespan(self) -> float:
        return max(self.end.values(), default=0.0)

    def peak(self) -> int:
        """The most jobs running at one moment (a job of no duration occupies no slot)."""
        events = sorted(
            [(self.end[j], -1) for j in self.start if self.end[j] > self.start[j]]
            + [(self.start[j], 1) for j in self.start if self.end[j] > self.start[j]]
        )
        running = most = 0
        for _, step in events:
            running += step
            most = max(most, running)
        return most

    def chain(self) -> list[tuple[int, str]]:
        """The jobs that set the makespan, first to last, each with what let it start."""
        job = max(self.end, key=lambda j: (self.end[j], -j))
        chain = []
        while job is not None:
            cause, kind = self.cause[job]
            chain.append((job, kind))
            job = cause
        return chain[::-1]


def simulate(durations: dict[int, float], deps: dict[int, list[int]], slots: int | None = None) -> Schedule:
    """List scheduling: a job starts when all of ``deps[job]`` have ended and fewer than ``slots`` jobs run
    (None: no limit); of the ready jobs the longest starts first, ties by id."""
    topological_order(deps)  # stops on a cycle
    waiting, waiters = dependents(deps)
    ready = [(-durations[j], j) for j, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ready_at = dict.fromkeys(durations, 0.0)
    last_input: dict[int, int | None] = dict.fromkeys(durations)
    running: list[tuple[float, int]] = []
    start, end, cause = {}, {}, {}
    now, freed_by = 0.0, None
    while ready or running:
        while ready and (slots is None or len(running) < slots):
            _, job = heapq.heappop(ready)
            start[job], end[job] = now, now + durations[job]
            cause[job] = (last_input[job], "input") if ready_at[job] == now else (freed_by, "slot")
            heapq.heappush(running, (end[job], job))
        now = running[0][0]
        while running and running[0][0] == now:
            _, done = heapq.heappop(running)
            freed_by = done
            for waiter in waiters[done]:
                waiting[waiter] -= 1
                if waiting[waiter] == 0:
                    ready_at[waiter], last_input[waiter] = now, done
                    heapq.heappush(ready, (-durations[waiter], waiter))
    return Schedule(start, end, cause)


def critical_path(durations: dict[int, float], deps: dict[int, list[int]]) -> tuple[float, list[int]]:
    """The DAG's longest chain of jobs by duration (the wall time with unlimited slots) and its jobs."""
    finish, previous = {}, {}
    for job in topological_order(deps):
        before = max(deps[job], key=lambda d: (finish[d], -d), default=None)
        previous[job] = before
        finish[job] = durations[job] + (finish[before] if before is not None else 0.0)
    job = max(finish, key=lambda j: (finish[j], -j), default=None)
    length = finish[job] if job is not None else 0.0
    path = []
    while job is not None:
        path.append(job)
        job = previous[job]
    return length, path[::-1]


# --- the report -------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """A finished run's jobs and their measured times, ready to be scheduled."""

    jobs: dict[int, Job]
    names: dict[int, str | None]
    times: dict[int, dict]
    unused: list[str]

    @property
    def deps(self) -> dict[int, list[int]]:
        return {j.id: j.deps for j in self.jobs.values()}

    def label(self, job_id: int) -> str:
        return self.names[job_id] or self.jobs[job_id].rule

    def durations(self, overhead: float, cpu: bool = False) -> dict[int, float]:
        """Measured wall time plus the overhead; a job without a benchmark (not run on the cluster) takes 0.
        With ``cpu``, a job's CPU time where that is shorter: the time it would take with a core of its own."""
        times = {j: min(t["s"], t["cpu_s"]) if cpu else t["s"] for j, t in self.times.items()}
        return {j: times[j] + (overhead if self.names[j] else 0.0) for j in self.jobs}


def load_run(run_dir: Path, config: list[str]) -> Run:
    """The run's DAG from Snakemake, each job mapped to its benchmark file and its measured times."""
    jobs = parse_dot(dag_dot(run_dir, config))
    names = benchmark_names(jobs, benchmark_wildcards(run_dir))
    times, unused = job_times(run_dir / "results", names)
    return Run(jobs, names, times, unused)


def _s(seconds: float) -> str:
    return f"{seconds:,.0f}" if seconds >= 100 else f"{seconds:.1f}"


def _assumptions(run: Run, slots: int, overhead: float) -> list[str]:
    benchmarked = [t for j, t in run.times.items() if run.names[j]]
    wall, cpu = sum(t["s"] for t in benchmarked), sum(t["cpu_s"] for t in benchmarked)
    m = machine()
    source = f": {OVERHEAD_SOURCE}." if overhead == SLURM_OVERHEAD_S else " (given with `--overhead`)."
    return [
        "Assumptions:",
        "",
        "- Each job lasts its wall time as measured in this run (`s` of its benchmark file), on the cores where "
        f"the run ran (this machine: {m['cores']} cores, {m['cpu']}), with the threads the run gave it and beside "
        "the run's other jobs; a cluster node's core may be faster or slower. The jobs' CPU time (exact from "
        "their logs; for a run older than the logs' resources line, the benchmark files' samples, which can miss "
        "a long job's last seconds) is "
        f"{cpu / wall:.0%} of their wall time ({_s(cpu)} s of {_s(wall)} s): where it is well below 100%, jobs "
        "waited here for a core (or for the disk) and would be shorter on a node of their own.",
        f"- Plus {overhead:g} s per job (every job with a benchmark file; the target `all` runs on the login node "
        f"and takes none){source}",
        f"- A job starts as soon as all its inputs' jobs have ended and one of the {slots} slots is free; of the "
        "jobs ready at one moment the longest starts first. One job takes one slot, whatever its threads; "
        "Snakemake's own planning and file checks are left out.",
    ]


def _numbers(run: Run, slots: int, overhead: float, also: list[float]) -> list[str]:
    durations = run.durations(overhead)
    schedule = simulate(durations, run.deps, slots)
    benchmarked = [j for j in run.jobs if run.names[j]]
    largest = max(benchmarked, key=lambda j: (run.times[j]["s"], -j))
    waited = any(kind == "slot" for _, kind in schedule.cause.values())
    lines = [
        "| | seconds |",
        "|---|---:|",
        f"| **estimated wall time, {slots} slots, {overhead:g} s per job** | **{_s(schedule.makespan)}** |",
        "| the same with each job at its CPU time where that is shorter (a core of its own) | "
        f"{_s(simulate(run.durations(overhead, cpu=True), run.deps, slots).makespan)} |",
        f"| critical path (unlimited slots; a lower bound) | {_s(critical_path(durations, run.deps)[0])} |",
        f"| sum of the job times with overhead / {slots} slots (a lower bound) | "
        f"{_s(sum(durations.values()) / slots)} |",
        f"| sum of the job times (= 1 slot, no overhead) | {_s(sum(run.times[j]['s'] for j in benchmarked))} |",
        "",
        f"Slots used at once, at most: {schedule.peak()} of {slots} "
        + (
            "(jobs waited for slots: the estimate depends on which ready job goes first)."
            if waited
            else "(no job ever waited for a slot, so the estimate is the critical path whatever the order)."
        )
        + f" Largest job: `{run.label(largest)}`, {_s(run.times[largest]['s'])} s.",
        "",
        "The estimate at other per-job overheads (the same slots):",
        "",
        "| overhead s per job | estimated wall time s |",
        "|---:|---:|",
    ]
    for value in sorted({0.0, overhead, *also}):
        lines.append(f"| {value:g} | {_s(simulate(run.durations(value), run.deps, slots).makespan)} |")
    lines += [
        "",
        f"The chain of jobs that sets the estimate (each job's time with its {overhead:g} s of overhead):",
        "",
        "| job | starts at s | its time s | it started when |",
        "|---|---:|---:|---|",
    ]
    for job, kind in schedule.chain():
        cause = schedule.cause[job][0]
        when = "the run started" if cause is None else f"`{run.label(cause)}` ended"
        when += " (freeing a slot)" if kind == "slot" else ""
        lines.append(f"| `{run.label(job)}` | {_s(schedule.start[job])} | {_s(durations[job])} | {when} |")
    return lines


def _per_rule(run: Run) -> list[str]:
    rules: dict[str, list[float]] = {}
    for job, name in run.names.items():
        if name:
            rules.setdefault(run.jobs[job].rule, []).append(run.times[job]["s"])
    lines = [
        "Per rule (measured wall time, no overhead):",
        "",
        "| rule | jobs | sum s | max s |",
        "|---|---:|---:|---:|",
    ]
    for rule, values in sorted(rules.items(), key=lambda item: -max(item[1])):
        lines.append(f"| {rule} | {len(values)} | {_s(sum(values))} | {_s(max(values))} |")
    return lines


def markdown(run: Run, run_dir: Path, command: str, slots: int, overhead: float, also: list[float]) -> str:
    """The section for BENCHMARKS.md: the command, the assumptions, the numbers, the chain and the rules."""
    jobs = sum(1 for name in run.names.values() if name)
    unused = f" ({len(run.unused)} other files under results/benchmarks/ belong to no job)" if run.unused else ""
    head = [
        f"### Estimated wall time on a cluster with {slots} concurrent jobs: `{run_dir}`",
        "",
        f"Command: `{command}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC). The job DAG is Snakemake's own "
        f"(`snakemake --forceall --dag` in that folder, with the same `--config`): {len(run.jobs)} jobs, "
        f"{jobs} of them with a benchmark file{unused}.",
        "",
    ]
    return "\n".join(
        [*head, *_assumptions(run, slots, overhead), "", *_numbers(run, slots, overhead, also), "", *_per_rule(run)]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="folder of a finished run (Snakefile, workflow/, results/)")
    parser.add_argument("--slots", type=int, default=200, help="jobs the cluster runs at once (default 200)")
    parser.add_argument(
        "--overhead",
        type=float,
        default=SLURM_OVERHEAD_S,
        help=f"seconds added to every job (default {SLURM_OVERHEAD_S}: measured on the project's Slurm)",
    )
    parser.add_argument("--also-overhead", type=float, nargs="+", default=[], help="more overheads to tabulate")
    parser.add_argument("--config", nargs="+", default=[], help="KEY=VALUE the run was given (passed to Snakemake)")
    args = parser.parse_args()
    if args.slots < 1 or args.overhead < 0:
        parser.error("--slots must be at least 1 and --overhead at least 0")
    run = load_run(args.run_dir, args.config)
    command = shlex.join(["python", "benchmarks/cluster_estimate.py", *sys.argv[1:]])
    print(markdown(run, args.run_dir, command, args.slots, args.overhead, args.also_overhead))


if __name__ == "__main__":
    main()
