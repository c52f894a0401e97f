"""DISENTANGLE-FINITE (UAI 2021 Appendix D, ``method="paper"``) and the core entry point."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_disentangle_exact import as_dict, assert_recovered, random_instance

from pgmpy_mixture import simulate as sim
from pgmpy_mixture.api import available_methods, disentangle_mixture, register_method
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.disentangle import _prune_and_exclude, _Run, disentangle_exact, disentangle_paper
from pgmpy_mixture.errors import DataTypeError, EstimationWarning, ExclusionWarning, ParameterError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.model.oracle import EmpiricalOracle, ExactOracle
from pgmpy_mixture.result import Component, MixtureResult


def sampled(seed: int, n: int, n_samples: int, n_targets: int | None = None):
    rng = np.random.default_rng(seed)
    network = sim.random_network(n, n_states=3, rng=rng)
    spec = sim.random_mixture(network, n_targets=n_targets, rng=rng)
    codes, _ = sim.sample_mixture(network, spec.targets, spec.weights, n_samples, rng=rng)
    return network, spec, CountTable.from_codes(codes, network.variables, network.states), rng


def recall_and_error(network, spec, result) -> tuple[float, float, set]:
    truth = as_dict(network, spec.targets, spec.weights)
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    hits = set(truth) & set(got)
    err = max((abs(truth[k] - got[k]) for k in hits), default=np.inf)
    return len(hits) / len(truth), err, {truth[k] for k in set(truth) - hits}


def test_paper_mode_converges_on_large_samples():
    # A statistical property over several random instances, not one seed: at N=4 and 10^6 samples the
    # finite-sample algorithm finds nearly every target, and its weight errors are small (its errors
    # accumulate along the topological order, so single instances may be off by a few percent).
    recalls, errors = [], []
    for seed in range(4):
        network, spec, table, _ = sampled(seed, 4, 10**6)
        result = disentangle_paper(EmpiricalOracle(network, table))
        rec, err, missed = recall_and_error(network, spec, result)
        recalls.append(rec)
        errors.append(err)
        assert all(w < 0.05 for w in missed)  # only light components may be lost
        assert abs(result.weights.sum() - 1.0) < 1e-12
        assert result.sample_size == 10**6
    assert np.mean(recalls) >= 0.9
    assert np.median(errors) < 0.02
    assert max(errors) < 0.1


def test_paper_mode_improves_with_sample_size():
    recalls = {}
    for m in (300, 10**6):
        values = []
        for seed in range(3):
            network, spec, table, _ = sampled(seed, 4, m)
            values.append(recall_and_error(network, spec, disentangle_paper(EmpiricalOracle(network, table)))[0])
        recalls[m] = np.mean(values)
    assert recalls[10**6] > recalls[300] + 0.2


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 7), st.sampled_from(["chain", "dense", "er"]), st.integers(2, 4))
def test_paper_mode_is_exact_on_exact_input_below_the_smallest_weight(seed, n, graph, max_card):
    """On exact input, pruning below every true weight removes nothing real: recovery is exact."""
    network, spec = random_instance(seed, n, graph, max_card, 10)
    epsilon = 0.5 * float(spec.weights.min())
    result = disentangle_paper(ExactOracle(network, spec.targets, spec.weights), epsilon=epsilon)
    assert_recovered(result, network, spec, atol=1e-9)
    assert result.diagnostics["n_exclusion_fixes"] == 0


def test_epsilon_prunes_light_components_and_weights_still_sum_to_one():
    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([0.2, 0.3, 0.5])})
    targets = network.encode_targets([{}, {"A": "y"}, {"A": "x"}])
    oracle = ExactOracle(network, targets, np.array([0.6, 0.395, 0.005]))
    result = disentangle_paper(oracle, epsilon=0.01)
    assert [c.label for c in result] == ["observational", "do(A=y)"]
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.diagnostics["n_pruned"] == 1
    assert result.diagnostics["pruned_weight"] == pytest.approx(0.005)
    assert len(disentangle_paper(oracle, epsilon=0.001)) == 3


class _InconsistentOracle:
    """P_mix(A) = (1.5, -0.5): not a distribution, so the lift overshoots mu = 1."""

    sample_size = None

    def __init__(self) -> None:
        self.network = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})

    def interventional_probability(self, targets, settings):
        return self.network.interventional_probability(targets, settings)

    def mixture_probability(self, settings):
        return np.where(np.asarray(settings)[:, 0] == 0, 1.5, -0.5)


def test_overshooting_lifts_are_rescaled_in_paper_mode_and_reported_in_exact_mode():
    result = disentangle_paper(_InconsistentOracle(), epsilon=0.01)
    assert [(c.label, c.weight) for c in result] == [("do(A=x)", 1.0)]
    with pytest.warns(ExclusionWarning, match="'A'"):
        disentangle_exact(_InconsistentOracle())


def test_no_absent_value_rule_drops_the_lightest_value_and_renormalises():
    network = CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {}, {"A": np.array([0.5, 0.5]), "B": np.array([0.5, 0.5])}
    )
    run = _Run(
        network=network,
        exact=False,
        threshold=0.01,
        targets=np.full((2, 2), NOT_INTERVENED),
        weights=np.array([0.6, 0.4]),
        excluded=np.array([0, -1]),
    )
    targets = np.array([[NOT_INTERVENED, NOT_INTERVENED], [1, NOT_INTERVENED]])
    mu = np.array([0.6, 0.4])
    x = np.array([[0.2, 0.1], [0.0, 0.3]])  # every value of B is used by some lift
    rest = np.array([0.3, 0.1])
    _prune_and_exclude(run, 1, targets, x, rest, mu)
    got = {tuple(t): w for t, w in zip(run.targets.tolist(), run.weights, strict=True)}
    # value b0 (total 0.2) is dropped; group 0 rescaled by 0.6 / 0.4, group 1 by 0.4 / 0.4
    assert got == pytest.approx({(-1, -1): 0.45, (-1, 1): 0.15, (1, -1): 0.1, (1, 1): 0.3})
    assert run.excluded[1] == 0
    assert run.n_exclusion_fixes == 1


def test_bad_epsilon_is_rejected():
    network, spec = random_instance(1, 2, "chain", 3, 2)
    oracle = ExactOracle(network, spec.targets, spec.weights)
    for bad in (-0.1, 1.0, float("nan"), "x"):
        with pytest.raises(ParameterError, match="epsilon"):
            disentangle_paper(oracle, epsilon=bad)


def test_everything_pruned_raises():
    network, spec = random_instance(2, 3, "chain", 3, 8)
    with pytest.raises(ParameterError, match="epsilon"):
        disentangle_paper(ExactOracle(network, spec.targets, spec.weights), epsilon=0.99)


# ---------------------------------------------------------------------- the core entry point
def test_paper_method_for_samples_records_options():
    network, spec, table, _ = sampled(3, 4, 20000)
    result = disentangle_mixture(network, table, method="paper")  # "auto" picks "likelihood" for samples
    assert result.method == "paper"
    assert result.options["method"] == "paper"
    assert result.options["epsilon"] == 0.01
    assert result.options["delta"] is None and result.options["cpds"] == "given"
    assert result.sample_size == 20000
    assert {"run_time_seconds", "max_residual", "n_pruned"} <= set(result.diagnostics)


def test_paper_mode_with_cpds_fitted_from_observational_samples():
    network, spec, table, rng = sampled(0, 4, 10**6)
    obs_codes, _ = sim.sample_mixture(network, np.full((1, 4), NOT_INTERVENED), np.ones(1), 10**6, rng=rng)
    observational = CountTable.from_codes(obs_codes, network.variables, network.states)
    result = disentangle_mixture(network, table, method="paper", observational=observational)
    assert result.options["cpds"] == "fitted"
    assert result.options["delta"] == pytest.approx(1e-6)
    rec, err, _ = recall_and_error(network, spec, result)
    assert rec >= 0.8 and err < 0.05


def test_unknown_options_and_methods_are_named():
    network, spec = random_instance(1, 2, "chain", 3, 2)
    table = sim.mixture_distribution(network, spec.targets, spec.weights)
    with pytest.raises(ParameterError, match="epsilonn"):
        disentangle_mixture(network, table, method="paper", epsilonn=0.1)
    with pytest.raises(ParameterError, match="epsilon"):
        disentangle_mixture(network, table, method="exact", epsilon=0.1)
    with pytest.raises(ParameterError, match="'nonsense'"):
        disentangle_mixture(network, table, method="nonsense")
    with pytest.raises(ParameterError, match="observational"):
        disentangle_mixture(network, table, method="paper", delta=0.1)
    with pytest.raises(DataTypeError, match="CountTable"):
        disentangle_mixture(network, "not a table")
    with pytest.raises(DataTypeError, match="CausalNetwork"):
        disentangle_mixture("not a network", table)


def test_exact_method_on_samples_warns():
    network, spec, table, _ = sampled(3, 3, 5000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        with pytest.warns(EstimationWarning, match="samples"):
            disentangle_mixture(network, table, method="exact")


def test_register_method_adds_a_method_with_its_options():
    calls = []

    def constant(network, data, *, progress=False, weight_of_empty=1.0):
        calls.append(weight_of_empty)
        return MixtureResult([Component({}, weight_of_empty)], method="constant", network=network)

    register_method("constant-test", constant)
    try:
        assert "constant-test" in set(available_methods()["method"])
        network, spec = random_instance(1, 2, "chain", 3, 2)
        table = sim.mixture_distribution(network, spec.targets, spec.weights)
        result = disentangle_mixture(network, table, method="constant-test", weight_of_empty=1.0)
        assert result.options["method"] == "constant-test" and calls == [1.0]
        with pytest.raises(ParameterError, match="bogus"):
            disentangle_mixture(network, table, method="constant-test", bogus=1)
    finally:
        from pgmpy_mixture.methods import unregister_method

        unregister_method("constant-test")
    with pytest.raises(ParameterError):
        register_method("", constant)
    with pytest.raises(ParameterError):
        register_method("x", 3)


def test_caller_data_is_not_modified():
    network, spec, table, _ = sampled(1, 3, 2000)
    codes, weights = table.codes.copy(), table.weights.copy()
    disentangle_mixture(network, table)
    np.testing.assert_array_equal(table.codes, codes)
    np.testing.assert_array_equal(table.weights, weights)


def test_lifts_resting_on_less_than_one_expected_sample_are_reported():
    # failed before: 70 binary variables, 2000 samples: one component doing do() on 62 variables, weight 1, silently
    from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_frame

    network = random_network(70, n_states=2, rng=0)
    spec = random_mixture(network, rng=0)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 2000, rng=0)
    with pytest.warns(EstimationWarning, match=r"lift\(s\) at \d+ variable\(s\), from 'V\d+' on, rest on settings "
                                               r"that expect fewer than one of the 2000 samples"):
        result = disentangle_mixture(network, frame, method="paper")
    assert any("method 'likelihood'" in w for w in result.warnings)


def test_well_sampled_lifts_give_no_such_warning():
    from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_frame

    network = random_network(3, n_states=2, rng=1)
    spec = random_mixture(network, n_targets=3, rng=1)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 50_000, rng=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        disentangle_mixture(network, frame, method="paper")
    assert not [w for w in caught if "expect fewer than one" in str(w.message)]
