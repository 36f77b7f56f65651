"""Optuna tuning of LightGBM, fitting and prediction.

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
