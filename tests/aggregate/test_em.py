"""DIMM's Appendix D (AAAI 2020): EM for the mixing weights from joint samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from aggregate_cases import random_weights
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.aggregate.disentangle import disentangle_marginals
from pgmpy_mixture.aggregate.em import component_likelihoods, solve_em
from pgmpy_mixture.aggregate.system import all_targets
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_network, sample_mixture


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 4))
def test_component_likelihoods_are_the_truncated_factorisations(seed, n):
    """Definition 1, checked against each component's joint distribution enumerated on its own."""
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 4, size=n)], rng=rng)
    table = mixture_distribution(net, [{}], [1.0])  # every row of the joint space
    lik, log_ref = component_likelihoods(net, table)
    dense = np.zeros((lik.n_rows, lik.q))
    dense[lik.row, lik.grp] = np.exp(lik.lval + log_ref[lik.row])
    for c, target in enumerate(all_targets(net)):
        alone = mixture_distribution(net, target[None, :], [1.0])
        probs = dict(zip(map(tuple, alone.codes.tolist()), alone.weights, strict=True))
        expected = [probs.get(tuple(row), 0.0) for row in table.codes.tolist()]
        np.testing.assert_allclose(dense[:, c], expected, rtol=1e-12, atol=1e-15)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_em_reaches_the_maximum_likelihood_weights(seed):
    """KKT conditions of max sum_r n_r log P_w(r) on the simplex: gradient/N = 1 where w > 0, <= 1 elsewhere."""
    rng = np.random.default_rng(seed)
    net = random_network(3, n_states=2, rng=rng)
    x, phi = random_weights(net, rng, 2, phi=0.4)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 5000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    w, info = solve_em(net, table, canonical=False)  # the default stopping rule
    assert info["converged"] and info["iterations"] < 5000
    lik, log_ref = component_likelihoods(net, table)
    values = lik.values()
    mix = np.bincount(lik.row, weights=w[lik.grp] * values, minlength=lik.n_rows)
    grad = np.bincount(lik.grp, weights=values * (table.weights / mix)[lik.row], minlength=lik.q) / table.total
    assert grad.max() < 1 + 1e-3
    assert np.all(np.abs(grad[w > 1e-2] - 1) < 1e-3)


def test_em_recovers_weights_from_joint_samples():
    net = random_network(3, n_states=2, graph="chain", rng=4)
    rng = np.random.default_rng(4)
    x, phi = random_weights(net, rng, 2, phi=0.4)
    weights = np.concatenate([[phi], x])
    codes, _ = sample_mixture(net, all_targets(net), weights, 50_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    est, info = solve_em(net, table)
    assert info["converged"] and info["impossible_rows"] == 0
    assert np.abs(est - weights).max() < 0.05
    frame = pd.DataFrame({v: np.asarray(net.states[j])[codes[:, j]] for j, v in enumerate(net.variables)})
    result = disentangle_marginals(net, method="em", data=frame)
    assert result.method == "em" and result.sample_size == 50_000
    np.testing.assert_allclose(result.diagnostics["observational_weight"], est[0], atol=1e-6)


def test_canonical_weights_keep_the_likelihood_and_satisfy_assumption_one():
    net = random_network(3, n_states=3, graph="chain", rng=7)
    rng = np.random.default_rng(7)
    x, phi = random_weights(net, rng, 3, phi=0.5)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 20_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    free, free_info = solve_em(net, table, canonical=False)
    canonical, info = solve_em(net, table)
    root = net.parents.index(())
    block = slice(1 + int(net._offsets[root]), 1 + int(net._offsets[root + 1]))
    assert canonical[block].min() == 0.0 < free[block].min()  # mass moved back to pi_phi along p(R, .)
    assert canonical[0] > free[0]
    lik, _ = component_likelihoods(net, table)
    loglik = [table.weights @ np.log(lik.mixture(w)) for w in (free, canonical)]
    assert loglik[0] == pytest.approx(loglik[1], rel=1e-10)
    assert info["log_likelihood"] == pytest.approx(free_info["log_likelihood"], rel=1e-12)


def test_rows_impossible_under_every_component_are_counted_and_left_out():
    from pgmpy_mixture.model.network import CausalNetwork

    net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                                    {"A": np.array([0.5, 0.5]), "B": np.array([[1.0, 0.0], [1.0, 0.0]])})
    # (a0, b1) needs do(B=b1): possible; no row is impossible under every single-node intervention here,
    # so use a zero root probability instead: A=a1 never happens observationally but do(A=a1) makes it
    table = CountTable.from_codes(np.array([[0, 0]] * 6 + [[1, 0]] * 2 + [[0, 1]] * 2), ["A", "B"],
                                  [["a0", "a1"], ["b0", "b1"]])
    w, info = solve_em(net, table, canonical=False)
    assert info["impossible_rows"] == 0
    assert w.sum() == pytest.approx(1.0) and w[4] == pytest.approx(0.2, abs=1e-4)  # do(B=b1)
