"""Input preparation of the likelihood method: P(V), the mixture rows, exactness and the pruning penalty.

* **P(V).** Known (the network's CPDs), or fitted to observational samples and plugged in
  (:func:`pgmpy_mixture.model.fitting.fit_network`: the paper's MLE smoothed by ``delta``, UAI 2021 Appendix D,
  or a Dirichlet(``prior``) posterior mean); with ``joint_cpds`` the lift re-fits each CPD by EM and needs
  the observational rows themselves.
* **The mixture rows.** A :class:`~pgmpy_mixture.data.counts.CountTable` aligned to the network's variables
  and states; an exact distribution (``is_distribution``) selects the exact route (Equation 5 solved as a
  linear system, no penalty), samples the likelihood route.
* **The penalty** of the likelihood-ratio pruning (:func:`penalty_value`, :func:`local_penalty`).
* **Positivity** (Assumption 3.2): the zero CPD entries are listed (the result reports them, see
  :mod:`~pgmpy_mixture.discrete.likelihood.report`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.fitting import fit_network
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["PreparedInput", "local_penalty", "penalty_value", "prepare_inputs"]


def penalty_value(penalty: str | float, sample_size: float | None) -> float | None:
    """Log-likelihood drop a child target must exceed to be kept (``None`` on exact input).

    ``"bic"``: ``log(n) / 2``; ``"aic"``: 1; ``"local"``: the largest per-target value, ``log(n) / 2`` (per
    target it is :func:`local_penalty`); a number: itself.

    Examples
    --------
    >>> round(penalty_value("bic", 10_000.0), 4), penalty_value("aic", 10.0), penalty_value(2.5, 10.0)
    (4.6052, 1.0, 2.5)
    >>> penalty_value("bic", None) is None
    True
    """
    if sample_size is None:
        return None
    if isinstance(penalty, str):
        if penalty == "bic":
            return 0.5 * float(np.log(max(sample_size, 2.0)))
        if penalty == "aic":
            return 1.0
        if penalty == "local":  # the largest value; per target it is max(1, log(n mu_i) / 2), see local_penalty
            return 0.5 * float(np.log(max(sample_size, 2.0)))
        raise ParameterError(f"penalty must be 'local', 'bic', 'aic' or a non-negative number, got {penalty!r}")
    value = float(penalty)
    if not np.isfinite(value) or value < 0:
        raise ParameterError(f"penalty must be 'local', 'bic', 'aic' or a non-negative number, got {penalty!r}")
    return value


def local_penalty(sample_size: float, weights: np.ndarray) -> np.ndarray:
    """BIC counted on the rows a target explains: ``max(1, log(n w_i) / 2)`` (AIC's 1 as the floor).

    A child of target ``i`` is fitted from the about ``n w_i`` rows of ``i`` only, so its weight's BIC penalty is
    ``log(n w_i) / 2``; it grows with ``n`` (consistent, like BIC), but small targets at small ``n`` are not
    held to the penalty of the whole sample, which otherwise merges them into heavy false positives.

    Examples
    --------
    >>> import numpy as np
    >>> local_penalty(10_000.0, np.array([1.0, 0.01, 1e-6])).round(4).tolist()
    [4.6052, 2.3026, 1.0]
    """
    return np.maximum(1.0, 0.5 * np.log(np.maximum(sample_size * np.asarray(weights, dtype=np.float64), 1.0)))


@dataclass
class PreparedInput:
    """Everything the lifts need, checked and aligned.

    ``n_rows`` are the counts of the distinct rows ``codes`` (probabilities on exact input); ``obs_codes`` and
    ``obs_weights`` are the observational rows, kept only when the CPDs are re-fitted jointly (``joint``).
    """

    network: CausalNetwork
    codes: np.ndarray
    n_rows: np.ndarray
    exact: bool
    sample_size: int | float | None
    tau: float | None
    joint: bool
    cpd_source: str
    positivity_violations: list[tuple[str, str]]
    warnings: list[str]
    obs_codes: np.ndarray | None = None
    obs_weights: np.ndarray | None = None


def _plug_in_cpds(
    network: CausalNetwork, observational: object, delta: float | None, prior: float
) -> tuple[CausalNetwork, CountTable, str]:
    """CPDs of the network's graph fitted to observational samples, how they were fitted, the aligned rows."""
    if not isinstance(observational, CountTable):
        raise DataValueError(f"observational must be a CountTable, got {type(observational).__name__}")
    obs_table = observational.align(network.variables, network.states)
    parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
    states = dict(zip(network.variables, network.states, strict=True))
    if delta is None:  # posterior mean under a Dirichlet(prior) on every CPD row
        if not (np.isfinite(prior) and prior > 0):
            raise ParameterError(f"prior must be a positive pseudo-count, got {prior!r}")
        fitted = fit_network(network.variables, states, parents, obs_table, prior=prior)
        return fitted, obs_table, f"Dirichlet({prior:g}) posterior mean"
    delta = float(delta)
    fitted = fit_network(network.variables, states, parents, observational, delta=delta)
    return fitted, obs_table, f"MLE smoothed by delta={delta:g}"


def prepare_inputs(
    network: CausalNetwork,
    counts: CountTable,
    *,
    penalty: str | float,
    epsilon: float,
    joint_cpds: bool,
    observational: CountTable | None,
    delta: float | None,
    prior: float,
) -> PreparedInput:
    """Check and align the inputs of :func:`~pgmpy_mixture.discrete.likelihood.disentangle_likelihood`.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> table = CountTable.from_codes(np.array([[0], [0], [1]]), ["A"], [["x", "y"]])
    >>> prepared = prepare_inputs(net, table, penalty="bic", epsilon=0.0, joint_cpds=False, observational=None,
    ...                           delta=None, prior=1.0)
    >>> prepared.exact, prepared.sample_size, prepared.n_rows.tolist(), prepared.cpd_source
    (False, 3, [2.0, 1.0], 'given')
    """
    cpd_source = "given"
    obs_table = None
    if observational is not None:
        network, obs_table, cpd_how = _plug_in_cpds(network, observational, delta, prior)
        if joint_cpds:
            cpd_source = f"fitted jointly (EM over observational and mixture rows; start: {cpd_how})"
        else:
            cpd_source = f"fitted (plug-in, {cpd_how})"
    elif delta is not None:
        raise ParameterError("delta smooths CPDs fitted from observational samples: pass observational=... too")
    if isinstance(counts, CountTable) is False:
        raise DataValueError(f"counts must be a CountTable, got {type(counts).__name__}")
    counts = counts.align(network.variables, network.states)
    if not (np.isfinite(epsilon) and 0 <= epsilon < 1):
        raise ParameterError(f"epsilon must be in [0, 1), got {epsilon!r}")
    exact = bool(counts.is_distribution)
    sample_size = counts.sample_size
    tau = penalty_value(penalty, sample_size)
    n_rows = counts.weights / counts.total if exact else counts.weights.astype(np.float64)
    warnings: list[str] = [] if counts.distribution_note is None else [counts.distribution_note]
    bad_cpds = network.positivity_violations()
    joint = observational is not None and joint_cpds and not exact
    if joint and network.sparse_variables:
        names = ", ".join(network.sparse_variables[:5]) + (", ..." if len(network.sparse_variables) > 5 else "")
        raise ParameterError(f"joint_cpds re-fits whole CPD tables, too large to hold for {names} (sparse CPDs): "
                             "use the plug-in CPDs (joint_cpds=False)")
    return PreparedInput(
        network=network,
        codes=counts.codes,
        n_rows=n_rows,
        exact=exact,
        sample_size=sample_size,
        tau=tau,
        joint=joint,
        cpd_source=cpd_source,
        positivity_violations=bad_cpds,
        warnings=warnings,
        obs_codes=obs_table.codes if joint else None,
        obs_weights=obs_table.weights if joint else None,
    )
