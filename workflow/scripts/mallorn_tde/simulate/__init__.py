"""A simulated data set in the MALLORN challenge layout: the workflow's default input and the tests' fixture.

`simulate_dataset` writes `train_log.csv`, `test_log.csv`, `sample_submission.csv` and `split_XX/` folders
with `train_full_lightcurves.csv` and `test_full_lightcurves.csv`, with the challenge's columns, number
formats and quirks. The physics is deliberately simple but honest:

- every object gets a class (the challenge's mix), a redshift from a per-class distribution, a Milky Way
  E(B-V), a luminosity distance in flat LambdaCDM (astropy; H0=70, Om0=0.3) and time dilation by (1+z);
- transients are a light-curve shape (Gaussian rise, then exponential, power-law or plateau decline) times a
  blackbody (with a UV suppression for supernovae) whose temperature evolves, evaluated at the rest-frame
  wavelength of each LSST band: f_nu = (1+z) 10^(-0.4 (M + mu - 23.9)) shape(t) SED(lambda/(1+z)) microjansky;
- AGN are a damped random walk (one walk per object, larger amplitude in bluer rest-frame bands) on a
  power-law spectrum, minus a reference level (the challenge's fluxes are difference fluxes);
- Milky Way dust is applied (not removed): flux * 10^(-0.4 A_band) with A from Fitzpatrick (1999), R_V=3.1;
- an LSST-like cadence: yearly seasons, per-object observation windows of a few years, a per-object time grid,
  one to five filters per visit, a few deep-drilling-like objects with many visits;
- per-band noise with the challenge's median flux errors, and a detection requirement (at least 10 points
  with noiseless S/N >= 5, as in the challenge) met by re-drawing an object's parameters at fixed class and z.

`summary_statistics` and `compare_table` measure how close a data set is to another (used against the real
data in tests/test_realism.py and in docs/simulator.md).
"""

from __future__ import annotations

from pathlib import Path

import extinction
import numpy as np
import pandas as pd
from astropy import constants as const
from astropy.cosmology import FlatLambdaCDM

from ..constants import (
    EFF_WAVELENGTH_AA,
    FILTERS,
    H0,
    LC_COLUMNS,
    OM0,
    R_V,
    SIDES,
    SUBMISSION_COLUMNS,
    TEST_LOG_COLUMNS,
    TRAIN_LOG_COLUMNS,
    lightcurve_filename,
    split_name,
)
from .tables import (
    BAND_WAVE_AA,
    BOOST_AFTER,
    COSMOLOGY,
    DDF_FRACTION,
    DDF_VISIT_COMBOS,
    DETECTION_SNR,
    EXTINCTION_PER_AV,
    FLUX_ERR_LOG_SIGMA_HIGH,
    FLUX_ERR_LOG_SIGMA_LOW,
    FLUX_ERR_OBJECT_SIGMA,
    GLOSSES,
    HC_OVER_K_AA_K,
    MAX_ATTEMPTS,
    MEDIAN_FLUX_ERR,
    MIN_DETECTIONS,
    REF_WAVE_AA,
    SOURCE_NOISE_UJY,
    SURVEY_END_MJD,
    SURVEY_START_MJD,
    VISIT_COMBOS,
    VOCABULARY,
    YEAR_DAYS,
    _ADJECTIVES,
    _CODAS,
    _NOUNS,
    _NUCLEI,
    _ONSETS,
    _QUALIFIERS,
    _VOCABULARY_SEED,
    _VOCABULARY_SIZE,
    _build_vocabulary,
    make_object_ids,
)
from .population import (
    EBV_LOG_SIGMA,
    EBV_MEDIAN,
    GROUP_FRACTIONS,
    GROUP_LABELS,
    LABELS,
    REDSHIFT,
    SN_LABELS,
    assign_labels,
    draw_ebv,
    draw_redshift,
    group_counts,
    photometric_redshift,
)
from .models import (
    DECLINE_EXP,
    DECLINE_PLATEAU,
    DECLINE_POWER,
    HOST_AV_MEAN,
    _agn_params,
    _n,
    _sed_ratio,
    _transient_params,
    _u,
    damped_random_walk,
    transient_band_flux,
    transient_flux,
)
from .cadence import (
    _COMBOS,
    _DDF_COMBOS,
    _combo_table,
    cadence,
    observation_windows,
)
from .observe import (
    _add_missing_fluxes,
    _attempt,
    simulate_objects,
)
from .writer import (
    _file_order,
    _fmt_sig,
    _lightcurve_frame,
    _write_csv,
    simulate_dataset,
)

# ----------------------------------------------------------------------------------------------------------
# Realism: summary statistics of a data set in the MALLORN layout, and a side-by-side comparison
# ----------------------------------------------------------------------------------------------------------

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
    train = pd.read_csv(data_dir / "train_log.csv")
    test = pd.read_csv(data_dir / "test_log.csv")
    frames = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and p.name.startswith("split_")):
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
