"""Empirical-Bayes model averaging on DIMM's marginal system, in Theorem 1's order (our design).

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

The default for estimated marginals. A spike-and-slab prior on every weight (zero with probability ``1 - rho``,
else exponential with mean ``tau``); each node averages its posterior over every support that leaves a state
out (Assumption 1), with the multinomial marginal's Gaussian likelihood (Pearson chi-square); ``rho`` and ``tau``
are re-estimated after each sweep. Averaging shrinks the weights the marginals barely inform (states of
probability near 1) and keeps sparse truths sparse. See :func:`solve_bayes`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.system import MarginalSystem, chi_square_weights

__all__ = ["solve_bayes"]

_LOG_SQRT_2PI = 0.5 * float(np.log(2 * np.pi))
_SQRT2 = float(np.sqrt(2.0))
_SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))


def _support_groups(k: int, largest: int) -> list[tuple[int, np.ndarray]]:
    """The supports of a node of ``k`` states with fewer than ``largest`` elements, grouped by size: ``(size,
    columns of shape (number of supports, size))``."""
    return [(m, np.array(list(itertools.combinations(range(k), m)), dtype=np.int64).reshape(-1, m) if m
             else np.zeros((1, 0), dtype=np.int64)) for m in range(largest)]


def _node_posterior(
    a_diag: np.ndarray, r: np.ndarray, w: np.ndarray, rho: float, tau: float, groups: list[tuple[int, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, float]:
    """Posterior mean of one node's weights and inclusion probabilities, averaged over its supports, and the log
    of the sum of the supports' unnormalised posteriors (the node's log evidence up to the likelihood's scale).

    The supports of one size are scored together (stacked least-squares problems)."""
    from scipy.special import erfcx, log_ndtr

    k = len(r)
    aw, rw = a_diag * w[:, None], r * w
    log_posts, means, included = [], [], []
    for size, cols in groups:
        count = cols.shape[0]
        log_prior = size * np.log(rho) + (k - size) * np.log1p(-rho)
        mean = np.zeros((count, k))
        inside = np.zeros((count, k))
        if not size:
            log_posts.append(np.full(count, -0.5 * float(rw @ rw) + log_prior))
            means.append(mean)
            included.append(inside)
            continue
        design = np.moveaxis(aw[:, cols], 0, 1)  # (supports, k, size)
        cov = np.linalg.pinv(np.einsum("gki,gkj->gij", design, design))
        fit = np.einsum("gij,gj->gi", cov, np.einsum("gki,k->gi", design, rw))
        resid = rw[None, :] - np.einsum("gki,gi->gk", design, fit)
        sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 1e-300, None))
        # Gaussian likelihood x exponential(tau) slab, integrated over x >= 0 coordinate by coordinate:
        # the posterior of each weight is N(fit - sd^2 / tau, sd^2) truncated to x >= 0.
        mu = fit - sd**2 / tau
        z = mu / sd
        log_mass = np.log(sd / tau) + _LOG_SQRT_2PI - fit / tau + sd**2 / (2 * tau**2) + log_ndtr(z)
        log_posts.append(-0.5 * np.einsum("gk,gk->g", resid, resid) + log_mass.sum(axis=1) + log_prior)
        # the truncated normal's mean: mu + sd * phi(z) / Phi(z), the ratio written with erfcx so that it stays
        # finite for z far below 0 (a marginal far from what the node can explain, e.g. a zero count)
        rows = np.arange(count)[:, None]
        mean[rows, cols] = mu + sd * (_SQRT_2_OVER_PI / erfcx(-z / _SQRT2))
        inside[rows, cols] = 1.0
        means.append(mean)
        included.append(inside)
    log_post = np.concatenate(log_posts)
    top = float(log_post.max())
    post = np.exp(log_post - top)
    total = float(post.sum())
    post /= total
    return post @ np.concatenate(means), post @ np.concatenate(included), top + float(np.log(total))


def solve_bayes(
    system: MarginalSystem,
    *,
    sample_size: float,
    n_sweeps: int = 8,
    rho: float = 0.1,
    tau: float = 0.05,
    max_enumerate: int = 8,
    exclusion: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Default for estimated marginals: empirical-Bayes model averaging in Theorem 1's order (our design).

    Each weight is zero with prior probability ``1 - rho`` and otherwise exponential with mean ``tau``
    (spike and slab). Node by node in topological order (ancestors' weights fixed at their current
    estimates, as in Theorem 1's induction), every support that leaves one state out (Assumption 1) is
    scored by its marginal likelihood -- the node's Pearson chi-square is the Gaussian log-likelihood of
    the multinomial marginal, integrated over the slab -- and the node's weights are the posterior mean
    averaged over supports (shrinking weights the marginals barely inform, e.g. on states of
    probability near 1). ``rho`` and ``tau`` are re-estimated from the posterior after each sweep
    (empirical Bayes), so sparse and dense mixtures are both handled.

    Parameters
    ----------
    system : MarginalSystem
    sample_size : float
        Number of samples behind the marginals.
    n_sweeps : int
        Sweeps over the nodes (each followed by the empirical-Bayes update of ``rho`` and ``tau``).
    rho, tau : float
        Starting prior inclusion probability and slab mean.
    max_enumerate : int
        Variables with more states use only supports of at most 3 states.
    exclusion : bool
        Zero the least supported weight of any node whose weights all came out positive (Assumption 1).

    Returns
    -------
    x : ndarray, shape (S,)
    info : dict
        ``rho``, ``tau`` (final prior), ``inclusion`` (posterior probability that each weight is non-zero),
        ``chi_square`` (Pearson's, of the estimate), ``log_evidence`` (log marginal likelihood of the marginals
        in the last sweep, up to a constant that does not depend on ``sample_size``: the quantity
        :func:`~pgmpy_mixture.aggregate.noise.estimate_sample_size` maximises over the noise scale).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> p_mix = 0.7 * np.array([.2, .3, .5]) + np.array([0.0, 0.3, 0.0]) + np.array([0.004, -0.002, -0.002])
    >>> x, info = solve_bayes(MarginalSystem(interventional_marginals(net), p_mix), sample_size=1000)
    >>> x.round(2).tolist()
    [0.0, 0.29, 0.0]
    """
    n_eff = float(sample_size)
    w = chi_square_weights(system.mixture, n_eff)
    size = system.A.shape[1]
    x = np.zeros(size)
    inclusion = np.zeros(size)
    cards = system.network.cardinalities
    supports = {}
    for k in np.unique(cards).tolist():
        largest = min(k, 4) if k > max_enumerate else k  # supports leave >= 1 state out (Assumption 1)
        supports[k] = _support_groups(k, largest)
    # the Gaussian likelihood of a node's K - 1 free marginals has precision proportional to N
    log_scale = 0.5 * float(np.sum(cards - 1)) * float(np.log(n_eff))
    log_evidence = 0.0
    for _ in range(max(1, int(n_sweeps))):
        log_evidence = log_scale
        for j in range(system.network.n_variables):
            blk = system.block(j)
            start = int(system.offsets[j])
            r = system.b[blk] - system.A[blk, :start] @ x[:start]
            x[blk], inclusion[blk], node_evidence = _node_posterior(
                system.A[blk, blk], r, w[blk], rho, tau, supports[int(cards[j])]
            )
            log_evidence += node_evidence
        rho = float(np.clip(inclusion.sum() / size, 0.5 / size, 0.9))
        tau = float(np.clip(x.sum() / max(inclusion.sum(), 1e-12), 1e-5, 1.0))
    if exclusion:
        # Averaging over supports can leave every state of a node slightly positive: zero the least
        # supported one so the estimate satisfies Assumption 1.
        for j in range(system.network.n_variables):
            blk = system.block(j)
            if np.all(x[blk] > 0):
                x[int(system.offsets[j]) + int(np.argmin(inclusion[blk]))] = 0.0
    if x.sum() > 1.0:
        x = x / x.sum()
    r = system.residual(x) * w
    return x, {"rho": rho, "tau": tau, "inclusion": inclusion, "chi_square": float(r @ r), "sample_size": n_eff,
               "log_evidence": log_evidence}

