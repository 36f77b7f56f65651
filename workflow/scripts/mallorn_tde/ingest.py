"""Read, validate and de-redden the challenge files.

Every problem found in the input raises :class:`InputError` with a message that names the file, the
column and up to ten offending object ids, before anything is written. Problems that do not stop a run
(empty fluxes, objects without observations, negative redshifts) are returned as warnings with a count,
so the calling script can log them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .constants import FILTERS, LC_COLUMNS, TEST_LOG_COLUMNS, TRAIN_LOG_COLUMNS
from .dust import ebv_coefficients

log = logging.getLogger(__name__)

MAX_IDS_SHOWN = 10

# The ingested table: one row per usable observation, dust-corrected, sorted by object and time.
INGESTED_COLUMNS = ("object_id", "mjd", "flux", "flux_err", "filter")


class InputError(ValueError):
    """A problem in the user's input files that must be fixed before the workflow can go on."""


@dataclass
class IngestReport:
    """What ingest noticed but did not stop for; each entry is logged as a warning with its count."""

    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning(message)


def format_ids(ids) -> str:
    """Up to ten ids, then how many more, so an error stays readable for a whole broken file."""
    ids = list(dict.fromkeys(str(i) for i in ids))
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    more = len(ids) - MAX_IDS_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


def deredden(flux: np.ndarray, filters: np.ndarray, ebv: np.ndarray) -> np.ndarray:
    """Undo Milky Way dimming: multiply by 10^(0.4 A_band), A_band = coefficient(band) * EBV (:mod:`.dust`)."""
    coeff = ebv_coefficients()
    a_band = np.array([coeff[f] for f in filters], dtype=float) * np.asarray(ebv, dtype=float)
    return np.asarray(flux, dtype=float) * np.power(10.0, 0.4 * a_band)


def _require_columns(df: pd.DataFrame, expected, path) -> None:
    missing = [c for c in expected if c not in df.columns]
    if missing:
        unexpected = [c for c in df.columns if c not in expected]
        hint = f"; columns present but not expected: {unexpected}" if unexpected else ""
        raise InputError(f"{path}: missing column(s) {missing}; expected {list(expected)}{hint}")


def _read_csv(path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    # Everything as text first, so a non-numeric value is reported rather than silently coerced.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=False)
    if df.empty:
        raise InputError(f"{path}: file has a header but no rows")
    return df


def _numeric(df: pd.DataFrame, column: str, path, *, allow_empty: bool) -> pd.Series:
    """Column as float; text that is not a number is an error, an empty cell only where allowed."""
    raw = df[column]
    values = pd.to_numeric(raw.str.strip(), errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        examples = sorted(set(raw[bad].head(3)))
        raise InputError(
            f"{path}: column '{column}' has non-numeric values (e.g. {examples}) "
            f"for object(s) {format_ids(df.loc[bad, 'object_id'])}"
        )
    if not allow_empty and raw.isna().any():
        raise InputError(
            f"{path}: column '{column}' has empty values for object(s) {format_ids(df.loc[raw.isna(), 'object_id'])}"
        )
    return values.astype(float)


def read_log(path, side: str) -> pd.DataFrame:
    """One side's log, validated, indexed by object_id, with numeric Z, Z_err, EBV (and target)."""
    expected = TRAIN_LOG_COLUMNS if side == "train" else TEST_LOG_COLUMNS
    df = _read_csv(path)
    _require_columns(df, expected, path)
    dup = df["object_id"].duplicated(keep=False)
    if dup.any():
        raise InputError(f"{path}: column 'object_id' has duplicated ids: {format_ids(df.loc[dup, 'object_id'])}")
    out = pd.DataFrame(index=pd.Index(df["object_id"].to_numpy(), name="object_id"))
    for column in ("Z", "EBV"):
        out[column] = _numeric(df, column, path, allow_empty=False).to_numpy()
    out["Z_err"] = _numeric(df, "Z_err", path, allow_empty=True).to_numpy()
    negative_ebv = out["EBV"] < 0
    if negative_ebv.any():
        raise InputError(f"{path}: column 'EBV' is negative for object(s) {format_ids(out.index[negative_ebv])}")
    out["split"] = df["split"].to_numpy()
    if side == "train":
        target = _numeric(df, "target", path, allow_empty=False)
        bad = ~target.isin([0, 1])
        if bad.any():
            raise InputError(
                f"{path}: column 'target' must be 0 or 1, not for object(s) {format_ids(df.loc[bad, 'object_id'])}"
            )
        out["target"] = target.astype(int).to_numpy()
        # The class behind the label; the multiclass model learns from it, so it must agree with target.
        out["SpecType"] = df["SpecType"].fillna("").str.strip().to_numpy()
        disagree = (out["SpecType"] == "TDE") != (out["target"] == 1)
        if disagree.any():
            raise InputError(
                f"{path}: column 'SpecType' must be 'TDE' exactly where target is 1, not for object(s) "
                f"{format_ids(out.index[disagree])}"
            )
    return out


def check_disjoint(train_log: pd.DataFrame, test_log: pd.DataFrame, train_path, test_path) -> None:
    """An object in both logs would leak its label into the test side."""
    both = train_log.index.intersection(test_log.index)
    if len(both):
        raise InputError(
            f"{train_path} and {test_path}: column 'object_id' has {len(both)} object(s) in both train and "
            f"test: {format_ids(both)}"
        )


def read_lightcurves(path, log_split: pd.DataFrame, report: IngestReport | None = None) -> pd.DataFrame:
    """One split's lightcurve file, validated against its log rows, dust-corrected and time-sorted.

    ``log_split`` holds the log rows of this split and side (index object_id, column EBV).
    Returns the columns of :data:`INGESTED_COLUMNS`, rows with an empty Flux dropped.
    """
    report = report or IngestReport()
    df = _read_csv(path)
    _require_columns(df, LC_COLUMNS, path)
    if df["object_id"].isna().any():
        raise InputError(f"{path}: column 'object_id' is empty in {int(df['object_id'].isna().sum())} row(s)")
    mjd = _numeric(df, "Time (MJD)", path, allow_empty=False)
    flux = _numeric(df, "Flux", path, allow_empty=True)
    flux_err = _numeric(df, "Flux_err", path, allow_empty=False)
    bad_err = ~(flux_err > 0)
    if bad_err.any():
        raise InputError(
            f"{path}: column 'Flux_err' must be > 0, not for object(s) {format_ids(df.loc[bad_err, 'object_id'])}"
        )
    filters = df["Filter"].str.strip()
    unknown = ~filters.isin(FILTERS)
    if unknown.any():
        raise InputError(
            f"{path}: column 'Filter' has unknown filter(s) {sorted(set(filters[unknown].fillna('')))} "
            f"(expected one of {list(FILTERS)}) for object(s) {format_ids(df.loc[unknown, 'object_id'])}"
        )
    not_in_log = ~df["object_id"].isin(log_split.index)
    if not_in_log.any():
        raise InputError(
            f"{path}: column 'object_id' has object(s) that are not in this split's log: "
            f"{format_ids(df.loc[not_in_log, 'object_id'])}"
        )

    out = pd.DataFrame(
        {
            "object_id": df["object_id"].to_numpy(),
            "mjd": mjd.to_numpy(),
            "flux": flux.to_numpy(),
            "flux_err": flux_err.to_numpy(),
            "filter": filters.to_numpy(),
        }
    )
    empty_flux = out["flux"].isna()
    if empty_flux.any():
        report.warn(
            f"{path}: dropped {int(empty_flux.sum())} row(s) with an empty 'Flux' "
            f"from {out.loc[empty_flux, 'object_id'].nunique()} object(s)"
        )
        out = out.loc[~empty_flux]
    without_rows = log_split.index.difference(out["object_id"].unique())
    if len(without_rows):
        report.warn(
            f"{path}: {len(without_rows)} object(s) of the log have no usable observation "
            f"(no rows or only empty 'Flux'); their features are empty and the model still predicts them: "
            f"{format_ids(without_rows)}"
        )
    ebv = log_split["EBV"].reindex(out["object_id"]).to_numpy()
    out["flux"] = deredden(out["flux"].to_numpy(), out["filter"].to_numpy(), ebv)
    out["flux_err"] = deredden(out["flux_err"].to_numpy(), out["filter"].to_numpy(), ebv)
    out = out.sort_values(["object_id", "mjd", "filter"], kind="mergesort").reset_index(drop=True)
    return out[list(INGESTED_COLUMNS)]


def log_rows_of_split(log_df: pd.DataFrame, split: str, path) -> pd.DataFrame:
    """The log rows of one split; a split folder with no log entries is an error."""
    rows = log_df.loc[log_df["split"] == split]
    if rows.empty:
        raise InputError(f"{path}: column 'split' has no entries for {split}, but the data folder has {split}/")
    return rows


def ingest_split(lightcurve_path, catalog: pd.DataFrame, log_path, split: str):
    """Everything ingest does for one split and side; returns (table, report).

    ``catalog`` is the side's validated log (see :mod:`mallorn_tde.catalog`), ``log_path`` the log file it
    came from, named in messages.
    """
    report = IngestReport()
    rows = log_rows_of_split(catalog, split, log_path)
    negative_z = rows["Z"] < 0
    if negative_z.any():
        report.warn(
            f"{log_path}: column 'Z' is negative for {int(negative_z.sum())} object(s) of {split} "
            f"({format_ids(rows.index[negative_z])}); kept, physics features treat it as z = 0"
        )
    table = read_lightcurves(lightcurve_path, rows, report)
    return table, report
