"""Regressions implied by Gaussian moments (:mod:`pgmpy_mixture.gaussian.regression`): one regression with one
documented variance floor, its batched residual variances, Wald statistics and pooled moments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.gaussian.regression import (
    VARIANCE_FLOOR,
    pooled_moments,
    regression_from_moments,
    residual_variances,
    shared_mechanism_moments,
    significant_predecessors,
    wald_statistics,
)
from pgmpy_mixture.gaussian.simulate import component_moments, random_linear_sem, simulate_linear_mixture


def _random_covariances(rng, batch, d):
    factors = rng.normal(size=(batch, d, d))
    return factors @ factors.transpose(0, 2, 1) + 0.1 * np.eye(d)


def test_regression_from_moments_recovers_sem_row():
    sem = random_linear_sem(4, edge_probability=1.0, rng=np.random.default_rng(5))
    nu = np.array([0.5, -1.0, 2.0, 3.0])
    mean, cov = component_moments(sem.weights, nu, sem.noise_variance)
    c0, coef, var = regression_from_moments(mean, cov, 3, [0, 1, 2])
    np.testing.assert_allclose(coef, sem.weights[3, :3], atol=1e-12)
    assert var == pytest.approx(1.0, rel=1e-12) and c0 == pytest.approx(3.0, rel=1e-12)  # the noise of X_3


def test_regression_matches_least_squares_on_samples():
    """From the (biased) sample moments, the regression is exactly ordinary least squares with an intercept."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 4)) @ rng.normal(size=(4, 4)) + 10.0
    mean, cov = X.mean(axis=0), np.cov(X.T, bias=True)
    c0, coef, var = regression_from_moments(mean, cov, 2, [3, 0])
    design = np.column_stack([np.ones(500), X[:, [3, 0]]])
    solution, rss, _, _ = np.linalg.lstsq(design, X[:, 2], rcond=None)
    np.testing.assert_allclose([c0, *coef], solution, rtol=1e-9)
    assert var == pytest.approx(rss[0] / 500, rel=1e-9)


def test_the_variance_floor_and_the_ridge():
    """A predictor set that explains ``X_j`` exactly leaves the floor (the default, or the caller's); without
    predictors the variance is ``Sigma_jj``, floored the same way; the ridge shrinks the coefficients."""
    cov = np.array([[1.0, 2.0], [2.0, 4.0]])  # X_1 = 2 X_0
    assert regression_from_moments(np.zeros(2), cov, 1, [0])[2] == VARIANCE_FLOOR == 1e-12
    assert regression_from_moments(np.zeros(2), cov, 1, [0], min_variance=1e-9)[2] == 1e-9
    assert regression_from_moments(np.zeros(2), np.diag([1.0, 0.0]), 1, [])[2] == VARIANCE_FLOOR
    assert regression_from_moments(np.array([0.0, 7.0]), cov, 1, [])[0] == 7.0
    _, coef, var = regression_from_moments(np.zeros(2), np.array([[1.0, 2.0], [2.0, 5.0]]), 1, [0], ridge=1.0)
    assert coef.tolist() == [1.0] and var == 3.0  # (1 + 1)^-1 * 2, and 5 - 2 * 1


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 6), batch=st.integers(1, 5), seed=st.integers(0, 10_000), data=st.data())
def test_batched_residual_variances_are_the_regressions_variances(d, batch, seed, data):
    rng = np.random.default_rng(seed)
    covs = _random_covariances(rng, batch, d)
    j = data.draw(st.integers(0, d - 1))
    preds = data.draw(st.lists(st.sampled_from([i for i in range(d) if i != j] or [0]), unique=True)
                      if d > 1 else st.just([]))
    expected = [regression_from_moments(np.zeros(d), c, j, preds)[2] for c in covs]
    np.testing.assert_allclose(residual_variances(covs, j, preds), expected, rtol=1e-9)
    singular = np.zeros((1, d, d))
    assert residual_variances(singular, j, [])[0] == VARIANCE_FLOOR


def test_wald_statistics_are_the_least_squares_z_values():
    """``|coef| / se`` with the textbook least-squares standard errors (residual variance over n, the MLE)."""
    rng = np.random.default_rng(4)
    n = 400
    X = rng.normal(size=(n, 3))
    X[:, 2] = 0.3 * X[:, 0] + 0.0 * X[:, 1] + rng.normal(size=n)
    cov = np.cov(X.T, bias=True)
    coef, z = wald_statistics(cov, 2, [0, 1], n)
    centred = X - X.mean(axis=0)
    design = centred[:, :2]
    beta = np.linalg.solve(design.T @ design, design.T @ centred[:, 2])
    sigma2 = np.sum((centred[:, 2] - design @ beta) ** 2) / n
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(design.T @ design)))
    np.testing.assert_allclose(coef, beta, rtol=1e-9)
    np.testing.assert_allclose(z, np.abs(beta) / se, rtol=1e-9)
    assert significant_predecessors(cov, 2, [0, 1], n, 1e-3).tolist() == (np.abs(beta) / se > 3.2905).tolist()
    assert wald_statistics(cov, 2, [], n)[1].size == 0


def test_pooled_moments_are_the_moments_of_the_pooled_rows():
    """Law of total covariance: pooling groups' (biased) moments with their sizes gives the concatenation's."""
    rng = np.random.default_rng(5)
    groups = [rng.normal(loc, scale, size=(size, 3)) for loc, scale, size in [(0, 1, 50), (4, 2, 30), (-3, 0.5, 20)]]
    sizes = np.array([len(g) for g in groups], float)
    means = np.array([g.mean(axis=0) for g in groups])
    covs = np.array([np.cov(g.T, bias=True) for g in groups])
    mean, cov = pooled_moments(sizes, means, covs)
    rows = np.concatenate(groups)
    np.testing.assert_allclose(mean, rows.mean(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cov, np.cov(rows.T, bias=True), rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 6), seed=st.integers(0, 10_000), targets=st.sampled_from(["all", "half"]),
       kind=st.sampled_from(["do", "soft"]))
def test_shared_mechanism_moments_give_exact_sem_rows(d, seed, targets, kind):
    """Pooling the true components in which ``j`` is not a target (their means differ) and regressing ``X_j`` on
    all its predecessors returns exactly the SEM's row: its parents' weights, zeros elsewhere, whose Wald
    statistics are then 0; the pooled weight is the share of those components."""
    sim = simulate_linear_mixture(n_nodes=d, n_samples=10, targets=targets, kind=kind, random_state=seed)
    for j in range(1, d):
        cov, share = shared_mechanism_moments(sim.weights, sim.means, sim.covariances, sim.targets, j)
        coef, z = wald_statistics(cov, j, list(range(j)), 10**4)
        assert np.allclose(coef, sim.sem.weights[j, :j], atol=1e-9)
        assert np.all(z[sim.sem.weights[j, :j] == 0] < 1e-6) and np.all(z[sim.sem.weights[j, :j] != 0] > 5)
        assert np.isclose(share, sum(w for w, t in zip(sim.weights, sim.targets, strict=True) if j not in t))


