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
from pgmpy_mixture.aggregate.noise import estimate_sample_size
from pgmpy_mixture.aggregate.opt_epsilon import solve_dimm
from pgmpy_mixture.aggregate.system import MarginalSystem, chi_square_weights, flat_labels, opt_objective
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import is_chunked_or_distributed, is_dask_frame, to_count_table, to_marginals
from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    EstimationWarning,
    ExclusionWarning,
    ParameterError,
    PositivityWarning,
    warn_at_caller,
)
from pgmpy_mixture.model.marginals import InterventionalMarginals, interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.validation import check_choice, check_marginals
from pgmpy_mixture.validation.marginals import MARGINAL_SUM_TOLERANCE, ROUNDING_TOLERANCE

__all__ = ["EXACT_RESIDUAL_TOLERANCE", "EXCLUSION_P_VALUE", "METHODS", "as_network", "disentangle_marginals"]

METHODS = ("auto", "exact", "dimm", "bayes", "nnls", "em")
_OPTIONS = {
    "exact": {"tol"},
    "dimm": {"lam", "epsilon", "n_restarts", "maxiter", "ftol"},
    "nnls": {"penalty", "max_passes", "max_enumerate", "joint", "max_steps", "ridge"},
    "bayes": {"n_sweeps", "rho", "tau", "max_enumerate", "exclusion"},
    "em": {"max_iter", "tol", "canonical"},
}
#: ``method="auto"`` without ``sample_size`` runs Theorem 1 and the noise-aware ``bayes``: it takes both's options.
_AUTO_OPTIONS = _OPTIONS["exact"] | _OPTIONS["bayes"]
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


def _check_arguments(sample_size: object, min_weight: object, random_state: object) -> float | None:
    """Check the arguments every aggregate method shares; raise a :class:`ParameterError` naming the culprit."""
    if sample_size is not None:
        if isinstance(sample_size, (bool, np.bool_)) or not isinstance(sample_size, (int, float, np.number)):
            raise ParameterError(
                f"sample_size={sample_size!r} is not valid: expected a positive number (the number of samples "
                "behind the marginals) or None (exact marginals)"
            )
        if not np.isfinite(float(sample_size)) or float(sample_size) <= 0:
            raise ParameterError(f"sample_size={sample_size!r} is not valid: expected a positive number or None")
    if min_weight is not None:
        valid = not isinstance(min_weight, (bool, np.bool_)) and isinstance(min_weight, (int, float, np.number))
        if not valid or not 0.0 <= float(min_weight) < 1.0:
            raise ParameterError(f"min_weight={min_weight!r} is not valid: expected a number in [0, 1) or None")
    if random_state is not None and not isinstance(random_state, np.random.Generator):
        valid = not isinstance(random_state, (bool, np.bool_)) and isinstance(random_state, (int, np.integer))
        if not valid or int(random_state) < 0:
            raise ParameterError(
                f"random_state={random_state!r} is not valid: expected an int >= 0, a numpy Generator or None"
            )
    return None if sample_size is None else float(sample_size)


def _components(network: CausalNetwork, x: np.ndarray, min_weight: float) -> tuple[list[Component], float]:
    """Components with weight above ``min_weight``, renormalised to sum 1, and the dropped mass.

    Every result is a mixture: at least one component, weights summing to 1 (negative entries count as 0; when the
    weights sum to more than 1 the observational component gets 0 and the rest are scaled down).
    """
    if not np.all(np.isfinite(x)):
        bad = [f"{v}={s}" for (v, s), ok in zip(flat_labels(network), np.isfinite(x), strict=True) if not ok]
        raise DataValueError(f"the solver returned non-finite weights for {bad[:5]}: no mixture to report")
    clipped = np.clip(x, 0.0, None)
    full = np.concatenate([[max(1.0 - float(clipped.sum()), 0.0)], clipped])
    full /= full.sum()
    keep = full > min_weight
    if not keep.any():
        keep[int(np.argmax(full))] = True
    dropped = float(full[~keep].sum())
    kept = np.where(keep, full, 0.0)
    kept /= kept.sum()
    labels: list[dict[str, str]] = [{}] + [{v: s} for v, s in flat_labels(network)]
    return [Component(labels[c], kept[c]) for c in np.flatnonzero(keep)], dropped


def _largest_miss(system: MarginalSystem, x: np.ndarray) -> str:
    """``P_mix(X=s)``: the marginal the fit misses most, with the input and fitted values."""
    residual = system.residual(x)
    k = int(np.argmax(np.abs(residual)))
    variable, state = flat_labels(system.network)[k]
    given = float(system.mixture[k])
    return (f"P_mix({variable}={state}) = {given:.6g} is missed by {abs(float(residual[k])):.3g} (the best valid "
            f"mixture gives {given + float(residual[k]):.6g})")


def _exclusion_check(system: MarginalSystem, sample_size: float | None) -> tuple[str | None, dict[str, Any]]:
    """Is there an exclusion-satisfying mixture that explains the marginals (within noise)?

    The message says why not: the total weight Theorem 1's construction needs, and the marginal (variable and
    state) that the best valid mixture misses most.
    """
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
            f"of every variable out explains the marginals: Theorem 1's weights sum to {total:.6g} > 1, and "
            f"{_largest_miss(system, fitted)}. If the marginals are estimated from samples, pass "
            "sample_size=<number of samples>"
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
        f"chi-square {stat:.4g} (p={p_value:.2g}), and {_largest_miss(system, x)}"
    ), details


def _positivity(system: MarginalSystem) -> str | None:
    """Name the states of zero observational probability (Theorem 1 needs ``p(j, beta) > 0``, its footnote 6)."""
    zero = [f"{v}={s}" for (v, s), p in zip(flat_labels(system.network), system.oracle.observational, strict=True)
            if p <= 1e-12]
    if not zero:
        return None
    shown = ", ".join(zero[:10]) + (f" and {len(zero) - 10} more" if len(zero) > 10 else "")
    return (f"positivity fails: P({shown}) = 0 in the network (zero CPD entries), so the weights of interventions "
            "on these variables are not identifiable from the marginals (Theorem 1 needs every state to have "
            "positive probability); their weights here are one solution among several")


def _renormalised(network: CausalNetwork, sums: np.ndarray) -> tuple[str | None, dict[str, float]]:
    """Say which marginals were accepted although they did not sum to 1 exactly (and were renormalised)."""
    off = {v: float(t) for v, t in zip(network.variables, sums, strict=True) if abs(t - 1.0) > ROUNDING_TOLERANCE}
    if not off:
        return None, {}
    shown = ", ".join(f"{v} (sum {t:.10g})" for v, t in list(off.items())[:10])
    return (f"the marginals of {shown}{' and more' if len(off) > 10 else ''} do not sum to 1; accepted (within "
            f"{MARGINAL_SUM_TOLERANCE:g}) and renormalised"), off


def _estimated(system: MarginalSystem, tol: float, bayes_options: dict[str, Any]
               ) -> tuple[float | None, np.ndarray, dict[str, Any], dict[str, Any]]:
    """Exact or estimated marginals? The sample size by maximum marginal likelihood, and the matching weights."""
    n_hat, noise = estimate_sample_size(system, **bayes_options)
    check = {"evidence_gap": noise["evidence_gap"]}
    if n_hat is None:
        x, info = solve_exact(system, tol=tol)
        return None, x, info, check
    return n_hat, noise["weights"], dict(noise["bayes"]), {**check, "estimated_sample_size": n_hat}


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
        :func:`~pgmpy_mixture.validation.check_marginals` (each variable's sum must be 1 within
        :data:`~pgmpy_mixture.validation.marginals.MARGINAL_SUM_TOLERANCE`, 1e-3: within it the marginal
        is renormalised and a warning names it; beyond it a ``DataValueError``). Optional for
        ``method="em"`` (then computed from ``data``). A ``dask.dataframe.DataFrame`` of mixture samples is
        reduced by Dask to its per-variable marginals (and ``sample_size`` to its row count when not given).
    method : {"auto", "exact", "dimm", "bayes", "nnls", "em"}
        ``"auto"`` is ``"bayes"`` when ``sample_size`` is known (estimated marginals). Without it the
        marginals are tested: ``"exact"`` (Theorem 1) when they look exact, else ``"bayes"`` with the sample
        size estimated from them (:func:`~pgmpy_mixture.aggregate.noise.estimate_sample_size`) and an
        ``EstimationWarning`` naming ``sample_size``. ``"bayes"`` without ``sample_size`` estimates it the
        same way. See the module docstring.
    data : pandas DataFrame or CountTable, optional
        Joint mixture samples (state names), required by ``"em"``.
    sample_size : float, optional
        Number of samples behind estimated marginals (noise scale of ``bayes`` and ``nnls`` and of the
        exclusion test); taken from ``data`` when given. ``None``: ``"auto"`` and ``"bayes"`` estimate it
        from the marginals (``None`` again when they look exact), the other methods take the marginals as
        exact.
    random_state : int or numpy Generator, optional
        Seeds the random restarts of ``"dimm"``.
    min_weight : float, optional
        Components with a smaller weight are left out of the result (and the rest renormalised; the
        dropped mass is ``diagnostics["dropped_weight"]`` and every weight stays in
        ``diagnostics["weights"]``); default ``1e-9`` for exact marginals (``1e-6`` with ``"bayes"``, whose
        posterior means are never exactly 0), ``1e-3`` (the paper's threshold, Section 5.4) for estimated ones.
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
        One-entry or empty targets, at least one component, weights summing to 1 on every input.
        ``diagnostics`` holds ``residual`` (largest marginal misfit), ``objective`` (OPT's objective with
        lambda = 0.1), ``seconds``, ``weights`` (every ``pi_{i,alpha}``, keyed by ``(variable, state)``),
        ``estimated_sample_size`` and ``evidence_gap`` when the sample size was estimated, ``marginal_sums``
        when marginals were renormalised, and method-specific values.

    Warns
    -----
    EstimationWarning
        When no ``sample_size`` was given and the marginals look estimated (the message names
        ``sample_size`` and the estimate).
    ExclusionWarning
        When no exclusion-satisfying mixture explains the marginals (exactly, or within sampling noise
        when ``sample_size`` is given or estimated); the message names the variable and state missed most.
    PositivityWarning
        When some state has zero observational probability (Theorem 1 then does not identify the weights of its
        variable); the message names the variables and states.
    UserWarning
        When marginals were accepted although they sum to 1 only within the tolerance (and renormalised).

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
    sample_size = _check_arguments(sample_size, min_weight, random_state)
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
            sample_size = float(counts.total)
    if resolved == "em" and counts is None:
        raise ParameterError("method='em' needs joint samples: pass data=<DataFrame of samples>")
    warn_list: list[str] = []
    renormalised: dict[str, float] = {}
    if marginals is None:
        if counts is None:
            raise ParameterError("marginals are required (only method='em' can work from data alone)")
        flat = np.concatenate([counts.marginal(v) for v in network.variables])
    else:
        flat, sums = check_marginals(marginals, network.variables, network.states, return_sums=True)
        message, renormalised = _renormalised(network, sums)
        if message is not None:
            warn_at_caller(message, UserWarning)
            warn_list.append(message)
    if sample_size is not None and not np.isfinite(sample_size):
        raise ParameterError(f"sample_size must be a positive number, got {sample_size}")
    if resolved == "auto" and sample_size is not None:
        resolved = "bayes"
    allowed = _AUTO_OPTIONS if resolved == "auto" else _OPTIONS[resolved]
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ParameterError(f"unknown option(s) {unknown} for method {resolved!r}; known: {sorted(allowed)}")
    if oracle is None:
        oracle = interventional_marginals(network)
    elif not isinstance(oracle, InterventionalMarginals):
        raise ParameterError(f"oracle={oracle!r} is not valid: expected the InterventionalMarginals of the network "
                             "(pgmpy_mixture.model.marginals.interventional_marginals) or None")
    elif oracle.network is not network:
        raise ParameterError("oracle was computed for a different network")
    system = MarginalSystem(oracle, flat)
    message = _positivity(system)
    if message is not None:
        warn_at_caller(message, PositivityWarning)
        warn_list.append(message)
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    effective = sample_size  # the sample size given, or the one estimated from the marginals
    detection: dict[str, Any] = {}
    if resolved in ("auto", "bayes") and sample_size is None:
        # No sample size: are the marginals exact, or estimated from an unknown number of samples?
        bayes_options = {k: v for k, v in options.items() if k in _OPTIONS["bayes"]}
        effective, noise = estimate_sample_size(system, **bayes_options)
        detection = {"evidence_gap": noise["evidence_gap"], "estimated_sample_size": effective}
        if effective is not None or resolved == "bayes":
            if effective is not None:
                message = (
                    f"the marginals look estimated, not exact, and no sample_size was given: the number of samples "
                    f"behind them is estimated as N ~ {effective:.3g} (maximum marginal likelihood; log evidence "
                    f"{noise['evidence_gap']:.3g} above exact marginals) and the noise-aware method 'bayes' used. "
                    "Pass sample_size=<number of samples> if you know it (or method='exact' for exact marginals)"
                )
                warn_at_caller(message, EstimationWarning)
                warn_list.append(message)
            resolved = "bayes"
            x, info = noise["weights"], dict(noise["bayes"])
        else:
            resolved = "exact"
            x, info = solve_exact(system, **{k: v for k, v in options.items() if k in _OPTIONS["exact"]})
    elif resolved == "exact":
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
    message, check = _exclusion_check(system, effective)
    if message is not None:
        warn_at_caller(message, ExclusionWarning)
        warn_list.append(message)
    if min_weight is None:  # bayes gives posterior means, which are never exactly 0
        min_weight = 1e-3 if effective is not None else 1e-6 if resolved == "bayes" else 1e-9
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
        **detection,
    }
    if renormalised:
        diagnostics["marginal_sums"] = renormalised
    settings = {"method": resolved, "sample_size": sample_size, "min_weight": float(min_weight), **options}
    if detection:
        settings["estimated_sample_size"] = effective
    return MixtureResult(
        components,
        method=resolved,
        network=network,
        sample_size=sample_size,
        options=settings,
        warnings=tuple(warn_list),
        diagnostics=diagnostics,
    )
