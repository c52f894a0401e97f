"""The methods the entry point runs, each declared once: its input, function, reference and options as data.

A method is registered under ``(input kind, name)``. The kinds of input are ``"samples"`` (a count table of mixture
samples), ``"distribution"`` (an exact probability table) and ``"marginals"`` (per-variable marginals, aggregate
observations). The user writes ``method="exact"`` in both worlds; the registry tells the two apart:

* ``("distribution", "exact")`` / ``("samples", "exact")`` is :data:`UAI2021_EXACT`, DISENTANGLE (Kumar & Sinha,
  UAI 2021, Algorithm 1: base case Lemma 4.1, lifts by Lemmas 4.3-4.7 and Equation 5);
* ``("marginals", "exact")`` is :data:`AAAI2020_EXACT`, the constructive proof of Theorem 1 of Sinha et al.,
  AAAI 2020 (sequential linear systems, Lemmas 1 and 2).

Every method declares its options as :class:`~pgmpy_mixture.validation.parameters.Option` values (type, range,
choices, None allowed, default, one-line doc, the input the option needs and the kinds of input it applies to);
:func:`~pgmpy_mixture.validation.parameters.check_options` checks them for every entry point. A method also says
what it does with observational samples (``observational=``): ``"fit"`` (the entry point fits the CPDs on the graph
with :func:`~pgmpy_mixture.model.fitting.fit_network` and runs the method on the fitted network), ``"rows"`` (the
method receives the observational count table and fits from it itself) or ``"none"`` (not supported).

Further methods plug in with :func:`register_method`; :func:`available_methods` lists them all.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pgmpy_mixture.aggregate import disentangle_marginals
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.disentangle import disentangle_exact, disentangle_paper
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.likelihood.method import SEARCH_ROWS
from pgmpy_mixture.errors import EstimationWarning, ParameterError, warn_at_caller
from pgmpy_mixture.model.marginals import InterventionalMarginals
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import EmpiricalOracle
from pgmpy_mixture.result import MixtureResult
from pgmpy_mixture.validation.parameters import EXISTENCE_PENALTY, Option

__all__ = [
    "AAAI2020_EXACT",
    "DISCRETE_INPUTS",
    "INPUT_KINDS",
    "OBSERVATIONAL_MODES",
    "UAI2021_EXACT",
    "Method",
    "available_methods",
    "get_method",
    "method_names",
    "option_specs",
    "register_method",
    "resolve_method",
    "unregister_method",
]

#: Kinds of input a method takes.
INPUT_KINDS: tuple[str, ...] = ("samples", "distribution", "marginals")
#: The kinds of input of the discrete methods (a count table: samples or an exact probability table).
DISCRETE_INPUTS: tuple[str, ...] = ("samples", "distribution")
#: What a method does with ``observational=`` samples (see the module docstring).
OBSERVATIONAL_MODES: tuple[str, ...] = ("fit", "rows", "none")

MethodFunction = Callable[..., MixtureResult]

UAI2021 = "Kumar & Sinha, Disentangling mixtures of unknown causal interventions, UAI 2021"
AAAI2020 = "Sinha et al., Dis-entangling mixture of interventions ... using aggregate observations, AAAI 2020"


@dataclass(frozen=True)
class Method:
    """One disentangling method: what it takes, what it runs, where it comes from, which options it accepts.

    Attributes
    ----------
    name : str
        What users pass as ``method=``.
    inputs : tuple of str
        Kinds of input it takes (:data:`INPUT_KINDS`).
    function : callable
        ``function(network, data, *, progress=False, **options) -> MixtureResult``: ``data`` is a
        :class:`~pgmpy_mixture.data.counts.CountTable` for samples and distributions, the marginals for
        ``"marginals"`` (marginal methods also receive ``data=`` joint samples when given).
    algorithm : str
        What it computes, in one line.
    reference : str
        Paper and algorithm/theorem, or "ours".
    options : tuple of Option, or None
        Declared options (each may be limited to some ``inputs``); None: any option (``**kwargs``), unchecked.
    observational : str
        ``"fit"``, ``"rows"`` or ``"none"`` (:data:`OBSERVATIONAL_MODES`).
    exclusive : tuple of tuple of str
        Groups of options of which at most one may be given.
    """

    name: str
    inputs: tuple[str, ...]
    function: MethodFunction
    algorithm: str = ""
    reference: str = ""
    options: tuple[Option, ...] | None = ()
    observational: str = "none"
    exclusive: tuple[tuple[str, ...], ...] = ()

    def options_for(self, kind: str) -> tuple[Option, ...] | None:
        """The declared options that apply to input of ``kind`` (None: any option).

        Examples
        --------
        >>> [o.name for o in get_method("samples", "paper").options_for("samples")]
        ['epsilon', 'delta']
        """
        if self.options is None:
            return None
        return tuple(o for o in self.options if o.inputs is None or kind in o.inputs)


# ---------------------------------------------------------------------------------------------- declared options
def _delta(default_text: str) -> Option:
    return Option(
        "delta", (float,), None, low=0.0, allow_none=True, requires="observational",
        doc=f"added to every CPD entry fitted from the observational samples, then renormalised ({default_text})",
    )


_OBS_DELTA = _delta("default 1/M for M samples, UAI 2021 Appendix D and Section 5")
_LIKELIHOOD_DELTA = _delta("default: the Dirichlet prior instead")
_PRIOR = Option(
    "prior", (float,), 1.0, low=0.0, low_open=True, requires="observational",
    doc="Dirichlet pseudo-count of the CPDs fitted from the observational samples (posterior mean)",
)
_TOLERANCE = Option("tolerance", (float,), 1e-10, low=0.0, doc="mixing coefficients at or below it count as zero")

_SAMPLES = ("samples",)
_DISTRIBUTION = ("distribution",)

_LIKELIHOOD_OPTIONS = (
    Option("penalty", (float,), "local", low=0.0, choices=("local", "bic", "aic"), inputs=_SAMPLES,
           doc="log-likelihood a child target must gain to be kept ('local': BIC on the rows it explains)"),
    Option("epsilon", (float,), 0.0, low=0.0, high=1.0, high_open=True,
           doc="also drop targets whose weight is below it (0: the likelihood test alone)"),
    dataclasses.replace(_TOLERANCE, inputs=_DISTRIBUTION),
    Option("lift_steps", (int,), None, low=1, allow_none=True, inputs=_SAMPLES,
           doc="largest number of EM iterations of each lift (None: 4 to 100 by table size)"),
    Option("choice_steps", (int,), None, low=1, allow_none=True, inputs=_SAMPLES,
           doc="EM iterations per candidate excluded state (None: a fifth of the lift's)"),
    Option("refine_steps", (int,), None, low=0, allow_none=True, inputs=_SAMPLES,
           doc="joint EM iterations over all weights after each variable (None: half the lift's)"),
    Option("polish_steps", (int,), 30, low=0, inputs=_SAMPLES, doc="joint EM iterations on the full rows at the end"),
    Option("newton_steps", (int,), 20, low=0, inputs=_SAMPLES, doc="Newton iterations after the final EM"),
    Option("repair", (bool,), True, inputs=_SAMPLES,
           doc="after the recursion, add to each found target the intervened variables its rows ask for"),
    EXISTENCE_PENALTY,
    Option("joint_cpds", (bool,), False, requires="observational", inputs=_SAMPLES,
           doc="re-estimate each CPD inside its lift from observational and mixture rows"),
    _LIKELIHOOD_DELTA,
    _PRIOR,
    Option("search_rows", (int,), SEARCH_ROWS, low=1, allow_none=True, inputs=_SAMPLES,
           doc="above this many distinct rows the recursion searches on a subsample of about this many (None: all "
               "rows); repair, existence test and weights use every row"),
    Option("random_state", (int,), 0, low=0, high=2**32 - 1, allow_none=True, inputs=_SAMPLES,
           doc="seeds that subsample"),
)

_MARGINAL_COMMON = (
    Option("sample_size", (float,), None, low=0.0, low_open=True, allow_none=True,
           doc="samples behind estimated marginals (None: 'auto' and 'bayes' test the marginals and estimate it "
               "when they look estimated; the other methods take them as exact)"),
    Option("min_weight", (float,), None, low=0.0, high=1.0, high_open=True, allow_none=True,
           doc="leave out smaller components (None: 1e-9 for exact marginals, 1e-6 with 'bayes', 1e-3 for "
               "estimated ones)"),
    Option("oracle", (InterventionalMarginals,), None, allow_none=True,
           doc="precomputed interventional marginals of the network"),
)
_MAX_ENUMERATE = Option("max_enumerate", (int,), 8, low=1,
                        doc="variables with at most this many states try every support")


# ---------------------------------------------------------------------------------------------- built-in functions
def _exact(network: CausalNetwork, data: CountTable, *, progress: bool = False,
           tolerance: float = 1e-10) -> MixtureResult:
    """Algorithm 1 (UAI 2021) on ``data`` taken as the exact mixture distribution."""
    if not data.is_distribution:
        warn_at_caller(
            "method 'exact' was given samples, not an exact probability table: it applies no noise threshold, "
            "so expect spurious small components (use method 'paper' for samples)",
            EstimationWarning,
        )
    result = disentangle_exact(EmpiricalOracle(network, data), tolerance=tolerance, progress=progress)
    return dataclasses.replace(result, options={**dict(result.options), "delta": None, "cpds": "given"})


def _paper(network: CausalNetwork, data: CountTable, *, progress: bool = False,
           epsilon: float = 0.01) -> MixtureResult:
    """DISENTANGLE-FINITE (UAI 2021, Appendix D) on the empirical mixture distribution."""
    result = disentangle_paper(EmpiricalOracle(network, data), epsilon=epsilon, progress=progress)
    return dataclasses.replace(result, options={**dict(result.options), "delta": None, "cpds": "given"})


def _marginal_solver(name: str) -> MethodFunction:
    """The AAAI 2020 entry point with ``method=name`` fixed."""

    def solve(network: CausalNetwork, marginals: object, *, progress: bool = False, data: object = None,
              **options: Any) -> MixtureResult:
        return disentangle_marginals(network, marginals, method=name, data=data, progress=progress, **options)

    solve.__name__ = solve.__qualname__ = f"disentangle_marginals_{name}"
    solve.__doc__ = f"``pgmpy_mixture.aggregate.disentangle_marginals(..., method={name!r})``."
    return solve


# ---------------------------------------------------------------------------------------------- the built-ins
UAI2021_EXACT = Method(
    "exact", DISCRETE_INPUTS, _exact,
    algorithm="DISENTANGLE on an exactly known mixture (no smoothing; samples are taken as exact, with a warning)",
    reference=f"{UAI2021}, Algorithm 1 (Lemma 4.1, Lemmas 4.3-4.7, Equation 5)",
    options=(_TOLERANCE, _OBS_DELTA), observational="fit",
)
UAI2021_PAPER = Method(
    "paper", DISCRETE_INPUTS, _paper,
    algorithm="DISENTANGLE-FINITE: Algorithm 1 with least-residual candidates and pruning at epsilon",
    reference=f"{UAI2021}, Appendix D and Section 5",
    options=(
        Option("epsilon", (float,), 0.01, low=0.0, high=1.0, high_open=True,
               doc="pruning threshold on mixing coefficients (Section 5: 0.01)"),
        _OBS_DELTA,
    ),
    observational="fit",
)
LIKELIHOOD = Method(
    "likelihood", DISCRETE_INPUTS, disentangle_likelihood,
    algorithm="maximum-likelihood lifts over all rows in Algorithm 1's order, penalised pruning, joint polish",
    reference=f"ours, on {UAI2021} (Algorithm 1, Lemmas 4.2-4.3, Equation 5)",
    options=_LIKELIHOOD_OPTIONS, observational="rows", exclusive=(("delta", "prior"),),
)
AAAI2020_EXACT = Method(
    "exact", ("marginals",), _marginal_solver("exact"),
    algorithm="sequential linear systems in topological order, exact marginals in, exact weights out",
    reference=f"{AAAI2020}, Theorem 1 (Lemmas 1 and 2)",
    options=(*_MARGINAL_COMMON, Option("tol", (float,), 1e-9, low=0.0,
                                       doc="entries above -tol count as non-negative")),
)
AAAI2020_DIMM = Method(
    "dimm", ("marginals",), _marginal_solver("dimm"),
    algorithm="OPT(epsilon) solved by SLSQP from random restarts (the paper's baseline)",
    reference=f"{AAAI2020}, Appendix C (Definition 5) and Section 5.1",
    options=(
        *_MARGINAL_COMMON,
        Option("lam", (float,), 0.1, low=0.0, doc="L2 regularisation weight lambda (paper: 0.1)"),
        Option("epsilon", (float,), 1e-5, low=0.0, high=1.0, high_open=True,
               doc="relaxation of the exclusion constraint (paper: 1e-5)"),
        Option("n_restarts", (int,), 10, low=1, doc="SLSQP runs from random feasible starts"),
        Option("maxiter", (int,), 500, low=1, doc="SLSQP iterations per run"),
        Option("ftol", (float,), 1e-10, low=0.0, low_open=True, doc="SLSQP tolerance"),
        Option("random_state", (int, np.random.Generator), None, low=0, allow_none=True,
               doc="seeds the random restarts"),
    ),
)
AAAI2020_BAYES = Method(
    "bayes", ("marginals",), _marginal_solver("bayes"),
    algorithm="empirical-Bayes spike-and-slab averaging over exclusion-respecting supports, node by node",
    reference=f"ours, in the order of {AAAI2020}, Theorem 1",
    options=(
        *_MARGINAL_COMMON,
        Option("n_sweeps", (int,), 8, low=1, doc="sweeps over the nodes"),
        Option("rho", (float,), 0.1, low=0.0, high=1.0, low_open=True, high_open=True,
               doc="starting prior probability that a weight is non-zero"),
        Option("tau", (float,), 0.05, low=0.0, low_open=True, doc="starting mean of the slab"),
        _MAX_ENUMERATE,
        Option("exclusion", (bool,), True, doc="zero the least supported weight of a node whose weights are all >0"),
    ),
)
AAAI2020_NNLS = Method(
    "nnls", ("marginals",), _marginal_solver("nnls"),
    algorithm="per-node support selection by penalised chi-square (NNLS), joint polish and stepwise search",
    reference=f"ours, in the order of {AAAI2020}, Theorem 1",
    options=(
        *_MARGINAL_COMMON,
        Option("penalty", (float,), "bic", low=0.0, choices=("adaptive", "bic", "aic"),
               doc="chi-square cost of one more non-zero weight"),
        Option("max_passes", (int,), 5, low=1, doc="selection-polish passes"),
        _MAX_ENUMERATE,
        Option("joint", (bool,), True, doc="finish with a stepwise search over the joint support"),
        Option("max_steps", (int,), 200, low=0, doc="largest number of stepwise moves"),
        Option("ridge", (float,), 0.0, low=0.0, doc="ridge term added to the chi-square"),
    ),
)
AAAI2020_EM = Method(
    "em", ("marginals",), _marginal_solver("em"),
    algorithm="EM of the weights of all single-node interventions from joint samples (data=)",
    reference=f"{AAAI2020}, Appendix D",
    options=(
        *_MARGINAL_COMMON,
        Option("max_iter", (int,), 5000, low=1, doc="largest number of EM iterations"),
        Option("tol", (float,), 1e-9, low=0.0, doc="stop when the mean log-likelihood gains less"),
        Option("canonical", (bool,), True, doc="return the representative satisfying Assumption 1"),
    ),
)

#: ``(input kind, method name) -> Method``.
_REGISTRY: dict[tuple[str, str], Method] = {}
#: The method ``"auto"`` picks, by input kind; for marginals the first without ``sample_size``, the second with.
AUTO: dict[str, tuple[str, ...]] = {"distribution": ("exact",), "samples": ("likelihood",),
                                    "marginals": ("exact", "bayes")}
#: The method ``"auto"`` picks on a network whose CPDs have zero entries, by input kind: Algorithm 1 needs positivity
#: (UAI 2021, Assumption 3.2) for its settings; the likelihood method's exact route solves Equation 5 on every row.
AUTO_WITHOUT_POSITIVITY: dict[str, str] = {"distribution": "likelihood"}


def _add(method: Method) -> None:
    for kind in method.inputs:
        _REGISTRY[(kind, method.name)] = method


for _builtin in (UAI2021_EXACT, UAI2021_PAPER, LIKELIHOOD, AAAI2020_EXACT, AAAI2020_DIMM, AAAI2020_BAYES,
                 AAAI2020_NNLS, AAAI2020_EM):
    _add(_builtin)


# ---------------------------------------------------------------------------------------------- registration
def _signature_options(function: MethodFunction) -> tuple[tuple[Option, ...] | None, str]:
    """Options of a user function read from its keyword parameters (after the two data arguments), and whether
    it takes the observational rows (a parameter named ``observational``)."""
    params = list(inspect.signature(function).parameters.values())
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    named = [p for p in params if p.kind in kinds]
    observational = "rows" if any(p.name == "observational" for p in named) else "none"
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None, observational
    options = tuple(
        Option(p.name, default=None if p.default is inspect.Parameter.empty else p.default)
        for p in named[2:] if p.name not in ("progress", "observational")
    )
    return options, observational


def register_method(
    name: str,
    function: MethodFunction,
    *,
    inputs: Sequence[str] = DISCRETE_INPUTS,
    options: Sequence[Option] | None = None,
    algorithm: str = "",
    reference: str = "",
) -> None:
    """Register (or replace) a disentangling method under ``name`` for the kinds of input ``inputs``.

    ``function(network, data, *, progress=False, **options) -> MixtureResult`` receives the
    :class:`~pgmpy_mixture.model.network.CausalNetwork` and the mixture :class:`~pgmpy_mixture.data.counts.CountTable`
    (the marginals for ``inputs=("marginals",)``). Without ``options``, the options it accepts are read from its
    keyword parameters (any value; ``**kwargs``: any name) and a parameter named ``observational`` receives the
    observational count table. Unknown options raise a :class:`~pgmpy_mixture.errors.ParameterError`.
    Registering ``"auto"`` replaces the built-in choice of default method for those inputs.

    Parameters
    ----------
    name : str
        Method name used as ``disentangle_mixture(..., method=name)``.
    function : callable
        The implementation.
    inputs : sequence of str, default ("samples", "distribution")
        Kinds of input it takes (:data:`INPUT_KINDS`).
    options : sequence of Option, optional
        Declared options (checked for type and range); default: read from the signature.
    algorithm, reference : str
        One line each, shown by :func:`available_methods`.

    Examples
    --------
    >>> from pgmpy_mixture.result import Component
    >>> def everything_observational(network, data, *, progress=False):
    ...     return MixtureResult([Component({}, 1.0)], method="trivial", network=network)
    >>> register_method("trivial", everything_observational)
    >>> "trivial" in set(available_methods()["method"])
    True
    >>> unregister_method("trivial")
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"method name must be a non-empty string, got {name!r}")
    if not callable(function):
        raise ParameterError(f"method {name!r} must be callable, got {type(function).__name__}")
    inputs = tuple(inputs)
    unknown = [k for k in inputs if k not in INPUT_KINDS]
    if not inputs or unknown:
        raise ParameterError(f"inputs of method {name!r} must be among {list(INPUT_KINDS)}, got {list(inputs)}")
    declared, observational = _signature_options(function)
    if options is not None:
        if not all(isinstance(o, Option) for o in options):
            raise ParameterError(f"options of method {name!r} must be Option declarations")
        declared = tuple(options)
    _add(Method(name, inputs, function, algorithm=algorithm, reference=reference or "user-registered",
                options=declared, observational=observational))


def unregister_method(name: str, inputs: Sequence[str] = INPUT_KINDS) -> None:
    """Remove the method ``name`` for the kinds of input ``inputs``; a built-in one comes back.

    Examples
    --------
    >>> unregister_method("no such method")
    """
    for kind in inputs:
        _REGISTRY.pop((kind, name), None)
    for builtin in (UAI2021_EXACT, UAI2021_PAPER, LIKELIHOOD, AAAI2020_EXACT, AAAI2020_DIMM, AAAI2020_BAYES,
                    AAAI2020_NNLS, AAAI2020_EM):
        if builtin.name == name:
            for kind in builtin.inputs:
                _REGISTRY.setdefault((kind, name), builtin)


# ---------------------------------------------------------------------------------------------- look-up
def method_names(kinds: Sequence[str] = INPUT_KINDS) -> list[str]:
    """The names ``method=`` accepts for input of any of ``kinds`` (``"auto"`` included).

    Examples
    --------
    >>> method_names(["marginals"])
    ['auto', 'bayes', 'dimm', 'em', 'exact', 'nnls']
    """
    return sorted({name for kind, name in _REGISTRY if kind in kinds} | {"auto"})


def get_method(kind: str, name: str) -> Method:
    """The method registered under ``(kind, name)``; a :class:`ParameterError` listing the names otherwise.

    Examples
    --------
    >>> get_method("marginals", "exact").reference.endswith("Theorem 1 (Lemmas 1 and 2)")
    True
    """
    method = _REGISTRY.get((kind, name)) if isinstance(name, str) else None
    if method is None:
        raise ParameterError(f"method={name!r} is not one of {method_names([kind])} for {kind} input")
    return method


def resolve_method(kind: str, name: str, *, sample_size: float | None = None, positive: bool = True) -> Method:
    """The method ``name`` for input of ``kind``, ``"auto"`` resolved (:data:`AUTO`; for marginals by whether
    ``sample_size`` is known; :data:`AUTO_WITHOUT_POSITIVITY` when the network's CPDs are not ``positive``), unless a
    method was registered as ``"auto"``.

    Examples
    --------
    >>> resolve_method("samples", "auto").name, resolve_method("marginals", "auto", sample_size=1e4).name
    ('likelihood', 'bayes')
    >>> resolve_method("distribution", "auto").name, resolve_method("distribution", "auto", positive=False).name
    ('exact', 'likelihood')
    """
    if name == "auto" and (kind, "auto") not in _REGISTRY:
        choices = AUTO[kind]
        name = choices[0] if sample_size is None or len(choices) == 1 else choices[1]
        if not positive:
            name = AUTO_WITHOUT_POSITIVITY.get(kind, name)
    return get_method(kind, name)


def option_specs(name: str, kinds: Sequence[str]) -> dict[str, Option]:
    """The options method ``name`` declares for any of ``kinds`` (``"auto"``: of every method it may pick), by
    option name; the first declaration wins. Used to read command-line text by declared type.

    Examples
    --------
    >>> option_specs("paper", ["samples"])["epsilon"].default
    0.01
    """
    specs: dict[str, Option] = {}
    for kind in kinds:
        names = AUTO[kind] if name == "auto" and (kind, "auto") not in _REGISTRY else (name,)
        for method in (_REGISTRY[(kind, n)] for n in names if (kind, n) in _REGISTRY):
            for option in method.options_for(kind) or ():
                specs.setdefault(option.name, option)
    return specs


def _auto_text(kind: str, name: str) -> str:
    if (kind, "auto") in _REGISTRY or name not in AUTO[kind]:
        return ""
    if kind == "marginals":
        return "auto without sample_size" if name == AUTO[kind][0] else "auto with sample_size"
    return "auto"


def available_methods() -> pd.DataFrame:
    """Every method, one row per method and kind of input: what it computes, its reference and its options.

    Columns: ``method`` (what ``method=`` takes), ``input`` (``"samples"``, ``"distribution"`` or ``"marginals"``),
    ``algorithm``, ``reference``, ``auto`` (when ``method="auto"`` picks it), ``observational`` (what
    ``observational=`` samples do: ``"fit"``, ``"rows"`` or ``"none"``) and ``options`` (each declared option with
    its accepted values and default).

    Examples
    --------
    >>> table = available_methods()
    >>> sorted(table.loc[table["method"] == "exact", "input"])
    ['distribution', 'marginals', 'samples']
    >>> table.loc[(table["input"] == "samples") & (table["auto"] == "auto"), "method"].tolist()
    ['likelihood']
    """
    rows = []
    for (kind, name), method in sorted(_REGISTRY.items(), key=lambda item: (INPUT_KINDS.index(item[0][0]),
                                                                            item[0][1])):
        declared = method.options_for(kind)
        rows.append({
            "method": name,
            "input": kind,
            "algorithm": method.algorithm,
            "reference": method.reference,
            "auto": _auto_text(kind, name),
            "observational": method.observational,
            "options": "any" if declared is None else "; ".join(
                f"{o.name}: {o.describe()} (default {o.default!r})" for o in declared
            ),
        })
    return pd.DataFrame(rows, columns=["method", "input", "algorithm", "reference", "auto", "observational",
                                       "options"])
