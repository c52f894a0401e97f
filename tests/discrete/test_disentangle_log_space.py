"""Exact DISENTANGLE on long prefixes: log-space probabilities, exact recovery where products underflow, short
warnings on large networks."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_disentangle_exact import assert_recovered, random_instance

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.discrete.disentangle import _EXCERPT, disentangle_exact
from pgmpy_mixture.errors import ExclusionWarning
from pgmpy_mixture.model.network import NOT_INTERVENED
from pgmpy_mixture.model.oracle import (
    ExactOracle,
    log_interventional_probability,
    log_mixture_extensions,
    log_mixture_probability,
)


class _LinearOnlyOracle:
    """The two methods of the oracle protocol and nothing else (no log-space answers): the fallback path."""

    sample_size = None

    def __init__(self, inner: ExactOracle) -> None:
        self.network = inner.network
        self._inner = inner

    def interventional_probability(self, targets, settings):
        return self._inner.interventional_probability(targets, settings)

    def mixture_probability(self, settings):
        return self._inner.mixture_probability(settings)


instances = st.tuples(
    st.integers(0, 2**32 - 1),
    st.integers(1, 7),
    st.sampled_from(["chain", "dense", "er", "sf"]),
    st.integers(2, 4),
    st.integers(1, 12),
)


@settings(max_examples=40, deadline=None)
@given(instances, st.integers(0, 2**32 - 1))
def test_log_probabilities_agree_with_the_products(params, seed):
    network, spec = random_instance(*params)
    rng = np.random.default_rng(seed)
    n = network.n_variables
    j = int(rng.integers(0, n))  # prefix length; the next variable V_{j+1} exists
    cards = network.cardinalities
    prefixes = np.stack([rng.integers(0, cards[i], size=6) for i in range(j)], axis=1) if j else np.zeros((6, 0), int)
    oracle = ExactOracle(network, spec.targets, spec.weights)
    linear = _LinearOnlyOracle(oracle)
    # P_t(v) by brute force: consistency on the intervened variables times the CPD product over the others
    cond = network.conditional_probabilities(prefixes)
    targets = spec.targets[:, :j]
    agree = np.all((targets[:, None, :] == NOT_INTERVENED) | (targets[:, None, :] == prefixes[None, :, :]), axis=2)
    product = np.prod(np.where(targets[:, None, :] == NOT_INTERVENED, cond[None, :, :], 1.0), axis=2)
    expected = np.where(agree, product, 0.0)
    for source in (oracle, linear):
        got = np.exp(log_interventional_probability(source, spec.targets, prefixes))
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    # one-variable extensions: the ExactOracle shortcut against P_mix of the extended settings
    k = int(cards[j])
    extended = np.concatenate([np.repeat(prefixes, k, axis=0), np.tile(np.arange(k), len(prefixes))[:, None]], axis=1)
    direct = oracle.mixture_probability(extended).reshape(-1, k)
    np.testing.assert_allclose(np.exp(log_mixture_extensions(oracle, prefixes)), direct, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_mixture_extensions(linear, prefixes)), direct, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_mixture_probability(oracle, extended)), direct.ravel(), rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(instances)
def test_exact_recovery_through_an_oracle_without_log_answers(params):
    network, spec = random_instance(*params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = disentangle_exact(_LinearOnlyOracle(ExactOracle(network, spec.targets, spec.weights)))
    assert_recovered(result, network, spec)
    assert result.diagnostics["max_verification_error"] < 1e-9


def _large_instance(n: int, k: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=k, graph="er", n_edges=2 * n, max_in_degree=3, rng=rng)
    return network, sim.random_mixture(network, n_targets=m, rng=rng)


def test_exact_recovery_where_the_prefix_products_underflow():
    # failed before: at N = 500 and k = 5 the prefix probabilities fell below 1e-300, the run reported exclusion
    # failures on this valid input and returned wrong targets (at N = 400 it asked for a 31,637^2 matrix)
    network, spec = _large_instance(600, 5, 24, seed=11)
    oracle = ExactOracle(network, spec.targets, spec.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = disentangle_exact(oracle)
    # the last step's setting for the observational target (every variable at its excluded value) has a probability
    # below the smallest float, and so has P_mix there; their logarithms are finite
    excluded = network.encode_targets([result.diagnostics["excluded_values"]])
    empty = np.full((1, network.n_variables), NOT_INTERVENED)
    assert network.interventional_probability(empty, excluded)[0, 0] == 0.0
    assert oracle.mixture_probability(excluded)[0] == 0.0
    assert np.isfinite(oracle.log_mixture_probability(excluded)[0])
    assert_recovered(result, network, spec)
    assert result.warnings == ()
    assert result.diagnostics["max_verification_error"] < 1e-9
    assert result.diagnostics["weight_sum_before_normalisation"] == pytest.approx(1.0, abs=1e-9)


def test_warnings_on_a_large_network_are_short():
    """Targets that use every value of the last two variables (no exclusion-satisfying mixture explains them) after
    400 others: every warning names the variable and shows a few assignments, not hundreds."""
    rng = np.random.default_rng(5)
    network = sim.random_network(402, n_states=3, graph="chain", rng=rng)
    a, b = network.variables[-2], network.variables[-1]
    sa, sb = network.states[-2], network.states[-1]
    targets = network.encode_targets(
        [{a: sa[0], b: sb[0]}, {a: sa[1], b: sb[1]}, {a: sa[2], b: sb[2]}, {a: sa[2]}, {b: sb[1]}, {}]
    )
    weights = np.array([0.25, 0.2, 0.1, 0.2, 0.15, 0.1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = disentangle_exact(ExactOracle(network, targets, weights))
    assert any(issubclass(w.category, ExclusionWarning) for w in caught)
    messages = [str(w.message) for w in caught] + list(result.warnings)
    exclusion = [msg for msg in messages if "exclusion" in msg]
    assert exclusion and all(a in msg or b in msg for msg in exclusion)
    for msg in messages:
        assert len(msg) < 700, msg
        assert len(re.findall(r"V\d+=", msg)) <= 2 * _EXCERPT, msg
    assert any("earlier variables" in msg for msg in exclusion)  # an excerpt of a 400-variable setting


def test_row_log_likelihood_is_finite_where_the_product_underflows():
    # failed before: CausalNetwork.log_likelihood took the log of the product, -inf on full rows of 600 variables
    network, _ = _large_instance(600, 5, 1, seed=11)
    rows, _ = sim.sample_mixture(network, [{}], [1.0], 4, rng=0)
    empty = np.full((1, network.n_variables), NOT_INTERVENED)
    assert network.interventional_probability(empty, rows).max() == 0.0  # every product underflows
    log_lik = network.log_likelihood(empty, rows)
    assert np.isfinite(log_lik).all() and log_lik.max() < np.log(np.finfo(float).tiny)
    cond = network.conditional_probabilities(rows.astype(np.int64))
    np.testing.assert_allclose(log_lik[0], np.log(cond).sum(axis=1), rtol=1e-12)
