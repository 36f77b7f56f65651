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
        code=code_digest("fit_final.py"),
    script:
        "../scripts/fit_final.py"


# The test side travels per split from its lightcurves to its probabilities: one prediction job per test split
# reads the final model and that split's own tables (no job holds the whole test side's features, so none grows
# with it), and a change in one test split reruns only that split's jobs and the small gathering jobs. The
# threshold is applied by the gathering (submission), so the prediction jobs need only the final fit, not the
# whole cross-validation: on a cluster a test split's chain can start as soon as the final model is there.
rule predict:
    input:
        model=rules.fit_final.output.model,
        catalog=CATALOG.format(side="test", split="{split}"),
        features=expand(SET_FEATURES, set=config["features"]["sets"], side="test", allow_missing=True),
    output:
        SPLIT_PROBABILITIES,
    log:
        "results/logs/predict/{split}.log",
    benchmark:
        "results/benchmarks/predict/{split}.tsv"
    group:
        TEST_SPLIT_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        code=code_digest("predict.py"),
    script:
        "../scripts/predict.py"


# The submission and the probabilities table, in the sample submission's order, from the splits' probabilities
# (a column of floats per split: this job's memory is that of the object ids and their probabilities). The table
# gains the calibrated P(TDE) of the final scope's calibrator, fitted here on its inner probabilities (every
# training object); the submission is the raw score at the threshold, as before.
rule submission:
    input:
        probabilities=expand(SPLIT_PROBABILITIES, split=TEST_SPLITS),
        threshold=rules.metrics.output.threshold,
        sample_submission=sample_submission,
        inner=INNER_PROBABILITIES.format(scope=FINAL_SCOPE),
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
        "results/logs/submission.log",
    benchmark:
        "results/benchmarks/submission.tsv"
    group:
        RESULTS_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        calibration_method=config["calibration"]["method"],
        code=code_digest("submission.py"),
    script:
        "../scripts/submission.py"
