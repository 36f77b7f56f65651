"""The data set on disk: logs, sample submission and per-split lightcurve files in the MALLORN layout.

:func:`simulate_dataset` draws both sides' objects (:mod:`.population`, :mod:`.observe`) with one random
stream per split and side, and writes them with the challenge's columns, number formats and row order
(grouped by object, never time-sorted). The same arguments give byte-identical files.
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


def _write_csv(frame, path):
    frame.to_csv(path, index=False, lineterminator="\n", na_rep="")


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
        for s in range(1, n_splits + 1):
            rng = np.random.default_rng([seed, s, side_no])
            members = np.flatnonzero(splits == s)
            members = members[np.argsort(np.asarray(side_names, dtype=object)[members], kind="stable")]
            lab = labels[members]
            z = draw_redshift(lab, rng)
            ebv = draw_ebv(len(members), rng)
            folder = out_dir / split_name(s)
            folder.mkdir(exist_ok=True)
            mnames = [side_names[i] for i in members]
            if len(members):
                rows, attempts = simulate_objects(lab, z, ebv, rng)
                rows = _add_missing_fluxes(rows, len(members), rng)
                rows = _file_order(rows, rng)
                summary["max_attempts"] = max(summary["max_attempts"], attempts)
                frame = _lightcurve_frame(mnames, rows)
            else:
                frame = pd.DataFrame(columns=list(LC_COLUMNS))
            _write_csv(frame, folder / lightcurve_filename(side))
            summary["rows"] += len(frame)
            half = rng.random(len(members)) < 0.5  # the test log lists each split in two passes
            for i, m in enumerate(members):
                entries.append(
                    {
                        "object_id": side_names[m],
                        "z": z[i],
                        "EBV": ebv[i],
                        "SpecType": lab[i],
                        "English Translation": side_texts[m],
                        "split": split_name(s),
                        "split_no": s,
                        "pass": int(half[i]) if side == "test" else 0,
                    }
                )
        logs[side] = pd.DataFrame(entries)

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
