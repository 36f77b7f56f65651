"""Tables of the report: metrics, candidates, the data summary and the run's cost.

Plain functions on DataFrames that compute each table, and the page that shows it (laid out by
:mod:`mallorn_tde.pages`). The figures are in :mod:`mallorn_tde.plots`, the choice of objects for the
lightcurve figures in :mod:`mallorn_tde.lightcurve_panels`.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .constants import fold_number
from .logs import read_job_resources
from .pages import fixed, html_page, html_table, probability_text

# Coarse classes for summaries, as the multiclass model groups SpecType (mallorn_tde.model.CLASSES): TDE,
# AGN, every type Ia supernova, and the rest (other supernovae). Repeated here so that the data summary does
# not import LightGBM; tests/test_report.py checks that both agree.
DISPLAY_CLASSES = ("TDE", "AGN", "SN Ia", "other")


def display_class(spec_type: pd.Series) -> pd.Series:
    """The coarse class of each SpecType: TDE, AGN, SN Ia (any Ia subtype) or other."""
    spec = spec_type.astype(str)
    out = np.where(
        spec == "TDE", "TDE", np.where(spec == "AGN", "AGN", np.where(spec.str.startswith("SN Ia"), "SN Ia", "other"))
    )
    return pd.Series(out, index=spec_type.index, name="class")


# ---------------------------------------------------------------------------------------------
# Metrics


def metrics_tables(metrics: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(headline, per fold) tables of metrics.json; the headline table says how each number was obtained."""
    how = metrics["how"]
    low, high = metrics["f1_bootstrap_95"]
    n_features = metrics["n_features"]
    folds = sorted(metrics["per_fold"], key=fold_number)
    rows = [
        ("F1 (TDE), pooled out of fold", metrics["f1"], f"{low:.3f} - {high:.3f} (95% bootstrap)", how["f1"]),
        ("F1 95% bootstrap interval", np.nan, f"{low:.3f} - {high:.3f}", how["f1_bootstrap_95"]),
        ("Precision", metrics["precision"], "", how["precision"]),
        ("Recall", metrics["recall"], "", how["recall"]),
        ("Average precision", metrics["average_precision"], "", how["average_precision"]),
        (
            "F1 across outer folds",
            metrics["f1_fold_mean"],
            f"± {metrics['f1_fold_std']:.3f} (min {metrics['f1_fold_min']:.3f}, max {metrics['f1_fold_max']:.3f})",
            f"{how['f1_fold_mean']} {how['f1_fold_std']}",
        ),
        ("Threshold for the test set", metrics["threshold"], "", how["threshold"]),
        ("F1 at that threshold (optimistic)", metrics["f1_at_pooled_threshold"], "", how["f1_at_pooled_threshold"]),
        (
            "Purity at that threshold",
            metrics["purity_at_threshold"],
            f"{metrics['expected_tde_at_threshold']:.1f} TDEs expected by the calibrated P(TDE)",
            f"{how['purity_at_threshold']} {how['expected_tde_at_threshold']}",
        ),
        (
            "Brier score, calibrated P(TDE)",
            metrics["brier_calibrated"],
            f"raw score {metrics['brier_raw']:.4f}",
            f"{how['brier_calibrated']} {how['calibration_method']}",
        ),
        (
            "Expected calibration error, calibrated P(TDE)",
            metrics["ece_calibrated"],
            f"raw score {metrics['ece_raw']:.4f}",
            f"{how['ece_calibrated']} {how['ece_raw']}",
        ),
        (
            "Average precision, calibrated P(TDE)",
            metrics["average_precision_calibrated"],
            f"raw score {metrics['average_precision']:.4f}",
            how["average_precision_calibrated"],
        ),
        ("Training objects", metrics["n_objects"], "", how["n_objects"]),
        ("TDEs among them", metrics["n_tde"], "", how["n_tde"]),
        ("Predicted TDE out of fold", metrics["n_predicted_tde"], "", how["n_predicted_tde"]),
        ("Features in the final model", n_features.get("final", np.nan), "", how["n_features"]),
    ]
    headline = pd.DataFrame(rows, columns=["quantity", "value", "spread", "how it was obtained"])
    counts = headline["quantity"].isin(
        ["Training objects", "TDEs among them", "Predicted TDE out of fold", "Features in the final model"]
    )
    headline["value"] = [
        "" if not np.isfinite(v) else (f"{int(v):,}" if is_count else f"{v:.4f}")
        for v, is_count in zip(headline["value"].astype(float), counts)
    ]
    thresholds = metrics.get("fold_thresholds", {})
    calibrators = metrics.get("calibrators", {})
    per_fold = pd.DataFrame(
        [
            {
                "outer fold": fold_number(k),
                "objects": metrics["per_fold"][k]["n_objects"],
                "TDEs": metrics["per_fold"][k]["n_tde"],
                "predicted TDE": metrics["per_fold"][k]["n_predicted_tde"],
                "F1": metrics["per_fold"][k]["f1"],
                "precision": metrics["per_fold"][k]["precision"],
                "recall": metrics["per_fold"][k]["recall"],
                "average precision": metrics["per_fold"][k]["average_precision"],
                "threshold": thresholds.get(k, np.nan),
                "threshold, calibrated": calibrators.get(k, {}).get("threshold_calibrated", np.nan),
                "calibrator fitted on": calibrators.get(k, {}).get("fitted_on_objects", np.nan),
                "features selected": n_features.get(k, np.nan),
            }
            for k in folds
        ]
    )
    return headline, per_fold


def list_length_table(metrics: dict) -> pd.DataFrame:
    """metrics.json's out-of-fold purity at the test side's list lengths, one row per length."""
    columns = {
        "test_objects": "test objects followed up",
        "oof_objects": "out-of-fold objects (same share)",
        "tde_found": "TDEs found",
        "purity": "purity",
        "expected_tde": "TDEs expected (calibrated)",
        "test_tde_estimate": "TDEs estimated in the test list",
    }
    return pd.DataFrame(metrics["purity_at_list_length"], columns=list(columns)).rename(columns=columns)


def calibration_methods_table(metrics: dict) -> pd.DataFrame:
    """Brier score, expected calibration error and average precision of the out-of-fold probabilities, raw and
    under each calibration method, the configured one marked."""
    methods = metrics["calibration_methods"]
    any_method = next(iter(methods.values()))
    rows = [("raw score", "", any_method["brier_raw"], any_method["ece_raw"], any_method["average_precision_raw"])]
    rows += [
        (
            name,
            "yes" if name == metrics["calibration_method"] else "",
            m["brier_calibrated"],
            m["ece_calibrated"],
            m["average_precision_calibrated"],
        )
        for name, m in methods.items()
    ]
    return pd.DataFrame(rows, columns=["probabilities", "configured", "Brier score", "ECE", "average precision"])


def metrics_html(metrics: dict) -> str:
    headline, per_fold = metrics_tables(metrics)
    how = metrics["how"]
    low, high = metrics["f1_bootstrap_95"]
    three = fixed(3)
    intro = (
        f"Headline: out-of-fold TDE F1 <b>{metrics['f1']:.3f}</b> (95% bootstrap interval {low:.3f} - {high:.3f}), "
        f"precision {metrics['precision']:.3f}, recall {metrics['recall']:.3f}, average precision "
        f"{metrics['average_precision']:.3f}, over {metrics['n_objects']:,} training objects "
        f"({metrics['n_tde']:,} TDEs). Every number comes from predictions of objects that the model, its "
        "feature selection, its tuning and its threshold never saw."
    )
    fold_formats = {c: three for c in ("F1", "precision", "recall", "average precision")}
    fold_formats |= {"threshold": fixed(4), "threshold, calibrated": fixed(4)}
    lengths = list_length_table(metrics)
    length_formats = {"purity": three} | {c: fixed(1) for c in lengths.columns if c.startswith("TDEs ")}
    four = fixed(4)
    return html_page(
        "Cross-validated metrics",
        [
            (
                "",
                "",
                html_table(
                    headline,
                    sortable=False,
                    table_id="metrics",
                    classes={"value": "num", "how it was obtained": "how"},
                ),
            ),
            (
                "Per outer fold",
                html.escape(f"{how['per_fold']} Threshold: {how['fold_thresholds']} {how['calibrators']}"),
                html_table(per_fold, fold_formats, table_id="per-fold"),
            ),
            (
                "Purity down the ranked list",
                html.escape(how["purity_at_list_length"]),
                html_table(lengths, length_formats, table_id="list-lengths"),
            ),
            (
                "Calibration methods",
                html.escape(f"{how['calibration_methods']} {how['ece_raw']}"),
                html_table(
                    calibration_methods_table(metrics),
                    {"Brier score": four, "ECE": four, "average precision": four},
                    table_id="calibration-methods",
                ),
            ),
        ],
        intro,
    )


# ---------------------------------------------------------------------------------------------
# Candidates


def tde_contributions(model, X: pd.DataFrame) -> pd.DataFrame:
    """Each feature's SHAP contribution (LightGBM ``pred_contrib``) to the TDE score of each row of ``X``.

    For a multiclass model, the contributions to the TDE class's raw score (its softmax logit); for a binary
    model, to the log-odds; for a seed-bagged list of boosters, their mean (contributions add up, so the mean
    explains the mean raw score). Columns are the model's features; the bias is left out.
    """
    from .model import TDE_CLASS, boosters_of

    boosters = boosters_of(model)
    names = boosters[0].feature_name()
    width = len(names) + 1
    total = np.zeros((len(X), len(names)))
    for booster in boosters:
        contrib = np.asarray(booster.predict(X[names], pred_contrib=True))
        if booster.num_model_per_iteration() > 1:
            contrib = contrib[:, TDE_CLASS * width : (TDE_CLASS + 1) * width]
        total += contrib[:, :-1]
    return pd.DataFrame(total / len(boosters), index=X.index, columns=names)


def _short_value(v: float) -> str:
    if not math.isfinite(v):
        return "NaN"
    return f"{v:.3g}"


def drivers_text(contributions: pd.DataFrame, X: pd.DataFrame, n: int = 3) -> pd.Series:
    """The ``n`` features that raise each row's TDE score most: 'feature = value (+contribution)', by size."""
    out = {}
    for object_id, row in contributions.iterrows():
        top = row[row > 0].sort_values(ascending=False, kind="mergesort").head(n)
        out[object_id] = "; ".join(f"{f} = {_short_value(X.at[object_id, f])} (+{c:.2f})" for f, c in top.items())
    return pd.Series(out, name="what raises the score")


def candidates_table(
    probabilities: pd.DataFrame,
    test: pd.DataFrame,
    threshold: float,
    drivers: pd.Series,
    top_features: list[str],
    min_rows: int,
) -> pd.DataFrame:
    """Test objects ranked by the raw score: every object at or above the threshold, and at least ``min_rows``.

    ``probabilities`` is test_probabilities.csv (object_id, probability: the raw score, calibrated_probability).
    Beside the raw score, the calibrated P(TDE) and its running sum down the whole ranked list: the TDEs expected
    among the objects up to that rank. ``test`` is the merged test table (Z, Z_err, split and the features);
    ``drivers`` the text of :func:`drivers_text` for (at least) the rows shown; ``top_features`` columns of
    ``test`` shown as they are.
    """
    ranked = probabilities.set_index("object_id").sort_values("probability", ascending=False, kind="mergesort")
    raw = ranked["probability"].to_numpy()
    calibrated = ranked["calibrated_probability"].to_numpy()
    n_rows = min(len(ranked), max(int((raw >= threshold).sum()), min_rows))
    ids = ranked.index[:n_rows]
    table = pd.DataFrame(
        {
            "rank": np.arange(1, n_rows + 1),
            "object_id": ids,
            "raw score": raw[:n_rows],
            "calibrated P(TDE)": calibrated[:n_rows],
            "expected TDEs to here": np.cumsum(calibrated)[:n_rows],
            "predicted TDE": raw[:n_rows] >= threshold,
            "Z": test["Z"].reindex(ids).to_numpy(float),
            "Z_err": test["Z_err"].reindex(ids).to_numpy(float) if "Z_err" in test else np.nan,
            "split": test["split"].reindex(ids).to_numpy() if "split" in test else "",
            "what raises the score": drivers.reindex(ids).fillna("").to_numpy(),
        }
    )
    for feature in top_features:
        table[feature] = test[feature].reindex(ids).to_numpy(float)
    return table


def candidates_html(
    table: pd.DataFrame, threshold: float, n_test: int, top_features: list[str], expected_all: float
) -> str:
    """The candidates page; ``expected_all`` is the sum of the calibrated P(TDE) over every test object."""
    n_above = int(table["predicted TDE"].sum())
    expected_above = float(table.loc[table["predicted TDE"], "calibrated P(TDE)"].sum())
    intro = (
        f"{len(table):,} of the {n_test:,} test objects, ranked by the final model's raw TDE score; the "
        f"{n_above:,} at or above the threshold {threshold:.4f} (from the pooled out-of-fold probabilities) are "
        "shaded: they are the submission's TDEs. 'calibrated P(TDE)': the raw score through the calibrator fitted "
        "on every training object's inner out-of-fold probabilities, the share of TDEs among objects of that "
        "score; 'expected TDEs to here': its running sum down the list, the TDEs expected among the objects "
        f"followed up to that rank ({expected_above:.1f} among the shaded ones, {expected_all:.1f} over all "
        f"{n_test:,} test objects). Click a column's header to sort by it (again to reverse). "
        "'what raises the score': the three features with the largest positive SHAP contribution to this "
        "object's TDE score (LightGBM's pred_contrib, in units of the raw TDE score), with the object's value. "
        f"The last {len(top_features)} columns are the values of the model's most important features "
        "(total gain), whatever their effect on this object."
    )
    probability = lambda p: probability_text(p) if p >= 1e-3 or p == 0 else f"{p:.1e}"  # noqa: E731
    formats = {"raw score": probability, "calibrated P(TDE)": probability, "expected TDEs to here": fixed(2)}
    formats |= {"Z": fixed(4), "Z_err": fixed(4)}
    formats |= {f: _short_value for f in top_features}
    return html_page(
        "TDE candidates in the test set",
        [("", "", html_table(table, formats, table_id="candidates", highlight=table["predicted TDE"]))],
        intro,
    )


# ---------------------------------------------------------------------------------------------
# Data summary


def observations_per_object(paths, ids: pd.Index) -> pd.Series:
    """Observations (rows of the ingested lightcurves) of each object of ``ids``; 0 for an object without any."""
    counts = [pq.read_table(p, columns=["object_id"]).to_pandas()["object_id"].value_counts() for p in paths]
    total = pd.concat(counts).groupby(level=0).sum() if counts else pd.Series(dtype=int)
    return total.reindex(ids, fill_value=0).astype(int).rename("observations")


def data_summary(train: pd.DataFrame, test: pd.DataFrame, n_obs_train: pd.Series, n_obs_test: pd.Series):
    """Objects per split and class and observations per object: (per-split table, per-class table).

    ``train`` and ``test`` are the catalogues (``split``; ``SpecType`` on the training side).
    """
    classes = display_class(train["SpecType"])
    per_class = pd.crosstab(train["split"], classes).reindex(columns=list(DISPLAY_CLASSES), fill_value=0)
    splits = sorted(set(train["split"]) | set(test["split"]))
    table = pd.DataFrame({"split": splits})
    table["training objects"] = train["split"].value_counts().reindex(splits, fill_value=0).to_numpy()
    for c in DISPLAY_CLASSES:
        table[f"train {c}"] = per_class[c].reindex(splits, fill_value=0).to_numpy()
    table["test objects"] = test["split"].value_counts().reindex(splits, fill_value=0).to_numpy()
    table["median obs./object (train)"] = n_obs_train.groupby(train["split"]).median().reindex(splits).to_numpy()
    table["median obs./object (test)"] = n_obs_test.groupby(test["split"]).median().reindex(splits).to_numpy()
    total = {c: table[c].sum() for c in table.columns if c != "split" and not c.startswith("median")}
    total |= {
        "split": "all",
        "median obs./object (train)": float(n_obs_train.median()) if len(n_obs_train) else np.nan,
        "median obs./object (test)": float(n_obs_test.median()) if len(n_obs_test) else np.nan,
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)

    groups = [("train", c, n_obs_train[classes == c]) for c in DISPLAY_CLASSES]
    groups += [("train", "all", n_obs_train), ("test", "all (unlabelled)", n_obs_test)]
    by_class = pd.DataFrame(
        [
            {
                "side": side,
                "class": name,
                "objects": len(n),
                "without observations": int((n == 0).sum()),
                "obs./object p10": n.quantile(0.1) if len(n) else np.nan,
                "median": n.median() if len(n) else np.nan,
                "p90": n.quantile(0.9) if len(n) else np.nan,
            }
            for side, name, n in groups
        ]
    )
    spec = train["SpecType"].astype(str).value_counts()
    spec_types = pd.DataFrame({"SpecType": spec.index, "training objects": spec.to_numpy()})
    return table, by_class, spec_types


def data_summary_html(per_split: pd.DataFrame, by_class: pd.DataFrame, spec_types: pd.DataFrame) -> str:
    n_train, n_test = int(per_split["training objects"].iloc[-1]), int(per_split["test objects"].iloc[-1])
    n_tde = int(per_split["train TDE"].iloc[-1])
    one = fixed(1)
    return html_page(
        "Data summary",
        [
            (
                "Objects per split and class",
                "Classes as the multiclass model groups SpecType: TDE, AGN, SN Ia (every Ia subtype) and other "
                "(every other supernova). The test side is unlabelled.",
                html_table(
                    per_split, {c: one for c in per_split if c.startswith("median")}, table_id="per-split", footer=1
                ),
            ),
            (
                "Observations per object",
                "Rows of the ingested lightcurves (empty fluxes dropped), all six bands together.",
                html_table(by_class, {c: one for c in ("obs./object p10", "median", "p90")}, table_id="per-class"),
            ),
            ("Training objects per SpecType", "", html_table(spec_types, table_id="spec-types")),
        ],
        f"{n_train:,} training objects ({n_tde:,} TDEs) and {n_test:,} test objects in {len(per_split) - 1} splits.",
    )


# ---------------------------------------------------------------------------------------------
# Runtime


def read_benchmarks(root, exclude=(), logs=None) -> pd.DataFrame:
    """Every Snakemake benchmark file under ``root``: one row per file (the last repeat), with its job group.

    The group is the file's folder under ``root`` (``extract/gp/train``, ``tune``), or its name for a
    file directly in ``root`` (``metrics``); groups named in ``exclude`` are left out. With ``logs`` (the
    folder of the jobs' logs, at the same relative paths), a job's CPU time and peak memory are the exact
    ones its log ends with (:func:`mallorn_tde.logs.read_job_resources`; ``exact`` True) instead of the
    benchmark file's samples, which miss a long job's last seconds.
    """
    root = Path(root)
    rows = []
    for path in sorted(root.rglob("*.tsv")):
        rel = path.relative_to(root)
        group = rel.parent.as_posix() if rel.parent != Path(".") else rel.stem
        if group.split("/")[0] in exclude:
            continue
        table = pd.read_csv(path, sep="\t")
        if table.empty:
            continue
        last = table.iloc[-1]
        exact = read_job_resources(Path(logs) / rel.with_suffix(".log")) if logs is not None else None
        rows.append(
            {
                "group": group,
                "rule": group.split("/")[0],
                "job": rel.with_suffix("").as_posix(),
                "s": pd.to_numeric(last.get("s"), errors="coerce"),
                "cpu_time": exact[0] if exact else pd.to_numeric(last.get("cpu_time"), errors="coerce"),
                "max_rss": exact[1] if exact else pd.to_numeric(last.get("max_rss"), errors="coerce"),
                "exact": exact is not None,
            }
        )
    return pd.DataFrame(rows, columns=["group", "rule", "job", "s", "cpu_time", "max_rss", "exact"])


def runtime_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Jobs, wall-clock and CPU seconds and peak memory per job group, the most expensive first, and a total."""
    grouped = benchmarks.groupby("group", sort=True)
    table = pd.DataFrame(
        {
            "rule": grouped["rule"].first(),
            "jobs": grouped.size(),
            "wall s, total": grouped["s"].sum(),
            "wall s, mean": grouped["s"].mean(),
            "wall s, max": grouped["s"].max(),
            "CPU s, total": grouped["cpu_time"].sum(min_count=1),
            "max RSS MB": grouped["max_rss"].max(),
        }
    )
    table = table.sort_values(["wall s, total"], ascending=False, kind="mergesort").reset_index()
    table = table.rename(columns={"group": "job group"})
    total = {
        "job group": "all",
        "rule": "",
        "jobs": int(table["jobs"].sum()),
        "wall s, total": table["wall s, total"].sum(),
        "wall s, mean": benchmarks["s"].mean() if len(benchmarks) else np.nan,
        "wall s, max": benchmarks["s"].max() if len(benchmarks) else np.nan,
        "CPU s, total": table["CPU s, total"].sum(min_count=1),
        "max RSS MB": benchmarks["max_rss"].max() if len(benchmarks) else np.nan,
    }
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def runtime_html(table: pd.DataFrame) -> str:
    one = fixed(1)
    formats = {c: one for c in table.columns if c.startswith(("wall", "CPU"))} | {"max RSS MB": fixed(0)}
    total = table.iloc[-1]
    intro = (
        f"{int(total['jobs']):,} jobs took {total['wall s, total']:,.0f} s of wall-clock time in all (summed over "
        "jobs, so more than the run's elapsed time when jobs ran in parallel), as Snakemake measured them in "
        "results/benchmarks/; CPU time and peak memory are the kernel's figures from the last line of each job's log "
        "(results/logs/), or Snakemake's samples where a log has no such line. A job that was not rerun keeps the "
        "figures of the run that made its output. "
        "Click a header to sort."
    )
    return html_page("Runtime per rule", [("", "", html_table(table, formats, table_id="runtime", footer=1))], intro)
