"""Streaming input: reduce pandas chunks, Parquet and CSV files chunk by chunk into a :class:`CountTable`.

Data that do not fit in memory never need to: the discrete methods only use the count table (distinct
assignments with their total weight), so rows are read a chunk at a time, validated exactly like a pandas frame
(:func:`pgmpy_mixture.validation.encode_samples`, same errors, rows named by their position in the whole input),
encoded, reduced to distinct packed keys and merged into a running table. After a chunk with a bad value the
rest is still read (only to find offending rows), so the error raised is the one pandas raises on the whole
input: a bad weight anywhere before a bad state, variables in model order, missing values before unknown states.

Memory bound
------------
With ``C`` rows per chunk, ``n`` variables, ``K`` key columns (``K = 1`` when the joint state space fits in 62
bits, e.g. ALARM) and ``U`` distinct assignments in the whole input, the peak is about

* one chunk as read (pandas frame; categorical/dictionary columns take 1 byte per value, strings more), plus
  ``C * (n + 8 * K + 24)`` bytes for its codes, keys and their sort;
* the running table: ``U * 16`` bytes (one key and one weight per distinct assignment when ``K = 1``), twice
  that while new assignments are inserted, plus pending chunk tables of at most ``max(U / 4, 2**20)`` rows
  (they are merged in place by binary search; with ``K > 1`` they are re-sorted together, about
  ``U * (8 * K + 8) * 4`` bytes);
* the final :class:`CountTable`: ``U * (n + 8)`` bytes (built from the keys without a wider copy).

It does not grow with the number of rows, only with the number of distinct assignments, which is at most the
product of the cardinalities.

Examples
--------
>>> import pandas as pd
>>> chunks = (pd.DataFrame({"A": ["x", "y", "x"]}) for _ in range(4))
>>> table = count_chunks(chunks, ["A"], [["x", "y"]])
>>> table.weights.tolist(), table.n_rows
([8.0, 4.0], 12)
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.packing import KeyLayout, count_table_from_keys, merge_sorted, sum_by_key
from pgmpy_mixture.errors import DataFileError, DataTypeError, DataValueError, missing_dependency
from pgmpy_mixture.validation import (
    check_columns,
    check_dataframe,
    empty_data_error,
    encode_samples,
    error_witnesses,
    is_probability_table,
    raise_first_error,
    zero_weights_error,
)
from pgmpy_mixture.validation.parameters import check_count, check_variables

DEFAULT_CHUNKSIZE = 1_000_000
"""Rows per chunk when reading files (about 40 MB of codes for ALARM's 37 variables)."""

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".csv.zst", ".tsv")
_MIN_MERGE_ROWS = 1 << 20

#: How CSV files are read: every cell as text, so state names stay as written (``None``, ``NA``, ``01``, ``True``);
#: only an empty cell is missing (reported by validation). A weights column is parsed as numbers when checked.
CSV_TEXT_OPTIONS: dict = {"dtype": str, "keep_default_na": False, "na_values": [""]}


def _whole_index(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    """Label a chunk's rows by their position in the whole input when it carries a default (range) index.

    ``pd.read_csv(chunksize=...)`` already does this; Parquet batches and hand-made chunks restart at 0.
    Returns a new frame object (no copy of the data, the caller's frame is untouched).
    """
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.step == 1 and index.start != offset:
        return frame.set_axis(pd.RangeIndex(offset, offset + frame.shape[0]), axis=0)
    return frame


class CountAccumulator:
    """A count table built incrementally from chunks, in memory bounded by the distinct assignments.

    Parameters
    ----------
    variables : sequence of str
        Model variables, in the column order of the resulting table.
    states : sequence of sequence of str
        State names of each variable.
    weights : str, optional
        Name of a column of row weights in the frames passed to :meth:`add_frame`.

    Examples
    --------
    >>> import pandas as pd
    >>> acc = CountAccumulator(["A"], [["x", "y"]])
    >>> acc.add_frame(pd.DataFrame({"A": ["y", "y"]}))
    >>> acc.add_frame(pd.DataFrame({"A": ["x"]}))
    >>> acc.result().weights.tolist()
    [1.0, 2.0]
    """

    def __init__(self, variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None = None):
        self.variables, self.states = check_variables(variables, states)
        self.weights = weights
        self.layout = KeyLayout.for_cardinalities([len(s) for s in self.states])
        self.n_rows = 0
        self._keys = np.zeros((0, self.layout.n_keys), dtype=np.int64)
        self._sums = np.zeros(0)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_rows = 0
        self._fractional = False
        self._weight_total = 0.0
        self._witnesses: list[dict] | None = None
        self._witness_offset = 0

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Validate one chunk like a pandas frame (errors name the row in the whole input) and add it.

        Empty chunks are skipped; an input whose chunks are all empty is reported by :meth:`result`.

        Parameters
        ----------
        frame : pandas.DataFrame
            One chunk: the model's variables as columns (state names), plus the weights column if any.

        Examples
        --------
        >>> import pandas as pd
        >>> acc = CountAccumulator(["A"], [["x", "y"]])
        >>> acc.add_frame(pd.DataFrame({"A": ["y", "x", "y"]}))
        >>> acc.n_rows
        3
        """
        if not isinstance(frame, pd.DataFrame):
            raise DataTypeError(f"each chunk must be a pandas DataFrame, got {type(frame).__name__}")
        if frame.shape[0] == 0:
            return
        frame = check_dataframe(_whole_index(frame, self.n_rows))
        check_columns(frame.columns, self.variables, self.weights)
        if self._witnesses is not None:  # an earlier chunk had a bad value: only look for the first error
            self._witnesses.append(error_witnesses(frame, self.variables, self.states, self.weights))
            self.n_rows += int(frame.shape[0])
            return
        try:
            codes, row_weights = encode_samples(
                frame, self.variables, self.states, self.weights, position_offset=self.n_rows, allow_zero_total=True
            )
        except DataValueError:
            # A bad value. pandas, seeing the whole input, reports the first bad weight anywhere before any bad
            # state, and variables in order; so keep reading and collect each chunk's first offending rows.
            self._witnesses = [error_witnesses(frame, self.variables, self.states, self.weights)]
            self._witness_offset = self.n_rows
            self.n_rows += int(frame.shape[0])
            return
        self.add_codes(codes, row_weights)

    def add_codes(self, codes: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add already validated integer codes (rows x variables) with optional row weights.

        Parameters
        ----------
        codes : ndarray of int, shape (rows, n_variables)
            State indices, each within its variable's cardinality (not checked: the caller validated them).
        weights : ndarray of float, shape (rows,), optional
            Row weights (1 per row when omitted).

        Examples
        --------
        >>> import numpy as np
        >>> acc = CountAccumulator(["A", "B"], [["x", "y"], ["u", "v"]])
        >>> acc.add_codes(np.array([[0, 1], [0, 1], [1, 0]]))
        >>> acc.result().weights.tolist()
        [2.0, 1.0]
        """
        n = int(codes.shape[0])
        if n == 0:
            return
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights is not None:
            self._fractional = self._fractional or bool(np.any(np.mod(w, 1.0) != 0.0))
            self._weight_total += float(w.sum())
        if weights is not None and not (w > 0).all():
            keep = w > 0
            codes, w = codes[keep], w[keep]
        keys, sums = sum_by_key(self.layout.pack(codes), w)
        self.n_rows += n
        self._pending.append((keys, sums))
        self._pending_rows += keys.shape[0]
        if self._pending_rows >= max(self._keys.shape[0] // 4, _MIN_MERGE_ROWS):
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        if self.layout.n_keys == 1:  # sorted single keys: add in place, insert the new ones (one copy)
            keys, sums = self._keys[:, 0], self._sums
            for new_keys, new_sums in self._pending:
                keys, sums = merge_sorted(keys, sums, new_keys[:, 0], new_sums)
            keys = keys[:, None]
        else:
            keys, sums = sum_by_key(
                np.concatenate([self._keys] + [k for k, _ in self._pending]),
                np.concatenate([self._sums] + [s for _, s in self._pending]),
            )
        self._pending, self._pending_rows = [], 0
        self._keys, self._sums = keys, sums

    @property
    def n_distinct(self) -> int:
        """Distinct assignments merged so far (pending chunk tables not yet merged are not counted).

        Examples
        --------
        >>> CountAccumulator(["A"], [["x", "y"]]).n_distinct
        0
        """
        return int(self._keys.shape[0])

    def result(self) -> CountTable:
        """The count table of everything added (raises like pandas for empty or all-zero-weight input).

        Returns
        -------
        CountTable

        Examples
        --------
        >>> import pandas as pd
        >>> acc = CountAccumulator(["A"], [["x", "y"]])
        >>> acc.add_frame(pd.DataFrame({"A": ["x", "x"]}))
        >>> table = acc.result()
        >>> table.codes.tolist(), table.n_rows
        ([[0]], 2)
        """
        if self._witnesses is not None:
            pieces = [{"n": self._witness_offset, "range": True, "weights_numeric": True, "nonfinite": None,
                       "negative": None, "positions": [], "rows": self._witnesses[0]["rows"].iloc[:0]}]
            raise_first_error(pieces + self._witnesses, self.variables, self.states, self.weights)
            raise RuntimeError("a chunk failed validation but no bad value was found again; please report this")
        self._merge()
        if self.n_rows == 0:
            raise empty_data_error()
        if self.weights is not None and self._weight_total <= 0:
            raise zero_weights_error(self.weights)
        is_distribution = self.weights is not None and is_probability_table(
            self._fractional, self._weight_total, self.weights
        )
        keys, sums = self._keys, self._sums
        self._keys, self._sums = self._keys[:0], self._sums[:0]
        return count_table_from_keys(
            self.layout, keys, sums, self.variables, self.states, is_distribution=is_distribution, n_rows=self.n_rows
        )


def count_chunks(
    chunks: Iterable[pd.DataFrame],
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    progress: bool = False,
    total: int | None = None,
) -> CountTable:
    """Reduce an iterable of pandas frames (e.g. ``pd.read_csv(path, chunksize=...)``) into a count table.

    Each chunk is validated exactly like a whole frame; a bad value is reported with its row label, which for
    chunks with a default index (read_csv chunks, Parquet batches) is its position in the whole input.

    Parameters
    ----------
    chunks : iterable of pandas.DataFrame
    variables, states : sequences
        Model variables and their state names.
    weights : str, optional
        Column of non-negative row weights (counts or probabilities), as for a pandas frame.
    progress : bool, default False
        Show a tqdm progress bar counting rows.
    total : int, optional
        Total number of rows, for the progress bar.

    Returns
    -------
    CountTable

    Examples
    --------
    >>> import io, pandas as pd
    >>> csv = io.StringIO("A,B\\nx,u\\ny,u\\nx,v\\nx,u\\n")
    >>> t = count_chunks(pd.read_csv(csv, chunksize=3), ["A", "B"], [["x", "y"], ["u", "v"]])
    >>> t.codes.tolist(), t.weights.tolist()
    ([[0, 0], [0, 1], [1, 0]], [2.0, 1.0, 1.0])
    """
    if isinstance(chunks, pd.DataFrame):
        raise DataTypeError("count_chunks expects an iterable of DataFrames; pass a single frame to to_count_table")
    acc = CountAccumulator(variables, states, weights)
    with tqdm(total=total, unit="rows", unit_scale=True, disable=not progress, desc="counting") as bar:
        for chunk in chunks:
            acc.add_frame(chunk)
            bar.update(int(chunk.shape[0]) if isinstance(chunk, pd.DataFrame) else 0)
            bar.set_postfix(distinct=acc.n_distinct, refresh=False)
        table = acc.result()
        bar.set_postfix(distinct=len(table.weights))  # the merged count: pending chunks included
    return table


def resolve_paths(source: str | os.PathLike | Sequence[str | os.PathLike]) -> list[Path]:
    """The files a path, directory, glob pattern or list of those names, sorted within each pattern.

    A directory stands for the Parquet and CSV files directly inside it.

    Examples
    --------
    >>> resolve_paths("no-such-file-*.parquet")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataValueError: no file matches 'no-such-file-*.parquet'
    """
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    paths: list[Path] = []
    for item in source:
        text = os.fspath(item)
        if glob.has_magic(text):
            found = sorted(glob.glob(text))
            if not found:
                raise DataValueError(f"no file matches {text!r}")
            paths.extend(Path(p) for p in found)
        elif os.path.isdir(text):
            found = sorted(p for p in Path(text).iterdir() if p.is_file() and _format_or_none(p) is not None)
            if not found:
                raise DataValueError(f"directory {text!r} has no Parquet or CSV files")
            paths.extend(found)
        elif os.path.isfile(text):
            paths.append(Path(text))
        else:
            raise DataValueError(f"no file matches {text!r}")
    for p in paths:
        file_format(p)
    return paths


def _format_or_none(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def file_format(path: str | os.PathLike) -> str:
    """``"parquet"`` or ``"csv"``, from the file name's suffix.

    Examples
    --------
    >>> file_format("events-000.parquet"), file_format("events.csv.gz")
    ('parquet', 'csv')
    """
    fmt = _format_or_none(Path(path))
    if fmt is None:
        raise DataValueError(
            f"cannot tell the format of {os.fspath(path)!r}: use a {'/'.join(PARQUET_SUFFIXES)} or "
            f"{'/'.join(CSV_SUFFIXES)} suffix"
        )
    return fmt


def _parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise missing_dependency("pyarrow", "Reading Parquet") from None
    return pq


def _read_error(path: str | os.PathLike, kind: str, exc: BaseException) -> DataFileError:
    """The error for a file that cannot be read, naming it (the reader's own message kept after it)."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataFileError(f"cannot read {os.fspath(path)!r} as {kind}: {detail}")


def reading_errors() -> tuple[type[BaseException], ...]:
    """What the file readers raise for a corrupt or unreadable file: pandas' parser errors and OSError, decoding
    errors, truncated compressed files, and pyarrow's errors (when pyarrow is loaded).

    Examples
    --------
    >>> OSError in reading_errors()
    True
    """
    import sys
    import zlib

    errors: tuple[type[BaseException], ...] = (
        pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError, zlib.error,
    )
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        errors += (pa.ArrowException,)
    return errors


def open_parquet(path: str | os.PathLike):
    """``pyarrow.parquet.ParquetFile`` of ``path``; a corrupt or unreadable file is a :class:`DataFileError`
    naming it (pyarrow's ``ArrowInvalid`` says only "Parquet magic bytes not found").

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.parquet"
    >>> _ = bad.write_bytes(b"not parquet")
    >>> open_parquet(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.DataFileError: cannot read '.../bad.parquet' as Parquet: Parquet magic bytes not found ...
    """
    pq = _parquet()
    try:
        return pq.ParquetFile(path)
    except reading_errors() as exc:
        raise _read_error(path, "Parquet", exc) from exc


def parquet_rows(paths: Sequence[str | os.PathLike]) -> int | None:
    """Total rows of the files from Parquet metadata (no data read), or None when a file is CSV.

    Examples
    --------
    >>> parquet_rows(["a.csv"]) is None
    True
    """
    if any(file_format(p) != "parquet" for p in paths):
        return None
    return int(sum(open_parquet(p).metadata.num_rows for p in paths))


def _file_chunks(path: str | os.PathLike, chunksize: int, csv_options: dict) -> Iterator[pd.DataFrame]:
    """One file's chunks as pandas frames; a read error (at opening or in the middle) names the file."""
    if file_format(path) == "parquet":
        kind = "Parquet"
        parquet = open_parquet(path)
        batches: Iterator = (b.to_pandas() for b in parquet.iter_batches(batch_size=chunksize))
    else:
        kind = "CSV"
        try:
            batches = iter(pd.read_csv(path, chunksize=chunksize, **csv_options))
        except reading_errors() as exc:
            raise _read_error(path, kind, exc) from exc
    while True:
        try:
            chunk = next(batches)
        except StopIteration:
            return
        except reading_errors() as exc:
            raise _read_error(path, kind, exc) from exc
        yield chunk


def iter_file_chunks(
    paths: Sequence[str | os.PathLike], chunksize: int = DEFAULT_CHUNKSIZE, *, csv_options: dict | None = None
) -> Iterator[pd.DataFrame]:
    """Read Parquet/CSV files one chunk of at most ``chunksize`` rows at a time.

    Parquet is read batch by batch with pyarrow (dictionary-encoded columns arrive as pandas categoricals);
    CSV with ``pd.read_csv(chunksize=..., **csv_options)``, by default :data:`CSV_TEXT_OPTIONS` (every cell as
    text, so state names such as ``None`` or ``NA`` are not taken for missing values). Each chunk's index is its
    rows' positions in the concatenation of all files. A file that cannot be read is a
    :class:`~pgmpy_mixture.errors.DataFileError` naming it.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"A": ["x", "y", "x"]}).to_csv(d / "a.csv", index=False)
    >>> [c.index.tolist() for c in iter_file_chunks([d / "a.csv", d / "a.csv"], chunksize=2)]
    [[0, 1], [2], [3, 4], [5]]
    """
    chunksize = check_count("chunksize", chunksize)
    options = CSV_TEXT_OPTIONS if csv_options is None else csv_options
    offset = 0
    for path in paths:
        for chunk in _file_chunks(path, chunksize, options):
            n = int(chunk.shape[0])
            chunk = chunk.set_axis(pd.RangeIndex(offset, offset + n), axis=0)
            offset += n
            yield chunk


def count_files(
    source: str | os.PathLike | Sequence[str | os.PathLike],
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    progress: bool = False,
) -> CountTable:
    """Count Parquet/CSV files (a path, a directory, a glob such as ``'events-*.parquet'``, or a list) chunk by chunk.

    Rows are validated as if all files were one pandas frame with a default index: errors name the row by its
    position in the concatenation of the files (in sorted order).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for i in range(3):
    ...     pd.DataFrame({"A": ["x", "y", "y"]}).to_csv(d / f"part-{i}.csv", index=False)
    >>> count_files(str(d / "part-*.csv"), ["A"], [["x", "y"]], chunksize=2).weights.tolist()
    [3.0, 6.0]
    """
    chunksize = check_count("chunksize", chunksize)
    variables, states = check_variables(variables, states)
    paths = resolve_paths(source)
    total = parquet_rows(paths) if progress else None
    return count_chunks(
        iter_file_chunks(paths, chunksize), variables, states, weights, progress=progress, total=total
    )
