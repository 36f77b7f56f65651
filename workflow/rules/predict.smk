rule fit_final:
    input:
        features=TRAIN_FEATURES,
        selected=SELECTED.format(scope=FINAL_SCOPE),
        tuning=TUNING.format(scope=FINAL_SCOPE),
    output:
        model="results/model/final/model.txt",
        importance="results/model/final/importance.csv",
    log:
        "results/logs/fit_final.log",
    benchmark:
        "results/benchmarks/fit_final.tsv"
    priority: MODEL_CHAIN_PRIORITY
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
        code=code_digest("fit_final.py"),
    script:
        "../scripts/fit_final.py"


rule predict:
    input:
        model=rules.fit_final.output.model,
        features=TEST_FEATURES,
        threshold=rules.metrics.output.threshold,
        sample_submission=sample_submission,
    output:
        submission=report(
            "results/submission.csv",
            caption="../report/submission.rst",
            category="2. Candidates",
            subcategory="Ranked test objects",
            labels={"item": "Submission"},
        ),
        probabilities="results/test_probabilities.csv",
    log:
        "results/logs/predict.log",
    benchmark:
        "results/benchmarks/predict.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        code=code_digest("predict.py"),
    script:
        "../scripts/predict.py"
