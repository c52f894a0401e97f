"""The per-target lift of UAI 2021's recursion as a maximum-likelihood problem over the cells of one CPD.

Lifting target ``s_i`` to variable ``V_j`` (Algorithm 1, Lemma 4.3) splits it into ``s_i`` itself (``V_j`` follows
its CPD) and the children ``s_i + (V_j = v)``. Given the gamma-weighted counts ``c_i(pa_j, v_j)`` of the cells of
``V_j``'s CPD, the fractions ``theta = (theta_0, theta_v)`` of the split maximise the concave

    ``sum_cells c_i(pa, v) log(theta_0 P(v | pa) + theta_v)``

over the simplex: the population version of Equation 5, pooled over every parent setting instead of one.
This module holds the cells (:func:`cells_of`), the batched problems (:class:`LiftCounts`, one per target)
and their solver (:func:`fit_lifts`): the pooled moment solution of Equation 5 as the start (exact on exact
input), EM, then an active-set Newton method on the simplex (quadratic convergence, so exact input stays exact).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pgmpy_mixture.model.fitting import cpd_index
from pgmpy_mixture.model.network import CausalNetwork

__all__ = [
    "Cells", "LiftCounts", "cells_of", "cpd_cell_index", "expected_counts", "fit_lifts", "lift_loglik", "unique_keys",
]

_TINY = 1e-300
_EM_STEPS = 30
_NEWTON_STEPS = 40
_DENSE_STATES = 16  # more states than this: the Newton system is solved by its arrow structure
_HUGE = 1e300
_COUNTING_SPAN = 4  # unique_keys counts instead of sorting when the keys' range is at most this many times their number


def unique_keys(keys: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for integer keys in ``[0, bound)``, by counting when the range is small.

    The same sorted distinct keys and the same inverse as :func:`numpy.unique`, in O(keys + bound) instead of a
    sort: the recursion's keys (a prefix id times the states of ``V_j`` plus the state, a target times the cells plus
    the cell) have a range close to their number, and sorting millions of them was a fixed cost of every lift.

    Parameters
    ----------
    keys : ndarray of int
        Non-negative keys, all below ``bound``.
    bound : int
        An upper bound of the keys (exclusive).

    Returns
    -------
    uniq : ndarray of int64
        The distinct keys, sorted.
    inverse : ndarray of int64
        ``uniq[inverse] == keys``.

    Examples
    --------
    >>> import numpy as np
    >>> uniq, inverse = unique_keys(np.array([5, 2, 5, 0]), 6)
    >>> uniq.tolist(), inverse.tolist()
    ([0, 2, 5], [2, 1, 2, 0])
    """
    keys = np.asarray(keys, dtype=np.int64).ravel()
    bound = int(bound)
    if bound > _COUNTING_SPAN * keys.size + 1024:
        uniq, inverse = np.unique(keys, return_inverse=True)
        return uniq, inverse.ravel()
    seen = np.zeros(bound, dtype=bool)
    seen[keys] = True
    uniq = np.flatnonzero(seen)
    lookup = np.empty(bound, dtype=np.int64)
    lookup[uniq] = np.arange(uniq.size)
    return uniq, lookup[keys]


def cpd_cell_index(network: CausalNetwork, codes: np.ndarray, j: int) -> np.ndarray:
    """Flat index of the CPD entry ``P(v_j | pa_j)`` used by every row (row-major over parents, then ``v_j``).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.full((2, 3), 1 / 3)})
    >>> cpd_cell_index(net, np.array([[1, 0], [1, 2]]), 1).tolist()
    [3, 5]
    """
    columns = list(network.parents[j]) + [j]
    return cpd_index(codes, columns, [int(network.cardinalities[c]) for c in columns])


@dataclass
class Cells:
    """The distinct CPD cells ``(pa_j, v_j)`` of variable ``j`` seen in the data."""

    inverse: np.ndarray  # (U,) cell of each row
    p: np.ndarray  # (cells,) P(v_j | pa_j)
    v: np.ndarray  # (cells,) state code of v_j
    pa: np.ndarray  # (cells,) parent configuration index (0..n_pa-1, compacted)
    pa_probs: np.ndarray  # (n_pa, k) P(. | pa) for every compacted parent configuration
    k: int  # number of states of V_j
    pa_index: np.ndarray  # (n_pa,) row of each compacted parent configuration in cpd.reshape(-1, k)


def cells_of(network: CausalNetwork, codes: np.ndarray, j: int) -> Cells:
    """The distinct cells ``(pa_j, v_j)`` of ``V_j``'s CPD used by the rows ``codes``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[.9, .1], [.2, .8]])})
    >>> cells = cells_of(net, np.array([[1, 1], [0, 0], [1, 1]]), 1)
    >>> cells.inverse.tolist(), cells.p.tolist(), cells.pa_index.tolist()
    ([1, 0, 1], [0.9, 0.8], [0, 1])
    """
    k = int(network.cardinalities[j])
    flat = cpd_cell_index(network, codes, j)
    n_cells = int(np.prod([int(network.cardinalities[c]) for c in (*network.parents[j], j)], dtype=float))
    uniq, inverse = unique_keys(flat, n_cells) if n_cells < 2**62 else np.unique(flat, return_inverse=True)
    pa_raw = uniq // k
    pa_uniq, pa = np.unique(pa_raw, return_inverse=True)
    v = uniq % k
    pa_probs = network.cpd_columns(j, pa_uniq)  # only the columns used (a sparse CPD has no dense table)
    return Cells(
        inverse=inverse.ravel(),
        p=pa_probs[pa.ravel(), v],
        v=v,
        pa=pa.ravel(),
        pa_probs=pa_probs,
        k=k,
        pa_index=pa_uniq,
    )



@dataclass
class LiftCounts:
    """The positive entries of a batch of lift problems' cell counts ``(B, cells)``, flattened.

    Entry ``e`` is cell ``cell[e]`` of problem ``b[e]`` with count ``c[e]``; ``p``, ``v`` and ``pa`` are that
    cell's ``P(v_j | pa_j)``, state and parent configuration. Every lift computation is a sum over cells with a
    positive count, so working on these entries costs O(nnz) instead of O(B x cells) (a high in-degree variable
    has hundreds of thousands of cells, each target's rows touch only a few of them).
    """

    b: np.ndarray
    c: np.ndarray
    p: np.ndarray
    v: np.ndarray
    pa: np.ndarray
    n_prob: int
    k: int

    def select(self, index: np.ndarray) -> LiftCounts:
        """The problems ``index`` (repeats allowed), renumbered ``0..len(index)-1``; entries are sorted by ``b``."""
        bounds = np.searchsorted(self.b, np.arange(self.n_prob + 1))
        sizes = bounds[index + 1] - bounds[index]
        total = int(sizes.sum())
        pos = np.repeat(bounds[index] - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        b = np.repeat(np.arange(index.size), sizes)
        return LiftCounts(b, self.c[pos], self.p[pos], self.v[pos], self.pa[pos], int(index.size), self.k)

    def take(self, problems: np.ndarray) -> LiftCounts:
        """The entries of a boolean subset of the problems, renumbered."""
        new_index = np.cumsum(problems) - 1
        sel = problems[self.b]
        return LiftCounts(new_index[self.b[sel]], self.c[sel], self.p[sel], self.v[sel], self.pa[sel],
                       int(problems.sum()), self.k)

    def mix(self, theta: np.ndarray) -> np.ndarray:
        return theta[self.b, 0] * self.p + theta[self.b, 1 + self.v]

    def per_problem(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.b, weights=values, minlength=self.n_prob)

    def per_state(self, values: np.ndarray) -> np.ndarray:
        """``sum`` of ``values`` over the entries of each (problem, state of V_j): (B, k)."""
        return np.bincount(self.b * self.k + self.v, weights=values, minlength=self.n_prob * self.k).reshape(
            self.n_prob, self.k
        )

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """``d/d theta`` of the lift log-likelihood, (B, k+1)."""
        mix = self.mix(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(mix > 0, self.c / mix, 0.0)
        return np.concatenate([self.per_problem(r * self.p)[:, None], self.per_state(r)], axis=1)


def lift_loglik(sp: LiftCounts, theta: np.ndarray) -> np.ndarray:
    """``sum_cells c log(theta_0 p + theta_v)`` for each problem (rows of ``theta``).

    Examples
    --------
    >>> import numpy as np
    >>> # one problem, one parent setting, V_j binary with P(v) = (0.5, 0.5), counts (3, 1)
    >>> sp = LiftCounts(np.zeros(2, int), np.array([3.0, 1.0]), np.array([.5, .5]), np.array([0, 1]),
    ...                 np.zeros(2, int), 1, 2)
    >>> lift_loglik(sp, np.array([[0.5, 0.5, 0.0]])).round(4).tolist()   # 3 log 0.75 + log 0.25
    [-2.2493]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(sp.c > 0, sp.c * np.log(np.maximum(sp.mix(theta), 0.0)), 0.0)
    return sp.per_problem(terms)


def expected_counts(sp: LiftCounts, pa_probs: np.ndarray) -> np.ndarray:
    """``sum_pa m_b(pa) P(v | pa)`` for every problem ``b`` and state ``v``, (B, k): each problem's counts spread
    over the states as the CPD would (``m_b(pa)`` the problem's count at parent setting ``pa``).

    Examples
    --------
    >>> import numpy as np
    >>> sp = LiftCounts(np.zeros(2, int), np.array([3.0, 1.0]), np.array([.5, .5]), np.array([0, 1]),
    ...                 np.zeros(2, int), 1, 2)
    >>> expected_counts(sp, np.array([[0.25, 0.75]])).tolist()
    [[1.0, 3.0]]
    """
    if sp.k <= _DENSE_STATES:  # sum over the problem's cells of c(cell) P(v | pa(cell)), one state at a time
        return np.stack([sp.per_problem(sp.c * pa_probs[sp.pa, v]) for v in range(sp.k)], axis=1)
    per_pa = sparse.csr_matrix((sp.c, (sp.b, sp.pa)), shape=(sp.n_prob, pa_probs.shape[0]))
    return np.asarray(per_pa @ pa_probs)


def _moment_start(sp: LiftCounts, allowed: np.ndarray, cells: Cells, floor: float) -> np.ndarray:
    """Pooled moment solution of Equation 5 for each problem (exact on exact input), kept inside the simplex.

    With excluded state ``e`` (``theta_e = 0``): ``theta_0 = c(e) / sum_pa m(pa) P(e | pa)`` and
    ``theta_v = (c(v) - theta_0 sum_pa m(pa) P(v | pa)) / m``, pooled over every parent setting.
    """
    mass_v = sp.per_state(sp.c)  # (B, k)
    expected_v = expected_counts(sp, cells.pa_probs)
    total = np.maximum(mass_v.sum(axis=1), _TINY)
    excluded = ~allowed[:, 1:]  # (B, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(excluded, mass_v / np.maximum(expected_v, _TINY), np.inf)
    theta0 = np.min(ratio, axis=1)
    theta0 = np.where(np.isfinite(theta0), theta0, 1.0)
    theta0 = np.clip(theta0, 0.0, 1.0)
    rest = (mass_v - theta0[:, None] * expected_v) / total[:, None]
    theta = np.concatenate([theta0[:, None], rest], axis=1)
    theta = np.where(allowed, np.maximum(theta, floor), 0.0)
    return theta / theta.sum(axis=1, keepdims=True)


def _kkt_direction(h00: np.ndarray, cross: np.ndarray, diag: np.ndarray, grad: np.ndarray,
                   free: np.ndarray) -> np.ndarray:
    """Newton direction of max LL s.t. ``sum(d_free) = 0``, ``d_fixed = 0``: ``[H 1; 1' 0] [d; lam] = [g; 0]``.

    ``H`` (minus the Hessian) is an arrow matrix: ``theta_0`` meets every state, the states meet only themselves
    (``h00``, ``cross``, ``diag``). Up to :data:`_DENSE_STATES` states the system is solved dense; above, by the
    arrow structure in O(k) per problem (memory and time), so a variable with a thousand states costs no more than
    its cells. Both scale the system by its largest entry and add 1e-13 to the free diagonal.
    """
    n_prob, kk = grad.shape
    scale = np.maximum(np.maximum(np.abs(h00), np.maximum(np.abs(cross).max(axis=1), np.abs(diag).max(axis=1))),
                       _TINY)
    if kk - 1 > _DENSE_STATES:
        return _arrow_direction(h00 / scale, cross / scale[:, None], diag / scale[:, None], grad / scale[:, None],
                                free)
    hess = np.zeros((n_prob, kk, kk))
    hess[:, 0, 0] = h00
    hess[:, 0, 1:] = cross
    hess[:, 1:, 0] = cross
    hess[:, np.arange(1, kk), np.arange(1, kk)] = diag
    system = np.zeros((n_prob, kk + 1, kk + 1))
    rhs = np.zeros((n_prob, kk + 1))
    system[:, :kk, :kk] = np.where(free[:, :, None] & free[:, None, :], hess, 0.0) / scale[:, None, None]
    system[:, np.arange(kk), np.arange(kk)] += np.where(free, 1e-13, 1.0)
    system[:, :kk, kk] = free
    system[:, kk, :kk] = free
    rhs[:, :kk] = np.where(free, grad, 0.0) / scale[:, None]
    try:
        sol = np.linalg.solve(system, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        sol = np.stack([np.linalg.lstsq(s, b, rcond=None)[0] for s, b in zip(system, rhs, strict=True)])
    return np.where(free, sol[:, :kk], 0.0)


def _arrow_direction(a: np.ndarray, b: np.ndarray, c: np.ndarray, g: np.ndarray, free: np.ndarray) -> np.ndarray:
    """:func:`_kkt_direction` for an arrow ``H`` (scaled): eliminate the states, solve 2 x 2 for ``d_0`` and ``lam``.

    For a free state ``c_v d_v + b_v d_0 + lam = g_v``; with ``d_0`` free also ``a d_0 + sum_v b_v d_v + lam = g_0``;
    and ``d_0 + sum_v d_v = 0``.
    """
    free0, free_v = free[:, 0], free[:, 1:]
    inv = np.where(free_v, 1.0 / (c + 1e-13), 0.0)
    b = np.where(free_v & free0[:, None], b, 0.0)
    gv = np.where(free_v, g[:, 1:], 0.0)
    g1, s1, b1 = (inv * gv).sum(axis=1), inv.sum(axis=1), (inv * b).sum(axis=1)
    ebb, ebg = (inv * b * b).sum(axis=1), (inv * b * gv).sum(axis=1)
    # [a + eps - ebb, 1 - b1; 1 - b1, -s1] [d0; lam] = [g0 - ebg; -g1]; d0 = 0 when theta_0 is fixed
    m00 = a + 1e-13 - ebb
    m01 = 1.0 - b1
    det = -m00 * s1 - m01 * m01
    with np.errstate(divide="ignore", invalid="ignore"):
        d0 = np.where(free0 & (det != 0), ((g[:, 0] - ebg) * -s1 + m01 * g1) / det, 0.0)
        lam_both = (m00 * -g1 - m01 * (g[:, 0] - ebg)) / det
        lam_states = np.where(s1 > 0, g1 / s1, 0.0)
    lam = np.where(free0 & (det != 0), lam_both, lam_states)
    d0 = np.where(np.isfinite(d0), d0, 0.0)
    lam = np.where(np.isfinite(lam), lam, 0.0)
    dv = inv * (gv - lam[:, None] - b * d0[:, None])
    return np.where(free, np.concatenate([d0[:, None], dv], axis=1), 0.0)


def _newton(sp: LiftCounts, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Active-set Newton ascent on the simplex face ``{theta_c = 0 for c not free}`` (batched)."""
    n_prob, kk = theta.shape
    ll = lift_loglik(sp, theta)
    active = np.ones(n_prob, dtype=bool)
    for _ in range(_NEWTON_STEPS):
        chosen = active & (free.sum(axis=1) > 1)
        idx = np.flatnonzero(chosen)
        if idx.size == 0:
            break
        sub = sp.take(chosen)
        th, fr = theta[idx], free[idx]
        mix = sub.mix(th)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(mix > 0, sub.c / mix, 0.0)
            # capped: a cell the current fit makes nearly impossible (mix**2 underflows) would make the system inf
            w = np.minimum(np.where(mix > 0, sub.c / mix**2, 0.0), _HUGE)
        grad = np.concatenate([sub.per_problem(r * sub.p)[:, None], sub.per_state(r)], axis=1)
        with np.errstate(invalid="ignore"):  # a cell of CPD probability 0 adds nothing, even where w overflows
            wp = np.where(sub.p > 0, w * sub.p, 0.0)
        h00 = sub.per_problem(wp * sub.p)
        cross = sub.per_state(wp)
        diag = sub.per_state(w)
        d = _kkt_direction(h00, cross, diag, grad, fr)
        # largest step keeping theta >= 0; the coordinate that hits zero leaves the free set
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a tiny step component: no limit
            limit = np.where((d < 0) & fr, -th / d, np.inf)
        t_max = np.minimum(1.0, limit.min(axis=1))
        step = t_max.copy()
        old_ll = ll[idx]
        new_th = th + step[:, None] * d
        new_ll = lift_loglik(sub, np.maximum(new_th, 0.0))
        for _ in range(40):  # backtracking on problems whose likelihood fell
            bad = ~(new_ll >= old_ll - 1e-12 * np.abs(old_ll))
            if not bad.any():
                break
            step[bad] *= 0.5
            new_th[bad] = th[bad] + step[bad, None] * d[bad]
            new_ll = lift_loglik(sub, np.maximum(new_th, 0.0))
        bad = ~(new_ll >= old_ll - 1e-12 * np.abs(old_ll))
        new_th[bad] = th[bad]
        new_ll[bad] = old_ll[bad]
        hit = (step[:, None] == limit) & (limit <= 1.0) & ~bad[:, None]
        new_th = np.where(hit, 0.0, np.maximum(new_th, 0.0))
        new_th /= new_th.sum(axis=1, keepdims=True)
        fr = fr & ~hit
        moved = np.abs(new_th - th).max(axis=1)
        theta[idx] = new_th
        free[idx] = fr
        ll[idx] = lift_loglik(sub, new_th)
        active[idx] = (moved > 1e-15) & ~bad
    return theta


def fit_lifts(
    sp: LiftCounts,
    allowed: np.ndarray,
    cells: Cells,
    start: np.ndarray | None = None,
    em_steps: int = _EM_STEPS,
    newton: bool = True,
):
    """Maximise each problem's lift likelihood over the simplex face ``allowed``; returns (theta, loglik).

    Started at the pooled moment solution of Equation 5 (or ``start``), ``em_steps`` EM iterations, then the
    active-set Newton method (``newton``).

    Examples
    --------
    >>> import numpy as np
    >>> # counts (3, 1) of a binary V_j with P(v) = (0.5, 0.5), state 1 excluded: theta = (0.5, do(v=0) 0.5, 0)
    >>> sp = LiftCounts(np.zeros(2, int), np.array([3.0, 1.0]), np.array([.5, .5]), np.array([0, 1]),
    ...                 np.zeros(2, int), 1, 2)
    >>> cells = Cells(np.array([0, 1]), np.array([.5, .5]), np.array([0, 1]), np.zeros(2, int),
    ...               np.array([[.5, .5]]), 2, np.zeros(1, int))
    >>> theta, loglik = fit_lifts(sp, np.array([[True, True, False]]), cells)
    >>> theta.round(9).tolist()
    [[0.5, 0.5, 0.0]]
    """
    if start is None:
        theta = _moment_start(sp, allowed, cells, floor=1e-3)
    else:
        theta = np.where(allowed, np.maximum(start, 1e-8), 0.0)
        theta /= theta.sum(axis=1, keepdims=True)
    total = sp.per_problem(sp.c)
    dead = total <= _TINY
    if dead.any():  # a target with no responsibility keeps its start (it will be pruned by weight)
        fallback = theta[dead].copy()
    total = np.maximum(total, _TINY)
    for _ in range(em_steps):
        theta = theta * sp.gradient(theta) / total[:, None]
        theta /= np.maximum(theta.sum(axis=1, keepdims=True), _TINY)
    if newton:
        theta = _newton(sp, theta, allowed & (theta > 0))
    if dead.any():
        theta[dead] = fallback
    return theta, lift_loglik(sp, theta)

