"""CausalNetwork: construction checks, codes, and interventional probabilities against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.errors import ModelError, UnknownStateError, UnknownVariableError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork


def brute_force(network: CausalNetwork, target: np.ndarray, setting: np.ndarray) -> float:
    """P_t(full setting) as the explicit truncated product (Section 2 of UAI 2021)."""
    p = 1.0
    for i, cpd in enumerate(network.cpds):
        if target[i] != NOT_INTERVENED:
            p *= float(setting[i] == target[i])
        else:
            p *= float(cpd[tuple(setting[list(network.parents[i])]) + (setting[i],)])
    return p


def random_targets(network: CausalNetwork, rng: np.random.Generator, m: int) -> np.ndarray:
    cards = network.cardinalities
    codes = np.stack([rng.integers(0, c, size=m) for c in cards], axis=1)
    return np.where(rng.random(codes.shape) < 0.4, codes, NOT_INTERVENED)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.sampled_from(["chain", "dense", "er"]))
def test_interventional_probability_matches_brute_force(seed, n, graph):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], graph=graph, rng=rng)
    targets = random_targets(network, rng, 5)
    cells = np.array(list(itertools.product(*[range(c) for c in network.cardinalities])))
    got = network.interventional_probability(targets, cells)
    expected = np.array([[brute_force(network, t, s) for s in cells] for t in targets])
    np.testing.assert_allclose(got, expected, atol=1e-15)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)
    # prefixes are marginals (the order is topological, Lemma 4.2)
    for j in range(1, n):
        prefix_cells = np.array(list(itertools.product(*[range(c) for c in network.cardinalities[:j]])))
        prefix = network.interventional_probability(targets, prefix_cells)
        lookup = {tuple(c): k for k, c in enumerate(prefix_cells.tolist())}
        summed = np.zeros_like(prefix)
        for k, c in enumerate(cells.tolist()):
            summed[:, lookup[tuple(c[:j])]] += got[:, k]
        np.testing.assert_allclose(prefix, summed, atol=1e-14)
    # log-likelihood agrees (and is -inf where impossible)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(network.log_likelihood(targets, cells), np.log(expected), atol=1e-12)


def test_log_likelihood_is_chunked_consistently(monkeypatch):
    import pgmpy_mixture.model.network as network_module

    rng = np.random.default_rng(0)
    network = sim.random_network(4, n_states=3, rng=rng)
    targets = random_targets(network, rng, 3)
    rows = np.stack([rng.integers(0, 3, size=1000) for _ in range(4)], axis=1)
    whole = network.log_likelihood(targets, rows)
    monkeypatch.setattr(network_module, "_CHUNK_ELEMENTS", 50)
    np.testing.assert_array_equal(network.log_likelihood(targets, rows), whole)


def test_from_tables_sorts_topologically_and_checks_tables():
    cpds = {"A": np.array([0.5, 0.5]), "B": np.array([[0.9, 0.1], [0.4, 0.6]])}
    states = {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    net = CausalNetwork.from_tables(["B", "A"], states, {"B": ["A"]}, cpds)
    assert net.variables == ("A", "B") and net.parents == ((), (0,))
    with pytest.raises(ModelError, match="cycle"):
        CausalNetwork.from_tables(["A", "B"], states, {"A": ["B"], "B": ["A"]}, {"A": cpds["B"], "B": cpds["B"]})
    with pytest.raises(ModelError, match="'B'"):
        CausalNetwork.from_tables(["A", "B"], states, {"B": ["A"]}, {"A": cpds["A"]})
    with pytest.raises(ModelError, match="shape"):
        CausalNetwork.from_tables(["A", "B"], states, {"B": ["A"]}, {"A": cpds["A"], "B": cpds["A"]})
    with pytest.raises(ModelError, match="sum to 1"):
        CausalNetwork.from_tables(["A"], states, {}, {"A": np.array([0.5, 0.6])})
    with pytest.raises(ModelError, match="negative"):
        CausalNetwork.from_tables(["A"], states, {}, {"A": np.array([1.5, -0.5])})
    with pytest.raises(UnknownVariableError, match="'C'"):
        CausalNetwork.from_tables(["A", "B"], states, {"B": ["C"]}, cpds)
    with pytest.raises(ModelError, match="distinct"):
        CausalNetwork.from_tables(["A"], {"A": ["x", "x"]}, {}, {"A": np.array([0.5, 0.5])})
    assert not net.cpds[1].flags.writeable


def test_codes_round_trip_and_name_the_culprit():
    net = CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"]}, {}, {"A": np.ones(2) / 2, "B": np.ones(3) / 3}
    )
    targets = [{}, {"B": "b2"}, {"A": "a1", "B": "b0"}]
    codes = net.encode_targets(targets)
    assert codes.tolist() == [[-1, -1], [-1, 2], [1, 0]]
    assert [net.decode_target(c) for c in codes] == targets
    with pytest.raises(UnknownStateError, match="'b9'"):
        net.encode_targets([{"B": "b9"}])
    with pytest.raises(UnknownVariableError, match="'Z'"):
        net.encode_targets([{"Z": "b0"}])
    assert net.cardinalities.tolist() == [2, 3]
    assert net.state_code("B", "b1") == 1


def test_positivity_violations_name_variable_and_state():
    net = CausalNetwork.from_tables(
        ["A", "B"],
        {"A": ["a0", "a1"], "B": ["b0", "b1"]},
        {"B": ["A"]},
        {"A": np.array([0.5, 0.5]), "B": np.array([[1.0, 0.0], [0.5, 0.5]])},
    )
    assert net.positivity_violations() == [("B", "b1")]
    # a zero CPD entry gives probability 0, never NaN
    p = net.interventional_probability(net.encode_targets([{}, {"A": "a0"}]), np.array([[0, 1], [1, 1]]))
    np.testing.assert_allclose(p, [[0.0, 0.25], [0.0, 0.0]])


def test_rounded_cpds_are_renormalised_so_exact_tables_recover_exactly():
    # BIF files store rounded CPDs (sachs sums to 1 only within ~1e-8). The network must still be an exact
    # distribution: a joint probability table built from it sums to 1 and exact mode recovers from it to 1e-9.
    from pgmpy_mixture import simulate as sim
    from pgmpy_mixture.discrete.disentangle import disentangle_exact
    from pgmpy_mixture.model.examples import load_example_network
    from pgmpy_mixture.model.oracle import EmpiricalOracle

    net = load_example_network("sachs")
    for cpd in net.cpds:
        assert np.max(np.abs(cpd.sum(axis=-1) - 1.0)) < 1e-13
    spec = sim.random_mixture(net, rng=np.random.default_rng(1))
    table = sim.mixture_distribution(net, spec.targets, spec.weights)
    assert abs(table.total - 1.0) < 1e-12
    result = disentangle_exact(EmpiricalOracle(net, table))
    truth = {tuple(sorted(net.decode_target(t).items())): w for t, w in zip(spec.targets, spec.weights, strict=True)}
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert set(got) == set(truth)
    assert max(abs(truth[k] - got[k]) for k in truth) < 1e-9
