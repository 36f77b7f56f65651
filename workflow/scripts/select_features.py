"""Select features on one scope's training part (a fold's training objects, or all for the final fit)."""

from mallorn_tde.evaluation import read_training_part
from mallorn_tde.io import write_json, write_lines
from mallorn_tde.logs import logged
from mallorn_tde.selection import feature_matrix, select, selection_counts

with logged(snakemake.log[0]) as log:
    p = snakemake.params.selection
    train = read_training_part(snakemake.input.features, snakemake.input.folds, snakemake.wildcards.scope)
    X = feature_matrix(train)
    selected, relevance = select(X, train["target"], p)
    counts = selection_counts(list(X.columns), p["tested"], selected)
    log.info(
        "%s: %d of %d features selected on %d objects; of the %d tested, %d kept and %d dropped",
        snakemake.wildcards.scope,
        len(selected),
        X.shape[1],
        len(X),
        counts["tested"],
        counts["kept"],
        counts["dropped"],
    )
    write_json(counts, snakemake.output.counts)
    relevance.to_csv(snakemake.output.relevance, sep="\t", index=False)
    write_lines(selected, snakemake.output.selected)
