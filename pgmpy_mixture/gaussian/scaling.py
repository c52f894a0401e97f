"""Unit invariance of the Gaussian mixture fit: every column is standardised before the candidate mixtures are
fitted, and the fitted moments are mapped back to the data's units afterwards.

Without it the fit depends on the units of the data: scikit-learn's ``reg_covar`` is an absolute amount added
to the covariance diagonals (1e-6 dominates data on a 1e-3 scale, and data on a 1e30 scale reach its
"ill-defined empirical covariance" error), and the paper's cutoff rule compares relative log-likelihood gains,
whose denominator moves with ``-log(scale)``. On standardised columns the clustering, the BIC curve and every
regression-based test (mechanism changes, Wald tests) are the same whatever the unit; the log-likelihood curve
is reported in the data's units (the Jacobian ``-sum(log scale)`` added back), so that the paper's cutoff rule
reads the quantity it reads in the authors' code.

* :func:`standardise` -- centred, unit-variance columns (overflow-safe for data up to the float range);
* :func:`unstandardise_moments` -- means and covariances back in the data's units;
* :func:`log_jacobian` -- ``sum(log scale)``, the per-row shift of the log-likelihood between the two units.

Examples
--------
>>> X = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
>>> Z, center, scale = standardise(X)
>>> Z.mean(axis=0).round(12).tolist(), Z.std(axis=0).round(12).tolist()
([0.0, 0.0], [1.0, 1.0])
"""

from __future__ import annotations

import numpy as np

__all__ = ["standardise", "unstandardise_moments", "log_jacobian"]


def standardise(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns centred and scaled to unit standard deviation: ``(Z, center, scale)`` with ``X = Z * scale + center``.

    The columns are first divided by their largest absolute value, so that data on a scale near the float range
    (``1e300``) do not overflow in the variance. ``scale`` is 1 for a constant column.

    Parameters
    ----------
    data : ndarray (n, d), finite

    Returns
    -------
    Z : ndarray (n, d)
    center, scale : ndarray (d,)

    Examples
    --------
    >>> Z, center, scale = standardise(np.array([[0.0], [2e300]]))
    >>> Z.ravel().tolist(), center.tolist(), scale.tolist()
    ([-1.0, 1.0], [1e+300], [1e+300])
    """
    data = np.asarray(data, dtype=float)
    peak = np.max(np.abs(data), axis=0)
    peak = np.where(peak > 0, peak, 1.0)
    unit = data / peak
    mid = unit.mean(axis=0)
    spread = unit.std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    return (unit - mid) / spread, mid * peak, spread * peak


def unstandardise_moments(means: np.ndarray, covs: np.ndarray, center: np.ndarray,
                          scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Component means ``(K, d)`` and covariances ``(K, d, d)`` of standardised data, in the data's units.

    Examples
    --------
    >>> m, c = unstandardise_moments(np.zeros((1, 2)), np.eye(2)[None], np.array([1.0, 2.0]), np.array([10.0, 0.5]))
    >>> m.tolist(), c[0].tolist()
    ([[1.0, 2.0]], [[100.0, 0.0], [0.0, 0.25]])
    """
    means = np.asarray(means, float) * scale + center
    covs = np.asarray(covs, float) * np.outer(scale, scale)[None]
    return means, covs


def log_jacobian(scale: np.ndarray) -> float:
    """``sum(log scale)``: a row's log-density in the data's units is its standardised log-density minus this.

    Examples
    --------
    >>> round(log_jacobian(np.array([np.e, 1.0])), 6)
    1.0
    """
    return float(np.sum(np.log(scale)))
