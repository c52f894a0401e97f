"""Lifts that the data cannot pin down when positivity fails (UAI 2021, Assumption 3.2, Lemmas 4.1 and 4.7).

Lifting target ``s_i`` to ``V_j`` fits ``theta_0 P(v | pa) + theta_v`` to the rows of ``s_i``
(:mod:`~pgmpy_mixture.discrete.likelihood.problem`). The data see this function only on the parent settings
``pa`` the rows of ``s_i`` take. When ``V_j``'s CPD is the same row ``p`` on all of them, the direction
``d = (1, -p)`` changes nothing the data see: ``s_i`` with weight ``t`` is the mixture ``sum_v p_v (s_i + do(V_j =
v))`` with the same weight, on this variable and on every later one (each row's likelihood under ``s_i`` is
``p_{v_j}`` times its likelihood under ``s_i + do(V_j = v_j)``). Lemma 4.1 resolves this with positivity: the excluded
state ``e`` has ``theta_e = 0`` and ``p_e > 0``, which fixes ``t``. When ``p_e = 0`` every point of the segment
satisfies exclusion, and the mixture is not identifiable there (the paper's Example 3.1); a deterministic CPD
(``p`` a point mass on ``v*``) even makes ``s_i`` and ``s_i + do(V_j = v*)`` the same distribution.

:func:`canonical_lifts` moves each such lift to the point of the segment with the largest weight on ``s_i`` itself
(no intervention the data do not require; under positivity it is Lemma 4.1's unique solution) and reports the
targets whose weight could be moved to their interventions on ``V_j``. On a positive network no lift moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Unidentified", "canonical_lifts", "constant_cpd_rows"]

_SAME_ROW = 1e-12


@dataclass(frozen=True)
class Unidentified:
    """A lift the data do not identify: ``target`` (index of the prefix target) may trade its weight with its
    interventions ``do(V_j = v)`` for ``v`` in ``states``, in proportions ``P(v | pa)`` (the CPD row ``row``)."""

    target: int
    states: tuple[int, ...]
    row: tuple[float, ...]


def constant_cpd_rows(pair_b: np.ndarray, pair_pa: np.ndarray, pa_probs: np.ndarray, q: int) -> np.ndarray:
    """For each of ``q`` targets, a parent setting whose CPD row equals the rows of all its parent settings, or -1.

    ``(pair_b[e], pair_pa[e])`` lists the parent settings (rows of ``pa_probs``) that target ``pair_b[e]``'s rows
    take; a target without rows gets -1.

    Examples
    --------
    >>> import numpy as np
    >>> rows = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> constant_cpd_rows(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 2]), rows, 3).tolist()
    [0, -1, -1]
    """
    first = np.full(q, -1, dtype=np.int64)
    if pair_b.size == 0:
        return first
    targets, at = np.unique(pair_b, return_index=True)
    first[targets] = pair_pa[at]
    differs = np.abs(pa_probs[pair_pa] - pa_probs[first[pair_b]]).max(axis=1) > _SAME_ROW
    varying = np.bincount(pair_b, weights=differs, minlength=q) > 0
    first[varying] = -1
    return first


def canonical_lifts(
    theta: np.ndarray, mu: np.ndarray, pair_b: np.ndarray, pair_pa: np.ndarray, pa_probs: np.ndarray
) -> tuple[np.ndarray, list[Unidentified]]:
    """Move every unidentified lift to its largest weight on the un-lifted target; list the unidentified ones.

    Parameters
    ----------
    theta : ndarray, shape (q, k + 1)
        Lift fractions ``[follows the CPD, do(V_j = 0), ..., do(V_j = k - 1)]`` of each prefix target.
    mu : ndarray, shape (q,)
        Weights of the prefix targets (targets without weight are left alone).
    pair_b, pair_pa : ndarray
        The parent settings each target's rows take (see :func:`constant_cpd_rows`).
    pa_probs : ndarray, shape (n_pa, k)
        ``V_j``'s CPD row of every parent setting.

    Returns
    -------
    theta : ndarray, shape (q, k + 1)
        A copy, moved along ``(1, -p)`` where that changes nothing the data see.
    unidentified : list of Unidentified
        The targets whose weight may still move to their interventions on ``V_j`` without changing the
        distribution: the segment is not a point and a state with ``p_v = 0`` is unused (so exclusion holds along
        it).

    Examples
    --------
    >>> import numpy as np
    >>> # V_j copies a parent that the target fixes: P(v | pa) = (1, 0) on its rows; the fit split its weight
    >>> theta = np.array([[0.25, 0.75, 0.0]])
    >>> moved, notes = canonical_lifts(theta, np.ones(1), np.array([0]), np.array([1]), np.array([[0, 1.], [1, 0]]))
    >>> moved.tolist(), notes[0].states
    ([[1.0, 0.0, 0.0]], (0,))
    """
    theta = np.array(theta, dtype=np.float64)
    q = theta.shape[0]
    first = constant_cpd_rows(pair_b, pair_pa, pa_probs, q)
    notes: list[Unidentified] = []
    for g in np.flatnonzero((first >= 0) & (mu > 0)):
        p = pa_probs[first[g]]
        if np.all(p > 0):  # Lemma 4.1: theta_e = 0 with p_e > 0 leaves no freedom
            continue
        alive = p > 0
        ratios = theta[g, 1:][alive] / p[alive]
        step = float(ratios.min())
        if step > 0:  # t = min_v theta_v / p_v zeroes the lightest intervention and keeps theta >= 0
            moved = theta[g].copy()
            moved[0] += step
            moved[1:] -= step * p
            moved[1 + np.flatnonzero(alive)[int(np.argmin(ratios))]] = 0.0
            theta[g] = np.maximum(moved, 0.0) / np.maximum(moved, 0.0).sum()
        unused_dead = (~alive) & (theta[g, 1:] <= 0)
        if theta[g, 0] > 0 and unused_dead.any():
            notes.append(Unidentified(int(g), tuple(int(v) for v in np.flatnonzero(alive)), tuple(map(float, p))))
    return theta, notes
