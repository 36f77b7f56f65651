"""The report: its tables (mallorn_tde.report), and the report of a tiny run, built by `snakemake --report`
and clicked through in headless Chromium. Its figures are tested in test_plots.py, its lightcurve panels in
test_lightcurve_panels.py, the HTML of its tables in test_pages.py."""

import json
import zipfile

import lightgbm as lgb
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
import report_browser
from workflow_helpers import snakemake

from mallorn_tde import report as R
from mallorn_tde.io import write_table
from mallorn_tde.model import CLASSES, class_labels

# Every item of the report: category -> subcategory -> the items' names (their 'item' label).
EXPECTED_ITEMS = {
    "1. Performance": {
        "Metrics": {"Metrics table", "metrics.json"},
        "Curves": {"Precision-recall curve", "F1 against threshold"},
        "Calibration and yield": {"Reliability diagram", "Purity and yield"},
        "Mistakes": {
            "Confusion matrix",
            "Scores per SpecType",
            "Lightcurves of false positives",
            "Lightcurves of false negatives",
        },
    },
    "2. Candidates": {
        "Ranked test objects": {"Candidates table", "Submission"},
        "Lightcurves": {"Lightcurves of the top candidates"},
    },
    "3. Model": {"Feature importance": {"Feature importance"}},
    "4. Data and run": {
        "Data": {"Data summary table", "Data summary figure"},
        "Runtime": {"Runtime per rule"},
    },
}


# --------------------------------------------------------------------------------------- tables


def test_display_classes_group_spectype_as_the_model_does():
    spec = pd.Series(["TDE", "AGN", "SN Ia", "SN Ia-91bg-like", "SN II", "SLSN-I", "SN Ibc"])
    table = pd.DataFrame({"SpecType": spec, "target": (spec == "TDE").astype(int)})
    model_names = [CLASSES[i] for i in class_labels(table, "multiclass")]
    assert R.display_class(spec).tolist() == model_names
    assert set(R.DISPLAY_CLASSES) == set(CLASSES)


def test_metrics_tables_carry_every_number_and_how(metrics):
    headline, per_fold = R.metrics_tables(metrics)
    row = headline.set_index("quantity").loc["F1 (TDE), pooled out of fold"]
    assert row["value"] == f"{metrics['f1']:.4f}"
    low, high = metrics["f1_bootstrap_95"]
    assert f"{low:.3f} - {high:.3f}" in row["spread"]
    assert row["how it was obtained"] == metrics["how"]["f1"]
    assert headline.set_index("quantity").loc["Features in the final model", "value"] == "12"
    assert per_fold["outer fold"].tolist() == [1, 2, 3, 4]
    assert per_fold["F1"].tolist() == [metrics["per_fold"][f"fold_{k}"]["f1"] for k in range(1, 5)]
    assert (per_fold["threshold"] == 0.5).all()
    assert per_fold["calibrator fitted on"].tolist() == [150] * 4
    calibrated = headline.set_index("quantity").loc["Expected calibration error, calibrated P(TDE)"]
    assert calibrated["value"] == f"{metrics['ece_calibrated']:.4f}"
    assert calibrated["spread"] == f"raw score {metrics['ece_raw']:.4f}"
    lengths = R.list_length_table(metrics)
    assert lengths["test objects followed up"].tolist() == [10, 50, 100]
    assert lengths["purity"].tolist() == [r["purity"] for r in metrics["purity_at_list_length"]]
    methods = R.calibration_methods_table(metrics).set_index("probabilities")
    assert list(methods.index) == ["raw score", "isotonic", "platt"] and methods.loc["isotonic", "configured"] == "yes"
    assert methods.loc["platt", "ECE"] == metrics["calibration_methods"]["platt"]["ece_calibrated"]
    page = R.metrics_html(metrics)
    assert page.count("<table") == 4 and metrics["how"]["average_precision"] in page
    assert 'id="list-lengths"' in page and 'id="calibration-methods"' in page


def _booster(n_classes):
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(300, 4)), columns=["gp__a", "gp__b", "physics__c", "Z"])
    y = (X["gp__a"] > 0.5).astype(int) if n_classes == 2 else np.digitize(X["gp__a"] + X["gp__b"], [-1, 0, 1])
    params = {"objective": "binary"} if n_classes == 2 else {"objective": "multiclass", "num_class": n_classes}
    booster = lgb.train({**params, "verbosity": -1, "seed": 1, "num_threads": 1}, lgb.Dataset(X, y), 20)
    return booster, X


@pytest.mark.parametrize("n_classes", [2, 4])
def test_tde_contributions_add_up_to_the_tde_raw_score(n_classes):
    booster, X = _booster(n_classes)
    contributions = R.tde_contributions(booster, X.iloc[:20])
    raw = booster.predict(X.iloc[:20], raw_score=True)
    raw_tde = raw[:, 1] if raw.ndim == 2 else raw
    full = booster.predict(X.iloc[:20], pred_contrib=True)
    width = X.shape[1] + 1
    bias = full[:, 2 * width - 1] if n_classes > 2 else full[:, -1]
    np.testing.assert_allclose(contributions.sum(axis=1) + bias, raw_tde, rtol=1e-6, atol=1e-9)
    assert list(contributions.columns) == list(X.columns)


def test_drivers_name_the_largest_positive_contributions():
    X = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, 5.0], "c": [3.0, 4.0]}, index=["x", "y"])
    contributions = pd.DataFrame({"a": [0.5, -1.0], "b": [1.5, 0.2], "c": [-0.1, 0.1]}, index=["x", "y"])
    drivers = R.drivers_text(contributions, X, n=2)
    assert drivers["x"] == "b = NaN (+1.50); a = 1 (+0.50)"
    assert drivers["y"] == "b = 5 (+0.20); c = 4 (+0.10)"


def test_candidates_table_lists_everything_above_the_threshold_and_at_least_min_rows():
    probabilities = pd.DataFrame(
        {
            "object_id": list("abcdef"),
            "probability": [0.1, 0.8, 0.6, 0.05, 0.7, 0.3],
            "calibrated_probability": [0.05, 0.5, 0.3, 0.0, 0.4, 0.1],
        }
    )
    test = pd.DataFrame(
        {"Z": np.arange(6) / 10, "Z_err": 0.01, "split": "split_01", "gp__a": np.arange(6.0)}, index=list("abcdef")
    )
    drivers = pd.Series({k: f"why {k}" for k in "abcdef"})
    table = R.candidates_table(probabilities, test, 0.5, drivers, ["gp__a"], min_rows=2)
    assert table["object_id"].tolist() == ["b", "e", "c"]  # three above 0.5
    assert table["predicted TDE"].all() and table["rank"].tolist() == [1, 2, 3]
    assert table["Z"].tolist() == [0.1, 0.4, 0.2] and table["gp__a"].tolist() == [1.0, 4.0, 2.0]
    assert table["what raises the score"].tolist() == ["why b", "why e", "why c"]
    assert table["raw score"].tolist() == [0.8, 0.7, 0.6] and table["calibrated P(TDE)"].tolist() == [0.5, 0.4, 0.3]
    assert table["expected TDEs to here"].tolist() == pytest.approx([0.5, 0.9, 1.2])
    longer = R.candidates_table(probabilities, test, 0.5, drivers, ["gp__a"], min_rows=5)
    assert len(longer) == 5 and longer["predicted TDE"].tolist() == [True] * 3 + [False] * 2
    assert longer["expected TDEs to here"].tolist() == pytest.approx([0.5, 0.9, 1.2, 1.3, 1.35])
    page = R.candidates_html(longer, 0.5, 6, ["gp__a"], expected_all=1.35)
    assert page.count('<tr class="highlight">') == 3 and 'class="sortable"' in page
    assert "(1.2 among the shaded ones, 1.4 over all 6 test objects)" in page


def test_data_summary_counts_objects_and_observations(tmp_path):
    train = pd.DataFrame(
        {"split": ["split_01", "split_01", "split_02"], "SpecType": ["TDE", "AGN", "SN Ia-pec"]},
        index=pd.Index(["t1", "t2", "t3"], name="object_id"),
    )
    test = pd.DataFrame({"split": ["split_02"]}, index=pd.Index(["s1"], name="object_id"))
    lc = pd.DataFrame(
        {"mjd": [1.0, 2, 3, 4], "flux": 1.0, "flux_err": 1.0, "filter": "g"},
        index=pd.Index(["t1", "t1", "t3", "s1"], name="object_id"),
    )
    write_table(lc, tmp_path / "lc.parquet")
    n_train = R.observations_per_object([tmp_path / "lc.parquet"], train.index)
    assert n_train.tolist() == [2, 0, 1]
    n_test = R.observations_per_object([tmp_path / "lc.parquet"], test.index)
    per_split, by_class, spec_types = R.data_summary(train, test, n_train, n_test)
    rows = per_split.set_index("split")
    assert rows.loc[
        "split_01", ["training objects", "train TDE", "train AGN", "train SN Ia", "test objects"]
    ].tolist() == [
        2,
        1,
        1,
        0,
        0,
    ]
    assert rows.loc["split_02", "train SN Ia"] == 1 and rows.loc["all", "training objects"] == 3
    assert rows.loc["all", "test objects"] == 1
    assert by_class.set_index("class").loc["AGN", "without observations"] == 1
    assert dict(zip(spec_types["SpecType"], spec_types["training objects"])) == {"TDE": 1, "AGN": 1, "SN Ia-pec": 1}


def test_runtime_table_sums_benchmarks_per_job_group(tmp_path):
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    files = {
        "extract/gp/train/split_01.tsv": "10.0\t0:00:10\t300\t1\t1\t1\t0\t0\t90\t9.0\n",
        "extract/gp/train/split_02.tsv": "30.0\t0:00:30\t500\t1\t1\t1\t0\t0\t90\t27.0\n",
        "metrics.tsv": "2.0\t0:00:02\tNA\t1\t1\t1\t0\t0\t90\t1.0\n",
        "plot_cv.tsv": "5.0\t0:00:05\t100\t1\t1\t1\t0\t0\t90\t4.0\n",
    }
    for name, row in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(header + row)
    benchmarks = R.read_benchmarks(tmp_path, exclude=["plot_cv"])
    assert sorted(benchmarks["group"]) == ["extract/gp/train", "extract/gp/train", "metrics"]
    table = R.runtime_table(benchmarks).set_index("job group")
    assert table.loc[
        "extract/gp/train", ["jobs", "wall s, total", "wall s, max", "CPU s, total", "max RSS MB"]
    ].tolist() == [
        2,
        40.0,
        30.0,
        36.0,
        500.0,
    ]
    assert table.index[0] == "extract/gp/train" and table.index[-1] == "all"
    assert table.loc["all", "jobs"] == 3 and table.loc["all", "wall s, total"] == 42.0
    assert "<tfoot>" in R.runtime_html(table.reset_index())


# --------------------------------------------------------------------------------------- figures


# --------------------------------------------------------------------------------------- the report


def _report_items(report):
    items = {}
    for category, subcategory, label, _ in report_browser.report_items(report):
        items.setdefault(category, {}).setdefault(subcategory, set()).add(label)
    return items


@pytest.fixture(scope="module")
def report(tiny_run, tmp_path_factory):
    """`snakemake --report` of the built-in run, written outside its folder (which other tests share)."""
    report = tmp_path_factory.mktemp("report") / "report.html"
    snakemake(tiny_run, "--report", str(report))
    return report


def test_report_has_every_item(tiny_run, report):
    """`snakemake --report` (.html and .zip) after the built-in run: every item, in its category and subcategory."""
    archive = report.with_suffix(".zip")
    snakemake(tiny_run, "--report", str(archive))
    assert _report_items(report) == EXPECTED_ITEMS
    results = tiny_run / "results" / "report"
    for item in report_browser.report_items(report):
        assert report_browser.embedded_file(report, item[3]) == (tiny_run / item[3]).read_bytes(), item
    with zipfile.ZipFile(archive) as archive:
        names = archive.namelist()
    for png in results.glob("*.png"):
        assert any(name.endswith(png.name) for name in names), png.name
    metrics_page = (results / "metrics.html").read_text()
    metrics = json.loads((tiny_run / "results" / "metrics.json").read_text())
    assert f"<b>{metrics['f1']:.3f}</b>" in metrics_page
    runtime_page = (results / "runtime.html").read_text()
    for group in ("extract/train", "tune", "predict", "simulate"):
        assert f"<td>{group}</td>" in runtime_page
    assert "<td>plot_cv</td>" not in runtime_page


@pytest.mark.ci
@pytest.mark.skipif(not report_browser.available(), reason="no /usr/bin/chromium (Debian package chromium)")
def test_report_renders_in_chromium(tiny_run, report, tmp_path):
    """Chromium opens the report, clicks through the menu to every item and sees it shown; the tables sort."""
    records = report_browser.click_through(report, tmp_path)
    shown = {}
    for record in records:
        assert record["category_in_menu"] and record["subcategory_in_menu"], record
        assert record["row_listed"] and record["shown"], record
        shown.setdefault(record["category"], {}).setdefault(record["subcategory"], set()).add(record["label"])
        if record["mime"] == "image/png":
            assert record["width"] > 300 and record["height"] > 100, record
        if record["mime"] == "text/html":
            assert record["width"] > 300 and record["height"] > 300, record
    assert shown == EXPECTED_ITEMS

    # The HTML items by themselves: their tables are there, and a click on a header sorts.
    pages = {label: path for _, _, label, path in report_browser.report_items(report) if path.endswith(".html")}
    n_test = len(pd.read_csv(tiny_run / "results" / "test_probabilities.csv"))
    candidates = report_browser.check_tables(
        report_browser.embedded_file(report, pages["Candidates table"]), tmp_path, "c"
    )
    (table,) = candidates
    assert table["rows"] == n_test  # the tiny set has fewer test objects than table_rows: all are listed
    assert table["headers"][:6] == [
        "rank",
        "object_id",
        "raw score",
        "calibrated P(TDE)",
        "expected TDEs to here",
        "predicted TDE",
    ]
    probabilities = pd.read_csv(tiny_run / "results" / "test_probabilities.csv")
    ranked = probabilities.sort_values("probability", ascending=False, kind="mergesort")
    # The running sum starts at the top object's calibrated P(TDE) (two decimals).
    assert float(table["first_row"][4]) == pytest.approx(ranked["calibrated_probability"].iloc[0], abs=0.005)
    assert table["sorted_column"] == "rank"
    assert table["after_one_click"] == sorted(table["after_one_click"]) and len(table["after_one_click"]) == n_test
    assert table["after_two_clicks"] == sorted(table["after_one_click"], reverse=True)
    tables = {
        t["id"]: t
        for t in report_browser.check_tables(
            report_browser.embedded_file(report, pages["Metrics table"]), tmp_path, "m"
        )
    }
    assert tables["metrics"]["first_row"][0] == "F1 (TDE), pooled out of fold" and tables["per-fold"]["rows"] == 3
    metrics = json.loads((tiny_run / "results" / "metrics.json").read_text())
    assert tables["list-lengths"]["rows"] == len(metrics["purity_at_list_length"]) > 0
    assert tables["calibration-methods"]["rows"] == 3
    runtime = report_browser.check_tables(
        report_browser.embedded_file(report, pages["Runtime per rule"]), tmp_path, "r"
    )
    assert runtime[0]["rows"] > 10 and runtime[0]["after_two_clicks"] == sorted(
        runtime[0]["after_one_click"], reverse=True
    )

    # Screenshots of items opened through the menu: an image, and a table in its frame. Not blank.
    for label in ("Precision-recall curve", "Reliability diagram", "Purity and yield", "Candidates table"):
        item = next(i for i in report_browser.report_items(report) if i[2] == label)
        png = report_browser.screenshot(report, item, tmp_path / f"{label.replace(' ', '_')}.png")
        pixels = matplotlib.image.imread(png)
        assert pixels.shape[:2] == (1000, 1600) and pixels[:, 500:].std() > 0.05, label
