"""benchmarks/quick_levers.py: a training object moved to another redshift with its own visits."""

import importlib
import sys

import numpy as np
import pytest
from conftest import REPO
from test_gp import bazin, observe

from mallorn_tde.catalog import luminosity_distances

sys.path.insert(0, str(REPO / "benchmarks"))
quick_levers = importlib.import_module("quick_levers")


class NoNoise:
    """A generator whose Gaussian draws are all zero, so the moved lightcurve is the GP's mean alone."""

    def normal(self, loc, scale, size):
        return np.zeros(size)


def test_redshifted_lightcurve_keeps_the_visits_and_dims_with_distance():
    sed = np.full(6, 50.0)  # flat: moving the bands in wavelength changes nothing, only time and distance do
    rest = np.linspace(-40.0, 160.0, 100)
    z = 0.3
    t, f, e, band = observe(rest, sed, z, lambda x: bazin(x, rise=5.0, fall=40.0), 0.5, np.random.default_rng(3))
    same = quick_levers.redshifted_lightcurve(t, f, e, band, z, z, NoNoise())
    truth = sed[band] * bazin((t - t[0]) / (1 + z) + rest[0], rise=5.0, fall=40.0)
    assert np.abs(same - truth).max() < 2.0  # the GP's mean at its own visits: the noise-free curve
    far = quick_levers.redshifted_lightcurve(t, f, e, band, z, 0.6, NoNoise())
    (d_near, d_far), _ = luminosity_distances([z, 0.6])
    assert far.max() / same.max() == pytest.approx(1.6 / 1.3 * (d_near / d_far) ** 2, rel=0.05)
    # time dilation: at the higher redshift the event lasts longer in observed days, over more of the same visits
    assert (far > far.max() / 2).sum() > (same > same.max() / 2).sum()
