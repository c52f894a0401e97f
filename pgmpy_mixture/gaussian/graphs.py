"""Graph algorithms on adjacency matrices: the interventional essential graph of a DAG.

Mixture-UTIGSP identifies the graph only up to its interventional Markov equivalence class (Kumar, Shiragur &
Uhler, NeurIPS 2024, following Hauser & Buhlmann 2012): the class is represented by the I-essential graph
(I-CPDAG), whose directed edges are those every member of the class shares. It is built in three steps:

1. :func:`orient_v_structures` -- the skeleton with the edges of the DAG's v-structures (unshielded colliders
   ``a -> j <- b``) oriented, the observational equivalence class's starting point (Verma & Pearl 1990);
2. :func:`orient_by_targets` -- every edge with exactly one endpoint in some intervention target set oriented as
   in the DAG (the intervention tells its sides apart, Hauser & Buhlmann 2012);
3. :func:`meek_closure` -- Meek's (1995) orientation rules R1-R3 applied until nothing changes.

:func:`icpdag` chains them. Adjacency convention everywhere: ``adj[i, j]`` True marks ``i -> j``; both
``adj[i, j]`` and ``adj[j, i]`` True mark an undirected edge ``i - j``.

Examples
--------
>>> chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], bool)   # 0 -> 1 -> 2: no v-structure
>>> icpdag(chain).astype(int).tolist()
[[0, 1, 0], [1, 0, 1], [0, 1, 0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["orient_v_structures", "orient_by_targets", "meek_closure", "icpdag"]


def orient_v_structures(dag: np.ndarray) -> np.ndarray:
    """The skeleton of ``dag`` (every edge undirected) except the edges of its v-structures, kept directed.

    Parameters
    ----------
    dag : ndarray (d, d) of bool

    Returns
    -------
    ndarray (d, d) of bool, a partially directed graph

    Examples
    --------
    >>> collider = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]], bool)   # 0 -> 2 <- 1, 0 and 1 not adjacent
    >>> orient_v_structures(collider).astype(int).tolist()
    [[0, 0, 1], [0, 0, 1], [0, 0, 0]]
    """
    dag = np.asarray(dag, bool)
    g = dag | dag.T
    skeleton = g.copy()
    for j in range(dag.shape[0]):
        parents = np.flatnonzero(dag[:, j])
        for x, a in enumerate(parents):
            for b in parents[x + 1:]:
                if not skeleton[a, b]:
                    g[j, a] = g[j, b] = False
    return g


def orient_by_targets(dag: np.ndarray, pdag: np.ndarray, targets: Iterable[Iterable[int]]) -> np.ndarray:
    """``pdag`` with every edge ``i -> j`` of ``dag`` that has exactly one endpoint in some target set directed.

    Parameters
    ----------
    dag : ndarray (d, d) of bool
    pdag : ndarray (d, d) of bool
        A partially directed graph on the skeleton of ``dag`` (not modified).
    targets : iterable of iterables of int
        Intervention target sets (the observational component's is empty).

    Returns
    -------
    ndarray (d, d) of bool

    Examples
    --------
    >>> dag = np.array([[0, 1], [0, 0]], bool)
    >>> orient_by_targets(dag, dag | dag.T, [set(), {1}]).astype(int).tolist()
    [[0, 1], [0, 0]]
    """
    dag = np.asarray(dag, bool)
    g = np.array(pdag, dtype=bool, copy=True)
    for t in targets:
        t = set(int(v) for v in t)
        for i, j in zip(*np.nonzero(dag), strict=False):
            if (i in t) != (j in t):
                g[j, i] = False
    return g


def meek_closure(pdag: np.ndarray) -> np.ndarray:
    """Apply Meek's rules R1-R3 to a partially directed graph until nothing changes, orienting ``a - b`` as
    ``a -> b`` when

    * R1: some ``c -> a`` with ``c`` not adjacent to ``b`` (else a new v-structure);
    * R2: ``a -> c -> b`` for some ``c`` (else a cycle);
    * R3: ``a - c -> b`` and ``a - e -> b`` with ``c``, ``e`` not adjacent.

    Parameters
    ----------
    pdag : ndarray (d, d) of bool
        Not modified.

    Returns
    -------
    ndarray (d, d) of bool

    Examples
    --------
    >>> pdag = np.array([[0, 1, 0], [0, 0, 1], [0, 1, 0]], bool)   # 0 -> 1 - 2
    >>> meek_closure(pdag).astype(int).tolist()   # R1: 1 -> 2
    [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    """
    g = np.array(pdag, dtype=bool, copy=True)
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

    Parameters
    ----------
    dag : ndarray (d, d) of bool
    targets : sequence of iterables of int, optional
        Without targets this is the (observational) CPDAG.

    Returns
    -------
    ndarray (d, d) of bool

    Examples
    --------
    >>> chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], bool)
    >>> int(icpdag(chain).sum()), int(icpdag(chain, [set(), {0}]).sum())
    (4, 2)
    """
    dag = np.asarray(dag, bool)
    return meek_closure(orient_by_targets(dag, orient_v_structures(dag), targets))
