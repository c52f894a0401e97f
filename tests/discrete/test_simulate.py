"""Tests of the simulator: random DAGs, networks, mixtures and the vectorised sampler."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pgmpy_mixture.discrete.simulate import (
    MixtureSpec,
    mixture_distribution,
    random_dag,
    random_mixture,
    random_network,
    sample_frame,
    sample_mixture,
)
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component


def _edges(dag):
    return [(p, v) for v, ps in dag.items() for p in ps]


def _index(name):
    return int(name[1:])


# ---------------------------------------------------------------------------------------------- DAGs
@pytest.mark.parametrize("graph", ["er", "sf"])
@pytest.mark.parametrize("n", [1, 2, 4, 8, 12, 30])
def test_random_dag_is_acyclic_with_default_edge_range(graph, n):
    for seed in range(5):
        dag = random_dag(n, graph=graph, rng=seed)
        assert list(dag) == [f"V{i}" for i in range(n)]
        edges = _edges(dag)
        assert all(_index(p) < _index(v) for p, v in edges), "names must follow a topological order"
        assert len(set(edges)) == len(edges)
        high = min(n * (n - 1) // 2, 5 * n)
        assert min(n, high) <= len(edges) <= high


@pytest.mark.parametrize("graph", ["er", "sf"])
def test_random_dag_exact_edge_count(graph):
    for n_edges in (0, 3, 10, 28):
        dag = random_dag(8, graph=graph, n_edges=n_edges, rng=n_edges)
        assert len(_edges(dag)) == n_edges


@pytest.mark.parametrize("graph", ["er", "sf"])
def test_max_in_degree(graph):
    for seed in range(5):
        dag = random_dag(40, graph=graph, n_edges=150, max_in_degree=4, rng=seed)
        assert len(_edges(dag)) == 150
        assert max(len(ps) for ps in dag.values()) <= 4
        assert all(_index(p) < _index(v) for p, v in _edges(dag))
    with pytest.raises(ParameterError, match="at most 1 parents"):
        random_dag(10, graph=graph, n_edges=20, max_in_degree=1, rng=0)
    with pytest.raises(ParameterError, match="max_in_degree"):
        random_dag(5, graph="dense", max_in_degree=2)
    net = random_network(30, graph=graph, n_states=5, max_in_degree=3, rng=1)
    assert max(len(p) for p in net.parents) <= 3


def test_chain_and_dense():
    assert random_dag(3, graph="chain") == {"V0": [], "V1": ["V0"], "V2": ["V1"]}
    dense = random_dag(5, graph="dense")
    assert len(_edges(dense)) == 10
    assert dense["V4"] == ["V0", "V1", "V2", "V3"]
    with pytest.raises(ParameterError, match="n_edges"):
        random_dag(4, graph="chain", n_edges=3)


def test_scale_free_has_hubs_compared_to_erdos_renyi():
    def max_degree(dag):
        deg = {v: len(ps) for v, ps in dag.items()}
        for ps in dag.values():
            for p in ps:
                deg[p] += 1
        return max(deg.values())

    sf = np.mean([max_degree(random_dag(60, graph="sf", n_edges=120, rng=s)) for s in range(10)])
    er = np.mean([max_degree(random_dag(60, graph="er", n_edges=120, rng=s)) for s in range(10)])
    assert sf > er + 3


def test_random_dag_bad_input():
    with pytest.raises(ParameterError, match="graph"):
        random_dag(4, graph="tree")
    with pytest.raises(ParameterError, match="n_nodes"):
        random_dag(0)
    with pytest.raises(ParameterError, match="n_edges"):
        random_dag(4, n_edges=7)
    with pytest.raises(ParameterError, match="rng"):
        random_dag(4, rng="seed")


def test_random_dag_reproducible():
    assert random_dag(10, graph="sf", rng=3) == random_dag(10, graph="sf", rng=3)
    assert random_dag(10, graph="er", rng=np.random.default_rng(4)) == random_dag(10, graph="er", rng=4)


# ---------------------------------------------------------------------------------------------- networks
def test_random_network_cpds():
    net = random_network(8, n_states=[2, 3, 4, 2, 3, 4, 2, 5], graph="er", rng=0)
    # the graph is the one random_dag draws first from the same seed, in the same (topological) variable order
    parents = {v: [net.variables[p] for p in net.parents[i]] for i, v in enumerate(net.variables)}
    assert parents == random_dag(8, graph="er", rng=0)
    assert list(net.variables) == [f"V{i}" for i in range(8)]
    for i, cpd in enumerate(net.cpds):
        card = len(net.states[i])
        assert net.states[i] == tuple(f"s{k}" for k in range(card))
        assert cpd.shape == tuple(len(net.states[p]) for p in net.parents[i]) + (card,)
        np.testing.assert_allclose(cpd.sum(axis=-1), 1.0)
    assert net.positivity_violations() == []


def test_random_network_bad_states():
    with pytest.raises(ParameterError, match="n_states"):
        random_network(3, n_states=[2, 2])
    with pytest.raises(ParameterError, match="n_states"):
        random_network(2, n_states=[2, 0])
    with pytest.raises(ParameterError, match="alpha"):
        random_network(2, alpha=0)


# ---------------------------------------------------------------------------------------------- mixtures
def test_random_mixture_protocol():
    sizes, ms = [], []
    for seed in range(40):
        net = random_network(6, rng=seed)
        spec = random_mixture(net, rng=seed)
        m, n = spec.targets.shape
        ms.append(m)
        assert n == 6 and 4 <= m <= 16
        assert (spec.targets[0] == -1).all()
        assert len({row.tobytes() for row in spec.targets}) == m, "targets must be distinct"
        assert (spec.targets != spec.excluded[None, :]).all(), "exclusion: no target uses the excluded state"
        assert ((spec.excluded >= 0) & (spec.excluded < 3)).all()
        assert (spec.weights > 0).all() and spec.weights.sum() == pytest.approx(1.0)
        sizes.extend((spec.targets[1:] != -1).sum(axis=1).tolist())
    assert min(ms) < 8 and max(ms) > 12
    # sizes are uniform in 0..N; a second empty target is a duplicate and is redrawn
    assert set(sizes) == set(range(1, 7))


def test_random_mixture_options():
    net = random_network(5, rng=1)
    spec = random_mixture(net, n_targets=10, max_target_size=2, include_observational=False, rng=1)
    assert spec.n_components == 10
    assert ((spec.targets != -1).sum(axis=1) <= 2).all()
    comps = spec.components(net)
    assert comps == [Component(net.decode_target(t), w) for t, w in zip(spec.targets, spec.weights, strict=True)]
    assert [len(c.target) for c in comps] == (spec.targets != -1).sum(axis=1).tolist()
    assert sum(c.weight for c in comps) == pytest.approx(1.0)
    # one binary variable: targets {}, {V0=the non-excluded state} only
    tiny = random_network(1, n_states=2, rng=0)
    assert random_mixture(tiny, rng=0).n_components == 2
    with pytest.raises(ParameterError, match="n_targets"):
        random_mixture(tiny, n_targets=3, rng=0)


def test_random_mixture_reproducible():
    net = random_network(7, rng=5)
    a, b = random_mixture(net, rng=9), random_mixture(net, rng=9)
    np.testing.assert_array_equal(a.targets, b.targets)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.excluded, b.excluded)


def test_mixture_spec_is_validated_and_read_only():
    with pytest.raises(DataValueError):
        MixtureSpec(np.zeros((2, 3), dtype=int), np.ones(3) / 3, np.zeros(3, dtype=int))
    spec = MixtureSpec(np.array([[-1]]), np.array([1.0]), np.array([0]))
    with pytest.raises(ValueError):
        spec.weights[0] = 0.5


# ---------------------------------------------------------------------------------------------- exact distribution
def _joint_by_hand(net, spec):
    """Brute force: sum over components of the product of CPD entries (independent of the network code)."""
    cards = [len(s) for s in net.states]
    table = {}
    for idx in np.ndindex(*cards):
        total = 0.0
        for target, w in zip(spec.targets, spec.weights, strict=True):
            p = w
            for i, v in enumerate(idx):
                if target[i] != -1:
                    p *= float(v == target[i])
                else:
                    p *= net.cpds[i][tuple(idx[q] for q in net.parents[i]) + (v,)]
            total += p
        table[idx] = total
    return table


def test_mixture_distribution_matches_brute_force():
    net = random_network(4, graph="dense", n_states=[2, 3, 2, 3], rng=2)
    spec = random_mixture(net, n_targets=5, rng=2)
    table = mixture_distribution(net, spec.targets, spec.weights)
    assert table.is_distribution and table.total == pytest.approx(1.0)
    expected = _joint_by_hand(net, spec)
    got = {tuple(int(c) for c in row): w for row, w in zip(table.codes, table.weights, strict=True)}
    for key, p in expected.items():
        assert got.get(key, 0.0) == pytest.approx(p, abs=1e-12)


def test_mixture_distribution_accepts_state_names_and_guards_size():
    net = random_network(2, graph="chain", rng=0)
    by_name = mixture_distribution(net, [{}, {"V0": "s1"}], [0.25, 0.75])
    by_code = mixture_distribution(net, np.array([[-1, -1], [1, -1]]), np.array([0.25, 0.75]))
    np.testing.assert_allclose(by_name.weights, by_code.weights)
    big = random_network(15, n_states=3, rng=0)  # 3^15 > 5e6 cells
    with pytest.raises(ParameterError, match="cells"):
        mixture_distribution(big, [{}], [1.0])


# ---------------------------------------------------------------------------------------------- sampler
def test_sampler_frequencies_match_exact_distribution_chi_square():
    net = random_network(4, graph="er", n_states=3, rng=11)
    spec = random_mixture(net, n_targets=6, rng=11)
    table = mixture_distribution(net, spec.targets, spec.weights)
    n = 200_000
    codes, labels = sample_mixture(net, spec.targets, spec.weights, n, rng=11, chunk_size=30_000)
    cards = net.cardinalities
    radix = np.array([int(np.prod(cards[i + 1 :])) for i in range(len(cards))])
    observed = np.bincount(codes.astype(np.int64) @ radix, minlength=int(np.prod(cards)))
    expected = np.zeros_like(observed, dtype=float)
    expected[table.codes.astype(np.int64) @ radix] = table.weights * n
    support = expected > 0
    assert observed[~support].sum() == 0, "the sampler produced an impossible assignment"
    # pool cells with tiny expectations so the chi-square approximation holds
    small = expected[support] < 5
    obs = np.append(observed[support][~small], observed[support][small].sum())
    exp = np.append(expected[support][~small], expected[support][small].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    p_value = stats.chisquare(obs, exp).pvalue
    assert p_value > 1e-4
    # hidden labels follow the weights
    counts = np.bincount(labels.astype(np.int64), minlength=spec.n_components)
    sd = np.sqrt(n * spec.weights * (1 - spec.weights))
    assert np.all(np.abs(counts - n * spec.weights) < 5 * sd)


def test_sampler_respects_interventions_and_zero_probabilities():
    net = CausalNetwork.from_tables(
        ["A", "B"],
        {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]},
        {"B": ["A"]},
        {"A": np.array([0.5, 0.0, 0.5]), "B": np.array([[0.0, 1.0, 0.0], [0.3, 0.3, 0.4], [0.6, 0.0, 0.4]])},
    )
    targets = net.encode_targets([{}, {"A": "a1"}, {"B": "b2"}])
    codes, labels = sample_mixture(net, targets, [0.4, 0.3, 0.3], 50_000, rng=0, chunk_size=7_000)
    obs = labels == 0
    assert not np.any(codes[obs, 0] == 1), "P(A=a1) = 0 outside the intervention"
    assert not np.any((codes[obs, 0] == 0) & (codes[obs, 1] != 1))
    assert np.all(codes[labels == 1, 0] == 1)
    assert np.all(codes[labels == 2, 1] == 2)
    # under do(A=a1), B follows its CPD row for a1
    b = np.bincount(codes[labels == 1, 1].astype(np.int64), minlength=3) / (labels == 1).sum()
    np.testing.assert_allclose(b, [0.3, 0.3, 0.4], atol=0.02)


def test_sampler_reproducible_and_dtypes():
    net = random_network(6, rng=3)
    spec = random_mixture(net, rng=3)
    a = sample_mixture(net, spec.targets, spec.weights, 5000, rng=7)
    b = sample_mixture(net, spec.targets, spec.weights, 5000, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].dtype == np.int8 and a[1].dtype == np.int8
    c = sample_mixture(net, spec.targets, spec.weights, 5000, rng=8)
    assert not np.array_equal(a[0], c[0])
    empty, lab = sample_mixture(net, spec.targets, spec.weights, 0, rng=0)
    assert empty.shape == (0, 6) and lab.shape == (0,)


def test_sampler_bad_input():
    net = random_network(2, graph="chain", rng=0)
    with pytest.raises(DataValueError, match="sum to 1"):
        sample_mixture(net, [{}], [0.5], 10)
    with pytest.raises(DataValueError, match="V1"):
        sample_mixture(net, np.array([[-1, 3]]), [1.0], 10)
    with pytest.raises(DataValueError, match="shape"):
        sample_mixture(net, np.array([[-1]]), [1.0], 10)
    with pytest.raises(ParameterError, match="n_samples"):
        sample_mixture(net, [{}], [1.0], -1)


def test_sample_frame_categoricals():
    net = random_network(3, n_states=[2, 4, 3], graph="chain", rng=0)
    df, labels = sample_frame(net, [{}, {"V1": "s3"}], [0.5, 0.5], 2000, rng=1)
    assert list(df.columns) == list(net.variables)
    for var, states in zip(net.variables, net.states, strict=True):
        assert isinstance(df[var].dtype, pd.CategoricalDtype)
        assert list(df[var].cat.categories) == list(states)
    assert (df.loc[labels == 1, "V1"] == "s3").all()
    assert labels.shape == (2000,)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 4),
    k=st.integers(2, 4),
    graph=st.sampled_from(["er", "sf", "chain", "dense"]),
)
def test_sampler_total_variation_property(seed, n, k, graph):
    net = random_network(n, n_states=k, graph=graph, rng=seed)
    spec = random_mixture(net, rng=seed)
    table = mixture_distribution(net, spec.targets, spec.weights)
    samples = 40_000
    codes, _ = sample_mixture(net, spec.targets, spec.weights, samples, rng=seed)
    cards = net.cardinalities
    radix = np.array([int(np.prod(cards[i + 1 :])) for i in range(len(cards))])
    freq = np.bincount(codes.astype(np.int64) @ radix, minlength=int(np.prod(cards))) / samples
    exact = np.zeros_like(freq)
    exact[table.codes.astype(np.int64) @ radix] = table.weights
    cells = int(np.prod(cards))
    # expected TV of an empirical distribution is at most sqrt(cells / samples) / 2
    assert 0.5 * np.abs(freq - exact).sum() < 2.0 * np.sqrt(cells / samples) / 2 + 0.01
