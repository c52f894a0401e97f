"""Unit invariance of the Gaussian mixture fit (pgmpy_mixture.gaussian.scaling and its use in fit_mixture_utigsp).

Before the fit was standardised, the default count was 4 on a 3-node simulation and 1 on the same data x 1e6 or
x 1e-3, and data x 1e30 reached scikit-learn's raw 'ill-defined empirical covariance' ValueError.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
from pgmpy_mixture.gaussian.scaling import log_jacobian, standardise, unstandardise_moments
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture


def _data(seed: int = 0, n: int = 2000) -> np.ndarray:
    return simulate_linear_mixture(n_nodes=3, n_samples=n, random_state=seed).data


def _fit(X, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_mixture_utigsp(X, **settings)


def test_standardise_round_trip_and_overflow():
    X = np.random.default_rng(0).normal(size=(100, 3)) * [1e-3, 1.0, 1e300]
    Z, center, scale = standardise(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    assert np.all(np.abs(Z * scale + center - X) <= 1e-12 * np.abs(X).max(axis=0))
    means, covs = unstandardise_moments(np.zeros((1, 3)), np.eye(3)[None], center, scale)
    np.testing.assert_allclose(means[0], center)
    np.testing.assert_allclose(np.diag(covs[0])[:2] / scale[:2] ** 2, 1.0)
    assert np.isinf(covs[0, 2, 2])  # a variance of (1e300)^2: fit_mixture_utigsp names the column instead
    assert log_jacobian(np.ones(3)) == 0.0


@settings(max_examples=6, deadline=None)
@given(exponent=st.integers(-3, 6), seed=st.integers(0, 2))
def test_the_default_count_does_not_depend_on_the_unit(exponent, seed):
    X = _data(seed)
    assert _fit(X * 10.0**exponent).n_components == _fit(X).n_components == 4  # the truth: observational + 3


@pytest.mark.parametrize("scale", [1e-3, 1e6, 1e30])
def test_the_fit_is_equivariant(scale):
    X = _data(1)
    base, scaled = _fit(X), _fit(X * scale)
    assert scaled.n_components == base.n_components
    np.testing.assert_allclose(scaled.weights, base.weights, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(scaled.means, base.means * scale, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(scaled.covariances, base.covariances * scale**2, rtol=1e-4, atol=1e-6 * scale**2)
    assert scaled.targets == base.targets and scaled.order == base.order
    # the curves are in the data's units: the log-likelihood shifts by -d log(scale) per row
    np.testing.assert_allclose(scaled.loglik_curve, base.loglik_curve - 3 * np.log(scale), rtol=1e-6)


def test_a_variance_beyond_the_float_range_is_named():
    X = _data(0, 400)
    X[:, 2] *= 1e200
    with pytest.raises(DataValueError, match="'X2'"):
        _fit(X, n_components=2, n_init=1)
