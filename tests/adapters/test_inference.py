"""MixtureInference speaks pgmpy's Inference API: query / map_query / max_marginal / component_posterior with
virtual evidence.

Every answer is checked against brute force over the full joint distribution of the mixture (all assignments,
by CPD products through ``CausalNetwork.interventional_probability``), and, with a single observational
component, against pgmpy's own ``VariableElimination`` (which pins our semantics to pgmpy's).
"""

from __future__ import annotations

import copy
import itertools
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pgmpy.factors.discrete import DiscreteFactor, TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

import pgmpy_mixture.adapters.inference as inference_module
from pgmpy_mixture.adapters.inference import EvidenceTypeError, UnknownStateKeyError
from pgmpy_mixture.adapters.pgmpy import MixtureInference, network_to_pgmpy
from pgmpy_mixture.discrete.simulate import random_mixture, random_network
from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    ParameterError,
    UnknownStateError,
    UnknownVariableError,
)
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from pgmpy.inference import VariableElimination

ORDERS = ["greedy", "MinFill", "WeightedMinFill", "MinNeighbors", "minweight", None, "list"]


# ------------------------------------------------------------------------------------ brute force
def _brute_force(net: CausalNetwork, result: MixtureResult, query, evidence, likelihoods):
    """(P(query | e, ve) table, P(component | e, ve)) from every full assignment of the mixture.

    ``likelihoods`` maps a variable to its likelihood vector in the network's state order.
    """
    cells = np.array(list(itertools.product(*[range(len(s)) for s in net.states])), dtype=np.int64)
    targets = net.encode_targets([c.target for c in result.components])
    per_component = net.interventional_probability(targets, cells)  # (m, cells): P_t(v)
    weight = np.ones(len(cells))
    for var, state in evidence.items():
        weight *= cells[:, net.index(var)] == net.state_code(var, state)
    for var, like in likelihoods.items():
        weight *= np.asarray(like)[cells[:, net.index(var)]]
    joint = result.weights[:, None] * per_component * weight[None, :]
    total = joint.sum()
    if total <= 0:
        return None, None
    qi = [net.index(v) for v in query]
    table = np.zeros([len(net.states[i]) for i in qi])
    np.add.at(table, tuple(cells[:, i] for i in qi), joint.sum(axis=0))
    return table / total, joint.sum(axis=1) / total


def _virtual_cpd(net: CausalNetwork, var: str, like: np.ndarray, perm: np.ndarray, as_factor: bool):
    """pgmpy soft evidence for ``var`` with likelihood ``like`` (network order), states listed in ``perm`` order."""
    states = list(net.states[net.index(var)])
    names = [states[k] for k in perm]
    values = np.asarray(like)[perm]
    if as_factor:
        return DiscreteFactor([var], [len(states)], values, state_names={var: names})
    return TabularCPD(var, len(states), values.reshape(-1, 1), state_names={var: names})


@st.composite
def problems(draw, max_nodes: int = 5):
    """A random network, a random mixture on it, and a random query with hard and virtual evidence."""
    n = draw(st.integers(2, max_nodes))
    seed = draw(st.integers(0, 100_000))
    graph = draw(st.sampled_from(["er", "chain", "dense", "sf"]))
    net = random_network(n, n_states=[draw(st.integers(2, 3)) for _ in range(n)], graph=graph, rng=seed)
    spec = random_mixture(net, n_targets=draw(st.integers(2, 4)), rng=seed + 1)
    result = MixtureResult(spec.components(net), method="exact", network=net)
    variables = list(draw(st.permutations(list(net.variables))))
    n_query = draw(st.integers(1, n))
    query, rest = variables[:n_query], variables[n_query:]
    evidence = {}
    for var in rest[: draw(st.integers(0, len(rest)))]:
        states = net.states[net.index(var)]
        evidence[var] = states[draw(st.integers(0, len(states) - 1))]
    rng = np.random.default_rng(seed + 2)
    soft_vars = list(draw(st.permutations(list(net.variables))))[: draw(st.integers(0, 3))]
    likelihoods, virtual = {}, []
    for var in soft_vars:  # anywhere: on query, hard-evidence or other variables, as pgmpy allows
        card = len(net.states[net.index(var)])
        like = rng.uniform(0.05, 1.0, card)
        if draw(st.booleans()):
            like[rng.integers(card)] = 0.0  # a state ruled out by what was seen
        likelihoods[var] = like
        virtual.append(_virtual_cpd(net, var, like, rng.permutation(card), draw(st.booleans())))
    order = draw(st.sampled_from(ORDERS))
    if order == "list":
        order = [v for v in draw(st.permutations(list(net.variables))) if v not in query and v not in evidence]
    return net, result, query, evidence, likelihoods, virtual, order


# ------------------------------------------------------------------------------------ mixture vs brute force
@pytest.mark.parametrize("joint_cells", [0, 2**16], ids=["chain-rule", "joint-query"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_query_posterior_and_map_match_brute_force_with_virtual_evidence(joint_cells, problem):
    # both ways a component's answer is computed: the chain rule (JOINT_QUERY_CELLS = 0) and one joint query
    original = inference_module.JOINT_QUERY_CELLS
    inference_module.JOINT_QUERY_CELLS = joint_cells
    try:
        _check_against_brute_force(problem)
    finally:
        inference_module.JOINT_QUERY_CELLS = original


def _check_against_brute_force(problem):
    net, result, query, evidence, likelihoods, virtual, order = problem
    infer = MixtureInference(network_to_pgmpy(net), result)
    inputs = copy.deepcopy((query, evidence, [(c.variables, c.values, c.state_names) for c in virtual], order))
    expected, posterior = _brute_force(net, result, query, evidence, likelihoods)
    event(f"components: {len(result.components)}, virtual evidences: {len(virtual)}")
    event("evidence impossible" if expected is None else "evidence possible")
    if expected is None:
        for call in (
            lambda: infer.query(query, evidence, virtual, order, True, False),
            lambda: infer.map_query(query, evidence, virtual, order, False),
            lambda: infer.max_marginal(query, evidence, order, False, virtual_evidence=virtual),
            lambda: infer.component_posterior(evidence, virtual),
        ):
            with pytest.raises(DataValueError, match="probability zero"):
                call()
        return
    # pgmpy's positional order: variables, evidence, virtual_evidence, elimination_order, joint, show_progress
    factor = infer.query(query, evidence, virtual, order, True, False)
    assert [str(v) for v in factor.variables] == query
    np.testing.assert_allclose(factor.values, expected, atol=1e-12)
    for var in query:
        assert list(factor.state_names[var]) == list(net.states[net.index(var)])
    marginals = infer.query(query, evidence, virtual, order, False, False)
    for k, var in enumerate(query):
        axes = tuple(a for a in range(len(query)) if a != k)
        np.testing.assert_allclose(marginals[var].values, expected.sum(axis=axes), atol=1e-12)
    got = infer.component_posterior(evidence, virtual)
    np.testing.assert_allclose(got.to_numpy(), posterior, atol=1e-12)
    assert list(got.index) == [c.label for c in result.components]
    best = infer.map_query(query, evidence, virtual, order, False)
    assert list(best) == query
    cell = tuple(net.state_code(v, best[v]) for v in query)
    assert expected[cell] >= expected.max() - 1e-12  # an arg max (ties allowed)
    # pgmpy's positional order: variables, evidence, elimination_order, show_progress (virtual evidence by keyword)
    assert abs(infer.max_marginal(query, evidence, order, False, virtual_evidence=virtual) - expected.max()) < 1e-12
    # nothing passed in was modified
    after = (query, evidence, [(c.variables, c.values, c.state_names) for c in virtual], order)
    assert repr(after) == repr(inputs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(max_nodes=4))
def test_map_query_without_variables_assigns_every_non_evidence_variable(problem):
    net, result, _, evidence, likelihoods, virtual, _ = problem
    infer = MixtureInference(network_to_pgmpy(net), result)
    free = [v for v in net.variables if v not in evidence]
    expected, _ = _brute_force(net, result, free, evidence, likelihoods)
    if expected is None:
        with pytest.raises(DataValueError, match="probability zero"):
            infer.map_query(evidence=evidence, virtual_evidence=virtual, show_progress=False)
        with pytest.raises(DataValueError, match="probability zero"):
            infer.max_marginal(evidence=evidence, virtual_evidence=virtual, show_progress=False)
        return
    best = infer.map_query(evidence=evidence, virtual_evidence=virtual, show_progress=False)
    assert list(best) == free
    assert infer.map_query([], evidence, virtual, show_progress=False) == best  # empty means all, as in pgmpy
    top = infer.max_marginal(evidence=evidence, virtual_evidence=virtual, show_progress=False)
    assert infer.max_marginal([], evidence, virtual_evidence=virtual, show_progress=False) == top
    if free:
        assert expected[tuple(net.state_code(v, best[v]) for v in free)] >= expected.max() - 1e-12
        assert abs(top - expected.max()) < 1e-12
    else:
        assert top == 1.0  # every variable observed: the empty assignment is certain


def test_soft_evidence_reweights_components_not_the_prior_average():
    # A -> B; components: observational and do(A=a0). Seeing B softly favours the component that explains it.
    net = random_network(2, n_states=2, graph="chain", rng=5)
    a, b = net.variables
    result = MixtureResult([Component({}, 0.5), Component({a: net.states[0][0]}, 0.5)], "exact", network=net)
    infer = MixtureInference(network_to_pgmpy(net), result)
    like = np.array([0.9, 0.1])
    seen = [_virtual_cpd(net, b, like, np.arange(2), False)]
    expected, posterior = _brute_force(net, result, [a], {}, {b: like})
    np.testing.assert_allclose(infer.query([a], virtual_evidence=seen, show_progress=False).values, expected,
                               atol=1e-12)
    # the wrong recipe (per-component answers averaged with the prior weights) differs here
    per_component = [
        _brute_force(net, MixtureResult([c], "exact", network=net), [a], {}, {b: like})[0] for c in result.components
    ]
    naive = 0.5 * per_component[0] + 0.5 * per_component[1]
    assert np.abs(naive - expected).max() > 1e-3
    assert not np.allclose(posterior, result.weights)


def test_map_of_the_mixture_is_not_the_map_of_a_component():
    """A mixture whose MAP differs from every component's MAP exists, and map_query finds the mixture's."""
    for seed in range(200):
        net = random_network(3, n_states=3, graph="dense", rng=seed)
        spec = random_mixture(net, n_targets=3, rng=seed)
        result = MixtureResult(spec.components(net), method="exact", network=net)
        variables = list(net.variables)
        table, _ = _brute_force(net, result, variables, {}, {})
        component_maps = {
            np.unravel_index(int(np.argmax(_brute_force(net, MixtureResult([c], "exact", network=net), variables,
                                                        {}, {})[0])), table.shape)
            for c in result.components
        }
        mixture_map = np.unravel_index(int(np.argmax(table)), table.shape)
        if mixture_map not in component_maps and np.sort(table.ravel())[-2] < table.max() - 1e-9:
            break
    else:  # pragma: no cover - the search space is large
        pytest.fail("no instance found")
    infer = MixtureInference(network_to_pgmpy(net), result)
    best = infer.map_query(show_progress=False)
    assert tuple(net.state_code(v, best[v]) for v in variables) == tuple(int(i) for i in mixture_map)
    # max_marginal is the mixture's largest joint probability, not a recipe over the components' own maxima
    component_max = np.array([MixtureInference(network_to_pgmpy(net), MixtureResult([c], "exact", network=net))
                              .max_marginal(show_progress=False) for c in result.components])
    top = infer.max_marginal(show_progress=False)
    assert abs(top - table.max()) < 1e-12
    assert abs(top - result.weights @ component_max) > 1e-3 and abs(top - component_max.max()) > 1e-3


# ------------------------------------------------------------------------------------ one component = pgmpy
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_single_observational_component_equals_pgmpy_variable_elimination(problem):
    net, _, query, evidence, likelihoods, _, order = problem
    model = network_to_pgmpy(net)
    infer = MixtureInference(model, MixtureResult([Component({}, 1.0)], "exact", network=net))
    # pgmpy wants the soft evidence's states in the model's order and likelihoods <= 1
    virtual = [_virtual_cpd(net, v, like, np.arange(len(like)), False) for v, like in likelihoods.items()]
    expected, _ = _brute_force(net, infer.result_, query, evidence, likelihoods)
    if expected is None:
        return  # pgmpy answers NaN there; we raise (tested above)
    theirs = VariableElimination(model.copy()).query(query, evidence, virtual or None, order, True, False)
    ours = infer.query(query, evidence, virtual, order, True, False)
    assert sorted(theirs.variables) == sorted(query) and [str(v) for v in ours.variables] == query
    for var in query:
        assert list(ours.state_names[var]) == list(theirs.state_names[var])
    # pgmpy's non-greedy orders return the axes in any order; ours follow ``variables``
    np.testing.assert_allclose(ours.values, np.transpose(theirs.values, [theirs.variables.index(v) for v in query]),
                               atol=1e-10)
    np.testing.assert_allclose(ours.values, expected, atol=1e-12)
    map_order = "MinFill" if order == "greedy" else order  # pgmpy's map_query has no "greedy"
    theirs_map = VariableElimination(model.copy()).map_query(query, evidence, virtual or None, map_order, False)
    assert infer.map_query(query, evidence, virtual, map_order, False) == theirs_map
    if not evidence and not virtual:  # pgmpy ignores evidence when variables=None; without any they agree
        assert infer.map_query(show_progress=False) == VariableElimination(model.copy()).map_query(
            show_progress=False
        )


def test_int_state_names_come_back_as_the_model_spells_them():
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.3], [0.7]], state_names={"A": [0, 1]}),
        TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
                   state_names={"B": [0, 1], "A": [0, 1]}),
    )
    infer = MixtureInference(model, MixtureResult([Component({}, 1.0)], "exact"))
    ours, theirs = infer.map_query(show_progress=False), VariableElimination(model).map_query(show_progress=False)
    assert ours == theirs == {"A": 1, "B": 1}
    assert infer.query(["A"], {"B": 0}, show_progress=False).state_names["A"] == [0, 1]


# ------------------------------------------------------------------------------------ bad input
@pytest.fixture
def infer() -> MixtureInference:
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": ["a0", "a1"]}),
        TabularCPD("B", 3, [[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]], evidence=["A"], evidence_card=[2],
                   state_names={"B": ["b0", "b1", "b2"], "A": ["a0", "a1"]}),
    )
    return MixtureInference(model, MixtureResult([Component({}, 0.5), Component({"A": "a1"}, 0.5)], "exact"))


def _b(values, names=("b0", "b1", "b2")) -> TabularCPD:
    return TabularCPD("B", len(values), np.reshape(values, (-1, 1)), state_names={"B": list(names)})


def _bf(values) -> DiscreteFactor:  # a factor: pgmpy's TabularCPD refuses negative values itself
    return DiscreteFactor(["B"], [len(values)], values, state_names={"B": ["b0", "b1", "b2"]})


@pytest.mark.parametrize(
    ("virtual", "error", "match"),
    [
        ([TabularCPD("C", 2, [[0.5], [0.5]])], UnknownVariableError, "'C'"),
        ([_b([0.1, 0.5, 0.9], ["b0", "b1", "zz"])], UnknownStateError, "'zz'"),
        ([TabularCPD("B", 2, [[0.5], [0.5]], state_names={"B": ["b0", "b1"]})], DataValueError, "'B' has 2 states"),
        ([_b([0.1, 0.5, 0.9]), _b([0.9, 0.5, 0.1])], ParameterError, "'B' is given twice"),
        ([_b([0.0, 0.0, 0.0])], DataValueError, "zero for every state of 'B'"),
        ([_bf([0.1, -0.5, 0.9])], DataValueError, "'B' must be finite and non-negative"),
        ([_bf([0.1, np.nan, 0.9])], DataValueError, "'B' must be finite"),
        ([TabularCPD("B", 3, [[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]], evidence=["A"], evidence_card=[2],
                     state_names={"B": ["b0", "b1", "b2"], "A": ["a0", "a1"]})], ParameterError, "single variable"),
        (["B"], DataTypeError, "TabularCPD"),
        ({"B": [0.1, 0.5, 0.9]}, DataTypeError, "list of TabularCPDs"),
    ],
)
def test_bad_virtual_evidence_names_the_culprit(infer, virtual, error, match):
    for call in (
        lambda: infer.query(["A"], virtual_evidence=virtual, show_progress=False),
        lambda: infer.map_query(["A"], virtual_evidence=virtual, show_progress=False),
        lambda: infer.component_posterior(virtual_evidence=virtual),
    ):
        with pytest.raises(error, match=match):
            call()


def test_virtual_evidence_on_hard_evidence_is_a_constant_as_in_pgmpy(infer):
    hard = infer.query(["A"], {"B": "b0"}, show_progress=False)
    both = infer.query(["A"], {"B": "b0"}, [_b([0.1, 0.5, 0.9])], show_progress=False)
    np.testing.assert_allclose(both.values, hard.values, atol=1e-14)
    with pytest.raises(DataValueError, match="probability zero"):  # pgmpy answers NaN here
        infer.query(["A"], {"B": "b0"}, [_b([0.0, 0.5, 0.9])], show_progress=False)


def test_virtual_evidence_states_are_matched_by_name_and_a_single_cpd_is_accepted(infer):
    a = infer.query(["A"], virtual_evidence=[_b([0.1, 0.5, 0.9])], show_progress=False)
    b = infer.query(["A"], virtual_evidence=[_b([0.9, 0.1, 0.5], ["b2", "b0", "b1"])], show_progress=False)
    c = infer.query(["A"], virtual_evidence=_b([0.1, 0.5, 0.9]), show_progress=False)
    d = infer.query(["A"], virtual_evidence=[_b([0.2, 1.0, 1.8])], show_progress=False)  # only ratios matter
    for other in (b, c, d):
        np.testing.assert_allclose(other.values, a.values, atol=1e-14)


@pytest.mark.parametrize(
    ("order", "error", "match"),
    [
        ("nope", ParameterError, "'nope' is not one of"),
        (["A"], ParameterError, "'A', a query or evidence variable"),
        ([], ParameterError, r"misses \['B'\]"),
        (["B", "Z"], UnknownVariableError, "'Z'"),
        (["B", "B"], ParameterError, "duplicate"),
        (3, DataTypeError, "elimination_order"),
    ],
)
def test_bad_elimination_order(infer, order, error, match):
    with pytest.raises(error, match=match):
        infer.query(["A"], elimination_order=order, show_progress=False)
    with pytest.raises(error, match=match):
        infer.map_query(["A"], elimination_order=order, show_progress=False)


def test_map_query_refuses_a_table_above_the_cell_limit(infer):
    with pytest.raises(ParameterError, match="6 cells, more than max_cells=5"):
        infer.map_query(max_cells=5, show_progress=False)
    assert infer.map_query(max_cells=6, show_progress=False).keys() == {"A", "B"}
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ParameterError, match="max_cells"):
            infer.map_query(max_cells=bad, show_progress=False)


def test_other_bad_arguments_and_pgmpy_like_checks(infer):
    for call in (infer.query, infer.map_query, infer.max_marginal):
        with pytest.raises(DataTypeError, match="evidence"):
            call(["A"], "B", show_progress=False)
        with pytest.raises(ParameterError, match="both queried and given"):
            call(["A"], {"A": "a0"}, show_progress=False)
        with pytest.raises(UnknownStateError, match="'b9'"):
            call(["A"], {"B": "b9"}, show_progress=False)
    with pytest.raises(ParameterError, match="at least one variable"):
        infer.query([], show_progress=False)
    assert infer.map_query(["A"], {"B": "b2"}, show_progress=False) == {"A": "a1"}
    assert infer.map_query([], {"A": "a0", "B": "b2"}, show_progress=False) == {}  # nothing left to assign
    # names given by an iterator are read once
    np.testing.assert_allclose(infer.query(iter(["B", "A"]), show_progress=False).values,
                               infer.query(["B", "A"], show_progress=False).values, atol=0)
    assert infer.map_query(iter(["A"]), {"B": "b2"}, show_progress=False) == {"A": "a1"}
    assert infer.max_marginal(iter(["A"]), show_progress=False) == infer.max_marginal(["A"], show_progress=False)
    assert infer.max_marginal(evidence={"A": "a0", "B": "b2"}, show_progress=False) == 1.0


@pytest.mark.parametrize("evidence", [["A"], ("A", "a0"), "A", [("A", "a0")]])
def test_evidence_that_is_not_a_dict_is_a_type_and_a_value_error_as_in_pgmpy(infer, evidence):
    # pgmpy raises a ValueError for evidence=["J"] when querying "J"; ours is both ours and pgmpy's type
    for call in (
        lambda: infer.query(["A"], evidence, show_progress=False),
        lambda: infer.query(["B"], evidence, show_progress=False),
        lambda: infer.map_query(["A"], evidence, show_progress=False),
        lambda: infer.map_query(None, evidence, show_progress=False),
        lambda: infer.max_marginal(["A"], evidence, show_progress=False),
        lambda: infer.component_posterior(evidence),
    ):
        with pytest.raises(EvidenceTypeError, match="evidence must be a dict") as caught:
            call()
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, DataTypeError)


def test_unknown_state_is_a_key_error_as_in_pgmpy_and_names_the_state(infer):
    for call in (
        lambda: infer.query(["A"], {"B": -1}, show_progress=False),
        lambda: infer.map_query(["A"], {"B": -1}, show_progress=False),
        lambda: infer.max_marginal(["A"], {"B": -1}, show_progress=False),
        lambda: infer.component_posterior({"B": -1}),
        lambda: infer.query(["A"], virtual_evidence=[_b([0.1, 0.5, 0.9], ["b0", "b1", -1])], show_progress=False),
    ):
        with pytest.raises(KeyError) as caught:
            call()
        assert isinstance(caught.value, UnknownStateError) and isinstance(caught.value, UnknownStateKeyError)
        assert str(caught.value) == "state -1 of variable 'B' is not one of ['b0', 'b1', 'b2']"  # not quoted


@pytest.mark.parametrize("variables", [[], (), None, np.array([], dtype=str)])
def test_query_without_variables_says_so_before_checking_the_evidence(infer, variables):
    # pgmpy's message; the unknown evidence variable is not what is wrong first
    with pytest.raises(ParameterError, match="`variables` argument to query.. must contain at least one variable"):
        infer.query(variables, {"nope": 1}, show_progress=False)


def test_max_marginal_checks_its_arguments(infer):
    with pytest.raises(ParameterError, match="max_marginal over 2 variables needs a joint table of 6 cells"):
        infer.max_marginal(max_cells=5, show_progress=False)
    with pytest.raises(ParameterError, match="max_cells"):
        infer.max_marginal(max_cells=0, show_progress=False)
    with pytest.raises(UnknownVariableError, match="'C'"):
        infer.max_marginal(["C"], show_progress=False)
    with pytest.raises(ParameterError, match="'nope' is not one of"):
        infer.max_marginal(["A"], elimination_order="nope", show_progress=False)
    with pytest.raises(ParameterError, match="single variable"):
        infer.max_marginal(["A"], virtual_evidence=[TabularCPD(
            "B", 3, [[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]], evidence=["A"], evidence_card=[2],
            state_names={"B": ["b0", "b1", "b2"], "A": ["a0", "a1"]})], show_progress=False)
    with pytest.raises(ParameterError, match="disentangle"):
        MixtureInference(infer.model).max_marginal(show_progress=False)


def test_virtual_evidence_leaves_model_and_engines_untouched(infer):
    nodes, edges = sorted(infer.model.nodes()), sorted(infer.model.edges())
    plain = infer.query(["A"], show_progress=False)
    infer.query(["A"], virtual_evidence=[_b([0.1, 0.5, 0.9])], show_progress=False)  # pgmpy would grow its model
    assert sorted(infer.model.nodes()) == nodes and sorted(infer.model.edges()) == edges
    np.testing.assert_allclose(infer.query(["A"], show_progress=False).values, plain.values, atol=0)


def test_progress_bar_over_components(infer, capsys):
    infer.query(["A"], show_progress=True)
    assert "mixture components" in capsys.readouterr().err


def test_virtual_child_name_never_clashes_with_a_model_variable():
    model = DiscreteBayesianNetwork([("B", "__B")])
    model.add_cpds(
        TabularCPD("B", 2, [[0.3], [0.7]], state_names={"B": ["b0", "b1"]}),
        TabularCPD("__B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["B"], evidence_card=[2],
                   state_names={"__B": ["u", "v"], "B": ["b0", "b1"]}),
    )
    infer = MixtureInference(model, MixtureResult([Component({}, 1.0)], "exact"))
    seen = TabularCPD("B", 2, [[0.5], [1.0]], state_names={"B": ["b0", "b1"]})
    got = infer.query(["__B"], virtual_evidence=[seen], show_progress=False).values
    p_b = np.array([0.3 * 0.5, 0.7 * 1.0]) / (0.3 * 0.5 + 0.7)
    np.testing.assert_allclose(got, p_b @ np.array([[0.9, 0.1], [0.2, 0.8]]), atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_bundled_asia_network_mixture_against_brute_force(seed):
    from pgmpy_mixture.adapters.examples import load_example
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy

    model = load_example("asia")
    net = network_from_pgmpy(model)
    spec = random_mixture(net, n_targets=5, max_target_size=2, rng=seed)
    result = MixtureResult(spec.components(net), method="exact", network=net)
    infer = MixtureInference(model, result)
    rng = np.random.default_rng(seed)
    names = list(net.variables)
    rng.shuffle(names)
    query, hard_vars, soft_vars = names[:2], names[2:4], names[3:6]  # one variable carries both kinds
    evidence = {v: net.states[net.index(v)][0] for v in hard_vars}
    likelihoods = {v: rng.uniform(0.1, 1.0, len(net.states[net.index(v)])) for v in soft_vars}
    virtual = [_virtual_cpd(net, v, like, np.arange(len(like)), False) for v, like in likelihoods.items()]
    expected, posterior = _brute_force(net, result, query, evidence, likelihoods)
    if expected is None:
        with pytest.raises(DataValueError, match="probability zero"):
            infer.query(query, evidence, virtual, show_progress=False)
        return
    np.testing.assert_allclose(infer.query(query, evidence, virtual, show_progress=False).values, expected,
                               atol=1e-12)
    np.testing.assert_allclose(infer.component_posterior(evidence, virtual).to_numpy(), posterior, atol=1e-12)
    best = infer.map_query(query, evidence, virtual, show_progress=False)
    assert expected[tuple(net.state_code(v, best[v]) for v in query)] >= expected.max() - 1e-12


# ------------------------------------------------------------------------------------ CPDs pgmpy accepts
def _model_off_by(off: float) -> DiscreteBayesianNetwork:
    """A -> B whose CPD column of B given A=a1 sums to 1 - off (pgmpy's check_model accepts off up to 0.01)."""
    model = DiscreteBayesianNetwork([("A", "B")])
    model.add_cpds(
        TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": ["a0", "a1"]}),
        TabularCPD("B", 2, [[0.9, 0.3], [0.1, 0.7 - off]], evidence=["A"], evidence_card=[2],
                   state_names={"B": ["b0", "b1"], "A": ["a0", "a1"]}),
    )
    return model


def _renormalised_by_hand(off: float) -> CausalNetwork:
    column = np.array([0.3, 0.7 - off]) / (1.0 - off)
    return CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
                                     {"A": np.array([0.4, 0.6]), "B": np.array([[0.9, 0.1], column])})


@pytest.mark.parametrize("off", [1e-3, 0.0099, -0.0099])
def test_cpd_columns_within_pgmpys_tolerance_are_renormalised_with_a_warning_naming_the_variable(off):
    model = _model_off_by(off)
    assert model.check_model()  # pgmpy accepts it (columns within 0.01 of 1)
    before = model.get_cpds("B").get_values().copy()
    result = MixtureResult([Component({}, 0.5), Component({"A": "a1"}, 0.5)], "exact")
    with pytest.warns(UserWarning, match=r"CPD columns of 'B' \(off by up to 0\.0\d+\) do not sum to 1; they were "
                                         r"renormalised") as caught:
        infer = MixtureInference(model, result)
    assert [w.filename for w in caught] == [__file__]  # points at the caller's line
    assert infer.renormalised_ == {"B": pytest.approx(abs(off), abs=1e-15)}
    net = _renormalised_by_hand(off)
    for query, evidence in ((["B"], {}), (["A"], {"B": "b1"}), (["A", "B"], {})):
        expected, posterior = _brute_force(net, result, query, evidence, {})
        np.testing.assert_allclose(infer.query(query, evidence, show_progress=False).values, expected, atol=1e-12)
        np.testing.assert_allclose(infer.component_posterior(evidence).to_numpy(), posterior, atol=1e-12)
    np.testing.assert_array_equal(model.get_cpds("B").get_values(), before)  # the caller's model is untouched


def test_cpd_rounding_is_renormalised_silently_and_listed():
    model = _model_off_by(1e-8)  # as the rounded tables of the bundled sachs and alarm files (up to 1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infer = MixtureInference(model, MixtureResult([Component({}, 1.0)], "exact"))
    assert infer.renormalised_ == {"B": pytest.approx(1e-8, rel=1e-6)}
    renormalised = VariableElimination(network_to_pgmpy(_renormalised_by_hand(1e-8)))
    raw = VariableElimination(model)
    for query, evidence in ((["B"], None), (["A"], {"B": "b1"})):
        ours = infer.query(query, evidence, show_progress=False).values
        np.testing.assert_allclose(ours, renormalised.query(query, evidence, show_progress=False).values, atol=1e-15)
        assert np.abs(ours - raw.query(query, evidence, show_progress=False).values).max() < 1e-8
    assert MixtureInference(_model_off_by(0.0)).renormalised_ == {}


def test_cpd_columns_beyond_pgmpys_tolerance_are_refused_naming_the_variable():
    from pgmpy_mixture.adapters.convert import network_from_pgmpy
    from pgmpy_mixture.errors import ModelError

    model = _model_off_by(0.05)
    with pytest.raises(ModelError, match="check_model.*B"):
        MixtureInference(model)
    with pytest.raises(ModelError, match=r"CPD of 'B' has a column that does not sum to 1 within 0\.01"):
        network_from_pgmpy(model, check=False)
