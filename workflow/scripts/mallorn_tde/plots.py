"""Figures of the report: the classifier's curves and errors, feature importance, lightcurves, the data.

Each ``*_figure`` function returns a matplotlib figure; :func:`threshold_curves` and :func:`confusion_counts`
compute the numbers behind the curves and the confusion matrix (tested on their own), the classes of SpecType
come from :mod:`mallorn_tde.report`, what a lightcurve panel shows from :mod:`mallorn_tde.lightcurve_panels`.
"""

from __future__ import annotations

import matplotlib
import matplotlib.patches
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .calibration import N_BINS, reliability_bins, yield_curve  # noqa: E402
from .constants import FILTERS  # noqa: E402
from .report import DISPLAY_CLASSES, display_class  # noqa: E402

BAND_COLORS = {"u": "#6a3d9a", "g": "#1b9e3a", "r": "#d62728", "i": "#ff7f0e", "z": "#8c564b", "y": "#404040"}
SET_COLORS = {
    "gp": "#1f77b4",
    "physics": "#d62728",
    "tsfresh": "#2ca02c",
    "lightcurve": "#9467bd",
    "catalog": "#7f7f7f",
}
CLASS_COLORS = {"TDE": "#d62728", "AGN": "#1f77b4", "SN Ia": "#2ca02c", "other": "#ff7f0e"}
# Probabilities are drawn on a logit axis, which spreads both ends; these bound what it shows.
P_LOW, P_HIGH = 1e-6, 1 - 1e-6
_LOGIT_TICKS = (1e-6, 1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1 - 1e-6)
_LOGIT_LABELS = ("10⁻⁶", "10⁻⁴", "0.001", "0.01", "0.1", "0.5", "0.9", "0.99", "0.999", "0.9999", "1-10⁻⁶")


def save_figure(figure, path, dpi: int) -> None:
    """Write a figure as the report's PNGs are written: without matplotlib's version in the file's metadata, so
    the same figure gives the same bytes whatever matplotlib wrote it."""
    figure.savefig(path, dpi=dpi, metadata={"Software": None})


def threshold_curves(y_true, proba) -> pd.DataFrame:
    """Precision, recall and F1 of ``proba >= threshold`` at every distinct probability, lowest threshold first."""
    from sklearn.metrics import precision_recall_curve  # here, not above: most plot jobs need none of it

    precision, recall, thresholds = precision_recall_curve(np.asarray(y_true, int), np.asarray(proba, float))
    precision, recall = precision[:-1], recall[:-1]  # the last point (recall 0) has no threshold
    denominator = precision + recall
    f1 = np.divide(2 * precision * recall, denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return pd.DataFrame({"threshold": thresholds, "precision": precision, "recall": recall, "f1": f1})


def confusion_counts(y_true, y_pred) -> np.ndarray:
    """2x2 counts: rows true class (not TDE, TDE), columns predicted (not TDE, TDE)."""
    y = np.asarray(y_true, int)
    p = np.asarray(y_pred, int)
    return np.array([[np.sum((y == t) & (p == q)) for q in (0, 1)] for t in (0, 1)])


def _logit_axis(ax, low: float, high: float):
    """A logit-scaled x axis between ``low`` and ``high`` with ticks a reader can read."""
    ax.set_xscale("logit")
    ax.set_xlim(low, high)
    ticks = [(t, label) for t, label in zip(_LOGIT_TICKS, _LOGIT_LABELS) if low <= t <= high]
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())


def pr_curve_figure(oof: pd.DataFrame, metrics: dict):
    """The pooled out-of-fold precision-recall curve, each fold's curve, and the operating points."""
    from sklearn.metrics import precision_recall_curve

    fig, ax = plt.subplots(figsize=(7, 5.5))
    for k, part in oof.groupby("fold", sort=True):
        if part["target"].any():
            precision, recall, _ = precision_recall_curve(part["target"], part["probability"])
            ax.plot(recall, precision, color="C0", lw=0.8, alpha=0.35, label="single outer folds" if k == 1 else None)
    precision, recall, _ = precision_recall_curve(oof["target"], oof["probability"])
    ax.plot(recall, precision, color="C0", lw=2, label=f"pooled out of fold (AP {metrics['average_precision']:.3f})")
    ax.scatter(
        [metrics["recall"]],
        [metrics["precision"]],
        color="C3",
        zorder=3,
        s=50,
        label=f"at each fold's own threshold (F1 {metrics['f1']:.3f})",
    )
    at_final = oof["probability"] >= metrics["threshold"]
    tp = int((at_final & (oof["target"] == 1)).sum())
    if at_final.any():
        ax.scatter(
            [tp / max(int(oof["target"].sum()), 1)],
            [tp / int(at_final.sum())],
            marker="D",
            facecolor="none",
            edgecolor="k",
            zorder=3,
            s=50,
            label=f"at the test threshold {metrics['threshold']:.3f}",
        )
    ax.axhline(oof["target"].mean(), color="grey", ls=":", label=f"TDE fraction {oof['target'].mean():.3f}")
    ax.set(xlabel="recall (TDEs found)", ylabel="precision (TDEs among those flagged)", xlim=(0, 1), ylim=(0, 1.02))
    ax.set_title("Precision-recall, out of fold")
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    return fig


def f1_threshold_figure(oof: pd.DataFrame, metrics: dict):
    """F1, precision and recall of the pooled out-of-fold probabilities against the threshold."""
    curves = threshold_curves(oof["target"], oof["probability"])
    fig, ax = plt.subplots(figsize=(8, 5.5))
    t = curves["threshold"].clip(P_LOW, P_HIGH)
    ax.plot(t, curves["f1"], color="k", lw=2, label="F1")
    ax.plot(t, curves["precision"], color="C0", lw=1, label="precision")
    ax.plot(t, curves["recall"], color="C1", lw=1, label="recall")
    threshold = metrics["threshold"]
    ax.axvline(
        np.clip(threshold, P_LOW, P_HIGH),
        color="C3",
        ls="--",
        label=f"chosen threshold {threshold:.4f} (F1 here {metrics['f1_at_pooled_threshold']:.3f})",
    )
    for _fold, value in sorted(metrics.get("fold_thresholds", {}).items()):
        ax.axvline(np.clip(value, P_LOW, P_HIGH), color="C3", lw=0.6, alpha=0.5, ymax=0.06)
    if metrics.get("fold_thresholds"):
        ax.plot([], [], color="C3", lw=0.6, alpha=0.5, label="outer folds' own thresholds (ticks)")
    _logit_axis(ax, 1e-4, 1 - 1e-4)
    ax.set(xlabel="threshold on P(TDE) (logit scale)", ylabel="score", ylim=(0, 1.02))
    ax.set_title("F1 against threshold, pooled out of fold (flagged: P(TDE) >= threshold)")
    ax.legend(loc="center right", fontsize=9)
    fig.tight_layout()
    return fig


def _confusion_panel(ax, counts: np.ndarray, title: str):
    ax.imshow(counts / max(counts.sum(), 1), cmap="Blues", vmin=0, vmax=0.3)
    labels = ("not TDE", "TDE")
    for i in range(2):
        for j in range(2):
            share = counts[i, j] / max(counts[i].sum(), 1)
            ax.text(j, i, f"{counts[i, j]:,}\n({share:.0%} of row)", ha="center", va="center", fontsize=12)
    ax.set_xticks([0, 1], [f"predicted {x}" for x in labels])
    ax.set_yticks([0, 1], [f"true {x}" for x in labels])
    ax.set_title(title, fontsize=10)


def confusion_figure(oof: pd.DataFrame, metrics: dict):
    """Out-of-fold confusion matrices: at each fold's own threshold (the headline) and at the test threshold."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    headline = confusion_counts(oof["target"], oof["prediction"])
    _confusion_panel(
        axes[0],
        headline,
        f"each fold at its own threshold (headline: F1 {metrics['f1']:.3f})",
    )
    pooled = confusion_counts(oof["target"], oof["probability"] >= metrics["threshold"])
    _confusion_panel(
        axes[1],
        pooled,
        f"all at the test threshold {metrics['threshold']:.4f}\n(chosen on these predictions: optimistic)",
    )
    fig.suptitle("Confusion matrix of the out-of-fold predictions")
    fig.tight_layout()
    return fig


def scores_by_spectype_figure(oof: pd.DataFrame, spec_type: pd.Series, metrics: dict):
    """Out-of-fold P(TDE) of every training object, one row per SpecType, with how many pass the threshold.

    ``spec_type`` is indexed by object_id. Rows are ordered by the share of objects at or above the
    (test) threshold, then by median score: the classes mistaken for TDEs come first, after TDE itself.
    """
    table = oof.set_index("object_id")[["probability", "prediction"]].join(spec_type.rename("SpecType"))
    table["SpecType"] = table["SpecType"].fillna("unknown").astype(str)
    table["flagged"] = table["probability"] >= metrics["threshold"]
    stats = table.groupby("SpecType").agg(
        n=("probability", "size"),
        flagged=("flagged", "sum"),
        predicted=("prediction", "sum"),
        median=("probability", "median"),
    )
    stats["share"] = stats["flagged"] / stats["n"]
    order = stats.sort_values(["share", "median"], ascending=[False, False], kind="mergesort").index.tolist()
    if "TDE" in order:
        order.remove("TDE")
        order.insert(0, "TDE")
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.42 * len(order)))
    rng = np.random.default_rng(0)
    for row, name in enumerate(order):
        values = table.loc[table["SpecType"] == name, "probability"].clip(P_LOW, P_HIGH).to_numpy()
        color = CLASS_COLORS[display_class(pd.Series([name])).iloc[0]]
        ax.scatter(values, row + rng.uniform(-0.28, 0.28, len(values)), s=6, color=color, alpha=0.5, lw=0)
        ax.boxplot(
            values,
            positions=[row],
            orientation="horizontal",
            widths=0.6,
            showfliers=False,
            medianprops={"color": "k"},
            boxprops={"color": "k", "lw": 0.8},
            whiskerprops={"color": "k", "lw": 0.8},
            capprops={"color": "k", "lw": 0.8},
        )
        s = stats.loc[name]
        ax.text(
            1.01,
            row,
            f"{int(s['flagged'])} of {int(s['n'])} ({s['share']:.0%})",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=9,
        )
    ax.axvline(metrics["threshold"], color="C3", ls="--")
    _logit_axis(ax, P_LOW / 2, 1 - P_LOW / 2)
    ax.set_yticks(range(len(order)), order)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("out-of-fold P(TDE) (logit scale)")
    ax.set_title(
        f"Out-of-fold scores per SpecType; dashed: the test threshold {metrics['threshold']:.4f};\n"
        "right: objects at or above it",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def reliability_figure(oof: pd.DataFrame, metrics: dict, n_bins: int = 10):
    """Reliability diagram of the pooled out-of-fold probabilities, calibrated against raw.

    Top: in ``n_bins`` equal-width bins of probability, each bin's TDE fraction against its mean probability,
    for the raw scores and the calibrated probabilities (each binned by its own value), labelled with its TDEs /
    objects and drawn with the binomial standard error of its fraction. Bottom: the objects and TDEs per bin.
    The legend gives the expected calibration error over equal-count bins and the Brier score of metrics.json.
    """
    y = oof["target"].to_numpy(int)
    method = metrics["calibration_method"]
    fig, (ax, ax_counts) = plt.subplots(2, 1, figsize=(9, 8.5), sharex=True, gridspec_kw={"height_ratios": [2.4, 1]})
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="perfectly calibrated")
    width = 1 / n_bins
    series = (
        ("raw score", "probability", "C0", "o", "raw", -1),
        (f"calibrated P(TDE) ({method})", "calibrated_probability", "C3", "s", "calibrated", 1),
    )
    for name, column, color, marker, key, side in series:
        bins = reliability_bins(y, oof[column].to_numpy(float), n_bins, equal_width=True)
        error = np.sqrt(bins["tde_fraction"] * (1 - bins["tde_fraction"]) / bins["objects"])
        ax.errorbar(
            bins["mean_probability"],
            bins["tde_fraction"],
            yerr=error,
            color=color,
            marker=marker,
            ms=6,
            lw=1.2,
            capsize=2,
            label=f"{name}: ECE {metrics[f'ece_{key}']:.4f}, Brier {metrics[f'brier_{key}']:.4f}",
        )
        for _, b in bins.iterrows():
            ax.annotate(
                f"{int(b['tde'])}/{int(b['objects'])}",
                (b["mean_probability"], b["tde_fraction"]),
                xytext=(4, -12 if side < 0 else 6),
                textcoords="offset points",
                fontsize=7,
                color=color,
            )
        left = (bins["bin"] - 1) * width + (width / 2 if side > 0 else 0)
        ax_counts.bar(left, bins["objects"], width / 2, align="edge", color=color, alpha=0.35, label=f"{name}: objects")
        ax_counts.bar(left, bins["tde"], width / 2, align="edge", color=color, label=f"{name}: TDEs")
    ax.set(ylabel="TDE fraction in the bin", xlim=(0, 1), ylim=(-0.02, 1.02))
    ax.set_title(
        f"Out-of-fold probabilities of {len(y):,} objects in {n_bins} bins of equal width (labels: TDEs / objects);\n"
        f"ECE over {N_BINS} bins of equal count; each outer fold calibrated on its training part",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=9)
    ax_counts.set_yscale("log")
    ax_counts.set(xlabel="probability", ylabel="objects and TDEs per bin")
    ax_counts.set_xticks(np.linspace(0, 1, n_bins + 1))
    ax_counts.legend(loc="upper center", fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def purity_yield_figure(oof: pd.DataFrame, metrics: dict):
    """What following up the out-of-fold ranking (by raw score) finds: TDEs found and purity against objects
    followed up, beside what the calibrated probabilities expected, with the test threshold and the list lengths
    of metrics.json marked; the top axis counts the test side's objects (the same share of its list)."""
    y = oof["target"].to_numpy(int)
    raw = oof["probability"].to_numpy(float)
    curve = yield_curve(y, raw, oof["calibrated_probability"].to_numpy(float))
    n, n_tde, n_test = len(curve), int(y.sum()), int(metrics["n_test_objects"])
    flagged = int((raw >= metrics["threshold"]).sum())
    shown = curve.iloc[: min(n, max(3 * flagged, 2 * n_tde, 10))]
    lengths = [r for r in metrics["purity_at_list_length"] if r["oof_objects"] <= len(shown)]
    fig, (ax_found, ax_purity) = plt.subplots(1, 2, figsize=(13, 5.3))
    ax_found.step(shown["objects"], shown["tde_found"], where="post", color="k", lw=1.8, label="TDEs found")
    ax_found.plot(shown["objects"], shown["expected_tde"], color="C3", ls="--", label="expected (calibrated P(TDE))")
    ax_found.axhline(n_tde, color="grey", ls=":", lw=1, label=f"all {n_tde} TDEs")
    ax_purity.plot(shown["objects"], shown["purity"], color="k", lw=1.8, label="purity (TDEs among those followed)")
    ax_purity.plot(
        shown["objects"], shown["expected_purity"], color="C3", ls="--", label="expected (mean calibrated P(TDE))"
    )
    ax_purity.axhline(n_tde / n, color="grey", ls=":", lw=1, label=f"TDE fraction {n_tde / n:.3f} (at random)")
    if flagged:
        at = curve.iloc[flagged - 1]
        label = (
            f"test threshold {metrics['threshold']:.4f}: {flagged} objects, {int(at['tde_found'])} TDEs, "
            f"purity {at['purity']:.2f}"
        )
        for axis in (ax_found, ax_purity):
            axis.axvline(flagged, color="C2", lw=1.5, label=label)
    if lengths:
        ax_found.scatter(
            [r["oof_objects"] for r in lengths],
            [r["tde_found"] for r in lengths],
            color="C1",
            zorder=3,
            label="metrics.json's list lengths (labels: the test side's top L)",
        )
        ax_purity.scatter([r["oof_objects"] for r in lengths], [r["purity"] for r in lengths], color="C1", zorder=3)
        for r in lengths:
            ax_purity.annotate(
                f"{r['test_objects']}",
                (r["oof_objects"], r["purity"]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
                color="C1",
            )
    scale = n_test / n
    for axis in (ax_found, ax_purity):
        axis.set_xlim(0, shown["objects"].iloc[-1])
        axis.set_xlabel(f"objects followed up, out of fold (of {n:,}, ranked by raw score)")
        top = axis.secondary_xaxis("top", functions=(lambda x: x * scale, lambda x: x / scale))
        top.set_xlabel(f"test objects followed up (same share of the test side's {n_test:,})", fontsize=9)
    ax_found.set_ylabel("TDEs")
    ax_purity.set(ylabel="purity", ylim=(0, 1.02))
    ax_found.legend(loc="lower right", fontsize=8)
    ax_purity.legend(loc="upper right", fontsize=8)
    fig.suptitle("Purity and yield of the out-of-fold ranking", y=0.99)
    fig.tight_layout()
    return fig


def importance_figure(importance: pd.DataFrame, n: int = 30):
    """The ``n`` features of largest total gain in the final model, coloured by feature set."""
    top = importance.sort_values(["gain", "feature"], ascending=[False, True], kind="mergesort").head(n)
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.28 * max(len(top), 1)))
    colors = [SET_COLORS.get(s, "#bcbd22") for s in top["set"]]
    ax.barh(range(len(top)), top["gain_fraction"], color=colors)
    ax.set_yticks(range(len(top)), top["feature"], fontsize=8)
    ax.set_ylim(len(top) - 0.5, -0.5)
    ax.set_xlabel("share of the final model's total gain")
    shown = top["gain_fraction"].sum()
    ax.set_title(f"Top {len(top)} of {len(importance)} features ({shown:.0%} of the gain)", fontsize=11)
    handles = [
        matplotlib.patches.Patch(color=SET_COLORS.get(name, "#bcbd22"), label=name)
        for name in dict.fromkeys(top["set"])
    ]
    ax.legend(handles=handles, title="feature set", loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def _lightcurve_panel(ax, view: dict, title: str, window):
    model = view["model"]
    t = view["t"]
    inside = (t >= window[0]) & (t <= window[1])
    if model is not None:
        for b, name in enumerate(FILTERS):
            mean, std = model["mean"][:, b], model["std"][:, b]
            ax.fill_between(model["t"], mean - std, mean + std, color=BAND_COLORS[name], alpha=0.06, lw=0)
        for b, name in enumerate(FILTERS):
            ax.plot(model["t"], model["mean"][:, b], color=BAND_COLORS[name], lw=1.2)
    for b, name in enumerate(FILTERS):
        sel = inside & (view["band"] == b)
        ax.errorbar(
            t[sel],
            view["flux"][sel],
            yerr=view["flux_err"][sel],
            fmt="o",
            ms=2.5,
            lw=0.7,
            color=BAND_COLORS[name],
        )
    ax.set_ylim(*_flux_limits(view, inside))
    outside = int((~inside).sum())
    note = f"{outside} obs. outside the window" if outside else ""
    if not len(t):
        note = "no observations"
    ax.text(0.99, 0.97, note, transform=ax.transAxes, ha="right", va="top", fontsize=7, color="grey")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlim(*window)
    ax.set_title(title, fontsize=8.5)
    ax.tick_params(labelsize=8)


def _flux_limits(view: dict, inside: np.ndarray) -> tuple[float, float]:
    """Flux range of a panel: the model's curves and the bulk of the points, not the noisiest error bars."""
    values = list(view["flux"][inside])
    if view["model"] is not None and len(view["model"]["t"]):
        values += [float(view["model"]["mean"].min()), float(view["model"]["mean"].max())]
    if not values:
        return -1.0, 1.0
    low, high = np.percentile(values, [1, 99])
    low, high = min(low, 0.0), max(high, 0.0)
    pad = 0.15 * max(high - low, 1e-3)
    return low - pad, high + pad


def lightcurves_figure(panels: list[tuple[dict, str]], title: str, window=(-150.0, 350.0), ncols: int = 3):
    """A grid of lightcurves: (view from :func:`mallorn_tde.lightcurve_panels.lightcurve_view`, panel title) each.

    With no panels, a figure that says so (a cross-validation without false negatives, say).
    """
    if not panels:
        fig, ax = plt.subplots(figsize=(8, 2))
        ax.axis("off")
        ax.text(0.5, 0.5, f"{title}:\nnone", ha="center", va="center", fontsize=12)
        return fig
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.3 * nrows + 0.9), squeeze=False)
    for ax, (view, panel_title) in zip(axes.flat, panels):
        _lightcurve_panel(ax, view, panel_title, window)
    for ax in axes.flat[len(panels) :]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("rest-frame days from the GP peak (or the highest S/N point)", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("flux (µJy, dust-corrected)", fontsize=8)
    handles = [plt.Line2D([], [], color=BAND_COLORS[b], marker="o", ls="-", label=b) for b in FILTERS]
    fig.legend(handles=handles, loc="upper right", ncol=6, fontsize=9, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (3.3 * nrows + 0.9)))
    return fig


def data_summary_figure(train: pd.DataFrame, test: pd.DataFrame, n_obs_train: pd.Series, n_obs_test: pd.Series):
    """Objects per split (training by class, and test), and the distribution of observations per object."""
    fig, (ax_split, ax_obs) = plt.subplots(1, 2, figsize=(14, 4.8), gridspec_kw={"width_ratios": [1.6, 1]})
    classes = display_class(train["SpecType"])
    splits = sorted(set(train["split"]) | set(test["split"]))
    counts = pd.crosstab(train["split"], classes).reindex(index=splits, columns=list(DISPLAY_CLASSES), fill_value=0)
    x = np.arange(len(splits))
    bottom = np.zeros(len(splits))
    for c in DISPLAY_CLASSES:
        ax_split.bar(x - 0.2, counts[c], 0.4, bottom=bottom, color=CLASS_COLORS[c], label=f"train {c}")
        bottom += counts[c].to_numpy()
    n_test = test["split"].value_counts().reindex(splits, fill_value=0)
    ax_split.bar(x + 0.2, n_test, 0.4, color="white", edgecolor="k", hatch="//", label="test (unlabelled)")
    ax_split.set_xticks(x, [s.removeprefix("split_") for s in splits], fontsize=8)
    ax_split.set(xlabel="split", ylabel="objects", title="Objects per split and class")
    ax_split.legend(fontsize=8, ncol=3)
    everything = pd.concat([n_obs_train, n_obs_test])
    # A few objects have many more observations than the rest: the last bin holds them, so the bulk stays readable.
    top = float(np.percentile(everything, 99.5)) if len(everything) else 1.0
    bins = np.linspace(0, max(top, 1.0) + 1, 41)
    for values, label, color in ((n_obs_train, "train", "C0"), (n_obs_test, "test", "k")):
        ax_obs.hist(
            values.clip(upper=bins[-1] - 0.5),
            bins=bins,
            histtype="step",
            density=True,
            color=color,
            lw=1.5,
            label=f"{label} (median {values.median():.0f}, max {values.max():.0f})",
        )
    ax_obs.set(
        xlabel=f"observations per object (all bands; last bin: {bins[-1] - 1:.0f} or more)",
        ylabel="density",
        title="Observations per object",
    )
    ax_obs.legend(fontsize=9)
    fig.tight_layout()
    return fig
