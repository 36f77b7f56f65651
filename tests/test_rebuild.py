"""What each kind of change rebuilds: data, logs, settings and code, on a small data folder in the challenge layout.

Each case works on a copy of one finished run (time stamps kept), changes one thing and reads the plan from
``snakemake --summary``: the output files whose plan is "update pending". One case executes its plan and
checks that the untouched splits' feature files keep their bytes and time stamps.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_helpers import copy_workflow, job_counts, snakemake

SETS = ("tsfresh", "physics")  # tsfresh has a setting; physics is the set whose code the code cases edit
CONFIG = {
    "data_dir": "data",
    "simulate": {"n_splits": 3, "train_per_split": 40, "test_per_split": 8, "seed": 11},
    "features": {"sets": list(SETS), "tsfresh": "minimal"},
    "selection": {"tested": "generic", "fdr_level": 0.05, "min_features": 10, "max_features": 0},
    "tuning": {"n_trials": 2, "inner_folds": 2, "seed": 1},
    "cv": {"n_folds": 3, "seed": 2},
    "model": {"objective": "multiclass", "seed": 3},
}
SPLITS = ("split_01", "split_02", "split_03")
SCOPES = ("fold_1", "fold_2", "fold_3", "final")
SCRIPTS = Path("workflow/scripts")
PACKAGE = SCRIPTS / "mallorn_tde"

SELECTION = ("selected_features.txt", "relevance.tsv", "selection.json")
# Outputs of the model part (everything after the training side's merge), and of the test side's tail.
MODEL = (
    {"results/cv/folds.tsv", "results/metrics.json", "results/cv/oof_probabilities.csv"}
    | {f"results/model/{s}/{name}" for s in SCOPES for name in (*SELECTION, "tuning.json", "inner_probabilities.csv")}
    | {f"results/cv/fold_{k}/oof.csv" for k in (1, 2, 3)}
    | {"results/model/final/model.txt", "results/model/final/importance.csv", "results/model/final/threshold.json"}
)
# The gathering of the test side's per-split probabilities, and those probabilities (one prediction job per split).
PREDICT = {"results/submission.csv", "results/test_probabilities.csv"}


def predictions(*splits: str) -> set[str]:
    return {f"results/predictions/{split}.parquet" for split in splits}


# A new model predicts every test split again.
NEW_MODEL = PREDICT | predictions(*SPLITS)
# Report items: those that read the test side's predictions, those that read the model, those that read the data.
REPORT_PREDICT = {
    f"results/report/{name}" for name in ("candidates.html", "runtime.html", "lightcurves_candidates.png")
}
# Those that read the pooled out-of-fold predictions and metrics.json.
REPORT_CV = {
    f"results/report/{name}"
    for name in ("precision_recall.png", "f1_threshold.png", "confusion_matrix.png", "scores_by_spectype.png")
    + ("reliability.png", "purity_yield.png", "metrics.html")
    + ("lightcurves_false_positives.png", "lightcurves_false_negatives.png")
}
REPORT_MODEL = REPORT_PREDICT | REPORT_CV | {"results/report/feature_importance.png"}
REPORT_DATA = {"results/report/data_summary.html", "results/report/data_summary.png"}
# The metrics job's outputs: metrics.json, the pooled out-of-fold table, the test threshold.
METRICS = {"results/metrics.json", "results/cv/oof_probabilities.csv", "results/model/final/threshold.json"}
# The model part after the folds and the feature selection: tuning, fits, metrics.
AFTER_SELECTION = MODEL - {"results/cv/folds.tsv"} - {f"results/model/{s}/{name}" for s in SCOPES for name in SELECTION}


def split_jobs(side: str, split: str, sets=SETS) -> set[str]:
    """Outputs of one split's ingest job (its catalogue and its lightcurves) and extraction jobs, and on the test
    side its prediction job."""
    return (
        {f"results/catalog/{side}/{split}.parquet", f"results/lightcurves/{side}/{split}.parquet"}
        | {f"results/features/{s}/{side}/{split}.parquet" for s in sets}
        | (predictions(split) if side == "test" else set())
    )


def merged(side: str) -> set[str]:
    return {f"results/features/{side}.parquet"}


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished run on a data folder of three splits (the simulator's, copied to data/)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("rebuild"), CONFIG)
    snakemake(workdir, "simulate", "--config", "data_dir=results/simulated")
    shutil.move(workdir / "results" / "simulated", workdir / "data")
    snakemake(workdir)
    assert pending(workdir) == set()
    return workdir


@pytest.fixture
def run(finished, tmp_path) -> Path:
    """A copy of the finished run, time stamps and Snakemake's records included, to change at will."""
    return Path(shutil.copytree(finished, tmp_path / "run", symlinks=True))


def pending(workdir: Path) -> set[str]:
    """Output files that a run would rebuild ('update pending' in snakemake --summary)."""
    out = snakemake(workdir, "--summary").stdout
    header = out.index("output_file\t")
    rows = csv.DictReader(io.StringIO(out[header:]), delimiter="\t")
    return {row["output_file"] for row in rows if row["plan"] == "update pending"}


def edit_csv(path: Path, change) -> None:
    """Rewrite a CSV file with ``change(table)`` applied, every value kept as the text it was."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = change(table)
    table.to_csv(path, index=False)


def add_to_flux(table: pd.DataFrame) -> pd.DataFrame:
    row = table.index[table["Flux"] != ""][0]
    table.loc[row, "Flux"] = str(float(table.loc[row, "Flux"]) + 0.5)
    return table


def append_comment(path: Path) -> None:
    path.write_text(path.read_text() + "\n# an edit\n")


def test_test_side_lightcurve_edit_rebuilds_its_split_and_the_prediction(run):
    edit_csv(run / "data" / "split_02" / "test_full_lightcurves.csv", add_to_flux)
    assert pending(run) == split_jobs("test", "split_02") | PREDICT | REPORT_PREDICT | REPORT_DATA


def test_train_side_lightcurve_edit_rebuilds_its_split_and_the_model(run):
    edit_csv(run / "data" / "split_01" / "train_full_lightcurves.csv", add_to_flux)
    expected = split_jobs("train", "split_01") | merged("train") | MODEL | NEW_MODEL
    assert pending(run) == expected | REPORT_MODEL | REPORT_DATA


def test_executed_rebuild_leaves_other_splits_untouched(run):
    kept = [p for name in ("features", "model", "predictions") for p in sorted((run / "results" / name).rglob("*"))]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in kept if p.is_file()}
    edit_csv(run / "data" / "split_03" / "test_full_lightcurves.csv", add_to_flux)
    snakemake(run)
    rebuilt = {run / p for p in split_jobs("test", "split_03")}
    for path, (data, mtime) in before.items():
        if path not in rebuilt:
            assert (path.read_bytes(), path.stat().st_mtime_ns) == (data, mtime), f"{path} was rewritten"
    assert all(path.stat().st_mtime_ns > before[path][1] for path in rebuilt if path in before)
    assert pending(run) == set()


def test_executed_train_edit_tunes_afresh(run):
    """New training data is a new tuning problem: no Optuna trial scored on the old data is reused."""
    edit_csv(run / "data" / "split_03" / "train_full_lightcurves.csv", add_to_flux)
    snakemake(run, "results/model/final/tuning.json")  # that study's jobs only, not the whole model and report
    final = (run / "results" / "logs" / "tune" / "final.log").read_text()
    assert "trial 1/" in final and "resuming study" not in final


def test_new_split_folder_adds_its_jobs(run):
    data = run / "data"
    (data / "split_04").mkdir()
    for side in ("train", "test"):
        # A copy of split_03 under new object ids, in its folder and in the log.
        lightcurves = pd.read_csv(data / "split_03" / f"{side}_full_lightcurves.csv", dtype=str, keep_default_na=False)
        lightcurves["object_id"] += "_new"
        lightcurves.to_csv(data / "split_04" / f"{side}_full_lightcurves.csv", index=False)

        def add_rows(log):
            new = log.loc[log["split"] == "split_03"].assign(split="split_04")
            new["object_id"] += "_new"
            return pd.concat([log, new])

        edit_csv(data / f"{side}_log.csv", add_rows)
    expected = {f for side in ("train", "test") for f in split_jobs(side, "split_04")}
    assert pending(run) == expected | merged("train") | MODEL | NEW_MODEL | REPORT_MODEL | REPORT_DATA


def add_test_split(data: Path, split: str, like: str) -> list[str]:
    """A new test-only split folder (a survey's new objects): a copy of split ``like``'s test objects under new
    ids, in its folder, the test log and the sample submission. Returns the new ids."""
    (data / split).mkdir()
    lightcurves = pd.read_csv(data / like / "test_full_lightcurves.csv", dtype=str, keep_default_na=False)
    lightcurves["object_id"] += "_new"
    lightcurves.to_csv(data / split / "test_full_lightcurves.csv", index=False)
    log = pd.read_csv(data / "test_log.csv", dtype=str, keep_default_na=False)
    rows = log.loc[log["split"] == like].assign(split=split)
    rows["object_id"] += "_new"
    pd.concat([log, rows]).to_csv(data / "test_log.csv", index=False)
    sample = pd.read_csv(data / "sample_submission.csv", dtype=str)
    added = pd.DataFrame({"object_id": rows["object_id"], "prediction": "0"})
    pd.concat([sample, added]).to_csv(data / "sample_submission.csv", index=False)
    return rows["object_id"].tolist()


def test_new_test_split_reruns_only_its_jobs_and_the_gathering(run):
    """Acceptance 5 of issue 24: new test objects in a folder of their own cost their split's ingest, extraction
    and prediction and the gathering jobs (submission, the report's test-side items), nothing of the model. The
    metrics job and the report's cross-validation items are gathered again too (seconds, no fit): metrics.json
    scales its out-of-fold list lengths to the test side's size (issue 35), which has changed."""
    kept = [p for name in ("features", "model", "predictions") for p in sorted((run / "results" / name).rglob("*"))]
    before = {p: p.stat().st_mtime_ns for p in kept if p.is_file()}
    new_ids = add_test_split(run / "data", "split_04", "split_03")
    assert pending(run) == split_jobs("test", "split_04") | PREDICT | METRICS | REPORT_PREDICT | REPORT_CV | REPORT_DATA
    result = snakemake(run)
    ran = job_counts(result.stdout + result.stderr)
    report = {"candidates": 1, "plot_candidate_lightcurves": 1, "data_summary": 1, "runtime": 1}
    cv = {"metrics": 1, "plot_cv": 1, "metrics_table": 1, "plot_error_lightcurves": 1}
    assert ran == {"ingest": 1, "extract": 1, "predict": 1, "submission": 1, **report, **cv, "all": 1}
    rewritten = [p for p, mtime in before.items() if p.stat().st_mtime_ns != mtime]
    assert rewritten == [run / "results/model/final/threshold.json"], "an existing result was rewritten"
    assert json.loads((run / "results" / "metrics.json").read_text())["n_test_objects"] == 3 * 8 + len(new_ids)
    submission = pd.read_csv(run / "results" / "submission.csv")
    assert submission["object_id"].tolist()[-len(new_ids) :] == new_ids
    assert pending(run) == set()


def test_removed_split_folder_reruns_the_merges_without_it(run):
    data = run / "data"
    shutil.rmtree(data / "split_02")
    for side in ("train", "test"):
        edit_csv(data / f"{side}_log.csv", lambda log: log.loc[log["split"] != "split_02"])
    expected = merged("train") | MODEL | PREDICT | predictions("split_01", "split_03")
    assert pending(run) == expected | REPORT_MODEL | REPORT_DATA


def change_redshift(split):
    def change(log):
        row = log.index[log["split"] == split][0]
        log.loc[row, "Z"] = str(round(float(log.loc[row, "Z"]) + 0.01, 4))
        return log

    return change


def test_training_redshift_edit_rebuilds_that_objects_split_and_the_model(run):
    edit_csv(run / "data" / "train_log.csv", change_redshift("split_02"))
    expected = split_jobs("train", "split_02") | merged("train")
    assert pending(run) == expected | MODEL | NEW_MODEL | REPORT_MODEL | REPORT_DATA


def test_test_redshift_edit_never_refits_the_model(run):
    edit_csv(run / "data" / "test_log.csv", change_redshift("split_01"))
    assert pending(run) == split_jobs("test", "split_01") | PREDICT | REPORT_PREDICT | REPORT_DATA


def set_config(run: Path, section: str, key: str, value) -> None:
    """Change one setting in the run's config.yaml, as a user would."""
    config = yaml.safe_load((run / "config.yaml").read_text())
    config[section][key] = value
    (run / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_model_setting_reruns_no_extraction(run):
    set_config(run, "tuning", "n_trials", 3)
    assert pending(run) == AFTER_SELECTION | NEW_MODEL | REPORT_MODEL


def test_calibration_setting_reruns_no_fit(run):
    """Each calibrator is fitted inside the metrics job (the folds') or the submission job (the test side's):
    another method reruns those and the report items that read them, no study, fit or prediction."""
    set_config(run, "calibration", "method", "isotonic")
    assert pending(run) == METRICS | PREDICT | REPORT_PREDICT | REPORT_CV


# One extraction job per split and side computes every set (workflow/rules/features.smk says why): a setting or
# the code of one set reruns the extraction jobs, with every set's tables, and not the ingest jobs.
EXTRACTION = {
    f"results/features/{s}/{side}/{split}.parquet" for s in SETS for side in ("train", "test") for split in SPLITS
}


def test_feature_setting_reruns_the_extraction_not_the_ingest(run):
    set_config(run, "features", "tsfresh", "efficient")
    assert pending(run) == EXTRACTION | merged("train") | MODEL | NEW_MODEL | REPORT_MODEL


def test_edit_of_a_feature_sets_module_reruns_the_extraction_not_the_ingest(run):
    append_comment(run / PACKAGE / "features" / "physics.py")
    assert pending(run) == EXTRACTION | merged("train") | MODEL | NEW_MODEL | REPORT_MODEL


def test_edit_of_a_module_shared_by_the_feature_sets_reruns_them_all(run):
    append_comment(run / PACKAGE / "features" / "prepare.py")
    assert EXTRACTION | merged("train") <= pending(run)


def test_edit_of_the_model_module_reruns_the_model_and_the_report_only(run):
    append_comment(run / PACKAGE / "model.py")
    # The report's module imports the model's (feature importance, SHAP drivers of the candidates).
    assert pending(run) == AFTER_SELECTION | NEW_MODEL | REPORT_MODEL | REPORT_DATA


# (features/gp.py is code of the report's lightcurve figures, which draw the GP, even when gp is not a set.)
@pytest.mark.parametrize("module", ["features/lightcurve.py", "simulate/models.py", "sources.py", "runlock.py"])
def test_edit_of_code_that_no_job_runs_reruns_nothing(run, module):
    append_comment(run / PACKAGE / module)
    assert pending(run) == set()
