"""The workflow as a whole: snakemake --lint, the DAG's shape, an end-to-end run and what a change rebuilds."""

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
from workflow_helpers import REPO, SNAKEMAKE, TINY_CONFIG, copy_workflow, job_counts, snakemake


def test_snakemake_lint_is_clean():
    result = subprocess.run([SNAKEMAKE, "--lint", "--cores", "1"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def expected_shape(n_splits, n_folds):
    return {
        "ingest": 2 * n_splits,
        "extract": 2 * n_splits,
        "merge": 1,
        "folds": 1,
        "select_features": n_folds + 1,
        "tune": n_folds + 1,
        "fit_predict_fold": n_folds,
        "metrics": 1,
        "fit_final": 1,
        "predict": n_splits,
        "submission": 1,
        "plot_cv": 1,
        "metrics_table": 1,
        "candidates": 1,
        "plot_candidate_lightcurves": 1,
        "plot_error_lightcurves": 1,
        "plot_importance": 1,
        "data_summary": 1,
        "runtime": 1,
        "all": 1,
    }


def test_dry_run_default_shape(tmp_path):
    """20 simulated splits: one ingest and one extraction job per split and side."""
    workdir = copy_workflow(tmp_path)
    counts = job_counts(snakemake(workdir, "-n").stdout)
    assert counts == {"simulate": 1, **expected_shape(20, 5)}


def test_dry_run_real_data_shape(tmp_path, real_data):
    workdir = copy_workflow(tmp_path)
    counts = job_counts(snakemake(workdir, "-n", "--config", f"data_dir={real_data}").stdout)
    assert counts == expected_shape(20, 5)


def test_slurm_profile_plans_the_same_dag(tmp_path):
    """The cluster profile parses (executor plugin installed) and plans the same jobs, with its own resources."""
    workdir = copy_workflow(tmp_path)
    result = snakemake(workdir, "-n", "--workflow-profile", "profiles/slurm")
    assert job_counts(result.stdout) == {"simulate": 1, **expected_shape(20, 5)}
    assert "runtime=120" in result.stdout  # set-resources of extract


def test_end_to_end_outputs(tiny_run):
    results = tiny_run / "results"
    submission = pd.read_csv(results / "submission.csv")
    sample = pd.read_csv(results / "simulated" / "sample_submission.csv")
    assert list(submission.columns) == ["object_id", "prediction"]
    assert submission["object_id"].tolist() == sample["object_id"].tolist()
    assert set(submission["prediction"]) <= {0, 1}
    probabilities = pd.read_csv(results / "test_probabilities.csv")
    assert probabilities["object_id"].tolist() == sample["object_id"].tolist()
    assert probabilities["probability"].between(0, 1).all()

    metrics = json.loads((results / "metrics.json").read_text())
    assert 0 <= metrics["f1"] <= 1
    assert set(metrics["per_fold"]) == {"fold_1", "fold_2", "fold_3"}
    assert set(metrics["n_features"]) == {"fold_1", "fold_2", "fold_3", "final"}
    for key in ("f1", "f1_bootstrap_95", "f1_fold_std", "precision", "recall", "average_precision", "threshold"):
        assert key in metrics["how"]
    low, high = metrics["f1_bootstrap_95"]
    assert low <= metrics["f1"] <= high
    importance = pd.read_csv(results / "model" / "final" / "importance.csv")
    assert list(importance.columns) == ["feature", "set", "gain", "splits", "gain_fraction"]
    assert set(importance["set"]) <= set(TINY_CONFIG["features"]["sets"]) | {"catalog"}
    oof = pd.read_csv(results / "cv" / "oof_probabilities.csv")
    train_log = pd.read_csv(results / "simulated" / "train_log.csv")
    assert sorted(oof["object_id"]) == sorted(train_log["object_id"])  # every object predicted once
    for name in (
        "ingest/train/split_01",
        "extract/test/split_03",
        "tune/final",
        "metrics",
        "predict/split_02",
        "submission",
    ):
        assert (results / "benchmarks" / f"{name}.tsv").is_file(), name


def test_final_threshold_comes_from_pooled_out_of_fold(tiny_run):
    """The metrics job writes the threshold to a file of its own, which predict applies; metrics.json repeats it."""
    results = tiny_run / "results"
    threshold = json.loads((results / "model" / "final" / "threshold.json").read_text())["threshold"]
    assert threshold == json.loads((results / "metrics.json").read_text())["threshold"]
    probabilities = pd.read_csv(results / "test_probabilities.csv")
    submission = pd.read_csv(results / "submission.csv")
    assert ((probabilities["probability"] >= threshold).astype(int) == submission["prediction"]).all()


def test_nothing_left_to_do_after_a_run(tiny_run):
    assert job_counts(snakemake(tiny_run, "-n").stdout) == {}


def test_changing_one_split_rebuilds_only_what_depends_on_it(tiny_run, tmp_path):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run", symlinks=True))  # time stamps kept; tiny_run is shared
    # New data in one split: one flux value changes (Snakemake ignores a touch that leaves the content as it was).
    lightcurve = run / "results" / "simulated" / "split_02" / "test_full_lightcurves.csv"
    table = pd.read_csv(lightcurve, dtype=str, keep_default_na=False)
    row = table.index[table["Flux"] != ""][0]
    table.loc[row, "Flux"] = str(float(table.loc[row, "Flux"]) + 0.5)
    table.to_csv(lightcurve, index=False)
    counts = job_counts(snakemake(run, "-n").stdout)
    # That split's ingest, extraction (every set in one job) and prediction, the submission gathered from the
    # splits' probabilities, and the report's items that show test objects (candidates, lightcurves, the data
    # summary, the runtime table); no training job.
    report = {"candidates": 1, "plot_candidate_lightcurves": 1, "data_summary": 1, "runtime": 1}
    assert counts == {"ingest": 1, "extract": 1, "predict": 1, "submission": 1, **report, "all": 1}
