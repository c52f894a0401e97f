"""DIMM's Appendix D (AAAI 2020): EM for the mixing weights from joint samples.

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

Expectation-maximisation of the weights of the observational component and of every single-node intervention
from joint samples (``data=``), the component likelihoods being truncated CPD products (Definition 1). The
components are fixed, so this is the shared weight EM of :mod:`pgmpy_mixture.discrete.mixing_weights`
(SQUAREM-accelerated), on its dense form for rows of equally many components. The log-likelihood is concave
in the weights, so EM from the uniform start reaches the maximum; the weights of root nodes are not identified
by the joint distribution (``P = sum_a p(R = a) P_{R,a}``), and the returned
representative is the one satisfying Assumption 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.system import all_targets
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods, RowLikelihoods, squarem_weights
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["component_likelihoods", "solve_em"]


def _row_likelihoods(network: CausalNetwork, counts: CountTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row's components (observational, then ``do(X_i = x_i)`` for each variable) and their log likelihoods
    relative to the row's largest one (``-inf``: impossible), and that largest one (``-inf``: impossible row)."""
    if counts.variables != network.variables:
        counts = counts.reorder(network.variables)
    codes = counts.codes.astype(np.int64)
    cond = network.conditional_probabilities(codes)
    zero = cond <= 0.0
    log_cond = np.log(np.where(zero, 1.0, cond))
    log_all = log_cond.sum(axis=1)
    n_zero = zero.sum(axis=1)
    log_ratio = log_all[:, None] - log_cond  # log prod_{k != i} P(x_k | pa_k), ignoring zero factors
    ratio_ok = (n_zero[:, None] == 0) | ((n_zero[:, None] == 1) & zero)
    log_ratio = np.where(ratio_ok, log_ratio, -np.inf)
    log_base = np.where(n_zero == 0, log_all, -np.inf)
    top = np.maximum(log_ratio.max(axis=1), log_base)
    column = (network._offsets[:-1][None, :] + codes) + 1  # position of do(X_i = x_i) among the targets
    groups = np.concatenate([np.zeros((codes.shape[0], 1), dtype=np.int64), column], axis=1)
    with np.errstate(invalid="ignore"):  # -inf - -inf on impossible rows, which are left out
        relative = np.concatenate([log_base[:, None], log_ratio], axis=1) - top[:, None]
    return groups, relative, top


def component_likelihoods(network: CausalNetwork, counts: CountTable) -> tuple[ComponentLikelihoods, np.ndarray]:
    """Likelihoods of every row under the observational component and every ``do(X_i = alpha)`` (Definition 1).

    ``P_{i,alpha}(x) = 1[x_i = alpha] P(x) / P(x_i | pa_i)``: each row has one non-zero per variable
    (``alpha = x_i``) plus ``P_phi(x)``. They are stored relative to the row's largest one, and rows impossible
    under every component are left out.

    Returns
    -------
    likelihoods : ComponentLikelihoods
        Components in the order of :func:`~pgmpy_mixture.aggregate.system.all_targets` (observational first),
        rows = the possible rows of ``counts``.
    log_reference : ndarray, shape (n distinct rows of counts,)
        The log reference likelihood of every row (``-inf`` for the impossible ones).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.2, .8])})
    >>> lik, log_ref = component_likelihoods(net, CountTable.from_codes(np.array([[0]]), ["A"], [["x", "y"]]))
    >>> lik.grp.tolist(), lik.values().round(3).tolist(), np.exp(log_ref).tolist()   # observational, do(A=x)
    ([0, 1], [0.2, 1.0], [1.0])
    """
    groups, relative, top = _row_likelihoods(network, counts)
    possible = np.isfinite(top)
    n_possible = int(possible.sum())
    grp = np.concatenate([groups[possible, 0], groups[possible, 1:].ravel()])
    row = np.concatenate([np.arange(n_possible), np.repeat(np.arange(n_possible), network.n_variables)])
    lval = np.concatenate([relative[possible, 0], relative[possible, 1:].ravel()])
    keep = np.isfinite(lval)
    # stored row by row (each row's entries together): the EM's sums over rows and components then touch memory in
    # order; the components are never selected here, so they need not be grouped
    order = np.argsort(row[keep], kind="stable")
    size = int(network.cardinalities.sum()) + 1
    likelihoods = ComponentLikelihoods(grp[keep][order], row[keep][order], lval[keep][order], size, n_possible)
    return likelihoods, top


def solve_em(
    network: CausalNetwork,
    counts: CountTable,
    *,
    max_iter: int = 5000,
    tol: float = 1e-9,
    init: np.ndarray | None = None,
    canonical: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Appendix D: EM for the weights of the observational and all single-node interventional components.

    E step: responsibilities ``gamma ∝ pi_c P_c(x)``; M step: ``pi_c = mean gamma`` (weighted by counts).
    The component likelihoods ``P_c(x)`` are truncated CPD products (Definition 1,
    :func:`component_likelihoods`); the EM is the shared
    :func:`~pgmpy_mixture.discrete.mixing_weights.squarem_weights`.

    Parameters
    ----------
    network : CausalNetwork
    counts : CountTable
        Joint mixture samples over the network's variables.
    max_iter : int
    tol : float
        Stop when the mean log-likelihood improves by less than ``tol``. Iterations are accelerated by
        SQUAREM extrapolation (each accepted step is followed by a plain EM step).
    init : ndarray, shape (S + 1,), optional
        Starting weights (observational first); uniform by default.
    canonical : bool
        The joint likelihood does not identify the weights of a root node ``R``: ``P = sum_a p(R=a)
        P_{R,a}``, so mass moves freely between ``pi_phi`` and ``pi_{R,.}`` along ``p(R, .)``. With
        ``canonical`` the returned weights are the representative satisfying Assumption 1 (the most mass
        moved back to ``pi_phi``, leaving one state of every root at 0); the likelihood is unchanged.

    Returns
    -------
    weights : ndarray, shape (S + 1,)
        ``[pi_phi, pi_{(i, alpha)} in flat order]``.
    info : dict
        ``log_likelihood`` (mean per sample), ``iterations``, ``converged``, ``impossible_rows``.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.data.counts import CountTable
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> table = CountTable.from_codes(np.array([[0]] * 3 + [[1]]), ["A"], [["x", "y"]])
    >>> w, info = solve_em(net, table)
    >>> round(float(w[1] - w[2]), 3)   # P_mix(x) - P_mix(y) = pi_x - pi_y
    0.5
    """
    if counts.variables != network.variables:
        counts = counts.reorder(network.variables)
    groups, relative, top = _row_likelihoods(network, counts)
    possible = np.isfinite(top)
    weights = counts.weights[possible]
    size = all_targets(network).shape[0]
    # every row has the same components (observational and one intervention per variable): the dense form
    likelihoods = RowLikelihoods(groups[possible], np.exp(relative[possible]), size)
    start = np.full(size, 1.0 / size) if init is None else np.array(init, dtype=float)
    pi, info = squarem_weights(likelihoods, weights, start, max_iter=max_iter, tol=tol)
    if canonical:
        pi = _exclusion_representative(network, pi)
    info = {
        "log_likelihood": info["log_likelihood"] + float(weights @ top[possible]) / float(weights.sum()),
        "iterations": info["iterations"],
        "converged": info["converged"],
        "impossible_rows": int(np.count_nonzero(~possible)),
    }
    return pi / pi.sum(), info


def _exclusion_representative(network: CausalNetwork, pi: np.ndarray) -> np.ndarray:
    """Move mass from each root's interventions back to ``pi_phi`` along ``p(R, .)`` until one weight is 0."""
    pi = pi.copy()
    for j, pars in enumerate(network.parents):
        if pars:
            continue
        blk = slice(1 + int(network._offsets[j]), 1 + int(network._offsets[j + 1]))
        a = network.cpds[j]
        t = float(np.min(pi[blk] / np.maximum(a, 1e-300)))
        if t > 0:
            pi[blk] = np.clip(pi[blk] - t * a, 0.0, None)
            pi[0] += t
    return pi / pi.sum()

