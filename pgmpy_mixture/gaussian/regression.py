"""Regressions implied by Gaussian moments: coefficients, residual variances, Wald statistics and the pooled
moments of the components that share a mechanism.

Under the linear SEM of Kumar, Shiragur & Uhler (NeurIPS 2024, Section 2), ``X_j = b_j' X_pa(j) + eps_j``, so the
regression of ``X_j`` on its predecessors in a causal order, read off a component's mean and covariance, is node
``j``'s mechanism in that component. These are the building blocks of the order, target and DAG steps of
:mod:`pgmpy_mixture.gaussian.mixture_utigsp` (which re-exports the public names) and of the M-step of
:mod:`pgmpy_mixture.gaussian.shared_sem`.

Every residual variance returned here is at least a floor, :data:`VARIANCE_FLOOR` unless the caller passes
another, so that ``log`` and divisions stay finite on a degenerate (collinear) component.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["VARIANCE_FLOOR", "regression_from_moments", "residual_variances", "wald_statistics",
           "significant_predecessors", "two_sided_normal_quantile", "chi2_quantile", "pooled_moments",
           "shared_mechanism_moments"]

#: Smallest residual variance of a regression from moments. Far below any variance the methods meet (a simulated
#: do-intervention has noise variance 1e-9, and the mixture fit adds ``reg_covar = 1e-6`` to every diagonal), it
#: only keeps ``log(variance)`` and ``1 / variance`` finite when a predictor set explains a variable exactly.
VARIANCE_FLOOR = 1e-12


def regression_from_moments(
    mean: np.ndarray, cov: np.ndarray, j: int, preds: Sequence[int], *, ridge: float = 0.0,
    min_variance: float = VARIANCE_FLOOR,
) -> tuple[float, np.ndarray, float]:
    """Regression of ``X_j`` on ``X_preds`` implied by a Gaussian's moments: (intercept, coefficients, variance).

    ``coef = (Sigma_PP + ridge I)^{-1} Sigma_Pj``, ``intercept = mu_j - coef' mu_P`` and the residual variance
    ``Sigma_jj - Sigma_jP coef``, floored at ``min_variance`` (also without predictors, where it is ``Sigma_jj``).

    Parameters
    ----------
    mean : ndarray (d,)
    cov : ndarray (d, d)
    j : int
        The response.
    preds : sequence of int
        The predictors (may be empty).
    ridge : float, default 0.0
        Added to the diagonal of the predictors' covariance before solving (the shared-SEM EM uses 1e-9).
    min_variance : float, default :data:`VARIANCE_FLOOR`
        Floor of the residual variance (the shared-SEM EM uses 1e-9).

    Returns
    -------
    intercept : float
    coefficients : ndarray (len(preds),)
    variance : float

    Examples
    --------
    >>> c0, b, v = regression_from_moments(np.array([1.0, 2.0]), np.array([[1.0, 2.0], [2.0, 5.0]]), 1, [0])
    >>> round(c0, 6), b.round(6).tolist(), round(v, 6)
    (0.0, [2.0], 1.0)
    >>> regression_from_moments(np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0]]), 1, [0])[2] == VARIANCE_FLOOR
    True
    """
    preds = list(preds)
    if not preds:
        return float(mean[j]), np.zeros(0), max(float(cov[j, j]), min_variance)
    css = cov[np.ix_(preds, preds)]
    if ridge:
        css = css + ridge * np.eye(len(preds))
    coef = np.linalg.solve(css, cov[preds, j])
    var = float(cov[j, j] - cov[j, preds] @ coef)
    return float(mean[j] - coef @ mean[preds]), coef, max(var, min_variance)


def residual_variances(
    covs: np.ndarray, j: int, preds: Sequence[int], min_variance: float = VARIANCE_FLOOR,
) -> np.ndarray:
    """Residual variance of the regression of ``X_j`` on ``X_preds`` for each covariance of a stack, in one
    batched solve: the variances :func:`regression_from_moments` returns, for many components at once (as the
    change statistics of :func:`pgmpy_mixture.gaussian.mixture_utigsp.change_statistics` need them, for every
    component and every pair of components).

    Parameters
    ----------
    covs : ndarray (B, d, d)
    j : int
    preds : sequence of int
    min_variance : float, default :data:`VARIANCE_FLOOR`

    Returns
    -------
    ndarray (B,)

    Examples
    --------
    >>> covs = np.array([[[1.0, 2.0], [2.0, 5.0]], [[1.0, 0.0], [0.0, 3.0]]])
    >>> residual_variances(covs, 1, [0]).round(6).tolist(), residual_variances(covs, 1, []).tolist()
    ([1.0, 3.0], [5.0, 3.0])
    """
    preds = list(preds)
    if not preds:
        return np.maximum(covs[:, j, j], min_variance)
    css = covs[:, preds][:, :, preds]
    csj = covs[:, preds, j]
    coef = np.linalg.solve(css, csj[..., None])[..., 0]
    return np.maximum(covs[:, j, j] - np.einsum("bi,bi->b", csj, coef), min_variance)


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
    return wald_statistics(cov, j, preds, n_eff)[1] > two_sided_normal_quantile(alpha)


@functools.lru_cache(maxsize=256)
def two_sided_normal_quantile(alpha: float) -> float:
    """``z`` with ``P(|Z| > z) = alpha``: the critical value of a two-sided Wald test at level ``alpha``, computed once
    per level (the causal-order search asks for it for every node and candidate predecessor set).

    Examples
    --------
    >>> round(two_sided_normal_quantile(0.05), 4)
    1.96
    """
    return float(stats.norm.isf(alpha / 2))


@functools.lru_cache(maxsize=256)
def chi2_quantile(alpha: float, df: int) -> float:
    """Upper ``alpha`` quantile of the chi-square distribution with ``df`` degrees of freedom, computed once per
    ``(alpha, df)``.

    Examples
    --------
    >>> round(chi2_quantile(0.05, 1), 4)
    3.8415
    """
    return float(stats.chi2.isf(alpha, df))


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
