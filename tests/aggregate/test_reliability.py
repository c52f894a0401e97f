"""Every aggregate result is a mixture, on every input; estimated marginals without a sample size are detected.

A result's weights sum to 1 (at least one component, all finite and positive) for exact marginals, estimated
marginals with and without ``sample_size``, marginals no mixture explains, marginals summing to nearly 1 and
networks with zero CPD entries; the warnings say why, naming the variable and state (or the option) at fault.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from aggregate_cases import alarm, as_dict, random_weights, small_net
from hypothesis import given, settings
from hypothesis import strategies as st

import pgmpy_mixture
from pgmpy_mixture import CountTable
from pgmpy_mixture.aggregate import disentangle_marginals
from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets, flat_labels
from pgmpy_mixture.discrete.simulate import random_network, sample_mixture
from pgmpy_mixture.errors import (
    DataValueError,
    EstimationWarning,
    ExclusionWarning,
    ParameterError,
    PositivityWarning,
)
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.validation.marginals import MARGINAL_SUM_TOLERANCE

OUR_WARNINGS = (ExclusionWarning, PositivityWarning, EstimationWarning)


def with_zero_entries(network: CausalNetwork, rng: np.random.Generator) -> CausalNetwork:
    """The network with about a third of its CPD entries set to 0 (every distribution keeps one positive entry)."""
    cpds = []
    for cpd in network.cpds:
        table = np.array(cpd)
        drop = rng.random(table.shape) < 0.35
        keep = np.argmax(rng.random(table.shape), axis=-1)
        np.put_along_axis(drop, keep[..., None], False, axis=-1)
        table[drop] = 0.0
        cpds.append(table / table.sum(axis=-1, keepdims=True))
    return CausalNetwork(network.variables, network.states, network.parents, tuple(cpds))


def noisy(flat: np.ndarray, offsets: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Per-variable frequencies of ``size`` samples drawn from the marginals ``flat``."""
    blocks = [flat[offsets[j]:offsets[j + 1]] for j in range(len(offsets) - 1)]
    return np.concatenate([rng.multinomial(size, b / b.sum()) / size for b in blocks])


def assert_a_mixture(result) -> None:
    weights = result.weights
    assert len(result) >= 1 and np.all(np.isfinite(weights)) and np.all(weights > 0)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert all(len(target) <= 1 for target in result.targets)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 5), noise=st.sampled_from([None, 30, 1000, 100_000]),
       given_size=st.booleans(), method=st.sampled_from(["auto", "exact", "bayes", "nnls"]), zeros=st.booleans(),
       dense=st.booleans())
def test_every_result_is_a_mixture_whose_weights_sum_to_one(seed, n, noise, given_size, method, zeros, dense):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 5, size=n)], rng=rng)
    if zeros:
        net = with_zero_entries(net, rng)
    oracle = interventional_marginals(net)
    free = int(np.sum(net.cardinalities - 1))
    x, phi = random_weights(net, rng, free if dense else int(rng.integers(0, free + 1)))
    flat = phi * oracle.observational + x @ oracle.interventional
    if noise is not None:
        flat = noisy(flat, oracle.offsets, noise, rng)
    sized = {"sample_size": noise} if given_size and noise is not None else {}
    marginals = as_dict(net, flat)
    before = copy.deepcopy(marginals)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = disentangle_marginals(net, marginals, method=method, oracle=oracle, **sized)
    assert_a_mixture(result)
    assert marginals == before
    assert all(issubclass(w.category, OUR_WARNINGS) for w in caught), [str(w.message) for w in caught]
    zero_states = oracle.observational <= 1e-12
    if zero_states.any():
        named = [f"{v}={s}" for (v, s), z in zip(flat_labels(net), zero_states, strict=True) if z]
        assert any(w.category is PositivityWarning and named[0] in str(w.message) for w in caught)
    if noise is None and method == "exact" and not zero_states.any():  # Theorem 1: exact marginals, exact weights
        got = {tuple(c.target.items()): c.weight for c in result}
        for (v, s), w in zip(flat_labels(net), x, strict=True):
            assert got.get(((v, s),), 0.0) == pytest.approx(w, abs=1e-8)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 4), noise=st.sampled_from([None, 1000]))
def test_dimm_and_em_results_are_mixtures_too(seed, n, noise):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 4, size=n)], rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(0, int(np.sum(net.cardinalities - 1)) + 1)))
    oracle = interventional_marginals(net)
    flat = phi * oracle.observational + x @ oracle.interventional
    if noise is not None:
        flat = noisy(flat, oracle.offsets, noise, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        assert_a_mixture(disentangle_marginals(net, as_dict(net, flat), method="dimm", n_restarts=1,
                                               random_state=seed, oracle=oracle))
        codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 500, rng=rng)
        table = CountTable.from_codes(codes, net.variables, net.states)
        assert_a_mixture(disentangle_marginals(net, method="em", data=table, oracle=oracle))


def test_estimated_marginals_without_sample_size_are_detected_on_alarm():
    """ALARM at 10^5 samples: no sample_size. Before, Theorem 1 ran on the noisy marginals (68 components, MSE
    about 9x bayes', an exclusion warning that did not say why); now the noise is detected, N estimated from the
    marginals and the noise-aware method used, with a warning naming sample_size."""
    net, oracle = alarm()
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    flat = np.concatenate([table.marginal(v) for v in net.variables])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = disentangle_marginals(net, as_dict(net, flat), oracle=oracle)
    assert [w.category for w in caught] == [EstimationWarning]
    assert "sample_size" in str(caught[0].message) and result.warnings == (str(caught[0].message),)
    assert result.method == "bayes" and result.sample_size is None
    estimate = result.diagnostics["estimated_sample_size"]
    assert 3e4 < estimate < 3e5 and result.options["estimated_sample_size"] == estimate
    got = np.array([result.diagnostics["weights"][lab] for lab in flat_labels(net)])
    system = MarginalSystem(oracle, flat)
    mse_known = np.mean((solve_bayes(system, sample_size=100_000)[0] - x) ** 2)
    mse_exact = np.mean((solve_exact(system)[0] - x) ** 2)
    assert np.mean((got - x) ** 2) < 2 * mse_known and np.mean((got - x) ** 2) < mse_exact / 20
    assert len(result) < 15  # Theorem 1 on the same marginals: about 68 components


def test_exact_marginals_without_sample_size_stay_exact_even_when_dense():
    """A mixture using every identifiable weight leaves no redundancy to detect noise with: exact, no warning."""
    net, oracle = alarm()
    for n_ivn in (0, 5, 68):
        x, phi = random_weights(net, np.random.default_rng(n_ivn), n_ivn, phi=0.2)
        flat = phi * oracle.observational + x @ oracle.interventional
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = pgmpy_mixture.disentangle_marginals(net, as_dict(net, flat), oracle=oracle)
        assert result.method == "exact" and result.options["method"] == "exact"
        got = np.array([result.diagnostics["weights"][lab] for lab in flat_labels(net)])
        np.testing.assert_allclose(got, x, atol=1e-9)


def test_unexplainable_marginals_name_the_state_missed_most():
    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B", "C"], {"A": ["a0", "a1"], "B": ["b0", "b1"], "C": ["c0", "c1"]}, {"B": ["A"]},
        {"A": np.array([0.5, 0.5]), "B": np.array([[0.9, 0.1], [0.1, 0.9]]), "C": np.array([0.5, 0.5])},
    )
    # P_mix(A=a0) = 1 forces do(A=a0) with weight 1, hence P_mix(B) = (0.9, 0.1): (0.1, 0.9) is impossible
    marginals = {"A": {"a0": 1.0, "a1": 0.0}, "B": {"b0": 0.1, "b1": 0.9}, "C": {"c0": 0.5, "c1": 0.5}}
    for sized in ({}, {"sample_size": 1e4}):
        with pytest.warns(ExclusionWarning, match=r"P_mix\([AB]=\w+\) = [\d.]+ is missed by") as caught:
            result = disentangle_marginals(net, marginals, **sized)
        assert_a_mixture(result)
        assert any("sample_size" in str(w.message) or "N=10000" in str(w.message) for w in caught)


@pytest.mark.parametrize("entry", ["core", "top", "model"])
def test_marginals_summing_to_nearly_one_are_accepted_within_the_tolerance_and_refused_beyond(entry):
    net = small_net()
    oracle = interventional_marginals(net)
    exact = as_dict(net, 0.7 * oracle.observational + 0.3 * oracle.interventional[oracle.position("B", "b2")])

    def run(marginals, **kw):
        if entry == "core":
            return disentangle_marginals(net, marginals, **kw)
        if entry == "top":
            return pgmpy_mixture.disentangle_marginals(net, marginals, **kw)
        pytest.importorskip("pgmpy")
        from pgmpy_mixture.adapters.pgmpy import network_to_pgmpy

        return network_to_pgmpy(net).disentangle_mixture(marginals=marginals, **kw)

    rounded = copy.deepcopy(exact)
    rounded["B"]["b0"] += 0.4 * MARGINAL_SUM_TOLERANCE
    before = copy.deepcopy(rounded)
    with pytest.warns(UserWarning, match=r"marginals of B \(sum 1\.0004\) do not sum to 1; accepted \(within "
                                         r"0\.001\) and renormalised"):
        result = run(rounded, sample_size=1e6)
    assert rounded == before and result.diagnostics["marginal_sums"] == {"B": pytest.approx(1.0004)}
    assert_a_mixture(result)
    with warnings.catch_warnings():  # float rounding is renormalised without a word
        warnings.simplefilter("error")
        tiny = copy.deepcopy(exact)
        tiny["A"]["a0"] += 1e-12
        assert "marginal_sums" not in run(tiny, method="exact").diagnostics
    far = copy.deepcopy(exact)
    far["A"]["a1"] += 3 * MARGINAL_SUM_TOLERANCE
    with pytest.raises(DataValueError, match=r"variable 'A' sums to 1\.003, not 1 \(accepted within 0\.001"):
        run(far)


def test_zero_probability_states_warn_naming_variable_and_state_and_the_result_is_still_a_mixture():
    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1"]}, {"B": ["A"]},
        {"A": np.array([0.6, 0.4, 0.0]), "B": np.array([[1.0, 0.0], [0.5, 0.5], [0.2, 0.8]])},
    )
    oracle = interventional_marginals(net)
    flat = 0.8 * oracle.observational + 0.2 * oracle.interventional[oracle.position("A", "a2")]
    for sized in ({}, {"sample_size": 1e4}):
        with pytest.warns(PositivityWarning, match=r"P\(A=a2\) = 0 in the network"):
            result = disentangle_marginals(net, as_dict(net, flat), **sized)
        assert_a_mixture(result)
    # zero CPD entries that leave every state possible (P(B=b1 | A=a0) = 0) do not break Theorem 1: no warning
    positive = pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
        {"A": np.array([0.6, 0.4]), "B": np.array([[1.0, 0.0], [0.5, 0.5]])},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = disentangle_marginals(positive, {"A": {"a0": 0.6, "a1": 0.4}, "B": {"b0": 0.8, "b1": 0.2}})
    assert result.targets == [{}]


BAD_OPTIONS = [
    ({"min_weight": 2}, "min_weight"),  # returned 'observational 1.0' before the options were checked
    ({"min_weight": -1}, "min_weight"),
    ({"min_weight": 1.0}, "min_weight"),
    ({"min_weight": "x"}, "min_weight"),
    ({"method": "dimm", "lam": -1}, "lam"),  # gave 'do(PKA=AVG) 0.995'
    ({"lam": -1}, "lam"),
    ({"sample_size": "x"}, "sample_size"),
    ({"sample_size": 0}, "sample_size"),
    ({"sample_size": -5}, "sample_size"),
    ({"sample_size": float("nan")}, "sample_size"),
    ({"sample_size": float("inf")}, "sample_size"),
    ({"sample_size": True}, "sample_size"),
    ({"random_state": "x"}, "random_state"),
    ({"method": "dimm", "random_state": "x"}, "random_state"),
    ({"method": "dimm", "random_state": -1}, "random_state"),
    ({"method": "dimm", "n_restarts": 0}, "n_restarts"),
    ({"method": "dimm", "epsilon": 1.5}, "epsilon"),
    ({"method": "bayes", "rho": 0}, "rho"),
    ({"method": "bayes", "tau": -1}, "tau"),
    ({"method": "nnls", "penalty": "zz"}, "penalty"),
    ({"method": "exact", "tol": -1}, "tol"),
    ({"tol": -1}, "tol"),
    ({"oracle": "x"}, "oracle"),
]


COMMON = ("min_weight", "sample_size", "random_state", "oracle")


@pytest.mark.parametrize("entry", ["top", "model", "core"])
@pytest.mark.parametrize(("options", "name"), BAD_OPTIONS)
def test_options_out_of_range_raise_a_parameter_error_naming_the_option(entry, options, name):
    """Through pgmpy_mixture.disentangle_marginals and model.disentangle_mixture(marginals=...) every declared
    option is checked (methods.py); the aggregate core checks the arguments it shares with every method."""
    if entry == "core" and name not in COMMON:
        pytest.skip("method options are declared and checked on the entry path (pgmpy_mixture.api)")
    net = load_example_network("sachs")
    marginals = {v: {s: 1 / len(st_) for s in st_} for v, st_ in zip(net.variables, net.states, strict=True)}
    before = copy.deepcopy(marginals)
    with pytest.raises(ParameterError, match=rf"\b{name}\b"):
        if entry == "top":
            pgmpy_mixture.disentangle_marginals(net, marginals, **options)
        elif entry == "model":
            pytest.importorskip("pgmpy")
            from pgmpy_mixture.adapters.pgmpy import network_to_pgmpy

            network_to_pgmpy(net).disentangle_mixture(marginals=marginals, **options)
        else:
            disentangle_marginals(net, marginals, **options)
    assert marginals == before
