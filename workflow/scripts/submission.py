"""The submission and the probabilities table, gathered from the test splits' probabilities at the threshold chosen
on the out-of-fold predictions."""

from mallorn_tde.io import read_json, read_table
from mallorn_tde.logs import logged
from mallorn_tde.predictions import gather_probabilities
from mallorn_tde.submission import read_sample_submission, submission_table

with logged(snakemake.log[0]) as log:
    proba = gather_probabilities(read_table(path) for path in snakemake.input.probabilities)
    threshold = read_json(snakemake.input.threshold)["threshold"]
    order = read_sample_submission(snakemake.input.sample_submission[0]) if snakemake.input.sample_submission else None
    submission, probabilities = submission_table(proba, threshold, order)
    log.info(
        "%d test objects of %d split(s), %d predicted TDE at threshold %.4f",
        len(submission),
        len(snakemake.input.probabilities),
        submission["prediction"].sum(),
        threshold,
    )
    probabilities.to_csv(snakemake.output.probabilities, index=False, float_format="%.10g")
    submission.to_csv(snakemake.output.submission, index=False)
