"""Tune LightGBM with Optuna on one scope's training part, selected features only."""

import json
from pathlib import Path

import pandas as pd

from mallorn_tde.evaluation import training_ids
from mallorn_tde.io import read_lines, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import feature_matrix, tune

with logged(snakemake.log[0]) as log:
    train = read_table(snakemake.input.features)
    if snakemake.input.folds:
        train = train.loc[training_ids(pd.read_csv(snakemake.input.folds[0], sep="\t"), snakemake.wildcards.scope)]
    X = feature_matrix(train)[read_lines(snakemake.input.selected)]
    Path(snakemake.params.storage).parent.mkdir(parents=True, exist_ok=True)
    result = tune(X, train["target"], snakemake.params.tuning, snakemake.params.storage, snakemake.threads)
    log.info("best inner F1 %.4f at threshold %.4f", result["inner_f1"], result["threshold"])
    with open(snakemake.output[0], "w") as handle:
        json.dump(result, handle, indent=2, sort_keys=True)
