"""One test split's TDE probabilities from the final model, read from that split's own tables alone."""

import sys

# LightGBM imports scikit-learn whenever it finds it, for its estimator classes: about 1 CPU s in each of these
# jobs (one per test split), which use the Booster alone. Marked absent, it is not imported.
sys.modules["sklearn"] = None

from mallorn_tde.contract import format_ids  # noqa: E402
from mallorn_tde.io import write_table  # noqa: E402
from mallorn_tde.logs import logged  # noqa: E402
from mallorn_tde.model import load_models  # noqa: E402
from mallorn_tde.predictions import read_merged, split_probabilities, without_redshift  # noqa: E402

with logged(snakemake.log[0]) as log:
    table = read_merged([snakemake.input.catalog], snakemake.input.features)
    proba = split_probabilities(load_models(snakemake.input.model), table)
    without_z = without_redshift(table)
    if len(without_z):
        log.warning("%d test object(s) classified without a redshift: %s", len(without_z), format_ids(without_z))
    log.info("%s: %d test objects, highest probability %.4f", snakemake.wildcards.split, len(proba), proba.max())
    write_table(proba.to_frame(), snakemake.output[0])
