rule simulate:
    output:
        train_log=f"{SIMULATED_DIR}/{log_filename('train')}",
        test_log=f"{SIMULATED_DIR}/{log_filename('test')}",
        sample_submission=f"{SIMULATED_DIR}/{SAMPLE_SUBMISSION}",
        lightcurves=[
            f"{SIMULATED_DIR}/{split}/{lightcurve_filename(side)}" for split in SIMULATED_SPLITS for side in SIDES
        ],
    log:
        "results/logs/simulate.log",
    benchmark:
        "results/benchmarks/simulate.tsv"
    conda:
        "../../envs/simulate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        simulate=config["simulate"],
        code=code_digest("simulate.py"),
    script:
        "../scripts/simulate.py"
