"""Draw the final model's feature importance, the top features coloured by feature set."""

import pandas as pd

from mallorn_tde.logs import logged
from mallorn_tde.plots import importance_figure, save_figure

with logged(snakemake.log[0]) as log:
    importance = pd.read_csv(snakemake.input[0])
    save_figure(importance_figure(importance, snakemake.params.top), snakemake.output[0], snakemake.params.dpi)
    log.info("%d features, top %d drawn", len(importance), min(len(importance), snakemake.params.top))
