"""The causal-learn pre-step on its defaults: component count at every unit, and the DAG it leads to.

Instances (one per seed): an 8-node linear Gaussian SEM (:func:`~pgmpy_mixture.gaussian.simulate.random_linear_sem`,
edge probability 0.8 unless ``--edge-prob`` says otherwise, edge weights uniform on +-[0.5, 1.5], unit noise),
20 000 rows split equally between the observational component and 4 single-node shift interventions on distinct
random nodes (incoming edges kept, noise mean shifted by 3-5 noise standard deviations, uniform, random sign).

For each instance and each scale ``1e-3, 1, 1e6`` of the data, the table reports, for the default
``MixtureSplitter()`` and for the paper's cutoff rule (``selection="cutoff"``, the baseline): the number of
components, the adjusted Rand index against the true labels, whether the targets are exact, the fit time, and the
SHD against the true DAG (an undirected edge counts as an error) of ``discover(X)`` (the default search, named),
of ``discover(X, method="pc")`` (causal-learn's PC on the split, JCI style) and of causal-learn's PC on the pooled
rows (alpha 0.01, no split).

Run::

    nice python benchmarks/gaussian_defaults.py              # seeds 0-2, about 10 minutes on a loaded 2-core machine
    nice python benchmarks/gaussian_defaults.py --seeds 10   # seeds 0-9
    nice python benchmarks/gaussian_defaults.py --seeds 5 --edge-prob 0.3 --scales 1 --rules "default (bic)"
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np

from pgmpy_mixture.gaussian.metrics import adjusted_rand, shd
from pgmpy_mixture.gaussian.simulate import random_linear_sem

SCALES = (1e-3, 1.0, 1e6)
SEM_LEVELS = (1e-2, 1e-4)  # beside discover()'s default level for "sem" (0.001)


def instance(seed: int, n_nodes: int = 8, n_rows: int = 20_000, n_shifts: int = 4, edge_prob: float = 0.8):
    """``(data, labels, true adjacency, target sets)`` of one seeded instance (module docstring)."""
    rng = np.random.default_rng(seed)
    sem = random_linear_sem(n_nodes, edge_prob, weight_range=(0.5, 1.5), rng=rng)
    nodes = rng.choice(n_nodes, size=n_shifts, replace=False)
    targets = [frozenset()] + [frozenset([int(j)]) for j in nodes]
    per = n_rows // len(targets)
    blocks, labels = [], []
    for c, target in enumerate(targets):
        nu = np.zeros(n_nodes)
        for j in target:
            nu[j] = rng.uniform(3.0, 5.0) * rng.choice([-1.0, 1.0])
        noise = nu + rng.standard_normal((per, n_nodes))
        blocks.append(np.linalg.solve(np.eye(n_nodes) - sem.weights, noise.T).T)
        labels.append(np.full(per, c))
    perm = rng.permutation(per * len(targets))
    data, lab = np.concatenate(blocks)[perm], np.concatenate(labels)[perm]
    return data, lab, sem.adjacency, targets


def _targets_exact(sp, labels, truth) -> bool:
    """The estimated components, matched to the true ones by majority label, carry the true targets."""
    if sp.n_components_ != len(truth):
        return False
    found = []
    for k in range(sp.n_components_):
        rows = sp.labels_ == k
        true_k = int(np.bincount(labels[rows], minlength=len(truth)).argmax()) if rows.any() else -1
        found.append((true_k, frozenset(sp.targets_[k])))
    return sorted((t, sorted(s)) for t, s in found) == sorted((t, sorted(truth[t])) for t, _ in found) and len(
        {t for t, _ in found}) == len(truth)


def pooled_pc_shd(data, adj, alpha: float = 0.01) -> int:
    """SHD of causal-learn's PC on the pooled rows (a CPDAG) against the true DAG."""
    from causallearn.search.ConstraintBased.PC import pc

    from pgmpy_mixture.adapters.causallearn import graph_to_adjacency

    cg = pc(data, alpha=alpha, show_progress=False)
    return shd(adj, graph_to_adjacency(cg.G))


RULES = {"default (bic)": {}, "cutoff 0.07": {"selection": "cutoff"}}


def run(seeds: int, first_seed: int = 0, edge_prob: float = 0.8, scales=SCALES, rules=tuple(RULES),
        n_init: int | None = None) -> list[dict]:
    from pgmpy_mixture.adapters.causallearn import MixtureSplitter, graph_to_adjacency

    records = []
    for seed in range(first_seed, first_seed + seeds):
        data, labels, adj, truth = instance(seed, edge_prob=edge_prob)
        pooled = pooled_pc_shd(data, adj)
        for scale in scales:
            X = data * scale
            for name in rules:
                settings = RULES[name] if n_init is None else {**RULES[name], "n_init": n_init}
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sp = MixtureSplitter(**settings).fit(X)
                    seconds = time.perf_counter() - start
                    found = sp.discover(X)
                    split_pc = sp.discover(X, method="pc").graph
                    # the order-based DAG at other levels of its Wald tests (discover's default is SEM_ALPHA)
                    levels = {f"sem_{a:g}": shd(adj, graph_to_adjacency(sp.discover(X, method="sem", alpha=a).graph))
                              for a in SEM_LEVELS}
                records.append(dict(seed=seed, scale=scale, rule=name, k=sp.n_components_, edges=int(adj.sum()),
                                    **levels,
                                    ari=adjusted_rand(labels, sp.labels_), targets_ok=_targets_exact(sp, labels, truth),
                                    search=found.method, shd=shd(adj, graph_to_adjacency(found.graph)),
                                    split_pc=shd(adj, graph_to_adjacency(split_pc)), pooled_pc=pooled,
                                    seconds=seconds))
                print(records[-1], file=sys.stderr, flush=True)
    return records


def markdown(records: list[dict]) -> str:
    level_names = [f"sem_{a:g}" for a in SEM_LEVELS]
    lines = ["| seed | edges | scale | count rule | k (true 5) | ARI | targets exact | SHD discover() (search) | "
             + "".join(f"SHD sem at {a:g} | " for a in SEM_LEVELS)
             + "SHD discover(method='pc') | SHD PC on pooled rows | fit s |",
             "|---|---|---|---|---|---|---|---|" + "---|" * len(SEM_LEVELS) + "---|---|---|"]
    for r in records:
        lines.append(f"| {r['seed']} | {r['edges']} | {r['scale']:g} | {r['rule']} | {r['k']} | {r['ari']:.3f} | "
                     f"{'yes' if r['targets_ok'] else 'no'} | {r['shd']} ({r['search']}) | "
                     + "".join(f"{r.get(name, '-')} | " for name in level_names)
                     + f"{r['split_pc']} | {r['pooled_pc']} | {r['seconds']:.1f} |")
    for rule in sorted({r["rule"] for r in records}):
        rows = [r for r in records if r["rule"] == rule]
        lines.append(f"| **mean** | {np.mean([r['edges'] for r in rows]):.1f} | all | {rule} | "
                     f"{np.mean([r['k'] == 5 for r in rows]):.0%} right | "
                     f"{np.mean([r['ari'] for r in rows]):.3f} | {np.mean([r['targets_ok'] for r in rows]):.0%} | "
                     f"{np.mean([r['shd'] for r in rows]):.2f} | "
                     + "".join(f"{np.mean([r.get(name, np.nan) for r in rows]):.2f} | " for name in level_names)
                     + f"{np.mean([r['split_pc'] for r in rows]):.2f} | "
                     f"{np.mean([r['pooled_pc'] for r in rows]):.2f} | |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--edge-prob", type=float, default=0.8, help="edge probability of the random SEM")
    parser.add_argument("--scales", default=",".join(f"{s:g}" for s in SCALES), help="comma list of data scales")
    parser.add_argument("--rules", default=",".join(RULES), help=f"comma list among {list(RULES)}")
    parser.add_argument("--n-init", type=int, default=None, help="MixtureSplitter's n_init (default: its own)")
    args = parser.parse_args(argv)
    rules = tuple(r.strip() for r in args.rules.split(","))
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        parser.error(f"unknown rules {unknown}; choose among {list(RULES)}")
    scales = tuple(float(s) for s in args.scales.split(","))
    print(markdown(run(args.seeds, args.first_seed, args.edge_prob, scales, rules, args.n_init)))


if __name__ == "__main__":
    main()
