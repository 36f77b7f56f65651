"""Optuna tuning of LightGBM, fitting and prediction.

Three objectives: ``binary`` (TDE or not, the TDE class weighted by ``scale_pos_weight``), ``multiclass``
(the coarse classes of :data:`CLASSES` from ``SpecType``, TDE rows weighted; the score is P(TDE)) and
``lookalikes`` (the same, with the TDE look-alikes SN IIn and SLSN as classes of their own,
:data:`LOOKALIKE_CLASSES`). All are tuned, thresholded and evaluated on P(TDE) alone. Labels are the integer
class of each row (:func:`class_labels`); the TDE class is 1 in every case, so ``labels == 1`` is the TDE
target.

Everything here learns from the rows it is given and from nothing else, so a caller that passes only a
fold's training part gets an honest held-out estimate.

scikit-learn is imported inside the functions that use it, never at the top: a prediction job needs none of
it and keeps LightGBM from importing it (see mallorn_tde.booster_only).
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

from .evaluation import average_precision, best_threshold

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
# Rounds are not searched: a trial of learning rate r boosts ROUNDS_X_RATE / r rounds (400 at the known-good 0.05),
# so the two never compete for the same trials. Early stopping on the inner AP measured worse (BENCHMARKS.md).
ROUNDS_X_RATE = 20.0
# Successive halving on the boosting curve (see tune): at PRUNE_MIN_ROUNDS x PRUNE_FACTOR^k rounds (the rungs) a
# trial goes on only if its mean inner AP is in the top 1/PRUNE_FACTOR of the trials that reached that rung.
PRUNE_MIN_ROUNDS = 25
PRUNE_FACTOR = 3
PRUNE_RUNGS = frozenset(PRUNE_MIN_ROUNDS * PRUNE_FACTOR**k for k in range(8))
# The first trial of every study (see tune): the parameters a 12-trial study of the tuning before chose on all
# 2,435 training objects of the real data (ca0639c, rounded); alone, without a study, nested F1 and AP in
# BENCHMARKS.md. Small trees on a quarter of the columns: cheap, and slow enough to rank well.
KNOWN_GOOD = {
    "learning_rate": 0.05,
    "num_leaves": 9,
    "max_depth": 5,
    "min_child_samples": 8,
    "feature_fraction": 0.25,
    "bagging_fraction": 0.75,
    "bagging_freq": 3,
    "lambda_l1": 1e-6,
    "lambda_l2": 1e-3,
    "tde_weight": 1.4,
}
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


def rounds_for(learning_rate: float) -> int:
    """Boosting rounds of a trial: :data:`ROUNDS_X_RATE` / learning rate."""
    return int(round(ROUNDS_X_RATE / learning_rate))


def suggest_params(trial: optuna.Trial, pos_weight_max: float) -> dict:
    """The search space: tree shape, learning rate, sampling, regularisation and class weighting; the rounds
    follow from the learning rate (:func:`rounds_for`: 200-667).

    Slow boosting with small trees on few columns (learning rate 0.03-0.1, 7-15 leaves, feature fraction
    0.2-0.5): a tree's cost grows with its leaves and columns, and the studies of the wider space (up to 31
    leaves, 0.7 of the columns) chose the known-good's region anyway (BENCHMARKS.md).
    """
    learning_rate = trial.suggest_float("learning_rate", 0.03, 0.1, log=True)
    return {
        "learning_rate": learning_rate,
        "num_boost_round": rounds_for(learning_rate),
        "num_leaves": trial.suggest_int("num_leaves", 7, 15),
        "max_depth": trial.suggest_int("max_depth", 3, 8),
        "min_child_samples": trial.suggest_int("min_child_samples", 5, 40, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.2, 0.5),
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


def _tde_ap(preds: np.ndarray, data: lgb.Dataset) -> tuple[str, float, bool]:
    """LightGBM evaluation function: the average precision of P(TDE) on a held-out inner fold."""
    score = preds[:, TDE_CLASS] if preds.ndim == 2 else preds
    return "tde_ap", average_precision(data.get_label() == TDE_CLASS, score), True


def _report_to(trial: optuna.Trial):
    """A ``lgb.cv`` callback that, at the pruner's rungs (:data:`PRUNE_RUNGS`) only, computes the inner folds'
    AP, reports their mean to ``trial`` and stops the trial there when the pruner says so. The first trial of a
    study is never stopped (it is what the others are measured against), but its values are the pruner's first
    bar. (Optuna's own LightGBM callback needs a metric on every round and reports every round, a journal
    write with fsync each, where the pruner looks only at its rungs.)"""

    def callback(env) -> None:
        step = env.iteration + 1
        if step in PRUNE_RUNGS:
            per_fold = env.model.eval_valid(feval=_tde_ap)  # CVBooster: one result list per fold's booster
            trial.report(float(np.mean([results[0][2] for results in per_fold])), step)
            if trial.should_prune() and trial.number > 0:
                raise optuna.TrialPruned()

    return callback


def binned(X: pd.DataFrame, labels: pd.Series) -> lgb.Dataset:
    """A training part binned once (LightGBM's histogram bins) for every trial of its study: each trial's inner
    folds are subsets of it (:func:`inner_cv`), so no trial bins the rows again."""
    params = {"max_bin": MAX_BIN, "feature_pre_filter": False, "verbosity": -1}
    return lgb.Dataset(X, label=labels.astype(int).to_numpy(), params=params, free_raw_data=False).construct()


def inner_cv(
    data: lgb.Dataset, X, labels, params, n_folds: int, seed: int, threads: int, trial: optuna.Trial | None = None
) -> dict:
    """One trial's inner K-fold (stratified by label) on ``data`` (:func:`binned` of ``X`` and ``labels``), its
    folds boosted ``params["num_boost_round"]`` rounds side by side (``lgb.cv``).

    With ``trial``, the mean over the folds of the inner AP of P(TDE)
    (:func:`mallorn_tde.evaluation.average_precision`) is computed and reported at the pruner's rungs only, and
    the trial is pruned (:class:`optuna.TrialPruned`) when the study's pruner says so. Returns each fold's AP
    (``fold_ap``) and the pooled out-of-fold probabilities (``proba``).
    """
    from sklearn.model_selection import StratifiedKFold

    y = labels.astype(int).to_numpy()
    n_classes = int(y.max()) + 1 if _is_multiclass(y) else 2
    if n_classes > 2:
        # set_field, not set_weight: the latter ignores all-ones weights and would keep the last trial's
        data.set_field("weight", np.where(y == TDE_CLASS, float(params.get("tde_weight", 1.0)), 1.0))
    folds = list(StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    result = lgb.cv(
        {**lgb_params(params, seed, threads, n_classes), "metric": "None"},
        data,
        num_boost_round=int(params["num_boost_round"]),
        folds=folds,
        callbacks=[] if trial is None else [_report_to(trial)],
        return_cvbooster=True,
    )
    proba = np.zeros(len(y))
    fold_ap = []
    for booster, (_, held_out) in zip(result["cvbooster"].boosters, folds):
        p = booster.predict(X.iloc[held_out])
        proba[held_out] = p[:, TDE_CLASS] if p.ndim == 2 else p
        fold_ap.append(average_precision(y[held_out] == TDE_CLASS, proba[held_out]))
    return {"fold_ap": fold_ap, "proba": proba}


def inner_cv_probabilities(X, labels, params, n_folds: int, seed: int, threads: int) -> np.ndarray:
    """Pooled out-of-fold TDE probabilities of an inner K-fold on the given rows, stratified by label, each
    fold's model boosted ``params["num_boost_round"]`` rounds."""
    from sklearn.model_selection import StratifiedKFold

    proba = np.zeros(len(labels))
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in skf.split(np.zeros(len(labels)), labels.to_numpy()):
        booster = fit(X.iloc[train_idx], labels.iloc[train_idx], params, seed, threads)
        proba[test_idx] = predict(booster, X.iloc[test_idx])
    return proba


def repeated_threshold(X, labels, params, n_folds: int, seed: int, repeats: int, threads: int) -> tuple[float, float]:
    """F1-maximising threshold of the inner probabilities pooled over ``repeats`` differently seeded K-folds.

    Averages the cut over several ways of cutting the training part, so one lucky split matters less.
    Returns (threshold, pooled F1).
    """
    y = (labels.to_numpy() == TDE_CLASS).astype(int)
    proba = [inner_cv_probabilities(X, labels, params, n_folds, seed + r, threads) for r in range(repeats)]
    return best_threshold(np.tile(y, repeats), np.concatenate(proba))


# What decides the trials, in every study's name: a journal of trials run under another rule is never resumed.
STUDY_RULE = {
    "objective": "mean inner AP",
    "rounds": f"{ROUNDS_X_RATE} / learning rate",
    "pruner": f"successive halving from {PRUNE_MIN_ROUNDS} rounds, factor {PRUNE_FACTOR}",
    "start": KNOWN_GOOD,
    "replace": "paired inner-fold AP gain above one standard error",
}


def study_name(X: pd.DataFrame, labels: pd.Series, settings: dict) -> str:
    """A name that changes whenever the rows, columns, values, labels or tuning settings change.

    The study is resumed only when it was started on exactly this problem (a killed tuning job); anything
    else, new data for one split included, starts afresh, so no trial scored on other data is reused.
    ``threshold_repeats`` is left out: it decides what happens after the trials, not the trials.
    :data:`STUDY_RULE` is in: a journal of trials run under another rule is not resumed.
    """
    h = hashlib.sha256()
    trials = {k: v for k, v in settings.items() if k != "threshold_repeats"}
    h.update(json.dumps({**trials, **STUDY_RULE}, sort_keys=True).encode())
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


def choose_trial(complete: list[optuna.trial.FrozenTrial]) -> optuna.trial.FrozenTrial:
    """The study's answer: the first trial (:data:`KNOWN_GOOD`), unless a later one beats it beyond the inner
    folds' noise.

    A challenger's gain is its AP minus the first trial's on each inner fold (the same folds for every
    trial); it replaces the first trial only when the mean gain exceeds one standard error of those gains.
    Of several such challengers the one of the largest mean gain wins (ties: the earliest). Twelve trials
    scored on a training part's ~100 TDEs otherwise pick whichever was luckiest on those folds.
    """
    start = complete[0]
    best, best_gain = start, 0.0
    base = np.asarray(start.user_attrs["inner"]["fold_ap"])
    for trial in complete[1:]:
        gain = np.asarray(trial.user_attrs["inner"]["fold_ap"]) - base
        standard_error = gain.std(ddof=1) / np.sqrt(len(gain))
        if gain.mean() > standard_error and gain.mean() > best_gain:
            best, best_gain = trial, float(gain.mean())
    return best


def tune(X: pd.DataFrame, labels: pd.Series, settings: dict, storage_path, threads: int) -> tuple[dict, np.ndarray]:
    """Optuna study over LightGBM on one training part; returns the result and the chosen trial's pooled inner
    out-of-fold P(TDE), one per row of ``X``.

    ``labels`` from :func:`class_labels` (binary or multiclass). ``settings``: n_trials, inner_folds, seed,
    threshold_repeats. The study lives in a journal file at ``storage_path`` (:func:`journal_storage`), so a
    killed job resumes where it stopped. Each trial gets a sampler seeded with (seed, number of finished
    trials), so an interrupted and resumed study proposes exactly what an uninterrupted one would.

    What makes a trial cheap and the study hard to fool:

    - The first trial is :data:`KNOWN_GOOD`, a fixed slow LightGBM measured on the real data; a later trial
      replaces it only when better beyond the inner folds' noise (:func:`choose_trial`).
    - Rounds are not searched: they follow from the learning rate (:func:`rounds_for`), and each trial's inner
      folds are boosted side by side on one binned data set (:func:`inner_cv`). Stopping each trial where its
      mean inner AP stopped rising was measured and lost AP (BENCHMARKS.md): the argmax of a noisy curve.
    - Successive halving on the boosting curve: from the second trial on, the mean inner AP at
      :data:`PRUNE_MIN_ROUNDS`, 3 x that, ... rounds must be in the top 1/:data:`PRUNE_FACTOR` of the trials that
      reached the same round, or the trial stops there. A pruned trial counts towards ``n_trials`` and is never
      chosen.

    The objective is the mean over inner folds of the AP of P(TDE): AP scores the whole ranking, where the F1 at
    the best cut of a training part's ~100 TDEs jumps with a few objects. The threshold is the F1-maximising cut
    of the chosen trial's pooled inner probabilities (or of ``threshold_repeats`` seeded K-folds of its
    parameters, :func:`repeated_threshold`).
    """
    seed, n_trials, inner_folds = int(settings["seed"]), int(settings["n_trials"]), int(settings["inner_folds"])
    repeats = int(settings.get("threshold_repeats", 1))
    y = (labels == TDE_CLASS).astype(int).to_numpy()
    n_pos = int(y.sum())
    if n_pos < inner_folds:
        raise ValueError(f"{n_pos} TDE(s) in the training part: too few for {inner_folds} inner folds")
    pos_weight_max = float((len(y) - n_pos) / n_pos)
    data = binned(X, labels)
    proba_of = {}

    def objective(trial: optuna.Trial) -> float:
        params = suggest_params(trial, pos_weight_max)
        result = inner_cv(data, X, labels, params, inner_folds, seed, threads, trial)
        threshold, f1 = best_threshold(y, result["proba"])
        # one attribute, one journal write
        trial.set_user_attr("inner", {"fold_ap": result["fold_ap"], "threshold": threshold, "f1": f1})
        proba_of[trial.number] = result["proba"]
        return float(np.mean(result["fold_ap"]))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = journal_storage(storage_path)
    name = study_name(X, labels, settings)
    pruner = optuna.pruners.SuccessiveHalvingPruner(
        min_resource=PRUNE_MIN_ROUNDS, reduction_factor=PRUNE_FACTOR, min_early_stopping_rate=0
    )
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
    elif not study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,)):
        study.enqueue_trial(KNOWN_GOOD)
    while done < n_trials:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done, n_startup_trials=min(10, n_trials))
        study.optimize(objective, n_trials=1)
        done = len(study.get_trials(deepcopy=False, states=ended))
        last = study.trials[-1]
        if last.state == optuna.trial.TrialState.COMPLETE:
            outcome = f"mean inner AP {last.value:.4f}"
        else:
            outcome = f"pruned at {max(last.intermediate_values, default=0)} rounds"
        log.info("trial %d/%d: %s", done, n_trials, outcome)
    finished = study.get_trials(deepcopy=False, states=ended)[:n_trials]
    complete = [t for t in finished if t.state == optuna.trial.TrialState.COMPLETE]
    best = choose_trial(complete)
    inner = best.user_attrs["inner"]
    params = {**best.params, "num_boost_round": rounds_for(best.params["learning_rate"])}
    threshold = float(inner["threshold"])
    # A resumed study did not keep the probabilities of trials run before the kill: the chosen trial's are
    # computed again (the same, as everything in a trial is seeded).
    proba = proba_of.get(best.number)
    if proba is None:
        proba = inner_cv(data, X, labels, params, inner_folds, seed, threads)["proba"]
    if repeats > 1:
        threshold, pooled_f1 = repeated_threshold(X, labels, params, inner_folds, seed, repeats, threads)
        log.info(
            "threshold %.4f from %d repeated inner cross-validations (pooled inner F1 %.4f)",
            threshold,
            repeats,
            pooled_f1,
        )
    result = {
        "params": params,
        "threshold": threshold,
        "inner_ap": float(best.value),
        "inner_f1": float(inner["f1"]),
        # its place among the counted trials: a trial cut short by a kill (failed, not counted) takes a number
        "chosen_trial": [t.number for t in finished].index(best.number),
        "n_trials": n_trials,
        "pruned_trials": len(finished) - len(complete),
        "study": name,
        "model": f"multiclass ({int(labels.max()) + 1} classes)" if _is_multiclass(labels.to_numpy()) else "binary",
        "objective": f"mean over {inner_folds} stratified inner folds of the average precision of P(TDE), each "
        f"trial's folds boosted {ROUNDS_X_RATE:g} / learning rate rounds; "
        f"trials stopped by successive halving on that mean at {PRUNE_MIN_ROUNDS} x {PRUNE_FACTOR}^k rounds; "
        f"the first trial a fixed known-good configuration, replaced only by a trial whose paired gain over "
        f"the inner folds exceeds one standard error",
        "threshold_from": f"F1-maximising cut of the chosen parameters' inner probabilities pooled over {repeats} "
        f"differently seeded {inner_folds}-fold inner cross-validation(s)",
    }
    return result, proba
