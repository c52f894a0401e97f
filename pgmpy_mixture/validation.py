"""Input validation, in one place: data frames, weights and options are checked here.

Every check raises a :mod:`pgmpy_mixture.errors` exception that names the culprit
(variable, state, column or row) and never modifies the caller's objects.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    MissingVariableError,
    ParameterError,
    UnknownStateError,
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
        raise DataValueError(f"{name} is empty: it has no rows")
    if len(set(map(str, data.columns))) != data.shape[1]:
        raise DataValueError(f"{name} has duplicate column names")
    return data


def check_weights(values: np.ndarray, column: str) -> np.ndarray:
    """Check row weights: finite, non-negative, not all zero. Returns a float64 copy.

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
        raise DataValueError(f"weights column {column!r} has a non-finite value at row position {bad[0]}")
    bad = np.flatnonzero(weights < 0)
    if bad.size:
        raise DataValueError(
            f"weights column {column!r} has a negative value {weights[bad[0]]} at row position {bad[0]}"
        )
    if weights.sum() <= 0:
        raise DataValueError(f"weights column {column!r} sums to zero")
    return weights


def weights_are_probabilities(weights: np.ndarray) -> bool:
    """True when weights are a probability table (not all whole numbers, summing to 1).

    Examples
    --------
    >>> weights_are_probabilities(np.array([0.25, 0.75])), weights_are_probabilities(np.array([3.0, 1.0]))
    (True, False)
    """
    whole = np.all(np.equal(np.mod(weights, 1.0), 0.0))
    return (not whole) and abs(float(weights.sum()) - 1.0) <= 1e-6


def encode_column(column: pd.Series, variable: str, states: Sequence[str]) -> np.ndarray:
    """Map a column of state names to integer codes; raise naming the first bad row.

    Examples
    --------
    >>> import pandas as pd
    >>> encode_column(pd.Series(["b", "a"]), "V", ["a", "b"]).tolist()
    [1, 0]
    """
    missing = column.isna().to_numpy()
    if missing.any():
        row = column.index[int(np.argmax(missing))]
        raise DataValueError(f"variable {variable!r} has a missing value (NaN) at row {row!r}")
    names = [str(s) for s in states]
    index = pd.Index(names)
    if isinstance(column.dtype, pd.CategoricalDtype):  # map the categories once, then the integer codes
        lookup = index.get_indexer(column.cat.categories.astype(str))
        codes = lookup[column.cat.codes.to_numpy()].astype(np.int64)
    else:
        codes = index.get_indexer(column.astype(str).to_numpy()).astype(np.int64)
    unknown = codes < 0
    if unknown.any():
        pos = int(np.argmax(unknown))
        raise UnknownStateError(
            f"variable {variable!r} has state {column.iloc[pos]!r} at row {column.index[pos]!r}, "
            f"which is not one of the model's states {names}"
        )
    return codes


def smallest_code_dtype(cardinalities: Sequence[int]) -> np.dtype:
    """Smallest signed integer dtype that holds every code and -1.

    Examples
    --------
    >>> smallest_code_dtype([3, 200])
    dtype('int16')
    """
    top = max(cardinalities) if len(cardinalities) else 1
    for dtype in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def encode_samples(
    data: pd.DataFrame,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate a sample frame against the model and encode it.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per sample (or per distinct assignment when ``weights`` is given); columns are
        model variables holding state names.
    variables, states : sequences
        The model's variables (in the order the codes should have) and their state names.
    weights : str, optional
        Name of a column of non-negative row weights (counts or probabilities).

    Returns
    -------
    codes : ndarray, shape (rows, len(variables))
    row_weights : ndarray or None

    Examples
    --------
    >>> import pandas as pd
    >>> codes, w = encode_samples(pd.DataFrame({"A": ["y", "x"], "n": [2, 3]}), ["A"], [["x", "y"]], "n")
    >>> codes.tolist(), w.tolist()
    ([[1], [0]], [2.0, 3.0])
    """
    data = check_dataframe(data)
    columns = [str(c) for c in data.columns]
    row_weights = None
    if weights is not None:
        if weights not in columns:
            raise DataValueError(f"weights column {weights!r} is not in the data (columns: {columns})")
        row_weights = check_weights(data[weights].to_numpy(), weights)
    known = set(variables)
    for c in columns:
        if c not in known and c != weights:
            raise UnknownVariableError(f"column {c!r} is not a variable of the model")
    for v in variables:
        if v not in columns:
            raise MissingVariableError(f"model variable {v!r} is missing from the data")
    by_name = {str(c): c for c in data.columns}
    dtype = smallest_code_dtype([len(s) for s in states])
    codes = np.empty((data.shape[0], len(variables)), dtype=dtype)
    for j, (var, st) in enumerate(zip(variables, states, strict=True)):
        codes[:, j] = encode_column(data[by_name[var]], var, st)
    return codes, row_weights


def check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    """Raise a :class:`ParameterError` unless ``value`` is one of ``choices``.

    Examples
    --------
    >>> check_choice("method", "paper", ["paper", "exact"])
    """
    if value not in choices:
        raise ParameterError(f"{name}={value!r} is not one of {list(choices)}")


def check_probability(name: str, value: float, *, open_low: bool = False) -> float:
    """Check a threshold in [0, 1] (or (0, 1] with ``open_low``) and return it as float.

    Examples
    --------
    >>> check_probability("epsilon", 0.01)
    0.01
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value < 0 or value > 1 or (open_low and value == 0):
        raise ParameterError(f"{name} must lie in {'(0, 1]' if open_low else '[0, 1]'}, got {value}")
    return value


def check_continuous_matrix(data: object, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """Check a continuous data matrix (numpy 2-D array or DataFrame) and return a float64 copy and column names.

    Raises naming the culprit: non-numeric column, NaN/inf (first row and column), fewer rows than columns,
    constant column. The caller's object is never modified.

    Examples
    --------
    >>> X, names = check_continuous_matrix(np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 3.0]]))
    >>> X.shape, names
    ((3, 2), ['X0', 'X1'])
    """
    if isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
        for column in data.columns:
            if not (pd.api.types.is_numeric_dtype(data[column]) and not pd.api.types.is_bool_dtype(data[column])):
                raise DataTypeError(f"{name} column {column!r} is not numeric (dtype {data[column].dtype})")
        array = data.to_numpy(dtype=np.float64, copy=True)
    else:
        try:
            array = np.array(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataTypeError(f"{name} must be numeric; could not convert it to float") from None
        if array.ndim != 2:
            raise DataValueError(f"{name} must be 2-dimensional (n_samples, n_features), got shape {array.shape}")
        names = [f"X{i}" for i in range(array.shape[1])]
    n, d = array.shape
    if d == 0 or n == 0:
        raise DataValueError(f"{name} is empty: shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataValueError(f"{name} column {names[col]!r} has a non-finite value (NaN or inf) at row {row}")
    if n <= d:
        raise DataValueError(f"{name} has {n} rows but {d} columns: need more rows than columns")
    constant = np.flatnonzero(np.ptp(array, axis=0) == 0)
    if constant.size:
        raise DataValueError(f"{name} column {names[constant[0]]!r} is constant")
    return array, names
