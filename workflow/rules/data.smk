# One job per split and side makes both of its tables: the catalogue (the split's log rows, validated, with the
# luminosity distances of its objects; their ids checked against the rest of their log and against the other log,
# which must share no object) and the ingested lightcurves, checked against those rows. The logs are read in
# chunks, so a job's memory does not grow with the survey (photometric-like training redshifts, an option, are
# drawn over the whole training log). They were two jobs; as one they save 40 process start-ups on the
# built-in run, where the catalogue jobs alone took 108 s of job time (2.7 s each, 1.8 s of it importing
# astropy, which the distances no longer use; the run at 7fcbef4), the largest fixed cost of that run. A real
# data set's logs are ancient() inputs and each job depends on its own split's rows through params
# (catalog_digest), so editing one object's redshift reruns that split's jobs only, and a test-log edit never
# refits the model.
rule ingest:
    input:
        unpack(log_inputs),
        lightcurves=lightcurve_file,
    output:
        catalog=CATALOG,
        lightcurves=LIGHTCURVES,
    log:
        "results/logs/ingest/{side}/{split}.log",
    benchmark:
        "results/benchmarks/ingest/{side}/{split}.tsv"
    priority: side_priority
    group:
        split_group
    conda:
        "../../envs/features.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        redshift=config["redshift"],
        rows=catalog_digest,
        code=code_digest("ingest.py"),
    script:
        "../scripts/ingest.py"
