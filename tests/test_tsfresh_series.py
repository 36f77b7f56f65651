"""mallorn_tde.features.tsfresh: the series tsfresh sees (``features.tsfresh_series``)."""

import numpy as np
import pandas as pd
import pytest

from mallorn_tde.features import extract_features
from mallorn_tde.features.prepare import Prepared
from mallorn_tde.features.tsfresh import peak_series


def table(rows):
    return pd.DataFrame(rows, columns=["object_id", "mjd", "flux", "flux_err", "filter"])


LC = table(
    [
        # a: g peaks at 110 (50 uJy); the brighter u point is not in a peak band and lies before the window
        ("a", 100.0, 10.0, 1.0, "g"),
        ("a", 110.0, 50.0, 1.0, "g"),
        ("a", 400.0, 5.0, 1.0, "g"),  # (400 - 110) / 2 = 145 rest-frame days: kept
        ("a", 600.0, 4.0, 1.0, "g"),  # 245 days: after the window
        ("a", 0.0, 60.0, 1.0, "u"),  # -55 days: before the window
        ("a", 120.0, 20.0, 1.0, "r"),
        ("b", 50.0, 30.0, 1.0, "g"),  # no redshift: no series
        ("c", 50.0, -3.0, 1.0, "r"),  # no positive peak: no series
        ("d", 10.0, 8.0, 1.0, "u"),  # no g, r or i: the brightest point of any band is the peak
        ("d", 30.0, 2.0, 1.0, "u"),
    ]
)
META = pd.DataFrame({"Z": [1.0, np.nan, 0.5, 0.0]}, index=pd.Index(["a", "b", "c", "d"], name="object_id"))


def test_peak_series_is_flux_over_peak_in_rest_frame_days_around_the_peak():
    p = Prepared(LC, META)
    obj, band, days, value = peak_series(p)
    got = pd.DataFrame({"obj": np.asarray(p.ids)[obj], "band": band, "days": days, "value": value})
    expected = pd.DataFrame(
        {
            "obj": ["a", "a", "a", "a", "d", "d"],
            "band": [1, 1, 1, 2, 0, 0],
            "days": [-5.0, 0.0, 145.0, 5.0, 0.0, 20.0],
            "value": [0.2, 1.0, 0.1, 0.4, 1.0, 0.25],
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_peak_series_features_are_free_of_distance():
    """Scaling every flux of an object (another distance) leaves its peak-series features unchanged."""
    far = LC.assign(flux=LC["flux"] / 7.0, flux_err=LC["flux_err"] / 7.0)
    near_features = extract_features(LC, META, ["tsfresh"], "minimal", 1, tsfresh_series="peak")
    far_features = extract_features(far, META, ["tsfresh"], "minimal", 1, tsfresh_series="peak")
    pd.testing.assert_frame_equal(near_features, far_features, rtol=1e-9)
    assert near_features.loc["a", "tsfresh__g__maximum"] == pytest.approx(1.0)
    assert near_features.loc["a", "tsfresh__g__length"] == 3
    assert near_features.loc[["b", "c"]].isna().all(axis=None)
    raw = extract_features(LC, META, ["tsfresh"], "minimal", 1, tsfresh_series="raw")
    assert raw.loc["a", "tsfresh__g__maximum"] == 50.0
