rule simulate:
    output:
        train_log=f"{SIMULATED_DIR}/train_log.csv",
        test_log=f"{SIMULATED_DIR}/test_log.csv",
        sample_submission=f"{SIMULATED_DIR}/sample_submission.csv",
        lightcurves=expand(
            f"{SIMULATED_DIR}/{{split}}/{{side}}_full_lightcurves.csv",
            split=SIMULATED_SPLITS,
            side=SIDES,
        ),
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
