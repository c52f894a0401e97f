"""Theorem 1 of DIMM (AAAI 2020): exact marginals give back the exact weights."""

from __future__ import annotations

import numpy as np
from aggregate_cases import alarm, exact_mixture_marginals, random_weights
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.system import MarginalSystem
from pgmpy_mixture.discrete.simulate import random_network
from pgmpy_mixture.model.marginals import interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 6), graph=st.sampled_from(["er", "sf", "chain", "dense"]))
def test_exact_recovery_on_random_networks(seed, n, graph):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 5, size=n)], graph=graph, rng=rng)
    total_free = int(np.sum(net.cardinalities - 1))
    x, phi = random_weights(net, rng, int(rng.integers(0, total_free + 1)))
    oracle = interventional_marginals(net)
    # Theorem 1 needs p(j, beta) > 0 (footnote 6): Dirichlet(2) CPDs give it; check rather than assume.
    assert oracle.observational.min() > 0
    x_exact, info = solve_exact(MarginalSystem(oracle, exact_mixture_marginals(net, x, phi)))
    np.testing.assert_allclose(x_exact, x, atol=1e-9)
    assert info["zero_probability_states"] == []


def test_exact_recovery_on_alarm():
    net, oracle = alarm()
    for seed, n_ivn in enumerate([0, 5, 9, 17, 34, 68]):
        rng = np.random.default_rng(seed)
        x, _ = random_weights(net, rng, n_ivn, phi=0.2)
        p_mix = (1 - x.sum()) * oracle.observational + x @ oracle.interventional
        np.testing.assert_allclose(solve_exact(MarginalSystem(oracle, p_mix))[0], x, atol=1e-9)


def test_zero_probability_states_are_reported():
    net = CausalNetwork.from_tables(["A"], {"A": ["a0", "a1", "a2"]}, {}, {"A": np.array([0.5, 0.5, 0.0])})
    x, info = solve_exact(MarginalSystem(interventional_marginals(net), np.array([0.7, 0.3, 0.0])))
    assert info["zero_probability_states"] == [("A", "a2")]
    np.testing.assert_allclose(x, [0.4, 0.0, 0.0], atol=1e-12)  # 0.6 observational + 0.4 do(A=a0)


def test_marginals_no_valid_mixture_explains_give_weights_summing_over_one():
    net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                                    {"A": np.array([0.5, 0.5]), "B": np.array([[0.9, 0.1], [0.1, 0.9]])})
    # P_mix(A) = (1, 0) needs do(A=a0) with weight >= 1/2, which pushes P_mix(B) towards b0; (0.1, 0.9) needs more
    x, _ = solve_exact(MarginalSystem(interventional_marginals(net), np.array([1.0, 0.0, 0.1, 0.9])))
    assert x.min() >= 0 and x.sum() > 1.0  # needs more than all of the mass on interventions: the entry point warns
