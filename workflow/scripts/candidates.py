"""The report's candidates table: test objects ranked by the raw TDE score, with the calibrated P(TDE), the TDEs
expected down the list, and what drives each score."""

import pandas as pd

import mallorn_tde.booster_only  # noqa: F401  (first: LightGBM without scikit-learn)
from mallorn_tde.io import read_json
from mallorn_tde.logs import logged
from mallorn_tde.model import load_models
from mallorn_tde.predictions import candidate_rows, files_by_split
from mallorn_tde.report import candidates_html, candidates_table, drivers_text, tde_contributions
from mallorn_tde.selection import feature_matrix

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.candidates
    probabilities = pd.read_csv(snakemake.input.probabilities)
    threshold = read_json(snakemake.input.threshold)["threshold"]
    models = load_models(snakemake.input.model)
    top_features = pd.read_csv(snakemake.input.importance)["feature"].head(settings["top_features"]).tolist()
    ranked = probabilities.sort_values("probability", ascending=False, kind="mergesort")["object_id"]
    n_rows = max(int((probabilities["probability"] >= threshold).sum()), settings["min_rows"])
    # The shown objects' own rows of the test splits' tables, not the whole test side's.
    test = candidate_rows(files_by_split(snakemake.input.catalogs, snakemake.input.features), ranked.head(n_rows))
    X = feature_matrix(test)
    drivers = drivers_text(tde_contributions(models, X), X, settings["drivers"])
    table = candidates_table(probabilities, test, threshold, drivers, top_features, settings["min_rows"])
    with open(snakemake.output[0], "w") as handle:
        expected = probabilities["calibrated_probability"].sum()
        handle.write(candidates_html(table, threshold, len(probabilities), top_features, expected))
    log.info(
        "%d candidates listed, %d at or above the threshold %.4f", len(table), table["predicted TDE"].sum(), threshold
    )
