"""Read, validate and de-redden the challenge files, as the data contract says (:mod:`mallorn_tde.contract`).

Every problem found in the input raises :class:`InputError` with a message that names the file, the
column and up to ten offending object ids, before anything is written. Problems that do not stop a run
(empty fluxes, repeated observations, objects without observations, negative or missing test redshifts)
are returned as warnings with a count, so the calling script can log them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .constants import log_filename
from .contract import (
    LIGHTCURVE_FILES,
    InputError,
    check_columns,
    check_unique_ids,
    format_ids,
    read_csv,
    read_csv_chunks,
    require_columns,
)
from .dust import ebv_coefficients

log = logging.getLogger(__name__)

# The ingested table: one row per usable observation, dust-corrected, sorted by object and time.
INGESTED_COLUMNS = ("object_id", "mjd", "flux", "flux_err", "filter")

# Rows per chunk when an ingest job reads a log (:func:`read_log_split`, :func:`id_counts`): its memory is bounded
# by one chunk and its own split's rows, not by the length of the logs.
LOG_CHUNK_ROWS = 100_000


@dataclass
class IngestReport:
    """What ingest noticed but did not stop for; each entry is logged as a warning with its count."""

    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning(message)


def deredden(flux: np.ndarray, filters: np.ndarray, ebv: np.ndarray) -> np.ndarray:
    """Undo Milky Way dimming: multiply by 10^(0.4 A_band), A_band = coefficient(band) * EBV (:mod:`.dust`)."""
    coeff = ebv_coefficients()
    a_band = np.array([coeff[f] for f in filters], dtype=float) * np.asarray(ebv, dtype=float)
    return np.asarray(flux, dtype=float) * np.power(10.0, 0.4 * a_band)


def read_log(path, side: str) -> pd.DataFrame:
    """One side's whole log, validated, indexed by object_id, with numeric Z, Z_err, EBV (and target, SpecType).

    A test object's empty or infinite Z is NaN here; :func:`ingest_split` warns about it.
    """
    return validate_log(read_csv(path), side, path)


def validate_log(df: pd.DataFrame, side: str, path) -> pd.DataFrame:
    """Rows of one side's log (text, as :func:`read_csv` gives them) validated, as :func:`read_log` returns them.

    Every check of the contract is made on these rows; ids are checked to be unique among them only.
    """
    values = check_columns(df, log_filename(side), path)
    check_unique_ids(df["object_id"], path)
    # Text columns keep the dtype they were read with (.array), which NumPy's object arrays lose when empty.
    out = pd.DataFrame(index=pd.Index(df["object_id"].array, name="object_id"))
    for column in ("Z", "EBV", "Z_err"):
        out[column] = values[column].to_numpy()
    out["split"] = values["split"].array
    if side == "train":
        out["target"] = values["target"].astype(int).to_numpy()
        # The class behind the label; the multiclass model learns from it, so it must agree with target.
        out["SpecType"] = values["SpecType"].fillna("").str.strip().array
        disagree = (out["SpecType"] == "TDE") != (out["target"] == 1)
        if disagree.any():
            raise InputError(
                f"{path}: column 'SpecType' must be 'TDE' exactly where target is 1, not for object(s) "
                f"{format_ids(out.index[disagree])}"
            )
    return out


def id_counts(path, ids: pd.Index) -> np.ndarray:
    """How often each of ``ids`` (unique) is in the ``object_id`` column of the log at ``path``, read in chunks."""
    counts = np.zeros(len(ids), dtype=np.int64)
    for chunk in read_csv_chunks(path, LOG_CHUNK_ROWS, columns=("object_id",)):
        require_columns(chunk, ["object_id"], path)
        found = chunk["object_id"]
        counts += found[found.isin(ids)].value_counts().reindex(ids, fill_value=0).to_numpy()
    return counts


def read_log_split(path, side: str, split: str) -> pd.DataFrame:
    """One split's rows of one side's :func:`read_log`, in memory bounded by a chunk and those rows.

    The log is read in chunks, of which only the split's rows are kept and validated (rows of other splits are
    their own split's job's to check). An id of the split that appears again anywhere in the log, in any
    split, is an error, as :func:`read_log` makes it.
    """
    # Without a 'split' column no row is kept, and validate_log names the missing column as read_log does.
    chunks = read_csv_chunks(path, LOG_CHUNK_ROWS)
    kept = [chunk.loc[chunk["split"] == split] if "split" in chunk else chunk.iloc[:0] for chunk in chunks]
    rows = validate_log(pd.concat(kept), side, path)
    repeated = rows.index[id_counts(path, rows.index) > 1]
    if len(repeated):
        raise InputError(f"{path}: column 'object_id' has duplicated ids: {format_ids(repeated)}")
    return rows


def check_disjoint(train_log: pd.DataFrame, test_log: pd.DataFrame, train_path, test_path) -> None:
    """An object in both logs would leak its label into the test side."""
    fail_if_shared(train_log.index.intersection(test_log.index), train_path, test_path)


def fail_if_shared(both: pd.Index, train_path, test_path) -> None:
    """The error of :func:`check_disjoint` for ``both``, the ids found in both logs, if there are any."""
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
    df = read_csv(path)
    values = check_columns(df, LIGHTCURVE_FILES, path)
    not_in_log = ~df["object_id"].isin(log_split.index)
    if not_in_log.any():
        raise InputError(
            f"{path}: column 'object_id' has object(s) that are not in this split's log: "
            f"{format_ids(df.loc[not_in_log, 'object_id'])}"
        )

    out = pd.DataFrame(
        {
            "object_id": df["object_id"].to_numpy(),
            "mjd": values["Time (MJD)"].to_numpy(),
            "flux": values["Flux"].to_numpy(),
            "flux_err": values["Flux_err"].to_numpy(),
            "filter": values["Filter"].to_numpy(),
        }
    )
    empty_flux = out["flux"].isna()
    if empty_flux.any():
        objects = out.loc[empty_flux, "object_id"]
        report.warn(
            f"{path}: dropped {int(empty_flux.sum())} row(s) with an empty 'Flux' "
            f"from {objects.nunique()} object(s): {format_ids(objects)}"
        )
        out = out.loc[~empty_flux]
    out = drop_repeated_observations(out, path, report)
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


def drop_repeated_observations(out: pd.DataFrame, path, report: IngestReport) -> pd.DataFrame:
    """``out`` (the ingested columns) without exact repeats; one exposure with two fluxes is an error.

    A row repeated with the same flux and error would count twice in the GP fit and in every statistic, so
    the repeats are dropped with a warning. The same object, time and filter with another flux or error
    cannot be resolved: which one is right is unknown, and keeping both would invent a scatter.
    """
    key = ["object_id", "mjd", "filter"]
    repeated = out.duplicated([*key, "flux", "flux_err"])
    if repeated.any():
        report.warn(
            f"{path}: dropped {int(repeated.sum())} repeated row(s) (same 'object_id', 'Time (MJD)', 'Filter', "
            f"'Flux' and 'Flux_err' as an earlier row) of {out.loc[repeated, 'object_id'].nunique()} object(s): "
            f"{format_ids(out.loc[repeated, 'object_id'])}"
        )
        out = out.loc[~repeated]
    clash = out.duplicated(key, keep=False)
    if clash.any():
        raise InputError(
            f"{path}: columns 'Time (MJD)' and 'Filter' repeat with a different 'Flux' or 'Flux_err' "
            f"({int(clash.sum())} rows) for object(s) {format_ids(out.loc[clash, 'object_id'])}"
        )
    return out


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
            f"({format_ids(rows.index[negative_z])}); kept, the features treat it as z = 0"
        )
    # Only a test log can get here with a missing Z (read_log stops a training one).
    missing_z = rows["Z"].isna()
    if missing_z.any():
        report.warn(
            f"{log_path}: column 'Z' is empty or infinite for {int(missing_z.sum())} object(s) of {split} "
            f"({format_ids(rows.index[missing_z])}); classified without a redshift: Z, the distance and the "
            f"features that need them are empty, the others are computed as for z = 0"
        )
    table = read_lightcurves(lightcurve_path, rows, report)
    return table, report
