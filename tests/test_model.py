"""mallorn_tde.model: tuning, fitting and prediction on small synthetic problems."""

import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from synthetic import problem

from mallorn_tde import model
from mallorn_tde.evaluation import average_precision, best_threshold
from mallorn_tde.model import (
    CLASSES,
    KNOWN_GOOD,
    PRUNE_RUNGS,
    TDE_CLASS,
    binned,
    choose_trial,
    class_labels,
    feature_importance,
    fit,
    inner_cv,
    inner_cv_probabilities,
    journal_storage,
    predict,
    repeated_threshold,
    rounds_for,
    study_name,
    tune,
)


def test_tuning_is_deterministic_and_resumes_exactly(tmp_path):
    X, y = problem()
    X = X[["signal", "weak", "noise0"]]
    settings = {"n_trials": 4, "inner_folds": 3, "seed": 5}
    first, proba = tune(X, y, settings, tmp_path / "a.journal", threads=1)
    again, proba_again = tune(X, y, settings, tmp_path / "b.journal", threads=1)
    assert first == again and np.array_equal(proba, proba_again)
    assert 0 < first["threshold"] < 1 and 0 < first["inner_f1"] <= 1 and 0 < first["inner_ap"] <= 1
    assert first["params"]["bagging_freq"] > 0
    assert first["params"]["num_boost_round"] == rounds_for(first["params"]["learning_rate"])
    # The threshold is the best F1 cut of the inner probabilities returned beside it.
    assert proba.shape == (len(X),) and first["threshold"] == best_threshold(y, proba)[0]

    # An interrupted study (2 of 4 trials done, one left RUNNING by a kill) resumes to the same answer.
    storage = tmp_path / "c.journal"
    tune(X, y, {**settings, "n_trials": 2}, storage, threads=1)
    partial = optuna.load_study(
        study_name=study_name(X, y, {**settings, "n_trials": 2}), storage=journal_storage(storage)
    )
    assert len(partial.trials) == 2
    # Copy those two trials into the study of the 4-trial run, as if it had been killed after two.
    full_name = study_name(X, y, settings)
    resumed_study = optuna.create_study(study_name=full_name, storage=journal_storage(storage), direction="maximize")
    for t in partial.trials:
        resumed_study.add_trial(t)
    resumed_study.ask()  # a trial left RUNNING
    resumed, resumed_proba = tune(X, y, settings, storage, threads=1)
    assert resumed == first and np.array_equal(resumed_proba, proba)


# The study to kill, held at a known point: the third trial's inner cross-validation waits (its first two
# trials finished, itself RUNNING in the journal) after printing "held", until the test kills the process.
KILLED_STUDY = """
import sys, time
sys.path[:0] = sys.argv[2:4]
from synthetic import problem
import mallorn_tde.model as model
inner_cv, calls = model.inner_cv, []
def held(*args, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        print("held", flush=True)
        time.sleep(600)
    return inner_cv(*args, **kwargs)
model.inner_cv = held
X, y = problem()
model.tune(X[["signal", "weak", "noise0"]], y, {"n_trials": 8, "inner_folds": 3, "seed": 5}, sys.argv[1], threads=1)
"""


def test_a_study_killed_with_sigkill_resumes_from_its_journal(tmp_path):
    """A tuning process killed mid-study (SIGKILL, as a cluster's time limit or a crash does it): no finished
    trial is lost, and the resumed study gives the uninterrupted study's answer."""
    X, y = problem()
    X = X[["signal", "weak", "noise0"]]
    settings = {"n_trials": 8, "inner_folds": 3, "seed": 5}
    journal = tmp_path / "killed.journal"
    here = Path(__file__).resolve().parent
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_STUDY, str(journal), str(here), str(here.parent / "workflow" / "scripts")],
        stdout=subprocess.PIPE,
        text=True,
    )
    name = study_name(X, y, settings)

    def trials(*states):
        try:
            study = optuna.load_study(study_name=name, storage=journal_storage(journal))
        except KeyError:
            return []
        return study.get_trials(deepcopy=False, states=states)

    def finished():
        return trials(optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)

    try:
        assert process.stdout.readline().strip() == "held", "the study ended before it was held"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    before = finished()
    assert len(before) == 2 and len(trials(optuna.trial.TrialState.RUNNING)) == 1

    resumed, resumed_proba = tune(X, y, settings, journal, threads=1)
    after = {t.number: (t.params, t.value) for t in finished()}
    assert len(after) == settings["n_trials"]
    assert all(after[t.number] == (t.params, t.value) for t in before)
    uninterrupted, proba = tune(X, y, settings, tmp_path / "uninterrupted.journal", threads=1)
    assert resumed == uninterrupted and np.array_equal(resumed_proba, proba)


def test_study_name_changes_with_problem():
    X, y = problem()
    s = {"n_trials": 4, "inner_folds": 3, "seed": 5}
    assert study_name(X, y, s) == study_name(X, y, dict(s))
    assert study_name(X, y, s) != study_name(X, y, {**s, "seed": 6})
    assert study_name(X, y, s) != study_name(X.iloc[1:], y.iloc[1:], s)
    assert study_name(X, y, s) != study_name(X[X.columns[::-1]], y, s)
    changed = X.copy()
    changed.loc["o001", "weak"] += 0.5  # new data for one object: its trials were scored on other values
    assert study_name(X, y, s) != study_name(changed, y, s)


def test_fit_predict_orders_columns_like_training():
    X, y = problem()
    params = {
        "learning_rate": 0.1,
        "num_boost_round": 50,
        "num_leaves": 7,
        "min_child_samples": 5,
        "bagging_fraction": 0.9,
        "bagging_freq": 1,
    }
    booster = fit(X, y, params, seed=1, threads=1)
    p = predict(booster, X)
    assert p == pytest.approx(predict(booster, X[X.columns[::-1]]))
    assert p[y == 1].mean() > p[y == 0].mean() + 0.3
    assert np.array_equal(p, predict(fit(X, y, params, seed=1, threads=1), X))


def multiclass_problem(n=300, seed=1):
    """Four coarse classes; the TDEs differ from the rest in 'signal', the others among themselves in 'kind'."""
    rng = np.random.default_rng(seed)
    spec = np.array(["AGN"] * 150 + ["SN Ia"] * 80 + ["SN II"] * 40 + ["TDE"] * 30)[:n]
    table = pd.DataFrame(
        {
            "signal": (spec == "TDE") * 2.0 + rng.normal(size=n),
            "kind": (spec == "AGN") * 3.0 - (spec == "SN Ia") * 3.0 + rng.normal(size=n),
            "noise": rng.normal(size=n),
            "SpecType": spec,
            "target": (spec == "TDE").astype(int),
        },
        index=[f"m{i:03d}" for i in range(n)],
    )
    return table


def test_class_labels_binary_and_coarse_classes():
    table = multiclass_problem()
    binary = class_labels(table, "binary")
    multi = class_labels(table, "multiclass")
    assert set(binary) == {0, 1} and np.array_equal(binary, table["target"])
    assert np.array_equal(multi == TDE_CLASS, table["target"] == 1)
    assert {CLASSES[k] for k in multi[table["SpecType"] == "SN II"]} == {"other"}
    assert {CLASSES[k] for k in multi[table["SpecType"] == "SN Ia"]} == {"SN Ia"}
    broken = table.assign(target=0)
    with pytest.raises(ValueError, match="SpecType and target disagree"):
        class_labels(broken, "multiclass")


def test_multiclass_fit_predicts_tde_probability_and_weights_tdes():
    table = multiclass_problem()
    X = table[["signal", "kind", "noise"]]
    labels = class_labels(table, "multiclass")
    params = {"learning_rate": 0.1, "num_boost_round": 60, "num_leaves": 7, "min_child_samples": 5}
    booster = fit(X, labels, params, seed=1, threads=1)
    p = predict(booster, X)
    assert p.shape == (len(X),) and np.all((p >= 0) & (p <= 1))
    assert p[table["target"] == 1].mean() > p[table["target"] == 0].mean() + 0.3
    heavier = predict(fit(X, labels, {**params, "tde_weight": 5.0}, seed=1, threads=1), X)
    assert heavier.mean() > p.mean()  # weighting the TDE rows raises P(TDE)


def test_feature_importance_names_every_feature_with_its_set():
    table = multiclass_problem()
    X = table[["signal", "kind", "noise"]].rename(columns={"signal": "gp__signal", "noise": "tsfresh__g__noise"})
    booster = fit(X, class_labels(table, "binary"), {"num_boost_round": 30, "num_leaves": 4}, seed=1, threads=1)
    imp = feature_importance(booster)
    assert set(imp["feature"]) == set(X.columns)
    assert imp["feature"].iloc[0] == "gp__signal"
    assert dict(zip(imp["feature"], imp["set"]))["kind"] == "catalog"
    assert imp["gain_fraction"].sum() == pytest.approx(1.0)


def test_repeated_threshold_pools_repeats():
    X, y = problem()
    X = X[["signal", "weak"]]
    params = {"num_boost_round": 30, "num_leaves": 4, "min_child_samples": 5}
    one = repeated_threshold(X, y, params, 3, seed=5, repeats=1, threads=1)
    proba = inner_cv_probabilities(X, y, params, 3, 5, 1)
    assert one == best_threshold(y, proba)
    three = repeated_threshold(X, y, params, 3, seed=5, repeats=3, threads=1)
    pooled = np.concatenate([inner_cv_probabilities(X, y, params, 3, 5 + r, 1) for r in range(3)])
    assert three == best_threshold(np.tile(y, 3), pooled)


def test_study_name_ignores_threshold_repeats():
    X, y = problem()
    s = {"n_trials": 4, "inner_folds": 3, "seed": 5}
    assert study_name(X, y, s) == study_name(X, y, {**s, "threshold_repeats": 5})


def test_successive_halving_stops_trials_at_rungs_which_count_but_never_win(tmp_path):
    X, y = problem()
    X = X[["signal", "weak", "noise0", "noise1"]]
    settings = {"n_trials": 12, "inner_folds": 3, "seed": 5}
    result, _ = tune(X, y, settings, tmp_path / "s.journal", threads=1)
    study = optuna.load_study(study_name=result["study"], storage=journal_storage(tmp_path / "s.journal"))
    pruned = [t for t in study.trials if t.state == optuna.trial.TrialState.PRUNED]
    assert len(study.trials) == 12 and result["pruned_trials"] == len(pruned) > 0
    # The first trial is the known-good configuration and runs to the end; others stop only at a rung.
    assert study.trials[0].params == KNOWN_GOOD and study.trials[0].state == optuna.trial.TrialState.COMPLETE
    assert all(max(t.intermediate_values) in PRUNE_RUNGS for t in pruned)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert result["chosen_trial"] in [t.number for t in complete]
    assert result["inner_ap"] == study.trials[result["chosen_trial"]].value


def test_a_later_trial_replaces_the_first_only_beyond_the_inner_folds_noise():
    start = [0.70, 0.75, 0.80, 0.72, 0.78]
    # Better on average by 0.02, but lower on two folds: inside the noise, the first trial stays.
    lucky = [0.80, 0.73, 0.78, 0.80, 0.74]
    # Better by 0.02 on every fold: beyond the noise.
    steady = [a + 0.02 for a in start]
    trials = [
        optuna.trial.create_trial(value=float(np.mean(ap)), user_attrs={"inner": {"fold_ap": ap}})
        for ap in (start, lucky, steady)
    ]
    assert choose_trial(trials[:2]) is trials[0]
    assert choose_trial(trials) is trials[2]
    # Of two challengers beyond the noise, the larger mean gain wins, the earlier one on a tie.
    steadier = [a + 0.03 for a in start]
    more = [
        *trials,
        optuna.trial.create_trial(value=float(np.mean(steadier)), user_attrs={"inner": {"fold_ap": steadier}}),
    ]
    assert choose_trial(more) is more[3]
    assert choose_trial([*trials, trials[2]]) is trials[2]


def test_inner_cv_gives_each_folds_ap_and_the_pooled_probabilities():
    X, y = problem()
    params = {"learning_rate": 0.1, "num_boost_round": 40, "num_leaves": 4, "min_child_samples": 5}
    result = inner_cv(binned(X, y), X, y, params, 3, 5, 1)
    assert result["proba"].shape == (len(X),) and np.all((result["proba"] >= 0) & (result["proba"] <= 1))
    # Each fold's AP is that of its own held-out rows; a signal column ranks the TDEs high.
    skf = StratifiedKFold(n_splits=3, shuffle=True, random_state=5)
    held_out = [test for _, test in skf.split(np.zeros(len(y)), y)]
    assert result["fold_ap"] == [average_precision(y.iloc[t], result["proba"][t]) for t in held_out]
    assert min(result["fold_ap"]) > 0.5
    # The same study-wide binned data set gives the same answer as a fresh one, whatever ran on it before.
    data = binned(X, y)
    inner_cv(data, X, y, {**params, "tde_weight": 3.0, "learning_rate": 0.05}, 3, 5, 1)
    again = inner_cv(data, X, y, params, 3, 5, 1)
    assert again["fold_ap"] == result["fold_ap"] and np.array_equal(again["proba"], result["proba"])


def test_rounds_follow_the_learning_rate():
    assert rounds_for(KNOWN_GOOD["learning_rate"]) == 400
    assert rounds_for(0.1) == 200 and rounds_for(0.03) == 667


def test_multiclass_inner_cv_weights_come_from_each_trial():
    table = multiclass_problem()
    X, labels = table[["signal", "kind", "noise"]], class_labels(table, "multiclass")
    params = {"learning_rate": 0.1, "num_boost_round": 40, "num_leaves": 4, "min_child_samples": 5}
    data = binned(X, labels)
    plain = inner_cv(data, X, labels, {**params, "tde_weight": 1.0}, 3, 5, 1)
    heavy = inner_cv(data, X, labels, {**params, "tde_weight": 8.0}, 3, 5, 1)
    # The weights of the trial before are not kept: an unweighted trial after a weighted one is unweighted.
    again = inner_cv(data, X, labels, {**params, "tde_weight": 1.0}, 3, 5, 1)
    assert heavy["proba"].mean() > plain["proba"].mean()
    assert np.array_equal(again["proba"], plain["proba"])


def test_average_precision_is_scikit_learns():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(5, 400))
        y = rng.random(n) < 0.1
        y[0] = True
        score = np.round(rng.random(n), int(rng.integers(1, 4)))  # rounded: ties, which form one step
        assert average_precision(y, score) == pytest.approx(average_precision_score(y, score), abs=1e-12)


def test_a_journal_lock_left_by_a_killed_job_is_broken(tmp_path, monkeypatch):
    """A job killed while appending leaves the journal's lock behind; the retried job breaks it after the grace
    period, also when the journal's path is relative (as the workflow gives it), instead of waiting forever."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(model, "LOCK_GRACE_S", 1)
    Path("results/optuna").mkdir(parents=True)
    killed = journal_storage("results/optuna/final.journal")
    killed._backend._lock.acquire()  # the lock a killed job held: taken and never released
    done = threading.Event()

    def retried_job():
        optuna.create_study(study_name="s", storage=journal_storage("results/optuna/final.journal"))
        done.set()

    threading.Thread(target=retried_job, daemon=True).start()
    assert done.wait(timeout=30), "the retried job still waits for the killed job's lock"
