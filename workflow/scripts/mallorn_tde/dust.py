"""Dust extinction, one law for the whole workflow: Fitzpatrick (1999) with R_V = 3.1, the challenge's.

Ingest removes the Milky Way's from the observed fluxes (:func:`ebv_coefficients`, applied with each object's
E(B-V) by :func:`mallorn_tde.ingest.deredden`); the simulator applies it at the band wavelengths and dims its
transients by their host galaxy's at rest-frame wavelengths (:func:`extinction_mag`, per unit A_V). The law is
linear in A_V, so one evaluation per wavelength serves every object.

The simulator dims by 10^(-0.4 A_V-coefficient R_V E(B-V)) and ingest brightens by 10^(0.4 E(B-V)-coefficient
E(B-V)): the coefficients agree to the last bit (A_V = R_V is E(B-V) = 1), but the two products are rounded
in another order, so de-reddening a simulated flux need not give back its undimmed value to the last bit.
Written one way for both, the default simulated data set would change.
"""

from __future__ import annotations

import extinction
import numpy as np

from .constants import EFF_WAVELENGTH_AA, FILTERS, R_V

BAND_WAVE_AA = np.array([EFF_WAVELENGTH_AA[f] for f in FILTERS], dtype=float)


def extinction_mag(wave_aa: np.ndarray, a_v: float = 1.0) -> np.ndarray:
    """A_lambda in magnitudes at the wavelengths ``wave_aa`` (Angstrom, a float array) for a total A_V."""
    return extinction.fitzpatrick99(wave_aa, a_v, R_V)


def ebv_coefficients() -> dict[str, float]:
    """A_band / E(B-V) for each LSST band: one evaluation at A_V = R_V, that is E(B-V) = 1."""
    return dict(zip(FILTERS, extinction_mag(BAND_WAVE_AA, R_V).tolist()))
