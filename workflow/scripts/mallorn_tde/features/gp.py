"""The gp feature set: one 2D Gaussian process per object over rest-frame time and log wavelength.

The recipe of the PLAsTiCC winner (Boone 2019, avocado) as the best MALLORN entries used it: all six
bands of an object are fitted together by one Gaussian process with an anisotropic Matern 3/2 kernel over
(rest-frame days, ln rest-frame wavelength), flux errors as per-point noise, so that a band observed
sparsely borrows shape from its neighbours. :class:`Matern32GP` does the fit (scikit-learn's
``GaussianProcessRegressor`` specialised to this kernel), from a fixed start and without random restarts,
so the result is deterministic.

From the GP mean, evaluated on a grid of rest-frame days at each band's effective wavelength:

- ``length_scale_time``, ``length_scale_wavelength``, ``amplitude`` (fitted hyperparameters; the amplitude
  in microjansky), ``log_likelihood`` per point, ``redchi2`` of the data around the GP mean;
- the peak (the maximum of the summed g+r+i flux, refined to 0.1 d): per band the flux and absolute
  magnitude there, and each band's peak relative to r;
- colours u-g, g-r, r-i, i-z and a blackbody temperature at fixed rest-frame epochs before and after the
  peak (:data:`COLOR_EPOCHS`, :data:`TEMP_EPOCHS`);
- per band, the rest-frame days from the band's own peak back to (rise) and on to (fall) 50% and 20% of it;
- the g- and r-band flux at fixed epochs as a fraction of their value at the peak;
- rest-frame colours between fixed rest-frame wavelengths (:data:`REST_WAVELENGTHS`) at fixed epochs,
  where the bands cover them, and the late decline's log-log slope in g and r (a t^-5/3 TDE: ~ -1.7).

A quantity that needs the GP where there are no data (an epoch outside the observed span, a crossing that
the curve never makes) is NaN; so is everything when fewer than :data:`MIN_POINTS` points or no positive
flux were observed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.linalg.lapack import dpotri
from scipy.optimize import minimize

from ..constants import AB_ZERO_POINT_UJY, EFF_WAVELENGTH_AA, FILTERS
from .fits import NU_OBS, blackbody_fit
from .prepare import NB, Prepared

MIN_POINTS = 5  # fewer observations: no fit
TIME_SCALE_START = 20.0  # rest-frame days: the optimiser's start ...
TIME_SCALE_BOUNDS = (1.0, 1000.0)  # ... and bounds of the time length scale
WAVE_SCALE_START = 0.5  # ln wavelength: start and bounds of the wavelength length scale
WAVE_SCALE_BOUNDS = (0.05, 10.0)
VARIANCE_BOUNDS = (1e-4, 1e4)  # of the kernel, in units of the object's largest |flux| squared
MAX_FIT_POINTS = 300  # more points: hyperparameters fitted on this many, evenly thinned (see fit_gp)
GRID_STEP = 5.0  # rest-frame days between grid points of the GP mean (widths interpolate; the peak is refined)
PEAK_REFINE_STEP = 0.1  # rest-frame days: resolution of the peak time
EPOCH_MARGIN = 10.0  # rest-frame days an epoch may lie beyond the first/last observation
COLOR_EPOCHS = (-20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 50.0, 100.0)  # rest-frame days from the peak
TEMP_EPOCHS = (-10.0, 0.0, 20.0, 50.0, 100.0)
FRACTION_EPOCHS = (-20.0, 20.0, 50.0, 100.0)
WIDTH_LEVELS = (0.5, 0.2)
COLORS = (("u", "g"), ("g", "r"), ("r", "i"), ("i", "z"))
# Rest-frame colours between fixed rest-frame wavelengths (Angstrom): the GP interpolates across bands, so
# these compare the same part of the spectrum at every redshift (where the bands cover it; NaN elsewhere).
REST_WAVELENGTHS = (3500.0, 4500.0, 6000.0)
REST_COLOR_EPOCHS = (-10.0, 0.0, 20.0, 50.0, 100.0)
DECLINE_EPOCHS = (20.0, 100.0)  # rest-frame days after peak of the log-log decline slope
DECLINE_BANDS = ("g", "r")
PEAK_BANDS = ("g", "r", "i")  # their summed flux defines the peak
FRACTION_BANDS = ("g", "r")

_LN_WAVE = np.log(np.array([EFF_WAVELENGTH_AA[f] for f in FILTERS]))
_FIDX = {f: i for i, f in enumerate(FILTERS)}


def _epoch_tag(d: float) -> str:
    return f"m{int(-d)}d" if d < 0 else f"p{int(d)}d"


def _names() -> list[str]:
    names = ["length_scale_time", "length_scale_wavelength", "amplitude", "log_likelihood", "redchi2", "n_points"]
    names += ["peak_flux_sum", "peak_span_before", "peak_span_after"]
    for f in FILTERS:
        names += [f"peak_flux_{f}", f"peak_abs_mag_{f}", f"peak_ratio_{f}_r"]
    for d in COLOR_EPOCHS:
        names += [f"color_{a}_{b}_{_epoch_tag(d)}" for a, b in COLORS]
    names += [f"bb_log10_temp_{_epoch_tag(d)}" for d in TEMP_EPOCHS]
    for f in FILTERS:
        for level in WIDTH_LEVELS:
            names += [f"rise_{int(level * 100)}_{f}", f"fall_{int(level * 100)}_{f}"]
    for f in FRACTION_BANDS:
        names += [f"frac_peak_{f}_{_epoch_tag(d)}" for d in FRACTION_EPOCHS]
    for d in REST_COLOR_EPOCHS:
        names += [
            f"rest_color_{int(a)}_{int(b)}_{_epoch_tag(d)}" for a, b in zip(REST_WAVELENGTHS, REST_WAVELENGTHS[1:])
        ]
    names += [f"decline_loglog_{f}" for f in DECLINE_BANDS]
    return names


GP_FEATURES: tuple[str, ...] = tuple(_names())
_GIDX = {n: i for i, n in enumerate(GP_FEATURES)}


# The hyperparameters as the optimiser sees them (scikit-learn's ``theta``): ln of the kernel's variance, of
# the time length scale and of the wavelength length scale.
_START = np.log([1.0, TIME_SCALE_START, WAVE_SCALE_START])
_BOUNDS = np.log([VARIANCE_BOUNDS, TIME_SCALE_BOUNDS, WAVE_SCALE_BOUNDS])
_SQRT3 = np.sqrt(3.0)


def grid_inputs(times: np.ndarray, ln_waves: np.ndarray) -> np.ndarray:
    """GP inputs (time, ln wavelength) of every pair, time-major: row i * len(ln_waves) + j is
    (times[i], ln_waves[j])."""
    return np.column_stack([np.repeat(times, len(ln_waves)), np.tile(ln_waves, len(times))])


class Matern32GP:
    """Zero-mean GP over (rest-frame days, ln wavelength): kernel ``c * Matern(nu=3/2)`` with one length scale
    per axis, each point's squared flux error on the diagonal.

    This is what scikit-learn's ``GaussianProcessRegressor(ConstantKernel() * Matern(nu=1.5), alpha=err**2)``
    computes, with the same log marginal likelihood and gradient, optimiser (L-BFGS-B), start and bounds
    (``tests/test_gp.py`` compares both on simulated and real series), specialised to this one kernel: the
    squared distances between points are computed once per object instead of at every step of the search,
    and the gradient comes from one n x n matrix and a dot product per parameter instead of a generic
    n x n x 3 tensor and an einsum. ``benchmarks/gp_fit.py`` measures the whole gp set against scikit-learn's
    on real MALLORN objects (BENCHMARKS.md).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, y_err: np.ndarray):
        self.X, self.y = X, y
        self.noise = y_err**2
        self._d2 = [np.subtract.outer(X[:, k], X[:, k]) ** 2 for k in (0, 1)]
        self.theta = _START.copy()
        self.L = self.alpha = None
        self.log_marginal_likelihood_value = np.nan

    def _cov(self, theta, d2_time, d2_wave):
        """The kernel, and ``c * exp(-sqrt(3) r)`` which its length-scale gradients share."""
        c, scale_t, scale_w = np.exp(theta)
        s = d2_time * (3.0 / scale_t**2) + d2_wave * (3.0 / scale_w**2)  # (sqrt(3) r)^2; from here in place
        np.sqrt(s, out=s)
        ce = np.exp(-s)
        ce *= c
        s += 1.0
        s *= ce
        return s, ce

    def _value(self, L: np.ndarray, alpha: np.ndarray) -> float:
        """ln p(y | theta) from the Cholesky factor L of the covariance and alpha = K^-1 y."""
        return -0.5 * self.y @ alpha - np.log(np.diag(L)).sum() - 0.5 * len(self.y) * np.log(2.0 * np.pi)

    def log_marginal_likelihood(self, theta: np.ndarray, gradient: bool = False):
        """ln p(y | theta), and its gradient in ``theta`` if asked; -inf (zero gradient) where the covariance
        is not positive definite, as in scikit-learn."""
        K, ce = self._cov(theta, *self._d2)
        K.flat[:: len(K) + 1] += self.noise  # the diagonal, as a strided view
        try:
            L = cholesky(K, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return (-np.inf, np.zeros_like(theta)) if gradient else -np.inf
        alpha = cho_solve((L, True), self.y, check_finite=False)
        value = self._value(L, alpha)
        if not gradient:
            return value
        # d ln p / d theta_k = 0.5 (alpha^T G_k alpha - tr(K^-1 G_k)) = 0.5 sum(W * G_k), W = alpha alpha^T - K^-1,
        # G_k = dK/dtheta_k. LAPACK's potri writes the lower triangle of K^-1 (scipy's factor is zero above the
        # diagonal, so the rest stays zero): as G_k is symmetric, twice that triangle less its diagonal stands
        # in for the whole of K^-1. One n x n product and a dot per parameter instead of a matrix per parameter.
        inverse, info = dpotri(L, lower=True)
        if info:
            return -np.inf, np.zeros_like(theta)
        W = np.outer(alpha, alpha)
        W -= inverse
        W -= inverse
        W.flat[:: len(W) + 1] += np.diag(inverse)
        _, scale_t, scale_w = np.exp(theta)
        d_c = 0.5 * (np.vdot(W, K) - np.diag(W) @ self.noise)  # G_c = K without the noise
        W *= ce
        d_t = 1.5 / scale_t**2 * np.vdot(W, self._d2[0])  # G_t = 3 ce d2_t / scale_t^2, likewise for wavelength
        d_w = 1.5 / scale_w**2 * np.vdot(W, self._d2[1])
        return value, np.array([d_c, d_t, d_w])

    def fit(self) -> Matern32GP:
        """Maximise the marginal likelihood from :data:`_START` within :data:`_BOUNDS`, then condition."""

        def objective(theta):
            value, grad = self.log_marginal_likelihood(theta, gradient=True)
            return -value, -grad

        result = minimize(objective, _START, method="L-BFGS-B", jac=True, bounds=_BOUNDS)
        return self.condition(result.x)

    def condition(self, theta: np.ndarray) -> Matern32GP:
        """Fix the hyperparameters and condition on the data (what :meth:`predict` uses)."""
        self.theta = np.asarray(theta, dtype=float)
        K, _ = self._cov(self.theta, *self._d2)
        K.flat[:: len(K) + 1] += self.noise
        self.L = cholesky(K, lower=True, check_finite=False)
        self.alpha = cho_solve((self.L, True), self.y, check_finite=False)
        self.log_marginal_likelihood_value = float(self._value(self.L, self.alpha))
        return self

    @property
    def amplitude(self) -> float:
        """Square root of the kernel's variance ``c``."""
        return float(np.exp(self.theta[0] / 2))

    @property
    def length_scales(self) -> tuple[float, float]:
        """(rest-frame days, ln wavelength)."""
        return float(np.exp(self.theta[1])), float(np.exp(self.theta[2]))

    def predict_grid(self, times: np.ndarray, ln_waves: np.ndarray) -> np.ndarray:
        """The posterior mean at every (time, wavelength) pair, shape (len(times), len(ln_waves)): what
        :meth:`predict` gives on their product, with each squared time difference computed once, not once
        per wavelength."""
        d2_time = np.subtract.outer(times, self.X[:, 0])[:, None, :] ** 2
        d2_wave = np.subtract.outer(ln_waves, self.X[:, 1])[None, :, :] ** 2
        return self._cov(self.theta, d2_time, d2_wave)[0] @ self.alpha

    def fitted_mean(self) -> np.ndarray:
        """The posterior mean at the data's own inputs: K alpha = y - noise * alpha, as (K + noise) alpha = y,
        without the n x n kernel that :meth:`predict` would build again."""
        return self.y - self.noise * self.alpha

    def predict(self, X: np.ndarray, return_std: bool = False):
        """The posterior mean at ``X``, and its standard deviation if ``return_std``."""
        K_trans, _ = self._cov(self.theta, *(np.subtract.outer(X[:, k], self.X[:, k]) ** 2 for k in (0, 1)))
        mean = K_trans @ self.alpha
        if not return_std:
            return mean
        v = solve_triangular(self.L, K_trans.T, lower=True, check_finite=False)
        return mean, np.sqrt(np.maximum(np.exp(self.theta[0]) - np.einsum("ij,ij->j", v, v), 0.0))


def search_points(n: int) -> np.ndarray:
    """Indices of the :data:`MAX_FIT_POINTS` evenly spaced points of ``n`` that a long series' hyperparameters
    are searched on (see :func:`fit_gp`)."""
    return np.unique(np.linspace(0, n - 1, MAX_FIT_POINTS).round().astype(int))


def fit_gp(t_rest: np.ndarray, ln_wave: np.ndarray, y: np.ndarray, y_err: np.ndarray) -> Matern32GP:
    """Fit the 2D GP to scaled fluxes; returns the fitted, conditioned :class:`Matern32GP`.

    ``t_rest`` in rest-frame days, ``ln_wave`` the natural log of rest-frame wavelength, ``y`` and
    ``y_err`` flux and error divided by a common scale (so the variance starts near 1). From a fixed start
    and without random restarts, so the result is deterministic.

    Each step of the hyperparameter search costs a factorisation of the n x n covariance (n^3): the 2% of
    objects with more than :data:`MAX_FIT_POINTS` points (up to ~1,100, the long well-sampled series) cost
    as much as all the others together. Their hyperparameters are fitted on an evenly thinned subset
    (every k-th point of each band's time-ordered series, as ordered by the caller), and the GP is then
    conditioned on all points with those hyperparameters, so the mean and every feature still use every
    observation.
    """
    X = np.column_stack([t_rest, ln_wave])
    if len(y) <= MAX_FIT_POINTS:
        return Matern32GP(X, y, y_err).fit()
    keep = search_points(len(y))
    theta = Matern32GP(X[keep], y[keep], y_err[keep]).fit().theta
    return Matern32GP(X, y, y_err).condition(theta)


def _crossing(times: np.ndarray, values: np.ndarray, level: float) -> float:
    """First time at which ``values`` (starting above ``level``) falls below it; linear interpolation."""
    below = np.flatnonzero(values < level)
    if not below.size or below[0] == 0:
        return np.nan
    j = below[0]
    v0, v1 = values[j - 1], values[j]
    return float(times[j - 1] + (times[j] - times[j - 1]) * (v0 - level) / (v0 - v1))


class ObjectGP:
    """The fitted GP of one object, and its mean light curve in each band (rest-frame days from ``t_ref``)."""

    def __init__(self, t, f, e, band, z: float):
        self.zf = 1.0 + z if np.isfinite(z) and z > 0 else 1.0
        self.t_ref = float(t[np.argmax(f / e)])  # MJD of the point of highest S/N
        self.t_rest = (t - self.t_ref) / self.zf
        self.ln_wave = _LN_WAVE - np.log(self.zf)  # rest-frame wavelengths of the six bands
        self.scale = float(np.max(np.abs(f)))
        self.gp = fit_gp(self.t_rest, self.ln_wave[band], f / self.scale, e / self.scale)
        resid = (f - self.scale * self.gp.fitted_mean()) / e
        self.redchi2 = float(np.mean(resid**2))

        # The GP mean of every band on a grid over the observed span: used by the peak search and the widths.
        self.grid = np.arange(self.t_rest.min(), self.t_rest.max() + GRID_STEP, GRID_STEP)
        self.curves = self.mean_at(self.grid)

    def mean_at(self, times: np.ndarray, ln_waves: np.ndarray | None = None) -> np.ndarray:
        """GP mean flux (microjansky) at rest-frame ``times``, shape (len(times), wavelengths).

        ``ln_waves``: ln rest-frame wavelengths (Angstrom); the six bands' by default.
        """
        ln_waves = self.ln_wave if ln_waves is None else ln_waves
        return self.gp.predict_grid(np.asarray(times, dtype=float), ln_waves) * self.scale

    def std_at(self, times: np.ndarray) -> np.ndarray:
        """GP standard deviation (microjansky) of the six bands, same shape as :meth:`mean_at`."""
        std = self.gp.predict(grid_inputs(times, self.ln_wave), return_std=True)[1]
        return std.reshape(len(times), NB) * self.scale

    def inside(self, times) -> np.ndarray:
        """Whether rest-frame ``times`` lie within the observed span, give or take :data:`EPOCH_MARGIN`."""
        times = np.asarray(times)
        return (times >= self.t_rest.min() - EPOCH_MARGIN) & (times <= self.t_rest.max() + EPOCH_MARGIN)

    def peak(self) -> float:
        """Rest-frame time of the maximum of the summed :data:`PEAK_BANDS` flux inside the observed span."""
        idx = [_FIDX[b] for b in PEAK_BANDS]
        i = int(np.argmax(self.curves[:, idx].sum(axis=1)))
        t = self.grid[i]
        fine = np.arange(t - GRID_STEP, t + GRID_STEP + PEAK_REFINE_STEP / 2, PEAK_REFINE_STEP)
        return float(fine[int(np.argmax(self.mean_at(fine, self.ln_wave[idx]).sum(axis=1)))])

    def to_mjd(self, t_rest: float) -> float:
        return self.t_ref + t_rest * self.zf


def gp_features_one(t, f, e, band, z: float, distmod: float) -> np.ndarray:
    """The :data:`GP_FEATURES` of one object (arrays of its observations; ``t`` in MJD, ``band`` 0..5)."""
    row = np.full(len(GP_FEATURES), np.nan)
    G = _GIDX
    if len(t) < MIN_POINTS or not np.any(f > 0):
        return row
    model = ObjectGP(t, f, e, band, z)
    row[G["length_scale_time"]], row[G["length_scale_wavelength"]] = model.gp.length_scales
    row[G["amplitude"]] = model.gp.amplitude * model.scale
    row[G["log_likelihood"]] = model.gp.log_marginal_likelihood_value / len(t)
    row[G["redchi2"]] = model.redchi2
    row[G["n_points"]] = len(t)

    lo, hi = model.t_rest.min(), model.t_rest.max()
    t_peak = model.peak()
    peak = model.mean_at(np.array([t_peak]))[0]
    peak_idx = [_FIDX[b] for b in PEAK_BANDS]
    if peak[peak_idx].sum() <= 0:
        return row
    row[G["peak_flux_sum"]] = peak[peak_idx].sum()
    row[G["peak_span_before"]] = t_peak - lo
    row[G["peak_span_after"]] = hi - t_peak
    r_peak = peak[_FIDX["r"]]
    for b, name in enumerate(FILTERS):
        row[G[f"peak_flux_{name}"]] = peak[b]
        if peak[b] > 0:
            if np.isfinite(distmod):
                row[G[f"peak_abs_mag_{name}"]] = -2.5 * np.log10(peak[b]) + AB_ZERO_POINT_UJY - distmod
            if r_peak > 0:
                row[G[f"peak_ratio_{name}_r"]] = peak[b] / r_peak

    # colours, temperatures and fractions of peak at epochs inside the observed span (with a margin)
    epochs = np.array(sorted(set(COLOR_EPOCHS) | set(TEMP_EPOCHS) | set(FRACTION_EPOCHS)))
    inside = model.inside(t_peak + epochs)
    at = model.mean_at(t_peak + epochs)
    std = model.std_at(t_peak + epochs) if inside[np.isin(epochs, TEMP_EPOCHS)].any() else None
    for n, d in enumerate(epochs):
        if not inside[n]:
            continue
        tag = _epoch_tag(d)
        if d in COLOR_EPOCHS:
            for a, b in COLORS:
                fa, fb = at[n, _FIDX[a]], at[n, _FIDX[b]]
                if fa > 0 and fb > 0:
                    row[G[f"color_{a}_{b}_{tag}"]] = -2.5 * np.log10(fa / fb)
        if d in TEMP_EPOCHS:
            err = np.maximum(std[n], 1e-3 * np.abs(at[n]).max())
            temp = blackbody_fit(NU_OBS * model.zf, at[n], err)[0]
            if np.isfinite(temp):
                row[G[f"bb_log10_temp_{tag}"]] = np.log10(temp)
        if d in FRACTION_EPOCHS:
            for name in FRACTION_BANDS:
                b = _FIDX[name]
                if peak[b] > 0:
                    row[G[f"frac_peak_{name}_{tag}"]] = at[n, b] / peak[b]

    # rest-frame colours at fixed rest wavelengths inside the bands' rest-frame coverage
    rest_waves = np.array(REST_WAVELENGTHS)
    covered = (np.log(rest_waves) >= model.ln_wave.min()) & (np.log(rest_waves) <= model.ln_wave.max())
    rest_epochs = np.array(REST_COLOR_EPOCHS)
    rest_flux = model.mean_at(t_peak + rest_epochs, np.log(rest_waves))
    for n, d in enumerate(rest_epochs):
        if not model.inside(t_peak + d):
            continue
        for j in range(len(rest_waves) - 1):
            fa, fb = rest_flux[n, j], rest_flux[n, j + 1]
            if covered[j] and covered[j + 1] and fa > 0 and fb > 0:
                name = f"rest_color_{int(rest_waves[j])}_{int(rest_waves[j + 1])}_{_epoch_tag(d)}"
                row[G[name]] = -2.5 * np.log10(fa / fb)

    # late decline as a power law in time since peak: d log f / d log t between two epochs (TDEs: ~ -5/3)
    (d0, d1) = DECLINE_EPOCHS
    if model.inside(t_peak + d1):
        ends = model.mean_at(t_peak + np.array([d0, d1]))
        for name in DECLINE_BANDS:
            f0, f1 = ends[:, _FIDX[name]]
            if f0 > 0 and f1 > 0:
                row[G[f"decline_loglog_{name}"]] = np.log10(f1 / f0) / np.log10(d1 / d0)

    # rise and fall widths per band, from the band's own peak on the grid
    grid, curves = model.grid, model.curves
    for b, name in enumerate(FILTERS):
        c = curves[:, b]
        ib = int(np.argmax(c))
        if c[ib] <= 0:
            continue
        for level in WIDTH_LEVELS:
            pct = int(level * 100)
            after = _crossing(grid[ib:], c[ib:], level * c[ib])
            before = _crossing(grid[: ib + 1][::-1], c[: ib + 1][::-1], level * c[ib])
            row[G[f"fall_{pct}_{name}"]] = after - grid[ib]
            row[G[f"rise_{pct}_{name}"]] = grid[ib] - before
    return row


def gp_block(p: Prepared) -> pd.DataFrame:
    out = np.full((p.n_obj, len(GP_FEATURES)), np.nan)
    with np.errstate(all="ignore"):
        for i in range(p.n_obj):
            s, q = p.bounds[i], p.bounds[i + 1]
            if q > s:
                out[i] = gp_features_one(p.t[s:q], p.f[s:q], p.e[s:q], p.band[s:q], p.z[i], p.distmod[i])
    return pd.DataFrame(out, columns=[f"gp__{n}" for n in GP_FEATURES])
