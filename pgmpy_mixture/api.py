"""The framework-free entry point: :func:`disentangle_mixture` (and :func:`disentangle_marginals`), the one path
every caller takes.

The pgmpy method, the top-level functions and the command line convert their inputs (a pgmpy model becomes a
:class:`~pgmpy_mixture.model.network.CausalNetwork`, or a :class:`~pgmpy_mixture.model.structure.NetworkStructure`
when it has no CPDs) and call these functions with the same arguments. Each call

1. checks the method and its options against their declarations (:mod:`pgmpy_mixture.methods`,
   :func:`~pgmpy_mixture.validation.parameters.check_options`);
2. reduces the data to its sufficient statistic with one call into :mod:`pgmpy_mixture.data.ingest`;
3. fits the CPDs when ``observational=`` samples are given (UAI 2021, Appendix D: one call to
   :func:`~pgmpy_mixture.model.fitting.fit_network`), or hands the observational rows to a method that fits them
   itself;
4. runs the method and stamps the options used on the result.

Methods plug in with :func:`register_method` without editing this module; :func:`available_methods` lists them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.disentangle import disentangle_marginals as aggregate_disentangle_marginals
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import has_reader, is_data_source, supported_sources, to_count_table, to_marginals
from pgmpy_mixture.errors import DataTypeError, MixtureError, ModelError, ParameterError
from pgmpy_mixture.methods import (
    AAAI2020_EXACT,
    DISCRETE_INPUTS,
    INPUT_KINDS,
    Method,
    available_methods,
    get_method,
    method_names,
    option_specs,
    register_method,
    resolve_method,
)
from pgmpy_mixture.model.fitting import fit_network
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.structure import NetworkStructure
from pgmpy_mixture.result import MixtureResult
from pgmpy_mixture.validation.parameters import Option, check_options

__all__ = ["available_methods", "disentangle_marginals", "disentangle_mixture", "register_method"]

_PROGRESS = Option("progress", (bool,), False, doc="show progress bars")


# ---------------------------------------------------------------------------------------------- checks
def _check_progress(progress: object) -> None:
    check_options({"progress": progress}, [_PROGRESS], context="the entry point")


def _check_method_name(method: object, kinds: tuple[str, ...]) -> None:
    if not isinstance(method, str) or method not in method_names(kinds):
        elsewhere = [k for k in INPUT_KINDS if k not in kinds and isinstance(method, str)
                     and method in method_names([k])]
        hint = f" (method {method!r} takes {elsewhere[0]} input)" if elsewhere else ""
        raise ParameterError(f"method={method!r} is not one of {method_names(kinds)}{hint}")


def _context(method: Method, kind: str) -> str:
    return f"method {method.name!r} on {kind}"


def _check(method: Method, kind: str, options: Mapping[str, object], present: Collection[str]) -> None:
    if "observational" in present and method.observational == "none":
        raise ParameterError(
            f"{_context(method, kind)} takes the network's CPDs as known: it does not use observational= samples"
        )
    check_options(options, method.options_for(kind), context=_context(method, kind), present=present,
                  exclusive=method.exclusive)


def _precheck(method: str, kinds: tuple[str, ...], options: Mapping[str, object], present: Collection[str]) -> None:
    """Check before reading the data, when the kind of input (so the method "auto" picks) is not known yet: each
    option must be one that a method it may run declares, with a value that declaration accepts."""
    candidates = [resolve_method(kind, method) for kind in kinds]
    if any(m.options_for(k) is None for m, k in zip(candidates, kinds, strict=True)):
        return
    check_options(options, list(option_specs(method, kinds).values()), context=f"method {method!r}",
                  present=present)


def _plain(value: object) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, np.generic))


def _stamped(result: object, method: Method, kind: str, options: Mapping[str, object], present: Collection[str],
             stamps: Mapping[str, object]) -> MixtureResult:
    """The result with the options used: the method's name, every declared option (default or given), what the
    method reported, and what the entry point did (CPDs fitted, observational sample size)."""
    if not isinstance(result, MixtureResult):
        raise ParameterError(f"method {method.name!r} returned {type(result).__name__}, not a MixtureResult")
    declared = method.options_for(kind) or ()
    defaults = {o.name: o.default for o in declared if o.requires is None or o.requires in present}
    used = {name: value for name, value in {**defaults, **options}.items() if _plain(value)}
    merged = {"method": method.name, **used, **dict(result.options), **stamps}
    return dataclasses.replace(result, options=merged)


# ---------------------------------------------------------------------------------------------- the network
def _parents(network: CausalNetwork | NetworkStructure) -> dict[str, list[str]]:
    if isinstance(network, NetworkStructure):
        return network.parent_map()
    return {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}


def _variables_and_states(network: CausalNetwork | NetworkStructure, data: object,
                          observational: object) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    if isinstance(network, CausalNetwork):
        return network.variables, network.states
    if observational is None:
        raise ModelError(
            "the network has no CPDs (a structure): pass observational= samples to fit them on its graph"
        )
    return network.variables, network.resolve_states(observational, data)


def _with_cpds(network: CausalNetwork | NetworkStructure, method: Method, observational: object,
               options: Mapping[str, Any], variables: tuple[str, ...], states: tuple[tuple[str, ...], ...],
               ) -> tuple[CausalNetwork, dict[str, Any], dict[str, Any]]:
    """The network the method runs on, the options it receives and what to stamp on the result.

    Without observational samples the network's CPDs are used as given. With them, a method declared ``"fit"``
    runs on CPDs fitted to them on the network's graph; a method declared ``"rows"`` receives the observational
    count table and fits from it itself (its network only gives the graph and states).
    """
    if observational is None:
        return network, dict(options), {}
    try:
        table = to_count_table(observational, variables, states)
    except MixtureError as exc:  # the same checks as the mixture data; say which input failed them
        raise type(exc)(f"observational samples: {exc}") from exc
    stamps: dict[str, Any] = {"observational_samples": table.total}
    if method.observational == "rows":
        call = {**options, "observational": table}
        if isinstance(network, CausalNetwork):
            return network, call, stamps
    else:
        call = {k: v for k, v in options.items() if k != "delta"}
    delta = options.get("delta")
    delta = 1.0 / table.total if delta is None else delta
    # A "rows" method (the likelihood method) fits the CPDs itself with the same fit_network -- by delta or by its
    # Dirichlet prior -- because with joint_cpds=True it re-fits them inside its lifts from these rows; here it
    # only needs a network carrying the graph and the states, fitted by delta when the caller gave a structure.
    fitted = fit_network(variables, states, _parents(network), table, delta=delta)
    if method.observational == "fit":
        stamps.update(cpds="fitted", delta=delta)
    return fitted, call, stamps


# ---------------------------------------------------------------------------------------------- entry points
def disentangle_mixture(
    network: CausalNetwork | NetworkStructure,
    data: Any = None,
    *,
    weights: str | None = None,
    observational: Any = None,
    marginals: Any = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Recover the interventions (targets and weights) whose mixture produced ``data``.

    Parameters
    ----------
    network : CausalNetwork or NetworkStructure
        The known causal Bayesian network (its CPDs are ``P(V)``), or only its graph (then ``observational`` is
        required and state names unknown to the structure come from the data).
    data : DataFrame, CountTable, iterable of DataFrames, path or glob of Parquet/CSV files, or a reader's source
        Mixture samples (state names, one column per variable; a Dask frame is counted by Dask), or an exact
        probability table (a :class:`~pgmpy_mixture.data.counts.CountTable` with ``is_distribution``, or
        ``weights`` that are probabilities). See :func:`pgmpy_mixture.data.ingest.to_count_table`.
    weights : str, optional
        Column of non-negative row weights: counts, or probabilities (not whole numbers, summing to 1: the exact
        mixture distribution).
    observational : DataFrame, CountTable, path or any source ``data`` may be, optional
        Observational samples: ``P(V)`` is then fitted on the network's graph (UAI 2021, Appendix D) instead of
        taken from its CPDs; options ``delta`` (and ``prior``, ``joint_cpds`` for ``"likelihood"``) apply.
    marginals : mapping, Series or DataFrame, optional
        Per-variable marginals of the mixture instead of samples (aggregate observations, AAAI 2020): see
        :func:`disentangle_marginals`, which receives ``method`` and the options.
    method : str, default "auto"
        ``"exact"`` (UAI 2021 Algorithm 1), ``"paper"`` (DISENTANGLE-FINITE), ``"likelihood"`` (ours) or a
        registered method; ``"auto"`` is ``"exact"`` on an exact probability table (``"likelihood"`` when the
        network's CPDs have zero entries: Algorithm 1 needs positivity), ``"likelihood"`` on samples.
        :func:`available_methods` lists every method with its options.
    progress : bool, default False
        Show progress bars.
    **options
        The method's options; an unknown option, a wrong type or a value out of range raises
        :class:`~pgmpy_mixture.errors.ParameterError`, as does an option that needs ``observational`` without it.

    Returns
    -------
    MixtureResult
        ``options`` records the method and every option used (and ``cpds``, how ``P(V)`` was obtained),
        ``sample_size`` the number of mixture samples (``None`` for exact input), ``warnings`` the assumption
        problems met, ``diagnostics`` run time, residuals and pruning counts.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.oracle import ExactOracle
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
    ...     {"A": np.array([.4, .6]), "B": np.array([[.7, .3], [.2, .8]])})
    >>> targets = net.encode_targets([{}, {"B": "v"}])
    >>> cells = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> probs = ExactOracle(net, targets, np.array([.75, .25])).mixture_probability(cells)
    >>> table = CountTable.from_codes(cells, net.variables, net.states, probs, is_distribution=True)
    >>> result = disentangle_mixture(net, table)
    >>> [(c.label, round(c.weight, 9)) for c in result], result.options["method"]
    ([('observational', 0.75), ('do(B=v)', 0.25)], 'exact')
    >>> disentangle_mixture(net, table, method="paper", epsilon=1.5)
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: epsilon=1.5 is not valid for method 'paper' on distribution: \
expected a float in [0, 1)
    """
    _check_progress(progress)
    if marginals is not None:
        if data is not None or weights is not None or observational is not None:
            raise ParameterError("pass either data (samples, with weights= and observational=) or marginals=, "
                                 "not both")
        return disentangle_marginals(network, marginals, method=method, progress=progress, **options)
    if not isinstance(network, CausalNetwork | NetworkStructure):
        raise DataTypeError(f"network must be a CausalNetwork or a NetworkStructure, got {type(network).__name__}")
    if data is None:
        raise DataTypeError(f"data must be {supported_sources()}; got None")
    _check_method_name(method, DISCRETE_INPUTS)
    if observational is not None and not is_data_source(observational):
        raise DataTypeError(f"observational must be observational samples ({supported_sources()}), "
                            f"got {type(observational).__name__}")
    present = {"observational"} if observational is not None else set()
    if isinstance(data, CountTable):
        known = "distribution" if data.is_distribution else "samples"
        _check(resolve_method(known, method), known, options, present)
    elif weights is None:  # samples without weights are counts, never an exact distribution
        _check(resolve_method("samples", method), "samples", options, present)
    else:
        _precheck(method, DISCRETE_INPUTS, options, present)
    variables, states = _variables_and_states(network, data, observational)
    table = to_count_table(data, variables, states, weights, progress=progress)
    kind = "distribution" if table.is_distribution else "samples"
    positive = observational is not None or not isinstance(network, CausalNetwork) \
        or not network.positivity_violations()
    chosen = resolve_method(kind, method, positive=positive)
    _check(chosen, kind, options, present)
    fitted, call, stamps = _with_cpds(network, chosen, observational, options, variables, states)
    result = chosen.function(fitted, table, progress=progress, **call)
    return _stamped(result, chosen, kind, options, present, stamps)


def disentangle_marginals(
    network: CausalNetwork,
    marginals: Any = None,
    *,
    data: Any = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Recover the weights of single-node interventions from per-variable marginals (DIMM, AAAI 2020).

    The entry point of the ``"marginals"`` methods (:func:`available_methods`): it checks the method and its
    options, reduces a reader's source (a Dask frame of samples: distributed value counts, its row count as
    ``sample_size``) or joint samples ``data`` with one call into :mod:`pgmpy_mixture.data.ingest`, resolves
    ``"auto"`` and runs :func:`pgmpy_mixture.aggregate.disentangle_marginals` with the method fixed.

    Parameters
    ----------
    network : CausalNetwork
        The known network, CPDs included.
    marginals : mapping, Series, DataFrame or a reader's source, optional
        ``{variable: {state: probability}}``, a Series indexed by ``(variable, state)``, a ``variable, state,
        probability`` table, or a Dask frame of mixture samples.
    data : DataFrame, CountTable, iterable of DataFrames, ..., optional
        Joint mixture samples (method ``"em"``, or the source of the marginals).
    method : str, default "auto"
        ``"exact"`` (Theorem 1), ``"dimm"``, ``"bayes"``, ``"nnls"``, ``"em"``; ``"auto"`` is ``"bayes"`` with
        ``sample_size``; without it the marginals are tested: ``"exact"`` when they look exact, else ``"bayes"``
        with the sample size estimated from them (and an ``EstimationWarning`` naming ``sample_size``).
    progress : bool, default False
        Show progress bars.
    **options
        ``sample_size``, ``min_weight``, ``oracle`` and the method's own options, checked as in
        :func:`disentangle_mixture`.

    Returns
    -------
    MixtureResult

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([0.4, 0.6]), "B": np.array([[0.9, 0.1], [0.3, 0.7]])})
    >>> marginals = {"A": {"a0": 0.58, "a1": 0.42}, "B": {"b0": 0.648, "b1": 0.352}}
    >>> [(c.label, round(c.weight, 6)) for c in disentangle_marginals(net, marginals)]
    [('observational', 0.7), ('do(A=a0)', 0.3)]
    """
    _check_progress(progress)
    if isinstance(network, NetworkStructure):
        raise ModelError("the marginal methods (AAAI 2020) need the network's CPDs; a structure has none")
    if not isinstance(network, CausalNetwork):
        raise DataTypeError(f"network must be a CausalNetwork, got {type(network).__name__}")
    kinds = ("marginals",)
    _check_method_name(method, kinds)
    if marginals is None and data is None:
        raise ParameterError("pass marginals= (or data= joint samples, from which they are computed)")
    if method == "auto":
        _precheck(method, kinds, options, ())
    else:
        _check(get_method("marginals", method), "marginals", options, ())
    options = dict(options)
    if marginals is not None and has_reader(marginals):  # mixture samples: only their marginals are computed
        marginals, size = to_marginals(marginals, network.variables, network.states, progress=progress,
                                       return_sample_size=True)
        if options.get("sample_size") is None and size is not None:
            options["sample_size"] = size
    counts = None if data is None else to_count_table(data, network.variables, network.states, progress=progress)
    sample_size = options.get("sample_size")
    if sample_size is None and counts is not None and not counts.is_distribution:
        sample_size = counts.total
    chosen = resolve_method("marginals", method, sample_size=sample_size)
    extra = {} if counts is None else {"data": counts}
    if method == "auto" and sample_size is None and chosen is AAAI2020_EXACT:
        # Exact or estimated marginals? The aggregate entry point tests them: Theorem 1 when they look exact, else
        # the noise-aware method with the sample size estimated from them (it warns, naming sample_size). The
        # options were checked against both methods' declarations by the precheck above.
        result = aggregate_disentangle_marginals(network, marginals, method="auto", progress=progress, **extra,
                                                 **options)
        return _stamped(result, get_method("marginals", result.method), "marginals", options, (), {})
    _check(chosen, "marginals", options, ())
    result = chosen.function(network, marginals, progress=progress, **extra, **options)
    return _stamped(result, chosen, "marginals", options, (), {})
