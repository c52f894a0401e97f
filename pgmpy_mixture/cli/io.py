"""Files in and out for the command line: data, marginals and options read, JSON and figures written."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pgmpy_mixture.data.streaming import CSV_TEXT_OPTIONS
from pgmpy_mixture.errors import ParameterError, require
from pgmpy_mixture.validation.parameters import Option


def read_csv(path: str, *, weights: str | None = None) -> pd.DataFrame:
    """Read a CSV of state names: every column as text (so ``None``/``NA`` stay state names), empty cells
    become NaN (reported by validation), and the ``weights`` column is parsed as numbers.

    Examples
    --------
    >>> import io
    >>> read_csv(io.StringIO("A,n\\nNone,2\\n"), weights="n").to_dict("list")
    {'A': ['None'], 'n': [2.0]}
    """
    try:
        frame = pd.read_csv(path, **CSV_TEXT_OPTIONS)
    except FileNotFoundError:
        raise ParameterError(f"data file {str(path)!r} does not exist") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise ParameterError(f"cannot read data file {str(path)!r} as CSV: {exc}") from None
    if weights is not None and weights in frame.columns:
        numbers = pd.to_numeric(frame[weights], errors="coerce")
        bad = numbers.isna() & frame[weights].notna()
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            raise ParameterError(f"weights column {weights!r} has a non-number {frame[weights].iloc[row]!r} "
                                 f"at data row {row}")
        frame[weights] = numbers.astype(float)
    return frame


#: Readers for ``--data``, by file suffix. Further formats (Parquet, globs) register here.
DATA_READERS: dict[str, Callable[..., Any]] = {".csv": read_csv, ".txt": read_csv}


def read_data(spec: str, *, weights: str | None = None) -> Any:
    """Load the ``--data`` argument with the reader registered for its suffix (CSV by default).

    Examples
    --------
    >>> read_data("missing.csv")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: data file 'missing.csv' does not exist
    """
    reader = DATA_READERS.get(Path(spec).suffix.lower(), read_csv)
    return reader(spec, weights=weights)


#: Read options matching :func:`read_csv` for CSV files counted chunk by chunk (``--data`` globs, directories).
CSV_CHUNK_OPTIONS: dict[str, Any] = CSV_TEXT_OPTIONS


def is_large_input(spec: str) -> bool:
    """True when ``--data`` is counted chunk by chunk: a glob, a directory or a Parquet file.

    Examples
    --------
    >>> is_large_input("events-*.parquet"), is_large_input("events.parquet"), is_large_input("data.csv")
    (True, True, False)
    """
    import glob as _glob

    from pgmpy_mixture.data.streaming import file_format

    if _glob.has_magic(spec) or Path(spec).is_dir():
        return True
    try:
        return file_format(spec) == "parquet"
    except ValueError:
        return False


def count_large_input(spec: str, model: Any, *, weights: str | None, chunksize: int, progress: bool,
                      dask: str | None = None) -> Any:
    """Reduce Parquet/CSV files (glob, directory, file) to the model's count table, chunk by chunk or with Dask.

    ``dask``: ``"local"`` (a LocalCluster on this machine) or a scheduler address (``tcp://host:8786``); the
    files are then read and counted by the cluster's workers (they must see the same paths).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from pgmpy_mixture.adapters.examples import load_model
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> model = load_model("example:cancer")
    >>> frame = pd.DataFrame({v: [model.states[v][0]] * 4 for v in model.nodes()})
    >>> frame.to_csv(d / "part-0.csv", index=False)
    >>> count_large_input(str(d / "part-*.csv"), model, weights=None, chunksize=3, progress=False).n_rows
    4
    """
    from pgmpy_mixture.adapters.convert import network_from_pgmpy
    from pgmpy_mixture.data.ingest import to_count_table
    from pgmpy_mixture.data.streaming import count_chunks, iter_file_chunks, parquet_rows, resolve_paths

    network = network_from_pgmpy(model)
    variables, states = network.variables, network.states
    paths = resolve_paths(spec)
    if dask is not None:
        from pgmpy_mixture.adapters.dask import dask_client, read_files

        with dask_client(dask):  # connects first: an unreachable scheduler fails fast, before any file is read
            return to_count_table(read_files(paths), variables, states, weights, progress=progress)
    chunks = iter_file_chunks(paths, chunksize, csv_options=CSV_CHUNK_OPTIONS)
    return count_chunks(chunks, variables, states, weights, progress=progress, total=parquet_rows(paths))


def read_marginals(path: str) -> pd.DataFrame:
    """Read a ``variable,state,probability`` CSV of mixture marginals (states kept as text).

    Examples
    --------
    >>> read_marginals("missing.csv")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: marginals file 'missing.csv' does not exist
    """
    if not Path(path).exists():
        raise ParameterError(f"marginals file {path!r} does not exist")
    try:  # as text, so that state names such as None or NA stay names
        frame = pd.read_csv(path, **CSV_TEXT_OPTIONS)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise ParameterError(f"cannot read marginals file {path!r} as CSV: {exc}") from None
    if "probability" in frame.columns:
        numbers = pd.to_numeric(frame["probability"], errors="coerce")
        bad = numbers.isna() & frame["probability"].notna() & (frame["probability"].str.strip().str.lower() != "nan")
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            raise ParameterError(f"marginals file {path!r}: column 'probability' has a non-number "
                                 f"{frame['probability'].iloc[row]!r} at row {row}")
        frame["probability"] = numbers.astype(float)
    return frame


def read_truth(path: str, network: Any) -> list[Any]:
    """The true components of a mixture from the JSON file ``simulate --truth`` writes (``{"components": [{"target":
    {variable: state}, "weight": w}, ...]}``), checked against the model: a missing or malformed file, a variable
    or state the model does not have, or a weight that is not a finite non-negative number is a
    :class:`~pgmpy_mixture.errors.ParameterError` naming the file and the component.

    Examples
    --------
    >>> import json, os, tempfile
    >>> from pgmpy_mixture.adapters.examples import load_network
    >>> path = os.path.join(tempfile.mkdtemp(), "truth.json")
    >>> _ = Path(path).write_text(json.dumps({"components": [{"target": {}, "weight": 0.7},
    ...                                                       {"target": {"Smoker": "True"}, "weight": 0.3}]}))
    >>> [c.label for c in read_truth(path, load_network("example:cancer"))]
    ['observational', 'do(Smoker=True)']
    """
    from pgmpy_mixture.result import Component

    where = f"--truth file {str(path)!r}"
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{where} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(f"cannot read {where} as JSON: {exc}") from None
    entries = doc.get("components") if isinstance(doc, dict) else doc
    if not isinstance(entries, list) or not entries:
        raise ParameterError(f"{where} has no list of components (expected {{\"components\": [{{\"target\": "
                             "{...}, \"weight\": ...}, ...]}, as simulate --truth writes)")
    states = dict(zip(network.variables, network.states, strict=True))
    components = []
    for i, entry in enumerate(entries):
        target = entry.get("target") if isinstance(entry, dict) else None
        weight = entry.get("weight") if isinstance(entry, dict) else None
        if not isinstance(target, dict):
            raise ParameterError(f"{where}: component {i} has no target (a mapping of variable to state)")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) \
                or weight < 0:
            raise ParameterError(f"{where}: component {i} has weight {weight!r}, not a finite number >= 0")
        for variable, state in target.items():
            if variable not in states:
                raise ParameterError(f"{where}: component {i} intervenes on {variable!r}, which is not a variable "
                                     "of the model")
            if str(state) not in states[variable]:
                raise ParameterError(f"{where}: component {i} sets {variable!r} to {state!r}, which is not one of "
                                     f"its states {list(states[variable])}")
        components.append(Component({str(v): str(s) for v, s in target.items()}, float(weight)))
    return components


def seed_type(text: str) -> int:
    """``--seed``: a whole number >= 0 (numpy's seeds), else argparse's usage error naming the option.

    Examples
    --------
    >>> seed_type("7")
    7
    >>> seed_type("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a whole number >= 0, got '-1'
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def _guess(text: str) -> Any:
    """Text of an option the method does not declare a type for: bool, None, int, float or the text itself."""
    value: Any = text
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            continue
    return value


def parse_options(items: Sequence[str] | None, declared: Mapping[str, Option] | None = None) -> dict[str, Any]:
    """Turn ``--option KEY=VALUE`` items into keyword options.

    A key the method declares (``declared``, see :func:`pgmpy_mixture.methods.option_specs`) is read by its declared
    type (:meth:`~pgmpy_mixture.validation.parameters.Option.parse`); the value is then checked with the method's
    other options by the entry point, which names the option and its accepted values when it does not fit. Other
    keys (unknown options, methods without declarations) are guessed: ``true``/``false``, ``none``, a number, or
    the text.

    Examples
    --------
    >>> parse_options(["epsilon=1e-3", "restarts=5", "verbose=false", "name=x"])
    {'epsilon': 0.001, 'restarts': 5, 'verbose': False, 'name': 'x'}
    >>> from pgmpy_mixture.methods import option_specs
    >>> parse_options(["penalty=1", "lift_steps=none"], option_specs("likelihood", ["samples"]))
    {'penalty': 1.0, 'lift_steps': None}
    """
    out: dict[str, Any] = {}
    declared = declared or {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--option expects KEY=VALUE, got {item!r}")
        out[key] = declared[key].parse(raw) if key in declared else _guess(raw.strip())
    return out


def jsonable(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def result_to_dict(result: Any) -> dict[str, Any]:
    """A JSON-ready dict of a :class:`~pgmpy_mixture.result.MixtureResult` (what ``--json`` writes).

    Examples
    --------
    >>> from pgmpy_mixture.result import Component, MixtureResult
    >>> d = result_to_dict(MixtureResult([Component({"A": "x"}, 1.0)], "exact"))
    >>> d["components"], d["weights"]
    ([{'label': 'do(A=x)', 'target': {'A': 'x'}, 'weight': 1.0}], [1.0])
    """
    return {
        "method": result.method,
        "sample_size": jsonable(result.sample_size),
        "components": [
            {"label": c.label, "target": dict(c.target), "weight": float(c.weight)} for c in result.components
        ],
        "weights": [float(w) for w in result.weights],
        "uncertain": [
            {"label": c.label, "target": dict(c.target), "weight": float(c.weight)}
            for c in getattr(result, "uncertain", ())
        ],
        "options": jsonable(dict(result.options)),
        "warnings": list(result.warnings),
        "diagnostics": jsonable(dict(result.diagnostics)),
    }


def report_stream(args: argparse.Namespace, out: TextIO) -> TextIO:
    """Where the human-readable report goes: ``out``, or stderr when ``--json -`` claims stdout for the JSON alone
    (so that ``... --json - | jq`` works).

    Examples
    --------
    >>> report_stream(argparse.Namespace(json="-"), sys.stdout) is sys.stderr
    True
    """
    return sys.stderr if getattr(args, "json", None) == "-" else out


def write_json(doc: dict[str, Any], target: str | None, out: TextIO) -> None:
    """Write ``doc`` as JSON to the file ``target``, to ``out`` when ``target`` is ``-``, nowhere when None.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO(); write_json({"k": 1}, "-", buffer); buffer.getvalue()
    '{\\n  "k": 1\\n}\\n'
    """
    if not target:
        return
    text = json.dumps(doc, indent=2)
    if target == "-":
        print(text, file=out)
    else:
        write_text(target, text + "\n", "--json")


def write_text(path: str, text: str, option: str) -> None:
    """Write ``text`` to the file ``path``; a failure (a folder removed meanwhile, a full disk) is a
    :class:`~pgmpy_mixture.errors.ParameterError` naming the option and the file.

    Examples
    --------
    >>> write_text("/no/such/folder/out.json", "{}", "--json")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: --json: cannot write '/no/such/folder/out.json': No such file or directory
    """
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{option}: cannot write {str(path)!r}: {exc.strerror or exc}") from None


def check_outputs(files: dict[str, str | None], figures: tuple[str, ...] = ()) -> None:
    """Fail before any work when an output cannot be written: its folder is missing, or a figure's suffix is not a
    format matplotlib writes. ``files`` maps each option (``--json``) to its path (None or ``-``: not a file).

    Examples
    --------
    >>> check_outputs({"--json": "/no/such/folder/out.json"})
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: --json: the folder '/no/such/folder' does not exist
    """
    for option, path in files.items():
        if not path or path == "-":
            continue
        target = Path(path).expanduser()
        if target.is_dir():
            raise ParameterError(f"{option}: {str(path)!r} is a folder; give a file name")
        folder = target.resolve().parent
        if not folder.is_dir():
            raise ParameterError(f"{option}: the folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK):
            raise ParameterError(f"{option}: the folder {str(folder)!r} is not writable")
        if option in figures:
            require("matplotlib", option, "plot")  # before any work, naming the extra
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            formats = plt.figure().canvas.get_supported_filetypes()
            plt.close("all")
            suffix = Path(path).suffix.lstrip(".").lower()
            if suffix not in formats:
                raise ParameterError(f"{option}: cannot write a figure as {suffix or 'a file without suffix'!r}; "
                                     f"use one of {', '.join(sorted(formats))}")


def save_figure(figure: Any, path: str) -> None:
    """Save a matplotlib figure (``--plot``) and close it; the format follows the file suffix.

    Examples
    --------
    >>> import matplotlib, os, tempfile
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> path = os.path.join(tempfile.mkdtemp(), "f.png")
    >>> save_figure(plt.figure(), path); os.path.getsize(path) > 0
    True
    """
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
