"""Selection, tuning and fitting on small synthetic problems (mallorn_tde.selection and mallorn_tde.model)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from mallorn_tde.evaluation import best_threshold
from mallorn_tde.model import (
    CLASSES,
    TDE_CLASS,
    class_labels,
    feature_importance,
    fit,
    inner_cv_probabilities,
    journal_storage,
    predict,
    repeated_threshold,
    study_name,
    tune,
)
from mallorn_tde.selection import feature_matrix, relevance_table, select, select_features


def problem(n=240, n_pos=30, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[:n_pos] = 1
    X = pd.DataFrame(
        {
            "signal": y * 2.0 + rng.normal(size=n),
            "weak": y * 0.8 + rng.normal(size=n),
            **{f"noise{i}": rng.normal(size=n) for i in range(8)},
            "constant": np.ones(n),
            "empty": np.full(n, np.nan),
        },
        index=[f"o{i:03d}" for i in range(n)],
    )
    X.loc[X.index[:5], "signal"] = np.nan
    return X, pd.Series(y, index=X.index, name="target")


def test_feature_matrix_drops_labels_and_bookkeeping():
    table = pd.DataFrame({"Z": [0.1], "Z_err": [np.nan], "split": ["split_01"], "target": [1], "f": [np.inf]})
    X = feature_matrix(table)
    assert list(X.columns) == ["Z", "f"] and np.isnan(X["f"].iloc[0])


@pytest.mark.parametrize("n, n_pos", [(240, 30), (40, 6)])
def test_relevance_table_equals_tsfresh(n, n_pos):
    """Same types, p-values and decisions as tsfresh's own relevance table, in the large-sample
    (normal approximation) and the small-sample (exact test unless ties) regimes of scipy's test."""
    from tsfresh.feature_selection.relevance import calculate_relevance_table

    X, y = problem(n, n_pos)
    X = X.drop(columns="empty").fillna(0.0)
    rng = np.random.default_rng(1)
    X["binary"] = np.where(y.to_numpy() == 1, rng.random(n) < 0.7, rng.random(n) < 0.2).astype(float)
    X["ties"] = np.round(X["signal"])  # many tied values
    ours = relevance_table(X, y, 0.05).set_index("feature").sort_index()
    theirs = calculate_relevance_table(X, y, ml_task="classification", fdr_level=0.05).sort_index()
    assert list(ours.index) == list(theirs.index)
    assert list(ours["type"]) == list(theirs["type"])
    np.testing.assert_allclose(ours["p_value"].to_numpy(float), theirs["p_value"].to_numpy(float), rtol=1e-10)
    assert list(ours["relevant"]) == list(theirs["relevant"].astype(bool))
    assert ours.loc["binary", "type"] == "binary" and ours.loc["ties", "type"] == "real"
    if n > 100:
        assert ours.loc["signal", "relevant"] and ours.loc["binary", "relevant"]
    assert ours.loc["constant", "type"] == "constant" and np.isnan(ours.loc["constant", "p_value"])


def test_selection_keeps_signal_drops_noise_and_constants():
    X, y = problem()
    selected, relevance = select_features(X, y, fdr_level=0.05, min_features=1)
    assert "signal" in selected and "weak" in selected
    assert not any(c.startswith("noise") for c in selected)
    assert "constant" not in selected and "empty" not in selected
    assert selected == [c for c in X.columns if c in selected]  # original order


def test_selection_falls_back_to_smallest_p_values():
    X, y = problem()
    selected, _ = select_features(X, y, fdr_level=0.05, min_features=4)
    assert len(selected) == 4 and {"signal", "weak"} <= set(selected)


def test_selection_uses_only_the_rows_given():
    X, y = problem()
    selected_all, _ = select_features(X, y, 0.05, 1)
    # The same rows in another order give the same selection; p-values depend on the rows alone.
    shuffled = X.sample(frac=1, random_state=3)
    assert select_features(shuffled, y.loc[shuffled.index], 0.05, 1)[0] == selected_all


def test_tuning_is_deterministic_and_resumes_exactly(tmp_path):
    X, y = problem()
    X = X[["signal", "weak", "noise0"]]
    settings = {"n_trials": 4, "inner_folds": 3, "seed": 5}
    first = tune(X, y, settings, tmp_path / "a.journal", threads=1)
    again = tune(X, y, settings, tmp_path / "b.journal", threads=1)
    assert first == again
    assert 0 < first["threshold"] < 1 and 0 < first["inner_f1"] <= 1
    assert first["params"]["bagging_freq"] > 0

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
    assert tune(X, y, settings, storage, threads=1) == first


KILLED_STUDY = """
import sys
sys.path[:0] = sys.argv[2:4]
from test_model import problem
from mallorn_tde.model import tune
X, y = problem()
tune(X[["signal", "weak", "noise0"]], y, {"n_trials": 8, "inner_folds": 3, "seed": 5}, sys.argv[1], threads=1)
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
        [sys.executable, "-c", KILLED_STUDY, str(journal), str(here), str(here.parent / "workflow" / "scripts")]
    )
    name = study_name(X, y, settings)

    def finished():
        try:
            study = optuna.load_study(study_name=name, storage=journal_storage(journal))
        except KeyError:
            return []
        return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))

    deadline = time.monotonic() + 300
    try:
        while len(before := finished()) < 2:
            assert process.poll() is None, "the study ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert 2 <= len(before) < settings["n_trials"]

    resumed = tune(X, y, settings, journal, threads=1)
    after = {t.number: (t.params, t.value) for t in finished()}
    assert len(after) == settings["n_trials"]
    assert all(after[t.number] == (t.params, t.value) for t in before)
    assert resumed == tune(X, y, settings, tmp_path / "uninterrupted.journal", threads=1)


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


def test_select_generic_keeps_physics_and_gp_and_caps_the_tested():
    X, y = problem()
    X = X.rename(columns={"noise0": "physics__noise0", "noise1": "gp__noise1"})
    X = X.rename(columns={c: f"tsfresh__g__{c}" for c in X.columns if "__" not in c})
    settings = {"tested": "generic", "fdr_level": 0.05, "min_features": 1, "max_features": 0}
    selected, table = select(X, y, settings)
    assert {"physics__noise0", "gp__noise1", "tsfresh__g__signal"} <= set(selected)
    assert "tsfresh__g__noise2" not in selected
    assert set(table["feature"]).isdisjoint({"physics__noise0", "gp__noise1"})
    everything, _ = select(X, y, {**settings, "tested": "all"})
    assert "physics__noise0" not in everything
    capped, _ = select(X, y, {**settings, "max_features": 1})
    assert [c for c in capped if c.startswith("tsfresh__")] == ["tsfresh__g__signal"]


def test_study_name_ignores_threshold_repeats():
    X, y = problem()
    s = {"n_trials": 4, "inner_folds": 3, "seed": 5}
    assert study_name(X, y, s) == study_name(X, y, {**s, "threshold_repeats": 5})
