"""mallorn_tde.model: seed-bagged models (``model.n_models``), saved in one file and averaged."""

import numpy as np
import pytest
from synthetic import problem

from mallorn_tde.model import feature_importance, fit, fit_models, load_models, predict, save_models

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
