"""Likelihood-based DISENTANGLE: the paper's recursion with maximum-likelihood lifts over every row.

The UAI 2021 algorithm (Kumar & Sinha, Section 4, Algorithm 1) lifts the targets ``s_i`` found on the
prefix ``V_1..V_{j-1}`` to ``V_j`` by solving Equation 5 at ONE full setting ``v_{i,l}`` of the earlier
variables, so each equation rests on the few rows matching that setting. This module keeps the
recursion but estimates every lift from all rows:

1. **Soft assignment of rows to the current targets.** With the prefix targets ``s_i`` and weights ``mu_i``
   fitted so far, each row gets the posterior ``gamma_i(r) = mu_i P_{s_i}(r_{<j}) / P_mix(r_{<j})``
   (prefix likelihoods are CPD products, Section 2).
2. **Per-target lift by maximum likelihood.** A child of ``s_i`` is either ``s_i`` itself (``V_j`` follows its
   CPD) or ``s_i + (V_j = v)``. All children share the factor ``P_{s_i}(r_{<j})``, so given ``gamma`` the
   lift of ``s_i`` only needs the gamma-weighted counts ``c_i(pa_j, v_j)`` of the cells of ``V_j``'s CPD
   and maximises the concave ``sum c_i(pa, v) log(theta_0 P(v | pa) + theta_v)`` over the simplex
   (the population version of Equation 5, pooled over every parent setting instead of one).
   It is started at the pooled moment solution of Equation 5 (exact on exact input), improved by EM
   and polished by an active-set Newton method (quadratic convergence, so exact input stays exact).
3. **Exclusion chosen by fit** (Assumption 3.1): every candidate excluded state ``e`` of ``V_j`` is tried,
   with ``theta_e = 0`` in every lift, and the one with the largest total log-likelihood is kept.
4. **Pruning that scales with the sample size:** a child is dropped when the likelihood-ratio statistic
   for setting its weight to zero is below ``penalty`` (default ``"local"``: BIC on the rows of the target
   being lifted, ``max(1, log(n w_i) / 2)``; ``"bic"``: ``log(n) / 2`` per weight); on exact input children
   with weight ``<= tolerance`` are dropped.
5. **Joint refinement.** A few EM iterations over all surviving weights on the prefix after each step,
   and a joint EM polish of all weights on the full rows at the end.

Observed information at the final fit gives standard errors (see :mod:`pgmpy_mixture.uncertainty`).
When P(V) is known only from observational samples (``observational=``), the CPDs are fitted first and
plugged in (:func:`pgmpy_mixture.model.fitting.fit_network`, smoothed by ``delta``); ``joint_cpds=True``
instead re-fits each CPD jointly with the lift by EM over observational and mixture rows.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.stats import norm

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, EstimationWarning, ParameterError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult, format_target

_TINY = 1e-300
_EM_STEPS = 30
_NEWTON_STEPS = 40
_WORK_BUDGET = 1.2e7  # EM iterations per lift ~ budget / stored likelihood entries, between 4 and 100


# ---------------------------------------------------------------------------------------------- helpers
def _cpd_cell_index(network: CausalNetwork, codes: np.ndarray, j: int) -> np.ndarray:
    """Flat index of the CPD entry ``P(v_j | pa_j)`` used by every row (row-major over parents, then v_j)."""
    cards = network.cardinalities
    index = codes[:, j].astype(np.int64)
    stride = int(cards[j])
    for p in reversed(network.parents[j]):
        index = index + codes[:, p].astype(np.int64) * stride
        stride *= int(cards[p])
    return index


def _logsumexp_rows(log_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise max and log-sum-exp of a (q, U) array with -inf entries; returns (lse, max)."""
    top = np.max(log_values, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(under="ignore"):
        total = np.exp(log_values - safe).sum(axis=0)
    with np.errstate(divide="ignore"):
        return np.log(total) + safe, safe


@dataclass
class _Cells:
    """The distinct CPD cells ``(pa_j, v_j)`` of variable ``j`` seen in the data."""

    inverse: np.ndarray  # (U,) cell of each row
    p: np.ndarray  # (cells,) P(v_j | pa_j)
    v: np.ndarray  # (cells,) state code of v_j
    pa: np.ndarray  # (cells,) parent configuration index (0..n_pa-1, compacted)
    pa_probs: np.ndarray  # (n_pa, k) P(. | pa) for every compacted parent configuration
    onehot: np.ndarray  # (cells, k)
    pa_index: np.ndarray  # (n_pa,) row of each compacted parent configuration in cpd.reshape(-1, k)


def _cells(network: CausalNetwork, codes: np.ndarray, j: int) -> _Cells:
    k = int(network.cardinalities[j])
    flat = _cpd_cell_index(network, codes, j)
    uniq, inverse = np.unique(flat, return_inverse=True)
    cpd = np.asarray(network.cpds[j]).reshape(-1, k)
    pa_raw = uniq // k
    pa_uniq, pa = np.unique(pa_raw, return_inverse=True)
    v = uniq % k
    return _Cells(
        inverse=inverse.ravel(),
        p=cpd.reshape(-1)[uniq],
        v=v,
        pa=pa.ravel(),
        pa_probs=cpd[pa_uniq],
        onehot=(v[:, None] == np.arange(k)[None, :]).astype(np.float64),
        pa_index=pa_uniq,
    )


# ---------------------------------------------------------------------------------------------- lift solver
@dataclass
class _Sparse:
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

    def select(self, index: np.ndarray) -> _Sparse:
        """The problems ``index`` (repeats allowed), renumbered ``0..len(index)-1``; entries are sorted by ``b``."""
        bounds = np.searchsorted(self.b, np.arange(self.n_prob + 1))
        sizes = bounds[index + 1] - bounds[index]
        total = int(sizes.sum())
        pos = np.repeat(bounds[index] - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        b = np.repeat(np.arange(index.size), sizes)
        return _Sparse(b, self.c[pos], self.p[pos], self.v[pos], self.pa[pos], int(index.size), self.k)

    def take(self, problems: np.ndarray) -> _Sparse:
        """The entries of a boolean subset of the problems, renumbered."""
        new_index = np.cumsum(problems) - 1
        sel = problems[self.b]
        return _Sparse(new_index[self.b[sel]], self.c[sel], self.p[sel], self.v[sel], self.pa[sel],
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


def _group_loglik(sp: _Sparse, theta: np.ndarray) -> np.ndarray:
    """``sum_cells c log(theta_0 p + theta_v)`` for each problem (rows of ``theta``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(sp.c > 0, sp.c * np.log(np.maximum(sp.mix(theta), 0.0)), 0.0)
    return sp.per_problem(terms)


def _moment_start(sp: _Sparse, allowed: np.ndarray, cells: _Cells, floor: float) -> np.ndarray:
    """Pooled moment solution of Equation 5 for each problem (exact on exact input), kept inside the simplex.

    With excluded state ``e`` (``theta_e = 0``): ``theta_0 = c(e) / sum_pa m(pa) P(e | pa)`` and
    ``theta_v = (c(v) - theta_0 sum_pa m(pa) P(v | pa)) / m``, pooled over every parent setting.
    """
    mass_v = sp.per_state(sp.c)  # (B, k)
    # sum_pa m(pa) P(v | pa) = sum over the problem's cells of c(cell) P(v | pa(cell))
    expected_v = np.stack([sp.per_problem(sp.c * cells.pa_probs[sp.pa, v]) for v in range(sp.k)], axis=1)
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


def _newton(sp: _Sparse, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Active-set Newton ascent on the simplex face ``{theta_c = 0 for c not free}`` (batched)."""
    n_prob, kk = theta.shape
    ll = _group_loglik(sp, theta)
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
            w = np.where(mix > 0, sub.c / mix**2, 0.0)
        grad = np.concatenate([sub.per_problem(r * sub.p)[:, None], sub.per_state(r)], axis=1)
        hess = np.zeros((idx.size, kk, kk))
        hess[:, 0, 0] = sub.per_problem(w * sub.p * sub.p)
        cross = sub.per_state(w * sub.p)
        hess[:, 0, 1:] = cross
        hess[:, 1:, 0] = cross
        hess[:, np.arange(1, kk), np.arange(1, kk)] = sub.per_state(w)
        # KKT system of max LL s.t. sum(d_free) = 0, d_fixed = 0:  [H 1; 1' 0] [d; lam] = [g; 0] with H = -hessian
        system = np.zeros((idx.size, kk + 1, kk + 1))
        rhs = np.zeros((idx.size, kk + 1))
        scale = np.maximum(np.abs(hess).max(axis=(1, 2)), _TINY)
        system[:, :kk, :kk] = np.where(fr[:, :, None] & fr[:, None, :], hess, 0.0) / scale[:, None, None]
        system[:, np.arange(kk), np.arange(kk)] += np.where(fr, 1e-13, 1.0)
        system[:, :kk, kk] = fr
        system[:, kk, :kk] = fr
        rhs[:, :kk] = np.where(fr, grad, 0.0) / scale[:, None]
        try:
            sol = np.linalg.solve(system, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            sol = np.stack([np.linalg.lstsq(s, b, rcond=None)[0] for s, b in zip(system, rhs, strict=True)])
        d = np.where(fr, sol[:, :kk], 0.0)
        # largest step keeping theta >= 0; the coordinate that hits zero leaves the free set
        with np.errstate(divide="ignore", invalid="ignore"):
            limit = np.where((d < 0) & fr, -th / d, np.inf)
        t_max = np.minimum(1.0, limit.min(axis=1))
        step = t_max.copy()
        old_ll = ll[idx]
        new_th = th + step[:, None] * d
        new_ll = _group_loglik(sub, np.maximum(new_th, 0.0))
        for _ in range(40):  # backtracking on problems whose likelihood fell
            bad = ~(new_ll >= old_ll - 1e-12 * np.abs(old_ll))
            if not bad.any():
                break
            step[bad] *= 0.5
            new_th[bad] = th[bad] + step[bad, None] * d[bad]
            new_ll = _group_loglik(sub, np.maximum(new_th, 0.0))
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
        ll[idx] = _group_loglik(sub, new_th)
        active[idx] = (moved > 1e-15) & ~bad
    return theta


def _fit_lifts(
    sp: _Sparse,
    allowed: np.ndarray,
    cells: _Cells,
    start: np.ndarray | None = None,
    em_steps: int = _EM_STEPS,
    newton: bool = True,
):
    """Maximise each problem's lift likelihood over the simplex face ``allowed``; returns (theta, loglik)."""
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
    return theta, _group_loglik(sp, theta)


# ---------------------------------------------------------------------------------------------- sparse components
@dataclass
class _Entries:
    """Prefix likelihoods of ``q`` targets, stored only where positive (a target is zero off its values).

    Entry ``e`` says target ``grp[e]`` gives prefix row ``row[e]`` the likelihood
    ``exp(lval[e]) * P_obs(row)``: values are ratios to the observational prefix likelihood (``>= 1``), so
    nothing underflows however long the prefix. Entries are sorted by ``grp``.
    """

    grp: np.ndarray
    row: np.ndarray
    lval: np.ndarray
    q: int
    n_rows: int

    def values(self) -> np.ndarray:
        return np.exp(self.lval)

    def slices(self) -> np.ndarray:
        return np.searchsorted(self.grp, np.arange(self.q + 1))

    def take(self, groups: np.ndarray) -> _Entries:
        """Entries of ``groups`` (in that order), renumbered ``0..len(groups)-1``."""
        bounds = self.slices()
        parts = [np.arange(bounds[g], bounds[g + 1]) for g in groups]
        idx = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        return _Entries(
            np.repeat(np.arange(len(groups)), sizes), self.row[idx], self.lval[idx], len(groups), self.n_rows
        )


def _mixture(entries: _Entries, weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(entries.row, weights=weights[entries.grp] * values, minlength=entries.n_rows)


def _joint_em(entries: _Entries, n: np.ndarray, weights: np.ndarray, steps: int, tol: float = 1e-10) -> np.ndarray:
    """EM over the mixing weights of fixed components (sparse likelihoods)."""
    if weights.size <= 1 or steps <= 0:
        return weights
    values = entries.values()
    total = float(n.sum())
    w = weights.copy()
    old = -np.inf
    for _ in range(steps):
        mix = _mixture(entries, w, values)
        ll = float(n @ np.log(np.maximum(mix, _TINY)))
        ratio = n / np.maximum(mix, _TINY)
        w = w * np.bincount(entries.grp, weights=values * ratio[entries.row], minlength=entries.q) / total
        w /= w.sum()
        if ll - old <= tol * abs(ll):
            break
        old = ll
    return w


def _joint_prune(
    entries: _Entries, n: np.ndarray, w: np.ndarray, tau: float | np.ndarray, em_steps: int
) -> np.ndarray:
    """Backward elimination on the joint likelihood: drop components whose removal costs less than ``tau``.

    The cost of removing component ``c`` without refitting is
    ``-sum_r n_r log(1 - resp_c(r)) + n log(1 - w_c)`` (an upper bound of the refitted drop); the cheapest
    component goes first, then the rest are refitted by EM and the costs recomputed. Returns a keep mask.
    """
    keep = np.ones(w.size, dtype=bool)
    weights = w.copy()
    total = float(n.sum())
    values = entries.values()
    while keep.sum() > 1:
        mix = _mixture(entries, weights, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            resp = weights[entries.grp] * values / mix[entries.row]
            log_rest = np.log(np.maximum(1.0 - resp, 0.0)) * n[entries.row]
        cost = -np.bincount(entries.grp, weights=log_rest, minlength=entries.q)
        with np.errstate(divide="ignore"):
            cost += total * np.log1p(-np.minimum(weights, 1 - 1e-16))
        margin = cost - tau  # tau: one penalty, or one per component
        margin[~keep] = np.inf
        worst = int(np.argmin(margin))
        if not margin[worst] < 0:
            break
        keep[worst] = False
        weights[worst] = 0.0
        weights /= weights.sum()
        if em_steps > 0:
            rest = np.flatnonzero(keep)
            weights[rest] = _joint_em(entries.take(rest), n, weights[rest], em_steps)
    return keep


def _observed_information(entries: _Entries, n: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Observed information of the mixing weights, ``sum_r n_r a_r a_r' / (w . a_r)^2``."""
    values = entries.values()
    mix = np.maximum(_mixture(entries, weights, values), _TINY)
    scaled = sparse.csr_matrix(
        (values * np.sqrt(n[entries.row]) / mix[entries.row], (entries.grp, entries.row)),
        shape=(entries.q, entries.n_rows),
    )
    return np.asarray((scaled @ scaled.T).todense())


# ---------------------------------------------------------------------------------------------- one lift step
@dataclass
class _Fit:
    theta: np.ndarray  # (q, k+1) within-target fractions: [V_j follows its CPD, do(V_j = 0), ..., do(V_j = k-1)]
    mu: np.ndarray  # (q,) prefix target weights (re-estimated together with theta)
    allowed: np.ndarray  # (q, k+1) which children may have weight
    counts: _Sparse | None  # responsibility-weighted cell counts (target, cell) at the last E-step
    loglik: float  # joint log-likelihood of the prefix rows (exact input: minus the residual norm)
    p: np.ndarray | None = None  # (cells,) P(v_j | pa_j) used (re-estimated when the CPDs are fitted jointly)
    pa_probs: np.ndarray | None = None  # (n_pa, k) the CPD rows of V_j behind ``p``


class _LiftProblem:
    """Lifting the prefix targets to ``V_j``: EM with the prefix target as latent variable.

    The complete-data likelihood of a row given prefix target ``i`` is ``P_{s_i}(r_{<j})`` times the
    within-target mixture ``theta_i0 P(v_j | pa_j) + theta_{i, v_j}``; the E-step gives responsibilities
    over prefix targets and the cell counts ``c_i(pa_j, v_j)``; the M-step updates ``mu`` and ``theta``.

    ``entries`` hold ``P_{s_i}(r_{<j}) / P_obs(r_{<=j})`` for the prefix rows ``r`` of length ``j``.
    """

    def __init__(
        self,
        cells: _Cells,
        entries: _Entries,
        log_obs: np.ndarray,
        n: np.ndarray,
        v_row: np.ndarray,
        obs_counts: np.ndarray | None = None,
        delta: float | None = 0.0,
        prior: float = 1.0,
    ):
        self.prior = prior
        self.obs_counts = obs_counts  # (n_pa, k) observational counts of V_j: the CPD is then fitted jointly
        self.delta = delta
        self.cells = cells
        self.entries = entries
        self.values = entries.values()
        self.log_obs = log_obs
        self.n = n
        self.total = float(n.sum())
        self.p_row = cells.p[cells.inverse]
        self.v_row = v_row
        self.cell_of_entry = cells.inverse[entries.row]
        self.p_entry = self.p_row[entries.row]
        self.v_entry = v_row[entries.row]
        kk = cells.onehot.shape[1] + 1
        self.flat_obs = entries.grp * kk  # index of theta[grp, 0] in theta.ravel()
        self.flat_do = self.flat_obs + 1 + self.v_entry  # index of theta[grp, 1 + v_j]
        self.values_p = self.values * self.p_entry
        # the (target, cell) pairs with a stored entry: the E-step adds responsibilities into these only
        pair_keys, pair_of_entry = np.unique(entries.grp * cells.p.size + self.cell_of_entry, return_inverse=True)
        self.pair_of_entry = pair_of_entry.ravel()
        self.pair_b = pair_keys // cells.p.size
        self.pair_cell = pair_keys % cells.p.size
        self.pair_v = cells.v[self.pair_cell]
        self.pair_pa = cells.pa[self.pair_cell]

    def _e_step(
        self, mu: np.ndarray, theta: np.ndarray | None, p: np.ndarray | None = None
    ) -> tuple[_Sparse, float]:
        """Responsibility-weighted cell counts ``(target, cell)`` and the joint log-likelihood of the prefix rows."""
        e = self.entries
        if theta is None:
            joint = mu[e.grp] * self.values
        else:
            scaled = (mu[:, None] * theta).ravel()
            values_p = self.values_p if p is None else self.values * p[self.cell_of_entry]
            joint = scaled[self.flat_obs] * values_p + scaled[self.flat_do] * self.values
        mix = np.bincount(e.row, weights=joint, minlength=e.n_rows)
        ok = mix > 0
        with np.errstate(divide="ignore"):
            loglik = float(self.n @ (np.log(mix) + self.log_obs)) if ok.all() else -np.inf
        gamma = joint * (self.n / np.where(ok, mix, 1.0))[e.row]
        counts = np.bincount(self.pair_of_entry, weights=gamma, minlength=self.pair_b.size)
        p_pair = (self.cells.p if p is None else p)[self.pair_cell]
        return _Sparse(self.pair_b, counts, p_pair, self.pair_v, self.pair_pa, e.q, self.cells.onehot.shape[1]), loglik

    def prefix_counts(self, mu: np.ndarray) -> _Sparse:
        """Cell counts from the responsibilities of the prefix alone (the first E-step of every lift)."""
        return self._e_step(mu, None)[0]

    def fit(
        self,
        mu: np.ndarray,
        allowed: np.ndarray,
        steps: int,
        start: np.ndarray | None = None,
        prefix_counts: _Sparse | None = None,
        p_start: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> _Fit:
        """EM over the prefix-target weights ``mu`` and the lift fractions ``theta`` (``steps`` iterations)."""
        cells = self.cells
        if start is not None:
            theta = np.where(allowed, start, 0.0)
            theta = theta / np.maximum(theta.sum(axis=1, keepdims=True), _TINY)
        else:  # first E-step from the prefix alone, then the pooled moment start, solved by EM + Newton
            counts = self.prefix_counts(mu) if prefix_counts is None else prefix_counts
            theta, _ = _fit_lifts(counts, allowed, cells, em_steps=10, newton=False)
        p, pa_probs = (cells.p, cells.pa_probs) if p_start is None else p_start
        old = -np.inf
        for _ in range(max(steps, 1)):
            counts, loglik = self._e_step(mu, theta, p)
            loglik += self._observational_loglik(pa_probs)
            mu = counts.per_problem(counts.c) / self.total
            # M-step of EM with (prefix target, child) as latent: one multiplicative update per lift
            mix = counts.mix(theta)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where((counts.c > 0) & (mix > 0), counts.c / mix, 0.0)
            updated = theta * np.concatenate([counts.per_problem(r * counts.p)[:, None], counts.per_state(r)], axis=1)
            if self.obs_counts is not None:  # joint CPD M-step: observational rows + rows that follow the CPD
                followed = np.bincount(self.pair_cell, weights=r * theta[counts.b, 0], minlength=p.size) * p
                p, pa_probs = self._cpd_m_step(followed)
            norm_ = updated.sum(axis=1, keepdims=True)
            theta = np.where(norm_ > 0, updated / np.where(norm_ > 0, norm_, 1.0), theta)
            if np.isfinite(loglik) and loglik - old <= max(1e-10 * abs(loglik), 1e-4):
                break
            old = loglik
        counts, loglik = self._e_step(mu, theta, p)
        loglik += self._observational_loglik(pa_probs)
        return _Fit(
            theta=theta, mu=counts.per_problem(counts.c) / self.total, allowed=allowed, counts=counts, loglik=loglik,
            p=p, pa_probs=pa_probs,
        )

    def _cpd_m_step(self, followed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CPD rows of V_j from observational counts plus mixture rows in components that do not intervene."""
        cells = self.cells
        k = cells.onehot.shape[1]
        table = self.obs_counts + np.bincount(
            cells.pa * k + cells.v, weights=followed, minlength=self.obs_counts.size
        ).reshape(self.obs_counts.shape)
        totals = table.sum(axis=1, keepdims=True)
        if self.delta is None:  # Dirichlet(prior) posterior mean
            probs = (table + self.prior) / (totals + k * self.prior)
            return probs[cells.pa, cells.v], probs
        probs = np.where(totals > 0, table / np.where(totals > 0, totals, 1.0), cells.pa_probs)
        probs = (probs + self.delta) / (1.0 + k * self.delta)
        return probs[cells.pa, cells.v], probs

    def _observational_loglik(self, pa_probs: np.ndarray) -> float:
        if self.obs_counts is None:
            return 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.where(self.obs_counts > 0, self.obs_counts * np.log(pa_probs), 0.0).sum())

    def solve_exact(self, mu: np.ndarray, allowed: np.ndarray) -> _Fit:
        """Exact input: the likelihood maximum fits perfectly, so solve the linear system over all prefix rows.

        ``P_mix(r_{<=j}) = sum_{i,c} x_ic P_{s_i}(r_{<j}) B_c(r)`` (Equation 5 for every row at once, not only at
        the settings ``v_{i,l}``); least squares, or non-negative least squares when the solution has a
        negative entry. ``loglik`` is minus the residual norm, so the best exclusion has the largest value.
        """
        e = self.entries
        g_all, c_all = np.nonzero(allowed)
        prob = self.values * np.exp(self.log_obs[e.row])  # P_{s_i}(r_{<j}) * P(v_j | pa_j)
        design = np.zeros((e.n_rows, g_all.size))
        bounds = e.slices()
        for col, (g, c) in enumerate(zip(g_all, c_all, strict=True)):
            sl = slice(bounds[g], bounds[g + 1])
            if c == 0:
                design[e.row[sl], col] = prob[sl] * self.p_entry[sl]
            else:
                hit = self.v_entry[sl] == c - 1
                design[e.row[sl][hit], col] = prob[sl][hit]
        x, *_ = np.linalg.lstsq(design, self.n, rcond=None)
        if x.min() < -1e-10:
            from scipy.optimize import nnls

            x, _ = nnls(design, self.n, maxiter=50 * x.size)
        residual = float(np.linalg.norm(design @ x - self.n))
        x = np.maximum(x, 0.0)
        q, kk = allowed.shape
        weights = np.zeros((q, kk))
        weights[g_all, c_all] = x
        new_mu = weights.sum(axis=1)
        theta = np.where(new_mu[:, None] > 0, weights / np.maximum(new_mu, _TINY)[:, None], allowed / kk)
        return _Fit(theta=theta, mu=new_mu, allowed=allowed, counts=None, loglik=-residual)

    def likelihood_ratio(self, fit: _Fit) -> np.ndarray:
        """Log-likelihood drop of each target's lift when one child's weight is forced to zero (q, k+1).

        Children that cannot be removed (the only one left) get ``+inf``; non-candidates get ``-inf``.
        """
        current = fit.allowed & (fit.theta > 0)
        out = np.where(current, np.inf, -np.inf)
        g, c = np.nonzero(current)
        if g.size == 0:
            return out
        masks = current[g].copy()
        masks[np.arange(g.size), c] = False
        ok = masks.any(axis=1)
        if ok.any():
            gg, cc = g[ok], c[ok]
            cells = self.cells if fit.p is None else replace(self.cells, p=fit.p, pa_probs=fit.pa_probs)
            sub = fit.counts.select(gg)
            full = _group_loglik(sub, fit.theta[gg])
            _, reduced = _fit_lifts(sub, masks[ok], cells, start=fit.theta[gg] * masks[ok], em_steps=10)
            out[gg, cc] = full - reduced
        return out

    def children(self, g_idx: np.ndarray, c_idx: np.ndarray, p: np.ndarray | None = None) -> _Entries:
        """Entries of the children ``(target g, child c)``: ratios ``P_child(r_{<=j}) / P_obs(r_{<=j})``.

        ``p`` is the CPD column used for children that follow the CPD (the jointly fitted one, if any); the
        denominator keeps the CPD the step started from (a per-row constant, so ratios stay comparable).
        """
        e = self.entries
        log_p_entry = np.log(self.p_entry if p is None else p[self.cell_of_entry])
        bounds = e.slices()
        rows, lvals, sizes = [], [], []
        for g, c in zip(g_idx, c_idx, strict=True):
            sl = slice(bounds[g], bounds[g + 1])
            if c == 0:  # V_j follows its CPD: the ratio to the observational prefix is unchanged
                rows.append(e.row[sl])
                lvals.append(e.lval[sl] + log_p_entry[sl])
            else:  # do(V_j = c - 1): only rows with that value, and the CPD factor is dropped
                hit = self.v_entry[sl] == c - 1
                rows.append(e.row[sl][hit])
                lvals.append(e.lval[sl][hit])
            sizes.append(rows[-1].size)
        grp = np.repeat(np.arange(len(sizes)), np.array(sizes, dtype=np.int64))
        empty = np.zeros(0)
        return _Entries(
            grp,
            np.concatenate(rows) if rows else empty.astype(np.int64),
            np.concatenate(lvals) if lvals else empty,
            len(sizes),
            e.n_rows,
        )


def _expand(entries: _Entries, parent: np.ndarray, log_p_row: np.ndarray) -> _Entries:
    """Carry entries from prefix rows of length ``j-1`` to their extensions of length ``j``.

    New rows are sorted by ``parent`` (keys ``parent * k + v``), so each parent's extensions are contiguous.
    The stored ratio is divided by the new CPD factor of the observational prefix.
    """
    n_prev = int(parent.max()) + 1 if parent.size else 0
    per_parent = np.bincount(parent, minlength=max(n_prev, entries.n_rows))
    first = np.concatenate([[0], np.cumsum(per_parent)[:-1]])
    rep = per_parent[entries.row]
    total = int(rep.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(rep) - rep, rep)
    row = np.repeat(first[entries.row], rep) + offsets
    lval = np.repeat(entries.lval, rep) - log_p_row[row]
    return _Entries(np.repeat(entries.grp, rep), row, lval, entries.q, int(parent.size))


def _newton_weights(entries: _Entries, n: np.ndarray, weights: np.ndarray, steps: int = 20) -> np.ndarray:
    """Newton ascent of the joint likelihood in the mixing weights on the simplex (polish after EM).

    EM converges slowly where components overlap; a few Newton steps with the observed information
    reach the maximum to machine precision, so the Wald intervals are centred on the actual MLE.
    """
    w = weights.copy()
    if w.size <= 1:
        return w
    values = entries.values()
    ones = np.ones(w.size)

    def loglik(x: np.ndarray) -> float:
        mix = _mixture(entries, x, values)
        return float(n @ np.log(np.maximum(mix, _TINY))) if np.all(mix[n > 0] > 0) else -np.inf

    current = loglik(w)
    for _ in range(steps):
        mix = np.maximum(_mixture(entries, w, values), _TINY)
        grad = np.bincount(entries.grp, weights=values * (n / mix)[entries.row], minlength=entries.q)
        info = _observed_information(entries, n, w)
        system = np.zeros((w.size + 1, w.size + 1))
        system[: w.size, : w.size] = info
        system[: w.size, w.size] = ones
        system[w.size, : w.size] = ones
        try:
            d = np.linalg.solve(system, np.concatenate([grad, [0.0]]))[: w.size]
        except np.linalg.LinAlgError:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            limit = np.where(d < 0, -w / d, np.inf)
        t = min(1.0, 0.9 * float(limit.min()))
        improved = False
        for _ in range(30):
            trial = w + t * d
            value = loglik(trial)
            if value >= current - 1e-12 * abs(current):
                improved = True
                break
            t *= 0.5
        if not improved:
            break
        moved = float(np.abs(trial - w).max())
        w, current = trial / trial.sum(), value
        if moved < 1e-12:
            break
    return w


def constrained_covariance(information: np.ndarray) -> np.ndarray:
    """Covariance of weights constrained to sum to one: ``I^-1 - I^-1 1 1' I^-1 / (1' I^-1 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> cov = constrained_covariance(np.diag([100.0, 100.0]))
    >>> cov.round(4).tolist()
    [[0.005, -0.005], [-0.005, 0.005]]
    """
    m = information.shape[0]
    inv = np.linalg.pinv(information)
    ones = np.ones(m)
    a = inv @ ones
    denom = ones @ a
    if not np.isfinite(denom) or abs(denom) < _TINY:
        return inv
    return inv - np.outer(a, a) / denom


# ---------------------------------------------------------------------------------------------- main routine
def _penalty_value(penalty: str | float, sample_size: float | None) -> float | None:
    if sample_size is None:
        return None
    if isinstance(penalty, str):
        if penalty == "bic":
            return 0.5 * float(np.log(max(sample_size, 2.0)))
        if penalty == "aic":
            return 1.0
        if penalty == "local":  # the largest value; per target it is max(1, log(n mu_i) / 2), see _local_penalty
            return 0.5 * float(np.log(max(sample_size, 2.0)))
        raise ParameterError(f"penalty must be 'local', 'bic', 'aic' or a non-negative number, got {penalty!r}")
    value = float(penalty)
    if not np.isfinite(value) or value < 0:
        raise ParameterError(f"penalty must be 'local', 'bic', 'aic' or a non-negative number, got {penalty!r}")
    return value


def _local_penalty(sample_size: float, weights: np.ndarray) -> np.ndarray:
    """BIC counted on the rows a target explains: ``max(1, log(n w_i) / 2)`` (AIC's 1 as the floor).

    A child of target ``i`` is fitted from the about ``n w_i`` rows of ``i`` only, so its weight's BIC penalty is
    ``log(n w_i) / 2``; it grows with ``n`` (consistent, like BIC), but small targets at small ``n`` are not
    held to the penalty of the whole sample, which otherwise merges them into heavy false positives.
    """
    return np.maximum(1.0, 0.5 * np.log(np.maximum(sample_size * np.asarray(weights, dtype=np.float64), 1.0)))


def disentangle_likelihood(
    network: CausalNetwork,
    counts: CountTable,
    *,
    penalty: str | float = "local",
    epsilon: float = 0.0,
    tolerance: float = 1e-10,
    lift_steps: int | None = None,
    choice_steps: int | None = None,
    refine_steps: int | None = None,
    polish_steps: int = 30,
    newton_steps: int = 20,
    joint_cpds: bool = False,
    observational: CountTable | None = None,
    delta: float | None = None,
    prior: float = 1.0,
    progress: bool = False,
) -> MixtureResult:
    """Disentangle a mixture of interventions by maximum-likelihood lifts over all rows (``method="likelihood"``).

    Parameters
    ----------
    network : CausalNetwork
        The known (or fitted, plug-in) P(V) and graph.
    counts : CountTable
        Mixture samples (counts) or an exact probability table (``is_distribution``).
    penalty : {"local", "bic", "aic"} or float
        A child target is kept when the log-likelihood drop from removing it exceeds this value
        (``"local"``, the default: ``max(1, log(n w)/2)`` with ``w`` the weight of the target being lifted,
        i.e. BIC counted on the about ``n w`` rows that target explains; ``"bic"``: ``log(n)/2``;
        ``"aic"``: 1). Ignored on exact input.
    epsilon : float
        Additionally drop targets whose weight is below ``epsilon`` (0 = rely on the likelihood test).
    tolerance : float
        On exact input, weights ``<= tolerance`` are zero.
    lift_steps : int, optional
        Maximum EM iterations of each lift (sampled input). Default: between 4 and 100, fewer on larger
        tables (a fixed work budget per variable); iterations stop when the log-likelihood gains < 1e-4.
    choice_steps : int, optional
        EM iterations of the lift for every candidate excluded state before the best one is chosen
        (default: a fifth of the lift's).
    refine_steps : int, optional
        Joint EM iterations over all weights on the prefix after each variable and after each pruned target.
    polish_steps : int
        Maximum joint EM iterations over all weights on the full rows at the end.
    newton_steps : int
        Maximum Newton iterations after that EM (the final weights are the joint MLE for the found targets).
    observational : CountTable, optional
        Observational samples: P(V) is then estimated by plug-in, i.e. the CPDs of the network's graph are
        fitted to these samples by :func:`~pgmpy_mixture.model.fitting.fit_network` (smoothed by ``delta``) and
        treated as known; the intervals do not include the CPD estimation error.
    delta : float, optional
        With ``observational``: fit the CPDs as the paper does (maximum likelihood, ``delta`` added to every
        entry, :func:`~pgmpy_mixture.model.fitting.fit_network`).
    prior : float
        With ``observational`` and no ``delta`` (the default): CPD rows are the posterior mean under a
        Dirichlet(``prior``) prior, ``(n(pa, v) + prior) / (n(pa) + k prior)``; unlike ``delta = 1/M`` this
        keeps sparsely observed parent settings (many parents) from producing near-zero probabilities that
        the likelihood would explain with spurious interventions.
    joint_cpds : bool
        With ``observational``: ``False`` (default) plugs in CPDs fitted to the observational rows only;
        ``True`` re-estimates each variable's CPD inside its lift by EM, from the observational rows plus
        the mixture rows of components that do not intervene on it (measured: no better than plug-in on
        the paper's protocol, see benchmarks/RESULTS.md).
    progress : bool
        Show a tqdm progress bar over the variables.

    Returns
    -------
    MixtureResult
        ``method="likelihood"``; components carry ``stderr`` (observed information) and ``existence``
        scores, so :meth:`MixtureResult.confidence_intervals` works.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import mixture_distribution
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]},
    ...     {"B": ["A"]}, {"A": np.array([.2, .3, .5]), "B": np.array([[.5, .3, .2], [.1, .6, .3], [.3, .3, .4]])})
    >>> table = mixture_distribution(net, [{}, {"A": "a1"}, {"A": "a1", "B": "b2"}], [.5, .3, .2])
    >>> result = disentangle_likelihood(net, table)
    >>> [(c.label, round(c.weight, 9)) for c in result]
    [('observational', 0.5), ('do(A=a1)', 0.3), ('do(A=a1, B=b2)', 0.2)]
    """
    started = time.perf_counter()
    cpd_source = "given"
    if observational is not None:
        from pgmpy_mixture.model.fitting import fit_network

        if not isinstance(observational, CountTable):
            raise DataValueError(f"observational must be a CountTable, got {type(observational).__name__}")
        obs_table = observational.align(network.variables, network.states)
        obs_codes, obs_weights = obs_table.codes, obs_table.weights
        if delta is None:  # posterior mean under a Dirichlet(prior) on every CPD row
            if not (np.isfinite(prior) and prior > 0):
                raise ParameterError(f"prior must be a positive pseudo-count, got {prior!r}")
            tables = []
            for j in range(network.n_variables):
                k = int(network.cardinalities[j])
                flat = _cpd_cell_index(network, obs_codes, j)
                table = np.bincount(flat, weights=obs_weights, minlength=network.cpds[j].size).reshape(-1, k)
                table += prior  # in place: a node with many parents has a CPD of millions of cells
                table /= table.sum(axis=1, keepdims=True)
                tables.append(table.reshape(network.cpds[j].shape))
            network = CausalNetwork(network.variables, network.states, network.parents, tuple(tables))
            cpd_how = f"Dirichlet({prior:g}) posterior mean"
        else:
            parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
            states = dict(zip(network.variables, network.states, strict=True))
            delta = float(delta)
            network = fit_network(network.variables, states, parents, observational, delta=delta)
            cpd_how = f"MLE smoothed by delta={delta:g}"
        if joint_cpds:
            cpd_source = f"fitted jointly (EM over observational and mixture rows; start: {cpd_how})"
        else:
            cpd_source = f"fitted (plug-in, {cpd_how})"
    elif delta is not None:
        raise ParameterError("delta smooths CPDs fitted from observational samples: pass observational=... too")
    cpd_how = None
    if isinstance(counts, CountTable) is False:
        raise DataValueError(f"counts must be a CountTable, got {type(counts).__name__}")
    counts = counts.align(network.variables, network.states)
    if not (np.isfinite(epsilon) and 0 <= epsilon < 1):
        raise ParameterError(f"epsilon must be in [0, 1), got {epsilon!r}")
    exact = bool(counts.is_distribution)
    sample_size = None if exact else counts.total
    tau = _penalty_value(penalty, sample_size)
    codes = counts.codes
    n_rows = counts.weights / counts.total if exact else counts.weights.astype(np.float64)
    n_vars = network.n_variables
    n_u = codes.shape[0]
    warnings: list[str] = []
    bad_cpds = network.positivity_violations()
    if bad_cpds:
        warnings.append(f"positivity (Assumption 3.2) fails at {bad_cpds[:5]}: estimates may not be unique")

    joint = observational is not None and joint_cpds and not exact
    cpds = [np.array(c, dtype=np.float64) for c in network.cpds] if joint else None  # only re-fitted jointly
    targets = np.full((1, n_vars), NOT_INTERVENED, dtype=np.int64)
    mu = np.array([1.0])
    entries = _Entries(np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1), 1, 1)  # the empty prefix
    log_obs = np.zeros(1)
    prefix_id = np.zeros(n_u, dtype=np.int64)  # distinct prefix of every distinct row
    excluded = np.zeros(n_vars, dtype=np.int64)
    iterator = range(n_vars)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="likelihood lifts", unit="var")
    # with zero CPD entries (reported above and below) log(0) and 0/0 are expected on impossible rows: numpy's
    # own RuntimeWarnings would only repeat that report; on positive networks numpy keeps warning
    with np.errstate(divide="ignore", invalid="ignore") if bad_cpds else contextlib.nullcontext():
        for j in iterator:
            k = int(network.cardinalities[j])
            # distinct prefixes V_1..V_j: rows sharing a prefix share every prefix likelihood
            keys = prefix_id * k + codes[:, j].astype(np.int64)
            uniq, first, prefix_id = np.unique(keys, return_index=True, return_inverse=True)
            prefix_id = prefix_id.ravel()
            parent = uniq // k
            n_pref = np.bincount(prefix_id, weights=n_rows, minlength=uniq.size)
            cells = _cells(network, codes[first], j)
            log_p_row = np.log(cells.p)[cells.inverse]
            log_obs = log_obs[parent] + log_p_row
            obs_counts = None
            if joint:
                flat = _cpd_cell_index(network, obs_codes, j)
                full = np.bincount(flat, weights=obs_weights, minlength=cpds[j].size).reshape(-1, k)
                obs_counts = full[cells.pa_index]
            step = _LiftProblem(
                cells, _expand(entries, parent, log_p_row), log_obs, n_pref, uniq % k, obs_counts=obs_counts,
                delta=delta, prior=prior,
            )
            q = targets.shape[0]
            # EM iterations: run to convergence on small tables, within a work budget on large ones
            budget = int(np.clip(_WORK_BUDGET / max(step.entries.row.size, 1), 4, 100))
            outer = budget if lift_steps is None else lift_steps
            n_choice = max(1, budget // 5) if choice_steps is None else choice_steps
            n_refine = max(2, budget // 2) if refine_steps is None else refine_steps
            allowed_e = np.ones((k, k + 1), dtype=bool)
            allowed_e[np.arange(k), 1 + np.arange(k)] = False
            # exclusion (Assumption 3.1) chosen by fit: joint lift EM for every candidate excluded state
            if exact:
                fits = [step.solve_exact(mu, np.repeat(allowed_e[e][None, :], q, axis=0)) for e in range(k)]
            else:
                first = step.prefix_counts(mu)
                fits = [
                    step.fit(mu, np.repeat(allowed_e[e][None, :], q, axis=0), n_choice, prefix_counts=first)
                    for e in range(k)
                ]
                best = int(np.argmax([f.loglik for f in fits]))
                fits[best] = step.fit(
                    fits[best].mu, fits[best].allowed, outer, start=fits[best].theta,
                    p_start=(fits[best].p, fits[best].pa_probs),
                )
            e_star = int(np.argmax([f.loglik for f in fits]))
            excluded[j] = e_star
            fit = fits[e_star]
            keep = fit.allowed & (fit.theta > 0)
            if tau is None:
                keep &= fit.theta * fit.mu[:, None] > tolerance
            else:
                tau_g = _local_penalty(sample_size, fit.mu)[:, None] if penalty == "local" else tau
                keep &= step.likelihood_ratio(fit) >= tau_g
                # each test removes ONE child; a target whose children all fail keeps its best one (whether the
                # target itself stays is decided by the joint backward elimination below)
                current = fit.allowed & (fit.theta > 0)
                orphan = current.any(axis=1) & ~keep.any(axis=1)
                if orphan.any():
                    best = np.argmax(np.where(current, fit.theta, -1.0), axis=1)
                    keep[np.flatnonzero(orphan), best[orphan]] = True
            if epsilon > 0:
                keep &= fit.theta * fit.mu[:, None] >= epsilon
            keep &= (fit.mu > (tolerance if exact else 0.0))[:, None]
            if (keep != (fit.allowed & (fit.theta > 0))).any():
                if exact:
                    fit = step.solve_exact(fit.mu, keep)
                else:
                    fit = step.fit(fit.mu, keep, n_refine, start=fit.theta, p_start=(fit.p, fit.pa_probs))
            g_idx, c_idx = np.nonzero(keep & (fit.theta > 0))
            new_targets = targets[g_idx].copy()
            new_mu = fit.mu[g_idx] * fit.theta[g_idx, c_idx]
            state = c_idx - 1
            new_targets[c_idx > 0, j] = state[c_idx > 0]
            new_entries = step.children(g_idx, c_idx, fit.p)
            if joint:
                cpds[j].reshape(-1, k)[cells.pa_index] = fit.pa_probs
            alive = new_mu > (tolerance if exact else 0.0)
            if tau is not None:
                w_new = new_mu / new_mu.sum()
                alive &= _joint_prune(
                    new_entries, step.n, w_new, _local_penalty(sample_size, w_new) if penalty == "local" else tau, 0
                )
            keep_idx = np.flatnonzero(alive)
            targets, entries = new_targets[keep_idx], new_entries.take(keep_idx)
            mu = new_mu[keep_idx] / new_mu[keep_idx].sum()
            if tau is not None and n_refine > 0:
                mu = _joint_em(entries, step.n, mu, n_refine)

        # final joint polish on the full rows (prefix_id now indexes the distinct rows)
        n_rows = np.bincount(prefix_id, weights=n_rows, minlength=entries.n_rows)
        if not exact:
            mu = _joint_em(entries, n_rows, mu, polish_steps)
            mu = _newton_weights(entries, n_rows, mu, newton_steps)
            keep_idx = np.flatnonzero(mu >= epsilon if epsilon > 0 else mu > 0)
            targets, mu, entries = targets[keep_idx], mu[keep_idx] / mu[keep_idx].sum(), entries.take(keep_idx)
        info = _observed_information(entries, n_rows, mu) if not exact else None
        if info is not None:
            cov = constrained_covariance(info)
            stderr = np.sqrt(np.maximum(np.diag(cov), 0.0))
            with np.errstate(divide="ignore", invalid="ignore"):
                existence = norm.cdf(np.where(stderr > 0, mu / stderr, np.inf))
        else:
            cov = np.zeros((mu.size, mu.size))
            stderr = np.zeros(mu.size)
            existence = np.ones(mu.size)
    impossible = float(n_rows[np.isneginf(log_obs)].sum() / n_rows.sum()) if bad_cpds else 0.0
    if impossible > 0:
        warnings.append(
            f"{impossible:.1%} of the rows are impossible under the observational CPDs (positivity fails): the "
            "likelihood method measures every component against the observational one row by row and cannot weigh "
            "these rows, so its targets and weights are unreliable on this network"
        )
    comps = [
        Component(network.decode_target(t), float(w), stderr=float(s), existence=float(x))
        for t, w, s, x in zip(targets, mu, stderr, existence, strict=True)
    ]
    options = {
        "penalty": penalty,
        "penalty_value": tau,
        "epsilon": epsilon,
        "tolerance": tolerance,
        "lift_steps": lift_steps,
        "choice_steps": choice_steps,
        "refine_steps": refine_steps,
        "polish_steps": polish_steps,
        "newton_steps": newton_steps,
        "interval": "wald (observed information at the MLE, CPDs treated as known)",
        "cpds": cpd_source,
        "delta": delta,
    }
    diagnostics = {
        "excluded_states": {network.variables[i]: network.states[i][int(excluded[i])] for i in range(n_vars)},
        "seconds": time.perf_counter() - started,
        "distinct_rows": int(n_u),
        "covariance": cov,
        "covariance_targets": [format_target(network.decode_target(t)) for t in targets],
        "impossible_rows_share": impossible,
    }
    if sample_size is not None and sample_size < 10 * n_vars:
        warnings.append("fewer than 10 samples per variable: targets may be missed")
    _ = EstimationWarning  # warnings are reported in the result, not raised
    if joint:
        network = CausalNetwork(network.variables, network.states, network.parents, tuple(cpds))
    return MixtureResult(
        components=comps,
        method="likelihood",
        network=network,
        sample_size=sample_size,
        options=options,
        warnings=tuple(warnings),
        diagnostics=diagnostics,
    )
