"""Figures of the cross-validation results for the report."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402


def cv_figure(oof: pd.DataFrame, metrics: dict):
    """Three panels: the pooled out-of-fold precision-recall curve, F1 per fold, and the probabilities by class."""
    fig, (ax_pr, ax_fold, ax_hist) = plt.subplots(1, 3, figsize=(15, 4.5))

    precision, recall, _ = precision_recall_curve(oof["target"], oof["probability"])
    ax_pr.plot(recall, precision, color="C0")
    ax_pr.scatter([metrics["recall"]], [metrics["precision"]], color="C3", zorder=3, label="at the folds' thresholds")
    ax_pr.axhline(oof["target"].mean(), color="grey", ls=":", label="TDE fraction")
    ax_pr.set(
        xlabel="recall",
        ylabel="precision",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"Pooled out-of-fold, AP = {metrics['average_precision']:.3f}",
    )
    ax_pr.legend(loc="lower left")

    folds = sorted(metrics["per_fold"], key=lambda k: int(k.removeprefix("fold_")))
    f1 = [metrics["per_fold"][k]["f1"] for k in folds]
    ax_fold.bar(range(1, len(folds) + 1), f1, color="C0")
    ax_fold.axhline(metrics["f1"], color="C3", label=f"pooled F1 = {metrics['f1']:.3f}")
    ax_fold.set(
        xlabel="outer fold",
        ylabel="F1 (TDE)",
        ylim=(0, 1),
        xticks=range(1, len(folds) + 1),
        title=f"F1 per fold: {metrics['f1_fold_mean']:.3f} ± {metrics['f1_fold_std']:.3f}",
    )
    ax_fold.legend(loc="upper right")

    bins = np.linspace(0, 1, 41)
    for target, label, color in ((0, "not TDE", "C7"), (1, "TDE", "C3")):
        ax_hist.hist(oof.loc[oof["target"] == target, "probability"], bins=bins, color=color, alpha=0.7, label=label)
    ax_hist.axvline(metrics["threshold"], color="k", ls="--", label=f"final threshold {metrics['threshold']:.2f}")
    ax_hist.set(xlabel="out-of-fold TDE probability", ylabel="objects", yscale="log", title="Probabilities by class")
    ax_hist.legend(loc="upper center")
    fig.tight_layout()
    return fig
