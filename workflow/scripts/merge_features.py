"""Join the per-split feature tables of one side with the catalogue's metadata."""

import pandas as pd

from mallorn_tde.io import read_table, write_table
from mallorn_tde.logs import logged

with logged(snakemake.log[0]) as log:
    meta = read_table(snakemake.input.catalog)
    features = pd.concat([read_table(p) for p in snakemake.input.features])
    keep = ["Z", "EBV", "Z_err", "split"] + (["target"] if "target" in meta.columns else [])
    merged = meta[keep].join(features, how="left")
    log.info("%s: %d objects x %d columns", snakemake.wildcards.side, *merged.shape)
    write_table(merged, snakemake.output[0])
