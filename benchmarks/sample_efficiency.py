"""Sample efficiency of ``method="likelihood"`` against ``method="paper"`` (issue 5), side by side in one run.

Three parts, all with fixed seeds:

1. **The paper's protocol** (UAI 2021 Section 5; instances, sampling and CPD fitting are reused from
   ``benchmarks/uai2021_simulation.py`` so both scripts see the same data): scale-free graphs, N in {4, 8},
   M from 2^8 to 2^20, both methods given the same M mixture samples and M observational samples; each
   fits P(V) from the observational samples its own way (``paper``: MLE + delta = 1/M as in Section 5,
   identical to ``uai2021_simulation.py``; ``likelihood``: Dirichlet(1) posterior mean, its default).
   Table of recall, RMSE, FP-RMSE, FN-RMSE per (N, M, method), the smallest M at which each method reaches
   a mean recall of 0.9, and the ratio.
2. **N = 32 at 10^6 rows** (the paper's Appendix E sweep end point): recall and wall/CPU time of the
   likelihood method (and of the paper method for comparison).
3. **Coverage** of the 95% and 90% observed-information intervals stored by the likelihood method, on
   simulated mixtures with the network known: the fraction of recovered true targets whose true weight
   lies inside its interval.

Run (from the repository root)::

    nice python benchmarks/sample_efficiency.py            # default grid, a few minutes on 2 busy cores
    nice python benchmarks/sample_efficiency.py --full     # N in {4, 8, 12}, 20 instances, M step 2^1

Outputs: markdown tables on stdout and in ``--out`` (``sample_efficiency.md``, ``sample_efficiency.csv``,
``sample_efficiency.png`` with recall and RMSE against M).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import uai2021_simulation as sim  # noqa: E402  (shared protocol: instances, inputs, metrics, summaries)

from pgmpy_mixture.api import disentangle_mixture  # noqa: E402
from pgmpy_mixture.data.counts import CountTable  # noqa: E402
from pgmpy_mixture.discrete.metrics import evaluate  # noqa: E402
from pgmpy_mixture.discrete.simulate import sample_mixture  # noqa: E402
from pgmpy_mixture.uncertainty import interval_coverage  # noqa: E402


def inputs(network, spec, m_samples: int, seed: int, graph: str, index: int):
    """Mixture and observational count tables, drawn exactly as ``uai2021_simulation.inputs_for`` draws them."""
    rng = np.random.default_rng([seed, sim.GRAPH_CODES[graph], network.n_variables, index, m_samples])
    mix_codes, _ = sample_mixture(network, spec.targets, spec.weights, m_samples, rng=rng)
    counts = CountTable.from_codes(mix_codes, network.variables, network.states)
    obs_codes, _ = sample_mixture(network, np.full((1, network.n_variables), -1), [1.0], m_samples, rng=rng)
    return counts, CountTable.from_codes(obs_codes, network.variables, network.states)


def run_grid(graph: str, nodes, sizes, instances: int, seed: int) -> list[dict]:
    """Both methods on the same inputs; each fits P(V) from the observational table its own way
    (paper: MLE + delta = 1/M, as in Section 5; likelihood: Dirichlet(1) posterior mean)."""
    rows = []
    for n in nodes:
        for index in range(instances):
            network, spec = sim.instance(graph, n, index, seed)
            for m in sizes:
                counts, observational = inputs(network, spec, int(m), seed, graph, index)
                for method in ("likelihood", "paper"):
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        result = disentangle_mixture(network, counts, method=method, observational=observational)
                    seconds = time.perf_counter() - start
                    # the paper's metrics score the estimate: every found target at its weight in the full fit
                    # (the likelihood method's existence test only sorts them into listed and result.uncertain)
                    estimate = result.including_uncertain()
                    scores = evaluate(spec, estimate, network=network)
                    listed = evaluate(spec, result, network=network)
                    rows.append({"graph": graph, "N": n, "M": m, "instance": index, "method": method,
                                 "n_true": spec.n_components, **{k: scores[k] for k in sim.METRICS},
                                 "n_found": len(estimate), "error": "", "seconds": seconds,
                                 "listed_recall": listed["recall"], "listed_precision": listed["precision"],
                                 "listed_rmse": listed["rmse"], "n_listed": len(result)})
        print(f"  done: N={n}", file=sys.stderr, flush=True)
    return rows


def first_reaching(summary: list[dict], n: int, method: str, target: float = 0.9) -> float:
    sizes = sorted(s["M"] for s in summary if s["N"] == n and s["method"] == method and s["recall"] >= target)
    return sizes[0] if sizes else math.inf


def listed_means(rows: list[dict]) -> dict[tuple, dict[str, float]]:
    """Per (N, M): the likelihood method's LISTED components scored alone (recall, precision, RMSE, count)."""
    out: dict[tuple, dict[str, float]] = {}
    for key in sorted({(r["N"], r["M"]) for r in rows if r["method"] == "likelihood"}):
        sub = [r for r in rows if r["method"] == "likelihood" and (r["N"], r["M"]) == key and not r["error"]]
        out[key] = {k: float(np.nanmean([r[k] for r in sub]))
                    for k in ("listed_recall", "listed_precision", "listed_rmse", "n_listed")}
    return out


def side_by_side(summary: list[dict], listed: dict[tuple, dict[str, float]]) -> str:
    head = ("| N | M | recall L / P | RMSE L / P | FP-RMSE L / P | FN-RMSE L / P | found L / P (true) | time L / P (s) "
            "| L listed: recall / precision / RMSE (listed) |")
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    index = {(s["N"], s["M"], s["method"]): s for s in summary}
    for n, m in sorted({(s["N"], s["M"]) for s in summary}):
        a, b = index[(n, m, "likelihood")], index[(n, m, "paper")]
        c = listed[(n, m)]

        def pair(key: str, digits: int = 4, a=a, b=b) -> str:
            return f"{sim._fmt(a[key], digits)} / {sim._fmt(b[key], digits)}"

        lines.append(
            f"| {n} | {sim._m_label(m)} | {pair('recall', 3)} | {pair('rmse')} | {pair('fp_rmse')} | {pair('fn_rmse')} "
            f"| {a['n_found']:.1f} / {b['n_found']:.1f} ({a['n_true']:.1f}) | {pair('seconds', 3)} "
            f"| {c['listed_recall']:.3f} / {c['listed_precision']:.3f} / {c['listed_rmse']:.4f} ({c['n_listed']:.1f}) |"
        )
    return "\n".join(lines)


def large_network(seed: int, instances: int, rows: int, graph: str) -> str:
    lines = [
        "| instance | targets | recall L / P | RMSE L / P | found L / P | wall L / P (s) | CPU L (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for index in range(instances):
        network, spec = sim.instance(graph, 32, index, seed)
        counts, observational = inputs(network, spec, rows, seed, graph, index)
        out = {}
        for method in ("likelihood", "paper"):
            wall, cpu = time.perf_counter(), time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = disentangle_mixture(network, counts, method=method, observational=observational)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            estimate = result.including_uncertain()  # scored as in the grid: every found target
            out[method] = (evaluate(spec, estimate, network=network), len(estimate), wall, cpu)
        (sl, nl, wl, cl), (sp, npp, wp, _) = out["likelihood"], out["paper"]
        lines.append(
            f"| {index} | {spec.n_components} | {sl['recall']:.3f} / {sp['recall']:.3f} | {sl['rmse']:.4f} / "
            f"{sp['rmse']:.4f} | {nl} / {npp} | {wl:.1f} / {wp:.1f} | {cl:.1f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def coverage(seed: int, instances: int, sizes: list[int], n_nodes: int) -> str:
    lines = [
        "| N | M | recovered true targets | coverage 95% | coverage 90% | mean 95% width |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for m in sizes:
        hits95, hits90, widths = [], [], []
        for index in range(instances):
            network, spec = sim.instance("sf", n_nodes, index, seed + 7)
            rng = np.random.default_rng([seed, 99, index, m])
            codes, _ = sample_mixture(network, spec.targets, spec.weights, m, rng=rng)
            counts = CountTable.from_codes(codes, network.variables, network.states)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = disentangle_mixture(network, counts, method="likelihood")
            truth = spec.components(network)
            c95 = interval_coverage(result, truth, 0.95)
            c90 = interval_coverage(result, truth, 0.90)
            hits95 += c95["covered"].tolist()
            hits90 += c90["covered"].tolist()
            widths += (c95["upper"] - c95["lower"]).tolist()
        lines.append(
            f"| {n_nodes} | 2^{int(round(math.log2(m)))} | {len(hits95)} | {np.mean(hits95):.3f} | "
            f"{np.mean(hits90):.3f} | {np.mean(widths):.4f} |"
        )
    return "\n".join(lines)


def plot(summary: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for n in sorted({s["N"] for s in summary}):
        for method, style in (("likelihood", "-"), ("paper", "--")):
            rows = sorted((s for s in summary if s["N"] == n and s["method"] == method), key=lambda s: s["M"])
            xs = [math.log2(s["M"]) for s in rows]
            axes[0].plot(xs, [s["recall"] for s in rows], style, marker="o", label=f"{method} N={n}")
            axes[1].plot(xs, [s["rmse"] for s in rows], style, marker="o", label=f"{method} N={n}")
    axes[0].set_ylabel("recall")
    axes[1].set_ylabel("RMSE")
    for ax in axes:
        ax.set_xlabel("log2 M")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="N in {4, 8, 12}, 20 instances, every power of 2")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--instances", type=int, default=None)
    parser.add_argument("--large-instances", type=int, default=3, help="instances of the N = 32, 10^6 rows run")
    parser.add_argument("--large-graph", default="sf")
    parser.add_argument("--coverage-instances", type=int, default=25)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    nodes = [4, 8, 12] if args.full else [4, 8]
    step = 1 if args.full else 2
    sizes = [2.0**k for k in range(8, 21, step)]
    instances = args.instances or (20 if args.full else 10)
    started = time.perf_counter()
    report = [f"Command: `nice python benchmarks/sample_efficiency.py{' --full' if args.full else ''}` "
              f"(seed {args.seed}, {os.cpu_count()} cores)\n"]

    rows = run_grid("sf", nodes, sizes, instances, args.seed)
    summary = sim.summarise(rows, ("N", "M", "method"))
    sim.write_csv(rows, args.out / "sample_efficiency.csv")
    report.append(f"### Paper protocol, scale-free, {instances} instances per cell, P(V) fitted from M "
                  "observational samples (L = likelihood, P = paper)\n")
    report.append(side_by_side(summary, listed_means(rows)) + "\n")
    lines = ["| N | smallest M with recall >= 0.9: likelihood | paper | ratio |", "|---|---:|---:|---:|"]
    for n in nodes:
        a, b = first_reaching(summary, n, "likelihood"), first_reaching(summary, n, "paper")
        ratio = b / a if math.isfinite(a) and math.isfinite(b) else math.inf
        lab = (lambda m: sim._m_label(m) if math.isfinite(m) else "> 2^20")  # noqa: E731
        if math.isfinite(a) and not math.isfinite(b):
            text = f"> {2**20 / a:.0f}"
        else:
            text = "-" if not math.isfinite(ratio) else f"{ratio:.0f}"
        lines.append(f"| {n} | {lab(a)} | {lab(b)} | {text} |")
    report.append("\n".join(lines) + "\n")
    plot(summary, args.out / "sample_efficiency.png")
    print("\n".join(report), flush=True)

    if not args.skip_large:
        part = large_network(args.seed, args.large_instances, 10**6, args.large_graph)
        report.append(f"### N = 32, 10^6 rows, {args.large_graph} graphs, P(V) fitted from 10^6 observational rows\n")
        report.append(part + "\n")
        print(report[-2] + "\n" + part, flush=True)

    part = coverage(args.seed, args.coverage_instances, [2**12, 2**16], 6)
    report.append(f"### Coverage of the observed-information intervals (network known, {args.coverage_instances} "
                  "instances per row)\n")
    report.append(part + "\n")
    print(report[-2] + "\n" + part, flush=True)
    report.append(f"Total run time {time.perf_counter() - started:.0f} s.\n")
    (args.out / "sample_efficiency.md").write_text("\n".join(report))
    print(report[-1])


if __name__ == "__main__":
    main()
