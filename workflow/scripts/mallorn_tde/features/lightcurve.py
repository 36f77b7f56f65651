"""The lightcurve feature set: the light-curve package's extractors per filter, Bazin and Villar fits included.

Columns ``lightcurve__{filter}__{feature}``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import FILTERS
from .prepare import NB, Prepared


def _lightcurve_extractor():
    import light_curve as lc

    return lc.Extractor(
        lc.Amplitude(),
        lc.BeyondNStd(nstd=1.0),
        lc.Cusum(),
        lc.Eta(),
        lc.InterPercentileRange(quantile=0.1),
        lc.Kurtosis(),
        lc.LinearTrend(),
        lc.MaximumSlope(),
        lc.Mean(),
        lc.Median(),
        lc.MedianAbsoluteDeviation(),
        lc.PercentAmplitude(),
        lc.ReducedChi2(),
        lc.Skew(),
        lc.StandardDeviation(),
        lc.StetsonK(),
        lc.WeightedMean(),
        lc.ExcessVariance(),
        lc.Duration(),
        lc.ObservationCount(),
        # Parametric fits; 'lmsder' costs ~0.2 ms per series (ceres ~0.5 ms, and floods stderr with
        # glog messages on failed evaluations). transform=True drops the absolute reference time.
        lc.BazinFit("lmsder", transform=True),
        lc.VillarFit("lmsder", transform=True),
    )


def lightcurve_block(p: Prepared, n_jobs: int) -> pd.DataFrame:
    ext = _lightcurve_extractor()
    feat_names = list(ext.names)
    out = np.full((p.n_obj, NB, len(feat_names)), np.nan)
    if len(p.series_start):
        lcs = [(p.t[s:e], p.f[s:e], p.e[s:e]) for s, e in zip(p.series_start, p.series_end)]
        with np.errstate(all="ignore"):
            vals = np.asarray(
                ext.many(lcs, fill_value=np.nan, sorted=True, check=True, n_jobs=n_jobs), dtype=np.float64
            )
        out[p.series_obj, p.series_band] = vals
    names = [f"lightcurve__{f}__{n}" for f in FILTERS for n in feat_names]
    return pd.DataFrame(out.reshape(p.n_obj, -1), columns=names)
