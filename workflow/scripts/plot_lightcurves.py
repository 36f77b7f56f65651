"""Draw the lightcurves of the best test candidates and of the worst out-of-fold mistakes, with the GP's curves."""

import pandas as pd

from mallorn_tde.constants import SIDES
from mallorn_tde.io import read_tables
from mallorn_tde.lightcurve_panels import lightcurve_view, read_lightcurves, top_test_objects, worst_errors
from mallorn_tde.logs import logged
from mallorn_tde.pages import probability_text
from mallorn_tde.plots import lightcurves_figure, save_figure

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.lightcurves
    window = tuple(settings["window"])
    test_probabilities = pd.read_csv(snakemake.input.probabilities)
    oof = pd.read_csv(snakemake.input.oof)
    catalog = {side: read_tables(snakemake.input[f"{side}_catalog"]) for side in SIDES}
    false_positives, false_negatives = worst_errors(oof, settings["errors"])
    groups = {
        "candidates": ("test", top_test_objects(test_probabilities, settings["candidates"])),
        "false_positives": ("train", false_positives),
        "false_negatives": ("train", false_negatives),
    }
    titles = {
        "candidates": f"The {settings['candidates']} test objects of highest TDE probability",
        "false_positives": "Worst out-of-fold false positives: non-TDEs of highest out-of-fold TDE probability",
        "false_negatives": "Worst out-of-fold false negatives: TDEs of lowest out-of-fold TDE probability",
    }
    for name, (side, objects) in groups.items():
        lightcurves = read_lightcurves(snakemake.input[f"{side}_lightcurves"], objects["object_id"])
        panels = []
        for row in objects.itertuples(index=False):
            meta = catalog[side].loc[row.object_id]
            view = lightcurve_view(
                lightcurves[lightcurves["object_id"] == row.object_id], meta["Z"], snakemake.params.model, window
            )
            title = f"{row.object_id}\nP(TDE) {probability_text(row.probability)}, z {meta['Z']:.3f}"
            if side == "train":
                title = (
                    f"{row.object_id} ({meta['SpecType']})\nout-of-fold P(TDE) {probability_text(row.probability)} "
                    f"(fold {row.fold}), z {meta['Z']:.3f}"
                )
            panels.append((view, title))
            log.info(
                "%s: %s, %d observations, model %s", name, row.object_id, len(view["t"]), view["model"] is not None
            )
        figure = lightcurves_figure(panels, titles[name], window)
        save_figure(figure, snakemake.output[name], snakemake.params.dpi)
