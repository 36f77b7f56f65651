"""The pure parts of benchmarks/speed.py (the seed-style reference), on tiny synthetic frames."""

import importlib
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
speed = importlib.import_module("speed")


def test_tsfresh_input_drops_nan_flux_and_sorts_by_object_then_time():
    raw = pd.DataFrame(
        {
            "object_id": ["b", "a", "b", "a", "a", "b"],
            "Time (MJD)": [3.0, 2.0, 1.0, 1.0, 2.0, 2.0],
            "Flux": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "Flux_err": [0.1] * 6,
            "Filter": ["g", "r", "g", "g", "g", "r"],
        }
    )
    frame = speed.tsfresh_input(raw)
    assert list(frame.columns) == ["object_id", "filter", "mjd", "flux"]
    assert frame["flux"].notna().all() and len(frame) == 5
    assert list(frame["object_id"]) == ["a", "a", "a", "b", "b"]
    assert list(frame["mjd"]) == [1.0, 2.0, 2.0, 2.0, 3.0]
    # Equal times keep the file's order (stable sort): object a at mjd 2 is r (flux 2) then g (flux 5).
    assert list(frame["flux"]) == [4.0, 2.0, 5.0, 6.0, 1.0]


def synthetic(n=90, seed=0):
    """Objects with one informative feature, noise, a column with NaN and inf, and 3 stratified folds."""
    rng = np.random.default_rng(seed)
    ids = [f"obj_{i:03d}" for i in range(n)]
    y = pd.Series((np.arange(n) % 5 == 0).astype(int), index=ids, name="target")
    X = pd.DataFrame(
        {
            "flux__informative": y.to_numpy() * 3.0 + rng.normal(0, 0.5, n),
            "flux__noise_1": rng.normal(0, 1, n),
            "flux__noise_2": rng.normal(0, 1, n),
            "flux__gappy": np.where(rng.random(n) < 0.2, np.nan, rng.normal(0, 1, n)),
        },
        index=ids,
    )
    X.iloc[3, 3] = np.inf
    positives, negatives = np.flatnonzero(y.to_numpy()), np.flatnonzero(y.to_numpy() == 0)
    fold = np.zeros(n, dtype=int)
    fold[positives] = np.arange(len(positives)) % 3 + 1
    fold[negatives] = np.arange(len(negatives)) % 3 + 1
    return X, y, pd.Series(fold, index=ids, name="fold")


def test_out_of_fold_predicts_every_object_once_at_its_folds_threshold():
    X, y, folds = synthetic()
    oof, info = speed.out_of_fold(X, y, folds, cores=1)
    assert sorted(oof["object_id"]) == sorted(X.index)
    by_object = oof.set_index("object_id").loc[X.index]
    assert (by_object["fold"] == folds).all() and (by_object["target"] == y).all()
    assert [f["fold"] for f in info] == [1, 2, 3]
    for f in info:
        part = oof[oof["fold"] == f["fold"]]
        assert ((part["probability"] >= f["threshold"]).astype(int) == part["prediction"]).all()
        assert 1 <= f["n_features"] <= X.shape[1]
    metrics = speed.oof_metrics(oof)
    # One feature separates the classes well: the honest out-of-fold F1 must see it.
    assert metrics["f1"] > 0.7
    assert metrics["n_objects"] == len(X) and metrics["n_tde"] == int(y.sum())
    low, high = metrics["f1_bootstrap_95"]
    assert low <= metrics["f1"] <= high


def test_out_of_fold_refuses_folds_of_other_objects():
    X, y, folds = synthetic()
    with pytest.raises(ValueError, match="same objects"):
        speed.out_of_fold(X, y, folds.iloc[1:], cores=1)


def test_imputer_uses_the_training_parts_ranges():
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [np.nan] * 4})
    held_out = pd.DataFrame({"a": [np.nan, np.inf, -np.inf], "b": [1.0, np.nan, 2.0]})
    imputed = speed.imputer(train)(held_out)
    assert list(imputed["a"]) == [2.0, 3.0, 1.0]  # median, max, min of the training part
    assert list(imputed["b"]) == [1.0, 0.0, 2.0]  # an all-NaN training column imputes 0


def test_markdown_section_shows_both_halves_and_their_ratio():
    timing = {"wall_s": 100.0, "cpu_s": 150.0, "peak_rss_mb": 500.0, "tree_peak_rss_mb_sampled": 900.0}
    metrics = {"f1": 0.5, "f1_bootstrap_95": [0.4, 0.6], "average_precision": 0.55, "f1_fold_mean": 0.5}
    metrics["f1_fold_std"] = 0.05
    stamp = {"invocation": "python benchmarks/speed.py --data D --workdir W", "commit": "abc1234", "load_mean": 2.5}
    result = {
        "data_name": "D",
        "date": "2026-01-01",
        "cores": 2,
        "one_invocation": True,
        "machine": {"cores": 2, "cpu": "some CPU", "memory_gib": 8.0, "python": "3.11.7"},
        "workflow": {
            **timing,
            **stamp,
            "metrics": metrics,
            "n_jobs": 3,
            "jobs_cpu_s": 120.0,
            "jobs_max_peak_rss_mb": 480.0,
            "per_rule": [
                {"rule": "extract", "jobs": 2, "total_s": 80.0, "mean_s": 40.0, "max_s": 50.0, "cpu_s": 90.0},
                {"rule": "tune", "jobs": 1, "total_s": 10.0, "mean_s": 10.0, "max_s": 10.0, "cpu_s": 12.0},
            ],
        },
        "reference": {
            **timing,
            **stamp,
            "wall_s": 1000.0,
            "splits": ["split_01"],
            "n_objects": {"train": 40, "test": 60},
            "n_observations": {"train": 4000, "test": 6000},
            "n_tde": 5,
            "n_extracted_columns": 4662,
            "n_selected": 120,
            "selection_fell_back": False,
            "phases": {
                "extract train": {"wall_s": 30.0, "cpu_s": 55.0},
                "extract test": {"wall_s": 40.0, "cpu_s": 75.0},
            },
            "oof": {
                **metrics,
                "f1": 0.3,
                "folds": [{"fold": 1, "n_features": 100, "selection_fell_back": False, "threshold": 0.1}],
                "folds_from": "read from the workflow run's results/cv/folds.tsv",
                "test_threshold": 0.2,
                "n_test_predicted_tde": 7,
            },
            "oof_timing": {"wall_s": 20.0, "cpu_s": 30.0},
        },
    }
    result["workflow"]["per_rule"][0]["peak_rss_mb"] = 480.0
    result["workflow"]["per_rule"][1]["peak_rss_mb"] = 200.0
    text = speed.markdown(result)
    assert "Ratio, reference wall / workflow wall: 10.00" in text
    assert "| extract | 2 | 80.0 | 40.0 | 50.0 | 90.0 | 480 |" in text
    assert "0.500 [0.400, 0.600]" in text and "0.300 [0.400, 0.600]" in text
    assert "1.300 CPU s per object" in text  # (55 + 75) s for 100 objects
    assert "**not** counted" in text
    assert "load average during the workflow 2.5 and the reference 2.5" in text
