"""One step of UAI 2021's recursion on all rows: lifting the prefix targets to the next variable by EM.

After the variables ``V_1..V_{j-1}`` the recursion holds targets ``s_i`` with weights ``mu_i`` (Lemma 4.2); the
step to ``V_j`` lifts each ``s_i`` into ``s_i`` and ``s_i + (V_j = v)`` (Lemma 4.3). Instead of Equation 5 at
one setting ``v_{i,l}`` of the earlier variables, :class:`LiftProblem` fits the lift to every prefix row:

1. **Soft assignment of rows to the current targets.** Each row gets the posterior
   ``gamma_i(r) = mu_i P_{s_i}(r_{<j}) / P_mix(r_{<j})`` (prefix likelihoods are CPD products, Section 2).
2. **Per-target lift by maximum likelihood** over the cells of ``V_j``'s CPD
   (:mod:`pgmpy_mixture.discrete.likelihood.cells`), the M-step of an EM whose latent variable is the pair
   (prefix target, child).

On exact input the likelihood maximum fits perfectly, so :meth:`LiftProblem.solve_exact` solves Equation 5 for
every prefix row at once as a linear system. :func:`extend_prefix` carries the targets' likelihoods from
prefixes of length ``j - 1`` to length ``j``; :meth:`LiftProblem.children` gives the lifted targets' ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from pgmpy_mixture.discrete.likelihood.cells import Cells, LiftCounts, fit_lifts, lift_loglik, unique_keys
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods
from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.validation import check_allocation

__all__ = ["LiftFit", "LiftProblem", "extend_prefix"]

_TINY = 1e-300
_ABSENT_MASS = 1e-9  # a column's mass outside the table's rows above this counts (exact input)
_LAZY_ROWS = 20_000  # prefix rows from which the lift EM skips row logarithms its stopping test does not need


def _stop_guard(floor: float) -> float:
    """A gain above this cannot stop the lift EM: its tolerance is ``max(1e-10 |l|, 1e-4)`` and ``floor <= l <= 0``
    (the log-probability of the prefix rows, at least that of an earlier iterate); with a margin for rounding."""
    return max(1e-10 * abs(floor), 1e-4) * 1.001 + 1e-12 * abs(floor)


def _gain_bound(c: np.ndarray, before: np.ndarray, after: np.ndarray) -> float:
    """``sum c (log after - log before)`` over the pairs with a count: a lower bound of the log-likelihood gain
    from the pair factors ``before`` (those of the E-step that gave the counts ``c``) to ``after``."""
    hit = c > 0
    with np.errstate(divide="ignore"):
        gain = float(c[hit] @ (np.log(after[hit]) - np.log(before[hit])))
    return gain if np.isfinite(gain) else -np.inf


@dataclass
class LiftFit:
    theta: np.ndarray  # (q, k+1) within-target fractions: [V_j follows its CPD, do(V_j = 0), ..., do(V_j = k-1)]
    mu: np.ndarray  # (q,) prefix target weights (re-estimated together with theta)
    allowed: np.ndarray  # (q, k+1) which children may have weight
    counts: LiftCounts | None  # responsibility-weighted cell counts (target, cell) at the last E-step
    loglik: float  # joint log-likelihood of the prefix rows (exact input: minus the residual norm); -inf when a
    #                row has likelihood zero under every lift
    p: np.ndarray | None = None  # (cells,) P(v_j | pa_j) used (re-estimated when the CPDs are fitted jointly)
    pa_probs: np.ndarray | None = None  # (n_pa, k) the CPD rows of V_j behind ``p``
    unexplained: float = 0.0  # count (probability) of the prefix rows no lift explains (then ``loglik`` is -inf)
    explained_loglik: float = 0.0  # the log-likelihood of the other rows (ranks fits that leave rows unexplained)


class LiftProblem:
    """Lifting the prefix targets to ``V_j``: EM with the prefix target as latent variable.

    The complete-data likelihood of a row given prefix target ``i`` is ``P_{s_i}(r_{<j})`` times the
    within-target mixture ``theta_i0 P(v_j | pa_j) + theta_{i, v_j}``; the E-step gives responsibilities
    over prefix targets and the cell counts ``c_i(pa_j, v_j)``; the M-step updates ``mu`` and ``theta``.

    ``entries`` hold ``P_{s_i}(r_{<j}) / R(r_{<=j})`` for the prefix rows ``r`` of length ``j``, where the reference
    ``R`` (``exp(log_ref)``) is the product of the row's positive CPD factors: ``P_obs(r_{<=j})`` itself when
    positivity holds (Assumption 3.2); a row impossible under the observational CPDs keeps a finite reference, so
    the components that explain it -- the ones intervening where the CPD gives zero -- are weighed like any other.
    """

    def __init__(
        self,
        cells: Cells,
        entries: ComponentLikelihoods,
        log_ref: np.ndarray,
        n: np.ndarray,
        v_row: np.ndarray,
        obs_counts: np.ndarray | None = None,
        delta: float | None = 0.0,
        prior: float = 1.0,
        variable: str = "V_j",
    ):
        self.variable = variable
        self.prior = prior
        self.obs_counts = obs_counts  # (n_pa, k) observational counts of V_j: the CPD is then fitted jointly
        self.delta = delta
        self.cells = cells
        self.entries = entries
        self.values = entries.values()
        self.log_ref = log_ref
        self.n = n
        self.total = float(n.sum())
        self.p_row = cells.p[cells.inverse]
        self.v_row = v_row
        self.cell_of_entry = cells.inverse[entries.row]
        self.p_entry = self.p_row[entries.row]
        self.v_entry = v_row[entries.row]
        # the (target, cell) pairs with a stored entry: the E-step adds responsibilities into these only
        pair_keys, self.pair_of_entry = unique_keys(entries.grp * cells.p.size + self.cell_of_entry,
                                                    entries.q * cells.p.size)
        self.pair_b = pair_keys // cells.p.size
        self.pair_cell = pair_keys % cells.p.size
        self.pair_v = cells.v[self.pair_cell]
        self.pair_pa = cells.pa[self.pair_cell]
        # within a pair every row has the same cell, so the same P(v_j | pa_j) and v_j: a row's joint likelihood
        # under target i is ``P_{s_i}(r_{<j}) f(pair)`` with one factor per pair, and the E-step is two products
        # of this (pairs, rows) matrix (built once, reused by every EM iteration of every candidate lift)
        self.pair_matrix = sparse.csr_matrix(
            (self.values, (self.pair_of_entry, entries.row)), shape=(self.pair_b.size, entries.n_rows)
        )
        self.row_matrix = self.pair_matrix.T  # (rows, pairs), a view: same sums in the same order as a copy
        self.pair_obs = self.pair_b * (cells.k + 1)  # index of theta[b, 0] in theta.ravel()
        self.pair_do = self.pair_obs + 1 + self.pair_v  # index of theta[b, 1 + v_j]
        self.pair_p = cells.p[self.pair_cell]
        self._buffer = np.empty(entries.n_rows)  # scratch for the rows' logarithms (the E-step runs tens of times)

    def _factor(self, mu: np.ndarray, theta: np.ndarray, p_pair: np.ndarray) -> np.ndarray:
        """``mu_b (theta_b0 P(v_j | pa_j) + theta_{b, v_j})`` of every (target, cell) pair."""
        scaled = (mu[:, None] * theta).ravel()
        return scaled[self.pair_obs] * p_pair + scaled[self.pair_do]

    def _e_step(
        self, mu: np.ndarray, theta: np.ndarray | None, p: np.ndarray | None = None, loglik: bool = True
    ) -> tuple[LiftCounts, float, float, float, np.ndarray | None]:
        """Responsibility-weighted cell counts ``(target, cell)``, the joint log-likelihood of the prefix rows (-inf
        when a row has likelihood zero), the count of those rows and the log-likelihood of the others.

        ``loglik=False`` skips the row-level logarithms when every row has a positive likelihood: the
        log-likelihoods are then nan and the rows' mixture is returned last, for :meth:`_rows_loglik` (else
        ``None``).
        """
        e = self.entries
        p_pair = self.pair_p if p is None else p[self.pair_cell]
        if theta is None:
            factor = mu[self.pair_b].astype(np.float64)
        else:
            scaled = (mu[:, None] * theta).ravel()
            factor = scaled[self.pair_obs] * p_pair + scaled[self.pair_do]
        mix = self.row_matrix @ factor  # sum over the row's entries of P_{s_i}(r_{<j}) f(pair)
        ok = mix > 0
        kept = None
        if ok.all():
            if loglik:
                log_mix = np.log(mix, out=self._buffer)
                log_mix += self.log_ref
                value = float(self.n @ log_mix)
                unexplained, explained = 0.0, value
                per_row = np.divide(self.n, mix, out=mix)  # the responsibilities' common factor n / P_mix
            else:
                value = unexplained = explained = np.nan
                kept, per_row = mix, self.n / mix
        else:
            value = -np.inf
            unexplained = float(self.n[~ok].sum())
            explained = float(self.n[ok] @ (np.log(mix[ok]) + self.log_ref[ok]))
            per_row = self.n / np.where(ok, mix, 1.0)
        counts = factor * (self.pair_matrix @ per_row)
        lift_counts = LiftCounts(self.pair_b, counts, p_pair, self.pair_v, self.pair_pa, e.q, self.cells.k)
        return lift_counts, value, unexplained, explained, kept

    def _rows_loglik(self, mix: np.ndarray) -> float:
        """``sum_r n_r log(P_mix(r) R(r))`` for a mixture positive on every row (as in :meth:`_e_step`)."""
        log_mix = np.log(mix, out=self._buffer)
        log_mix += self.log_ref
        return float(self.n @ log_mix)

    def prefix_counts(self, mu: np.ndarray) -> LiftCounts:
        """Cell counts from the responsibilities of the prefix alone (the first E-step of every lift)."""
        return self._e_step(mu, None, loglik=False)[0]

    def fit(
        self,
        mu: np.ndarray,
        allowed: np.ndarray,
        steps: int,
        start: np.ndarray | None = None,
        prefix_counts: LiftCounts | None = None,
        p_start: tuple[np.ndarray, np.ndarray] | None = None,
        loglik: bool = True,
    ) -> LiftFit:
        """EM over the prefix-target weights ``mu`` and the lift fractions ``theta`` (``steps`` iterations).

        ``loglik=False``: the caller does not use the fit's log-likelihood (nan when every row is explained).
        """
        cells = self.cells
        if start is not None:
            theta = np.where(allowed, start, 0.0)
            theta = theta / np.maximum(theta.sum(axis=1, keepdims=True), _TINY)
        else:  # first E-step from the prefix alone, then the pooled moment start, solved by EM + Newton
            counts = self.prefix_counts(mu) if prefix_counts is None else prefix_counts
            theta, _ = fit_lifts(counts, allowed, cells, em_steps=10, newton=False)
        p, pa_probs = (cells.p, cells.pa_probs) if p_start is None else p_start
        # The stopping test needs the log-likelihood (a logarithm per prefix row) only when the step may have gained
        # less than the tolerance. The counts of an E-step bound the gain of any next iterate from below,
        # ``l(f') - l(f) >= sum_pairs c (log f' - log f)`` (Jensen; ``f`` the pair factors), so while that bound
        # clears the tolerance the logarithms are skipped, and computed later only if a test needs them. Only with
        # fixed CPDs (the joint CPD M-step changes the factors' CPD column), and on many rows (on few the bound costs
        # more than the logarithms); the iterates and stops are the same.
        bounded = self.obs_counts is None and self.entries.n_rows >= _LAZY_ROWS
        used = None  # the pair factors of the current iterate, once computed for the bound
        old = -np.inf
        pending = None  # the rows' mixture at the previous iterate when its log-likelihood ``old`` was skipped
        floor = None  # a computed log-likelihood of an earlier iterate (EM ascends: a lower bound of later ones)
        gain = -np.inf  # lower bound of the log-likelihood gain of the current iterate over the previous one
        for step in range(max(steps, 1)):
            lazy = bounded and (step == 0 or (floor is not None and -np.inf < floor <= 0.0
                                              and gain > _stop_guard(floor)))
            counts, value, _, _, kept = self._e_step(mu, theta, p, loglik=not lazy)
            if kept is None:
                if pending is not None:  # this test needs the previous log-likelihood too
                    old, pending = self._rows_loglik(pending), None
                value += self._observational_loglik(pa_probs)
                if bounded and floor is None:
                    floor = value
            if bounded and used is None:
                used = self._factor(mu, theta, counts.p)
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
            if kept is None and np.isfinite(value) and value - old <= max(1e-10 * abs(value), 1e-4):
                break
            old, pending = (value, None) if kept is None else (np.nan, kept)
            if bounded:
                after = self._factor(mu, theta, counts.p)
                gain, used = _gain_bound(counts.c, used, after), after
        counts, value, unexplained, explained, _ = self._e_step(mu, theta, p, loglik=loglik)
        observational = self._observational_loglik(pa_probs)
        return LiftFit(
            theta=theta, mu=counts.per_problem(counts.c) / self.total, allowed=allowed, counts=counts,
            loglik=value + observational, p=p, pa_probs=pa_probs, unexplained=unexplained,
            explained_loglik=explained + observational,
        )

    def _cpd_m_step(self, followed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CPD rows of V_j from observational counts plus mixture rows in components that do not intervene."""
        cells = self.cells
        k = cells.k
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

    def solve_exact(self, mu: np.ndarray, allowed: np.ndarray) -> LiftFit:
        """Exact input: the likelihood maximum fits perfectly, so solve the linear system over all prefix rows.

        ``P_mix(r_{<=j}) = sum_{i,c} x_ic P_{s_i}(r_{<j}) B_c(r)`` (Equation 5 for every row at once, not only at
        the settings ``v_{i,l}``), plus one equation for the rows the table lacks (probability zero, so zero
        under every component with weight); least squares, or non-negative least squares when the solution has a
        negative entry. ``loglik`` is minus the residual norm, so the best exclusion has the largest value.
        """
        e = self.entries
        g_all, c_all = np.nonzero(allowed)
        check_allocation(3 * 8 * (e.n_rows + 1) * g_all.size,
                         f"the exact lift of {self.variable!r} ({e.n_rows} table rows x {g_all.size} children)",
                         hint="pass samples (counts) instead of an exact table this large", error=DataValueError)
        prob = self.values * np.exp(self.log_ref[e.row])  # P_{s_i}(r_{<j})
        design = np.zeros((e.n_rows, g_all.size))
        bounds = e.slices()
        for col, (g, c) in enumerate(zip(g_all, c_all, strict=True)):
            sl = slice(bounds[g], bounds[g + 1])
            if c == 0:
                design[e.row[sl], col] = prob[sl] * self.p_entry[sl]
            else:
                hit = self.v_entry[sl] == c - 1
                design[e.row[sl][hit], col] = prob[sl][hit]
        target = self.n
        # each column is a distribution over every prefix row, but the table holds only the rows of positive
        # probability: the rows it lacks have P_mix = 0, so the columns' mass there must be 0 too (one equation
        # for all of them: the masses are non-negative)
        outside = 1.0 - design.sum(axis=0)
        if np.abs(outside).max() > _ABSENT_MASS:
            design = np.vstack([design, outside[None, :]])
            target = np.append(self.n, 0.0)
        x, *_ = np.linalg.lstsq(design, target, rcond=None)
        if x.min() < -1e-10:
            from scipy.optimize import nnls

            x, _ = nnls(design, target, maxiter=50 * x.size)
        residual = float(np.linalg.norm(design @ x - target))
        x = np.maximum(x, 0.0)
        q, kk = allowed.shape
        weights = np.zeros((q, kk))
        weights[g_all, c_all] = x
        new_mu = weights.sum(axis=1)
        theta = np.where(new_mu[:, None] > 0, weights / np.maximum(new_mu, _TINY)[:, None], allowed / kk)
        return LiftFit(theta=theta, mu=new_mu, allowed=allowed, counts=None, loglik=-residual)

    def likelihood_ratio(self, fit: LiftFit) -> np.ndarray:
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
            full = lift_loglik(sub, fit.theta[gg])
            _, reduced = fit_lifts(sub, masks[ok], cells, start=fit.theta[gg] * masks[ok], em_steps=10)
            out[gg, cc] = full - reduced
        return out

    def children(self, g_idx: np.ndarray, c_idx: np.ndarray, p: np.ndarray | None = None) -> ComponentLikelihoods:
        """Entries of the children ``(target g, child c)``: ratios ``P_child(r_{<=j}) / P_obs(r_{<=j})``.

        ``p`` is the CPD column used for children that follow the CPD (the jointly fitted one, if any); the
        denominator keeps the CPD the step started from (a per-row constant, so ratios stay comparable). Only
        positive likelihoods are stored: a child that follows the CPD has no entry on the rows where the CPD
        gives ``v_j`` probability zero.
        """
        e = self.entries
        p_entry = self.p_entry if p is None else p[self.cell_of_entry]
        possible = p_entry > 0
        with np.errstate(divide="ignore"):
            log_p_entry = np.log(p_entry)
        bounds = e.slices()
        rows, lvals, sizes = [], [], []
        for g, c in zip(g_idx, c_idx, strict=True):
            sl = slice(bounds[g], bounds[g + 1])
            if c == 0:  # V_j follows its CPD: the ratio to the reference gains the CPD factor
                hit = possible[sl]
                rows.append(e.row[sl][hit])
                lvals.append((e.lval[sl] + log_p_entry[sl])[hit])
            else:  # do(V_j = c - 1): only rows with that value, and the CPD factor is dropped
                hit = self.v_entry[sl] == c - 1
                rows.append(e.row[sl][hit])
                lvals.append(e.lval[sl][hit])
            sizes.append(rows[-1].size)
        grp = np.repeat(np.arange(len(sizes)), np.array(sizes, dtype=np.int64))
        empty = np.zeros(0)
        return ComponentLikelihoods(
            grp,
            np.concatenate(rows) if rows else empty.astype(np.int64),
            np.concatenate(lvals) if lvals else empty,
            len(sizes),
            e.n_rows,
        )


def extend_prefix(entries: ComponentLikelihoods, parent: np.ndarray, log_p_row: np.ndarray) -> ComponentLikelihoods:
    """Carry entries from prefix rows of length ``j-1`` to their extensions of length ``j``.

    New rows are sorted by ``parent`` (keys ``parent * k + v``), so each parent's extensions are contiguous.
    The stored ratio is divided by the new factor of the reference, ``log_p_row`` (the row's CPD factor, or 0
    where that factor is zero, see :class:`LiftProblem`).
    """
    n_prev = int(parent.max()) + 1 if parent.size else 0
    per_parent = np.bincount(parent, minlength=max(n_prev, entries.n_rows))
    first = np.concatenate([[0], np.cumsum(per_parent)[:-1]])
    rep = per_parent[entries.row]
    total = int(rep.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(rep) - rep, rep)
    row = np.repeat(first[entries.row], rep) + offsets
    lval = np.repeat(entries.lval, rep) - log_p_row[row]
    return ComponentLikelihoods(np.repeat(entries.grp, rep), row, lval, entries.q, int(parent.size))

