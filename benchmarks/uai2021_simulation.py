"""The simulation study of Kumar & Sinha (UAI 2021, Section 5, Figure 1; Appendix E figures).

Protocol (paper Section 5 and the authors' code, see ``shared/notes/reference-facts.md``):

* for each graph model (scale-free "sf", Erdos-Renyi "er") and N in {4, 8, 12}, several random instances;
  an instance is a DAG on N nodes with edges uniform in [N, min(N(N-1)/2, 5N)], 3 states per node,
  Dirichlet(2) CPDs, and a mixture of m ~ U[4, 16] distinct targets (sizes uniform in 0..N, the empty
  target included, one excluded state per node, Dirichlet(2) weights) -- the same graph and targets for
  every sample size M, as in the authors' code;
* for each M: M observational samples give P(V) (maximum-likelihood CPDs on the known graph, smoothed
  by delta = 1/M, :func:`pgmpy_mixture.model.fitting.fit_network`), and M samples of the mixture give P_mix;
* every method runs on the same inputs (default: DISENTANGLE-FINITE, ``paper``, epsilon = 0.01);
* metrics of Appendix F (:mod:`pgmpy_mixture.discrete.metrics`): recall, RMSE, FP-RMSE, FN-RMSE, averaged over
  instances (FP/FN-RMSE of an instance with no false positive / negative is undefined and skipped).

Outputs in ``--out``: ``uai2021_simulation.md`` (table), ``uai2021_simulation.csv`` (one row per run),
``uai2021_figure1.png`` (four panels against M, one line per N; line style per graph; marker per
method); with ``--sweep`` also ``uai2021_sweep.md``/``.csv``/``.png`` (recall and RMSE against N at
M = 2^20, the paper's Appendix E Figure 1).

Run::

    nice python benchmarks/uai2021_simulation.py                  # small grid, about a minute or two
    nice python benchmarks/uai2021_simulation.py --full           # M = 2^4..2^20 and inf, 20 instances per cell
    nice python benchmarks/uai2021_simulation.py --sweep          # N = 4..32 at M = 2^20
    nice python benchmarks/uai2021_simulation.py --methods paper,other:epsilon=0.02   # side by side
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pgmpy_mixture.api import available_methods, disentangle_mixture
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.metrics import evaluate
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_mixture
from pgmpy_mixture.model.fitting import fit_network

GRAPH_CODES = {"sf": 1, "er": 2}
METRICS = ("recall", "rmse", "fp_rmse", "fn_rmse")
INFINITE = math.inf


@dataclass(frozen=True)
class MethodSpec:
    """A method name from the api registry and the options it is run with."""

    name: str
    options: tuple[tuple[str, object], ...]

    @property
    def label(self) -> str:
        return self.name + "".join(f":{k}={v}" for k, v in self.options)


def parse_methods(text: str) -> list[MethodSpec]:
    """``"paper,foo:alpha=0.1"`` -> method specs (values parsed as numbers when they look like one)."""
    specs = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, *pairs = item.split(":")
        names = sorted(set(available_methods()["method"]))
        if name not in names:
            raise SystemExit(f"unknown method {name!r}; available: {names}")
        options = []
        for pair in pairs:
            key, _, value = pair.partition("=")
            try:
                parsed: object = int(value) if value.lstrip("-").isdigit() else float(value)
            except ValueError:
                parsed = value
            options.append((key, parsed))
        specs.append(MethodSpec(name, tuple(options)))
    return specs


def instance(graph: str, n: int, index: int, seed: int, max_in_degree: int | None = None):
    """Network and mixture of one random instance (independent of the M grid and of the methods)."""
    rng = np.random.default_rng([seed, GRAPH_CODES[graph], n, index])
    network = random_network(n, n_states=3, graph=graph, alpha=2.0, max_in_degree=max_in_degree, rng=rng)
    spec = random_mixture(network, weight_alpha=2.0, include_observational=True, rng=rng)
    return network, spec


def inputs_for(network, spec, m_samples: float, seed: int, graph: str, index: int, source: str):
    """(network given to the methods, mixture count table) for one sample size (inf = exact input)."""
    if m_samples == INFINITE:
        return network, mixture_distribution(network, spec.targets, spec.weights)
    m_samples = int(m_samples)
    rng = np.random.default_rng([seed, GRAPH_CODES[graph], network.n_variables, index, m_samples])
    mix_codes, _ = sample_mixture(network, spec.targets, spec.weights, m_samples, rng=rng)
    counts = CountTable.from_codes(mix_codes, network.variables, network.states)
    if source == "true":
        return network, counts
    empty = np.full((1, network.n_variables), -1)
    obs_codes, _ = sample_mixture(network, empty, [1.0], m_samples, rng=rng)
    observational = CountTable.from_codes(obs_codes, network.variables, network.states)
    parents = {v: [network.variables[p] for p in network.parents[i]] for i, v in enumerate(network.variables)}
    states = dict(zip(network.variables, network.states, strict=True))
    fitted = fit_network(network.variables, states, parents, observational, delta=1.0 / m_samples)
    return fitted, counts


def run_grid(graphs, nodes, sizes, instances, methods, seed, source, max_in_degree=None, log=sys.stderr) -> list[dict]:
    rows = []
    for graph in graphs:
        for n in nodes:
            for index in range(instances):
                network, spec = instance(graph, n, index, seed, max_in_degree)
                for m_samples in sizes:
                    net_in, counts = inputs_for(network, spec, m_samples, seed, graph, index, source)
                    for method in methods:
                        row = {
                            "graph": graph,
                            "N": n,
                            "M": m_samples,
                            "instance": index,
                            "method": method.label,
                            "n_true": spec.n_components,
                        }
                        start = time.perf_counter()
                        try:
                            with warnings.catch_warnings():
                                warnings.simplefilter("ignore")
                                result = disentangle_mixture(net_in, counts, method=method.name, **dict(method.options))
                        except Exception as exc:  # recorded and reported, never hidden
                            row.update({k: math.nan for k in METRICS}, n_found=math.nan, error=repr(exc))
                            print(f"  FAILED {graph} N={n} M={m_samples} #{index} {method.label}: {exc!r}", file=log)
                        else:
                            scores = evaluate(spec, result, network=network)
                            row.update({k: scores[k] for k in METRICS}, n_found=len(result), error="")
                        row["seconds"] = time.perf_counter() - start
                        rows.append(row)
            print(f"  done: graph={graph} N={n} ({instances} instances x {len(sizes)} sizes)", file=log, flush=True)
    return rows


def _m_label(m_samples: float) -> str:
    return "inf" if m_samples == INFINITE else f"2^{int(round(math.log2(m_samples)))}"


def summarise(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """Average the metrics over instances for each combination of ``keys``."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    out = []
    for key, members in groups.items():
        ok = [r for r in members if not r["error"]]
        summary = dict(zip(keys, key, strict=True))
        for metric in METRICS:
            values = np.array([r[metric] for r in ok], dtype=float)
            values = values[np.isfinite(values)]
            summary[metric] = float(values.mean()) if values.size else math.nan
            summary[f"{metric}_n"] = int(values.size)
        summary["n_true"] = float(np.mean([r["n_true"] for r in members]))
        summary["n_found"] = float(np.mean([r["n_found"] for r in ok])) if ok else math.nan
        summary["seconds"] = float(np.mean([r["seconds"] for r in members]))
        summary["runs"] = len(members)
        summary["failed"] = len(members) - len(ok)
        out.append(summary)
    return out


def _fmt(value: float, digits: int = 3) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def markdown(summary: list[dict], keys: tuple[str, ...]) -> str:
    head = [*keys, "recall", "RMSE", "FP-RMSE", "FN-RMSE", "targets true/found", "time (s)", "runs", "failed"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] * len(keys) + ["---:"] * (len(head) - len(keys))) + "|",
    ]
    for s in summary:
        cells = [_m_label(s[k]) if k == "M" else str(s[k]) for k in keys]
        cells += [_fmt(s["recall"]), _fmt(s["rmse"], 4)]
        cells += [f"{_fmt(s['fp_rmse'], 4)} ({s['fp_rmse_n']})", f"{_fmt(s['fn_rmse'], 4)} ({s['fn_rmse_n']})"]
        cells += [f"{s['n_true']:.1f}/{_fmt(s['n_found'], 1)}", _fmt(s["seconds"], 3), str(s["runs"]), str(s["failed"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _styles(summary, by):
    import matplotlib.pyplot as plt

    colours = {v: plt.get_cmap("tab10")(i) for i, v in enumerate(sorted({s[by] for s in summary}))}
    return colours


def plot_figure1(summary: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = _styles(summary, "N")
    dashes = {"sf": "-", "er": "--"}
    markers = dict(zip(sorted({s["method"] for s in summary}), "osD^vP*X", strict=False))
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    names = {
        "recall": "(a) Recall",
        "rmse": "(b) RMSE",
        "fp_rmse": "(c) False-positive RMSE",
        "fn_rmse": "(d) False-negative RMSE",
    }
    finite = sorted({s["M"] for s in summary if s["M"] != INFINITE})
    for ax, metric in zip(axes.ravel(), METRICS, strict=True):
        for graph, n, method in sorted({(s["graph"], s["N"], s["method"]) for s in summary}):
            pts = sorted(
                (s["M"], s[metric]) for s in summary if (s["graph"], s["N"], s["method"]) == (graph, n, method)
            )
            xs = [math.log2(m) for m, _ in pts if m != INFINITE]
            ys = [v for m, v in pts if m != INFINITE]
            label = f"N={n}, {graph.upper()}" + (f", {method}" if len(markers) > 1 else "")
            ax.plot(xs, ys, dashes[graph], color=colours[n], marker=markers[method], markersize=4, label=label)
        ax.set_xlabel("log2 M (samples)")
        ax.set_title(names[metric])
        ax.grid(alpha=0.3)
        if finite:
            ax.set_xticks([math.log2(m) for m in finite])
    axes[0, 0].set_ylim(-0.02, 1.02)
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_sweep(summary: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric, name in zip(axes, ("recall", "rmse"), ("Average recall", "Average RMSE"), strict=True):
        for graph, method in sorted({(s["graph"], s["method"]) for s in summary}):
            pts = sorted((s["N"], s[metric]) for s in summary if (s["graph"], s["method"]) == (graph, method))
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"{graph.upper()}, {method}")
        ax.set_xlabel("N (nodes)")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="M = 2^4..2^20 (every power), 20 instances per cell")
    parser.add_argument("--sweep", action="store_true", help="also the N = 4..32 sweep at M = 2^20 (Appendix E)")
    parser.add_argument("--sweep-only", action="store_true", help="run only the N sweep")
    parser.add_argument("--nodes", default="4,8,12")
    parser.add_argument("--graphs", default="sf,er")
    parser.add_argument("--log2-samples", default=None, help="comma list of log2 M (default 4,6,..,16; full 4..20)")
    parser.add_argument(
        "--infinite", action="store_true", help="also run on the exact mixture table (M = inf; on with --full)"
    )
    parser.add_argument("--instances", type=int, default=None, help="instances per (graph, N) (default 5; full 20)")
    parser.add_argument("--sweep-nodes", default="4,8,12,16,20,24,28,32")
    parser.add_argument("--sweep-log2-samples", type=int, default=20)
    parser.add_argument("--max-in-degree", type=int, default=None, help="cap on parents per node (paper: none)")
    parser.add_argument(
        "--sweep-max-in-degree",
        type=int,
        default=10,
        help="cap on parents per node in the N sweep (default 10: at N = 32 uncapped graphs reach 17 parents, "
        "a 3^17-row CPD; 0 = no cap)",
    )
    parser.add_argument("--methods", default="paper:epsilon=0.01", help="comma list of name[:key=value...]")
    parser.add_argument(
        "--network-source",
        choices=("fitted", "true"),
        default="fitted",
        help="P(V) fitted from M observational samples (paper) or the true CPDs",
    )
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args(argv)

    methods = parse_methods(args.methods)
    graphs = [g.strip() for g in args.graphs.split(",") if g.strip()]
    for g in graphs:
        if g not in GRAPH_CODES:
            raise SystemExit(f"unknown graph {g!r}; use sf and/or er")
    instances = args.instances or (20 if args.full else 5)
    args.out.mkdir(parents=True, exist_ok=True)
    header = (
        f"methods {', '.join(m.label for m in methods)}; P(V) {args.network_source}"
        f"{' (delta = 1/M)' if args.network_source == 'fitted' else ''}; seed {args.seed}; "
        f"{instances} instances per (graph, N)"
    )
    status = 0
    if not args.sweep_only:
        default_sizes = "4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20" if args.full else "4,6,8,10,12,14,16"
        sizes: list[float] = [2.0 ** int(x) for x in (args.log2_samples or default_sizes).split(",")]
        if args.infinite or args.full:
            sizes.append(INFINITE)
        nodes = [int(x) for x in args.nodes.split(",")]
        started = time.perf_counter()
        rows = run_grid(graphs, nodes, sizes, instances, methods, args.seed, args.network_source)
        keys = ("graph", "N", "M", "method")
        summary = summarise(rows, keys)
        table = f"Figure 1 protocol: {header}; {time.perf_counter() - started:.0f} s in all.\n\n" + markdown(
            summary, keys
        )
        print(table)
        (args.out / "uai2021_simulation.md").write_text(table + "\n")
        write_csv(rows, args.out / "uai2021_simulation.csv")
        plot_figure1(summary, args.out / "uai2021_figure1.png", "DISENTANGLE on the UAI 2021 simulation protocol")
        status |= any(r["error"] for r in rows)
    if args.sweep or args.sweep_only:
        nodes = [int(x) for x in args.sweep_nodes.split(",")]
        sizes = [2.0**args.sweep_log2_samples]
        started = time.perf_counter()
        cap = args.sweep_max_in_degree or None
        rows = run_grid(graphs, nodes, sizes, instances, methods, args.seed, args.network_source, cap)
        keys = ("graph", "N", "M", "method")
        summary = summarise(rows, keys)
        cap_text = f"; at most {cap} parents per node" if cap else ""
        table = f"N sweep at M = 2^{args.sweep_log2_samples}: {header}{cap_text}; "
        table += f"{time.perf_counter() - started:.0f} s.\n\n"
        table += markdown(summary, keys)
        print(table)
        (args.out / "uai2021_sweep.md").write_text(table + "\n")
        write_csv(rows, args.out / "uai2021_sweep.csv")
        plot_sweep(
            summary, args.out / "uai2021_sweep.png", f"Recall and RMSE against N at M = 2^{args.sweep_log2_samples}"
        )
        status |= any(r["error"] for r in rows)
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
