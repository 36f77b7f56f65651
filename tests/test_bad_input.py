"""Broken input, run through the workflow's command line: a clear message, no output left, no input changed.

What each bad value does is checked on the ingest module, row by row of the data contract, in
tests/test_ingest.py (milliseconds a case). Here a few cases show that the workflow surfaces those messages:
one failing ingest job (an infinite flux), one that finishes with warnings (repeated rows, a test object
without a redshift), and the checks that Snakemake itself runs while it reads the workflow (dry runs), which no
module test can reach. Every case corrupts a copy of one tiny simulated data set, made once per session.
"""

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from workflow_helpers import copy_workflow, snakemake

from mallorn_tde.simulate import simulate_dataset

TARGET = "results/lightcurves/train/split_01.parquet"


@pytest.fixture(scope="session")
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


def lightcurve(data, split="split_01", side="train"):
    return data / split / f"{side}_full_lightcurves.csv"


def read_text_table(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_an_infinite_flux_stops_its_ingest_job_naming_file_column_and_object(workdir, data):
    path = lightcurve(data)
    df = read_text_table(path)
    df.loc[3, "Flux"] = "inf"
    df.to_csv(path, index=False)
    fails(workdir, data, str(path), "column 'Flux' has non-finite values (e.g. ['inf'])", df.loc[3, "object_id"])


def test_repeated_rows_and_a_test_object_without_z_finish_with_warnings_in_the_log(workdir, data):
    path = lightcurve(data, side="test")
    df = read_text_table(path)
    pd.concat([df, df.iloc[:6]]).to_csv(path, index=False)
    repeated = list(dict.fromkeys(df["object_id"].iloc[:6]))
    log = read_text_table(data / "test_log.csv")
    row = log.index[log["split"] == "split_01"][-1]
    log.loc[row, "Z"] = ""
    log.to_csv(data / "test_log.csv", index=False)

    target = "results/lightcurves/test/split_01.parquet"
    result, text = run(workdir, data, target)
    assert result.returncode == 0, text[-4000:]
    ingest_log = (workdir / "results" / "logs" / "ingest" / "test" / "split_01.log").read_text()
    expected = [
        str(path),
        "dropped 6 repeated row(s)",
        *repeated,
        "column 'Z' is empty or infinite",
        log.loc[row, "object_id"],
    ]
    for pattern in expected:
        assert pattern in ingest_log, f"{pattern!r} not in the ingest log:\n{ingest_log}"


def test_missing_split_file(workdir, data):
    lightcurve(data, "split_02", "test").unlink()
    fails(workdir, data, "missing lightcurve file(s)", str(lightcurve(data, "split_02", "test")), dry=True)


def test_log_names_a_split_without_folder(workdir, data):
    shutil.rmtree(data / "split_02")
    fails(workdir, data, "column 'split' names ['split_02'], which have no folder", dry=True)


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
