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
    if len(set(map(str, data.columns))) != data.shape[1]:
        raise DataValueError(f"{name} has duplicate column names")
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
    if not allow_zero_total and weights.sum() <= 0:
        raise zero_weights_error(column)
    return weights


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


def weights_are_probabilities(weights: np.ndarray) -> bool:
    """True when weights are a probability table (not all whole numbers, summing to 1).

    Examples
    --------
    >>> weights_are_probabilities(np.array([0.25, 0.75])), weights_are_probabilities(np.array([3.0, 1.0]))
    (True, False)
    """
    whole = np.all(np.equal(np.mod(weights, 1.0), 0.0))
    return is_probability_table(not whole, float(weights.sum()))


def is_probability_table(any_fractional: bool, total: float) -> bool:
    """The rule of :func:`weights_are_probabilities` from its two ingredients (for chunked input).

    Examples
    --------
    >>> is_probability_table(True, 1.0), is_probability_table(False, 1.0)
    (True, False)
    """
    return bool(any_fractional) and abs(float(total) - 1.0) <= 1e-6


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
    if len(set(columns)) != len(columns):
        raise DataValueError("data has duplicate column names")
    if weights is not None and weights not in columns:
        raise DataValueError(f"weights column {weights!r} is not in the data (columns: {columns})")
    known = set(variables)
    for c in columns:
        if c not in known and c != weights:
            raise UnknownVariableError(f"column {c!r} is not a variable of the model")
    for v in variables:
        if v not in columns:
            raise MissingVariableError(f"model variable {v!r} is missing from the data")
