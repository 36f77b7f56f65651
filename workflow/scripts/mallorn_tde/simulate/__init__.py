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

One module per concern, in the order a data set is made:

- :mod:`.tables`: survey, instrument, noise and visit tables, and the invented vocabulary of object ids;
- :mod:`.population`: class mix, labels and splits, redshifts, Milky Way E(B-V), photometric redshifts;
- :mod:`.models`: transient light curves and SEDs, AGN parameters, the damped random walk;
- :mod:`.cadence`: observation windows and visits;
- :mod:`.observe`: fluxes at the visits, dust, noise, the detection requirement, empty fluxes;
- :mod:`.writer`: :func:`simulate_dataset`, the files and their formats;
- :mod:`.realism`: `summary_statistics` and `compare_table` measure how close a data set is to another (used
  against the real data in tests/test_realism.py and in docs/simulator.md; the workflow does not use them).

The public names of these modules are the package's: import them from ``mallorn_tde.simulate``.
"""

from __future__ import annotations

from .cadence import cadence, observation_windows
from .models import (
    DECLINE_EXP,
    DECLINE_PLATEAU,
    DECLINE_POWER,
    HOST_AV_MEAN,
    damped_random_walk,
    transient_band_flux,
    transient_flux,
)
from .observe import simulate_objects
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
from .realism import TOLERANCES, compare_table, read_dataset, summary_statistics, table_markdown
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
    make_object_ids,
)
from .writer import simulate_dataset

__all__ = [
    # tables
    "BAND_WAVE_AA",
    "BOOST_AFTER",
    "COSMOLOGY",
    "DDF_FRACTION",
    "DDF_VISIT_COMBOS",
    "DETECTION_SNR",
    "EXTINCTION_PER_AV",
    "FLUX_ERR_LOG_SIGMA_HIGH",
    "FLUX_ERR_LOG_SIGMA_LOW",
    "FLUX_ERR_OBJECT_SIGMA",
    "GLOSSES",
    "HC_OVER_K_AA_K",
    "MAX_ATTEMPTS",
    "MEDIAN_FLUX_ERR",
    "MIN_DETECTIONS",
    "REF_WAVE_AA",
    "SOURCE_NOISE_UJY",
    "SURVEY_END_MJD",
    "SURVEY_START_MJD",
    "VISIT_COMBOS",
    "VOCABULARY",
    "YEAR_DAYS",
    "make_object_ids",
    # population
    "EBV_LOG_SIGMA",
    "EBV_MEDIAN",
    "GROUP_FRACTIONS",
    "GROUP_LABELS",
    "LABELS",
    "REDSHIFT",
    "SN_LABELS",
    "assign_labels",
    "draw_ebv",
    "draw_redshift",
    "group_counts",
    "photometric_redshift",
    # models
    "DECLINE_EXP",
    "DECLINE_PLATEAU",
    "DECLINE_POWER",
    "HOST_AV_MEAN",
    "damped_random_walk",
    "transient_band_flux",
    "transient_flux",
    # cadence
    "cadence",
    "observation_windows",
    # observe
    "simulate_objects",
    # writer
    "simulate_dataset",
    # realism
    "TOLERANCES",
    "compare_table",
    "read_dataset",
    "summary_statistics",
    "table_markdown",
]
