"""The cluster profile on a real Slurm: every job a Slurm job, the local run's results, a killed tuning job.

These tests need a running Slurm cluster whose jobs share this machine's filesystem; CI starts a single-node
one with .ci/slurm/start. Where `sinfo` finds no usable node, they skip. What Slurm ran is read from Slurm
itself: `squeue --states=all` (every job of the run, with the comment naming its rule, kept for MinJobAge
seconds after it ended) and the job completion log that .ci/slurm/start configures (JobCompType=jobcomp/filetxt).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import optuna
import pytest
import yaml
from workflow_helpers import SNAKEMAKE, TINY_CONFIG, cluster_jobs, copy_workflow, job_counts, snakemake

from mallorn_tde.evaluation import read_training_part
from mallorn_tde.io import read_lines
from mallorn_tde.model import class_labels, journal_storage, study_name, tune
from mallorn_tde.selection import feature_matrix

JOBCOMP_LOG = Path(os.environ.get("MALLORN_SLURM_STATE", "/var/lib/mallorn-slurm")) / "jobcomp.log"
RUN_TIMEOUT = 1800  # seconds; a hung status check fails the test instead of blocking CI
# The test cluster keeps ended jobs for MinJobAge = 3600 s, so a first status check after 5 s is allowed
# (the plugin needs MinJobAge >= 3 x this wait to use squeue) and keeps the tiny jobs' overhead small.
SLURM_ARGS = ("--workflow-profile", "profiles/slurm", "--slurm-init-seconds-before-status-checks", "5")
# The job groups of workflow/rules/common.smk: the plugin comments a group job as rule_<group>_<its rules>.
GROUPS = ("train_split", "test_split", "folds", "model", "results")


def slurm_ready() -> str | None:
    """None when a Slurm cluster with a usable node answers here, else why not."""
    if shutil.which("sbatch") is None or shutil.which("sinfo") is None:
        return "no Slurm client commands (sbatch, sinfo) on PATH"
    try:
        result = subprocess.run(["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 20 s"
    states = set(result.stdout.split())
    if result.returncode != 0 or not states & {"idle", "mixed", "allocated", "completing"}:
        return f"no usable Slurm node (sinfo: {(result.stdout + result.stderr).strip() or 'nothing'})"
    if not JOBCOMP_LOG.is_file():
        return f"no job completion log at {JOBCOMP_LOG} (the cluster was not started by .ci/slurm/start)"
    return None


NO_SLURM = slurm_ready()
# .ci/run starts a cluster and sets this: there a missing Slurm is a failure, not a skip.
REQUIRED = os.environ.get("MALLORN_SLURM_REQUIRED") == "1"
pytestmark = [
    pytest.mark.ci,  # minutes of Slurm jobs
    pytest.mark.skipif(NO_SLURM is not None and not REQUIRED, reason=f"no Slurm here: {NO_SLURM}"),
]


@pytest.fixture(autouse=True)
def slurm_is_up():
    if NO_SLURM is not None:
        pytest.fail(f"MALLORN_SLURM_REQUIRED=1 but no Slurm here: {NO_SLURM}")


def run_on_slurm(workdir: Path, *targets: str) -> subprocess.CompletedProcess:
    """The README's cluster command, under a hard time limit (SIGINT first, so Snakemake cancels its jobs)."""
    command = ["timeout", "-s", "INT", "-k", "15", str(RUN_TIMEOUT), SNAKEMAKE, *SLURM_ARGS, *targets]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"cluster run failed ({result.returncode}):\n{result.stderr[-8000:]}"
    return result


def squeue_jobs(workdir: Path) -> dict[str, tuple[str, str]]:
    """Slurm's jobs started in ``workdir``: job id -> (rule or group, state), from the comment the plugin sets."""
    result = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i|%T|%Z|%k"], capture_output=True, text=True, check=True
    )
    jobs = {}
    for line in result.stdout.splitlines():
        job_id, state, where, comment = line.strip().split("|", 3)
        if Path(where) == workdir:
            match = re.fullmatch(r"rule_(\w+?)(_wildcards_.*)?", comment)
            assert match, f"job {job_id}: comment {comment!r} names no rule"
            name = match.group(1)
            group = next((g for g in GROUPS if name == g or name.startswith(f"{g}_")), None)
            jobs[job_id] = (group or name, state)
    return jobs


def completion_log(workdir: Path) -> dict[str, str]:
    """Job id -> final state of every job of ``workdir`` that ended, from slurmctld's job completion log."""
    jobs = {}
    for line in JOBCOMP_LOG.read_text().splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        if fields.get("WorkDir") and Path(fields["WorkDir"]) == workdir:
            jobs[fields["JobId"]] = fields["JobState"]
    return jobs


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory):
    """The built-in workflow on the tiny simulated set, through the Slurm profile; with its planned jobs."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm").resolve(), TINY_CONFIG)
    planned = cluster_jobs(snakemake(workdir, "-n", *SLURM_ARGS).stdout)  # group jobs count once
    started = time.monotonic()
    run_on_slurm(workdir)
    return workdir, planned, time.monotonic() - started


def test_every_job_ran_as_a_slurm_job_with_the_local_results(slurm_run, tiny_run):
    workdir, planned, wall = slurm_run
    # `all` only collects the targets: Snakemake does it itself, every other job is a Slurm job, a group job
    # (workflow/rules/common.smk) one Slurm job named after its group.
    jobs = squeue_jobs(workdir)
    assert Counter(rule for rule, _ in jobs.values()) == Counter(planned), "Slurm's jobs per rule != the plan"
    assert sum(planned.values()) <= 112 // 2  # issue 24: at most half the Slurm jobs of one per rule job
    assert {state for _, state in jobs.values()} == {"COMPLETED"}
    # The completion log, independent of how long squeue remembers, holds the same jobs, all completed.
    assert completion_log(workdir) == {job_id: "COMPLETED" for job_id in jobs}
    for name in ("submission.csv", "metrics.json"):
        assert (workdir / "results" / name).read_bytes() == (tiny_run / "results" / name).read_bytes(), name
    print(f"\n{sum(planned.values())} Slurm jobs, run took {wall:.0f} s")


def journal_trials(journal: Path, name: str) -> list[optuna.trial.FrozenTrial]:
    """The trials of study ``name`` in a journal (read while a job may be appending to it), none if it is not there."""
    try:
        return optuna.load_study(study_name=name, storage=journal_storage(journal)).get_trials(deepcopy=False)
    except KeyError:
        return []


def finished(trials):
    """Trials that count towards n_trials: completed, or pruned (see mallorn_tde.model.tune)."""
    return [t for t in trials if t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)]


def test_a_tuning_job_cancelled_mid_study_resumes_without_losing_trials(slurm_run, tmp_path):
    """scancel the final tuning job after a few trials: the retried job finishes the same study, same answer."""
    n_trials = 20  # ~1 s each here: a wide window to cancel in, and TPE (past 10 start-up trials) on resume
    workdir = tmp_path / "cancelled"
    shutil.copytree(slurm_run[0], workdir, symlinks=True)
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    config["tuning"]["n_trials"] = n_trials
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    target = "results/model/final/tuning.json"
    # More trials change the final tuning job's params: that job alone is to be run again.
    assert job_counts(snakemake(workdir, "-n", target).stdout) == {"tune": 1}

    settings = {**config["tuning"]}
    train = read_training_part(workdir / "results/features/train.parquet", [], "final")
    X = feature_matrix(train)[read_lines(workdir / "results/model/final/selected_features.txt")]
    labels = class_labels(train, config["model"]["objective"])
    name = study_name(X, labels, settings)
    journal = workdir / "results/optuna/final.journal"

    command = ["timeout", "-s", "INT", "-k", "15", str(RUN_TIMEOUT), SNAKEMAKE, *SLURM_ARGS, target]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with open(tmp_path / "run.log", "w") as out:
        process = subprocess.Popen(
            command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 900
        before = []
        while len(before) < 3:  # wait for three finished trials of the new study, then cancel its job
            assert process.poll() is None, "the run ended before the study was cancelled"
            assert time.monotonic() < deadline, "the study did not reach three trials in time"
            time.sleep(0.3)
            before = finished(journal_trials(journal, name))
        # The tuning job runs as a job of its group, `model` (its select_features and fit are up to date).
        tune_jobs = [j for j, (rule, state) in squeue_jobs(workdir).items() if rule == "model" and state == "RUNNING"]
        assert len(tune_jobs) == 1, squeue_jobs(workdir)
        subprocess.run(["scancel", "--full", tune_jobs[0]], check=True)
        assert process.wait(timeout=RUN_TIMEOUT + 60) == 0, (tmp_path / "run.log").read_text()[-8000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
    assert len(before) < n_trials, "the job finished before it could be cancelled"

    # Slurm saw the cancelled job and the retry that finished the study.
    ended = completion_log(workdir)
    assert ended[tune_jobs[0]] == "CANCELLED"
    retries = [j for j, (rule, _) in squeue_jobs(workdir).items() if rule == "model" and j != tune_jobs[0]]
    assert [ended.get(j) for j in retries] == ["COMPLETED"]

    # No completed trial lost: those finished before the cancel are in the study as they were, and the
    # retry ran only the rest (the trial cut short is marked failed, not counted).
    after = journal_trials(journal, name)
    done = finished(after)
    assert len(done) == n_trials
    kept = {t.number: (t.params, t.value, t.state) for t in done}
    assert all(kept.get(t.number) == (t.params, t.value, t.state) for t in before)
    cut_short = [t for t in after if t not in done]
    assert len(cut_short) <= 1 and all(t.state == optuna.trial.TrialState.FAIL for t in cut_short)

    # The same answer as an uninterrupted study of the same problem (fresh journal, same threads).
    uninterrupted, _ = tune(X, labels, settings, tmp_path / "uninterrupted.journal", threads=2)
    assert json.loads((workdir / target).read_text()) == json.loads(json.dumps(uninterrupted))
