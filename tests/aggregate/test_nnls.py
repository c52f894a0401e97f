"""Non-negative least squares with support selection on DIMM's marginal system (our first design)."""

from __future__ import annotations

import numpy as np
import pytest
from aggregate_cases import alarm, exact_mixture_marginals, random_weights
from hypothesis import given, settings
from hypothesis import strategies as st

import pgmpy_mixture.aggregate.nnls as nnls_module
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.nnls import fit_support, solve_nnls
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import random_network, sample_mixture
from pgmpy_mixture.model.marginals import interventional_marginals


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 6), graph=st.sampled_from(["er", "sf"]))
def test_exact_marginals_give_theorem_one_weights(seed, n, graph):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 5, size=n)], graph=graph, rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(0, int(np.sum(net.cardinalities - 1)) + 1)))
    system = MarginalSystem(interventional_marginals(net), exact_mixture_marginals(net, x, phi))
    np.testing.assert_allclose(solve_nnls(system)[0], x, atol=1e-7)


def test_exact_recovery_on_alarm():
    net, oracle = alarm()
    for seed, n_ivn in enumerate([0, 9, 34]):
        x, _ = random_weights(net, np.random.default_rng(seed), n_ivn, phi=0.2)
        system = MarginalSystem(oracle, (1 - x.sum()) * oracle.observational + x @ oracle.interventional)
        np.testing.assert_allclose(solve_nnls(system)[0], x, atol=1e-7)


def test_noisy_marginals_nnls_beats_theorem_one():
    net, oracle = alarm()
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in net.variables]))
    mse_exact = np.mean((solve_exact(system)[0] - x) ** 2)
    x_nnls, info = solve_nnls(system, sample_size=100_000)
    assert np.mean((x_nnls - x) ** 2) < mse_exact
    assert 5 <= info["support_size"] <= 20
    assert info["penalty"] == pytest.approx(np.log(100_000))


def test_fit_support_keeps_the_weights_on_the_simplex():
    net = random_network(2, n_states=2, rng=0)
    oracle = interventional_marginals(net)
    # marginals that need weights summing to more than 1: the polish must stop at sum x = 1
    system = MarginalSystem(oracle, np.array([1.0, 0.0, 0.0, 1.0]))
    x = fit_support(system, np.ones(4), np.array([0, 3]))
    assert x[[1, 2]].tolist() == [0.0, 0.0]
    assert x.min() >= 0 and x.sum() == pytest.approx(1.0, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(2, 12), cols=st.integers(1, 6),
       ridge=st.sampled_from([0.0, 1e-6, 0.1]))
def test_nonnegative_least_squares_is_the_same_when_scipy_nnls_gives_up(seed, rows, cols, ridge):
    # SciPy 1.12-1.14's nnls raises "Maximum number of iterations reached" on some problems; _rnnls then solves
    # the same problem by bounded-variable least squares. Force that path and compare with nnls's own answer.
    rng = np.random.default_rng(seed)
    a, b = rng.random((rows, cols)), rng.standard_normal(rows)
    expected, expected_value = nnls_module._rnnls(a, b, ridge)

    def give_up(*args, **kwargs):
        raise RuntimeError("Maximum number of iterations reached.")

    original = nnls_module.nnls
    nnls_module.nnls = give_up
    try:
        sol, value = nnls_module._rnnls(a, b, ridge)
    finally:
        nnls_module.nnls = original
    assert (sol >= 0).all()
    assert np.isclose(value, expected_value, rtol=1e-9, atol=1e-12)
    if ridge > 0:  # strictly convex: the minimiser is unique
        assert np.allclose(sol, expected, atol=1e-7)


def test_fit_support_with_the_sum_constraint_active_is_optimal():
    """KKT conditions of min ||W(A x - b)||^2, x >= 0, sum x <= 1 when the constraint is active: the gradient is
    -lambda on the support and >= -lambda off it. SLSQP stopped "successfully" far from the optimum here (ALARM,
    10^5 samples: chi-square 2207 instead of 3.03), which raised false ExclusionWarnings."""
    from pgmpy_mixture.aggregate.system import chi_square_weights

    net, oracle = alarm()
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in net.variables]))
    x_exact, _ = solve_exact(system)
    assert x_exact.sum() > 1.1
    columns = np.flatnonzero(x_exact > 0)
    for n in (1e4, 1e5, 1.778e5, 1e6):
        w = chi_square_weights(system.mixture, n)
        fit = fit_support(system, w, columns)[columns]
        assert fit.min() >= 0 and fit.sum() == pytest.approx(1.0, abs=1e-9)
        aw = system.A[:, columns] * w[:, None]
        gradient = aw.T @ (aw @ fit - system.b * w)
        scale = np.abs(gradient).max()
        lam = -np.median(gradient[fit > 1e-9])
        assert lam >= 0 and np.abs(gradient[fit > 1e-9] + lam).max() < 1e-6 * scale
        assert np.all(gradient[fit <= 1e-9] + lam > -1e-6 * scale)
