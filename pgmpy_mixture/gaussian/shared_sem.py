"""Sparse-shift mixture of one linear Gaussian SEM: EM whose components share every mechanism except at their targets.

This is our extension of Mixture-UTIGSP's first step (not in the NeurIPS 2024 paper). The paper fits unconstrained
full-covariance Gaussians, ``K (d + d (d + 1) / 2)`` parameters, although its own model (Section 2) says every
component is the same linear SEM with a few mechanisms changed. Here, for a causal order ``pi``:

``x_j | x_pred(j) ~ N(c_kj + b_kj^T x_pred(j), s_kj)`` with ``(c_kj, b_kj, s_kj) = (c_j, b_j, s_j)`` (the shared,
observational mechanism) unless ``j`` is a target of component ``k``; the observational component has no targets.

EM alternates

* E-step: responsibilities from ``log pi_k + sum_j log N(x_j; c_kj + b_kj^T x_pred(j), s_kj)``;
* M-step: weighted moments per component; target selection per node and component: ``j`` is a target of ``k``
  when its own regression beats the shared one by more than the BIC penalty ``(|pred(j)| + 2) log n`` in
  log-likelihood ratio; the shared mechanism is fitted on the pooled moments of the non-target components.

The order and the observational component come from :func:`pgmpy_mixture.gaussian.mixture_utigsp.identify_targets`
on the current moments (sparsest mechanism shift), re-estimated after each EM round. The number of free parameters is
``K - 1 + sum_j (|pred(j)| + 2) (1 + #components targeting j)``, which enters the BIC used to choose ``K``.

Examples
--------
>>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
>>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=0)
>>> fit = fit_shared_sem_mixture(sim.data, n_components=4, random_state=0)
>>> sorted(sorted(t) for t in fit.targets)
[[], [0], [1], [2]]
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import logsumexp

from pgmpy_mixture.errors import EstimationWarning
from pgmpy_mixture.gaussian.blocks import soft_moments
from pgmpy_mixture.gaussian.candidates import candidate_counts, fit_candidate_mixtures, select_by_cutoff
from pgmpy_mixture.gaussian.mixture_utigsp import identify_targets
from pgmpy_mixture.gaussian.regression import pooled_moments, regression_from_moments
from pgmpy_mixture.gaussian.result import GaussianMixtureFit, SharedSEMFit
from pgmpy_mixture.validation import check_fit_matrix, check_test_level

__all__ = ["SharedSEMFit", "fit_shared_sem", "fit_shared_sem_mixture"]

#: The M-step's regressions add this ridge to the predictors' covariance and floor the residual variances at it.
#: The component moments here carry no ``reg_covar`` (unlike the mixture fit's), so it is what keeps the solves and
#: the log-likelihood finite on a (nearly) degenerate component; it is larger than
#: :data:`pgmpy_mixture.gaussian.regression.VARIANCE_FLOOR`, and kept so that the fits do not change.
RIDGE = 1e-9


def _expected_sq_residual(mean, cov, j, preds, c0, coef):
    """E_k[(x_j - c0 - coef^T x_preds)^2] under a component's moments."""
    a = np.zeros(len(mean))
    a[j] = 1.0
    if preds:
        a[preds] = -coef
    m = a @ mean - c0
    return float(a @ cov @ a + m * m)


def _m_step(counts, means, covs, order, observational, n, penalty_scale):
    K, d = means.shape
    intercepts = np.zeros((K, d))
    coefs = np.zeros((K, d, d))
    variances = np.ones((K, d))
    is_target = np.zeros((K, d), dtype=bool)
    n_params = K - 1
    for pos, j in enumerate(order):
        preds = list(order[:pos])
        penalty = penalty_scale * (len(preds) + 2) * np.log(n)
        own = [regression_from_moments(means[k], covs[k], j, preds, ridge=RIDGE, min_variance=RIDGE)
               for k in range(K)]
        targeted = np.zeros(K, dtype=bool)
        for _ in range(3):
            pooled = pooled_moments(counts[~targeted], means[~targeted], covs[~targeted])
            shared = regression_from_moments(*pooled, j, preds, ridge=RIDGE, min_variance=RIDGE)
            new = np.zeros(K, dtype=bool)
            for k in range(K):
                if k == observational:
                    continue
                c0, coef, s = shared
                ll_shared = -0.5 * counts[k] * (np.log(s) + _expected_sq_residual(means[k], covs[k], j, preds, c0,
                                                                                  coef) / s)
                ll_own = -0.5 * counts[k] * (np.log(own[k][2]) + 1.0)
                new[k] = 2.0 * (ll_own - ll_shared) > penalty
            if np.array_equal(new, targeted):
                break
            targeted = new
        pooled = pooled_moments(counts[~targeted], means[~targeted], covs[~targeted])
        shared = regression_from_moments(*pooled, j, preds, ridge=RIDGE, min_variance=RIDGE)
        for k in range(K):
            c0, coef, s = own[k] if targeted[k] else shared
            intercepts[k, j], variances[k, j] = c0, s
            if preds:
                coefs[k, j, preds] = coef
        is_target[:, j] = targeted
        n_params += (len(preds) + 2) * (1 + int(targeted.sum()))
    return intercepts, coefs, variances, is_target, n_params


def _log_component_densities(X, intercepts, coefs, variances):
    K = intercepts.shape[0]
    out = np.zeros((X.shape[0], K))
    for k in range(K):
        resid = X - intercepts[k] - X @ coefs[k].T
        out[:, k] = -0.5 * np.sum(resid**2 / variances[k] + np.log(2 * np.pi * variances[k]), axis=1)
    return out


def fit_shared_sem(
    X: np.ndarray, resp: np.ndarray, max_iter: int = 200, tol: float = 1e-7, rounds: int = 3,
    penalty_scale: float = 1.0, alpha: float | None = None,
) -> SharedSEMFit:
    """EM for the sparse-shift SEM mixture from initial responsibilities ``resp`` (n, K).

    Each of the ``rounds`` re-estimates the order and the observational component from the current moments
    (:func:`pgmpy_mixture.gaussian.mixture_utigsp.identify_targets`), then runs EM until the total log-likelihood
    changes by at most ``tol`` relatively, or ``max_iter`` iterations.

    Parameters
    ----------
    X : ndarray (n, d)
    resp : ndarray (n, K)
        Initial responsibilities (e.g. a ``GaussianMixture``'s ``predict_proba``).
    max_iter : int
        EM iterations per round at most.
    tol : float
        Relative change of the log-likelihood that stops a round.
    rounds : int
    penalty_scale : float
        Multiplies the BIC penalty of a target (larger: fewer targets).
    alpha : float, optional
        Level of the change tests of the order search (None: BIC thresholds).

    Returns
    -------
    SharedSEMFit

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=2000, random_state=1)
    >>> resp = np.eye(4)[sim.labels]
    >>> f = fit_shared_sem(sim.data, resp)
    >>> int(f.is_target.sum()), f.observational
    (3, 0)
    """
    n, d = X.shape
    fit = None
    for _ in range(rounds):
        counts, means, covs = soft_moments(X, resp, reg_covar=0.0)
        counts = counts + 1e-12  # no empty component in the logarithms below
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EstimationWarning)
            observational, _, _, order = identify_targets(counts / n, means, covs, n, alpha=alpha)
        previous = -np.inf
        for _ in range(max_iter):
            counts, means, covs = soft_moments(X, resp, reg_covar=0.0)
            counts = counts + 1e-12
            weights = counts / counts.sum()
            intercepts, coefs, variances, is_target, n_params = _m_step(
                counts, means, covs, order, observational, n, penalty_scale)
            log_joint = np.log(np.maximum(weights, 1e-300)) + _log_component_densities(X, intercepts, coefs, variances)
            total = logsumexp(log_joint, axis=1)
            loglik = float(total.sum())
            resp = np.exp(log_joint - total[:, None])
            if abs(loglik - previous) <= tol * abs(loglik):
                break
            previous = loglik
        fit = SharedSEMFit(weights, intercepts, coefs, variances, order, is_target, observational, loglik, n_params)
    return fit


def fit_shared_sem_mixture(
    X: object, n_components: int | str = "auto", k_max: int | None = None, selection: str = "bic",
    cutoff_ratio: float = 0.07, n_init: int = 3, random_state: int | None = 0, penalty_scale: float = 1.0,
    max_iter: int = 200, alpha: float | None = None, init_covariance_type: str = "full",
) -> GaussianMixtureFit:
    """Fit sparse-shift SEM mixtures (initialised from scikit-learn ``GaussianMixture`` with covariance type
    ``init_covariance_type``) for each candidate count, choose the count by BIC (default) or the paper's cutoff on
    the log-likelihood curve.

    Returns the same :class:`~pgmpy_mixture.gaussian.result.GaussianMixtureFit` as Mixture-UTIGSP (component
    moments implied by the fitted SEMs; ``targets`` are the selected mechanism changes).

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, kind="soft", random_state=3)
    >>> fit_shared_sem_mixture(sim.data, k_max=4, random_state=0).n_components
    3
    """
    data, columns = check_fit_matrix(X)
    alpha = check_test_level("alpha", alpha)
    n, d = data.shape
    candidates = candidate_counts(n_components, k_max, n, d, selection)
    models, _, _ = fit_candidate_mixtures(data, candidates, n_init, random_state,
                                          covariance_type=init_covariance_type)
    fits = [fit_shared_sem(data, gm.predict_proba(data), max_iter=max_iter, penalty_scale=penalty_scale,
                           alpha=alpha) for gm in models]
    ll = np.array([f.loglik / n for f in fits])
    bic = np.array([-2.0 * f.loglik + f.n_params * np.log(n) for f in fits])
    if len(candidates) == 1:
        chosen = 0
    elif selection == "bic":
        chosen = int(np.argmin(bic))
    else:
        chosen = int(np.flatnonzero(candidates == select_by_cutoff(ll, candidates, cutoff_ratio))[0])
    f = fits[chosen]
    K = len(f.weights)
    targets = [frozenset(np.flatnonzero(f.is_target[k]).tolist()) for k in range(K)]
    changes = np.zeros((K, K, d), dtype=bool)
    for k in range(K):
        for m in range(K):
            changes[k, m] = (f.is_target[k] | f.is_target[m]) & (k != m)
    return GaussianMixtureFit(f.weights, f.means, f.covariances, n, f.observational, targets, f.order, changes,
                              ll, bic, candidates, columns, parameter_count=f.n_params)
