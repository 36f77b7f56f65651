# One catalogue per split and side: the split's log rows, validated (with both whole logs, which must share
# no object), with the luminosity distances of its objects. A real data set's logs are ancient() inputs and
# each job depends on its own split's rows through params (catalog_digest), so editing one object's
# redshift reruns that split's jobs only, and a test-log edit never refits the model.
rule catalog:
    input:
        unpack(log_inputs),
    output:
        CATALOG,
    log:
        "results/logs/catalog/{side}/{split}.log",
    benchmark:
        "results/benchmarks/catalog/{side}/{split}.tsv"
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        redshift=config["redshift"],
        rows=catalog_digest,
        code=code_digest("catalog.py"),
    script:
        "../scripts/catalog.py"


rule ingest:
    input:
        lightcurves=lightcurve_file,
        catalog=CATALOG,
    output:
        LIGHTCURVES,
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
        code=code_digest("ingest.py"),
    script:
        "../scripts/ingest.py"
