"""Levers of issue 23 checked outside the workflow, on the outer folds and fold models of finished runs.

    python benchmarks/quick_levers.py RUNS/default/cv2 RUNS/default/cv3 RUNS/default/cv4

Each RUN is a finished run of the workflow on the real data (``benchmarks/ablation.py`` makes them, one per
outer-CV seed). For each outer fold, its model is fitted again on its training part, with the fold's selected
columns and tuned parameters, once as the workflow fits it (``baseline``: it gives the run's own out-of-fold
probabilities back) and once per lever; the held-out objects are never changed. Levers:

- ``redshift-augment``: the training part gains, per object, ``--copies`` copies moved to a new redshift
  (``1 + z`` times ``exp(U(-w, w))``, ``w`` = ``--width``): each object's 2D GP (the gp set's fit) is evaluated at
  the rest-frame times and wavelengths its own observation times and bands have at the new redshift, scaled by
  the change of luminosity distance and ``1 + z``, and observed with its own flux errors as Gaussian noise (the
  PLAsTiCC winner's recipe, with the object's own cadence). Every feature is computed from the new lightcurve by
  the workflow's own extraction. A copy is only ever in the training part its object is in.
- ``redshift-augment-tde``: the same, for the TDEs of the training part only.
- ``rise-edge``: the physics set's rise times set to missing where the rise starts at the first observation
  (``physics__rise_time_obs`` 0: the lightcurve begins at or after the peak), in every row.

No threshold is tuned for a lever, so each row gives the pooled out-of-fold AP and the F1 at the best cut of the
pooled probabilities (optimistic, the same way for every row), mean and sd over the runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import average_precision_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow" / "scripts"))

from mallorn_tde.catalog import luminosity_distances, with_distances  # noqa: E402
from mallorn_tde.constants import FILTERS, fold_scope  # noqa: E402
from mallorn_tde.evaluation import best_threshold, held_out_ids, training_ids  # noqa: E402
from mallorn_tde.features import extract_features  # noqa: E402
from mallorn_tde.features.gp import MIN_POINTS, ObjectGP  # noqa: E402
from mallorn_tde.io import read_folds, read_json, read_lines, read_table  # noqa: E402
from mallorn_tde.model import class_labels, fit, predict  # noqa: E402
from mallorn_tde.selection import feature_matrix  # noqa: E402

LEVERS = ("baseline", "redshift-augment", "redshift-augment-tde", "rise-edge")
RISE_COLUMNS = ("physics__rise_time_obs", "physics__rise_time_rest", "physics__rise_half_time_rest")


def redshifted_lightcurve(t, f, e, band, z: float, z_new: float, rng: np.random.Generator) -> np.ndarray:
    """The fluxes of one object (times ``t`` in MJD, ``band`` 0..5) seen at ``z_new`` with the same visits."""
    gp = ObjectGP(t, f, e, band, z)
    zf_new = 1.0 + z_new
    t_rest = (t - gp.t_ref) / zf_new
    ln_wave = gp.ln_wave + np.log(gp.zf) - np.log(zf_new)  # the bands' rest-frame wavelengths at z_new
    mean = gp.gp.predict(np.column_stack([t_rest, ln_wave[band]])) * gp.scale
    (d_old, d_new), _ = luminosity_distances([z, z_new])
    return mean * zf_new / gp.zf * (d_old / d_new) ** 2 + rng.normal(0.0, 1.0, len(t)) * e


def augmented_table(lightcurves: pd.DataFrame, catalog: pd.DataFrame, copies: int, width: float, seed: int):
    """Features of ``copies`` redshifted copies of every object (index ``{id}__z{k}``, column ``parent``)."""
    rng = np.random.default_rng(seed)
    band_of = {name: i for i, name in enumerate(FILTERS)}
    rows, meta = [], []
    for object_id, lc in lightcurves.groupby("object_id", sort=False):
        t, f, e = (lc[c].to_numpy(np.float64) for c in ("mjd", "flux", "flux_err"))
        band = lc["filter"].map(band_of).to_numpy()
        z = float(catalog.loc[object_id, "Z"])
        if len(t) < MIN_POINTS or not np.any(f > 0) or not z > 0:
            continue
        for k in range(copies):
            z_new = max((1.0 + z) * np.exp(rng.uniform(-width, width)) - 1.0, 0.01)
            flux = redshifted_lightcurve(t, f, e, band, z, z_new, rng)
            name = f"{object_id}__z{k}"
            rows.append(
                pd.DataFrame({"object_id": name, "mjd": t, "flux": flux, "flux_err": e, "filter": lc["filter"]})
            )
            meta.append((name, object_id, z_new))
    meta = with_distances(pd.DataFrame(meta, columns=["object_id", "parent", "Z"]).set_index("object_id"))
    return meta, pd.concat(rows, ignore_index=True)


def augmented_features(run: Path, sets: list[str], tsfresh: dict, copies: int, width: float, seed: int):
    """The augmented copies' rows as the training table has them (catalogue columns from the parent)."""
    results = run / "results"
    tables = []
    for path in sorted((results / "lightcurves" / "train").glob("*.parquet")):
        catalog = read_table(results / "catalog" / "train" / path.name)
        meta, lcs = augmented_table(read_table(path).reset_index(), catalog, copies, width, seed + len(tables))
        X = extract_features(lcs, meta, sets, tsfresh["settings"], 1, tsfresh["series"])
        parent = catalog.loc[meta["parent"]]
        for column in ("EBV", "SpecType", "target"):
            X[column] = parent[column].to_numpy()
        X["Z"], X["parent"] = meta["Z"], meta["parent"]
        tables.append(X)
    return pd.concat(tables)


def training_side_files(run: Path) -> tuple[str, ...]:
    """The files a run's training lightcurves and catalogue are read from, links resolved."""
    results = run / "results"
    return tuple(
        str(p.resolve()) for side in ("lightcurves", "catalog") for p in sorted((results / side / "train").glob("*"))
    )


def run_config(run: Path) -> dict:
    return yaml.safe_load((run / "config.yaml").read_text())


def out_of_fold(run: Path, lever: str, augmented: pd.DataFrame | None) -> pd.DataFrame:
    """Each outer fold's held-out probabilities from its model fitted again with ``lever`` applied."""
    config = run_config(run)
    objective, seed = config["model"]["objective"], config["model"]["seed"]
    table = read_table(run / "results" / "features" / "train.parquet")
    if lever == "rise-edge":
        edge = table["physics__rise_time_obs"] <= 0
        table.loc[edge, list(RISE_COLUMNS)] = np.nan
    folds = read_folds(run / "results" / "cv" / "folds.tsv")
    parts = []
    for k in sorted(folds["fold"].unique()):
        scope = fold_scope(k)
        selected = read_lines(run / "results" / "model" / scope / "selected_features.txt")
        params = read_json(run / "results" / "model" / scope / "tuning.json")["params"]
        train_ids, test_ids = training_ids(folds, scope), held_out_ids(folds, scope)
        train = table.loc[train_ids]
        if lever.startswith("redshift-augment"):
            extra = augmented[augmented["parent"].isin(train_ids)]
            if lever == "redshift-augment-tde":
                extra = extra[extra["target"] == 1]
            train = pd.concat([train, extra.drop(columns="parent")])
        model = fit(feature_matrix(train)[selected], class_labels(train, objective), params, seed, 2)
        proba = predict(model, feature_matrix(table.loc[test_ids])[selected])
        parts.append(pd.DataFrame({"fold": k, "target": table.loc[test_ids, "target"], "probability": proba}))
    return pd.concat(parts)


def scores(oof: pd.DataFrame) -> tuple[float, float]:
    """Pooled AP and the F1 at the best cut of the pooled probabilities."""
    return (
        float(average_precision_score(oof["target"], oof["probability"])),
        best_threshold(oof["target"], oof["probability"])[1],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+")
    parser.add_argument("--levers", nargs="+", choices=LEVERS, default=list(LEVERS))
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--width", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    augmented = {}
    if any(lever.startswith("redshift-augment") for lever in args.levers):
        made = {}  # runs of one data set share their training side (ablation.py links one cache): made once
        for run in args.runs:
            features = run_config(run)["features"]
            tsfresh = {"settings": features["tsfresh"], "series": features["tsfresh_series"]}
            key = (training_side_files(run), repr(features["sets"]), repr(tsfresh))
            if key not in made:
                with threadpool_limits(1):  # one small GP per object: BLAS threads only contend
                    made[key] = augmented_features(run, features["sets"], tsfresh, args.copies, args.width, args.seed)
            augmented[run] = made[key]
            print(f"{run}: {len(augmented[run])} redshifted copies", file=sys.stderr)
    rows = []
    for lever in args.levers:
        for run in args.runs:
            oof = out_of_fold(run, lever, augmented.get(run))
            ap, f1 = scores(oof)
            if lever == "baseline":  # the run's own out-of-fold probabilities, fitted again
                own = pd.read_csv(run / "results" / "cv" / "oof_probabilities.csv", index_col="object_id")
                diff = float(np.abs(own.loc[oof.index, "probability"] - oof["probability"]).max())
                print(f"{run}: baseline against the run's own out-of-fold probabilities: max |diff| {diff:.2g}")
            rows.append({"lever": lever, "run": str(run), "ap": ap, "f1": f1})
    table = pd.DataFrame(rows)
    print("| lever | F1 at the best pooled cut, mean ± sd | AP, mean ± sd | F1 per run |")
    print("|---|---:|---:|---:|")
    for lever, part in table.groupby("lever", sort=False):
        per_run = ", ".join(f"{v:.3f}" for v in part["f1"])
        print(
            f"| `{lever}` | {part['f1'].mean():.3f} ± {part['f1'].std(ddof=1):.3f} "
            f"| {part['ap'].mean():.3f} ± {part['ap'].std(ddof=1):.3f} | {per_run} |"
        )


if __name__ == "__main__":
    main()
