"""Targets that give the same interventional distribution (non-identifiability when positivity fails).

Two hard interventions ``t`` and ``t'`` are *distribution-equivalent* when ``P(V | do(t)) = P(V | do(t'))``. No amount
of data tells them apart, so a method can only recover a target up to this equivalence. On a positive network every
target is alone in its class; when CPD entries are zero (positivity, UAI 2021 Assumption 3.2, fails) a variable can
take one state with probability one under ``do(t)``, and intervening on it at that state changes nothing.

With ``P_t(v) = prod_{i not in T} P(v_i | pa_i) prod_{i in T} [v_i = t_i]`` (UAI 2021, Section 2), call an
intervention ``V_i = t_i`` of ``t`` *natural* when ``P(V_i = t_i | pa_i) = 1`` for every parent setting ``pa_i`` of
positive probability under ``do(t)``. Then:

* dropping every natural intervention of ``t`` gives a target ``c(t)`` with the same distribution (in topological
  order, the prefix distribution is unchanged, and at each dropped variable the CPD puts all mass on ``t_i``);
* every target equivalent to ``t`` contains ``c(t)`` (an intervention that is not natural changes the distribution
  of ``V_i``) and is contained in ``t`` plus every variable that has one state with probability one under
  ``do(t)``;
* hence ``t`` and ``t'`` are equivalent if and only if ``c(t) = c(t')``: ``c(t)`` is the unique target with the
  fewest interventions in the class, the *canonical* target (:func:`canonical_targets`).

Which parent settings have positive probability under ``do(t)`` is a question about the joint support, not about
each variable's own support (two parents may never take a combination that each takes alone). :func:`support_walk`
answers it exactly: it walks the variables in topological order and keeps the distinct settings of the variables
that still have children ahead (the frontier), each expanded by the states its CPD's zero pattern allows. A row never
dead-ends (every CPD row sums to one), so the frontier's settings are exactly those of positive probability. When
the frontier would exceed ``max_rows`` settings the walk stops being exact: from there on every state counts as
possible and no intervention is natural (so equivalent targets may be reported distinct, never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.model.sparse_cpd import configuration_strides

__all__ = [
    "SupportWalk",
    "canonical_targets",
    "determined_states",
    "equivalence_classes",
    "equivalent_targets",
    "support_walk",
]

#: default bound on the number of distinct frontier settings kept by :func:`support_walk`
MAX_ROWS = 1 << 20


@dataclass(frozen=True)
class SupportWalk:
    """The zero pattern of ``P(V | do(t))`` as :func:`support_walk` finds it.

    Attributes
    ----------
    support : list of ndarray of bool
        ``support[i][s]``: ``V_i = s`` has positive probability under ``do(t)``.
    natural : ndarray of bool, shape (N,)
        Intervened variables whose CPD gives their intervened state with probability one on every parent setting of
        positive probability (dropping the intervention changes nothing).
    exact : bool
        False when the frontier outgrew ``max_rows``: later variables then count every state as possible.
    """

    support: list[np.ndarray]
    natural: np.ndarray
    exact: bool


def _check_target(network: CausalNetwork, target: np.ndarray) -> np.ndarray:
    target = np.asarray(target)
    n = network.n_variables
    if target.ndim != 1 or target.shape[0] != n or target.dtype.kind not in "iu":
        raise DataValueError(f"an encoded target must be a 1-D integer array of length {n}, got shape "
                             f"{target.shape} and dtype {target.dtype}")
    target = target.astype(np.int64)
    bad = (target < NOT_INTERVENED) | (target >= network.cardinalities)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise DataValueError(f"target state code {int(target[j])} of {network.variables[j]!r} is not in "
                             f"[-1, {int(network.cardinalities[j])})")
    return target


def _last_child(network: CausalNetwork, needed: np.ndarray) -> np.ndarray:
    """Position of each variable's last child among the ``needed`` ones (-1 when it has none)."""
    last = np.full(network.n_variables, -1, dtype=np.int64)
    for j, pars in enumerate(network.parents):
        if pars and needed[j]:
            last[list(pars)] = j
    return last


def _distinct(rows: np.ndarray, cards: np.ndarray) -> np.ndarray:
    """The distinct rows of a code matrix (one integer key per row when the settings fit in int64)."""
    if rows.shape[1] == 0:
        return rows[:1]
    if float(np.sum(np.log2(cards.astype(np.float64)))) < 62:
        keys = rows.astype(np.int64) @ configuration_strides([int(c) for c in cards])
        _, first = np.unique(keys, return_index=True)
        return rows[first]
    return np.unique(rows, axis=0)


def support_walk(network: CausalNetwork, target: np.ndarray, *, max_rows: int = MAX_ROWS,
                 ancestral: bool = False) -> SupportWalk:
    """Exact support of every variable under ``do(target)`` and its natural interventions (see the module).

    Parameters
    ----------
    network : CausalNetwork
    target : ndarray of int, shape (N,)
        Encoded target (``-1``: not intervened).
    max_rows : int
        Largest number of distinct frontier settings kept; beyond it the walk is no longer exact.
    ancestral : bool
        Walk only the intervened variables and their ancestors (enough for ``natural``, much faster on large
        networks); the other variables' supports are then reported as every state.

    Returns
    -------
    SupportWalk

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    >>> walk = support_walk(net, net.encode_targets([{"A": "a0", "B": "b0"}])[0])
    >>> walk.natural.tolist(), [s.tolist() for s in walk.support]
    ([False, True], [[True, False], [True, False]])
    """
    if not isinstance(network, CausalNetwork):
        raise DataValueError(f"network must be a CausalNetwork, got {type(network).__name__}")
    target = _check_target(network, target)
    if int(max_rows) < 1:
        raise ParameterError(f"max_rows must be a positive integer, got {max_rows}")
    n = network.n_variables
    cards = network.cardinalities.astype(np.int64)
    needed = np.ones(n, dtype=bool)
    if ancestral:
        needed = target != NOT_INTERVENED
        for j in range(n - 1, -1, -1):
            if needed[j]:
                needed[list(network.parents[j])] = True
    last = _last_child(network, needed)
    code = np.int8 if cards.max() <= 127 else np.int16 if cards.max() <= 32767 else np.int64
    rows = np.zeros((1, 0), dtype=code)
    live: list[int] = []  # the variable of each column of rows
    support: list[np.ndarray] = []
    natural = np.zeros(n, dtype=bool)
    exact = True
    for j in range(n):
        t = int(target[j])
        if not exact or not needed[j]:
            support.append(np.arange(cards[j]) == t if t >= 0 else np.ones(cards[j], dtype=bool))
            continue
        pars = network.parents[j]
        configs = rows[:, [live.index(p) for p in pars]].astype(np.int64) @ configuration_strides(
            [int(cards[p]) for p in pars])
        distinct, inverse = np.unique(configs, return_inverse=True)
        positive = network.cpd_columns(j, distinct) > 0
        if t >= 0:
            natural[j] = bool(np.all(positive[:, t]) and np.all(positive.sum(axis=1) == 1))
            support.append(np.arange(cards[j]) == t)
            column = np.full(rows.shape[0], t, dtype=code)
        else:
            support.append(positive.any(axis=0))
            if last[j] > j:  # expand every setting by the states its parents allow
                allowed = positive[inverse]
                rows = np.repeat(rows, allowed.sum(axis=1), axis=0)
                column = np.nonzero(allowed)[1].astype(code)
        if last[j] > j:
            rows = np.column_stack([rows, column])
            live.append(j)
        keep = [c for c, v in enumerate(live) if last[v] > j]
        if len(keep) < len(live):  # only dropping a column can make two settings equal
            live = [live[c] for c in keep]
            rows = _distinct(rows[:, keep], cards[live])
        if rows.shape[0] > max_rows:
            exact = False
    return SupportWalk(support, natural, exact)


def canonical_targets(network: CausalNetwork, targets: np.ndarray, *, max_rows: int = MAX_ROWS) -> np.ndarray:
    """The canonical member of each target's equivalence class: its natural interventions dropped.

    The canonical target is the unique one with the fewest interventions among those with the same distribution
    ``P(V | do(t))`` (see the module); two targets are equivalent exactly when their canonical targets are equal.

    Parameters
    ----------
    network : CausalNetwork
    targets : ndarray of int, shape (q, N)
        Encoded targets (``-1``: not intervened).
    max_rows : int
        Passed to :func:`support_walk`.

    Returns
    -------
    ndarray of int64, shape (q, N)

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    >>> t = net.encode_targets([{"A": "a0", "B": "b0"}, {"A": "a1", "B": "b0"}, {"B": "b0"}])
    >>> [net.decode_target(c) for c in canonical_targets(net, t)]
    [{'A': 'a0'}, {'A': 'a1', 'B': 'b0'}, {'B': 'b0'}]
    """
    targets = np.atleast_2d(np.asarray(targets))
    out = np.array(targets, dtype=np.int64)
    for g in range(out.shape[0]):
        walk = support_walk(network, targets[g], max_rows=max_rows, ancestral=True)
        out[g, walk.natural] = NOT_INTERVENED
    return out


def determined_states(network: CausalNetwork, target: np.ndarray, *, max_rows: int = MAX_ROWS) -> np.ndarray:
    """For every variable, the state it takes with probability one under ``do(target)`` and no intervention, or -1.

    These are the variables whose intervention the data cannot determine: ``target`` is equivalent to itself with
    any of them added at that state (or, for a natural intervention, removed). Intervened variables that are not
    natural get -1.

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B", "C"], {v: ["0", "1"] for v in "ABC"}, {"B": ["A"], "C": ["B"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]]), "C": np.array([[.2, .8], [.4, .6]])})
    >>> determined_states(net, net.encode_targets([{"A": "0"}])[0]).tolist()
    [-1, 0, -1]
    """
    target = _check_target(network, target)
    walk = support_walk(network, target, max_rows=max_rows)
    out = np.full(network.n_variables, NOT_INTERVENED, dtype=np.int64)
    single = np.array([s.sum() == 1 for s in walk.support])
    free = single & (target == NOT_INTERVENED)
    out[free] = [int(np.argmax(walk.support[i])) for i in np.flatnonzero(free)]
    out[walk.natural] = target[walk.natural]
    return out


def equivalent_targets(network: CausalNetwork, first: np.ndarray, second: np.ndarray, *,
                       max_rows: int = MAX_ROWS) -> bool:
    """Whether ``P(V | do(first)) = P(V | do(second))``.

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    >>> t = net.encode_targets([{"A": "a0"}, {"A": "a0", "B": "b0"}, {"A": "a1", "B": "b0"}])
    >>> equivalent_targets(net, t[0], t[1]), equivalent_targets(net, t[0], t[2])
    (True, False)
    """
    pair = canonical_targets(network, np.stack([_check_target(network, first), _check_target(network, second)]),
                             max_rows=max_rows)
    return bool(np.array_equal(pair[0], pair[1]))


def equivalence_classes(network: CausalNetwork, targets: np.ndarray, *,
                        max_rows: int = MAX_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Group targets by distribution: the canonical targets of the classes and each target's class.

    Returns
    -------
    canonical : ndarray of int64, shape (c, N)
        One canonical target per class, in order of first appearance.
    label : ndarray of int64, shape (q,)
        The class of each input target.

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    >>> canonical, label = equivalence_classes(net, net.encode_targets([{"A": "a0"}, {"B": "b1"},
    ...                                                                 {"A": "a0", "B": "b0"}]))
    >>> label.tolist(), [net.decode_target(c) for c in canonical]
    ([0, 1, 0], [{'A': 'a0'}, {'B': 'b1'}])
    """
    canon = canonical_targets(network, targets, max_rows=max_rows)
    if canon.shape[0] == 0:
        return canon, np.zeros(0, dtype=np.int64)
    _, first, label = np.unique(canon, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # classes numbered by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return canon[np.sort(first)], rank[label.reshape(-1)]
