"""One entry point from any supported data source to the sufficient statistics (count table, marginals).

:func:`to_count_table` accepts a pandas DataFrame, a :class:`CountTable`, an iterable of pandas chunks, a
path/directory/glob of Parquet or CSV files (or a list of them) and any source a registered reader handles; every
source is validated with the same rules and errors (:mod:`pgmpy_mixture.validation`) and yields the same
table for the same data. :func:`to_marginals` does the same for per-variable marginals (aggregate
observations, DIMM); a reader may compute them without the full table.

Readers plug in with :func:`register_reader` (this module never imports them): the Dask adapter registers one for
``dask.dataframe.DataFrame`` when :mod:`pgmpy_mixture.adapters` is imported, and that reader imports Dask only
when a Dask frame arrives.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"A": ["x", "y", "x"]})
>>> a = to_count_table(df, ["A"], [["x", "y"]])
>>> b = to_count_table(iter([df.iloc[:2], df.iloc[2:]]), ["A"], [["x", "y"]])
>>> a.weights.tolist() == b.weights.tolist(), a.n_rows == b.n_rows
(True, True)
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.streaming import DEFAULT_CHUNKSIZE, count_chunks, count_files
from pgmpy_mixture.errors import DataTypeError, ParameterError
from pgmpy_mixture.validation.parameters import check_count, check_variables

SUPPORTED = (
    "a pandas DataFrame, a CountTable, an iterable of pandas DataFrames, a path or glob of Parquet/CSV files"
)


@dataclass(frozen=True)
class Reader:
    """A data source the core does not know itself (a Dask frame, ...), reduced by code registered for it.

    Attributes
    ----------
    name : str
        Name of the source, shown in messages (``"dask"``).
    accepts : callable
        ``accepts(data) -> bool``; must not import the engine (it runs on every input).
    count_table : callable
        ``count_table(data, variables, states, weights=None, *, progress=False) -> CountTable``.
    marginals : callable, optional
        ``marginals(data, variables, states, weights=None, *, progress=False) -> (marginals, sample_size)``: the
        per-variable marginals ``{variable: {state: probability}}`` and the total weight behind them (None for an
        exact probability table). Without it, marginals come from the count table.
    """

    name: str
    accepts: Callable[[object], bool]
    count_table: Callable[..., CountTable]
    marginals: Callable[..., tuple[dict[str, dict[str, float]], float | None]] | None = None


_READERS: dict[str, Reader] = {}


def register_reader(
    name: str,
    accepts: Callable[[object], bool],
    count_table: Callable[..., CountTable],
    marginals: Callable[..., tuple[dict[str, dict[str, float]], float | None]] | None = None,
) -> None:
    """Register (or replace) a reader of a data source for :func:`to_count_table` and :func:`to_marginals`.

    See :class:`Reader` for what each callable receives.

    Examples
    --------
    >>> class Rows(list):
    ...     pass
    >>> def rows_table(data, variables, states, weights=None, *, progress=False):
    ...     return to_count_table(pd.DataFrame(list(data), columns=list(variables)), variables, states)
    >>> register_reader("rows", lambda data: isinstance(data, Rows), rows_table)
    >>> to_count_table(Rows([["x"], ["y"], ["y"]]), ["A"], [["x", "y"]]).weights.tolist()
    [1.0, 2.0]
    >>> unregister_reader("rows")
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"reader name must be a non-empty string, got {name!r}")
    for label, function in (("accepts", accepts), ("count_table", count_table)):
        if not callable(function):
            raise ParameterError(f"reader {name!r}: {label} must be callable, got {type(function).__name__}")
    if marginals is not None and not callable(marginals):
        raise ParameterError(f"reader {name!r}: marginals must be callable or None, got {type(marginals).__name__}")
    _READERS[name] = Reader(name, accepts, count_table, marginals)


def unregister_reader(name: str) -> None:
    """Remove the reader registered under ``name`` (nothing happens if there is none).

    Examples
    --------
    >>> unregister_reader("no such reader")
    """
    _READERS.pop(name, None)


def reader_for(data: object) -> Reader | None:
    """The registered reader that accepts ``data``, or None.

    Examples
    --------
    >>> reader_for(pd.DataFrame()) is None
    True
    """
    for reader in _READERS.values():
        if reader.accepts(data):
            return reader
    return None


def supported_sources() -> str:
    """The data sources :func:`to_count_table` accepts, in words (for messages).

    Examples
    --------
    >>> supported_sources().startswith("a pandas DataFrame")
    True
    """
    names = [f"a {name} source" for name in _READERS]
    return ", ".join([SUPPORTED, *names])


def has_reader(data: object) -> bool:
    """True when a registered reader handles ``data`` (a Dask frame, once the Dask adapter registered its reader).

    Examples
    --------
    >>> has_reader(pd.DataFrame())
    False
    """
    return reader_for(data) is not None


def is_dask_frame(data: object) -> bool:
    """:func:`has_reader` under its earlier name (the core knows Dask only through its registered reader).

    Examples
    --------
    >>> is_dask_frame(pd.DataFrame())
    False
    """
    return has_reader(data)


def is_chunked_or_distributed(data: object) -> bool:
    """True for input reduced chunk by chunk or by a reader: an iterator of frames, a list of frames, a source of a
    registered reader (a Dask frame).

    Paths are not included (a string is ambiguous for callers that also take file names of other kinds).

    Examples
    --------
    >>> import pandas as pd
    >>> is_chunked_or_distributed(iter([pd.DataFrame()])), is_chunked_or_distributed(pd.DataFrame())
    (True, False)
    """
    if has_reader(data) or isinstance(data, Iterator):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(isinstance(d, pd.DataFrame) for d in data)


def is_data_source(data: object) -> bool:
    """True when ``data`` is of a kind :func:`to_count_table` reads: a DataFrame, a CountTable, a registered
    reader's source, a path (string or ``os.PathLike``; whether the file exists is checked when it is read), or
    an iterator or list of DataFrames or paths. For entry points that check an argument's type before reading it.

    Examples
    --------
    >>> is_data_source(pd.DataFrame()), is_data_source("events-*.parquet"), is_data_source([1, 2])
    (True, True, False)
    """
    if isinstance(data, (pd.DataFrame, CountTable, str, os.PathLike)) or has_reader(data):
        return True
    if isinstance(data, Iterator):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and (
        all(isinstance(d, pd.DataFrame) for d in data) or all(isinstance(d, (str, os.PathLike)) for d in data))


def _check_reading_arguments(
    variables: Sequence[str], states: Sequence[Sequence[str]], weights: object, chunksize: object, progress: object
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The arguments every reader shares, checked before any data are read (ParameterError naming the culprit)."""
    variables, states = check_variables(variables, states)
    if weights is not None and not isinstance(weights, str):
        raise ParameterError(f"weights must be None or the name of a column (a string), got {weights!r}")
    check_count("chunksize", chunksize)
    if not isinstance(progress, (bool, np.bool_)):
        raise ParameterError(f"progress must be True or False, got {progress!r}")
    return variables, states


def _missing_file_error(text: str, name: str = "data") -> DataTypeError:
    """The error for a string that names no file and is no glob: it says so, with the folder it was looked in."""
    where = "" if os.path.isabs(text) else f" (looked for relative to the working directory {os.getcwd()!r})"
    return DataTypeError(f"{name} {text!r} names no file: no such file or directory{where}; {name} must be "
                         f"{supported_sources()}")


def _looks_like_files(text: str) -> bool:
    """A string names files when it is a glob pattern or an existing path (a missing one is no data source)."""
    return glob.has_magic(text) or os.path.exists(text)


def _is_paths(data: object) -> bool:
    if isinstance(data, os.PathLike):
        return True
    if isinstance(data, str):
        return _looks_like_files(data)
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(isinstance(d, (str, os.PathLike)) for d in data)


def align_count_table(table: CountTable, variables: Sequence[str], states: Sequence[Sequence[str]]) -> CountTable:
    """A count table re-expressed over the model's variables and state order (see :meth:`CountTable.align`).

    Examples
    --------
    >>> import numpy as np
    >>> t = CountTable.from_codes(np.array([[0]]), ["A"], [["y", "x"]])
    >>> align_count_table(t, ["A"], [["x", "y"]]).codes.tolist()
    [[1]]
    """
    return table.align(variables, states)


def to_count_table(
    data: Any,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    progress: bool = False,
) -> CountTable:
    """Reduce any supported data source to the model's :class:`CountTable`.

    Parameters
    ----------
    data : DataFrame, CountTable, iterable of DataFrames, str/path/list of paths, or a registered reader's source
        Samples with one column per model variable holding state names (a glob such as
        ``'events-*.parquet'``, a directory, or files ending in ``.parquet``/``.csv``); a CountTable is
        re-expressed over the model's variable and state order; a Dask frame is counted by Dask.
    variables, states : sequences
        Model variables (the table's column order) and their state names.
    weights : str, optional
        Column of non-negative row weights (GROUP BY counts, or probabilities summing to 1).
    chunksize : int
        Rows per chunk when reading files.
    progress : bool
        Progress bar for chunked input and for reader sources (Dask: finished tasks, on stderr).

    Returns
    -------
    CountTable

    Raises
    ------
    DataTypeError
        For an unsupported data type.
    DataValueError, UnknownStateError, ...
        The same validation errors for every source.

    Examples
    --------
    >>> import pandas as pd
    >>> to_count_table(pd.DataFrame({"A": ["x", "q"]}), ["A"], [["x", "y"]])
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.UnknownStateError: variable 'A' has state 'q' at row 1, which is not one of \
the model's states ['x', 'y']
    """
    variables, states = _check_reading_arguments(variables, states, weights, chunksize, progress)
    if isinstance(data, CountTable):
        if weights is not None:
            raise ParameterError("weights cannot be given with a CountTable: its weights are already counts")
        return align_count_table(data, variables, states)
    if isinstance(data, pd.DataFrame):
        return CountTable.from_frame(data, variables, states, weights)
    reader = reader_for(data)
    if reader is not None:
        return reader.count_table(data, variables, states, weights, progress=progress)
    if _is_paths(data):
        return count_files(data, variables, states, weights, chunksize=chunksize, progress=progress)
    if isinstance(data, str):
        raise _missing_file_error(data)
    if isinstance(data, Iterable) and not isinstance(data, (bytes, dict, np.ndarray, pd.Series)):
        return count_chunks(data, variables, states, weights, progress=progress)
    raise DataTypeError(f"data must be {supported_sources()}; got {type(data).__name__}")


def marginals_from_counts(table: CountTable) -> dict[str, dict[str, float]]:
    """Per-variable marginals ``{variable: {state: probability}}`` of a count table (aggregate observations).

    Examples
    --------
    >>> import numpy as np
    >>> marginals_from_counts(CountTable.from_codes(np.array([[0], [1]]), ["A"], [["x", "y"]]))
    {'A': {'x': 0.5, 'y': 0.5}}
    """
    return table.marginals()


def to_marginals(
    data: Any,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    progress: bool = False,
    return_sample_size: bool = False,
):
    """Per-variable marginals of any source :func:`to_count_table` accepts; a reader with its own marginals (Dask:
    distributed value counts) does not build the count table.

    With ``return_sample_size``, also the sample size behind them (total weight; None for an exact
    probability table), which DIMM's ``sample_size`` option expects.

    Examples
    --------
    >>> import pandas as pd
    >>> to_marginals(pd.DataFrame({"A": ["x", "y", "y", "y"]}), ["A"], [["x", "y"]], return_sample_size=True)
    ({'A': {'x': 0.25, 'y': 0.75}}, 4.0)
    """
    variables, states = _check_reading_arguments(variables, states, weights, chunksize, progress)
    reader = reader_for(data)
    if reader is not None and reader.marginals is not None:
        marginals, size = reader.marginals(data, variables, states, weights, progress=progress)
        return (marginals, size) if return_sample_size else marginals
    table = to_count_table(data, variables, states, weights, chunksize=chunksize, progress=progress)
    marginals = marginals_from_counts(table)
    if not return_sample_size:
        return marginals
    return marginals, (None if table.is_distribution else table.total)
