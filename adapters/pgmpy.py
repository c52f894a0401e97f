"""pgmpy glue: model conversion, the ``disentangle_mixture`` method and :class:`MixtureInference`.

pgmpy has no plugin mechanism, so importing :mod:`pgmpy_mixture` calls :func:`register`, which
attaches :func:`disentangle_mixture` to :class:`pgmpy.models.DiscreteBayesianNetwork` with a
guarded ``setattr``: an attribute of that name that pgmpy itself defines is never overwritten.
Setting the method on the class (not a subclass) means it reaches existing instances and the
results of ``copy()``, ``do()``, BIF readers and example loaders, which all return the base class.

The core never sees pgmpy objects: :func:`network_from_pgmpy` turns a model into a
:class:`~pgmpy_mixture.model.network.CausalNetwork` and :func:`network_to_pgmpy` goes back.

Examples
--------
>>> import pgmpy_mixture
>>> from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy
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
>>> hasattr(model, "disentangle_mixture")
True
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pgmpy
from pgmpy.factors.discrete import TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataTypeError, ModelError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import MixtureResult

__all__ = [
    "TESTED_PGMPY_RANGE",
    "check_pgmpy_version",
    "disentangle_mixture",
    "network_from_pgmpy",
    "network_to_pgmpy",
    "register",
    "structure_from_pgmpy",
    "unregister",
]

#: pgmpy versions the plugin is tested with: ``low <= version < high`` (major, minor).
TESTED_PGMPY_RANGE: tuple[tuple[int, int], tuple[int, int]] = ((1, 1), (1, 3))
METHOD_NAME = "disentangle_mixture"
_PLUGIN_MARK = "_pgmpy_mixture_plugin"
_version_warned = False


# ---------------------------------------------------------------------------------------- conversion
def _check_is_model(model: object) -> None:
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
    _check_is_model(model)
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


def network_from_pgmpy(model: DiscreteBayesianNetwork, *, check: bool = True) -> CausalNetwork:
    """Convert a pgmpy discrete Bayesian network with CPDs into a :class:`CausalNetwork`.

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
        A variable has no CPD, or ``check_model()`` fails (the message names the problem).

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
    tables = {var: _cpd_table(cpds[var], states) for var in variables}
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


# ---------------------------------------------------------------------------------------- the method
def _count_table(data: object, variables: Sequence[str], states: Sequence[Sequence[str]],
                 weights: str | None, name: str = "data", progress: bool = False) -> CountTable:
    """Reduce user data to the sufficient statistic (the one place new input types plug in)."""
    from pgmpy_mixture.data.ingest import is_chunked_or_distributed, to_count_table

    if is_chunked_or_distributed(data):  # iterator/list of pandas chunks or a dask DataFrame (issue 6)
        return to_count_table(data, variables, states, weights, progress=progress)
    if isinstance(data, pd.DataFrame):
        from pgmpy_mixture.validation import check_dataframe

        check_dataframe(data, name)
        return CountTable.from_frame(data, variables, states, weights)
    if isinstance(data, CountTable):
        if weights is not None:
            raise ParameterError(f"weights= names a column, but {name} is already a CountTable")
        if set(data.variables) != set(variables):
            raise ModelError(f"{name} covers variables {list(data.variables)}, the model has {list(variables)}")
        return data.reorder(list(variables))
    raise DataTypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")


def _states_from_frames(variables: Sequence[str], frames: Sequence[pd.DataFrame]) -> list[list[str]]:
    """State names of a model without CPDs: the sorted distinct values seen in the data (as str)."""
    states = []
    for var in variables:
        seen: set[str] = set()
        for frame in frames:
            if isinstance(frame, pd.DataFrame) and var in frame.columns:
                seen.update(frame[var].dropna().astype(str).unique().tolist())
        if not seen:
            from pgmpy_mixture.errors import MissingVariableError

            raise MissingVariableError(f"model variable {var!r} is missing from the observational data")
        states.append(sorted(seen))
    return states


def _network_for(model: DiscreteBayesianNetwork, data: object, observational: object,
                 delta: float | None) -> tuple[CausalNetwork, dict[str, Any], list[str]]:
    """The known P(V): converted from the model's CPDs, or fitted from ``observational`` samples."""
    if observational is None:
        return network_from_pgmpy(model), {"cpds": "model"}, []
    if not isinstance(observational, pd.DataFrame | CountTable):
        raise DataTypeError(f"observational must be a pandas DataFrame, got {type(observational).__name__}")
    from pgmpy_mixture.model.fitting import fit_network

    variables, parents = structure_from_pgmpy(model)
    has_cpds = all(model.get_cpds(v) is not None for v in variables) if model.cpds else False
    if has_cpds:
        known = network_from_pgmpy(model)
        states = [list(known.states[known.index(v)]) for v in variables]
        source = "fitted from observational samples (structure and states from the model's CPDs)"
    else:
        if isinstance(observational, CountTable):
            states = [list(observational.states[observational.variables.index(v)]) for v in variables]
        else:
            states = _states_from_frames(variables, [observational, data])
        source = "fitted from observational samples (model had no CPDs: states sorted from the data)"
    table = _count_table(observational, variables, states, None, name="observational")
    delta = 1.0 / table.total if delta is None else float(delta)
    network = fit_network(variables, states, parents, table, delta=delta)
    info = {"cpds": source, "observational_samples": table.total, "delta": delta}
    notes = [f"P(V) was {source}; n={table.total:g}, delta={delta:g}"]
    return network, info, notes


def _disentangle_marginals(network: CausalNetwork, marginals: object, *, method: str, progress: bool,
                           **options: Any) -> MixtureResult:
    """Dispatch point for ``disentangle_mixture(marginals=...)`` (aggregate observations, AAAI 2020).

    Delegates to ``pgmpy_mixture.disentangle_marginals(network, marginals, method=..., progress=..., **options)``,
    provided by the DIMM module.
    """
    import pgmpy_mixture
    from pgmpy_mixture.data.ingest import is_dask_frame, to_marginals

    if is_dask_frame(marginals):  # mixture samples in Dask: only per-variable value counts are computed (issue 6)
        marginals, size = to_marginals(marginals, network.variables, network.states, return_sample_size=True)
        if size is not None:
            options.setdefault("sample_size", size)
    solver = getattr(pgmpy_mixture, "disentangle_marginals", None)
    if solver is None:  # pragma: no cover - present once the DIMM module is installed
        raise ParameterError("marginals= needs pgmpy_mixture.disentangle_marginals, which this build does not have")
    return solver(network, marginals, method=method, progress=progress, **options)


def disentangle_mixture(
    self: DiscreteBayesianNetwork,
    data: object = None,
    *,
    weights: str | None = None,
    observational: object = None,
    marginals: object = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Disentangle samples of a mixture of unknown interventions on this network (pgmpy-mixture plugin).

    The model's CPDs are the known observational distribution P(V) (or pass ``observational=``
    samples to fit them). Each component of the mixture is the network under a hard intervention
    ``do(target)`` (possibly empty); the result lists the targets and their weights.

    Parameters
    ----------
    data : pandas.DataFrame
        Mixture samples: one column per model variable, values are state names. With ``weights``,
        one row per distinct assignment. Data larger than memory: an iterator of DataFrame chunks
        (``pd.read_csv(..., chunksize=...)``) or a ``dask.dataframe.DataFrame`` (counted by Dask, rows never
        collected), see :func:`pgmpy_mixture.data.ingest.to_count_table`; a CountTable is used as is.
    weights : str, optional
        Name of a column of non-negative row weights: counts (the sample size is their sum) or
        probabilities (not whole numbers, summing to 1: then the table is the exact mixture
        distribution and recovery is exact).
    observational : pandas.DataFrame, optional
        Observational samples: the CPDs are fitted from them on the model's structure (with
        smoothing so positivity holds) instead of taken from the model; works on a model without CPDs.
    marginals : mapping or pandas.Series, optional
        Per-variable marginals of the mixture instead of samples (aggregate observations; single-node
        interventions), see :func:`pgmpy_mixture.disentangle_marginals`. A dask DataFrame of mixture samples
        is reduced to its marginals by Dask.
    method : str, default "auto"
        Algorithm, see :func:`pgmpy_mixture.api.disentangle_mixture`.
    progress : bool, default False
        Show a tqdm progress bar.
    **options
        Passed to the algorithm (thresholds such as ``epsilon``; ``delta`` also sets the CPD
        smoothing when ``observational`` is given).

    Returns
    -------
    MixtureResult

    Examples
    --------
    >>> import pandas as pd
    >>> import pgmpy_mixture
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> model = DiscreteBayesianNetwork()
    >>> model.add_node("A")
    >>> model.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
    >>> exact = pd.DataFrame({"A": ["x", "y"], "p": [0.7, 0.3]})   # 0.6 * P + 0.4 * do(A=x)
    >>> result = model.disentangle_mixture(exact, weights="p")
    >>> [(c.label, round(c.weight, 9)) for c in result.components]
    [('observational', 0.6), ('do(A=x)', 0.4)]
    """
    _check_is_model(self)
    if marginals is not None:
        if data is not None or weights is not None or observational is not None:
            raise ParameterError("pass either data (samples) or marginals=, not both")
        network = network_from_pgmpy(self)
        return _disentangle_marginals(network, marginals, method=method, progress=progress, **options)
    if data is None:
        raise DataTypeError("data must be a pandas DataFrame of mixture samples, got None")
    from pgmpy_mixture.data.ingest import is_chunked_or_distributed

    if not isinstance(data, pd.DataFrame | CountTable) and not is_chunked_or_distributed(data):
        raise DataTypeError(
            "data must be a pandas DataFrame (or a CountTable, an iterator of DataFrame chunks, a dask DataFrame), "
            f"got {type(data).__name__}"
        )
    delta = options.pop("delta", None) if observational is not None else None
    network, info, notes = _network_for(self, data, observational, delta)
    table = _count_table(data, network.variables, network.states, weights, progress=progress)
    from pgmpy_mixture.api import disentangle_mixture as core_disentangle

    result = core_disentangle(network, table, method=method, progress=progress, **options)
    if observational is None:
        return result
    return dataclasses.replace(
        result,
        options={**dict(result.options), **info},
        warnings=tuple(notes) + tuple(result.warnings),
    )


setattr(disentangle_mixture, _PLUGIN_MARK, True)


# ---------------------------------------------------------------------------------------- registration
def _parse_version(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def check_pgmpy_version(version: str | None = None) -> bool:
    """Warn (once per process) when pgmpy's version is outside :data:`TESTED_PGMPY_RANGE`.

    Returns True when the version is inside the tested range.

    Examples
    --------
    >>> check_pgmpy_version("1.1.2")
    True
    """
    global _version_warned
    text = pgmpy.__version__ if version is None else version
    low, high = TESTED_PGMPY_RANGE
    inside = low <= _parse_version(text) < high
    if not inside and not _version_warned:
        _version_warned = True
        warnings.warn(
            f"pgmpy-mixture is tested with pgmpy >= {low[0]}.{low[1]}, < {high[0]}.{high[1]}; "
            f"pgmpy {text} is installed and may not work",
            UserWarning,
            stacklevel=2,
        )
    return inside


def register(cls: type = DiscreteBayesianNetwork) -> bool:
    """Attach :func:`disentangle_mixture` to ``cls`` unless ``cls`` already defines that name itself.

    Returns True when the method is (now) ours; warns and returns False when an attribute of the
    same name that pgmpy (or anyone else) defined is in the way.

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> class MyNetwork(DiscreteBayesianNetwork):
    ...     pass
    >>> register(MyNetwork), "disentangle_mixture" in MyNetwork.__dict__
    (True, True)
    """
    check_pgmpy_version()
    existing = getattr(cls, METHOD_NAME, None)
    if existing is not None and not getattr(existing, _PLUGIN_MARK, False):
        warnings.warn(
            f"{cls.__name__}.{METHOD_NAME} already exists and is not pgmpy-mixture's: left unchanged; "
            f"call pgmpy_mixture.adapters.pgmpy.disentangle_mixture(model, data) instead",
            UserWarning,
            stacklevel=2,
        )
        return False
    setattr(cls, METHOD_NAME, disentangle_mixture)
    return True


def unregister(cls: type = DiscreteBayesianNetwork) -> None:
    """Remove the method again (only if it is ours).

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> class MyNetwork(DiscreteBayesianNetwork):
    ...     pass
    >>> register(MyNetwork)
    True
    >>> unregister(MyNetwork); "disentangle_mixture" in MyNetwork.__dict__
    False
    """
    if getattr(cls.__dict__.get(METHOD_NAME), _PLUGIN_MARK, False):
        delattr(cls, METHOD_NAME)


def __getattr__(name: str) -> Any:
    """Load :class:`MixtureInference` lazily: it needs ``pgmpy.inference``, slow to import."""
    if name == "MixtureInference":
        from pgmpy_mixture.adapters.inference import MixtureInference

        return MixtureInference
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
