"""mallorn_tde.catalog: both logs validated together, distances, photometric-like training redshifts, and one
split's catalogue as each ingest job writes it."""

import numpy as np
import pandas as pd
import pytest
from challenge_files import TEST_LOG, write

from mallorn_tde.catalog import build_catalog, luminosity_distances, photometric_like, split_catalog
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
    # each split's job validates both whole logs: a problem in another split's row stops it too
    broken = TEST_LOG.replace("t_two,-0.01,0.02,0.0", "t_two,-0.01,0.02,-1.0")
    _, train_log, test_log = write(tmp_path, test_log=broken)
    with pytest.raises(InputError, match="EBV"):
        split_catalog(train_log, test_log, "train", "split_02")


def test_distances_are_astropys_flat_lambda_cdm():
    """The written-out integral agrees with astropy's FlatLambdaCDM(H0, Om0) over the redshifts of any survey."""
    from astropy.cosmology import FlatLambdaCDM

    from mallorn_tde.constants import H0, OM0

    z = np.r_[1e-4, np.geomspace(1e-3, 10.0, 200)]
    dist, distmod = luminosity_distances(z)
    expected = FlatLambdaCDM(H0=H0, Om0=OM0).luminosity_distance(z).to_value("Mpc")
    np.testing.assert_allclose(dist, expected, rtol=1e-11)
    np.testing.assert_allclose(distmod, 5 * np.log10(expected * 1e5), rtol=0, atol=1e-11)
