"""Draw the lightcurves of the cross-validation's most confident mistakes, with the GP's curves."""

import pandas as pd

from mallorn_tde.io import read_tables
from mallorn_tde.lightcurve_panels import object_panels, read_lightcurves, worst_errors
from mallorn_tde.logs import logged
from mallorn_tde.plots import lightcurves_figure, save_figure

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.lightcurves
    window = tuple(settings["window"])
    false_positives, false_negatives = worst_errors(pd.read_csv(snakemake.input.oof), settings["errors"])
    groups = {
        "false_positives": (
            false_positives,
            "Worst out-of-fold false positives: non-TDEs of highest out-of-fold TDE probability",
        ),
        "false_negatives": (
            false_negatives,
            "Worst out-of-fold false negatives: TDEs of lowest out-of-fold TDE probability",
        ),
    }
    ids = pd.concat([false_positives["object_id"], false_negatives["object_id"]])
    lightcurves = read_lightcurves(snakemake.input.lightcurves, ids)
    catalog = read_tables(snakemake.input.catalog)
    for name, (objects, title) in groups.items():
        log.info("%s: %d objects", name, len(objects))  # object_panels logs each of them
        panels = object_panels(objects, lightcurves, catalog, snakemake.params.model, window, out_of_fold=True)
        save_figure(lightcurves_figure(panels, title, window), snakemake.output[name], snakemake.params.dpi)
