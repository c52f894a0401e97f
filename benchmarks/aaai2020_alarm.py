"""Table 1 and Figure 1 of Sinha et al. (AAAI 2020, DIMM) on ALARM: weights from estimated marginals.

Protocol (paper Section 5.1): ALARM (37 nodes, 105 states; read offline from pgmpy's bundled file);
N_ivn in {0, 5, 9, 17, 34, 68} interventions; one excluded state per node chosen at random
(Assumption 1); pi_phi = 0.2 and random positive weights (uniform, normalised) summing to 0.8 on N_ivn
random non-excluded (node, state) pairs (pi_phi = 1 when N_ivn = 0). M samples of the mixture are
drawn (vectorised ancestral sampler); their per-variable frequencies are the marginals given to
``dimm`` (OPT(epsilon) by SLSQP, lambda = 0.1, epsilon = 1e-5, best of ``--restarts`` runs), to our
default ``bayes`` (empirical-Bayes model averaging) and to our first design ``nnls`` (BIC selection);
``em`` (Appendix D) gets the joint samples. ``exact`` (Theorem 1 on noisy marginals) is shown for
reference. Metrics (Section 5.1) over the 105 weights pi_{i,alpha}: MSE, MAE, MABRE (max absolute
error) and Delta = |Obj(Pi) - Obj(Pi_hat)| with Obj the OPT(epsilon) objective; plus wall time.

Outputs in ``--out``: ``aaai2020_alarm.md`` (tables), ``aaai2020_alarm.csv`` (one row per run) and
``aaai2020_mae_vs_samples.png`` (the paper's Appendix E Figure 1: MAE against M, one panel per N_ivn).

Run::

    nice python benchmarks/aaai2020_alarm.py            # small grid: M in {1e4, 1e5}, 1 instance, 1 SLSQP start
    nice python benchmarks/aaai2020_alarm.py --full     # M in {1e3..1e6}, 3 instances, 10 SLSQP starts (about 45 min)
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from pgmpy_mixture import CountTable
from pgmpy_mixture.aggregate import (
    MarginalSystem,
    all_targets,
    opt_objective,
    solve_bayes,
    solve_dimm,
    solve_em,
    solve_exact,
    solve_nnls,
)
from pgmpy_mixture.discrete.simulate import sample_mixture
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals

PAPER_TABLE1 = {  # N_ivn: (MSE, MAE ("MAPE" in the table), MABRE, Delta) reported for DIMM
    0: (5.32e-7, 1.02e-4, 6.92e-3, 3.70e-4),
    5: (3.65e-5, 2.32e-3, 3.09e-2, 1.09e-2),
    9: (5.26e-5, 2.99e-3, 3.40e-2, 3.71e-2),
    17: (3.78e-5, 2.61e-3, 2.58e-2, 7.63e-3),
    34: (5.19e-5, 3.29e-3, 3.46e-2, 4.33e-2),
    68: (4.22e-5, 3.48e-3, 3.46e-2, 6.37e-2),
}


def true_weights(network, n_ivn: int, rng: np.random.Generator) -> np.ndarray:
    """Flat pi_{i,alpha} of the paper's protocol (one excluded state per node, pi_phi = 0.2)."""
    cards = network.cardinalities
    node_of = np.repeat(np.arange(network.n_variables), cards)
    excluded = np.array([rng.integers(c) for c in cards])
    allowed = np.flatnonzero(np.arange(int(cards.sum())) - network._offsets[node_of] != excluded[node_of])
    x = np.zeros(int(cards.sum()))
    if n_ivn:
        chosen = rng.choice(allowed, n_ivn, replace=False)
        v = rng.random(n_ivn)
        x[chosen] = 0.8 * v / v.sum()
    return x


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full grid (slow: about 45 minutes)")
    parser.add_argument("--n-ivn", default="0,5,9,17,34,68")
    parser.add_argument("--samples", default=None, help="comma-separated sample sizes M")
    parser.add_argument("--instances", type=int, default=None)
    parser.add_argument("--restarts", type=int, default=None, help="SLSQP restarts of dimm (paper: 60)")
    parser.add_argument("--methods", default="dimm,bayes,nnls,em,exact")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--out", default="benchmarks/out")
    args = parser.parse_args(argv)
    samples = [int(float(s)) for s in (args.samples or ("1e3,1e4,1e5,1e6" if args.full else "1e4,1e5")).split(",")]
    instances = args.instances or (3 if args.full else 1)
    restarts = args.restarts or (10 if args.full else 1)
    n_ivns = [int(v) for v in args.n_ivn.split(",")]
    methods = args.methods.split(",")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    network = load_example_network("alarm")
    t0 = time.perf_counter()
    oracle = interventional_marginals(network)
    oracle_seconds = time.perf_counter() - t0
    targets = all_targets(network)
    rows = []
    for n_ivn in n_ivns:
        for instance in range(instances):
            rng = np.random.default_rng([args.seed, n_ivn, instance])
            x = true_weights(network, n_ivn, rng)
            weights = np.concatenate([[1.0 - x.sum()], x])
            for m in samples:
                codes, _ = sample_mixture(network, targets, weights, m, rng=rng)
                table = CountTable.from_codes(codes, network.variables, network.states)
                system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in network.variables]))
                true_obj = opt_objective(system, x)
                for method in methods:
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        if method == "dimm":
                            est, _ = solve_dimm(system, n_restarts=restarts, rng=rng)
                        elif method == "bayes":
                            est, _ = solve_bayes(system, sample_size=m)
                        elif method == "nnls":
                            est, _ = solve_nnls(system, sample_size=m)
                        elif method == "exact":
                            est, _ = solve_exact(system)
                        elif method == "em":
                            est = solve_em(network, table)[0][1:]
                        else:
                            raise SystemExit(f"unknown method {method!r}")
                    seconds = time.perf_counter() - start
                    err = est - x
                    rows.append({
                        "n_ivn": n_ivn, "instance": instance, "samples": m, "method": method,
                        "mse": float(np.mean(err**2)), "mae": float(np.mean(np.abs(err))),
                        "mabre": float(np.abs(err).max()), "delta": abs(true_obj - opt_objective(system, est)),
                        "seconds": seconds,
                    })  # fmt: skip
                    print(f"N_ivn={n_ivn} inst={instance} M={m:g} {method}: MSE={rows[-1]['mse']:.3g} "
                          f"MAE={rows[-1]['mae']:.3g} {seconds:.2f}s", file=sys.stderr, flush=True)
    with open(out / "aaai2020_alarm.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    def mean(key, **where):
        vals = [r[key] for r in rows if all(r[k] == v for k, v in where.items())]
        return float(np.mean(vals)) if vals else float("nan")

    lines = [f"Oracle marginals (106 distributions x 37 variables): {oracle_seconds:.2f} s. "
             f"{instances} instance(s) per cell, dimm best of {restarts} SLSQP start(s).", ""]
    for m in samples:
        lines += [f"### M = {m:g} samples", "",
                  "| N_ivn | method | MSE | MAE | MABRE | Delta | time (s) | MSE / dimm MSE |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|"]
        for n_ivn in n_ivns:
            base = mean("mse", n_ivn=n_ivn, samples=m, method="dimm")
            for method in methods:
                w = {"n_ivn": n_ivn, "samples": m, "method": method}
                lines.append(
                    f"| {n_ivn} | {method} | {mean('mse', **w):.3g} | {mean('mae', **w):.3g} | "
                    f"{mean('mabre', **w):.3g} | {mean('delta', **w):.3g} | {mean('seconds', **w):.2f} | "
                    f"{mean('mse', **w) / base if base > 0 else float('nan'):.3g} |"
                )
            p = PAPER_TABLE1.get(n_ivn)
            if p:
                paper = " | ".join(f"{v:.3g}" for v in p)
                lines.append(f"| {n_ivn} | paper DIMM (Table 1) | {paper} | | |")
        lines.append("")
    text = "\n".join(lines)
    (out / "aaai2020_alarm.md").write_text(text + "\n")
    print(text)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - plot extra not installed
        return 0
    fig, axes = plt.subplots(1, len(n_ivns), figsize=(3.2 * len(n_ivns), 3.2), sharey=True, squeeze=False)
    for ax, n_ivn in zip(axes[0], n_ivns, strict=True):
        for method in methods:
            ax.plot(samples, [mean("mae", n_ivn=n_ivn, samples=m, method=method) for m in samples], marker="o",
                    label=method)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"N_ivn = {n_ivn}")
        ax.set_xlabel("samples M")
    axes[0][0].set_ylabel("MAE of the weights")
    axes[0][-1].legend()
    fig.tight_layout()
    fig.savefig(out / "aaai2020_mae_vs_samples.png", dpi=120)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
