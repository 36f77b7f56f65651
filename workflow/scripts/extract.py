"""Compute every configured feature set for one split and side, one table per set."""

import time

from mallorn_tde.features import SET_CPU_LINE, extract_with_progress
from mallorn_tde.io import read_table, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    settings = snakemake.params.settings
    lc = read_table(snakemake.input.lightcurves).reset_index()
    meta = read_table(snakemake.input.catalog)
    tables = {}
    for feature_set in settings["sets"]:  # in the order of the outputs
        started = time.process_time()
        tables[feature_set] = extract_with_progress(
            lc,
            meta,
            [feature_set],
            settings.get("tsfresh", "minimal"),
            snakemake.threads,
            log=log,
            tsfresh_series=settings.get("tsfresh_series", "raw"),
        )
        log.info(SET_CPU_LINE, feature_set, *tables[feature_set].shape, time.process_time() - started)
    # Every table is made before any is written, so a failing set leaves no other set's table behind.
    for table, path in zip(tables.values(), snakemake.output, strict=True):
        write_table(table, path)
