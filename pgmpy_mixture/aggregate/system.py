"""The linear system of DIMM (AAAI 2020, Appendix C.1) and the enumeration of its components.

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

Every solver of :mod:`pgmpy_mixture.aggregate` works on :class:`MarginalSystem`; the unknowns follow the flat
``(variable, state)`` layout of :func:`flat_labels`, and :func:`all_targets` enumerates the components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.model.marginals import InterventionalMarginals
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["MarginalSystem", "all_targets", "chi_square_weights", "flat_labels", "opt_objective"]


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
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
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
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> system = MarginalSystem(interventional_marginals(net), np.array([0.5, 0.5]))
    >>> opt_objective(system, np.zeros(2))
    0.0
    """
    return float(system.node_residual_norms(x).max() + lam * np.linalg.norm(x))



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



def chi_square_weights(mixture: np.ndarray, sample_size: float) -> np.ndarray:
    """Row weights ``sqrt(N / p_mix(j, beta))`` making squared residuals Pearson chi-square terms.

    Examples
    --------
    >>> chi_square_weights(np.array([0.25, 0.75]), 100).round(3).tolist()
    [20.0, 11.547]
    """
    floor = 0.5 / sample_size
    return np.sqrt(sample_size / np.maximum(mixture, floor))

