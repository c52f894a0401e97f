"""One entry point from any supported data source to the sufficient statistics (count table, marginals).

:func:`to_count_table` accepts a pandas DataFrame, a :class:`CountTable`, an iterable of pandas chunks, a
path/directory/glob of Parquet or CSV files (or a list of them) and a ``dask.dataframe.DataFrame``; every
source is validated with the same rules and errors (:mod:`pgmpy_mixture.validation`) and yields the same
table for the same data. :func:`to_marginals` does the same for per-variable marginals (aggregate
observations, DIMM); with Dask it only computes per-variable value counts.

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

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.streaming import DEFAULT_CHUNKSIZE, count_chunks, count_files
from pgmpy_mixture.errors import (
    DataTypeError,
    ParameterError,
)

SUPPORTED = (
    "a pandas DataFrame, a CountTable, an iterable of pandas DataFrames, a path or glob of Parquet/CSV files, "
    "or a dask DataFrame"
)


def _is_dask(data: object) -> bool:
    module = type(data).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr")


def is_dask_frame(data: object) -> bool:
    """True for a ``dask.dataframe.DataFrame`` (decided without importing Dask).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_frame(pd.DataFrame())
    False
    """
    return _is_dask(data) and hasattr(data, "map_partitions")


def is_chunked_or_distributed(data: object) -> bool:
    """True for input reduced chunk by chunk or by Dask: an iterator of frames, a list of frames, a dask frame.

    Paths are not included (a string is ambiguous for callers that also take file names of other kinds).

    Examples
    --------
    >>> import pandas as pd
    >>> is_chunked_or_distributed(iter([pd.DataFrame()])), is_chunked_or_distributed(pd.DataFrame())
    (True, False)
    """
    if is_dask_frame(data) or isinstance(data, Iterator):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(isinstance(d, pd.DataFrame) for d in data)


def _is_paths(data: object) -> bool:
    if isinstance(data, (str, os.PathLike)):
        return True
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
    data : DataFrame, CountTable, iterable of DataFrames, str/path/list of paths, or dask DataFrame
        Samples with one column per model variable holding state names (a glob such as
        ``'events-*.parquet'``, a directory, or files ending in ``.parquet``/``.csv``); a CountTable is
        re-expressed over the model's variable and state order.
    variables, states : sequences
        Model variables (the table's column order) and their state names.
    weights : str, optional
        Column of non-negative row weights (GROUP BY counts, or probabilities summing to 1).
    chunksize : int
        Rows per chunk when reading files.
    progress : bool
        Progress bar for chunked input and for Dask frames (finished tasks, on stderr).

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
    if isinstance(data, CountTable):
        if weights is not None:
            raise ParameterError("weights cannot be given with a CountTable: its weights are already counts")
        return align_count_table(data, variables, states)
    if isinstance(data, pd.DataFrame):
        return CountTable.from_frame(data, variables, states, weights)
    if _is_dask(data):
        from pgmpy_mixture.adapters.dask import count_table_from_dask

        return count_table_from_dask(data, variables, states, weights, progress=progress)
    if _is_paths(data):
        return count_files(data, variables, states, weights, chunksize=chunksize, progress=progress)
    if isinstance(data, Iterable) and not isinstance(data, (bytes, dict, np.ndarray, pd.Series)):
        return count_chunks(data, variables, states, weights, progress=progress)
    raise DataTypeError(f"data must be {SUPPORTED}; got {type(data).__name__}")


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
    """Per-variable marginals of any source :func:`to_count_table` accepts; a dask frame only runs value counts.

    With ``return_sample_size``, also the sample size behind them (total weight; None for an exact
    probability table), which DIMM's ``sample_size`` option expects.

    Examples
    --------
    >>> import pandas as pd
    >>> to_marginals(pd.DataFrame({"A": ["x", "y", "y", "y"]}), ["A"], [["x", "y"]], return_sample_size=True)
    ({'A': {'x': 0.25, 'y': 0.75}}, 4.0)
    """
    if _is_dask(data):
        from pgmpy_mixture.adapters.dask import marginals_from_dask

        return marginals_from_dask(data, variables, states, weights, return_sample_size=return_sample_size,
                                   progress=progress)
    table = to_count_table(data, variables, states, weights, chunksize=chunksize, progress=progress)
    marginals = marginals_from_counts(table)
    if not return_sample_size:
        return marginals
    return marginals, (None if table.is_distribution else table.total)
