"""DISENTANGLE (Kumar & Sinha, UAI 2021): exact Algorithm 1 and the finite-sample DISENTANGLE-FINITE.

Both versions run the paper's recursion over the topological order of ``oracle.network``: after
step ``j`` the current targets ``S = {(s_i, mu_i)}`` are the unique exclusion-satisfying mixture
that generates ``P_mix`` of the prefix ``V_1..V_j`` (Lemma 4.2), and step ``j + 1`` *lifts* each
``s_i`` into ``s_i`` and ``s_i + {V_{j+1} = v^l}`` (Lemma 4.3).

How one lifting step works here (Section 4.2.1)
-----------------------------------------------
* The targets are ordered by size, so that no later target is a subset of an earlier one.
* ``\\bar v`` holds, for every earlier variable, a value no current target uses (Assumption 3.1);
  it is fixed when the variable is lifted and kept afterwards.
* ``u_i`` is ``s_i`` completed with ``\\bar v`` outside ``S_i``; the settings are
  ``v_{i,l} = s_i + s_{-i} + {v^l}`` (Lemma 4.5), all ``q * k`` of them asked of the oracle at once.
* Writing ``C[i', i] = P_{s_i'}(u_i)`` and ``a_{i,l} = P(v^l | pa(u_i))``, a current target ``s_i'``
  gives ``P_{s_i'}(v_{i,l}) = C[i', i] a_{i,l}`` and its lift by ``v^{l'}`` gives ``C[i', i] [l = l']``,
  so the already lifted groups contribute ``C[i', i] (r_i' a_{i,l} + x_{i', l})`` to setting
  ``v_{i,l}`` (``r`` = weight left on the un-lifted target, ``x`` = lift weights), which gives
  ``Delta`` of Equation 4. With ``c = C[i, i]``,
  Equation 5 divided by ``c`` is the system of Lemma 4.1, ``(I - a 1^T) x = Delta / c - mu_i a``,
  solved by :func:`solve_base_system`. The rest ``mu_i - sum_l x_l`` stays on ``s_i`` (Lemma 4.6).
* ``C[i', i] > 0`` only when ``s_i'`` is a strict subset of ``s_i`` (Lemma 4.5), so groups are
  solved level by level of that subset order, each level in one vectorised batch.
* The base case (Lemma 4.1, Equation 1) is the same step applied to the empty prefix with the
  single target ``(emptyset, 1)``.

Numbers on long prefixes (Section 4.2.1 at hundreds of variables)
-----------------------------------------------------------------
``P_t(u_i)`` is a product of one CPD entry per prefix variable: at five states it falls below the smallest
float after some 400 variables. Nothing here divides such products as they are: the oracle answers in log space
(``log_interventional_probability``, ``log_mixture_extensions``), ``C`` is kept as the ratios
``C[i', i] / C[i, i]`` (a product over ``s_i`` minus ``s_i'`` only) and ``P_mix(v_{i,l}) / C[i, i]`` is formed from
logarithms, so Equation 5 divided by ``c`` is solved in weight units at any length. ``C`` is ``q x q`` with few
non-zero entries (Lemma 4.5); it is built in blocks of columns and kept as its non-zero pairs, so an inconsistent
input that leaves tens of thousands of targets costs memory in the pairs, not in ``q^2``. The verification below
compares ``P_mix`` and the recovered mixture by their relative gap, also from logarithms. Oracles that answer
only ``mixture_probability`` / ``interventional_probability`` are used through their logarithms (or divided as
they come where ``P_mix`` may be negative), which underflow as before on long prefixes.

Exact mode also checks the recovered mixture against ``P_mix`` on further settings after every step
(each target completed with the value after ``\\bar v`` on every other variable): an input no exclusion-satisfying
mixture explains shows up there, as a negative remainder, or as a variable all of whose values are
used by the lifted targets. Each is reported with an :class:`~pgmpy_mixture.errors.ExclusionWarning`
naming the variable (exact mode warns rather than raises, and returns its best effort).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from pgmpy_mixture.errors import (
    EstimationWarning,
    ExclusionWarning,
    ParameterError,
    PositivityWarning,
    warn_at_caller,
)
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.model.oracle import (
    DistributionOracle,
    log_interventional_probability,
    log_mixture_extensions,
    log_mixture_probability,
)
from pgmpy_mixture.parallel import with_single_blas_thread
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.validation import frequency_sample_size

__all__ = ["assignment_excerpt", "disentangle_exact", "disentangle_paper", "solve_base_system"]

FEASIBILITY_TOLERANCE = 1e-10
VERIFICATION_TOLERANCE = 1e-6
#: The exact method's weights summing to 1 within this (before normalisation) are consistent with exact input.
INEXACT_WEIGHT_SUM = 1e-6


# ---------------------------------------------------------------------- Lemma 4.1
_BATCH_BYTES = 64 * 2**20  # candidates of the Lemma 4.1 systems solved at once
_BLOCK_ELEMENTS = 2**20  # entries of P_t(v) (targets x settings) computed at once
_LOG_RATIO_CAP = 300.0  # P_mix(v_{i,l}) / c_i is capped at e^300 (its square stays finite in the residuals)
_EXCERPT = 5  # assignments a warning shows of a setting or target


def assignment_excerpt(assignment: dict[str, str], limit: int = _EXCERPT) -> str:
    """A short excerpt of a setting or target for a warning: its last ``limit`` assignments and how many are left
    out (a setting of a large network has hundreds; the last ones end at the variable that failed).

    Examples
    --------
    >>> assignment_excerpt({"A": "a0", "B": "b1"})
    'A=a0, B=b1'
    >>> assignment_excerpt({f"V{i}": "s0" for i in range(40)}, limit=3)
    '(37 earlier variables), V37=s0, V38=s0, V39=s0'
    >>> assignment_excerpt({})
    'no intervention'
    """
    items = [f"{name}={value}" for name, value in assignment.items()]
    if not items:
        return "no intervention"
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join([f"({len(items) - limit} earlier variables)"] + items[-limit:])


def _solve_batch(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_solve_rows` in blocks of rows whose ``(rows, k, k)`` candidates fit in 64 MiB (rows are independent,
    so a variable with a thousand states needs memory for a few systems at a time, not for all of them)."""
    g, k = a.shape
    rows = max(1, _BATCH_BYTES // (4 * 8 * k * k))
    if g <= rows:
        return _solve_rows(a, b, c, tolerance)
    parts = [_solve_rows(a[i:i + rows], b[i:i + rows], c[i:i + rows], tolerance) for i in range(0, g, rows)]
    return tuple(np.concatenate([p[n] for p in parts]) for n in range(3))  # type: ignore[return-value]


def _solve_rows(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lemma 4.1 for a batch of systems ``(c I - a 1^T) x = b`` (rows of ``a``, ``b``; ``c`` per row).

    Candidate ``z`` sets ``x_z = 0``; row ``z`` then reads ``-a_z sum(x) = b_z`` so
    ``sum(x) = -b_z / a_z`` and ``x = (b - a b_z / a_z) / c``. A candidate is feasible when all its
    entries are ``>= -tolerance``; among feasible candidates the smallest residual ``||A x - b||`` wins
    (first index on ties), otherwise the negatives are clipped to 0 and the smallest residual wins.

    Returns ``x`` (g, k), the residual norms (g,) and whether a feasible candidate existed (g,).
    """
    g, k = a.shape
    c = c.reshape(g, 1)
    valid = a > 0
    ratio = np.divide(b, a, out=np.zeros_like(b), where=valid)  # b_z / a_z
    cand = (b[:, None, :] - a[:, None, :] * ratio[:, :, None]) / c[:, :, None]  # (g, z, l)
    idx = np.arange(k)
    cand[:, idx, idx] = 0.0
    feasible = valid & (cand.min(axis=2) >= -tolerance)

    def residual(x: np.ndarray) -> np.ndarray:
        ax = c[:, :, None] * x - a[:, None, :] * x.sum(axis=2, keepdims=True)
        return np.sqrt(((ax - b[:, None, :]) ** 2).sum(axis=2))

    res = np.where(feasible, residual(cand), np.inf)
    any_feasible = feasible.any(axis=1)
    if not np.all(any_feasible):
        clipped = np.maximum(cand, 0.0)
        res_clip = np.where(valid, residual(clipped), np.inf)
        rows = ~any_feasible
        cand[rows] = clipped[rows]
        res[rows] = res_clip[rows]
    best = np.argmin(res, axis=1)
    rows = np.arange(g)
    x = cand[rows, best]
    return np.maximum(x, 0.0) if tolerance > 0 else x, res[rows, best], any_feasible


def solve_base_system(a: np.ndarray, b: np.ndarray, c: float = 1.0) -> tuple[np.ndarray, float]:
    """Solve the rank ``k - 1`` system of Lemma 4.1 for its non-negative solution with a zero.

    The system is ``(c I - a 1^T) x = b`` with ``a > 0`` and ``sum(a) = c``. Setting ``x_z = 0`` gives
    ``x = (b - a b_z / a_z) / c``; it is non-negative exactly when ``z`` minimises ``b_z / a_z``, so
    the solution is unique (Lemma 4.1). Following DISENTANGLE-FINITE (Appendix D), every
    coordinate is tried as the zero, candidates with all entries ``>= -1e-10`` are feasible and the
    feasible one with the smallest residual is returned; when none is feasible (inconsistent input)
    the negatives are clipped to 0 and the candidate with the smallest residual is returned.

    Parameters
    ----------
    a : ndarray of float, shape (k,)
        Positive coefficients summing to ``c``.
    b : ndarray of float, shape (k,)
        Right-hand side.
    c : float, default 1.0
        Diagonal constant.

    Returns
    -------
    x : ndarray of float, shape (k,)
        The non-negative solution with at least one zero entry.
    residual : float
        ``||(c I - a 1^T) x - b||_2`` (0 up to rounding for consistent input).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([0.3, 0.7])
    >>> x_true = np.array([0.25, 0.0])
    >>> b = x_true - a * x_true.sum()
    >>> x, res = solve_base_system(a, b)
    >>> x.round(12).tolist(), res < 1e-12
    ([0.25, 0.0], True)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ParameterError("a and b must be 1-D arrays of the same non-zero length")
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)) or not np.isfinite(c) or c <= 0:
        raise ParameterError("a, b must be finite and c positive")
    if np.all(a <= 0):
        raise ParameterError("at least one entry of a must be positive (Lemma 4.1 needs a > 0)")
    x, res, _ = _solve_batch(a[None, :], b[None, :], np.array([float(c)]), FEASIBILITY_TOLERANCE)
    return x[0], float(res[0])


# ---------------------------------------------------------------------- the recursion
@dataclass
class _Run:
    """Mutable state of one run: current targets, weights, excluded values, and what was measured."""

    network: CausalNetwork
    exact: bool
    threshold: float
    targets: np.ndarray
    weights: np.ndarray
    excluded: np.ndarray
    messages: list[str] = field(default_factory=list)
    max_residual: float = 0.0
    max_verification_error: float = 0.0
    n_pruned: int = 0
    pruned_weight: float = 0.0
    n_clipped: int = 0
    n_exclusion_fixes: int = 0
    n_candidates: int = 0
    sample_size: float | None = None
    starved: dict[str, int] = field(default_factory=dict)  # variable -> lifts resting on < 1 expected sample

    def report(self, message: str, category: type[Warning]) -> None:
        if message not in self.messages:
            self.messages.append(message)
            warn_at_caller(message, category)


def _positivity_messages(network: CausalNetwork) -> list[str]:
    return [
        f"positivity (Assumption 3.2) fails: P({var}={state} | parents) = 0 for some parent setting; "
        "targets involving it may not be identifiable"
        for var, state in network.positivity_violations()
    ]


def _levels(q: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Depth of each of ``q`` groups in the strict-subset order given by the pairs ``C[src, dst] > 0``.

    Only earlier groups count (``src < dst``), so the relation is acyclic; the depths are found by relaxing
    ``depth[i] = 1 + max depth[i']`` over the pairs until nothing changes (longest path, vectorised over the pairs).
    """
    forward = src < dst
    src, dst = src[forward], dst[forward]
    depth = np.zeros(q, dtype=np.int64)
    for _ in range(q):
        reach = np.zeros(q, dtype=np.int64)
        np.maximum.at(reach, dst, depth[src] + 1)
        if np.array_equal(reach, depth):
            break
        depth = reach
    return depth


def _support(
    oracle: DistributionOracle, targets: np.ndarray, prefix: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero entries of ``C[i', i] = P_{s_i'}(u_i)``, as ratios to the diagonal ``C[i, i]``.

    ``C`` is ``q x q`` but has few non-zero entries: ``C[i', i] > 0`` only when ``s_i'`` agrees with ``u_i``
    (for exclusion-satisfying targets, ``s_i'`` a subset of ``s_i``; Lemma 4.5). It is computed in blocks of
    columns and kept as pairs, so memory grows with the number of pairs, not with ``q^2`` (an inconsistent input
    can leave tens of thousands of targets). Every entry is returned divided by its column's diagonal, in log
    space: products over hundreds of variables underflow, their ratios (a product over ``s_i`` minus ``s_i'``)
    do not.

    Returns ``log_diag`` (q,), and ``src``, ``dst``, ``ratio = C[src, dst] / C[dst, dst]`` over the off-diagonal
    non-zero entries of columns with a non-zero diagonal.
    """
    q, j = prefix.shape
    block = max(1, _BLOCK_ELEMENTS // max(1, q))
    log_diag = np.empty(q)
    srcs, dsts, ratios = [], [], []
    for start in range(0, q, block):
        cols = np.arange(start, min(q, start + block))
        log_c = log_interventional_probability(oracle, targets, prefix[cols])  # (q, len(cols))
        log_diag[cols] = log_c[cols, np.arange(cols.size)]
        log_c[cols, np.arange(cols.size)] = -np.inf
        rows, at = np.nonzero(np.isfinite(log_c) & np.isfinite(log_diag[cols])[None, :])
        srcs.append(rows)
        dsts.append(cols[at])
        ratios.append(np.exp(log_c[rows, at] - log_diag[cols[at]]))
    return log_diag, np.concatenate(srcs), np.concatenate(dsts), np.concatenate(ratios)


def _scaled_mixture(oracle: DistributionOracle, prefixes: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """``P_mix(v, V_{j+1} = l) / exp(log_scale)`` (Q, k) for each prefix setting ``v`` and value ``l``.

    An oracle with ``log_mixture_probability`` (or ``log_mixture_extensions``) is divided in log space (no
    underflow); any other oracle's ``mixture_probability`` is divided as it comes, keeping its sign (an
    inconsistent oracle may answer negative numbers, which the exclusion check then reports)."""
    if any(getattr(oracle, name, None) is not None for name in ("log_mixture_probability", "log_mixture_extensions")):
        # exclusion-satisfying input keeps these ratios below 1 / mu_i; the cap only keeps an inconsistent input
        # (sampled frequencies on settings the network makes astronomically rare) finite through the solves
        return np.exp(np.minimum(log_mixture_extensions(oracle, prefixes) - log_scale[:, None], _LOG_RATIO_CAP))
    q, j = prefixes.shape
    k = int(oracle.network.cardinalities[j])
    settings = np.empty((q * k, j + 1), dtype=np.int64)
    settings[:, :j] = np.repeat(prefixes, k, axis=0)
    settings[:, j] = np.tile(np.arange(k), q)
    p_mix = np.asarray(oracle.mixture_probability(settings), dtype=np.float64).reshape(q, k)
    return p_mix / np.exp(log_scale)[:, None]


def _lift(run: _Run, oracle: DistributionOracle, j: int) -> None:
    """One induction step (Section 4.2): lift the targets over the prefix ``V_1..V_j`` to ``V_{j+1}``."""
    net = run.network
    k = int(net.cardinalities[j])
    var = net.variables[j]
    sizes = (run.targets[:, :j] != NOT_INTERVENED).sum(axis=1)
    order = np.argsort(sizes, kind="stable")  # no later target is a subset of an earlier one
    targets, mu = run.targets[order], run.weights[order]
    q = len(mu)
    prefix = np.where(targets[:, :j] == NOT_INTERVENED, run.excluded[None, :j], targets[:, :j])
    # the settings v_{i,l} are prefix[i] extended by V_{j+1} = l (Lemma 4.5)
    # C[i', i] = P_{s_i'}(u_i) on the prefix; a[i, l] = P(v^l | pa(u_i)), so P_{s_i'}(v_{i,l}) = C[i', i] a[i, l]
    # for every current target (none of them intervenes on V_{j+1} yet). Only the non-zero C[i', i] are kept,
    # divided by c = C[i, i] (Equation 5 divided by c is the system of Lemma 4.1).
    if j:
        log_diag, src, dst, ratio = _support(oracle, targets[:, :j], prefix)
    else:
        log_diag, src, dst, ratio = np.zeros(1), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    cpd = net.cpds[j]
    a_all = cpd[tuple(prefix[:, p] for p in net.parents[j])] if net.parents[j] else np.broadcast_to(cpd, (q, k))
    x = np.zeros((q, k))
    rest = mu.copy()
    depth = _levels(q, src, dst)
    positive = np.isfinite(log_diag)
    scaled_all = np.zeros((q, k))  # P_mix(v_{i,l}) / c_i, asked of the oracle once per step
    scaled_all[positive] = _scaled_mixture(oracle, prefix[positive], log_diag[positive])
    for level in range(int(depth.max()) + 1):
        rows = np.flatnonzero(depth == level)
        ok = rows[positive[rows]]
        if ok.size < rows.size:
            bad = rows[~positive[rows]]
            run.report(
                f"positivity (Assumption 3.2) fails at {var!r}: the setting used to lift "
                f"{len(bad)} target(s) has probability 0 under them (first: "
                f"{{{assignment_excerpt(net.decode_target(targets[bad[0]]))}}}); those targets are not lifted",
                PositivityWarning,
            )
        if ok.size == 0:
            continue
        a = a_all[ok]
        # Equation 4 divided by c: Delta / c = P_mix(v_{i,l}) / c - sum_{i'} (C[i', i] / c) (r_i' a_{i,l} + x_{i',l})
        into = np.flatnonzero(np.isin(dst, ok))
        slot = np.searchsorted(ok, dst[into])  # ok is sorted (flatnonzero)
        from_rest = np.zeros(ok.size)
        np.add.at(from_rest, slot, ratio[into] * rest[src[into]])
        from_lifts = np.zeros((ok.size, k))
        np.add.at(from_lifts, slot, ratio[into, None] * x[src[into]])
        scaled_mix = scaled_all[ok]
        if run.sample_size is not None:  # expected samples at the settings of each lift (mu_i P_{s_i}(u_i) M)
            with np.errstate(divide="ignore"):
                starved = int((np.log(run.sample_size * mu[ok]) + log_diag[ok] < 0.0).sum())
            if starved:
                run.starved[var] = run.starved.get(var, 0) + starved
        # Lemma 4.1 system (I - a 1^T) x = Delta / c - mu_i a
        b = scaled_mix - from_rest[:, None] * a - from_lifts - mu[ok, None] * a
        sol, res, feasible = _solve_batch(a, b, np.ones(ok.size), FEASIBILITY_TOLERANCE)
        run.n_candidates += ok.size * k
        run.n_clipped += int((~feasible).sum())
        run.max_residual = max(run.max_residual, float(res.max(initial=0.0)))
        if not run.exact:
            total = sol.sum(axis=1)
            over = total > mu[ok]
            sol[over] *= (mu[ok][over] / total[over])[:, None]  # Appendix D: rescale overshooting lifts
        x[ok] = sol
        rest[ok] = mu[ok] - sol.sum(axis=1)
    if run.exact:
        negative = np.flatnonzero(rest < -run.threshold)
        if negative.size:
            worst = negative[np.argmin(rest[negative])]
            run.report(
                f"exclusion (Assumption 3.1): no exclusion-satisfying mixture explains the input at {var!r}: "
                f"lifting {{{assignment_excerpt(net.decode_target(targets[worst]))}}} needs weight "
                f"{mu[worst] - rest[worst]:.3g} "
                f"> {mu[worst]:.3g} (residual {-rest[worst]:.3g})",
                ExclusionWarning,
            )
        rest = np.maximum(rest, 0.0)
    _prune_and_exclude(run, j, targets, x, rest, mu)


def _prune_and_exclude(run: _Run, j: int, targets: np.ndarray, x: np.ndarray, rest: np.ndarray, mu: np.ndarray) -> None:
    """Keep coefficients above the threshold, choose the excluded value of ``V_j``, build the new targets."""
    net = run.network
    var = net.variables[j]
    thr = run.threshold
    small_x, small_r = (x > 0) & (x <= thr), (rest > 0) & (rest <= thr)
    run.n_pruned += int(small_x.sum() + small_r.sum())
    run.pruned_weight += float(x[small_x].sum() + rest[small_r].sum())
    x = np.where(x > thr, x, 0.0)
    rest = np.where(rest > thr, rest, 0.0)
    used = (x > 0).any(axis=0)
    if used.all():
        if run.exact:
            run.report(
                f"exclusion (Assumption 3.1) fails at {var!r}: every value of {var!r} is used by some recovered "
                "target, so no exclusion-satisfying mixture explains the input",
                ExclusionWarning,
            )
        else:
            # Appendix D: drop the value whose lifts weigh least, renormalise each group to mu_i.
            v = int(np.argmin(x.sum(axis=0)))
            x[:, v] = 0.0
            total = x.sum(axis=1) + rest
            scale = np.divide(mu, total, out=np.zeros_like(mu), where=total > 0)
            x *= scale[:, None]
            rest = rest * scale
            run.n_exclusion_fixes += 1
            used = (x > 0).any(axis=0)
    free = np.flatnonzero(~used)
    run.excluded[j] = int(free[0]) if free.size else int(np.argmin(x.sum(axis=0)))
    q, k = x.shape
    lifted = np.repeat(targets, k, axis=0)
    lifted[:, j] = np.tile(np.arange(k), q)
    all_targets = np.concatenate([targets, lifted])
    all_weights = np.concatenate([rest, x.reshape(-1)])
    keep = all_weights > 0
    run.targets, run.weights = all_targets[keep], all_weights[keep]
    if run.targets.shape[0] == 0:
        raise ParameterError(
            f"every mixing coefficient fell below the threshold {thr:g} at {var!r}; use a smaller epsilon"
        )


def _relative_gap(log_a: np.ndarray, log_b: np.ndarray) -> np.ndarray:
    """``|a - b| / max(a, b)`` from ``log a`` and ``log b`` (0 where both are 0): a relative residual that stays
    meaningful when ``a`` and ``b`` are far below the smallest float."""
    high, low = np.maximum(log_a, log_b), np.minimum(log_a, log_b)
    both_zero = np.isneginf(high)
    with np.errstate(invalid="ignore"):
        gap = -np.expm1(low - np.where(both_zero, 0.0, high))
    # NaN: a negative "probability" (the logarithm of an inconsistent oracle's answer), as far off as it gets
    return np.where(both_zero, 0.0, np.where(np.isnan(gap), np.inf, gap))


def _log_fitted(run: _Run, oracle: DistributionOracle, settings: np.ndarray) -> np.ndarray:
    """``log sum_i mu_i P_{s_i}(v)`` of the recovered mixture at each setting, in blocks of settings."""
    q = run.targets.shape[0]
    with np.errstate(divide="ignore"):
        log_w = np.log(run.weights)
    block = max(1, _BLOCK_ELEMENTS // max(1, q))
    out = np.empty(settings.shape[0])
    for start in range(0, settings.shape[0], block):
        part = settings[start : start + block]
        log_terms = log_w[:, None] + log_interventional_probability(oracle, run.targets[:, : part.shape[1]], part)
        top = log_terms.max(axis=0, initial=-np.inf)
        shift = np.where(np.isfinite(top), top, 0.0)
        with np.errstate(divide="ignore"):
            out[start : start + block] = shift + np.log(np.exp(log_terms - shift[None, :]).sum(axis=0))
    return out


def _verify(run: _Run, oracle: DistributionOracle, j: int) -> None:
    """Compare the recovered prefix mixture with ``P_mix`` on the settings ``t + (\\bar v + 1)`` (one per target).

    The comparison is relative and made in log space (``P_mix`` of a full prefix of hundreds of variables lies far
    below the smallest float)."""
    cards = run.network.cardinalities[: j + 1]
    # shift 0 gives the settings the step was solved on; shift 1 moves every non-target variable off \bar v
    base = (run.excluded[None, : j + 1] + 1) % cards[None, :]
    tg = run.targets[:, : j + 1]
    settings = np.where(tg == NOT_INTERVENED, base, tg)
    log_observed = log_mixture_probability(oracle, settings)
    log_fitted = _log_fitted(run, oracle, settings)
    rel = _relative_gap(log_observed, log_fitted)
    worst = int(np.argmax(rel))
    run.max_verification_error = max(run.max_verification_error, float(rel[worst]))
    if rel[worst] > VERIFICATION_TOLERANCE:
        var = run.network.variables[j]
        setting = {run.network.variables[i]: run.network.states[i][int(c)] for i, c in enumerate(settings[worst])}
        run.report(
            f"exclusion (Assumption 3.1): no exclusion-satisfying mixture explains the input up to {var!r}: "
            f"at {{{assignment_excerpt(setting)}}} log P_mix = {log_observed[worst]:.6g} but the recovered mixture "
            f"gives {log_fitted[worst]:.6g} (relative residual {rel[worst]:.3g})",
            ExclusionWarning,
        )


@with_single_blas_thread  # every product here is small: threaded BLAS only competes for the cores
def _run(oracle: DistributionOracle, *, exact: bool, threshold: float, progress: bool) -> _Run:
    if not isinstance(oracle, DistributionOracle):
        raise ParameterError(f"oracle must implement DistributionOracle, got {type(oracle).__name__}")
    net = oracle.network
    n = net.n_variables
    run = _Run(
        network=net,
        exact=exact,
        threshold=threshold,
        targets=np.full((1, n), NOT_INTERVENED, dtype=np.int64),
        weights=np.ones(1),
        excluded=np.full(n, -1, dtype=np.int64),
        sample_size=getattr(oracle, "sample_size", None),
    )
    for message in _positivity_messages(net):
        run.report(message, PositivityWarning)
    steps = range(n)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="DISENTANGLE", unit="variable")
    for j in steps:
        _lift(run, oracle, j)
        if exact:
            _verify(run, oracle, j)
    return run


def _starved_lifts(run: _Run) -> None:
    """Report lifts whose settings ``v_{i,l}`` expect fewer than one sample: Equation 5 then rests on sampling noise
    (the full prefix settings of Algorithm 1 grow rarer with every variable)."""
    if not run.starved:
        return
    first = next(iter(run.starved))
    lifts = sum(run.starved.values())
    run.report(
        f"DISENTANGLE-FINITE: {lifts} lift(s) at {len(run.starved)} variable(s), from {first!r} on, rest on settings "
        f"that expect fewer than one of the {run.sample_size:g} samples (mu_i P_s_i(u_i) M < 1), so their targets and "
        "weights follow sampling noise: the settings of Algorithm 1 fix every earlier variable and grow rarer with "
        "each one; use more samples, or method 'likelihood' (the default), which fits every lift to all rows",
        EstimationWarning,
    )


def _inexact_input(run: _Run, total: float, oracle: DistributionOracle) -> None:
    """Report a table given as exact that no exclusion-satisfying mixture explains: sampled frequencies passed as
    probabilities (a normalised GROUP BY) are the usual cause, and a 1/N lattice gives their sample size away."""
    if getattr(oracle, "sample_size", None) is not None:
        return  # samples given to 'exact' are reported where they are passed
    if abs(total - 1.0) <= INEXACT_WEIGHT_SUM and run.max_verification_error <= VERIFICATION_TOLERANCE:
        return
    message = (
        f"the input is not an exact mixture of interventions on this network: the recovered weights summed to "
        f"{total:.6g} before they were normalised to 1, and the largest relative residual is "
        f"{run.max_verification_error:.3g} (rounding alone stays below {VERIFICATION_TOLERANCE:g}); method 'exact' "
        "takes every difference for signal."
    )
    counts = getattr(oracle, "counts", None)
    n = frequency_sample_size(counts.weights) if counts is not None else None
    if n is not None:
        message += (
            f" Its probabilities are whole multiples of 1/{n}: they look like the relative frequencies of {n} "
            f"samples. Pass the counts instead (weights= a column of counts: these probabilities times {n}), so "
            "that a method for samples runs ('likelihood', the default)."
        )
    else:
        message += " If these are estimated frequencies, pass the sample counts with weights= instead."
    run.report(message, EstimationWarning)


def _result(run: _Run, method: str, options: dict, oracle: DistributionOracle, started: float) -> MixtureResult:
    net = run.network
    weights = run.weights
    total = float(weights.sum())
    if run.exact:
        _inexact_input(run, total, oracle)
    else:
        _starved_lifts(run)
    if total > 0:  # a result's weights sum to 1 (the sum before is in the diagnostics)
        weights = weights / total
    counts = getattr(oracle, "counts", None)
    note = counts.distribution_note if counts is not None else None
    if note is not None:
        run.messages.append(note)
    components = [Component(net.decode_target(t), float(w)) for t, w in zip(run.targets, weights, strict=True)]
    diagnostics = {
        "run_time_seconds": time.perf_counter() - started,
        "max_residual": run.max_residual,
        "n_candidates": run.n_candidates,
        "n_pruned": run.n_pruned,
        "pruned_weight": run.pruned_weight,
        "n_clipped_systems": run.n_clipped,
        "weight_sum_before_normalisation": total,
        "excluded_values": {v: net.states[i][int(run.excluded[i])] for i, v in enumerate(net.variables)},
    }
    if run.exact:
        diagnostics["max_verification_error"] = run.max_verification_error
    else:
        diagnostics["n_exclusion_fixes"] = run.n_exclusion_fixes
    return MixtureResult(
        components,
        method=method,
        network=net,
        sample_size=getattr(oracle, "sample_size", None),
        options=options,
        warnings=tuple(run.messages),
        diagnostics=diagnostics,
    )


def disentangle_exact(oracle: DistributionOracle, *, tolerance: float = 1e-10, progress: bool = False) -> MixtureResult:
    """Exact DISENTANGLE (UAI 2021, Algorithm 1) on an exactly known mixture.

    Recovers the unique exclusion-satisfying set of intervention tuples (Theorem 3.1) by the
    recursion of Section 4 (base case Lemma 4.1; lifting by Lemmas 4.3-4.7 and Equation 5). Nothing
    is smoothed; coefficients at or below ``tolerance`` are treated as zero. Violations of positivity
    (Assumption 3.2) or exclusion (Assumption 3.1) are reported with a
    :class:`~pgmpy_mixture.errors.PositivityWarning` / :class:`~pgmpy_mixture.errors.ExclusionWarning`
    naming the variable (also kept in ``result.warnings``); the run still returns its best effort, with weights
    normalised to sum to 1. A table that is not an exact mixture (the weights sum to more than 1, or the per-step
    verification fails) is reported with an :class:`~pgmpy_mixture.errors.EstimationWarning`, which points to
    sampled frequencies passed as probabilities when the table lies on a ``1/N`` lattice.

    Probabilities are divided in log space (see the module notes), so networks of any length work: with five states
    per variable the prefix products fall below the smallest float past about 400 variables, and a 1000-variable
    network with 64 targets is recovered exactly in seconds through an
    :class:`~pgmpy_mixture.model.oracle.ExactOracle` (``benchmarks/exact_timing.py``).

    Parameters
    ----------
    oracle : DistributionOracle
        Exact access to ``P(V)`` and ``P_mix`` (an :class:`~pgmpy_mixture.model.oracle.ExactOracle`, or an
        :class:`~pgmpy_mixture.model.oracle.EmpiricalOracle` over an exact probability table).
    tolerance : float, default 1e-10
        Mixing coefficients ``<= tolerance`` count as zero.
    progress : bool, default False
        Show a tqdm progress bar over the variables.

    Returns
    -------
    MixtureResult
        ``method="exact"``; diagnostics hold the run time, the largest residual of the Lemma 4.1
        systems and the largest relative mismatch found by the per-step verification.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.oracle import ExactOracle
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.2, .3, .5]), "B": np.array([[.9, .1], [.4, .6], [.3, .7]])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}, {"A": "a1"}, {"A": "a2", "B": "b0"}]), np.array([.5, .3, .2]))
    >>> result = disentangle_exact(oracle)
    >>> [(c.label, round(c.weight, 9)) for c in result]
    [('observational', 0.5), ('do(A=a1)', 0.3), ('do(A=a2, B=b0)', 0.2)]
    """
    tolerance = float(tolerance)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ParameterError(f"tolerance must be a non-negative number, got {tolerance}")
    started = time.perf_counter()
    run = _run(oracle, exact=True, threshold=tolerance, progress=progress)
    return _result(run, "exact", {"method": "exact", "tolerance": tolerance}, oracle, started)


def disentangle_paper(oracle: DistributionOracle, *, epsilon: float = 0.01, progress: bool = False) -> MixtureResult:
    """DISENTANGLE-FINITE, the finite-sample version of Algorithm 1 (UAI 2021, Appendix D).

    The same recursion as :func:`disentangle_exact`, with the paper's finite-sample rules:

    * each Lemma 4.1 system takes the feasible candidate (all entries ``>= -1e-10``) of least
      residual, or else clips negatives to 0 and takes the least residual;
    * lifts whose total overshoots ``mu_i`` are rescaled to sum to ``mu_i``;
    * after each step only mixing coefficients greater than ``epsilon`` are kept (a parent target
      whose remaining weight falls to ``epsilon`` or below is dropped);
    * if no value of the new variable is absent from every kept target, the value whose lifts weigh
      least is dropped and each group is rescaled to ``mu_i``.

    Where the paper is silent we chose: pruning happens after all groups of a step are solved and
    before the "no absent value" rule; the excluded value of each variable is the smallest absent code;
    the final weights are rescaled to sum to 1 (the pruned weight is in ``diagnostics["pruned_weight"]``).
    ``P_mix`` is the relative frequency of each setting (zero counts are not smoothed).

    Differences from the authors' public code (``general_mixture_solver.py``), where we follow the paper's
    text: the code prunes at an absolute 1e-3 (Section 5 says ``epsilon = 0.01``); it prunes each group's
    lifts before solving the next group (we prune after the step); when a parent's remaining weight falls
    below the threshold it scales the lifts up to absorb it (we drop it and renormalise at the end); and it
    zeroes the lightest value's lifts without rescaling them to ``mu_i`` at that point.

    Parameters
    ----------
    oracle : DistributionOracle
        Access to ``P(V)`` (known or fitted, see :func:`pgmpy_mixture.model.fitting.fit_network`) and to the
        empirical ``P_mix`` (usually an :class:`~pgmpy_mixture.model.oracle.EmpiricalOracle`).
    epsilon : float, default 0.01
        Pruning threshold on mixing coefficients (Section 5 uses 0.01).
    progress : bool, default False
        Show a tqdm progress bar over the variables.

    Returns
    -------
    MixtureResult
        ``method="paper"``.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.oracle import ExactOracle
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}, {"A": "y"}, {"A": "x"}]), np.array([.6, .395, .005]))
    >>> [(c.label, round(c.weight, 3)) for c in disentangle_paper(oracle, epsilon=0.01)]
    [('observational', 0.603), ('do(A=y)', 0.397)]
    """
    try:
        epsilon = float(epsilon)
    except (TypeError, ValueError):
        raise ParameterError(f"epsilon must be a number, got {epsilon!r}") from None
    if not np.isfinite(epsilon) or not 0 <= epsilon < 1:
        raise ParameterError(f"epsilon must lie in [0, 1), got {epsilon}")
    started = time.perf_counter()
    run = _run(oracle, exact=False, threshold=epsilon, progress=progress)
    return _result(run, "paper", {"method": "paper", "epsilon": epsilon}, oracle, started)
