# One extraction job per feature set, split and side: a change in one set's code or settings recomputes
# that set only (tsfresh is by far the slowest), and every set's tables are cached for comparisons. Each
# job imports only its own set's libraries, so the fast sets do not pay tsfresh's start-up.
rule extract:
    input:
        lightcurves=LIGHTCURVES,
        catalog=CATALOG,
    output:
        SET_FEATURES,
    log:
        "results/logs/extract/{set}/{side}/{split}.log",
    benchmark:
        "results/benchmarks/extract/{set}/{side}/{split}.tsv"
    priority: side_priority
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        settings=extraction_settings,
        code=extract_code,
    script:
        "../scripts/extract.py"


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
