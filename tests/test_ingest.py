"""Ingest: dust correction against known coefficients, validation, sorting."""

import numpy as np
import pandas as pd
import pytest

from mallorn_tde.catalog import build_catalog, luminosity_distances, photometric_like, split_catalog
from mallorn_tde.dust import ebv_coefficients
from mallorn_tde.ingest import (
    InputError,
    deredden,
    format_ids,
    ingest_split,
    read_lightcurves,
    read_log,
)

TRAIN_LOG = """object_id,Z,Z_err,EBV,SpecType,English Translation,split,target
a_one,0.1,,0.1,TDE,"one, two ",split_01,1
b_two,0.5,,0.0,AGN,three,split_01,0
c_three,0.2,,0.05,SN Ia,four,split_02,0
"""
TEST_LOG = """object_id,Z,Z_err,EBV,SpecType,English Translation,split
t_one,0.3,0.03,0.2,,x,split_01
t_two,-0.01,0.02,0.0,,y,split_01
"""
LIGHTCURVE = """object_id,Time (MJD),Flux,Flux_err,Filter
a_one,61002.5,3.0,0.5,g
a_one,61000.5,1.0,0.5,g
a_one,61000.5,2.0,0.5,r
a_one,61001.0,,0.5,u
b_two,61005.0,-1.0,0.2,y
"""


def write(tmp_path, train_log=TRAIN_LOG, test_log=TEST_LOG, lightcurve=LIGHTCURVE):
    (tmp_path / "train_log.csv").write_text(train_log)
    (tmp_path / "test_log.csv").write_text(test_log)
    (tmp_path / "lc.csv").write_text(lightcurve)
    return tmp_path / "lc.csv", tmp_path / "train_log.csv", tmp_path / "test_log.csv"


def ingest(lc_path, train_log, test_log, side, split):
    """The split's catalogue job, then its ingest job, as the workflow runs them."""
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


def test_catalog_adds_distances_and_rejects_shared_objects(tmp_path):
    _, train_log, test_log = write(tmp_path)
    catalog = build_catalog(train_log, test_log)
    # Flat LambdaCDM, H0 = 70, Om0 = 0.3: d_L(z = 0.1) = 460.3 Mpc, d_L(z = 1) = 6608 Mpc
    assert catalog["train"].loc["a_one", "lum_dist_mpc"] == pytest.approx(460.3, rel=1e-3)
    assert catalog["train"].loc["a_one", "distmod"] == pytest.approx(5 * np.log10(460.3e5), abs=0.01)
    assert np.isnan(catalog["test"].loc["t_two", "lum_dist_mpc"])  # z < 0: no distance
    assert list(catalog["train"].index) == ["a_one", "b_two", "c_three"]
    dist, _ = luminosity_distances([0.0, np.nan, 1.0])
    assert np.isnan(dist[:2]).all() and dist[2] == pytest.approx(6607.7, rel=1e-3)
    shared = TEST_LOG.replace("t_one,", "a_one,")
    _, train_log, test_log = write(tmp_path, test_log=shared)
    with pytest.raises(InputError, match=r"in both train and test: a_one"):
        build_catalog(train_log, test_log)


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


def test_photometric_like_training_redshifts_follow_the_test_error_model(tmp_path):
    n = 4000
    rng = np.random.default_rng(0)
    z = rng.uniform(0.05, 2.0, n)
    train = pd.DataFrame({"Z": z, "Z_err": np.nan}, index=[f"o{i}" for i in range(n)])
    test = pd.DataFrame({"Z": [0.3, 1.0], "Z_err": [0.026, 0.04]})  # Z_err = 0.02 (1 + Z)
    noisy = photometric_like(train, test, seed=3)
    pull = (noisy["Z"] - z) / (0.02 * (1 + z))
    assert abs(pull.mean()) < 0.05 and pull.std() == pytest.approx(1.0, abs=0.05)
    assert np.allclose(noisy["Z_err"], 0.02 * (1 + noisy["Z"]))
    pd.testing.assert_frame_equal(noisy, photometric_like(train, test, seed=3))  # seeded
    # through the catalogue: only the training side changes, distances follow the new redshifts
    _, train_log, test_log = write(tmp_path)
    spec, photo = build_catalog(train_log, test_log), build_catalog(train_log, test_log, "photometric", seed=1)
    pd.testing.assert_frame_equal(spec["test"], photo["test"])
    assert not np.allclose(spec["train"]["Z"], photo["train"]["Z"])
    assert np.allclose(photo["train"]["lum_dist_mpc"], luminosity_distances(photo["train"]["Z"])[0])
