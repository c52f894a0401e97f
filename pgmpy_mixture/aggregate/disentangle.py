"""Disentangle a mixture of single-node interventions from per-variable marginals (DIMM, AAAI 2020).

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020. The entry point :func:`disentangle_marginals`: it reads the
marginals (or joint samples for EM), builds the marginal system (:mod:`~pgmpy_mixture.aggregate.system`), runs
one solver, checks the assumptions and assembles the result.

Methods
-------
``exact``
    Theorem 1's constructive proof (:mod:`~pgmpy_mixture.aggregate.exact`): exact marginals in, exact weights out.
``dimm``
    The paper's ``OPT(epsilon)`` solved by SLSQP (:mod:`~pgmpy_mixture.aggregate.opt_epsilon`), the baseline.
``bayes`` (the default for estimated marginals; our design)
    Empirical-Bayes model averaging in Theorem 1's order (:mod:`~pgmpy_mixture.aggregate.bayes`).
``nnls`` (our first design, kept as an option)
    Per-node support selection by chi-square, joint polish and stepwise search
    (:mod:`~pgmpy_mixture.aggregate.nnls`).
``em``
    Appendix D: EM of the weights from joint samples (:mod:`~pgmpy_mixture.aggregate.em`).

Assumption checks: a state with zero observational probability makes its weight unidentifiable (Theorem 1,
footnote 6; :class:`~pgmpy_mixture.errors.PositivityWarning`), and marginals that no mixture satisfying
Assumption 1 explains (exactly, or within sampling noise by a chi-square test) raise an
:class:`~pgmpy_mixture.errors.ExclusionWarning` carrying the residual.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.em import solve_em
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.nnls import fit_support, solve_nnls
from pgmpy_mixture.aggregate.opt_epsilon import solve_dimm
from pgmpy_mixture.aggregate.system import MarginalSystem, chi_square_weights, flat_labels, opt_objective
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import is_chunked_or_distributed, is_dask_frame, to_count_table, to_marginals
from pgmpy_mixture.errors import DataTypeError, ExclusionWarning, ParameterError, PositivityWarning, warn_at_caller
from pgmpy_mixture.model.marginals import InterventionalMarginals, interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.validation import check_choice, check_marginals

__all__ = ["EXACT_RESIDUAL_TOLERANCE", "EXCLUSION_P_VALUE", "METHODS", "as_network", "disentangle_marginals"]

METHODS = ("auto", "exact", "dimm", "bayes", "nnls", "em")
_OPTIONS = {
    "exact": {"tol"},
    "dimm": {"lam", "epsilon", "n_restarts", "maxiter", "ftol"},
    "nnls": {"penalty", "max_passes", "max_enumerate", "joint", "max_steps", "ridge"},
    "bayes": {"n_sweeps", "rho", "tau", "max_enumerate", "exclusion"},
    "em": {"max_iter", "tol", "canonical"},
}
#: p-value below which the chi-square test says no exclusion-satisfying mixture explains noisy marginals.
EXCLUSION_P_VALUE = 1e-4
#: Largest marginal misfit tolerated for exact marginals (``sample_size=None``).
EXACT_RESIDUAL_TOLERANCE = 1e-6


def as_network(model: object) -> CausalNetwork:
    """Return ``model`` if it is a :class:`CausalNetwork`; raise a :class:`DataTypeError` otherwise.

    The core does not convert framework models: a pgmpy model goes through
    :func:`pgmpy_mixture.disentangle_marginals` (whose adapter converts it) or
    :func:`pgmpy_mixture.adapters.pgmpy.network_from_pgmpy`.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> as_network(net) is net
    True
    """
    if isinstance(model, CausalNetwork):
        return model
    if type(model).__module__.split(".")[0] == "pgmpy":
        raise DataTypeError(
            f"model is a pgmpy {type(model).__name__}: pass a CausalNetwork here, or give the pgmpy model to "
            "pgmpy_mixture.disentangle_marginals (it converts it), or convert it first with "
            "pgmpy_mixture.adapters.pgmpy.network_from_pgmpy"
        )
    raise DataTypeError(
        f"model must be a CausalNetwork (or, through pgmpy_mixture.disentangle_marginals, a pgmpy "
        f"DiscreteBayesianNetwork), got {type(model).__name__}"
    )


def _components(network: CausalNetwork, x: np.ndarray, min_weight: float) -> tuple[list[Component], float]:
    """Components with weight above ``min_weight``, renormalised to sum 1, and the dropped mass."""
    full = np.concatenate([[max(1.0 - float(np.clip(x, 0, None).sum()), 0.0)], np.clip(x, 0.0, None)])
    full /= full.sum()
    keep = full > min_weight
    if not keep.any():
        keep[int(np.argmax(full))] = True
    dropped = float(full[~keep].sum())
    kept = np.where(keep, full, 0.0)
    kept /= kept.sum()
    labels: list[dict[str, str]] = [{}] + [{v: s} for v, s in flat_labels(network)]
    return [Component(labels[c], kept[c]) for c in np.flatnonzero(keep)], dropped


def _exclusion_check(system: MarginalSystem, sample_size: float | None) -> tuple[str | None, dict[str, float]]:
    """Is there an exclusion-satisfying mixture that explains the marginals (within noise)?"""
    if sample_size is None:
        x, _ = solve_exact(system)
        total = float(x.sum())
        if total <= 1.0 + EXACT_RESIDUAL_TOLERANCE and x.min() >= -EXACT_RESIDUAL_TOLERANCE:
            return None, {"exact_weight_total": total}
        fitted, _ = solve_nnls(system)
        residual = float(np.abs(system.residual(fitted)).max())
        if residual <= EXACT_RESIDUAL_TOLERANCE:
            return None, {"exact_weight_total": total}
        return (
            "no mixture of the observational distribution and single-node interventions that leaves one state "
            f"of every variable out explains the marginals: Theorem 1's weights sum to {total:.6g} > 1 and the "
            f"best valid mixture misses a marginal by {residual:.3g}"
        ), {"exact_weight_total": total, "exclusion_residual": residual}
    from scipy.stats import chi2

    # Per node, Theorem 1's construction always fits the marginals exactly with non-negative weights
    # leaving a state out; the only way to fail is weights summing to more than 1. Then the best valid
    # mixture (sum <= 1, same supports) is tested against sampling noise: one active constraint, 1 d.o.f.
    x_exact, _ = solve_exact(system)
    total = float(x_exact.sum())
    if total <= 1.0:
        return None, {"exact_weight_total": total}
    w = chi_square_weights(system.mixture, sample_size)
    x = fit_support(system, w, np.flatnonzero(x_exact > 0))
    r = system.residual(x) * w
    stat = float(r @ r)
    p_value = float(chi2.sf(stat, 1))
    details = {"exact_weight_total": total, "exclusion_chi_square": stat, "exclusion_p_value": p_value}
    if p_value >= EXCLUSION_P_VALUE:
        return None, details
    residual = float(np.abs(system.residual(x)).max())
    details["exclusion_residual"] = residual
    return (
        "no exclusion-satisfying mixture of single-node interventions explains the marginals within sampling "
        f"noise (N={sample_size:g}): Theorem 1's weights sum to {total:.6g} > 1; the best valid mixture has "
        f"chi-square {stat:.4g} (p={p_value:.2g}) and misses a marginal by {residual:.3g}"
    ), details


def disentangle_marginals(
    model: object,
    marginals: object = None,
    *,
    method: str = "auto",
    data: object = None,
    sample_size: float | None = None,
    random_state: int | np.random.Generator | None = None,
    min_weight: float | None = None,
    oracle: InterventionalMarginals | None = None,
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Recover the mixing weights of single-node interventions from per-variable marginals (DIMM, AAAI 2020).

    Parameters
    ----------
    model : CausalNetwork
        The known causal network (CPDs included). A pgmpy model goes through
        :func:`pgmpy_mixture.disentangle_marginals`, whose adapter converts it.
    marginals : dict, pandas Series or DataFrame
        ``P_mix(X_j = beta)`` for every variable: ``{variable: {state: probability}}``, a Series indexed
        by ``(variable, state)`` or a ``variable, state, probability`` table; see
        :func:`~pgmpy_mixture.validation.check_marginals` (sums must be 1 within 1e-6). Optional for
        ``method="em"`` (then computed from ``data``). A ``dask.dataframe.DataFrame`` of mixture samples is
        reduced by Dask to its per-variable marginals (and ``sample_size`` to its row count when not given).
    method : {"auto", "exact", "dimm", "bayes", "nnls", "em"}
        ``"auto"`` is ``"bayes"`` when ``sample_size`` is known (estimated marginals) and ``"exact"``
        otherwise (exact marginals). See the module docstring.
    data : pandas DataFrame or CountTable, optional
        Joint mixture samples (state names), required by ``"em"``.
    sample_size : float, optional
        Number of samples behind estimated marginals (``nnls`` noise scale and the exclusion test);
        ``None`` means the marginals are exact (taken from ``data`` when given).
    random_state : int or numpy Generator, optional
        Seeds the random restarts of ``"dimm"``.
    min_weight : float, optional
        Components with a smaller weight are left out of the result (and the rest renormalised; the
        dropped mass is ``diagnostics["dropped_weight"]`` and every weight stays in
        ``diagnostics["weights"]``); default ``1e-9`` for exact marginals, ``1e-3`` (the paper's threshold,
        Section 5.4) for estimated ones.
    oracle : InterventionalMarginals, optional
        Precomputed oracle marginals of ``model`` (saves their computation on repeated calls).
    progress : bool
        Show a tqdm progress bar over the SLSQP restarts of ``"dimm"`` (the only slow method).
    **options
        Method settings: ``exact``: ``tol``; ``dimm``: ``lam`` (0.1), ``epsilon`` (1e-5), ``n_restarts`` (10),
        ``maxiter``, ``ftol``; ``nnls``: ``penalty`` ("bic"), ``max_passes``, ``max_enumerate``;
        ``em``: ``max_iter``, ``tol``, ``canonical``; ``bayes``: ``n_sweeps``, ``rho``, ``tau``,
        ``max_enumerate``, ``exclusion``.

    Returns
    -------
    MixtureResult
        One-entry or empty targets, weights summing to 1. ``diagnostics`` holds ``residual`` (largest
        marginal misfit), ``objective`` (OPT's objective with lambda = 0.1), ``seconds``, ``weights``
        (every ``pi_{i,alpha}``, keyed by ``(variable, state)``) and method-specific values.

    Warns
    -----
    ExclusionWarning
        When no exclusion-satisfying mixture explains the marginals (exactly, or within sampling noise
        when ``sample_size`` is given); the message carries the residual.
    PositivityWarning
        When some state has zero observational probability (Theorem 1 then does not identify its weight).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([0.4, 0.6]), "B": np.array([[0.9, 0.1], [0.3, 0.7]])})
    >>> # 70 % observational, 30 % do(A=a0): P_mix(A=a0) = 0.7 * 0.4 + 0.3, P_mix(B=b0) = 0.7 * 0.54 + 0.3 * 0.9
    >>> marginals = {"A": {"a0": 0.58, "a1": 0.42}, "B": {"b0": 0.648, "b1": 0.352}}
    >>> result = disentangle_marginals(net, marginals, method="exact")
    >>> [(c.label, round(c.weight, 6)) for c in result]
    [('observational', 0.7), ('do(A=a0)', 0.3)]
    """
    started = time.perf_counter()
    check_choice("method", method, METHODS)
    network = as_network(model)
    resolved = method
    counts = None
    if is_dask_frame(marginals):  # samples in Dask: only per-variable value counts are computed (issue 6)
        marginals, size = to_marginals(marginals, network.variables, network.states, return_sample_size=True)
        sample_size = size if sample_size is None else sample_size
    if is_chunked_or_distributed(data):  # chunk iterators and dask frames reduce to the count table (issue 6)
        data = to_count_table(data, network.variables, network.states)
    if data is not None:
        if isinstance(data, CountTable):
            counts = data
        else:
            counts = CountTable.from_frame(data, network.variables, network.states)
        if counts.variables != network.variables:
            counts = counts.reorder(network.variables)
        if sample_size is None and not counts.is_distribution:
            sample_size = counts.total
    if resolved == "em" and counts is None:
        raise ParameterError("method='em' needs joint samples: pass data=<DataFrame of samples>")
    if marginals is None:
        if counts is None:
            raise ParameterError("marginals are required (only method='em' can work from data alone)")
        flat = np.concatenate([counts.marginal(v) for v in network.variables])
    else:
        flat = check_marginals(marginals, network.variables, network.states)
    if sample_size is not None:
        sample_size = float(sample_size)
        if not np.isfinite(sample_size) or sample_size <= 0:
            raise ParameterError(f"sample_size must be a positive number, got {sample_size}")
    if oracle is None:
        oracle = interventional_marginals(network)
    elif oracle.network is not network:
        raise ParameterError("oracle was computed for a different network")
    system = MarginalSystem(oracle, flat)
    warn_list: list[str] = []
    zero = [lab for lab, p in zip(flat_labels(network), oracle.observational, strict=True) if p <= 1e-12]
    if zero:
        msg = f"states with zero observational probability (their weights are not identifiable): {zero[:10]}"
        warn_at_caller(msg, PositivityWarning)
        warn_list.append(msg)
    if resolved == "auto":
        resolved = "exact" if sample_size is None else "bayes"
    unknown = sorted(set(options) - _OPTIONS[resolved])
    if unknown:
        known = sorted(_OPTIONS[resolved])
        raise ParameterError(f"unknown option(s) {unknown} for method {resolved!r}; known: {known}")
    if resolved == "bayes" and sample_size is None:
        raise ParameterError("method='bayes' needs sample_size= (the number of samples behind the marginals)")
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    if resolved == "exact":
        x, info = solve_exact(system, **options)
    elif resolved == "dimm":
        x, info = solve_dimm(system, rng=rng, progress=progress, **options)
    elif resolved == "nnls":
        x, info = solve_nnls(system, sample_size=sample_size, **options)
    elif resolved == "bayes":
        x, info = solve_bayes(system, sample_size=sample_size, **options)
    else:
        full, info = solve_em(network, counts, **options)
        x = full[1:]
    message, check = _exclusion_check(system, sample_size)
    if message is not None:
        warn_at_caller(message, ExclusionWarning)
        warn_list.append(message)
    if min_weight is None:
        min_weight = 1e-9 if sample_size is None else 1e-3
    components, dropped = _components(network, x, float(min_weight))
    info = {k: v for k, v in info.items() if k not in ("objectives", "inclusion")}
    diagnostics = {
        "residual": float(np.abs(system.residual(x)).max()),
        "objective": opt_objective(system, x, 0.1),
        "seconds": time.perf_counter() - started,
        "oracle_seconds": oracle.seconds,
        "weights": dict(zip(flat_labels(network), x.tolist(), strict=True)),
        "observational_weight": 1.0 - float(x.sum()),
        "dropped_weight": dropped,
        **info,
        **check,
    }
    settings = {"method": resolved, "sample_size": sample_size, "min_weight": float(min_weight), **options}
    return MixtureResult(
        components,
        method=resolved,
        network=network,
        sample_size=sample_size,
        options=settings,
        warnings=tuple(warn_list),
        diagnostics=diagnostics,
    )
