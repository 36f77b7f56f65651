"""Draw the lightcurves of the test objects of highest TDE probability, with the GP's curves."""

import pandas as pd

from mallorn_tde.io import read_rows
from mallorn_tde.lightcurve_panels import object_panels, read_lightcurves, top_test_objects
from mallorn_tde.logs import logged
from mallorn_tde.plots import lightcurves_figure, save_figure

with logged(snakemake.log[0]):
    settings = snakemake.params.lightcurves
    window = tuple(settings["window"])
    objects = top_test_objects(pd.read_csv(snakemake.input.probabilities), settings["candidates"])
    lightcurves = read_lightcurves(snakemake.input.lightcurves, objects["object_id"])
    catalog = pd.concat([read_rows(path, objects["object_id"]) for path in snakemake.input.catalog])
    panels = object_panels(objects, lightcurves, catalog, snakemake.params.model, window, out_of_fold=False)
    title = f"The {settings['candidates']} test objects of highest TDE probability"
    save_figure(lightcurves_figure(panels, title, window), snakemake.output.candidates, snakemake.params.dpi)
