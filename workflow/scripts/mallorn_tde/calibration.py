"""Calibrated P(TDE), and what a follow-up team can expect from the ranked list.

The model's score is a LightGBM P(TDE) with the TDE rows weighted by a tuned factor: it ranks well but is not
the share of TDEs among objects of that score (boosted trees are over-confident at the extremes, and the weight
shifts the score up). A calibrator is a monotone map from score to that share, fitted on the pooled inner
out-of-fold probabilities of a scope's chosen parameters (results/model/{scope}/inner_probabilities.csv, written
by the tuning): each outer fold's calibrator sees that fold's training part only (:func:`calibrate_out_of_fold`
checks it), and the final scope's is applied to the test side. The calibrated probability never decides the
submission: the threshold stays on the raw score.

Two methods, fitted by scikit-learn: ``isotonic`` (:class:`~sklearn.isotonic.IsotonicRegression`,
non-decreasing, flat over each block of the fit and linear between blocks: objects of neighbouring scores may
share a value) and ``platt`` (:class:`~sklearn.linear_model.LogisticRegression` on the score's logit, two
parameters, strictly increasing). Calibration is measured by the
Brier score and the expected calibration error over equal-count bins (:func:`reliability_bins`), and the
list a follow-up team works down by :func:`yield_curve` and :func:`purity_at_lengths`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .constants import fold_scope

if TYPE_CHECKING:  # scikit-learn is imported where it is used: the report's plot jobs need none of it (~1 s each)
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

METHODS = ("isotonic", "platt")
N_BINS = 10  # equal-count bins of the reliability diagram and of the expected calibration error
# Scores are clipped to this distance from 0 and 1 before Platt's logit (a score of exactly 0 or 1 is finite there).
LOGIT_CLIP = 1e-9


@dataclass(frozen=True)
class Calibrator:
    """A fitted map from the model's score to calibrated P(TDE), and what it was fitted on."""

    method: str
    model: IsotonicRegression | LogisticRegression
    n_objects: int
    n_tde: int

    def __call__(self, score) -> np.ndarray:
        s = np.asarray(score, dtype=float)
        if self.method == "isotonic":
            return self.model.predict(s)
        return self.model.predict_proba(_logit(s)[:, None])[:, 1]


def _logit(score: np.ndarray) -> np.ndarray:
    s = np.clip(score, LOGIT_CLIP, 1 - LOGIT_CLIP)
    return np.log(s) - np.log1p(-s)


def fit_calibrator(score, target, method: str) -> Calibrator:
    """A :class:`Calibrator` of ``method`` (:data:`METHODS`) fitted on scores and their 0/1 TDE labels."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    s = np.asarray(score, dtype=float)
    y = np.asarray(target, dtype=int)
    if method not in METHODS:
        raise ValueError(f"unknown calibration method {method!r}: one of {', '.join(METHODS)}")
    if len(s) != len(y) or not np.isfinite(s).all():
        raise ValueError("a calibrator needs one finite score per label")
    n_tde = int(y.sum())
    if n_tde == 0 or n_tde == len(y):
        raise ValueError(f"a calibrator needs TDEs and other objects: {n_tde} TDE(s) among {len(y)} objects")
    if method == "isotonic":
        model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(s, y)
    else:
        model = LogisticRegression(C=np.inf).fit(_logit(s)[:, None], y)  # no penalty: two parameters, many rows
    return Calibrator(method, model, len(y), n_tde)


def describe(calibrator: Calibrator) -> dict:
    """What a calibrator was fitted on, and its shape: Platt's slope and intercept on the logit, or the number of
    steps of the isotonic map."""
    out = {"method": calibrator.method, "fitted_on_objects": calibrator.n_objects, "fitted_on_tde": calibrator.n_tde}
    if calibrator.method == "platt":
        out |= {"slope": float(calibrator.model.coef_[0, 0]), "intercept": float(calibrator.model.intercept_[0])}
    else:
        out["steps"] = int(len(np.unique(calibrator.model.y_thresholds_)))
    return out


def calibrate_out_of_fold(
    oof: pd.DataFrame, inner: dict[str, pd.DataFrame], method: str
) -> tuple[np.ndarray, dict[str, Calibrator]]:
    """Each outer fold's held-out scores through a calibrator fitted on that fold's inner probabilities.

    ``oof`` has columns object_id, fold, probability (the pooled out-of-fold table); ``inner`` maps each fold's
    scope (fold_k) to its inner out-of-fold table (object_id, target, probability), which covers that fold's
    training part. A held-out object among the rows a calibrator is fitted on is an error: its label would reach
    the calibration of its own prediction. Returns the calibrated probabilities (in ``oof``'s row order) and the
    calibrators by scope.
    """
    calibrated = np.full(len(oof), np.nan)
    calibrators = {}
    for k, rows in oof.groupby("fold", sort=True).indices.items():
        scope = fold_scope(int(k))
        if scope not in inner:
            raise ValueError(f"no inner probabilities of {scope}")
        fit_on = inner[scope]
        leaked = pd.Index(fit_on["object_id"]).intersection(pd.Index(oof["object_id"].iloc[rows]))
        if len(leaked):
            raise ValueError(f"{scope}: {len(leaked)} held-out object(s) among its calibrator's training rows")
        calibrators[scope] = fit_calibrator(fit_on["probability"], fit_on["target"], method)
        calibrated[rows] = calibrators[scope](oof["probability"].iloc[rows])
    return calibrated, calibrators


def brier_score(target, probability) -> float:
    """Mean squared difference between the probabilities and the 0/1 labels."""
    from sklearn.metrics import brier_score_loss

    return float(brier_score_loss(np.asarray(target, dtype=int), np.asarray(probability, dtype=float)))


def reliability_bins(target, probability, n_bins: int = N_BINS, equal_width: bool = False) -> pd.DataFrame:
    """Objects binned by probability: per bin its objects, TDEs, mean probability and TDE fraction, and its lowest
    and highest probability.

    By default ``n_bins`` bins of equal count (objects sorted by probability, sizes differing by at most one;
    objects of equal probability keep their given order, so a run of ties may straddle two bins), as the
    expected calibration error uses them. ``equal_width``: the intervals [0, 1/n), ..., [(n-1)/n, 1] instead,
    empty ones left out, as a reliability diagram shows the rare high probabilities.
    """
    y = np.asarray(target, dtype=int)
    p = np.asarray(probability, dtype=float)
    if equal_width:
        which = np.minimum((p * n_bins).astype(int), n_bins - 1)
        groups = [(b + 1, np.flatnonzero(which == b)) for b in range(n_bins)]
        groups = [(b, idx) for b, idx in groups if len(idx)]
    else:
        order = np.argsort(p, kind="mergesort")
        groups = list(enumerate(np.array_split(order, min(n_bins, len(p))), start=1))
    rows = [
        {
            "bin": b,
            "objects": len(idx),
            "tde": int(y[idx].sum()),
            "mean_probability": float(p[idx].mean()),
            "tde_fraction": float(y[idx].mean()),
            "low": float(p[idx].min()),
            "high": float(p[idx].max()),
        }
        for b, idx in groups
    ]
    return pd.DataFrame(rows, columns=["bin", "objects", "tde", "mean_probability", "tde_fraction", "low", "high"])


def expected_calibration_error(target, probability, n_bins: int = N_BINS) -> float:
    """Mean over objects of |TDE fraction - mean probability| of their bin (:func:`reliability_bins`)."""
    bins = reliability_bins(target, probability, n_bins)
    gap = (bins["tde_fraction"] - bins["mean_probability"]).abs()
    return float((gap * bins["objects"]).sum() / bins["objects"].sum())


def yield_curve(target, score, calibrated) -> pd.DataFrame:
    """Working down the list ranked by ``score`` (highest first; ties in the given order): after each object,
    how many objects were followed up, the TDEs found and the purity (their share), and the TDEs the calibrated
    probabilities expected (their running sum) and the purity they expected."""
    order = np.argsort(-np.asarray(score, dtype=float), kind="mergesort")
    y = np.asarray(target, dtype=int)[order]
    c = np.asarray(calibrated, dtype=float)[order]
    objects = np.arange(1, len(y) + 1)
    found, expected = np.cumsum(y), np.cumsum(c)
    return pd.DataFrame(
        {
            "objects": objects,
            "tde_found": found,
            "purity": found / objects,
            "expected_tde": expected,
            "expected_purity": expected / objects,
        }
    )


def scaled_length(test_objects: int, n_ranked: int, n_test: int) -> int:
    """The number of the ranked out-of-fold objects that is the same share of their list as ``test_objects`` of
    the test side's ``n_test``: round(test_objects x n_ranked / n_test), at least 1."""
    return max(1, round(test_objects * n_ranked / n_test))


def purity_at_lengths(curve: pd.DataFrame, lengths, n_test: int) -> list[dict]:
    """The out-of-fold yield (:func:`yield_curve`) at test-side list lengths: for each length L not longer than
    the test side, the top :func:`scaled_length` of the out-of-fold ranking, its TDEs found, purity and the
    calibrated expectation, and the TDEs that purity predicts among the top L test objects."""
    out = []
    for length in sorted(set(int(v) for v in lengths)):
        if length > n_test:
            continue
        row = curve.iloc[scaled_length(length, len(curve), n_test) - 1]
        out.append(
            {
                "test_objects": length,
                "oof_objects": int(row["objects"]),
                "tde_found": int(row["tde_found"]),
                "purity": float(row["purity"]),
                "expected_tde": float(row["expected_tde"]),
                "expected_purity": float(row["expected_purity"]),
                "test_tde_estimate": float(row["purity"] * length),
            }
        )
    return out


def calibration_summary(target, raw, calibrated) -> dict:
    """Brier score, expected calibration error and average precision of calibrated scores, beside the raw ones'."""
    from sklearn.metrics import average_precision_score

    y = np.asarray(target, dtype=int)
    return {
        "brier_raw": brier_score(y, raw),
        "brier_calibrated": brier_score(y, calibrated),
        "ece_raw": expected_calibration_error(y, raw),
        "ece_calibrated": expected_calibration_error(y, calibrated),
        "average_precision_raw": float(average_precision_score(y, raw)),
        "average_precision_calibrated": float(average_precision_score(y, calibrated)),
    }


def with_calibration(
    metrics: dict, oof: pd.DataFrame, inner: dict[str, pd.DataFrame], method: str, n_test: int, lengths
) -> tuple[np.ndarray, dict]:
    """The calibrated out-of-fold probabilities, and metrics.json with what it says of them and of the ranked list.

    ``metrics``: metrics.json of :func:`mallorn_tde.evaluation.cv_metrics` (its test threshold on the raw score
    and each fold's own are used), ``oof``: the pooled out-of-fold table (object_id, fold, target, probability),
    ``inner``: each fold's inner probabilities (see :func:`calibrate_out_of_fold`), ``method``: the configured one
    (every method of :data:`METHODS` is measured too, on the same objects), ``n_test``: the test side's objects,
    ``lengths``: its list lengths at which the out-of-fold purity is given. Returns (calibrated probabilities in
    ``oof``'s row order, ``metrics`` with the new entries and their ``how``).
    """
    threshold, fold_thresholds = metrics["threshold"], metrics["fold_thresholds"]
    y = oof["target"].to_numpy(dtype=int)
    raw = oof["probability"].to_numpy(dtype=float)
    by_method = {m: calibrate_out_of_fold(oof, inner, m) for m in METHODS}
    calibrated, calibrators = by_method[method]
    summary = calibration_summary(y, raw, calibrated)
    flagged = raw >= threshold
    curve = yield_curve(y, raw, calibrated)
    folds = {
        scope: describe(c) | {"threshold_calibrated": float(c([fold_thresholds[scope]])[0])}
        for scope, c in calibrators.items()
        if scope in fold_thresholds
    }
    entries = {
        "calibration_method": method,
        "brier_raw": summary["brier_raw"],
        "brier_calibrated": summary["brier_calibrated"],
        "ece_raw": summary["ece_raw"],
        "ece_calibrated": summary["ece_calibrated"],
        "average_precision_calibrated": summary["average_precision_calibrated"],
        "calibration_methods": {m: calibration_summary(y, raw, c) for m, (c, _) in by_method.items()},
        "calibrators": folds,
        "purity_at_threshold": float(y[flagged].mean()) if flagged.any() else float("nan"),
        "expected_tde_at_threshold": float(calibrated[flagged].sum()),
        "n_test_objects": int(n_test),
        "purity_at_list_length": purity_at_lengths(curve, lengths, n_test),
    }
    how = {
        "calibration_method": "The calibrated P(TDE) of every object: its raw out-of-fold score through the "
        "calibrator of its outer fold, a monotone map (calibration.method) fitted on that fold's training part "
        "only, on the pooled inner out-of-fold probabilities of the fold's chosen tuning parameters; the test "
        "side's through the final scope's, fitted on the same for every training object. The threshold, the "
        "submission and the ranking stay on the raw score.",
        "brier_raw": "Brier score (mean squared difference from the 0/1 label) of the raw pooled out-of-fold scores.",
        "brier_calibrated": "Brier score of the calibrated pooled out-of-fold probabilities.",
        "ece_raw": f"Expected calibration error of the raw scores: objects sorted by score and cut into {N_BINS} "
        f"bins of equal count, the mean over objects of |TDE fraction - mean score| of their bin.",
        "ece_calibrated": "Expected calibration error of the calibrated probabilities, the same way (bins of the "
        "calibrated probabilities; objects of equal probability in object_id order, so a run of ties may "
        "straddle two bins).",
        "average_precision_calibrated": "Average precision of the calibrated pooled out-of-fold probabilities: "
        "each fold's calibrator keeps the order within the fold (an isotonic one may tie neighbours), and "
        "different folds' maps may reorder objects of different folds.",
        "calibration_methods": "Brier score, expected calibration error and average precision of the same "
        "out-of-fold objects under every calibration method, each fitted on each fold's training part, beside "
        "the raw scores' (the configured method's are the headline ones).",
        "calibrators": "Each outer fold's calibrator: the training-part objects (and TDEs) it was fitted on, its "
        "shape, and the fold's own threshold mapped through it.",
        "purity_at_threshold": "Purity (precision) of the pooled out-of-fold objects whose raw score is at or "
        "above the test side's threshold: the share of TDEs among the objects the submission's rule flags.",
        "expected_tde_at_threshold": "Sum of the calibrated probabilities of those same flagged objects: the TDEs "
        "the calibration expected among them (compare with purity_at_threshold x their number).",
        "n_test_objects": "Objects of the test side (rows of its log), to which the list lengths are scaled.",
        "purity_at_list_length": "For each list length L of the test side (calibration.list_lengths; lengths "
        "longer than the test side left out): the top k = max(1, round(L x n_objects / n_test_objects)) of the "
        "pooled out-of-fold ranking by raw score (oof_objects; the same share of its list as L of the test "
        "side's), the TDEs among them (tde_found), purity = tde_found / k, the sum of their calibrated "
        "probabilities (expected_tde, and expected_purity = expected_tde / k), and test_tde_estimate = purity x "
        "L: the TDEs among the top L test objects if the test side's classes and scores are like the training "
        "side's.",
    }
    return calibrated, {**metrics, **entries, "how": {**metrics["how"], **how}}
