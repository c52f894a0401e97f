"""Continuous data matrices (the Gaussian path): numeric, finite, two-dimensional, named columns.

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
from pgmpy_mixture.validation.encoding import plain_value
from pgmpy_mixture.validation.frames import duplicated_names

#: How scikit-learn words a 1-D input error; its checks (and its users) look for "Reshape your data".
RESHAPE_HINT = (
    "Reshape your data either using X.reshape(-1, 1) if it has a single feature or X.reshape(1, -1) if it is a "
    "single sample"
)


#: Largest magnitude accepted in a data matrix: squares of larger values (covariances, Mahalanobis distances)
#: overflow float64 (about 1.8e308) and turn into NaN probabilities.
LARGEST_VALUE = 1e150


def _is_real_number(value: object) -> bool:
    """True when ``float(value)`` works and ``value`` is not complex (used only to locate a bad cell)."""
    if isinstance(value, complex | np.complexfloating):
        return False
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _first_bad_cell(array: np.ndarray) -> tuple[int, int, object]:
    """Row, column and value of the first cell of an object array that is not a real number."""
    ok = np.frompyfunc(_is_real_number, 1, 1)(array).astype(bool)
    row, col = np.argwhere(~ok)[0]
    return int(row), int(col), array[row, col]


def _frame_to_float(data: pd.DataFrame, name: str, copy: bool = True) -> np.ndarray:
    """Float64 array (a copy unless ``copy=False`` allows a view) of a DataFrame whose columns are all real
    numeric; raises naming the first bad column."""
    for column, dtype in zip(data.columns, data.dtypes, strict=True):
        if pd.api.types.is_complex_dtype(dtype):
            raise DataValueError(f"Complex data not supported: {name} column {column!r} is complex (dtype {dtype})")
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise DataTypeError(f"{name} column {column!r} is not numeric (dtype {dtype})")
    return data.to_numpy(dtype=np.float64, na_value=np.nan, copy=copy)


def _array_to_float(data: object, name: str, copy: bool = True) -> np.ndarray:
    """Float64 array of an array-like (a copy unless ``copy=False`` lets a float64 array through); raises for
    sparse, complex, boolean, string, date and non-numeric object input."""
    if hasattr(data, "tocsr") and hasattr(data, "nnz"):  # scipy.sparse matrix or array, without importing scipy
        raise DataTypeError(
            f"sparse input is not supported: {name} is a {type(data).__name__}; pass a dense array "
            f"({name}.toarray()): the Gaussian mixture needs every entry"
        )
    try:
        array = np.asarray(data)
    except ValueError as exc:  # ragged nested lists
        raise DataValueError(f"{name} must be a rectangular 2-D array (n_samples, n_features): {exc}") from None
    kind = array.dtype.kind
    if kind == "c":
        raise DataValueError(f"Complex data not supported: {name} has dtype {array.dtype}")
    if kind in "bUSMmV":  # booleans too, as for DataFrame columns
        raise DataTypeError(f"{name} must be numeric, got an array of dtype {array.dtype}")
    try:
        return np.array(array, dtype=np.float64) if copy else np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        if array.ndim == 2 and array.size:
            row, col, value = _first_bad_cell(array)
            raise DataTypeError(
                f"{name} must be numeric: the value {value!r} at row {row}, column {col} is not a real number "
                f"({exc})"
            ) from None
        raise DataTypeError(f"{name} must be numeric: could not convert it to float ({exc})") from None


def check_numeric_matrix(data: object, name: str = "X", *, copy: bool = True) -> tuple[np.ndarray, list[str]]:
    """Check a real numeric, finite, non-empty 2-D matrix (array-like or DataFrame); return a float64 copy and names.

    The checks shared by fitting and prediction, in scikit-learn's wording where it has one: sparse input, complex
    data, non-numeric values (naming the column, or the row and column of an object array), 1-D input ("Reshape
    your data"), no rows or no columns ("0 feature(s)"), NaN/inf, and values beyond :data:`LARGEST_VALUE` whose
    squares overflow (naming the row and column). Column names come from
    a DataFrame (as strings), else ``X0, X1, ...``. The caller's object is never modified.

    Parameters
    ----------
    data : array-like of shape (n_samples, n_features) or pandas.DataFrame
    name : str
        How messages call the data.
    copy : bool, default True
        Return a new array. With False a float64 array (or a DataFrame's float64 block) may come back as is, for
        callers that only read it (prediction on large data).

    Returns
    -------
    array : numpy.ndarray of float64, shape (n_samples, n_features)
        A new array unless ``copy=False``.
    names : list of str

    Examples
    --------
    >>> X, names = check_numeric_matrix([[1.0, 2.0]])  # one row is fine here (see check_fit_matrix)
    >>> X.shape, names
    ((1, 2), ['X0', 'X1'])
    >>> check_numeric_matrix(np.array([1.0, 2.0]))
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: Expected a 2-D array (n_samples, n_features), got a 1-D array of shape \
(2,). Reshape your data either using X.reshape(-1, 1) if it has a single feature or X.reshape(1, -1) if it is a \
single sample
    """
    if isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
        duplicated = duplicated_names(names)
        if duplicated:
            raise DataValueError(f"{name} has duplicate column names {duplicated}")
        array = _frame_to_float(data, name, copy)
    else:
        array = _array_to_float(data, name, copy)
        if array.ndim == 1:
            raise DataValueError(
                f"Expected a 2-D array (n_samples, n_features), got a 1-D array of shape {array.shape}. {RESHAPE_HINT}"
            )
        if array.ndim != 2:
            raise DataValueError(
                f"Expected a 2-D array (n_samples, n_features), got {array.ndim} dimensions (shape {array.shape})"
            )
        names = [f"X{i}" for i in range(array.shape[1])]
    n, d = array.shape
    if n == 0:
        raise DataValueError(
            f"{name} is empty: it has 0 sample(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    if d == 0:
        raise DataValueError(
            f"{name} is empty: it has 0 feature(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    if not np.isfinite(array).all():
        row, col = np.argwhere(~np.isfinite(array))[0]
        where = f"row {row}"
        if isinstance(data, pd.DataFrame):
            where = f"row position {row} (index {plain_value(data.index[row])!r})"
        raise DataValueError(f"{name} column {names[col]!r} has a non-finite value (NaN or inf) at {where}")
    too_large = np.abs(array) > LARGEST_VALUE
    if too_large.any():
        row, col = np.argwhere(too_large)[0]
        where = f"row {row}"
        if isinstance(data, pd.DataFrame):
            where = f"row position {row} (index {plain_value(data.index[row])!r})"
        raise DataValueError(
            f"{name} column {names[col]!r} has the value {array[row, col]:g} at {where}, beyond +-{LARGEST_VALUE:g}: "
            "squares and covariances of such values overflow float64; rescale the column"
        )
    return array, names


def check_fit_matrix(data: object, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """Check data to fit a Gaussian mixture on: :func:`check_numeric_matrix`, more rows than columns, no constant
    column. Returns a float64 copy and the column names.

    Raises naming the culprit (column, row or parameter), in scikit-learn's wording where it has one (sparse,
    complex, 1-D, empty input). The caller's object is never modified.

    Parameters
    ----------
    data : array-like of shape (n_samples, n_features) or pandas.DataFrame
    name : str
        How messages call the data.

    Returns
    -------
    array : numpy.ndarray of float64, shape (n_samples, n_features)
    names : list of str

    Examples
    --------
    >>> X, names = check_fit_matrix(np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 3.0]]))
    >>> X.shape, names
    ((3, 2), ['X0', 'X1'])
    >>> check_fit_matrix(np.array([[0.0, 1.0, 2.0]]))
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: X has 1 rows but 3 columns (n_samples=1, n_features=3): fitting needs more \
rows than columns
    """
    array, names = check_numeric_matrix(data, name)
    n, d = array.shape
    if n <= d:
        raise DataValueError(
            f"{name} has {n} rows but {d} columns (n_samples={n}, n_features={d}): fitting needs more rows than columns"
        )
    constant = np.flatnonzero(np.ptp(array, axis=0) == 0)
    if constant.size:
        raise DataValueError(f"{name} column {names[constant[0]]!r} is constant: it cannot be fitted")
    return array, names


def check_prediction_matrix(
    data: object,
    n_features: int,
    feature_names: Sequence[str] | None = None,
    *,
    estimator: str = "the estimator",
    name: str = "X",
) -> np.ndarray:
    """Check data given to a fitted estimator (predict, predict_proba, ...) and return it as float64 (the
    caller's array itself when it already is one: prediction only reads it, and large data are not copied).

    Any number of rows (one included) and constant columns are fine; the rest of :func:`check_numeric_matrix`
    applies, plus the fitted shape: exactly ``n_features`` columns and, when both the fitted data and ``data`` are
    DataFrames, the same column names in the same order (a :class:`~pgmpy_mixture.errors.DataValueError` subclass
    naming the unseen, missing or reordered columns, in scikit-learn's wording). When only one of them had column
    names a :class:`~pgmpy_mixture.errors.FeatureNamesWarning` says so and columns are matched by position, as
    scikit-learn does.

    Parameters
    ----------
    data : array-like of shape (n_samples, n_features) or pandas.DataFrame
    n_features : int
        Number of columns seen in fit.
    feature_names : sequence of str, optional
        Column names seen in fit, None when it was fitted on data without column names.
    estimator : str
        The estimator's name, for messages.
    name : str
        How messages call the data.

    Returns
    -------
    numpy.ndarray of float64, shape (n_samples, n_features)

    Examples
    --------
    >>> check_prediction_matrix([[1.0, 1.0]], 2).tolist()  # one row, constant columns: fine for prediction
    [[1.0, 1.0]]
    >>> check_prediction_matrix([[1.0]], 2, estimator="MixtureSplitter")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: X has 1 features, but MixtureSplitter is expecting 2 features as input \
(the number of columns it was fitted on)
    """
    from pgmpy_mixture.errors import FeatureNamesWarning, warn_at_caller

    is_frame = isinstance(data, pd.DataFrame)
    if feature_names is not None and is_frame:  # names first: a misnamed column is the cause of any odd value
        _check_feature_names([str(c) for c in data.columns], [str(f) for f in feature_names], estimator)
    array, names = check_numeric_matrix(data, name, copy=False)
    if array.shape[1] != n_features:
        raise DataValueError(
            f"{name} has {array.shape[1]} features, but {estimator} is expecting {n_features} features as input "
            "(the number of columns it was fitted on)"
        )
    if feature_names is not None and not is_frame:
        warn_at_caller(
            f"{name} does not have valid feature names, but {estimator} was fitted with feature names: its columns "
            f"are taken to be {list(feature_names)} in this order",
            FeatureNamesWarning,
        )
    elif feature_names is None and is_frame:
        warn_at_caller(
            f"{name} has feature names, but {estimator} was fitted without feature names: its columns are matched "
            "by position",
            FeatureNamesWarning,
        )
    return array


def _check_feature_names(names: list[str], fitted: list[str], estimator: str) -> None:
    """Raise when a DataFrame's columns differ from the fitted ones (scikit-learn's message, then ours)."""
    if names == fitted:
        return
    duplicated = duplicated_names(names)
    if duplicated:
        raise DataValueError(f"X has duplicate column names {duplicated}; {estimator} was fitted on {fitted}")
    unseen = [c for c in names if c not in set(fitted)]
    missing = [c for c in fitted if c not in set(names)]
    message = "The feature names should match those that were passed during fit.\n"
    if unseen:
        message += "Feature names unseen at fit time:\n" + "".join(f"- {c}\n" for c in unseen)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + "".join(f"- {c}\n" for c in missing)
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    message += f"({estimator} was fitted on columns {fitted}; got {names})"
    error = UnknownVariableError if unseen else MissingVariableError if missing else DataValueError
    raise error(message)
