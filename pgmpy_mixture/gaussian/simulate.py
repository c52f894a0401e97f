"""Linear Gaussian SEM simulator for mixtures of interventions (Kumar, Shiragur, Uhler, NeurIPS 2024, Section 5).

The model is ``X = B X + eps`` with ``B`` strictly lower triangular in the variables' (topological) order and
``eps ~ N(nu, diag(omega))``. The observational component has ``nu = 0`` and ``omega = 1``. An intervention on node
``j`` replaces node ``j``'s mechanism:

* ``"do"`` (the paper's simulation): incoming edges cut, noise mean ``do_mean`` (1.0) and variance ``do_variance``
  (1e-9);
* ``"soft"``: incoming edges kept, the noise mean is shifted by ``mean_shift`` and the noise variance multiplied
  by ``variance_scale`` (the intervention *strength* of the paper's Theorem 4.1 / Figure 7).

Targets are single nodes: ``"all"`` intervenes on every node once (``d`` interventional components) and ``"half"``
on a random half of them; the observational component is always present. Samples per component are equal (as in
the authors' code) unless ``weights`` are given.

Examples
--------
>>> sim = simulate_linear_mixture(n_nodes=3, n_samples=600, targets="all", random_state=0)
>>> sim.data.shape, sim.n_components, sim.targets[0]
((600, 3), 4, frozenset())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.errors import ParameterError

__all__ = ["LinearSEM", "SimulatedMixture", "random_linear_sem", "simulate_linear_mixture", "component_moments"]


@dataclass(frozen=True)
class LinearSEM:
    """A linear SEM ``X = B X + eps``, ``eps ~ N(0, diag(noise_variance))``.

    Parameters
    ----------
    weights : ndarray (d, d)
        ``weights[j, i]`` is the coefficient of ``X_i`` in ``X_j``'s equation (non-zero means edge ``i -> j``);
        strictly lower triangular.
    noise_variance : ndarray (d,)
        Observational noise variances.

    Examples
    --------
    >>> sem = random_linear_sem(4, rng=np.random.default_rng(0))
    >>> sem.adjacency.shape, bool(np.all(np.triu(sem.weights) == 0))
    ((4, 4), True)
    """

    weights: np.ndarray
    noise_variance: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of variables.

        Examples
        --------
        >>> LinearSEM(np.array([[0.0, 0.0], [0.7, 0.0]]), np.ones(2)).n_nodes
        2
        """
        return int(self.weights.shape[0])

    @property
    def adjacency(self) -> np.ndarray:
        """Boolean ``(d, d)`` matrix, ``adjacency[i, j]`` True when ``i -> j``.

        Examples
        --------
        >>> LinearSEM(np.array([[0.0, 0.0], [0.7, 0.0]]), np.ones(2)).adjacency.astype(int).tolist()
        [[0, 1], [0, 0]]
        """
        return (self.weights != 0).T


@dataclass(frozen=True)
class SimulatedMixture:
    """Samples from a mixture of interventions on one linear SEM, with the ground truth.

    Attributes
    ----------
    data : ndarray (n, d)
    labels : ndarray (n,) of int, the component of each row (0 is observational).
    sem : LinearSEM
    targets : list of frozenset of int, per component (``targets[0]`` is empty).
    weights : ndarray, the true mixing weights.
    means, covariances : ndarray (K, d), (K, d, d), the true component moments.
    kind : str, ``"do"`` or ``"soft"``.

    Examples
    --------
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=30, random_state=1)
    >>> sim.means.shape, sim.covariances.shape
    ((3, 2), (3, 2, 2))
    """

    data: np.ndarray
    labels: np.ndarray
    sem: LinearSEM
    targets: list
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    kind: str

    @property
    def n_components(self) -> int:
        """Number of mixture components (observational included).

        Examples
        --------
        >>> simulate_linear_mixture(n_nodes=3, n_samples=40, targets="all", random_state=0).n_components
        4
        """
        return len(self.targets)


def random_linear_sem(
    n_nodes: int, edge_probability: float = 0.8, weight_range: tuple[float, float] = (0.5, 1.0),
    rng: np.random.Generator | None = None,
) -> LinearSEM:
    """Random DAG (lower triangular, edge probability ``edge_probability``) with weights uniform on +-[lo, hi].

    Examples
    --------
    >>> sem = random_linear_sem(5, edge_probability=1.0, rng=np.random.default_rng(3))
    >>> int(sem.adjacency.sum()), bool(np.all(np.abs(sem.weights[sem.weights != 0]) >= 0.5))
    (10, True)
    """
    if n_nodes < 1:
        raise ParameterError(f"n_nodes must be >= 1, got {n_nodes}")
    if not 0.0 <= edge_probability <= 1.0:
        raise ParameterError(f"edge_probability must be in [0, 1], got {edge_probability}")
    rng = np.random.default_rng(rng)
    lo, hi = weight_range
    mask = np.tril(rng.random((n_nodes, n_nodes)) < edge_probability, k=-1)
    values = rng.uniform(lo, hi, (n_nodes, n_nodes)) * rng.choice([-1.0, 1.0], (n_nodes, n_nodes))
    return LinearSEM(np.where(mask, values, 0.0), np.ones(n_nodes))


def _component_parameters(
    sem: LinearSEM, target: frozenset, kind: str, do_mean: float, do_variance: float, mean_shift: float,
    variance_scale: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weights = sem.weights.copy()
    nu = np.zeros(sem.n_nodes)
    omega = sem.noise_variance.astype(float).copy()
    for j in target:
        if kind == "do":
            weights[j, :] = 0.0
            nu[j] = do_mean
            omega[j] = do_variance
        else:
            nu[j] += mean_shift
            omega[j] *= variance_scale
    return weights, nu, omega


def component_moments(weights: np.ndarray, nu: np.ndarray, omega: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of ``X = B X + eps``, ``eps ~ N(nu, diag(omega))``.

    Examples
    --------
    >>> m, c = component_moments(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([1.0, 0.0]), np.ones(2))
    >>> m.tolist(), c.tolist()
    ([1.0, 2.0], [[1.0, 2.0], [2.0, 5.0]])
    """
    inverse = np.linalg.inv(np.eye(len(nu)) - weights)
    return inverse @ nu, inverse @ np.diag(omega) @ inverse.T


def simulate_linear_mixture(
    n_nodes: int = 4, n_samples: int = 1024, targets: str | Sequence[Sequence[int]] = "all", kind: str = "do",
    edge_probability: float = 0.8, do_mean: float = 1.0, do_variance: float = 1e-9, mean_shift: float = 2.0,
    variance_scale: float = 4.0, weights: Sequence[float] | None = None, shuffle: bool = True,
    random_state: int | np.random.Generator | None = None,
) -> SimulatedMixture:
    """Draw ``n_samples`` rows from the observational component plus single-node interventions.

    Parameters
    ----------
    n_nodes : int
    n_samples : int
        Total rows (split equally between components unless ``weights`` is given).
    targets : "all", "half" or a list of node-index lists
        Which nodes are intervened (one component per node for "all"/"half"; an explicit list gives one component
        per entry; the observational component is added in front).
    kind : "do" or "soft"
    edge_probability, do_mean, do_variance, mean_shift, variance_scale : float
        See the module docstring.
    weights : sequence of float, optional
        Mixing weights (observational first); rows are drawn multinomially.
    shuffle : bool
        Shuffle rows (labels are shuffled with them).
    random_state : int or Generator

    Returns
    -------
    SimulatedMixture

    Examples
    --------
    >>> sim = simulate_linear_mixture(n_nodes=4, n_samples=500, targets="half", random_state=0)
    >>> sim.n_components, [sorted(t) for t in sim.targets]
    (3, [[], [2], [3]])
    """
    if kind not in ("do", "soft"):
        raise ParameterError(f"kind must be 'do' or 'soft', got {kind!r}")
    if n_samples < 1:
        raise ParameterError(f"n_samples must be >= 1, got {n_samples}")
    rng = np.random.default_rng(random_state)
    sem = random_linear_sem(n_nodes, edge_probability, rng=rng)
    if isinstance(targets, str):
        if targets == "all":
            chosen = list(range(n_nodes))
        elif targets == "half":
            chosen = sorted(rng.choice(n_nodes, size=max(1, n_nodes // 2), replace=False).tolist())
        else:
            raise ParameterError(f"targets must be 'all', 'half' or a list of node lists, got {targets!r}")
        target_sets = [frozenset()] + [frozenset([j]) for j in chosen]
    else:
        target_sets = [frozenset()]
        for t in targets:
            bad = [j for j in t if not 0 <= int(j) < n_nodes]
            if bad:
                raise ParameterError(f"target node {bad[0]} is outside 0..{n_nodes - 1}")
            target_sets.append(frozenset(int(j) for j in t))
    k = len(target_sets)
    if weights is None:
        counts = np.full(k, n_samples // k)
        counts[: n_samples - counts.sum()] += 1
        pi = np.full(k, 1.0 / k)
    else:
        pi = np.asarray(weights, dtype=float)
        if pi.shape != (k,) or np.any(pi < 0) or not np.isclose(pi.sum(), 1.0):
            raise ParameterError(f"weights must be {k} non-negative numbers summing to 1")
        counts = rng.multinomial(n_samples, pi)
    means = np.empty((k, n_nodes))
    covs = np.empty((k, n_nodes, n_nodes))
    blocks, labels = [], []
    for c, target in enumerate(target_sets):
        w, nu, omega = _component_parameters(sem, target, kind, do_mean, do_variance, mean_shift, variance_scale)
        means[c], covs[c] = component_moments(w, nu, omega)
        noise = nu + rng.standard_normal((counts[c], n_nodes)) * np.sqrt(omega)
        # X = (I - B)^{-1} eps, row-wise: X^T = eps^T (I - B)^{-T}
        blocks.append(np.linalg.solve(np.eye(n_nodes) - w, noise.T).T)
        labels.append(np.full(counts[c], c))
    data = np.concatenate(blocks)
    lab = np.concatenate(labels)
    if shuffle:
        perm = rng.permutation(len(lab))
        data, lab = data[perm], lab[perm]
    return SimulatedMixture(data, lab, sem, target_sets, pi, means, covs, kind)
