"""Dask input: the count table (and per-variable marginals) computed by Dask, never collecting rows.

Each partition is read, validated without raising and encoded into packed ``int64`` keys
(:mod:`pgmpy_mixture.data.packing`) and pre-aggregated to its distinct keys in one task; the partial tables are then
summed by a tree reduction of plain NumPy arrays (``split_every`` partial tables per task, merged by binary
search), so only small tables of distinct keys cross processes and only the final one reaches the client.
Rows with a bad value get a negative sentinel key; when one shows up, a second distributed pass collects,
per partition, the first offending row of every kind (a handful of rows) and the client replays the pandas
validator on them, so the error is the one :func:`pgmpy_mixture.validation.encode_samples` raises on the same
data as one pandas frame (same type, same message, same row).

Rows are named by their index label; partitions with a default (range) index, as ``dd.read_parquet`` and
``dd.read_csv`` produce, are labelled by the row's position in the whole collection, as pandas would label the
concatenation.

Memory bound (``n`` variables, ``K`` key columns, ``U`` distinct assignments, ``s = split_every``): a worker
holds one partition as read, its codes and keys (``rows * (n + 8 * K + 24)`` bytes), or one combining task's
inputs and output, at most ``(s + 1)`` partial tables of at most ``U`` rows of ``8 * K + 8`` bytes (``+ 16``
with ``weights``); the client holds the final table (``U * (8 * K + 8)`` bytes) and the
:class:`~pgmpy_mixture.data.counts.CountTable` made from it (``U * (n + 8)`` bytes). Nothing grows with the number of
rows. Measured on 10^8 ALARM rows (9.1 million distinct assignments): see ``benchmarks/RESULTS.md``.

Dask is optional (the ``scale`` extra: ``pip install -e ".[scale]"`` in a clone); the module imports without it and
raises :class:`pgmpy_mixture.errors.MissingDependencyError` naming that extra when Dask is needed.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> df = pd.DataFrame({"A": ["x", "y", "x", "x"], "B": ["u", "u", "v", "u"]})
>>> ddf = dd.from_pandas(df, npartitions=2)
>>> t = count_table_from_dask(ddf, ["A", "B"], [["x", "y"], ["u", "v"]], scheduler="sync")
>>> t.codes.tolist(), t.weights.tolist(), t.n_rows
([[0, 0], [0, 1], [1, 0]], [2.0, 1.0, 1.0], 4)
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import register_reader
from pgmpy_mixture.data.packing import KeyLayout, count_table_from_keys, merge_sorted, sum_by_key
from pgmpy_mixture.data.streaming import CSV_TEXT_OPTIONS, PARQUET_SUFFIXES, open_parquet, reading_errors
from pgmpy_mixture.errors import DataFileError, DataTypeError, ParameterError, missing_dependency
from pgmpy_mixture.validation import (
    check_columns,
    empty_data_error,
    error_witnesses,
    is_probability_table,
    raise_first_error,
    smallest_code_dtype,
    state_codes,
    zero_weights_error,
)

BAD_STATE = -1
"""Sentinel key: the row has a missing or unknown state."""
BAD_WEIGHT = -2
"""Sentinel key: the row's weight is negative or not finite."""
BAD_WEIGHT_TYPE = -3
"""Sentinel key: the partition's weights column is not numeric."""
DEFAULT_SPLIT_EVERY = 8
"""Partial tables combined per task of the tree reduction when ``split_every`` is not given."""


def is_dask_dataframe(obj: object) -> bool:
    """True for a ``dask.dataframe.DataFrame``, decided without importing Dask.

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_dataframe(pd.DataFrame())
    False
    """
    module = type(obj).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(obj, "map_partitions") and hasattr(
        obj, "columns"
    )


def require_dask():
    """Import and return ``dask.dataframe``, or raise naming the extra to install.

    Examples
    --------
    >>> require_dask().__name__
    'dask.dataframe'
    """
    try:
        import dask.dataframe as dd
    except ImportError:
        raise missing_dependency("dask", "Dask input") from None
    return dd


#: Seconds to wait for a Dask scheduler before giving up (distributed's own default is 30 s, retried).
CONNECT_TIMEOUT = 10.0


def check_scheduler_address(scheduler: object) -> str:
    """Check a Dask scheduler address (``tcp://host:8786``, ``host:8786``, ``tls://...``) and return it.

    Examples
    --------
    >>> check_scheduler_address("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_scheduler_address("scheduler")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: Dask scheduler address 'scheduler' has no port: use 'local' (a cluster \
on this machine) or an address such as tcp://host:8786
    """
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ParameterError(f"Dask scheduler must be 'local' or an address such as tcp://host:8786, got "
                             f"{scheduler!r}")
    scheme, _, rest = scheduler.rpartition("://")
    if scheme in ("", "tcp", "tls"):
        host, sep, port = rest.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ParameterError(f"Dask scheduler address {scheduler!r} has no port: use 'local' (a cluster on this "
                                 "machine) or an address such as tcp://host:8786")
    return scheduler


def _probe(scheduler: str, timeout: float) -> None:
    """Fail fast when nothing listens at a TCP scheduler address (distributed retries for 30 s before it says so)."""
    scheme, _, rest = scheduler.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return  # other transports (inproc, ucx, ws): left to distributed, within the same timeout
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ParameterError(
            f"cannot connect to the Dask scheduler at {scheduler!r}: {reason} (is a scheduler running there? "
            "'local' starts a cluster on this machine)"
        ) from None


@contextlib.contextmanager
def dask_client(scheduler: str, *, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A ``distributed.Client`` of ``"local"`` (a ``LocalCluster`` on this machine, closed afterwards) or of a
    scheduler address, failing fast with a :class:`~pgmpy_mixture.errors.ParameterError` naming the address when
    no scheduler answers within ``timeout`` seconds.

    Examples
    --------
    >>> with dask_client("tcp://127.0.0.1:1") as client:  # nothing listens on port 1
    ...     pass  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: cannot connect to the Dask scheduler at 'tcp://127.0.0.1:1': ...
    """
    require_dask()
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise missing_dependency("distributed", "A Dask cluster") from None
    if scheduler == "local":
        with LocalCluster(dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    address = check_scheduler_address(scheduler)
    _probe(address, timeout)
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise ParameterError(f"cannot connect to the Dask scheduler at {address!r}: {exc}") from None
    with client:
        yield client


def read_files(paths: Sequence[str | os.PathLike]) -> Any:
    """A Dask frame over Parquet files (all of them ``.parquet``/``.parq``/``.pq``) or CSV files (read as text,
    :data:`~pgmpy_mixture.data.streaming.CSV_TEXT_OPTIONS`, as the chunked reader does). A file that cannot be read
    is a :class:`~pgmpy_mixture.errors.DataFileError` naming it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"A": ["None", "x"]}).to_csv(d / "a.csv", index=False)
    >>> read_files([d / "a.csv"]).compute()["A"].tolist()
    ['None', 'x']
    """
    dd = require_dask()
    names = [os.fspath(p) for p in paths]
    parquet = all(n.lower().endswith(PARQUET_SUFFIXES) for n in names)
    try:
        if parquet:
            return dd.read_parquet(names)
        return dd.read_csv(names, **CSV_TEXT_OPTIONS)
    except reading_errors() as exc:
        for name in names if parquet else ():
            open_parquet(name)  # names the file at fault when its footer is what failed
        raise DataFileError(f"cannot read {names[0]!r}{' and the other files' if len(names) > 1 else ''} with "
                            f"Dask: {exc}") from exc


def _check_frame(ddf: Any, variables: Sequence[str], weights: str | None) -> None:
    if not is_dask_dataframe(ddf):
        raise DataTypeError(f"data must be a dask DataFrame, got {type(ddf).__name__}")
    try:
        check_columns(ddf.columns, variables, weights)
    except ValueError:
        # pandas reports an empty frame before its columns: do the same (costs a pass, on the error path only)
        if int(ddf.map_partitions(len).sum().compute()) == 0:
            raise empty_data_error() from None
        raise


def _column(pdf: pd.DataFrame, name: str) -> pd.Series:
    return pdf[{str(c): c for c in pdf.columns}[name]]


def _encode_partition(
    pdf: pd.DataFrame, variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Codes (-1 for a bad value), bad-state mask, row weights (bad ones set to 0), bad-weight code per row."""
    n = pdf.shape[0]
    # column-major, smallest integer type: each column is written and later read contiguously
    codes = np.empty((n, len(variables)), dtype=smallest_code_dtype([len(s) for s in states]), order="F")
    bad_state = np.zeros(n, dtype=bool)
    for j, (var, names) in enumerate(zip(variables, states, strict=True)):
        c, _ = state_codes(_column(pdf, var), names)
        bad_state |= c < 0
        codes[:, j] = c
    bad_weight = np.zeros(n, dtype=np.int64)
    if weights is None:
        w = np.ones(n)
    else:
        try:
            w = np.array(_column(pdf, weights).to_numpy(), dtype=np.float64)
        except (TypeError, ValueError):
            w = np.zeros(n)
            bad_weight[:] = BAD_WEIGHT_TYPE
        else:
            invalid = ~np.isfinite(w) | (w < 0)
            bad_weight[invalid] = BAD_WEIGHT
            w[invalid] = 0.0
    return codes, bad_state, w, bad_weight


def _key_partition(
    pdf: pd.DataFrame,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None,
    layout: KeyLayout,
) -> pd.DataFrame:
    """One partition reduced to sorted distinct keys ``k*`` with summed weight ``w`` (and, with ``weights``,
    rows ``n`` and rows with a fractional weight ``frac``), all sums as ``float64`` (exact for counts below 2**53)."""
    codes, bad_state, w, bad_weight = _encode_partition(pdf, variables, states, weights)
    keys = layout.pack(codes)  # rows with a bad code get a meaningless key, replaced by a sentinel next
    del codes
    keys[bad_state, 0] = BAD_STATE
    flagged = bad_weight != 0
    keys[flagged, 0] = bad_weight[flagged]
    out = {}
    if weights is None:  # the summed weight is the row count
        uniq, w_sum = sum_by_key(keys, w)
    else:
        frac = (np.mod(w, 1.0) != 0.0).astype(np.float64)
        uniq, w_sum, n_sum, frac_sum = sum_by_key(keys, w, np.ones(len(w)), frac)
        out.update(n=n_sum, frac=frac_sum)
    _release_arrow_memory()
    return pd.DataFrame({**{f"k{g}": uniq[:, g] for g in range(layout.n_keys)}, "w": w_sum, **out})


def _release_arrow_memory() -> None:
    """Hand pyarrow's cached free pages (the partition as read from Parquet) back to the operating system.

    pyarrow's allocator keeps freed memory for reuse by pyarrow only; NumPy cannot use it. Without this, a
    worker that read a partition keeps that memory for good, on top of what the combining tasks need.
    """
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


def _active_client() -> Any:
    """The active ``distributed`` client, or None (no client, or distributed not installed)."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def compute_with_progress(obj: Any, *, scheduler: str | None = None, progress: bool = False,
                          desc: str = "dask") -> Any:
    """``obj.compute(scheduler=...)``, optionally with a tqdm bar on stderr counting finished Dask tasks.

    With an active ``distributed`` client (and no ``scheduler``), the bar follows the scheduler's task counts;
    with a local scheduler (threads, processes, sync), a Dask callback advances it task by task. Stdout is left
    alone, so command-line output can be piped.

    Examples
    --------
    >>> import dask
    >>> total = dask.delayed(sum)([1, 2, 3])
    >>> compute_with_progress(total, scheduler="sync", progress=False)
    6
    """
    if not progress:
        return obj.compute(scheduler=scheduler)
    from tqdm.auto import tqdm

    client = _active_client() if scheduler is None else None
    if client is None:
        from dask.callbacks import Callback

        class TaskBar(Callback):
            def _start_state(self, dsk, state):
                self.bar = tqdm(total=sum(len(state[k]) for k in ("ready", "waiting", "running", "finished")),
                                desc=desc, unit="task", file=sys.stderr)

            def _posttask(self, key, result, dsk, state, worker_id):
                self.bar.update(1)

            def _finish(self, dsk, state, errored):
                self.bar.close()

        with TaskBar():
            return obj.compute(scheduler=scheduler)
    from distributed.diagnostics.progressbar import TextProgressBar

    class ClusterBar(TextProgressBar):
        def __init__(self, keys, **kwargs):
            self.bar = tqdm(total=0, desc=desc, unit="task", file=sys.stderr)
            super().__init__(keys, **kwargs)

        def _draw_bar(self, remaining, all, **kwargs):  # noqa: A002 -- the name distributed passes
            self.bar.total = all
            self.bar.n = all - remaining
            self.bar.refresh()

        def _draw_stop(self, **kwargs):
            self.bar.close()

    future = client.compute(obj)
    ClusterBar([future])
    return future.result()


def _as_arrays(part: pd.DataFrame | tuple[np.ndarray, np.ndarray], n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """A partial table as ``(keys (m, K) int64, sums (m, c) float64)``, keys distinct and sorted."""
    if isinstance(part, tuple):
        return part
    keys = part.iloc[:, :n_keys].to_numpy(dtype=np.int64)
    return keys, part.iloc[:, n_keys:].to_numpy(dtype=np.float64)


def _combine(*parts: pd.DataFrame | tuple[np.ndarray, np.ndarray], n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum partial tables over equal keys (one node of the tree reduction); the result is distinct and sorted.

    With one key column the tables are merged by binary search into the largest one (memory: the inputs and
    one copy of the result); with several they are concatenated and grouped.
    """
    tables = sorted((_as_arrays(p, n_keys) for p in parts), key=lambda t: -t[0].shape[0])
    if n_keys == 1:
        keys, sums = tables[0][0][:, 0], tables[0][1].copy()  # the input may be shared: add into a copy
        for new_keys, new_sums in tables[1:]:
            keys, sums = merge_sorted(keys, sums, new_keys[:, 0], new_sums)
        return keys[:, None], sums
    merged = sum_by_key(np.concatenate([k for k, _ in tables]), *np.concatenate([s for _, s in tables]).T)
    return merged[0], np.stack(merged[1:], axis=1)


def _marginal_partition(
    pdf: pd.DataFrame, variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None
) -> pd.DataFrame:
    """One row: weighted count of every (variable, state), rows, bad rows and fractional weights."""
    codes, bad_state, w, bad_weight = _encode_partition(pdf, variables, states, weights)
    row: dict[str, float] = {}
    for j, names in enumerate(states):
        counts = np.bincount(np.maximum(codes[:, j], 0), weights=w, minlength=len(names))
        row.update({f"c{j}_{s}": counts[s] for s in range(len(names))})
    row.update(
        total=float(w.sum()),
        n=float(len(w)),
        bad=float(np.count_nonzero(bad_state | (bad_weight != 0))),
        frac=float(np.count_nonzero(np.mod(w, 1.0) != 0.0)),
    )
    return pd.DataFrame([row])


def _raise_pandas_error(ddf: Any, variables: Sequence[str], states: Sequence[Sequence[str]], weights: str | None):
    """Raise the error pandas would raise on the whole data, from per-partition witnesses computed by Dask."""
    import dask

    parts = ddf.to_delayed()
    found = dask.compute(*[dask.delayed(error_witnesses)(p, variables, states, weights) for p in parts])
    if sum(w["n"] for w in found) == 0:
        raise empty_data_error()
    raise_first_error(found, variables, states, weights)
    raise RuntimeError("Dask flagged a bad row that the pandas validator accepts; please report this")


def count_table_from_dask(
    ddf: Any,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    split_every: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> CountTable:
    """The count table of a ``dask.dataframe.DataFrame`` of state names, computed by Dask.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One row per sample (or per distinct assignment with ``weights``); columns are the model's variables.
    variables, states : sequences
        Model variables and their state names.
    weights : str, optional
        Column of non-negative row weights (counts, or probabilities summing to 1).
    split_every : int, optional
        Fan-in of the tree reduction (:data:`DEFAULT_SPLIT_EVERY` when None, at least 2); smaller values bound
        the memory of each combining task (at most ``split_every`` partial tables) at the cost of more tasks.
    scheduler : str, optional
        Passed to ``compute`` (default: the active Dask client or scheduler).
    progress : bool, default False
        Show a tqdm bar of finished Dask tasks on stderr (:func:`compute_with_progress`).

    Returns
    -------
    CountTable
        Identical to ``CountTable.from_frame(ddf.compute(), ...)``; with fractional weights, sums may differ in
        the last bit because Dask adds partial sums in a different order.

    Raises
    ------
    DataValueError, UnknownStateError, ...
        The same error pandas raises on the same data (see the module docstring).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"A": ["x", "z"]}), npartitions=1)
    >>> count_table_from_dask(ddf, ["A"], [["x", "y"]], scheduler="sync")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.UnknownStateError: variable 'A' has state 'z' at row 1, which is not one of \
the model's states ['x', 'y']
    """
    require_dask()
    variables = tuple(variables)
    states = tuple(tuple(str(s) for s in st) for st in states)
    _check_frame(ddf, variables, weights)
    if split_every is not None and (isinstance(split_every, bool) or not isinstance(split_every, int)
                                    or split_every < 2):
        raise ParameterError(f"split_every must be an integer of at least 2, got {split_every!r}")
    import dask

    layout = KeyLayout.for_cardinalities([len(s) for s in states])
    kcols = [f"k{g}" for g in range(layout.n_keys)]
    sums = ["w"] if weights is None else ["w", "n", "frac"]
    meta = pd.DataFrame({**{k: np.zeros(0, np.int64) for k in kcols}, **{c: np.zeros(0) for c in sums}})
    # each partition is read and keyed in one (fused) task; what leaves it is its small table of distinct keys
    keyed = ddf.map_partitions(_key_partition, variables, states, weights, layout, meta=meta)
    layer = list(keyed.to_delayed())
    fan_in = split_every or DEFAULT_SPLIT_EVERY
    combine = dask.delayed(_combine, pure=True)
    while True:  # tree reduction of the partial tables: no task holds more than ``fan_in`` of them
        layer = [combine(*layer[i : i + fan_in], n_keys=layout.n_keys) for i in range(0, len(layer), fan_in)]
        if len(layer) == 1:
            break
    keys, table = compute_with_progress(layer[0], scheduler=scheduler, progress=progress, desc="counting")
    del layer, keyed
    if keys.shape[0] and (keys[:, 0] < 0).any():
        _raise_pandas_error(ddf, variables, states, weights)
    w = np.ascontiguousarray(table[:, 0])
    n_rows = int(round(float(w.sum()))) if weights is None else int(round(float(table[:, 1].sum())))
    if n_rows == 0:
        raise empty_data_error()
    if weights is not None and w.sum() <= 0:
        raise zero_weights_error(weights)
    is_distribution = weights is not None and is_probability_table(
        float(table[:, 2].sum()) > 0, float(w.sum()), str(weights)
    )
    del table
    return count_table_from_keys(
        layout, keys, w, variables, states, is_distribution=is_distribution, n_rows=n_rows
    )


def marginals_from_dask(
    ddf: Any,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    weights: str | None = None,
    *,
    scheduler: str | None = None,
    return_sample_size: bool = False,
    progress: bool = False,
):
    """Per-variable marginals ``{variable: {state: probability}}`` of a dask frame (distributed value counts).

    Cheaper than the full count table when only aggregate observations are needed (DIMM): each partition
    becomes one row of weighted state counts, and Dask sums them. Validation and errors as in
    :func:`count_table_from_dask`.

    Parameters
    ----------
    return_sample_size : bool, default False
        Also return the sample size behind the marginals: the total weight (the row count without
        ``weights``), or None when the weights are an exact probability table.
    progress : bool, default False
        Show a tqdm bar of finished Dask tasks on stderr.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"A": ["x", "y", "y", "y"]}), npartitions=2)
    >>> marginals_from_dask(ddf, ["A"], [["x", "y"]], scheduler="sync", return_sample_size=True)
    ({'A': {'x': 0.25, 'y': 0.75}}, 4.0)
    """
    require_dask()
    variables = tuple(variables)
    states = tuple(tuple(str(s) for s in st) for st in states)
    _check_frame(ddf, variables, weights)
    cols = [f"c{j}_{s}" for j, names in enumerate(states) for s in range(len(names))]
    meta = pd.DataFrame({c: np.zeros(0) for c in [*cols, "total", "n", "bad", "frac"]})
    per_part = ddf.map_partitions(_marginal_partition, variables, states, weights, meta=meta)
    sums = compute_with_progress(per_part.sum(), scheduler=scheduler, progress=progress, desc="marginals")
    if sums["bad"] > 0:
        _raise_pandas_error(ddf, variables, states, weights)
    if sums["n"] == 0:
        raise empty_data_error()
    total = float(sums["total"])
    if total <= 0:
        raise zero_weights_error(str(weights))
    marginals = {
        var: {name: float(sums[f"c{j}_{s}"]) / total for s, name in enumerate(names)}
        for j, (var, names) in enumerate(zip(variables, states, strict=True))
    }
    if not return_sample_size:
        return marginals
    exact = weights is not None and is_probability_table(float(sums["frac"]) > 0, total, str(weights))
    return marginals, (None if exact else total)


def _marginals_and_size(data: Any, variables: Sequence[str], states: Sequence[Sequence[str]],
                        weights: str | None = None, *, progress: bool = False):
    return marginals_from_dask(data, variables, states, weights, return_sample_size=True, progress=progress)


# Dask frames go wherever a pandas DataFrame goes: the core's ingestion dispatcher reads them through this reader.
register_reader("dask", is_dask_dataframe, count_table_from_dask, _marginals_and_size)
