"""Join the per-set, per-split feature tables of one side with the per-split catalogues' metadata."""

from mallorn_tde.io import write_table
from mallorn_tde.logs import logged
from mallorn_tde.predictions import split_table

with logged(snakemake.log[0]) as log:
    merged = split_table(snakemake.input.catalogs, snakemake.input.features)
    log.info("%s: %d objects x %d columns", snakemake.wildcards.side, *merged.shape)
    write_table(merged, snakemake.output[0])
