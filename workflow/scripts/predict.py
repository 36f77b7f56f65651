"""One test split's TDE probabilities from the final model, read from that split's own tables alone."""

import mallorn_tde.booster_only  # noqa: F401  (first: LightGBM without scikit-learn)
from mallorn_tde.contract import format_ids
from mallorn_tde.io import write_table
from mallorn_tde.logs import logged
from mallorn_tde.model import load_models
from mallorn_tde.predictions import read_merged, split_probabilities, without_redshift

with logged(snakemake.log[0]) as log:
    table = read_merged([snakemake.input.catalog], snakemake.input.features)
    proba = split_probabilities(load_models(snakemake.input.model), table)
    without_z = without_redshift(table)
    if len(without_z):
        log.warning("%d test object(s) classified without a redshift: %s", len(without_z), format_ids(without_z))
    log.info("%s: %d test objects, highest probability %.4f", snakemake.wildcards.split, len(proba), proba.max())
    write_table(proba.to_frame(), snakemake.output[0])
