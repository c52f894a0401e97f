"""Networks whose CPDs have zero entries (positivity, UAI 2021 Assumption 3.2, fails).

Every test here failed before the likelihood method stored its likelihoods relative to the product of each row's
positive CPD factors: rows impossible under the observational CPDs made it return an empty mixture (asia,
insurance), raise a raw LinAlgError on exact tables, or issue no Python warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.likelihood.identify import canonical_lifts, constant_cpd_rows
from pgmpy_mixture.discrete.metrics import evaluate
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, sample_frame, sample_mixture
from pgmpy_mixture.errors import ExclusionWarning, PositivityWarning
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.network import CausalNetwork


def _copy_network() -> CausalNetwork:
    """B copies A: P(B = b_i | A = a_i) = 1, so rows with B != A are impossible without an intervention."""
    return CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                                     {"A": np.array([0.5, 0.5]), "B": np.array([[1.0, 0.0], [0.0, 1.0]])})


def _table(network, targets, weights, n, seed):
    codes, _ = sample_mixture(network, targets, weights, n, rng=seed)
    return CountTable.from_codes(codes, network.variables, network.states)


def _weights(result) -> dict[str, float]:
    return {c.label: c.weight for c in result}


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_asia_default_call_recovers_the_mixture_and_names_the_zero_entries():
    network = load_example_network("asia")
    rng = np.random.default_rng(0)
    spec = random_mixture(network, n_targets=5, max_target_size=2, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 50_000, rng=rng)
    with pytest.warns(PositivityWarning, match=r"P\(either=yes \| parents\) = 0"):
        result = api.disentangle_mixture(network, frame)
    scores = evaluate(spec.components(network), result, network=network)
    assert result.method == "likelihood" and len(result) >= 5
    assert result.weights.sum() == pytest.approx(1.0)
    assert scores["recall"] == 1.0 and scores["rmse"] < 0.02


def test_rows_impossible_under_the_cpds_identify_the_intervention():
    network = _copy_network()
    table = _table(network, [{}, {"B": "b1"}], [0.7, 0.3], 20_000, 0)
    with pytest.warns(PositivityWarning, match="rows are impossible under the observational CPDs"):
        result = disentangle_likelihood(network, table)
    got = _weights(result)
    assert set(got) == {"observational", "do(B=b1)"}
    assert got["do(B=b1)"] == pytest.approx(0.3, abs=0.02)


def test_a_deterministic_child_makes_two_targets_one_distribution_and_the_smaller_is_reported():
    # on the rows of do(A=a1), B = b1 always: do(A=a1) and do(A=a1, B=b1) are the same distribution
    network = _copy_network()
    table = _table(network, [{}, {"A": "a1", "B": "b1"}], [0.6, 0.4], 5000, 1)
    with pytest.warns(PositivityWarning, match=r"do\(A=a1\) may add B=b1"):
        result = disentangle_likelihood(network, table)
    assert set(_weights(result)) == {"observational", "do(A=a1)"}
    assert result.diagnostics["equivalent"] == [{"component": "do(A=a1)", "undetermined": {"B": "b1"}}]
    assert result.diagnostics["unidentified"] == [{"component": "do(A=a1)", "variable": "B", "states": ["b1"],
                                                   "alternatives": ["do(A=a1, B=b1)"]}]


def test_a_state_of_probability_zero_leaves_the_observational_weight_unidentified():
    # P(A = z) = 0: the observational component equals 0.5 do(A=x) + 0.5 do(A=y), and both satisfy exclusion
    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([0.5, 0.5, 0.0])})
    table = CountTable.from_codes(np.array([[0]] * 50 + [[1]] * 50), network.variables, network.states)
    with pytest.warns(PositivityWarning, match=r"observational is a mixture of do\(A=x\), do\(A=y\)"):
        result = disentangle_likelihood(network, table)
    assert _weights(result) == {"observational": 1.0}


def test_rows_no_exclusion_satisfying_mixture_explains_are_reported_and_the_weights_still_sum_to_one():
    # both states of B are intervened on: exclusion fails, some rows stay unexplained
    network = _copy_network()
    table = _table(network, [{}, {"B": "b1"}, {"B": "b0"}], [0.6, 0.2, 0.2], 5000, 0)
    with pytest.warns(ExclusionWarning, match="probability zero under every recovered component"):
        result = disentangle_likelihood(network, table)
    assert len(result) >= 1 and result.weights.sum() == pytest.approx(1.0)
    assert 0 < result.diagnostics["unexplained_rows_share"] < 0.2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_table_of_asia_is_recovered_by_default(seed):
    # formerly LinAlgError ("SVD did not converge") from the likelihood method, and 'exact' (Algorithm 1, which
    # needs positivity) missed components; "auto" now takes the likelihood method's exact route
    network = load_example_network("asia")
    spec = random_mixture(network, n_targets=5, max_target_size=2, rng=np.random.default_rng(seed))
    table = mixture_distribution(network, spec.targets, spec.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", PositivityWarning)
        result = api.disentangle_mixture(network, table)
    assert result.method == "likelihood"
    scores = evaluate(spec.components(network), result, network=network)
    assert scores["recall"] == 1.0 and scores["rmse"] < 1e-9


def test_exact_input_the_recursion_cannot_reproduce_is_reported():
    # a large random mixture on asia whose prefix has several exclusion-satisfying representations; the one kept at
    # 'either' does not extend to 'xray'
    network = load_example_network("asia")
    spec = random_mixture(network, rng=4)
    table = mixture_distribution(network, spec.targets, spec.weights)
    with pytest.warns(ExclusionWarning, match="does not reproduce the exact input from 'xray' on"):
        result = api.disentangle_mixture(network, table)
    assert result.weights.sum() == pytest.approx(1.0)


def test_auto_keeps_algorithm_1_on_positive_networks():
    network = load_example_network("sachs")
    spec = random_mixture(network, n_targets=4, rng=0)
    result = api.disentangle_mixture(network, mixture_distribution(network, spec.targets, spec.weights))
    assert result.method == "exact"


@pytest.mark.parametrize("method", ["paper", "exact", "likelihood"])
def test_every_method_warns_by_variable_and_state_and_normalises(method):
    network = _copy_network()
    table = _table(network, [{}, {"B": "b1"}], [0.7, 0.3], 2000, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.disentangle_mixture(network, table, method=method)
    positivity = [str(w.message) for w in caught if issubclass(w.category, PositivityWarning)]
    assert any("B=b1" in m for m in positivity), positivity
    assert len(result) >= 1 and result.weights.sum() == pytest.approx(1.0)


def test_constant_cpd_rows_finds_targets_whose_rows_see_one_cpd_row():
    rows = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    first = constant_cpd_rows(np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 2]), rows, 4)
    assert first.tolist() == [0, -1, 2, -1]


def test_canonical_lifts_leave_positive_rows_alone():
    theta = np.array([[0.5, 0.0, 0.3, 0.2]])
    moved, notes = canonical_lifts(theta, np.ones(1), np.array([0]), np.array([0]), np.array([[0.2, 0.3, 0.5]]))
    assert moved.tolist() == theta.tolist() and notes == []


def test_canonical_lifts_move_a_ridge_to_its_largest_untouched_weight():
    # p = (0.5, 0.5, 0): theta = (0.2, 0.5, 0.3, 0) is the same as (0.8, 0.2, 0, 0)
    theta = np.array([[0.2, 0.5, 0.3, 0.0]])
    moved, notes = canonical_lifts(theta, np.ones(1), np.array([0]), np.array([0]), np.array([[0.5, 0.5, 0.0]]))
    np.testing.assert_allclose(moved, [[0.8, 0.2, 0.0, 0.0]])
    assert notes[0].states == (0, 1)
