"""benchmarks/cluster_estimate.py: the DAG from Snakemake's dot, each job's benchmark file, the cluster replay."""

import importlib
import random
import re
import sys

import pytest
from conftest import REPO
from workflow_helpers import TINY_CONFIG, copy_workflow, snakemake

sys.path.insert(0, str(REPO / "benchmarks"))
estimate = importlib.import_module("cluster_estimate")

# The shape of `snakemake --forceall --dag` (Snakemake 9): a label holds the rule and only the wildcards that
# none of the job's inputs' jobs has, so ingest shows none and extract only its set.
DOT = r"""digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
    node[shape=box, style=rounded, fontname=sans,                 fontsize=10, penwidth=2];
    edge[penwidth=2, color=grey];
	0[label = "all", color = "0.00 0.6 0.85", style="rounded"];
	1[label = "merge", color = "0.30 0.6 0.85", style="rounded"];
	2[label = "extract\nset: gp", color = "0.13 0.6 0.85", style="rounded"];
	3[label = "ingest", color = "0.27 0.6 0.85", style="rounded"];
	4[label = "catalog\nside: train\nsplit: split_01", color = "0.07 0.6 0.85", style="rounded"];
	5[label = "extract\nset: gp", color = "0.13 0.6 0.85", style="rounded"];
	6[label = "ingest", color = "0.27 0.6 0.85", style="rounded"];
	7[label = "catalog\nside: train\nsplit: split_02", color = "0.07 0.6 0.85", style="rounded"];
	1 -> 0
	2 -> 1
	5 -> 1
	3 -> 2
	4 -> 3
	6 -> 5
	7 -> 6
}            """

NAMES = {
    "all": None,
    "catalog": ["side", "split"],
    "ingest": ["side", "split"],
    "extract": ["set", "side", "split"],
    "merge": ["side"],
    "tune": [],
}


def test_parse_dot_reads_rules_label_wildcards_and_edges():
    jobs = estimate.parse_dot(DOT)
    assert sorted(jobs) == list(range(8))
    assert jobs[4].rule == "catalog" and jobs[4].wildcards == {"side": "train", "split": "split_01"}
    assert jobs[3].rule == "ingest" and jobs[3].wildcards == {}
    assert jobs[2].wildcards == {"set": "gp"}
    assert sorted(jobs[1].deps) == [2, 5] and jobs[0].deps == [1] and jobs[4].deps == []


def test_the_workflows_benchmark_paths_are_the_rule_then_its_wildcards():
    """Every rule of the workflow writes results/benchmarks/<rule>[/<wildcard>...].tsv; only `all` has none."""
    names = estimate.benchmark_wildcards(REPO)
    assert [rule for rule, wildcards in names.items() if wildcards is None] == ["all"]
    assert names["extract"] == ["side", "split"] and names["folds"] == []
    assert len(names) > 15


def rules_dir(tmp_path, smk):
    (tmp_path / "workflow" / "rules").mkdir(parents=True)
    (tmp_path / "Snakefile").write_text('rule all:\n    input:\n        "x"\n')
    (tmp_path / "workflow" / "rules" / "stage.smk").write_text(smk)
    return tmp_path


def test_a_rule_that_runs_code_without_a_benchmark_stops_the_script(tmp_path):
    rules_dir(tmp_path, 'rule fit:\n    output:\n        "y"\n    script:\n        "../scripts/fit.py"\n')
    with pytest.raises(SystemExit, match="rule fit .* writes no benchmark"):
        estimate.benchmark_wildcards(tmp_path)


def test_a_benchmark_path_of_another_form_stops_the_script(tmp_path):
    smk = 'rule fit:\n    benchmark:\n        "results/benchmarks/{scope}/fit.tsv"\n    script:\n        "f.py"\n'
    rules_dir(tmp_path, smk)
    with pytest.raises(SystemExit, match="rule fit .* is not results/benchmarks/fit.tsv"):
        estimate.benchmark_wildcards(tmp_path)


def test_each_job_gets_its_benchmark_file_with_wildcards_taken_from_its_inputs_jobs():
    names = estimate.benchmark_names(estimate.parse_dot(DOT), NAMES)
    assert names == {
        0: None,
        1: "merge/train",
        2: "extract/gp/train/split_01",
        3: "ingest/train/split_01",
        4: "catalog/train/split_01",
        5: "extract/gp/train/split_02",
        6: "ingest/train/split_02",
        7: "catalog/train/split_02",
    }


def test_a_wildcard_that_the_inputs_jobs_do_not_settle_stops_the_script():
    jobs = estimate.parse_dot(DOT.replace("side: train\\nsplit: split_02", "side: test\\nsplit: split_02"))
    with pytest.raises(SystemExit, match=r"job 1 \(merge\): .* wildcard side .* \['test', 'train'\]"):
        estimate.benchmark_names(jobs, NAMES)


def test_two_jobs_on_one_benchmark_file_stop_the_script():
    dot = '0[label = "tune", color = "x"];\n1[label = "tune", color = "x"];\n'
    with pytest.raises(SystemExit, match=r"jobs 0 and 1 \(tune\) both map to tune.tsv"):
        estimate.benchmark_names(estimate.parse_dot("digraph {\n" + dot + "}"), NAMES)


def write_benchmark(results, name, s, cpu_time):
    path = results / "benchmarks" / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"s\th:m:s\tmax_rss\tcpu_time\n{s}\t0:00:01\t100.0\t{cpu_time}\n")


def test_job_times_read_each_jobs_file_and_a_missing_file_names_its_job(tmp_path):
    write_benchmark(tmp_path, "tune/fold_1", 12.5, 11.0)
    write_benchmark(tmp_path, "stale/old", 1.0, 1.0)
    times, unused = estimate.job_times(tmp_path, {0: None, 1: "tune/fold_1"})
    assert times == {0: {"s": 0.0, "cpu_s": 0.0}, 1: {"s": 12.5, "cpu_s": 11.0}}
    assert unused == ["stale/old"]
    with pytest.raises(SystemExit, match="job 2 has no benchmark file: .*tune/final.tsv"):
        estimate.job_times(tmp_path, {1: "tune/fold_1", 2: "tune/final"})


def test_a_chain_takes_the_sum_of_its_jobs_whatever_the_slots():
    durations, deps = {1: 1.0, 2: 2.0, 3: 3.0}, {1: [], 2: [1], 3: [2]}
    for slots in (1, 2, None):
        schedule = estimate.simulate(durations, deps, slots)
        assert schedule.makespan == 6.0 and schedule.start == {1: 0.0, 2: 1.0, 3: 3.0}
        assert schedule.chain() == [(1, "input"), (2, "input"), (3, "input")] and schedule.peak() == 1
    assert estimate.critical_path(durations, deps) == (6.0, [1, 2, 3])


def test_a_fan_out_on_two_slots_starts_the_longest_ready_job_first():
    # root 1 s, then leaves of 3, 2, 2 and 1 s: [1, 4] and [1, 3]; the second 2 at 3, the 1 at 4; all end by 5.
    durations = {0: 1.0, 1: 3.0, 2: 2.0, 3: 2.0, 4: 1.0}
    deps = {0: [], 1: [0], 2: [0], 3: [0], 4: [0]}
    schedule = estimate.simulate(durations, deps, slots=2)
    assert schedule.start == {0: 0.0, 1: 1.0, 2: 1.0, 3: 3.0, 4: 4.0}
    assert schedule.makespan == 5.0 and schedule.peak() == 2
    assert schedule.chain() == [(0, "input"), (2, "input"), (3, "slot")]  # 1 + 2 + 2: job 3 waited for job 2's slot
    unlimited = estimate.simulate(durations, deps)
    assert unlimited.makespan == 4.0 and unlimited.peak() == 4 and estimate.critical_path(durations, deps)[0] == 4.0


@pytest.mark.parametrize("seed", range(5))
def test_one_slot_gives_the_sum_and_unlimited_slots_the_critical_path(seed):
    rng = random.Random(seed)
    durations = {j: round(rng.uniform(0, 10), 2) for j in range(40)}
    deps = {j: rng.sample(range(j), min(j, rng.randint(0, 3))) for j in range(40)}
    assert estimate.simulate(durations, deps, slots=1).makespan == pytest.approx(sum(durations.values()))
    length, path = estimate.critical_path(durations, deps)
    assert estimate.simulate(durations, deps).makespan == pytest.approx(length)
    assert estimate.simulate(durations, deps, slots=40).makespan == pytest.approx(length)
    assert sum(durations[j] for j in path) == pytest.approx(length)
    chain = estimate.simulate(durations, deps, slots=3).chain()
    schedule = estimate.simulate(durations, deps, slots=3)
    assert sum(durations[j] for j, _ in chain) == pytest.approx(schedule.makespan)  # the chain covers the run


def test_the_dag_of_a_tiny_copy_maps_every_job_to_the_file_snakemake_names(tmp_path):
    """The script's DAG step on a built-in copy (three dry runs, no job executed): its mapping of jobs to benchmark
    files is the one Snakemake prints itself, on synthetic benchmark files; its cluster jobs are those of the
    Slurm profile (one per split's chain); 1 slot and no latency give the sum of the cluster jobs' times."""
    workdir = copy_workflow(tmp_path / "tiny", TINY_CONFIG)
    dry_run = snakemake(workdir, "--forceall", "--dry-run").stdout
    expected = re.findall(r"^\s+benchmark: results/benchmarks/(\S+)\.tsv$", dry_run, flags=re.M)
    assert len(expected) > 30
    for i, name in enumerate(expected):
        write_benchmark(workdir / "results", name, 1.0 + i, 0.5 + i)
    run = estimate.load_run(workdir, [])
    assert sorted(name for name in run.names.values() if name) == sorted(expected)
    assert [run.jobs[j].rule for j, name in run.names.items() if name is None] == ["all"]
    assert sorted(run.unit_names.values()).count("test_split") == 3 and len(run.test_units) == 3
    chain = next(run.units[u] for u in run.test_units)
    assert sorted(run.jobs[j].rule for j in chain) == ["extract", "ingest", "predict"]
    durations, deps, _ = run.cluster(0.0)
    total = sum(1.0 + i for i in range(len(expected)))
    one_slot = estimate.simulate(durations, deps, slots=1).makespan
    assert one_slot == pytest.approx(sum(durations.values()))
    assert one_slot <= total  # a group's jobs that may run side by side count once, at their critical path
    assert len(durations) < len(run.jobs)  # fewer cluster jobs than jobs
    section = estimate.markdown(
        run, workdir, "python benchmarks/cluster_estimate.py X", [200], 8.8, "src", 20.0, [30.0]
    )
    assert "**estimated wall time, 200 slots, 8.8 s latency per cluster job**" in section and "| 30 |" in section
    assert "8.8 s, src" in section and "| extract |" in section and "20 jobs a second" in section


# A run through the Slurm profile as Snakemake logs it: a job of no group, a group job of two jobs, the local
# target; each job's end as Snakemake saw it.
SLURM_LOG = """Building DAG of jobs...
[Fri Dec  4 16:47:12 2026]
rule simulate:
    output: results/simulated/train_log.csv
    jobid: 7
    benchmark: results/benchmarks/simulate.tsv
    resources: tmpdir=<TBD>, runtime=20
Shell command: None
Job 7 has been submitted with SLURM jobid 79 (log: x).
[Fri Dec  4 16:47:52 2026]
Finished jobid: 7 (Rule: simulate)
1 of 4 steps (25%) done
[Fri Dec  4 16:47:52 2026] Group job train_split (jobs in lexicogr. order):

    [Fri Dec  4 16:47:52 2026]
    rule extract:
        jobid: 12
        benchmark: results/benchmarks/extract/train/split_04.tsv
        wildcards: side=train, split=split_04

    [Fri Dec  4 16:47:52 2026]
    rule ingest:
        jobid: 13
        benchmark: results/benchmarks/ingest/train/split_04.tsv
Shell command: None
Job 22871aed has been submitted with SLURM jobid 80 (log: y).
[Fri Dec  4 16:48:43 2026]
Finished jobid: 13 (Rule: ingest)
[Fri Dec  4 16:48:43 2026]
Finished jobid: 12 (Rule: extract)
[Fri Dec  4 16:48:44 2026]
localrule all:
    jobid: 0
[Fri Dec  4 16:48:44 2026]
Finished jobid: 0 (Rule: all)
"""


def test_the_log_gives_each_cluster_job_its_jobs_and_the_moments_snakemake_saw():
    cluster_jobs, finished = estimate.parse_job_log(SLURM_LOG)
    assert [(c.name, c.jobs) for c in cluster_jobs] == [
        ("simulate", {7: "simulate"}),
        ("train_split", {12: "extract/train/split_04", 13: "ingest/train/split_04"}),
    ]
    assert cluster_jobs[1].printed.strftime("%H:%M:%S") == "16:47:52"
    assert finished[12].strftime("%H:%M:%S") == "16:48:43" and 0 in finished


def test_the_latency_is_what_snakemake_saw_less_the_work_inside(tmp_path):
    (tmp_path / ".snakemake" / "log").mkdir(parents=True)
    (tmp_path / ".snakemake" / "log" / "2026-12-04T164712.snakemake.log").write_text(SLURM_LOG)
    write_benchmark(tmp_path / "results", "simulate", 4.0, 3.0)
    write_benchmark(tmp_path / "results", "extract/train/split_04", 6.0, 5.0)
    write_benchmark(tmp_path / "results", "ingest/train/split_04", 2.0, 1.0)
    rows = estimate.measure_latency(tmp_path)
    assert [(r["cluster_job"], r["seen_s"], r["work_s"], r["latency_s"]) for r in rows] == [
        ("simulate", 40.0, 4.0, 36.0),
        ("train_split", 51.0, 8.0, 43.0),
    ]
    summary = estimate.latency_summary(rows)
    assert summary["median_s"] == 39.5 and summary["seen_min_s"] == 40.0
    assert "**median 39.5 s**" in estimate.latency_markdown(tmp_path, rows)


def test_submissions_wait_for_the_rate():
    durations, deps = {0: 10.0, 1: 10.0, 2: 10.0, 3: 0.0}, {0: [], 1: [], 2: [], 3: [0, 1, 2]}
    schedule = estimate.simulate(durations, deps, slots=None, rate=0.5)  # one job every 2 s
    assert [schedule.start[j] for j in (0, 1, 2)] == [0.0, 2.0, 4.0] and schedule.makespan == 14.0
    assert schedule.cause[2] == (1, "submission rate")


def _toy_run(test_splits=2):
    """Training chain 0 -> model 1; test splits 2.. each need the model; 9 gathers them, 10 is `all`."""
    jobs = {0: estimate.Job(0, "extract", {}), 1: estimate.Job(1, "fit_final", {}, [0])}
    names, times, units, unit_names = {0: "extract", 1: "fit_final"}, {}, {0: [0], 1: [1]}, {0: "x", 1: "model"}
    tests = list(range(2, 2 + test_splits))
    for j in tests:
        jobs[j] = estimate.Job(j, "predict", {}, [1])
        names[j], units[j], unit_names[j] = f"predict/{j}", [j], "test_split"
    jobs[9], names[9], units[9], unit_names[9] = (
        estimate.Job(9, "submission", {}, tests),
        "submission",
        [9],
        "submission",
    )
    jobs[10], names[10], units[10], unit_names[10] = estimate.Job(10, "all", {}, [9]), None, [10], "all"
    for j in jobs:
        times[j] = {"s": 0.0 if names[j] is None else 10.0, "cpu_s": 5.0}
    return estimate.Run(jobs, names, times, [], units, unit_names, 100.0)


def test_more_test_splits_repeat_their_cluster_jobs_and_scale_the_gathering():
    run = _toy_run()
    run.jobs[0].rule = "simulate"  # the benchmark's data: given in the replay of a survey
    assert run.cluster(latency=1.0)[0][0] == 11.0 and run.cluster(latency=1.0, test_splits=2)[0][0] == 0.0
    run.jobs[0].rule = "extract"
    durations, deps, origin = run.cluster(latency=1.0)
    assert durations == {0: 11.0, 1: 11.0, 2: 11.0, 3: 11.0, 9: 11.0, 10: 0.0} and deps[9] == [2, 3]
    durations, deps, origin = run.cluster(latency=1.0, test_splits=6)
    copies = [u for u in durations if origin[u] in (2, 3)]
    assert len(copies) == 6 and 2 not in durations and sorted(deps[9]) == sorted(copies)
    assert durations[9] == 10.0 * 3 + 1.0  # its work times 6 / 2, its latency once
    assert estimate.simulate(durations, deps, slots=2).makespan == 11 + 11 + 3 * 11 + 31
    section = "\n".join(estimate._scaled(run, [2, 1000], [6], 1.0, None))
    assert "| 6 | 600 | 86 s (1 min) | 64 s (1 min) |" in section
