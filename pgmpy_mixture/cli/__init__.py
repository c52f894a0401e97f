"""The ``pgmpy-mixture`` command line: ``demo``, ``disentangle``, ``simulate`` and ``split``.

Models are given as ``example:NAME`` (a network bundled with pgmpy, read offline) or a path to a
``.bif``/``.bif.gz`` file. Data files are CSV with one column per model variable holding state names; data
larger than memory are Parquet/CSV files given as a glob, directory or ``.parquet`` file, reduced chunk by chunk
(or by a Dask cluster with ``--dask``) to the count table. ``split`` is the Gaussian path on continuous data
(:mod:`pgmpy_mixture.cli.gaussian`).

Warnings (assumption checks, estimation problems) are printed once each on stderr as ``pgmpy-mixture: warning:
...``, without Python's source line; a warning the command's report already shows (a result's warnings) is not
repeated. Errors of ours end the command with status 2 and one line naming the culprit.

Examples
--------
>>> main(["simulate", "--model", "example:cancer", "--samples", "3", "--seed", "1", "--out", "-"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from pgmpy_mixture.cli.discrete import add_discrete_parsers
from pgmpy_mixture.cli.gaussian import add_split_parser
from pgmpy_mixture.errors import (
    AssumptionWarning,
    EstimationWarning,
    FeatureNamesWarning,
    MixtureError,
    caller_outside_library,
)

__all__ = ["build_parser", "main"]

#: Warning categories of ours: printed as one line each, without a source line.
OUR_WARNINGS = (AssumptionWarning, EstimationWarning, FeatureNamesWarning)


def _version() -> str:
    from pgmpy_mixture import __version__

    return __version__


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    add_discrete_parsers(sub)
    add_split_parser(sub)
    return parser


def _show_warnings(caught: list[warnings.WarningMessage], reported: set[str], caller: str | None) -> None:
    """Print each warning once: ours (by category, or attributed by ``warn_at_caller`` to the line that called
    :func:`main`) as ``pgmpy-mixture: warning: ...`` unless the report showed it; others as Python shows them."""
    shown: set[tuple[type[Warning], str]] = set()
    for w in caught:
        text = str(w.message)
        if (w.category, text) in shown:
            continue
        shown.add((w.category, text))
        if issubclass(w.category, OUR_WARNINGS) or (caller is not None and w.filename == caller):
            if text not in reported:
                print(f"pgmpy-mixture: warning: {text}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pgmpy-mixture``; returns the exit status (2 for bad input).

    Examples
    --------
    >>> main(["disentangle", "--model", "example:nosuch", "--data", "x.csv"])   # the message goes to stderr
    2
    """
    args = build_parser().parse_args(argv)
    args.reported_warnings = set()  # the commands add the warnings their report shows
    caller_frame, _ = caller_outside_library(sys._getframe(1))
    caller = caller_frame.f_code.co_filename if caller_frame is not None else None
    with warnings.catch_warnings(record=True) as caught:
        for category in OUR_WARNINGS:
            warnings.simplefilter("always", category)
        try:
            status = int(args.func(args))
        except MixtureError as exc:
            status = 2
            error = f"pgmpy-mixture: error: {exc}"
        except BrokenPipeError:  # output piped into a reader that stopped early (| head): not an error of ours
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that Python's exit-time flush does not raise again
            return 1
        else:
            error = None
    _show_warnings(caught, args.reported_warnings, caller)
    if error is not None:
        print(error, file=sys.stderr)
    return status
