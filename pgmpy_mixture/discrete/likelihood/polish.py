"""The likelihood method's last stage: the joint maximum-likelihood weights of the found targets and Wald intervals.

Once every variable is lifted, the targets are fixed and only their weights move: EM on all rows
(:func:`~pgmpy_mixture.discrete.mixing_weights.em_weights`), then Newton on the simplex
(:func:`~pgmpy_mixture.discrete.mixing_weights.newton_weights`), so the weights are the joint MLE for the found
targets (to machine precision) and the Wald intervals are centred on it. Targets whose weight falls below
``epsilon``, or below half a row (``n w < 0.5``: no row's worth of evidence), are dropped; the heaviest always
stays. The covariance is the inverse observed information constrained to weights
summing to one; it treats the CPDs as known. On exact input the recursion's weights are exact and have no error.

:func:`existence_test` then asks of every found target whether the data need it: the likelihood-ratio statistic
``D = l(full) - max l(without the target)`` (half the usual deviance) is compared with a threshold (the method's
``existence_penalty``: the BIC penalty ``log(n)/2`` of one weight, ``n`` the number of rows, plus by default the
log of the number of targets of the target's size). Targets are set aside greedily, one at a time -- a weak one
goes, the weights are refitted and every remaining target is tested again -- so of two near-duplicates only one
goes. The statistics are bounded without refitting: removing target ``c`` and rescaling the others is a
feasible point ``x`` of the smaller model, so ``l(x)`` bounds its maximum from below, and by concavity
``l(x) + max_c' g_c'(x) - n`` (``g`` the gradient) bounds it from above; only a target whose bounds straddle the
threshold is refitted (EM warm-started at ``x``, then Newton), and only until the same two bounds at the refit's
current iterate put ``D`` surely below or surely above the threshold (:func:`_refit_against`). When several
targets are surely below, the same bounds taken along the sequence of their removals (:func:`chain_bounds`) let
the longest run of them whose every step is surely below its threshold go together, with one refit: each of them
still goes at a step where its ``D`` is below its threshold, as one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.stats import chi2, norm

from pgmpy_mixture.discrete.mixing_weights import (
    ComponentLikelihoods,
    constrained_covariance,
    em_path,
    em_weights,
    log_likelihood,
    newton_path,
    newton_weights,
    observed_information,
)

__all__ = ["ExistenceTest", "PolishedWeights", "chain_bounds", "existence_test", "polish_weights"]

_MIN_ROWS = 0.5  # smallest expected number of rows of a kept component

#: a run of sure-weak targets set aside together holds at most this many entries (beyond its first two targets):
#: the bounds of the run cost work in proportion to the rows its targets explain
CHAIN_ENTRIES = 2**15


@dataclass
class PolishedWeights:
    """The final targets (a selection of the recursion's), their weights and their Wald statistics."""

    keep: np.ndarray  # indices of the recursion's targets that are kept
    mu: np.ndarray
    covariance: np.ndarray
    stderr: np.ndarray
    existence: np.ndarray  # Phi(mu / stderr): the one-sided Wald score that the weight is positive
    test: ExistenceTest | None = None  # the likelihood-ratio existence test, when run
    aside: np.ndarray | None = None  # indices of the recursion's targets set aside by it
    aside_mu: np.ndarray | None = None  # their weights in the full fit
    aside_stderr: np.ndarray | None = None  # their Wald standard errors and scores in the full fit
    aside_existence: np.ndarray | None = None
    full_mu: np.ndarray | None = None  # the kept targets' weights, standard errors and scores in the full fit
    full_stderr: np.ndarray | None = None
    full_existence: np.ndarray | None = None


def polish_weights(
    entries: ComponentLikelihoods,
    n_rows: np.ndarray,
    mu: np.ndarray,
    *,
    exact: bool,
    epsilon: float,
    polish_steps: int,
    newton_steps: int,
    threshold: float | np.ndarray | None = None,
) -> PolishedWeights:
    """Joint EM and Newton polish of the weights on all rows, then observed-information standard errors.

    With ``threshold`` (sampled input; a number, or one per recursion target), :func:`existence_test` then sets
    aside the targets whose removal costs less than their threshold in log-likelihood (the heaviest stays); the
    weights returned are the joint MLE of the rest.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> out = polish_weights(lik, np.array([75.0, 25.0]), np.array([0.5, 0.5]), exact=False, epsilon=0.0,
    ...                      polish_steps=30, newton_steps=20)
    >>> out.mu.round(9).tolist(), out.stderr.round(4).tolist()
    ([0.75, 0.25], [0.0433, 0.0433])
    """
    keep = np.arange(mu.size)
    if not exact:
        mu = em_weights(entries, n_rows, mu, polish_steps)
        mu = newton_weights(entries, n_rows, mu, newton_steps)
        # a weight worth less than half a row is no evidence of a component (the MLE puts numerical dust there)
        kept = (mu > 0) & (mu * float(n_rows.sum()) >= _MIN_ROWS)
        if epsilon > 0:
            kept &= mu >= epsilon
        keep = np.flatnonzero(kept) if kept.any() else np.array([int(np.argmax(mu))])
        mu, entries = mu[keep] / mu[keep].sum(), entries.take(keep)
    if exact:
        return PolishedWeights(keep, mu, np.zeros((mu.size, mu.size)), np.zeros(mu.size), np.ones(mu.size))
    cov, stderr, existence = _wald(entries, n_rows, mu)
    if threshold is None or mu.size <= 1:
        return PolishedWeights(keep, mu, cov, stderr, existence)
    if np.ndim(threshold):
        threshold = np.asarray(threshold, dtype=float)[keep]
    test = existence_test(entries, n_rows, mu, threshold, protect=np.array([int(np.argmax(mu))]),
                          em_steps=polish_steps, newton_steps=newton_steps)
    if test.aside.size == 0:
        return PolishedWeights(keep, mu, cov, stderr, existence, test, test.aside, np.zeros(0), np.zeros(0),
                               np.zeros(0))
    kept_entries = entries.take(test.keep)
    new_cov, new_stderr, new_existence = _wald(kept_entries, n_rows, test.mu)
    return PolishedWeights(keep[test.keep], test.mu, new_cov, new_stderr, new_existence, test, keep[test.aside],
                           mu[test.aside], stderr[test.aside], existence[test.aside], mu[test.keep],
                           stderr[test.keep], existence[test.keep])


def _wald(entries: ComponentLikelihoods, n_rows: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, ...]:
    """Constrained observed-information covariance, standard errors and one-sided Wald scores ``Phi(mu / se)``."""
    cov = constrained_covariance(observed_information(entries, n_rows, mu))
    stderr = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        existence = norm.cdf(np.where(stderr > 0, mu / stderr, np.inf))
    return cov, stderr, existence


@dataclass
class ExistenceTest:
    """Outcome of :func:`existence_test`: which targets stay listed, which are set aside, and the statistics."""

    keep: np.ndarray  # indices (into the tested targets) that stay listed, increasing
    mu: np.ndarray  # joint MLE weights of the kept targets
    aside: np.ndarray  # indices set aside, in the order they went
    aside_weight: np.ndarray  # weight of each set-aside target in the fit that still held it
    aside_statistic: np.ndarray  # its statistic D when it went
    statistic: np.ndarray  # for each kept target: D in the final fit, or a lower bound of it (inf: protected)
    threshold: np.ndarray  # the threshold of every tested target

    @property
    def p_value(self) -> np.ndarray:
        """Chi-bar-square p-value of each kept target's ``D`` (weight on the boundary): ``P(chi2_1 > 2D) / 2``."""
        return 0.5 * chi2.sf(2.0 * np.maximum(self.statistic, 0.0), 1)


def _drop_bounds(
    entries: ComponentLikelihoods, n_rows: np.ndarray, mu: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds of ``D_c = l(mu) - max l(without c)`` for every component, and ``[l(mu)]``.

    Vectorised over the entries: removing ``c`` only changes the rows ``c`` explains, so the rescaled points of all
    candidates cost one pass over the entries (and one sparse product for the gradients).
    """
    values = entries.values()
    mix = np.maximum(entries.mixture(mu, values), 1e-300)
    total = float(n_rows.sum())
    counted = n_rows[entries.row]
    rest = entries.mixture_without(mu, values, mix)
    # rows the candidate alone explains make its removal infinitely costly
    alone = rest <= 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(alone, np.where(counted > 0, np.inf, 0.0), -counted * np.log(np.where(alone, 1.0, rest)
                                                                                    / mix[entries.row]))
        per = np.bincount(entries.grp, weights=np.where(np.isinf(loss), 0.0, loss), minlength=entries.q)
        per[np.bincount(entries.grp, weights=np.isinf(loss).astype(float), minlength=entries.q) > 0] = np.inf
        upper = per + total * np.log1p(-np.minimum(mu, 1.0 - 1e-16))
    # gradient of the rescaled point x_c: (1 - w_c) [G_c' + sum_{r in c} n_r L_c'(r) (1/rest_c(r) - 1/mix(r))]
    grad = entries.component_sums(n_rows / mix, values)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(alone, 0.0, counted * (1.0 / np.where(alone, 1.0, rest) - 1.0 / mix[entries.row]))
    matrix = entries.matrix()  # entries sorted by component: h on them shares the matrix's index arrays
    grp = entries.grp
    if grp.size < 2 or not np.any(grp[1:] < grp[:-1]):
        weighted = sparse.csr_matrix((h, matrix.indices, matrix.indptr), shape=matrix.shape)
    else:
        weighted = sparse.csr_matrix((h, (entries.grp, entries.row)), shape=matrix.shape)
    correction = (weighted @ matrix.T).toarray()
    moved = (1.0 - mu)[:, None] * (grad[None, :] + correction)
    np.fill_diagonal(moved, -np.inf)
    gap = np.maximum(moved.max(axis=1) - total, 0.0) if entries.q > 1 else np.full(entries.q, np.inf)
    lower = np.full(entries.q, np.inf)
    finite = np.isfinite(upper)
    lower[finite] = upper[finite] - gap[finite]
    ll = float(n_rows @ np.log(mix))
    return np.maximum(lower, 0.0), np.maximum(upper, 0.0), np.array([ll])


def _refit(entries: ComponentLikelihoods, n_rows: np.ndarray, mu: np.ndarray, em_steps: int,
           newton_steps: int) -> tuple[np.ndarray, float]:
    """Joint MLE of the weights (EM warm-started at ``mu``, then Newton) and its log-likelihood."""
    mu = em_weights(entries, n_rows, mu / mu.sum(), em_steps)
    mu = newton_weights(entries, n_rows, mu, newton_steps)
    return mu, log_likelihood(entries, n_rows, mu)


def _refit_against(entries: ComponentLikelihoods, n_rows: np.ndarray, start: np.ndarray, full: float, limit: float,
                   em_steps: int, newton_steps: int) -> tuple[np.ndarray, float, float]:
    """The refit of :func:`_refit`, stopped as soon as ``D = full - max l`` is surely below or surely above ``limit``.

    Every iterate ``w`` bounds the maximum from below by ``l(w)`` and from above by ``l(w) + max_c g_c(w) - n``
    (concavity, ``g`` the gradient), so ``D`` lies in ``[full - upper, full - lower]``; the refit stops once that
    interval is on one side of ``limit`` (the same answer as the full refit, for the cost of a few iterations).
    Returns the last iterate and the interval; when it still straddles ``limit`` after every iteration, its upper
    end is ``full`` minus the refit's value, as from :func:`_refit`.
    """
    total = float(n_rows.sum())
    w = start / start.sum()
    if np.any(n_rows[np.bincount(entries.row, minlength=entries.n_rows) == 0] > 0):
        return w, np.inf, np.inf  # a counted row no remaining target explains: D is infinite, as from _refit
    lower, upper = -np.inf, np.inf
    for stage in ("em", "newton"):
        path = (em_path(entries, n_rows, w, em_steps) if stage == "em"
                else newton_path(entries, n_rows, w, newton_steps))
        for w, value, grad in path:
            lower = max(lower, value)
            if np.isfinite(value):  # an iterate giving a counted row likelihood zero bounds nothing from above
                upper = min(upper, value + max(float(grad.max()) - total, 0.0))
            if full - lower < limit or full - upper >= limit:
                return w, max(full - upper, 0.0), max(full - lower, 0.0)
    return w, max(full - upper, 0.0), max(full - lower, 0.0)


def chain_bounds(entries: ComponentLikelihoods, n_rows: np.ndarray, mu: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """Upper bounds of ``D`` at every step of removing the targets ``chain`` one at a time, without refitting.

    Step ``i`` removes ``chain[i]`` from the model that lost ``chain[:i]``. With ``x_i`` the weights ``mu`` without
    ``chain[:i]``, rescaled (a feasible point of that model), the step's ``D`` -- the drop of the maximum
    log-likelihood -- is at most ``l(x_i) - l(x_{i+1}) + gap(x_i)``, where ``gap(x) = max(max_c g_c(x) - n, 0)``
    bounds by concavity how far ``l(x_i)`` is below its model's maximum (``g`` the gradient, ``n`` the rows) and
    ``l(x_{i+1})`` bounds the next model's maximum from below; as each model is inside the ones before it, the
    smallest of the earlier steps' ``l(x_j) + gap(x_j)`` bounds its maximum too. Only the rows the chain's targets
    explain change along it, so the whole chain costs one pass over the entries plus work on those rows: this lets
    :func:`existence_test` set a run of weak targets aside together, each surely below its threshold at its step,
    with one refit instead of one per target.

    Parameters
    ----------
    entries : ComponentLikelihoods
        The likelihoods of the current targets (sorted by component).
    n_rows : ndarray
        Row counts.
    mu : ndarray
        The current weights (the joint MLE: the first bound takes ``gap(mu)`` at the maximum as computed).
    chain : ndarray of int
        The targets to remove, in order (distinct, and not every target).

    Returns
    -------
    ndarray
        One bound per step (``inf`` when the step leaves a counted row no target explains).

    Examples
    --------
    >>> import numpy as np
    >>> # target 0 gives rows 0, 1, 2 the likelihoods .9, .05, .05; targets 1 and 2 give row 1 and row 2 all theirs
    >>> lik = ComponentLikelihoods(np.array([0, 0, 0, 1, 2]), np.array([0, 1, 2, 1, 2]),
    ...                            np.log([.9, .05, .05, 1., 1.]), 3, 3)
    >>> n = np.array([88.0, 9.0, 7.0])
    >>> mu = newton_weights(lik, n, em_weights(lik, n, np.full(3, 1 / 3), 100))  # the MLE, about (.94, .04, .02)
    >>> chain_bounds(lik, n, mu, np.array([2, 1])).round(3).tolist()  # the refits give D = 0.378, then 1.211
    [0.38, 1.298]
    """
    chain = np.asarray(chain, dtype=np.int64)
    m = chain.size
    values = entries.values()
    position = np.full(entries.q, -1, dtype=np.int64)
    position[chain] = np.arange(m)
    step_of = position[entries.grp]
    on_chain = step_of >= 0
    touched_mask = np.zeros(entries.n_rows, dtype=bool)
    touched_mask[entries.row[on_chain]] = True
    touched = np.flatnonzero(touched_mask)
    slot = np.full(entries.n_rows, -1, dtype=np.int64)
    slot[touched] = np.arange(touched.size)
    at_touched = slot[entries.row] >= 0
    part = mu[entries.grp] * values
    # each touched row's mixture split into the part of the targets that stay and the part of each chain step
    fixed = np.bincount(slot[entries.row[at_touched & ~on_chain]], weights=part[at_touched & ~on_chain],
                        minlength=touched.size)
    steps = np.bincount(step_of[on_chain] * touched.size + slot[entries.row[on_chain]], weights=part[on_chain],
                        minlength=m * touched.size).reshape(m, touched.size)
    # rest[i]: the touched rows' mixture (unnormalised) once chain[:i] is gone, i = 0..m
    rest = np.vstack([fixed + np.cumsum(steps[::-1], axis=0)[::-1], fixed[None, :]])
    counted = n_rows[touched]
    gone = np.concatenate([[0.0], np.cumsum(mu[chain])])
    total = float(n_rows.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(counted > 0, np.log(rest), 0.0)
        level = logs @ counted - total * np.log1p(-np.minimum(gone, 1.0))  # l(x_i) up to a constant
    level[gone >= 1.0] = -np.inf
    # gradients at x_0 .. x_{m-1}: (1 - gone_i) [G_c + sum over touched rows n_r L_c(r) (1 / rest_i(r) - 1 / mix(r))]
    mix = np.maximum(entries.mixture(mu, values), 1e-300)
    base = entries.component_sums(n_rows / mix, values)
    with np.errstate(divide="ignore"):
        inverse = np.where(rest[:m] > 0, 1.0 / rest[:m], 0.0) - 1.0 / np.maximum(mix[touched], 1e-300)[None, :]
    shape = (entries.q, touched.size)
    local = sparse.csr_matrix((values[at_touched], (entries.grp[at_touched], slot[entries.row[at_touched]])),
                              shape=shape)
    grad = (1.0 - gone[:m])[None, :] * (base[:, None] + local @ (inverse * counted[None, :]).T)
    removed = (position[:, None] >= 0) & (position[:, None] < np.arange(m)[None, :])
    grad[removed] = -np.inf
    gap = np.maximum(grad.max(axis=0) - total, 0.0)
    # the model that lost chain[:i] is inside every earlier one: its maximum is below each earlier bound too
    ceiling = np.minimum.accumulate(level[:m] + gap)
    with np.errstate(invalid="ignore"):
        bound = ceiling - level[1:]
    bound[~np.isfinite(level[1:])] = np.inf
    return bound


def existence_test(
    entries: ComponentLikelihoods,
    n_rows: np.ndarray,
    mu: np.ndarray,
    threshold: float | np.ndarray,
    *,
    protect: np.ndarray,
    em_steps: int = 30,
    newton_steps: int = 20,
) -> ExistenceTest:
    """Greedy likelihood-ratio test of every target: set aside the weakest while its removal costs < ``threshold``.

    Parameters
    ----------
    entries : ComponentLikelihoods
        The likelihoods of the tested targets (sorted by component).
    n_rows : ndarray
        Row counts.
    mu : ndarray
        Their joint MLE weights.
    threshold : float or ndarray
        A target is set aside when ``D = l(full) - max l(without it) < threshold`` (log-likelihood units; one
        number, or one per target). A target whose upper bound is below its threshold goes first (the one furthest
        below), else the first target found below by a refit (nearest its threshold by the upper bound first).
    protect : ndarray of int
        Targets never set aside (the heaviest).
    em_steps, newton_steps : int
        Iterations of the refits.

    Returns
    -------
    ExistenceTest

    Examples
    --------
    >>> import numpy as np
    >>> # component 1 explains row 2 alone; component 2 is a copy of component 0 with almost no weight
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 2, 0, 1]),
    ...                            np.log([.5, .5, 1., .5, .5]), 3, 3)
    >>> out = existence_test(lik, np.array([300.0, 300.0, 400.0]), np.array([0.5999, 0.4, 0.0001]),
    ...                      np.log(1000) / 2, protect=np.array([0]))
    >>> out.keep.tolist(), out.aside.tolist()
    ([0, 1], [2])
    """
    active = np.arange(mu.size)
    mu = np.asarray(mu, dtype=float).copy()
    full_limit = np.broadcast_to(np.asarray(threshold, dtype=float), mu.shape).copy()
    limit = full_limit.copy()
    protected = np.isin(active, protect)
    aside: list[int] = []
    aside_weight: list[float] = []
    aside_statistic: list[float] = []
    while True:
        sub = entries.take(active)
        lower, upper, ll = _drop_bounds(sub, n_rows, mu)
        lower[protected], upper[protected] = np.inf, np.inf
        stat = lower.copy()
        # the weak ones for certain (even the refit could not save them), furthest below first: the longest run of
        # them whose one-at-a-time removal is bounded below the threshold at every step goes at once
        sure = np.flatnonzero(upper < limit)
        if sure.size > 1:
            chain = sure[np.argsort(upper[sure] - limit[sure], kind="stable")]
            # bounded work per run: the chain stops once its targets hold CHAIN_ENTRIES entries (at least two)
            held = np.cumsum(np.diff(sub.slices())[chain])
            chain = chain[: max(2, int(np.searchsorted(held, CHAIN_ENTRIES, side="right")))]
            bound = chain_bounds(sub, n_rows, mu, chain)
            bound[0] = upper[chain[0]]
            below = bound < limit[chain]
            run = chain[: int(np.argmin(below)) if not below.all() else chain.size]
            if run.size > 1:
                rest = np.setdiff1d(np.arange(active.size), run)
                aside += active[run].tolist()
                aside_weight += mu[run].tolist()
                aside_statistic += bound[: run.size].tolist()
                active, protected, limit = active[rest], protected[rest], limit[rest]
                mu, _ = _refit(sub.take(rest), n_rows, mu[rest], em_steps, newton_steps)
                continue
        # else the targets whose bounds straddle their threshold: refit without each, nearest the threshold first,
        # until one falls below (when one is surely below, it goes first, with no refit)
        refits: dict[int, np.ndarray] = {}
        weakest = -1
        if sure.size:
            weakest = int(sure[np.argmin(upper[sure] - limit[sure])])
            stat[weakest] = upper[weakest]
        else:
            straddle = np.flatnonzero((lower < limit) & (upper >= limit))
            for c in straddle[np.argsort(upper[straddle] - limit[straddle], kind="stable")]:
                others = np.delete(np.arange(active.size), c)
                # refitted only until its D is surely on one side of the threshold
                refits[int(c)], low, high = _refit_against(sub.take(others), n_rows, mu[others], ll[0],
                                                           float(limit[c]), em_steps, newton_steps)
                stat[c] = low if low >= limit[c] else high
                if stat[c] < limit[c]:
                    weakest = int(c)
                    break
        if active.size <= 1 or weakest < 0:
            return ExistenceTest(active, mu, np.array(aside, dtype=np.int64), np.array(aside_weight),
                                 np.array(aside_statistic), stat, full_limit)
        others = np.delete(np.arange(active.size), weakest)
        aside.append(int(active[weakest]))
        aside_weight.append(float(mu[weakest]))
        aside_statistic.append(float(stat[weakest]))
        start = refits.get(weakest, mu[others])
        active, protected, limit = active[others], protected[others], limit[others]
        mu, value = _refit(sub.take(others), n_rows, start, em_steps, newton_steps)
        if weakest in refits:  # its statistic from the converged refit (at most the bound that set it aside)
            aside_statistic[-1] = min(aside_statistic[-1], max(ll[0] - value, 0.0))
