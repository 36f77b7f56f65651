"""Tune LightGBM with Optuna on one scope's training part, selected features only."""

from pathlib import Path

import pandas as pd

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
    result, proba = tune(X, labels, snakemake.params.tuning, snakemake.params.storage, snakemake.threads)
    best = result["chosen_trial"], result["inner_ap"], result["inner_f1"], result["threshold"]
    log.info("chose trial %d: mean inner AP %.4f; inner F1 %.4f at threshold %.4f", *best)
    inner = pd.DataFrame({"object_id": X.index, "target": train["target"].to_numpy(), "probability": proba})
    inner.to_csv(snakemake.output.inner, index=False, float_format="%.10g")
    write_json(result, snakemake.output.tuning)
