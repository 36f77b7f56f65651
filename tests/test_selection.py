"""mallorn_tde.selection: the model's inputs and tsfresh's relevance test on a training part."""

import numpy as np
import pandas as pd
import pytest
from synthetic import problem

from mallorn_tde.selection import feature_matrix, relevance_table, select, select_features, selection_counts


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


def test_selection_counts_split_tested_into_kept_and_dropped():
    columns = ["Z", "physics__a", "gp__b", "tsfresh__g__x", "tsfresh__g__y", "tsfresh__r__const"]
    selected = ["Z", "physics__a", "gp__b", "tsfresh__g__x"]
    assert selection_counts(columns, "generic", selected) == {
        "columns": 6,
        "tested": 3,
        "kept": 1,
        "dropped": 2,
        "kept_untested": 3,
    }
    assert selection_counts(columns, "all", selected) == {
        "columns": 6,
        "tested": 6,
        "kept": 4,
        "dropped": 2,
        "kept_untested": 0,
    }
