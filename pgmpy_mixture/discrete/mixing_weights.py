"""Mixing weights of a mixture of FIXED component likelihoods: EM, Newton polish, observed information.

Every discrete method that ends with "the components are known, find their weights" maximises the same
concave function of the weights ``w`` on the simplex,

    ``l(w) = sum_r n_r log sum_c w_c L_c(r)``,

where ``n_r`` is the count of row ``r`` and ``L_c(r)`` the likelihood of row ``r`` under component ``c``.
The likelihood method (UAI 2021's recursion, :mod:`pgmpy_mixture.discrete.likelihood`) refines its targets'
weights this way after every lift and at the end; DIMM's Appendix D (AAAI 2020,
:mod:`pgmpy_mixture.aggregate.em`) does it for the observational component and every single-node intervention.

One representation serves both, :class:`ComponentLikelihoods`: the positive ``L_c(r)`` only (a component
that intervenes on ``X_i = a`` gives every row with ``X_i != a`` likelihood zero), each stored as its log
ratio to a per-row reference likelihood (the observational one, or the row's largest component), so long
rows never underflow; the reference is a per-row constant and leaves the maximiser unchanged.

* :func:`em_weights` -- EM, ``w_c <- w_c sum_r n_r L_c(r) / (n sum_c' w_c' L_c'(r))`` (Dempster, Laird and
  Rubin's multiplicative update; it never leaves the simplex and the log-likelihood never decreases).
* :func:`squarem_weights` -- the same EM step accelerated by SQUAREM (Varadhan and Roland 2008), which pays
  off when many iterations are needed (DIMM's Appendix D starts from the uniform weights).
* :class:`RowLikelihoods` -- a dense form for rows that all have the same number of candidate components
  (DIMM's Appendix D: the observational component and one intervention per variable), on which the same EM
  functions run faster; the sparse form's arithmetic is unchanged.
* :func:`newton_weights` -- Newton ascent on the simplex with the observed information (quadratic
  convergence: EM is slow where components overlap, Newton reaches the maximum to machine precision).
* :func:`observed_information` and :func:`constrained_covariance` -- the Wald covariance of weights that sum
  to one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

__all__ = [
    "ComponentLikelihoods",
    "RowLikelihoods",
    "constrained_covariance",
    "em_path",
    "em_weights",
    "newton_path",
    "newton_weights",
    "observed_information",
    "squarem_weights",
]

_TINY = 1e-300

#: Newton on the weights stops after a step that moves no weight by more than this: the steps converge
#: quadratically, so the next would move about its square, and on a million rows the solution of the Newton
#: system is only defined to about 1e-11 (further steps oscillate at that level without changing the likelihood)
NEWTON_MOVE = 1e-9


@dataclass
class ComponentLikelihoods:
    """The positive component likelihoods ``L_c(r)`` of ``q`` components over ``n_rows`` rows, sparse.

    Entry ``e`` says component ``grp[e]`` gives row ``row[e]`` the likelihood ``exp(lval[e])`` times a
    per-row reference likelihood (which the weights do not depend on); rows absent from a component have
    likelihood zero under it. The weight computations accept the entries in any order; selecting components
    (:meth:`slices`, :meth:`take`) needs them sorted by ``grp``.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 1]), np.log([1.0, 2.0, 4.0]), 2, 2)
    >>> lik.mixture(np.array([0.5, 0.5])).tolist()
    [0.5, 3.0]
    >>> lik.take(np.array([1])).row.tolist()
    [1]
    """

    grp: np.ndarray
    row: np.ndarray
    lval: np.ndarray
    q: int
    n_rows: int
    # the likelihoods and their sparse matrix, computed once (the entries are never changed in place)
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def values(self) -> np.ndarray:
        """``L_c(r)`` (over the reference) of every entry (computed once, then reused)."""
        values = self._cache.get("values")
        if values is None:
            values = self._cache["values"] = np.exp(self.lval)
        return values

    def matrix(self) -> sparse.csr_matrix:
        """The likelihoods as a sparse ``(q, n_rows)`` matrix (computed once; free when sorted by ``grp``).

        Its products are the weight computations: :meth:`mixture` is ``matrix().T @ w`` and
        :meth:`component_sums` is ``matrix() @ per_row``, compiled loops without per-entry temporaries.

        Examples
        --------
        >>> import numpy as np
        >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([1, 0]), np.zeros(2), 2, 2)
        >>> lik.matrix().toarray().tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        matrix = self._cache.get("matrix")
        if matrix is None:
            shape = (self.q, self.n_rows)
            if self.grp.size < 2 or not np.any(self.grp[1:] < self.grp[:-1]):
                indptr = np.searchsorted(self.grp, np.arange(self.q + 1))
                matrix = sparse.csr_matrix((self.values(), self.row, indptr), shape=shape)
            else:
                matrix = sparse.csr_matrix((self.values(), (self.grp, self.row)), shape=shape)
            self._cache["matrix"] = matrix
        return matrix

    def slices(self) -> np.ndarray:
        """Start of each component's entries (length ``q + 1``); the entries must be sorted by ``grp``."""
        if self.grp.size > 1 and np.any(self.grp[1:] < self.grp[:-1]):
            raise ValueError("the entries are not sorted by component")
        return np.searchsorted(self.grp, np.arange(self.q + 1))

    def take(self, groups: np.ndarray) -> ComponentLikelihoods:
        """Entries of the components ``groups`` (in that order), renumbered ``0..len(groups)-1``."""
        bounds = self.slices()
        parts = [np.arange(bounds[g], bounds[g + 1]) for g in groups]
        idx = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        out = ComponentLikelihoods(
            np.repeat(np.arange(len(groups)), sizes), self.row[idx], self.lval[idx], len(groups), self.n_rows
        )
        if "values" in self._cache:
            out._cache["values"] = self._cache["values"][idx]
        return out

    def mixture(self, weights: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """``sum_c w_c L_c(r)`` for every row (``values``: other likelihoods on the same entries, if given)."""
        if values is None or values is self._cache.get("values"):
            return self.matrix().T @ np.asarray(weights, dtype=np.float64)
        return np.bincount(self.row, weights=weights[self.grp] * values, minlength=self.n_rows)

    def component_sums(self, per_row: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """``sum_r L_c(r) per_row[r]`` for every component."""
        if values is None or values is self._cache.get("values"):
            return self.matrix() @ np.asarray(per_row, dtype=np.float64)
        return np.bincount(self.grp, weights=values * per_row[self.row], minlength=self.q)

    def mixture_without(self, weights: np.ndarray, values: np.ndarray | None = None,
                        mix: np.ndarray | None = None) -> np.ndarray:
        """For every entry, its row's mixture without the entry's own component, summed directly where it matters.

        ``mix - own`` loses every digit when the entry's component carries almost all of its row (a target fitted
        to one row that the others explain ``1e-18`` times less): for an entry carrying more than half of its row
        the sum of the row's other terms is taken instead, so a removal that costs 40 log-likelihood units is not
        mistaken for one that costs infinitely much.

        Parameters
        ----------
        weights : numpy.ndarray
            Component weights, length ``q``.
        values : numpy.ndarray, optional
            Likelihoods on the entries (default: :meth:`values`).
        mix : numpy.ndarray, optional
            ``mixture(weights, values)``, if already computed.

        Returns
        -------
        numpy.ndarray
            One value per entry, ``>= 0``.

        Examples
        --------
        >>> import numpy as np
        >>> lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([0.0, 0.0, 52.0]), 2, 2)
        >>> mu = np.array([0.5, 1e-6])
        >>> rest = lik.mixture_without(mu)
        >>> float(rest[0]), float(rest[2])  # row 0 has no other term; row 1 without the 1e-6 target is 0.5, exactly
        (0.0, 0.5)
        >>> mix = lik.mixture(mu)
        >>> float(mix[1] - mu[1] * lik.values()[2])  # what the subtraction gives: every digit lost
        0.0
        """
        values = self.values() if values is None else values
        mix = self.mixture(weights, values) if mix is None else mix
        own = weights[self.grp] * values
        row_mix = mix[self.row]
        rest = row_mix - own
        # an entry carrying more than half of its row (at most one per row): its rest is the sum of the others
        carries = own > 0.5 * row_mix
        others = np.bincount(self.row, weights=np.where(carries, 0.0, own), minlength=self.n_rows)
        rest[carries] = others[self.row[carries]]
        return np.maximum(rest, 0.0)


@dataclass
class RowLikelihoods:
    """The component likelihoods of rows that each have the same number ``m`` of candidate components, dense.

    Row ``r``'s ``k``-th entry says component ``groups[r, k]`` gives it the likelihood ``lvalues[r, k]`` times a
    per-row reference (0: impossible). DIMM's Appendix D has this shape: every row is possible under the
    observational component and under ``do(X_i = x_i)`` for each variable ``i`` only. It offers the methods of
    :class:`ComponentLikelihoods` that the EM functions use (:meth:`values`, :meth:`mixture`,
    :meth:`component_sums`), computed on ``(rows, m)`` arrays (a gather and a row sum instead of a scatter for
    the mixture), so :func:`squarem_weights` and :func:`em_weights` run on it unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> lik = RowLikelihoods(np.array([[0, 1], [0, 2]]), np.array([[1.0, 2.0], [0.5, 0.0]]), 3)
    >>> lik.mixture(np.array([0.5, 0.25, 0.25])).tolist(), lik.component_sums(np.ones(2)).tolist()
    ([1.0, 0.25], [1.5, 2.0, 0.0])
    """

    groups: np.ndarray
    lvalues: np.ndarray
    q: int

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.groups.shape[0])

    def values(self) -> np.ndarray:
        """The likelihoods, shape ``(rows, m)``."""
        return self.lvalues

    def mixture(self, weights: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """``sum_c w_c L_c(r)`` for every row."""
        values = self.lvalues if values is None else values
        return np.einsum("rk,rk->r", weights[self.groups], values)

    def component_sums(self, per_row: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """``sum_r L_c(r) per_row[r]`` for every component."""
        values = self.lvalues if values is None else values
        return np.bincount(self.groups.ravel(), weights=(values * per_row[:, None]).ravel(), minlength=self.q)


def _em_step(
    lik: ComponentLikelihoods | RowLikelihoods, values: np.ndarray, n: np.ndarray, total: float, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Log-likelihood at ``w`` and the (unnormalised) EM update ``w_c sum_r n_r L_c(r) / P_w(r) / n``."""
    mix = np.maximum(lik.mixture(w, values), _TINY)
    ll = float(n @ np.log(mix))
    return ll, w * lik.component_sums(n / mix, values) / total


def log_likelihood(lik: ComponentLikelihoods, n: np.ndarray, weights: np.ndarray) -> float:
    """``sum_r n_r log sum_c w_c L_c(r)`` (``-inf`` when a counted row has likelihood zero).

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> round(log_likelihood(lik, np.array([1.0, 1.0]), np.array([0.5, 0.5])), 6)
    -1.386294
    """
    mix = lik.mixture(weights)
    return float(n @ np.log(np.maximum(mix, _TINY))) if np.all(mix[n > 0] > 0) else -np.inf


def em_weights(
    lik: ComponentLikelihoods | RowLikelihoods, n: np.ndarray, weights: np.ndarray, steps: int, tol: float = 1e-10
) -> np.ndarray:
    """EM over the mixing weights of fixed components, at most ``steps`` iterations.

    Stops once an iteration improves the log-likelihood by at most ``tol`` times its size.

    Parameters
    ----------
    lik : ComponentLikelihoods
    n : ndarray, shape (n_rows,)
        Row counts (or probabilities).
    weights : ndarray, shape (q,)
        Starting weights (positive on every component that may keep weight).
    steps : int
    tol : float

    Returns
    -------
    ndarray, shape (q,)
        Weights summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> # two components, each the only one explaining its own row: the weights are the row shares
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> em_weights(lik, np.array([3.0, 1.0]), np.array([0.5, 0.5]), 50).round(6).tolist()
    [0.75, 0.25]
    """
    if weights.size <= 1 or steps <= 0:
        return weights
    values = lik.values()
    total = float(n.sum())
    w = weights.copy()
    old = -np.inf
    for _ in range(steps):
        ll, w = _em_step(lik, values, n, total, w)
        w /= w.sum()
        if ll - old <= tol * abs(ll):
            break
        old = ll
    return w


def em_path(
    lik: ComponentLikelihoods | RowLikelihoods, n: np.ndarray, weights: np.ndarray, steps: int, tol: float = 1e-10
) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """The iterates of :func:`em_weights`: ``(w, l(w), gradient of l at w)`` before each EM update, then the last.

    The gradient ``g_c = sum_r n_r L_c(r) / P_w(r)`` bounds the maximum: ``max l <= l(w) + max_c g_c - n`` (``l``
    is concave and ``sum_c w_c g_c = n``), so a caller can stop as soon as the bounds answer its question.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> path = list(em_path(lik, np.array([3.0, 1.0]), np.array([0.5, 0.5]), 50))
    >>> len(path), path[-1][0].round(6).tolist(), float(path[-1][2].max() - 4.0) < 1e-9
    (4, [0.75, 0.25], True)
    """
    values = lik.values()
    total = float(n.sum())
    w = weights / weights.sum()
    old = -np.inf
    for _ in range(steps):
        mix = np.maximum(lik.mixture(w, values), _TINY)
        ll = float(n @ np.log(mix))
        grad = lik.component_sums(n / mix, values)
        yield w, ll, grad
        w = w * grad / total
        w /= w.sum()
        if ll - old <= tol * abs(ll):
            break
        old = ll
    mix = np.maximum(lik.mixture(w, values), _TINY)
    yield w, float(n @ np.log(mix)), lik.component_sums(n / mix, values)


def squarem_weights(
    lik: ComponentLikelihoods | RowLikelihoods,
    n: np.ndarray,
    weights: np.ndarray,
    *,
    max_iter: int = 5000,
    tol: float = 1e-9,
) -> tuple[np.ndarray, dict[str, Any]]:
    """EM over the mixing weights accelerated by SQUAREM (Varadhan and Roland 2008).

    Each round takes two EM steps, extrapolates along them (step length ``-|r| / |v|``), and follows the
    extrapolated point by a stabilising EM step; the plain two-step point is kept whenever the extrapolation
    does not increase the likelihood, so the likelihood never decreases. Stops when the mean log-likelihood
    (per unit of ``n``) improves by less than ``tol`` in a round, or after ``max_iter`` EM steps.

    Parameters
    ----------
    lik : ComponentLikelihoods or RowLikelihoods
    n : ndarray, shape (n_rows,)
        Row counts; every counted row must have a positive likelihood under some component.
    weights : ndarray, shape (q,)
        Starting weights (normalised here).
    max_iter : int
    tol : float

    Returns
    -------
    weights : ndarray, shape (q,)
    info : dict
        ``log_likelihood`` (mean per unit of ``n``, over the reference likelihoods), ``iterations`` (EM steps),
        ``converged``.

    Examples
    --------
    >>> import numpy as np
    >>> # component 0 explains both rows equally, component 1 only row 0
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 1]), np.log([.5, .5, 1.]), 2, 2)
    >>> w, info = squarem_weights(lik, np.array([1.0, 3.0]), np.array([0.5, 0.5]))
    >>> w.round(4).tolist(), info["converged"]
    ([0.5, 0.5], True)
    """
    values = lik.values()
    total = float(n.sum())
    pi = np.array(weights, dtype=np.float64)
    pi = pi / pi.sum()

    def em_step(p: np.ndarray) -> np.ndarray:
        return _em_step(lik, values, n, total, p)[1]

    def mean_log_likelihood(p: np.ndarray) -> float:
        return float(n @ np.log(lik.mixture(p, values))) / total

    value = mean_log_likelihood(pi)
    converged = False
    iteration = 0
    while iteration < int(max_iter):
        p1 = em_step(pi)
        p2 = em_step(p1)
        iteration += 2
        r, v = p1 - pi, p2 - 2 * p1 + pi
        step = -np.sqrt(r @ r) / max(np.sqrt(v @ v), _TINY)
        candidate = p2
        if step < -1:
            trial = pi - 2 * step * r + step * step * v
            if trial.min() >= 0:
                trial = em_step(trial / trial.sum())
                iteration += 1
                if mean_log_likelihood(trial) >= mean_log_likelihood(p2):
                    candidate = trial
        new_value = mean_log_likelihood(candidate)
        pi = candidate
        if new_value - value < tol:
            value = max(value, new_value)
            converged = True
            break
        value = new_value
    return pi / pi.sum(), {"log_likelihood": value, "iterations": iteration, "converged": converged}


def observed_information(lik: ComponentLikelihoods, n: np.ndarray, weights: np.ndarray,
                         mix: np.ndarray | None = None) -> np.ndarray:
    """Observed information of the mixing weights, ``sum_r n_r L(r) L(r)' / (w . L(r))^2`` (``q x q``).

    ``mix`` is ``lik.mixture(weights)``, when already computed.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 1]), np.array([0, 1]), np.zeros(2), 2, 2)
    >>> observed_information(lik, np.array([30.0, 10.0]), np.array([0.75, 0.25])).round(3).tolist()
    [[53.333, 0.0], [0.0, 160.0]]
    """
    matrix = lik.matrix()
    if mix is None:
        mix = matrix.T @ np.asarray(weights, dtype=np.float64)
    scale = np.sqrt(n) / np.maximum(mix, _TINY)
    scaled = sparse.csr_matrix((matrix.data * scale[matrix.indices], matrix.indices, matrix.indptr),
                               shape=matrix.shape)
    return (scaled @ scaled.T).toarray()


def newton_weights(lik: ComponentLikelihoods, n: np.ndarray, weights: np.ndarray, steps: int = 20,
                   chord: bool = False) -> np.ndarray:
    """Newton ascent of the log-likelihood in the mixing weights on the simplex (a polish after EM).

    Each step solves the KKT system of the quadratic model with the constraint ``sum d = 0``, is shortened to
    stay inside the simplex, and halved until the likelihood does not fall. With ``chord=True`` the observed
    information of the starting weights serves every step (the chord method: one pass building the ``q x q``
    matrix instead of one per step; still an ascent, linear instead of quadratic convergence near the maximum).

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 1]), np.log([.5, .5, 1.]), 2, 2)
    >>> newton_weights(lik, np.array([1.0, 3.0]), np.array([0.6, 0.4])).round(9).tolist()
    [0.5, 0.5]
    """
    w = weights.copy()
    if w.size <= 1:
        return w
    for iterate, _, _ in newton_path(lik, n, w, steps, chord=chord):
        w = iterate
    return w


def newton_path(
    lik: ComponentLikelihoods, n: np.ndarray, weights: np.ndarray, steps: int = 20, chord: bool = False
) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """The iterates of :func:`newton_weights`: ``(w, l(w), gradient of l at w)`` before each step, then the last.

    Examples
    --------
    >>> import numpy as np
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1]), np.array([0, 1, 1]), np.log([.5, .5, 1.]), 2, 2)
    >>> w, ll, grad = list(newton_path(lik, np.array([1.0, 3.0]), np.array([0.6, 0.4])))[-1]
    >>> w.round(9).tolist(), round(ll, 6)
    ([0.5, 0.5], -2.249341)
    """
    w = weights.copy()
    values = lik.values()
    ones = np.ones(w.size)

    raw = lik.mixture(w, values)
    current = float(n @ np.log(np.maximum(raw, _TINY))) if np.all(raw[n > 0] > 0) else -np.inf
    mix = np.maximum(raw, _TINY)
    info = None
    for _ in range(steps):
        grad = lik.component_sums(n / mix, values)
        yield w, current, grad
        if info is None or not chord:
            info = observed_information(lik, n, w, mix)
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
            trial_mix = lik.mixture(trial, values)
            value = float(n @ np.log(np.maximum(trial_mix, _TINY))) if np.all(trial_mix[n > 0] > 0) else -np.inf
            if value >= current - 1e-12 * abs(current):
                improved = True
                break
            t *= 0.5
        if not improved:
            break
        moved = float(np.abs(trial - w).max())
        total = trial.sum()
        w, current, mix = trial / total, value, np.maximum(trial_mix / total, _TINY)
        if moved < NEWTON_MOVE:
            break
    yield w, current, lik.component_sums(n / mix, values)


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
