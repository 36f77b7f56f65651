"""The report's runtime table: wall-clock, CPU time and memory per rule, from the jobs' benchmark files and logs."""

from mallorn_tde.logs import logged
from mallorn_tde.report import read_benchmarks, runtime_html, runtime_table

with logged(snakemake.log[0]) as log:
    benchmarks = read_benchmarks(snakemake.params.benchmarks, snakemake.params.exclude, snakemake.params.logs)
    table = runtime_table(benchmarks)
    with open(snakemake.output[0], "w") as handle:
        handle.write(runtime_html(table))
    log.info("%d benchmark files in %d job groups", len(benchmarks), len(table) - 1)
