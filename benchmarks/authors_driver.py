"""Run the authors' Mixture-UTIGSP pipeline (NeurIPS 2024) on one saved instance, in the authors' environment.

This script is ours; it only *imports* the authors' module ``mixture_solver`` (public repository
BigBang0072/mixture_mec, branch ``comp_sel``) from the directory given by ``--authors-code``. It is started by
``benchmarks/authors_side_by_side.py`` with the authors' interpreter and never imported by the library or the tests.

It reproduces the two steps of their ``run_mixture_disentangle`` on data it is given instead of data it simulates:

1. ``GaussianMixtureSolver.mixture_disentangler``: scikit-learn Gaussian mixtures for k = 1..K, the number of
   components by their relative log-likelihood cutoff, and the estimated components matched to the true ones by
   their parameters (their code needs the true means and covariances for this);
2. ``GaussianMixtureSolver.identify_intervention_utigsp``: fresh samples drawn from each fitted component, the TRUE
   observational samples as UT-IGSP's reference setting (as their code does), UT-IGSP at alpha 1e-3; the same call
   also runs their oracle UT-IGSP on the true split.

Input: an ``.npz`` written by the benchmark (simulation: ``X``, ``labels``, ``weights``, ``means``, ``covs``,
``target``; a target of -1 is the observational component) or ``--sachs CSV`` (their loader). Output: one JSON
object (``--out``) with the estimated components' moments and UT-IGSP targets, the DAGs as arc lists, the authors'
own SHD and Jaccard, and the seconds of each step.

Run (normally by the benchmark)::

    /work/venv-authors/bin/python benchmarks/authors_driver.py --authors-code /work/authors-code \\
        --npz instance.npz --cutoff 0.07 --seed 0 --out result.json
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import time

import numpy as np


def _build_simulation(path: str) -> tuple[dict, np.ndarray, int]:
    """Their ``intv_args_dict`` (keys ``str(node)`` for the interventions, then ``"obs"``) from our instance."""
    data = np.load(path)
    X, labels, weights = data["X"], data["labels"], data["weights"]
    intv_args_dict: dict = {}
    order = [c for c in range(len(data["target"])) if data["target"][c] >= 0]
    order += [c for c in range(len(data["target"])) if data["target"][c] < 0]
    for c in order:
        node = int(data["target"][c])
        key = "obs" if node < 0 else str(node)
        intv_args_dict[key] = dict(
            intv_type="obs" if node < 0 else "shift",
            true_params=dict(mui=data["means"][c], Si=data["covs"][c], Ai=weights.copy()),
            samples=X[labels == c].copy(),
        )
    return intv_args_dict, X, X.shape[1]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authors-code", required=True, help="directory holding mixture_solver.py")
    parser.add_argument("--npz", help="a simulated instance written by authors_side_by_side.py")
    parser.add_argument("--sachs", help="their datasets/sachs_yuhaow.csv (their loader is used)")
    parser.add_argument("--cutoff", type=float, default=0.07)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, args.authors_code)
    import mixture_solver as ms  # noqa: PLC0415 -- the authors' module, from --authors-code

    np.random.seed(args.seed)  # noqa: NPY002 -- their code draws the fresh samples from numpy's global generator
    random.seed(args.seed)  # UT-IGSP (graphical_model_learning) draws its starting permutations from `random`
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        if args.sachs:
            dtype = "sachs"
            intv_args_dict, X, d = ms.generate_mixture_sachs(args.sachs, 4200)
            max_component, tol, stage2 = 12, 1000, 4200  # their run_sachs_experiments settings
        else:
            dtype = "simulation"
            intv_args_dict, X, d = _build_simulation(args.npz)
            max_component, tol, stage2 = d + 1, 1e-3, len(X)  # their jobber settings
        solver = ms.GaussianMixtureSolver(dtype)
        start = time.perf_counter()
        _, intv_args_dict, _, k_hat, _ = solver.mixture_disentangler(
            max_component, intv_args_dict, X, tol, args.cutoff)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        est_dag, intv_args_dict, oracle_dag, _, _ = solver.identify_intervention_utigsp(intv_args_dict, stage2)
        utigsp_seconds = time.perf_counter() - start
        metric = ms.compute_shd(intv_args_dict, dict(est_dag=est_dag, oracle_est_dag=oracle_dag,
                                                     intv_base_est_dag=None))
        metric = ms.compute_target_jaccard_sim(intv_args_dict, metric, dtype)
    comps = [v for v in intv_args_dict.values() if "est_params" in v]
    out = dict(
        k=int(k_hat),
        means=[np.asarray(v["est_params"]["mui"]).tolist() for v in comps],
        covs=[np.asarray(v["est_params"]["Si"]).tolist() for v in comps],
        targets=[sorted(int(j) for j in v.get("est_tgt", [])) for v in comps],
        arcs=sorted([int(i), int(j)] for i, j in est_dag.arcs),
        oracle_arcs=sorted([int(i), int(j)] for i, j in oracle_dag.arcs),
        their_shd=int(metric["shd"]), their_oracle_shd=int(metric["oracle_shd"]),
        their_jaccard=float(metric["avg_js"]), their_oracle_jaccard=float(metric["avg_oracle_js"]),
        fit_seconds=fit_seconds, utigsp_seconds=utigsp_seconds, n_nodes=int(d),
    )
    with open(args.out, "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
