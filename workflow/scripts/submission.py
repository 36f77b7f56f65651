"""The submission and the probabilities table, gathered from the test splits' probabilities at the threshold chosen
on the out-of-fold predictions, with the calibrated P(TDE) of the final scope's calibrator beside the raw score."""

import pandas as pd

from mallorn_tde.calibration import fit_calibrator
from mallorn_tde.io import read_json, read_table
from mallorn_tde.logs import logged
from mallorn_tde.predictions import gather_probabilities
from mallorn_tde.submission import read_sample_submission, submission_table

with logged(snakemake.log[0]) as log:
    proba = gather_probabilities(read_table(path) for path in snakemake.input.probabilities)
    threshold = read_json(snakemake.input.threshold)["threshold"]
    order = read_sample_submission(snakemake.input.sample_submission[0]) if snakemake.input.sample_submission else None
    inner = pd.read_csv(snakemake.input.inner)
    calibrator = fit_calibrator(inner["probability"], inner["target"], snakemake.params.calibration_method)
    submission, probabilities = submission_table(proba, threshold, order, calibrator)
    flagged = submission["prediction"] == 1
    log.info(
        "%d test objects of %d split(s), %d predicted TDE at threshold %.4f",
        len(submission),
        len(snakemake.input.probabilities),
        flagged.sum(),
        threshold,
    )
    log.info(
        "%s calibrator fitted on %d training objects (%d TDEs); sum of calibrated P(TDE): %.1f over all test "
        "objects, %.1f over the predicted TDEs",
        calibrator.method,
        calibrator.n_objects,
        calibrator.n_tde,
        probabilities["calibrated_probability"].sum(),
        probabilities.loc[flagged.to_numpy(), "calibrated_probability"].sum(),
    )
    probabilities.to_csv(snakemake.output.probabilities, index=False, float_format="%.10g")
    submission.to_csv(snakemake.output.submission, index=False)
