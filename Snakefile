# mallorn-tde: find Tidal Disruption Events among MALLORN (simulated LSST) lightcurves.
# This file is the table of contents; each stage lives in its own rules file.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/cv.smk"
include: "workflow/rules/selection.smk"
include: "workflow/rules/tuning.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        rules.submission.output.submission,
        rules.submission.output.probabilities,
        rules.metrics.output.metrics,
        rules.plot_cv.output,
        rules.metrics_table.output,
        rules.candidates.output,
        rules.plot_candidate_lightcurves.output,
        rules.plot_error_lightcurves.output,
        rules.plot_importance.output,
        rules.data_summary.output,
        rules.runtime.output,
