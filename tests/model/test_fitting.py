"""CPD fitting from observational count tables (UAI 2021 Appendix D: MLE with delta smoothing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, ParameterError, UnknownVariableError
from pgmpy_mixture.model.fitting import fit_network
from pgmpy_mixture.model.network import NOT_INTERVENED


def _structure(network):
    parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
    return list(network.variables), dict(zip(network.variables, network.states, strict=True)), parents


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(20, 400))
def test_mle_matches_conditional_frequencies(seed, n, n_rows):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], rng=rng)
    codes = np.stack([rng.integers(0, c, size=n_rows) for c in network.cardinalities], axis=1)
    table = CountTable.from_codes(codes, network.variables, network.states)
    variables, states, parents = _structure(network)
    fitted = fit_network(variables, states, parents, table, delta=0.0)
    frame = pd.DataFrame(codes, columns=variables)
    for i, v in enumerate(fitted.variables):
        pars = [fitted.variables[p] for p in fitted.parents[i]]
        cpd = fitted.cpds[i]
        for key, group in frame.groupby(pars) if pars else [((), frame)]:
            key = key if isinstance(key, tuple) else (key,)
            freq = np.bincount(group[v], minlength=cpd.shape[-1]) / len(group)
            np.testing.assert_allclose(cpd[tuple(key)], freq, atol=1e-12)


def test_default_delta_is_one_over_m_and_enforces_positivity():
    codes = np.array([[0, 0]] * 7 + [[1, 0]] * 3)  # B is never b1; A=a1 only with b0
    table = CountTable.from_codes(codes, ["A", "B"], [["a0", "a1"], ["b0", "b1"]])
    states = {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    plain = fit_network(["A", "B"], states, {"B": ["A"]}, table, delta=0.0)
    assert plain.positivity_violations() == [("B", "b1")]
    smoothed = fit_network(["A", "B"], states, {"B": ["A"]}, table)
    assert smoothed.positivity_violations() == []
    expected = (np.array([1.0, 0.0]) + 0.1) / 1.2  # delta = 1/M = 0.1 added to every entry, renormalised
    np.testing.assert_allclose(smoothed.cpds[1][0], expected)
    np.testing.assert_allclose(smoothed.cpds[0], (np.array([0.7, 0.3]) + 0.1) / 1.2)


def test_unseen_parent_setting_gets_the_uniform_distribution():
    table = CountTable.from_codes(np.array([[0, 1], [0, 0]]), ["A", "B"], [["a0", "a1"], ["b0", "b1", "b2"]])
    net = fit_network(["A", "B"], [["a0", "a1"], ["b0", "b1", "b2"]], {"B": ["A"]}, table, delta=0.0)
    np.testing.assert_allclose(net.cpds[1][1], np.full(3, 1 / 3))
    np.testing.assert_allclose(net.cpds[1][0], [0.5, 0.5, 0.0])


def test_large_sample_recovers_the_true_cpds():
    rng = np.random.default_rng(11)
    network = sim.random_network(5, n_states=3, rng=rng)
    codes, _ = sim.sample_mixture(network, np.full((1, 5), NOT_INTERVENED), np.ones(1), 400_000, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    fitted = fit_network(*_structure(network), table)
    assert fitted.variables == network.variables
    for true, est in zip(network.cpds, fitted.cpds, strict=True):
        assert np.max(np.abs(true - est)) < 0.03


def test_column_order_of_the_table_does_not_matter():
    codes = np.array([[0, 1], [1, 1], [1, 0], [1, 1]])
    ab = CountTable.from_codes(codes, ["A", "B"], [["a0", "a1"], ["b0", "b1"]])
    ba = ab.reorder(["B", "A"])
    states = {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    one = fit_network(["A", "B"], states, {"B": ["A"]}, ab)
    two = fit_network(["A", "B"], states, {"B": ["A"]}, ba)
    for x, y in zip(one.cpds, two.cpds, strict=True):
        np.testing.assert_allclose(x, y)


def test_bad_input_is_named():
    table = CountTable.from_codes(np.array([[0, 1]]), ["A", "B"], [["a0", "a1"], ["b0", "b1"]])
    states = {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    with pytest.raises(UnknownVariableError, match="'C'"):
        fit_network(["A", "B"], states, {"B": ["C"]}, table)
    with pytest.raises(UnknownVariableError, match="'Z'"):
        fit_network(["A", "Z"], {**states, "Z": ["z"]}, {}, table)
    with pytest.raises(DataValueError, match="'B'"):
        fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b1", "b0"]}, {}, table)
    with pytest.raises(ParameterError, match="delta"):
        fit_network(["A", "B"], states, {}, table, delta=-1.0)
    with pytest.raises(DataValueError, match="CountTable"):
        fit_network(["A", "B"], states, {}, pd.DataFrame({"A": ["a0"], "B": ["b0"]}))
    codes_before = table.codes.copy()
    fit_network(["A", "B"], states, {"B": ["A"]}, table)
    np.testing.assert_array_equal(table.codes, codes_before)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(5, 200), st.sampled_from([0.1, 1.0, 3.0]))
def test_prior_gives_the_dirichlet_posterior_mean(seed, n, n_rows, prior):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=[int(c) for c in rng.integers(2, 4, size=n)], rng=rng)
    codes = np.stack([rng.integers(0, c, size=n_rows) for c in network.cardinalities], axis=1)
    table = CountTable.from_codes(codes, network.variables, network.states)
    fitted = fit_network(*_structure(network), table, prior=prior)
    frame = pd.DataFrame(codes, columns=network.variables)
    for i, v in enumerate(fitted.variables):
        pars = [fitted.variables[p] for p in fitted.parents[i]]
        cpd = fitted.cpds[i]
        k = cpd.shape[-1]
        seen = set()
        for key, group in frame.groupby(pars) if pars else [((), frame)]:
            key = key if isinstance(key, tuple) else (key,)
            seen.add(key)
            counts = np.bincount(group[v], minlength=k)
            np.testing.assert_allclose(cpd[tuple(key)], (counts + prior) / (len(group) + k * prior), rtol=1e-12)
        for key in np.ndindex(*cpd.shape[:-1]):
            if key not in seen:  # unseen parent settings: the prior alone, uniform
                np.testing.assert_allclose(cpd[key], np.full(k, 1.0 / k), rtol=1e-12)


def test_exactly_one_smoothing_and_a_positive_prior():
    table = CountTable.from_codes(np.array([[0, 1]]), ["A", "B"], [["a0", "a1"], ["b0", "b1"]])
    states = {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    with pytest.raises(ParameterError, match="not both"):
        fit_network(["A", "B"], states, {"B": ["A"]}, table, delta=0.1, prior=1.0)
    for bad in (0.0, -1.0, float("nan"), "x"):
        with pytest.raises(ParameterError, match="prior"):
            fit_network(["A", "B"], states, {"B": ["A"]}, table, prior=bad)


def test_the_likelihood_method_plugs_in_the_fitted_cpds():
    from pgmpy_mixture.discrete.likelihood import disentangle_likelihood

    rng = np.random.default_rng(3)
    network = sim.random_network(3, graph="chain", rng=rng)
    obs, _ = sim.sample_mixture(network, np.full((1, 3), NOT_INTERVENED), np.ones(1), 2000, rng=rng)
    observational = CountTable.from_codes(obs, network.variables, network.states)
    spec = sim.random_mixture(network, rng=rng)
    codes, _ = sim.sample_mixture(network, spec.targets, spec.weights, 2000, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    for smoothing in ({"prior": 0.5}, {"delta": 0.01}):
        result = disentangle_likelihood(network, table, observational=observational, **smoothing)
        expected = fit_network(*_structure(network), observational, **smoothing)
        for got, want in zip(result.network.cpds, expected.cpds, strict=True):
            np.testing.assert_array_equal(got, want)


def test_cpd_counts_do_not_depend_on_how_rows_are_grouped():
    codes = np.array([[0, 1], [0, 1], [1, 0], [1, 1]])
    merged = fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                         CountTable.from_codes(codes, ["A", "B"], [["a0", "a1"], ["b0", "b1"]]), prior=1.0)
    weighted = CountTable(variables=("A", "B"), states=(("a0", "a1"), ("b0", "b1")),
                          codes=np.array([[0, 1], [1, 0], [1, 1]]), weights=np.array([2.0, 1.0, 1.0]),
                          is_distribution=False, n_rows=4)
    other = fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]}, weighted, prior=1.0)
    np.testing.assert_allclose(merged.cpds[1], other.cpds[1])
    np.testing.assert_allclose(merged.cpds[1], [[1 / 4, 3 / 4], [2 / 4, 2 / 4]])
