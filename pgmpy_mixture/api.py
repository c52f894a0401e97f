"""The framework-free entry point: :func:`disentangle_mixture` and the method registry.

Adapters (pgmpy, causal-learn, the command line) convert their inputs into a
:class:`~pgmpy_mixture.model.network.CausalNetwork` and a :class:`~pgmpy_mixture.data.counts.CountTable`
and call :func:`disentangle_mixture`. Further methods plug in with :func:`register_method`
without editing this module.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.disentangle import disentangle_exact, disentangle_paper
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.errors import DataTypeError, EstimationWarning, ParameterError, warn_at_caller
from pgmpy_mixture.model.fitting import fit_network
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import EmpiricalOracle
from pgmpy_mixture.result import MixtureResult

__all__ = ["available_methods", "disentangle_mixture", "register_method"]

MethodFunction = Callable[..., MixtureResult]
_METHODS: dict[str, MethodFunction] = {}


def register_method(name: str, function: MethodFunction) -> None:
    """Register (or replace) a disentangling method under ``name``.

    ``function(network, data, *, progress=False, **options) -> MixtureResult`` receives the
    :class:`~pgmpy_mixture.model.network.CausalNetwork` and the mixture :class:`~pgmpy_mixture.data.counts.CountTable`.
    The options it accepts are read from its keyword parameters; unknown options passed to
    :func:`disentangle_mixture` raise a :class:`~pgmpy_mixture.errors.ParameterError` (unless the function
    takes ``**kwargs``). Registering ``"auto"`` replaces the built-in choice of default method.

    Parameters
    ----------
    name : str
        Method name used as ``disentangle_mixture(..., method=name)``.
    function : callable
        The implementation.

    Examples
    --------
    >>> from pgmpy_mixture.result import Component
    >>> def everything_observational(network, data, *, progress=False):
    ...     return MixtureResult([Component({}, 1.0)], method="trivial", network=network)
    >>> register_method("trivial", everything_observational)
    >>> "trivial" in available_methods()
    True
    >>> _ = _METHODS.pop("trivial")
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"method name must be a non-empty string, got {name!r}")
    if not callable(function):
        raise ParameterError(f"method {name!r} must be callable, got {type(function).__name__}")
    _METHODS[name] = function


def available_methods() -> list[str]:
    """Names accepted by ``disentangle_mixture(method=...)``.

    Examples
    --------
    >>> {"auto", "exact", "paper"} <= set(available_methods())
    True
    """
    return sorted(set(_METHODS) | {"auto"})


def _accepted_options(function: MethodFunction) -> set[str] | None:
    """Keyword options a method takes (``None`` = anything, it has ``**kwargs``)."""
    params = inspect.signature(function).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in params if p.kind in kinds]
    return set(names[2:]) - {"progress"} if len(names) >= 2 else set()


def disentangle_mixture(
    network: CausalNetwork, data: CountTable, *, method: str = "auto", progress: bool = False, **options
) -> MixtureResult:
    """Recover the interventions (targets and weights) whose mixture produced ``data``.

    Parameters
    ----------
    network : CausalNetwork
        The known causal Bayesian network (its CPDs are ``P(V)``).
    data : CountTable
        Mixture samples as counts, or an exact probability table (``data.is_distribution``).
    method : str, default "auto"
        ``"exact"``: Algorithm 1 of UAI 2021 on the given distribution (no smoothing, recovery to 1e-9;
        option ``tolerance``, default 1e-10). ``"paper"``: DISENTANGLE-FINITE (Appendix D) with options
        ``epsilon`` (default 0.01, Section 5), and ``observational`` (a CountTable of observational
        samples: then the CPDs are re-fitted on the network's graph by
        :func:`~pgmpy_mixture.model.fitting.fit_network`) with ``delta`` (default 1/M). ``"likelihood"``: maximum-likelihood
        lifts over every row (:func:`~pgmpy_mixture.discrete.likelihood.disentangle_likelihood`; options ``penalty``,
        ``epsilon``, ``observational``, ...). ``"auto"``: ``"exact"`` when ``data`` is an exact probability
        table, else ``"likelihood"``. Other registered methods too
        (see :func:`register_method`).
    progress : bool, default False
        Show a progress bar.
    **options
        Method options; unknown ones raise :class:`~pgmpy_mixture.errors.ParameterError`.

    Returns
    -------
    MixtureResult
        ``options`` records the method and thresholds used, ``sample_size`` the number of mixture samples
        (``None`` for exact input), ``warnings`` the assumption problems met, ``diagnostics`` run time,
        residuals and pruning counts.

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
    """
    if not isinstance(network, CausalNetwork):
        raise DataTypeError(f"network must be a CausalNetwork, got {type(network).__name__}")
    if not isinstance(data, CountTable):
        raise DataTypeError(f"data must be a CountTable, got {type(data).__name__}")
    if not isinstance(method, str) or method not in available_methods():
        raise ParameterError(f"method={method!r} is not one of {available_methods()}")
    if method == "auto" and "auto" not in _METHODS:
        method = "exact" if data.is_distribution else "likelihood"
    function = _METHODS[method]
    accepted = _accepted_options(function)
    if accepted is not None:
        unknown = sorted(set(options) - accepted)
        if unknown:
            raise ParameterError(f"unknown option(s) {unknown} for method {method!r}; it accepts {sorted(accepted)}")
    result = function(network, data, progress=progress, **options)
    if not isinstance(result, MixtureResult):
        raise ParameterError(f"method {method!r} returned {type(result).__name__}, not a MixtureResult")
    merged = {"method": method, **dict(result.options)}
    return dataclasses.replace(result, options=merged)


# ---------------------------------------------------------------------- built-in methods
def _exact(
    network: CausalNetwork, data: CountTable, *, progress: bool = False, tolerance: float = 1e-10
) -> MixtureResult:
    """Algorithm 1 on ``data`` taken as the exact mixture distribution."""
    if not data.is_distribution:
        warn_at_caller(
            "method 'exact' was given samples, not an exact probability table: it applies no noise threshold, "
            "so expect spurious small components (use method 'paper' for samples)",
            EstimationWarning,
        )
    oracle = EmpiricalOracle(network, data)
    result = disentangle_exact(oracle, tolerance=tolerance, progress=progress)
    return dataclasses.replace(result, options={**dict(result.options), "delta": None, "cpds": "given"})


def _paper(
    network: CausalNetwork,
    data: CountTable,
    *,
    progress: bool = False,
    epsilon: float = 0.01,
    observational: CountTable | None = None,
    delta: float | None = None,
) -> MixtureResult:
    """DISENTANGLE-FINITE; with ``observational`` samples the CPDs are fitted first (Appendix D)."""
    source = "given"
    if observational is not None:
        if not isinstance(observational, CountTable):
            raise DataTypeError(f"observational must be a CountTable, got {type(observational).__name__}")
        parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
        states = dict(zip(network.variables, network.states, strict=True))
        delta = 1.0 / observational.total if delta is None else delta
        network = fit_network(network.variables, states, parents, observational, delta=delta)
        source = "fitted"
    elif delta is not None:
        raise ParameterError("delta smooths CPDs fitted from observational samples: pass observational=... too")
    oracle = EmpiricalOracle(network, data)
    result = disentangle_paper(oracle, epsilon=epsilon, progress=progress)
    return dataclasses.replace(result, options={**dict(result.options), "delta": delta, "cpds": source})


register_method("exact", _exact)
register_method("paper", _paper)
register_method("likelihood", disentangle_likelihood)
