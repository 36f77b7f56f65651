"""mallorn_tde.catalog: both logs validated together, distances, photometric-like training redshifts, and one
split's catalogue as each ingest job writes it, from the logs read in chunks."""

import re

import numpy as np
import pandas as pd
import pytest
from challenge_files import TEST_LOG, write

from mallorn_tde import ingest
from mallorn_tde.catalog import (
    build_catalog,
    luminosity_distances,
    photometric_like,
    split_catalog,
    validated_logs,
    with_distances,
)
from mallorn_tde.contract import read_csv_chunks
from mallorn_tde.ingest import InputError


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


def test_split_catalog_is_its_splits_rows_of_the_whole_catalogue(tmp_path):
    _, train_log, test_log = write(tmp_path)
    whole = build_catalog(train_log, test_log)["train"]
    one = split_catalog(train_log, test_log, "train", "split_02")
    pd.testing.assert_frame_equal(one, whole.loc[whole["split"] == "split_02"])
    assert split_catalog(train_log, test_log, "test", "split_02").empty  # no test object in that split
    # each split's job validates its own split's rows: a bad value stops the job of the row's split
    broken = TEST_LOG.replace("t_two,-0.01,0.02,0.0", "t_two,-0.01,0.02,-1.0")
    _, train_log, test_log = write(tmp_path, test_log=broken)
    with pytest.raises(InputError, match=r"test_log\.csv: column 'EBV' must be >= 0, not for object\(s\) t_two"):
        split_catalog(train_log, test_log, "test", "split_01")
    pd.testing.assert_frame_equal(split_catalog(train_log, test_log, "train", "split_02"), one)


def many_splits_logs(tmp_path, train_extra="", test_extra=""):
    """Logs of 30 training and 24 test objects over several interleaved splits, with empty Z_err, SpecType and
    test Z and a negative test Z; ``*_extra`` rows are appended. Returns (train log, test log)."""
    train = ["object_id,Z,Z_err,EBV,SpecType,English Translation,split,target"]
    for i in range(30):
        spec = ("TDE", "1") if i % 7 == 0 else ("AGN" if i % 3 else "", "0")
        train.append(
            f"tr_{i},{0.05 + i / 20},{'' if i % 2 else 0.01},{i / 100},{spec[0]},x,split_0{i % 4 + 1},{spec[1]}"
        )
    test = ["object_id,Z,Z_err,EBV,SpecType,English Translation,split"]
    for i in range(24):
        z = "" if i == 5 else -0.01 if i == 6 else 0.1 + i / 10
        test.append(f"te_{i},{z},{0.02 * (1 + i / 10)},{i / 50},,y,split_0{i % 3 + 1}")
    _, train_log, test_log = write(
        tmp_path, train_log="\n".join(train) + "\n" + train_extra, test_log="\n".join(test) + "\n" + test_extra
    )
    return train_log, test_log


def test_split_catalog_read_in_chunks_is_the_whole_catalogues_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "LOG_CHUNK_ROWS", 4)
    train_log, test_log = many_splits_logs(tmp_path)
    assert len(list(read_csv_chunks(train_log, 4))) == 8 and len(list(read_csv_chunks(test_log, 4))) == 6
    logs = validated_logs(train_log, test_log)  # both whole logs, as split_catalog read them before
    for side, splits in (("train", 4), ("test", 3)):
        for split in [f"split_0{k}" for k in range(1, splits + 2)]:  # the last: a split with no object of the side
            one = split_catalog(train_log, test_log, side, split)
            expected = with_distances(logs[side].loc[logs[side]["split"] == split])
            pd.testing.assert_frame_equal(one, expected, check_exact=True)
            assert one.index.dtype == expected.index.dtype and one.empty == (split == f"split_0{splits + 1}")


def test_split_catalog_finds_its_ids_again_in_a_later_chunk_of_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "LOG_CHUNK_ROWS", 4)
    # tr_0 (split_01, the first chunk) again in the last chunk, in split_03
    train_log, test_log = many_splits_logs(tmp_path, train_extra="tr_0,0.3,,0.0,AGN,x,split_03,0\n")
    for split in ("split_01", "split_03"):
        with pytest.raises(InputError, match=r"train_log\.csv: column 'object_id' has duplicated ids: tr_0$"):
            split_catalog(train_log, test_log, "train", split)
    assert len(split_catalog(train_log, test_log, "train", "split_02")) == 8  # no id of split_02 is repeated


def test_split_catalog_finds_its_ids_in_a_later_chunk_of_the_other_log(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "LOG_CHUNK_ROWS", 4)
    # tr_4 (split_01 of the training log) also in the test log's last chunk, in split_02
    train_log, test_log = many_splits_logs(tmp_path, test_extra="tr_4,0.3,0.03,0.1,,z,split_02\n")
    files = f"{train_log} and {test_log}: "
    shared = re.escape(files) + r"column 'object_id' has 1 object\(s\) in both train and test: tr_4$"
    with pytest.raises(InputError, match=shared):
        split_catalog(train_log, test_log, "train", "split_01")
    with pytest.raises(InputError, match=shared):
        split_catalog(train_log, test_log, "test", "split_02")


def test_distances_are_astropys_flat_lambda_cdm():
    """The written-out integral agrees with astropy's FlatLambdaCDM(H0, Om0) over the redshifts of any survey."""
    from astropy.cosmology import FlatLambdaCDM

    from mallorn_tde.constants import H0, OM0

    z = np.r_[1e-4, np.geomspace(1e-3, 10.0, 200)]
    dist, distmod = luminosity_distances(z)
    expected = FlatLambdaCDM(H0=H0, Om0=OM0).luminosity_distance(z).to_value("Mpc")
    np.testing.assert_allclose(dist, expected, rtol=1e-11)
    np.testing.assert_allclose(distmod, 5 * np.log10(expected * 1e5), rtol=0, atol=1e-11)
