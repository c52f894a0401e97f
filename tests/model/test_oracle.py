"""Distribution oracles: the exact and the empirical one must agree on exact input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import EmpiricalOracle, ExactOracle


def _instance(seed: int, n: int):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], rng=rng)
    spec = sim.random_mixture(network, n_targets=min(4, 2**n), rng=rng)
    return network, spec, rng


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5))
def test_exact_and_empirical_oracles_agree_on_every_prefix(seed, n):
    network, spec, rng = _instance(seed, n)
    exact = ExactOracle(network, spec.targets, spec.weights)
    table = sim.mixture_distribution(network, spec.targets, spec.weights)
    empirical = EmpiricalOracle(network, table)
    assert exact.network is network and empirical.network is network
    assert exact.sample_size is None and empirical.sample_size is None
    prefixes = list(range(1, n + 1))
    rng.shuffle(prefixes)  # exercise the prefix cache in a scrambled order
    for j in prefixes:
        cells = np.array(list(itertools.product(*[range(c) for c in network.cardinalities[:j]])))
        np.testing.assert_allclose(empirical.mixture_probability(cells), exact.mixture_probability(cells), atol=1e-14)
        np.testing.assert_allclose(exact.mixture_probability(cells).sum(), 1.0)
        # the two questions of the protocol agree: P_mix = sum_i pi_i P_{t_i} on every prefix
        for oracle in (exact, empirical):
            p_t = oracle.interventional_probability(spec.targets, cells)
            assert p_t.shape == (spec.n_components, cells.shape[0])
            np.testing.assert_allclose(spec.weights @ p_t, oracle.mixture_probability(cells), atol=1e-14)


def test_empirical_oracle_counts_relative_frequencies():
    rng = np.random.default_rng(0)
    network = sim.random_network(3, n_states=3, rng=rng)
    codes = np.stack([rng.integers(0, 3, size=500) for _ in range(3)], axis=1)
    oracle = EmpiricalOracle(network, CountTable.from_codes(codes, network.variables, network.states))
    assert oracle.sample_size == 500
    settings_ = np.array([[0, 1], [2, 2], [1, 0], [0, 1]])
    expected = [np.mean(np.all(codes[:, :2] == s, axis=1)) for s in settings_]
    np.testing.assert_allclose(oracle.mixture_probability(settings_), expected)
    np.testing.assert_allclose(oracle.mixture_probability(np.array([[1]])), [np.mean(codes[:, 0] == 1)])
    np.testing.assert_allclose(
        oracle.interventional_probability(network.encode_targets([{}]), settings_),
        network.interventional_probability(network.encode_targets([{}]), settings_),
    )


def test_empirical_oracle_reorders_columns():
    network = CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {}, {"A": np.ones(2) / 2, "B": np.ones(2) / 2}
    )
    table = CountTable.from_codes(np.array([[1, 0], [1, 1], [0, 1]]), ["B", "A"], [["b0", "b1"], ["a0", "a1"]])
    oracle = EmpiricalOracle(network, table)
    np.testing.assert_allclose(oracle.mixture_probability(np.array([[0], [1]])), [1 / 3, 2 / 3])


def test_oracles_reject_inconsistent_input():
    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    with pytest.raises(DataValueError, match="sum to 1"):
        ExactOracle(network, network.encode_targets([{}]), np.array([0.5]))
    with pytest.raises(DataValueError):
        ExactOracle(network, network.encode_targets([{}, {}]), np.array([1.0]))
    other = CountTable.from_codes(np.array([[0]]), ["B"], [["x", "y"]])
    with pytest.raises(DataValueError, match="not a variable of the model"):
        EmpiricalOracle(network, other)
    renamed = CountTable.from_codes(np.array([[0]]), ["A"], [["u", "v"]])
    with pytest.raises(DataValueError, match="state"):
        EmpiricalOracle(network, renamed)
