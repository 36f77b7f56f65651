"""Broken input, run through the workflow's command line: a clear message, no output left, no input changed.

Each case corrupts a copy of a tiny simulated data set in one ordinary way and asks Snakemake for the
one ingest job that reads it (or runs a dry run, for problems caught before any job starts).
"""

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from workflow_helpers import copy_workflow, snakemake

from mallorn_tde.simulate import simulate_dataset

TARGET = "results/lightcurves/train/split_01.parquet"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    data = tmp_path_factory.mktemp("pristine")
    simulate_dataset(data, n_splits=2, train_per_split=30, test_per_split=10, seed=5)
    return data


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return copy_workflow(tmp_path_factory.mktemp("workflow"))


@pytest.fixture
def data(pristine, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(pristine, copy)
    return copy


def digest(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(workdir, data, *targets, dry=False):
    shutil.rmtree(workdir / "results", ignore_errors=True)
    before = digest(data)
    # Targets first: --config takes every argument after it as a key=value pair.
    args = [*targets] + (["-n"] if dry else []) + ["--config", f"data_dir={data}"]
    result = snakemake(workdir, *args, check=False)
    assert digest(data) == before, "the workflow changed its input"
    return result, result.stdout + result.stderr


def fails(workdir, data, *patterns, target=TARGET, dry=False):
    result, text = run(workdir, data, target, dry=dry)
    assert result.returncode != 0, text[-3000:]
    for pattern in patterns:
        assert pattern in text, f"{pattern!r} not in output:\n{text[-4000:]}"
    # The ingest job writes its split's catalogue too; a failure leaves neither table.
    for output in (target, target.replace("results/lightcurves/", "results/catalog/")):
        assert not (workdir / output).exists(), f"the failing rule left {output} behind"
    return text


def succeeds_with_warning(workdir, data, *patterns, side="train", split="split_01"):
    target = f"results/lightcurves/{side}/{split}.parquet"
    result, text = run(workdir, data, target)
    assert result.returncode == 0, text[-4000:]
    log = (workdir / "results" / "logs" / "ingest" / side / f"{split}.log").read_text()
    for pattern in patterns:
        assert pattern in log, f"{pattern!r} not in the ingest log:\n{log}"
    return log


def lightcurve(data, split="split_01", side="train"):
    return data / split / f"{side}_full_lightcurves.csv"


def edit_lightcurve(data, change, split="split_01", side="train"):
    """Apply ``change`` to the lightcurve table (all text) and write it back; returns the changed object id."""
    path = lightcurve(data, split, side)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    object_id = change(df)
    df.to_csv(path, index=False)
    return object_id


def first_object(df):
    return df["object_id"].iloc[0]


def test_missing_column(workdir, data):
    path = lightcurve(data)
    path.write_text(path.read_text().replace("Flux_err", "FluxErr", 1))
    fails(workdir, data, str(path), "missing column(s) ['Flux_err']", "'FluxErr'")


@pytest.mark.parametrize("column", ["Time (MJD)", "Flux", "Flux_err"])
def test_non_numeric_value(workdir, data, column):
    def change(df):
        df.loc[3, column] = "n/a?"
        return df.loc[3, "object_id"]

    object_id = edit_lightcurve(data, change)
    fails(workdir, data, str(lightcurve(data)), f"column '{column}' has non-numeric values", object_id)


@pytest.mark.parametrize("value", ["0", "-0.5", ""])
def test_flux_err_not_positive_or_missing(workdir, data, value):
    def change(df):
        df.loc[5, "Flux_err"] = value
        return df.loc[5, "object_id"]

    object_id = edit_lightcurve(data, change)
    fails(workdir, data, str(lightcurve(data)), "column 'Flux_err'", object_id)


def test_unknown_filter(workdir, data):
    def change(df):
        df.loc[2, "Filter"] = "w"
        return df.loc[2, "object_id"]

    object_id = edit_lightcurve(data, change)
    fails(workdir, data, "column 'Filter' has unknown filter(s) ['w']", object_id)


def test_object_not_in_log(workdir, data):
    def change(df):
        df.loc[df["object_id"] == first_object(df), "object_id"] = "Stray_unlisted_object"
        return "Stray_unlisted_object"

    edit_lightcurve(data, change)
    fails(workdir, data, "not in this split's log", "Stray_unlisted_object")


def test_log_object_without_rows_is_a_warning(workdir, data):
    path = lightcurve(data)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    gone = first_object(df)
    df.loc[df["object_id"] != gone].to_csv(path, index=False)
    succeeds_with_warning(workdir, data, "1 object(s) of the log have no usable observation", gone)


def test_object_with_only_empty_fluxes_is_a_warning(workdir, data):
    def change(df):
        obj = first_object(df)
        df.loc[df["object_id"] == obj, "Flux"] = ""
        return obj

    obj = edit_lightcurve(data, change)
    succeeds_with_warning(workdir, data, "with an empty 'Flux'", "no usable observation", obj)


def test_duplicated_ids_in_log(workdir, data):
    log = pd.read_csv(data / "train_log.csv", dtype=str, keep_default_na=False)
    pd.concat([log, log.iloc[[4]]]).to_csv(data / "train_log.csv", index=False)
    fails(workdir, data, "train_log.csv: column 'object_id' has duplicated ids", log["object_id"].iloc[4])


def test_spectype_disagrees_with_target(workdir, data):
    log = pd.read_csv(data / "train_log.csv", dtype=str, keep_default_na=False)
    row = log.index[log["target"] == "0"][0]
    log.loc[row, "SpecType"] = "TDE"
    log.to_csv(data / "train_log.csv", index=False)
    fails(
        workdir,
        data,
        "train_log.csv: column 'SpecType' must be 'TDE' exactly where target is 1",
        log.loc[row, "object_id"],
    )


def test_same_object_in_train_and_test(workdir, data):
    train = pd.read_csv(data / "train_log.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(data / "test_log.csv", dtype=str, keep_default_na=False)
    test.loc[0, "object_id"] = train.loc[0, "object_id"]
    test.to_csv(data / "test_log.csv", index=False)
    fails(workdir, data, "in both train and test", train.loc[0, "object_id"])


def test_empty_split_file(workdir, data):
    lightcurve(data).write_text("")
    fails(workdir, data, str(lightcurve(data)), "file is empty")


def test_header_only_split_file(workdir, data):
    lightcurve(data).write_text("object_id,Time (MJD),Flux,Flux_err,Filter\n")
    fails(workdir, data, str(lightcurve(data)), "no rows")


def test_missing_split_file(workdir, data):
    lightcurve(data, "split_02", "test").unlink()
    fails(workdir, data, "missing lightcurve file(s)", str(lightcurve(data, "split_02", "test")), dry=True)


def test_split_folder_without_log_entries(workdir, data):
    shutil.copytree(data / "split_02", data / "split_03")
    fails(
        workdir,
        data,
        "column 'split' has no entries for split_03",
        target="results/lightcurves/train/split_03.parquet",
    )


def test_log_names_a_split_without_folder(workdir, data):
    shutil.rmtree(data / "split_02")
    fails(workdir, data, "column 'split' names ['split_02'], which have no folder", dry=True)


def test_negative_redshift_is_handled(workdir, data):
    test = pd.read_csv(data / "test_log.csv", dtype=str, keep_default_na=False)
    row = test.index[test["split"] == "split_01"][0]
    test.loc[row, "Z"] = "-0.0123"
    test.to_csv(data / "test_log.csv", index=False)
    succeeds_with_warning(workdir, data, "column 'Z' is negative", test.loc[row, "object_id"], side="test")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (["--config", "tunning={'n_trials': 3}"], "tunning"),
        (["--config", "cv={'n_folds': 'five'}"], "n_folds"),
        (["--config", "data_dir=/no/such/folder"], "config key 'data_dir': folder '/no/such/folder' does not exist"),
    ],
)
def test_config_errors_name_the_key(workdir, config, message):
    result = snakemake(workdir, "-n", *config, check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr, (result.stdout + result.stderr)[-3000:]
