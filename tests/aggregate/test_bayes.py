"""Empirical-Bayes model averaging on DIMM's marginal system (the default for estimated marginals)."""

from __future__ import annotations

import numpy as np
from aggregate_cases import alarm, exact_mixture_marginals, random_weights
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import random_network, sample_mixture
from pgmpy_mixture.model.marginals import interventional_marginals


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(2, 6))
def test_bayes_on_huge_samples_approaches_the_truth(seed, n):
    """With (nearly) exact marginals the model average concentrates on Theorem 1's solution."""
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=3, rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(0, 2 * n + 1)))
    system = MarginalSystem(interventional_marginals(net), exact_mixture_marginals(net, x, phi))
    est, _ = solve_bayes(system, sample_size=1e10)
    assert np.abs(est - x).max() < 1e-3


def test_noisy_marginals_bayes_beats_theorem_one_and_keeps_the_exclusion():
    net, oracle = alarm()
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in net.variables]))
    mse_exact = np.mean((solve_exact(system)[0] - x) ** 2)
    x_bayes, info = solve_bayes(system, sample_size=100_000)
    assert np.mean((x_bayes - x) ** 2) < mse_exact / 5
    assert 0 < info["rho"] < 0.5 and x_bayes.min() >= 0 and x_bayes.sum() <= 1
    assert np.all(np.minimum.reduceat(x_bayes, net._offsets[:-1]) == 0)  # Assumption 1 holds in the estimate
    # the posterior inclusion of the true weights is higher than of the absent ones
    assert info["inclusion"][x > 0].mean() > info["inclusion"][x == 0].mean() + 0.3


def test_a_zero_count_far_from_the_model_gives_finite_weights():
    """A state observed 0 times although every component gives it probability: at a large N its weights' posterior
    sits far below 0, where exp(-z^2/2) / Phi(z) overflowed and turned the estimate into NaN (fixed with erfcx)."""
    import warnings

    net = random_network(2, n_states=[2, 4], graph="chain", rng=36)
    oracle = interventional_marginals(net)
    flat = np.array([0.57, 0.43, 0.01, 0.99, 0.0, 0.0])  # B=s2 and B=s3 never observed
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for n in (1e3, 1e6, 1e12):
            est, info = solve_bayes(MarginalSystem(oracle, flat), sample_size=n)
            assert np.all(np.isfinite(est)) and est.min() >= 0 and est.sum() <= 1
            assert np.isfinite(info["log_evidence"])


def test_the_log_evidence_peaks_near_the_sample_size_behind_the_marginals():
    net, oracle = alarm()
    rng = np.random.default_rng(3)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 10_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in net.variables]))
    evidence = {n: solve_bayes(system, sample_size=n)[1]["log_evidence"] for n in (1e2, 1e3, 1e4, 1e5, 1e6, 1e8)}
    assert max(evidence, key=evidence.get) == 1e4
