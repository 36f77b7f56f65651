"""Does training on photometric-like redshifts help on test-like objects? Measured on the same outer folds.

    python benchmarks/redshift_transfer.py --spec RUNS/<name> --photo RUNS/<name>-photoz

``--spec`` and ``--photo`` are two finished ablation runs (benchmarks/ablation.py) of one configuration,
the second with ``redshift.train: photometric`` (every training Z redrawn with the test side's error
model before the features are computed). Both use the same outer folds (same objects and seed). The
test objects have photometric redshifts, so the question is how a model does on held-out objects whose
features come from photometric-like redshifts:

- spec -> photo: each outer fold's model of the spectroscopic run (its selected features, tuned
  parameters and threshold, refitted on its training part) predicts its held-out objects' photometric-like
  features; this is what the workflow does with ``redshift.train: spectroscopic``;
- photo -> photo: the photometric run's own out-of-fold predictions (``redshift.train: photometric``);
- spec -> spec: the spectroscopic run's own out-of-fold predictions (optimistic for the test side).

Prints pooled F1, per-fold mean +- sd and AP of each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow" / "scripts"))

from mallorn_tde.constants import fold_scope  # noqa: E402
from mallorn_tde.evaluation import classification_summary, held_out_ids, training_ids  # noqa: E402
from mallorn_tde.io import read_folds, read_json, read_lines, read_table  # noqa: E402
from mallorn_tde.model import class_labels, fit, predict  # noqa: E402
from mallorn_tde.selection import feature_matrix  # noqa: E402


def summary(oof: pd.DataFrame) -> dict:
    pooled = classification_summary(oof["target"], oof["prediction"], oof["probability"])
    folds = [
        classification_summary(p["target"], p["prediction"], p["probability"])["f1"] for _, p in oof.groupby("fold")
    ]
    return {**pooled, "fold_mean": float(np.mean(folds)), "fold_std": float(np.std(folds, ddof=1))}


def spec_to_photo(spec: Path, photo: Path) -> pd.DataFrame:
    with open(spec / "config.yaml") as handle:
        import yaml

        config = yaml.safe_load(handle)
    objective, seed = config["model"]["objective"], config["model"]["seed"]
    train_spec = read_table(spec / "results/features/train.parquet")
    train_photo = read_table(photo / "results/features/train.parquet")
    folds = read_folds(spec / "results/cv/folds.tsv")
    if not folds.equals(read_folds(photo / "results/cv/folds.tsv")):
        raise SystemExit("the two runs have different outer folds")
    rows = []
    for k in sorted(folds["fold"].unique()):
        scope = fold_scope(k)
        selected = read_lines(spec / f"results/model/{scope}/selected_features.txt")
        tuning = read_json(spec / f"results/model/{scope}/tuning.json")
        train_ids, test_ids = training_ids(folds, scope), held_out_ids(folds, scope)
        X_train = feature_matrix(train_spec.loc[train_ids])[selected]
        booster = fit(X_train, class_labels(train_spec.loc[train_ids], objective), tuning["params"], seed, 1)
        proba = predict(booster, feature_matrix(train_photo.loc[test_ids])[selected])
        rows.append(
            pd.DataFrame(
                {
                    "object_id": test_ids,
                    "fold": k,
                    "target": train_photo.loc[test_ids, "target"].to_numpy(),
                    "probability": proba,
                    "prediction": (proba >= tuning["threshold"]).astype(int),
                }
            )
        )
    return pd.concat(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--photo", type=Path, required=True)
    args = parser.parse_args()
    results = {
        "spec -> spec (spectroscopic run's own OOF)": summary(
            pd.read_csv(args.spec / "results/cv/oof_probabilities.csv")
        ),
        "spec -> photo (spectroscopic training, test-like held-out features)": summary(
            spec_to_photo(args.spec, args.photo)
        ),
        "photo -> photo (photometric run's own OOF)": summary(
            pd.read_csv(args.photo / "results/cv/oof_probabilities.csv")
        ),
    }
    print("| training -> held-out redshifts | pooled OOF F1 | per fold mean ± sd | AP |")
    print("|---|---:|---:|---:|")
    for name, m in results.items():
        print(f"| {name} | {m['f1']:.3f} | {m['fold_mean']:.3f} ± {m['fold_std']:.3f} | {m['average_precision']:.3f} |")


if __name__ == "__main__":
    main()
