"""The likelihood method's search on a subsample (``search_rows``): thinning, and the same answer as every row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.api import disentangle_mixture
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
from pgmpy_mixture.discrete.likelihood.lifts import LiftSettings, lift_variable, start_state
from pgmpy_mixture.discrete.likelihood.method import SEARCH_MIN_ROWS
from pgmpy_mixture.discrete.likelihood.search import search_input, thin_counts, thinning_fraction
from pgmpy_mixture.discrete.metrics import evaluate
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import ParameterError


@settings(max_examples=50, deadline=None)
@given(counts=st.lists(st.integers(1, 40), min_size=2, max_size=400), share=st.floats(0.05, 0.95))
def test_the_fraction_keeps_the_asked_number_of_distinct_rows_in_expectation(counts, share):
    n_rows = np.array(counts, dtype=float)
    distinct = max(1, int(share * n_rows.size))
    f = thinning_fraction(n_rows, distinct)
    assert 0.0 < f <= 1.0
    expected = float(np.sum(1.0 - (1.0 - f) ** n_rows)) if f < 1 else float(n_rows.size)
    assert expected == pytest.approx(distinct, abs=1e-6) or (f == 1.0 and expected <= distinct + 1e-9)


@settings(max_examples=50, deadline=None)
@given(counts=st.lists(st.floats(0.0, 30.0), min_size=1, max_size=200), fraction=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**32 - 1))
def test_thinning_never_keeps_a_row_more_often_than_the_data_hold_it(counts, fraction, seed):
    n_rows = np.array(counts)
    before = n_rows.copy()
    first = thin_counts(n_rows, fraction, np.random.default_rng(seed))
    assert np.array_equal(n_rows, before)  # the input is left alone
    assert np.all(first >= 0) and np.all(first <= n_rows + 1e-12)
    assert np.all(first[n_rows == 0] == 0)
    assert np.array_equal(first, thin_counts(n_rows, fraction, np.random.default_rng(seed)))  # seeded


def _instance(seed: int, rows: int = 60_000):
    rng = np.random.default_rng(4000 + seed)
    network = random_network(14, graph="er", max_in_degree=3, rng=rng)
    spec = random_mixture(network, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, rows, rng=rng)
    return network, spec, CountTable.from_codes(codes, network.variables, network.states)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_searching_a_subsample_finds_what_every_row_finds(seed):
    network, spec, table = _instance(seed)
    assert table.codes.shape[0] > 10_000  # the subsample is taken
    full = disentangle_likelihood(network, table, search_rows=None)
    searched = disentangle_likelihood(network, table, search_rows=10_000)
    assert full.diagnostics["search"] is None
    search = searched.diagnostics["search"]
    assert 8_000 < search["distinct_rows"] < 12_000 and search["sample_size"] < table.total
    assert evaluate(spec, searched, network=network)["recall"] == evaluate(spec, full, network=network)["recall"]
    found = {c.label: c.weight for c in searched}
    assert set(found) == {c.label for c in full}
    # the same targets weighed on the same (every) rows: the same joint MLE
    assert max(abs(found[c.label] - c.weight) for c in full) < 1e-6


def test_the_default_search_is_seeded_and_leaves_the_input_alone():
    network, _, table = _instance(0, rows=20_000)
    before = table.weights.copy()
    first = disentangle_likelihood(network, table, search_rows=5_000)
    second = disentangle_likelihood(network, table, search_rows=5_000)
    assert np.array_equal(table.weights, before)
    assert first.targets == second.targets and np.array_equal(first.weights, second.weights)
    assert first.options["search_rows"] == 5_000 and first.options["random_state"] == 0


def test_exact_input_and_small_tables_use_every_row():
    network = random_network(4, graph="er", rng=3)
    spec = random_mixture(network, rng=4)
    exact = disentangle_likelihood(network, mixture_distribution(network, spec.targets, spec.weights),
                                   search_rows=2)
    assert exact.diagnostics["search"] is None
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 2_000, rng=5)
    small = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
    assert small.diagnostics["search"] is None  # at most 3^4 distinct rows, far below the default


@pytest.mark.parametrize("value", [0, -3, 2.5, "many"])
def test_a_bad_search_size_is_refused_by_name(value):
    network = random_network(3, graph="chain", rng=0)
    codes, _ = sample_mixture(network, network.encode_targets([{}]), [1.0], 100, rng=1)
    table = CountTable.from_codes(codes, network.variables, network.states)
    with pytest.raises(ParameterError, match="search_rows"):
        disentangle_mixture(network, table, method="likelihood", search_rows=value)


def test_the_subsample_lifts_keep_no_target_of_fewer_rows_than_the_minimum():
    network, _, table = _instance(0)
    prepared = prepare_inputs(network, table, penalty="local", epsilon=0.0, joint_cpds=False, observational=None,
                              delta=None, prior=1.0)
    searched = search_input(prepared, "local", 10_000, 0)
    smallest = {}
    for min_rows in (0.0, SEARCH_MIN_ROWS):
        state = start_state(searched)
        for j in range(network.n_variables):
            state = lift_variable(searched, state, j, LiftSettings(min_rows=min_rows))
        smallest[min_rows] = float((state.mu * searched.n_rows.sum()).min())
    assert smallest[0.0] < SEARCH_MIN_ROWS  # without the rule, targets of one or two rows of the subsample appear
    assert smallest[SEARCH_MIN_ROWS] >= SEARCH_MIN_ROWS
