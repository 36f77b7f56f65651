"""Job groups (issue 24): on a cluster, fewer and larger jobs where the work is short. Dry runs only: groups are
inactive in a local run, and tests/test_slurm.py runs the grouped plan on a real Slurm."""

from workflow_helpers import cluster_jobs, copy_workflow, job_counts, snakemake

SLURM = ("--workflow-profile", "profiles/slurm")
# The report's items outside the results group, one cluster job each.
REPORT_JOBS = ("plot_cv", "metrics_table", "plot_error_lightcurves", "plot_importance", "data_summary", "runtime")


def test_slurm_profile_submits_at_most_half_the_jobs_of_one_job_per_rule_job(tmp_path):
    """The built-in data (20 splits, 5 folds): 131 rule jobs but `all`, 111 Slurm jobs before the groups; now each
    split's chain is one job, each scope's chain one, metrics -> submission -> candidates one, and the report's
    other six items a job each (grouped, they would ask for more CPUs than a small node has)."""
    workdir = copy_workflow(tmp_path)
    output = snakemake(workdir, "-n", *SLURM).stdout
    jobs = cluster_jobs(output)
    assert sum(job_counts(output).values()) - 1 == 131
    report = {name: 1 for name in REPORT_JOBS}
    assert jobs == {"simulate": 1, "train_split": 20, "test_split": 20, "folds": 1, "model": 6, "results": 1, **report}
    assert sum(jobs.values()) <= 112 // 2


def test_a_test_split_chain_is_one_job(tmp_path):
    """A test split's ingest, extraction and prediction are one cluster job, a training split's ingest and
    extraction another: a job never mixes the sides (the model needs one, the other needs the model), also when
    a job holds several splits' chains."""
    workdir = copy_workflow(tmp_path)
    output = snakemake(workdir, "-n", *SLURM, "--group-components", "train_split=5", "test_split=5").stdout
    assert cluster_jobs(output) == {
        "simulate": 1,
        "train_split": 4,
        "test_split": 4,
        "folds": 1,
        "model": 6,
        "results": 1,
        **{name: 1 for name in REPORT_JOBS},
    }
    test_chain = output.split("Group job test_split", 1)[1].split("Group job", 1)[0]
    # the group's own jobs are indented under it; a job of no group may follow before the next group job
    rules = sorted(
        line.strip()
        for line in test_chain.splitlines()
        if line.startswith((" ", "\t")) and line.strip().startswith("rule ")
    )
    assert rules == ["rule extract:"] * 5 + ["rule ingest:"] * 5 + ["rule predict:"] * 5
    assert "side=test" in test_chain and "side=train" not in test_chain
