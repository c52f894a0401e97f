"""Disentangle a mixture of single-node interventions from per-variable marginals (DIMM, AAAI 2020).

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020. The network (its CPDs) is known; the analyst sees only
the marginals ``p_mix(j, beta) = P_mix(X_j = beta)`` of a mixture whose components are the observational
distribution (weight ``pi_phi``) and single-node interventions ``do(X_i = alpha)`` (weights ``pi_{i,alpha}``).

With ``p(j, beta)`` and ``p_{i,alpha}(j, beta)`` the oracle marginals (:mod:`pgmpy_mixture.model.marginals`),
equation (3) rearranged (Appendix C.1) is one linear system ``A x = b`` with
``A[(j, beta), (i, alpha)] = p_{i,alpha}(j, beta) - p(j, beta)`` and ``b(j, beta) = p_mix(j, beta) - p(j, beta)``;
it is block lower-triangular in a topological order and its diagonal block for node ``j`` is
``I - a 1^T`` with ``a = p(j, .)`` (equation 5). Assumption 1 (for every node some state is never
intervened on) makes the weights identifiable (Theorem 1).

Methods
-------
``exact``
    The constructive proof of Theorem 1: node by node in topological order, the solutions of the
    ``K x K`` system (5) form the line ``L`` of equation (6), ``x = r + s a``; Lemma 1 builds its
    intersections ``p_k`` with the hyperplanes ``x_k = 0`` and Lemma 2 says exactly one is
    non-negative. Exact marginals in, exact weights out.
``dimm``
    The paper's ``OPT(epsilon)`` (Appendix C, Definition 5) solved with scipy's SLSQP (Appendix C.2):
    ``min max_j ||A_j x_j - b_j||_2 + lambda ||x||_2`` subject to ``x >= 0``, ``sum x <= 1`` and the relaxed
    exclusion ``epsilon - min_k x_{j,k} >= 0``; ``lambda = 0.1``, ``epsilon = 1e-5`` (Section 5.1); best
    objective over random restarts (footnote 9). Kept faithful: it is the baseline.
``bayes`` (the default for estimated marginals; our design)
    Empirical-Bayes model averaging in Theorem 1's order: a spike-and-slab prior on every weight
    (zero with probability ``1 - rho``, else exponential with mean ``tau``); each node averages its
    posterior over every support that leaves a state out (Assumption 1), with the multinomial
    marginal's Gaussian likelihood (Pearson chi-square); ``rho`` and ``tau`` are re-estimated after each
    sweep. Averaging shrinks the weights the marginals barely inform (states of probability near 1) and
    keeps sparse truths sparse. See :func:`solve_bayes`.
``nnls`` (our first design, kept as an option)
    The estimated marginals are multinomial proportions, so the natural misfit of node ``j`` is
    Pearson's chi-square ``N sum_beta r_beta^2 / p_mix(j, beta)``. Following Theorem 1's order, each node
    picks the support of its weights (a subset of its states that leaves at least one state out,
    Assumption 1) minimising chi-square plus a penalty per non-zero weight (BIC: ``log N``), each
    support fitted by non-negative least squares; then all chosen weights are re-fitted jointly by
    weighted NNLS over every equation (the "polish"), and the selection is repeated with the polished
    ancestors until the supports stop changing; a stepwise search over the joint support follows. With
    exact marginals (no sample size) it returns the Theorem 1 solution.
``em``
    Appendix D: expectation-maximisation of the mixing weights from joint samples (``data=``), the
    component likelihoods being truncated CPD products (SQUAREM-accelerated). The log-likelihood is
    concave in the weights, so EM from the uniform start reaches the maximum; the weights of root nodes
    are not identified by the joint distribution (``P = sum_a p(R = a) P_{R,a}``), and the returned
    representative is the one satisfying Assumption 1.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import lsq_linear, minimize, nnls

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import is_chunked_or_distributed, is_dask_frame, to_count_table, to_marginals
from pgmpy_mixture.errors import DataTypeError, ExclusionWarning, ParameterError, PositivityWarning, warn_at_caller
from pgmpy_mixture.model.marginals import InterventionalMarginals, interventional_marginals
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.validation import check_choice, check_marginals

METHODS = ("auto", "exact", "dimm", "bayes", "nnls", "em")
#: Effective sample size the ``nnls`` method assumes for exact marginals (``sample_size=None``).
EXACT_SAMPLE_SIZE = 1e12


# ---------------------------------------------------------------------------------------------- the system
@dataclass(frozen=True, eq=False)
class MarginalSystem:
    """The linear system ``A x = b`` of Appendix C.1 for one network and one set of mixture marginals.

    Unknowns and equations share the flat ``(variable, state)`` layout of
    :class:`~pgmpy_mixture.model.marginals.InterventionalMarginals`: ``x[(i, alpha)] = pi_{i,alpha}``.

    Parameters
    ----------
    oracle : InterventionalMarginals
        Exact ``p(j, beta)`` and ``p_{i,alpha}(j, beta)``.
    mixture : ndarray, shape (S,)
        ``p_mix(j, beta)`` (exact or estimated), each variable's block summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> system = MarginalSystem(interventional_marginals(net), np.array([0.7, 0.3]))
    >>> system.A.tolist(), system.b.round(3).tolist()
    ([[0.5, -0.5], [-0.5, 0.5]], [0.2, -0.2])
    """

    oracle: InterventionalMarginals
    mixture: np.ndarray

    def __post_init__(self) -> None:
        mixture = np.array(self.mixture, dtype=np.float64)
        mixture.setflags(write=False)
        object.__setattr__(self, "mixture", mixture)
        a_matrix = (self.oracle.interventional - self.oracle.observational[None, :]).T.copy()
        a_matrix.setflags(write=False)
        object.__setattr__(self, "A", a_matrix)
        b = mixture - self.oracle.observational
        b.setflags(write=False)
        object.__setattr__(self, "b", b)

    @property
    def network(self) -> CausalNetwork:
        """The known network."""
        return self.oracle.network

    @property
    def offsets(self) -> np.ndarray:
        """Start of each variable's block (length n + 1)."""
        return self.oracle.offsets

    def block(self, j: int) -> slice:
        """Slice of variable ``j``'s states in the flat layout."""
        return slice(int(self.offsets[j]), int(self.offsets[j + 1]))

    def residual(self, x: np.ndarray) -> np.ndarray:
        """``A x - b``: the marginal misfit ``P_mix(model) - P_mix(input)`` of every ``(j, beta)``."""
        return self.A @ x - self.b

    def node_residual_norms(self, x: np.ndarray) -> np.ndarray:
        """``||A_j x_j - b_j||_2`` for every node ``j`` (the terms of OPT's max)."""
        r = self.residual(x)
        return np.sqrt(np.add.reduceat(r * r, self.offsets[:-1]))


def opt_objective(system: MarginalSystem, x: np.ndarray, lam: float = 0.1) -> float:
    """Objective of OPT(epsilon) (Appendix C, Definition 5): ``max_j ||A_j x_j - b_j|| + lambda ||x||``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> system = MarginalSystem(interventional_marginals(net), np.array([0.5, 0.5]))
    >>> opt_objective(system, np.zeros(2))
    0.0
    """
    return float(system.node_residual_norms(x).max() + lam * np.linalg.norm(x))


# ---------------------------------------------------------------------------------------------- exact
def solve_exact(system: MarginalSystem, *, tol: float = 1e-9) -> tuple[np.ndarray, dict[str, Any]]:
    """Theorem 1's constructive proof: the unique exclusion-satisfying solution, node by node.

    For node ``j`` (topological order) with ``a = p(j, .)`` and ``r`` the right-hand side of
    equation (4) (the ancestors' weights already known), the solutions of ``(I - a 1^T) x = r`` are
    the line ``x = r + s a`` (equation 6, ``s = sum x``). Lemma 1: its intersection with ``x_k = 0`` is
    ``p_k = r - (r_k / a_k) a``. Lemma 2: exactly one ``p_k`` is non-negative; it is the one with the
    largest ``s_k = -r_k / a_k``, which is how it is found here.

    Parameters
    ----------
    system : MarginalSystem
    tol : float
        Entries above ``-tol`` count as non-negative (and are clipped to 0).

    Returns
    -------
    x : ndarray, shape (S,)
        ``pi_{i,alpha}``; ``pi_phi = 1 - x.sum()`` (may be negative when no mixture explains the input).
    info : dict
        ``zero_probability_states`` (states with ``p(j, beta) = 0``, where identifiability fails).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> pi = np.array([0.1, 0.3, 0.0])   # state z is never intervened on (Assumption 1)
    >>> p_mix = 0.6 * np.array([.2, .3, .5]) + pi
    >>> solve_exact(MarginalSystem(interventional_marginals(net), p_mix))[0].round(12).tolist()
    [0.1, 0.3, 0.0]
    """
    network = system.network
    x = np.zeros(system.A.shape[1])
    zero_states: list[tuple[str, str]] = []
    for j in range(network.n_variables):
        blk = system.block(j)
        a = system.oracle.observational[blk]
        start = int(system.offsets[j])
        r = system.b[blk] - system.A[blk, :start] @ x[:start]  # equation (4): the ancestors are known
        positive = a > tol
        if not positive.all():
            zero_states += [(network.variables[j], network.states[j][k]) for k in np.flatnonzero(~positive)]
        # Lemma 1: p_k = r - (r_k / a_k) a lies on L and on H_k.  Lemma 2: the non-negative one has the
        # largest s_k = -r_k / a_k (every other p_m has m-th entry a_m (s_k - s_m) >= 0 only if s_k >= s_m).
        s = np.max(-r[positive] / a[positive]) if positive.any() else 0.0
        xj = r + s * a
        xj[xj < tol] = np.where(xj[xj < tol] < -tol, xj[xj < tol], 0.0)
        x[blk] = xj
    return x, {"zero_probability_states": zero_states}


# ---------------------------------------------------------------------------------------------- dimm (SLSQP)
def solve_dimm(
    system: MarginalSystem,
    *,
    lam: float = 0.1,
    epsilon: float = 1e-5,
    n_restarts: int = 10,
    maxiter: int = 500,
    ftol: float = 1e-10,
    rng: np.random.Generator | None = None,
    progress: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """OPT(epsilon) of Appendix C solved by SLSQP from random starts; the best objective wins.

    Parameters
    ----------
    system : MarginalSystem
    lam : float
        L2 regularisation weight ``lambda`` (paper: 0.1).
    epsilon : float
        Relaxation of the exclusion constraint ``min_k x_{j,k} <= epsilon`` (paper: 1e-5).
    n_restarts : int
        Number of SLSQP runs from random feasible starts (paper: 60).
    maxiter, ftol : SLSQP settings.
    rng : numpy Generator
    progress : bool
        Show a tqdm bar over the restarts.

    Returns
    -------
    x : ndarray, shape (S,)
    info : dict
        ``objective`` of the best run, ``objectives`` of every run, ``iterations``, ``converged``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> system = MarginalSystem(interventional_marginals(net), np.array([0.5, 0.5]))
    >>> x, info = solve_dimm(system, n_restarts=2, rng=np.random.default_rng(0))
    >>> bool(np.abs(x).max() < 1e-3)
    True
    """
    rng = np.random.default_rng() if rng is None else rng
    a_matrix, b, offsets = system.A, system.b, system.offsets
    size = a_matrix.shape[1]
    node_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        r = a_matrix @ x - b
        norms = np.sqrt(np.add.reduceat(r * r, offsets[:-1]))
        j = int(np.argmax(norms))
        grad = np.zeros(size)
        if norms[j] > 0:
            rows = node_of == j
            grad += a_matrix[rows].T @ r[rows] / norms[j]
        xnorm = float(np.linalg.norm(x))
        if xnorm > 0:
            grad += lam * x / xnorm
        return float(norms[j] + lam * xnorm), grad

    def exclusion(x: np.ndarray) -> np.ndarray:  # g_j^eps(x) = eps - min_k x_{j,k} >= 0
        return epsilon - np.minimum.reduceat(x, offsets[:-1])

    def exclusion_jac(x: np.ndarray) -> np.ndarray:
        jac = np.zeros((len(offsets) - 1, size))
        for j in range(len(offsets) - 1):
            jac[j, offsets[j] + int(np.argmin(x[offsets[j] : offsets[j + 1]]))] = -1.0
        return jac

    constraints = [
        {"type": "ineq", "fun": lambda x: np.array([1.0 - x.sum()]), "jac": lambda x: -np.ones((1, size))},
        {"type": "ineq", "fun": exclusion, "jac": exclusion_jac},
    ]
    best_x, best_obj, objectives, iterations, converged = None, np.inf, [], [], []
    from tqdm.auto import tqdm

    for _ in tqdm(range(max(1, int(n_restarts))), desc="DIMM restarts", disable=not progress):
        x0 = rng.dirichlet(np.ones(size + 1))[:size]  # random point of the simplex {x >= 0, sum x <= 1}
        res = minimize(
            objective,
            x0,
            jac=True,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * size,
            constraints=constraints,
            options={"maxiter": maxiter, "ftol": ftol},
        )
        x = np.clip(res.x, 0.0, None)
        feasible = x.sum() <= 1 + 1e-6 and np.all(exclusion(x) >= -1e-6)
        obj = objective(x)[0] if feasible else np.inf
        objectives.append(obj)
        iterations.append(int(res.nit))
        converged.append(bool(res.success))
        if obj < best_obj:
            best_x, best_obj = x, obj
    if best_x is None:
        raise RuntimeError("SLSQP found no feasible point of OPT(epsilon) in any restart")
    info = {"objective": best_obj, "objectives": objectives, "iterations": iterations, "converged": converged}
    return best_x, info


# ---------------------------------------------------------------------------------------------- nnls (default)
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


def _polish(system: MarginalSystem, w: np.ndarray, columns: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Joint weighted NNLS of the chosen weights over all equations, with ``sum x <= 1``."""
    x = np.zeros(system.A.shape[1])
    if columns.size == 0:
        return x
    aw = system.A[:, columns] * w[:, None]
    bw = system.b * w
    sol, _ = _rnnls(aw, bw, ridge)
    if sol.sum() > 1.0:
        res = minimize(
            lambda z: (
                0.5 * float(np.sum((aw @ z - bw) ** 2) + ridge * z @ z),
                aw.T @ (aw @ z - bw) + ridge * z,
            ),
            sol / sol.sum(),
            jac=True,
            method="SLSQP",
            bounds=[(0.0, None)] * columns.size,
            constraints=[
                {"type": "ineq", "fun": lambda z: np.array([1.0 - z.sum()]), "jac": lambda z: -np.ones((1, z.size))}
            ],
            options={"maxiter": 500, "ftol": 1e-14},
        )
        sol = np.clip(res.x, 0.0, None)
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


def chi_square_weights(mixture: np.ndarray, sample_size: float) -> np.ndarray:
    """Row weights ``sqrt(N / p_mix(j, beta))`` making squared residuals Pearson chi-square terms.

    Examples
    --------
    >>> chi_square_weights(np.array([0.25, 0.75]), 100).round(3).tolist()
    [20.0, 11.547]
    """
    floor = 0.5 / sample_size
    return np.sqrt(sample_size / np.maximum(mixture, floor))


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
        x = _polish(system, w, columns, ridge)
        if new_supports == supports:
            break
        supports = new_supports
    steps = 0
    if joint:
        x, steps = _joint_stepwise(system, w, x, pen, max_steps, ridge=ridge)
        if x.sum() > 1.0:
            x = _polish(system, w, np.flatnonzero(x > 0), ridge)
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


# ---------------------------------------------------------------------------------------------- bayes (default)
_LOG_SQRT_2PI = 0.5 * float(np.log(2 * np.pi))


def _node_posterior(
    a_diag: np.ndarray, r: np.ndarray, w: np.ndarray, rho: float, tau: float, supports: list[tuple[int, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean of one node's weights and inclusion probabilities, averaged over its supports."""
    from scipy.special import log_ndtr

    k = len(r)
    aw, rw = a_diag * w[:, None], r * w
    log_post = np.empty(len(supports))
    means = np.zeros((len(supports), k))
    included = np.zeros((len(supports), k))
    for n, s in enumerate(supports):
        size = len(s)
        log_prior = size * np.log(rho) + (k - size) * np.log1p(-rho)
        if not size:
            log_post[n] = -0.5 * float(rw @ rw) + log_prior
            continue
        cols = list(s)
        design = aw[:, cols]
        cov = np.linalg.pinv(design.T @ design)
        fit = cov @ (design.T @ rw)
        resid = rw - design @ fit
        sd = np.sqrt(np.clip(np.diag(cov), 1e-300, None))
        # Gaussian likelihood x exponential(tau) slab, integrated over x >= 0 coordinate by coordinate:
        # the posterior of each weight is N(fit - sd^2 / tau, sd^2) truncated to x >= 0.
        mu = fit - sd**2 / tau
        z = mu / sd
        log_mass = np.log(sd / tau) + _LOG_SQRT_2PI - fit / tau + sd**2 / (2 * tau**2) + log_ndtr(z)
        log_post[n] = -0.5 * float(resid @ resid) + float(log_mass.sum()) + log_prior
        means[n, cols] = mu + sd * np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_ndtr(z))
        included[n, cols] = 1.0
    post = np.exp(log_post - log_post.max())
    post /= post.sum()
    return post @ means, post @ included


def solve_bayes(
    system: MarginalSystem,
    *,
    sample_size: float,
    n_sweeps: int = 8,
    rho: float = 0.1,
    tau: float = 0.05,
    max_enumerate: int = 8,
    exclusion: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Default for estimated marginals: empirical-Bayes model averaging in Theorem 1's order (our design).

    Each weight is zero with prior probability ``1 - rho`` and otherwise exponential with mean ``tau``
    (spike and slab). Node by node in topological order (ancestors' weights fixed at their current
    estimates, as in Theorem 1's induction), every support that leaves one state out (Assumption 1) is
    scored by its marginal likelihood -- the node's Pearson chi-square is the Gaussian log-likelihood of
    the multinomial marginal, integrated over the slab -- and the node's weights are the posterior mean
    averaged over supports (shrinking weights the marginals barely inform, e.g. on states of
    probability near 1). ``rho`` and ``tau`` are re-estimated from the posterior after each sweep
    (empirical Bayes), so sparse and dense mixtures are both handled.

    Parameters
    ----------
    system : MarginalSystem
    sample_size : float
        Number of samples behind the marginals.
    n_sweeps : int
        Sweeps over the nodes (each followed by the empirical-Bayes update of ``rho`` and ``tau``).
    rho, tau : float
        Starting prior inclusion probability and slab mean.
    max_enumerate : int
        Variables with more states use only supports of at most 3 states.
    exclusion : bool
        Zero the least supported weight of any node whose weights all came out positive (Assumption 1).

    Returns
    -------
    x : ndarray, shape (S,)
    info : dict
        ``rho``, ``tau`` (final prior), ``inclusion`` (posterior probability that each weight is non-zero).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> p_mix = 0.7 * np.array([.2, .3, .5]) + np.array([0.0, 0.3, 0.0]) + np.array([0.004, -0.002, -0.002])
    >>> x, info = solve_bayes(MarginalSystem(interventional_marginals(net), p_mix), sample_size=1000)
    >>> x.round(2).tolist()
    [0.0, 0.29, 0.0]
    """
    n_eff = float(sample_size)
    w = chi_square_weights(system.mixture, n_eff)
    size = system.A.shape[1]
    x = np.zeros(size)
    inclusion = np.zeros(size)
    cards = system.network.cardinalities
    supports = {}
    for k in np.unique(cards).tolist():
        largest = min(k, 4) if k > max_enumerate else k  # supports leave >= 1 state out (Assumption 1)
        supports[k] = [s for m in range(largest) for s in itertools.combinations(range(k), m)]
    for _ in range(max(1, int(n_sweeps))):
        for j in range(system.network.n_variables):
            blk = system.block(j)
            start = int(system.offsets[j])
            r = system.b[blk] - system.A[blk, :start] @ x[:start]
            x[blk], inclusion[blk] = _node_posterior(system.A[blk, blk], r, w[blk], rho, tau, supports[int(cards[j])])
        rho = float(np.clip(inclusion.sum() / size, 0.5 / size, 0.9))
        tau = float(np.clip(x.sum() / max(inclusion.sum(), 1e-12), 1e-5, 1.0))
    if exclusion:
        # Averaging over supports can leave every state of a node slightly positive: zero the least
        # supported one so the estimate satisfies Assumption 1.
        for j in range(system.network.n_variables):
            blk = system.block(j)
            if np.all(x[blk] > 0):
                x[int(system.offsets[j]) + int(np.argmin(inclusion[blk]))] = 0.0
    if x.sum() > 1.0:
        x = x / x.sum()
    r = system.residual(x) * w
    return x, {"rho": rho, "tau": tau, "inclusion": inclusion, "chi_square": float(r @ r), "sample_size": n_eff}


# ---------------------------------------------------------------------------------------------- em
def all_targets(network: CausalNetwork) -> np.ndarray:
    """Encoded targets of the observational component and every ``do(X_i = alpha)``: shape (S + 1, n).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> all_targets(net).tolist()
    [[-1], [0], [1]]
    """
    cards = network.cardinalities
    size = int(cards.sum())
    targets = np.full((size + 1, network.n_variables), -1, dtype=np.int64)
    node_of = np.repeat(np.arange(network.n_variables), cards)
    targets[np.arange(1, size + 1), node_of] = np.arange(size) - network._offsets[node_of]
    return targets


def solve_em(
    network: CausalNetwork,
    counts: CountTable,
    *,
    max_iter: int = 5000,
    tol: float = 1e-9,
    init: np.ndarray | None = None,
    canonical: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Appendix D: EM for the weights of the observational and all single-node interventional components.

    E step: responsibilities ``gamma ∝ pi_c P_c(x)``; M step: ``pi_c = mean gamma`` (weighted by counts).
    The component likelihoods ``P_c(x)`` are truncated CPD products (Definition 1).

    Parameters
    ----------
    network : CausalNetwork
    counts : CountTable
        Joint mixture samples over the network's variables.
    max_iter : int
    tol : float
        Stop when the mean log-likelihood improves by less than ``tol``. Iterations are accelerated by
        SQUAREM extrapolation (each accepted step is followed by a plain EM step).
    init : ndarray, shape (S + 1,), optional
        Starting weights (observational first); uniform by default.
    canonical : bool
        The joint likelihood does not identify the weights of a root node ``R``: ``P = sum_a p(R=a)
        P_{R,a}``, so mass moves freely between ``pi_phi`` and ``pi_{R,.}`` along ``p(R, .)``. With
        ``canonical`` the returned weights are the representative satisfying Assumption 1 (the most mass
        moved back to ``pi_phi``, leaving one state of every root at 0); the likelihood is unchanged.

    Returns
    -------
    weights : ndarray, shape (S + 1,)
        ``[pi_phi, pi_{(i, alpha)} in flat order]``.
    info : dict
        ``log_likelihood`` (mean per sample), ``iterations``, ``converged``, ``impossible_rows``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> table = CountTable.from_codes(np.array([[0]] * 3 + [[1]]), ["A"], [["x", "y"]])
    >>> w, info = solve_em(net, table)
    >>> round(float(w[1] - w[2]), 3)   # P_mix(x) - P_mix(y) = pi_x - pi_y
    0.5
    """
    if counts.variables != network.variables:
        counts = counts.reorder(network.variables)
    targets = all_targets(network)
    # Component likelihoods by the truncated factorisation (Definition 1): P_{i,alpha}(x) = 1[x_i = alpha]
    # P(x) / P(x_i | pa_i). Each row has one non-zero per variable (alpha = x_i) plus P_phi(x): stored as
    # the (rows, n) ratios ``ratio`` and the observational column ``base``, scaled per row by ``top``.
    codes = counts.codes.astype(np.int64)
    cond = network.conditional_probabilities(codes)
    zero = cond <= 0.0
    log_cond = np.log(np.where(zero, 1.0, cond))
    log_all = log_cond.sum(axis=1)
    n_zero = zero.sum(axis=1)
    log_ratio = log_all[:, None] - log_cond  # log prod_{k != i} P(x_k | pa_k), ignoring zero factors
    ratio_ok = (n_zero[:, None] == 0) | ((n_zero[:, None] == 1) & zero)
    log_ratio = np.where(ratio_ok, log_ratio, -np.inf)
    log_base = np.where(n_zero == 0, log_all, -np.inf)
    top = np.maximum(log_ratio.max(axis=1), log_base)
    possible = np.isfinite(top)
    ratio = np.exp(log_ratio[possible] - top[possible, None])
    base = np.exp(log_base[possible] - top[possible])
    column = (network._offsets[:-1][None, :] + codes[possible]) + 1  # position of do(X_i = x_i) in pi
    weights = counts.weights[possible]
    top = top[possible]
    total = weights.sum()
    size = targets.shape[0]
    pi = np.full(size, 1.0 / size) if init is None else np.array(init, dtype=float)
    pi = pi / pi.sum()

    def mixture(p: np.ndarray) -> np.ndarray:
        return p[0] * base + np.einsum("un,un->u", p[column], ratio)

    def em_step(p: np.ndarray) -> np.ndarray:  # E and M steps in one: pi_c <- pi_c * mean(P_c(x) / P_mix(x))
        share = weights / mixture(p)
        grad = np.bincount(column.ravel(), weights=(ratio * share[:, None]).ravel(), minlength=size)
        grad[0] = share @ base
        return p * grad / total

    def mean_log_likelihood(p: np.ndarray) -> float:
        return float(weights @ (np.log(mixture(p)) + top)) / total

    value = mean_log_likelihood(pi)
    converged = False
    iteration = 0
    while iteration < int(max_iter):
        # SQUAREM (Varadhan & Roland 2008): two EM steps, an extrapolated step, and a stabilising EM step;
        # plain EM steps are kept whenever the extrapolation does not increase the likelihood.
        p1 = em_step(pi)
        p2 = em_step(p1)
        iteration += 2
        r, v = p1 - pi, p2 - 2 * p1 + pi
        step = -np.sqrt(r @ r) / max(np.sqrt(v @ v), 1e-300)
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
    pi = pi / pi.sum()
    if canonical:
        pi = _exclusion_representative(network, pi)
    info = {
        "log_likelihood": value,
        "iterations": iteration,
        "converged": converged,
        "impossible_rows": int(np.count_nonzero(~possible)),
    }
    return pi / pi.sum(), info


def _exclusion_representative(network: CausalNetwork, pi: np.ndarray) -> np.ndarray:
    """Move mass from each root's interventions back to ``pi_phi`` along ``p(R, .)`` until one weight is 0."""
    pi = pi.copy()
    for j, pars in enumerate(network.parents):
        if pars:
            continue
        blk = slice(1 + int(network._offsets[j]), 1 + int(network._offsets[j + 1]))
        a = network.cpds[j]
        t = float(np.min(pi[blk] / np.maximum(a, 1e-300)))
        if t > 0:
            pi[blk] = np.clip(pi[blk] - t * a, 0.0, None)
            pi[0] += t
    return pi / pi.sum()


# ---------------------------------------------------------------------------------------------- public entry
_OPTIONS = {
    "exact": {"tol"},
    "dimm": {"lam", "epsilon", "n_restarts", "maxiter", "ftol"},
    "nnls": {"penalty", "max_passes", "max_enumerate", "joint", "max_steps", "ridge"},
    "bayes": {"n_sweeps", "rho", "tau", "max_enumerate", "exclusion"},
    "em": {"max_iter", "tol", "canonical"},
}
#: p-value below which the chi-square test says no exclusion-satisfying mixture explains noisy marginals.
EXCLUSION_P_VALUE = 1e-4
#: Largest marginal misfit tolerated for exact marginals (``sample_size=None``).
EXACT_RESIDUAL_TOLERANCE = 1e-6


def as_network(model: object) -> CausalNetwork:
    """Return ``model`` as a :class:`CausalNetwork`, converting a pgmpy model through the adapter.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> as_network(net) is net
    True
    """
    if isinstance(model, CausalNetwork):
        return model
    if type(model).__module__.split(".")[0] == "pgmpy":
        from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy  # lazy: the core never imports pgmpy

        return network_from_pgmpy(model)
    raise DataTypeError(
        f"model must be a CausalNetwork or a pgmpy DiscreteBayesianNetwork, got {type(model).__name__}"
    )


def flat_labels(network: CausalNetwork) -> list[tuple[str, str]]:
    """``(variable, state)`` of each flat position (topological order, states in order).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
    >>> flat_labels(net)
    [('A', 'x'), ('A', 'y')]
    """
    return [(v, s) for v, st in zip(network.variables, network.states, strict=True) for s in st]


def _components(network: CausalNetwork, x: np.ndarray, min_weight: float) -> tuple[list[Component], float]:
    """Components with weight above ``min_weight``, renormalised to sum 1, and the dropped mass."""
    full = np.concatenate([[max(1.0 - float(np.clip(x, 0, None).sum()), 0.0)], np.clip(x, 0.0, None)])
    full /= full.sum()
    keep = full > min_weight
    if not keep.any():
        keep[int(np.argmax(full))] = True
    dropped = float(full[~keep].sum())
    kept = np.where(keep, full, 0.0)
    kept /= kept.sum()
    labels: list[dict[str, str]] = [{}] + [{v: s} for v, s in flat_labels(network)]
    return [Component(labels[c], kept[c]) for c in np.flatnonzero(keep)], dropped


def _exclusion_check(system: MarginalSystem, sample_size: float | None) -> tuple[str | None, dict[str, float]]:
    """Is there an exclusion-satisfying mixture that explains the marginals (within noise)?"""
    if sample_size is None:
        x, _ = solve_exact(system)
        total = float(x.sum())
        if total <= 1.0 + EXACT_RESIDUAL_TOLERANCE and x.min() >= -EXACT_RESIDUAL_TOLERANCE:
            return None, {"exact_weight_total": total}
        fitted, _ = solve_nnls(system)
        residual = float(np.abs(system.residual(fitted)).max())
        if residual <= EXACT_RESIDUAL_TOLERANCE:
            return None, {"exact_weight_total": total}
        return (
            "no mixture of the observational distribution and single-node interventions that leaves one state "
            f"of every variable out explains the marginals: Theorem 1's weights sum to {total:.6g} > 1 and the "
            f"best valid mixture misses a marginal by {residual:.3g}"
        ), {"exact_weight_total": total, "exclusion_residual": residual}
    from scipy.stats import chi2

    # Per node, Theorem 1's construction always fits the marginals exactly with non-negative weights
    # leaving a state out; the only way to fail is weights summing to more than 1. Then the best valid
    # mixture (sum <= 1, same supports) is tested against sampling noise: one active constraint, 1 d.o.f.
    x_exact, _ = solve_exact(system)
    total = float(x_exact.sum())
    if total <= 1.0:
        return None, {"exact_weight_total": total}
    w = chi_square_weights(system.mixture, sample_size)
    x = _polish(system, w, np.flatnonzero(x_exact > 0))
    r = system.residual(x) * w
    stat = float(r @ r)
    p_value = float(chi2.sf(stat, 1))
    details = {"exact_weight_total": total, "exclusion_chi_square": stat, "exclusion_p_value": p_value}
    if p_value >= EXCLUSION_P_VALUE:
        return None, details
    residual = float(np.abs(system.residual(x)).max())
    details["exclusion_residual"] = residual
    return (
        "no exclusion-satisfying mixture of single-node interventions explains the marginals within sampling "
        f"noise (N={sample_size:g}): Theorem 1's weights sum to {total:.6g} > 1; the best valid mixture has "
        f"chi-square {stat:.4g} (p={p_value:.2g}) and misses a marginal by {residual:.3g}"
    ), details


def disentangle_marginals(
    model: object,
    marginals: object = None,
    *,
    method: str = "auto",
    data: object = None,
    sample_size: float | None = None,
    random_state: int | np.random.Generator | None = None,
    min_weight: float | None = None,
    oracle: InterventionalMarginals | None = None,
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Recover the mixing weights of single-node interventions from per-variable marginals (DIMM, AAAI 2020).

    Parameters
    ----------
    model : CausalNetwork or pgmpy.models.DiscreteBayesianNetwork
        The known causal network (CPDs included).
    marginals : dict, pandas Series or DataFrame
        ``P_mix(X_j = beta)`` for every variable: ``{variable: {state: probability}}``, a Series indexed
        by ``(variable, state)`` or a ``variable, state, probability`` table; see
        :func:`~pgmpy_mixture.validation.check_marginals` (sums must be 1 within 1e-6). Optional for
        ``method="em"`` (then computed from ``data``). A ``dask.dataframe.DataFrame`` of mixture samples is
        reduced by Dask to its per-variable marginals (and ``sample_size`` to its row count when not given).
    method : {"auto", "exact", "dimm", "bayes", "nnls", "em"}
        ``"auto"`` is ``"bayes"`` when ``sample_size`` is known (estimated marginals) and ``"exact"``
        otherwise (exact marginals). See the module docstring.
    data : pandas DataFrame or CountTable, optional
        Joint mixture samples (state names), required by ``"em"``.
    sample_size : float, optional
        Number of samples behind estimated marginals (``nnls`` noise scale and the exclusion test);
        ``None`` means the marginals are exact (taken from ``data`` when given).
    random_state : int or numpy Generator, optional
        Seeds the random restarts of ``"dimm"``.
    min_weight : float, optional
        Components with a smaller weight are left out of the result (and the rest renormalised; the
        dropped mass is ``diagnostics["dropped_weight"]`` and every weight stays in
        ``diagnostics["weights"]``); default ``1e-9`` for exact marginals, ``1e-3`` (the paper's threshold,
        Section 5.4) for estimated ones.
    oracle : InterventionalMarginals, optional
        Precomputed oracle marginals of ``model`` (saves their computation on repeated calls).
    progress : bool
        Show a tqdm progress bar over the SLSQP restarts of ``"dimm"`` (the only slow method).
    **options
        Method settings: ``exact``: ``tol``; ``dimm``: ``lam`` (0.1), ``epsilon`` (1e-5), ``n_restarts`` (10),
        ``maxiter``, ``ftol``; ``nnls``: ``penalty`` ("bic"), ``max_passes``, ``max_enumerate``;
        ``em``: ``max_iter``, ``tol``, ``canonical``; ``bayes``: ``n_sweeps``, ``rho``, ``tau``,
        ``max_enumerate``, ``exclusion``.

    Returns
    -------
    MixtureResult
        One-entry or empty targets, weights summing to 1. ``diagnostics`` holds ``residual`` (largest
        marginal misfit), ``objective`` (OPT's objective with lambda = 0.1), ``seconds``, ``weights``
        (every ``pi_{i,alpha}``, keyed by ``(variable, state)``) and method-specific values.

    Warns
    -----
    ExclusionWarning
        When no exclusion-satisfying mixture explains the marginals (exactly, or within sampling noise
        when ``sample_size`` is given); the message carries the residual.
    PositivityWarning
        When some state has zero observational probability (Theorem 1 then does not identify its weight).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([0.4, 0.6]), "B": np.array([[0.9, 0.1], [0.3, 0.7]])})
    >>> # 70 % observational, 30 % do(A=a0): P_mix(A=a0) = 0.7 * 0.4 + 0.3, P_mix(B=b0) = 0.7 * 0.54 + 0.3 * 0.9
    >>> marginals = {"A": {"a0": 0.58, "a1": 0.42}, "B": {"b0": 0.648, "b1": 0.352}}
    >>> result = disentangle_marginals(net, marginals, method="exact")
    >>> [(c.label, round(c.weight, 6)) for c in result]
    [('observational', 0.7), ('do(A=a0)', 0.3)]
    """
    started = time.perf_counter()
    check_choice("method", method, METHODS)
    network = as_network(model)
    resolved = method
    counts = None
    if is_dask_frame(marginals):  # samples in Dask: only per-variable value counts are computed (issue 6)
        marginals, size = to_marginals(marginals, network.variables, network.states, return_sample_size=True)
        sample_size = size if sample_size is None else sample_size
    if is_chunked_or_distributed(data):  # chunk iterators and dask frames reduce to the count table (issue 6)
        data = to_count_table(data, network.variables, network.states)
    if data is not None:
        if isinstance(data, CountTable):
            counts = data
        else:
            counts = CountTable.from_frame(data, network.variables, network.states)
        if counts.variables != network.variables:
            counts = counts.reorder(network.variables)
        if sample_size is None and not counts.is_distribution:
            sample_size = counts.total
    if resolved == "em" and counts is None:
        raise ParameterError("method='em' needs joint samples: pass data=<DataFrame of samples>")
    if marginals is None:
        if counts is None:
            raise ParameterError("marginals are required (only method='em' can work from data alone)")
        flat = np.concatenate([counts.marginal(v) for v in network.variables])
    else:
        flat = check_marginals(marginals, network.variables, network.states)
    if sample_size is not None:
        sample_size = float(sample_size)
        if not np.isfinite(sample_size) or sample_size <= 0:
            raise ParameterError(f"sample_size must be a positive number, got {sample_size}")
    if oracle is None:
        oracle = interventional_marginals(network)
    elif oracle.network is not network:
        raise ParameterError("oracle was computed for a different network")
    system = MarginalSystem(oracle, flat)
    warn_list: list[str] = []
    zero = [lab for lab, p in zip(flat_labels(network), oracle.observational, strict=True) if p <= 1e-12]
    if zero:
        msg = f"states with zero observational probability (their weights are not identifiable): {zero[:10]}"
        warn_at_caller(msg, PositivityWarning)
        warn_list.append(msg)
    if resolved == "auto":
        resolved = "exact" if sample_size is None else "bayes"
    unknown = sorted(set(options) - _OPTIONS[resolved])
    if unknown:
        known = sorted(_OPTIONS[resolved])
        raise ParameterError(f"unknown option(s) {unknown} for method {resolved!r}; known: {known}")
    if resolved == "bayes" and sample_size is None:
        raise ParameterError("method='bayes' needs sample_size= (the number of samples behind the marginals)")
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    if resolved == "exact":
        x, info = solve_exact(system, **options)
    elif resolved == "dimm":
        x, info = solve_dimm(system, rng=rng, progress=progress, **options)
    elif resolved == "nnls":
        x, info = solve_nnls(system, sample_size=sample_size, **options)
    elif resolved == "bayes":
        x, info = solve_bayes(system, sample_size=sample_size, **options)
    else:
        full, info = solve_em(network, counts, **options)
        x = full[1:]
    message, check = _exclusion_check(system, sample_size)
    if message is not None:
        warn_at_caller(message, ExclusionWarning)
        warn_list.append(message)
    if min_weight is None:
        min_weight = 1e-9 if sample_size is None else 1e-3
    components, dropped = _components(network, x, float(min_weight))
    info = {k: v for k, v in info.items() if k not in ("objectives", "inclusion")}
    diagnostics = {
        "residual": float(np.abs(system.residual(x)).max()),
        "objective": opt_objective(system, x, 0.1),
        "seconds": time.perf_counter() - started,
        "oracle_seconds": oracle.seconds,
        "weights": dict(zip(flat_labels(network), x.tolist(), strict=True)),
        "observational_weight": 1.0 - float(x.sum()),
        "dropped_weight": dropped,
        **info,
        **check,
    }
    settings = {"method": resolved, "sample_size": sample_size, "min_weight": float(min_weight), **options}
    return MixtureResult(
        components,
        method=resolved,
        network=network,
        sample_size=sample_size,
        options=settings,
        warnings=tuple(warn_list),
        diagnostics=diagnostics,
    )
