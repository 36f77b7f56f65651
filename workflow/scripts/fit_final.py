"""Fit the final model on all training objects with the final selection and tuning."""

from mallorn_tde.io import read_json, read_lines, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import class_labels, feature_importance, fit
from mallorn_tde.selection import feature_matrix

with logged(snakemake.log[0]) as log:
    train = read_table(snakemake.input.features)
    X = feature_matrix(train)[read_lines(snakemake.input.selected)]
    tuning = read_json(snakemake.input.tuning)
    booster = fit(
        X, class_labels(train, snakemake.params.objective), tuning["params"], snakemake.params.seed, snakemake.threads
    )
    log.info("final model: %d objects, %d features, %d trees", len(X), X.shape[1], booster.num_trees())
    booster.save_model(snakemake.output.model)
    feature_importance(booster).to_csv(snakemake.output.importance, index=False, float_format="%.6g")
