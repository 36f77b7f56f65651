"""Pool the out-of-fold predictions into metrics.json, with how each number was obtained, and write the final
model's threshold (the F1-maximising cut of the pooled out-of-fold probabilities) to a file of its own."""

from pathlib import Path

import pandas as pd

from mallorn_tde.evaluation import cv_metrics
from mallorn_tde.io import read_json, write_json
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    oof = pd.concat([pd.read_csv(p) for p in snakemake.input.oof]).sort_values("object_id", kind="mergesort")
    selection = {Path(p).parent.name: read_json(p) for p in snakemake.input.selection}
    thresholds = {Path(p).parent.name: read_json(p)["threshold"] for p in snakemake.input.tuning}
    metrics = cv_metrics(oof, selection, thresholds)
    log.info(
        "pooled out-of-fold F1 %.4f (fold mean %.4f +- %.4f)",
        metrics["f1"],
        metrics["f1_fold_mean"],
        metrics["f1_fold_std"],
    )
    oof.to_csv(snakemake.output.oof, index=False, float_format="%.10g")
    write_json(metrics, snakemake.output.metrics)
    write_json({"threshold": metrics["threshold"], "how": metrics["how"]["threshold"]}, snakemake.output.threshold)
