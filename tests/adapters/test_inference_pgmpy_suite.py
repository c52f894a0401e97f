"""pgmpy's own ``VariableElimination`` test cases, answered by ``MixtureInference`` holding only the observational
component.

The first part has one counterpart for each case of pgmpy's ``tests/test_inference/test_ExactInference.py`` (classes
``TestVariableElimination`` and ``TestSnowNetwork``) that applies: the same models, queries and expected numbers,
each answer also compared with pgmpy's ``VariableElimination`` computed here. Not applicable: ``induced_graph`` and
``induced_width`` (the elimination graph of one network; under a mixture each component has its own graph) and
the first half of the snow network's elimination-order test (pgmpy's private ``_get_elimination_order``).

The second part runs pgmpy's installed test methods themselves with ``MixtureInference`` substituted for
``VariableElimination`` (skipped when pgmpy's tests are not installed). pgmpy's ``load_model`` downloads; the BIF
files bundled with pgmpy stand in for it, so nothing here needs the network.

The third part: the bundled sachs and alarm networks as pgmpy reads them have CPD columns rounded to
1e-7; ``MixtureInference`` renormalises them, lists them in ``renormalised_``, and answers as pgmpy's
``VariableElimination`` does on the renormalised tables (and within 1e-7 of it on the rounded ones).
"""

from __future__ import annotations

import importlib
import unittest
import warnings

import numpy as np
import pytest
from pgmpy.factors.discrete import DiscreteFactor, TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

from pgmpy_mixture.adapters.convert import network_from_pgmpy, network_to_pgmpy
from pgmpy_mixture.adapters.examples import load_example
from pgmpy_mixture.adapters.inference import MixtureInference
from pgmpy_mixture.result import Component, MixtureResult

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from pgmpy.inference import VariableElimination

#: The elimination orders pgmpy's tests loop over.
ORDERS = ["greedy", "MinFill", "MinNeighbors", "MinWeight", "WeightedMinFill"]


def observational(model: DiscreteBayesianNetwork) -> MixtureInference:
    """``MixtureInference`` on ``model`` whose mixture is the observational distribution alone."""
    return MixtureInference(model, MixtureResult([Component({}, 1.0)], method="known"))


def same_factor(ours: DiscreteFactor, theirs: DiscreteFactor, atol: float = 1e-12) -> bool:
    """pgmpy's factor equality (variables in any order, state names, values within ``atol``)."""
    return ours.__eq__(theirs, atol=atol)


# ------------------------------------------------------------------------------------ pgmpy's TestVariableElimination
def student_model() -> DiscreteBayesianNetwork:
    """The network of pgmpy's ``TestVariableElimination`` (states 0 and 1)."""
    model = DiscreteBayesianNetwork([("A", "J"), ("R", "J"), ("J", "Q"), ("J", "L"), ("G", "L")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.2], [0.8]]),
        TabularCPD("G", 2, [[0.6], [0.4]]),
        TabularCPD("J", 2, [[0.9, 0.6, 0.7, 0.1], [0.1, 0.4, 0.3, 0.9]], evidence=["A", "R"], evidence_card=[2, 2]),
        TabularCPD("L", 2, [[0.9, 0.45, 0.8, 0.1], [0.1, 0.55, 0.2, 0.9]], evidence=["J", "G"],
                   evidence_card=[2, 2]),
        TabularCPD("Q", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["J"], evidence_card=[2]),
        TabularCPD("R", 2, [[0.4], [0.6]]),
    )
    return model


@pytest.fixture(scope="module")
def student() -> tuple[DiscreteBayesianNetwork, MixtureInference, VariableElimination]:
    model = student_model()
    return model, observational(model), VariableElimination(student_model())


#: (variables, evidence, expected factor) of pgmpy's query tests; the expected numbers are pgmpy's (from SamIam).
STUDENT_QUERIES = [
    pytest.param(["J"], None, DiscreteFactor(["J"], [2], [0.416, 0.584]), id="single_variable"),
    pytest.param(["Q", "J"], None, DiscreteFactor(["J", "Q"], [2, 2], [[0.3744, 0.0416], [0.1168, 0.4672]]),
                 id="multiple_variable"),
    pytest.param(["J"], {"A": 0, "R": 1}, DiscreteFactor(["J"], [2], [0.6, 0.4]), id="single_variable_with_evidence"),
    pytest.param(["J", "Q"], {"A": 0, "R": 0, "G": 0, "L": 1},
                 DiscreteFactor(["J", "Q"], [2, 2], [[0.73636364, 0.08181818], [0.03636364, 0.14545455]]),
                 id="multiple_variable_with_evidence"),
]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize(("variables", "evidence", "expected"), STUDENT_QUERIES)
def test_query(student, variables, evidence, expected, order):
    _, infer, ve = student
    ours = infer.query(variables, evidence, elimination_order=order, show_progress=False)
    assert ours == expected  # pgmpy's assertion (its factor equality, atol 1e-8)
    assert [str(v) for v in ours.variables] == variables
    assert same_factor(ours, ve.query(variables, evidence, elimination_order=order, show_progress=False))


@pytest.mark.parametrize("order", ORDERS)
def test_query_multiple_times_leaves_the_model_as_it_was(order):
    model = student_model()
    infer = observational(model)
    cpds = {cpd.variable: cpd.get_values().copy() for cpd in model.get_cpds()}
    for case in STUDENT_QUERIES:
        variables, evidence, expected = case.values
        for _ in range(2):
            assert infer.query(variables, evidence, elimination_order=order, show_progress=False) == expected
    assert sorted(model.edges()) == sorted(student_model().edges())
    for cpd in model.get_cpds():
        np.testing.assert_array_equal(cpd.get_values(), cpds[cpd.variable])


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("method", ["query", "map_query", "max_marginal"])
def test_a_variable_both_queried_and_given_as_evidence_list_is_a_value_error(student, method, order):
    _, infer, _ = student
    with pytest.raises(ValueError, match="evidence"):
        getattr(infer, method)(variables=["J"], evidence=["J"], elimination_order=order)


#: (variables, expected) of pgmpy's max_marginal tests (decimal=4 there).
STUDENT_MAX_MARGINALS = [
    pytest.param(None, 0.1659, id="max_marginal"),
    pytest.param(["G"], 0.6, id="max_marginal_var"),
    pytest.param(["G", "R"], 0.36, id="max_marginal_var1"),
    pytest.param(["G", "R", "A"], 0.288, id="max_marginal_var2"),
]


@pytest.mark.parametrize(("variables", "expected"), STUDENT_MAX_MARGINALS)
def test_max_marginal(student, variables, expected):
    _, infer, ve = student
    ours = infer.max_marginal(variables, show_progress=False)
    np.testing.assert_almost_equal(ours, expected, decimal=4)
    assert ours == pytest.approx(float(ve.max_marginal(variables, show_progress=False)), abs=1e-12)
    # the probability of the MAP assignment
    best = infer.map_query(variables, show_progress=False)
    assert ours == pytest.approx(float(infer.query(list(best), show_progress=False).get_value(**best)), abs=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_map_query(student, order):
    _, infer, ve = student
    ours = infer.map_query(elimination_order=order, show_progress=False)
    assert ours == {"A": 1, "R": 1, "J": 1, "Q": 1, "G": 0, "L": 0}
    assert ours == ve.map_query(elimination_order="MinFill" if order == "greedy" else order, show_progress=False)


def test_map_query_with_evidence(student):
    _, infer, ve = student
    evidence = {"J": 0, "Q": 1, "G": 0}
    ours = infer.map_query(["A", "R", "L"], evidence, show_progress=False)
    assert ours == {"A": 1, "R": 0, "L": 0} == ve.map_query(["A", "R", "L"], evidence, show_progress=False)


@pytest.mark.parametrize("order", ORDERS[1:])
def test_every_heuristic_gives_the_same_answer(student, order):
    _, infer, _ = student
    assert infer.query(["J"], elimination_order=order, show_progress=False) == STUDENT_QUERIES[0].values[2]
    assert infer.query(variables=["J"], evidence={"A": 0, "R": 1}, show_progress=False) == \
        STUDENT_QUERIES[2].values[2]


def test_elimination_order_as_a_list(student):
    _, infer, _ = student
    ours = infer.query(["J"], elimination_order=["A", "R", "L", "Q", "G"], show_progress=False)
    assert ours == DiscreteFactor(["J"], [2], [0.416, 0.584])
    with pytest.raises(ValueError, match="misses"):  # not every other variable
        infer.query(variables=["J"], elimination_order=["A"])


def test_invalid_state_name_is_a_key_error(student):
    _, infer, _ = student
    with pytest.raises(KeyError, match="state -1 of variable 'A'"):
        infer.query(variables=["J"], evidence={"A": -1}, show_progress=False)


def test_invalid_variable_name_is_a_value_error(student):
    _, infer, _ = student
    with pytest.raises(ValueError, match="'wrong_variable'"):
        infer.query(variables=["J"], evidence={"wrong_variable": 0}, show_progress=False)


def test_query_raises_for_empty_variables():
    infer = observational(load_example("earthquake"))  # pgmpy's load_model("bnlearn/earthquake") downloads it
    with pytest.raises(ValueError, match="must contain at least one variable"):
        infer.query(variables=[], evidence={"A": 1})


# ------------------------------------------------------------------------------------ pgmpy's TestSnowNetwork
def snow_model() -> DiscreteBayesianNetwork:
    """The network of pgmpy's ``TestSnowNetwork`` (named states)."""
    model = DiscreteBayesianNetwork([("Snow", "Risk"), ("Snow", "Traffic"), ("Traffic", "Late"), ("Risk", "Late")])
    snow, risk, traffic = ["yes", "no"], ["yes", "no"], ["normal", "slow"]
    model.add_cpds(
        TabularCPD("Snow", 2, [[0.4], [0.6]], state_names={"Snow": snow}),
        TabularCPD("Risk", 2, [[0.8, 0.4], [0.2, 0.6]], evidence=["Snow"], evidence_card=[2],
                   state_names={"Snow": snow, "Risk": risk}),
        TabularCPD("Traffic", 2, [[0.4, 0.65], [0.6, 0.35]], evidence=["Snow"], evidence_card=[2],
                   state_names={"Traffic": traffic, "Snow": snow}),
        TabularCPD("Late", 2, [[0.45, 0.85, 0.1, 0.7], [0.55, 0.15, 0.90, 0.30]], evidence=["Risk", "Traffic"],
                   evidence_card=[2, 2], state_names={"Late": ["yes", "no"], "Traffic": traffic, "Risk": risk}),
    )
    return model


@pytest.fixture(scope="module")
def snow() -> tuple[MixtureInference, VariableElimination]:
    return observational(snow_model()), VariableElimination(snow_model())


#: (variable, expected P(variable | Traffic=slow)) of pgmpy's snow queries.
SNOW_QUERIES = [("Snow", [0.533333, 0.466667]), ("Risk", [0.613333, 0.386667]), ("Late", [0.7920, 0.2080])]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize(("variable", "expected"), SNOW_QUERIES)
def test_snow_queries(snow, variable, expected, order):
    infer, ve = snow
    ours = infer.query([variable], evidence={"Traffic": "slow"}, elimination_order=order, show_progress=False)
    np.testing.assert_array_almost_equal(ours.values, expected)
    assert same_factor(ours, ve.query([variable], evidence={"Traffic": "slow"}, elimination_order=order,
                                      show_progress=False))


def test_snow_query_of_an_observed_variable_is_a_value_error(snow):
    infer, _ = snow
    with pytest.raises(ValueError, match="'Traffic' is both queried and given"):
        infer.query(variables=["Traffic"], evidence={"Traffic": "slow"})


@pytest.mark.parametrize("order", ORDERS)
def test_snow_joint_false_gives_each_marginal(snow, order):
    infer, ve = snow
    marginals = infer.query(["Snow", "Risk"], elimination_order=order, joint=False, show_progress=False)
    theirs = ve.query(["Snow", "Risk"], elimination_order=order, joint=False, show_progress=False)
    assert sorted(marginals) == ["Risk", "Snow"]
    for var in ["Snow", "Risk"]:
        assert marginals[var] == infer.query([var], elimination_order=order, show_progress=False)
        assert same_factor(marginals[var], theirs[var])


def _traffic_seen(kind: str) -> DiscreteFactor:
    names = {"Traffic": ["normal", "slow"]}
    if kind == "cpd":
        return TabularCPD("Traffic", 2, [[0.3], [0.7]], state_names=names)
    return DiscreteFactor(["Traffic"], [2], [0.3, 0.7], state_names=names)


def _risk_seen(kind: str) -> DiscreteFactor:
    names = {"Risk": ["yes", "no"]}
    if kind == "cpd":
        return TabularCPD("Risk", 2, [[0.7], [0.3]], state_names=names)
    return DiscreteFactor(["Risk"], [2], [0.7, 0.3], state_names=names)


#: (variable, expected P(variable | virtual evidence), expected MAP) of pgmpy's virtual-evidence tests.
SNOW_VIRTUAL_ONE = [
    ("Snow", [0.45, 0.55], "no"), ("Risk", [0.58, 0.42], "yes"), ("Late", [0.61625, 0.38375], "yes"),
    ("Traffic", [0.34375, 0.65625], "slow"),
]
SNOW_VIRTUAL_TWO = [
    ("Snow", [0.52443609, 0.47556391], "yes"), ("Risk", [0.76315789, 0.23684211], "yes"),
    ("Traffic", [0.32730263, 0.67269737], "slow"), ("Late", [0.66480263, 0.33519737], "yes"),
]


@pytest.mark.parametrize("kinds", [("cpd",), ("factor",), ("cpd", "cpd"), ("cpd", "factor"), ("factor", "cpd"),
                                   ("factor", "factor")], ids="-".join)
def test_snow_virtual_evidence(snow, kinds):
    infer, _ = snow
    virtual = [_traffic_seen(kinds[0])] + ([_risk_seen(kinds[1])] if len(kinds) == 2 else [])
    ve = VariableElimination(snow_model())  # pgmpy's grows its model with the evidence: a fresh one each time
    for variable, expected, best in SNOW_VIRTUAL_ONE if len(kinds) == 1 else SNOW_VIRTUAL_TWO:
        ours = infer.query([variable], virtual_evidence=virtual, show_progress=False)
        np.testing.assert_array_almost_equal(ours.values, expected)
        theirs = ve.query([variable], virtual_evidence=virtual, show_progress=False)
        np.testing.assert_allclose(ours.values, theirs.values, atol=1e-12)
        assert infer.map_query([variable], virtual_evidence=virtual, show_progress=False) == {variable: best}


# ------------------------------------------------------------------------------------ pgmpy's tests by substitution
def _pgmpy_test_module():
    """pgmpy's installed ``test_ExactInference`` module, or None when pgmpy's tests are not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module("pgmpy.tests.test_inference.test_ExactInference")
    except ImportError:
        return None


PGMPY_TESTS = _pgmpy_test_module()

#: pgmpy test methods that exercise something other than query, map_query and max_marginal.
NOT_APPLICABLE = {
    ("TestVariableElimination", "test_induced_graph"): "VariableElimination.induced_graph: one network's graph",
    ("TestVariableElimination", "test_induced_width"): "VariableElimination.induced_width: one network's graph",
    ("TestSnowNetwork", "test_elimination_order"): "calls VariableElimination._get_elimination_order (private)",
}


def _pgmpy_cases() -> list:
    if PGMPY_TESTS is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="pgmpy's tests are not installed"))]
    cases = []
    for class_name in ("TestVariableElimination", "TestSnowNetwork"):
        for method in unittest.TestLoader().getTestCaseNames(getattr(PGMPY_TESTS, class_name)):
            reason = NOT_APPLICABLE.get((class_name, method))
            marks = [pytest.mark.skip(reason=f"not applicable: {reason}")] if reason else []
            cases.append(pytest.param(class_name, method, marks=marks, id=f"{class_name}.{method}"))
    return cases


#: Our counterpart of each of pgmpy's test methods (every one but the graph tools induced_graph / induced_width).
COUNTERPARTS = {
    ("TestVariableElimination", "test_query_raises_for_empty_variables"): test_query_raises_for_empty_variables,
    ("TestVariableElimination", "test_query_single_variable"): test_query,
    ("TestVariableElimination", "test_query_multiple_variable"): test_query,
    ("TestVariableElimination", "test_query_single_variable_with_evidence"): test_query,
    ("TestVariableElimination", "test_query_multiple_variable_with_evidence"): test_query,
    ("TestVariableElimination", "test_query_multiple_times"): test_query_multiple_times_leaves_the_model_as_it_was,
    ("TestVariableElimination", "test_query_common_var"):
        test_a_variable_both_queried_and_given_as_evidence_list_is_a_value_error,
    ("TestVariableElimination", "test_max_marginal"): test_max_marginal,
    ("TestVariableElimination", "test_max_marginal_var"): test_max_marginal,
    ("TestVariableElimination", "test_max_marginal_var1"): test_max_marginal,
    ("TestVariableElimination", "test_max_marginal_var2"): test_max_marginal,
    ("TestVariableElimination", "test_max_marginal_common_var"):
        test_a_variable_both_queried_and_given_as_evidence_list_is_a_value_error,
    ("TestVariableElimination", "test_map_query"): test_map_query,
    ("TestVariableElimination", "test_map_query_with_evidence"): test_map_query_with_evidence,
    ("TestVariableElimination", "test_map_query_common_var"):
        test_a_variable_both_queried_and_given_as_evidence_list_is_a_value_error,
    ("TestVariableElimination", "test_elimination_order"): test_elimination_order_as_a_list,
    ("TestVariableElimination", "test_invalid_state_name"): test_invalid_state_name_is_a_key_error,
    ("TestVariableElimination", "test_invalid_variable_name"): test_invalid_variable_name_is_a_value_error,
    ("TestSnowNetwork", "test_queries"): test_snow_query_of_an_observed_variable_is_a_value_error,
    ("TestSnowNetwork", "test_elimination_order"): test_snow_queries,
    ("TestSnowNetwork", "test_joint_distribution"): test_snow_joint_false_gives_each_marginal,
    ("TestSnowNetwork", "test_virt_evidence"): test_snow_virtual_evidence,
}


def test_every_pgmpy_test_method_that_applies_has_a_counterpart_here():
    if PGMPY_TESTS is None:
        pytest.skip("pgmpy's tests are not installed")
    theirs = {(name, method) for name in ("TestVariableElimination", "TestSnowNetwork")
              for method in unittest.TestLoader().getTestCaseNames(getattr(PGMPY_TESTS, name))}
    graph_tools = {("TestVariableElimination", "test_induced_graph"), ("TestVariableElimination", "test_induced_width")}
    assert theirs - graph_tools == set(COUNTERPARTS)


def _load_bundled(name: str) -> DiscreteBayesianNetwork:
    """Offline stand-in for pgmpy's ``load_model("bnlearn/NAME")``: the BIF file bundled with pgmpy."""
    return load_example(name.rsplit("/", 1)[-1])


@pytest.mark.parametrize(("class_name", "method"), _pgmpy_cases())
def test_pgmpys_own_variable_elimination_test_passes_against_mixture_inference(monkeypatch, class_name, method):
    made: list[MixtureInference] = []

    def substitute(model: DiscreteBayesianNetwork) -> MixtureInference:
        made.append(observational(model))
        return made[-1]

    monkeypatch.setattr(PGMPY_TESTS, "VariableElimination", substitute)
    monkeypatch.setattr(PGMPY_TESTS, "load_model", _load_bundled)
    outcome = unittest.TestResult()
    getattr(PGMPY_TESTS, class_name)(method).run(outcome)
    problems = outcome.errors + outcome.failures
    assert not problems, problems[0][1]
    if outcome.skipped:
        pytest.skip(outcome.skipped[0][1])
    assert made, "pgmpy's test never built the substituted inference"


def test_the_substitution_harness_would_catch_a_failure(monkeypatch):
    """Without max_marginal, pgmpy's max_marginal test fails through the harness (so a pass above means something)."""
    if PGMPY_TESTS is None:
        pytest.skip("pgmpy's tests are not installed")

    class WithoutMaxMarginal(MixtureInference):
        max_marginal = None

    monkeypatch.setattr(PGMPY_TESTS, "VariableElimination",
                        lambda model: WithoutMaxMarginal(model, MixtureResult([Component({}, 1.0)], "known")))
    outcome = unittest.TestResult()
    PGMPY_TESTS.TestVariableElimination("test_max_marginal").run(outcome)
    assert len(outcome.errors) == 1 and "not callable" in outcome.errors[0][1]


# ------------------------------------------------------------------------------------ rounded bundled networks
def _pgmpy_example(name: str) -> DiscreteBayesianNetwork:
    """A bundled network exactly as pgmpy reads it (offline; pgmpy's reader is deprecated and slow)."""
    from pgmpy.utils import get_example_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return get_example_model(name)


def _check_rounded_example(model: DiscreteBayesianNetwork, queries: list[tuple[list[str], dict]]) -> None:
    columns = {str(cpd.variable): np.abs(cpd.get_values().sum(axis=0) - 1.0).max() for cpd in model.get_cpds()}
    off = {var: error for var, error in columns.items() if error > 1e-12}
    assert off and max(off.values()) < 1e-6  # rounding only
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rounding is renormalised without a warning
        infer = observational(model)
    assert infer.renormalised_ == pytest.approx(off, rel=1e-9, abs=1e-15)
    raw = VariableElimination(model)
    renormalised = VariableElimination(network_to_pgmpy(network_from_pgmpy(model)))
    for variables, evidence in queries:
        ours = infer.query(variables, evidence, show_progress=False)
        assert same_factor(ours, renormalised.query(variables, evidence, show_progress=False), atol=1e-12)
        assert same_factor(ours, raw.query(variables, evidence, show_progress=False), atol=1e-7)
        assert infer.map_query(variables, evidence, show_progress=False) == raw.map_query(
            variables, evidence, show_progress=False)


def test_bundled_sachs_as_pgmpy_reads_it():
    model = _pgmpy_example("sachs")
    _check_rounded_example(model, [(["Akt"], {}), (["Erk", "PKA"], {"Mek": "HIGH"}),
                                   (["P38", "Jnk"], {"PKC": "LOW", "Raf": "AVG"})])


def test_bundled_alarm_as_pgmpy_reads_it():
    model = _pgmpy_example("alarm")
    _check_rounded_example(model, [(["HISTORY"], {}), (["HISTORY", "CVP"], {"PVSAT": "LOW"}),
                                   (["BP", "HR"], {"CO": "HIGH", "LVFAILURE": "TRUE"})])
