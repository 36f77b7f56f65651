"""Write the built-in simulated MALLORN data set (see mallorn_tde.simulate)."""

from pathlib import Path

from mallorn_tde.logs import logged
from mallorn_tde.simulate import simulate_dataset

with logged(snakemake.log[0]) as log:
    p = snakemake.params.simulate
    out_dir = Path(snakemake.output.train_log).parent
    summary = simulate_dataset(out_dir, p["n_splits"], p["train_per_split"], p["test_per_split"], p["seed"])
    log.info("simulated data set in %s: %s", out_dir, summary)
