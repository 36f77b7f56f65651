"""The class population: how many objects of each class, in which split, at which redshift, behind how much dust.

The class mix of the challenge's training sample, each object's SpecType label and split, its true redshift
(lognormal per label), its Milky Way E(B-V), and the photometric redshift that the test log gives instead of
the true one.
"""

from __future__ import annotations

import numpy as np

# Class mix of the challenge training sample (groups), and the labels inside each group with their weights.
GROUP_FRACTIONS = {"AGN": 0.587, "SN Ia": 0.271, "SN other": 0.094, "TDE": 0.049}
GROUP_LABELS = {
    "AGN": (("AGN", 1.0),),
    "TDE": (("TDE", 1.0),),
    "SN Ia": (
        ("SN Ia", 632),
        ("SN Ia-91T-like", 14),
        ("SN Ia-pec", 6),
        ("SN Ia-91bg-like", 4),
        ("SN Iax[02cx-like]", 4),
    ),
    "SN other": (
        ("SN II", 130),
        ("SN IIn", 33),
        ("SN Ic", 17),
        ("SLSN-I", 12),
        ("SN Ic-BL", 10),
        ("SN Ib", 8),
        ("SLSN-II", 8),
        ("SN IIP", 5),
        ("SN IIb", 5),
    ),
}
# Redshift per label: lognormal (median, sigma of ln z), clipped to [low, high]; medians as in the challenge.
REDSHIFT = {
    "AGN": (0.78, 0.65, 0.05, 4.5),
    "TDE": (0.46, 0.60, 0.02, 2.0),
    "SN Ia": (0.36, 0.30, 0.02, 0.75),
    "SN Ia-91T-like": (0.46, 0.15, 0.1, 0.7),
    "SN Ia-pec": (0.28, 0.20, 0.05, 0.6),
    "SN Ia-91bg-like": (0.15, 0.50, 0.02, 0.45),
    "SN Iax[02cx-like]": (0.25, 0.10, 0.05, 0.5),
    "SN II": (0.19, 0.50, 0.01, 0.9),
    "SN IIP": (0.30, 0.40, 0.02, 0.7),
    "SN IIb": (0.22, 0.45, 0.02, 0.5),
    "SN IIn": (0.47, 0.35, 0.05, 0.9),
    "SN Ib": (0.16, 0.30, 0.02, 0.4),
    "SN Ic": (0.20, 0.40, 0.02, 0.5),
    "SN Ic-BL": (0.28, 0.25, 0.05, 0.5),
    "SLSN-I": (0.72, 0.28, 0.2, 1.5),
    "SLSN-II": (0.57, 0.25, 0.2, 1.2),
}
LABELS = tuple(REDSHIFT)
SN_LABELS = tuple(name for name in LABELS if name not in ("AGN", "TDE"))

# Milky Way E(B-V): lognormal like the challenge's (median 0.036 mag).
EBV_MEDIAN, EBV_LOG_SIGMA = 0.036, 0.90


def group_counts(n: int) -> dict[str, int]:
    """Objects per class group for a side of n objects: the challenge mix, at least one TDE, and every
    major group present when n >= 4."""
    if n <= 0:
        return {g: 0 for g in GROUP_FRACTIONS}
    counts = {g: int(round(f * n)) for g, f in GROUP_FRACTIONS.items() if g != "AGN"}
    counts["TDE"] = max(1, counts["TDE"])
    for g in ("SN Ia", "SN other"):
        if n >= 4:
            counts[g] = max(1, counts[g])
    counts["AGN"] = n - sum(counts.values())
    if n >= 4 and counts["AGN"] < 1:
        counts["SN Ia"] -= 1 - counts["AGN"]
        counts["AGN"] = 1
    if counts["AGN"] < 0:  # tiny sets: TDE first, then AGN, SN Ia, other
        counts = {g: 0 for g in GROUP_FRACTIONS}
        for g in ("TDE", "AGN", "SN Ia", "SN other")[:n]:
            counts[g] = 1
    return {g: counts[g] for g in GROUP_FRACTIONS}


def assign_labels(n_splits: int, per_split: int, rng: np.random.Generator):
    """SpecType labels and split numbers (1-based) for one side, with each class spread over the splits."""
    n = n_splits * per_split
    counts = group_counts(n)
    labels = []
    for group in ("TDE", "SN other", "SN Ia", "AGN"):  # rarest first: dealt out over the splits first
        names = [name for name, _ in GROUP_LABELS[group]]
        weights = np.array([w for _, w in GROUP_LABELS[group]], dtype=float)
        picks = rng.choice(len(names), size=counts[group], p=weights / weights.sum())
        labels.extend(names[i] for i in sorted(picks))
    splits = np.empty(n, dtype=int)
    for start in range(0, n, n_splits):  # deal round-robin, a new split order each round
        order = rng.permutation(n_splits) + 1
        splits[start : start + n_splits] = order[: n - start]
    return np.array(labels, dtype=object), splits


def draw_redshift(labels, rng: np.random.Generator) -> np.ndarray:
    """True redshifts from each label's lognormal distribution."""
    z = np.empty(len(labels))
    for name in np.unique(labels):
        m = labels == name
        med, sig, lo, hi = REDSHIFT[name]
        z[m] = np.clip(med * np.exp(sig * np.clip(rng.standard_normal(m.sum()), -2.5, 2.5)), lo, hi)
    return z


def draw_ebv(n: int, rng: np.random.Generator) -> np.ndarray:
    """Milky Way E(B-V) in magnitudes, rounded to 0.001 as in the challenge logs."""
    ebv = EBV_MEDIAN * np.exp(EBV_LOG_SIGMA * rng.standard_normal(n))
    return np.round(np.clip(ebv, 0.002, 1.3), 3)


def photometric_redshift(z: np.ndarray, rng: np.random.Generator):
    """Photometric redshift and its error for test objects: Z_err ~ 0.02 (1+z), Z = z + N(0, Z_err) > 0."""
    z_err = 0.02 * (1 + z) * (1 + 0.02 * rng.standard_normal(len(z)))
    z_obs = np.abs(z + z_err * rng.standard_normal(len(z)))
    z_obs = np.maximum(z_obs, 0.002)
    return z_obs, z_err
