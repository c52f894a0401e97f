"""Exact single-variable marginals of the observational and every single-node interventional distribution.

DIMM (Sinha et al., AAAI 2020) needs, for every node ``X_i`` and state ``alpha`` and every node ``X_j``
and state ``beta``, the oracle marginals ``p_{i,alpha}(j, beta) = P(X_j = beta | do(X_i = alpha))`` and
``p(j, beta) = P(X_j = beta)`` (Problem 1, item 2; Section 4.3).

They are computed together, as the single-variable marginals of the mutilated networks (the CPD of ``X_i``
replaced by a point mass on ``alpha``: truncated factorisation, Definition 1; the paper's "surgery", Section 4.3)
propagated through one junction tree with a leading axis per distribution (observational plus one per
``(i, alpha)``): :mod:`pgmpy_mixture.model.junction_tree`. The batch of distributions is processed in chunks so
that memory stays bounded; a network whose junction tree alone exceeds the budget is refused with a
:class:`~pgmpy_mixture.errors.ModelError` naming the table size.

On ALARM (37 nodes, 105 states) all 106 distributions x 37 marginals take well under a second; on the bundled
networks up to a few hundred nodes (andes, pigs, link, diabetes, the munin subnetworks) seconds to minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import DataTypeError, ModelError, ParameterError
from pgmpy_mixture.model.junction_tree import interventional_table, junction_tree
from pgmpy_mixture.model.network import CausalNetwork

#: Largest number of float64 entries held by the batched junction-tree tables of one chunk (about 128 MB).
MAX_TENSOR_ENTRIES = 16_000_000
#: Networks whose junction tree needs more float64 entries than this for a single distribution (about 800 MB)
#: are refused unless ``max_entries`` allows more.
LARGEST_TABLE = 100_000_000


@dataclass(frozen=True, eq=False)
class InterventionalMarginals:
    """All single-variable marginals ``P(X_j = beta)`` and ``P(X_j = beta | do(X_i = alpha))`` of a network.

    States are laid out flat: the columns of :attr:`observational` and :attr:`interventional` and
    the rows of :attr:`interventional` follow the network's variables in topological order, each
    with its states in order (position ``offsets[i] + code``).

    Parameters
    ----------
    network : CausalNetwork
    observational : ndarray, shape (S,)
        ``p(j, beta)``, with ``S`` the total number of states.
    interventional : ndarray, shape (S, S)
        Row ``(i, alpha)``, column ``(j, beta)``: ``p_{i,alpha}(j, beta)``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([0.3, 0.7]), "B": np.array([[0.9, 0.1], [0.2, 0.8]])})
    >>> m = interventional_marginals(net)
    >>> m.observational.round(3).tolist()
    [0.3, 0.7, 0.41, 0.59]
    >>> m.marginal("B", do=("A", "a0")).round(3).tolist()
    [0.9, 0.1]
    """

    network: CausalNetwork
    observational: np.ndarray
    interventional: np.ndarray
    seconds: float = 0.0
    _labels: tuple = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.observational.setflags(write=False)
        self.interventional.setflags(write=False)
        labels = tuple((v, s) for v, st in zip(self.network.variables, self.network.states, strict=True) for s in st)
        object.__setattr__(self, "_labels", labels)

    @property
    def offsets(self) -> np.ndarray:
        """Start of each variable's block of states in the flat layout (length n + 1)."""
        return self.network._offsets

    @property
    def labels(self) -> tuple[tuple[str, str], ...]:
        """``(variable, state)`` of every flat position."""
        return self._labels

    def position(self, variable: str, state: object) -> int:
        """Flat position of ``(variable, state)``.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> interventional_marginals(net).position("A", "y")
        1
        """
        return int(self.offsets[self.network.index(variable)]) + self.network.state_code(variable, state)

    def marginal(self, variable: str, do: tuple[str, object] | None = None) -> np.ndarray:
        """``P(variable)`` or ``P(variable | do(X_i = alpha))`` for ``do=(X_i, alpha)``.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.25, .75])})
        >>> interventional_marginals(net).marginal("A", do=("A", "y")).tolist()
        [0.0, 1.0]
        """
        j = self.network.index(variable)
        block = slice(int(self.offsets[j]), int(self.offsets[j + 1]))
        if do is None:
            return self.observational[block].copy()
        return self.interventional[self.position(*do), block].copy()

    def to_frame(self) -> pd.DataFrame:
        """Rows ``(variable, state)``; columns ``observational`` and ``do(X_i=alpha)`` for every intervention.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.25, .75])})
        >>> interventional_marginals(net).to_frame().columns.tolist()
        ['observational', 'do(A=x)', 'do(A=y)']
        """
        index = pd.MultiIndex.from_tuples(self.labels, names=["variable", "state"])
        frame = pd.DataFrame(self.interventional.T, index=index, columns=[f"do({v}={s})" for v, s in self.labels])
        frame.insert(0, "observational", self.observational)
        return frame


def descendants(network: CausalNetwork) -> np.ndarray:
    """Boolean (n, n) matrix: ``out[i, j]`` is True when ``X_j`` is ``X_i`` or one of its descendants.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[.5, .5], [.5, .5]])})
    >>> descendants(net).tolist()
    [[True, True], [False, True]]
    """
    n = network.n_variables
    reach = np.eye(n, dtype=bool)
    for j in range(n):  # topological order: parents' ancestor sets are complete before j
        for p in network.parents[j]:
            reach[:, j] |= reach[:, p]
    return reach


def interventional_marginals(network: CausalNetwork, *, max_entries: int | None = None) -> InterventionalMarginals:
    """Exact marginals of every variable under no intervention and under every ``do(X_i = alpha)``.

    Parameters
    ----------
    network : CausalNetwork
    max_entries : int, optional
        Memory budget (float64 entries) of the batched junction-tree tables; defaults to
        :data:`MAX_TENSOR_ENTRIES`. The batch of distributions is split to respect it.

    Returns
    -------
    InterventionalMarginals

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([0.5, 0.5]), "B": np.array([[1.0, 0.0], [0.5, 0.5]])})
    >>> interventional_marginals(net).interventional.round(2).tolist()[1]
    [0.0, 1.0, 0.5, 0.5]
    """
    import time

    if not isinstance(network, CausalNetwork):
        raise DataTypeError(f"network must be a CausalNetwork, got {type(network).__name__}")
    if max_entries is not None and int(max_entries) < 1:
        raise ParameterError(f"max_entries must be a positive integer, got {max_entries!r}")
    start = time.perf_counter()
    budget = MAX_TENSOR_ENTRIES if max_entries is None else int(max_entries)
    tree = junction_tree(network)
    if tree.largest > max(budget, LARGEST_TABLE):
        raise ModelError(
            f"exact interventional marginals of this network need a junction-tree table of {tree.largest:.3g} "
            f"float64 entries (its largest clique) for each distribution, above the limit of "
            f"{max(budget, LARGEST_TABLE):.3g} (raise max_entries to allow more memory)"
        )
    cards = network.cardinalities
    reach = descendants(network)
    table = interventional_table(network, tree, reach, budget=budget)
    # Rounded CPDs (e.g. read from BIF files) leave blocks summing to 1 only up to ~1e-8: renormalise.
    sums = np.add.reduceat(table, network._offsets[:-1], axis=1)
    table /= np.repeat(sums, cards, axis=1)
    # Non-descendants of X_i keep their observational marginal exactly (Definition 1).
    rows = np.repeat(reach, cards, axis=0)
    unaffected = ~np.repeat(rows, cards, axis=1)
    inter = table[1:]
    inter[unaffected] = np.broadcast_to(table[0], inter.shape)[unaffected]
    return InterventionalMarginals(
        network=network,
        observational=table[0].copy(),
        interventional=table[1:].copy(),
        seconds=time.perf_counter() - start,
    )
