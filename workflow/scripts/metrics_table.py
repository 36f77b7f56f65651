"""Write metrics.json as the report's metrics table, with how each number was obtained."""

from mallorn_tde.io import read_json
from mallorn_tde.logs import logged
from mallorn_tde.report import metrics_html

with logged(snakemake.log[0]) as log:
    metrics = read_json(snakemake.input[0])
    with open(snakemake.output[0], "w") as handle:
        handle.write(metrics_html(metrics))
    log.info("F1 %.4f over %d folds", metrics["f1"], len(metrics["per_fold"]))
