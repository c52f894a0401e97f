"""``pgmpy-mixture demo``, ``disentangle`` and ``simulate``: the discrete path on the command line.

Models are given as ``example:NAME`` (a network bundled with pgmpy, read offline) or a path to a
``.bif``/``.bif.gz`` file. Data files are CSV with one column per model variable holding state names; data
larger than memory are Parquet/CSV files given as a glob, directory or ``.parquet`` file, reduced chunk by chunk
(or by a Dask cluster with ``--dask``) to the count table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pgmpy_mixture.cli.io import (
    check_outputs,
    count_large_input,
    is_large_input,
    parse_options,
    read_data,
    read_marginals,
    read_truth,
    report_stream,
    result_to_dict,
    save_figure,
    seed_type,
    write_json,
    write_text,
)
from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.methods import DISCRETE_INPUTS, option_specs

#: The demo's default network: small (6 variables), CPD entries >= 0.04, so the finite-sample method recovers
#: every component from 2e5 samples in well under a second. (sachs has CPD entries near 1e-5.)
DEFAULT_DEMO_MODEL = "example:sachs"


def weight_text(weight: float) -> str:
    """A weight for a table: 4 decimals, or 2 significant digits below 0.0001 so that no listed weight reads 0.

    Examples
    --------
    >>> weight_text(0.25), weight_text(1.23e-5), weight_text(0.0)
    ('0.2500', '1.2e-05', '0')
    """
    if weight == 0.0:
        return "0"
    return f"{weight:.4f}" if weight >= 5e-5 else f"{weight:.2g}"


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
    from pgmpy_mixture.discrete.metrics import match_components

    matching = match_components(list(true_components), result)
    est = list(result.components)
    rows: list[tuple[str, str, str, str]] = []
    for i, j in matching.pairs:
        truth = true_components[i]
        rows.append((truth.label, weight_text(truth.weight), est[j].label, weight_text(est[j].weight)))
    for i in matching.unmatched_true:
        rows.append((true_components[i].label, weight_text(true_components[i].weight), "-", ""))
    for j in matching.unmatched_estimated:
        rows.append(("-", "", est[j].label, weight_text(est[j].weight)))
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


def _reported(args: argparse.Namespace, messages: Sequence[str]) -> None:
    """Record warnings the report printed, so that :func:`pgmpy_mixture.cli.main` does not print them again."""
    shown = getattr(args, "reported_warnings", None)
    if shown is not None:
        shown.update(messages)


def _print_result(result: Any, out) -> None:
    print(repr(result), file=out)


def _print_scores(truth: Sequence[Any], result: Any, network: Any, out: TextIO) -> None:
    """The side-by-side table of true and recovered components, and the scores (as ``demo`` prints them)."""
    from pgmpy_mixture.discrete.metrics import evaluate

    print(side_by_side(truth, result), file=out)
    scores = evaluate(list(truth), result, network=network)
    print("\n" + ", ".join(f"{k} {_score(k, v)}" for k, v in scores.items()), file=out)


def _plot_result(result: Any, path: str | None, truth: Any = None) -> None:
    if path:
        import matplotlib

        matplotlib.use("Agg")
        save_figure(result.plot(truth=truth), path)


def _load(spec: str):
    from pgmpy_mixture.adapters.examples import load_model

    return load_model(spec)


def _simulated(network, *, samples: int, seed: int, n_targets: int | None, max_size: int | None):
    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame

    rng = np.random.default_rng(seed)
    spec = random_mixture(network, n_targets=n_targets, max_target_size=max_size, rng=rng)
    frame, labels = sample_frame(network, spec.targets, spec.weights, samples, rng=rng)
    return spec, frame, labels


def cmd_demo(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Simulate a mixture on a bundled network, disentangle it, print truth against recovery."""
    out = out or sys.stdout
    from tqdm.auto import tqdm

    from pgmpy_mixture.adapters.convert import network_from_pgmpy

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
        from pgmpy_mixture.discrete.simulate import mixture_distribution

        data = mixture_distribution(network, spec.targets, spec.weights)
        what = f"the exact distribution ({len(data.weights)} cells)"
    steps.update(1)
    steps.set_description("disentangling")
    started = time.perf_counter()
    options = parse_options(args.option, option_specs(args.method, ["distribution" if args.exact else "samples"]))
    result = model.disentangle_mixture(data, method=args.method, progress=not args.quiet, **options)
    elapsed = time.perf_counter() - started
    steps.update(1)
    steps.close()
    print(f"network {args.model}: {network.n_variables} variables; {what} of a mixture of "
          f"{len(truth)} interventions (seed {args.seed})", file=out)
    print(f"method {result.method!r}, {elapsed:.2f} s\n", file=out)
    _print_scores(truth, result, network, out)
    for w in result.warnings:
        print(f"warning: {w}", file=out)
    _reported(args, result.warnings)
    _plot_result(result, args.plot, truth)
    return 0


def cmd_disentangle(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Disentangle a data file against a model; print the table (and, with ``--truth``, the true components side by
    side and the scores), optionally write JSON."""
    from pgmpy_mixture.adapters.convert import network_from_pgmpy

    out = out or sys.stdout
    check_outputs({"--json": args.json, "--plot": args.plot}, figures=("--plot",))
    model = _load(args.model)
    if (args.data is None) == (getattr(args, "marginals", None) is None):
        raise ParameterError("pass exactly one of --data (samples) and --marginals (a variable,state,probability CSV)")
    network = truth = None
    if getattr(args, "truth", None) is not None:  # read and checked before the work
        network = network_from_pgmpy(model)
        truth = read_truth(args.truth, network)
    options = parse_options(args.option, option_specs(args.method, ["marginals"] if args.data is None
                                                      else list(DISCRETE_INPUTS)))
    if args.data is None:  # aggregate observations (DIMM, AAAI 2020)
        marginals = read_marginals(args.marginals)
        if args.sample_size is not None:
            if "sample_size" in options:
                raise ParameterError("give the sample size once: --sample-size N or --option sample_size=N")
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
    report = report_stream(args, out)
    _print_result(result, report)
    _reported(args, result.warnings)
    if truth is not None:
        print(f"\nagainst the true mixture in {args.truth}:\n", file=report)
        _print_scores(truth, result, network, report)
    _plot_result(result, args.plot, truth)
    write_json(result_to_dict(result), args.json, out)
    return 0


def cmd_simulate(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Sample a random mixture of interventions on a model; write the samples (and the hidden labels)."""
    out = out or sys.stdout
    if args.gaussian is not None:
        from pgmpy_mixture.cli.gaussian import cmd_simulate_gaussian

        return cmd_simulate_gaussian(args, out)
    if args.model is None:
        raise ParameterError("simulate needs --model (a discrete network) or --gaussian NODES (a linear Gaussian SEM)")
    from pgmpy_mixture.adapters.convert import network_from_pgmpy

    check_outputs({"--out": args.out, "--labels": args.labels, "--truth": args.truth})
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
        write_text(args.truth, json.dumps(doc, indent=2) + "\n", "--truth")
    print("true mixture:", file=sys.stderr)
    for c in truth:
        print(f"  {c.label}  {c.weight:.6f}", file=sys.stderr)
    return 0


def _add_model(p: argparse.ArgumentParser, default: str | None = None) -> None:
    p.add_argument("--model", default=default, required=default is None,
                   help="example:NAME (a network bundled with pgmpy, e.g. example:sachs) or FILE.bif[.gz]")


def _add_simulation(p: argparse.ArgumentParser, samples: int | None, targets: int | None = None,
                    max_target_size: int | None = None) -> None:
    p.add_argument("--samples", type=int, default=samples, required=samples is None, help="number of rows")
    p.add_argument("--seed", type=seed_type, default=0, help="random seed, a whole number >= 0 (default 0)")
    p.add_argument("--targets", type=int, default=targets,
                   help="number of components including the observational one (default "
                        + ("uniform in 4..16)" if targets is None else f"{targets})"))
    p.add_argument("--max-target-size", type=int, default=max_target_size, dest="max_target_size",
                   help="largest number of intervened variables per component (default "
                        + ("the number of variables)" if max_target_size is None else f"{max_target_size})"))


def _add_method(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", default="auto", help="algorithm (default auto)")
    p.add_argument("--option", action="append", metavar="KEY=VALUE",
                   help="algorithm option, e.g. --option epsilon=0.01 (repeatable; the methods and their options: "
                        "pgmpy_mixture.available_methods())")


def add_discrete_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``demo``, ``disentangle`` and ``simulate`` to the ``pgmpy-mixture`` parser's subcommands.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="pgmpy-mixture")
    >>> add_discrete_parsers(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["demo"]).samples
    200000
    """
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
    dis.add_argument("--truth", default=None, metavar="JSON",
                     help="the true mixture (the file simulate --truth writes): also print it side by side with the "
                          "recovered one, and the scores")
    dis.add_argument("--progress", action="store_true", help="show progress bars")
    dis.add_argument("--plot", default=None, metavar="PNG",
                     help="also save a picture of the recovered mixture (needs matplotlib)")
    dis.set_defaults(func=cmd_disentangle)

    sim = sub.add_parser("simulate", help="sample a random mixture of interventions on a model (or, with "
                                          "--gaussian, on a random linear Gaussian SEM)")
    sim.add_argument("--model", default=None,
                     help="example:NAME (a network bundled with pgmpy, e.g. example:sachs) or FILE.bif[.gz]")
    sim.add_argument("--gaussian", type=int, default=None, metavar="NODES",
                     help="instead of --model: continuous data for split, from a random linear Gaussian SEM over "
                          "NODES columns with single-node shift interventions")
    sim.add_argument("--shift", type=float, default=4.0,
                     help="with --gaussian: noise-mean shift of an intervention, in noise standard deviations "
                          "(default 4)")
    _add_simulation(sim, None)
    sim.add_argument("--out", required=True, help="output CSV (- for stdout)")
    sim.add_argument("--labels", default=None, help="also write each row's hidden component to this CSV")
    sim.add_argument("--truth", default=None, help="also write the true components and weights to this JSON file")
    sim.set_defaults(func=cmd_simulate)
