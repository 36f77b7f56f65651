"""Feature selection, Optuna tuning of LightGBM, fitting and prediction.

Everything here learns from the rows it is given and from nothing else, so a caller that passes only a
fold's training part gets an honest held-out estimate.
"""

from __future__ import annotations

import hashlib
import json
import logging

import lightgbm as lgb
import numpy as np
import optuna
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from .evaluation import best_threshold

log = logging.getLogger(__name__)

# Columns of the merged table that are not model inputs. Z_err is empty for every training object
# (spectroscopic redshifts), so a model could learn nothing from it but a train/test difference.
NON_FEATURE_COLUMNS = ("target", "split", "Z_err")


def feature_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The model inputs of a merged feature table: every numeric column but labels and bookkeeping.

    Infinities become NaN. Done on the numpy array: pandas' ``replace`` takes ~30 s on 5,000 columns.
    """
    X = table.drop(columns=[c for c in NON_FEATURE_COLUMNS if c in table.columns])
    values = X.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    values[np.isinf(values)] = np.nan
    return pd.DataFrame(values, index=X.index, columns=X.columns)


def relevance_table(X: pd.DataFrame, y: pd.Series, fdr_level: float) -> pd.DataFrame:
    """tsfresh's relevance test for a binary target, with the per-feature tests run as array operations.

    Same tests and decision as ``tsfresh.feature_selection.relevance.calculate_relevance_table`` (checked
    in tests/test_model.py): a column with one value is "constant" (no p-value), two values "binary"
    (two-sided Fisher exact test), more "real" (two-sided Mann-Whitney U with continuity correction);
    a feature is relevant when the Benjamini-Yekutieli procedure at ``fdr_level`` rejects its
    hypothesis. tsfresh calls scipy once per feature through pandas (~15 ms each, 75 s for 5,000
    features); scipy's test vectorised over the columns gives the same p-values in well under a second.
    ``X`` must have no NaN. Returns columns feature, type, p_value, relevant, sorted by p-value.
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    values = X.to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError("relevance_table needs a matrix without NaN")
    positive = y.astype(bool).to_numpy()
    ordered = np.sort(values, axis=0)
    n_unique = 1 + (np.diff(ordered, axis=0) != 0).sum(axis=0) if len(values) else np.zeros(values.shape[1], int)
    kind = np.where(n_unique == 1, "constant", np.where(n_unique == 2, "binary", "real"))
    p_value = np.full(values.shape[1], np.nan)

    real = np.flatnonzero(kind == "real")
    a, b = values[positive][:, real], values[~positive][:, real]
    if min(a.shape[0], b.shape[0]) > 8:
        # Both samples large: scipy uses the normal approximation for every column, as it would per column.
        p_value[real] = stats.mannwhitneyu(a, b, use_continuity=True, alternative="two-sided", axis=0).pvalue
    else:
        # Small samples: scipy picks the exact test per column unless it has ties, so decide per column.
        for j, col in enumerate(real):
            p_value[col] = stats.mannwhitneyu(a[:, j], b[:, j], use_continuity=True, alternative="two-sided").pvalue

    for col in np.flatnonzero(kind == "binary"):
        x0, x1 = np.unique(values[:, col])
        table = [
            [np.sum(positive & (values[:, col] == x1)), np.sum(positive & (values[:, col] == x0))],
            [np.sum(~positive & (values[:, col] == x1)), np.sum(~positive & (values[:, col] == x0))],
        ]
        p_value[col] = stats.fisher_exact(table, alternative="two-sided").pvalue

    tested = kind != "constant"
    relevant = np.zeros(values.shape[1], dtype=bool)
    if tested.any():
        relevant[tested] = multipletests(p_value[tested], fdr_level, "fdr_by")[0]
    table = pd.DataFrame({"feature": X.columns, "type": kind, "p_value": p_value, "relevant": relevant})
    return table.sort_values(["p_value", "feature"], kind="mergesort", na_position="last").reset_index(drop=True)


def select_features(X: pd.DataFrame, y: pd.Series, fdr_level: float, min_features: int):
    """Features whose relation to the label passes tsfresh's FDR-controlled relevance test.

    NaNs are filled with the column medians of ``X`` (the rows given, i.e. the training part) for the
    test only; the model itself sees the NaNs, which LightGBM handles natively. Columns that are empty or
    constant are dropped first. When fewer than ``min_features`` pass (tiny data sets), the
    ``min_features`` with the smallest p-values are kept, so a model can still be fitted.
    Returns (selected column names in their original order, relevance table).
    """
    usable = X.columns[X.notna().any() & (X.nunique(dropna=True) > 1)]
    X_imp = X[usable].fillna(X[usable].median())
    table = relevance_table(X_imp, y, fdr_level)
    table = table.loc[table["p_value"].notna()].reset_index(drop=True)
    relevant = set(table.loc[table["relevant"], "feature"])
    if len(relevant) < min_features:
        relevant = set(table["feature"].iloc[:min_features])
        log.warning(
            "only %d feature(s) pass FDR %.3g; kept the %d with the smallest p-values",
            int(table["relevant"].sum()),
            fdr_level,
            len(relevant),
        )
    selected = [c for c in X.columns if c in relevant]
    return selected, table


def lgb_params(trial_params: dict, seed: int, threads: int) -> dict:
    """LightGBM parameters: the tuned ones plus what makes a fit deterministic and quiet."""
    params = {k: v for k, v in trial_params.items() if k != "num_boost_round"}
    params.update(
        objective="binary",
        verbosity=-1,
        seed=seed,
        deterministic=True,
        force_row_wise=True,
        num_threads=threads,
        feature_pre_filter=False,
    )
    return params


def suggest_params(trial: optuna.Trial, pos_weight_max: float) -> dict:
    """The search space: tree shape, learning rate, sampling, regularisation and class weighting."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
        "num_boost_round": trial.suggest_int("num_boost_round", 50, 600, step=50),
        "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 10),
        "min_child_samples": trial.suggest_int("min_child_samples", 3, 50, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.2, 1.0),
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.5, 1.0),
        "bagging_freq": trial.suggest_int("bagging_freq", 1, 7),
        "lambda_l1": trial.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-8, 10.0, log=True),
        "scale_pos_weight": trial.suggest_float("scale_pos_weight", 1.0, max(pos_weight_max, 1.0 + 1e-9), log=True),
    }


def fit(X: pd.DataFrame, y: pd.Series, params: dict, seed: int, threads: int) -> lgb.Booster:
    """One LightGBM model on the given rows."""
    data = lgb.Dataset(X, label=y.astype(int).to_numpy(), free_raw_data=True)
    return lgb.train(lgb_params(params, seed, threads), data, num_boost_round=int(params["num_boost_round"]))


def predict(booster: lgb.Booster, X: pd.DataFrame) -> np.ndarray:
    """TDE probabilities, with the columns ordered as the model was trained."""
    return booster.predict(X[booster.feature_name()])


def inner_cv_probabilities(X, y, params, n_folds: int, seed: int, threads: int) -> np.ndarray:
    """Pooled out-of-fold probabilities of an inner stratified K-fold on the given rows."""
    proba = np.zeros(len(y))
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in skf.split(np.zeros(len(y)), y.to_numpy()):
        booster = fit(X.iloc[train_idx], y.iloc[train_idx], params, seed, threads)
        proba[test_idx] = predict(booster, X.iloc[test_idx])
    return proba


def study_name(X: pd.DataFrame, y: pd.Series, settings: dict) -> str:
    """A name that changes whenever the rows, columns, labels or tuning settings change.

    The study is resumed only when it was started on exactly this problem; anything else starts afresh.
    """
    h = hashlib.sha256()
    h.update(json.dumps(settings, sort_keys=True).encode())
    h.update("\n".join(map(str, X.columns)).encode())
    h.update("\n".join(map(str, X.index)).encode())
    h.update(y.astype(int).to_numpy().tobytes())
    return "tde-" + h.hexdigest()[:16]


def tune(X: pd.DataFrame, y: pd.Series, settings: dict, storage_path, threads: int) -> dict:
    """Optuna study over LightGBM; the objective is the inner-CV F1 at its best threshold.

    ``settings``: n_trials, inner_folds, seed. The study lives in an SQLite file, so a killed job resumes
    where it stopped. Each trial gets a sampler seeded with (seed, number of completed trials), so an
    interrupted and resumed study proposes exactly what an uninterrupted one would.
    Returns the best parameters, the best trial's inner threshold and F1, and the trial count.
    """
    seed, n_trials, inner_folds = int(settings["seed"]), int(settings["n_trials"]), int(settings["inner_folds"])
    n_pos = int(y.sum())
    if n_pos < inner_folds:
        raise ValueError(f"{n_pos} TDE(s) in the training part: too few for {inner_folds} inner folds")
    pos_weight_max = float((len(y) - n_pos) / n_pos)

    def objective(trial: optuna.Trial) -> float:
        params = suggest_params(trial, pos_weight_max)
        proba = inner_cv_probabilities(X, y, params, inner_folds, seed, threads)
        threshold, f1 = best_threshold(y, proba)
        trial.set_user_attr("threshold", threshold)
        return f1

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(f"sqlite:///{storage_path}")
    name = study_name(X, y, settings)
    study = optuna.create_study(study_name=name, storage=storage, direction="maximize", load_if_exists=True)
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        # Left running by a killed job: its result never arrived.
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
    done = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    if done:
        log.info("resuming study %s with %d completed trial(s)", name, done)
    while done < n_trials:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done, n_startup_trials=min(10, n_trials))
        study.optimize(objective, n_trials=1)
        done = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
        log.info("trial %d/%d: inner F1 %.4f (best %.4f)", done, n_trials, study.trials[-1].value, study.best_value)
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    # Ties go to the earliest trial, so the choice does not depend on how trials were numbered.
    best = max(complete[:n_trials], key=lambda t: (t.value, -complete.index(t)))
    params = dict(best.params)
    return {
        "params": params,
        "threshold": float(best.user_attrs["threshold"]),
        "inner_f1": float(best.value),
        "n_trials": n_trials,
        "study": name,
        "objective": f"F1 at the best threshold of pooled {inner_folds}-fold inner cross-validated probabilities",
    }
