"""Draw the cross-validation figure of the report."""

import json

import pandas as pd

from mallorn_tde.logs import logged
from mallorn_tde.plots import cv_figure

with logged(snakemake.log[0]):
    oof = pd.read_csv(snakemake.input.oof)
    with open(snakemake.input.metrics) as handle:
        metrics = json.load(handle)
    cv_figure(oof, metrics).savefig(snakemake.output[0], dpi=110, metadata={"Software": None})
