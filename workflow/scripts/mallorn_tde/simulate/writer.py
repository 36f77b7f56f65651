"""The data set on disk: logs, sample submission and per-split lightcurve files in the MALLORN layout.

:func:`simulate_dataset` draws both sides' objects (:mod:`.population`, :mod:`.observe`) with one random
stream per split and side, and writes them with the challenge's columns, number formats and row order
(grouped by object, never time-sorted). The same arguments give byte-identical files.

Memory does not grow with the objects of a split: a split's lightcurves are drawn and written :data:`CHUNK`
objects at a time (one split of 5,000 test objects: 341 MB peak instead of 518 MB in one piece). What stays in
memory is a few hundred bytes per object of the whole set: its id, text and log values, for the logs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import (
    FILTERS,
    LC_COLUMNS,
    SAMPLE_SUBMISSION,
    SIDES,
    SUBMISSION_COLUMNS,
    TEST_LOG_COLUMNS,
    TRAIN_LOG_COLUMNS,
    lightcurve_filename,
    log_filename,
    split_name,
)
from .observe import _add_missing_fluxes, simulate_objects
from .population import assign_labels, draw_ebv, draw_redshift, photometric_redshift
from .tables import make_object_ids

# Objects per chunk of a split's lightcurve file. The first chunk draws from the split's own random stream, each
# further chunk from a stream of its own: a split of at most CHUNK objects (every built-in setting) gives the
# files it gave before chunks were introduced, byte for byte; a larger split gives other (equally valid) draws.
CHUNK = 1000


def _file_order(df, rng):
    """Row order inside each object: grouped, roughly by time but with rows jumping elsewhere (never sorted),
    like the challenge files."""
    n_obj = df["obj"].max() + 1 if len(df) else 0
    p_jump = rng.uniform(0.03, 0.30, n_obj)
    jump = rng.random(len(df)) < p_jump[df["obj"].to_numpy()]
    key = df["t"].to_numpy() + np.where(jump, rng.normal(0, 400, len(df)), 0.0)
    order = np.lexsort((rng.random(len(df)), key, df["obj"].to_numpy()))
    out = df.iloc[order].reset_index(drop=True)
    # objects that came out time-sorted: move their first row to the end
    t, o = out["t"].to_numpy(), out["obj"].to_numpy()
    same = o[1:] == o[:-1]
    unsorted = np.zeros(n_obj, bool)
    unsorted[o[1:][same & (t[1:] < t[:-1])]] = True
    fix = ~unsorted[o]
    if fix.any():
        pos = np.arange(len(out))
        first = np.r_[True, ~same]
        key2 = np.where(fix & first, pos + 0.5 + np.bincount(o, minlength=n_obj)[o] - 1, pos)
        out = out.iloc[np.argsort(key2, kind="stable")].reset_index(drop=True)
    return out


def _fmt_sig(values, digits=4):
    """Numbers with `digits` significant digits, trailing zeros dropped (the logs' Z and Z_err)."""
    return [format(float(v), f".{digits}g") for v in values]


def _lightcurve_frame(names, df):
    out = pd.DataFrame(
        {
            "object_id": np.asarray(names, dtype=object)[df["obj"].to_numpy()],
            "Time (MJD)": np.round(df["t"].to_numpy(), 4),
            "Flux": np.round(df["flux_obs"].to_numpy(), 8),
            "Flux_err": np.round(df["err"].to_numpy(), 8),
            "Filter": np.asarray(FILTERS, dtype=object)[df["band"].to_numpy()],
        }
    )
    return out[list(LC_COLUMNS)]


def _write_csv(frame, path, header=True):
    frame.to_csv(path, index=False, lineterminator="\n", na_rep="", header=header)


def _write_lightcurves(path, names, labels, z, ebv, rng, seed_key) -> tuple[int, int]:
    """One split and side's lightcurve file, drawn and written :data:`CHUNK` objects at a time; returns (rows,
    most attempts any object needed). ``rng`` draws the first chunk, ``[*seed_key, k]`` seeds chunk k > 0."""
    if not len(names):
        _write_csv(pd.DataFrame(columns=list(LC_COLUMNS)), path)
        return 0, 0
    rows_written, max_attempts = 0, 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        for k, start in enumerate(range(0, len(names), CHUNK)):
            part = slice(start, start + CHUNK)
            chunk_rng = rng if k == 0 else np.random.default_rng([*seed_key, k])
            n_obj = len(names[part])
            rows, attempts = simulate_objects(labels[part], z[part], ebv[part], chunk_rng)
            rows = _add_missing_fluxes(rows, n_obj, chunk_rng)
            rows = _file_order(rows, chunk_rng)
            frame = _lightcurve_frame(names[part], rows)
            _write_csv(frame, handle, header=k == 0)
            rows_written += len(frame)
            max_attempts = max(max_attempts, attempts)
    return rows_written, max_attempts


def simulate_dataset(out_dir, n_splits: int, train_per_split: int, test_per_split: int, seed: int) -> dict:
    """Write a simulated data set in the MALLORN layout into out_dir and return a summary for logging.

    Files: train_log.csv, test_log.csv, sample_submission.csv, split_01..split_NN/{train,test}_full_lightcurves.csv.
    The same arguments give byte-identical files.
    """
    if n_splits < 1 or train_per_split < 0 or test_per_split < 0:
        raise ValueError("n_splits must be >= 1 and the per-split counts >= 0")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = int(seed)
    rng0 = np.random.default_rng([seed, 0, 0])
    per_split = {"train": train_per_split, "test": test_per_split}
    sides = {side: assign_labels(n_splits, per_split[side], rng0) for side in SIDES}
    n_all = sum(len(sides[s][0]) for s in SIDES)
    names, texts = make_object_ids(n_all, rng0)
    cut = len(sides["train"][0])
    ident = {"train": (names[:cut], texts[:cut]), "test": (names[cut:], texts[cut:])}

    logs = {}
    summary = {"n_splits": n_splits, "rows": 0, "max_attempts": 0}
    for side_no, side in enumerate(SIDES, start=1):
        labels, splits = sides[side]
        side_names, side_texts = ident[side]
        entries = []
        all_names = np.asarray(side_names, dtype=object)
        for s in range(1, n_splits + 1):
            rng = np.random.default_rng([seed, s, side_no])
            members = np.flatnonzero(splits == s)
            members = members[np.argsort(all_names[members], kind="stable")]
            lab = labels[members]
            z = draw_redshift(lab, rng)
            ebv = draw_ebv(len(members), rng)
            folder = out_dir / split_name(s)
            folder.mkdir(exist_ok=True)
            path = folder / lightcurve_filename(side)
            rows, attempts = _write_lightcurves(path, all_names[members], lab, z, ebv, rng, (seed, s, side_no))
            summary["rows"] += rows
            summary["max_attempts"] = max(summary["max_attempts"], attempts)
            half = rng.random(len(members)) < 0.5  # the test log lists each split in two passes
            # The log's columns of the split (arrays, not a dict per object: a large test side stays small).
            entries.append(
                pd.DataFrame(
                    {
                        "object_id": all_names[members],
                        "z": z,
                        "EBV": ebv,
                        "SpecType": lab,
                        "English Translation": np.asarray(side_texts, dtype=object)[members],
                        "split": split_name(s),
                        "split_no": s,
                        "pass": half.astype(int) if side == "test" else 0,
                    }
                )
            )
        columns = ["object_id", "z", "EBV", "SpecType", "English Translation", "split", "split_no", "pass"]
        logs[side] = pd.concat(entries, ignore_index=True) if entries else pd.DataFrame(columns=columns)

    # train log: spectroscopic redshifts, labels, target
    tr = logs["train"]
    if len(tr):
        train_log = pd.DataFrame(
            {
                "object_id": tr["object_id"],
                "Z": _fmt_sig(tr["z"]),
                "Z_err": "",
                "EBV": tr["EBV"],
                "SpecType": tr["SpecType"],
                "English Translation": tr["English Translation"],
                "split": tr["split"],
                "target": (tr["SpecType"] == "TDE").astype(int),
            }
        )
    else:
        train_log = pd.DataFrame(columns=list(TRAIN_LOG_COLUMNS))
    _write_csv(train_log[list(TRAIN_LOG_COLUMNS)], out_dir / log_filename("train"))

    # test log: photometric redshifts with errors (exactly one small negative), no labels, two passes
    te = logs["test"]
    if len(te):
        rng_z = np.random.default_rng([seed, 0, 3])
        z_obs, z_err = photometric_redshift(te["z"].to_numpy(), rng_z)
        lowest = int(np.argmin(te["z"].to_numpy()))
        z_obs[lowest] = -rng_z.uniform(0.005, 0.02)
        z_err[lowest] = 0.02 * (1 + z_obs[lowest]) * (1 + 0.02 * rng_z.standard_normal())
        te = te.assign(Z=_fmt_sig(z_obs), Z_err=_fmt_sig(z_err))
        te = te.sort_values(["pass", "split_no", "object_id"], kind="stable")
        test_log = pd.DataFrame(
            {
                "object_id": te["object_id"],
                "Z": te["Z"],
                "Z_err": te["Z_err"],
                "EBV": te["EBV"],
                "SpecType": "",
                "English Translation": te["English Translation"],
                "split": te["split"],
            }
        )
    else:
        test_log = pd.DataFrame(columns=list(TEST_LOG_COLUMNS))
    _write_csv(test_log[list(TEST_LOG_COLUMNS)], out_dir / log_filename("test"))
    submission = pd.DataFrame({"object_id": test_log["object_id"], "prediction": 0})
    _write_csv(submission[list(SUBMISSION_COLUMNS)], out_dir / SAMPLE_SUBMISSION)

    summary.update(
        {
            "n_train": len(train_log),
            "n_test": len(test_log),
            "train_classes": {k: int(v) for k, v in tr["SpecType"].value_counts().items()} if len(tr) else {},
            "test_classes": {k: int(v) for k, v in logs["test"]["SpecType"].value_counts().items()} if len(te) else {},
            "train_tde_per_split": (
                [int(((tr["SpecType"] == "TDE") & (tr["split_no"] == s)).sum()) for s in range(1, n_splits + 1)]
                if len(tr)
                else []
            ),
        }
    )
    return summary
