"""Large Gaussian mixtures of interventions: fitting on a subsample, then refining on every row (issue 4).

``fit_mixture_utigsp`` (and ``MixtureSplitter``) fit the candidate mixtures on at most ``max_fit_rows`` rows
(default 200 000, drawn with the seed) and refine the chosen one by block-wise EM on every row
(:mod:`pgmpy_mixture.gaussian.blocks`); ``max_fit_rows=None`` fits scikit-learn's ``GaussianMixture`` on all rows.
This script compares the two side by side on the same simulated mixtures: d = 4, all nodes do-intervened
(5 components), ``n_init=1``, sizes 10^5 and 10^6 (``--full`` adds 10^7 rows, subsample only: the all-rows fit
would take hours). Each configuration runs in its own child process and reports wall time, memory and
the accuracy (number of components, Jaccard of the targets, weight error, parameter error, SHD of the DAG).
A second table times the candidate fits one after the other (``n_jobs=1``), in threads (the default) and in 2
processes (``n_jobs=2``) (d = 8, 2^14 rows, default settings).
``fit peak MiB`` is the most memory allocated at once during the fit (Python's ``tracemalloc``, which numpy
reports to), the validated copy of the data included; ``process peak MiB`` is the child's resident high-water
mark (simulation, imports and libraries included).

Run::

    nice python benchmarks/gaussian_scale.py           # 10^5 and 10^6 rows, about 10 minutes
    nice python benchmarks/gaussian_scale.py --full    # adds 10^7 rows
    nice python benchmarks/gaussian_scale.py --only-parallel   # the n_jobs table alone, about 1 minute
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

D = 4
SEED = 0


def one(n: int, max_fit_rows: int | None) -> dict:
    """Simulate, fit and score one configuration in this process."""
    from pgmpy_mixture.gaussian.metrics import match_by_moments, parameter_error, shd, target_jaccard, weight_error
    from pgmpy_mixture.gaussian.mixture_utigsp import estimate_dag, fit_mixture_utigsp
    from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

    sim = simulate_linear_mixture(n_nodes=D, n_samples=n, targets="all", random_state=SEED)
    data_mib = sim.data.nbytes / 2**20
    tracemalloc.start()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_mixture_utigsp(sim.data, n_init=1, random_state=SEED, max_fit_rows=max_fit_rows)
    seconds = time.perf_counter() - start
    fit_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows, cols, _ = match_by_moments(sim.means, sim.covariances, fit.means, fit.covariances)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(
        n=n, max_fit_rows=max_fit_rows, seconds=seconds, peak_mib=peak_mib, fit_mib=fit_mib,
        data_mib=data_mib, K_hat=fit.n_components, jaccard=target_jaccard(sim.targets, fit.targets, rows, cols),
        weight_err=weight_error(sim.weights, fit.weights, rows, cols),
        param_err=parameter_error(sim.means, sim.covariances, fit.means, fit.covariances),
        shd=shd(sim.sem.adjacency, estimate_dag(fit)),
    )


def parallel(d: int = 8, log2m: int = 14) -> str:
    """Candidate mixtures fitted one after the other (``n_jobs=1``), in threads (the default, ``n_jobs=None``) and
    in 2 processes (``n_jobs=2``) on the same data: seconds, ratios to ``n_jobs=1``, same answer."""
    import numpy as np

    from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
    from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

    sim = simulate_linear_mixture(n_nodes=d, n_samples=2**log2m, targets="all", random_state=SEED)
    fits, seconds = [], []
    for n_jobs in (1, None, 2):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits.append(fit_mixture_utigsp(sim.data, random_state=SEED, n_jobs=n_jobs))
        seconds.append(time.perf_counter() - start)
    same = all(np.array_equal(fits[0].loglik_curve, f.loglik_curve) and fits[0].targets == f.targets
               for f in fits[1:])
    return ("| d | rows | n_jobs=1 s | default (threads) s | n_jobs=2 (processes) s | ratio threads | "
            "ratio processes | same answer |\n|---|---|---|---|---|---|---|---|\n"
            f"| {d} | 2^{log2m} | {seconds[0]:.1f} | {seconds[1]:.1f} | {seconds[2]:.1f} | "
            f"{seconds[0] / seconds[1]:.2f} | {seconds[0] / seconds[2]:.2f} | {same} |")


def table(records: list[dict]) -> str:
    head = ["rows", "max_fit_rows", "seconds", "fit peak MiB", "process peak MiB", "data MiB", "K_hat", "jaccard",
            "weight_err", "param_err", "SHD", "time ratio (all / subsample)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in records:
        full = [s for s in records if s["n"] == r["n"] and s["max_fit_rows"] is None]
        ratio = f"{full[0]['seconds'] / r['seconds']:.1f}" if full and r["max_fit_rows"] is not None else "-"
        lines.append(
            f"| {r['n']:.0e} | {r['max_fit_rows'] or 'all rows'} | {r['seconds']:.1f} | {r['fit_mib']:.0f} | "
            f"{r['peak_mib']:.0f} | "
            f"{r['data_mib']:.0f} | {r['K_hat']} | {r['jaccard']:.3f} | {r['weight_err']:.4f} | "
            f"{r['param_err']:.4f} | {r['shd']} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="add 10^7 rows (subsample only)")
    parser.add_argument("--sizes", default=None, help="comma-separated row counts (overrides the default grid)")
    parser.add_argument("--no-parallel", action="store_true", help="skip the n_jobs comparison")
    parser.add_argument("--only-parallel", action="store_true", help="run the n_jobs comparison alone")
    parser.add_argument("--one", nargs=2, metavar=("N", "MAX_FIT_ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    args = parser.parse_args(argv)
    if args.one:
        n, cap = int(args.one[0]), (None if args.one[1] == "none" else int(args.one[1]))
        print(json.dumps(one(n, cap)))
        return 0
    if args.only_parallel:
        print(parallel())
        return 0
    sizes = [int(v) for v in args.sizes.split(",")] if args.sizes else [10**5, 10**6]
    configs = [(n, cap) for n in sizes for cap in ("none", "200000")]
    if args.full and not args.sizes:
        configs.append((10**7, "200000"))
    records = []
    for n, cap in configs:
        done = subprocess.run([sys.executable, __file__, "--one", str(n), cap], capture_output=True, text=True)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        records.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done: {n} rows, max_fit_rows={cap}, {records[-1]['seconds']:.1f} s", flush=True)
    text = "### Subsample then refine, against fitting on all rows (d = 4, all nodes, n_init = 1)\n\n" + table(records)
    if not args.no_parallel:
        text += ("\n\n### Candidate mixtures side by side (d = 8, all nodes, defaults; n_jobs = 1, threads, 2)\n\n"
                 + parallel())
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gaussian_scale.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
