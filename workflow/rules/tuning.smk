# The Optuna study of each scope is kept in results/optuna/{scope}.sqlite3 (not a declared output, so
# Snakemake does not delete it when a job is killed): a rerun resumes the study where it stopped.
rule tune:
    input:
        features="results/features/train.parquet",
        folds=scope_folds,
        selected="results/model/{scope}/selected_features.txt",
    output:
        "results/model/{scope}/tuning.json",
    log:
        "results/logs/tune/{scope}.log",
    benchmark:
        "results/benchmarks/tune/{scope}.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        tuning=config["tuning"],
        objective=config["model"]["objective"],
        storage="results/optuna/{scope}.sqlite3",
        code=code_digest("tune_model.py"),
    script:
        "../scripts/tune_model.py"
