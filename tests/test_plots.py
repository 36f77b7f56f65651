"""mallorn_tde.plots: the numbers behind the report's figures, and figures that show what they say."""

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from mallorn_tde import plots
from mallorn_tde.evaluation import best_threshold


def test_threshold_curves_peak_where_the_threshold_search_does(oof):
    curves = plots.threshold_curves(oof["target"], oof["probability"])
    threshold, f1 = best_threshold(oof["target"], oof["probability"])
    assert curves["f1"].max() == pytest.approx(f1)
    # at each listed threshold, the curve is the F1 of flagging P >= threshold
    row = curves.iloc[len(curves) // 2]
    flagged = oof["probability"] >= row["threshold"]
    tp = int((flagged & (oof["target"] == 1)).sum())
    assert row["precision"] == pytest.approx(tp / flagged.sum())
    assert row["recall"] == pytest.approx(tp / oof["target"].sum())


def test_confusion_counts():
    counts = plots.confusion_counts([0, 0, 1, 1, 1], [0, 1, 1, 0, 1])
    assert counts.tolist() == [[1, 1], [1, 2]]


def test_figures_draw_what_they_say(oof, metrics):
    text = lambda fig: " ".join(t.get_text() for ax in fig.axes for t in ax.texts + [ax.title])  # noqa: E731
    counts = plots.confusion_counts(oof["target"], oof["prediction"])
    assert f"{counts[1, 1]:,}\n" in text(plots.confusion_figure(oof, metrics))
    spec = pd.Series(np.where(oof["target"] == 1, "TDE", "AGN"), index=oof["object_id"])
    by_class = plots.scores_by_spectype_figure(oof, spec, metrics)
    assert [t.get_text() for t in by_class.axes[0].get_yticklabels()] == ["TDE", "AGN"]
    n_tde = int(oof["target"].sum())
    flagged = int(((oof["target"] == 1) & (oof["probability"] >= metrics["threshold"])).sum())
    assert f"{flagged} of {n_tde} " in text(by_class)
    legend = plots.pr_curve_figure(oof, metrics).axes[0].get_legend().get_texts()
    assert f"pooled out of fold (AP {metrics['average_precision']:.3f})" in [t.get_text() for t in legend]
    f1_axes = plots.f1_threshold_figure(oof, metrics).axes[0]
    assert f1_axes.get_xscale() == "logit" and any(
        np.allclose(line.get_xdata(), metrics["threshold"]) for line in f1_axes.lines if len(line.get_xdata()) == 2
    )
    importance = pd.DataFrame(
        {"feature": [f"f{i}" for i in range(40)], "set": ["gp", "physics"] * 20, "gain": np.arange(40.0, 0, -1)}
    ).assign(gain_fraction=lambda d: d["gain"] / d["gain"].sum())
    bars = plots.importance_figure(importance, 30).axes[0]
    assert len(bars.patches) == 30 and [t.get_text() for t in bars.get_yticklabels()][:2] == ["f0", "f1"]
    assert [t.get_text() for t in bars.get_legend().get_texts()] == ["gp", "physics"]
    empty = plots.lightcurves_figure([], "Worst false positives")
    assert "none" in text(empty)


def save(figure, path):
    """As the workflow's scripts save a figure (plots.save_figure), at a low resolution."""
    plots.save_figure(figure, path, dpi=60)
    return path


def test_a_figure_is_written_as_a_non_empty_png_with_its_axes_labelled(oof, metrics, tmp_path):
    figure = plots.pr_curve_figure(oof, metrics)
    ax = figure.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("recall (TDEs found)", "precision (TDEs among those flagged)")
    image = matplotlib.image.imread(save(figure, tmp_path / "pr.png"))
    assert image.shape[0] > 100 and image.shape[1] > 100
    assert image.reshape(-1, image.shape[-1]).std(axis=0).max() > 0  # something is drawn
    again = save(plots.pr_curve_figure(oof, metrics), tmp_path / "again.png")
    assert again.read_bytes() == (tmp_path / "pr.png").read_bytes()  # same numbers, same bytes


def test_lightcurves_figure_draws_one_labelled_panel_per_object(tmp_path):
    from mallorn_tde.lightcurve_panels import lightcurve_view

    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(60000, 60300, 40))
    lc = pd.DataFrame({"mjd": t, "flux": 10 + rng.normal(0, 1, 40), "flux_err": 1.0, "filter": "r"})
    panels = [(lightcurve_view(lc, 0.2, with_model=False), "first"), (lightcurve_view(lc, 0.0, False), "second")]
    figure = plots.lightcurves_figure(panels, "Two objects", window=(-200, 200))
    drawn = [ax for ax in figure.axes if ax.axison]
    assert [ax.get_title() for ax in drawn] == ["first", "second"]
    assert drawn[0].get_ylabel() == "flux (µJy, dust-corrected)"
    assert drawn[0].get_xlabel().startswith("rest-frame days from the GP peak")
    assert drawn[0].get_xlim() == (-200, 200)
    assert save(figure, tmp_path / "lc.png").stat().st_size > 1000


def test_data_summary_figure_counts_objects_per_split():
    train = pd.DataFrame({"split": ["split_01", "split_01", "split_02"], "SpecType": ["TDE", "AGN", "SN II"]})
    test = pd.DataFrame({"split": ["split_02"]})
    figure = plots.data_summary_figure(train, test, pd.Series([3, 4, 5]), pd.Series([6]))
    by_split = figure.axes[0]
    assert (by_split.get_xlabel(), by_split.get_ylabel()) == ("split", "objects")
    assert [t.get_text() for t in by_split.get_xticklabels()] == ["01", "02"]
    heights = [bar.get_height() for bar in by_split.patches]
    assert sum(heights) == len(train) + len(test)


def test_reliability_figure_shows_both_probabilities_with_counts_per_bin(calibrated_oof, metrics):
    figure = plots.reliability_figure(calibrated_oof, metrics)
    diagram, counts = figure.axes
    legend = [t.get_text() for t in diagram.get_legend().get_texts()]
    assert f"raw score: ECE {metrics['ece_raw']:.4f}, Brier {metrics['brier_raw']:.4f}" in legend
    calibrated = f"ECE {metrics['ece_calibrated']:.4f}, Brier {metrics['brier_calibrated']:.4f}"
    assert f"calibrated P(TDE) (isotonic): {calibrated}" in legend
    labels = [t.get_text() for t in diagram.texts]
    raw_bins = np.minimum((calibrated_oof["probability"] * 10).astype(int), 9).value_counts()
    n_raw = len(raw_bins)
    assert sorted(int(label.split("/")[1]) for label in labels[:n_raw]) == sorted(raw_bins.tolist())
    heights = [bar.get_height() for bar in counts.patches]
    # Per probability: objects of each bin, then TDEs of each bin; both add up to every object and every TDE.
    n_cal = len(labels) - n_raw
    raw_objects, raw_tde = heights[:n_raw], heights[n_raw : 2 * n_raw]
    cal_objects, cal_tde = heights[2 * n_raw : 2 * n_raw + n_cal], heights[2 * n_raw + n_cal :]
    assert sum(raw_objects) == sum(cal_objects) == len(calibrated_oof)
    assert sum(raw_tde) == sum(cal_tde) == calibrated_oof["target"].sum()


def test_purity_yield_figure_marks_the_threshold_and_the_list_lengths(calibrated_oof, metrics):
    figure = plots.purity_yield_figure(calibrated_oof, metrics)
    found, purity = figure.axes[:2]
    flagged = int((calibrated_oof["probability"] >= metrics["threshold"]).sum())
    for ax in (found, purity):
        marks = [line for line in ax.lines if line.get_label().startswith("test threshold")]
        assert len(marks) == 1 and list(marks[0].get_xdata()) == [flagged, flagged]
    curve = [line for line in found.lines if line.get_label() == "TDEs found"][0]
    n_shown = len(curve.get_xdata())
    ranked = calibrated_oof.sort_values("probability", ascending=False, kind="mergesort")
    assert list(curve.get_ydata()) == ranked["target"].cumsum().head(n_shown).tolist()
    lengths = [r for r in metrics["purity_at_list_length"] if r["oof_objects"] <= n_shown]
    dots = found.collections[0].get_offsets()
    assert dots.tolist() == [[r["oof_objects"], r["tde_found"]] for r in lengths]
    tops = [top.get_xlabel() for ax in (found, purity) for top in ax.child_axes]
    assert tops == ["test objects followed up (same share of the test side's 500)"] * 2
