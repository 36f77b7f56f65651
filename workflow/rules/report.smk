# What a scientist reads: every figure and table below is an item of `snakemake --report`, in five
# categories (numbered, as the report orders them by name). Each rule is cheap (seconds; the lightcurve
# figures fit one GP per object shown), and all of them are in `rule all`, so a run leaves the report ready.
rule plot_cv:
    input:
        oof=rules.metrics.output.oof,
        metrics=rules.metrics.output.metrics,
        train=TRAIN_FEATURES,
    output:
        precision_recall=report(
            "results/report/precision_recall.png",
            caption="../report/precision_recall.rst",
            category="1. Performance",
            subcategory="Curves",
            labels={"item": "Precision-recall curve"},
        ),
        f1_threshold=report(
            "results/report/f1_threshold.png",
            caption="../report/f1_threshold.rst",
            category="1. Performance",
            subcategory="Curves",
            labels={"item": "F1 against threshold"},
        ),
        confusion=report(
            "results/report/confusion_matrix.png",
            caption="../report/confusion_matrix.rst",
            category="1. Performance",
            subcategory="Mistakes",
            labels={"item": "Confusion matrix"},
        ),
        scores_by_spectype=report(
            "results/report/scores_by_spectype.png",
            caption="../report/scores_by_spectype.rst",
            category="1. Performance",
            subcategory="Mistakes",
            labels={"item": "Scores per SpecType"},
        ),
        reliability=report(
            "results/report/reliability.png",
            caption="../report/reliability.rst",
            category="1. Performance",
            subcategory="Calibration and yield",
            labels={"item": "Reliability diagram"},
        ),
        purity_yield=report(
            "results/report/purity_yield.png",
            caption="../report/purity_yield.rst",
            category="1. Performance",
            subcategory="Calibration and yield",
            labels={"item": "Purity and yield"},
        ),
    log:
        "results/logs/plot_cv.log",
    benchmark:
        "results/benchmarks/plot_cv.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        dpi=100,
        code=code_digest("plot_cv.py"),
    script:
        "../scripts/plot_cv.py"


rule metrics_table:
    input:
        rules.metrics.output.metrics,
    output:
        report(
            "results/report/metrics.html",
            caption="../report/metrics_table.rst",
            category="1. Performance",
            subcategory="Metrics",
            labels={"item": "Metrics table"},
        ),
    log:
        "results/logs/metrics_table.log",
    benchmark:
        "results/benchmarks/metrics_table.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=code_digest("metrics_table.py"),
    script:
        "../scripts/metrics_table.py"


rule candidates:
    input:
        probabilities=rules.submission.output.probabilities,
        # The candidates' own rows are read from the per-split tables (mallorn_tde.predictions.candidate_rows).
        catalogs=expand(CATALOG, side="test", split=TEST_SPLITS),
        features=expand(SET_FEATURES, set=config["features"]["sets"], side="test", split=TEST_SPLITS),
        model=rules.fit_final.output.model,
        importance=rules.fit_final.output.importance,
        threshold=rules.metrics.output.threshold,
    output:
        report(
            "results/report/candidates.html",
            caption="../report/candidates.rst",
            category="2. Candidates",
            subcategory="Ranked test objects",
            labels={"item": "Candidates table"},
        ),
    log:
        "results/logs/candidates.log",
    benchmark:
        "results/benchmarks/candidates.tsv"
    group:
        RESULTS_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        candidates={"min_rows": config["report"]["table_rows"], "drivers": 3, "top_features": 5},
        code=code_digest("candidates.py"),
    script:
        "../scripts/candidates.py"


# The lightcurve figures are two jobs: the mistakes need only the cross-validation, so they are drawn while the
# test side is still being extracted, and a test split's new data redraws only the candidates.
rule plot_candidate_lightcurves:
    input:
        probabilities=rules.submission.output.probabilities,
        catalog=expand(CATALOG, side="test", split=TEST_SPLITS),
        lightcurves=expand(LIGHTCURVES, side="test", split=TEST_SPLITS),
    output:
        candidates=report(
            "results/report/lightcurves_candidates.png",
            caption="../report/lightcurves_candidates.rst",
            category="2. Candidates",
            subcategory="Lightcurves",
            labels={"item": "Lightcurves of the top candidates"},
        ),
    log:
        "results/logs/plot_candidate_lightcurves.log",
    benchmark:
        "results/benchmarks/plot_candidate_lightcurves.tsv"
    group:
        RESULTS_GROUP
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        lightcurves=config["report"],
        # The GP's curves are drawn when the gp feature set is in use, as the fit its features came from.
        model="gp" in config["features"]["sets"],
        dpi=90,
        code=code_digest("plot_candidate_lightcurves.py"),
    script:
        "../scripts/plot_candidate_lightcurves.py"


rule plot_error_lightcurves:
    input:
        oof=rules.metrics.output.oof,
        catalog=expand(CATALOG, side="train", split=TRAIN_SPLITS),
        lightcurves=expand(LIGHTCURVES, side="train", split=TRAIN_SPLITS),
    output:
        false_positives=report(
            "results/report/lightcurves_false_positives.png",
            caption="../report/lightcurves_errors.rst",
            category="1. Performance",
            subcategory="Mistakes",
            labels={"item": "Lightcurves of false positives"},
        ),
        false_negatives=report(
            "results/report/lightcurves_false_negatives.png",
            caption="../report/lightcurves_errors.rst",
            category="1. Performance",
            subcategory="Mistakes",
            labels={"item": "Lightcurves of false negatives"},
        ),
    log:
        "results/logs/plot_error_lightcurves.log",
    benchmark:
        "results/benchmarks/plot_error_lightcurves.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        lightcurves=config["report"],
        model="gp" in config["features"]["sets"],
        dpi=90,
        code=code_digest("plot_error_lightcurves.py"),
    script:
        "../scripts/plot_error_lightcurves.py"


rule plot_importance:
    input:
        rules.fit_final.output.importance,
    output:
        report(
            "results/report/feature_importance.png",
            caption="../report/feature_importance.rst",
            category="3. Model",
            subcategory="Feature importance",
            labels={"item": "Feature importance"},
        ),
    log:
        "results/logs/plot_importance.log",
    benchmark:
        "results/benchmarks/plot_importance.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        top=30,
        dpi=100,
        code=code_digest("plot_importance.py"),
    script:
        "../scripts/plot_importance.py"


rule data_summary:
    input:
        train_catalog=expand(CATALOG, side="train", split=TRAIN_SPLITS),
        test_catalog=expand(CATALOG, side="test", split=TEST_SPLITS),
        train_lightcurves=expand(LIGHTCURVES, side="train", split=TRAIN_SPLITS),
        test_lightcurves=expand(LIGHTCURVES, side="test", split=TEST_SPLITS),
    output:
        table=report(
            "results/report/data_summary.html",
            caption="../report/data_summary.rst",
            category="4. Data and run",
            subcategory="Data",
            labels={"item": "Data summary table"},
        ),
        figure=report(
            "results/report/data_summary.png",
            caption="../report/data_summary.rst",
            category="4. Data and run",
            subcategory="Data",
            labels={"item": "Data summary figure"},
        ),
    log:
        "results/logs/data_summary.log",
    benchmark:
        "results/benchmarks/data_summary.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        dpi=100,
        code=code_digest("data_summary.py"),
    script:
        "../scripts/data_summary.py"


# The benchmark files are read from their folder, not declared as inputs: a job's benchmark is not needed to
# use its output, and declaring them would rerun a finished job whose benchmark was deleted. The inputs are
# the pipeline's last outputs, so the table is made (and remade) after every job it lists.
rule runtime:
    input:
        rules.submission.output.submission,
        rules.metrics.output.metrics,
    output:
        report(
            "results/report/runtime.html",
            caption="../report/runtime.rst",
            category="4. Data and run",
            subcategory="Runtime",
            labels={"item": "Runtime per rule"},
        ),
    log:
        "results/logs/runtime.log",
    benchmark:
        "results/benchmarks/runtime.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        benchmarks="results/benchmarks",
        logs="results/logs",
        # The report's own rules may run beside this one: leave them out, so the table is the same every time.
        exclude=REPORT_RULES,
        code=code_digest("runtime.py"),
    script:
        "../scripts/runtime.py"
