"""The workflow against a seed-style tsfresh reference on one data folder: wall, CPU, memory and F1 side by side.

    python benchmarks/speed.py --data DATA --workdir WORKDIR [--cores 2] [--only workflow|reference] [--write]

DATA is a folder in the MALLORN layout (train_log.csv, test_log.csv, split_XX/{train,test}_full_lightcurves.csv).
In one invocation, with the same number of cores (``--cores``) for both halves:

1. **workflow**: a clone-like copy of the workflow in WORKDIR/workflow (must not exist: ``results/`` starts
   clean) runs ``snakemake --cores N --config data_dir=DATA`` under GNU time. Its F1 is ``f1`` of its
   ``results/metrics.json`` (pooled out-of-fold, nested cross-validation); the per-rule wall time comes from
   its Snakemake benchmark files, the CPU and peak memory from each job's log (benchmarks/summarize.py).
2. **reference**, the seed's method, in a subprocess of its own in WORKDIR/reference (must not exist):
   ``python benchmarks/speed.py reference ...`` reads each side's lightcurves (all splits, NaN fluxes dropped,
   rows sorted by object and time), makes ONE tsfresh ``extract_features`` call per side (``EfficientFCParameters``,
   kind = filter, ``n_jobs`` = cores), imputes (the training side's column ranges, for both sides), selects with
   tsfresh's ``select_features`` against ``target`` (every column kept if none passes), fits one LightGBM
   (binary, fixed parameters, ``scale_pos_weight`` = negatives / positives, fixed seed) and writes the test
   side's probabilities. Imports, reading and writing are inside the timing. Its F1 cannot be measured on the
   test side (no labels): a second subprocess, ``python benchmarks/speed.py oof ...``, timed separately and
   NOT part of the reference's time, computes the out-of-fold F1 on the training side with the workflow's own
   outer folds (its ``results/cv/folds.tsv``; with ``--only reference`` and no workflow run there, the same
   folds recomputed by the workflow's ``assign_folds`` with config.yaml's ``cv`` settings): imputation,
   selection, threshold (the F1-maximising cut of an inner stratified 3-fold's probabilities) and fit on each
   fold's training part only, the fold predicted at its own threshold, pooled over the folds, as the workflow
   states its own F1. The same threshold rule on the whole training side then cuts the test probabilities
   (WORKDIR/reference/test_predictions.csv).

Wall time is measured around each subprocess; CPU time is the process tree's (this process's
``RUSAGE_CHILDREN`` before and after, every waited-for descendant included); peak RSS is GNU time's
(/usr/bin/time: the largest single process) and the sum over the live process tree, sampled every 0.5 s.
Prints a Markdown section for BENCHMARKS.md and writes it to WORKDIR/speed.md, every number to
WORKDIR/speed.json (``--only`` adds its half to an existing speed.json); ``--write`` appends the section to
the repository's BENCHMARKS.md (both halves needed).

Example on the real data, 2 cores:   python benchmarks/speed.py --data ../shared/mallorn --workdir /tmp/speed
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shlex
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests"), str(REPO / "workflow" / "scripts")]

from time_run import SAMPLE_SECONDS, commit, machine, run_timed, time_workflow  # noqa: E402

from mallorn_tde.constants import SIDES, SPLIT_PATTERN, lightcurve_filename, log_filename  # noqa: E402

# The metrics both halves report, as the workflow's metrics.json names them (mallorn_tde.evaluation.cv_metrics).
METRIC_KEYS = (
    "f1",
    "f1_bootstrap_95",
    "precision",
    "recall",
    "average_precision",
    "f1_fold_mean",
    "f1_fold_std",
    "n_objects",
    "n_tde",
    "n_predicted_tde",
)
# Lightcurve columns of the MALLORN files -> the names of the tsfresh input.
LIGHTCURVE_COLUMNS = {"object_id": "object_id", "Time (MJD)": "mjd", "Flux": "flux", "Filter": "filter"}
# The reference's LightGBM: fixed, middle-of-the-road parameters for a few thousand rows (no tuning, as the seed).
LGBM_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbosity": -1,
    "deterministic": True,
    "force_row_wise": True,
}
NUM_BOOST_ROUND = 300
SEED = 0
INNER_FOLDS = 3


# ---------------------------------------------------------------- the reference's pure parts


def split_folders(data: Path) -> list[str]:
    """The split folders of a data folder (``split_<digits>`` with both lightcurve files), sorted."""
    return sorted(
        p.name
        for p in data.iterdir()
        if p.is_dir()
        and re.fullmatch(SPLIT_PATTERN, p.name)
        and all((p / lightcurve_filename(side)).is_file() for side in SIDES)
    )


def read_log(data: Path, side: str, splits: list[str]) -> pd.DataFrame:
    """One side's log rows of the given splits, indexed by object_id."""
    log = pd.read_csv(data / log_filename(side))
    return log[log["split"].isin(splits)].set_index("object_id")


def tsfresh_input(lightcurves: pd.DataFrame) -> pd.DataFrame:
    """The tsfresh input of raw MALLORN lightcurve rows: object_id, filter, mjd, flux.

    Rows with a NaN flux are dropped; rows are sorted by object and time (stable: the file's order breaks ties).
    """
    frame = lightcurves[list(LIGHTCURVE_COLUMNS)].rename(columns=LIGHTCURVE_COLUMNS)
    frame = frame[frame["flux"].notna()]
    frame = frame.sort_values(["object_id", "mjd"], kind="mergesort")
    return frame[["object_id", "filter", "mjd", "flux"]].reset_index(drop=True)


def read_side(data: Path, side: str, splits: list[str]) -> pd.DataFrame:
    """One side's lightcurves of all splits, concatenated, as :func:`tsfresh_input` returns them."""
    parts = [pd.read_csv(data / split / lightcurve_filename(side)) for split in splits]
    return tsfresh_input(pd.concat(parts, ignore_index=True))


def extract(frame: pd.DataFrame, cores: int) -> pd.DataFrame:
    """ONE tsfresh ``extract_features`` call over all objects and filters, ``EfficientFCParameters``."""
    from tsfresh import extract_features
    from tsfresh.feature_extraction import EfficientFCParameters

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            features = extract_features(
                frame,
                column_id="object_id",
                column_kind="filter",
                column_sort="mjd",
                column_value="flux",
                default_fc_parameters=EfficientFCParameters(),
                n_jobs=cores,
                disable_progressbar=True,
            )
    # tsfresh orders the columns as its worker processes happen to finish (imap_unordered), and the column
    # order changes which columns LightGBM's feature_fraction draws: sorted, the reference is reproducible.
    return features.sort_index(axis=1)


def imputer(train: pd.DataFrame):
    """tsfresh's imputation (NaN -> median, +-inf -> max / min; all-NaN columns -> 0) with ``train``'s ranges."""
    from tsfresh.utilities.dataframe_functions import get_range_values_per_column, impute_dataframe_range

    col_max, col_min, col_median = get_range_values_per_column(train)

    def apply(X: pd.DataFrame) -> pd.DataFrame:
        return impute_dataframe_range(X.astype(np.float64), col_max, col_min, col_median)

    return apply


def select(X: pd.DataFrame, y: pd.Series, cores: int) -> tuple[list[str], bool]:
    """tsfresh's ``select_features`` (FDR 0.05) on an imputed table: the kept columns, and whether none passed.

    When no column passes the test, every column is kept (the model still needs inputs) and the flag says so.
    """
    from tsfresh import select_features

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = list(select_features(X, y, n_jobs=cores).columns)
    return (kept, False) if kept else (list(X.columns), True)


def fit(X: pd.DataFrame, y: pd.Series, cores: int, seed: int = SEED):
    """One LightGBM fit on the given rows: :data:`LGBM_PARAMS`, ``scale_pos_weight`` = negatives / positives."""
    import lightgbm as lgb

    target = y.to_numpy(dtype=int)
    n_pos = int(target.sum())
    params = {
        **LGBM_PARAMS,
        "scale_pos_weight": (len(target) - n_pos) / max(n_pos, 1),
        "seed": seed,
        "num_threads": cores,
    }
    # Arrays, not the frame: tsfresh's column names hold quotes, which LightGBM refuses as feature names.
    data = lgb.Dataset(X.to_numpy(dtype=np.float64), label=target)
    return lgb.train(params, data, num_boost_round=NUM_BOOST_ROUND)


def predict(booster, X: pd.DataFrame) -> np.ndarray:
    return booster.predict(X.to_numpy(dtype=np.float64))


def inner_threshold(X: pd.DataFrame, y: pd.Series, cores: int, seed: int = SEED) -> float:
    """The F1-maximising cut of the pooled probabilities of a stratified inner 3-fold on these rows."""
    from sklearn.model_selection import StratifiedKFold

    from mallorn_tde.evaluation import best_threshold

    proba = np.zeros(len(y))
    skf = StratifiedKFold(n_splits=INNER_FOLDS, shuffle=True, random_state=seed)
    for train_idx, test_idx in skf.split(np.zeros(len(y)), y.to_numpy()):
        booster = fit(X.iloc[train_idx], y.iloc[train_idx], cores, seed)
        proba[test_idx] = predict(booster, X.iloc[test_idx])
    return best_threshold(y.to_numpy(), proba)[0]


def out_of_fold(X: pd.DataFrame, y: pd.Series, folds: pd.Series, cores: int, seed: int = SEED):
    """Out-of-fold predictions of the reference's method, every step fitted on each fold's training part.

    ``X``: raw (unimputed) features, ``y``: 0/1 target, ``folds``: outer fold of each object, all indexed by
    object_id. Per fold: imputation ranges, ``select_features``, the inner threshold and the fit come from the
    other folds; the fold's objects are predicted at that threshold (probability >= threshold), as the
    workflow's fit_predict_fold does. Returns the pooled table (object_id, fold, target, probability,
    prediction) and one dict per fold (features kept, whether selection fell back to all, threshold).
    """
    if not (X.index.sort_values().equals(folds.index.sort_values()) and y.index.equals(X.index)):
        raise ValueError("features, target and folds must hold the same objects")
    rows, info = [], []
    for k in sorted(folds.unique()):
        train_ids, test_ids = folds.index[folds != k], folds.index[folds == k]
        impute = imputer(X.loc[train_ids])
        X_train, X_test = impute(X.loc[train_ids]), impute(X.loc[test_ids])
        y_train = y.loc[train_ids]
        kept, fell_back = select(X_train, y_train, cores)
        threshold = inner_threshold(X_train[kept], y_train, cores, seed)
        proba = predict(fit(X_train[kept], y_train, cores, seed), X_test[kept])
        rows.append(
            pd.DataFrame(
                {
                    "object_id": test_ids,
                    "fold": int(k),
                    "target": y.loc[test_ids].to_numpy(dtype=int),
                    "probability": proba,
                    "prediction": (proba >= threshold).astype(int),
                }
            )
        )
        info.append({"fold": int(k), "n_features": len(kept), "selection_fell_back": fell_back, "threshold": threshold})
    return pd.concat(rows, ignore_index=True), info


def oof_metrics(oof: pd.DataFrame) -> dict:
    """Pooled F1 and friends of an out-of-fold table: the :data:`METRIC_KEYS` of the workflow's own metrics.json
    computation on it."""
    from mallorn_tde.evaluation import cv_metrics

    metrics = cv_metrics(oof, selection={}, thresholds={})
    return {key: metrics[key] for key in METRIC_KEYS}


# ---------------------------------------------------------------- the two subprocesses


def _cpu() -> float:
    """CPU seconds of this process and its waited-for descendants so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Phases:
    """Wall and CPU seconds of consecutive named phases of one process."""

    def __init__(self) -> None:
        self.start, self.cpu = time.monotonic(), _cpu()
        self.done: dict[str, dict[str, float]] = {}

    def mark(self, name: str) -> None:
        now, cpu = time.monotonic(), _cpu()
        self.done[name] = {"wall_s": now - self.start, "cpu_s": cpu - self.cpu}
        self.start, self.cpu = now, cpu


def run_reference(data: Path, out: Path, cores: int) -> None:
    """The timed seed-style reference: extraction, imputation, selection, one fit, the test probabilities.

    Writes test_probabilities.csv, reference.json (counts and the wall and CPU time of each phase), and, for
    the out-of-fold F1 and the test threshold computed afterwards, the raw training features and the kept columns.
    """
    phases = Phases()
    import lightgbm  # noqa: F401
    import tsfresh  # noqa: F401

    phases.mark("import tsfresh and LightGBM")
    splits = split_folders(data)
    logs = {side: read_log(data, side, splits) for side in SIDES}
    frames = {side: read_side(data, side, splits) for side in SIDES}
    phases.mark("read lightcurves")
    raw = {}
    for side in SIDES:
        # Objects without a single finite flux get no tsfresh row: they come back as NaN rows, then imputed.
        raw[side] = extract(frames[side], cores).reindex(logs[side].index)
        phases.mark(f"extract {side}")
    raw["test"] = raw["test"].reindex(columns=raw["train"].columns)
    y = logs["train"]["target"].astype(int)
    impute = imputer(raw["train"])
    X_train, X_test = impute(raw["train"]), impute(raw["test"])
    phases.mark("impute")
    kept, fell_back = select(X_train, y, cores)
    phases.mark("select_features")
    booster = fit(X_train[kept], y, cores)
    phases.mark("fit")
    proba = predict(booster, X_test[kept])
    pd.DataFrame({"object_id": X_test.index, "probability": proba}).to_csv(
        out / "test_probabilities.csv", index=False, float_format="%.10g"
    )
    phases.mark("predict")
    # For the F1 and the test threshold, computed after this timing (the seed computed neither).
    raw["train"].to_parquet(out / "train_features.parquet")
    (out / "selected_features.txt").write_text("".join(f"{name}\n" for name in kept))
    phases.mark("write training features")
    summary = {
        "splits": splits,
        "n_objects": {side: len(logs[side]) for side in SIDES},
        "n_observations": {side: len(frames[side]) for side in SIDES},
        "n_tde": int(y.sum()),
        "n_extracted_columns": int(raw["train"].shape[1]),
        "n_selected": len(kept),
        "selection_fell_back": fell_back,
        "phases": phases.done,
    }
    (out / "reference.json").write_text(json.dumps(summary, indent=2))


def run_oof(data: Path, out: Path, folds_path: Path, cores: int) -> None:
    """The reference's out-of-fold F1 on the training side with the given outer folds, and its test predictions.

    The test objects are cut at the same rule's threshold on the whole training side (inner 3-fold of the
    reference's kept columns), so the F1 describes the predictions written to test_predictions.csv.
    """
    X = pd.read_parquet(out / "train_features.parquet")
    splits = split_folders(data)
    y = read_log(data, "train", splits)["target"].astype(int).reindex(X.index)
    folds = pd.read_csv(folds_path, sep="\t").set_index("object_id")["fold"]
    oof, info = out_of_fold(X, y, folds, cores)
    oof.to_csv(out / "oof_probabilities.csv", index=False, float_format="%.10g")
    kept = (out / "selected_features.txt").read_text().splitlines()
    threshold = inner_threshold(imputer(X)(X)[kept], y, cores)
    test = pd.read_csv(out / "test_probabilities.csv")
    test["prediction"] = (test["probability"] >= threshold).astype(int)
    test.to_csv(out / "test_predictions.csv", index=False, float_format="%.10g")
    result = {
        **oof_metrics(oof),
        "folds": info,
        "folds_file": str(folds_path),
        "test_threshold": threshold,
        "n_test_predicted_tde": int(test["prediction"].sum()),
    }
    (out / "oof.json").write_text(json.dumps(result, indent=2))


def workflow_half(data: Path, workdir: Path, cores: int) -> dict:
    run = time_workflow(workdir / "workflow", ["--config", f"data_dir={data}"], cores=cores)
    metrics = json.loads((workdir / "workflow" / "results" / "metrics.json").read_text())
    return {**run, "metrics": {key: metrics[key] for key in METRIC_KEYS}}


def reference_half(data: Path, workdir: Path, cores: int) -> dict:
    out = workdir / "reference"
    if out.exists():
        raise SystemExit(f"{out} exists: remove it first")
    out.mkdir(parents=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    print(f"reference: tsfresh efficient + select_features + LightGBM in {out}", flush=True)
    timing = run_timed(
        [*me, "reference", "--data", str(data), "--out", str(out), "--cores", str(cores)], out, out / "reference.log"
    )
    inner = json.loads((out / "reference.json").read_text())
    folds_path = workdir / "workflow" / "results" / "cv" / "folds.tsv"
    if folds_path.is_file():
        folds_from = "read from the workflow run's results/cv/folds.tsv"
    else:
        import yaml

        from mallorn_tde.evaluation import assign_folds

        cv = yaml.safe_load((REPO / "config.yaml").read_text())["cv"]
        target = read_log(data, "train", split_folders(data))["target"].astype(int)
        folds_path = out / "folds.tsv"
        assign_folds(target, cv["n_folds"], cv["seed"]).to_csv(folds_path, sep="\t", index=False)
        folds_from = (
            f"no workflow run here: recomputed by its assign_folds, cv.n_folds {cv['n_folds']}, cv.seed {cv['seed']}"
        )
    print(f"reference: out-of-fold F1 with the folds of {folds_path} (timed apart)", flush=True)
    oof_timing = run_timed(
        [*me, "oof", "--data", str(data), "--out", str(out), "--folds", str(folds_path), "--cores", str(cores)],
        out,
        out / "oof.log",
    )
    return {
        **timing,
        "finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        **inner,
        "lgbm_params": {**LGBM_PARAMS, "num_boost_round": NUM_BOOST_ROUND, "seed": SEED},
        "oof": json.loads((out / "oof.json").read_text()) | {"folds_from": folds_from},
        "oof_timing": oof_timing,
    }


# ---------------------------------------------------------------- the report


def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


def _f1(m: dict) -> str:
    low, high = m["f1_bootstrap_95"]
    return f"{m['f1']:.3f} [{low:.3f}, {high:.3f}]"


def markdown(result: dict) -> str:
    """The BENCHMARKS.md section of a speed.json's content (either half may be missing)."""
    m, wf, ref = result["machine"], result.get("workflow"), result.get("reference")
    halves = [(name, half) for name, half in (("workflow", wf), ("reference", ref)) if half]
    if result["one_invocation"]:
        how = f"`{halves[0][1]['invocation']}` at commit {halves[0][1]['commit']}; both halves from this one invocation"
    else:
        how = "; ".join(
            f"{name}: `{half['invocation']}` at commit {half['commit']}, finished {half['finished']}"
            for name, half in halves
        )
    loads = [f"the {name} {half['load_mean']:.1f}" for name, half in halves if half.get("load_mean") is not None]
    load = (
        f" Mean 1-minute load average during {' and '.join(loads)} (the run's own processes included: above "
        f"{result['cores']}, other work shared the machine and inflated the wall times)."
        if loads
        else ""
    )
    lines = [
        f"### Speed: the workflow against the seed-style tsfresh reference ({result['data_name']}, {result['date']})",
        "",
        (
            f"{how}; `--cores {result['cores']}`. Machine: {m['cores']} cores ({m['cpu']}), "
            f"{m['memory_gib']:.1f} GiB memory, Python {m['python']}.{load}"
        ),
        "",
    ]
    if ref:
        n, o = ref["n_objects"], ref["n_observations"]
        lines += [
            (
                f"Data: {len(ref['splits'])} split{'s' if len(ref['splits']) != 1 else ''}, "
                f"{n['train']:,} training objects ({ref['n_tde']} TDEs) and {n['test']:,} test objects; "
                f"{o['train']:,} and {o['test']:,} observations with a flux."
            ),
            "",
        ]
    lines += [
        "| | wall | CPU (process tree) | peak RSS, largest process | peak RSS, whole tree (sampled) "
        "| TDE F1, pooled out-of-fold [95% CI] | AP |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, half, metrics in (
        ("workflow (config.yaml as committed)", wf, wf and wf["metrics"]),
        ("seed-style reference (tsfresh efficient, select_features, LightGBM)", ref, ref and ref["oof"]),
    ):
        if half:
            rss = _mb(half["peak_rss_mb"]) if "peak_rss_mb" in half else "(no GNU time)"
            lines.append(
                f"| {name} | {half['wall_s']:,.0f} s | {half['cpu_s']:,.0f} s | {rss} | "
                f"{_mb(half['tree_peak_rss_mb_sampled'])} | {_f1(metrics)} | {metrics['average_precision']:.3f} |"
            )
    if wf and ref:
        lines += [
            "",
            (
                f"**Ratio, reference wall / workflow wall: {ref['wall_s'] / wf['wall_s']:.2f}** "
                f"(CPU: {ref['cpu_s'] / wf['cpu_s']:.2f})."
            ),
        ]
    if wf:
        from summarize import markdown as rule_table

        table = pd.DataFrame(wf["per_rule"]).set_index("rule")
        lines += [
            "",
            (
                "Workflow: `f1` of results/metrics.json (nested cross-validation, each fold at its own inner "
                f"threshold; per fold {wf['metrics']['f1_fold_mean']:.3f} ± {wf['metrics']['f1_fold_std']:.3f}). "
                f"Per rule, from its {wf['n_jobs']} jobs' Snakemake benchmark files (wall) and their logs' last "
                f"lines (CPU and peak RSS, exact; benchmarks/summarize.py) (sum of job CPU "
                f"{wf['jobs_cpu_s']:,.0f} s; **peak RSS of any job {_mb(wf['jobs_max_peak_rss_mb'])}**):"
            ),
            "",
            rule_table(table),
        ]
    if ref:
        oof, t = ref["oof"], ref["oof_timing"]
        selected = ", ".join(f"{f['n_features']:,}" for f in oof["folds"])
        fell_back = [str(f["fold"]) for f in oof["folds"] if f["selection_fell_back"]]
        lines += [
            "",
            f"Reference: {ref['n_extracted_columns']:,} tsfresh columns per side, {ref['n_selected']:,} kept by "
            f"select_features on the whole training side"
            + (" (none passed: all kept)" if ref["selection_fell_back"] else "")
            + f"; one LightGBM fit, {NUM_BOOST_ROUND} rounds, fixed parameters, seed {SEED}. "
            f"Its F1 is out-of-fold on the training side with the workflow's outer folds ({oof['folds_from']}): "
            f"imputation, select_features ({selected} columns kept per fold"
            + (f"; none passed in fold {', '.join(fell_back)}, all kept" if fell_back else "")
            + f"), the inner-{INNER_FOLDS}-fold threshold and the fit on each fold's training part; per fold "
            f"{oof['f1_fold_mean']:.3f} ± {oof['f1_fold_std']:.3f}. The same rule on the whole training side cuts the "
            f"test probabilities at {oof['test_threshold']:.4f} ({oof['n_test_predicted_tde']:,} of "
            f"{ref['n_objects']['test']:,} test objects predicted TDE). These took {t['wall_s']:,.0f} s wall, "
            f"{t['cpu_s']:,.0f} s CPU, **not** counted in the reference's time. Reference peak RSS: largest process "
            + (_mb(ref["peak_rss_mb"]) if "peak_rss_mb" in ref else "(no GNU time)")
            + f", whole tree {_mb(ref['tree_peak_rss_mb_sampled'])} (sampled every {SAMPLE_SECONDS} s). Its phases:",
            "",
            "| phase | wall s | CPU s |",
            "|---|---:|---:|",
        ]
        for name, p in ref["phases"].items():
            lines.append(f"| {name} | {p['wall_s']:,.1f} | {p['cpu_s']:,.1f} |")
        extraction_cpu = sum(ref["phases"][f"extract {side}"]["cpu_s"] for side in SIDES)
        n_objects = sum(ref["n_objects"].values())
        lines += [
            "",
            (
                f"tsfresh efficient: {extraction_cpu / n_objects:.3f} CPU s per object "
                f"({extraction_cpu:,.0f} s for {n_objects:,} objects, both sides)."
            ),
        ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def main() -> None:
    if sys.argv[1:2] in (["reference"], ["oof"]):
        parser = argparse.ArgumentParser(description="internal: one timed half of benchmarks/speed.py")
        parser.add_argument("what", choices=["reference", "oof"])
        parser.add_argument("--data", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--cores", type=int, required=True)
        parser.add_argument("--folds", type=Path)
        args = parser.parse_args()
        if args.what == "reference":
            run_reference(args.data, args.out, args.cores)
        else:
            run_oof(args.data, args.out, args.folds, args.cores)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder in the MALLORN layout")
    parser.add_argument("--workdir", type=Path, required=True, help="where both halves run; speed.json goes here")
    parser.add_argument("--cores", type=int, default=2, help="cores for both halves (default 2)")
    parser.add_argument("--only", choices=["workflow", "reference"], help="run one half (added to speed.json)")
    parser.add_argument("--write", action="store_true", help="append the section to BENCHMARKS.md")
    args = parser.parse_args()
    data, workdir = args.data.resolve(), args.workdir.resolve()
    if not (data / log_filename("train")).is_file() or not split_folders(data):
        raise SystemExit(f"{data} is not in the MALLORN layout (train_log.csv, split_XX folders)")
    workdir.mkdir(parents=True, exist_ok=True)
    json_path = workdir / "speed.json"
    command = shlex.join(["python", "benchmarks/speed.py", *sys.argv[1:]])
    result = json.loads(json_path.read_text()) if args.only and json_path.is_file() else {}
    if result and (result["data"] != str(data) or result["cores"] != args.cores):
        raise SystemExit(
            f"{json_path} holds a run on {result['data']} with {result['cores']} cores: use another workdir"
        )
    result.update(
        data=str(data),
        data_name=data.name,
        cores=args.cores,
        date=f"{datetime.now(UTC):%Y-%m-%d}",
        machine=machine(),
        one_invocation=not args.only,
    )
    stamp = {"invocation": command, "commit": commit()}
    if args.only in (None, "workflow"):
        result["workflow"] = {**workflow_half(data, workdir, args.cores), **stamp}
        json_path.write_text(json.dumps(result, indent=2))
    if args.only in (None, "reference"):
        result["reference"] = {**reference_half(data, workdir, args.cores), **stamp}
    json_path.write_text(json.dumps(result, indent=2))
    section = markdown(result)
    (workdir / "speed.md").write_text(section)
    print(section)
    print(f"numbers: {json_path}; section: {workdir / 'speed.md'}")
    if args.write:
        if not (result.get("workflow") and result.get("reference")):
            raise SystemExit("--write needs both halves in speed.json")
        with open(REPO / "BENCHMARKS.md", "a") as handle:
            handle.write("\n" + section)
        print(f"appended to {REPO / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
