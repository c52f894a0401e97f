"""Speed of exact queries under a mixture of interventions (``MixtureInference``) against pgmpy.

For each network (bundled with pgmpy, read offline) a random mixture of ``K`` hard interventions (UAI 2021
protocol, at most two variables per target) is taken as known, and ``P(Q | e)`` is asked for one query variable
with ``|e|`` hard evidences drawn from one row of the mixture (so the evidence has positive probability).
Three timings, median of ``--repeats`` after one warm-up call (engines built once, outside the timing):

* ``VE``: pgmpy's ``VariableElimination.query`` on the observational model alone -- the price of ONE model;
* ``ours``: ``MixtureInference.query`` (each component: ``P_t(Q | e)`` and ``P_t(e)`` by the chain rule);
* ``joint loop``: the straightforward exact route (and our implementation before the fifth session): for each
  component one pgmpy query of the joint ``P_t(Q, e)`` over the query and evidence variables, then
  ``sum_t pi_t P_t(Q, e)`` normalised. Its table grows with the number of evidence variables.

Both mixture routes must agree (``max |diff|`` column). ``MixtureInference.map_query`` over two variables is timed
beside pgmpy's ``map_query`` on the observational model.

Run::

    nice python benchmarks/inference_speed.py                    # asia, sachs, alarm; K = 6; |e| = 1, 3, 6, 12, 24
    nice python benchmarks/inference_speed.py --networks alarm --components 12 --evidence 2,8
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore", category=FutureWarning)

from pgmpy.inference import VariableElimination  # noqa: E402

from pgmpy_mixture.adapters.examples import load_example  # noqa: E402
from pgmpy_mixture.adapters.inference import MixtureInference, mutilate  # noqa: E402
from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy  # noqa: E402
from pgmpy_mixture.result import MixtureResult  # noqa: E402
from pgmpy_mixture.simulate import random_mixture, sample_frame  # noqa: E402

#: The joint-loop baseline is skipped above this many cells in its table (it would need gigabytes).
LOOP_MAX_CELLS = 2**24


def timed(call, repeats: int) -> tuple[float, object]:
    """Median wall-clock seconds of ``call`` over ``repeats`` runs (after one warm-up), and its last value."""
    value = call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def joint_loop(engines, weights, query: str, evidence: dict[str, str]) -> np.ndarray:
    """The straightforward exact route: one joint pgmpy query per component over ``[query] + evidence``."""
    scope = [query, *evidence]
    total = None
    for engine, weight in zip(engines, weights, strict=True):
        factor = engine.query(scope, joint=True, show_progress=False)
        reduced = factor.reduce([(v, s) for v, s in evidence.items()], inplace=False, show_warnings=False)
        values = np.asarray(reduced.values, dtype=float) * weight
        total = values if total is None else total + values
    return total / total.sum()


def measure(infer, observational, engines, weights, pair: list[str], evidence: dict[str, str],
            repeats: int) -> dict:
    """One table row's timings: ``P(pair[0] | evidence)`` three ways, the component posterior, and a MAP over
    ``pair`` (given the evidence not in the pair) by pgmpy on the observational model and by us."""
    query = pair[0]
    t_ve, _ = timed(lambda: observational.query([query], evidence, show_progress=False), repeats)
    t_ours, ours = timed(lambda: infer.query([query], evidence, show_progress=False), repeats)
    cells = math.prod(len(infer.network_.states[infer.network_.index(v)]) for v in [query, *evidence])
    if cells <= LOOP_MAX_CELLS:
        t_loop, loop = timed(lambda: joint_loop(engines, weights, query, evidence), repeats)
    else:  # the joint table would not fit: the straightforward route is out of reach
        t_loop, loop = float("nan"), np.full(len(infer.network_.states[infer.network_.index(query)]), np.nan)
    t_post, _ = timed(lambda: infer.component_posterior(evidence), repeats)
    rest = {v: s for v, s in evidence.items() if v not in pair}
    t_map_ve, _ = timed(lambda: observational.map_query(pair, rest, show_progress=False), repeats)
    t_map, _ = timed(lambda: infer.map_query(pair, rest, show_progress=False), repeats)
    return {
        "VE ms": 1e3 * t_ve, "ours ms": 1e3 * t_ours, "joint loop ms": 1e3 * t_loop,
        "ours / VE": t_ours / t_ve, "loop / ours": t_loop / t_ours, "posterior ms": 1e3 * t_post,
        "map VE ms": 1e3 * t_map_ve, "map ours ms": 1e3 * t_map,
        "joint cells": cells,
        "max |diff|": float(np.max(np.abs(np.asarray(ours.values, dtype=float) - loop))),
    }


def run(network_name: str, n_components: int, evidence_sizes: list[int], repeats: int, seed: int) -> list[dict]:
    model = load_example(network_name)
    network = network_from_pgmpy(model)
    rng = np.random.default_rng(seed)
    spec = random_mixture(network, n_targets=n_components, max_target_size=2, rng=rng)
    result = MixtureResult(spec.components(network), "known", network=network)
    infer = MixtureInference(model, result)
    observational = VariableElimination(model)
    targets = network.encode_targets([c.target for c in result.components])
    engines = [VariableElimination(network_to_pgmpy(mutilate(network, target))) for target in targets]
    rows = []
    names = list(network.variables)
    for size in evidence_sizes:
        row_values, _ = sample_frame(network, spec.targets, spec.weights, 1, rng=rng)
        chosen = rng.choice(len(names), size=min(size + 1, len(names)), replace=False)
        evidence = {names[i]: str(row_values[names[i]].iloc[0]) for i in chosen[1:]}
        cell = measure(infer, observational, engines, result.weights, [names[i] for i in chosen[:2]], evidence,
                       repeats)
        rows.append({"network": network_name, "variables": len(names), "K": len(result),
                     "evidence": len(evidence), **cell})
    return rows


def markdown(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        cells = [f"{r[k]:.2g}" if k == "max |diff|" else f"{r[k]:.1f}" if isinstance(r[k], float) else str(r[k])
                 for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    networks = list(dict.fromkeys(r["network"] for r in rows))
    fig, axes = plt.subplots(1, len(networks), figsize=(4 * len(networks), 3.2), squeeze=False)
    for ax, name in zip(axes[0], networks, strict=True):
        mine = [r for r in rows if r["network"] == name]
        e = [r["evidence"] for r in mine]
        for key, style in (("VE ms", "o-"), ("ours ms", "s-"), ("joint loop ms", "^-")):
            ax.plot(e, [r[key] for r in mine], style, label=key.replace(" ms", ""))
        ax.set_yscale("log")
        ax.set_xlabel("hard evidence variables")
        ax.set_title(f"{name} (K = {mine[0]['K']})")
    axes[0][0].set_ylabel("ms per query (median)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", default="asia,sachs,alarm", help="comma-separated bundled networks")
    parser.add_argument("--components", type=int, default=6, help="mixture components K (default 6)")
    parser.add_argument("--evidence", default="1,3,6,12,24",
                        help="numbers of hard evidence variables (default 1,3,6,12,24)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per cell, median reported (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/out/inference_speed", help="output folder (table and plot)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.evidence.split(",")]
    rows = []
    started = time.perf_counter()
    for name in args.networks.split(","):
        rows += run(name.strip(), args.components, sizes, args.repeats, args.seed)
    table = markdown(rows)
    print(table)
    print(f"\n{time.perf_counter() - started:.0f} s")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "inference_speed.md").write_text(table + "\n", encoding="utf-8")
    plot(rows, out / "inference_speed.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
