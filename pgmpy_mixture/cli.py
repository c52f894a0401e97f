"""The ``pgmpy-mixture`` command line: ``demo``, ``disentangle``, ``simulate`` and ``split``.

Models are given as ``example:NAME`` (a network bundled with pgmpy, read offline) or a path to a
``.bif``/``.bif.gz`` file. Data files are CSV with one column per model variable holding state names; data
larger than memory are Parquet/CSV files given as a glob, directory or ``.parquet`` file, reduced chunk by chunk
(or by a Dask cluster with ``--dask``) to the count table. ``split`` is the Gaussian path on continuous data
(:mod:`pgmpy_mixture.cli_gaussian`).

Examples
--------
>>> main(["simulate", "--model", "example:cancer", "--samples", "3", "--seed", "1", "--out", "-"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pgmpy_mixture.cli_gaussian import add_split_parser
from pgmpy_mixture.errors import MixtureError, ParameterError

#: The demo's default network: small (6 variables), CPD entries >= 0.04, so the finite-sample method recovers
#: every component from 2e5 samples in well under a second. (sachs has CPD entries near 1e-5.)
DEFAULT_DEMO_MODEL = "example:sachs"


# ------------------------------------------------------------------------------------------------ input
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
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ParameterError(f"data file {str(path)!r} does not exist") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
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
CSV_CHUNK_OPTIONS: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""]}


def is_large_input(spec: str) -> bool:
    """True when ``--data`` is counted chunk by chunk: a glob, a directory or a Parquet file.

    Examples
    --------
    >>> is_large_input("events-*.parquet"), is_large_input("events.parquet"), is_large_input("data.csv")
    (True, True, False)
    """
    import glob as _glob

    from pgmpy_mixture.streaming import file_format

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
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
    from pgmpy_mixture.ingest import to_count_table
    from pgmpy_mixture.streaming import count_chunks, iter_file_chunks, parquet_rows, resolve_paths

    network = network_from_pgmpy(model)
    variables, states = network.variables, network.states
    if dask is not None:
        from pgmpy_mixture.adapters.dask import require_dask

        dd = require_dask()
        from dask.distributed import Client, LocalCluster

        paths = [str(p) for p in resolve_paths(spec)]
        if all(p.lower().endswith((".parquet", ".parq", ".pq")) for p in paths):
            ddf = dd.read_parquet(paths)
        else:
            ddf = dd.read_csv(paths, **CSV_CHUNK_OPTIONS)
        if dask == "local":
            with LocalCluster(dashboard_address=None) as cluster, Client(cluster):
                return to_count_table(ddf, variables, states, weights, progress=progress)
        with Client(dask):
            return to_count_table(ddf, variables, states, weights, progress=progress)
    paths = resolve_paths(spec)
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
    return pd.read_csv(path, dtype={"variable": str, "state": str})


def parse_options(items: Sequence[str] | None) -> dict[str, Any]:
    """Turn ``["epsilon=0.01", "progress=true"]`` into ``{"epsilon": 0.01, "progress": True}``.

    Examples
    --------
    >>> parse_options(["epsilon=1e-3", "restarts=5", "verbose=false", "name=x"])
    {'epsilon': 0.001, 'restarts': 5, 'verbose': False, 'name': 'x'}
    """
    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--option expects KEY=VALUE, got {item!r}")
        value: Any = raw.strip()
        lowered = value.lower()
        if lowered in ("true", "false"):
            value = lowered == "true"
        elif lowered in ("none", "null"):
            value = None
        else:
            for cast in (int, float):
                try:
                    value = cast(value)
                    break
                except ValueError:
                    continue
        out[key.strip()] = value
    return out


# ------------------------------------------------------------------------------------------------ output
def _jsonable(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
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
        "sample_size": _jsonable(result.sample_size),
        "components": [
            {"label": c.label, "target": dict(c.target), "weight": float(c.weight)} for c in result.components
        ],
        "weights": [float(w) for w in result.weights],
        "options": _jsonable(dict(result.options)),
        "warnings": list(result.warnings),
        "diagnostics": _jsonable(dict(result.diagnostics)),
    }


def side_by_side(true_components: Sequence[Any], result: Any) -> str:
    """Table of true against recovered components, matched by exact target (state names).

    Examples
    --------
    >>> from pgmpy_mixture.result import Component, MixtureResult
    >>> true = [Component({}, 0.6), Component({"A": "x"}, 0.4)]
    >>> print(side_by_side(true, MixtureResult([Component({}, 0.58), Component({"A": "y"}, 0.42)], "paper")))
    true target    weight | recovered target  weight
    observational  0.6000 | observational     0.5800
    do(A=x)        0.4000 | -
    -                     | do(A=y)           0.4200
    """
    from pgmpy_mixture.metrics import match_components

    matching = match_components(list(true_components), result)
    est = list(result.components)
    rows: list[tuple[str, str, str, str]] = []
    for i, j in matching.pairs:
        truth = true_components[i]
        rows.append((truth.label, f"{truth.weight:.4f}", est[j].label, f"{est[j].weight:.4f}"))
    for i in matching.unmatched_true:
        rows.append((true_components[i].label, f"{true_components[i].weight:.4f}", "-", ""))
    for j in matching.unmatched_estimated:
        rows.append(("-", "", est[j].label, f"{est[j].weight:.4f}"))
    head = ("true target", "weight", "recovered target", "weight")
    w0 = max(len(r[0]) for r in [head, *rows])
    w2 = max(len(r[2]) for r in [head, *rows])
    lines = [f"{head[0]:<{w0}}  {head[1]:>6} | {head[2]:<{w2}}  {head[3]}"]
    for a, b, c, d in rows:
        lines.append(f"{a:<{w0}}  {b:>6} | {c:<{w2}}  {d}".rstrip())
    return "\n".join(lines)


def _score(name: str, value: float) -> str:
    """A metric for the demo's last line: counts (``n_...``) as integers, rates and errors with 4 decimals."""
    return str(int(value)) if name.startswith("n_") and float(value).is_integer() else f"{value:.4f}"


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
        Path(target).write_text(text + "\n", encoding="utf-8")


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
        folder = Path(path).expanduser().resolve().parent
        if not folder.is_dir():
            raise ParameterError(f"{option}: the folder {str(folder)!r} does not exist")
        if option in figures:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            formats = plt.figure().canvas.get_supported_filetypes()
            plt.close("all")
            suffix = Path(path).suffix.lstrip(".").lower()
            if suffix not in formats:
                raise ParameterError(f"{option}: cannot write a figure as {suffix or 'a file without suffix'!r}; "
                                     f"use one of {', '.join(sorted(formats))}")


def _print_result(result: Any, out) -> None:
    print(repr(result), file=out)


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


def _plot_result(result: Any, path: str | None, truth: Any = None) -> None:
    if path:
        import matplotlib

        matplotlib.use("Agg")
        save_figure(result.plot(truth=truth), path)


# ------------------------------------------------------------------------------------------------ commands
def _load(spec: str):
    from pgmpy_mixture.adapters.examples import load_model

    return load_model(spec)


def _simulated(network, *, samples: int, seed: int, n_targets: int | None, max_size: int | None):
    from pgmpy_mixture.simulate import random_mixture, sample_frame

    rng = np.random.default_rng(seed)
    spec = random_mixture(network, n_targets=n_targets, max_target_size=max_size, rng=rng)
    frame, labels = sample_frame(network, spec.targets, spec.weights, samples, rng=rng)
    return spec, frame, labels


def cmd_demo(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Simulate a mixture on a bundled network, disentangle it, print truth against recovery."""
    out = out or sys.stdout
    from tqdm.auto import tqdm

    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
    from pgmpy_mixture.metrics import evaluate

    check_outputs({"--plot": args.plot}, figures=("--plot",))
    steps = tqdm(total=3, desc="demo", disable=args.quiet, file=sys.stderr)
    model = _load(args.model)
    network = network_from_pgmpy(model)
    steps.update(1)
    steps.set_description("simulating")
    spec, frame, _ = _simulated(network, samples=args.samples, seed=args.seed, n_targets=args.targets,
                                max_size=args.max_target_size)
    truth = spec.components(network)
    data: Any = frame
    what = f"{args.samples} samples"
    if args.exact:
        from pgmpy_mixture.simulate import mixture_distribution

        data = mixture_distribution(network, spec.targets, spec.weights)
        what = f"the exact distribution ({len(data.weights)} cells)"
    steps.update(1)
    steps.set_description("disentangling")
    started = time.perf_counter()
    result = model.disentangle_mixture(data, method=args.method, progress=not args.quiet,
                                       **parse_options(args.option))
    elapsed = time.perf_counter() - started
    steps.update(1)
    steps.close()
    print(f"network {args.model}: {network.n_variables} variables; {what} of a mixture of "
          f"{len(truth)} interventions (seed {args.seed})", file=out)
    print(f"method {result.method!r}, {elapsed:.2f} s\n", file=out)
    print(side_by_side(truth, result), file=out)
    scores = evaluate(truth, result, network=network)
    print("\n" + ", ".join(f"{k} {_score(k, v)}" for k, v in scores.items()), file=out)
    for w in result.warnings:
        print(f"warning: {w}", file=out)
    _plot_result(result, args.plot, truth)
    return 0


def cmd_disentangle(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Disentangle a data file against a model; print the table, optionally write JSON."""
    out = out or sys.stdout
    check_outputs({"--json": args.json, "--plot": args.plot}, figures=("--plot",))
    model = _load(args.model)
    options = parse_options(args.option)
    if (args.data is None) == (getattr(args, "marginals", None) is None):
        raise ParameterError("pass exactly one of --data (samples) and --marginals (a variable,state,probability CSV)")
    if args.data is None:  # aggregate observations (DIMM, AAAI 2020)
        marginals = read_marginals(args.marginals)
        if args.sample_size is not None:
            options["sample_size"] = args.sample_size
        result = model.disentangle_mixture(marginals=marginals, method=args.method, progress=args.progress,
                                           **options)
    else:
        weights = args.weights
        if is_large_input(args.data) or getattr(args, "dask", None) is not None:  # counted chunk by chunk (issue 6)
            data = count_large_input(args.data, model, weights=weights, chunksize=args.chunksize,
                                     progress=args.progress or sys.stderr.isatty(), dask=args.dask)
            weights = None  # already applied: the count table's weights
        else:
            data = read_data(args.data, weights=args.weights)
        result = model.disentangle_mixture(data, weights=weights, method=args.method,
                                           progress=args.progress, **options)
    _print_result(result, report_stream(args, out))
    _plot_result(result, args.plot)
    write_json(result_to_dict(result), args.json, out)
    return 0


def cmd_simulate(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Sample a random mixture of interventions on a model; write the samples (and the hidden labels)."""
    out = out or sys.stdout
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy

    network = network_from_pgmpy(_load(args.model))
    spec, frame, labels = _simulated(network, samples=args.samples, seed=args.seed, n_targets=args.targets,
                                     max_size=args.max_target_size)
    truth = spec.components(network)
    if args.out == "-":
        frame.to_csv(out, index=False)
    else:
        frame.to_csv(args.out, index=False)
        print(f"wrote {len(frame)} rows to {args.out}", file=sys.stderr)
    if args.labels:
        names = np.array([c.label for c in truth], dtype=object)
        pd.DataFrame({"component": labels, "target": names[labels]}).to_csv(args.labels, index=False)
    if args.truth:
        doc = {"model": args.model, "seed": args.seed, "samples": args.samples,
               "components": [{"label": c.label, "target": dict(c.target), "weight": c.weight} for c in truth]}
        Path(args.truth).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print("true mixture:", file=sys.stderr)
    for c in truth:
        print(f"  {c.label}  {c.weight:.6f}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------------------ parser
def _add_model(p: argparse.ArgumentParser, default: str | None = None) -> None:
    p.add_argument("--model", default=default, required=default is None,
                   help="example:NAME (a network bundled with pgmpy, e.g. example:sachs) or FILE.bif[.gz]")


def _add_simulation(p: argparse.ArgumentParser, samples: int | None, targets: int | None = None,
                    max_target_size: int | None = None) -> None:
    p.add_argument("--samples", type=int, default=samples, required=samples is None, help="number of rows")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--targets", type=int, default=targets,
                   help="number of components including the observational one (default "
                        + ("uniform in 4..16)" if targets is None else f"{targets})"))
    p.add_argument("--max-target-size", type=int, default=max_target_size, dest="max_target_size",
                   help="largest number of intervened variables per component (default "
                        + ("the number of variables)" if max_target_size is None else f"{max_target_size})"))


def _add_method(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", default="auto", help="algorithm (default auto)")
    p.add_argument("--option", action="append", metavar="KEY=VALUE",
                   help="algorithm option, e.g. --option epsilon=0.01 (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pgmpy-mixture``.

    Examples
    --------
    >>> build_parser().parse_args(["demo"]).model
    'example:sachs'
    """
    parser = argparse.ArgumentParser(
        prog="pgmpy-mixture",
        description="Disentangle data produced by a mixture of unknown causal interventions.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="simulate a mixture on a bundled network and disentangle it")
    _add_model(demo, DEFAULT_DEMO_MODEL)
    _add_simulation(demo, 200_000, targets=5, max_target_size=2)
    _add_method(demo)
    demo.add_argument("--exact", action="store_true",
                      help="disentangle the exact mixture distribution instead of samples (small networks)")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")
    demo.add_argument("--plot", default=None, metavar="PNG",
                      help="also save a picture of the recovered against the true mixture (needs matplotlib)")
    demo.set_defaults(func=cmd_demo)

    dis = sub.add_parser("disentangle", help="recover the interventions behind a data file")
    _add_model(dis)
    dis.add_argument("--data", default=None,
                     help="samples (columns = model variables): a CSV file, or Parquet/CSV files too large for "
                          "memory as a file, directory or quoted glob ('events-*.parquet'), counted chunk by chunk")
    dis.add_argument("--chunksize", type=int, default=1_000_000,
                     help="rows per chunk when counting large input (default 1000000)")
    dis.add_argument("--dask", default=None, metavar="SCHEDULER",
                     help="count large input with Dask: 'local' or a scheduler address such as tcp://host:8786 "
                          '(needs the "scale" extra: pip install -e ".[scale]" in a clone)')
    dis.add_argument("--marginals", default=None,
                     help="instead of --data: CSV of mixture marginals with columns variable,state,probability")
    dis.add_argument("--sample-size", type=float, default=None, dest="sample_size",
                     help="with --marginals: number of samples behind the marginals (omit for exact marginals)")
    dis.add_argument("--weights", default=None, help="column of counts or probabilities per row")
    _add_method(dis)
    dis.add_argument("--json", default=None, metavar="OUT",
                     help="also write the result as JSON (- for stdout, the table then goes to stderr)")
    dis.add_argument("--progress", action="store_true", help="show progress bars")
    dis.add_argument("--plot", default=None, metavar="PNG",
                     help="also save a picture of the recovered mixture (needs matplotlib)")
    dis.set_defaults(func=cmd_disentangle)

    sim = sub.add_parser("simulate", help="sample a random mixture of interventions on a model")
    _add_model(sim)
    _add_simulation(sim, None)
    sim.add_argument("--out", required=True, help="output CSV (- for stdout)")
    sim.add_argument("--labels", default=None, help="also write each row's hidden component to this CSV")
    sim.add_argument("--truth", default=None, help="also write the true components and weights to this JSON file")
    sim.set_defaults(func=cmd_simulate)

    add_split_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pgmpy-mixture``; returns the exit status (2 for bad input).

    Examples
    --------
    >>> main(["disentangle", "--model", "example:nosuch", "--data", "x.csv"])   # the message goes to stderr
    2
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MixtureError as exc:
        print(f"pgmpy-mixture: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a reader that stopped early (| head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's exit-time flush does not raise again
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
