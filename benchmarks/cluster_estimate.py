"""Estimate a finished run's wall time on a cluster that runs up to N jobs at once (issues 10 and 24).

    python benchmarks/cluster_estimate.py RUN_DIR [--slots 200] [--latency S | --latency-from SLURM_RUN]
                                          [--test-splits N ...] [--config KEY=VALUE ...]
    python benchmarks/cluster_estimate.py --latency-from SLURM_RUN      (only measure the latency)

RUN_DIR is a folder where the workflow ran to completion (Snakefile, config.yaml, workflow/, profiles/,
results/ with every job's Snakemake benchmark file under results/benchmarks/). ``--config`` takes what the run
was given on its command line (e.g. ``data_dir=...``), so that Snakemake plans the same jobs.

1. The job DAG is Snakemake's own: ``snakemake --forceall --dag [--config ...]`` in RUN_DIR (a dry run, which
   takes no lock). Its Graphviz labels name a job's rule but only the wildcards that none of the job's inputs'
   jobs has (Snakemake's ``DAG.new_wildcards``), so each job's other wildcard values are taken from its inputs'
   jobs, where those agree on one value; where they do not, the job is named and the script stops.
2. Each job's benchmark file is its rule's ``benchmark:`` path (read from RUN_DIR's Snakefile and
   workflow/rules/*.smk, each of the form ``results/benchmarks/<rule>.tsv`` or
   ``results/benchmarks/<rule>/{w1}/{w2}....tsv``) filled with its wildcards. A job without its file, two jobs
   on one file, or a rule that runs code without a benchmark stops the script, naming the job or rule. A rule
   without code and without a benchmark (the target ``all``) takes no time and no latency.
3. The cluster jobs are Snakemake's own too: a dry run through the Slurm profile
   (``snakemake --forceall --dry-run --workflow-profile profiles/slurm``) prints each group job with its jobs
   (the job groups of workflow/rules/common.smk); every other job is a cluster job of its own. A cluster job
   lasts the critical path of its jobs' measured wall times (``s``) plus the executor's latency, once.
4. The latency is measured, not assumed: ``--latency-from SLURM_RUN`` reads a finished run through the Slurm
   profile (its Snakemake log in .snakemake/log/ and its benchmark files): for each cluster job, the time from
   the moment Snakemake submitted it to the moment Snakemake saw its last job finished, less the work inside
   (its jobs' benchmark times added up). The median over the cluster jobs is the latency; without the option
   it is :data:`SLURM_LATENCY_S`, measured so on the project's single-node Slurm.
5. ``--test-splits N`` replays the run with N test splits instead of its own: the cluster jobs of the test
   splits (group ``test_split``) are repeated, cycling over the measured ones, and each job that gathers them
   (a job waiting for test-split jobs, e.g. ``submission``) takes its measured time times N over the run's test
   splits (an upper bound: its start-up does not grow). The survey's data are given: the simulator's job, which
   made the benchmark's data, takes no time.
6. The run is replayed as a list schedule: a cluster job starts once all its inputs' jobs have ended, one of
   ``--slots`` is free and Snakemake may submit again (the profile's ``max-jobs-per-timespan``); of the jobs
   ready at one moment the longest goes first (ties in Snakemake's job order). One cluster job takes one slot,
   whatever its threads. With 1 slot and no latency the estimate is the sum of the job times; with slots to
   spare it is the DAG's critical path.

Prints a Markdown section for BENCHMARKS.md: the command, the assumptions and the numbers (the estimate, the
chain of jobs that sets it, the critical path, the sum of job times, the slots ever used at once, the largest
job, the per-rule maximum, the estimate at other latencies).
"""

from __future__ import annotations

import argparse
import heapq
import re
import shlex
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks")]

from summarize import collect, test_split_sizes  # noqa: E402
from time_run import SNAKEMAKE, machine  # noqa: E402

# The executor's latency per cluster job, measured through profiles/slurm on the project's single-node Slurm
# (BENCHMARKS.md, "Through Slurm", the built-in run of 2026-12-05 at commit 8ce9fd9, `--latency-from`): the
# median, over its 55 cluster jobs, of the time from submission to Snakemake seeing the job finished, less the
# work inside. The median leaves out the six model chains, which waited in Slurm's queue for the node's 2 CPUs.
SLURM_LATENCY_S = 38.4
LATENCY_SOURCE = (
    "the executor's latency per cluster job measured through profiles/slurm on the project's single-node Slurm "
    '(BENCHMARKS.md, "Through Slurm"): the median over the built-in run\'s 55 cluster jobs of the time from '
    "submission to Snakemake seeing the job finished (never less than 39 s: the profile waits 40 s before the "
    "first status check), less the work inside. Queue waits on a shared cluster come on top"
)
TEST_SPLIT_GROUP = "test_split"  # workflow/rules/common.smk
SIMULATOR = "simulate"  # the rule that makes the built-in data: no time in a replay with --test-splits
RATE_WAIT_S = 1.0  # a job that waited longer than this for the submission rate names it as what delayed it


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


# --- the Snakemake log: cluster jobs, their jobs, when each was submitted and seen finished --------------------

STAMP = re.compile(r"^(\s*)\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\](.*)$")
RULE_LINE = re.compile(r"^(\s*)(local)?rule (\w+):\s*$")
JOBID_LINE = re.compile(r"^\s+jobid: (\d+)\s*$")
BENCHMARK_LINE = re.compile(r"^\s+benchmark: results/benchmarks/(\S+)\.tsv\s*$")
FINISHED_LINE = re.compile(r"^Finished jobid: (\d+)\b")


@dataclass
class ClusterJob:
    """One job as the executor sees it: a group job (its group's name) or a rule's job of no group (its rule);
    when Snakemake printed it (for a run, its submission) and its jobs: jobid -> benchmark name (None: none)."""

    name: str
    printed: datetime | None
    jobs: dict[int, str | None] = field(default_factory=dict)


def parse_job_log(text: str) -> tuple[list[ClusterJob], dict[int, datetime]]:
    """The cluster jobs of a Snakemake log or dry run (local rules left out), and when each job was reported
    finished. A group job is printed as ``[time] Group job NAME ...`` with its jobs indented under it."""
    cluster_jobs: list[ClusterJob] = []
    finished: dict[int, datetime] = {}
    stamp = group = current = None
    member = None
    for line in text.splitlines():
        if match := STAMP.match(line):
            indent, when, rest = match.groups()
            stamp = datetime.strptime(" ".join(when.split()), "%a %b %d %H:%M:%S %Y")
            if rest.strip().startswith("Group job "):
                group = ClusterJob(rest.split()[2], stamp)
                cluster_jobs.append(group)
            elif not indent:
                group = None
        elif match := RULE_LINE.match(line):
            indent, local, rule = match.groups()
            member = None
            if local:
                current = None
            elif group is not None and indent:
                current = group
            else:
                group, current = None, ClusterJob(rule, stamp)
                cluster_jobs.append(current)
        elif (match := JOBID_LINE.match(line)) and current is not None:
            member = int(match.group(1))
            current.jobs[member] = None
        elif (match := BENCHMARK_LINE.match(line)) and current is not None and member is not None:
            current.jobs[member] = match.group(1)
        elif match := FINISHED_LINE.match(line):
            finished[int(match.group(1))] = stamp
    return cluster_jobs, finished


def measure_latency(slurm_run: Path) -> list[dict]:
    """Per cluster job of a finished run through the Slurm profile (its newest Snakemake log in .snakemake/log/
    and its benchmark files): ``seen_s``, from its submission to Snakemake seeing its last job finished;
    ``work_s``, its jobs' benchmark times added up; ``latency_s``, the difference. Timestamps are whole seconds."""
    logs = sorted((slurm_run / ".snakemake" / "log").glob("*.snakemake.log"))
    if not logs:
        raise SystemExit(f"{slurm_run}: no Snakemake log in .snakemake/log/")
    cluster_jobs, finished = parse_job_log(logs[-1].read_text())
    times = collect(slurm_run / "results").set_index("job")["s"]
    rows = []
    for job in cluster_jobs:
        names = [name for name in job.jobs.values() if name]
        if not names or any(j not in finished for j in job.jobs):
            continue  # no work of its own, or not finished in this log
        missing = [name for name in names if name not in times.index]
        if missing:
            raise SystemExit(f"{slurm_run}: no benchmark file for {missing}")
        seen = (max(finished[j] for j in job.jobs) - job.printed).total_seconds()
        work = float(sum(times[name] for name in names))
        rows.append({"cluster_job": job.name, "jobs": len(names), "seen_s": seen, "work_s": work})
        rows[-1]["latency_s"] = seen - work
    if not rows:
        raise SystemExit(f"{logs[-1]}: no finished cluster job")
    return rows


def latency_summary(rows: list[dict]) -> dict:
    values = sorted(r["latency_s"] for r in rows)
    seen = sorted(r["seen_s"] for r in rows)
    return {
        "cluster_jobs": len(values),
        "median_s": statistics.median(values),
        "min_s": values[0],
        "max_s": values[-1],
        "seen_median_s": statistics.median(seen),
        "seen_min_s": seen[0],
    }


def latency_markdown(slurm_run: Path, rows: list[dict]) -> str:
    summary = latency_summary(rows)
    per = {}
    for row in rows:
        per.setdefault(row["cluster_job"], []).append(row)
    lines = [
        f"The executor's latency per cluster job, from `{slurm_run}` ({summary['cluster_jobs']} cluster jobs): "
        f"**median {summary['median_s']:.1f} s** (min {summary['min_s']:.1f}, max {summary['max_s']:.1f}); from "
        f"submission to Snakemake seeing the job finished, median {summary['seen_median_s']:.0f} s, never less "
        f"than {summary['seen_min_s']:.0f} s.",
        "",
        "| cluster job | count | jobs in each | median work s | median latency s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, group in sorted(per.items(), key=lambda item: -len(item[1])):
        lines.append(
            f"| {name} | {len(group)} | {max(r['jobs'] for r in group)} | "
            f"{statistics.median(r['work_s'] for r in group):.1f} | "
            f"{statistics.median(r['latency_s'] for r in group):.1f} |"
        )
    return "\n".join(lines)


# --- the schedule -----------------------------------------------------------------------------------------------


@dataclass
class Schedule:
    """When each job starts and ends, and what let it start: (job, 'input') for its input that ended last,
    (job, 'slot') for the job whose end freed its slot, (job, 'submission rate') for the job submitted just
    before it, (None, 'input') for a job that started at 0."""

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


def simulate(
    durations: dict[int, float], deps: dict[int, list[int]], slots: int | None = None, rate: float | None = None
) -> Schedule:
    """List scheduling: a job starts when all of ``deps[job]`` have ended, fewer than ``slots`` jobs run (None:
    no limit) and, with ``rate``, at least 1 / ``rate`` s after the job started before it (Snakemake submits at
    most ``rate`` jobs a second); of the ready jobs the longest starts first, ties by id. A job of no duration
    (the target ``all``) is not submitted."""
    topological_order(deps)  # stops on a cycle
    waiting, waiters = dependents(deps)
    ready = [(-durations[j], j) for j, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ready_at = dict.fromkeys(durations, 0.0)
    last_input: dict[int, int | None] = dict.fromkeys(durations)
    running: list[tuple[float, int]] = []
    start, end, cause = {}, {}, {}
    now, freed_by, next_submit, submitted_last = 0.0, None, 0.0, None
    while ready or running:
        while ready and (slots is None or len(running) < slots):
            _, job = heapq.heappop(ready)
            begin = max(now, next_submit) if rate and durations[job] > 0 else now
            start[job], end[job] = begin, begin + durations[job]
            if begin > now + RATE_WAIT_S:
                cause[job] = (submitted_last, "submission rate")
            else:
                cause[job] = (last_input[job], "input") if ready_at[job] == now else (freed_by, "slot")
            if rate and durations[job] > 0:
                next_submit, submitted_last = begin + 1 / rate, job
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


# --- the run as cluster jobs ------------------------------------------------------------------------------------


@dataclass
class Run:
    """A finished run's jobs, their measured times and the cluster jobs they form."""

    jobs: dict[int, Job]
    names: dict[int, str | None]
    times: dict[int, dict]
    unused: list[str]
    units: dict[int, list[int]] = field(default_factory=dict)  # cluster job id -> its jobs' ids
    unit_names: dict[int, str] = field(default_factory=dict)
    objects_per_test_split: float | None = None

    @property
    def deps(self) -> dict[int, list[int]]:
        return {j.id: j.deps for j in self.jobs.values()}

    def label(self, unit: int) -> str:
        members = [self.names[j] or self.jobs[j].rule for j in self.units[unit]]
        name = self.unit_names[unit]
        return members[0] if len(members) == 1 else f"{name}: {', '.join(sorted(members))}"

    @property
    def test_units(self) -> list[int]:
        return [u for u, name in self.unit_names.items() if name == TEST_SPLIT_GROUP]

    def cluster(self, latency: float, test_splits: int | None = None, cpu: bool = False):
        """The cluster jobs as a DAG: (durations, deps, ids of the cluster jobs they copy). A cluster job lasts
        the critical path of its jobs' times plus ``latency`` (none for a job without a benchmark file); with
        ``test_splits``, the test splits' cluster jobs are repeated to that many and their gatherers scaled.
        With ``cpu``, each job takes its CPU time where that is shorter (the time with a core of its own)."""
        job_s = {j: min(t["s"], t["cpu_s"]) if cpu else t["s"] for j, t in self.times.items()}
        unit_of = {j: u for u, members in self.units.items() for j in members}
        durations, deps, origin = {}, {}, {}
        for unit, members in self.units.items():
            inside = set(members)
            work = critical_path(
                {j: job_s[j] for j in members}, {j: [d for d in self.jobs[j].deps if d in inside] for j in members}
            )[0]
            named = any(self.names[j] for j in members)
            durations[unit] = work + (latency if named else 0.0)
            deps[unit] = sorted({unit_of[d] for j in members for d in self.jobs[j].deps} - {unit})
            origin[unit] = unit
        tests = self.test_units
        if test_splits is None or not tests:
            return durations, deps, origin
        for unit, members in self.units.items():
            if all(self.jobs[j].rule == SIMULATOR for j in members):
                durations[unit] = 0.0  # a survey's data are there: only the benchmark's were simulated
        factor = test_splits / len(tests)
        first = max(durations) + 1
        copies = list(range(first, first + test_splits))
        for i, copy in enumerate(copies):
            source = tests[i % len(tests)]
            durations[copy], deps[copy], origin[copy] = durations[source], list(deps[source]), source
        for unit in tests:
            del durations[unit], deps[unit], origin[unit]
        test_set = set(tests)
        for unit in list(deps):
            if test_set & set(deps[unit]):
                named = any(self.names[j] for j in self.units[unit])
                work = durations[unit] - (latency if named else 0.0)
                durations[unit] = work * factor + (latency if named else 0.0)
                deps[unit] = [d for d in deps[unit] if d not in test_set] + copies
        return durations, deps, origin


def test_split_objects(results: Path) -> float | None:
    """The mean number of objects per test split of a finished run (its catalogue tables), None without any."""
    sizes = test_split_sizes(results)
    return sum(sizes) / len(sizes) if sizes else None


def cluster_units(run_dir: Path, config: list[str], names: dict[int, str | None], jobs: dict[int, Job]):
    """The cluster jobs of the run through profiles/slurm, from Snakemake's dry run: (cluster job id -> its
    jobs' ids in the --dag numbering, cluster job id -> its name). Jobs are matched by their benchmark file."""
    command = [SNAKEMAKE, "--forceall", "--dry-run", "--workflow-profile", "profiles/slurm"]
    command += ["--config", *config] if config else []
    result = subprocess.run(command, cwd=run_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed in {run_dir}:\n{result.stderr[-3000:]}")
    cluster_jobs, _ = parse_job_log(result.stdout)
    by_name = {name: j for j, name in names.items() if name}
    units, unit_names, placed = {}, {}, set()
    for cluster_job in cluster_jobs:
        if not any(cluster_job.jobs.values()):
            continue  # the target `all`: no work, added below as a job of no time
        members = []
        for name in cluster_job.jobs.values():
            if name not in by_name:
                raise SystemExit(f"the dry run's job with benchmark {name}.tsv is not in the --dag's jobs")
            members.append(by_name[name])
        units[len(units)], unit_names[len(unit_names)] = members, cluster_job.name
        placed.update(members)
    missing = sorted(set(by_name.values()) - placed)
    if missing:
        raise SystemExit(f"jobs {[names[j] for j in missing]} are in no cluster job of the dry run")
    for j in sorted(set(jobs) - placed):  # local jobs (the target `all`): no time
        units[len(units)], unit_names[len(unit_names)] = [j], jobs[j].rule
    return units, unit_names


def load_run(run_dir: Path, config: list[str]) -> Run:
    """The run's DAG from Snakemake, each job mapped to its benchmark file, its measured times and its cluster job."""
    jobs = parse_dot(dag_dot(run_dir, config))
    names = benchmark_names(jobs, benchmark_wildcards(run_dir))
    times, unused = job_times(run_dir / "results", names)
    units, unit_names = cluster_units(run_dir, config, names, jobs)
    return Run(jobs, names, times, unused, units, unit_names, test_split_objects(run_dir / "results"))


def submit_rate(run_dir: Path) -> float | None:
    """Jobs per second Snakemake submits at most, from profiles/slurm's ``max-jobs-per-timespan: N/Ts``."""
    profile = run_dir / "profiles" / "slurm" / "config.yaml"
    match = (
        re.search(r"^max-jobs-per-timespan:\s*(\d+)/(\d*)s", profile.read_text(), re.M) if profile.exists() else None
    )
    return int(match.group(1)) / int(match.group(2) or 1) if match else None


# --- the report -------------------------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:,.0f}" if seconds >= 100 else f"{seconds:.1f}"


def _assumptions(run: Run, latency: float, source: str, rate: float | None) -> list[str]:
    benchmarked = [t for j, t in run.times.items() if run.names[j]]
    wall, cpu = sum(t["s"] for t in benchmarked), sum(t["cpu_s"] for t in benchmarked)
    m = machine()
    return [
        "Assumptions:",
        "",
        "- Each job lasts its wall time as measured in this run (`s` of its benchmark file), on the cores where "
        f"the run ran (this machine: {m['cores']} cores, {m['cpu']}), with the threads the run gave it and beside "
        "the run's other jobs; a cluster node's core may be faster or slower. The jobs' CPU time is "
        f"{cpu / wall:.0%} of their wall time ({_s(cpu)} s of {_s(wall)} s): where it is well below 100%, jobs "
        "waited here for a core (or for the disk) and would be shorter on a node of their own.",
        f"- The cluster jobs are those of `--workflow-profile profiles/slurm` (Snakemake's dry run): {len(run.units)} "
        "for this run. Each lasts the critical path of its jobs plus the executor's latency, once: "
        f"{latency:g} s, {source}.",
        "- A cluster job starts as soon as all its inputs' jobs have ended and a slot is free"
        + (
            f", and Snakemake submits at most {rate:g} jobs a second (the profile's `max-jobs-per-timespan`)"
            if rate
            else ""
        )
        + "; of the jobs ready at one moment the longest starts first. One cluster job takes one slot, whatever "
        "its threads; Snakemake's own planning and file checks are left out.",
    ]


def _numbers(run: Run, slots: int, latency: float, rate: float | None, also: list[float]) -> list[str]:
    durations, deps, origin = run.cluster(latency)
    schedule = simulate(durations, deps, slots, rate)
    benchmarked = [j for j in run.jobs if run.names[j]]
    largest = max(benchmarked, key=lambda j: (run.times[j]["s"], -j))
    waited = any(kind == "slot" for _, kind in schedule.cause.values())
    lines = [
        "| | seconds |",
        "|---|---:|",
        f"| **estimated wall time, {slots} slots, {latency:g} s latency per cluster job** | "
        f"**{_s(schedule.makespan)}** |",
        "| the same with each job at its CPU time where that is shorter (a core of its own) | "
        f"{_s(simulate(run.cluster(latency, cpu=True)[0], deps, slots, rate).makespan)} |",
        "| critical path of the cluster jobs (unlimited slots; a lower bound) | "
        f"{_s(critical_path(durations, deps)[0])} |",
        f"| sum of the job times (= 1 slot, no latency) | {_s(sum(run.times[j]['s'] for j in benchmarked))} |",
        "",
        f"Slots used at once, at most: {schedule.peak()} of {slots} "
        + (
            "(jobs waited for slots: the estimate depends on which ready job goes first)."
            if waited
            else "(no job ever waited for a slot)."
        )
        + f" Largest job: `{run.names[largest]}`, {_s(run.times[largest]['s'])} s.",
        "",
        "The estimate at other latencies (the same slots):",
        "",
        "| latency s per cluster job | estimated wall time s |",
        "|---:|---:|",
    ]
    for value in sorted({0.0, latency, *also}):
        lines.append(f"| {value:g} | {_s(simulate(run.cluster(value)[0], deps, slots, rate).makespan)} |")
    lines += [
        "",
        f"The chain of cluster jobs that sets the estimate (each one's time with its {latency:g} s of latency):",
        "",
        "| cluster job | starts at s | its time s | it started when |",
        "|---|---:|---:|---|",
    ]
    for unit, kind in schedule.chain():
        cause = schedule.cause[unit][0]
        when = "the run started" if cause is None else f"`{run.label(origin[cause])}` ended"
        when = f"`{run.label(origin[cause])}` was submitted" if kind == "submission rate" else when
        when += " (freeing a slot)" if kind == "slot" else ""
        lines.append(f"| `{run.label(origin[unit])}` | {_s(schedule.start[unit])} | {_s(durations[unit])} | {when} |")
    return lines


def _scaled(run: Run, slots: list[int], test_splits: list[int], latency: float, rate: float | None) -> list[str]:
    if not test_splits:
        return []
    if not run.test_units or not run.objects_per_test_split:
        raise SystemExit("--test-splits: the run has no test-split cluster jobs to repeat")
    per = run.objects_per_test_split
    lines = [
        f"With more test splits (of this run's {per:,.0f} test objects each, its {len(run.test_units)} test-split "
        "cluster jobs repeated in turn; each job that gathers them at its measured time times the splits' ratio; "
        "the data given, so the simulator's job takes no time):",
        "",
        "| test splits | test objects | " + " | ".join(f"{n:,} slots" for n in slots) + " |",
        "|---:|---:|" + "---:|" * len(slots),
    ]
    for n in test_splits:
        durations, deps, _ = run.cluster(latency, test_splits=n)
        cells = []
        for slot in slots:
            span = simulate(durations, deps, slot, rate).makespan
            cells.append(f"{span:,.0f} s ({span / 60:,.0f} min)")
        lines.append(f"| {n:,} | {n * per:,.0f} | " + " | ".join(cells) + " |")
    return lines


def _per_rule(run: Run) -> list[str]:
    rules: dict[str, list[float]] = {}
    for job, name in run.names.items():
        if name:
            rules.setdefault(run.jobs[job].rule, []).append(run.times[job]["s"])
    lines = [
        "Per rule (measured wall time, no latency):",
        "",
        "| rule | jobs | sum s | max s |",
        "|---|---:|---:|---:|",
    ]
    for rule, values in sorted(rules.items(), key=lambda item: -max(item[1])):
        lines.append(f"| {rule} | {len(values)} | {_s(sum(values))} | {_s(max(values))} |")
    return lines


def markdown(
    run: Run,
    run_dir: Path,
    command: str,
    slots: list[int],
    latency: float,
    source: str,
    rate: float | None = None,
    also: list[float] = (),
    test_splits: list[int] = (),
) -> str:
    """The section for BENCHMARKS.md: the command, the assumptions, the numbers, the chain and the rules."""
    jobs = sum(1 for name in run.names.values() if name)
    unused = f" ({len(run.unused)} other files under results/benchmarks/ belong to no job)" if run.unused else ""
    head = [
        f"### Estimated wall time on a cluster: `{run_dir}`",
        "",
        f"Command: `{command}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC). The job DAG is Snakemake's own "
        f"(`snakemake --forceall --dag` in that folder, with the same `--config`): {len(run.jobs)} jobs, "
        f"{jobs} of them with a benchmark file{unused}.",
        "",
    ]
    body = [
        *_assumptions(run, latency, source, rate),
        "",
        *_numbers(run, slots[0], latency, rate, list(also)),
        "",
        *_scaled(run, slots, list(test_splits), latency, rate),
        "",
        *_per_rule(run),
    ]
    return "\n".join([*head, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "run_dir", type=Path, nargs="?", help="folder of a finished run (Snakefile, workflow/, results/)"
    )
    parser.add_argument("--slots", type=int, nargs="+", default=[200], help="jobs the cluster runs at once (200)")
    latency = parser.add_mutually_exclusive_group()
    latency.add_argument("--latency", type=float, help=f"seconds per cluster job (default {SLURM_LATENCY_S}, measured)")
    latency.add_argument("--latency-from", type=Path, metavar="SLURM_RUN", help="measure it from a run through Slurm")
    parser.add_argument("--also-latency", type=float, nargs="+", default=[], help="more latencies to tabulate")
    parser.add_argument("--test-splits", type=int, nargs="+", default=[], help="replay with this many test splits")
    parser.add_argument("--config", nargs="+", default=[], help="KEY=VALUE the run was given (passed to Snakemake)")
    args = parser.parse_args()
    if min(args.slots) < 1 or (args.latency or 0) < 0 or min(args.test_splits, default=1) < 1:
        parser.error("--slots and --test-splits must be at least 1 and --latency at least 0")
    value, source = SLURM_LATENCY_S, LATENCY_SOURCE
    if args.latency is not None:
        value, source = args.latency, "given with `--latency`"
    if args.latency_from is not None:
        rows = measure_latency(args.latency_from)
        value = latency_summary(rows)["median_s"]
        source = f"measured from the Slurm run in `{args.latency_from}` (the median over its cluster jobs)"
        print(latency_markdown(args.latency_from, rows) + "\n")
    if args.run_dir is None:
        return
    run = load_run(args.run_dir, args.config)
    command = shlex.join(["python", "benchmarks/cluster_estimate.py", *sys.argv[1:]])
    rate = submit_rate(args.run_dir)
    print(markdown(run, args.run_dir, command, args.slots, value, source, rate, args.also_latency, args.test_splits))


if __name__ == "__main__":
    main()
