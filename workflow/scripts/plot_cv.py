"""The report's cross-validation figures: precision-recall, F1 against threshold, confusions, scores by class,
the reliability of the calibrated probabilities and the purity and yield of the ranked list."""

import pandas as pd

from mallorn_tde.io import read_columns, read_json
from mallorn_tde.logs import logged
from mallorn_tde.plots import (
    confusion_figure,
    f1_threshold_figure,
    pr_curve_figure,
    purity_yield_figure,
    reliability_figure,
    save_figure,
    scores_by_spectype_figure,
)

with logged(snakemake.log[0]) as log:
    oof = pd.read_csv(snakemake.input.oof)
    metrics = read_json(snakemake.input.metrics)
    spec_type = read_columns(snakemake.input.train, ["SpecType"])["SpecType"]
    figures = {
        "precision_recall": pr_curve_figure(oof, metrics),
        "f1_threshold": f1_threshold_figure(oof, metrics),
        "confusion": confusion_figure(oof, metrics),
        "scores_by_spectype": scores_by_spectype_figure(oof, spec_type, metrics),
        "reliability": reliability_figure(oof, metrics),
        "purity_yield": purity_yield_figure(oof, metrics),
    }
    for name, figure in figures.items():
        save_figure(figure, snakemake.output[name], snakemake.params.dpi)
        log.info("wrote %s", snakemake.output[name])
