"""Cross-validation folds, threshold search and the metrics that are reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import FINAL_SCOPE, fold_number, fold_scope
from .io import read_folds, read_table


def assign_folds(target: pd.Series, n_folds: int, seed: int) -> pd.DataFrame:
    """Outer fold (1..K) of each training object, stratified by class so every fold holds TDEs.

    Objects are ordered by id first, so the assignment depends on the set of objects and the seed,
    not on the order of the rows in the log.
    """
    target = target.sort_index()
    n_pos = int(target.sum())
    if n_pos < n_folds:
        raise ValueError(
            f"cannot make {n_folds} stratified folds with {n_pos} TDE(s) in the training set; "
            f"lower cv.n_folds in config.yaml"
        )
    from sklearn.model_selection import StratifiedKFold  # scikit-learn where it is used (see mallorn_tde.model)

    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    fold = np.zeros(len(target), dtype=int)
    for k, (_, test_idx) in enumerate(skf.split(np.zeros(len(target)), target.to_numpy()), start=1):
        fold[test_idx] = k
    return pd.DataFrame({"object_id": target.index, "target": target.to_numpy(), "fold": fold})


def training_ids(folds: pd.DataFrame, scope: str) -> pd.Index:
    """Objects a scope may learn from: all but its own outer fold, or all of them for the final fit."""
    if scope == FINAL_SCOPE:
        return pd.Index(folds["object_id"])
    return pd.Index(folds.loc[folds["fold"] != fold_number(scope), "object_id"])


def read_training_part(features_path, folds_paths, scope: str) -> pd.DataFrame:
    """The merged training table, cut to what ``scope`` may learn from.

    ``folds_paths`` is the rule's optional fold input: empty for the final fit (every object), else the fold table.
    """
    table = read_table(features_path)
    if folds_paths:
        table = table.loc[training_ids(read_folds(folds_paths[0]), scope)]
    return table


def held_out_ids(folds: pd.DataFrame, scope: str) -> pd.Index:
    """Objects of one outer fold: never seen by that fold's selection, tuning, threshold or fit."""
    return pd.Index(folds.loc[folds["fold"] == fold_number(scope), "object_id"])


def best_threshold(y_true, proba) -> tuple[float, float]:
    """Probability threshold that maximises F1, and that F1.

    Candidates are the distinct predicted probabilities; the threshold returned is the midpoint between
    the chosen probability and the next lower one, so a new object on the border is treated the same
    way however the scores were rounded. Ties go to the higher threshold (fewer positives).
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(proba, dtype=float)
    if y.sum() == 0:
        return 0.5, 0.0
    order = np.argsort(-p, kind="mergesort")
    p_sorted, y_sorted = p[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(p) + 1)
    # Only the last position of each run of equal scores is a valid cut.
    last_of_run = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    f1 = np.where(last_of_run, 2 * tp / (predicted + y.sum()), -1.0)
    i = int(np.argmax(f1))
    lower = p_sorted[i + 1] if i + 1 < len(p_sorted) else 0.0
    return float((p_sorted[i] + lower) / 2), float(f1[i])


def average_precision(y_true, score) -> float:
    """Average precision of ``score`` for the positive class, as scikit-learn's ``average_precision_score``
    (equal scores form one step), in a few microseconds: it is computed on every boosting round of every
    inner fold (:func:`mallorn_tde.model.inner_cv`), where scikit-learn's input checks cost more than the trees."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(score, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="mergesort")
    s, tp = s[order], np.cumsum(y[order])
    last = np.r_[s[1:] != s[:-1], True]  # the last row of each run of equal scores: one threshold each
    tp = tp[last]
    precision = tp / (np.flatnonzero(last) + 1)
    return float(np.sum(np.diff(np.r_[0, tp]) / n_pos * precision))


def classification_summary(y_true, y_pred, proba) -> dict:
    """Precision, recall, F1 of hard predictions and average precision of the probabilities."""
    from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score

    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    return {
        "f1": float(f1_score(y_true, y_pred, zero_division=0)),
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
        "average_precision": float(average_precision_score(y_true, proba)) if y_true.any() else float("nan"),
        "n_objects": int(len(y_true)),
        "n_tde": int(y_true.sum()),
        "n_predicted_tde": int(y_pred.sum()),
    }


def bootstrap_f1_interval(
    y_true, y_pred, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of F1: objects resampled with replacement, predictions kept as they are.

    F1 depends on a resample only through its counts of true positives, false positives, false negatives and
    true negatives, and resampling n objects with replacement draws those counts from the multinomial of n
    trials over the four cells' shares; drawing the counts directly is the same bootstrap in O(n_boot) memory
    instead of an n_boot x n index matrix (1.3 GB for 25,000 objects).
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(y_pred, dtype=int)
    cells = np.array([np.sum(y & p), np.sum((1 - y) & p), np.sum(y & (1 - p)), np.sum((1 - y) & (1 - p))])
    rng = np.random.default_rng(seed)
    tp, fp, fn, _ = rng.multinomial(len(y), cells / len(y), size=n_boot).T
    denom = 2 * tp + fp + fn  # (true TDEs) + (predicted TDEs)
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    alpha = (1 - level) / 2
    return float(np.quantile(f1, alpha)), float(np.quantile(f1, 1 - alpha))


def cv_metrics(oof: pd.DataFrame, selection: dict[str, dict], thresholds: dict[str, float]) -> dict:
    """The content of metrics.json from the pooled out-of-fold predictions.

    ``oof`` has columns object_id, fold, target, probability, prediction (prediction made at the fold's
    own inner threshold). ``selection`` (each scope's :func:`mallorn_tde.selection.selection_counts`) and
    ``thresholds`` are keyed by scope (fold_k and final).
    """
    pooled = classification_summary(oof["target"], oof["prediction"], oof["probability"])
    per_fold = {}
    for k, part in oof.groupby("fold", sort=True):
        per_fold[fold_scope(k)] = classification_summary(part["target"], part["prediction"], part["probability"])
    fold_f1 = np.array([m["f1"] for m in per_fold.values()])
    final_threshold, pooled_best_f1 = best_threshold(oof["target"], oof["probability"])
    low, high = bootstrap_f1_interval(oof["target"], oof["prediction"])
    return {
        "f1": pooled["f1"],
        "f1_bootstrap_95": [low, high],
        "precision": pooled["precision"],
        "recall": pooled["recall"],
        "average_precision": pooled["average_precision"],
        "f1_fold_mean": float(fold_f1.mean()),
        "f1_fold_std": float(fold_f1.std(ddof=1)) if len(fold_f1) > 1 else 0.0,
        "f1_fold_min": float(fold_f1.min()),
        "f1_fold_max": float(fold_f1.max()),
        "per_fold": per_fold,
        "fold_thresholds": {k: v for k, v in thresholds.items() if k != FINAL_SCOPE},
        "threshold": final_threshold,
        "f1_at_pooled_threshold": pooled_best_f1,
        "n_features": {scope: counts["kept"] + counts["kept_untested"] for scope, counts in selection.items()},
        "selection": selection,
        "n_objects": pooled["n_objects"],
        "n_tde": pooled["n_tde"],
        "n_predicted_tde": pooled["n_predicted_tde"],
        "how": {
            "f1": "F1 of the TDE class on the pooled out-of-fold predictions: every training object is predicted "
            "once, by the model of the outer fold that held it out, at that fold's own threshold; feature "
            "selection, tuning, imputation and the threshold of each fold were fitted on its training part only.",
            "precision": "Precision of the same pooled out-of-fold predictions.",
            "recall": "Recall of the same pooled out-of-fold predictions.",
            "average_precision": "Average precision (area under the precision-recall curve) of the pooled "
            "out-of-fold probabilities; threshold-free.",
            "f1_bootstrap_95": "95% percentile bootstrap interval of the pooled F1: 2,000 resamplings of the training "
            "objects with replacement (seed 0), each object keeping its out-of-fold prediction.",
            "f1_fold_mean": "Mean of the per-fold F1 values (each fold's held-out objects at its own threshold).",
            "f1_fold_std": "Sample standard deviation (ddof=1) of the per-fold F1 values: the spread across folds.",
            "f1_fold_min": "Lowest per-fold F1.",
            "f1_fold_max": "Highest per-fold F1.",
            "per_fold": "F1, precision, recall and average precision on each outer fold's held-out objects.",
            "fold_thresholds": "Each fold's threshold: the F1-maximising cut on the inner cross-validated "
            "probabilities of that fold's best tuning parameters, pooled over tuning.threshold_repeats "
            "differently seeded inner cross-validations (training part only).",
            "threshold": "The threshold applied to the final model's test probabilities: the F1-maximising cut "
            "on the pooled out-of-fold probabilities.",
            "f1_at_pooled_threshold": "F1 of the pooled out-of-fold probabilities at that same pooled threshold. "
            "Optimistic, because the threshold was chosen on these very predictions; shown for comparison only.",
            "n_features": "Number of features kept by selection in each scope (fold_k and the final fit).",
            "selection": "Per scope (fold_k on its training part, final on every training object): columns offered; "
            "how many faced tsfresh's relevance test (selection.tested), how many of those were kept and dropped "
            "(Benjamini-Yekutieli at selection.fdr_level; empty and constant columns dropped), and how many were "
            "kept without the test.",
            "n_objects": "Training objects with an out-of-fold prediction.",
            "n_tde": "TDEs among them.",
            "n_predicted_tde": "Objects predicted as TDE out of fold.",
        },
    }
