"""The shared weight EM: mixing weights of fixed component likelihoods (likelihood method, DIMM Appendix D)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from pgmpy_mixture.discrete.mixing_weights import (
    ComponentLikelihoods,
    constrained_covariance,
    em_path,
    em_weights,
    log_likelihood,
    newton_path,
    newton_weights,
    observed_information,
    squarem_weights,
)


def random_problem(seed: int, n_rows: int, q: int) -> tuple[ComponentLikelihoods, np.ndarray, np.ndarray]:
    """A sparse random row-by-component likelihood matrix (every row possible) and row counts."""
    rng = np.random.default_rng(seed)
    dense = rng.random((n_rows, q)) * (rng.random((n_rows, q)) < 0.6)
    dense[np.arange(n_rows), rng.integers(q, size=n_rows)] += rng.random(n_rows) + 0.05
    grp, row = np.nonzero(dense.T)  # sorted by component
    lik = ComponentLikelihoods(grp, row, np.log(dense[row, grp]), q, n_rows)
    return lik, rng.integers(1, 20, size=n_rows).astype(np.float64), dense


def scaled_gradient(dense: np.ndarray, n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``d l / d w_c`` divided by ``sum n``: 1 where ``w_c > 0`` and at most 1 elsewhere at the maximum (KKT)."""
    return dense.T @ (n / (dense @ w)) / n.sum()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(2, 30), q=st.integers(1, 6))
def test_em_then_newton_reaches_the_maximum_likelihood_weights(seed, n_rows, q):
    lik, n, dense = random_problem(seed, n_rows, q)
    w = em_weights(lik, n, np.full(q, 1.0 / q), 500)
    w = newton_weights(lik, n, w, 50)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-12)
    grad = scaled_gradient(dense, n, w)
    # (components whose weight tends to 0 are approached geometrically, not set to 0: a small gap remains)
    assert grad.max() <= 1 + 1e-4
    assert np.all(np.abs(grad[w > 1e-3] - 1) < 1e-4)
    # no direct optimiser does better
    res = minimize(
        lambda x: -float(n @ np.log(np.maximum(dense @ x, 1e-300))),
        np.full(q, 1.0 / q), method="SLSQP", bounds=[(0.0, 1.0)] * q,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1.0}], options={"ftol": 1e-14, "maxiter": 1000},
    )
    ours = log_likelihood(lik, n, w)
    assert ours >= -res.fun - 1e-7 * abs(res.fun)
    assert ours == pytest.approx(float(n @ np.log(dense @ w)), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(2, 30), q=st.integers(2, 6))
def test_squarem_reaches_the_same_likelihood_as_em_and_newton(seed, n_rows, q):
    lik, n, dense = random_problem(seed, n_rows, q)
    best = newton_weights(lik, n, em_weights(lik, n, np.full(q, 1.0 / q), 500), 50)
    w, info = squarem_weights(lik, n, np.ones(q), tol=1e-12)
    assert info["converged"] and w.sum() == pytest.approx(1.0)
    assert info["log_likelihood"] == pytest.approx(log_likelihood(lik, n, w) / n.sum(), rel=1e-12)
    assert log_likelihood(lik, n, w) == pytest.approx(log_likelihood(lik, n, best), rel=1e-6)


def test_em_never_lowers_the_likelihood():
    lik, n, _ = random_problem(3, 25, 5)
    w = np.full(5, 0.2)
    values = [log_likelihood(lik, n, w)]
    for _ in range(30):
        w = em_weights(lik, n, w, 1)
        values.append(log_likelihood(lik, n, w))
    assert np.all(np.diff(values) >= -1e-12)
    assert values[-1] > values[0]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(3, 20), q=st.integers(2, 5))
def test_observed_information_is_minus_the_hessian(seed, n_rows, q):
    lik, n, dense = random_problem(seed, n_rows, q)
    w = np.random.default_rng(seed).dirichlet(np.ones(q))
    mix = dense @ w
    hessian = -(dense / mix[:, None]).T @ ((n / mix)[:, None] * dense)
    np.testing.assert_allclose(observed_information(lik, n, w), -hessian, rtol=1e-10)


def test_constrained_covariance_has_rows_summing_to_zero():
    info = np.array([[50.0, 10.0, 0.0], [10.0, 80.0, 5.0], [0.0, 5.0, 40.0]])
    cov = constrained_covariance(info)
    np.testing.assert_allclose(cov.sum(axis=0), 0.0, atol=1e-12)
    assert np.all(np.diag(cov) > 0)
    np.testing.assert_allclose(cov, cov.T)
    # on the sum-to-one subspace it inverts the information: P I P cov = cov with P the projection
    projection = np.eye(3) - np.ones((3, 3)) / 3
    np.testing.assert_allclose(cov @ projection @ info @ cov, cov, atol=1e-12)


def test_take_selects_components_and_refuses_unsorted_entries():
    lik, n, dense = random_problem(0, 10, 4)
    sub = lik.take(np.array([2, 0]))
    assert sub.q == 2
    np.testing.assert_allclose(sub.mixture(np.array([1.0, 0.0])), dense[:, 2])
    shuffled = ComponentLikelihoods(lik.grp[::-1], lik.row[::-1], lik.lval[::-1], lik.q, lik.n_rows)
    np.testing.assert_allclose(shuffled.mixture(np.full(4, 0.25)), lik.mixture(np.full(4, 0.25)))
    with pytest.raises(ValueError, match="sorted"):
        shuffled.take(np.array([0]))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(2, 30), q=st.integers(2, 6))
def test_every_em_and_newton_iterate_brackets_the_maximum(seed, n_rows, q):
    # l(w) <= max l <= l(w) + max_c g_c(w) - n at every iterate: the bounds the existence test stops on
    lik, n, _ = random_problem(seed, n_rows, q)
    best = log_likelihood(lik, n, newton_weights(lik, n, em_weights(lik, n, np.full(q, 1.0 / q), 500), 50))
    start = np.random.default_rng(seed).random(q) + 0.01
    path = list(em_path(lik, n, start, 20))
    path += list(newton_path(lik, n, path[-1][0], 20))
    for w, value, grad in path:
        assert w.sum() == pytest.approx(1.0)
        assert value == pytest.approx(log_likelihood(lik, n, w), rel=1e-12, abs=1e-9)
        assert value <= best + 1e-7 * abs(best)
        assert value + grad.max() - n.sum() >= best - 1e-7 * abs(best)
    assert path[-1][1] >= path[0][1]  # neither EM nor the Newton line search goes down


def test_sparse_products_match_the_entrywise_sums_in_any_entry_order():
    lik, n, dense = random_problem(3, 40, 5)
    order = np.random.default_rng(3).permutation(lik.grp.size)
    shuffled = ComponentLikelihoods(lik.grp[order], lik.row[order], lik.lval[order], lik.q, lik.n_rows)
    w = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    for candidate in (lik, shuffled):
        np.testing.assert_allclose(candidate.mixture(w), dense @ w, rtol=1e-13)
        np.testing.assert_allclose(candidate.component_sums(n), dense.T @ n, rtol=1e-13)
        np.testing.assert_allclose(candidate.matrix().toarray(), dense.T, rtol=1e-13)
    # the likelihoods computed once are carried along by take()
    part = lik.take(np.array([3, 1]))
    np.testing.assert_allclose(part.mixture(np.array([0.5, 0.5])), dense[:, [3, 1]] @ np.array([0.5, 0.5]),
                               rtol=1e-13)

