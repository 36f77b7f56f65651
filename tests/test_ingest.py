"""mallorn_tde.ingest: validation of the logs and lightcurves, dust correction, sorting (the dust law itself:
test_dust.py; the catalogue: test_catalog.py)."""

import numpy as np
import pandas as pd
import pytest
from challenge_files import LIGHTCURVE, TEST_LOG, TRAIN_LOG, write

from mallorn_tde.catalog import split_catalog
from mallorn_tde.dust import ebv_coefficients
from mallorn_tde.ingest import (
    InputError,
    deredden,
    format_ids,
    ingest_split,
    read_log,
)


def ingest(lc_path, train_log, test_log, side, split):
    """The split's ingest job as the workflow runs it: its catalogue, then its lightcurves."""
    catalog = split_catalog(train_log, test_log, side, split)
    return ingest_split(lc_path, catalog, train_log if side == "train" else test_log, split)


def test_deredden_multiplies_by_ten_to_the_0_4_a():
    coeff = ebv_coefficients()
    out = deredden(np.array([10.0, 10.0, -2.0]), np.array(["u", "y", "g"]), np.array([0.1, 0.0, 0.2]))
    assert out[0] == pytest.approx(10.0 * 10 ** (0.4 * coeff["u"] * 0.1))
    assert out[1] == pytest.approx(10.0)
    # Negative (baseline-subtracted) fluxes are scaled the same way and stay negative.
    assert out[2] == pytest.approx(-2.0 * 10 ** (0.4 * coeff["g"] * 0.2))


def test_ingest_sorts_drops_empty_flux_and_dereddens(tmp_path):
    table, report = ingest(*write(tmp_path), side="train", split="split_01")
    assert list(table.columns) == ["object_id", "mjd", "flux", "flux_err", "filter"]
    assert table["object_id"].tolist() == ["a_one", "a_one", "a_one", "b_two"]
    assert table["mjd"].tolist() == [61000.5, 61000.5, 61002.5, 61005.0]
    assert table["filter"].tolist() == ["g", "r", "g", "y"]
    g = ebv_coefficients()["g"]
    assert table["flux"].iloc[2] == pytest.approx(3.0 * 10 ** (0.4 * g * 0.1))
    assert table["flux"].iloc[3] == pytest.approx(-1.0)  # EBV = 0
    assert any("empty 'Flux'" in w for w in report.warnings)


def test_log_object_without_rows_is_a_warning(tmp_path):
    lc = "object_id,Time (MJD),Flux,Flux_err,Filter\na_one,61000,1.0,0.5,g\n"
    _, report = ingest(*write(tmp_path, lightcurve=lc), side="train", split="split_01")
    assert any("b_two" in w and "no usable observation" in w for w in report.warnings)


def test_read_log_types(tmp_path):
    write(tmp_path)
    log = read_log(tmp_path / "train_log.csv", "train")
    assert log.loc["a_one", "target"] == 1
    assert np.isnan(log.loc["a_one", "Z_err"])
    assert read_log(tmp_path / "test_log.csv", "test").loc["t_one", "Z_err"] == pytest.approx(0.03)


def test_format_ids_caps_at_ten():
    text = format_ids([f"id{i}" for i in range(25)])
    assert text.startswith("id0, id1") and "id9" in text and "id10," not in text and "(and 15 more)" in text


def test_real_split_ingests(real_data):
    table, report = ingest(
        real_data / "split_01" / "train_full_lightcurves.csv",
        real_data / "train_log.csv",
        real_data / "test_log.csv",
        side="train",
        split="split_01",
    )
    raw = pd.read_csv(real_data / "split_01" / "train_full_lightcurves.csv")
    assert len(table) == raw["Flux"].notna().sum()
    assert table.groupby("object_id")["mjd"].apply(lambda s: s.is_monotonic_increasing).all()
    assert table["flux_err"].gt(0).all()


def test_train_log_keeps_spectype_and_checks_it_against_target(tmp_path):
    write(tmp_path)
    log = read_log(tmp_path / "train_log.csv", "train")
    assert log["SpecType"].tolist() == ["TDE", "AGN", "SN Ia"]
    _, train_log, _ = write(tmp_path, train_log=TRAIN_LOG.replace("AGN,three,split_01,0", "TDE,three,split_01,0"))
    with pytest.raises(InputError, match=r"column 'SpecType' must be 'TDE' exactly where target is 1, not for .*b_two"):
        read_log(train_log, "train")


# ------------------------------------------------------------------ the data contract, row by row
# Each case breaks one value of the tiny data set of challenge_files.py and checks what the contract
# (mallorn_tde/contract.py, docs/data-contract.md) says happens: an error naming the file, the column and the
# object, or a warning. The workflow's command line surfaces the same errors (tests/test_bad_input.py).


def replaced(text, old, new):
    assert old in text, f"{old!r} not in the test file"
    return text.replace(old, new, 1)


def assert_names(message, path, column, object_id):
    for part in (str(path), f"'{column}'", object_id):
        assert part in message, f"{part!r} not in: {message}"


B_TWO = "b_two,0.5,,0.0,AGN,three,split_01,0"  # a training row
T_ONE = "t_one,0.3,0.03,0.2,,x,split_01"  # a test row


@pytest.mark.parametrize(
    ("side", "row", "new", "column", "says"),
    [
        ("train", B_TWO, "b_two,,,0.0,AGN,three,split_01,0", "Z", "has empty values"),
        ("train", B_TWO, "b_two,z?,,0.0,AGN,three,split_01,0", "Z", "has non-numeric values (e.g. ['z?'])"),
        ("train", B_TWO, "b_two,inf,,0.0,AGN,three,split_01,0", "Z", "has non-finite values (e.g. ['inf'])"),
        ("train", B_TWO, "b_two,0.5,-inf,0.0,AGN,three,split_01,0", "Z_err", "has non-finite values"),
        ("train", B_TWO, "b_two,0.5,small,0.0,AGN,three,split_01,0", "Z_err", "has non-numeric values"),
        ("train", B_TWO, "b_two,0.5,,,AGN,three,split_01,0", "EBV", "has empty values"),
        ("train", B_TWO, "b_two,0.5,,-0.1,AGN,three,split_01,0", "EBV", "must be >= 0, not for"),
        ("train", B_TWO, "b_two,0.5,,Infinity,AGN,three,split_01,0", "EBV", "has non-finite values"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,,0", "split", "has empty values"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,Split 1,0", "split", "do not match"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,split_01,2", "target", "must be 0 or 1, not for"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,split_01,", "target", "has empty values"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,split_01,no", "target", "has non-numeric values"),
        ("train", B_TWO, "b_two,0.5,,0.0,AGN,three,split_01,inf", "target", "has non-finite values"),
        ("test", T_ONE, "t_one,0.3,0.03,,,x,split_01", "EBV", "has empty values"),
        ("test", T_ONE, "t_one,0.3,0.03,1e999,,x,split_01", "EBV", "has non-finite values"),
        ("test", T_ONE, "t_one,0.3,0.03,-0.2,,x,split_01", "EBV", "must be >= 0, not for"),
        ("test", T_ONE, "t_one,near,0.03,0.2,,x,split_01", "Z", "has non-numeric values"),
        ("test", T_ONE, "t_one,0.3,inf,0.2,,x,split_01", "Z_err", "has non-finite values"),
        ("test", T_ONE, "t_one,0.3,0.03,0.2,,x,", "split", "has empty values"),
    ],
)
def test_a_bad_log_value_is_an_error_naming_file_column_and_object(tmp_path, side, row, new, column, says):
    _, train_log, test_log = write(
        tmp_path,
        train_log=replaced(TRAIN_LOG, row, new) if side == "train" else TRAIN_LOG,
        test_log=replaced(TEST_LOG, row, new) if side == "test" else TEST_LOG,
    )
    path = train_log if side == "train" else test_log
    with pytest.raises(InputError) as error:
        read_log(path, side)
    assert_names(str(error.value), path, column, row.split(",")[0])
    assert says in str(error.value)


def test_a_log_without_an_object_id_or_with_one_twice_is_an_error(tmp_path):
    _, train_log, _ = write(tmp_path, train_log=replaced(TRAIN_LOG, B_TWO, B_TWO.replace("b_two", "")))
    with pytest.raises(InputError, match=r"train_log\.csv: column 'object_id' is empty in 1 row\(s\)"):
        read_log(train_log, "train")
    _, train_log, _ = write(tmp_path, train_log=TRAIN_LOG + B_TWO + "\n")
    with pytest.raises(InputError, match=r"train_log\.csv: column 'object_id' has duplicated ids: b_two"):
        read_log(train_log, "train")


def test_an_object_in_both_logs_is_an_error(tmp_path):
    _, train_log, test_log = write(tmp_path, test_log=TEST_LOG.replace("t_two", "b_two"))
    with pytest.raises(InputError, match=r"column 'object_id' has 1 object\(s\) in both train and test: b_two"):
        split_catalog(train_log, test_log, "test", "split_01")


def test_a_log_missing_a_column_is_an_error_and_extra_or_reordered_columns_are_not(tmp_path):
    _, train_log, _ = write(tmp_path, train_log=TRAIN_LOG.replace(",EBV,", ",E(B-V),", 1))
    with pytest.raises(InputError, match=r"missing column\(s\) \['EBV'\].*present but not expected: \['E\(B-V\)'\]"):
        read_log(train_log, "train")
    df = pd.read_csv(tmp_path / "test_log.csv", dtype=str, keep_default_na=False)
    df.assign(extra="?")[list(reversed(df.columns)) + ["extra"]].to_csv(tmp_path / "test_log.csv", index=False)
    assert read_log(tmp_path / "test_log.csv", "test").loc["t_one", "EBV"] == pytest.approx(0.2)


def test_windows_line_endings_and_a_byte_order_mark_are_read(tmp_path):
    _, train_log, _ = write(tmp_path)
    train_log.write_bytes(b"\xef\xbb\xbf" + TRAIN_LOG.replace("\n", "\r\n").encode())
    assert read_log(train_log, "train")["target"].tolist() == [1, 0, 0]


def test_empty_values_the_contract_allows(tmp_path):
    """Z_err (spectroscopic), SpecType of a non-TDE and of any test object, English Translation."""
    train = replaced(TRAIN_LOG, B_TWO, "b_two,0.5,,0.0,,,split_01,0")
    _, train_log, test_log = write(
        tmp_path, train_log=train, test_log=replaced(TEST_LOG, T_ONE, "t_one,0.3,,0.2,?,,split_01")
    )
    assert read_log(train_log, "train").loc["b_two", "SpecType"] == ""
    assert np.isnan(read_log(test_log, "test").loc["t_one", "Z_err"])


@pytest.mark.parametrize("z", ["", "inf", "-inf"])
def test_a_test_object_without_z_is_kept_with_a_warning_naming_it(tmp_path, z):
    lc = "object_id,Time (MJD),Flux,Flux_err,Filter\nt_one,61000,1.0,0.5,g\nt_two,61000,1.0,0.5,g\n"
    paths = write(tmp_path, lightcurve=lc, test_log=replaced(TEST_LOG, T_ONE, T_ONE.replace("0.3", z, 1)))
    table, report = ingest(*paths, side="test", split="split_01")
    assert sorted(table["object_id"].unique()) == ["t_one", "t_two"]
    catalog = split_catalog(paths[1], paths[2], "test", "split_01")
    assert catalog.loc["t_one", ["Z", "lum_dist_mpc", "distmod"]].isna().all()
    assert catalog.loc["t_two", "Z"] == pytest.approx(-0.01)
    (warning,) = [w for w in report.warnings if "empty or infinite" in w]
    assert_names(warning, paths[2], "Z", "t_one")
    assert "t_two" not in warning


@pytest.mark.parametrize("side", ["train", "test"])
def test_a_negative_redshift_is_a_warning_on_either_side(tmp_path, side):
    train = replaced(TRAIN_LOG, B_TWO, B_TWO.replace("0.5", "-0.02", 1))
    lc = {
        "train": "object_id,Time (MJD),Flux,Flux_err,Filter\na_one,61000,1.0,0.5,g\nb_two,61000,1.0,0.5,g\n",
        "test": "object_id,Time (MJD),Flux,Flux_err,Filter\nt_one,61000,1.0,0.5,g\nt_two,61000,1.0,0.5,g\n",
    }[side]
    _, report = ingest(*write(tmp_path, lightcurve=lc, train_log=train), side=side, split="split_01")
    (warning,) = [w for w in report.warnings if "'Z' is negative" in w]
    assert ("b_two" if side == "train" else "t_two") in warning and "treat it as z = 0" in warning


def test_without_a_redshift_only_the_features_that_need_one_are_empty():
    """The same lightcurve with Z unknown and Z = 0: the distance features are empty for both, the rest-frame
    durations for the unknown one only, and every other feature is the same (computed without (1 + z))."""
    from mallorn_tde.catalog import with_distances
    from mallorn_tde.features import extract_features

    t = 61000.0 + np.arange(-40.0, 200.0, 8.0)
    rows = [
        pd.DataFrame(
            {"object_id": oid, "mjd": t, "flux": k * 50 * np.exp(-np.abs(t - 61010) / 30), "flux_err": 1.0}
        ).assign(filter=band)
        for oid in ("known", "unknown")
        for k, band in enumerate("gri", start=1)
    ]
    lc = pd.concat(rows, ignore_index=True).sort_values(["object_id", "mjd"], kind="mergesort")
    meta = with_distances(pd.DataFrame({"Z": [0.0, np.nan]}, index=pd.Index(["known", "unknown"], name="object_id")))
    X = extract_features(lc, meta, ["physics", "gp"], "minimal", 1)
    known, unknown = X.loc["known"], X.loc["unknown"]
    differ = sorted(c for c in X.columns if not np.allclose(known[c], unknown[c], equal_nan=True))
    assert differ and all(c.startswith("physics__") and c.endswith("_rest") for c in differ)
    assert unknown[differ].isna().all() and known[differ].notna().all()
    assert unknown[["physics__peak_abs_mag_g", "gp__peak_abs_mag_g", "physics__bb_log10_lum_peak"]].isna().all()
    assert unknown.notna().sum() > 0.8 * known.notna().sum()


LC_ROW = "b_two,61005.0,-1.0,0.2,y"


@pytest.mark.parametrize(
    ("new", "column", "says"),
    [
        ("b_two,,-1.0,0.2,y", "Time (MJD)", "has empty values"),
        ("b_two,n/a?,-1.0,0.2,y", "Time (MJD)", "has non-numeric values (e.g. ['n/a?'])"),
        ("b_two,inf,-1.0,0.2,y", "Time (MJD)", "has non-finite values (e.g. ['inf'])"),
        ("b_two,61005.0,n/a?,0.2,y", "Flux", "has non-numeric values"),
        ("b_two,61005.0,inf,0.2,y", "Flux", "has non-finite values (e.g. ['inf'])"),
        ("b_two,61005.0,-inf,0.2,y", "Flux", "has non-finite values (e.g. ['-inf'])"),
        ("b_two,61005.0,-1.0,,y", "Flux_err", "has empty values"),
        ("b_two,61005.0,-1.0,n/a?,y", "Flux_err", "has non-numeric values"),
        ("b_two,61005.0,-1.0,inf,y", "Flux_err", "has non-finite values"),
        ("b_two,61005.0,-1.0,0,y", "Flux_err", "must be > 0, not for"),
        ("b_two,61005.0,-1.0,-0.5,y", "Flux_err", "must be > 0, not for"),
        ("b_two,61005.0,-1.0,0.2,w", "Filter", "has unknown filter(s) ['w']"),
        ("b_two,61005.0,-1.0,0.2,", "Filter", "has empty values"),
        ("stray_object,61005.0,-1.0,0.2,y", "object_id", "not in this split's log"),
    ],
)
def test_a_bad_lightcurve_value_is_an_error_naming_file_column_and_object(tmp_path, new, column, says):
    paths = write(tmp_path, lightcurve=replaced(LIGHTCURVE, LC_ROW, new))
    with pytest.raises(InputError) as error:
        ingest(*paths, side="train", split="split_01")
    assert_names(str(error.value), paths[0], column, new.split(",")[0])
    assert says in str(error.value)


def test_a_lightcurve_row_without_object_id_is_an_error(tmp_path):
    paths = write(tmp_path, lightcurve=replaced(LIGHTCURVE, LC_ROW, LC_ROW.replace("b_two", "")))
    with pytest.raises(InputError, match=r"lc\.csv: column 'object_id' is empty in 1 row\(s\)"):
        ingest(*paths, side="train", split="split_01")


def test_a_lightcurve_missing_a_column_is_an_error(tmp_path):
    paths = write(tmp_path, lightcurve=LIGHTCURVE.replace("Flux_err", "FluxErr", 1))
    with pytest.raises(InputError, match=r"lc\.csv: missing column\(s\) \['Flux_err'\].*'FluxErr'"):
        ingest(*paths, side="train", split="split_01")


@pytest.mark.parametrize(("text", "says"), [("", "file is empty"), (LIGHTCURVE.splitlines()[0] + "\n", "no rows")])
def test_an_empty_or_header_only_file_is_an_error(tmp_path, text, says):
    paths = write(tmp_path, lightcurve=text)
    with pytest.raises(InputError, match=rf"lc\.csv: .*{says}"):
        ingest(*paths, side="train", split="split_01")
    paths[0].unlink()
    with pytest.raises(InputError, match=r"lc\.csv: file not found"):
        ingest(*paths, side="train", split="split_01")


def test_a_filter_with_spaces_around_it_is_read(tmp_path):
    table, _ = ingest(
        *write(tmp_path, lightcurve=replaced(LIGHTCURVE, LC_ROW, "b_two,61005.0,-1.0,0.2, y ")), "train", "split_01"
    )
    assert table["filter"].iloc[-1] == "y"


def test_exact_repeated_observations_are_dropped_with_a_warning_naming_file_and_objects(tmp_path):
    # Written again with other spellings of the same numbers: the values repeat, not the text.
    paths = write(tmp_path, lightcurve=LIGHTCURVE + "b_two,61005,-1.00,0.2,y\na_one,61000.5,1.0,0.5,g\n")
    table, report = ingest(*paths, side="train", split="split_01")
    assert len(table) == 4 and not table.duplicated(["object_id", "mjd", "filter"]).any()
    (warning,) = [w for w in report.warnings if "repeated row" in w]
    assert (
        str(paths[0]) in warning
        and "dropped 2 repeated row(s)" in warning
        and "of 2 object(s): b_two, a_one" in warning
    )


@pytest.mark.parametrize("repeat", ["b_two,61005.0,-2.0,0.2,y", "b_two,61005.0,-1.0,0.3,y"])
def test_the_same_time_and_filter_with_another_flux_or_error_is_an_error(tmp_path, repeat):
    paths = write(tmp_path, lightcurve=LIGHTCURVE + repeat + "\n")
    with pytest.raises(InputError) as error:
        ingest(*paths, side="train", split="split_01")
    assert_names(str(error.value), paths[0], "Time (MJD)", "b_two")
    assert "repeat with a different 'Flux' or 'Flux_err' (2 rows)" in str(error.value) and "a_one" not in str(
        error.value
    )


def test_an_object_with_only_empty_fluxes_is_a_warning(tmp_path):
    _, report = ingest(*write(tmp_path, lightcurve=LIGHTCURVE.replace("-1.0", "")), side="train", split="split_01")
    assert any("dropped 2 row(s) with an empty 'Flux' from 2 object(s): a_one, b_two" in w for w in report.warnings)
    assert any("no usable observation" in w and "b_two" in w for w in report.warnings)


def test_a_split_folder_without_log_entries_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"train_log\.csv: column 'split' has no entries for split_03"):
        ingest(*write(tmp_path), side="train", split="split_03")


def test_sample_submission_ids_are_checked(tmp_path):
    from mallorn_tde.submission import read_sample_submission

    path = tmp_path / "sample_submission.csv"
    path.write_text("object_id\nt_one\nt_two\n")  # no prediction column: it is ignored anyway
    assert read_sample_submission(path).tolist() == ["t_one", "t_two"]
    for text, says in [
        ("object_id,prediction\nt_one,0\nt_one,0\n", r"column 'object_id' has duplicated ids: t_one"),
        ("object_id,prediction\nt_one,0\n,0\n", r"column 'object_id' is empty in 1 row\(s\)"),
        ("id,prediction\nt_one,0\n", r"missing column\(s\) \['object_id'\]"),
    ]:
        path.write_text(text)
        with pytest.raises(InputError, match=r"sample_submission\.csv: " + says):
            read_sample_submission(path)


def test_the_contract_names_the_columns_ingest_expects():
    from mallorn_tde.constants import LC_COLUMNS, TEST_LOG_COLUMNS, TRAIN_LOG_COLUMNS
    from mallorn_tde.contract import CONTRACT, LIGHTCURVE_FILES

    def names(key):
        return tuple(c.name for c in CONTRACT[key] if c.kind != "row")

    assert names("train_log.csv") == TRAIN_LOG_COLUMNS and names("test_log.csv") == TEST_LOG_COLUMNS
    assert names(LIGHTCURVE_FILES) == LC_COLUMNS


def test_the_data_contract_page_shows_the_contract_table():
    from pathlib import Path

    from mallorn_tde.contract import markdown_table

    page = (Path(__file__).resolve().parents[1] / "docs" / "data-contract.md").read_text()
    assert markdown_table() in page, "docs/data-contract.md's table differs from mallorn_tde.contract"
