"""Memory-bounded passes over the rows of continuous data, block by block: the M-step moments of the components
and full-covariance EM (Kumar, Shiragur & Uhler, NeurIPS 2024, Algorithm 1 step 1, on more rows than fit in memory).

Everything here visits the rows in blocks of ``chunk_rows`` and accumulates sufficient statistics, so the extra
memory is ``O(chunk_rows * (d + K) + K d^2)`` whatever the number of rows: ten million rows cost the same working
memory as sixty thousand.

* :func:`row_blocks` -- the row slices of one pass (:data:`CHUNK_ROWS` rows each by default);
* :func:`soft_moments` -- soft counts, means and full covariances of the components given responsibilities: the one
  place where component moments are computed from data (the M-step of :func:`refine_em`, of the shared-SEM EM in
  :mod:`pgmpy_mixture.gaussian.shared_sem` and of the non-full clusterings in
  :func:`pgmpy_mixture.gaussian.mixture_utigsp.select_and_identify`);
* :func:`weighted_moments` -- the same with the counts normalised to mixing weights;
* :func:`refine_em` -- full-covariance EM on all rows from a starting mixture, each iteration one pass.

The log-densities of the E-step live in :mod:`pgmpy_mixture.gaussian.density`; they stay importable from here,
as from the module's former path ``pgmpy_mixture.gaussian_chunks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy.special import logsumexp
from tqdm.auto import tqdm

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.gaussian.density import gaussian_log_density, mixture_log_joint  # noqa: F401 (old path, below)
from pgmpy_mixture.parallel import with_single_blas_thread

__all__ = ["CHUNK_ROWS", "row_blocks", "soft_moments", "weighted_moments", "refine_em"]

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


Responsibilities = np.ndarray | Callable[[slice], np.ndarray]


@with_single_blas_thread  # small products over the rows (pgmpy_mixture.parallel)
def soft_moments(
    data: np.ndarray, responsibilities: Responsibilities, n_components: int | None = None,
    reg_covar: float = 1e-6, chunk_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Soft counts, means and full covariances of the components, accumulated block by block.

    For responsibilities ``r_ik`` (row ``i``, component ``k``): ``n_k = sum_i r_ik``,
    ``mu_k = sum_i r_ik x_i / n_k`` and ``Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)' / n_k + reg_covar I``
    (the full-covariance M-step of EM). Second moments are accumulated around a fixed shift (the first row), which
    keeps the subtraction ``E[x x'] - mu mu'`` accurate when the data sit far from 0. A component without weight
    (``n_k = 0``) gets the first row as its mean instead of a division by zero.

    Parameters
    ----------
    data : ndarray (n, d)
    responsibilities : ndarray (n, K) or callable
        The responsibilities, or a function returning those of the rows of a slice ``block`` (shape
        ``(rows, K)``), so that they need not be held for every row at once.
    n_components : int, optional
        ``K``; read from the array when the responsibilities are one (required with a function).
    reg_covar : float
        Added to every covariance diagonal.
    chunk_rows : int, optional
        Rows per block (default :data:`CHUNK_ROWS`).

    Returns
    -------
    counts : ndarray (K,)
    means : ndarray (K, d)
    covariances : ndarray (K, d, d)

    Examples
    --------
    >>> data = np.array([[0.0, 0.0], [2.0, 2.0], [9.0, 1.0]])
    >>> resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    >>> n, m, c = soft_moments(data, resp, reg_covar=0.0, chunk_rows=2)
    >>> n.tolist(), m[1].tolist(), c[1].tolist()
    ([2.5, 0.5], [9.0, 1.0], [[0.0, 0.0], [0.0, 0.0]])
    """
    if not callable(responsibilities):
        array = np.asarray(responsibilities)
        n_components = array.shape[1] if n_components is None else n_components

        def responsibilities(block: slice) -> np.ndarray:
            return array[block]

    if n_components is None:
        raise ParameterError("n_components is required when the responsibilities are given by a function")
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
    return counts, centred_means + shift, covs


def weighted_moments(
    data: np.ndarray, responsibilities: Responsibilities, n_components: int | None = None,
    reg_covar: float = 1e-6, chunk_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One full-covariance M-step: mixing weights, means and covariances of the components, that is
    :func:`soft_moments` with the soft counts divided by their total (the parameters take the same values).

    Examples
    --------
    >>> data = np.array([[0.0, 0.0], [2.0, 2.0], [9.0, 1.0]])
    >>> resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> w, m, c = weighted_moments(data, lambda block: resp[block], 2, reg_covar=0.0, chunk_rows=2)
    >>> w.round(3).tolist(), m[0].tolist(), c[0].tolist()
    ([0.667, 0.333], [1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]])
    """
    counts, means, covs = soft_moments(data, responsibilities, n_components, reg_covar, chunk_rows)
    return counts / counts.sum(), means, covs


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
