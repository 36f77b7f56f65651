# Both logs are validated once, into a catalogue per side with the luminosity distances of every object;
# the per-split jobs read the catalogue instead of re-validating the logs (and importing astropy) each time.
rule catalog:
    input:
        train_log=data_file("train_log.csv"),
        test_log=data_file("test_log.csv"),
    output:
        train="results/catalog/train.parquet",
        test="results/catalog/test.parquet",
    log:
        "results/logs/catalog.log",
    benchmark:
        "results/benchmarks/catalog.tsv"
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        redshift=config["redshift"],
        code=code_digest("build_catalog.py"),
    script:
        "../scripts/build_catalog.py"


rule ingest:
    input:
        lightcurves=lightcurve_file,
        catalog=ancient("results/catalog/{side}.parquet"),
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
    params:
        log_file=side_log,
        catalog=catalog_digest,
        code=code_digest("ingest_split.py"),
    script:
        "../scripts/ingest_split.py"
