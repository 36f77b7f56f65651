"""Compute the configured feature sets for one split and side."""

from mallorn_tde.features import extract_features
from mallorn_tde.io import read_table, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.features
    lc = read_table(snakemake.input.lightcurves).reset_index()
    meta = read_table(snakemake.input.catalog)
    meta = meta.loc[meta["split"] == snakemake.wildcards.split]
    features = extract_features(lc, meta, settings["sets"], settings["tsfresh"], snakemake.threads)
    log.info("%d objects x %d features (%s)", *features.shape, ", ".join(settings["sets"]))
    write_table(features, snakemake.output[0])
