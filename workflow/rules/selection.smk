rule select:
    input:
        features="results/features/train.parquet",
        folds=scope_folds,
    output:
        selected="results/model/{scope}/selected_features.txt",
        relevance="results/model/{scope}/relevance.tsv",
    params:
        selection=config["selection"],
    log:
        "results/logs/select/{scope}.log",
    benchmark:
        "results/benchmarks/select/{scope}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/model.yaml"
    script:
        "../scripts/select_features.py"
