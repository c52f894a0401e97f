"""pgmpy adapter: conversion both ways, method registration, the plugin method, MixtureInference."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pgmpy.factors.discrete import TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

import pgmpy_mixture
from pgmpy_mixture.adapters import pgmpy as adapter
from pgmpy_mixture.adapters.examples import load_example
from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy, structure_from_pgmpy
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_frame
from pgmpy_mixture.errors import DataTypeError, ModelError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from pgmpy.inference import VariableElimination

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same_network(a: CausalNetwork, b: CausalNetwork) -> None:
    assert a.variables == b.variables
    assert a.states == b.states
    assert a.parents == b.parents
    for x, y in zip(a.cpds, b.cpds, strict=True):
        np.testing.assert_array_equal(x, y)


def _joint(net: CausalNetwork) -> tuple[np.ndarray, np.ndarray]:
    """All assignments (in network order) and their probabilities, by brute force."""
    settings_ = np.array(list(itertools.product(*[range(len(s)) for s in net.states])), dtype=np.int64)
    probs = net.interventional_probability(net.encode_targets([{}]), settings_)[0]
    return settings_, probs


def two_node_model(parent_states=("a0", "a1"), child_states=("b0", "b1", "b2")) -> DiscreteBayesianNetwork:
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": list(parent_states)}),
        TabularCPD(
            "B", 3, [[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]], evidence=["A"], evidence_card=[2],
            state_names={"B": list(child_states), "A": list(parent_states)},
        ),
    )
    return model


# ------------------------------------------------------------------------------------ conversion
def test_values_layout_first_parent_slowest():
    # B has parents (A, C) in that CPD order; A has 2 states, C has 3: columns run A slowest.
    model = DiscreteBayesianNetwork([("A", "B"), ("C", "B")])
    cols = np.arange(1, 7, dtype=float)
    values = np.vstack([cols, 10 - cols]) / 10
    model.add_cpds(
        TabularCPD("A", 2, [[0.5], [0.5]]),
        TabularCPD("C", 3, [[0.2], [0.3], [0.5]]),
        TabularCPD("B", 2, values, evidence=["A", "C"], evidence_card=[2, 3]),
    )
    net = network_from_pgmpy(model)
    b = net.index("B")
    assert [net.variables[p] for p in net.parents[b]] == ["A", "C"]
    # entry [a, c, b] must be column a * 3 + c of pgmpy's values
    for a, c in itertools.product(range(2), range(3)):
        assert net.cpds[b][a, c, 0] == pytest.approx(values[0, a * 3 + c])
        assert net.cpds[b][a, c, 1] == pytest.approx(values[1, a * 3 + c])


def test_state_names_are_strings_and_parent_state_order_is_realigned():
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": [1, 2]}),
        # B's CPD lists A's states in the opposite order from A's own CPD
        TabularCPD("B", 2, [[0.9, 0.3], [0.1, 0.7]], evidence=["A"], evidence_card=[2],
                   state_names={"B": ["u", "v"], "A": [2, 1]}),
    )
    with pytest.raises(ModelError, match="state names of A"):  # pgmpy's own check rejects it ...
        network_from_pgmpy(model)
    net = network_from_pgmpy(model, check=False)  # ... without the check, axes are re-aligned by name
    assert net.states == (("1", "2"), ("u", "v"))
    # P(B=u | A=1) is the second column of the pgmpy table
    assert net.cpds[1][0].tolist() == [0.3, 0.7]
    assert net.cpds[1][1].tolist() == [0.9, 0.1]


def test_evidence_order_is_cpd_variables_not_get_evidence():
    model = DiscreteBayesianNetwork([("A", "C"), ("B", "C")])
    values = np.array([[0.1, 0.2, 0.3, 0.4], [0.9, 0.8, 0.7, 0.6]])
    model.add_cpds(
        TabularCPD("A", 2, [[0.5], [0.5]]),
        TabularCPD("B", 2, [[0.5], [0.5]]),
        TabularCPD("C", 2, values, evidence=["B", "A"], evidence_card=[2, 2]),
    )
    net = network_from_pgmpy(model)
    c = net.index("C")
    assert [net.variables[p] for p in net.parents[c]] == ["B", "A"]
    assert net.cpds[c][1, 0, 0] == pytest.approx(0.3)  # B=1, A=0 -> column 2


@FAST
@given(
    n=st.integers(1, 6),
    states=st.integers(2, 4),
    graph=st.sampled_from(["er", "chain", "dense", "sf"]),
    seed=st.integers(0, 10_000),
)
def test_round_trip_random_networks(n, states, graph, seed):
    net = random_network(n, n_states=states, graph=graph, rng=seed)
    model = network_to_pgmpy(net)
    model.check_model()
    _same_network(network_from_pgmpy(model), net)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 5), seed=st.integers(0, 10_000))
def test_round_trip_probabilities_match_pgmpy_variable_elimination(n, seed):
    net = random_network(n, n_states=[2, 3, 2, 3, 2][:n], graph="dense", rng=seed)
    model = network_to_pgmpy(net)
    settings_, probs = _joint(net)
    factor = VariableElimination(model).query(list(net.variables), joint=True, show_progress=False)
    for row, p in zip(settings_, probs, strict=True):
        assignment = {v: net.states[i][row[i]] for i, v in enumerate(net.variables)}
        assert factor.get_value(**assignment) == pytest.approx(p, abs=1e-12)


@pytest.mark.parametrize("name", ["asia", "sachs", "alarm", "child"])
def test_round_trip_bundled_examples(name):
    model = load_example(name)
    net = network_from_pgmpy(model)
    assert set(net.variables) == {str(v) for v in model.nodes()}
    for var in net.variables:
        cpd = model.get_cpds(var)
        assert list(net.states[net.index(var)]) == [str(s) for s in cpd.state_names[var]]
    _same_network(network_from_pgmpy(network_to_pgmpy(net)), net)


def test_topological_order_and_parents_without_cpds():
    model = DiscreteBayesianNetwork([("Z", "Y"), ("Y", "X"), ("Z", "X")])
    variables, parents = structure_from_pgmpy(model)
    assert variables == ["Z", "Y", "X"]
    assert sorted(parents["X"]) == ["Y", "Z"] and parents["Z"] == []


def test_model_without_cpds_names_the_variable():
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]]))
    with pytest.raises(ModelError, match="'B'"):
        network_from_pgmpy(model)


def test_model_failing_check_model_is_a_model_error():
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.5], [0.6]]),  # does not sum to 1
        TabularCPD("B", 2, [[0.5, 0.5], [0.5, 0.5]], evidence=["A"], evidence_card=[2]),
    )
    with pytest.raises(ModelError, match="check_model.*A"):
        network_from_pgmpy(model)


def test_non_model_is_a_type_error():
    with pytest.raises(DataTypeError, match="DiscreteBayesianNetwork"):
        network_from_pgmpy({"A": [0.5, 0.5]})
    with pytest.raises(TypeError):
        network_to_pgmpy("not a network")


# ------------------------------------------------------------------------------------ registration
def test_import_registers_the_method_on_the_class():
    assert getattr(DiscreteBayesianNetwork.disentangle_mixture, "_pgmpy_mixture_plugin", False)
    model = two_node_model()
    assert model.disentangle_mixture.__func__.__name__ == "disentangle_mixture"
    assert getattr(model.disentangle_mixture, "_pgmpy_mixture_plugin", False)
    # copies and do() return the base class: the method reaches them too
    assert callable(model.copy().disentangle_mixture)
    assert callable(model.do(["A"]).disentangle_mixture)


def test_register_never_overwrites_a_foreign_attribute():
    class Other(DiscreteBayesianNetwork):
        def disentangle_mixture(self):  # pgmpy (or someone) defines the name itself
            return "theirs"

    with pytest.warns(UserWarning, match="already exists"):
        assert adapter.register(Other) is False
    assert Other().disentangle_mixture() == "theirs"
    # registering again on the real class is idempotent
    assert adapter.register(DiscreteBayesianNetwork) is True
    assert DiscreteBayesianNetwork.disentangle_mixture is adapter.disentangle_mixture
    assert adapter.register(DiscreteBayesianNetwork) is True


def test_version_warning_outside_tested_range(monkeypatch):
    monkeypatch.setattr(adapter, "_version_warned", False)
    with pytest.warns(UserWarning, match="tested with pgmpy"):
        assert adapter.check_pgmpy_version("9.0.0") is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert adapter.check_pgmpy_version("9.1.0") is False  # warned once already
        assert adapter.check_pgmpy_version("1.2.0") is True
    low, high = adapter.TESTED_PGMPY_RANGE
    assert low <= adapter._parse_version(pgmpy_mixture._pgmpy_adapter.pgmpy.__version__) < high


def test_marginals_and_data_together_is_rejected():
    with pytest.raises(ParameterError, match="marginals"):
        two_node_model().disentangle_mixture(pd.DataFrame({"A": ["a0"], "B": ["b0"]}), marginals={"A": {}})


# ------------------------------------------------------------------------------------ the plugin method
def _exact_frame(net: CausalNetwork, spec) -> pd.DataFrame:
    """The exact mixture distribution as a frame of state names with a probability column ``p``."""
    table = mixture_distribution(net, spec.targets, spec.weights)
    frame = pd.DataFrame(
        {v: np.asarray(net.states[i], dtype=object)[table.codes[:, i]] for i, v in enumerate(table.variables)}
    )
    frame["p"] = table.weights
    return frame


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 6),
    states=st.integers(2, 4),
    graph=st.sampled_from(["er", "chain", "dense"]),
    seed=st.integers(0, 10_000),
)
def test_method_recovers_exact_mixture_through_pgmpy(n, states, graph, seed):
    net = random_network(n, n_states=states, graph=graph, rng=seed)
    spec = random_mixture(net, rng=seed + 1)
    model = network_to_pgmpy(net)
    frame = _exact_frame(net, spec).sample(frac=1.0, random_state=seed)  # row order must not matter
    frame = frame[list(frame.columns[::-1])]  # nor column order
    before = frame.copy(deep=True)
    result = model.disentangle_mixture(frame, weights="p")
    pd.testing.assert_frame_equal(frame, before)
    truth = {frozenset(c.target.items()): c.weight for c in spec.components(net)}
    got = {frozenset(c.target.items()): c.weight for c in result.components if c.weight > 1e-9}
    assert set(got) == set(truth)
    for key, weight in truth.items():
        assert got[key] == pytest.approx(weight, abs=1e-9)
    assert result.sample_size is None
    assert result.options["method"] == "exact"


def test_counts_and_repeated_rows_give_the_same_answer():
    net = random_network(4, n_states=3, graph="chain", rng=3)
    spec = random_mixture(net, n_targets=4, max_target_size=1, rng=4)
    frame, _ = sample_frame(net, spec.targets, spec.weights, 20_000, rng=5)
    model = network_to_pgmpy(net)
    counts = frame.astype(str).value_counts().rename("n").reset_index()
    a = model.disentangle_mixture(frame)
    b = model.disentangle_mixture(counts, weights="n")
    assert a.sample_size == b.sample_size == 20_000
    assert [c.target for c in a.components] == [c.target for c in b.components]
    np.testing.assert_allclose(a.weights, b.weights, atol=1e-12)


def test_observational_samples_fit_the_cpds_even_without_cpds():
    net = random_network(4, n_states=2, graph="chain", rng=11)
    spec = random_mixture(net, n_targets=3, max_target_size=1, rng=12)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 100_000, rng=13)
    obs, _ = sample_frame(net, [{}], [1.0], 100_000, rng=14)
    bare = DiscreteBayesianNetwork(network_to_pgmpy(net).edges())
    bare.add_nodes_from(net.variables)
    mix_str, obs_str = mix.astype(str), obs.astype(str)
    result = bare.disentangle_mixture(mix_str, observational=obs_str, method="paper")
    assert result.options["cpds"] == "fitted" and result.options["delta"] == 1 / 100_000
    assert result.options["observational_samples"] == 100_000
    assert result.network.states == net.states  # states sorted from the data: s0 < s1 as in the model
    truth = {frozenset(c.target.items()) for c in spec.components(net)}
    found = {frozenset(c.target.items()) for c in result.components if c.weight > 0.02}
    assert truth == found
    # the same through a model that has CPDs: its states and structure are used, the CPDs refitted
    refit = network_to_pgmpy(net).disentangle_mixture(mix_str, observational=obs_str, method="paper", delta=1e-3)
    assert refit.options["delta"] == 1e-3
    assert {frozenset(c.target.items()) for c in refit.components if c.weight > 0.02} == truth


def test_count_table_input_and_options_are_passed_through():
    net = random_network(3, n_states=2, graph="chain", rng=1)
    spec = random_mixture(net, n_targets=2, max_target_size=1, rng=2)
    table = mixture_distribution(net, spec.targets, spec.weights)
    result = network_to_pgmpy(net).disentangle_mixture(table, method="exact", tolerance=1e-11)
    assert result.options["method"] == "exact"
    with pytest.raises(ParameterError, match="no_such_option"):
        network_to_pgmpy(net).disentangle_mixture(table, no_such_option=1)


# ------------------------------------------------------------------------------------ MixtureInference
def _brute_force(net: CausalNetwork, targets, weights, query, evidence):
    """P(query | evidence) and P(component | evidence) by enumerating every full assignment."""
    settings_ = np.array(list(itertools.product(*[range(len(s)) for s in net.states])), dtype=np.int64)
    per_component = net.interventional_probability(net.encode_targets(targets), settings_)  # (m, cells)
    keep = np.ones(len(settings_), dtype=bool)
    for var, state in evidence.items():
        keep &= settings_[:, net.index(var)] == net.state_code(var, state)
    joint = np.asarray(weights)[:, None] * per_component[:, keep]
    posterior = joint.sum(axis=1) / joint.sum()
    qi = [net.index(v) for v in query]
    cards = [len(net.states[i]) for i in qi]
    table = np.zeros(cards)
    np.add.at(table, tuple(settings_[keep][:, i] for i in qi), joint.sum(axis=0))
    return table / table.sum(), posterior


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 5), seed=st.integers(0, 10_000), data=st.data())
def test_mixture_inference_matches_brute_force(n, seed, data):
    from pgmpy_mixture.adapters.pgmpy import MixtureInference
    from pgmpy_mixture.result import MixtureResult

    net = random_network(n, n_states=[2, 3, 2, 3, 2][:n], graph="dense", rng=seed)
    spec = random_mixture(net, n_targets=min(4, 2 ** n), rng=seed + 7)
    components = spec.components(net)
    result = MixtureResult(components, method="exact", network=net)
    infer = MixtureInference(network_to_pgmpy(net), result)
    variables = list(net.variables)
    shuffled = data.draw(st.permutations(variables))
    n_query = data.draw(st.integers(1, n))
    query, rest = shuffled[:n_query], shuffled[n_query:]
    evidence = {v: net.states[net.index(v)][data.draw(st.integers(0, len(net.states[net.index(v)]) - 1))]
                for v in rest[: data.draw(st.integers(0, len(rest)))]}
    ordered = result.components
    expected, posterior = _brute_force(net, [c.target for c in ordered], [c.weight for c in ordered], query, evidence)
    if not np.isfinite(posterior).all():
        with pytest.raises(ValueError, match="probability zero"):
            infer.query(query, evidence)
        return
    factor = infer.query(query, evidence)
    assert list(factor.variables) == query
    np.testing.assert_allclose(factor.values, expected, atol=1e-12)
    for var, state_names in factor.state_names.items():
        assert list(state_names) == list(net.states[net.index(var)])
    np.testing.assert_allclose(infer.component_posterior(evidence).to_numpy(), posterior, atol=1e-12)
    marginals = infer.query(query, evidence, joint=False)
    for k, var in enumerate(query):
        axes = tuple(a for a in range(len(query)) if a != k)
        np.testing.assert_allclose(marginals[var].values, expected.sum(axis=axes), atol=1e-12)


def test_mixture_inference_is_a_pgmpy_inference_and_checks_input():
    from pgmpy.inference.base import Inference

    from pgmpy_mixture.adapters.pgmpy import MixtureInference
    from pgmpy_mixture.errors import UnknownStateError, UnknownVariableError
    from pgmpy_mixture.result import Component, MixtureResult

    model = two_node_model()
    infer = MixtureInference(model)
    assert isinstance(infer, Inference)
    with pytest.raises(ParameterError, match="disentangle"):
        infer.query(["B"])
    infer.set_result(MixtureResult([Component({}, 0.5), Component({"A": "a1"}, 0.5)], "exact"))
    with pytest.raises(UnknownVariableError, match="'C'"):
        infer.query(["C"])
    with pytest.raises(UnknownStateError, match="'zz'"):
        infer.component_posterior({"A": "zz"})
    with pytest.raises(ParameterError, match="both queried and given"):
        infer.query(["A"], {"A": "a0"})
    # the observational component alone explains A=a0
    assert infer.component_posterior({"A": "a0"}).tolist() == [1.0, 0.0]
    broken = two_node_model()
    broken.add_cpds(TabularCPD("A", 2, [[0.5], [0.6]], state_names={"A": ["a0", "a1"]}))
    with pytest.raises(ModelError, match="check_model"):
        MixtureInference(broken)


def test_mixture_inference_disentangles_and_answers_queries():
    from pgmpy_mixture.adapters.pgmpy import MixtureInference

    net = random_network(4, n_states=3, graph="er", rng=21)
    spec = random_mixture(net, n_targets=4, rng=22)
    model = network_to_pgmpy(net)
    infer = MixtureInference(model)
    result = infer.disentangle(_exact_frame(net, spec), weights="p")
    assert infer.result_ is result
    posterior = infer.component_posterior({})
    np.testing.assert_allclose(posterior.to_numpy(), result.weights, atol=1e-12)
    assert list(posterior.index) == [c.label for c in result.components]


def test_marginals_go_through_the_core_entry_point_with_the_converted_network():
    from pgmpy_mixture import api

    model = two_node_model()
    marginals = {"A": {"a0": 0.4, "a1": 0.6}, "B": {"b0": 0.46, "b1": 0.24, "b2": 0.30}}
    before = {v: dict(d) for v, d in marginals.items()}
    result = model.disentangle_mixture(marginals=marginals, method="exact", tol=1e-10)
    core = api.disentangle_marginals(network_from_pgmpy(model), marginals, method="exact", tol=1e-10)
    top = pgmpy_mixture.disentangle_marginals(model, marginals, method="exact", tol=1e-10)
    for other in (core, top):
        assert [c.target for c in other.components] == [c.target for c in result.components]
        assert other.weights.tolist() == result.weights.tolist() and other.options == result.options
    assert result.options["method"] == "exact" and result.options["tol"] == 1e-10
    with pytest.raises(ParameterError, match="epsilon"):  # an option of another method is an error, not ignored
        model.disentangle_mixture(marginals=marginals, method="exact", epsilon=1e-5)
    assert marginals == before


def test_non_string_variable_names_are_refused_naming_the_variable():
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
    from pgmpy_mixture.errors import ModelError

    model = DiscreteBayesianNetwork([(0, 1)])
    model.add_cpds(TabularCPD(0, 2, [[0.5], [0.5]]),
                   TabularCPD(1, 2, [[0.9, 0.2], [0.1, 0.8]], evidence=[0], evidence_card=[2]))
    with pytest.raises(ModelError, match="variable 0 has type int, not str"):
        network_from_pgmpy(model)


# ------------------------------------------------------------------------------------ paths go where a DataFrame goes
@pytest.fixture
def insurance_files(tmp_path):
    """Samples of a mixture on pgmpy's insurance network (the state name 'None' included), as files."""
    model = load_example("insurance")
    net = network_from_pgmpy(model)
    frame, _ = sample_frame(net, [{}, {"Accident": "None"}], [0.7, 0.3], 20_000, rng=3)
    obs, _ = sample_frame(net, [{}], [1.0], 20_000, rng=4)
    frame.to_csv(tmp_path / "mix.csv", index=False)
    for i in range(2):
        frame.iloc[i * 10_000 : (i + 1) * 10_000].to_csv(tmp_path / f"part-{i}.csv", index=False)
    obs.to_csv(tmp_path / "obs.csv", index=False)
    return model, frame, obs, tmp_path


@pytest.mark.filterwarnings("ignore::pgmpy_mixture.errors.AssumptionWarning")  # insurance has zero CPD entries
def test_paths_and_globs_go_wherever_a_dataframe_goes(insurance_files):
    # before: the state name 'None' in a CSV path was read as a missing value, and observational= refused a path
    from pathlib import Path

    model, frame, obs, folder = insurance_files
    want = model.disentangle_mixture(frame, method="paper")
    for data in (str(folder / "mix.csv"), Path(folder / "mix.csv"), str(folder / "part-*.csv")):
        got = model.disentangle_mixture(data, method="paper")
        assert got.sample_size == want.sample_size == 20_000
        assert [(c.label, c.weight) for c in got] == [(c.label, c.weight) for c in want]
    with_obs = model.disentangle_mixture(frame, observational=obs, method="paper")
    from_paths = pgmpy_mixture.disentangle_mixture(model, str(folder / "mix.csv"),
                                                   observational=str(folder / "obs.csv"), method="paper")
    assert [(c.label, c.weight) for c in from_paths] == [(c.label, c.weight) for c in with_obs]
    assert from_paths.options["observational_samples"] == 20_000


def test_a_missing_file_is_our_error_naming_the_path(insurance_files):
    model, frame, _, folder = insurance_files
    missing = str(folder / "nosuch.csv")
    with pytest.raises(DataTypeError, match=rf"'{missing}' names no file"):
        model.disentangle_mixture(missing)
    with pytest.raises(DataTypeError, match=rf"observational samples: data '{missing}' names no file"):
        model.disentangle_mixture(frame, observational=missing)
    with pytest.raises(DataTypeError, match=r"observational must be observational samples"):
        model.disentangle_mixture(frame, observational=[1, 2])
