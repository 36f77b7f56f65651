"""Folds, threshold search and metrics."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from mallorn_tde.evaluation import (
    assign_folds,
    best_threshold,
    bootstrap_f1_interval,
    classification_summary,
    cv_metrics,
    held_out_ids,
    training_ids,
)


def labels(n=200, n_pos=20, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_pos, replace=False)] = 1
    return pd.Series(y, index=[f"obj{i:04d}" for i in range(n)], name="target")


def test_folds_are_stratified_complete_and_deterministic():
    y = labels()
    folds = assign_folds(y, 5, seed=7)
    assert sorted(folds["object_id"]) == sorted(y.index)
    assert folds["fold"].between(1, 5).all()
    assert folds.groupby("fold")["target"].sum().tolist() == [4, 4, 4, 4, 4]
    assert folds.groupby("fold").size().tolist() == [40] * 5
    assert folds.equals(assign_folds(y, 5, seed=7))
    # Row order of the input does not matter.
    assert folds.equals(assign_folds(y.sample(frac=1, random_state=1), 5, seed=7))
    assert not folds.equals(assign_folds(y, 5, seed=8))


def test_folds_need_enough_tdes():
    with pytest.raises(ValueError, match="lower cv.n_folds"):
        assign_folds(labels(n=50, n_pos=3), 5, seed=0)


def test_training_and_held_out_parts_partition_the_objects():
    folds = assign_folds(labels(), 5, seed=0)
    train, held = training_ids(folds, "fold_2"), held_out_ids(folds, "fold_2")
    assert len(train.intersection(held)) == 0
    assert len(train) + len(held) == len(folds)
    assert len(training_ids(folds, "final")) == len(folds)


def test_best_threshold_matches_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(20):
        y = rng.integers(0, 2, 60)
        p = np.round(rng.random(60) * 0.5 + y * rng.random(60) * 0.5, 2)  # ties on purpose
        threshold, f1 = best_threshold(y, p)
        brute = max(f1_score(y, (p >= t).astype(int), zero_division=0) for t in np.unique(p))
        assert f1 == pytest.approx(brute)
        assert f1_score(y, (p >= threshold).astype(int)) == pytest.approx(f1)


def test_best_threshold_separable_case_is_between_classes():
    threshold, f1 = best_threshold([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9])
    assert f1 == 1.0 and 0.3 < threshold <= 0.7
    assert threshold == pytest.approx(0.5)


def test_metrics_pool_folds_and_report_spread():
    oof = pd.DataFrame(
        {
            "object_id": [f"o{i}" for i in range(8)],
            "fold": [1, 1, 1, 1, 2, 2, 2, 2],
            "target": [1, 0, 0, 1, 1, 0, 0, 1],
            "probability": [0.9, 0.2, 0.6, 0.4, 0.8, 0.1, 0.3, 0.7],
            "prediction": [1, 0, 1, 0, 1, 0, 0, 1],
        }
    )
    selection = {
        scope: {"columns": 9, "tested": 4, "kept": kept, "dropped": 4 - kept, "kept_untested": 3}
        for scope, kept in (("fold_1", 2), ("fold_2", 3), ("final", 4))
    }
    m = cv_metrics(oof, selection, {"fold_1": 0.5, "fold_2": 0.5, "final": 0.0})
    assert m["n_features"] == {"fold_1": 5, "fold_2": 6, "final": 7}
    assert m["selection"]["fold_2"] == selection["fold_2"]
    assert m["f1"] == pytest.approx(f1_score(oof["target"], oof["prediction"]))
    assert m["per_fold"]["fold_1"]["f1"] == pytest.approx(0.5)
    assert m["per_fold"]["fold_2"]["f1"] == pytest.approx(1.0)
    assert m["f1_fold_std"] == pytest.approx(np.std([0.5, 1.0], ddof=1))
    assert m["fold_thresholds"] == {"fold_1": 0.5, "fold_2": 0.5}
    assert set(m["how"]) >= {"f1", "f1_fold_std", "threshold", "average_precision", "precision", "recall"}
    assert m["n_tde"] == 4


def test_classification_summary_counts():
    s = classification_summary([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])
    assert s["precision"] == 0.5 and s["recall"] == 0.5 and s["n_predicted_tde"] == 2


def test_bootstrap_f1_interval_brackets_the_f1_and_narrows_with_more_objects():
    rng = np.random.default_rng(0)
    y = (rng.random(600) < 0.1).astype(int)
    pred = np.where(rng.random(600) < 0.7, y, 1 - y)
    low, high = bootstrap_f1_interval(y, pred)
    assert low < f1_score(y, pred) < high
    assert (low, high) == bootstrap_f1_interval(y, pred)  # seeded
    y4, pred4 = np.tile(y, 4), np.tile(pred, 4)
    low4, high4 = bootstrap_f1_interval(y4, pred4)
    assert high4 - low4 < 0.7 * (high - low)


def test_bootstrap_f1_interval_is_the_bootstrap_of_objects():
    """Drawing the four cells' counts is the same bootstrap as resampling the objects themselves."""
    rng = np.random.default_rng(1)
    y = (rng.random(800) < 0.1).astype(int)
    pred = np.where(rng.random(800) < 0.8, y, 1 - y)
    idx = rng.integers(0, len(y), size=(20000, len(y)))  # 20,000 resamples of the 800 objects
    tp = (y[idx] & pred[idx]).sum(axis=1)
    f1 = 2 * tp / (y[idx].sum(axis=1) + pred[idx].sum(axis=1))
    expected = np.quantile(f1, [0.025, 0.975])
    np.testing.assert_allclose(bootstrap_f1_interval(y, pred, n_boot=20000), expected, atol=0.005)
