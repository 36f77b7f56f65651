"""mallorn_tde.model: seed-bagged models (``model.n_models``), saved in one file and averaged."""

import numpy as np
import pandas as pd
import pytest
from synthetic import problem

from mallorn_tde.model import (
    LOOKALIKE_CLASSES,
    TDE_CLASS,
    class_labels,
    feature_importance,
    fit,
    fit_models,
    load_models,
    predict,
    save_models,
)

PARAMS = {
    "learning_rate": 0.1,
    "num_boost_round": 30,
    "num_leaves": 7,
    "bagging_fraction": 0.6,
    "bagging_freq": 1,
    "feature_fraction": 0.5,
    "tde_weight": 3.0,
}


def test_bagged_models_average_their_seeds_and_survive_a_round_trip(tmp_path):
    X, y = problem()
    X = X.drop(columns=["constant", "empty"])
    models = fit_models(X, y, PARAMS, seed=3, n_models=3, threads=1)
    singles = [fit(X, y, PARAMS, seed, 1) for seed in (3, 4, 5)]
    expected = np.mean([predict(b, X) for b in singles], axis=0)
    np.testing.assert_allclose(predict(models, X), expected)
    assert not np.allclose(predict(singles[0], X), predict(singles[1], X))  # the seeds do differ

    save_models(models, tmp_path / "model.txt")
    loaded = load_models(tmp_path / "model.txt")
    assert len(loaded) == 3
    np.testing.assert_allclose(predict(loaded, X.iloc[:, ::-1]), expected)

    one = fit_models(X, y, PARAMS, seed=3, n_models=1, threads=1)
    save_models(one, tmp_path / "one.txt")
    np.testing.assert_allclose(predict(load_models(tmp_path / "one.txt"), X), predict(singles[0], X))

    total = feature_importance(models).set_index("feature")["gain"]
    parts = sum(feature_importance(b).set_index("feature")["gain"] for b in singles)
    assert total.to_dict() == pytest.approx(parts.to_dict())


def test_lookalike_classes_split_sn_iin_and_slsn_out_of_other():
    spec = ["TDE", "AGN", "SN Ia-91T-like", "SN IIn", "SLSN-I", "SLSN-II", "SN II", "SN Ic-BL"]
    table = pd.DataFrame({"SpecType": spec, "target": [1, 0, 0, 0, 0, 0, 0, 0]})
    labels = class_labels(table, "lookalikes")
    names = [LOOKALIKE_CLASSES[k] for k in labels]
    assert names == ["TDE", "AGN", "SN Ia", "SN IIn", "SLSN", "SLSN", "other", "other"]
    assert labels[0] == TDE_CLASS
    assert class_labels(table, "multiclass").tolist() == [1, 2, 3, 0, 0, 0, 0, 0]


def test_lookalikes_model_has_six_classes_and_scores_p_tde():
    X, y = problem()
    X = X.drop(columns=["constant", "empty"])
    rng = np.random.default_rng(1)
    labels = pd.Series(np.where(y == 1, TDE_CLASS, rng.choice([0, 2, 3, 4, 5], size=len(y))), index=X.index)
    booster = fit(X, labels, PARAMS, seed=3, threads=1)
    assert booster.num_model_per_iteration() == len(LOOKALIKE_CLASSES)
    proba = predict(booster, X)
    assert proba[y == 1].mean() > proba[y == 0].mean()
