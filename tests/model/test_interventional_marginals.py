"""Exact interventional marginals P(X_j | do(X_i = a)) (pgmpy_mixture.model.marginals)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.discrete.simulate import random_network
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import descendants, interventional_marginals


def brute_force(network, target_row):
    """Marginals of every variable under one encoded target, by enumerating the joint distribution."""
    cards = [int(c) for c in network.cardinalities]
    settings_ = np.array(list(itertools.product(*[range(c) for c in cards])))
    joint = network.interventional_probability(target_row[None, :], settings_)[0]
    return np.concatenate([np.bincount(settings_[:, j], weights=joint, minlength=cards[j]) for j in range(len(cards))])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), graph=st.sampled_from(["er", "sf"]))
def test_matches_enumeration_on_random_networks(seed, n, graph):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 4, size=n)], graph=graph, rng=rng)
    m = interventional_marginals(net)
    none = np.full(n, -1)
    np.testing.assert_allclose(m.observational, brute_force(net, none), atol=1e-12)
    pos = 0
    for i in range(n):
        for a in range(int(net.cardinalities[i])):
            target = none.copy()
            target[i] = a
            np.testing.assert_allclose(m.interventional[pos], brute_force(net, target), atol=1e-12)
            pos += 1


def test_chunked_batches_give_the_same_table():
    net = random_network(6, n_states=3, rng=3)
    full = interventional_marginals(net)
    chunked = interventional_marginals(net, max_entries=50)
    np.testing.assert_allclose(full.interventional, chunked.interventional, atol=1e-14)
    np.testing.assert_allclose(full.observational, chunked.observational, atol=1e-14)


def test_alarm_all_pairs_blocks_and_structure():
    net = load_example_network("alarm")
    m = interventional_marginals(net)
    assert m.interventional.shape == (105, 105)
    sums = np.add.reduceat(m.interventional, net._offsets[:-1], axis=1)
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)
    reach = descendants(net)
    node_of = np.repeat(np.arange(net.n_variables), net.cardinalities)
    # non-descendants are untouched by the intervention, exactly
    unaffected = ~reach[node_of][:, node_of]
    diff = m.interventional - m.observational[None, :]
    assert np.all(diff[unaffected] == 0.0)
    # the intervened variable is a point mass on the forced state
    for var, state in m.labels:
        assert m.marginal(var, do=(var, state))[net.state_code(var, state)] == pytest.approx(1.0)
    # a descendant actually moves (LVFAILURE -> STROKEVOLUME)
    assert np.abs(m.marginal("STROKEVOLUME", do=("LVFAILURE", "TRUE")) - m.marginal("STROKEVOLUME")).max() > 0.01


def test_alarm_observational_marginals_match_pgmpy_variable_elimination():
    pytest.importorskip("pgmpy")
    from pgmpy.inference import VariableElimination

    from pgmpy_mixture.adapters.pgmpy import network_to_pgmpy

    net = load_example_network("alarm")
    model = network_to_pgmpy(net)
    ve = VariableElimination(model)
    m = interventional_marginals(net)
    for var in ["HYPOVOLEMIA", "BP", "HRSAT", "EXPCO2", "CATECHOL"]:
        q = ve.query([var], show_progress=False)
        expected = [q.get_value(**{var: s}) for s in net.states[net.index(var)]]
        np.testing.assert_allclose(m.marginal(var), expected, atol=1e-8)


def test_frame_and_errors():
    net = random_network(2, n_states=2, graph="chain", rng=0)
    m = interventional_marginals(net)
    frame = m.to_frame()
    assert frame.shape == (4, 5)
    assert frame.loc[("V0", "s1"), "do(V0=s1)"] == 1.0
    with pytest.raises(ValueError, match="not in the network"):
        m.marginal("nope")
    with pytest.raises(ValueError, match="max_entries"):
        interventional_marginals(net, max_entries=0)
    with pytest.raises(TypeError, match="CausalNetwork"):
        interventional_marginals("alarm")
