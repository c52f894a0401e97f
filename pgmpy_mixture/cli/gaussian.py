"""``pgmpy-mixture split``: the Gaussian path (Mixture-UTIGSP, NeurIPS 2024) on the command line.

Reads a table of continuous measurements (CSV, or tab-separated ``.txt``/``.tsv``), fits the Gaussian mixture of
interventions (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp`), prints the components (weight,
observational or shifted columns), the causal order and the model-selection curve, and optionally writes each
row's component, a JSON summary, the selection plot, and a graph (the order-based DAG, its interventional
essential graph, or a causal-learn search on the split data).

Examples
--------
>>> main(["split", "--data", "measurements.csv", "--graph", "essential"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pgmpy_mixture.cli.io import seed_type
from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.gaussian.result import GaussianMixtureFit
from pgmpy_mixture.validation import check_test_level

__all__ = ["GRAPH_METHODS", "add_split_parser", "cmd_split", "cmd_simulate_gaussian", "edge_lines", "fit_to_dict",
           "read_table"]

#: ``--graph`` choices: ``sem`` and ``essential`` are the library's own (no causal-learn needed); the others run a
#: causal-learn search through :class:`pgmpy_mixture.adapters.causallearn.MixtureSplitter` (extra ``causallearn``).
GRAPH_METHODS = ("sem", "essential", "pc", "cdnod", "ges", "grasp", "boss")


def read_table(path: str, columns: str | None = None, sep: str | None = None) -> pd.DataFrame:
    """Read a table of continuous measurements, keeping the named columns (comma-separated; all when None).

    The separator is a tab for ``.txt``/``.tsv`` files and a comma otherwise, unless ``sep`` is given. Values are
    checked later, by the fit (non-numeric, NaN or constant columns are named there).

    Examples
    --------
    >>> import io
    >>> read_table(io.StringIO("a,b,c\\n1,2,3\\n"), columns="c,a").columns.tolist()
    ['c', 'a']
    """
    if sep is None:
        sep = "\t" if str(path).lower().endswith((".txt", ".tsv")) else ","
    try:
        frame = pd.read_csv(path, sep=sep)
    except FileNotFoundError:
        raise ParameterError(f"data file {str(path)!r} does not exist") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise ParameterError(f"cannot read data file {str(path)!r}: {exc}") from None
    if columns is None:
        return frame
    wanted = [c.strip() for c in columns.split(",") if c.strip()]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise ParameterError(f"--columns names {missing[0]!r}, which is not a column of {str(path)!r} "
                             f"(columns: {', '.join(map(str, frame.columns))})")
    return frame[wanted]


def edge_lines(adjacency: np.ndarray, names: list[str] | tuple[str, ...]) -> list[str]:
    """One line per edge of a mark matrix: ``a -> b`` (``adj[a, b]`` only) or ``a --- b`` (both marks).

    Examples
    --------
    >>> edge_lines(np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0]], bool), ["a", "b", "c"])
    ['a -> b', 'a --- c']
    """
    adj = np.asarray(adjacency, dtype=bool)
    lines = []
    for i, j in zip(*np.nonzero(adj), strict=True):
        if adj[j, i]:
            if i < j:
                lines.append(f"{names[i]} --- {names[j]}")
        else:
            lines.append(f"{names[i]} -> {names[j]}")
    return lines


def fit_to_dict(fit: GaussianMixtureFit, edges: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a :class:`~pgmpy_mixture.gaussian.result.GaussianMixtureFit` (what ``--json`` writes).

    Examples
    --------
    >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
    ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool), columns=["a"])
    >>> d = fit_to_dict(fit)
    >>> d["components"][1], d["order"]
    ({'label': 'shift(a)', 'weight': 0.5, 'observational': False, 'targets': ['a'], 'mean': [4.0]}, ['a'])
    """
    names = fit.names
    frame = fit.to_frame()
    selection = fit.selection_frame()
    doc: dict[str, Any] = {
        "columns": list(names),
        "n_samples": int(fit.n_samples),
        "n_components": fit.n_components,
        "observational": int(fit.observational),
        "components": [
            {"label": row.label, "weight": float(row.weight), "observational": bool(row.observational),
             "targets": list(row.targets), "mean": [float(v) for v in fit.means[k]]}
            for k, row in zip(range(fit.n_components), frame.itertuples(), strict=True)
        ],
        "covariances": np.asarray(fit.covariances, dtype=float).tolist(),
        "order": [names[j] for j in fit.order],
        "shift_density": float(fit.shift_density),
        "selection": [
            {"k": int(r.k), "avg_loglik": float(r.avg_loglik),
             "rel_gain": None if np.isnan(r.rel_gain) else float(r.rel_gain), "bic": float(r.bic)}
            for r in selection.itertuples()
        ],
    }
    if edges is not None:
        doc["edges"] = list(edges)
    return doc


def _fit(frame: pd.DataFrame, args: argparse.Namespace) -> tuple[GaussianMixtureFit, Any]:
    n_components: int | str = args.n_components
    if n_components != "auto":
        try:
            n_components = int(n_components)
        except ValueError:
            raise ParameterError(f"--n-components must be 'auto' or an integer, got {n_components!r}") from None
    settings = dict(n_components=n_components, k_max=args.k_max, selection=args.selection,
                    cutoff_ratio=args.cutoff_ratio, n_init=args.n_init, random_state=args.seed,
                    max_targets=args.max_targets, covariance_type=args.covariance, progress=args.progress,
                    n_jobs=args.jobs)
    if args.graph in GRAPH_METHODS[2:]:  # a causal-learn search: fit through the adapter, which runs it
        from pgmpy_mixture.adapters.causallearn import MixtureSplitter

        splitter = MixtureSplitter(**settings).fit(frame)
        return splitter.fit_, splitter
    from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp

    return fit_mixture_utigsp(frame, **settings), None


def _graph(fit: GaussianMixtureFit, splitter: Any, frame: pd.DataFrame, args: argparse.Namespace) -> list[str]:
    from pgmpy_mixture.gaussian.mixture_utigsp import DAG_ALPHA, estimate_dag, estimate_essential_graph

    if args.graph == "sem":
        return edge_lines(estimate_dag(fit, alpha=args.alpha or DAG_ALPHA), fit.names)
    if args.graph == "essential":
        return edge_lines(estimate_essential_graph(fit, alpha=args.alpha or DAG_ALPHA), fit.names)
    from pgmpy_mixture.adapters.causallearn import graph_to_adjacency

    graph, _ = splitter.discover(frame, method=args.graph, alpha=args.alpha)
    return edge_lines(graph_to_adjacency(graph), fit.names)


def cmd_split(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Fit the Gaussian mixture of interventions to a data file; print it and write the requested outputs.

    Examples
    --------
    >>> import tempfile, os
    >>> from pgmpy_mixture.cli import main
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> path = os.path.join(tempfile.mkdtemp(), "x.csv")
    >>> pd.DataFrame(simulate_linear_mixture(n_nodes=2, n_samples=3000, random_state=4).data,
    ...              columns=["a", "b"]).to_csv(path, index=False)
    >>> main(["split", "--data", path, "--graph", "essential"])  # doctest: +ELLIPSIS
    GaussianMixtureFit(components=3, variables=2, n_samples=3000)
    ...
    0
    """
    from pgmpy_mixture.cli.io import check_outputs, report_stream, write_json

    out = out or sys.stdout
    check_outputs({"--labels": args.labels, "--json": args.json, "--plot": args.plot,
                   "--plot-components": args.plot_components}, figures=("--plot", "--plot-components"))
    check_test_level("--alpha", args.alpha, allow_none=True)
    if args.graph in GRAPH_METHODS[2:]:  # before the fit: a missing causal-learn is reported up front
        from pgmpy_mixture.adapters.causallearn import require_causallearn

        require_causallearn(f"--graph {args.graph}")
    report = report_stream(args, out)
    frame = read_table(args.data, args.columns, args.sep)
    fit, splitter = _fit(frame, args)  # its warnings are printed once by main(), without a source line
    print(repr(fit), file=report)
    selection = fit.selection_frame()
    if len(selection) > 1:
        print("\nmodel selection (chosen k marked *):", file=report)
        shown = selection.assign(chosen=np.where(selection["chosen"], "*", ""))
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"), file=report)
    edges = None
    if args.graph is not None:
        edges = _graph(fit, splitter, frame, args)
        print(f"\ngraph ({args.graph}, {len(edges)} edges):", file=report)
        for line in edges:
            print(f"  {line}", file=report)
    if args.labels:
        values = frame.to_numpy(dtype=float)
        proba = fit.predict_proba(values)
        component = proba.argmax(axis=1)
        names = np.array(fit.labels(), dtype=object)
        pd.DataFrame({"component": component, "label": names[component],
                      "probability": proba[np.arange(len(component)), component]}).to_csv(args.labels, index=False)
    write_json(fit_to_dict(fit, edges), args.json, out)
    if args.plot or args.plot_components:
        import matplotlib

        matplotlib.use("Agg")
        from pgmpy_mixture.cli.io import save_figure
        from pgmpy_mixture.gaussian.plot import plot_components, plot_selection

        if args.plot:
            save_figure(plot_selection(fit), args.plot)
        if args.plot_components:
            save_figure(plot_components(fit), args.plot_components)
    return 0


def add_split_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``split`` subcommand on the ``pgmpy-mixture`` subparsers.

    Examples
    --------
    >>> from pgmpy_mixture.cli import build_parser
    >>> build_parser().parse_args(["split", "--data", "x.csv"]).n_components
    'auto'
    """
    p = sub.add_parser("split", help="split continuous data into a Gaussian mixture of interventions "
                                     "(Mixture-UTIGSP) and learn the graph")
    p.add_argument("--data", required=True,
                   help="continuous measurements, one column per variable: CSV, or tab-separated .txt/.tsv")
    p.add_argument("--columns", default=None, help="comma-separated columns to use (default: all)")
    p.add_argument("--sep", default=None, help="field separator (default: tab for .txt/.tsv, else comma)")
    p.add_argument("--n-components", default="auto", dest="n_components",
                   help="number of components, or 'auto' to choose it (default auto)")
    p.add_argument("--k-max", type=int, default=None, dest="k_max",
                   help="largest count tried with auto (default: number of columns + 1)")
    p.add_argument("--selection", choices=("cutoff", "bic"), default="bic",
                   help="BIC on standardised columns, whatever the units (default), or the paper's relative "
                        "log-likelihood cutoff rule")
    p.add_argument("--cutoff-ratio", type=float, default=0.07, dest="cutoff_ratio",
                   help="the cutoff rule's relative gain (default 0.07, the authors' default)")
    p.add_argument("--n-init", type=int, default=1, dest="n_init", help="EM starts per count and scheme (default 1)")
    p.add_argument("--covariance", choices=("full", "diag", "tied", "spherical"), default="full",
                   help="covariance type of the clustering (default full)")
    p.add_argument("--max-targets", type=int, default=None, dest="max_targets",
                   help="keep at most this many (the strongest) targets per component")
    p.add_argument("--graph", choices=GRAPH_METHODS, default=None,
                   help="also learn the graph: sem (order-based DAG), essential (its interventional essential "
                        "graph), or a causal-learn search on the split (needs the causallearn extra)")
    p.add_argument("--alpha", type=float, default=None,
                   help="test level for --graph (default: 0.001 for sem and essential, 0.01 for the causal-learn "
                        "searches, as MixtureSplitter.discover)")
    p.add_argument("--seed", type=seed_type, default=0, help="random seed, a whole number >= 0 (default 0)")
    p.add_argument("--jobs", type=int, default=None,
                   help="candidate fits: default in threads (one per core); 1 one after the other; 2+ or -1 processes")
    p.add_argument("--labels", default=None, help="write each row's component, label and probability to this CSV")
    p.add_argument("--json", default=None, metavar="OUT",
                   help="also write the fit as JSON (- for stdout, the report then goes to stderr)")
    p.add_argument("--plot", default=None, metavar="PNG", help="save the model-selection plot (needs matplotlib)")
    p.add_argument("--plot-components", default=None, metavar="PNG", dest="plot_components",
                   help="save a picture of the components: weights and changed mechanisms (needs matplotlib)")
    p.add_argument("--progress", action="store_true", help="show progress bars")
    p.set_defaults(func=cmd_split)
    return p


def cmd_simulate_gaussian(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``pgmpy-mixture simulate --gaussian NODES``: rows of a random linear Gaussian SEM over ``NODES`` columns
    (``X0 ..``), mixed from the observational component and single-node shift interventions (incoming edges kept,
    noise mean shifted by ``--shift`` noise standard deviations, random sign) on distinct random nodes, in equal
    shares; the input ``split`` expects. ``--targets`` counts the components, the observational one included
    (default: one intervention per node). ``--labels`` writes each row's component, ``--truth`` the DAG's edges,
    the targets and the weights.

    Examples
    --------
    >>> from pgmpy_mixture.cli import main
    >>> main(["simulate", "--gaussian", "3", "--samples", "5", "--out", "-"])  # doctest: +ELLIPSIS
    X0,X1,X2
    ...
    0
    """
    out = out or sys.stdout
    import json

    from pgmpy_mixture.cli.io import check_outputs, write_text
    from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

    check_outputs({"--out": args.out, "--labels": args.labels, "--truth": args.truth})
    d = args.gaussian
    if d < 1:
        raise ParameterError(f"--gaussian must be a number of nodes >= 1, got {d}")
    if args.samples is None or args.samples < 1:
        raise ParameterError(f"--samples must be a number of rows >= 1, got {args.samples}")
    k = d + 1 if args.targets is None else args.targets
    if not 1 <= k <= d + 1:
        raise ParameterError(f"--targets={k}: with --gaussian {d} there can be 1 to {d + 1} components (the "
                             "observational one and one single-node intervention per node)")
    if args.shift <= 0 or not np.isfinite(args.shift):
        raise ParameterError(f"--shift must be a positive number of noise standard deviations, got {args.shift}")
    rng = np.random.default_rng(args.seed)
    nodes = sorted(rng.choice(d, size=k - 1, replace=False).tolist())
    sim = simulate_linear_mixture(n_nodes=d, n_samples=args.samples, targets=[[j] for j in nodes], kind="soft",
                                  mean_shift=args.shift, variance_scale=1.0, random_state=rng)
    names = [f"X{j}" for j in range(d)]
    frame = pd.DataFrame(sim.data, columns=names)
    if args.out == "-":
        frame.to_csv(out, index=False)
    else:
        frame.to_csv(args.out, index=False)
        print(f"wrote {len(frame)} rows to {args.out}", file=sys.stderr)
    labels = [("observational" if not t else "shift(" + ", ".join(names[j] for j in sorted(t)) + ")")
              for t in sim.targets]
    if args.labels:
        pd.DataFrame({"component": sim.labels, "target": np.asarray(labels, dtype=object)[sim.labels]}).to_csv(
            args.labels, index=False)
    if args.truth:
        doc = {"gaussian": d, "seed": args.seed, "samples": args.samples, "shift": args.shift,
               "edges": edge_lines(sim.sem.adjacency, names),
               "components": [{"label": lab, "targets": [names[j] for j in sorted(t)], "weight": float(w)}
                              for lab, t, w in zip(labels, sim.targets, sim.weights, strict=True)]}
        write_text(args.truth, json.dumps(doc, indent=2) + "\n", "--truth")
    print("true mixture:", file=sys.stderr)
    for lab, w in zip(labels, sim.weights, strict=True):
        print(f"  {lab}  {w:.6f}", file=sys.stderr)
    return 0
