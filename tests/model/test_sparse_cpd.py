"""Sparse CPDs: the same probabilities, fits and samples as dense tables, and hubs of 16 parents in bounded memory."""

from __future__ import annotations

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import api
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import DataValueError, ModelError, ParameterError, UnknownVariableError
from pgmpy_mixture.model.fitting import fit_network
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import ExactOracle
from pgmpy_mixture.model.sparse_cpd import SparseCPD
from pgmpy_mixture.validation import MEMORY_LIMIT_VARIABLE


def _structure(network: CausalNetwork):
    parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
    return list(network.variables), dict(zip(network.variables, network.states, strict=True)), parents


def _sparsified(network: CausalNetwork, rng: np.random.Generator) -> tuple[CausalNetwork, CausalNetwork]:
    """(dense, sparse) twins: every CPD with parents keeps a random subset of its columns, the rest the default
    column; the dense twin holds exactly those columns, so both describe the same distribution."""
    dense, sparse = [], []
    for cpd in network.cpds:
        if cpd.ndim == 1:
            dense.append(cpd)
            sparse.append(cpd)
            continue
        card = cpd.shape[-1]
        flat = np.array(cpd).reshape(-1, card)
        keep = np.flatnonzero(rng.random(flat.shape[0]) < 0.6)
        default = rng.dirichlet(np.ones(card))
        twin = np.tile(default, (flat.shape[0], 1))
        twin[keep] = flat[keep]
        dense.append(twin.reshape(cpd.shape))
        sparse.append(SparseCPD.from_dense(twin.reshape(cpd.shape), keep, default))
    args = (network.variables, network.states, network.parents)
    return CausalNetwork(*args, tuple(dense)), CausalNetwork(*args, tuple(sparse))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.sampled_from(["er", "sf", "dense"]))
def test_sparse_and_dense_give_identical_probabilities(seed, n, graph):
    rng = np.random.default_rng(seed)
    network = random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], graph=graph, rng=rng)
    dense, sparse = _sparsified(network, rng)
    assert len(sparse.sparse_variables) == sum(1 for p in network.parents if p)
    codes = np.stack([rng.integers(0, c, size=200) for c in network.cardinalities], axis=1)
    spec = random_mixture(network, n_targets=min(3, 1 + n), rng=rng)
    for j in range(1, n + 1):
        np.testing.assert_array_equal(sparse.conditional_probabilities(codes[:, :j]),
                                      dense.conditional_probabilities(codes[:, :j]))
        np.testing.assert_array_equal(sparse.log_interventional_probability(spec.targets, codes[:, :j]),
                                      dense.log_interventional_probability(spec.targets, codes[:, :j]))
    np.testing.assert_array_equal(sparse.log_likelihood(spec.targets, codes), dense.log_likelihood(spec.targets, codes))
    for j in range(n):
        configs = dense.parent_configurations(j, codes)
        np.testing.assert_array_equal(sparse.cpd_columns(j, configs), dense.cpd_columns(j, configs))
        np.testing.assert_array_equal(np.asarray(sparse.cpds[j]), dense.cpds[j])
    assert sparse.positivity_violations() == dense.positivity_violations()
    # the exact oracle's extensions read columns through the same accessor
    prefix = codes[:50, : n - 1]
    np.testing.assert_allclose(ExactOracle(sparse, spec.targets, spec.weights).log_mixture_extensions(prefix),
                               ExactOracle(dense, spec.targets, spec.weights).log_mixture_extensions(prefix),
                               rtol=0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.sampled_from([None, 0.0, 0.5]), st.booleans())
def test_sparse_and_dense_fits_are_identical(seed, n, delta, use_prior):
    rng = np.random.default_rng(seed)
    network = random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], graph="sf", rng=rng)
    codes, _ = sample_mixture(network, [{}], [1.0], int(rng.integers(5, 300)), rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    smoothing = {"prior": 0.5} if use_prior else {"delta": delta}
    variables, states, parents = _structure(network)
    dense = fit_network(variables, states, parents, table, **smoothing)
    sparse = fit_network(variables, states, parents, table, **smoothing, max_dense_entries=0)
    assert dense.sparse_variables == ()
    assert sparse.sparse_variables == tuple(v for v, p in zip(network.variables, network.parents, strict=True) if p)
    for a, b in zip(dense.cpds, sparse.cpds, strict=True):
        np.testing.assert_allclose(np.asarray(b), a, rtol=0, atol=1e-15)
    targets = random_mixture(network, n_targets=min(3, 1 + n), rng=rng).targets
    np.testing.assert_allclose(sparse.log_likelihood(targets, codes), dense.log_likelihood(targets, codes),
                               rtol=0, atol=1e-12)
    assert sparse.positivity_violations() == dense.positivity_violations()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_the_sampler_draws_the_same_rows_from_a_sparse_cpd(seed, n):
    rng = np.random.default_rng(seed)
    network = random_network(n, graph="dense", rng=rng)
    dense, sparse = _sparsified(network, rng)
    spec = random_mixture(network, n_targets=3, rng=rng)
    a = sample_mixture(dense, spec.targets, spec.weights, 500, rng=seed, chunk_size=128)
    b = sample_mixture(sparse, spec.targets, spec.weights, 500, rng=seed, chunk_size=128)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_lazy_columns_are_reproducible_dirichlet_draws():
    cpd = SparseCPD.dirichlet((3,) * 16, 3, alpha=2.0, seed=11)
    configs = np.random.default_rng(0).integers(0, cpd.n_configs, size=40_000)
    columns = cpd.columns(configs)
    # the same configuration gets the same column, whatever it is asked with, in any batch or order
    np.testing.assert_array_equal(cpd.columns(configs[::-1])[::-1], columns)
    np.testing.assert_array_equal(cpd.columns(configs[:7]), columns[:7])
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(cpd)).columns(configs[:100]), columns[:100])
    np.testing.assert_array_equal(cpd.entries(configs, configs % 3), columns[np.arange(configs.size), configs % 3])
    assert np.all(columns > 0)
    np.testing.assert_allclose(columns.sum(axis=1), 1.0, atol=1e-12)
    # Dirichlet(2, 2, 2): each entry is Beta(2, 4), mean 1/3 and variance 8 / (36 * 7)
    np.testing.assert_allclose(columns.mean(axis=0), 1 / 3, atol=0.01)
    np.testing.assert_allclose(columns.var(axis=0), 8 / 252, rtol=0.05)
    other = SparseCPD.dirichlet((3,) * 16, 3, alpha=2.0, seed=12).columns(configs[:100])
    assert not np.allclose(other, columns[:100])


def test_a_16_parent_hub_with_3_states_runs_in_bounded_memory():
    # V16 has 16 parents: its dense table would have 3^17 = 129 million entries (1 GiB); nothing of that size
    # is allocated to build the network, sample it, fit it back and recover a mixture on it
    roots = [f"V{i}" for i in range(16)]
    states = {v: ["s0", "s1", "s2"] for v in [*roots, "V16"]}
    rng = np.random.default_rng(3)
    cpds = {v: rng.dirichlet([2.0] * 3) for v in roots}
    tracemalloc.start()
    try:
        cpds["V16"] = SparseCPD.dirichlet((3,) * 16, 3, alpha=2.0, seed=5)
        network = CausalNetwork.from_tables([*roots, "V16"], states, {"V16": roots}, cpds)
        truth = [{}, {"V16": "s1"}, {"V2": "s0", "V9": "s2"}]
        codes, _ = sample_mixture(network, truth, [0.6, 0.25, 0.15], 20_000, rng=1)
        table = CountTable.from_codes(codes, network.variables, network.states)
        fitted = fit_network(*_structure(network), table, delta=1e-3)
        assert "V16" in fitted.sparse_variables
        log_lik = network.log_likelihood(network.encode_targets(truth), codes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = api.disentangle_mixture(network, table)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 150 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    # re-fitting the CPDs jointly would need the dense table: refused by name, not attempted
    with pytest.raises(ParameterError, match="too large to hold for V16"):
        api.disentangle_mixture(network, table, observational=table, joint_cpds=True)
    assert np.all(np.isfinite(log_lik[0]))
    found = {tuple(sorted(c.target.items())): c.weight for c in result.components}
    for target, weight in zip(truth, [0.6, 0.25, 0.15], strict=True):
        assert found[tuple(sorted(target.items()))] == pytest.approx(weight, abs=0.02)


def test_random_network_makes_large_cpds_sparse_and_small_ones_dense():
    dense = random_network(20, graph="sf", rng=4)
    assert dense.sparse_variables == ()
    # the same seed with a low threshold: the small tables are drawn exactly as before, the large ones lazily
    mixed = random_network(20, graph="sf", max_dense_entries=30, rng=4)
    assert mixed.sparse_variables
    assert [p for p in mixed.parents] == [p for p in dense.parents]
    first_sparse = mixed.index(mixed.sparse_variables[0])
    for j in range(first_sparse):
        np.testing.assert_array_equal(mixed.cpds[j], dense.cpds[j])
    with pytest.raises(ParameterError, match="max_dense_entries"):
        random_network(3, max_dense_entries=-1)


def test_bad_sparse_cpds_and_lookups_are_refused_by_name(monkeypatch):
    with pytest.raises(ModelError, match="strictly increasing"):
        SparseCPD((3,), 2, np.array([2, 1]), np.full((2, 2), 0.5), default=np.array([0.5, 0.5]))
    with pytest.raises(ModelError, match="does not sum to 1"):
        SparseCPD((3,), 2, np.array([1]), np.array([[0.5, 0.7]]), default=np.array([0.5, 0.5]))
    with pytest.raises(ModelError, match="one rule"):
        SparseCPD((3,), 2, np.zeros(0), np.zeros((0, 2)), default=np.array([0.5, 0.5]), alpha=1.0, seed=0)
    with pytest.raises(ModelError, match="needs a default column"):
        SparseCPD((3,), 2, np.zeros(0), np.zeros((0, 2)))
    with pytest.raises(ModelError, match="no int64 configuration index"):
        SparseCPD.dirichlet((10,) * 19, 10, alpha=1.0, seed=0)
    states = {"A": ["a", "b"], "B": ["x", "y"]}
    with pytest.raises(ModelError, match=r"CPD of 'B' has shape \(3, 2\)"):
        CausalNetwork.from_tables(["A", "B"], states, {"B": ["A"]},
                                  {"A": np.array([.5, .5]), "B": SparseCPD.dirichlet((3,), 2, alpha=1.0, seed=0)})
    net = CausalNetwork.from_tables(["A", "B"], states, {"B": ["A"]},
                                    {"A": np.array([.5, .5]), "B": SparseCPD.dirichlet((2,), 2, alpha=1.0, seed=0)})
    with pytest.raises(DataValueError, match=r"in \[0, 2\)"):
        net.cpd_columns(1, np.array([2]))
    with pytest.raises(DataValueError, match=r"'A' must lie in \[0, 1\)"):
        net.cpd_columns(0, np.array([1]))
    with pytest.raises(UnknownVariableError, match="position 5"):
        net.cpd_columns(5, np.array([0]))
    assert pickle.loads(pickle.dumps(net)).sparse_variables == ("B",)
    hub = SparseCPD.dirichlet((3,) * 16, 3, alpha=2.0, seed=0)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, str(10**8))
    with pytest.raises(ModelError, match=r"the dense form of a sparse CPD .*cpd_columns"):
        np.asarray(hub)
