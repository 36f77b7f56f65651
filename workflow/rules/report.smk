rule plot_cv:
    input:
        oof="results/cv/oof_probabilities.csv",
        metrics="results/metrics.json",
    output:
        report(
            "results/report/cross_validation.png",
            caption="../report/cross_validation.rst",
            category="Cross-validation",
        ),
    log:
        "results/logs/plot_cv.log",
    benchmark:
        "results/benchmarks/plot_cv.tsv"
    conda:
        "../../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=code_digest("plot_cv.py"),
    script:
        "../scripts/plot_cv.py"
