"""Predict the test side with the final model at the threshold chosen on the out-of-fold predictions."""

import pandas as pd

from mallorn_tde.contract import format_ids
from mallorn_tde.io import read_json, read_table
from mallorn_tde.logs import logged
from mallorn_tde.model import load_models, predict
from mallorn_tde.selection import feature_matrix
from mallorn_tde.submission import read_sample_submission, submission_table

with logged(snakemake.log[0]) as log:
    test = read_table(snakemake.input.features)
    models = load_models(snakemake.input.model)
    threshold = read_json(snakemake.input.threshold)["threshold"]
    proba = pd.Series(predict(models, feature_matrix(test)), index=test.index, name="probability")
    order = read_sample_submission(snakemake.input.sample_submission[0]) if snakemake.input.sample_submission else None
    submission, probabilities = submission_table(proba, threshold, order)
    without_z = test.index[test["Z"].isna()] if "Z" in test else []
    if len(without_z):
        log.warning("%d test object(s) classified without a redshift: %s", len(without_z), format_ids(without_z))
    log.info(
        "%d test objects, %d predicted TDE at threshold %.4f",
        len(submission),
        submission["prediction"].sum(),
        threshold,
    )
    probabilities.to_csv(snakemake.output.probabilities, index=False, float_format="%.10g")
    submission.to_csv(snakemake.output.submission, index=False)
