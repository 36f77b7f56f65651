"""Tune LightGBM with Optuna on one scope's training part, selected features only."""

from pathlib import Path

from mallorn_tde.evaluation import read_training_part
from mallorn_tde.io import read_lines, write_json
from mallorn_tde.logs import logged
from mallorn_tde.model import class_labels, tune
from mallorn_tde.selection import feature_matrix

with logged(snakemake.log[0]) as log:
    train = read_training_part(snakemake.input.features, snakemake.input.folds, snakemake.wildcards.scope)
    X = feature_matrix(train)[read_lines(snakemake.input.selected)]
    Path(snakemake.params.storage).parent.mkdir(parents=True, exist_ok=True)
    labels = class_labels(train, snakemake.params.objective)
    result = tune(X, labels, snakemake.params.tuning, snakemake.params.storage, snakemake.threads)
    best = result["inner_ap"], result["inner_f1"], result["threshold"]
    log.info("best inner AP %.4f; inner F1 %.4f at threshold %.4f", *best)
    write_json(result, snakemake.output[0])
