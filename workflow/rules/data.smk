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
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/ingest_split.py"
