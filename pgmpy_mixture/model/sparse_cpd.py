"""Sparse CPDs: the columns ``P(. | pa)`` of a large table kept only for the parent configurations that occur.

A node with 16 parents of 3 states has ``3^16 = 43,046,721`` parent configurations, a dense table of 129 million
entries (1 GiB), while a million data rows touch at most a million of them. :class:`SparseCPD` stores

* the columns of the configurations it knows, keyed by their **mixed-radix configuration index** (first parent
  slowest, the order of a dense table's ``reshape(-1, card)`` rows), as sorted keys looked up with
  :func:`numpy.searchsorted`, and
* one **rule for every other configuration**: either one fixed ``default`` column (a CPD fitted from data gives
  every parent setting it never saw the uniform distribution, exactly like the dense fit), or a column **drawn
  lazily** from a symmetric Dirichlet(``alpha``) by a counter-based generator keyed by ``(seed, configuration,
  state)`` (a simulated network: the same configuration always gets the same column, whichever other
  configurations are asked for, in whatever batches, so the network is one fixed distribution).

:class:`~pgmpy_mixture.model.network.CausalNetwork` accepts a :class:`SparseCPD` wherever it accepts a dense
table and answers every probability query the same way; :func:`~pgmpy_mixture.model.fitting.fit_network` and
:func:`~pgmpy_mixture.discrete.simulate.random_network` build one automatically when the dense table would have
more than :data:`SPARSE_CPD_ENTRIES` entries. Code that still wants the dense array gets it from
``numpy.asarray(cpd)``, refused with a :class:`~pgmpy_mixture.errors.ModelError` when it would not fit in memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaincinv

from pgmpy_mixture.errors import DataValueError, ModelError
from pgmpy_mixture.validation import check_allocation

__all__ = ["MAX_CONFIGURATIONS", "SPARSE_CPD_ENTRIES", "SparseCPD", "configuration_index", "configuration_strides"]

#: dense tables with more entries than this (32 MiB of float64) are built sparse by the fitting and the simulation
SPARSE_CPD_ENTRIES = 1 << 22
#: the largest number of entries (configurations x states) whose mixed-radix index fits in int64 with room to spare
MAX_CONFIGURATIONS = 1 << 62

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def configuration_strides(cards: Sequence[int]) -> np.ndarray:
    """Strides of the mixed-radix configuration index over variables of ``cards`` states (first one slowest).

    Examples
    --------
    >>> configuration_strides([2, 3, 4]).tolist()
    [12, 4, 1]
    """
    stride = np.ones(len(cards), dtype=np.int64)
    for k in range(len(cards) - 2, -1, -1):
        stride[k] = stride[k + 1] * int(cards[k + 1])
    return stride


def configuration_index(codes: np.ndarray, columns: Sequence[int], cards: Sequence[int]) -> np.ndarray:
    """Mixed-radix index of the configuration of ``columns`` in every row of ``codes`` (first column slowest).

    Parameters
    ----------
    codes : ndarray of int, shape (rows, variables)
        State codes.
    columns : sequence of int
        Columns forming the configuration (a CPD's parents, in its axis order).
    cards : sequence of int
        Number of states of each of ``columns``; their product must stay below :data:`MAX_CONFIGURATIONS`.

    Returns
    -------
    ndarray of int64, shape (rows,)

    Examples
    --------
    >>> import numpy as np
    >>> configuration_index(np.array([[1, 2, 0], [0, 1, 1]]), [0, 1], [2, 3]).tolist()
    [5, 1]
    """
    if math.prod(int(c) for c in cards) > MAX_CONFIGURATIONS:
        raise ModelError(f"{math.prod(int(c) for c in cards):.3g} configurations have no int64 index")
    index = np.zeros(codes.shape[0], dtype=np.int64)
    for column, card in zip(columns, cards, strict=True):
        index *= int(card)
        index += codes[:, column].astype(np.int64)
    return index


def _mix64(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64): consecutive inputs give independent-looking uniform words."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def _checked_columns(table: np.ndarray, card: int, what: str) -> np.ndarray:
    """Validate probability columns (rows of ``table``) and renormalise them to sum to 1 exactly."""
    table = np.array(table, dtype=np.float64).reshape(-1, card)
    if not np.all(np.isfinite(table)) or np.any(table < 0):
        raise ModelError(f"{what} has negative or non-finite entries")
    sums = table.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        raise ModelError(f"{what} has a column that does not sum to 1")
    if sums.size and np.max(np.abs(sums - 1.0)) > 1e-13:
        table /= sums[:, None]
    table.setflags(write=False)
    return table


@dataclass(frozen=True, eq=False)
class SparseCPD:
    """A CPD ``P(X | parents)`` stored column by column for the parent configurations that occur.

    Parameters
    ----------
    parent_cards : tuple of int
        Number of states of each parent, in the CPD's axis order.
    card : int
        Number of states of the variable itself.
    keys : ndarray of int64, shape (K,)
        Strictly increasing mixed-radix indices (first parent slowest) of the stored configurations.
    table : ndarray of float, shape (K, card)
        ``table[i]`` is ``P(. | configuration keys[i])``; each row sums to 1 within 1e-6 (stored renormalised).
    default : ndarray of float, shape (card,), optional
        The column of every configuration not in ``keys``.
    alpha, seed : float and int, optional
        Without ``default``: the column of a configuration not in ``keys`` is drawn from a symmetric
        Dirichlet(``alpha``), as a pure function of ``(seed, configuration)`` (gamma variates by the inverse
        regularised incomplete gamma function of counter-based uniforms), so it never changes.

    Examples
    --------
    >>> import numpy as np
    >>> cpd = SparseCPD((3, 3), 2, np.array([4]), np.array([[0.9, 0.1]]), default=np.array([0.5, 0.5]))
    >>> cpd.shape, cpd.columns(np.array([4, 0])).tolist()
    ((3, 3, 2), [[0.9, 0.1], [0.5, 0.5]])
    >>> lazy = SparseCPD.dirichlet((3,) * 16, 3, alpha=2.0, seed=7)    # 43 million configurations, nothing stored
    >>> bool(np.allclose(lazy.columns(np.array([5, 10**7])).sum(axis=1), 1.0))
    True
    >>> bool(np.array_equal(lazy.columns(np.array([10**7])), lazy.columns(np.array([1, 10**7]))[1:]))
    True
    """

    parent_cards: tuple[int, ...]
    card: int
    keys: np.ndarray
    table: np.ndarray
    default: np.ndarray | None = None
    alpha: float | None = None
    seed: int | None = None
    n_configs: int = field(init=False)

    def __post_init__(self) -> None:
        parent_cards = tuple(int(c) for c in self.parent_cards)
        card = int(self.card)
        if card < 1 or any(c < 1 for c in parent_cards):
            raise ModelError(f"a sparse CPD needs positive cardinalities, got {parent_cards} and {card}")
        n_configs = math.prod(parent_cards)
        if n_configs * card > MAX_CONFIGURATIONS:
            raise ModelError(f"a sparse CPD of {n_configs * card:.3g} entries has no int64 configuration index")
        keys = np.array(self.keys, dtype=np.int64).reshape(-1)
        if keys.size and (keys[0] < 0 or keys[-1] >= n_configs or np.any(np.diff(keys) <= 0)):
            raise ModelError(f"sparse CPD keys must be strictly increasing configuration indices in [0, {n_configs})")
        table = _checked_columns(self.table, card, "a sparse CPD's table")
        if table.shape[0] != keys.size:
            raise ModelError(f"a sparse CPD has {keys.size} keys but {table.shape[0]} columns")
        keys.setflags(write=False)
        default = None
        if self.default is not None:
            if self.alpha is not None or self.seed is not None:
                raise ModelError("a sparse CPD takes one rule for unstored configurations: default, or alpha and seed")
            default = _checked_columns(self.default, card, "a sparse CPD's default column").reshape(card)
        elif self.alpha is None or self.seed is None:
            raise ModelError("a sparse CPD needs a default column, or alpha and seed to draw its columns")
        else:
            alpha = float(self.alpha)
            if not (np.isfinite(alpha) and alpha > 0):
                raise ModelError(f"a sparse CPD's alpha must be a positive number, got {self.alpha!r}")
            object.__setattr__(self, "alpha", alpha)
            object.__setattr__(self, "seed", int(self.seed) % (1 << 64))
        object.__setattr__(self, "parent_cards", parent_cards)
        object.__setattr__(self, "card", card)
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "n_configs", n_configs)

    # ------------------------------------------------------------------ construction
    @classmethod
    def dirichlet(cls, parent_cards: Sequence[int], card: int, *, alpha: float, seed: int) -> SparseCPD:
        """A CPD whose every column is drawn lazily from Dirichlet(``alpha``), reproducibly from ``seed``.

        Examples
        --------
        >>> cpd = SparseCPD.dirichlet((3, 3), 3, alpha=2.0, seed=1)
        >>> cpd.columns([0, 8]).shape
        (2, 3)
        """
        return cls(tuple(parent_cards), int(card), np.zeros(0, np.int64), np.zeros((0, int(card))),
                   alpha=alpha, seed=seed)

    @classmethod
    def from_dense(cls, table: np.ndarray, keys: np.ndarray | None = None, default: np.ndarray | None = None
                   ) -> SparseCPD:
        """The sparse form of a dense table: the columns of ``keys`` (default all), ``default`` for the others.

        Examples
        --------
        >>> import numpy as np
        >>> dense = np.array([[0.9, 0.1], [0.2, 0.8]])
        >>> np.asarray(SparseCPD.from_dense(dense)).tolist()
        [[0.9, 0.1], [0.2, 0.8]]
        >>> np.asarray(SparseCPD.from_dense(dense, np.array([1]), np.array([0.5, 0.5]))).tolist()
        [[0.5, 0.5], [0.2, 0.8]]
        """
        table = np.asarray(table, dtype=np.float64)
        if table.ndim < 1:
            raise ModelError("a CPD table needs at least one axis (the variable's states)")
        card = int(table.shape[-1])
        flat = table.reshape(-1, card)
        keys = np.arange(flat.shape[0]) if keys is None else np.unique(np.asarray(keys, dtype=np.int64))
        if keys.size < flat.shape[0] and default is None:
            raise ModelError("a sparse CPD with fewer stored columns than configurations needs a default column")
        if keys.size and (keys[0] < 0 or keys[-1] >= flat.shape[0]):
            raise ModelError(f"keys must be configuration indices in [0, {flat.shape[0]})")
        if default is None:
            default = np.full(card, 1.0 / card)
        return cls(tuple(table.shape[:-1]), card, keys, flat[keys], default=default)

    # ------------------------------------------------------------------ shape
    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the dense table: parent cardinalities, then the variable's."""
        return self.parent_cards + (self.card,)

    @property
    def size(self) -> int:
        """Number of entries of the dense table (a Python int: it may exceed what fits in memory)."""
        return self.n_configs * self.card

    @property
    def ndim(self) -> int:
        """Number of axes of the dense table."""
        return len(self.parent_cards) + 1

    @property
    def lazy(self) -> bool:
        """True when unstored columns are drawn from the Dirichlet rule (no fixed default column)."""
        return self.default is None

    # ------------------------------------------------------------------ lookups
    def _locate(self, configs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Position of each configuration in ``keys`` and whether it is stored there."""
        if self.keys.size == 0:
            return np.zeros(configs.size, np.int64), np.zeros(configs.size, bool)
        pos = np.searchsorted(self.keys, configs)
        np.minimum(pos, self.keys.size - 1, out=pos)
        return pos, self.keys[pos] == configs

    def _configs(self, configs: object) -> np.ndarray:
        configs = np.asarray(configs)
        if configs.dtype.kind not in "iu":
            raise DataValueError(f"configuration indices must be integers, got dtype {configs.dtype}")
        configs = configs.astype(np.int64).reshape(-1)
        if configs.size and (configs.min() < 0 or configs.max() >= self.n_configs):
            raise DataValueError(f"configuration indices must lie in [0, {self.n_configs})")
        return configs

    def drawn_columns(self, configs: np.ndarray) -> np.ndarray:
        """The Dirichlet(``alpha``) columns of the lazy rule for ``configs`` (whether stored or not).

        Examples
        --------
        >>> cpd = SparseCPD.dirichlet((2,), 2, alpha=1.0, seed=0)
        >>> cpd.drawn_columns([0, 1]).sum(axis=1).round(12).tolist()
        [1.0, 1.0]
        """
        if self.alpha is None or self.seed is None:
            raise ModelError("this sparse CPD has a default column, not a Dirichlet rule")
        configs = self._configs(configs)
        word = _mix64(np.full(configs.size, self.seed, dtype=np.uint64) ^ configs.astype(np.uint64))
        word = _mix64(word[:, None] + np.arange(1, self.card + 1, dtype=np.uint64)[None, :])
        uniform = ((word >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53  # in (0, 1), never 0 or 1
        gamma = gammaincinv(self.alpha, uniform)
        return gamma / gamma.sum(axis=1, keepdims=True)

    def columns(self, configs: object) -> np.ndarray:
        """``P(. | configuration)`` for every configuration index in ``configs``, shape ``(len(configs), card)``.

        Examples
        --------
        >>> import numpy as np
        >>> cpd = SparseCPD.from_dense(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([1]), np.array([0.5, 0.5]))
        >>> cpd.columns([1, 0, 1]).tolist()
        [[0.2, 0.8], [0.5, 0.5], [0.2, 0.8]]
        """
        configs = self._configs(configs)
        out = np.empty((configs.size, self.card))
        pos, found = self._locate(configs)
        out[found] = self.table[pos[found]]
        missing = ~found
        if missing.any():
            if self.default is not None:
                out[missing] = self.default
            else:
                uniq, inverse = np.unique(configs[missing], return_inverse=True)
                out[missing] = self.drawn_columns(uniq)[inverse.ravel()]
        return out

    def entries(self, configs: object, states: object) -> np.ndarray:
        """``P(state | configuration)`` entry by entry, shape ``(len(configs),)``.

        Examples
        --------
        >>> import numpy as np
        >>> cpd = SparseCPD.from_dense(np.array([[0.9, 0.1], [0.2, 0.8]]))
        >>> cpd.entries([1, 0], [1, 0]).tolist()
        [0.8, 0.9]
        """
        configs = self._configs(configs)
        states = np.asarray(states, dtype=np.int64).reshape(-1)
        if states.shape != configs.shape:
            raise DataValueError(f"{configs.size} configurations but {states.size} states")
        if states.size and (states.min() < 0 or states.max() >= self.card):
            raise DataValueError(f"state codes must lie in [0, {self.card})")
        out = np.empty(configs.size)
        pos, found = self._locate(configs)
        out[found] = self.table[pos[found], states[found]]
        missing = ~found
        if missing.any():
            if self.default is not None:
                out[missing] = self.default[states[missing]]
            else:
                uniq, inverse = np.unique(configs[missing], return_inverse=True)
                out[missing] = self.drawn_columns(uniq)[inverse.ravel(), states[missing]]
        return out

    def __getitem__(self, index: tuple) -> np.ndarray:
        """Fancy indexing like the dense table: one code array per parent (columns), or per axis (entries).

        Examples
        --------
        >>> import numpy as np
        >>> cpd = SparseCPD.from_dense(np.array([[0.9, 0.1], [0.2, 0.8]]))
        >>> cpd[(np.array([1]),)].tolist(), cpd[(np.array([1]), np.array([0]))].tolist()
        ([[0.2, 0.8]], [0.2])
        """
        if not isinstance(index, tuple) or len(index) not in (self.ndim - 1, self.ndim):
            raise TypeError("a sparse CPD is indexed by a tuple of code arrays, one per parent (and the variable)")
        parts = [np.asarray(i, dtype=np.int64).reshape(-1) for i in index]
        configs = np.zeros(parts[0].size if parts else 1, dtype=np.int64)
        for part, card in zip(parts, self.parent_cards, strict=False):
            configs = configs * card + part
        if len(parts) == self.ndim:
            return self.entries(configs, parts[-1])
        return self.columns(configs)

    def min_by_state(self) -> np.ndarray:
        """Smallest entry of each state over the stored columns and the default column (shape ``(card,)``).

        Lazily drawn columns are positive (gamma variates of uniforms in ``(0, 1)``) and are not scanned.

        Examples
        --------
        >>> import numpy as np
        >>> SparseCPD.from_dense(np.array([[1.0, 0.0], [0.2, 0.8]])).min_by_state().tolist()
        [0.2, 0.0]
        """
        low = np.full(self.card, np.inf)
        if self.table.shape[0]:
            low = np.minimum(low, self.table.min(axis=0))
        if self.default is not None and self.keys.size < self.n_configs:
            low = np.minimum(low, self.default)
        return low

    def to_dense(self) -> np.ndarray:
        """The dense table of shape :attr:`shape`, refused by name when it would not fit in memory.

        Examples
        --------
        >>> SparseCPD.dirichlet((2,), 3, alpha=2.0, seed=0).to_dense().shape
        (2, 3)
        """
        check_allocation(8.0 * self.size, f"the dense form of a sparse CPD of shape {self.shape}",
                         hint="work through CausalNetwork.cpd_columns instead", error=ModelError)
        return self.columns(np.arange(self.n_configs)).reshape(self.shape)

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        dense = self.to_dense()
        return dense if dtype is None else dense.astype(dtype)

    def __reduce__(self) -> tuple:
        return (type(self), (self.parent_cards, self.card, self.keys, self.table, self.default, self.alpha,
                             self.seed))
