"""Validate one split's lightcurves, correct them for Milky Way dust and sort them by time."""

from mallorn_tde.ingest import ingest_split
from mallorn_tde.io import read_table, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    table, report = ingest_split(
        snakemake.input.lightcurves,
        read_table(snakemake.input.catalog),
        snakemake.params.log_file,
        snakemake.wildcards.split,
    )
    log.info(
        "%s: %d observations of %d objects, %d warning(s)",
        snakemake.input.lightcurves,
        len(table),
        table["object_id"].nunique(),
        len(report.warnings),
    )
    write_table(table.set_index("object_id"), snakemake.output[0])
