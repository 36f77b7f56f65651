"""Fit the final model on all training objects with the final selection and tuning."""

import mallorn_tde.booster_only  # noqa: F401  (first: LightGBM without scikit-learn)
from mallorn_tde.io import read_json, read_lines, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import class_labels, feature_importance, fit_models, save_models
from mallorn_tde.selection import feature_matrix

with logged(snakemake.log[0]) as log:
    train = read_table(snakemake.input.features)
    X = feature_matrix(train)[read_lines(snakemake.input.selected)]
    tuning = read_json(snakemake.input.tuning)
    labels = class_labels(train, snakemake.params.objective)
    p = snakemake.params
    models = fit_models(X, labels, tuning["params"], p.seed, p.n_models, snakemake.threads)
    log.info(
        "final model: %d objects, %d features, %d model(s) of %d trees",
        len(X),
        X.shape[1],
        len(models),
        models[0].num_trees(),
    )
    save_models(models, snakemake.output.model)
    feature_importance(models).to_csv(snakemake.output.importance, index=False, float_format="%.6g")
