"""The gp feature set's GP against scikit-learn's: CPU per object and the largest difference in any feature.

    python benchmarks/gp_fit.py --data ../shared/mallorn [--split split_01] [--objects 150]

The gp set fits its GPs with ``Matern32GP`` (``mallorn_tde.features.gp``), scikit-learn's
``GaussianProcessRegressor(ConstantKernel() * Matern(nu=1.5))`` specialised to that one kernel. This script
computes the whole gp set for the first ``--objects`` training objects of one split twice, once as the
workflow does and once with every fit made by scikit-learn (:func:`sklearn_fit_gp`, the code the set used
before), in one process (one thread, imports warmed up), and prints the CPU seconds per object of each and
the largest relative difference of any feature between them. The input is the split's raw lightcurves (NaN
fluxes dropped, no dust correction): the comparison is of the two implementations, on real cadences and noise.

:func:`sklearn_gp` is also the reference that ``tests/test_gp.py`` holds ``Matern32GP`` to.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from mallorn_tde.catalog import with_distances  # noqa: E402
from mallorn_tde.features import gp  # noqa: E402
from mallorn_tde.features.prepare import Prepared  # noqa: E402


def sklearn_gp(X: np.ndarray, y: np.ndarray, y_err: np.ndarray, optimize: bool = True, kernel=None):
    """scikit-learn's ``GaussianProcessRegressor`` with the gp set's kernel, start and bounds, fitted to ``y``.

    ``optimize=False`` conditions on the data with ``kernel`` (a fitted kernel) as it is.
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern

    if kernel is None:
        kernel = ConstantKernel(1.0, gp.VARIANCE_BOUNDS) * Matern(
            length_scale=[gp.TIME_SCALE_START, gp.WAVE_SCALE_START],
            length_scale_bounds=[gp.TIME_SCALE_BOUNDS, gp.WAVE_SCALE_BOUNDS],
            nu=1.5,
        )
    optimizer = "fmin_l_bfgs_b" if optimize else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings: the fit is used as it ends
        return GaussianProcessRegressor(kernel, alpha=y_err**2, optimizer=optimizer, n_restarts_optimizer=0).fit(X, y)


class SklearnGP:
    """A fitted ``GaussianProcessRegressor`` behind the interface of ``Matern32GP`` that the gp set uses."""

    def __init__(self, regressor):
        self.regressor = regressor
        kernel = regressor.kernel_
        self.length_scales = tuple(float(v) for v in kernel.k2.length_scale)
        self.amplitude = float(np.sqrt(kernel.k1.constant_value))
        self.log_marginal_likelihood_value = float(regressor.log_marginal_likelihood_value_)

    def predict(self, X: np.ndarray, return_std: bool = False):
        return self.regressor.predict(X, return_std=return_std)

    def fitted_mean(self) -> np.ndarray:
        return self.regressor.predict(self.regressor.X_train_)

    def predict_grid(self, times: np.ndarray, ln_waves: np.ndarray) -> np.ndarray:
        return self.regressor.predict(gp.grid_inputs(times, ln_waves)).reshape(len(times), len(ln_waves))


def sklearn_fit_gp(t_rest, ln_wave, y, y_err) -> SklearnGP:
    """``gp.fit_gp`` as scikit-learn did it: the same thinning of long series, then conditioning on all points."""
    X = np.column_stack([t_rest, ln_wave])
    if len(y) <= gp.MAX_FIT_POINTS:
        return SklearnGP(sklearn_gp(X, y, y_err))
    keep = gp.search_points(len(y))
    kernel = sklearn_gp(X[keep], y[keep], y_err[keep]).kernel_
    return SklearnGP(sklearn_gp(X, y, y_err, optimize=False, kernel=kernel))


def read_split(data: Path, split: str, n_objects: int) -> Prepared:
    """The first ``n_objects`` training objects of ``split`` (log order) with their raw observations."""
    log = pd.read_csv(data / "train_log.csv").set_index("object_id")
    meta = with_distances(log.loc[log["split"] == split, ["Z"]].iloc[:n_objects])
    raw = pd.read_csv(data / split / "train_full_lightcurves.csv")
    lc = raw.rename(columns={"Time (MJD)": "mjd", "Flux": "flux", "Flux_err": "flux_err", "Filter": "filter"})
    return Prepared(lc[lc["object_id"].isin(meta.index)], meta)


def timed_block(p: Prepared) -> tuple[pd.DataFrame, float]:
    start = time.process_time()
    block = gp.gp_block(p)
    return block, time.process_time() - start


def compare(p: Prepared) -> dict:
    """CPU seconds of the gp set on ``p`` with each implementation, and the largest relative feature difference."""
    fit_gp = gp.fit_gp
    sklearn_gp(np.zeros((5, 2)) + np.arange(5)[:, None], np.ones(5), np.ones(5))  # imports, outside the timing
    ours, ours_cpu = timed_block(p)
    gp.fit_gp = sklearn_fit_gp
    try:
        reference, reference_cpu = timed_block(p)
    finally:
        gp.fit_gp = fit_gp
    both = ours.notna() & reference.notna()
    rel = ((ours - reference).abs() / reference.abs().clip(lower=1e-12))[both]
    return {
        "objects": p.n_obj,
        "cpu_matern32gp": ours_cpu,
        "cpu_sklearn": reference_cpu,
        "max_rel_diff": float(np.nanmax(rel.to_numpy())),
        "nan_mismatches": int((ours.isna() != reference.isna()).sum().sum()),
        "values_compared": int(both.sum().sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder in the MALLORN layout")
    parser.add_argument("--split", default="split_01")
    parser.add_argument("--objects", type=int, default=150, help="training objects of the split (log order)")
    args = parser.parse_args()
    with threadpool_limits(1):  # one BLAS thread, as in a workflow job of one thread
        r = compare(read_split(args.data, args.split, args.objects))
    n = r["objects"]
    print(
        f"gp set on {n} training objects of {args.split}: Matern32GP {r['cpu_matern32gp']:.2f} CPU s "
        f"({r['cpu_matern32gp'] / n:.4f} per object), scikit-learn {r['cpu_sklearn']:.2f} CPU s "
        f"({r['cpu_sklearn'] / n:.4f} per object), ratio {r['cpu_sklearn'] / r['cpu_matern32gp']:.2f}; "
        f"largest relative difference of {r['values_compared']:,} feature values {r['max_rel_diff']:.1e}, "
        f"{r['nan_mismatches']} NaN in one and not the other"
    )


if __name__ == "__main__":
    main()
