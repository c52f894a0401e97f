"""DIMM's own estimator (AAAI 2020, Appendix C): OPT(epsilon) solved by SLSQP from random restarts.

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

The paper's ``OPT(epsilon)`` (Appendix C, Definition 5) solved with scipy's SLSQP (Appendix C.2):
``min max_j ||A_j x_j - b_j||_2 + lambda ||x||_2`` subject to ``x >= 0``, ``sum x <= 1`` and the relaxed
exclusion ``epsilon - min_k x_{j,k} >= 0``; ``lambda = 0.1``, ``epsilon = 1e-5`` (Section 5.1); best
objective over random restarts (footnote 9). Kept faithful: it is the baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize

from pgmpy_mixture.aggregate.system import MarginalSystem

__all__ = ["solve_dimm"]


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
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
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

