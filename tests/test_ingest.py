"""mallorn_tde.ingest: validation of the logs and lightcurves, dust correction, sorting (the dust law itself:
test_dust.py; the catalogue: test_catalog.py)."""

import numpy as np
import pandas as pd
import pytest
from challenge_files import LIGHTCURVE, TRAIN_LOG, write

from mallorn_tde.catalog import split_catalog
from mallorn_tde.dust import ebv_coefficients
from mallorn_tde.ingest import (
    InputError,
    deredden,
    format_ids,
    ingest_split,
    read_lightcurves,
    read_log,
)


def ingest(lc_path, train_log, test_log, side, split):
    """The split's ingest job as the workflow runs it: its catalogue, then its lightcurves."""
    catalog = split_catalog(train_log, test_log, side, split)
    return ingest_split(lc_path, catalog, train_log if side == "train" else test_log, split)


def test_deredden_multiplies_by_ten_to_the_0_4_a():
    coeff = ebv_coefficients()
    out = deredden(np.array([10.0, 10.0, -2.0]), np.array(["u", "y", "g"]), np.array([0.1, 0.0, 0.2]))
    assert out[0] == pytest.approx(10.0 * 10 ** (0.4 * coeff["u"] * 0.1))
    assert out[1] == pytest.approx(10.0)
    # Negative (baseline-subtracted) fluxes are scaled the same way and stay negative.
    assert out[2] == pytest.approx(-2.0 * 10 ** (0.4 * coeff["g"] * 0.2))


def test_ingest_sorts_drops_empty_flux_and_dereddens(tmp_path):
    table, report = ingest(*write(tmp_path), side="train", split="split_01")
    assert list(table.columns) == ["object_id", "mjd", "flux", "flux_err", "filter"]
    assert table["object_id"].tolist() == ["a_one", "a_one", "a_one", "b_two"]
    assert table["mjd"].tolist() == [61000.5, 61000.5, 61002.5, 61005.0]
    assert table["filter"].tolist() == ["g", "r", "g", "y"]
    g = ebv_coefficients()["g"]
    assert table["flux"].iloc[2] == pytest.approx(3.0 * 10 ** (0.4 * g * 0.1))
    assert table["flux"].iloc[3] == pytest.approx(-1.0)  # EBV = 0
    assert any("empty 'Flux'" in w for w in report.warnings)


def test_log_object_without_rows_is_a_warning(tmp_path):
    lc = "object_id,Time (MJD),Flux,Flux_err,Filter\na_one,61000,1.0,0.5,g\n"
    _, report = ingest(*write(tmp_path, lightcurve=lc), side="train", split="split_01")
    assert any("b_two" in w and "no usable observation" in w for w in report.warnings)


def test_negative_redshift_is_a_warning_not_an_error(tmp_path):
    lc = "object_id,Time (MJD),Flux,Flux_err,Filter\nt_one,61000,1.0,0.5,g\nt_two,61000,1.0,0.5,g\n"
    table, report = ingest(*write(tmp_path, lightcurve=lc), side="test", split="split_01")
    assert len(table) == 2
    assert any("'Z' is negative" in w and "t_two" in w for w in report.warnings)


def test_read_log_types(tmp_path):
    write(tmp_path)
    log = read_log(tmp_path / "train_log.csv", "train")
    assert log.loc["a_one", "target"] == 1
    assert np.isnan(log.loc["a_one", "Z_err"])
    assert read_log(tmp_path / "test_log.csv", "test").loc["t_one", "Z_err"] == pytest.approx(0.03)


def test_format_ids_caps_at_ten():
    text = format_ids([f"id{i}" for i in range(25)])
    assert text.startswith("id0, id1") and "id9" in text and "id10," not in text and "(and 15 more)" in text


def test_unknown_filter_names_file_column_and_object(tmp_path):
    lc = LIGHTCURVE.replace("b_two,61005.0,-1.0,0.2,y", "b_two,61005.0,-1.0,0.2,Y")
    paths = write(tmp_path, lightcurve=lc)
    log = read_log(paths[1], "train")
    with pytest.raises(InputError, match=r"lc\.csv: column 'Filter' has unknown filter.*b_two"):
        read_lightcurves(paths[0], log.loc[log["split"] == "split_01"])


def test_real_split_ingests(real_data):
    table, report = ingest(
        real_data / "split_01" / "train_full_lightcurves.csv",
        real_data / "train_log.csv",
        real_data / "test_log.csv",
        side="train",
        split="split_01",
    )
    raw = pd.read_csv(real_data / "split_01" / "train_full_lightcurves.csv")
    assert len(table) == raw["Flux"].notna().sum()
    assert table.groupby("object_id")["mjd"].apply(lambda s: s.is_monotonic_increasing).all()
    assert table["flux_err"].gt(0).all()


def test_train_log_keeps_spectype_and_checks_it_against_target(tmp_path):
    write(tmp_path)
    log = read_log(tmp_path / "train_log.csv", "train")
    assert log["SpecType"].tolist() == ["TDE", "AGN", "SN Ia"]
    _, train_log, _ = write(tmp_path, train_log=TRAIN_LOG.replace("AGN,three,split_01,0", "TDE,three,split_01,0"))
    with pytest.raises(InputError, match=r"column 'SpecType' must be 'TDE' exactly where target is 1, not for .*b_two"):
        read_log(train_log, "train")
