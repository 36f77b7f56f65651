rule select_features:
    input:
        features="results/features/train.parquet",
        folds=scope_folds,
    output:
        selected="results/model/{scope}/selected_features.txt",
        relevance="results/model/{scope}/relevance.tsv",
    log:
        "results/logs/select_features/{scope}.log",
    benchmark:
        "results/benchmarks/select_features/{scope}.tsv"
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
