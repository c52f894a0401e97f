"""Metrics for Gaussian mixtures of interventions (NeurIPS 2024 Section 5 and Appendix).

* components are matched to the truth by the Hungarian algorithm on ``||mu - mu_hat|| + ||Sigma - Sigma_hat||_F``;
* parameter error: mean of that cost over matched true components;
* target Jaccard: mean over the true *interventional* components of the Jaccard similarity between the true and the
  matched estimated target set (0 when unmatched);
* weight error: total variation ``0.5 * sum |pi - pi_hat|`` over matched pairs plus the unmatched weights;
* SHD between adjacency matrices (DAGs or CPDAGs given as mark matrices: a pair of nodes counts once when its
  edge differs: missing, extra, reversed or directed vs undirected), against the true DAG or its I-CPDAG;
* adjusted Rand index of labels (scikit-learn).

Examples
--------
>>> jaccard(frozenset({1}), frozenset({1, 2}))
0.5
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = [
    "match_components", "parameter_error", "jaccard", "target_jaccard", "weight_error", "shd", "icpdag",
    "adjusted_rand",
]


def match_components(true_means, true_covs, est_means, est_covs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hungarian matching; returns (true indices, estimated indices, cost matrix).

    Examples
    --------
    >>> t, e, _ = match_components(np.array([[0.0], [5.0]]), np.ones((2, 1, 1)), np.array([[5.1]]), np.ones((1, 1, 1)))
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
    rows, cols, cost = match_components(true_means, true_covs, est_means, est_covs)
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


def _meek(adj: np.ndarray) -> np.ndarray:
    """Apply Meek rules R1-R3 to a PDAG (``adj[i, j] & adj[j, i]``: undirected) until nothing changes."""
    g = adj.copy()
    d = g.shape[0]
    changed = True
    while changed:
        changed = False
        und = g & g.T
        directed = g & ~g.T
        for i, j in zip(*np.nonzero(np.triu(und)), strict=False):
            for a, b in ((i, j), (j, i)):
                if not (g[a, b] and g[b, a]):
                    continue
                adjacent_b = g[:, b] | g[b, :]
                # R1: c -> a, c not adjacent to b  => a -> b
                r1 = np.any(directed[:, a] & ~adjacent_b & (np.arange(d) != b))
                # R2: a -> c -> b => a -> b
                r2 = np.any(directed[a, :] & directed[:, b])
                # R3: a - c -> b, a - e -> b, c, e non-adjacent => a -> b
                cands = np.flatnonzero(und[a, :] & directed[:, b])
                r3 = any(not (g[c, e] or g[e, c]) for x, c in enumerate(cands) for e in cands[x + 1:])
                if r1 or r2 or r3:
                    g[b, a] = False
                    directed = g & ~g.T
                    und = g & g.T
                    changed = True
                    break
    return g


def icpdag(dag: np.ndarray, targets: Sequence = ()) -> np.ndarray:
    """Interventional CPDAG (I-essential graph) of a DAG given the intervention target sets (observational
    included): an edge is directed when it is in a v-structure of the DAG, when exactly one of its endpoints is in
    some target set (Hauser and Buhlmann 2012), or when Meek's rules force it.

    Examples
    --------
    >>> chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], bool)
    >>> int(icpdag(chain).sum()), int(icpdag(chain, [set(), {0}]).sum())
    (4, 2)
    """
    dag = np.asarray(dag, bool)
    d = dag.shape[0]
    g = dag | dag.T
    skeleton = g.copy()
    for j in range(d):
        parents = np.flatnonzero(dag[:, j])
        for x, a in enumerate(parents):
            for b in parents[x + 1:]:
                if not skeleton[a, b]:
                    g[j, a] = g[j, b] = False
    for t in targets:
        t = set(int(v) for v in t)
        for i, j in zip(*np.nonzero(dag), strict=False):
            if (i in t) != (j in t):
                g[j, i] = False
    return _meek(g)


def adjusted_rand(true_labels, est_labels) -> float:
    """Adjusted Rand index (scikit-learn).

    Examples
    --------
    >>> adjusted_rand([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(true_labels, est_labels))
