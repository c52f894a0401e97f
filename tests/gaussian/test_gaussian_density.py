"""Log-densities (:mod:`pgmpy_mixture.gaussian.density`) against scipy's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal

from pgmpy_mixture.gaussian.density import gaussian_log_density, mixture_log_joint


@settings(max_examples=30, deadline=None)
@given(d=st.integers(1, 5), k=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_log_densities_match_scipy(d, k, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 2, (20, d))
    means = rng.normal(0, 2, (k, d))
    factors = rng.normal(size=(k, d, d))
    covs = factors @ factors.transpose(0, 2, 1) + 0.3 * np.eye(d)
    weights = rng.dirichlet(np.ones(k))
    expected = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(-1)
                                for w, m, c in zip(weights, means, covs, strict=True)])
    np.testing.assert_allclose(mixture_log_joint(X, weights, means, covs), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gaussian_log_density(X, means[0], covs[0]), expected[:, 0] - np.log(weights[0]),
                               rtol=1e-10, atol=1e-10)
