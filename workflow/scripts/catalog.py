"""One split's catalogue: its log rows, validated together with both whole logs, with luminosity distances."""

from mallorn_tde.catalog import split_catalog
from mallorn_tde.io import write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    redshift = snakemake.params.redshift
    side, split = snakemake.wildcards.side, snakemake.wildcards.split
    table = split_catalog(
        snakemake.input.train_log, snakemake.input.test_log, side, split, redshift["train"], redshift["seed"]
    )
    log.info("%s %s: %d objects; training redshifts: %s", side, split, len(table), redshift["train"])
    write_table(table, snakemake.output[0])
