"""Data frames of samples: the frame itself, its columns and its weight column.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    MissingVariableError,
    UnknownVariableError,
)

PROBABILITY_TOLERANCE = 1e-9
#: Fractional weights summing to 1 within this tolerance are a probability table (renormalised when the sum is off
#: by more than :data:`EXACT_SUM_TOLERANCE`: a table rounded to a few decimals, or scaled by ``1 - 1e-5``).
PROBABILITY_SUM_TOLERANCE = 1e-2
#: Probability tables whose sum is within this of 1 are taken as they are, without a note.
EXACT_SUM_TOLERANCE = 1e-6
#: Fractional weights summing to less than this, and not to 1 within :data:`PROBABILITY_SUM_TOLERANCE`, are neither
#: counts of samples nor probabilities: an error.
SMALLEST_FRACTIONAL_SAMPLE = 2.0


def duplicated_names(names: Sequence[object]) -> list[str]:
    """The names (as text) that occur more than once, sorted.

    Examples
    --------
    >>> duplicated_names(["A", "B", "A", "C", "B"])
    ['A', 'B']
    """
    index = pd.Index([str(n) for n in names])
    return sorted(set(index[index.duplicated()]))


def check_dataframe(data: object, name: str = "data") -> pd.DataFrame:
    """Check that ``data`` is a non-empty pandas DataFrame and return it unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> check_dataframe(pd.DataFrame({"A": ["x"]})).shape
    (1, 1)
    """
    if not isinstance(data, pd.DataFrame):
        raise DataTypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise empty_data_error(name)
    duplicated = duplicated_names(data.columns)
    if duplicated:
        raise DataValueError(f"{name} has duplicate column names {duplicated}")
    return data


def check_weights(
    values: np.ndarray, column: str, *, position_offset: int = 0, allow_zero_total: bool = False
) -> np.ndarray:
    """Check row weights: finite, non-negative, not all zero. Returns a float64 copy.

    Parameters
    ----------
    values : array-like
        The weights column.
    column : str
        Its name (for messages).
    position_offset : int, default 0
        Added to row positions in messages: the position of the first row of ``values`` in the whole
        data when it is one chunk of a larger input.
    allow_zero_total : bool, default False
        Accept an all-zero chunk (the caller checks the total over all chunks).

    Examples
    --------
    >>> check_weights(np.array([1, 2]), "n").tolist()
    [1.0, 2.0]
    """
    try:
        weights = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataValueError(f"weights column {column!r} is not numeric") from None
    bad = np.flatnonzero(~np.isfinite(weights))
    if bad.size:
        raise DataValueError(
            f"weights column {column!r} has a non-finite value at row position {bad[0] + position_offset}"
        )
    bad = np.flatnonzero(weights < 0)
    if bad.size:
        raise DataValueError(
            f"weights column {column!r} has a negative value {weights[bad[0]]} at row position "
            f"{bad[0] + position_offset}"
        )
    with np.errstate(over="ignore"):
        total = float(weights.sum())
    if not allow_zero_total and total <= 0:
        raise zero_weights_error(column)
    check_weight_total(total, column)
    return weights


def check_weight_total(total: float, column: str | None = None) -> None:
    """Raise when finite weights sum to more than the largest float (each weight finite, their sum not).

    Examples
    --------
    >>> check_weight_total(3.0)
    >>> check_weight_total(float("inf"), "n")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: weights column 'n' sums to more than the largest float (1.8e+308) although \
every weight is finite: divide the weights by a common factor
    """
    if not np.isfinite(total):
        name = "the weights sum" if column is None else f"weights column {column!r} sums"
        raise DataValueError(
            f"{name} to more than the largest float ({np.finfo(np.float64).max:.2g}) although every weight is "
            "finite: divide the weights by a common factor"
        )


def zero_weights_error(column: str) -> DataValueError:
    """The error for a weights column that sums to zero (shared by chunked and distributed input).

    Examples
    --------
    >>> str(zero_weights_error("n"))
    "weights column 'n' sums to zero"
    """
    return DataValueError(f"weights column {column!r} sums to zero")


def empty_data_error(name: str = "data") -> DataValueError:
    """The error for input without rows (shared by chunked and distributed input).

    Examples
    --------
    >>> str(empty_data_error())
    'data is empty: it has no rows'
    """
    return DataValueError(f"{name} is empty: it has no rows")


def weights_are_probabilities(weights: np.ndarray, column: str | None = None) -> bool:
    """True when weights are a probability table: not all whole numbers, summing to 1 within
    :data:`PROBABILITY_SUM_TOLERANCE` (see :func:`is_probability_table`, which raises for weights that are neither).

    Examples
    --------
    >>> weights_are_probabilities(np.array([0.25, 0.75])), weights_are_probabilities(np.array([3.0, 1.0]))
    (True, False)
    >>> weights_are_probabilities(np.array([0.2501, 0.7500]))   # rounded to 4 decimals: sums to 1.0001
    True
    """
    whole = np.all(np.equal(np.mod(weights, 1.0), 0.0))
    return is_probability_table(not whole, float(weights.sum()), column)


def is_probability_table(any_fractional: bool, total: float, column: str | None = None) -> bool:
    """The rule of :func:`weights_are_probabilities` from its two ingredients (for chunked input).

    Whole-number weights are counts. Fractional weights are a probability table when they sum to 1 within
    :data:`PROBABILITY_SUM_TOLERANCE` (1%: a table rounded to a few decimals sums to 1.0001, a rescaled one to
    0.99999), fractional counts (survey weights, say) when they sum to :data:`SMALLEST_FRACTIONAL_SAMPLE` or more;
    in between they are neither, and a :class:`~pgmpy_mixture.errors.DataValueError` says so.

    Examples
    --------
    >>> is_probability_table(True, 1.0), is_probability_table(False, 1.0), is_probability_table(True, 0.995)
    (True, False, True)
    >>> is_probability_table(True, 0.9, "p")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: weights column 'p' sums to 0.9: fractional weights must be probabilities \
summing to 1 (within 0.01) or counts of samples (summing to 2 or more); pass counts as whole numbers, or \
probabilities that sum to 1
    """
    if not any_fractional:
        return False
    total = float(total)
    if abs(total - 1.0) <= PROBABILITY_SUM_TOLERANCE:
        return True
    if total < SMALLEST_FRACTIONAL_SAMPLE:
        name = "the weights sum" if column is None else f"weights column {column!r} sums"
        raise DataValueError(
            f"{name} to {total:.6g}: fractional weights must be probabilities summing to 1 (within "
            f"{PROBABILITY_SUM_TOLERANCE:g}) or counts of samples (summing to {SMALLEST_FRACTIONAL_SAMPLE:g} or "
            "more); pass counts as whole numbers, or probabilities that sum to 1"
        )
    return False


def frequency_sample_size(probabilities: np.ndarray, *, largest: int = 10**9, tolerance: float = 1e-6) -> int | None:
    """The sample size ``N`` when every probability is a whole multiple of ``1/N`` (relative frequencies), else None.

    Normalising a GROUP BY gives such a table: each probability is ``count / N``. Candidates are ``N = c / p_min``
    for the smallest probability ``p_min`` and counts ``c`` up to 20; an exact distribution of a network rarely
    lies on such a lattice (so a hit is a strong hint, not a proof).

    Examples
    --------
    >>> frequency_sample_size(np.array([3, 5, 2]) / 10), frequency_sample_size(np.array([0.3141, 0.6859]))
    (10, None)
    """
    p = np.asarray(probabilities, dtype=np.float64)
    p = p[p > 0]
    if p.size == 0 or not np.all(np.isfinite(p)):
        return None
    p = p / p.sum()
    smallest = float(p.min())
    for count in range(1, 21):
        n = int(round(count / smallest))
        if n < 1 or n > largest:
            continue
        scaled = p * n
        if np.all(np.abs(scaled - np.round(scaled)) <= tolerance):
            return n
    return None


def check_columns(columns: Sequence[object], variables: Sequence[str], weights: str | None = None) -> None:
    """Check column names against the model: weights column present, no unknown column, no missing variable.

    Examples
    --------
    >>> check_columns(["A", "n"], ["A"], "n")
    >>> check_columns(["A", "B"], ["A"])
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.UnknownVariableError: column 'B' is not a variable of the model
    """
    columns = [str(c) for c in columns]
    duplicated = duplicated_names(columns)
    if duplicated:
        raise DataValueError(f"data has duplicate column names {duplicated}")
    if weights is not None and weights not in columns:
        raise DataValueError(f"weights column {weights!r} is not in the data (columns: {columns})")
    known = set(variables)
    for c in columns:
        if c not in known and c != weights:
            raise UnknownVariableError(f"column {c!r} is not a variable of the model")
    for v in variables:
        if v not in columns:
            raise MissingVariableError(f"model variable {v!r} is missing from the data")
