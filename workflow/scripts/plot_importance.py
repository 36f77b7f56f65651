"""Draw the final model's feature importance, the top features coloured by feature set."""

import pandas as pd

from mallorn_tde.logs import logged
from mallorn_tde.plots import importance_figure

with logged(snakemake.log[0]) as log:
    importance = pd.read_csv(snakemake.input[0])
    importance_figure(importance, snakemake.params.top).savefig(
        snakemake.output[0], dpi=snakemake.params.dpi, metadata={"Software": None}
    )
    log.info("%d features, top %d drawn", len(importance), min(len(importance), snakemake.params.top))
