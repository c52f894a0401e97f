"""Regressions implied by Gaussian moments: coefficients, Wald statistics and the pooled moments of the components
that share a mechanism. The building blocks of :mod:`pgmpy_mixture.gaussian.mixture_utigsp`'s order, target and DAG steps
(which re-exports these names).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["regression_from_moments", "wald_statistics", "significant_predecessors", "pooled_moments",
           "shared_mechanism_moments"]


def regression_from_moments(mean: np.ndarray, cov: np.ndarray, j: int, preds: Sequence[int]):
    """Regression of ``X_j`` on ``X_preds`` implied by a Gaussian's moments: (intercept, coefficients, variance).

    Examples
    --------
    >>> c0, b, v = regression_from_moments(np.array([1.0, 2.0]), np.array([[1.0, 2.0], [2.0, 5.0]]), 1, [0])
    >>> round(c0, 6), b.round(6).tolist(), round(v, 6)
    (0.0, [2.0], 1.0)
    """
    preds = list(preds)
    if not preds:
        return float(mean[j]), np.zeros(0), float(cov[j, j])
    s = np.ix_(preds, preds)
    coef = np.linalg.solve(cov[s], cov[preds, j])
    var = float(cov[j, j] - cov[j, preds] @ coef)
    return float(mean[j] - coef @ mean[preds]), coef, max(var, 1e-12)


def wald_statistics(cov: np.ndarray, j: int, preds: Sequence[int], n_eff: float) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of the regression of ``X_j`` on ``X_preds`` implied by ``cov`` and their Wald statistics
    ``|coef| / se`` with ``n_eff`` samples.

    Examples
    --------
    >>> coef, z = wald_statistics(np.array([[1.0, 0.5], [0.5, 1.25]]), 1, [0], 100)
    >>> coef.round(3).tolist(), z.round(3).tolist()
    ([0.5], [5.0])
    """
    preds = list(preds)
    if not preds:
        return np.zeros(0), np.zeros(0)
    _, coef, var = regression_from_moments(np.zeros(cov.shape[0]), cov, j, preds)
    se = np.sqrt(var * np.diag(np.linalg.inv(cov[np.ix_(preds, preds)])) / n_eff)
    return coef, np.abs(coef) / se


def significant_predecessors(cov: np.ndarray, j: int, preds: Sequence[int], n_eff: float, alpha: float) -> np.ndarray:
    """Wald tests of the coefficients of the regression of ``X_j`` on ``X_preds`` implied by ``cov``, with
    ``n_eff`` samples: a boolean mask over ``preds``, True where the coefficient differs from 0 at level ``alpha``.

    Examples
    --------
    >>> significant_predecessors(np.array([[1.0, 0.5, 0.0], [0.5, 1.25, 0.0], [0.0, 0.0, 1.0]]), 1, [0, 2], 1000,
    ...                          1e-3).tolist()
    [True, False]
    """
    return wald_statistics(cov, j, preds, n_eff)[1] > stats.norm.isf(alpha / 2)


def pooled_moments(w: np.ndarray, means: np.ndarray, covs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the mixture of the given components with (unnormalised) weights ``w``.

    Examples
    --------
    >>> mean, cov = pooled_moments(np.array([1.0, 1.0]), np.array([[0.0], [2.0]]), np.ones((2, 1, 1)))
    >>> mean.tolist(), cov.tolist()
    ([1.0], [[2.0]])
    """
    w = w / w.sum()
    mean = w @ means
    centred = means - mean
    cov = np.einsum("k,kij->ij", w, covs) + np.einsum("k,ki,kj->ij", w, centred, centred)
    return mean, cov


def shared_mechanism_moments(
    weights: np.ndarray, means: np.ndarray, covs: np.ndarray, targets: Sequence, j: int,
) -> tuple[np.ndarray, float]:
    """Pooled covariance of the components that share ``X_j``'s observational mechanism (``j`` not a target),
    and their total weight; all components when ``j`` is a target everywhere.

    Examples
    --------
    >>> cov, share = shared_mechanism_moments(np.array([0.5, 0.5]), np.array([[0.0], [2.0]]),
    ...                                       np.ones((2, 1, 1)), [frozenset(), frozenset({0})], 0)
    >>> cov.tolist(), share
    ([[1.0]], 0.5)
    """
    keep = np.array([j not in t for t in targets])
    if not keep.any():
        keep[:] = True
    w = np.asarray(weights, float)[keep]
    return pooled_moments(w, means[keep], covs[keep])[1], float(w.sum())
