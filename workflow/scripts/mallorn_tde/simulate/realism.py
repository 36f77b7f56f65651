"""How close a data set is to another: summary statistics of a MALLORN-layout folder and a comparison table.

Only the tests and the docs use this (tests/test_realism.py measures the simulated set against the real
challenge data; docs/simulator.md and the README keep the table); the workflow does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import FILTERS, LC_COLUMNS, SIDES, SPLIT_PATTERN, lightcurve_filename, log_filename

# Statistic name -> (kind, tolerance): 'rel' |sim/real - 1| <= tol, 'abs' |sim - real| <= tol.
TOLERANCES = {
    "obs per object p10": ("rel", 0.25),
    "obs per object median": ("rel", 0.20),
    "obs per object p90": ("rel", 0.25),
    "time span p10 (d)": ("rel", 0.25),
    "time span median (d)": ("rel", 0.20),
    "time span p90 (d)": ("rel", 0.20),
    **{f"filter share {f}": ("abs", 0.02) for f in FILTERS},
    **{f"median Flux_err {f}": ("rel", 0.10) for f in FILTERS},
    "rows sharing a timestamp": ("abs", 0.05),
    "negative Flux fraction": ("abs", 0.05),
    "empty Flux fraction": ("rel", 0.50),
    "max S/N per object median": ("rel", 0.30),
    "max S/N > 10 fraction": ("abs", 0.05),
    "class share AGN": ("abs", 0.03),
    "class share SN Ia (all)": ("abs", 0.03),
    "class share other SN": ("abs", 0.03),
    "class share TDE": ("abs", 0.01),
    "median Z AGN": ("rel", 0.25),
    "median Z SN Ia": ("rel", 0.25),
    "median Z SN II": ("rel", 0.25),
    "median Z TDE": ("rel", 0.25),
    "median EBV": ("rel", 0.20),
    "test Z_err / (1+Z) median": ("rel", 0.10),
    "negative test Z count": ("abs", 0),
    "time-sorted objects share": ("abs", 0.05),
}


def read_dataset(data_dir):
    """Logs and all lightcurves of a data set in the MALLORN layout (lightcurves in file order)."""
    data_dir = Path(data_dir)
    train = pd.read_csv(data_dir / log_filename("train"))
    test = pd.read_csv(data_dir / log_filename("test"))
    frames = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and re.fullmatch(SPLIT_PATTERN, p.name)):
        for side in SIDES:
            path = folder / lightcurve_filename(side)
            if path.is_file():
                frames.append(pd.read_csv(path, dtype={"object_id": str, "Filter": str}))
    lc = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(LC_COLUMNS))
    return train, test, lc


def summary_statistics(data_dir) -> dict[str, float]:
    """The statistics compared in the realism table (see TOLERANCES), measured on a data folder."""
    train, test, lc = read_dataset(data_dir)
    obj = lc["object_id"].to_numpy()
    t = lc["Time (MJD)"].to_numpy(float)
    flux, err = lc["Flux"].to_numpy(float), lc["Flux_err"].to_numpy(float)
    g = lc.groupby("object_id", sort=False)
    n_obs = g.size().to_numpy()
    span = (g["Time (MJD)"].max() - g["Time (MJD)"].min()).to_numpy()
    stats = {
        "obs per object p10": np.percentile(n_obs, 10),
        "obs per object median": np.median(n_obs),
        "obs per object p90": np.percentile(n_obs, 90),
        "time span p10 (d)": np.percentile(span, 10),
        "time span median (d)": np.median(span),
        "time span p90 (d)": np.percentile(span, 90),
    }
    share = lc["Filter"].value_counts(normalize=True)
    med_err = lc.groupby("Filter")["Flux_err"].median()
    for f in FILTERS:
        stats[f"filter share {f}"] = float(share.get(f, 0.0))
    for f in FILTERS:
        stats[f"median Flux_err {f}"] = float(med_err.get(f, np.nan))
    per_ts = lc.groupby(["object_id", "Time (MJD)"]).size()
    stats["rows sharing a timestamp"] = float(per_ts[per_ts > 1].sum() / max(len(lc), 1))
    valid = ~np.isnan(flux)
    stats["negative Flux fraction"] = float((flux[valid] < 0).mean())
    stats["empty Flux fraction"] = float((~valid).mean())
    max_snr = (lc.assign(snr=flux / err).groupby("object_id")["snr"].max()).to_numpy()
    stats["max S/N per object median"] = float(np.nanmedian(max_snr))
    stats["max S/N > 10 fraction"] = float(np.mean(max_snr > 10))
    spec = train["SpecType"].astype(str)
    is_ia = spec.str.startswith("SN Ia")
    stats["class share AGN"] = float((spec == "AGN").mean())
    stats["class share SN Ia (all)"] = float(is_ia.mean())
    stats["class share other SN"] = float((~is_ia & ~spec.isin(["AGN", "TDE"])).mean())
    stats["class share TDE"] = float((spec == "TDE").mean())
    for name in ("AGN", "SN Ia", "SN II", "TDE"):
        stats[f"median Z {name}"] = float(train.loc[spec == name, "Z"].median())
    stats["median EBV"] = float(pd.concat([train["EBV"], test["EBV"]]).median())
    stats["test Z_err / (1+Z) median"] = float((test["Z_err"] / (1 + test["Z"])).median())
    stats["negative test Z count"] = int((test["Z"] < 0).sum())
    same = obj[1:] == obj[:-1]
    unsorted = set(obj[1:][same & (t[1:] < t[:-1])])
    stats["time-sorted objects share"] = 1.0 - len(unsorted) / max(len(n_obs), 1)
    return {k: float(v) for k, v in stats.items()}


def compare_table(real: dict, sim: dict, tolerances: dict | None = None) -> pd.DataFrame:
    """Side-by-side table of two summary_statistics results with each statistic's tolerance and verdict."""
    tolerances = TOLERANCES if tolerances is None else tolerances
    rows = []
    for name, (kind, tol) in tolerances.items():
        r, s = real.get(name, np.nan), sim.get(name, np.nan)
        if kind == "rel":
            ok = bool(np.isfinite(r) and np.isfinite(s) and r != 0 and abs(s / r - 1) <= tol)
            tol_text = f"±{tol:.0%}"
        else:
            ok = bool(np.isfinite(r) and np.isfinite(s) and abs(s - r) <= tol + 1e-12)
            tol_text = f"±{tol:g}"
        rows.append({"statistic": name, "real": r, "simulated": s, "tolerance": tol_text, "ok": ok})
    return pd.DataFrame(rows)


def table_markdown(table: pd.DataFrame) -> str:
    """A compare_table result as a Markdown table."""

    def fmt(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "**NO**"
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)
