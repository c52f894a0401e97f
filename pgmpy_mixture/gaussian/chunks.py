"""Memory-bounded passes over large continuous data for the Gaussian mixture of interventions.

Everything here visits the rows in blocks of ``chunk_rows`` and accumulates sufficient statistics, so the extra
memory is ``O(chunk_rows * (d + K) + K d^2)`` whatever the number of rows: ten million rows cost the same working
memory as sixty thousand. Used by :mod:`pgmpy_mixture.gaussian.mixture_utigsp` when the candidate mixtures are fitted on a
subsample (``max_fit_rows``) and then refined on every row, and by :class:`GaussianMixtureFit`'s
``predict`` / ``predict_proba`` / ``score``.

* :func:`mixture_log_joint` -- ``log pi_k + log N(x | mu_k, Sigma_k)`` for a block of rows;
* :func:`weighted_moments` -- one full-covariance M-step (weights, means, covariances) from responsibilities
  produced block by block;
* :func:`refine_em` -- full-covariance EM on all rows from a starting mixture, each iteration one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy.special import logsumexp
from tqdm.auto import tqdm

from pgmpy_mixture.errors import ParameterError

__all__ = ["CHUNK_ROWS", "row_blocks", "gaussian_log_density", "mixture_log_joint", "weighted_moments", "refine_em"]

CHUNK_ROWS = 65_536


def row_blocks(n: int, chunk_rows: int | None = None) -> Iterator[slice]:
    """Consecutive row slices covering ``range(n)``, each at most ``chunk_rows`` long (default
    :data:`CHUNK_ROWS`, read at call time).

    Examples
    --------
    >>> [(s.start, s.stop) for s in row_blocks(5, 2)]
    [(0, 2), (2, 4), (4, 5)]
    """
    chunk_rows = CHUNK_ROWS if chunk_rows is None else int(chunk_rows)
    if chunk_rows < 1:
        raise ParameterError(f"chunk_rows must be positive, got {chunk_rows}")
    for start in range(0, n, chunk_rows):
        yield slice(start, min(start + chunk_rows, n))


def gaussian_log_density(X: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Row-wise log density of ``N(mean, cov)`` (Cholesky based, vectorised).

    Examples
    --------
    >>> round(float(gaussian_log_density(np.zeros((1, 1)), np.zeros(1), np.eye(1))[0]), 4)
    -0.9189
    """
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, (X - mean).T)
    d = X.shape[1]
    return -0.5 * (np.sum(z * z, axis=0) + d * np.log(2 * np.pi)) - np.sum(np.log(np.diag(chol)))


def mixture_log_joint(X: np.ndarray, weights: np.ndarray, means: np.ndarray, covs: np.ndarray) -> np.ndarray:
    """``log pi_k + log N(x | mu_k, Sigma_k)`` for every row of ``X`` and component ``k``: shape ``(n, K)``.

    Examples
    --------
    >>> mixture_log_joint(np.array([[0.0]]), np.array([0.5, 0.5]), np.array([[0.0], [4.0]]),
    ...                   np.ones((2, 1, 1))).round(3).tolist()
    [[-1.612, -9.612]]
    """
    return np.log(weights)[None, :] + np.column_stack(
        [gaussian_log_density(X, m, c) for m, c in zip(means, covs, strict=True)]
    )


def weighted_moments(
    data: np.ndarray, responsibilities: Callable[[slice], np.ndarray], n_components: int,
    reg_covar: float = 1e-6, chunk_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One full-covariance M-step: weights, means and covariances of the components, with the responsibilities
    of each block of rows given by ``responsibilities(block)`` for the row slice ``block`` (shape
    ``(rows, n_components)``).

    Second moments are accumulated around a fixed shift (the first row), which keeps the subtraction
    ``E[x x'] - mu mu'`` accurate when the data sit far from 0.

    Examples
    --------
    >>> data = np.array([[0.0, 0.0], [2.0, 2.0], [9.0, 1.0]])
    >>> resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> w, m, c = weighted_moments(data, lambda block: resp[block], 2, reg_covar=0.0, chunk_rows=2)
    >>> w.round(3).tolist(), m[0].tolist(), c[0].tolist()
    ([0.667, 0.333], [1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]])
    """
    d = data.shape[1]
    shift = data[0].astype(float)
    counts = np.zeros(n_components)
    first = np.zeros((n_components, d))
    second = np.zeros((n_components, d, d))
    for block in row_blocks(data.shape[0], chunk_rows):
        rows = data[block] - shift
        resp = responsibilities(block)
        counts += resp.sum(axis=0)
        first += resp.T @ rows
        for k in range(n_components):
            second[k] += (rows * resp[:, k : k + 1]).T @ rows
    safe = np.maximum(counts, 1e-12)
    centred_means = first / safe[:, None]
    covs = second / safe[:, None, None] - np.einsum("ki,kj->kij", centred_means, centred_means)
    covs += reg_covar * np.eye(d)[None]
    return counts / counts.sum(), centred_means + shift, covs


def refine_em(
    data: np.ndarray, weights: np.ndarray, means: np.ndarray, covs: np.ndarray, reg_covar: float = 1e-6,
    max_iter: int = 100, tol: float = 1e-4, chunk_rows: int | None = None, progress: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int]:
    """Full-covariance EM on every row of ``data`` from a starting mixture, one pass per iteration, until the
    per-row average log-likelihood improves by less than ``tol`` (scikit-learn's criterion, 10 times stricter
    than its default) or after ``max_iter`` passes.

    ``progress`` shows a bar over the passes. Returns the weights, means, covariances, the per-row average
    log-likelihood of the returned parameters
    (computed on the last E-step pass before the final M-step, as scikit-learn does) and the iterations run.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> data = np.concatenate([rng.normal(0, 1, (500, 1)), rng.normal(6, 1, (500, 1))])
    >>> w, m, c, ll, it = refine_em(data, np.array([0.5, 0.5]), np.array([[1.0], [5.0]]), np.ones((2, 1, 1)),
    ...                             chunk_rows=256)
    >>> bool(np.allclose(np.sort(m[:, 0]), [0, 6], atol=0.15)), w.round(1).tolist()
    (True, [0.5, 0.5])
    """
    n = data.shape[0]
    weights, means, covs = np.asarray(weights, float), np.asarray(means, float), np.asarray(covs, float)
    previous = -np.inf
    total = 0.0
    iterations = 0
    bar = tqdm(total=max_iter, desc="EM on all rows", disable=not progress)
    while iterations < max_iter:
        iterations += 1
        bar.update()
        total = 0.0

        def posterior(block, w=weights, m=means, c=covs):
            nonlocal total
            joint = mixture_log_joint(data[block], w, m, c)
            norm = logsumexp(joint, axis=1, keepdims=True)
            total += float(norm.sum())
            return np.exp(joint - norm)

        weights, means, covs = weighted_moments(data, posterior, len(weights), reg_covar, chunk_rows)
        if total / n - previous < tol:
            break
        previous = total / n
    bar.close()
    return weights, means, covs, total / n, iterations
