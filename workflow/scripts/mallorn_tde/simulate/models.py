"""Physical models of the classes: transient light curves and SEDs, and the damped random walk of AGN.

Transients are a light-curve shape (Gaussian rise, then exponential, power-law or plateau decline, with the
secondary red maximum of SNe Ia) times a blackbody whose temperature evolves (with a UV suppression for
supernovae), seen at the rest-frame wavelength of each band, at the distance of flat LambdaCDM and behind host
dust. AGN are a damped random walk on a power-law spectrum; the walk is drawn here, the spectrum applied in
:mod:`.observe`. Parameters are drawn per object and label (``_transient_params``, ``_agn_params``).
"""

from __future__ import annotations

import numpy as np

from ..constants import AB_ZERO_POINT_UJY
from ..dust import extinction_mag
from .tables import BAND_WAVE_AA, COSMOLOGY, HC_OVER_K_AA_K, REF_WAVE_AA

# Host-galaxy dust of transients: A_V exponential with this mean (Fitzpatrick 1999, R_V=3.1, rest frame).
HOST_AV_MEAN = {
    "TDE": 0.5,
    "SLSN-I": 0.1,
    "SLSN-II": 0.15,
    "SN Ia-91bg-like": 0.1,
    "SN Ia": 0.3,
    "SN Ia-91T-like": 0.3,
    "SN Ia-pec": 0.3,
    "SN Iax[02cx-like]": 0.3,
}

# Light-curve shapes.
DECLINE_EXP, DECLINE_POWER, DECLINE_PLATEAU = 0, 1, 2


def _u(rng, lo, hi, n):
    """n uniform draws in [lo, hi)."""
    return rng.uniform(lo, hi, n)


def _n(rng, mu, sd, n, lo=-np.inf, hi=np.inf):
    """n normal draws (mean mu, standard deviation sd) clipped to [lo, hi]; the cadence draws with it too."""
    return np.clip(rng.normal(mu, sd, n), lo, hi)


def _transient_params(name: str, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Rest-frame light-curve and SED parameters for n transients of one label.

    Keys: M (peak absolute AB magnitude at 4400 A), sig_r (Gaussian rise, days), kind (decline law), tau1,
    a2, tau2 (two-exponential decline), t0, p (power law (1 + t/t0)^-p), t_pl, r_pl, drop (plateau),
    T_pk, T_late, tau_T (temperature evolution, K and days), uv (UV-suppression wavelength, 0 = none),
    bump_amp, bump_t, bump_w (secondary red maximum of SNe Ia), host_av (host-galaxy dust A_V, mag).
    """
    p = {
        "kind": np.full(n, DECLINE_EXP),
        "tau1": np.full(n, 20.0),
        "a2": np.full(n, 0.2),
        "tau2": np.full(n, 80.0),
        "t0": np.full(n, 30.0),
        "p": np.full(n, 5 / 3),
        "t_pl": np.full(n, 90.0),
        "r_pl": np.full(n, 0.01),
        "drop": np.full(n, 2.0),
        "uv": np.full(n, 3700.0),
        "bump_amp": np.zeros(n),
        "bump_t": np.full(n, 28.0),
        "bump_w": np.full(n, 7.0),
        "tau_T": np.full(n, 20.0),
    }
    if name.startswith("SN Ia") or name.startswith("SN Iax"):
        if name == "SN Ia":
            s, m0, msd, tpk = _n(rng, 1.0, 0.09, n, 0.75, 1.25), -19.3, 0.12, _n(rng, 14000, 1000, n)
        elif name == "SN Ia-91T-like":
            s, m0, msd, tpk = _n(rng, 1.15, 0.05, n), -19.6, 0.15, _n(rng, 15000, 1000, n)
        elif name == "SN Ia-91bg-like":
            s, m0, msd, tpk = _n(rng, 0.72, 0.05, n), -17.6, 0.3, _n(rng, 10000, 800, n)
        elif name == "SN Ia-pec":
            s, m0, msd, tpk = _n(rng, 1.0, 0.15, n, 0.7, 1.3), -19.0, 0.4, _n(rng, 13000, 1500, n)
        else:  # SN Iax
            s, m0, msd, tpk = _n(rng, 0.85, 0.08, n), -17.2, 0.6, _n(rng, 11000, 1000, n)
        p["M"] = m0 - 1.5 * (s - 1.0) + msd * rng.standard_normal(n)
        p["sig_r"] = 18.0 * s / 2.5
        p["tau1"], p["a2"], p["tau2"] = 12.0 * s, np.full(n, 0.10), np.full(n, 70.0)
        p["T_pk"], p["T_late"], p["tau_T"] = tpk, _n(rng, 7000, 400, n), 25.0 * s
        p["uv"] = np.full(n, 3600.0)
        amp = {"SN Ia": (0.10, 0.20), "SN Ia-91T-like": (0.1, 0.25), "SN Ia-pec": (0.0, 0.2)}.get(name, (0.0, 0.05))
        p["bump_amp"], p["bump_t"] = _u(rng, *amp, n), 27.0 * s
    elif name in ("SN II", "SN IIP"):
        p["kind"] = np.full(n, DECLINE_PLATEAU)
        p["M"] = _n(rng, -17.0 if name == "SN II" else -16.8, 0.9 if name == "SN II" else 0.6, n)
        p["sig_r"] = _u(rng, 2.0, 5.0, n)
        rate = _u(rng, 0.3, 3.5, n) if name == "SN II" else _u(rng, 0.0, 0.8, n)  # mag per 100 days
        p["r_pl"] = rate * 0.4 * np.log(10) / 100.0
        p["t_pl"] = _u(rng, 60, 110, n) if name == "SN II" else _u(rng, 90, 120, n)
        p["drop"], p["tau2"] = _u(rng, 1.5, 2.5, n), np.full(n, 111.0)
        p["T_pk"], p["T_late"], p["tau_T"] = _u(rng, 13000, 16000, n), _u(rng, 5000, 6000, n), _u(rng, 15, 25, n)
        p["uv"] = np.full(n, 3300.0)
    elif name in ("SN IIb", "SN Ib", "SN Ic", "SN Ic-BL"):
        m0 = {"SN IIb": -17.0, "SN Ib": -17.3, "SN Ic": -17.3, "SN Ic-BL": -18.4}[name]
        p["M"] = _n(rng, m0, 0.5, n)
        p["sig_r"] = _u(rng, 12, 20, n) / 2.5
        p["tau1"] = _u(rng, 10, 14, n) if name == "SN Ic-BL" else _u(rng, 13, 22, n)
        p["a2"], p["tau2"] = np.full(n, 0.25), np.full(n, 70.0)
        p["T_pk"], p["T_late"], p["tau_T"] = _u(rng, 7500, 9500, n), _u(rng, 4500, 5500, n), np.full(n, 15.0)
        p["uv"] = np.full(n, 3900.0)
    elif name == "SN IIn":
        p["M"] = _n(rng, -19.0, 0.8, n)
        p["sig_r"] = _u(rng, 20, 50, n) / 2.5
        p["tau1"], p["a2"], p["tau2"] = _u(rng, 40, 120, n), np.full(n, 0.3), np.full(n, 200.0)
        p["T_pk"], p["T_late"], p["tau_T"] = _u(rng, 11000, 16000, n), _u(rng, 8000, 10000, n), np.full(n, 80.0)
        p["uv"] = np.zeros(n)
    elif name in ("SLSN-I", "SLSN-II"):
        p["M"] = _n(rng, -21.2 if name == "SLSN-I" else -20.8, 0.5, n)
        p["sig_r"] = _u(rng, 30, 60, n) / 2.5
        p["tau1"] = _u(rng, 30, 70, n) if name == "SLSN-I" else _u(rng, 50, 100, n)
        p["a2"], p["tau2"] = np.full(n, 0.2), np.full(n, 150.0)
        p["T_pk"] = _u(rng, 14000, 20000, n) if name == "SLSN-I" else _u(rng, 11000, 14000, n)
        p["T_late"], p["tau_T"] = _u(rng, 8000, 9500, n), np.full(n, 50.0)
        p["uv"] = np.full(n, 2600.0 if name == "SLSN-I" else 2400.0)
    elif name == "TDE":
        p["kind"] = np.full(n, DECLINE_POWER)
        p["M"] = _n(rng, -19.3, 0.5, n, -20.8, -18.5)
        p["sig_r"] = _u(rng, 10, 50, n) / 2.0  # rise from 13% to peak in 10-50 days
        p["t0"] = _u(rng, 20, 70, n)
        p["p"] = _n(rng, 5 / 3, 0.2, n, 1.2, 2.3)
        p["T_pk"] = np.clip(2.0e4 * np.exp(0.3 * rng.standard_normal(n)), 1.5e4, 4.0e4)
        p["T_late"], p["tau_T"] = p["T_pk"] * _u(rng, 0.8, 1.0, n), np.full(n, 100.0)
        p["uv"] = np.zeros(n)
    else:
        raise ValueError(f"no transient model for {name!r}")
    p["host_av"] = rng.exponential(HOST_AV_MEAN.get(name, 0.4), n)
    return p


def _agn_params(z: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """AGN: absolute magnitude at 4400 A (brighter at high z: flux-limited sample), SED slope
    (f_nu ~ lambda^beta, beta > 0 is red), damped-random-walk amplitude (mag) and rest-frame timescale (days),
    and the reference level that the difference fluxes are measured against (in units of the amplitude)."""
    n = len(z)
    return {
        "M": _n(rng, -17.9 - 4.0 * np.log10(1 + z), 0.8, n),
        "beta": _n(rng, 0.8, 0.3, n),
        "sigma": _u(rng, 0.10, 0.30, n),
        "tau": np.exp(_u(rng, np.log(100.0), np.log(1000.0), n)),
        "ref": _n(rng, -0.4, 0.8, n),
    }


def _sed_ratio(wave_rest, temp, uv):
    """Blackbody f_nu (times an optional UV suppression) at wave_rest relative to REF_WAVE_AA."""
    x = HC_OVER_K_AA_K / (wave_rest * temp)
    x0 = HC_OVER_K_AA_K / (REF_WAVE_AA * temp)
    ratio = (REF_WAVE_AA / wave_rest) ** 3 * np.expm1(x0) / np.expm1(np.minimum(x, 700.0))
    with np.errstate(divide="ignore"):
        sup = np.where(uv > 0, (1 + (uv / REF_WAVE_AA) ** 6) / (1 + (uv / wave_rest) ** 6), 1.0)
    return ratio * sup


def transient_flux(tau, wave_rest, p, idx):
    """Rest-frame shape x SED of transients: tau rest-frame days from peak, wave_rest in Angstrom; p holds
    per-object parameters, idx the object of each row. Returns the flux relative to the peak at 4400 A."""
    g = {k: v[idx] for k, v in p.items()}
    t_pos = np.maximum(tau, 0.0)
    rise = np.exp(-0.5 * (np.minimum(tau, 0.0) / g["sig_r"]) ** 2)
    rise = np.where(tau < -3.0 * g["sig_r"], 0.0, rise)  # explosion / onset
    exp2 = (1 - g["a2"]) * np.exp(-t_pos / g["tau1"]) + g["a2"] * np.exp(-t_pos / g["tau2"])
    power = (1 + t_pos / g["t0"]) ** (-g["p"])
    plateau = np.exp(-g["r_pl"] * t_pos)
    s = 1 / (1 + np.exp(-np.clip((t_pos - g["t_pl"]) / 6.0, -50, 50)))
    tail = (
        np.exp(-g["r_pl"] * g["t_pl"])
        * 10 ** (-0.4 * g["drop"])
        * np.exp(-np.maximum(t_pos - g["t_pl"], 0) / g["tau2"])
    )
    plateau = (1 - s) * plateau + s * tail
    decline = np.select([g["kind"] == DECLINE_POWER, g["kind"] == DECLINE_PLATEAU], [power, plateau], exp2)
    shape = np.where(tau < 0, rise, decline)
    bump = g["bump_amp"] * np.exp(-0.5 * ((tau - g["bump_t"]) / g["bump_w"]) ** 2)
    bump = bump * np.clip((wave_rest - 5800.0) / 2200.0, 0.0, 1.0)
    temp = g["T_late"] + (g["T_pk"] - g["T_late"]) * np.exp(-t_pos / g["tau_T"])
    return (shape + bump) * _sed_ratio(wave_rest, temp, g["uv"])


def transient_band_flux(t, band, idx, z, peak, params):
    """Observed flux (microjansky, before Milky Way dust) of transients at MJD t in filter index band.

    idx: the object of each row; z, peak (MJD of the rest-frame 4400 A maximum) and params (see
    _transient_params) are per object. Applies time dilation, the distance modulus (flat LambdaCDM), the
    (1+z) bandwidth factor of f_nu, rest-frame wavelengths and host-galaxy dust.
    """
    zz = z[idx]
    tau = (t - peak[idx]) / (1 + zz)
    wave_rest = BAND_WAVE_AA[band] / (1 + zz)
    amp = (1 + zz) * 10 ** (-0.4 * (params["M"][idx] + COSMOLOGY.distmod(z).value[idx] - AB_ZERO_POINT_UJY))
    host = 10 ** (-0.4 * params["host_av"][idx] * extinction_mag(wave_rest, 1.0))
    return amp * host * transient_flux(tau, wave_rest, params, idx)


def damped_random_walk(times_by_object, tau_obs, sigma, rng):
    """A damped random walk (Ornstein-Uhlenbeck process, stationary, rms sigma, timescale tau_obs) sampled
    at each object's sorted times. times_by_object: (n, m) array padded with NaN. Returns the same shape."""
    n, m = times_by_object.shape
    out = np.full((n, m), np.nan)
    if m == 0:
        return out
    noise = rng.standard_normal((n, m))
    tau = np.asarray(tau_obs, dtype=float)[:, None] * np.ones((1, max(m - 1, 0)))
    dt = np.diff(times_by_object, axis=1)  # NaN after an object's last time
    a = np.where(np.isnan(dt), 1.0, np.exp(-np.nan_to_num(dt) / tau))
    b = np.where(np.isnan(dt), 0.0, np.asarray(sigma, dtype=float)[:, None] * np.sqrt(1 - a**2) * noise[:, 1:])
    x = np.asarray(sigma, dtype=float) * noise[:, 0]
    out[:, 0] = x
    for j in range(1, m):
        x = a[:, j - 1] * x + b[:, j - 1]
        out[:, j] = x
    out[np.isnan(times_by_object)] = np.nan
    return out
