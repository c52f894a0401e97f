"""Pack rows of integer codes into 64-bit keys, and sum weights over equal keys.

Chunked and distributed counting (:mod:`pgmpy_mixture.data.streaming`, :mod:`pgmpy_mixture.adapters.dask`) groups
rows by their assignment. Grouping on one or a few ``int64`` key columns is much cheaper than grouping on many
small code columns, so the variables are split, in order, into groups whose joint state space fits in 62 bits,
and each group becomes one mixed-radix key (first variable most significant). ALARM (37 variables, 105 states,
about 56 bits) fits in a single key.

Examples
--------
>>> import numpy as np
>>> layout = KeyLayout.for_cardinalities([3, 2])
>>> keys = layout.pack(np.array([[2, 1], [0, 0], [2, 1]]))
>>> keys.ravel().tolist()
[5, 0, 5]
>>> layout.unpack(keys).tolist()
[[2, 1], [0, 0], [2, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KEY_BITS = 62
_UNPACK_BLOCK = 1 << 20


@dataclass(frozen=True)
class KeyLayout:
    """How variables are grouped into ``int64`` keys.

    Parameters
    ----------
    cardinalities : tuple of int
        Number of states of each variable, in column order.
    groups : tuple of tuple of int
        Consecutive column indices packed into each key; every group's state space is below ``2**62``.

    Examples
    --------
    >>> KeyLayout.for_cardinalities([2] * 70).n_keys
    2
    """

    cardinalities: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...]

    @classmethod
    def for_cardinalities(cls, cardinalities: Sequence[int]) -> KeyLayout:
        """Greedy split of the columns, in order, into groups whose joint state space fits in 62 bits.

        Examples
        --------
        >>> KeyLayout.for_cardinalities([4, 4, 4]).groups
        ((0, 1, 2),)
        """
        cards = tuple(max(int(c), 1) for c in cardinalities)
        groups: list[tuple[int, ...]] = []
        current: list[int] = []
        size = 1
        for j, c in enumerate(cards):
            if current and size * c >= 2**KEY_BITS:
                groups.append(tuple(current))
                current, size = [], 1
            current.append(j)
            size *= c
        if current or not groups:
            groups.append(tuple(current))
        return cls(cardinalities=cards, groups=tuple(groups))

    @property
    def n_keys(self) -> int:
        """Number of ``int64`` key columns."""
        return len(self.groups)

    def pack(self, codes: np.ndarray) -> np.ndarray:
        """Keys of shape ``(rows, n_keys)`` for valid codes of shape ``(rows, n_variables)``.

        Examples
        --------
        >>> KeyLayout.for_cardinalities([2, 2]).pack(np.array([[1, 0]])).tolist()
        [[2]]
        """
        codes = np.asarray(codes)
        keys = np.empty((codes.shape[0], self.n_keys), dtype=np.int64)
        for g, group in enumerate(self.groups):
            key = codes[:, group[0]].astype(np.int64)
            for j in group[1:]:  # Horner's scheme: key = key * card_j + code_j
                key *= self.cardinalities[j]
                key += codes[:, j]
            keys[:, g] = key
        return keys

    def unpack(self, keys: np.ndarray, dtype: np.dtype | type = np.int64) -> np.ndarray:
        """Inverse of :meth:`pack`.

        Examples
        --------
        >>> KeyLayout.for_cardinalities([2, 2]).unpack(np.array([[3]])).tolist()
        [[1, 1]]
        """
        keys = np.asarray(keys, dtype=np.int64).reshape(-1, self.n_keys)
        n = keys.shape[0]
        codes = np.empty((n, len(self.cardinalities)), dtype=dtype)
        block = min(n, _UNPACK_BLOCK)  # blocks of rows: the temporaries stay small whatever the table size
        rest = np.empty(block, dtype=np.int64)
        digit = np.empty(block, dtype=np.int64)
        for lo in range(0, n, max(block, 1)):
            hi = min(lo + block, n)
            r, d = rest[: hi - lo], digit[: hi - lo]
            for g, group in enumerate(self.groups):
                r[:] = keys[lo:hi, g]
                for j in reversed(group):  # in place: two temporaries in all, whatever the number of variables
                    np.divmod(r, self.cardinalities[j], out=(r, d))
                    codes[lo:hi, j] = d
        return codes


def sum_by_key(keys: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct key rows (sorted) and the sum of each column over equal keys.

    Parameters
    ----------
    keys : ndarray of int64, shape (rows, n_keys)
    *columns : ndarray, shape (rows,)
        Values to sum per key (weights, row counts, ...).

    Returns
    -------
    tuple
        ``(distinct_keys, sum_of_column_1, ...)``.

    Examples
    --------
    >>> k, w = sum_by_key(np.array([[3], [1], [3]]), np.array([1.0, 2.0, 4.0]))
    >>> k.ravel().tolist(), w.tolist()
    ([1, 3], [2.0, 5.0])
    """
    keys = np.asarray(keys, dtype=np.int64)
    if keys.ndim == 1:
        keys = keys[:, None]
    if keys.shape[0] == 0:
        return (keys,) + tuple(np.asarray(c)[:0] for c in columns)
    if keys.shape[1] == 1:
        uniq, inverse = np.unique(keys[:, 0], return_inverse=True)
        uniq = uniq[:, None]
    else:
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    sums = []
    for c in columns:
        c = np.asarray(c)
        total = np.bincount(inverse, weights=c.astype(np.float64, copy=False), minlength=uniq.shape[0])
        # integer columns (row counts) stay exact: float64 holds every integer below 2**53
        sums.append(total.astype(np.int64) if np.issubdtype(c.dtype, np.integer) else total)
    return (uniq, *sums)



def merge_sorted(
    keys: np.ndarray, sums: np.ndarray, new_keys: np.ndarray, new_sums: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Add a table of distinct sorted single-column keys into another, keeping it distinct and sorted.

    Matching keys are added in place (``sums`` is modified); new keys are inserted in one pass, so the extra
    memory is one copy of the result, not a sort of both tables. ``sums`` may be 2-D (one row per key, one
    column per summed quantity).

    Examples
    --------
    >>> k, s = merge_sorted(np.array([1, 5]), np.array([1.0, 1.0]), np.array([0, 5, 9]), np.array([2.0, 3.0, 4.0]))
    >>> k.tolist(), s.tolist()
    ([0, 1, 5, 9], [2.0, 1.0, 4.0, 4.0])
    """
    pos = np.searchsorted(keys, new_keys)
    hit = pos < keys.shape[0]
    hit[hit] = keys[pos[hit]] == new_keys[hit]
    sums[pos[hit]] += new_sums[hit]
    if hit.all():
        return keys, sums
    fresh = ~hit
    at = pos[fresh]
    return np.insert(keys, at, new_keys[fresh]), np.insert(sums, at, new_sums[fresh], axis=0)


def count_table_from_keys(
    layout: KeyLayout,
    keys: np.ndarray,
    weights: np.ndarray,
    variables,
    states,
    *,
    is_distribution: bool,
    n_rows: int,
):
    """A :class:`~pgmpy_mixture.data.counts.CountTable` from distinct keys, without an ``int64`` copy of the codes.

    Rows with zero weight are dropped, the rest sorted by key, which is the lexicographic order of the codes
    (the order :meth:`CountTable.from_codes` produces), and unpacked into the smallest code dtype.

    Examples
    --------
    >>> layout = KeyLayout.for_cardinalities([2, 2])
    >>> t = count_table_from_keys(layout, np.array([[3], [0]]), np.array([1.0, 2.0]), ["A", "B"],
    ...                           [["x", "y"], ["u", "v"]], is_distribution=False, n_rows=3)
    >>> t.codes.tolist(), t.weights.tolist(), t.n_rows
    ([[0, 0], [1, 1]], [2.0, 1.0], 3)
    """
    from pgmpy_mixture.data.counts import CountTable
    from pgmpy_mixture.validation import smallest_code_dtype

    keys = np.asarray(keys, dtype=np.int64).reshape(-1, layout.n_keys)
    weights = np.asarray(weights, dtype=np.float64)
    keep = weights > 0
    if not keep.all():
        keys, weights = keys[keep], weights[keep]
    del keep
    if keys.shape[1] > 1:
        order = np.lexsort(keys.T[::-1])
    elif keys.shape[0] > 1 and not (keys[1:, 0] > keys[:-1, 0]).all():  # already sorted: no copy
        order = np.argsort(keys[:, 0])
    else:
        order = None
    if order is not None:
        keys, weights = keys[order], weights[order]
        del order
    codes = layout.unpack(keys, dtype=smallest_code_dtype(layout.cardinalities))
    del keys
    return CountTable(
        variables=tuple(variables),
        states=tuple(tuple(s) for s in states),
        codes=codes,
        weights=weights,
        is_distribution=bool(is_distribution),
        n_rows=int(n_rows),
    )
