"""Select features on one scope's training part (a fold's training objects, or all for the final fit)."""

from mallorn_tde.evaluation import read_training_part
from mallorn_tde.io import write_lines
from mallorn_tde.logs import logged
from mallorn_tde.selection import feature_matrix, select

with logged(snakemake.log[0]) as log:
    p = snakemake.params.selection
    train = read_training_part(snakemake.input.features, snakemake.input.folds, snakemake.wildcards.scope)
    X = feature_matrix(train)
    selected, relevance = select(X, train["target"], p)
    log.info(
        "%s: %d of %d features selected on %d objects", snakemake.wildcards.scope, len(selected), X.shape[1], len(X)
    )
    relevance.to_csv(snakemake.output.relevance, sep="\t", index=False)
    write_lines(selected, snakemake.output.selected)
