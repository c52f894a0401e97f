"""The junction tree behind the exact interventional marginals (pgmpy_mixture.model.junction_tree)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.discrete.simulate import random_network
from pgmpy_mixture.errors import ModelError
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.junction_tree import interventional_table, junction_tree, propagate
from pgmpy_mixture.model.marginals import descendants, interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork


def with_zero_entries(network: CausalNetwork, rng: np.random.Generator, share: float = 0.4) -> CausalNetwork:
    """About ``share`` of the CPD entries set to 0 (each distribution keeps one positive entry)."""
    cpds = []
    for cpd in network.cpds:
        table = np.array(cpd)
        drop = rng.random(table.shape) < share
        keep = np.argmax(rng.random(table.shape), axis=-1)
        np.put_along_axis(drop, keep[..., None], False, axis=-1)
        table[drop] = 0.0
        cpds.append(table / table.sum(axis=-1, keepdims=True))
    return CausalNetwork(network.variables, network.states, network.parents, tuple(cpds))


def brute_force(network: CausalNetwork) -> np.ndarray:
    """All (S + 1) x S marginals by enumerating every joint assignment under every target."""
    cards = [int(c) for c in network.cardinalities]
    settings_ = np.array(list(itertools.product(*[range(c) for c in cards])))
    rows = [np.full(len(cards), -1)]
    for i, c in enumerate(cards):
        for a in range(c):
            row = np.full(len(cards), -1)
            row[i] = a
            rows.append(row)
    joint = network.interventional_probability(np.array(rows), settings_)
    return np.concatenate([np.stack([np.bincount(settings_[:, j], weights=p, minlength=cards[j]) for p in joint])
                           for j in range(len(cards))], axis=1)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 7), graph=st.sampled_from(["er", "sf"]), zeros=st.booleans())
def test_the_tree_is_a_junction_tree_and_the_marginals_are_exact(seed, n, graph, zeros):
    """Running intersection, every family in its clique, and every interventional marginal equal to enumeration --
    with zero CPD entries too, where an intervention makes observationally impossible states possible."""
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 4, size=n)], graph=graph,
                         n_edges=int(rng.integers(0, n * (n - 1) // 2 + 1)), rng=rng)
    if zeros:
        net = with_zero_entries(net, rng)
    tree = junction_tree(net)
    for v in range(n):  # running intersection: the cliques holding v form a connected subtree
        holding = [c for c, clique in enumerate(tree.cliques) if v in clique]
        tops = [c for c in holding if tree.parent[c] not in holding]
        assert len(tops) == 1
    for c, family_vars in enumerate(tree.families):
        for v in family_vars:
            assert set((*net.parents[v], v)) <= set(tree.cliques[c])
    assert sorted(v for f in tree.families for v in f) == list(range(n))
    assert all(p > c or p == -1 for c, p in enumerate(tree.parent))  # children before parents
    np.testing.assert_allclose(interventional_table(net, tree, descendants(net), budget=64), brute_force(net),
                               atol=1e-12)


def test_a_state_impossible_without_the_intervention():
    """P(B = b1) = 0 observationally (B copies A, and A = a1 is impossible); do(A = a1) makes B = b1 certain and
    C's marginal follows it: downward messages into the source's ancestors must not divide by a zero."""
    net = CausalNetwork.from_tables(
        ["A", "B", "C", "D"], {v: ["0", "1"] for v in "ABCD"}, {"B": ["A"], "C": ["B", "D"], "D": ["A"]},
        {"A": np.array([1.0, 0.0]), "B": np.array([[1.0, 0.0], [0.0, 1.0]]), "D": np.array([[0.3, 0.7], [0.6, 0.4]]),
         "C": np.array([[[0.9, 0.1], [0.5, 0.5]], [[0.2, 0.8], [0.0, 1.0]]])},
    )
    m = interventional_marginals(net)
    np.testing.assert_allclose(np.vstack([m.observational, m.interventional]), brute_force(net), atol=1e-12)
    np.testing.assert_allclose(m.marginal("B", do=("A", "1")), [0.0, 1.0])


@pytest.mark.parametrize("name", ["alarm", "hailfinder", "win95pts"])
def test_bundled_networks_agree_with_the_plain_batched_propagation(name):
    net = load_example_network(name)
    tree = junction_tree(net)
    cards = net.cardinalities
    targets = np.array([[-1, 0]] + [[i, a] for i in range(net.n_variables) for a in range(int(cards[i]))])
    plain = propagate(net, tree, targets)
    plain /= np.repeat(np.add.reduceat(plain, net._offsets[:-1], axis=1), cards, axis=1)
    np.testing.assert_allclose(interventional_table(net, tree, descendants(net), budget=1_000_000), plain,
                               atol=1e-12)


def test_win95pts_is_small_for_a_junction_tree():
    """A topological forward pass carried 1.3e8 entries per distribution on win95pts (more than ten minutes here);
    the junction tree's largest clique has a few hundred."""
    tree = junction_tree(load_example_network("win95pts"))
    assert tree.largest <= 1024 and tree.total_size < 10_000


def test_a_network_too_wide_for_exact_marginals_is_refused_naming_the_table_size(monkeypatch):
    import pgmpy_mixture.model.marginals as marginals

    monkeypatch.setattr(marginals, "LARGEST_TABLE", 100)  # ALARM's largest clique has 144 entries
    with pytest.raises(ModelError, match=r"junction-tree table of 144 float64 entries .*raise max_entries"):
        interventional_marginals(load_example_network("alarm"), max_entries=10)
    assert interventional_marginals(load_example_network("alarm"), max_entries=144).interventional.shape == (105, 105)
