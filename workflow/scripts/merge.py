"""Join the per-set, per-split feature tables of one side with the per-split catalogues' metadata."""

from mallorn_tde.features import merge_tables
from mallorn_tde.io import read_table, read_tables, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    meta = read_tables(snakemake.input.catalogs)
    merged = merge_tables(meta, {path: read_table(path) for path in snakemake.input.features})
    log.info("%s: %d objects x %d columns", snakemake.wildcards.side, *merged.shape)
    write_table(merged, snakemake.output[0])
