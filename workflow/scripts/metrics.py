"""Pool the out-of-fold predictions into metrics.json, with how each number was obtained, and write the final
model's threshold (the F1-maximising cut of the pooled out-of-fold probabilities) to a file of its own. Each
fold's held-out scores are calibrated by a calibrator fitted on that fold's inner probabilities."""

from pathlib import Path

import pandas as pd

from mallorn_tde.calibration import with_calibration
from mallorn_tde.evaluation import cv_metrics
from mallorn_tde.io import read_json, write_json
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    oof = pd.concat([pd.read_csv(p) for p in snakemake.input.oof]).sort_values("object_id", kind="mergesort")
    oof = oof.reset_index(drop=True)
    selection = {Path(p).parent.name: read_json(p) for p in snakemake.input.selection}
    thresholds = {Path(p).parent.name: read_json(p)["threshold"] for p in snakemake.input.tuning}
    inner = {Path(p).parent.name: pd.read_csv(p) for p in snakemake.input.inner}
    settings = snakemake.params.calibration
    oof["calibrated_probability"], metrics = with_calibration(
        cv_metrics(oof, selection, thresholds),
        oof,
        inner,
        settings["method"],
        snakemake.params.n_test,
        settings["list_lengths"],
    )
    log.info(
        "pooled out-of-fold F1 %.4f (fold mean %.4f +- %.4f)",
        metrics["f1"],
        metrics["f1_fold_mean"],
        metrics["f1_fold_std"],
    )
    log.info(
        "%s calibration: Brier %.4f (raw %.4f), ECE %.4f (raw %.4f), AP %.4f (raw %.4f)",
        metrics["calibration_method"],
        metrics["brier_calibrated"],
        metrics["brier_raw"],
        metrics["ece_calibrated"],
        metrics["ece_raw"],
        metrics["average_precision_calibrated"],
        metrics["average_precision"],
    )
    oof.to_csv(snakemake.output.oof, index=False, float_format="%.10g")
    write_json(metrics, snakemake.output.metrics)
    write_json({"threshold": metrics["threshold"], "how": metrics["how"]["threshold"]}, snakemake.output.threshold)
