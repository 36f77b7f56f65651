"""Validate both logs once and add the luminosity distances of every object."""

from mallorn_tde.catalog import build_catalog
from mallorn_tde.io import write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    redshift = snakemake.params.redshift
    catalog = build_catalog(snakemake.input.train_log, snakemake.input.test_log, redshift["train"], redshift["seed"])
    for side, table in catalog.items():
        log.info("%s: %d objects in %d splits", side, len(table), table["split"].nunique())
        write_table(table, snakemake.output[side])
    log.info("training redshifts: %s", redshift["train"])
