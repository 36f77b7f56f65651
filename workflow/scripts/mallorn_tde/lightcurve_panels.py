"""The report's lightcurve figures: which objects they show, and what each object's panel shows.

The objects are the test candidates of highest TDE probability and the cross-validation's most confident
mistakes; a panel is an object's observations in rest-frame days from its peak, with the gp feature set's
Gaussian process over them (:class:`mallorn_tde.features.gp.ObjectGP`, fitted exactly as for the features).
The figures themselves are drawn by :func:`mallorn_tde.plots.lightcurves_figure`.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .constants import FILTERS
from .io import read_rows
from .pages import probability_text

log = logging.getLogger(__name__)


def top_test_objects(probabilities: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` highest-scoring test objects (object_id, probability), highest first."""
    return probabilities.sort_values(["probability", "object_id"], ascending=[False, True], kind="mergesort").head(n)


def worst_errors(oof: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(false positives, false negatives) of the out-of-fold predictions, the most confident mistakes first.

    False positives: non-TDEs predicted TDE at their fold's threshold, highest probability first; false
    negatives: TDEs predicted otherwise, lowest probability first. At most ``n`` of each (fewer when the
    cross-validation made fewer mistakes).
    """
    fp = oof[(oof["target"] == 0) & (oof["prediction"] == 1)]
    fn = oof[(oof["target"] == 1) & (oof["prediction"] == 0)]
    fp = fp.sort_values(["probability", "object_id"], ascending=[False, True], kind="mergesort").head(n)
    fn = fn.sort_values(["probability", "object_id"], ascending=[True, True], kind="mergesort").head(n)
    return fp, fn


def lightcurve_view(lc: pd.DataFrame, z: float, with_model: bool, window=(-150.0, 350.0), n_grid: int = 300) -> dict:
    """What a lightcurve panel shows: the observations in rest-frame days, and the GP's curves if asked for.

    ``lc``: one object's ingested observations (mjd, flux, flux_err, filter). Times are rest-frame days
    (divided by 1+z; z <= 0 or unknown counts as 0, as in the gp features) from the GP's peak when the
    model is fitted (the gp feature set's :class:`~mallorn_tde.features.gp.ObjectGP`, fitted exactly as
    for the features), else from the observation of highest signal-to-noise. The model's curves are given
    on ``n_grid`` points of ``window`` that lie inside the observed span (give or take the gp set's margin).
    """
    band = pd.Index(FILTERS).get_indexer(lc["filter"].astype(str))
    ok = (band >= 0) & np.isfinite(lc["flux"].to_numpy(float)) & (lc["flux_err"].to_numpy(float) > 0)
    t = lc["mjd"].to_numpy(float)[ok]
    f = lc["flux"].to_numpy(float)[ok]
    e = lc["flux_err"].to_numpy(float)[ok]
    band = band[ok]
    zf = 1.0 + z if np.isfinite(z) and z > 0 else 1.0
    view = {"zf": zf, "band": band, "flux": f, "flux_err": e, "model": None, "reference": "highest S/N point"}
    if not len(t):
        view.update(t=t, reference_mjd=np.nan)
        return view
    reference_mjd = float(t[np.argmax(f / e)])
    if with_model:
        from .features.gp import MIN_POINTS, ObjectGP

        if len(t) >= MIN_POINTS and np.any(f > 0):
            with np.errstate(all="ignore"):
                model = ObjectGP(t, f, e, band, z)
                peak = model.peak()
                grid = np.linspace(window[0], window[1], n_grid)
                grid = grid[model.inside(peak + grid)]
                view["model"] = {
                    "t": grid,
                    "mean": model.mean_at(peak + grid),
                    "std": model.std_at(peak + grid),
                }
            reference_mjd = model.to_mjd(peak)
            view["reference"] = "GP peak"
    view.update(t=(t - reference_mjd) / zf, reference_mjd=reference_mjd)
    return view


def read_lightcurves(paths, ids) -> pd.DataFrame:
    """The ingested observations of the objects ``ids`` from the per-split lightcurve tables (object_id a column)."""
    parts = [read_rows(p, ids).reset_index() for p in paths] if len(ids) else []
    columns = ["object_id", "mjd", "flux", "flux_err", "filter"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def object_panels(
    objects: pd.DataFrame, lightcurves: pd.DataFrame, catalog: pd.DataFrame, with_model: bool, window, out_of_fold: bool
) -> list[tuple[dict, str]]:
    """The (view, title) of each object in ``objects`` (object_id, probability; with fold when ``out_of_fold``),
    in its order, for :func:`mallorn_tde.plots.lightcurves_figure`.

    ``lightcurves``: the objects' observations (:func:`read_lightcurves`); ``catalog``: their catalogue rows by
    object_id (Z; SpecType for training objects). Titles name the object, its probability and redshift; an
    out-of-fold panel also names its SpecType and the outer fold that predicted it.
    """
    panels = []
    for row in objects.itertuples(index=False):
        meta = catalog.loc[row.object_id]
        view = lightcurve_view(lightcurves[lightcurves["object_id"] == row.object_id], meta["Z"], with_model, window)
        if out_of_fold:
            title = (
                f"{row.object_id} ({meta['SpecType']})\nout-of-fold P(TDE) {probability_text(row.probability)} "
                f"(fold {row.fold}), z {meta['Z']:.3f}"
            )
        else:
            title = f"{row.object_id}\nP(TDE) {probability_text(row.probability)}, z {meta['Z']:.3f}"
        panels.append((view, title))
        log.info("%s: %d observations, model %s", row.object_id, len(view["t"]), view["model"] is not None)
    return panels
