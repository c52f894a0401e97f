"""The ``pgmpy-mixture`` command line: ``demo``, ``disentangle``, ``simulate`` and ``split``.

Models are given as ``example:NAME`` (a network bundled with pgmpy, read offline) or a path to a
``.bif``/``.bif.gz`` file. Data files are CSV with one column per model variable holding state names; data
larger than memory are Parquet/CSV files given as a glob, directory or ``.parquet`` file, reduced chunk by chunk
(or by a Dask cluster with ``--dask``) to the count table. ``split`` is the Gaussian path on continuous data
(:mod:`pgmpy_mixture.cli.gaussian`).

Examples
--------
>>> main(["simulate", "--model", "example:cancer", "--samples", "3", "--seed", "1", "--out", "-"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pgmpy_mixture.cli.discrete import add_discrete_parsers
from pgmpy_mixture.cli.gaussian import add_split_parser
from pgmpy_mixture.errors import MixtureError

__all__ = ["build_parser", "main"]


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

    add_discrete_parsers(sub)
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
