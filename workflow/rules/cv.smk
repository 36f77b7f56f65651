rule folds:
    input:
        TRAIN_FEATURES,
    output:
        FOLD_TABLE,
    log:
        "results/logs/folds.log",
    benchmark:
        "results/benchmarks/folds.tsv"
    priority: MODEL_CHAIN_PRIORITY
    group:
        FOLDS_GROUP
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


# One job per outer fold (scope fold_k): the model of its training part predicts its held-out objects.
rule fit_predict_fold:
    input:
        features=TRAIN_FEATURES,
        folds=FOLD_TABLE,
        selected=SELECTED,
        tuning=TUNING,
    output:
        "results/cv/{scope}/oof.csv",
    log:
        "results/logs/fit_predict_fold/{scope}.log",
    benchmark:
        "results/benchmarks/fit_predict_fold/{scope}.tsv"
    wildcard_constraints:
        scope=FOLD_SCOPE_PATTERN,
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
        seed=config["model"]["seed"],
        objective=config["model"]["objective"],
        n_models=config["model"]["n_models"],
        code=code_digest("fit_predict_fold.py"),
    script:
        "../scripts/fit_predict_fold.py"


# The pooled out-of-fold metrics, and the final model's threshold (the F1-maximising cut of the pooled
# out-of-fold probabilities) in a file of its own: predict reads that, not the report; metrics.json repeats it.
# Each fold's calibrator is fitted here, on that fold's inner probabilities (its training part only), and applied
# to its held-out objects: a few milliseconds, so no job of its own, and a change of calibration reruns no fit.
rule metrics:
    input:
        oof=expand(rules.fit_predict_fold.output[0], scope=FOLD_SCOPES),
        selection=expand(SELECTION_COUNTS, scope=SCOPES),
        tuning=expand(TUNING, scope=FOLD_SCOPES),
        inner=expand(INNER_PROBABILITIES, scope=FOLD_SCOPES),
    output:
        metrics=report(
            "results/metrics.json",
            caption="../report/metrics.rst",
            category="1. Performance",
            subcategory="Metrics",
            labels={"item": "metrics.json"},
        ),
        oof="results/cv/oof_probabilities.csv",
        threshold="results/model/final/threshold.json",
    log:
        "results/logs/metrics.log",
    benchmark:
        "results/benchmarks/metrics.tsv"
    priority: MODEL_CHAIN_PRIORITY
    group:
        RESULTS_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        calibration=config["calibration"],
        n_test=test_side_size(),
        code=code_digest("metrics.py"),
    script:
        "../scripts/metrics.py"
