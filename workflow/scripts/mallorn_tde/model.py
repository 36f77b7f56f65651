"""Optuna tuning of LightGBM, fitting and prediction.

Three objectives: ``binary`` (TDE or not, the TDE class weighted by ``scale_pos_weight``), ``multiclass``
(the coarse classes of :data:`CLASSES` from ``SpecType``, TDE rows weighted; the score is P(TDE)) and
``lookalikes`` (the same, with the TDE look-alikes SN IIn and SLSN as classes of their own,
:data:`LOOKALIKE_CLASSES`). All are tuned, thresholded and evaluated on P(TDE) alone. Labels are the integer
class of each row (:func:`class_labels`); the TDE class is 1 in every case, so ``labels == 1`` is the TDE
target.

Everything here learns from the rows it is given and from nothing else, so a caller that passes only a
fold's training part gets an honest held-out estimate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os

import lightgbm as lgb
import numpy as np
import optuna
import pandas as pd
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from .evaluation import best_threshold

log = logging.getLogger(__name__)

OBJECTIVES = ("binary", "multiclass", "lookalikes")
# Coarse classes of the multiclass objective. TDE is class 1 as in the binary target; every SpecType
# that is not TDE, AGN or a type Ia supernova (SN II, SN Ibc, SLSN, ...) is "other".
CLASSES = ("other", "TDE", "AGN", "SN Ia")
TDE_CLASS = CLASSES.index("TDE")
# The lookalikes objective: the supernovae most often mistaken for TDEs (slow, luminous, blue: SN IIn and
# superluminous SLSN-I/II) split out of "other". The last class (AGN) is the most common, so every training
# part has it, and the number of classes is the largest label + 1.
LOOKALIKE_CLASSES = ("other", "TDE", "SN IIn", "SLSN", "SN Ia", "AGN")
MAX_BIN = 31  # histogram bins per feature (see lgb_params)
# Optuna's median pruning (see tune): no trial is stopped before this many have finished.
PRUNE_AFTER_TRIALS = 5
# Seconds after which a study journal's lock, left by a killed job, is broken (Optuna's default; see journal_storage).
LOCK_GRACE_S = 30


def class_labels(table: pd.DataFrame, objective: str) -> pd.Series:
    """Integer labels of a training table for ``objective``: the target, or the coarse class of ``SpecType``."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if objective == "binary":
        return table["target"].astype(int)
    spec = table["SpecType"].astype(str)
    classes = CLASSES if objective == "multiclass" else LOOKALIKE_CLASSES
    labels = np.zeros(len(spec), dtype=int)
    for name, matches in (
        ("TDE", spec == "TDE"),
        ("AGN", spec == "AGN"),
        ("SN Ia", spec.str.startswith("SN Ia")),
        ("SN IIn", spec == "SN IIn"),
        ("SLSN", spec.str.startswith("SLSN")),
    ):
        if name in classes:
            labels[matches.to_numpy()] = classes.index(name)
    if not np.array_equal(labels == TDE_CLASS, table["target"].to_numpy(int) == 1):
        raise ValueError("SpecType and target disagree: target must be 1 exactly where SpecType is TDE")
    return pd.Series(labels, index=table.index, name="label")


def _is_multiclass(labels) -> bool:
    return bool(np.max(labels) > 1)


def lgb_params(trial_params: dict, seed: int, threads: int, n_classes: int = 2) -> dict:
    """LightGBM parameters: the tuned ones plus what makes a fit deterministic, quiet and fast.

    ``max_bin`` 31 instead of LightGBM's 255: the histogram work per split search is what a fit on ~2,000 rows
    and ~180 features costs, and it scales with the bins (one 400-round fit on the real data: 6.0 CPU s with
    63 bins, 4.2 s with 31); 31 bins still give ~60 rows per bin. The default's F1 with it: BENCHMARKS.md.

    ``tde_weight`` becomes ``scale_pos_weight`` for two classes; for more, it weights the TDE rows (see :func:`fit`).
    """
    params = {k: v for k, v in trial_params.items() if k not in ("num_boost_round", "tde_weight")}
    if n_classes > 2:
        params.update(objective="multiclass", num_class=n_classes)
    else:
        params.update(objective="binary", scale_pos_weight=trial_params.get("tde_weight", 1.0))
    params.update(
        verbosity=-1,
        seed=seed,
        deterministic=True,
        force_row_wise=True,
        num_threads=threads,
        feature_pre_filter=False,
        max_bin=MAX_BIN,
    )
    return params


def suggest_params(trial: optuna.Trial, pos_weight_max: float) -> dict:
    """The search space: tree shape, learning rate, sampling, regularisation and class weighting.

    Slow, long boosting with small trees (learning rate 0.02-0.06, 300-800 rounds, 7-31 leaves). On a wider space
    (0.02-0.2, 50-400 rounds, 4-64 leaves) the 12-trial studies mostly chose fast deep boosting by a noisy inner
    score; over five outer-CV seeds on the real data this space with the inner AP as objective and 5 inner folds
    raised the nested F1 by 0.021 and AP by 0.027 (BENCHMARKS.md).
    """
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.06, log=True),
        "num_boost_round": trial.suggest_int("num_boost_round", 300, 800, step=100),
        "num_leaves": trial.suggest_int("num_leaves", 7, 31, log=True),
        "max_depth": trial.suggest_int("max_depth", 3, 10),
        "min_child_samples": trial.suggest_int("min_child_samples", 5, 40, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.2, 0.7),
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.6, 1.0),
        "bagging_freq": trial.suggest_int("bagging_freq", 1, 7),
        "lambda_l1": trial.suggest_float("lambda_l1", 1e-8, 1.0, log=True),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-8, 1.0, log=True),
        "tde_weight": trial.suggest_float("tde_weight", 1.0, max(pos_weight_max, 1.0 + 1e-9), log=True),
    }


def fit(X: pd.DataFrame, labels: pd.Series, params: dict, seed: int, threads: int) -> lgb.Booster:
    """One LightGBM model on the given rows: binary for 0/1 labels, multiclass over the labels' classes
    (:data:`CLASSES` or :data:`LOOKALIKE_CLASSES`, whose last class every training part has) otherwise."""
    y = labels.astype(int).to_numpy()
    n_classes = int(y.max()) + 1 if _is_multiclass(y) else 2
    weight = np.where(y == TDE_CLASS, float(params.get("tde_weight", 1.0)), 1.0) if n_classes > 2 else None
    data = lgb.Dataset(X, label=y, weight=weight, free_raw_data=True)
    return lgb.train(lgb_params(params, seed, threads, n_classes), data, num_boost_round=int(params["num_boost_round"]))


def boosters_of(model: lgb.Booster | list[lgb.Booster]) -> list[lgb.Booster]:
    """The boosters of a model: one booster, or a seed-bagged list of them (:func:`fit_models`)."""
    return model if isinstance(model, list) else [model]


def predict(model: lgb.Booster | list[lgb.Booster], X: pd.DataFrame) -> np.ndarray:
    """TDE probabilities (P of the TDE class for a multiclass model), columns ordered as in training.

    ``model`` is one booster or a seed-bagged list of them (:func:`fit_models`), whose probabilities are averaged.
    """
    boosters = boosters_of(model)
    total = np.zeros(len(X))
    for booster in boosters:
        proba = booster.predict(X[booster.feature_name()])
        total += proba[:, TDE_CLASS] if proba.ndim == 2 else proba
    return total / len(boosters)


def fit_models(X: pd.DataFrame, labels: pd.Series, params: dict, seed: int, n_models: int, threads: int):
    """``n_models`` LightGBM models of the same parameters, seeded ``seed``, ``seed + 1``, ...: each draws its
    own row and feature samples (bagging_fraction, feature_fraction), and :func:`predict` averages them."""
    return [fit(X, labels, params, seed + k, threads) for k in range(n_models)]


# Written between the boosters of a seed-bagged model in one file (LightGBM's model text never contains it).
_MODEL_SEPARATOR = "\n# mallorn-tde: next model\n"


def save_models(models: list[lgb.Booster], path) -> None:
    with open(path, "w") as handle:
        handle.write(_MODEL_SEPARATOR.join(booster.model_to_string() for booster in models))


def load_models(path) -> list[lgb.Booster]:
    with open(path) as handle:
        return [lgb.Booster(model_str=text) for text in handle.read().split(_MODEL_SEPARATOR)]


def feature_importance(model: lgb.Booster | list[lgb.Booster]) -> pd.DataFrame:
    """Each feature's total gain and split count in the model (summed over a seed-bagged model's boosters), with
    its set, largest gain first."""
    boosters = boosters_of(model)
    names = boosters[0].feature_name()
    table = pd.DataFrame(
        {
            "feature": names,
            "set": [n.split("__", 1)[0] if "__" in n else "catalog" for n in names],
            "gain": np.sum([b.feature_importance("gain") for b in boosters], axis=0),
            "splits": np.sum([b.feature_importance("split") for b in boosters], axis=0),
        }
    )
    table["gain_fraction"] = table["gain"] / max(table["gain"].sum(), 1e-300)
    return table.sort_values(["gain", "feature"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def inner_cv_steps(X, labels, params, n_folds: int, seed: int, threads: int):
    """The inner K-fold (stratified by label) one fold at a time: yields, after each fold, the boolean mask of
    the rows predicted so far and the probabilities (valid under the mask; the last yield covers every row)."""
    proba = np.zeros(len(labels))
    done = np.zeros(len(labels), dtype=bool)
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in skf.split(np.zeros(len(labels)), labels.to_numpy()):
        booster = fit(X.iloc[train_idx], labels.iloc[train_idx], params, seed, threads)
        proba[test_idx] = predict(booster, X.iloc[test_idx])
        done[test_idx] = True
        yield done, proba


def inner_cv_probabilities(X, labels, params, n_folds: int, seed: int, threads: int) -> np.ndarray:
    """Pooled out-of-fold TDE probabilities of an inner K-fold on the given rows, stratified by label."""
    *_, (_, proba) = inner_cv_steps(X, labels, params, n_folds, seed, threads)
    return proba


def repeated_threshold(X, labels, params, n_folds: int, seed: int, repeats: int, threads: int) -> tuple[float, float]:
    """F1-maximising threshold of the inner probabilities pooled over ``repeats`` differently seeded K-folds.

    One repeat is the inner cross-validation of tuning itself; more average the cut over several ways of
    cutting the training part, so one lucky split matters less. Returns (threshold, pooled F1).
    """
    y = (labels.to_numpy() == TDE_CLASS).astype(int)
    proba = [inner_cv_probabilities(X, labels, params, n_folds, seed + r, threads) for r in range(repeats)]
    return best_threshold(np.tile(y, repeats), np.concatenate(proba))


def study_name(X: pd.DataFrame, labels: pd.Series, settings: dict) -> str:
    """A name that changes whenever the rows, columns, values, labels or tuning settings change.

    The study is resumed only when it was started on exactly this problem (a killed tuning job); anything
    else, new data for one split included, starts afresh, so no trial scored on other data is reused.
    ``threshold_repeats`` is left out: it decides what happens after the trials, not the trials. The pruning
    rule and the objective are in: a journal of unpruned trials, or of trials scored by the inner F1, is not
    resumed.
    """
    h = hashlib.sha256()
    trials = {k: v for k, v in settings.items() if k != "threshold_repeats"}
    rule = {"pruner": f"median after {PRUNE_AFTER_TRIALS}", "objective": "inner AP"}
    h.update(json.dumps({**trials, **rule}, sort_keys=True).encode())
    h.update("\n".join(map(str, X.columns)).encode())
    h.update(pd.util.hash_pandas_object(X, index=True).to_numpy().tobytes())
    h.update(labels.astype(int).to_numpy().tobytes())
    return "tde-" + h.hexdigest()[:16]


def journal_storage(path) -> optuna.storages.JournalStorage:
    """An Optuna storage in an append-only journal file, safe on a shared filesystem (NFS, Lustre).

    SQLite relies on the filesystem's POSIX locks, which network filesystems implement badly or not at all;
    the journal is appended to under a lock file created with an atomic symlink (Optuna's default), and a
    lock left by a killed process is broken after :data:`LOCK_GRACE_S` seconds. Every finished trial is on disk
    (fsync) before the next one starts, so a killed job loses only the trial it was running.

    The path is made absolute: the lock is a symlink to the journal, and Optuna judges its age by the target's
    time. A relative target resolves from the lock's own folder, so the link dangles, and a stale lock (a job
    killed while appending) was then never broken: the retried job spun on it forever.
    """
    path = os.path.abspath(path)
    lock = optuna.storages.journal.JournalFileSymlinkLock(path, grace_period=LOCK_GRACE_S)
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path, lock_obj=lock))


def tune(X: pd.DataFrame, labels: pd.Series, settings: dict, storage_path, threads: int) -> dict:
    """Optuna study over LightGBM; the objective is the inner-CV average precision (AP) of P(TDE).

    ``labels`` from :func:`class_labels` (binary or multiclass). ``settings``: n_trials, inner_folds, seed,
    threshold_repeats. The study lives in a journal file at ``storage_path`` (:func:`journal_storage`), so a
    killed job resumes where it stopped. Each trial gets a sampler seeded with (seed, number of finished
    trials), so an interrupted and resumed study proposes exactly what an uninterrupted one would.

    AP scores the whole ranking, where the F1 at the best cut of a training part's TDEs (about 94 in an outer
    fold's, 118 in the final fit's on the real data) jumps with a few objects; the chosen trial's threshold is
    still the F1-maximising cut of its pooled inner probabilities.

    Median pruning: after each inner fold but the last, a trial reports the AP of the rows predicted so far
    and stops if that is below the median of earlier trials at the same fold; none is stopped before
    :data:`PRUNE_AFTER_TRIALS` trials have finished. A pruned trial counts towards ``n_trials`` and can never be
    the best. On the real data it cut the six studies' LightGBM fits from 360 to 241, nested out-of-fold F1
    0.716 against 0.715 without it, measured when trials were scored by their inner F1 (BENCHMARKS.md). The
    threshold is then chosen on the best parameters' inner probabilities pooled over ``threshold_repeats``
    seeded K-folds (:func:`repeated_threshold`; one repeat is the best trial's own).
    Returns the best parameters, the threshold, the best trial's inner AP and its inner F1 at that threshold,
    and the trial counts.
    """
    seed, n_trials, inner_folds = int(settings["seed"]), int(settings["n_trials"]), int(settings["inner_folds"])
    repeats = int(settings.get("threshold_repeats", 1))
    y = (labels == TDE_CLASS).astype(int).to_numpy()
    n_pos = int(y.sum())
    if n_pos < inner_folds:
        raise ValueError(f"{n_pos} TDE(s) in the training part: too few for {inner_folds} inner folds")
    pos_weight_max = float((len(y) - n_pos) / n_pos)

    def objective(trial: optuna.Trial) -> float:
        params = suggest_params(trial, pos_weight_max)
        for step, (done, proba) in enumerate(inner_cv_steps(X, labels, params, inner_folds, seed, threads)):
            if step < inner_folds - 1:
                trial.report(average_precision_score(y[done], proba[done]), step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
        threshold, f1 = best_threshold(y, proba)
        trial.set_user_attr("threshold", threshold)
        trial.set_user_attr("f1", f1)
        return average_precision_score(y, proba)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = journal_storage(storage_path)
    name = study_name(X, labels, settings)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=PRUNE_AFTER_TRIALS, n_warmup_steps=0)
    study = optuna.create_study(
        study_name=name, storage=storage, direction="maximize", pruner=pruner, load_if_exists=True
    )
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        # Left running by a killed job: its result never arrived.
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
    ended = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    done = len(study.get_trials(deepcopy=False, states=ended))
    if done:
        log.info("resuming study %s with %d finished trial(s)", name, done)
    while done < n_trials:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done, n_startup_trials=min(10, n_trials))
        study.optimize(objective, n_trials=1)
        done = len(study.get_trials(deepcopy=False, states=ended))
        last = study.trials[-1]
        outcome = f"inner AP {last.value:.4f}" if last.state == optuna.trial.TrialState.COMPLETE else "pruned"
        log.info("trial %d/%d: %s (best %.4f)", done, n_trials, outcome, study.best_value)
    finished = study.get_trials(deepcopy=False, states=ended)[:n_trials]
    complete = [t for t in finished if t.state == optuna.trial.TrialState.COMPLETE]
    pruned = len(finished) - len(complete)
    # Ties go to the earliest trial, so the choice does not depend on how trials were numbered.
    best = max(complete, key=lambda t: (t.value, -complete.index(t)))
    params = dict(best.params)
    threshold = float(best.user_attrs["threshold"])
    if repeats > 1:
        threshold, pooled_f1 = repeated_threshold(X, labels, params, inner_folds, seed, repeats, threads)
        log.info(
            "threshold %.4f from %d repeated inner cross-validations (pooled inner F1 %.4f)",
            threshold,
            repeats,
            pooled_f1,
        )
    return {
        "params": params,
        "threshold": threshold,
        "inner_ap": float(best.value),
        "inner_f1": float(best.user_attrs["f1"]),
        "n_trials": n_trials,
        "pruned_trials": pruned,
        "study": name,
        "model": f"multiclass ({int(labels.max()) + 1} classes)" if _is_multiclass(labels.to_numpy()) else "binary",
        "objective": f"average precision of P(TDE) over pooled {inner_folds}-fold inner cross-validated "
        f"probabilities; trials below the median of earlier ones after an inner fold were stopped there "
        f"(Optuna's MedianPruner, from the {PRUNE_AFTER_TRIALS + 1}th trial on)",
        "threshold_from": f"F1-maximising cut of the best parameters' inner probabilities pooled over {repeats} "
        f"differently seeded {inner_folds}-fold inner cross-validation(s)",
    }
