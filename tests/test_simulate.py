"""mallorn_tde.simulate as a whole: the data set's layout, formats, quirks, determinism, class mix and observation.

The physical models have their own tests (test_simulate_models.py), the realism statistics theirs
(test_realism.py).
"""

import csv
import filecmp
import re
import time

import numpy as np
import pandas as pd
import pytest

from mallorn_tde import simulate as sim
from mallorn_tde.constants import (
    FILTERS,
    LC_COLUMNS,
    SUBMISSION_COLUMNS,
    TEST_LOG_COLUMNS,
    TRAIN_LOG_COLUMNS,
    lightcurve_filename,
    split_name,
)
from mallorn_tde.simulate import observe, simulate_dataset, summary_statistics

SMALL = dict(n_splits=3, train_per_split=20, test_per_split=10, seed=5)
MEDIUM = dict(n_splits=10, train_per_split=60, test_per_split=40, seed=11)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    summary = simulate_dataset(out, **SMALL)
    return out, summary


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    out = tmp_path_factory.mktemp("medium")
    start = time.perf_counter()
    summary = simulate_dataset(out, **MEDIUM)
    seconds = time.perf_counter() - start
    train, test, lc = sim.read_dataset(out)
    return {"dir": out, "summary": summary, "train": train, "test": test, "lc": lc, "seconds": seconds}


def all_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------- layout


def test_layout_and_columns(small):
    out, summary = small
    expected = ["sample_submission.csv", "test_log.csv", "train_log.csv"] + [
        f"{split_name(s)}/{lightcurve_filename(side)}" for s in (1, 2, 3) for side in ("test", "train")
    ]
    assert [str(p) for p in all_files(out)] == sorted(expected)
    for name, cols in [
        ("train_log.csv", TRAIN_LOG_COLUMNS),
        ("test_log.csv", TEST_LOG_COLUMNS),
        ("sample_submission.csv", SUBMISSION_COLUMNS),
        ("split_01/train_full_lightcurves.csv", LC_COLUMNS),
    ]:
        with open(out / name, newline="") as handle:
            assert tuple(next(csv.reader(handle))) == cols
    train = pd.read_csv(out / "train_log.csv")
    test = pd.read_csv(out / "test_log.csv")
    assert len(train) == 60 and len(test) == 30
    assert summary["n_train"] == 60 and summary["n_test"] == 30
    assert (train["split"].value_counts() == 20).all() and (test["split"].value_counts() == 10).all()
    assert set(train["split"]) == {"split_01", "split_02", "split_03"}


def test_every_object_has_observations_in_its_split_file(small):
    out, _ = small
    for side, per in (("train", 20), ("test", 10)):
        log = pd.read_csv(out / f"{side}_log.csv")
        for split, group in log.groupby("split"):
            lc = pd.read_csv(out / split / lightcurve_filename(side))
            assert set(lc["object_id"]) == set(group["object_id"])
            assert (lc.groupby("object_id").size() >= 10).all()
            # rows grouped by object, objects in ASCII order as in the challenge files
            order = list(dict.fromkeys(lc["object_id"]))
            assert order == sorted(order) and len(order) == per
            assert (lc["object_id"] != lc["object_id"].shift()).sum() == per


def test_log_values_and_formats(small):
    out, _ = small
    train = pd.read_csv(out / "train_log.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(out / "test_log.csv", dtype=str, keep_default_na=False)
    assert (train["Z_err"] == "").all() and (test["SpecType"] == "").all()
    assert (test["Z_err"] != "").all()
    assert set(train["target"]) <= {"0", "1"}
    assert ((train["target"] == "1") == (train["SpecType"] == "TDE")).all()
    assert set(train["SpecType"]) <= set(sim.LABELS)
    number = re.compile(r"-?\d+(\.\d+)?")
    for col in ("Z", "EBV"):
        assert train[col].str.fullmatch(number.pattern).all() and test[col].str.fullmatch(number.pattern).all()
    # Z and Z_err with 4 significant digits, EBV to 0.001
    sig = train["Z"].str.replace("-", "").str.replace(".", "").str.lstrip("0")
    assert (sig.str.len() <= 4).all()
    assert (test["EBV"].str.split(".").str[1].str.len() <= 3).all()
    z, z_err = test["Z"].astype(float), test["Z_err"].astype(float)
    assert (z < 0).sum() == 1 and z.min() > -0.05
    assert np.allclose(z_err / (1 + z), 0.02, rtol=0.1)
    # test log: each split listed in two passes (as in the challenge); submission in test-log order, all 0
    sub = pd.read_csv(out / "sample_submission.csv")
    assert list(sub["object_id"]) == list(test["object_id"]) and (sub["prediction"] == 0).all()
    assert list(train["split"]) == sorted(train["split"])


def test_object_ids_and_translation(small):
    out, _ = small
    train = pd.read_csv(out / "train_log.csv")
    test = pd.read_csv(out / "test_log.csv")
    ids = pd.concat([train["object_id"], test["object_id"]])
    assert ids.is_unique
    assert ids.str.fullmatch(r"[A-Za-z]+_[A-Za-z]+_[A-Za-z]+").all()
    words = set(ids.str.split("_").explode())
    assert words <= set(sim.VOCABULARY)
    text = pd.concat([train["English Translation"], test["English Translation"]])
    assert (text.str.count(r" \+ ") == 2).all()
    assert text.str.contains(",").any() and text.str.contains("  ").any()
    raw = (out / "train_log.csv").read_text() + (out / "test_log.csv").read_text()
    assert '"' in raw  # fields with commas are quoted


def test_lightcurve_values_and_quirks(medium):
    lc, train = medium["lc"], medium["train"]
    raw = (medium["dir"] / "split_01" / "train_full_lightcurves.csv").read_text()
    assert raw.endswith("\n") and "\r" not in raw
    rows = [line.split(",") for line in raw.splitlines()[1:]]
    assert max(len(r[1].split(".")[1]) for r in rows if "." in r[1]) <= 4
    assert max(len(r[2].split(".")[1].split("e")[0]) for r in rows if "." in r[2]) <= 8
    assert any(r[2] == "" for r in rows) or lc["Flux"].isna().any()  # empty Flux values exist
    assert set(lc["Filter"]) == set(FILTERS)
    assert (lc["Flux_err"] > 0).all() and lc["Time (MJD)"].between(60979, 64634).all()
    valid = lc["Flux"].dropna()
    assert 0.25 < (valid < 0).mean() < 0.45  # baseline-subtracted: many negative fluxes
    assert 0.0002 < lc["Flux"].isna().mean() < 0.01
    med_err = lc.groupby("Filter")["Flux_err"].median()
    for f, want in zip(FILTERS, sim.MEDIAN_FLUX_ERR):
        assert med_err[f] == pytest.approx(want, rel=0.1)
    shared = lc.groupby(["object_id", "Time (MJD)"]).size()
    assert (shared > 1).mean() > 0.3  # many rows share a timestamp across filters
    stats = summary_statistics(medium["dir"])
    assert stats["time-sorted objects share"] == 0.0  # grouped, never time-sorted
    assert len(train) == 600


# ---------------------------------------------------------------------------------------------- determinism


def test_same_arguments_give_byte_identical_files(small, tmp_path):
    out, _ = small
    again = tmp_path / "again"
    simulate_dataset(again, **SMALL)
    files = all_files(out)
    assert files == all_files(again)
    match, mismatch, errors = filecmp.cmpfiles(out, again, [str(p) for p in files], shallow=False)
    assert not mismatch and not errors


def test_other_seed_gives_other_data(small, tmp_path):
    out, _ = small
    other = tmp_path / "other"
    simulate_dataset(other, **{**SMALL, "seed": SMALL["seed"] + 1})
    assert (out / "train_log.csv").read_text() != (other / "train_log.csv").read_text()
    assert (out / "split_01/test_full_lightcurves.csv").read_text() != (
        other / "split_01/test_full_lightcurves.csv"
    ).read_text()


# ---------------------------------------------------------------------------------------------- class mix


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 10, 20, 100, 2435])
def test_group_counts(n):
    counts = sim.group_counts(n)
    assert sum(counts.values()) == n and min(counts.values()) >= 0
    assert counts["TDE"] == max(1, round(0.049 * n))
    if n >= 4:
        assert all(v >= 1 for v in counts.values())
    if n >= 100:
        assert counts["AGN"] / n == pytest.approx(0.587, abs=0.02)
        assert counts["SN Ia"] / n == pytest.approx(0.271, abs=0.02)


def test_tiny_set_has_a_tde(tmp_path):
    simulate_dataset(tmp_path, n_splits=1, train_per_split=1, test_per_split=1, seed=3)
    train = pd.read_csv(tmp_path / "train_log.csv")
    assert list(train["target"]) == [1]
    assert len(pd.read_csv(tmp_path / "test_log.csv")) == 1


def test_class_mix_and_tdes_over_splits(medium):
    train, summary = medium["train"], medium["summary"]
    spec = train["SpecType"]
    assert (spec == "TDE").sum() == round(0.049 * 600)
    assert (spec == "AGN").mean() == pytest.approx(0.587, abs=0.01)
    assert spec.str.startswith("SN Ia").mean() == pytest.approx(0.271, abs=0.01)
    assert {"AGN", "SN Ia", "SN II", "TDE"} <= set(spec)
    per_split = train[spec == "TDE"].groupby("split").size()
    assert len(per_split) == 10 and per_split.min() >= 2  # spread over all splits
    assert sum(summary["train_tde_per_split"]) == (spec == "TDE").sum()
    # per-class redshifts close to the challenge's medians
    med = train.groupby("SpecType")["Z"].median()
    assert med["AGN"] == pytest.approx(0.77, rel=0.3)
    assert med["SN Ia"] == pytest.approx(0.36, rel=0.2)
    assert med["TDE"] == pytest.approx(0.46, rel=0.35)
    assert train.loc[spec == "AGN", "Z"].max() > 1.5


# ---------------------------------------------------------------------------------------------- observation


def test_agn_vary_across_the_survey_and_sne_do_not(medium):
    lc, train = medium["lc"], medium["train"]
    lc = lc.assign(snr=lc["Flux"] / lc["Flux_err"])
    spec = train.set_index("object_id")["SpecType"]
    det = lc[lc["snr"] > 3].groupby("object_id")["Time (MJD)"].agg(lambda t: t.max() - t.min())
    det = det.reindex(spec.index)
    assert det[spec == "AGN"].median() > 1000
    assert det[spec == "SN Ia"].median() < 300


def test_milky_way_dust_dims_fluxes(tmp_path):
    """Same seed, larger EBV: the simulator multiplies by 10^(-0.4 A) (the data are not de-reddened)."""
    rng1, rng2 = np.random.default_rng(4), np.random.default_rng(4)
    labels = np.array(["TDE", "SN Ia"], dtype=object)
    z = np.array([0.3, 0.3])
    clear, _ = observe._attempt(labels, z, np.array([0.0, 0.0]), 0.0, rng1)
    dusty, _ = observe._attempt(labels, z, np.array([0.5, 0.5]), 0.0, rng2)
    ratio = dusty["flux"][clear["flux"] != 0] / clear["flux"][clear["flux"] != 0]
    band = clear["band"][clear["flux"] != 0]
    expected = 10 ** (-0.4 * sim.EXTINCTION_PER_AV[band] * 3.1 * 0.5)
    assert np.allclose(ratio, expected)


def test_speed(medium):
    """1,000 objects; the time is reported (no wall-clock assertion: machines differ)."""
    n = MEDIUM["n_splits"] * (MEDIUM["train_per_split"] + MEDIUM["test_per_split"])
    print(
        f"\nsimulated {n} objects in {medium['seconds']:.1f} s "
        f"(~{medium['seconds'] * 10000 / n:.0f} s per 10,000 objects on this machine)"
    )
    assert medium["summary"]["rows"] == len(medium["lc"])


def test_a_split_larger_than_a_chunk_is_written_chunk_by_chunk(small, tmp_path, monkeypatch):
    """A split of more than CHUNK objects (issue 24: a survey-scale test side) is drawn and written in pieces: one
    header, every object of the log once with its rows together, the same files again for the same seed."""
    from mallorn_tde.simulate import writer

    monkeypatch.setattr(writer, "CHUNK", 3)
    chunked = tmp_path / "chunked"
    simulate_dataset(chunked, **SMALL)
    path = chunked / split_name(2) / lightcurve_filename("test")
    text = path.read_text()
    assert text.count("object_id,") == 1
    lc = pd.read_csv(path)
    test_log = pd.read_csv(chunked / "test_log.csv")
    ids = lc["object_id"]
    assert set(ids) == set(test_log.loc[test_log["split"] == split_name(2), "object_id"])
    assert ids.ne(ids.shift()).sum() == ids.nunique() == SMALL["test_per_split"]  # each object's rows together
    # The same objects as unchunked (ids, classes and redshifts are drawn before the lightcurves).
    out, _ = small
    unchunked = pd.read_csv(out / "test_log.csv")
    assert sorted(test_log["object_id"]) == sorted(unchunked["object_id"])
    again = tmp_path / "again"
    simulate_dataset(again, **SMALL)
    assert (again / split_name(2) / lightcurve_filename("test")).read_bytes() == path.read_bytes()
