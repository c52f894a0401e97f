"""Non-negative least squares on DIMM's marginal system, with support selection (our first design).

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

The estimated marginals are multinomial proportions, so the natural misfit of node ``j`` is
Pearson's chi-square ``N sum_beta r_beta^2 / p_mix(j, beta)``. Following Theorem 1's order, each node
picks the support of its weights (a subset of its states that leaves at least one state out,
Assumption 1) minimising chi-square plus a penalty per non-zero weight (BIC: ``log N``), each
support fitted by non-negative least squares; then all chosen weights are re-fitted jointly by
weighted NNLS over every equation (the "polish", :func:`fit_support`), and the selection is repeated with the
polished ancestors until the supports stop changing; a stepwise search over the joint support follows. With
exact marginals (no sample size) it returns the Theorem 1 solution.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from scipy.optimize import lsq_linear, nnls

from pgmpy_mixture.aggregate.system import MarginalSystem, chi_square_weights
from pgmpy_mixture.errors import ParameterError

__all__ = ["ADAPTIVE_LADDER", "ADAPTIVE_P_VALUE", "CONSTRAINT_WEIGHT", "EXACT_SAMPLE_SIZE", "fit_support", "solve_nnls"]

#: Effective sample size the ``nnls`` method assumes for exact marginals (``sample_size=None``).
EXACT_SAMPLE_SIZE = 1e12
#: Weight (relative to the largest column norm) of the row that imposes ``sum x = 1`` in :func:`fit_support`.
CONSTRAINT_WEIGHT = 1e3


def _penalty(penalty: str | float, n: float) -> float:
    if isinstance(penalty, str):
        if penalty == "bic":
            return float(np.log(n))
        if penalty == "aic":
            return 2.0
        raise ParameterError(f"penalty={penalty!r} is not one of ['bic', 'aic'] or a number")
    value = float(penalty)
    if not np.isfinite(value) or value < 0:
        raise ParameterError(f"penalty must be a non-negative number, got {penalty!r}")
    return value


def _rnnls(a: np.ndarray, b: np.ndarray, ridge: float) -> tuple[np.ndarray, float]:
    """Non-negative ridge least squares: ``min ||a x - b||^2 + ridge ||x||^2``, ``x >= 0``; returns x and that value.

    SciPy 1.12-1.14's ``nnls`` can stop with "Maximum number of iterations reached" on degenerate problems that
    1.15+ solves; the same convex problem then goes to ``lsq_linear``'s bounded-variable least squares (another
    exact active-set method), so the answer does not depend on the SciPy release.
    """
    if a.shape[1] == 0:
        return np.zeros(0), float(b @ b)
    if ridge > 0:
        a = np.vstack([a, np.sqrt(ridge) * np.eye(a.shape[1])])
        b = np.concatenate([b, np.zeros(a.shape[1])])
    try:
        sol, rnorm = nnls(a, b, maxiter=50 * a.shape[1])
    except RuntimeError:
        # bvls can return -1e-17 for a bound variable: clip to the feasible set before measuring the residual
        sol = np.maximum(lsq_linear(a, b, bounds=(0.0, np.inf), method="bvls").x, 0.0)
        rnorm = float(np.linalg.norm(a @ sol - b))
    return sol, float(rnorm * rnorm)


def _supports(k: int, max_enumerate: int) -> list[tuple[int, ...]]:
    """Candidate supports of one node: every subset leaving at least one state out (Assumption 1)."""
    if k <= max_enumerate:
        return [s for size in range(k) for s in itertools.combinations(range(k), size)]
    return []


def _select_node(
    a_diag: np.ndarray, r: np.ndarray, w: np.ndarray, pen: float, max_enumerate: int, ridge: float = 0.0
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Best support of one node: min over supports of weighted NNLS chi-square + pen * |support|."""
    k = len(r)
    aw, rw = a_diag * w[:, None], r * w
    best, best_x, best_s = np.inf, np.zeros(k), ()
    candidates = _supports(k, max_enumerate)
    if not candidates:  # greedy forward selection for variables with many states
        current: tuple[int, ...] = ()
        candidates = [current]
        while len(current) < k - 1:
            trials = []
            for c in range(k):
                if c in current:
                    continue
                s = tuple(sorted(current + (c,)))
                trials.append((_rnnls(aw[:, list(s)], rw, ridge)[1], s))
            current = min(trials)[1]
            candidates.append(current)
    for s in candidates:
        xs, value = _rnnls(aw[:, list(s)], rw, ridge)
        score = value + pen * np.count_nonzero(xs > 0)
        if score < best - 1e-12:
            best, best_s = score, tuple(c for c, v in zip(s, xs, strict=True) if v > 0)
            best_x = np.zeros(k)
            best_x[list(s)] = xs
    return best_x, best_s


def fit_support(system: MarginalSystem, w: np.ndarray, columns: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Joint weighted NNLS of the weights ``columns`` over all equations, with ``sum x <= 1`` (the "polish").

    Parameters
    ----------
    system : MarginalSystem
    w : ndarray, shape (S,)
        Row weights (:func:`~pgmpy_mixture.aggregate.system.chi_square_weights` for Pearson's chi-square).
    columns : ndarray of int
        The weights allowed to be non-zero.
    ridge : float
        Optional ridge term ``ridge * ||x||^2``.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> system = MarginalSystem(interventional_marginals(net), 0.7 * np.array([.2, .3, .5]) + [0.0, 0.3, 0.0])
    >>> fit_support(system, np.ones(3), np.array([1])).round(9).tolist()
    [0.0, 0.3, 0.0]
    """
    x = np.zeros(system.A.shape[1])
    if columns.size == 0:
        return x
    aw = system.A[:, columns] * w[:, None]
    bw = system.b * w
    sol, _ = _rnnls(aw, bw, ridge)
    if sol.sum() > 1.0:
        # The constraint is active (the problem is convex): solve with sum x = 1 imposed by a heavily weighted extra
        # row, an exact active-set NNLS again. (SLSQP on this badly scaled objective -- chi-square grows with N --
        # stopped "successfully" at points with a chi-square 700 times the optimum.)
        weight = CONSTRAINT_WEIGHT * max(float(np.linalg.norm(aw, axis=0).max()), 1.0)
        sol, _ = _rnnls(np.vstack([aw, np.full((1, columns.size), weight)]), np.append(bw, weight), ridge)
        sol = sol / max(float(sol.sum()), 1.0)
    x[columns] = sol
    return x


def _joint_stepwise(
    system: MarginalSystem, w: np.ndarray, x: np.ndarray, pen: float, max_steps: int, n_try: int = 5,
    ridge: float = 0.0,
) -> tuple[np.ndarray, int]:
    """Stepwise search over the joint support: remove or add one weight while chi-square + pen * |support| drops.

    A node's weights are informed by its descendants' marginals too; the sequential selection only saw the
    node's own marginal. Removals are scored by an exact refit; additions by the exact refit of the
    ``n_try`` columns most correlated with the weighted residual. Supports keep one state of every
    variable out (Assumption 1).
    """
    aw, bw = system.A * w[:, None], system.b * w
    offsets = system.offsets
    node_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    cards = np.diff(offsets)

    def fit(cols: np.ndarray) -> tuple[np.ndarray, float]:
        out = np.zeros(aw.shape[1])
        if cols.size == 0:
            return out, float(bw @ bw)
        sol, value = _rnnls(aw[:, cols], bw, ridge)
        out[cols] = sol
        return out, value

    support = np.flatnonzero(x > 0)
    x, rss = fit(support)
    steps = 0
    col_norm2 = np.einsum("ij,ij->j", aw, aw)
    for steps in range(1, int(max_steps) + 1):  # noqa: B007
        best_score, best = 0.0, None
        for c in support:
            trial = support[support != c]
            xt, rt = fit(trial)
            score = rt - rss - pen  # < 0: removing c pays
            if score < best_score - 1e-12:
                best_score, best = score, (trial, xt, rt)
        counts = np.bincount(node_of[support], minlength=len(cards))
        allowed = np.ones(aw.shape[1], dtype=bool)
        allowed[support] = False
        allowed &= counts[node_of] < cards[node_of] - 1
        corr = aw.T @ (bw - aw @ x) - ridge * x
        gain = np.where(allowed & (corr > 0), corr * corr / np.maximum(col_norm2, 1e-300), 0.0)
        for c in np.argsort(-gain)[:n_try]:
            if gain[c] <= pen:
                break
            trial = np.sort(np.append(support, c))
            xt, rt = fit(trial)
            score = rt - rss + pen * (np.count_nonzero(xt) - np.count_nonzero(x))
            if score < best_score - 1e-12:
                best_score, best = score, (trial, xt, rt)
        if best is None:
            break
        support, x, rss = best
        support = np.flatnonzero(x > 0)
    return x, steps


def _solve_nnls_fixed_core(
    system: MarginalSystem,
    n_eff: float,
    pen: float,
    max_passes: int,
    max_enumerate: int,
    joint: bool,
    max_steps: int,
    ridge: float,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Selection in Theorem 1's order, joint polish and stepwise search for one penalty ``pen``."""
    w = chi_square_weights(system.mixture, n_eff)
    network = system.network
    x = np.zeros(system.A.shape[1])
    supports: list[tuple[int, ...]] | None = None
    passes = 0
    for passes in range(1, max(1, int(max_passes)) + 1):  # noqa: B007
        new_supports = []
        seq = x.copy()
        for j in range(network.n_variables):
            blk = system.block(j)
            start = int(system.offsets[j])
            # In pass 1 the ancestors come from this sweep; later passes use the polished ancestors.
            ancestors = seq[:start] if passes == 1 else x[:start]
            r = system.b[blk] - system.A[blk, :start] @ ancestors
            xj, s = _select_node(system.A[blk, blk], r, w[blk], pen, max_enumerate, ridge)
            seq[blk] = xj
            new_supports.append(s)
        columns = np.array(
            [int(system.offsets[j]) + c for j, s in enumerate(new_supports) for c in s], dtype=np.int64
        )
        x = fit_support(system, w, columns, ridge)
        if new_supports == supports:
            break
        supports = new_supports
    steps = 0
    if joint:
        x, steps = _joint_stepwise(system, w, x, pen, max_steps, ridge=ridge)
        if x.sum() > 1.0:
            x = fit_support(system, w, np.flatnonzero(x > 0), ridge)
    r = system.residual(x) * w
    info = {
        "chi_square": float(r @ r),
        "passes": passes,
        "stepwise_moves": steps,
        "support_size": int(np.count_nonzero(x)),
        "penalty": pen,
        "sample_size": n_eff,
    }
    return x, info


#: Penalties tried, largest first, by ``penalty="adaptive"`` (after ``log N``).
ADAPTIVE_LADDER = (8.0, 6.0, 4.0, 3.0, 2.0, 1.0)
#: ``penalty="adaptive"`` accepts the first fit whose chi-square test has at least this p-value.
ADAPTIVE_P_VALUE = 0.05


def solve_nnls(
    system: MarginalSystem,
    *,
    sample_size: float | None = None,
    penalty: str | float = "bic",
    max_passes: int = 5,
    max_enumerate: int = 8,
    joint: bool = True,
    max_steps: int = 200,
    ridge: float = 0.0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Our default for estimated marginals: per-node support selection in Theorem 1's order, joint polish.

    Parameters
    ----------
    system : MarginalSystem
    sample_size : float, optional
        Number of samples behind the marginals (sets the noise scale). ``None``: the marginals are
        exact (:data:`EXACT_SAMPLE_SIZE` is used).
    penalty : {"adaptive", "bic", "aic"} or float
        Chi-square cost of one more non-zero weight: ``log N`` (BIC, default), 2 (AIC) or a number.
        ``"adaptive"`` starts from BIC and lowers the penalty along :data:`ADAPTIVE_LADDER`
        until the fit passes a chi-square goodness-of-fit test (p >= :data:`ADAPTIVE_P_VALUE`, degrees of
        freedom = independent equations minus non-zero weights): sparse truths keep BIC's sparsity,
        dense truths are not under-fitted (on ALARM it was not better than BIC).
    max_passes : int
        Selection-polish passes (stops earlier when the supports no longer change).
    max_enumerate : int
        Variables with at most this many states try every support; larger ones select greedily.
    joint : bool
        Finish with a stepwise search over the joint support (adds or removes one weight at a time
        while the penalised chi-square of all equations drops), so that descendants' marginals inform
        their ancestors' weights.
    max_steps : int
        Largest number of stepwise moves.
    ridge : float
        Optional ridge term ``ridge * ||x||^2`` added to the chi-square (0: none).

    Returns
    -------
    x : ndarray, shape (S,)
    info : dict
        ``chi_square`` of the final fit, ``passes``, ``support_size``, ``penalty``, ``p_value``.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> p_mix = 0.7 * np.array([.2, .3, .5]) + np.array([0.0, 0.3, 0.0]) + np.array([0.004, -0.002, -0.002])
    >>> x, info = solve_nnls(MarginalSystem(interventional_marginals(net), p_mix), sample_size=1000)
    >>> x.round(2).tolist()
    [0.0, 0.3, 0.0]
    """
    from scipy.stats import chi2

    n_eff = EXACT_SAMPLE_SIZE if sample_size is None else float(sample_size)
    equations = int(np.sum(system.network.cardinalities - 1))
    if penalty == "adaptive":
        ladder = [float(np.log(n_eff))] + [p for p in ADAPTIVE_LADDER if p < np.log(n_eff)]
        if sample_size is None:
            ladder = ladder[:1]
    else:
        ladder = [_penalty(penalty, n_eff)]
    for pen in ladder:
        x, info = _solve_nnls_fixed_core(system, n_eff, pen, max_passes, max_enumerate, joint, max_steps, ridge)
        df = max(1, equations - info["support_size"])
        info["p_value"] = float(chi2.sf(info["chi_square"], df))
        if info["p_value"] >= ADAPTIVE_P_VALUE:
            break
    return x, info


