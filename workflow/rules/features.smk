# One extraction job per split and side computes every configured feature set: the sets share the
# ingested table, and one process per job keeps the start-up cost (tsfresh's import alone takes seconds)
# paid once instead of once per set.
rule extract:
    input:
        lightcurves="results/lightcurves/{side}/{split}.parquet",
        catalog="results/catalog/{side}.parquet",
    output:
        "results/features/{side}/{split}.parquet",
    log:
        "results/logs/extract/{side}/{split}.log",
    benchmark:
        "results/benchmarks/extract/{side}/{split}.tsv"
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        features=config["features"],
    script:
        "../scripts/extract_features.py"


rule merge:
    input:
        features=split_features,
        catalog="results/catalog/{side}.parquet",
    output:
        "results/features/{side}.parquet",
    log:
        "results/logs/merge/{side}.log",
    benchmark:
        "results/benchmarks/merge/{side}.tsv"
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    script:
        "../scripts/merge_features.py"
