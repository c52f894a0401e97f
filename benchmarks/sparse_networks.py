"""Discrete mixtures at scale on the graphs users have: bundled networks, and scale-free hubs with sparse CPDs.

Two parts, fixed seeds, each instance in its own process (so the peak resident memory is that instance's):

1. **Bundled networks** (``--networks``, default alarm, insurance, child, hailfinder, win95pts; ``--rows``,
   default 2^18). A default random mixture (UAI 2021 Section 5 protocol: ``random_mixture`` with its defaults,
   the observational target included) is simulated on the network shipped with pgmpy, as a pandas DataFrame of
   state names, and recovered by the user's call ``model.disentangle_mixture(df)`` on the pgmpy model (all
   defaults, through the pgmpy adapter).
2. **Unbounded in-degree** (``--sf-nodes``, default 16, 32, 64, 100; ``--sf-rows``, default 10^6): the scale-free
   instances of ``benchmarks/scale_networks.py --max-in-degree 0`` (same seeds, same graphs), whose hubs have up to
   22 parents. CPDs above 2^22 entries are sparse (:class:`pgmpy_mixture.model.sparse_cpd.SparseCPD`, columns
   drawn when a row needs them); the mixture is recovered by ``pgmpy_mixture.api.disentangle_mixture(network,
   df)`` on the framework-free network (a pgmpy model would need the dense tables).

Reported: the largest in-degree, the number of sparse CPDs, recall, precision (share of listed components that
are true), false mass (total weight of listed components that are not true), the same three up to
distribution-equivalence (``≡``: :func:`pgmpy_mixture.discrete.metrics.match_components` with
``up_to_equivalence=True``; targets with the same ``P(V | do(t))`` are one class, each side's components merged by
class, recall over the true classes, precision over the listed ones), weight RMSE of the exactly matched
components, the time of the simulation (network, mixture and rows) and of the recovery, and the peak memory.

Run (from the repository root)::

    nice python benchmarks/sparse_networks.py                       # both parts
    nice python benchmarks/sparse_networks.py --skip-sf --rows 1e6  # bundled networks only, more rows
    nice python benchmarks/sparse_networks.py --skip-bundled --sf-nodes 16,32
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np

SEED = 2026
BUNDLED = ("alarm", "insurance", "child", "hailfinder", "win95pts")


def _scores(spec, result, network) -> dict:
    from pgmpy_mixture.discrete.metrics import match_components

    m = match_components(spec, result, network=network)
    listed = len(m.estimated_weights)
    errors = m.errors()
    # up to distribution-equivalence: both sides' targets canonicalised, equivalent components merged
    q = match_components(spec, result, network=network, up_to_equivalence=True)
    return {
        "true": len(m.true_weights),
        "listed": listed,
        "recall": len(m.pairs) / len(m.true_weights),
        "precision": len(m.pairs) / listed if listed else float("nan"),
        "false_mass": float(sum(m.estimated_weights[j] for j in m.unmatched_estimated)),
        "eq_classes": f"{len(q.true_weights)} / {len(q.estimated_weights)}",
        "eq_recall": len(q.pairs) / len(q.true_weights),
        "eq_precision": len(q.pairs) / len(q.estimated_weights) if q.estimated_weights else float("nan"),
        "eq_false_mass": float(sum(q.estimated_weights[j] for j in q.unmatched_estimated)),
        "rmse": float(np.sqrt(np.mean(np.square(errors)))) if len(errors) else float("nan"),
        "uncertain": len(getattr(result, "uncertain", ())),
    }


def bundled_child(name: str, rows: int) -> dict:
    """One bundled network: default mixture, DataFrame, ``model.disentangle_mixture(df)`` with the defaults."""
    from pgmpy_mixture import load_example, network_from_pgmpy
    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame

    started = time.perf_counter()
    model = load_example(name)
    network = network_from_pgmpy(model)
    rng = np.random.default_rng([SEED, BUNDLED.index(name) if name in BUNDLED else len(name)])
    spec = random_mixture(network, rng=rng)
    df, _ = sample_frame(network, spec.targets, spec.weights, rows, rng=rng)
    simulate_seconds = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        result = model.disentangle_mixture(df)
        seconds = time.perf_counter() - started
    out = {"network": name, "N": network.n_variables, "rows": rows,
           "max_in_degree": int(max(len(p) for p in network.parents)), "sparse": len(network.sparse_variables),
           "max_target": int(np.max(np.sum(spec.targets >= 0, axis=1))), "simulate_s": simulate_seconds,
           "ours_s": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out.update(_scores(spec, result, network))
    return out


def sf_child(n: int, rows: int) -> dict:
    """One unbounded scale-free instance of ``scale_networks.py`` (same seeds), recovered on the core network."""
    from pgmpy_mixture.api import disentangle_mixture
    from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_frame

    started = time.perf_counter()
    rng = np.random.default_rng([SEED, 1, n, 0])  # scale_networks.instance("sf", n, 0, None)
    network = random_network(n, n_states=3, graph="sf", alpha=2.0, max_in_degree=None, rng=rng)
    spec = random_mixture(network, weight_alpha=2.0, include_observational=True, rng=rng)
    df, _ = sample_frame(network, spec.targets, spec.weights, rows, rng=np.random.default_rng([SEED, n, 0, 1]))
    simulate_seconds = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        result = disentangle_mixture(network, df)
        seconds = time.perf_counter() - started
    out = {"network": f"sf{n}", "N": n, "rows": rows, "max_in_degree": int(max(len(p) for p in network.parents)),
           "sparse": len(network.sparse_variables), "max_target": int(np.max(np.sum(spec.targets >= 0, axis=1))),
           "simulate_s": simulate_seconds, "ours_s": seconds,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out.update(_scores(spec, result, network))
    return out


def run(kind: str, items: list, rows: int) -> list[dict]:
    records = []
    for item in items:
        command = [sys.executable, __file__, "--child", json.dumps([kind, item, rows])]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{kind} {item} failed:\n" + done.stderr[-2000:], file=sys.stderr)
            continue
        record = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(record), file=sys.stderr, flush=True)
        records.append(record)
    return records


def table(records: list[dict]) -> str:
    lines = [
        "| network | N | max in-degree | sparse CPDs | largest target | true / listed | recall | precision "
        "| false mass | classes true / listed | ≡ recall | ≡ precision | ≡ false mass | weight RMSE | uncertain "
        "| simulate (s) | ours (s) | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        lines.append(
            f"| {r['network']} | {r['N']} | {r['max_in_degree']} | {r['sparse']} | {r['max_target']} "
            f"| {r['true']} / {r['listed']} | {r['recall']:.3f} | {r['precision']:.3f} | {r['false_mass']:.4f} "
            f"| {r['eq_classes']} | {r['eq_recall']:.3f} | {r['eq_precision']:.3f} | {r['eq_false_mass']:.4f} "
            f"| {r['rmse']:.4f} | {r['uncertain']} | {r['simulate_s']:.1f} | {r['ours_s']:.1f} "
            f"| {r['peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", default=",".join(BUNDLED))
    parser.add_argument("--rows", type=float, default=2**18)
    parser.add_argument("--sf-nodes", default="16,32,64,100")
    parser.add_argument("--sf-rows", type=float, default=1e6)
    parser.add_argument("--skip-bundled", action="store_true")
    parser.add_argument("--skip-sf", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, item, rows = json.loads(args.child)
        print(json.dumps(bundled_child(item, rows) if kind == "bundled" else sf_child(item, rows)))
        return
    if not args.skip_bundled:
        records = run("bundled", args.networks.split(","), int(args.rows))
        print(f"### Bundled networks: a default mixture, {int(args.rows):,} rows, `model.disentangle_mixture(df)`\n")
        print(table(records) + "\n")
    if not args.skip_sf:
        records = run("sf", _ints(args.sf_nodes), int(args.sf_rows))
        print(f"### Scale-free, unbounded in-degree: {int(args.sf_rows):,} rows, sparse CPDs above 2^22 entries\n")
        print(table(records) + "\n")


if __name__ == "__main__":
    main()
