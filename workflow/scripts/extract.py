"""Compute one feature set for one split and side."""

from mallorn_tde.features import extract_with_progress
from mallorn_tde.io import read_table, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    feature_set = snakemake.wildcards.set
    lc = read_table(snakemake.input.lightcurves).reset_index()
    meta = read_table(snakemake.input.catalog)
    tsfresh_settings = snakemake.params.settings.get("tsfresh", "minimal")
    features = extract_with_progress(lc, meta, [feature_set], tsfresh_settings, snakemake.threads, log=log)
    log.info("%s: %d objects x %d features", feature_set, *features.shape)
    write_table(features, snakemake.output[0])
