"""One split and side: its catalogue (its log rows, validated, checked against both logs read in chunks, with
luminosity distances), then its lightcurves validated against those rows, corrected for Milky Way dust and sorted
by time."""

from mallorn_tde.catalog import split_catalog
from mallorn_tde.ingest import ingest_split
from mallorn_tde.io import write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    redshift = snakemake.params.redshift
    side, split = snakemake.wildcards.side, snakemake.wildcards.split
    catalog = split_catalog(
        snakemake.input.train_log, snakemake.input.test_log, side, split, redshift["train"], redshift["seed"]
    )
    log.info("%s %s: %d objects; training redshifts: %s", side, split, len(catalog), redshift["train"])
    side_log = getattr(snakemake.input, f"{side}_log")  # named in the messages about its rows
    table, report = ingest_split(snakemake.input.lightcurves, catalog, side_log, split)
    log.info(
        "%s: %d observations of %d objects, %d warning(s)",
        snakemake.input.lightcurves,
        len(table),
        table["object_id"].nunique(),
        len(report.warnings),
    )
    # Both tables are made before either is written, so a split whose lightcurves fail leaves no catalogue.
    write_table(catalog, snakemake.output.catalog)
    write_table(table.set_index("object_id"), snakemake.output.lightcurves)
