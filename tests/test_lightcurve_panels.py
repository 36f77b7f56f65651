"""mallorn_tde.lightcurve_panels: which objects the report's lightcurve figures show, and what their panels show."""

import numpy as np
import pandas as pd

from mallorn_tde import lightcurve_panels as P


def test_worst_errors_are_the_most_confident_mistakes(oof):
    fp, fn = P.worst_errors(oof, 3)
    mistakes_fp = oof[(oof["target"] == 0) & (oof["prediction"] == 1)]
    assert len(fp) == min(3, len(mistakes_fp))
    assert fp["probability"].tolist() == sorted(mistakes_fp["probability"], reverse=True)[: len(fp)]
    assert ((fn["target"] == 1) & (fn["prediction"] == 0)).all()
    assert fn["probability"].is_monotonic_increasing
    none_fp, _ = P.worst_errors(oof.assign(prediction=oof["target"]), 3)  # a perfect cross-validation
    assert none_fp.empty


def test_top_test_objects():
    probabilities = pd.DataFrame({"object_id": ["a", "b", "c", "d"], "probability": [0.2, 0.9, 0.9, 0.1]})
    assert P.top_test_objects(probabilities, 3)["object_id"].tolist() == ["b", "c", "a"]


def _bump(t, peak, width=20.0):
    return 50.0 * np.exp(-0.5 * ((t - peak) / width) ** 2)


def test_lightcurve_view_in_rest_frame_days_from_the_gp_peak():
    rng = np.random.default_rng(3)
    z, peak_mjd = 0.5, 60300.0
    t = np.sort(rng.uniform(60000, 60700, 150))
    bands = np.array(list("ugrizy"))[rng.integers(0, 6, 150)]
    flux = _bump(t, peak_mjd, 20.0 * (1 + z)) + rng.normal(0, 1, 150)
    lc = pd.DataFrame({"mjd": t, "flux": flux, "flux_err": 1.0, "filter": bands})
    view = P.lightcurve_view(lc, z, with_model=True, window=(-100, 200))
    assert view["reference"] == "GP peak"
    assert abs(view["reference_mjd"] - peak_mjd) < 5 * (1 + z)
    np.testing.assert_allclose(view["t"], (t - view["reference_mjd"]) / (1 + z))
    model = view["model"]
    assert model["mean"].shape == (len(model["t"]), 6) and model["std"].shape == model["mean"].shape
    assert model["t"].min() >= -100 and model["t"].max() <= 200
    assert abs(model["t"][np.argmax(model["mean"][:, 2])]) < 5  # the r-band mean peaks at time zero
    plain = P.lightcurve_view(lc, z, with_model=False)
    assert plain["model"] is None and plain["reference"] == "highest S/N point"
    assert plain["t"][np.argmax(flux)] == 0.0
    too_few = P.lightcurve_view(lc.head(3), z, with_model=True)  # fewer points than the GP needs
    assert too_few["model"] is None


def test_object_panels_follow_the_objects_and_name_them():
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(60000, 60300, 40))
    lightcurves = pd.DataFrame(
        {
            "object_id": np.repeat(["a", "b"], 20),
            "mjd": t,
            "flux": _bump(t, 60150.0),
            "flux_err": 1.0,
            "filter": np.tile(list("grizuy"), 7)[:40],
        }
    )
    catalog = pd.DataFrame({"Z": [0.2, 0.0], "SpecType": ["AGN", "TDE"]}, index=pd.Index(["a", "b"], name="object_id"))
    objects = pd.DataFrame({"object_id": ["b", "a"], "probability": [0.1, 0.95], "fold": [2, 4]})
    panels = P.object_panels(objects, lightcurves, catalog, with_model=False, window=(-100, 200), out_of_fold=True)
    assert [title.split(" ")[0] for _, title in panels] == ["b", "a"]
    assert panels[0][1].startswith("b (TDE)\nout-of-fold") and "(fold 2), z 0.000" in panels[0][1]
    assert len(panels[1][0]["t"]) == 20 and panels[1][0]["zf"] == 1.2  # a's own 20 observations, its redshift
    test_side = P.object_panels(objects, lightcurves, catalog, with_model=False, window=(-100, 200), out_of_fold=False)
    assert test_side[0][1].startswith("b\nP(TDE)") and "fold" not in test_side[0][1]
