# The Optuna study of each scope is kept in the journal results/optuna/{scope}.journal (not a declared
# output, so Snakemake does not delete it when a job is killed or fails): a rerun, or Snakemake's retry of a
# failed cluster job, resumes the study where it stopped. A journal, unlike SQLite, is safe on the shared
# filesystem of a cluster.
rule tune:
    input:
        features=TRAIN_FEATURES,
        folds=scope_folds,
        selected=SELECTED,
    output:
        tuning=TUNING,
        inner=INNER_PROBABILITIES,
    log:
        "results/logs/tune/{scope}.log",
    benchmark:
        "results/benchmarks/tune/{scope}.tsv"
    priority: MODEL_CHAIN_PRIORITY
    group:
        MODEL_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        tuning=config["tuning"],
        objective=config["model"]["objective"],
        storage="results/optuna/{scope}.journal",
        code=code_digest("tune.py"),
    script:
        "../scripts/tune.py"
