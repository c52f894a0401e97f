"""Input validation, in one place: data frames, weights and options are checked here.

Every check raises a :mod:`pgmpy_mixture.errors` exception that names the culprit
(variable, state, column or row) and never modifies the caller's objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def state_codes(column: pd.Series, states: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of a column of state names, without raising: ``-1`` marks a missing or unknown value.

    Values are compared to the state names as strings (``str(value)``); each distinct value is converted once
    (categorical columns, as read from dictionary-encoded Parquet, through their categories).

    Returns
    -------
    codes : ndarray of signed int (the smallest type holding the codes, see :func:`smallest_code_dtype`)
    missing : ndarray of bool
        True where the value is missing (NaN/None).

    Examples
    --------
    >>> import pandas as pd
    >>> codes, missing = state_codes(pd.Series(["b", None, "z"]), ["a", "b"])
    >>> codes.tolist(), missing.tolist()
    ([1, -1, -1], [False, True, False])
    """
    names = pd.Index([str(s) for s in states])
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy()  # small integers; -1 = missing
        distinct = column.cat.categories
    else:  # hash each distinct value once, then compare only the distinct values' strings
        raw, distinct = pd.factorize(column, use_na_sentinel=True)
    lookup = np.append(names.get_indexer(pd.Index(distinct).astype(str)), -1).astype(smallest_code_dtype([len(names)]))
    missing = np.asarray(raw) < 0  # both paths mark missing values (NaN, None, NA) with -1
    return lookup[raw], missing  # raw == -1 picks the appended -1


def _label(value: object) -> object:
    """A numpy scalar as the plain Python value (so messages say ``row 3``, not ``row np.int64(3)``)."""
    return value.item() if isinstance(value, np.generic) else value


def encode_column(column: pd.Series, variable: str, states: Sequence[str]) -> np.ndarray:
    """Map a column of state names to integer codes; raise naming the first bad row.

    Examples
    --------
    >>> import pandas as pd
    >>> encode_column(pd.Series(["b", "a"]), "V", ["a", "b"]).tolist()
    [1, 0]
    """
    codes, missing = state_codes(column, states)
    if missing.any():
        row = _label(column.index[int(np.argmax(missing))])
        raise DataValueError(f"variable {variable!r} has a missing value (NaN) at row {row!r}")
    names = [str(s) for s in states]
    unknown = codes < 0
    if unknown.any():
        pos = int(np.argmax(unknown))
        raise UnknownStateError(
            f"variable {variable!r} has state {_label(column.iloc[pos])!r} at row {_label(column.index[pos])!r}, "
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


def encode_samples(
    data: pd.DataFrame,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    position_offset: int = 0,
    allow_zero_total: bool = False,
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
    position_offset, allow_zero_total
        For one chunk of a larger input: see :func:`check_weights`.

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
    check_columns(data.columns, variables, weights)
    row_weights = None
    if weights is not None:
        row_weights = check_weights(
            data[{str(c): c for c in data.columns}[weights]].to_numpy(),
            weights,
            position_offset=position_offset,
            allow_zero_total=allow_zero_total,
        )
    by_name = {str(c): c for c in data.columns}
    dtype = smallest_code_dtype([len(s) for s in states])
    codes = np.empty((data.shape[0], len(variables)), dtype=dtype, order="F")  # column writes are contiguous
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


def check_test_level(name: str, value: float | None, *, allow_none: bool = True) -> float | None:
    """Check the level of a statistical test: a number strictly between 0 and 1 (or None when allowed).

    Examples
    --------
    >>> check_test_level("alpha", 1e-3), check_test_level("alpha", None)
    (0.001, None)
    >>> check_test_level("alpha", 2)
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: alpha must be a test level strictly between 0 and 1, got 2.0
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    try:
        level = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not 0.0 < level < 1.0:
        raise ParameterError(f"{name} must be a test level strictly between 0 and 1, got {level}")
    return level


def check_n_jobs(value: int | None) -> int | None:
    """Check a number of parallel jobs as joblib reads it: None, a positive integer, or a negative one (-1: every
    core); never 0.

    Examples
    --------
    >>> check_n_jobs(2), check_n_jobs(-1), check_n_jobs(None)
    (2, -1, None)
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) == 0:
        raise ParameterError(f"n_jobs must be None, a positive integer or a negative one (-1: every core), "
                             f"got {value!r}")
    return int(value)


def error_witnesses(
    data: pd.DataFrame, variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None = None
) -> dict:
    """The first offending row of every kind in one piece of a larger input (chunk or partition).

    Used when the input is seen a piece at a time (streaming, Dask): the pieces' witnesses, in order, are
    enough for :func:`raise_first_error` to raise exactly the error :func:`encode_samples` raises on the whole
    input, whose checks run weights first, then variable by variable (missing values before unknown states).
    Column names are assumed already checked (:func:`check_columns`).

    Returns
    -------
    dict
        ``n`` rows, ``range`` (default index), ``weights_numeric``, ``nonfinite`` (position or None),
        ``negative`` ((position, value) or None), ``positions`` and ``rows`` (the offending rows' variables).

    Examples
    --------
    >>> import pandas as pd
    >>> w = error_witnesses(pd.DataFrame({"A": ["x", "q", "q"]}), ["A"], [["x"]])
    >>> w["positions"], w["rows"]["A"].tolist()
    ([1], ['q'])
    """
    by_name = {str(c): c for c in data.columns}
    n = int(data.shape[0])
    out: dict = {"n": n, "range": isinstance(data.index, pd.RangeIndex) and data.index.step == 1}
    out.update(weights_numeric=True, nonfinite=None, negative=None)
    if weights is not None:
        try:
            w = np.array(data[by_name[weights]].to_numpy(), dtype=np.float64)
        except (TypeError, ValueError):
            out["weights_numeric"] = False
        else:
            bad = np.flatnonzero(~np.isfinite(w))
            out["nonfinite"] = int(bad[0]) if bad.size else None
            bad = np.flatnonzero(w < 0)
            out["negative"] = (int(bad[0]), float(w[bad[0]])) if bad.size else None
    positions: set[int] = set()
    for var, names in zip(variables, states, strict=True):
        codes, missing = state_codes(data[by_name[var]], names)
        for mask in (missing, (codes < 0) & ~missing):
            if mask.any():
                positions.add(int(np.argmax(mask)))
    out["positions"] = sorted(positions)
    out["rows"] = data.iloc[out["positions"]][[by_name[v] for v in variables]]
    return out


def raise_first_error(
    witnesses: Sequence[dict], variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None = None
) -> None:
    """Raise the error :func:`encode_samples` would raise on the concatenation of the pieces.

    Rows of pieces with a default (range) index are named by their position in the whole input; other rows
    keep their index label. Returns normally when no piece has a bad value.

    Examples
    --------
    >>> import pandas as pd
    >>> pieces = [pd.DataFrame({"A": ["x", "x"]}), pd.DataFrame({"A": ["x", "q"]})]
    >>> raise_first_error([error_witnesses(p, ["A"], [["x"]]) for p in pieces], ["A"], [["x"]])
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.UnknownStateError: variable 'A' has state 'q' at row 3, which is not one of \
the model's states ['x']
    """
    offsets = np.concatenate([[0], np.cumsum([w["n"] for w in witnesses])]).astype(np.int64)
    if weights is not None:
        if not all(w["weights_numeric"] for w in witnesses):
            check_weights(np.array(["not a number"], dtype=object), weights)
        for key in ("nonfinite", "negative"):
            for w, off in zip(witnesses, offsets, strict=False):
                if w[key] is not None:
                    pos, value = (w[key], np.nan) if key == "nonfinite" else w[key]
                    # the pandas check on the offending value alone, at its position in the whole input
                    check_weights(np.array([value]), weights, position_offset=int(off) + pos, allow_zero_total=True)
    frames = []
    for w, off in zip(witnesses, offsets, strict=False):
        rows = w["rows"]
        if w["range"]:
            rows = rows.set_axis(pd.Index(np.asarray(w["positions"], dtype=np.int64) + int(off)), axis=0)
        frames.append(rows.set_axis([str(c) for c in rows.columns], axis=1))
    frames = [f for f in frames if f.shape[0]]
    if frames:
        encode_samples(pd.concat(frames, axis=0), variables, states)


#: Largest allowed ``|sum - 1|`` of one variable's marginal; within it the marginal is renormalised.
MARGINAL_SUM_TOLERANCE = 1e-6


def _marginal_entries(marginals: object) -> list[tuple[object, object, object]]:
    """Flatten the supported marginal formats into ``(variable, state, value)`` triples."""
    if isinstance(marginals, pd.DataFrame):
        cols = {str(c).lower(): c for c in marginals.columns}
        missing = [c for c in ("variable", "state", "probability") if c not in cols]
        if missing:
            raise DataValueError(
                f"a marginals table needs columns 'variable', 'state', 'probability'; missing {missing}"
            )
        return list(
            zip(
                marginals[cols["variable"]].tolist(),
                marginals[cols["state"]].tolist(),
                marginals[cols["probability"]].tolist(),
                strict=True,
            )
        )
    if isinstance(marginals, pd.Series):
        if marginals.index.nlevels != 2:
            raise DataValueError("a marginals Series must be indexed by (variable, state): a 2-level MultiIndex")
        return [(v, s, p) for (v, s), p in marginals.items()]
    if isinstance(marginals, Mapping):
        entries = []
        for var, dist in marginals.items():
            if isinstance(dist, pd.Series):
                dist = dist.to_dict()
            if not isinstance(dist, Mapping):
                raise DataTypeError(
                    f"the marginal of variable {var!r} must be a mapping {{state: probability}}, "
                    f"got {type(dist).__name__}"
                )
            entries += [(var, s, p) for s, p in dist.items()]
        return entries
    raise DataTypeError(
        "marginals must be a dict {variable: {state: probability}}, a pandas Series indexed by "
        f"(variable, state) or a DataFrame with columns variable, state, probability; got {type(marginals).__name__}"
    )


def check_marginals(
    marginals: object,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    *,
    tolerance: float = MARGINAL_SUM_TOLERANCE,
) -> np.ndarray:
    """Validate per-variable marginals against a model and return them flat, in the model's order.

    Accepted forms: ``{variable: {state: probability}}``, a pandas Series indexed by
    ``(variable, state)``, or a DataFrame with columns ``variable, state, probability`` (as read
    from a CSV file). States left out have probability 0. Each variable's probabilities must be
    finite, non-negative and sum to 1 within ``tolerance`` (default ``1e-6``); they are then
    renormalised (in a copy: the input is never modified).

    Returns
    -------
    ndarray, shape (total number of states,)
        Variables in the order of ``variables``, each with its states in the order of ``states``.

    Examples
    --------
    >>> check_marginals({"A": {"x": 0.25, "y": 0.75}}, ["A"], [["x", "y"]]).tolist()
    [0.25, 0.75]
    """
    entries = _marginal_entries(marginals)
    index = {str(v): i for i, v in enumerate(variables)}
    state_index = [{str(s): k for k, s in enumerate(st)} for st in states]
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in states])]).astype(np.int64)
    flat = np.zeros(int(offsets[-1]))
    seen = np.zeros(int(offsets[-1]), dtype=bool)
    for var, state, value in entries:
        i = index.get(str(var))
        if i is None:
            raise UnknownVariableError(f"marginals name variable {var!r}, which is not a variable of the model")
        k = state_index[i].get(str(state))
        if k is None:
            raise UnknownStateError(
                f"marginals of variable {var!r} name state {state!r}, which is not one of {list(states[i])}"
            )
        try:
            p = float(value)
        except (TypeError, ValueError):
            raise DataValueError(f"marginal P({var}={state}) is not a number: {value!r}") from None
        if not np.isfinite(p):
            raise DataValueError(f"marginal P({var}={state}) is not finite: {value!r}")
        if p < 0:
            raise DataValueError(f"marginal P({var}={state}) is negative: {p}")
        pos = int(offsets[i]) + k
        if seen[pos]:
            raise DataValueError(f"marginal P({var}={state}) is given twice")
        seen[pos] = True
        flat[pos] = p
    for i, var in enumerate(variables):
        blk = slice(int(offsets[i]), int(offsets[i + 1]))
        if not seen[blk].any():
            raise MissingVariableError(f"model variable {var!r} has no marginal in the input")
        total = flat[blk].sum()
        if abs(total - 1.0) > tolerance:
            raise DataValueError(
                f"the marginal of variable {var!r} sums to {total:.10g}, not 1 (tolerance {tolerance:g})"
            )
        flat[blk] /= total
    return flat


# --- continuous data matrices (the Gaussian methods, MixtureSplitter): fit mode and prediction mode ---------------

#: How scikit-learn words a 1-D input error; its checks (and its users) look for "Reshape your data".
RESHAPE_HINT = (
    "Reshape your data either using X.reshape(-1, 1) if it has a single feature or X.reshape(1, -1) if it is a "
    "single sample"
)


def _duplicates(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted."""
    index = pd.Index(names)
    return sorted(set(index[index.duplicated()]))


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
    your data"), no rows or no columns ("0 feature(s)"), NaN/inf (naming the row and column). Column names come from
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
        duplicated = _duplicates(names)
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
            where = f"row position {row} (index {_label(data.index[row])!r})"
        raise DataValueError(f"{name} column {names[col]!r} has a non-finite value (NaN or inf) at {where}")
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
    duplicated = _duplicates(names)
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
