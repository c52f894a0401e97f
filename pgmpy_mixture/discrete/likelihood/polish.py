"""The likelihood method's last stage: the joint maximum-likelihood weights of the found targets and Wald intervals.

Once every variable is lifted, the targets are fixed and only their weights move: EM on all rows
(:func:`~pgmpy_mixture.discrete.mixing_weights.em_weights`), then Newton on the simplex
(:func:`~pgmpy_mixture.discrete.mixing_weights.newton_weights`), so the weights are the joint MLE for the found
targets (to machine precision) and the Wald intervals are centred on it. Targets whose weight falls below
``epsilon``, or below half a row (``n w < 0.5``: no row's worth of evidence), are dropped; the heaviest always
stays. The covariance is the inverse observed information constrained to weights
summing to one; it treats the CPDs as known. On exact input the recursion's weights are exact and have no error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from pgmpy_mixture.discrete.mixing_weights import (
    ComponentLikelihoods,
    constrained_covariance,
    em_weights,
    newton_weights,
    observed_information,
)

__all__ = ["PolishedWeights", "polish_weights"]

_MIN_ROWS = 0.5  # smallest expected number of rows of a kept component


@dataclass
class PolishedWeights:
    """The final targets (a selection of the recursion's), their weights and their Wald statistics."""

    keep: np.ndarray  # indices of the recursion's targets that are kept
    mu: np.ndarray
    covariance: np.ndarray
    stderr: np.ndarray
    existence: np.ndarray  # Phi(mu / stderr): the one-sided Wald score that the weight is positive


def polish_weights(
    entries: ComponentLikelihoods,
    n_rows: np.ndarray,
    mu: np.ndarray,
    *,
    exact: bool,
    epsilon: float,
    polish_steps: int,
    newton_steps: int,
) -> PolishedWeights:
    """Joint EM and Newton polish of the weights on all rows, then observed-information standard errors.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> out = polish_weights(lik, np.array([75.0, 25.0]), np.array([0.5, 0.5]), exact=False, epsilon=0.0,
    ...                      polish_steps=30, newton_steps=20)
    >>> out.mu.round(9).tolist(), out.stderr.round(4).tolist()
    ([0.75, 0.25], [0.0433, 0.0433])
    """
    keep = np.arange(mu.size)
    if not exact:
        mu = em_weights(entries, n_rows, mu, polish_steps)
        mu = newton_weights(entries, n_rows, mu, newton_steps)
        # a weight worth less than half a row is no evidence of a component (the MLE puts numerical dust there)
        kept = (mu > 0) & (mu * float(n_rows.sum()) >= _MIN_ROWS)
        if epsilon > 0:
            kept &= mu >= epsilon
        keep = np.flatnonzero(kept) if kept.any() else np.array([int(np.argmax(mu))])
        mu, entries = mu[keep] / mu[keep].sum(), entries.take(keep)
    if exact:
        return PolishedWeights(keep, mu, np.zeros((mu.size, mu.size)), np.zeros(mu.size), np.ones(mu.size))
    cov = constrained_covariance(observed_information(entries, n_rows, mu))
    stderr = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        existence = norm.cdf(np.where(stderr > 0, mu / stderr, np.inf))
    return PolishedWeights(keep, mu, cov, stderr, existence)
