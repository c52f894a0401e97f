"""Tests of the likelihood-based DISENTANGLE (``method="likelihood"``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.api import disentangle_mixture
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import constrained_covariance, disentangle_likelihood
from pgmpy_mixture.discrete.metrics import evaluate
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import NOT_INTERVENED


def _as_dict(result):
    return {tuple(sorted(c.target.items())): c.weight for c in result.components}


def _truth(network, spec):
    return {tuple(sorted(c.target.items())): c.weight for c in spec.components(network)}


@settings(max_examples=25, deadline=None)
@given(
    n_nodes=st.integers(1, 6),
    n_states=st.integers(2, 4),
    graph=st.sampled_from(["chain", "dense", "er", "sf"]),
    n_targets=st.integers(1, 16),
    seed=st.integers(0, 10**6),
)
def test_exact_input_gives_the_exact_answer(n_nodes, n_states, graph, n_targets, seed):
    rng = np.random.default_rng(seed)
    network = random_network(n_nodes, n_states=n_states, graph=graph, rng=rng)
    # at most n_states ** n_nodes distinct exclusion-satisfying targets exist (k - 1 values or none per variable)
    spec = random_mixture(network, n_targets=min(n_targets, n_states**n_nodes), rng=rng)
    table = mixture_distribution(network, spec.targets, spec.weights)
    result = disentangle_likelihood(network, table)
    truth, found = _truth(network, spec), _as_dict(result)
    assert set(found) == set(truth)
    for key, weight in truth.items():
        assert abs(found[key] - weight) < 1e-9
    assert result.sample_size is None


def test_exact_input_through_the_api_with_method_likelihood():
    network = random_network(5, graph="dense", rng=3)
    spec = random_mixture(network, rng=4)
    table = mixture_distribution(network, spec.targets, spec.weights)
    result = disentangle_mixture(network, table, method="likelihood")
    assert result.options["method"] == "likelihood"
    assert evaluate(spec, result, network=network)["rmse"] < 1e-9


def test_auto_uses_likelihood_for_samples():
    network = random_network(3, graph="chain", rng=0)
    spec = random_mixture(network, rng=1)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 5000, rng=2)
    result = disentangle_mixture(network, CountTable.from_codes(codes, network.variables, network.states))
    assert result.method == "likelihood" and result.options["method"] == "likelihood"
    assert result.sample_size == 5000
    assert result.options["penalty"] == "local"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_large_samples_recover_every_target(seed):
    rng = np.random.default_rng(100 + seed)
    network = random_network(6, graph="sf", rng=rng)
    spec = random_mixture(network, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 200_000, rng=rng)
    result = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
    scores = evaluate(spec, result, network=network)
    assert scores["recall"] == 1.0
    truth, found = _truth(network, spec), _as_dict(result)
    assert max(abs(found[k] - w) for k, w in truth.items()) < 0.02
    assert abs(sum(found.values()) - 1.0) < 1e-9


def test_beats_the_paper_method_at_small_samples():
    recalls = {"likelihood": [], "paper": []}
    for seed in range(4):
        rng = np.random.default_rng(seed)
        network = random_network(6, graph="sf", rng=rng)
        spec = random_mixture(network, rng=rng)
        codes, _ = sample_mixture(network, spec.targets, spec.weights, 10_000, rng=rng)
        table = CountTable.from_codes(codes, network.variables, network.states)
        for method in recalls:
            result = disentangle_mixture(network, table, method=method)
            recalls[method].append(evaluate(spec, result, network=network)["recall"])
    assert np.mean(recalls["likelihood"]) > np.mean(recalls["paper"]) + 0.1
    assert np.mean(recalls["likelihood"]) >= 0.85


def test_penalty_controls_false_positives():
    rng = np.random.default_rng(5)
    network = random_network(5, graph="er", rng=rng)
    spec = random_mixture(network, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 3000, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    # the recursion's pruning alone (the final existence test would set aside targets of every run)
    loose = disentangle_likelihood(network, table, penalty=0.0, existence_penalty=None)
    strict = disentangle_likelihood(network, table, penalty="bic", existence_penalty=None)
    assert len(strict) <= len(loose)
    assert strict.options["penalty_value"] == pytest.approx(0.5 * np.log(3000))
    local = disentangle_likelihood(network, table, existence_penalty=None)  # BIC on each target's own rows
    assert local.options["penalty"] == "local"
    assert len(strict) <= len(local) <= len(loose)


def test_local_penalty_is_bic_on_the_target_rows_with_aic_floor():
    from pgmpy_mixture.discrete.likelihood import local_penalty

    values = local_penalty(10_000.0, np.array([1.0, 0.01, 1e-6]))
    assert values == pytest.approx([0.5 * np.log(10_000), 0.5 * np.log(100), 1.0])


def test_observational_samples_plug_in_cpds():
    rng = np.random.default_rng(11)
    network = random_network(4, graph="chain", rng=rng)
    spec = random_mixture(network, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 100_000, rng=rng)
    obs, _ = sample_mixture(network, np.full((1, 4), NOT_INTERVENED), [1.0], 100_000, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    observational = CountTable.from_codes(obs, network.variables, network.states)
    result = disentangle_mixture(network, table, method="likelihood", observational=observational)
    assert result.options["cpds"] == "fitted (plug-in, Dirichlet(1) posterior mean)"
    paper_style = disentangle_likelihood(network, table, observational=observational, delta=1e-5)
    assert paper_style.options["cpds"] == "fitted (plug-in, MLE smoothed by delta=1e-05)"
    assert evaluate(spec, paper_style, network=network)["recall"] >= 0.9
    joint = disentangle_likelihood(network, table, observational=observational, joint_cpds=True)
    assert joint.options["cpds"].startswith("fitted jointly")
    assert evaluate(spec, joint, network=network)["recall"] >= 0.9
    assert joint.network is not network and np.all(np.concatenate([c.ravel() for c in joint.network.cpds]) > 0)
    assert result.options["delta"] is None
    assert evaluate(spec, result, network=network)["recall"] >= 0.9
    with pytest.raises(ParameterError, match="delta"):
        disentangle_likelihood(network, table, delta=0.1)


def test_does_not_modify_the_input_and_is_deterministic():
    network = random_network(4, graph="er", rng=7)
    spec = random_mixture(network, rng=8)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 4000, rng=9)
    table = CountTable.from_codes(codes, network.variables, network.states)
    before = table.weights.copy()
    first = disentangle_likelihood(network, table)
    second = disentangle_likelihood(network, table)
    assert np.array_equal(table.weights, before)
    assert first.targets == second.targets and np.allclose(first.weights, second.weights)


def test_bad_options_and_inputs_raise_our_errors():
    network = random_network(2, graph="chain", rng=0)
    table = mixture_distribution(network, [{}], [1.0])
    with pytest.raises(ParameterError, match="penalty"):
        disentangle_likelihood(network, CountTable.from_codes(table.codes, network.variables, network.states),
                               penalty="nope")
    with pytest.raises(ParameterError, match="epsilon"):
        disentangle_likelihood(network, table, epsilon=2.0)
    with pytest.raises(DataValueError, match="CountTable"):
        disentangle_likelihood(network, table.codes)
    other = CountTable.from_codes(np.zeros((2, 1), dtype=int), ["Z"], [["a"]])
    with pytest.raises(DataValueError, match="not a variable of the model"):
        disentangle_likelihood(network, other)


def test_positivity_violation_is_reported():
    from pgmpy_mixture.model.network import CausalNetwork

    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([0.5, 0.5, 0.0])})
    codes = np.array([[0]] * 50 + [[1]] * 50)
    result = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
    assert any("positivity" in w for w in result.warnings)


def test_constrained_covariance_sums_to_zero():
    info = np.array([[50.0, 10.0, 0.0], [10.0, 80.0, 5.0], [0.0, 5.0, 40.0]])
    cov = constrained_covariance(info)
    assert np.allclose(cov.sum(axis=0), 0.0, atol=1e-12)
    assert np.all(np.diag(cov) > 0)


def test_a_target_whose_children_all_fail_the_test_keeps_its_best_child():
    # one row: each child alone fails the likelihood-ratio test, but the lift must keep one of them
    from pgmpy_mixture.model.network import CausalNetwork

    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    table = CountTable.from_codes(np.array([[0]]), ["A"], [["x", "y"]])
    result = disentangle_likelihood(network, table)
    assert len(result) == 1 and result.sample_size == 1
    assert sum(c.weight for c in result) == pytest.approx(1.0)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_rows_impossible_under_the_observational_cpds_are_measured_and_reported():
    import warnings as pywarnings

    from pgmpy_mixture.model.network import CausalNetwork

    # B copies A except that do(B=b1) also happens: rows (a0, b1) are impossible without the intervention
    net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                                    {"A": np.array([0.5, 0.5]), "B": np.array([[1.0, 0.0], [0.0, 1.0]])})
    rng = np.random.default_rng(0)
    targets = net.encode_targets([{}, {"B": "b1"}])
    codes, _ = sample_mixture(net, targets, np.array([0.7, 0.3]), 20_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    impossible = float(np.mean((codes[:, 0] == 0) & (codes[:, 1] == 1)))
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", UserWarning)  # the positivity warnings of the entry point
        result = disentangle_likelihood(net, table)
    assert np.isclose(result.diagnostics["impossible_rows_share"], impossible)
    assert any(f"{impossible:.1%} of the rows are impossible" in w for w in result.warnings)
    # a positive network has no impossible rows and no such warning
    positive = random_network(3, rng=1)
    spec = random_mixture(positive, n_targets=3, rng=2)
    sample, _ = sample_mixture(positive, spec.targets, spec.weights, 5000, rng=3)
    clean = disentangle_likelihood(positive, CountTable.from_codes(sample, positive.variables, positive.states))
    assert clean.diagnostics["impossible_rows_share"] == 0.0
    assert not any("impossible" in w for w in clean.warnings)


def test_a_weight_worth_less_than_half_a_row_is_dropped():
    # failed before: the polish left 4.7e-14 on a component the data do not need (shown as weight 0.0000)
    from pgmpy_mixture.discrete.likelihood.polish import polish_weights
    from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods

    # component 0 explains both rows, component 1 only row 0: the MLE puts everything on component 0
    lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 0]), np.zeros(3), 2, 2)
    out = polish_weights(lik, np.array([50.0, 50.0]), np.array([0.5, 0.5]), exact=False, epsilon=0.0,
                         polish_steps=30, newton_steps=20)
    assert out.keep.tolist() == [0] and out.mu.tolist() == [1.0]
    # a component that alone explains one row keeps its weight of one row
    lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    out = polish_weights(lik, np.array([99.0, 1.0]), np.array([0.5, 0.5]), exact=False, epsilon=0.0,
                         polish_steps=30, newton_steps=20)
    assert out.keep.tolist() == [0, 1] and out.mu[1] == pytest.approx(0.01)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_nearly_deterministic_cpd_does_not_make_every_target_an_intervention(seed):
    # failed before: B is b2 with probability 0.9998 whatever A is; its rare states were seen about twice, the
    # excluded state chosen was one seen 0 times, so theta_0 = 0 and every target became do(..., B=b2) (barley)
    from pgmpy_mixture.model.network import CausalNetwork

    net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
                                    {"A": np.array([0.3, 0.3, 0.4]), "B": np.tile([1e-4, 1e-4, 0.9998], (3, 1))})
    codes, _ = sample_mixture(net, net.encode_targets([{}, {"A": "a1"}]), np.array([0.6, 0.4]), 20000, rng=seed)
    result = disentangle_likelihood(net, CountTable.from_codes(codes, net.variables, net.states))
    assert {c.label for c in result} == {"observational", "do(A=a1)"}


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_mildew_runs_without_numpy_warnings():
    # failed before: "invalid value encountered in multiply" in the Newton step (w = c / mix**2 overflowed next to
    # a cell of CPD probability 0)
    import warnings as pywarnings

    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
    from pgmpy_mixture.model.examples import load_example_network

    network = load_example_network("mildew")
    rng = np.random.default_rng(0)
    spec = random_mixture(network, n_targets=5, max_target_size=2, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 5000, rng=rng)
    table = CountTable.from_frame(frame, network.variables, network.states)
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", UserWarning)
        result = disentangle_likelihood(network, table)
    assert result.weights.sum() == pytest.approx(1.0)
