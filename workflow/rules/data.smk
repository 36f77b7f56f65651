rule ingest:
    input:
        lightcurves=lightcurve_file,
        train_log=data_file("train_log.csv"),
        test_log=data_file("test_log.csv"),
    output:
        "results/lightcurves/{side}/{split}.parquet",
    log:
        "results/logs/ingest/{side}/{split}.log",
    benchmark:
        "results/benchmarks/ingest/{side}/{split}.tsv"
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/ingest_split.py"
