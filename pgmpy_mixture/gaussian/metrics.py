"""Metrics for Gaussian mixtures of interventions (NeurIPS 2024 Section 5 and Appendix).

* components are matched to the truth by the Hungarian algorithm on ``||mu - mu_hat|| + ||Sigma - Sigma_hat||_F``
  (:func:`match_by_moments`; the discrete methods match exact targets instead,
  :func:`pgmpy_mixture.discrete.metrics.match_components`);
* parameter error: mean of that cost over matched true components;
* target Jaccard: mean over the true *interventional* components of the Jaccard similarity between the true and the
  matched estimated target set (0 when unmatched);
* weight error: total variation ``0.5 * sum |pi - pi_hat|`` over matched pairs plus the unmatched weights;
* SHD between adjacency matrices (DAGs or CPDAGs given as mark matrices: a pair of nodes counts once when its
  edge differs: missing, extra, reversed or directed vs undirected), against the true DAG or its I-CPDAG
  (:func:`pgmpy_mixture.gaussian.graphs.icpdag`);
* adjusted Rand index of labels (scikit-learn).

Examples
--------
>>> jaccard(frozenset({1}), frozenset({1, 2}))
0.5
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["match_by_moments", "parameter_error", "jaccard", "target_jaccard", "weight_error", "shd", "adjusted_rand"]


def match_by_moments(true_means, true_covs, est_means, est_covs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match estimated to true components by their moments: the assignment (Hungarian algorithm) minimising the
    summed cost ``||mu - mu_hat||_2 + ||Sigma - Sigma_hat||_F`` over the pairs; with unequal numbers of components,
    the extra ones stay unmatched.

    Parameters
    ----------
    true_means, est_means : array-like (K, d), (K', d)
    true_covs, est_covs : array-like (K, d, d), (K', d, d)

    Returns
    -------
    rows : ndarray of int
        Matched true components.
    cols : ndarray of int
        The estimated component matched to each of ``rows``.
    cost : ndarray (K, K')
        The cost of every pair.

    Examples
    --------
    >>> t, e, _ = match_by_moments(np.array([[0.0], [5.0]]), np.ones((2, 1, 1)), np.array([[5.1]]), np.ones((1, 1, 1)))
    >>> t.tolist(), e.tolist()
    ([1], [0])
    """
    tm, em = np.asarray(true_means, float), np.asarray(est_means, float)
    tc, ec = np.asarray(true_covs, float), np.asarray(est_covs, float)
    cost = (np.linalg.norm(tm[:, None] - em[None], axis=2)
            + np.linalg.norm((tc[:, None] - ec[None]).reshape(len(tm), len(em), -1), axis=2))
    rows, cols = linear_sum_assignment(cost)
    return rows, cols, cost


def parameter_error(true_means, true_covs, est_means, est_covs) -> float:
    """Mean matched ``||mu - mu_hat||_2 + ||Sigma - Sigma_hat||_F`` over true components (matched ones).

    Examples
    --------
    >>> parameter_error(np.zeros((1, 2)), np.eye(2)[None], np.ones((1, 2)), np.eye(2)[None]).__round__(4)
    1.4142
    """
    rows, cols, cost = match_by_moments(true_means, true_covs, est_means, est_covs)
    return float(cost[rows, cols].mean())


def jaccard(a: frozenset, b: frozenset) -> float:
    """Jaccard similarity; two empty sets count as identical (1.0).

    Examples
    --------
    >>> jaccard(frozenset(), frozenset()), jaccard(frozenset({1}), frozenset({2}))
    (1.0, 0.0)
    """
    a, b = set(a), set(b)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def target_jaccard(true_targets: Sequence, est_targets: Sequence, rows: Sequence[int], cols: Sequence[int]) -> float:
    """Mean Jaccard over the true interventional components (non-empty targets), 0 for an unmatched one.

    Examples
    --------
    >>> target_jaccard([set(), {0}, {1}], [set(), {0}, {1, 2}], [0, 1, 2], [0, 1, 2])
    0.75
    """
    match = dict(zip(rows, cols, strict=False))
    scores = [jaccard(frozenset(t), frozenset(est_targets[match[i]])) if i in match else 0.0
              for i, t in enumerate(true_targets) if len(t)]
    return float(np.mean(scores)) if scores else 1.0


def weight_error(true_weights, est_weights, rows, cols) -> float:
    """Total variation between matched weights, unmatched weights counted in full.

    Examples
    --------
    >>> weight_error([0.5, 0.5], [0.6, 0.4], [0, 1], [0, 1])
    0.1
    """
    tw, ew = np.asarray(true_weights, float), np.asarray(est_weights, float)
    matched = np.abs(tw[list(rows)] - ew[list(cols)]).sum()
    rest = np.delete(tw, list(rows)).sum() + np.delete(ew, list(cols)).sum()
    return float(round(0.5 * (matched + rest), 12))


def shd(true_adj: np.ndarray, est_adj: np.ndarray) -> int:
    """Structural Hamming distance between two (C)PDAG adjacency matrices (``adj[i, j]`` True: mark ``i -> j``;
    both directions True: undirected). Each node pair whose edge differs counts once.

    Examples
    --------
    >>> shd(np.array([[0, 1], [0, 0]], bool), np.array([[0, 0], [1, 0]], bool))
    1
    """
    t, e = np.asarray(true_adj, bool), np.asarray(est_adj, bool)
    iu = np.triu_indices(t.shape[0], k=1)
    differ = (t[iu] != e[iu]) | (t.T[iu] != e.T[iu])
    return int(differ.sum())


def adjusted_rand(true_labels, est_labels) -> float:
    """Adjusted Rand index (scikit-learn).

    Examples
    --------
    >>> adjusted_rand([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(true_labels, est_labels))


#: former names kept importable, with a DeprecationWarning: old name -> (module, new name)
_MOVED: dict[str, tuple[str, str]] = {
    "match_components": ("pgmpy_mixture.gaussian.metrics", "match_by_moments"),
    "icpdag": ("pgmpy_mixture.gaussian.graphs", "icpdag"),
}


def __getattr__(name: str) -> Callable:
    """Resolve the former names of :data:`_MOVED` with a ``DeprecationWarning`` naming the new place.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     from pgmpy_mixture.gaussian.metrics import match_components
    >>> match_components is match_by_moments, caught[0].category.__name__
    (True, 'DeprecationWarning')
    """
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, new = _MOVED[name]
    warnings.warn(f"{__name__}.{name} is deprecated: use {module}.{new}", DeprecationWarning, stacklevel=2)
    if module == __name__:
        return globals()[new]
    from pgmpy_mixture.gaussian import graphs

    return getattr(graphs, new)
