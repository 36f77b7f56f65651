"""The object catalogue: the logs validated, with the luminosity distances the physics features need.

The workflow builds it per split and side (:func:`split_catalog`), so that an edit of one object's row
reruns only that split's jobs. Such a job reads the logs in chunks, in memory bounded by a chunk and its split's
rows: it validates its split's rows, and checks their ids against the rest of its log (duplicates) and against
the other log (shared objects), so that together the jobs of all splits check both whole logs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import C_CGS, DISTANCE_COLUMNS, H0, OM0
from .ingest import check_disjoint, fail_if_shared, id_counts, read_log, read_log_split

# Gauss-Legendre nodes of the comoving-distance integral: the integrand is smooth on [0, z], so 64 nodes give
# astropy's FlatLambdaCDM distances to 1e-11 (relative) up to z = 10 (tests/test_catalog.py).
_QUAD_NODES, _QUAD_WEIGHTS = np.polynomial.legendre.leggauss(64)
C_KM_S = C_CGS / 1e5  # speed of light, km/s


def luminosity_distances(z) -> tuple[np.ndarray, np.ndarray]:
    """Luminosity distance (Mpc) and distance modulus for z > 0 in flat LambdaCDM (NaN otherwise).

    d_L = (1 + z) c / H0 * integral_0^z dz' / sqrt(Om0 (1 + z')^3 + 1 - Om0), no radiation: astropy's
    ``FlatLambdaCDM(H0, Om0)``, to which tests compare it. Written out because every ingest job needs it and
    astropy's import took 1.8 of each such job's 2.7 CPU seconds.
    """
    z = np.asarray(z, dtype=np.float64)
    dist = np.full(len(z), np.nan)
    good = np.isfinite(z) & (z > 0)
    if good.any():
        zg = z[good]
        zp = np.multiply.outer(zg, 0.5 * (_QUAD_NODES + 1.0))  # the nodes mapped onto [0, z]
        inverse_e = 1.0 / np.sqrt(OM0 * (1.0 + zp) ** 3 + (1.0 - OM0))
        comoving = C_KM_S / H0 * 0.5 * zg * (inverse_e @ _QUAD_WEIGHTS)
        dist[good] = (1.0 + zg) * comoving
    distmod = 5.0 * np.log10(dist * 1e5)  # 5 log10(d / 10 pc); NaN stays NaN
    return dist, distmod


def with_distances(meta: pd.DataFrame) -> pd.DataFrame:
    """``meta`` (index object_id, column Z) with the distance columns added."""
    return meta.assign(**dict(zip(DISTANCE_COLUMNS, luminosity_distances(meta["Z"].to_numpy(np.float64)))))


TRAIN_REDSHIFTS = ("spectroscopic", "photometric")


def check_train_redshift(train_redshift: str) -> None:
    if train_redshift not in TRAIN_REDSHIFTS:
        raise ValueError(f"train_redshift must be one of {TRAIN_REDSHIFTS}, got {train_redshift!r}")


def photometric_like(train: pd.DataFrame, test: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Training redshifts degraded to look like the test side's photometric ones.

    The test log's errors follow Z_err = k (1 + Z) with one k (0.0200 +- 0.0004 on the challenge data);
    k is taken as the median of Z_err / (1 + Z) over the test objects, and each training Z is replaced by
    Z + N(0, k (1 + Z)), with Z_err = k (1 + Z) of the new value. Seeded: the same seed gives the same draws.
    """
    ratio = (test["Z_err"] / (1.0 + test["Z"])).dropna()
    if ratio.empty:
        raise ValueError("the test log has no Z_err to take the photometric error model from")
    k = float(ratio.median())
    rng = np.random.default_rng(seed)
    z = train["Z"].to_numpy(np.float64)
    noisy = z + rng.normal(0.0, 1.0, len(z)) * k * (1.0 + z)
    return train.assign(Z=noisy, Z_err=k * (1.0 + noisy))


def validated_logs(train_log_path, test_log_path, train_redshift: str = "spectroscopic", seed: int = 0):
    """Both logs validated (and checked to share no object), without distances.

    ``train_redshift="photometric"`` replaces the training redshifts by :func:`photometric_like` draws, so
    every feature of a training object is computed from a redshift as uncertain as a test object's.
    """
    check_train_redshift(train_redshift)
    logs = {"train": read_log(train_log_path, "train"), "test": read_log(test_log_path, "test")}
    check_disjoint(logs["train"], logs["test"], train_log_path, test_log_path)
    if train_redshift == "photometric":
        logs["train"] = photometric_like(logs["train"], logs["test"], seed)
    return logs


def build_catalog(train_log_path, test_log_path, train_redshift: str = "spectroscopic", seed: int = 0):
    """Both :func:`validated_logs`, each with luminosity distances."""
    logs = validated_logs(train_log_path, test_log_path, train_redshift, seed)
    return {side: with_distances(table) for side, table in logs.items()}


def split_catalog(
    train_log_path, test_log_path, side: str, split: str, train_redshift: str = "spectroscopic", seed: int = 0
) -> pd.DataFrame:
    """One split's rows of one side's :func:`build_catalog` (empty when the log names no object of it).

    The side's log is read in chunks and only the split's rows are kept and validated (:func:`read_log_split`:
    their ids also checked against every row of that log); of the other log, only the ``object_id`` column is
    read, in chunks, to check that none of the split's objects is in it. Memory is bounded by a chunk
    (:data:`mallorn_tde.ingest.LOG_CHUNK_ROWS` rows) and the split's rows, not by the length of the logs.

    Photometric-like training redshifts (side ``"train"`` with ``train_redshift="photometric"``) are drawn over
    the whole training log with the test log's Z_err model, so that option reads and validates both whole
    logs (:func:`validated_logs`). Distances are computed for the split's rows only.
    """
    check_train_redshift(train_redshift)
    if side == "train" and train_redshift == "photometric":
        table = validated_logs(train_log_path, test_log_path, train_redshift, seed)["train"]
        return with_distances(table.loc[table["split"] == split])
    paths = {"train": train_log_path, "test": test_log_path}
    other = "test" if side == "train" else "train"
    rows = read_log_split(paths[side], side, split)
    fail_if_shared(rows.index[id_counts(paths[other], rows.index) > 0], train_log_path, test_log_path)
    return with_distances(rows)
