"""The object catalogue: both logs validated once, with the luminosity distances the physics features need.

One job builds it, so the per-split jobs neither re-validate the logs nor import astropy (~2 s each).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import DISTANCE_COLUMNS, H0, OM0
from .ingest import check_disjoint, read_log


def luminosity_distances(z) -> tuple[np.ndarray, np.ndarray]:
    """Luminosity distance (Mpc) and distance modulus for z > 0 in flat LambdaCDM (NaN otherwise)."""
    from astropy.cosmology import FlatLambdaCDM

    z = np.asarray(z, dtype=np.float64)
    dist = np.full(len(z), np.nan)
    good = np.isfinite(z) & (z > 0)
    if good.any():
        dist[good] = FlatLambdaCDM(H0=H0, Om0=OM0).luminosity_distance(z[good]).to_value("Mpc")
    distmod = 5.0 * np.log10(dist * 1e5)  # 5 log10(d / 10 pc); NaN stays NaN
    return dist, distmod


def with_distances(meta: pd.DataFrame) -> pd.DataFrame:
    """``meta`` (index object_id, column Z) with the distance columns added."""
    return meta.assign(**dict(zip(DISTANCE_COLUMNS, luminosity_distances(meta["Z"].to_numpy(np.float64)))))


def build_catalog(train_log_path, test_log_path) -> dict[str, pd.DataFrame]:
    """Both logs validated (and checked to share no object), each with luminosity distances."""
    logs = {"train": read_log(train_log_path, "train"), "test": read_log(test_log_path, "test")}
    check_disjoint(logs["train"], logs["test"], train_log_path, test_log_path)
    return {side: with_distances(table) for side, table in logs.items()}
