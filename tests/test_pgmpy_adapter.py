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
from pgmpy_mixture.errors import DataTypeError, ModelError, ParameterError
from pgmpy_mixture.network import CausalNetwork
from pgmpy_mixture.simulate import random_network

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
