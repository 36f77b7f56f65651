"""Assign every training object to one outer cross-validation fold, stratified by class."""

from mallorn_tde.evaluation import assign_folds
from mallorn_tde.io import read_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    cv = snakemake.params.cv
    train = read_table(snakemake.input[0])
    folds = assign_folds(train["target"], cv["n_folds"], cv["seed"])
    log.info("TDEs per fold: %s", folds.groupby("fold")["target"].sum().to_dict())
    folds.to_csv(snakemake.output[0], sep="\t", index=False)
