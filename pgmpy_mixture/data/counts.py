"""The weighted count table: the sufficient statistic of every discrete method.

A :class:`CountTable` holds each distinct assignment of the variables once, with
the total weight of the rows that had it. Samples, GROUP BY counts and exact
probability tables all reduce to it, so algorithms never touch raw rows and the
memory they need is bounded by the number of distinct assignments (at most
``min(rows, prod(cardinalities))`` rows of small integer codes plus one float).

Memory bound: a table with ``U`` distinct assignments of ``n`` variables takes ``U * (n * b + 8)`` bytes,
``b`` the bytes of the smallest integer type holding the largest cardinality (1 for up to 127 states),
independent of the number of input rows. Building it from ``R`` rows in one piece needs about ``R * (n * b + 24)``
bytes more for the packed keys and their sort; chunked input (:mod:`pgmpy_mixture.data.streaming`) and Dask input
(:mod:`pgmpy_mixture.adapters.dask`) replace ``R`` by the chunk or partition size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.errors import DataValueError, MissingVariableError, UnknownStateError, UnknownVariableError
from pgmpy_mixture.validation import (
    EXACT_SUM_TOLERANCE,
    PROBABILITY_SUM_TOLERANCE,
    check_weight_total,
    encode_samples,
    smallest_code_dtype,
    weights_are_probabilities,
)

_KEY_CHUNK = 1 << 16  # rows per block of 64-bit codes: a whole-table temporary costs more in fresh pages than work


def _row_keys(codes: np.ndarray, cards: Sequence[int]) -> np.ndarray:
    """Mixed-radix key of every row (first column slowest); the caller keeps ``prod(cards)`` below ``2**62``."""
    radix = np.ones(codes.shape[1], dtype=np.int64)
    for k in range(codes.shape[1] - 2, -1, -1):
        radix[k] = radix[k + 1] * int(cards[k + 1])
    keys = np.empty(codes.shape[0], dtype=np.int64)
    for start in range(0, codes.shape[0], _KEY_CHUNK):
        block = codes[start:start + _KEY_CHUNK]
        keys[start:start + block.shape[0]] = block.astype(np.int64) @ radix
    return keys


def _sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Group equal ``keys``: the position of one occurrence of each distinct key (in increasing key order), the
    group of every key, and the number of groups -- one unstable sort (equal keys stand for equal rows, so which
    occurrence is kept does not matter)."""
    order = np.argsort(keys)
    ordered = keys[order]
    new = np.empty(keys.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    group = np.empty(keys.size, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    return order[starts], group, int(starts.size)


def _unique_rows(codes: np.ndarray, weights: np.ndarray, cards: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``weights`` over identical rows of ``codes`` (vectorised, no Python loop over rows).

    Rows come out in lexicographic order. The columns are folded into one integer key from the left: the key of
    the columns read so far is replaced by its rank among their distinct values (below the number of rows) and
    extended by the mixed-radix key of as many further columns as keep it below ``2**62``; a table whose key fits
    from the start is sorted once, a table of ``n`` columns of 3 states and ``10**6`` rows twice (up to ``n = 64``)
    -- integer sorts only, never a sort of whole rows.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([[1, 0] * 40, [0, 2] * 40, [1, 0] * 40])   # 80 columns of 3 states: 127 bits
    >>> rows, weights = _unique_rows(codes, np.ones(3), [3] * 80)
    >>> rows[:, :4].tolist(), weights.tolist()
    ([[0, 2, 0, 2], [1, 0, 1, 0]], [1.0, 2.0])
    """
    if codes.shape[0] == 0:
        return codes, weights
    cards = [max(int(c), 1) for c in cards]
    key = np.zeros(codes.shape[0], dtype=np.int64)
    n_keys, lo = 1, 0  # the key of columns [0, lo) is below n_keys
    while True:
        hi, span = lo, 1
        while hi < len(cards) and n_keys * span * cards[hi] < 2**62:
            span *= cards[hi]
            hi += 1
        if hi == lo:  # one column too wide to join the rank: its own distinct values first
            _, column_key, span = _sorted_groups(codes[:, lo].astype(np.int64))
            hi = lo + 1
        else:
            column_key = _row_keys(codes[:, lo:hi], cards[lo:hi])
        key *= span
        key += column_key
        lo = hi
        first, group, n_keys = _sorted_groups(key)
        if lo == len(cards):
            return codes[first], np.bincount(group, weights=weights, minlength=n_keys)
        key = group


@dataclass(frozen=True, eq=False)
class CountTable:
    """Distinct assignments with their total weight.

    Parameters
    ----------
    variables : tuple of str
        Column order of ``codes``.
    states : tuple of tuple of str
        State names of each variable; codes index into them.
    codes : ndarray of int, shape (U, n)
        Each distinct assignment once (read-only).
    weights : ndarray of float, shape (U,)
        Total weight of each assignment (read-only).
    is_distribution : bool
        True when the weights are an exact probability table (no sampling noise).
    n_rows : int
        Number of input rows that were reduced into the table.

    Examples
    --------
    >>> import pandas as pd
    >>> t = CountTable.from_frame(pd.DataFrame({"A": ["x", "y", "x"]}), ["A"], [["x", "y"]])
    >>> t.codes.ravel().tolist(), t.weights.tolist(), t.total
    ([0, 1], [2.0, 1.0], 3.0)
    """

    variables: tuple[str, ...]
    states: tuple[tuple[str, ...], ...]
    codes: np.ndarray
    weights: np.ndarray
    is_distribution: bool = False
    n_rows: int = 0

    def __post_init__(self) -> None:
        if self.codes.ndim != 2 or self.codes.shape[1] != len(self.variables):
            raise DataValueError("codes must be a 2-D array with one column per variable")
        if self.weights.shape != (self.codes.shape[0],):
            raise DataValueError("weights must have one entry per row of codes")
        self.codes.setflags(write=False)
        self.weights.setflags(write=False)

    @classmethod
    def from_codes(
        cls,
        codes: np.ndarray,
        variables: Sequence[str],
        states: Sequence[Sequence[str]],
        weights: np.ndarray | None = None,
        is_distribution: bool | None = None,
        n_rows: int | None = None,
    ) -> CountTable:
        """Reduce integer-coded rows (optionally weighted) into a table.

        ``is_distribution=None`` decides from the weights: a probability table has weights that are
        not all whole numbers and sum to 1 within 1% (:func:`~pgmpy_mixture.validation.is_probability_table`,
        which raises for fractional weights that are neither probabilities nor counts). ``n_rows`` records how
        many input rows the codes stand for (default: the number of rows of ``codes``; chunked and distributed
        inputs pass the true count). Weights whose sum overflows raise a
        :class:`~pgmpy_mixture.errors.DataValueError`.

        Examples
        --------
        >>> import numpy as np
        >>> CountTable.from_codes(np.array([[1], [1]]), ["A"], [["x", "y"]]).weights.tolist()
        [2.0]
        """
        cards = [len(s) for s in states]
        codes = np.asarray(codes).astype(smallest_code_dtype(cards), copy=False)
        w = np.ones(codes.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights is not None:
            with np.errstate(over="ignore"):
                check_weight_total(float(w.sum()))
        if is_distribution is None:
            is_distribution = weights is not None and weights_are_probabilities(w)
        keep = w > 0
        uniq, total = _unique_rows(codes[keep], w[keep], cards)
        return cls(
            variables=tuple(variables),
            states=tuple(tuple(s) for s in states),
            codes=np.ascontiguousarray(uniq),
            weights=np.asarray(total, dtype=np.float64),
            is_distribution=bool(is_distribution),
            n_rows=int(codes.shape[0]) if n_rows is None else int(n_rows),
        )

    @classmethod
    def from_frame(
        cls,
        data,
        variables: Sequence[str],
        states: Sequence[Sequence[str]],
        weights: str | None = None,
    ) -> CountTable:
        """Validate a pandas frame of state names (see :func:`encode_samples`) and reduce it.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"A": ["x", "y"], "p": [0.25, 0.75]})
        >>> CountTable.from_frame(df, ["A"], [["x", "y"]], weights="p").is_distribution
        True
        """
        codes, row_weights = encode_samples(data, variables, states, weights)
        exact = row_weights is not None and weights_are_probabilities(row_weights, weights)
        return cls.from_codes(codes, variables, states, row_weights, is_distribution=exact)

    @classmethod
    def concatenate(cls, tables: Iterable[CountTable]) -> CountTable:
        """Merge tables over the same variables (for chunked or distributed input).

        Examples
        --------
        >>> import numpy as np
        >>> a = CountTable.from_codes(np.array([[0]]), ["A"], [["x", "y"]])
        >>> CountTable.concatenate([a, a]).weights.tolist()
        [2.0]
        """
        tables = list(tables)
        if not tables:
            raise DataValueError("no data: the input had no chunks")
        first = tables[0]
        for t in tables[1:]:
            if t.variables != first.variables or t.states != first.states:
                raise DataValueError("cannot merge count tables over different variables or states")
        return cls.from_codes(
            np.concatenate([t.codes for t in tables]),
            first.variables,
            first.states,
            np.concatenate([t.weights for t in tables]),
            is_distribution=all(t.is_distribution for t in tables) and len(tables) == 1,
            n_rows=sum(t.n_rows for t in tables),
        )

    @property
    def total(self) -> float:
        """Total weight: the sample size for counts, 1 for a probability table."""
        return float(self.weights.sum())

    @property
    def sample_size(self) -> int | float | None:
        """Number of samples: ``None`` for a probability table, an ``int`` for whole-number counts, the total weight
        (a float) for fractional counts.

        Examples
        --------
        >>> import numpy as np
        >>> CountTable.from_codes(np.array([[0], [0]]), ["A"], [["x", "y"]]).sample_size
        2
        >>> CountTable.from_codes(np.array([[0], [1]]), ["A"], [["x", "y"]], np.array([2.5, 0.5])).sample_size
        3.0
        """
        if self.is_distribution:
            return None
        total = self.total
        whole = bool(np.all(np.equal(np.mod(self.weights, 1.0), 0.0))) and total < 2.0**53
        return int(round(total)) if whole else total

    @property
    def distribution_note(self) -> str | None:
        """What was assumed of a probability table whose weights do not sum to 1 (None when they do, within 1e-6).

        Examples
        --------
        >>> import numpy as np
        >>> t = CountTable.from_codes(np.array([[0], [1]]), ["A"], [["x", "y"]], np.array([0.2501, 0.75]))
        >>> t.distribution_note
        'the probability table sums to 1.0001, not 1: taken as probabilities (tolerance 0.01) and renormalised'
        """
        if not self.is_distribution or abs(self.total - 1.0) <= EXACT_SUM_TOLERANCE:
            return None
        return (f"the probability table sums to {self.total:.6g}, not 1: taken as probabilities (tolerance "
                f"{PROBABILITY_SUM_TOLERANCE:g}) and renormalised")

    @property
    def probabilities(self) -> np.ndarray:
        """Weights normalised to sum to 1."""
        return self.weights / self.weights.sum()

    def reorder(self, variables: Sequence[str]) -> CountTable:
        """The same table with columns in the order ``variables``.

        Examples
        --------
        >>> import numpy as np
        >>> t = CountTable.from_codes(np.array([[0, 1]]), ["A", "B"], [["x"], ["u", "v"]])
        >>> t.reorder(["B", "A"]).codes.tolist()
        [[1, 0]]
        """
        pos = [self.variables.index(v) for v in variables]
        return CountTable(
            variables=tuple(variables),
            states=tuple(self.states[p] for p in pos),
            codes=np.ascontiguousarray(self.codes[:, pos]),
            weights=self.weights.copy(),
            is_distribution=self.is_distribution,
            n_rows=self.n_rows,
        )

    def align(self, variables: Sequence[str], states: Sequence[Sequence[str]]) -> CountTable:
        """The same table over the model's variables and state order (states matched by name).

        Raises an error naming the variable or state when the table does not fit the model.

        Examples
        --------
        >>> import numpy as np
        >>> t = CountTable.from_codes(np.array([[0]]), ["A"], [["y", "x"]])
        >>> t.align(["A"], [["x", "y"]]).codes.tolist()
        [[1]]
        """
        variables = tuple(variables)
        states = tuple(tuple(str(s) for s in st) for st in states)
        for v in self.variables:
            if v not in variables:
                raise UnknownVariableError(f"column {v!r} is not a variable of the model")
        for v in variables:
            if v not in self.variables:
                raise MissingVariableError(f"model variable {v!r} is missing from the data")
        table = self.reorder(variables) if self.variables != variables else self
        if table.states == states:
            return table
        codes = np.empty_like(table.codes)
        for j, (var, have, want) in enumerate(zip(variables, table.states, states, strict=True)):
            lookup = {name: k for k, name in enumerate(want)}
            mapping = np.array([lookup.get(str(name), -1) for name in have], dtype=np.int64)
            mapped = mapping[table.codes[:, j].astype(np.int64)]
            if (mapped < 0).any():
                bad = have[int(table.codes[int(np.argmax(mapped < 0)), j])]
                raise UnknownStateError(
                    f"variable {var!r} has state {bad!r} in the count table, which is not one of the model's "
                    f"states {list(want)}"
                )
            codes[:, j] = mapped
        return CountTable.from_codes(
            codes, variables, states, table.weights, is_distribution=table.is_distribution, n_rows=table.n_rows
        )

    def marginal(self, variable: str) -> np.ndarray:
        """Normalised marginal distribution of one variable.

        Examples
        --------
        >>> import numpy as np
        >>> CountTable.from_codes(np.array([[0], [1], [1]]), ["A"], [["x", "y"]]).marginal("A").round(3).tolist()
        [0.333, 0.667]
        """
        j = self.variables.index(variable)
        counts = np.bincount(self.codes[:, j].astype(np.int64), weights=self.weights, minlength=len(self.states[j]))
        return counts / counts.sum()

    def marginal_weights(self) -> dict[str, dict[str, float]]:
        """Total weight of every state of every variable (unnormalised per-variable marginals).

        These are the sufficient statistics of the aggregate-observation (DIMM) methods; divide by
        :attr:`total` for probabilities (see :meth:`marginals`).

        Examples
        --------
        >>> import numpy as np
        >>> t = CountTable.from_codes(np.array([[0, 1], [1, 1]]), ["A", "B"], [["x", "y"], ["u", "v"]])
        >>> t.marginal_weights()
        {'A': {'x': 1.0, 'y': 1.0}, 'B': {'u': 0.0, 'v': 2.0}}
        """
        out: dict[str, dict[str, float]] = {}
        for j, (var, names) in enumerate(zip(self.variables, self.states, strict=True)):
            counts = np.bincount(self.codes[:, j].astype(np.int64), weights=self.weights, minlength=len(names))
            out[var] = {name: float(c) for name, c in zip(names, counts, strict=True)}
        return out

    def marginals(self) -> dict[str, dict[str, float]]:
        """Per-variable marginal distributions ``{variable: {state: probability}}``.

        Examples
        --------
        >>> import numpy as np
        >>> CountTable.from_codes(np.array([[0], [1], [1], [1]]), ["A"], [["x", "y"]]).marginals()
        {'A': {'x': 0.25, 'y': 0.75}}
        """
        total = self.total
        return {v: {s: w / total for s, w in m.items()} for v, m in self.marginal_weights().items()}
