"""Speed of exact queries under a mixture of interventions (``MixtureInference``) against pgmpy.

For each network (bundled with pgmpy, read offline) a random mixture of ``K`` hard interventions (UAI 2021
protocol, at most two variables per target) is taken as known, and ``P(Q | e)`` is asked for one query variable
with ``|e|`` hard evidences drawn from one row of the mixture (so the evidence has positive probability).
Timings are medians of ``--repeats`` after one warm-up call (engines built once, outside the timing):

* ``VE``: pgmpy's ``VariableElimination.query`` on the observational model alone -- the price of ONE model;
* ``ours``: ``MixtureInference.query`` as shipped (route chosen by ``JOINT_QUERY_CELLS``);
* ``joint`` and ``chain``: the same call with each route forced -- one pgmpy query per component of the joint
  table over the query and evidence variables (``joint cells`` of them; skipped above 2^24), or the chain rule
  ``P_t(e) = prod_j P_t(e_j | e_<j)`` plus one conditional query. ``max diff joint-chain`` checks they agree;
* ``pgmpy loop``: what a pgmpy user would write by hand -- per component one joint query, reduced to the evidence
  with pgmpy's ``reduce``, summed with the weights and normalised (skipped above 2^24 cells).

``MixtureInference.map_query`` over two variables is timed beside pgmpy's ``map_query`` on the observational model.
The crossover of the two routes is what ``JOINT_QUERY_CELLS`` is set from.

Run::

    nice python benchmarks/inference_speed.py                    # asia, sachs, alarm; K = 6; |e| = 1 .. 24
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

import pgmpy_mixture.adapters.inference as inference_module  # noqa: E402
from pgmpy_mixture.adapters.examples import load_example  # noqa: E402
from pgmpy_mixture.adapters.inference import MixtureInference, mutilate  # noqa: E402
from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy  # noqa: E402
from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame  # noqa: E402
from pgmpy_mixture.result import MixtureResult  # noqa: E402

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
    """The route a pgmpy user would write: one joint pgmpy query per component over ``[query] + evidence``,
    reduced to the evidence, weighted and normalised."""
    scope = [query, *evidence]
    total = None
    for engine, weight in zip(engines, weights, strict=True):
        factor = engine.query(scope, joint=True, show_progress=False)
        reduced = factor.reduce([(v, s) for v, s in evidence.items()], inplace=False, show_warnings=False)
        values = np.asarray(reduced.values, dtype=float) * weight
        total = values if total is None else total + values
    return total / total.sum()


def forced(route_cells: int, call):
    """``call`` with ``JOINT_QUERY_CELLS`` set to ``route_cells`` (0: always the chain rule; huge: always joint)."""
    saved = inference_module.JOINT_QUERY_CELLS
    inference_module.JOINT_QUERY_CELLS = route_cells
    try:
        return call()
    finally:
        inference_module.JOINT_QUERY_CELLS = saved


def measure(infer, observational, engines, weights, pair: list[str], evidence: dict[str, str],
            repeats: int) -> dict:
    """One table row: ``P(pair[0] | evidence)`` by pgmpy on one model, by us (as shipped, and with each route
    forced) and by a hand-written pgmpy loop; the component posterior; a MAP over ``pair`` given the rest."""
    query = pair[0]
    net = infer.network_
    nan_answer = np.full(len(net.states[net.index(query)]), np.nan)
    cells = math.prod(len(net.states[net.index(v)]) for v in [query, *evidence])
    small = cells <= LOOP_MAX_CELLS

    def ask():
        return np.asarray(infer.query([query], evidence, show_progress=False).values, dtype=float)

    t_ve, _ = timed(lambda: observational.query([query], evidence, show_progress=False), repeats)
    t_ours, ours = timed(ask, repeats)
    t_joint, joint = forced(2**62, lambda: timed(ask, repeats)) if small else (float("nan"), nan_answer)
    t_chain, chain = forced(0, lambda: timed(ask, repeats))
    t_loop, loop = timed(lambda: joint_loop(engines, weights, query, evidence), repeats) if small else (
        float("nan"), nan_answer)
    t_post, _ = timed(lambda: infer.component_posterior(evidence), repeats)
    rest = {v: s for v, s in evidence.items() if v not in pair}
    t_map_ve, _ = timed(lambda: observational.map_query(pair, rest, show_progress=False), repeats)
    t_map, _ = timed(lambda: infer.map_query(pair, rest, show_progress=False), repeats)
    return {
        "joint cells": cells, "VE ms": 1e3 * t_ve, "ours ms": 1e3 * t_ours, "joint ms": 1e3 * t_joint,
        "chain ms": 1e3 * t_chain, "pgmpy loop ms": 1e3 * t_loop, "ours / VE": t_ours / t_ve,
        "max diff joint-chain": float(np.max(np.abs(joint - chain))),
        "max diff ours-loop": float(np.max(np.abs(ours - loop))),
        "posterior ms": 1e3 * t_post, "map VE ms": 1e3 * t_map_ve, "map ours ms": 1e3 * t_map,
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
    for size in sorted({min(s, len(names) - 1) for s in evidence_sizes}):  # a small network caps |e|
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
        cells = [f"{r[k]:.2g}" if k.startswith("max diff") else f"{r[k]:.1f}" if isinstance(r[k], float) else str(r[k])
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
        mine = sorted(mine, key=lambda r: r["joint cells"])
        cells = [r["joint cells"] for r in mine]
        for key, style in (("VE ms", "o-"), ("joint ms", "s-"), ("chain ms", "^-"), ("pgmpy loop ms", "x:")):
            ax.plot(cells, [r[key] for r in mine], style, label=key.replace(" ms", ""))
        ax.axvline(inference_module.JOINT_QUERY_CELLS, color="grey", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cells of the joint query table")
        ax.set_title(f"{name} (K = {mine[0]['K']})")
    axes[0][0].set_ylabel("ms per query (median)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", default="asia,sachs,alarm", help="comma-separated bundled networks")
    parser.add_argument("--components", type=int, default=6, help="mixture components K (default 6)")
    parser.add_argument("--evidence", default="1,3,6,8,10,12,24",
                        help="numbers of hard evidence variables (default 1,3,6,8,10,12,24)")
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
