"""State names to integer codes, with errors that name the variable, the state and the row.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import (
    DataValueError,
    UnknownStateError,
)
from pgmpy_mixture.validation.frames import check_columns, check_dataframe, check_weights


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


def plain_value(value: object) -> object:
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
        row = plain_value(column.index[int(np.argmax(missing))])
        raise DataValueError(f"variable {variable!r} has a missing value (NaN) at row {row!r}")
    names = [str(s) for s in states]
    unknown = codes < 0
    if unknown.any():
        pos = int(np.argmax(unknown))
        raise UnknownStateError(
            f"variable {variable!r} has state {plain_value(column.iloc[pos])!r} "
            f"at row {plain_value(column.index[pos])!r}, "
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
