"""Select features on one scope's training part (a fold's training objects, or all for the final fit)."""

import pandas as pd

from mallorn_tde.evaluation import training_ids
from mallorn_tde.io import read_table, write_lines
from mallorn_tde.logs import logged
from mallorn_tde.model import feature_matrix, select_features

with logged(snakemake.log[0]) as log:
    p = snakemake.params.selection
    train = read_table(snakemake.input.features)
    if snakemake.input.folds:
        train = train.loc[training_ids(pd.read_csv(snakemake.input.folds[0], sep="\t"), snakemake.wildcards.scope)]
    X = feature_matrix(train)
    selected, relevance = select_features(X, train["target"], p["fdr_level"], p["min_features"], snakemake.threads)
    log.info("%s: %d of %d features selected on %d objects", snakemake.wildcards.scope, len(selected), X.shape[1], len(X))
    relevance.to_csv(snakemake.output.relevance, sep="\t", index=False)
    write_lines(selected, snakemake.output.selected)
