"""Exact DISENTANGLE (UAI 2021 Algorithm 1): exact recovery on random instances, assumption checks."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.api import disentangle_mixture
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.disentangle import disentangle_exact, solve_base_system
from pgmpy_mixture.errors import ExclusionWarning, ParameterError, PositivityWarning
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import EmpiricalOracle, ExactOracle


def random_instance(seed: int, n: int, graph: str, max_card: int, n_targets: int, max_in_degree: int | None = None):
    """A random network (2..max_card states per variable) and an exclusion-satisfying mixture on it."""
    rng = np.random.default_rng(seed)
    cards = [int(c) for c in rng.integers(2, max_card + 1, size=n)]
    net = sim.random_network(n, n_states=cards, graph=graph, max_in_degree=max_in_degree, rng=rng)
    while True:
        try:
            return net, sim.random_mixture(net, n_targets=n_targets, rng=rng)
        except ParameterError:  # fewer distinct exclusion-satisfying targets exist than asked for
            n_targets -= 1


def as_dict(network: CausalNetwork, targets: np.ndarray, weights: np.ndarray) -> dict:
    return {tuple(sorted(network.decode_target(t).items())): float(w) for t, w in zip(targets, weights, strict=True)}


def assert_recovered(result, network: CausalNetwork, spec, atol: float = 1e-9) -> None:
    truth = as_dict(network, spec.targets, spec.weights)
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert set(got) == set(truth), f"missing {set(truth) - set(got)}, spurious {set(got) - set(truth)}"
    for key, weight in truth.items():
        assert abs(got[key] - weight) <= atol, (key, got[key], weight)


instances = st.tuples(
    st.integers(0, 2**32 - 1),
    st.integers(1, 8),
    st.sampled_from(["chain", "dense", "er", "sf"]),
    st.integers(2, 5),
    st.integers(1, 16),
)


@settings(max_examples=60, deadline=None)
@given(instances)
def test_exact_recovery_through_exact_oracle(params):
    network, spec = random_instance(*params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a valid instance must not trigger any assumption warning
        result = disentangle_exact(ExactOracle(network, spec.targets, spec.weights))
    assert_recovered(result, network, spec)
    assert result.warnings == ()
    assert result.diagnostics["max_verification_error"] < 1e-9


@settings(max_examples=40, deadline=None)
@given(instances)
def test_exact_recovery_through_probability_table(params):
    network, spec = random_instance(*params)
    table = sim.mixture_distribution(network, spec.targets, spec.weights)
    assert table.is_distribution
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        via_oracle = disentangle_exact(EmpiricalOracle(network, table))
        via_api = disentangle_mixture(network, table)  # "auto" picks exact for a probability table
    assert_recovered(via_oracle, network, spec)
    assert_recovered(via_api, network, spec)
    assert via_api.options["method"] == "exact"
    assert via_api.sample_size is None


@settings(max_examples=3, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["er", "sf", "chain"]))
def test_exact_recovery_at_100_nodes(seed, graph):
    network, spec = random_instance(seed, 100, graph, 5, 32, max_in_degree=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = disentangle_exact(ExactOracle(network, spec.targets, spec.weights))
    assert_recovered(result, network, spec)


def test_exact_recovery_all_targets_of_a_small_network():
    """Every exclusion-satisfying target of a 2-variable network at once (the densest mixture there is)."""
    rng = np.random.default_rng(3)
    network = sim.random_network(2, n_states=3, graph="chain", rng=rng)
    excluded = np.array([2, 0])
    rows = [[a, b] for a in (-1, 0, 1) for b in (-1, 1, 2)]
    targets = np.array(rows)
    weights = rng.dirichlet(np.ones(len(rows)))
    result = disentangle_exact(ExactOracle(network, targets, weights))
    truth = as_dict(network, targets, weights)
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert set(got) == set(truth)
    assert max(abs(got[k] - truth[k]) for k in truth) < 1e-9
    assert result.diagnostics["excluded_values"] == {"V0": network.states[0][excluded[0]], "V1": network.states[1][0]}


# ---------------------------------------------------------------------- Lemma 4.1
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.floats(0.01, 5.0))
def test_solve_base_system_recovers_the_solution_with_a_zero(seed, k, c):
    rng = np.random.default_rng(seed)
    a = rng.dirichlet(np.ones(k)) * c
    x = rng.dirichlet(np.ones(k)) * rng.random()
    x[rng.integers(k)] = 0.0
    b = c * x - a * x.sum()
    got, residual = solve_base_system(a, b, c)
    np.testing.assert_allclose(got, x, atol=1e-12)
    assert residual < 1e-12
    assert np.all(got >= 0) and np.any(got == 0)


def test_solve_base_system_clips_inconsistent_input():
    a = np.array([0.5, 0.5])
    got, residual = solve_base_system(a, np.array([0.3, 0.3]))  # sum(b) != 0: no solution at all
    assert np.all(got >= 0) and residual > 0.1


def test_solve_base_system_rejects_bad_arguments():
    with pytest.raises(ParameterError):
        solve_base_system(np.array([0.5, 0.5]), np.array([0.1]))
    with pytest.raises(ParameterError):
        solve_base_system(np.array([0.5, 0.5]), np.array([0.1, -0.1]), c=0.0)


# ---------------------------------------------------------------------- assumption violations
def _two_node_network(b_given_a: np.ndarray) -> CausalNetwork:
    return CausalNetwork.from_tables(
        ["A", "B"],
        {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]},
        {"B": ["A"]},
        {"A": np.array([0.2, 0.3, 0.5]), "B": b_given_a},
    )


def _joint_table(network: CausalNetwork, joint: np.ndarray) -> CountTable:
    cells = np.array([[a, b] for a in range(3) for b in range(3)])
    return CountTable.from_codes(cells, network.variables, network.states, joint.reshape(-1), is_distribution=True)


def test_exclusion_violation_is_reported_with_the_variable():
    """P_mix = P(A) Q(B|A) with Q unlike P(B|A) at every A: no mixture of interventions explains it."""
    p_b = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    q_b = np.array([[0.1, 0.3, 0.6], [0.5, 0.1, 0.4], [0.2, 0.7, 0.1]])
    network = _two_node_network(p_b)
    table = _joint_table(network, np.array([0.2, 0.3, 0.5])[:, None] * q_b)
    with pytest.warns(ExclusionWarning, match="'B'"):
        result = disentangle_mixture(network, table, method="exact")
    assert any("exclusion" in w for w in result.warnings)
    assert result.diagnostics["max_verification_error"] > 1e-3


def test_exclusion_violation_when_targets_use_every_value():
    """Targets use every value of A and change B's law differently: not exclusion-explainable."""
    p_b = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    network = _two_node_network(p_b)
    targets = network.encode_targets(
        [{"A": "a0", "B": "b0"}, {"A": "a1", "B": "b1"}, {"A": "a2", "B": "b2"}, {"A": "a2"}, {"B": "b1"}]
    )
    weights = np.array([0.3, 0.2, 0.1, 0.25, 0.15])
    with pytest.warns(ExclusionWarning):
        result = disentangle_exact(ExactOracle(network, targets, weights))
    assert result.warnings


def test_positivity_violation_is_reported_with_variable_and_state():
    p_b = np.array([[0.6, 0.4, 0.0], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    network = _two_node_network(p_b)
    targets = network.encode_targets([{}, {"A": "a1"}])
    with pytest.warns(PositivityWarning, match=r"B=b2"):
        result = disentangle_exact(ExactOracle(network, targets, np.array([0.6, 0.4])))
    assert any("positivity" in w and "B=b2" in w for w in result.warnings)


def test_result_metadata_and_progress_bar(capsys):
    network, spec = random_instance(5, 4, "er", 3, 6)
    started = time.perf_counter()
    result = disentangle_exact(ExactOracle(network, spec.targets, spec.weights), progress=True)
    elapsed = time.perf_counter() - started
    assert "DISENTANGLE" in capsys.readouterr().err
    assert result.method == "exact"
    assert result.options["tolerance"] == 1e-10
    assert abs(result.weights.sum() - 1.0) < 1e-9
    assert result.diagnostics["max_residual"] < 1e-9
    assert 0 < result.diagnostics["run_time_seconds"] <= elapsed
    assert list(result.weights) == sorted(result.weights, reverse=True)


def test_negative_tolerance_is_rejected():
    network, spec = random_instance(1, 2, "chain", 3, 2)
    with pytest.raises(ParameterError, match="tolerance"):
        disentangle_exact(ExactOracle(network, spec.targets, spec.weights), tolerance=-1.0)


def test_entry_point_warns_on_positivity_but_still_runs_exact():
    p_b = np.array([[0.6, 0.4, 0.0], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    network = _two_node_network(p_b)
    targets = network.encode_targets([{}, {"A": "a1"}, {"A": "a2", "B": "b1"}])
    weights = np.array([0.5, 0.3, 0.2])
    cells = np.array([[a, b] for a in range(3) for b in range(3)])
    probs = ExactOracle(network, targets, weights).mixture_probability(cells)
    table = CountTable.from_codes(cells, network.variables, network.states, probs, is_distribution=True)
    with pytest.warns(PositivityWarning, match="'B'|B=b2"):
        result = disentangle_mixture(network, table, method="exact")
    assert result.options["method"] == "exact"
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert got[()] == pytest.approx(0.5) and got[(("A", "a1"),)] == pytest.approx(0.3)


def test_sampled_frequencies_passed_as_probabilities_are_detected_and_the_weights_sum_to_one():
    # failed before: 'exact' returned weights summing to 3.02 (or 1.07 on a rounded table) with no pointer to counts
    from pgmpy_mixture.errors import EstimationWarning

    network, spec = random_instance(3, 4, "er", 3, 5)
    codes, _ = sim.sample_mixture(network, spec.targets, spec.weights, 5000, rng=1)
    counts = CountTable.from_codes(codes, network.variables, network.states)
    frequencies = CountTable.from_codes(counts.codes, network.variables, network.states,
                                        counts.weights / counts.total)
    assert frequencies.is_distribution
    with pytest.warns(EstimationWarning, match="multiples of 1/5000: they look like the relative frequencies"):
        result = disentangle_mixture(network, frequencies)
    assert result.method == "exact"
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.diagnostics["weight_sum_before_normalisation"] > 1.0 + 1e-6
    assert any("Pass the counts instead" in w for w in result.warnings)


def test_a_rounded_exact_table_is_normalised_and_reported():
    from pgmpy_mixture.errors import EstimationWarning

    network, spec = random_instance(4, 3, "er", 3, 4)
    table = sim.mixture_distribution(network, spec.targets, spec.weights)
    rounded = CountTable.from_codes(table.codes, network.variables, network.states, np.round(table.weights, 3),
                                    is_distribution=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = disentangle_exact(EmpiricalOracle(network, rounded))
    assert result.weights.sum() == pytest.approx(1.0)
    if abs(result.diagnostics["weight_sum_before_normalisation"] - 1) > 1e-6:
        assert any(issubclass(w.category, EstimationWarning) for w in caught)


def test_exact_input_gives_no_inexact_warning():
    network, spec = random_instance(5, 4, "er", 3, 5)
    table = sim.mixture_distribution(network, spec.targets, spec.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = disentangle_exact(EmpiricalOracle(network, table))
    assert result.warnings == () and result.sample_size is None


def test_exclusion_warnings_on_a_large_network_name_the_variable_with_a_short_excerpt():
    """A failing setting of a 40-variable network is shown as an excerpt, not as all of its 40 assignments
    (before: each warning printed the whole setting, up to some 700 characters here)."""
    net = sim.random_network(40, n_states=3, graph="chain", rng=0)
    targets = np.full((6, 40), -1)
    targets[1, 20], targets[2, 20], targets[3, 20], targets[3, 39] = 0, 1, 2, 0  # every state of V20 is used
    targets[4, 39], targets[5, 39] = 1, 2
    oracle = ExactOracle(net, targets, [0.3, 0.1, 0.1, 0.2, 0.15, 0.15])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        disentangle_exact(oracle)
    messages = [str(w.message) for w in caught if issubclass(w.category, ExclusionWarning)]
    assert any("'V39'" in m for m in messages)
    assert max(len(m) for m in messages) < 300
    assert "earlier variables" in " ".join(messages)
