"""mallorn_tde.calibration: the calibrators, where each fold's is fitted, and how calibration and the ranked list
are measured."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from mallorn_tde import calibration as C
from mallorn_tde.evaluation import held_out_ids, training_ids
from mallorn_tde.io import read_folds


def overconfident(n: int, seed: int):
    """Scores of a boosted-tree-like classifier: the true P(TDE) is a logistic of the score's logit with slope
    0.5 and intercept -1, so the score is too sure at both ends and too high overall."""
    rng = np.random.default_rng(seed)
    score = 1 / (1 + np.exp(-rng.normal(-3, 2.5, n)))
    logit = np.log(score / (1 - score))
    truth = 1 / (1 + np.exp(-(0.5 * logit - 1)))
    return score, (rng.random(n) < truth).astype(int), truth


def test_platt_recovers_a_logistic_miscalibration():
    score, y, truth = overconfident(40_000, 1)
    calibrator = C.fit_calibrator(score, y, "platt")
    shape = C.describe(calibrator)
    assert shape["slope"] == pytest.approx(0.5, abs=0.05) and shape["intercept"] == pytest.approx(-1, abs=0.1)
    assert np.abs(calibrator(score) - truth).max() < 0.03
    order = np.argsort(score)
    assert (np.diff(calibrator(score[order])) > 0).all()  # strictly increasing: the ranking is kept
    assert shape | {"slope": 0, "intercept": 0} == {
        "method": "platt",
        "fitted_on_objects": 40_000,
        "fitted_on_tde": int(y.sum()),
        "slope": 0,
        "intercept": 0,
    }


def test_isotonic_is_monotone_within_zero_and_one_and_calibrated_where_fitted():
    score, y, truth = overconfident(20_000, 2)
    calibrator = C.fit_calibrator(score, y, "isotonic")
    order = np.argsort(score)
    calibrated = calibrator(score[order])
    assert (np.diff(calibrated) >= 0).all() and calibrated.min() >= 0 and calibrated.max() <= 1
    assert np.unique(calibrated).size < score.size  # neighbours tied: the map is flat over each block
    # An isotonic fit is calibrated on its own rows; on fresh rows of the same kind it is close.
    assert C.expected_calibration_error(y, calibrator(score)) < 0.005
    fresh, y_fresh, _ = overconfident(20_000, 3)
    assert C.expected_calibration_error(y_fresh, calibrator(fresh)) < 0.01
    assert C.expected_calibration_error(y_fresh, fresh) > 0.05
    assert C.brier_score(y_fresh, calibrator(fresh)) < C.brier_score(y_fresh, fresh)
    assert calibrator([-1.0, 2.0]).tolist() == [calibrated[0], calibrated[-1]]  # outside the fit: clipped
    assert C.describe(calibrator)["steps"] > 5


def test_a_calibrator_needs_both_classes_finite_scores_and_a_known_method():
    with pytest.raises(ValueError, match="TDEs and other objects"):
        C.fit_calibrator([0.1, 0.2], [0, 0], "isotonic")
    with pytest.raises(ValueError, match="finite"):
        C.fit_calibrator([0.1, np.nan], [0, 1], "platt")
    with pytest.raises(ValueError, match="unknown calibration method 'beta'"):
        C.fit_calibrator([0.1, 0.2], [0, 1], "beta")


def test_platt_takes_scores_of_exactly_zero_and_one():
    calibrator = C.fit_calibrator([0.0, 0.0, 0.3, 0.6, 1.0, 1.0], [0, 0, 1, 0, 1, 1], "platt")
    assert np.isfinite(calibrator([0.0, 1.0])).all()


def test_brier_score_and_the_expected_calibration_error_by_hand():
    assert C.brier_score([0, 1, 1], [0.2, 0.6, 1.0]) == pytest.approx((0.04 + 0.16 + 0) / 3)
    y = [0, 0, 1, 0, 1, 1]
    p = [0.1, 0.2, 0.3, 0.5, 0.6, 0.9]
    bins = C.reliability_bins(y, p, n_bins=3)
    assert bins["objects"].tolist() == [2, 2, 2] and bins["tde"].tolist() == [0, 1, 2]
    assert bins["mean_probability"].tolist() == pytest.approx([0.15, 0.4, 0.75])
    assert bins[["low", "high"]].to_numpy().tolist() == [[0.1, 0.2], [0.3, 0.5], [0.6, 0.9]]
    # |0 - 0.15|, |0.5 - 0.4|, |1 - 0.75|, each bin a third of the objects
    assert C.expected_calibration_error(y, p, n_bins=3) == pytest.approx((0.15 + 0.1 + 0.25) / 3)


def test_equal_width_bins_leave_empty_ones_out_and_hold_a_probability_of_one():
    bins = C.reliability_bins([0, 1, 1, 0, 1], [0.05, 0.15, 0.12, 0.95, 1.0], n_bins=10, equal_width=True)
    assert bins["bin"].tolist() == [1, 2, 10] and bins["objects"].tolist() == [1, 2, 2]
    assert bins["tde_fraction"].tolist() == [0.0, 1.0, 0.5]


def test_equal_count_bins_differ_by_at_most_one_object():
    rng = np.random.default_rng(0)
    bins = C.reliability_bins(rng.integers(0, 2, 2435), rng.random(2435))
    assert len(bins) == C.N_BINS and bins["objects"].sum() == 2435
    assert bins["objects"].max() - bins["objects"].min() <= 1
    assert (bins["high"].to_numpy()[:-1] <= bins["low"].to_numpy()[1:]).all()


def test_yield_curve_works_down_the_raw_ranking():
    score = [0.9, 0.2, 0.7, 0.4]
    target = [1, 0, 0, 1]
    calibrated = [0.8, 0.1, 0.5, 0.3]
    curve = C.yield_curve(target, score, calibrated)
    assert curve["objects"].tolist() == [1, 2, 3, 4]
    assert curve["tde_found"].tolist() == [1, 1, 2, 2]  # ranked 0.9, 0.7, 0.4, 0.2
    assert curve["purity"].tolist() == pytest.approx([1, 0.5, 2 / 3, 0.5])
    assert curve["expected_tde"].tolist() == pytest.approx([0.8, 1.3, 1.6, 1.7])
    assert curve["expected_purity"].tolist() == pytest.approx([0.8, 0.65, 1.6 / 3, 1.7 / 4])


def test_purity_at_test_list_lengths_cuts_the_same_share_of_the_out_of_fold_list():
    assert C.scaled_length(10, 2435, 7135) == 3 and C.scaled_length(100, 2435, 7135) == 34
    assert C.scaled_length(1, 100, 7135) == 1  # never an empty list
    curve = C.yield_curve(np.r_[np.ones(5), np.zeros(15)], np.linspace(1, 0, 20), np.full(20, 0.25))
    rows = C.purity_at_lengths(curve, [40, 10, 100], n_test=40)  # the test side is twice as long
    assert [r["test_objects"] for r in rows] == [10, 40]  # sorted; longer than the test side: left out
    assert rows[0] == {
        "test_objects": 10,
        "oof_objects": 5,
        "tde_found": 5,
        "purity": 1.0,
        "expected_tde": 1.25,
        "expected_purity": 0.25,
        "test_tde_estimate": 10.0,
    }
    assert rows[1]["oof_objects"] == 20 and rows[1]["purity"] == 0.25 and rows[1]["test_tde_estimate"] == 10.0


# ----------------------------------------------------------------------------- each fold's own calibrator


def test_each_folds_calibrator_is_fitted_on_its_training_part_only(oof, inner):
    """No held-out object's label reaches its fold's calibrator: the held-out labels can change at will and the
    calibrators and the calibrated probabilities do not; a held-out object among a calibrator's rows is an error."""
    calibrated, calibrators = C.calibrate_out_of_fold(oof, inner, "isotonic")
    for scope, calibrator in calibrators.items():
        k = int(scope.removeprefix("fold_"))
        assert calibrator.n_objects == int((oof["fold"] != k).sum())
        held_out = oof["fold"] == k
        expected = C.fit_calibrator(inner[scope]["probability"], inner[scope]["target"], "isotonic")
        np.testing.assert_array_equal(calibrated[held_out], expected(oof.loc[held_out, "probability"]))

    flipped = oof.assign(target=1 - oof["target"])
    again, _ = C.calibrate_out_of_fold(flipped, inner, "isotonic")
    np.testing.assert_array_equal(again, calibrated)

    # Fold 1's calibrator fitted on rows that include a fold-1 object: refused.
    leaky = {**inner, "fold_1": pd.concat([inner["fold_1"], oof.loc[oof["fold"] == 1].head(1)])}
    with pytest.raises(ValueError, match="fold_1: 1 held-out object"):
        C.calibrate_out_of_fold(oof, leaky, "isotonic")
    with pytest.raises(ValueError, match="no inner probabilities of fold_4"):
        C.calibrate_out_of_fold(oof, {k: v for k, v in inner.items() if k != "fold_4"}, "isotonic")


def test_metrics_carry_calibration_and_purity_with_how(oof, metrics, calibrated_oof):
    y, raw = oof["target"], oof["probability"]
    calibrated = calibrated_oof["calibrated_probability"]
    assert metrics["calibration_method"] == "isotonic"
    assert metrics["brier_raw"] == pytest.approx(C.brier_score(y, raw))
    assert metrics["brier_calibrated"] == pytest.approx(C.brier_score(y, calibrated))
    assert metrics["ece_calibrated"] == pytest.approx(C.expected_calibration_error(y, calibrated))
    assert set(metrics["calibration_methods"]) == set(C.METHODS)
    assert metrics["calibration_methods"]["isotonic"]["ece_calibrated"] == metrics["ece_calibrated"]
    flagged = raw >= metrics["threshold"]
    assert metrics["purity_at_threshold"] == pytest.approx(y[flagged].mean())
    assert metrics["expected_tde_at_threshold"] == pytest.approx(calibrated[flagged].sum())
    assert metrics["n_test_objects"] == 500
    assert [r["test_objects"] for r in metrics["purity_at_list_length"]] == [10, 50, 100]
    assert [r["oof_objects"] for r in metrics["purity_at_list_length"]] == [4, 20, 40]  # 200 / 500 of each
    assert set(metrics["calibrators"]) == {f"fold_{k}" for k in range(1, 5)}
    assert metrics["calibrators"]["fold_1"]["fitted_on_objects"] == 150
    for key in ("calibration_method", "brier_calibrated", "ece_calibrated", "purity_at_list_length", "calibrators"):
        assert key in metrics["how"]
    assert metrics["how"]["f1"]  # cv_metrics' own entries are kept


def test_in_a_run_each_calibrator_is_fitted_on_its_scopes_training_part(tiny_run):
    """Acceptance 2 of issue 35, end to end: each outer fold's calibrator was fitted on the inner probabilities of
    exactly that fold's training part (the ids of the rows it saw), and its held-out objects' calibrated
    probabilities are that calibrator's map of their raw scores; the test side's calibrator saw every training
    object. The submission stays the raw score at the threshold."""
    results = tiny_run / "results"
    method = yaml.safe_load((tiny_run / "config.yaml").read_text())["calibration"]["method"]
    folds = read_folds(results / "cv" / "folds.tsv")
    oof = pd.read_csv(results / "cv" / "oof_probabilities.csv")
    metrics = json.loads((results / "metrics.json").read_text())
    labels = folds.set_index("object_id")["target"]
    for k in sorted(folds["fold"].unique()):
        scope = f"fold_{k}"
        inner = pd.read_csv(results / "model" / scope / "inner_probabilities.csv")
        assert sorted(inner["object_id"]) == sorted(training_ids(folds, scope))
        assert not set(inner["object_id"]) & set(held_out_ids(folds, scope))
        assert (inner["target"].to_numpy() == labels.loc[inner["object_id"]].to_numpy()).all()
        assert metrics["calibrators"][scope]["fitted_on_objects"] == len(inner)
        calibrator = C.fit_calibrator(inner["probability"], inner["target"], method)
        held = oof.loc[oof["fold"] == k]
        np.testing.assert_allclose(held["calibrated_probability"], calibrator(held["probability"]), rtol=1e-8)

    inner = pd.read_csv(results / "model" / "final" / "inner_probabilities.csv")
    assert sorted(inner["object_id"]) == sorted(folds["object_id"])
    calibrator = C.fit_calibrator(inner["probability"], inner["target"], method)
    test = pd.read_csv(results / "test_probabilities.csv")
    assert list(test.columns) == ["object_id", "probability", "calibrated_probability"]
    np.testing.assert_allclose(test["calibrated_probability"], calibrator(test["probability"]), rtol=1e-8)
    submission = pd.read_csv(results / "submission.csv")
    threshold = metrics["threshold"]
    assert (submission["prediction"] == (test["probability"] >= threshold).astype(int)).all()
