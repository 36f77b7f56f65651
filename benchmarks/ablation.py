"""Ablation of feature sets and model settings on one data folder: one results folder per configuration.

    python benchmarks/ablation.py --data ../shared/mallorn --runs ../runs [--only NAME ...] [--list]

Every configuration is a set of overrides of the repository's config.yaml (see ``ABLATIONS``). The
training side's features are extracted once into ``RUNS/cache`` (a tsfresh setting other than ``minimal``
into ``RUNS/cache-<setting>``); each configuration then runs the workflow up to ``results/metrics.json``
(nested cross-validation: selection, tuning and threshold inside each outer fold) in ``RUNS/<name>``, with the
cached per-split feature tables linked in, so only the modelling is recomputed. Prints, and writes to
``RUNS/ablation.md``,
one row per configuration: pooled out-of-fold F1 with its bootstrap interval, per-fold mean +- sd, AP,
the modelling wall time, and the extraction CPU time of the sets it uses (from Snakemake's benchmark files).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from mallorn_tde.features import read_set_cpu  # noqa: E402

# A cache is rebuilt when its inputs are newer, not when a rule's code changed: delete a cache folder to
# recompute it after editing feature code.
CACHE_TRIGGERS = ("--rerun-triggers", "mtime")
# A run reruns what its own settings or inputs changed; it never recomputes the linked cache (code edits of
# the modelling module are not tracked by Snakemake anyway: delete the run's folder to redo it).
RUN_TRIGGERS = ("--rerun-triggers", "mtime", "params", "input")
ALL_SETS = ["physics", "gp", "lightcurve", "tsfresh"]

# The workflow before this comparison: binary model, every column through the FDR test.
BINARY_ALL = {"model": {"objective": "binary"}, "selection": {"tested": "all"}}
# Multiclass, with only the generic sets (tsfresh, lightcurve) through the FDR test.
MULTI_GENERIC = {"model": {"objective": "multiclass"}, "selection": {"tested": "generic"}}

# name -> (what it tests, overrides of config.yaml)
ABLATIONS: dict[str, tuple[str, dict]] = {
    "default": ("the default configuration (config.yaml as committed)", {}),
    "physics": ("physics set alone, binary, FDR test", {"features": {"sets": ["physics"]}, **BINARY_ALL}),
    "gp": ("gp set alone, binary, FDR test", {"features": {"sets": ["gp"]}, **BINARY_ALL}),
    "lightcurve": ("lightcurve set alone, binary, FDR test", {"features": {"sets": ["lightcurve"]}, **BINARY_ALL}),
    "tsfresh-minimal": (
        "tsfresh (minimal) alone, binary, FDR test",
        {"features": {"sets": ["tsfresh"], "tsfresh": "minimal"}, **BINARY_ALL},
    ),
    "physics-gp": ("physics + gp, binary, FDR test", {"features": {"sets": ["physics", "gp"]}, **BINARY_ALL}),
    "physics-gp-multi": (
        "physics + gp, multiclass, FDR test on all",
        {"features": {"sets": ["physics", "gp"]}, "model": {"objective": "multiclass"}, "selection": {"tested": "all"}},
    ),
    "physics-gp-multi-keep": (
        "physics + gp, multiclass, every physics and gp feature kept (no FDR test)",
        {
            "features": {"sets": ["physics", "gp"]},
            **MULTI_GENERIC,
        },
    ),
    "physics-gp-multi-keep-photoz": (
        "as physics-gp-multi-keep, trained on photometric-like redshifts (test side's error model)",
        {
            "features": {"sets": ["physics", "gp"]},
            **MULTI_GENERIC,
            "redshift": {"train": "photometric"},
        },
    ),
    "physics-gp-lc-multi-generic": (
        "physics + gp + lightcurve, multiclass, FDR test on lightcurve only",
        {
            "features": {"sets": ["physics", "gp", "lightcurve"]},
            **MULTI_GENERIC,
        },
    ),
    "physics-gp-tsmin-multi-generic": (
        "physics + gp + tsfresh (minimal), multiclass, FDR test on tsfresh only",
        {
            "features": {"sets": ["physics", "gp", "tsfresh"], "tsfresh": "minimal"},
            **MULTI_GENERIC,
        },
    ),
    "all-minimal-multi-generic": (
        "all four sets (tsfresh minimal), multiclass, FDR test on generic sets only",
        {
            "features": {"sets": ALL_SETS, "tsfresh": "minimal"},
            **MULTI_GENERIC,
        },
    ),
    "physics-gp-multi-keep-thr5": (
        "physics + gp, multiclass, all kept, threshold from 5 repeated inner CVs (its Optuna studies reused)",
        {
            "features": {"sets": ["physics", "gp"]},
            **MULTI_GENERIC,
            "tuning": {"threshold_repeats": 5},
        },
    ),
    "default-thr5": (
        "the default configuration, threshold from 5 repeated inner CVs (its Optuna studies reused)",
        {"tuning": {"threshold_repeats": 5}},
    ),
}


# Runs whose Optuna studies are copied from another run before they start: they differ from it only in
# what happens after the trials, so the trials are the same and need not run again.
STUDIES_FROM = {"default-thr5": "default", "physics-gp-multi-keep-thr5": "physics-gp-multi-keep"}


def merge(base: dict, overrides: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        out[key] = merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


def snakemake(directory: Path, targets: list[str], cores: int, *extra: str) -> float:
    """Run the workflow in ``directory``; returns the wall time in seconds."""
    cmd = [sys.executable, "-m", "snakemake", *targets, "--cores", str(cores), "-s", str(REPO / "Snakefile"), *extra]
    cmd += ["--directory", str(directory), "--quiet", "progress"]
    start = time.perf_counter()
    with open(directory / "snakemake.log", "a") as log:
        subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    return time.perf_counter() - start


def write_config(directory: Path, config: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "config.yaml", "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)


def ensure_cache(runs: Path, base: dict, data: Path, config: dict, cores: int) -> dict[str, Path]:
    """Extract the training side's features once; returns the folder that holds each set of ``config``.

    ``RUNS/cache`` holds all four sets with tsfresh ``minimal`` from spectroscopic training redshifts;
    photometric-like training redshifts get ``RUNS/cache-photometric``; another tsfresh setting gets its own
    folder ``RUNS/cache[-photometric]-<setting>`` with tsfresh alone (the ingested tables linked).
    """
    sets, tsfresh, redshift = config["features"]["sets"], config["features"]["tsfresh"], config["redshift"]
    cache = runs / ("cache" if redshift["train"] == "spectroscopic" else f"cache-{redshift['train']}")
    common = {"data_dir": str(data), "redshift": redshift}
    # the main cache holds every set; a photometric one only what the configuration uses (the GP is slow)
    cached = ALL_SETS if redshift["train"] == "spectroscopic" else sets
    write_config(cache, merge(base, {**common, "features": {"sets": cached, "tsfresh": "minimal"}}))
    snakemake(cache, ["results/features/train.parquet"], cores, *CACHE_TRIGGERS)
    where = {s: cache for s in cached}
    if tsfresh != "minimal" and "tsfresh" in sets:
        other = cache.with_name(f"{cache.name}-{tsfresh}")
        write_config(other, merge(base, {**common, "features": {"sets": ["tsfresh"], "tsfresh": tsfresh}}))
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


def row(name: str, what: str, run: Path, where: dict[str, Path], sets: list[str], wall: float) -> dict:
    with open(run / "results/metrics.json") as handle:
        m = json.load(handle)
    return {
        "name": name,
        "what": what,
        "f1": m["f1"],
        "f1_ci": m.get("f1_bootstrap_95"),
        "fold_mean": m["f1_fold_mean"],
        "fold_std": m["f1_fold_std"],
        "ap": m["average_precision"],
        "n_features": m["n_features"],
        "model_wall_s": wall,
        "model_cpu_s": modelling_cpu(run),
        "extract_cpu_s_train": extraction_cpu(where, sets),
    }


def markdown(rows: list[dict]) -> str:
    lines = [
        "| configuration | pooled OOF F1 [95% CI] | per fold mean ± sd | AP | features (final) | "
        "modelling wall | modelling CPU | extraction CPU (train) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ci = r["f1_ci"]
        lines.append(
            f"| `{r['name']}`: {r['what']} | {r['f1']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] | "
            f"{r['fold_mean']:.3f} ± {r['fold_std']:.3f} | {r['ap']:.3f} | {r['n_features'].get('final', '')} | "
            f"{r['model_wall_s'] / 60:.1f} min | {r['model_cpu_s'] / 60:.1f} min | "
            f"{r['extract_cpu_s_train'] / 60:.1f} min |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="data folder in the challenge layout")
    parser.add_argument("--runs", type=Path, required=True, help="folder for the caches and one folder per run")
    parser.add_argument("--only", nargs="*", help="configurations to run (default: all)")
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
        run = runs / name
        write_config(run, config)
        link(run, where["physics"], ["results/lightcurves", "results/catalog"])
        for s in sets:
            link(run, where[s], [f"results/features/{s}"])
        if name in STUDIES_FROM:
            studies = run / "results/optuna"
            studies.mkdir(parents=True, exist_ok=True)
            for path in (runs / STUDIES_FROM[name] / "results/optuna").glob("fold_*.journal"):
                if not (studies / path.name).exists():
                    shutil.copy2(path, studies / path.name)
        wall = snakemake(run, ["results/metrics.json"], args.cores, *RUN_TRIGGERS)
        results[name] = row(name, what, run, where, sets, wall)
        results_file.write_text(json.dumps(results, indent=2))
        print(markdown([results[name]]).splitlines()[-1], flush=True)
    table = markdown([results[n] for n in ABLATIONS if n in results])
    (runs / "ablation.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
