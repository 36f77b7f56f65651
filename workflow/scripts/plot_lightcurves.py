"""Draw lightcurves with the GP's curves: the best test candidates (rule plot_candidate_lightcurves) or the worst
out-of-fold mistakes (rule plot_error_lightcurves), as the rule's input says."""

import pandas as pd

from mallorn_tde.io import read_tables
from mallorn_tde.lightcurve_panels import lightcurve_view, read_lightcurves, top_test_objects, worst_errors
from mallorn_tde.logs import logged
from mallorn_tde.pages import probability_text
from mallorn_tde.plots import lightcurves_figure, save_figure

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.lightcurves
    window = tuple(settings["window"])
    out_of_fold = "oof" in snakemake.input.keys()  # the training side's mistakes, else the test candidates
    if out_of_fold:
        false_positives, false_negatives = worst_errors(pd.read_csv(snakemake.input.oof), settings["errors"])
        groups = {"false_positives": false_positives, "false_negatives": false_negatives}
    else:
        probabilities = pd.read_csv(snakemake.input.probabilities)
        groups = {"candidates": top_test_objects(probabilities, settings["candidates"])}
    titles = {
        "candidates": f"The {settings['candidates']} test objects of highest TDE probability",
        "false_positives": "Worst out-of-fold false positives: non-TDEs of highest out-of-fold TDE probability",
        "false_negatives": "Worst out-of-fold false negatives: TDEs of lowest out-of-fold TDE probability",
    }
    catalog = read_tables(snakemake.input.catalog)
    lightcurves = read_lightcurves(snakemake.input.lightcurves, pd.concat(groups.values())["object_id"])
    for name, objects in groups.items():
        panels = []
        for row in objects.itertuples(index=False):
            meta = catalog.loc[row.object_id]
            view = lightcurve_view(
                lightcurves[lightcurves["object_id"] == row.object_id], meta["Z"], snakemake.params.model, window
            )
            title = f"{row.object_id}\nP(TDE) {probability_text(row.probability)}, z {meta['Z']:.3f}"
            if out_of_fold:
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
