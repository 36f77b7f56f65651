"""Predict the test side with the final model at the threshold chosen on the out-of-fold predictions."""

import pandas as pd

from mallorn_tde.io import read_json, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import load_models, predict
from mallorn_tde.selection import feature_matrix
from mallorn_tde.submission import submission_table

with logged(snakemake.log[0]) as log:
    test = read_table(snakemake.input.features)
    models = load_models(snakemake.input.model)
    threshold = read_json(snakemake.input.threshold)["threshold"]
    proba = pd.Series(predict(models, feature_matrix(test)), index=test.index, name="probability")
    order = (
        pd.read_csv(snakemake.input.sample_submission[0])["object_id"] if snakemake.input.sample_submission else None
    )
    submission, probabilities = submission_table(proba, threshold, order)
    log.info(
        "%d test objects, %d predicted TDE at threshold %.4f",
        len(submission),
        submission["prediction"].sum(),
        threshold,
    )
    probabilities.to_csv(snakemake.output.probabilities, index=False, float_format="%.10g")
    submission.to_csv(snakemake.output.submission, index=False)
