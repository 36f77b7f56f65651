rule folds:
    input:
        "results/features/train.parquet",
    output:
        "results/cv/folds.tsv",
    log:
        "results/logs/folds.log",
    benchmark:
        "results/benchmarks/folds.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        cv=config["cv"],
        code=code_digest("folds.py"),
    script:
        "../scripts/folds.py"


rule fit_predict_fold:
    input:
        features="results/features/train.parquet",
        folds="results/cv/folds.tsv",
        selected="results/model/fold_{fold}/selected_features.txt",
        tuning="results/model/fold_{fold}/tuning.json",
    output:
        "results/cv/fold_{fold}/oof.csv",
    log:
        "results/logs/fit_predict_fold/fold_{fold}.log",
    benchmark:
        "results/benchmarks/fit_predict_fold/fold_{fold}.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        seed=config["model"]["seed"],
        objective=config["model"]["objective"],
        code=code_digest("fit_predict_fold.py"),
    script:
        "../scripts/fit_predict_fold.py"


rule metrics:
    input:
        oof=expand("results/cv/fold_{fold}/oof.csv", fold=FOLDS),
        selected=expand("results/model/{scope}/selected_features.txt", scope=SCOPES),
        tuning=expand("results/model/fold_{fold}/tuning.json", fold=FOLDS),
    output:
        metrics=report(
            "results/metrics.json",
            caption="../report/metrics.rst",
            category="1. Performance",
            subcategory="Metrics",
            labels={"item": "metrics.json"},
        ),
        oof="results/cv/oof_probabilities.csv",
    log:
        "results/logs/metrics.log",
    benchmark:
        "results/benchmarks/metrics.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        code=code_digest("metrics.py"),
    script:
        "../scripts/metrics.py"
