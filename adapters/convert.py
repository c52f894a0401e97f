"""pgmpy models to and from the core's :class:`~pgmpy_mixture.model.network.CausalNetwork` (and
:class:`~pgmpy_mixture.model.structure.NetworkStructure` for a model without CPDs).

The one place a pgmpy model is read or built; the pgmpy method, :class:`MixtureInference`, the top-level
functions and the command line all convert through here, so the core never sees a pgmpy object.

Examples
--------
>>> from pgmpy.models import DiscreteBayesianNetwork
>>> from pgmpy.factors.discrete import TabularCPD
>>> model = DiscreteBayesianNetwork([("A", "B")])
>>> model.add_cpds(TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": ["a0", "a1"]}),
...                TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
...                           state_names={"B": ["b0", "b1"], "A": ["a0", "a1"]}))
>>> net = network_from_pgmpy(model)
>>> net.variables, net.states
(('A', 'B'), (('a0', 'a1'), ('b0', 'b1')))
>>> net.cpds[1].tolist()
[[0.9, 0.1], [0.2, 0.8]]
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
from pgmpy.factors.discrete import TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

from pgmpy_mixture.errors import DataTypeError, ModelError, warn_at_caller
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.structure import NetworkStructure

__all__ = [
    "CPD_ROUNDING",
    "PGMPY_CPD_ATOL",
    "as_core_network",
    "check_is_model",
    "cpd_column_errors",
    "network_from_pgmpy",
    "network_to_pgmpy",
    "structure_from_pgmpy",
    "structure_of_pgmpy",
]

#: pgmpy's ``check_model`` accepts a CPD whose columns sum to 1 within this absolute tolerance
#: (``DiscreteFactor.is_valid_cpd``: ``numpy.allclose(sums, 1, atol=0.01)``); so does the conversion, which
#: renormalises such columns (the methods need each column to be a distribution).
PGMPY_CPD_ATOL: float = 0.01

#: Renormalising columns whose sums are off 1 by more than this is announced with a warning naming the variables;
#: below it lies the rounding of probabilities printed in files (the bundled sachs and alarm: up to 1e-7), which
#: is renormalised silently and listed by :func:`cpd_column_errors`.
CPD_ROUNDING: float = 1e-6

#: Column sums within this of 1 are float rounding, left as they are.
_FLOAT_ROUNDING = 1e-12


def check_is_model(model: object) -> None:
    """Raise a :class:`~pgmpy_mixture.errors.DataTypeError` unless ``model`` is a pgmpy DiscreteBayesianNetwork.

    Examples
    --------
    >>> check_is_model(DiscreteBayesianNetwork([("A", "B")]))
    """
    if not isinstance(model, DiscreteBayesianNetwork):
        raise DataTypeError(f"model must be a pgmpy DiscreteBayesianNetwork, got {type(model).__name__}")


def structure_from_pgmpy(model: DiscreteBayesianNetwork) -> tuple[list[str], dict[str, list[str]]]:
    """Variables in a topological order and each variable's parents, read from the graph only.

    Works on a model without CPDs. The parent order is the order of the model's CPD when the
    variable has one (``cpd.variables[1:]``), else the graph's predecessor order.

    Parameters
    ----------
    model : pgmpy.models.DiscreteBayesianNetwork

    Returns
    -------
    variables : list of str
    parents : dict of str to list of str

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> structure_from_pgmpy(DiscreteBayesianNetwork([("A", "C"), ("B", "C")]))
    (['A', 'B', 'C'], {'A': [], 'B': [], 'C': ['A', 'B']})
    """
    check_is_model(model)
    if model.number_of_nodes() == 0:
        raise ModelError("the model has no variables")
    unnamed = [node for node in model.nodes() if not isinstance(node, str)]
    if unnamed:  # results, data columns and evidence name variables by their string names
        raise ModelError(
            f"variable {unnamed[0]!r} has type {type(unnamed[0]).__name__}, not str: pgmpy-mixture needs string "
            "variable names (rename with networkx.relabel_nodes, or build the model with names such as 'V0')"
        )
    try:
        order = list(nx.lexicographical_topological_sort(model, key=str))
    except nx.NetworkXUnfeasible:
        raise ModelError("the model's graph has a directed cycle") from None
    parents: dict[str, list[str]] = {}
    for node in order:
        cpd = model.get_cpds(node) if model.cpds else None
        preds = [str(p) for p in model.predecessors(node)]
        if cpd is not None and sorted(map(str, cpd.variables[1:])) == sorted(preds):
            parents[str(node)] = [str(p) for p in cpd.variables[1:]]
        else:
            parents[str(node)] = preds
    return [str(v) for v in order], parents


def _cpd_table(cpd: TabularCPD, own_states: Mapping[str, list[str]]) -> np.ndarray:
    """CPD values in our layout ``(*parent cards, card)``, axes re-ordered to each parent's own states."""
    variable = str(cpd.variable)
    card = int(cpd.variable_card)
    parents = [str(p) for p in cpd.variables[1:]]
    parent_cards = [int(c) for c in cpd.cardinality[1:]]
    values = np.asarray(cpd.get_values(), dtype=np.float64)  # (card, prod parent cards), first parent slowest
    table = values.T.reshape(*parent_cards, card)
    names = {str(k): [str(s) for s in v] for k, v in cpd.state_names.items()}
    for axis, parent in enumerate(parents):
        in_cpd, wanted = names[parent], own_states[parent]
        if in_cpd == wanted:
            continue
        if sorted(in_cpd) != sorted(wanted):
            raise ModelError(
                f"the CPD of {variable!r} uses states {in_cpd} for parent {parent!r}, "
                f"but {parent!r} has states {wanted}"
            )
        table = np.take(table, [in_cpd.index(s) for s in wanted], axis=axis)
    return np.ascontiguousarray(table)


def _column_error(values: np.ndarray) -> float:
    """Largest ``|column sum - 1|`` of a CPD table (the variable on the last axis, or pgmpy's first)."""
    return float(np.max(np.abs(np.sum(values, axis=-1) - 1.0)))


def cpd_column_errors(model: DiscreteBayesianNetwork) -> dict[str, float]:
    """Variables whose CPD columns do not sum to 1 (beyond float rounding), and by how much at most.

    These are the CPDs :func:`network_from_pgmpy` renormalises: pgmpy's ``check_model`` accepts columns within
    :data:`PGMPY_CPD_ATOL` of 1, and files print rounded probabilities (the bundled sachs and alarm networks have
    columns off by up to 1e-7), while the methods need each column to be a distribution. pgmpy's own inference
    uses the tables as they are, so its answers on such a model differ from ours by about this much.

    Parameters
    ----------
    model : pgmpy.models.DiscreteBayesianNetwork

    Returns
    -------
    dict of str to float
        ``variable -> max |column sum - 1|`` over its CPD's columns, for the variables where that exceeds
        float rounding (1e-12), in the model's node order; empty when every column sums to 1.

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> m = DiscreteBayesianNetwork([("A", "B")])
    >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]]),
    ...            TabularCPD("B", 2, [[0.9, 0.2], [0.099, 0.8]], evidence=["A"], evidence_card=[2]))
    >>> {v: round(e, 6) for v, e in cpd_column_errors(m).items()}
    {'B': 0.001}
    """
    check_is_model(model)
    errors: dict[str, float] = {}
    for node in model.nodes():
        cpd = model.get_cpds(node) if model.cpds else None
        if isinstance(cpd, TabularCPD):
            error = _column_error(np.asarray(cpd.get_values(), dtype=np.float64).T)
            if error > _FLOAT_ROUNDING:
                errors[str(node)] = error
    return errors


def _renormalised(tables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``tables`` with columns off 1 beyond float rounding divided by their sums; pgmpy's tolerance enforced
    (reachable with ``check=False``) and renormalisation beyond :data:`CPD_ROUNDING` announced."""
    errors = {var: _column_error(table) for var, table in tables.items()}
    refused = [var for var, error in errors.items() if not error <= PGMPY_CPD_ATOL]
    if refused:
        raise ModelError(
            f"the CPD of {refused[0]!r} has a column that does not sum to 1 within {PGMPY_CPD_ATOL} "
            f"(off by {errors[refused[0]]:.3g}), the tolerance of pgmpy's check_model()"
        )
    loud = {var: error for var, error in errors.items() if error > CPD_ROUNDING}
    if loud:
        listed = ", ".join(f"{var!r} (off by up to {error:.2g})" for var, error in loud.items())
        warn_at_caller(
            f"the CPD columns of {listed} do not sum to 1; they were renormalised (pgmpy's check_model accepts "
            f"sums within {PGMPY_CPD_ATOL} of 1 and its inference uses the tables unnormalised, so answers differ "
            "from pgmpy's by about as much)"
        )
    return {
        var: table / np.sum(table, axis=-1, keepdims=True) if errors[var] > _FLOAT_ROUNDING else table
        for var, table in tables.items()
    }


def network_from_pgmpy(model: DiscreteBayesianNetwork, *, check: bool = True) -> CausalNetwork:
    """Convert a pgmpy discrete Bayesian network with CPDs into a :class:`CausalNetwork`.

    CPD columns must sum to 1 within pgmpy's tolerance (:data:`PGMPY_CPD_ATOL`); columns that do not sum to 1
    exactly are renormalised (:func:`cpd_column_errors` lists them), with a warning naming the variables when
    one is off by more than :data:`CPD_ROUNDING`.

    Parameters
    ----------
    model : pgmpy.models.DiscreteBayesianNetwork
        Must have a :class:`~pgmpy.factors.discrete.TabularCPD` for every variable.
    check : bool, default True
        Run ``model.check_model()`` first (a failure becomes a :class:`ModelError`).

    Returns
    -------
    CausalNetwork
        Variables in a topological order, state names as ``str``, ``cpds[i]`` of shape
        ``(*parent cards, card_i)`` with parents in the CPD's order (``cpd.variables[1:]``).

    Raises
    ------
    DataTypeError
        ``model`` is not a ``DiscreteBayesianNetwork``.
    ModelError
        A variable has no CPD, ``check_model()`` fails (the message names the problem), or (with
        ``check=False``) a CPD column does not sum to 1 within :data:`PGMPY_CPD_ATOL`.

    Warns
    -----
    UserWarning
        CPDs whose columns are off 1 by more than :data:`CPD_ROUNDING` (named) were renormalised.

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> m = DiscreteBayesianNetwork()
    >>> m.add_node("X")
    >>> m.add_cpds(TabularCPD("X", 3, [[0.2], [0.3], [0.5]]))
    >>> network_from_pgmpy(m).states
    (('0', '1', '2'),)
    """
    variables, parents = structure_from_pgmpy(model)
    cpds: dict[str, TabularCPD] = {}
    for var in variables:
        cpd = model.get_cpds(var) if model.cpds else None
        if cpd is None:
            raise ModelError(f"the model has no CPD for variable {var!r}: add CPDs or pass observational= data")
        if not isinstance(cpd, TabularCPD):
            raise ModelError(f"the CPD of {var!r} is a {type(cpd).__name__}, not a TabularCPD")
        cpds[var] = cpd
    if check:
        try:
            model.check_model()
        except Exception as exc:  # pgmpy raises plain ValueError (or others) with a descriptive message
            raise ModelError(f"the model fails pgmpy's check_model(): {exc}") from exc
    for var, cpd in cpds.items():
        if sorted(map(str, cpd.variables[1:])) != sorted(parents[var]):
            raise ModelError(
                f"the CPD of {var!r} conditions on {list(map(str, cpd.variables[1:]))}, "
                f"but its parents in the graph are {parents[var]}"
            )
    states = {var: [str(s) for s in cpds[var].state_names[cpds[var].variable]] for var in variables}
    tables = _renormalised({var: _cpd_table(cpds[var], states) for var in variables})
    parent_order = {var: [str(p) for p in cpds[var].variables[1:]] for var in variables}
    return CausalNetwork.from_tables(variables, states, parent_order, tables)


def network_to_pgmpy(network: CausalNetwork) -> DiscreteBayesianNetwork:
    """Build a pgmpy ``DiscreteBayesianNetwork`` (with TabularCPDs and state names) from a network.

    The inverse of :func:`network_from_pgmpy`: ``network_from_pgmpy(network_to_pgmpy(net))``
    reproduces ``net``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
    ...     {"A": np.array([.3, .7]), "B": np.array([[.9, .1], [.2, .8]])})
    >>> model = network_to_pgmpy(net)
    >>> sorted(model.edges()), model.get_cpds("B").get_values().tolist()
    ([('A', 'B')], [[0.9, 0.2], [0.1, 0.8]])
    """
    if not isinstance(network, CausalNetwork):
        raise DataTypeError(f"network must be a CausalNetwork, got {type(network).__name__}")
    edges = [(network.variables[p], v) for v, pars in zip(network.variables, network.parents, strict=True)
             for p in pars]
    model = DiscreteBayesianNetwork(edges)
    model.add_nodes_from(network.variables)
    cpds = []
    for var, st, pars, table in zip(network.variables, network.states, network.parents, network.cpds, strict=True):
        names = [network.variables[p] for p in pars]
        card = len(st)
        values = np.asarray(table, dtype=np.float64).reshape(-1, card).T
        state_names = {var: list(st)} | {network.variables[p]: list(network.states[p]) for p in pars}
        cpds.append(
            TabularCPD(
                var,
                card,
                values,
                evidence=names or None,
                evidence_card=[len(network.states[p]) for p in pars] or None,
                state_names=state_names,
            )
        )
    model.add_cpds(*cpds)
    return model


def _model_states(model: DiscreteBayesianNetwork) -> dict[str, list[str]]:
    """State names the model's CPDs know (a CPD names its variable's and its parents' states)."""
    states: dict[str, list[str]] = {}
    for cpd in model.get_cpds() if model.cpds else ():
        for var, names in cpd.state_names.items():
            states.setdefault(str(var), [str(s) for s in names])
    return states


def structure_of_pgmpy(model: DiscreteBayesianNetwork) -> NetworkStructure:
    """The graph of a pgmpy model (CPDs or not) as a :class:`NetworkStructure`, with the states its CPDs know.

    Examples
    --------
    >>> structure_of_pgmpy(DiscreteBayesianNetwork([("A", "C"), ("B", "C")])).parents
    ((), (), ('A', 'B'))
    """
    variables, parents = structure_from_pgmpy(model)
    return NetworkStructure.from_parents(variables, parents, _model_states(model))


def _has_every_cpd(model: DiscreteBayesianNetwork) -> bool:
    return bool(model.cpds) and all(model.get_cpds(v) is not None for v in model.nodes())


def as_core_network(model: object, *, cpds_needed: bool = True) -> CausalNetwork | NetworkStructure:
    """What the core entry point takes for ``model``: a CausalNetwork or NetworkStructure passes through; a pgmpy
    model becomes a CausalNetwork (:func:`network_from_pgmpy`), or its :class:`NetworkStructure` when it lacks
    CPDs and ``cpds_needed`` is False (CPDs will be fitted from observational samples).

    Raises
    ------
    DataTypeError
        ``model`` is none of these.
    ModelError
        The model lacks a CPD (naming the variable) and ``cpds_needed``, or fails ``check_model()``.

    Examples
    --------
    >>> as_core_network(DiscreteBayesianNetwork([("A", "B")]), cpds_needed=False).variables
    ('A', 'B')
    """
    if isinstance(model, CausalNetwork | NetworkStructure):
        return model
    if not isinstance(model, DiscreteBayesianNetwork):
        raise DataTypeError(
            "model must be a pgmpy DiscreteBayesianNetwork, a CausalNetwork or a NetworkStructure, "
            f"got {type(model).__name__}"
        )
    if cpds_needed or _has_every_cpd(model):
        return network_from_pgmpy(model)
    return structure_of_pgmpy(model)
