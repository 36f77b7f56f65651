"""Ablation of feature sets and model settings on one data folder, each over several outer-CV seeds.

    python benchmarks/ablation.py --data ../shared/mallorn --runs ../runs [--only NAME ...] [--seeds 2 3 4] [--list]

Every configuration is a set of overrides of the repository's config.yaml (see ``ABLATIONS``). The
training side's features are extracted once into ``RUNS/cache`` (a tsfresh setting or series other than
``minimal`` on ``peak`` into ``RUNS/cache-<setting>-<series>``); each configuration then runs the workflow up to
``results/metrics.json`` (nested cross-validation: selection, tuning and threshold inside each outer fold) once
per outer-CV seed (``cv.seed``) in ``RUNS/<name>/cv<seed>``, with the cached per-split feature tables linked in,
so only the modelling is recomputed. Every configuration is scored on the same outer folds: with ~24 TDEs per
fold one run's F1 moves by +-0.05, so a decision rests on the mean over the seeds. Prints, and writes to
``RUNS/ablation.md``, one row per configuration: mean ± sd over the seeds of the pooled out-of-fold F1 and of
the AP, each seed's F1, the modelling wall time per seed, and the extraction CPU time of the sets it uses
(from the extraction jobs' logs).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from time_run import run_timed, snakemake_command  # noqa: E402

from mallorn_tde.features import read_set_cpu  # noqa: E402

# A cache is rebuilt when its inputs are newer, not when a rule's code changed: delete a cache folder to
# recompute it after editing feature code.
CACHE_TRIGGERS = ("--rerun-triggers", "mtime")
# A run reruns what its own settings or inputs changed; it never recomputes the linked cache (code edits of
# the modelling module are not tracked by Snakemake anyway: delete the run's folder to redo it).
RUN_TRIGGERS = ("--rerun-triggers", "mtime", "params", "input")
ALL_SETS = ["physics", "gp", "lightcurve", "tsfresh"]
# The tsfresh extraction of the main cache; any other goes to a cache of its own.
CACHE_TSFRESH = {"tsfresh": "minimal", "tsfresh_series": "peak"}
# The outer-CV seeds every configuration is scored on (cv.seed; 2 is config.yaml's).
SEEDS = (2, 3, 4)

# The seed's published method (config/seed.yaml): tsfresh efficient on the raw series, FDR 0.005 over all
# columns, binary LightGBM, 50 trials.
with open(REPO / "config" / "seed.yaml") as _handle:
    SEED_METHOD = yaml.safe_load(_handle)
NO_TSFRESH = {"features": {"sets": ["physics", "gp"]}}

# name -> (what it tests, overrides of config.yaml)
ABLATIONS: dict[str, tuple[str, dict]] = {
    "default": ("the default configuration (config.yaml as committed)", {}),
    "no-tsfresh": ("the default without tsfresh: physics + gp", NO_TSFRESH),
    "tsfresh-raw": (
        "the default with tsfresh minimal on the raw flux series instead of the peak series",
        {"features": {"tsfresh_series": "raw"}},
    ),
    "tsfresh-peak-efficient": (
        "the default with tsfresh efficient on the peak series (selection picks among its columns)",
        {"features": {"tsfresh": "efficient"}},
    ),
    "trials-30": ("the default with 30 Optuna trials per study instead of 12", {"tuning": {"n_trials": 30}}),
    "bagged-5": ("the default with 5 seed-bagged LightGBM models per fit", {"model": {"n_models": 5}}),
    "lookalikes": (
        "the default with SN IIn and SLSN as classes of their own (model.objective: lookalikes)",
        {"model": {"objective": "lookalikes"}},
    ),
    "inner-3": (
        "the default with 3 inner folds per trial instead of 5 (the threshold's models see 67% of a training part)",
        {"tuning": {"inner_folds": 3}},
    ),
    "fixed": ("the default's first trial alone, a fixed LightGBM without a study", {"tuning": {"n_trials": 1}}),
    "seed": ("the seed's method (config/seed.yaml)", SEED_METHOD),
}


def merge(base: dict, overrides: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        out[key] = merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


def snakemake(directory: Path, targets: list[str], cores: int, *extra: str) -> float:
    """Run the workflow in ``directory`` with benchmarks/time_run.py's runner (its output appended to
    ``directory/snakemake.log``); returns the wall time in seconds."""
    args = [*targets, "-s", str(REPO / "Snakefile"), *extra, "--directory", str(directory), "--quiet", "progress"]
    return run_timed(snakemake_command(cores, extra=args), REPO, directory / "snakemake.log", append=True)["wall_s"]


def write_config(directory: Path, config: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "config.yaml", "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)


def ensure_cache(runs: Path, base: dict, data: Path, config: dict, cores: int) -> dict[str, Path]:
    """Extract the training side's features once; returns the folder that holds each set of ``config``.

    ``RUNS/cache`` holds all four sets (tsfresh as :data:`CACHE_TSFRESH`) from spectroscopic training redshifts;
    photometric-like training redshifts get ``RUNS/cache-photometric``; another tsfresh setting or series gets
    its own folder ``RUNS/cache[-photometric]-<setting>-<series>`` with tsfresh alone (the ingested tables linked).
    """
    features, redshift = config["features"], config["redshift"]
    cache = runs / ("cache" if redshift["train"] == "spectroscopic" else f"cache-{redshift['train']}")
    common = {"data_dir": str(data), "redshift": redshift}
    # the main cache holds every set; a photometric one only what the configuration uses (the GP is slow)
    cached = ALL_SETS if redshift["train"] == "spectroscopic" else features["sets"]
    write_config(cache, merge(base, {**common, "features": {"sets": cached, **CACHE_TSFRESH}}))
    snakemake(cache, ["results/features/train.parquet"], cores, *CACHE_TRIGGERS)
    where = {s: cache for s in cached}
    tsfresh = {key: features[key] for key in CACHE_TSFRESH}
    if tsfresh != CACHE_TSFRESH and "tsfresh" in features["sets"]:
        other = cache.with_name(f"{cache.name}-{tsfresh['tsfresh']}-{tsfresh['tsfresh_series']}")
        write_config(other, merge(base, {**common, "features": {"sets": ["tsfresh"], **tsfresh}}))
        link(other, cache, ["results/lightcurves", "results/catalog"])
        snakemake(other, ["results/features/train.parquet"], cores, *CACHE_TRIGGERS)
        where["tsfresh"] = other
    return where


def link(run: Path, source: Path, parts: list[str]) -> None:
    for part in parts:
        target = run / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to((source / part).resolve(), target_is_directory=True)


def extraction_cpu(where: dict[str, Path], sets: list[str]) -> float:
    """CPU seconds of the given sets on the training side: each extraction job computes every set of its cache
    and logs each set's CPU time (``mallorn_tde.features.SET_CPU_LINE``)."""
    total = 0.0
    for s in sets:
        for path in (where[s] / "results/logs/extract/train").glob("*.log"):
            cpu = read_set_cpu(path, s)
            if cpu is None:
                raise SystemExit(f"{path}: no CPU line of set {s}")
            total += cpu
    return total


def modelling_cpu(run: Path) -> float:
    """CPU seconds of the run's own jobs (merge, folds, select_features, tune, fits, metrics), from their benchmarks."""
    total = 0.0
    for path in (run / "results/benchmarks").rglob("*.tsv"):
        if "extract" not in path.parts and "ingest" not in path.parts:
            total += float(pd.read_csv(path, sep="\t")["cpu_time"].iloc[-1])
    return total


def seed_row(run: Path, wall: float) -> dict:
    """One outer-CV seed's figures, from its metrics.json."""
    with open(run / "results/metrics.json") as handle:
        m = json.load(handle)
    return {
        "f1": m["f1"],
        "f1_ci": m.get("f1_bootstrap_95"),
        "fold_mean": m["f1_fold_mean"],
        "fold_std": m["f1_fold_std"],
        "ap": m["average_precision"],
        "n_features": m["n_features"],
        "model_wall_s": wall,
        "model_cpu_s": modelling_cpu(run),
    }


def row(name: str, what: str, seeds: dict[str, dict], extract_cpu_s: float) -> dict:
    """A configuration's row: mean and sd over its seeds of the pooled F1 and the AP, and each seed's figures."""

    def spread(key: str) -> tuple[float, float]:
        values = [r[key] for r in seeds.values()]
        return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0

    return {
        "name": name,
        "what": what,
        "f1": spread("f1"),
        "ap": spread("ap"),
        "seeds": seeds,
        "extract_cpu_s_train": extract_cpu_s,
    }


def markdown(rows: list[dict]) -> str:
    lines = [
        "| configuration | pooled OOF F1, mean ± sd over seeds | AP, mean ± sd | F1 per outer-CV seed | "
        "features kept (final) | modelling wall per seed | extraction CPU (train) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        seeds = r["seeds"]
        per_seed = ", ".join(f"{seeds[s]['f1']:.3f}" for s in sorted(seeds, key=int))
        first = seeds[min(seeds, key=int)]
        wall = statistics.fmean(x["model_wall_s"] for x in seeds.values())
        lines.append(
            f"| `{r['name']}`: {r['what']} | {r['f1'][0]:.3f} ± {r['f1'][1]:.3f} | "
            f"{r['ap'][0]:.3f} ± {r['ap'][1]:.3f} | "
            f"{per_seed} (seeds {', '.join(sorted(seeds, key=int))}) | {first['n_features'].get('final', '')} | "
            f"{wall / 60:.1f} min | {r['extract_cpu_s_train'] / 60:.1f} min |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="data folder in the challenge layout")
    parser.add_argument("--runs", type=Path, required=True, help="folder for the caches and one folder per run")
    parser.add_argument("--only", nargs="*", help="configurations to run (default: all)")
    parser.add_argument("--seeds", nargs="*", type=int, default=list(SEEDS), help="outer-CV seeds (cv.seed)")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", action="store_true", help="list the configurations and exit")
    args = parser.parse_args()
    if args.list:
        for name, (what, overrides) in ABLATIONS.items():
            print(f"{name}: {what} {json.dumps(overrides)}")
        return
    with open(REPO / "config.yaml") as handle:
        base = yaml.safe_load(handle)
    runs = args.runs.resolve()
    results_file = runs / "ablation.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for name in args.only or list(ABLATIONS):
        what, overrides = ABLATIONS[name]
        config = merge(merge(base, overrides), {"data_dir": str(args.data.resolve())})
        sets = config["features"]["sets"]
        where = ensure_cache(runs, base, args.data.resolve(), config, args.cores)
        seeds = results.get(name, {}).get("seeds", {})
        extract_cpu = extraction_cpu(where, sets)
        for seed in args.seeds:
            run = runs / name / f"cv{seed}"
            write_config(run, merge(config, {"cv": {"seed": seed}}))
            link(run, where["physics"], ["results/lightcurves", "results/catalog"])
            for s in sets:
                link(run, where[s], [f"results/features/{s}"])
            wall = snakemake(run, ["results/metrics.json"], args.cores, *RUN_TRIGGERS)
            seeds[str(seed)] = seed_row(run, wall)
            results[name] = row(name, what, seeds, extract_cpu)
            results_file.write_text(json.dumps(results, indent=2))
        print(markdown([results[name]]).splitlines()[-1], flush=True)
    table = markdown([results[n] for n in ABLATIONS if n in results])
    (runs / "ablation.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
