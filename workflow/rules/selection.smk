rule select_features:
    input:
        features=TRAIN_FEATURES,
        folds=scope_folds,
    output:
        selected=SELECTED,
        relevance="results/model/{scope}/relevance.tsv",
        counts=SELECTION_COUNTS,
    log:
        "results/logs/select_features/{scope}.log",
    benchmark:
        "results/benchmarks/select_features/{scope}.tsv"
    priority: MODEL_CHAIN_PRIORITY
    group:
        MODEL_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        selection=config["selection"],
        code=code_digest("select_features.py"),
    script:
        "../scripts/select_features.py"
