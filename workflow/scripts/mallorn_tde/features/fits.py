"""Fits and photometric helpers shared by the physics and GP feature sets (pure numpy, NaN when degenerate)."""

from __future__ import annotations

import numpy as np

from ..constants import C_CGS, EFF_WAVELENGTH_AA, FILTERS, H_CGS, K_B_CGS

COLOR_SNR = 2.0  # a band's flux must be positive at this S/N for a colour
T0_FIXED = 30.0  # rest-frame days; t0 of the power law f ~ (t - t_peak + t0)^k of decline_index_*
T0_GRID = np.geomspace(1.0, 300.0, 40)  # rest-frame days; t0 grid of the free-t0 power law
T_GRID = np.geomspace(2.0e3, 1.0e5, 80)  # K; blackbody temperature grid

NU_OBS = np.array([C_CGS / (EFF_WAVELENGTH_AA[f] * 1e-8) for f in FILTERS])  # Hz, effective frequency per filter


def batch_linfit(X: np.ndarray, y: np.ndarray):
    """Least-squares line y = a + b x for every row of X (shape (G, n)); returns slope b, SSE."""
    xm = X.mean(axis=1, keepdims=True)
    ym = y.mean()
    dx = X - xm
    dy = y - ym
    sxx = (dx * dx).sum(axis=1)
    sxy = (dx * dy).sum(axis=1)
    syy = (dy * dy).sum()
    slope = sxy / sxx
    sse = np.maximum(syy - slope * sxy, 0.0)
    return slope, sse


def powerlaw_decline(dt: np.ndarray, flux: np.ndarray, zf: float = 1.0, t0: float | None = T0_FIXED):
    """Fit log10 flux = a + k log10(dt + t0 (1+z)) and return (k, t0 in rest-frame days, rmse in dex).

    ``dt`` are observed days since the peak (>= 0), ``flux`` positive. With ``t0=None`` t0 is
    fitted as well: chosen on a log grid (:data:`T0_GRID`), then refined on a finer grid around the
    best value (it sits on the grid edge, 300 d, when the decline looks exponential).
    """
    nan3 = (np.nan, np.nan, np.nan)
    if len(dt) < 3 or np.ptp(dt) <= 0:
        return nan3
    y = np.log10(flux)
    if t0 is not None:
        slope, sse = batch_linfit(np.log10(dt + t0 * zf)[None, :], y)
        return float(slope[0]), float(t0), float(np.sqrt(sse[0] / len(dt)))
    grid = T0_GRID * zf
    _, sse = batch_linfit(np.log10(dt[None, :] + grid[:, None]), y)
    k = int(np.argmin(sse))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    fine = np.geomspace(lo, hi, 21)
    slope, sse = batch_linfit(np.log10(dt[None, :] + fine[:, None]), y)
    j = int(np.argmin(sse))
    return float(slope[j]), float(fine[j] / zf), float(np.sqrt(sse[j] / len(dt)))


def planck_nu(nu: np.ndarray, temp: np.ndarray) -> np.ndarray:
    """Planck B_nu in erg s^-1 cm^-2 Hz^-1 sr^-1 (broadcasting)."""
    with np.errstate(over="ignore"):
        return 2.0 * H_CGS * nu**3 / C_CGS**2 / np.expm1(H_CGS * nu / (K_B_CGS * temp))


def blackbody_fit(nu_rest: np.ndarray, flux: np.ndarray, err: np.ndarray):
    """Fit F = a * B_nu(nu_rest, T) (flux, err in any common unit); return (T, a, reduced chi2).

    Grid search in log T over :data:`T_GRID` with the scale a solved linearly (a > 0) for every T,
    then a parabolic refinement of chi2 in log T. NaNs if the best T lies on the grid edge.
    """
    w = 1.0 / err**2
    B = planck_nu(nu_rest[None, :], T_GRID[:, None])  # (G, nb)
    sbb = (B * B * w).sum(axis=1)
    sfb = (B * flux * w).sum(axis=1)
    a = sfb / sbb
    chi2 = (flux * flux * w).sum() - a * sfb
    chi2 = np.where((a > 0) & np.isfinite(chi2), chi2, np.inf)
    k = int(np.argmin(chi2))
    if not np.isfinite(chi2[k]) or k == 0 or k == len(T_GRID) - 1:
        return np.nan, np.nan, np.nan
    x = np.log(T_GRID[k - 1 : k + 2])
    c0, c1, c2 = chi2[k - 1 : k + 2]
    den = c0 - 2 * c1 + c2
    xt = x[1] + 0.5 * (x[1] - x[0]) * (c0 - c2) / den if den > 0 else x[1]
    temp = float(np.exp(xt))
    b = planck_nu(nu_rest, temp)
    a_t = (b * flux * w).sum() / (b * b * w).sum()
    chi2_t = float((((flux - a_t * b) ** 2) * w).sum())
    dof = len(flux) - 2
    return temp, float(a_t), chi2_t / dof if dof > 0 else np.nan


def flux_to_color(fa: float, ea: float, fb: float, eb: float, min_snr: float = COLOR_SNR) -> float:
    """AB colour a - b = -2.5 log10(fa / fb); NaN unless both fluxes are positive at ``min_snr``."""
    if not (fa >= min_snr * ea and fb >= min_snr * eb and fa > 0 and fb > 0):
        return np.nan
    return float(-2.5 * np.log10(fa / fb))
