"""Fit one outer fold's model on its training part and predict its held-out objects."""

import pandas as pd

import mallorn_tde.booster_only  # noqa: F401  (first: LightGBM without scikit-learn)
from mallorn_tde.constants import fold_number
from mallorn_tde.evaluation import held_out_ids, training_ids
from mallorn_tde.io import read_folds, read_json, read_lines, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import class_labels, fit_models, predict
from mallorn_tde.selection import feature_matrix

with logged(snakemake.log[0]) as log:
    scope = snakemake.wildcards.scope
    table = read_table(snakemake.input.features)
    folds = read_folds(snakemake.input.folds)
    tuning = read_json(snakemake.input.tuning)
    X = feature_matrix(table)[read_lines(snakemake.input.selected)]
    train_ids, test_ids = training_ids(folds, scope), held_out_ids(folds, scope)
    labels = class_labels(table.loc[train_ids], snakemake.params.objective)
    models = fit_models(
        X.loc[train_ids], labels, tuning["params"], snakemake.params.seed, snakemake.params.n_models, snakemake.threads
    )
    proba = predict(models, X.loc[test_ids])
    oof = pd.DataFrame(
        {
            "object_id": test_ids,
            "fold": fold_number(scope),
            "target": table.loc[test_ids, "target"].to_numpy(),
            "probability": proba,
            "prediction": (proba >= tuning["threshold"]).astype(int),
        }
    )
    log.info(
        "%s: %d held-out objects, %d predicted TDE at threshold %.4f",
        scope,
        len(oof),
        oof["prediction"].sum(),
        tuning["threshold"],
    )
    oof.to_csv(snakemake.output[0], index=False, float_format="%.10g")
