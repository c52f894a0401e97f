"""Run time of exact DISENTANGLE (UAI 2021, Algorithm 1) through the exact oracle, and a check that it is exact.

For each (N variables, k states, m targets) a random network (Erdos-Renyi, 2N edges, at most 3 parents
per variable so CPD tables stay small at k = 5, Dirichlet(2) CPDs) and a random exclusion-satisfying
mixture (target sizes uniform in 0..N, the empty target included, Dirichlet(2) weights) are drawn; the
:class:`~pgmpy_mixture.model.oracle.ExactOracle` answers every probability by CPD products (no joint table), and
:func:`~pgmpy_mixture.discrete.disentangle.disentangle_exact` must recover every target with its weight. The
script exits with status 1 if any run is not exact (recall < 1, an extra component, or a weight error
above 1e-9).

Run::

    nice python benchmarks/exact_timing.py           # N in {10,50,100,200}, m in {4,64}, k in {2,5}
    nice python benchmarks/exact_timing.py --full    # m in {4,16,64}, k in {2,3,5}, 3 instances per cell
    nice python benchmarks/exact_timing.py --nodes 200,300,400,500,1000 --targets 64 --states 5 --instances 3
                                                     # at scale: prefix products far below the smallest float
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from pgmpy_mixture.discrete.disentangle import disentangle_exact
from pgmpy_mixture.discrete.metrics import match_components
from pgmpy_mixture.discrete.simulate import random_mixture, random_network
from pgmpy_mixture.model.oracle import ExactOracle

WEIGHT_TOLERANCE = 1e-9


def one_run(n: int, k: int, m: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=k, graph="er", n_edges=min(2 * n, n * (n - 1) // 2), max_in_degree=3, rng=rng)
    spec = random_mixture(net, n_targets=m, rng=rng)
    oracle = ExactOracle(net, spec.targets, spec.weights)
    start, cpu = time.perf_counter(), time.process_time()
    result = disentangle_exact(oracle)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    match = match_components(spec, result, network=net)
    errors = [abs(match.true_weights[i] - match.estimated_weights[j]) for i, j in match.pairs]
    errors += [match.true_weights[i] for i in match.unmatched_true]
    errors += [match.estimated_weights[j] for j in match.unmatched_estimated]
    max_error = max(errors) if errors else 0.0
    exact = not match.unmatched_true and not match.unmatched_estimated and max_error <= WEIGHT_TOLERANCE
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "recall": len(match.pairs) / m,
        "n_found": len(result),
        "max_error": max_error,
        "exact": exact,
        "warnings": len(result.warnings),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", default="10,50,100,200")
    parser.add_argument("--targets", default=None, help="m values (default 4,64; --full: 4,16,64)")
    parser.add_argument("--states", default=None, help="k values (default 2,5; --full: 2,3,5)")
    parser.add_argument("--instances", type=int, default=1, help="random instances per cell (median time)")
    parser.add_argument("--full", action="store_true", help="m in 4,16,64, k in 2,3,5, 3 instances per cell")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args(argv)
    instances = 3 if args.full else args.instances
    nodes = [int(x) for x in args.nodes.split(",")]
    targets = [int(x) for x in (args.targets or ("4,16,64" if args.full else "4,64")).split(",")]
    states = [int(x) for x in (args.states or ("2,3,5" if args.full else "2,5")).split(",")]
    lines = [
        f"Exact DISENTANGLE via ExactOracle; {instances} instance(s) per cell, seed {args.seed}.",
        "",
        "| N | k | m | median wall (s) | median CPU (s) | max wall (s) | recall | max weight error | all exact |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    all_exact = True
    for n in nodes:
        for k in states:
            for m in targets:
                runs = [one_run(n, k, m, args.seed + 1000 * r + 7 * n + 3 * k + m) for r in range(instances)]
                times = [r["seconds"] for r in runs]
                exact = all(r["exact"] for r in runs)
                all_exact &= exact
                row = (
                    f"| {n} | {k} | {m} | {np.median(times):.3f} | {np.median([r['cpu'] for r in runs]):.3f} | "
                    f"{max(times):.3f} | "
                    f"{min(r['recall'] for r in runs):.3f} | {max(r['max_error'] for r in runs):.1e} | "
                    f"{'yes' if exact else 'NO'} |"
                )
                lines.append(row)
                print(row, file=sys.stderr, flush=True)
    lines += ["", f"All runs exact (recall 1, no extra component, weight error <= {WEIGHT_TOLERANCE:g}): {all_exact}."]
    table = "\n".join(lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "exact_timing.md").write_text(table + "\n")
    return 0 if all_exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
