"""Write metrics.json as the report's metrics table, with how each number was obtained."""

import json

from mallorn_tde.logs import logged
from mallorn_tde.report import metrics_html

with logged(snakemake.log[0]) as log:
    with open(snakemake.input[0]) as handle:
        metrics = json.load(handle)
    with open(snakemake.output[0], "w") as handle:
        handle.write(metrics_html(metrics))
    log.info("F1 %.4f over %d folds", metrics["f1"], len(metrics["per_fold"]))
