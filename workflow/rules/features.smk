# One extraction job per split and side computes every configured set and writes each set's table. One job
# per set as well would cache each set's tables on their own (an edit of physics.py would not recompute the
# GP), at the price of a process start-up per set, split and side: about a second of imports (pandas, pyarrow,
# Snakemake's script support) each, more than the physics set's own work on a split (BENCHMARKS.md).
rule extract:
    input:
        lightcurves=LIGHTCURVES,
        catalog=CATALOG,
    output:
        expand(SET_FEATURES, set=config["features"]["sets"], allow_missing=True),
    log:
        "results/logs/extract/{side}/{split}.log",
    benchmark:
        "results/benchmarks/extract/{side}/{split}.tsv"
    priority: side_priority
    group:
        split_group
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        settings=extraction_settings(),
        code=extract_code(),
    script:
        "../scripts/extract.py"


# A run merges the training side only: the test side stays per split up to its probabilities (predict.smk), as a
# merged test table would hold every test object's features in one job. `snakemake results/features/test.parquet`
# still makes it, for a look by hand.
rule merge:
    input:
        features=split_features,
        catalogs=split_catalogs,
    output:
        FEATURES,
    log:
        "results/logs/merge/{side}.log",
    benchmark:
        "results/benchmarks/merge/{side}.tsv"
    priority: side_priority
    group:
        FOLDS_GROUP
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        code=code_digest("merge.py"),
    script:
        "../scripts/merge.py"
