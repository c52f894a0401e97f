"""Side by side: the authors' Mixture-UTIGSP code (NeurIPS 2024) and our defaults, on the same instances.

Instances: those of ``benchmarks/gaussian_defaults.py`` (``instance(seed, n_rows=2**p)``): an 8-node linear Gaussian
SEM (edge probability 0.8, weights uniform on +-[0.5, 1.5], unit noise), the observational component and 4
single-node shift interventions on distinct random nodes (incoming edges kept, noise mean shifted by 3-5 standard
deviations), ``2**p // 5`` rows each. Each instance is saved to a temporary ``.npz`` and handed to
``benchmarks/authors_driver.py``, run by the authors' interpreter (``--authors-python``) with their module imported
from ``--authors-code`` (their code is never copied here). Their pipeline is given what it needs: the true means and
covariances of the components (their step 1 matches the fitted components to the true ones with them; we give the
empirical moments of the labelled rows) and the TRUE observational rows (UT-IGSP's reference setting); their
settings: k = 1..d+1, scikit-learn ``GaussianMixture(tol=1e-3, random_state=0)``, cutoff 0.07 (their simulations)
and 0.01 (their best on Sachs), UT-IGSP alpha 1e-3. Ours: ``MixtureSplitter().fit(X)`` then ``.discover(X)``, from
the mixture alone.

Scores, the same for both (:mod:`pgmpy_mixture.gaussian.metrics`): components found; target Jaccard = mean over the
true *interventional* components of the Jaccard between the true target set and the targets of the estimated
component matched to it (Hungarian on ``||mu - mu_hat|| + ||Sigma - Sigma_hat||_F`` against the true components'
empirical moments; an unmatched true component scores 0); SHD against the true DAG (missing, extra or reversed edge,
a node pair once; an undirected edge counts as an error; UT-IGSP returns a DAG, for which this is causaldag's
``DAG.shd``, the authors' own number); seconds (theirs: the mixture fits plus their UT-IGSP step, which also runs
their oracle UT-IGSP on the true split; ours: ``fit`` plus ``discover``). The authors' own Jaccard (mean over all
true components including the observational one, components they did not estimate skipped) is printed beside it.

Their UT-IGSP step also runs their oracle: UT-IGSP on the TRUE split (the labelled rows of every true component, the
true observational rows as reference, alpha 1e-3). Each authors' run adds a row ``authors' oracle (true split,
cutoff c run)`` with its SHD (ours from its arcs, and theirs); its common Jaccard is not available (the driver returns
the oracle's DAG, not its targets), so the authors' own oracle Jaccard is given. The oracle's rows per component are
their ``num_samples // number of components`` (all, or 4200 // components on Sachs), and the components include
those their fit found in excess, so the oracle can differ between the two cutoffs' runs.

``--protocol do-half`` runs the paper's simulation protocol instead (``simulate_linear_mixture(n_nodes=8,
targets="half", kind="do")``: do-interventions on a random half of the nodes, incoming edges cut, variance 1e-9,
value 1.0; weights uniform on +-[0.5, 1], edge probability 0.8), where their count rule was tuned.

Sachs (``--sachs``): their loader ``generate_mixture_sachs`` on their ``datasets/sachs_yuhaow.csv`` (raw scale,
6 conditions, 5846 rows; k = 1..12, ``tol=1000``, 4200 fresh samples, as in their ``run_sachs_experiments``)
against ours on ``benchmarks/sachs.py``'s loading of the shared data (``ln(raw + 10)``, as
``benchmarks/sachs_defaults.py``, and raw); SHD against the 18-edge DAG of their code, Jaccard over the 5
interventional conditions (components matched by moments to the conditions' empirical moments, in the scale fitted).

Run::

    nice -n 19 python benchmarks/authors_side_by_side.py --authors-code /work/authors-code \\
        --authors-python /work/venv-authors/bin/python --log2n 10 12 14 16 --seeds 2 --sachs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gaussian_defaults import instance  # noqa: E402

from pgmpy_mixture.gaussian.metrics import match_by_moments, shd, target_jaccard  # noqa: E402
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture  # noqa: E402

CUTOFFS = (0.07, 0.01)


def empirical_moments(X: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Means (k, d) and covariances (k, d, d) of the rows of each true component."""
    means = np.array([X[labels == c].mean(0) for c in range(k)])
    covs = np.array([np.cov(X[labels == c].T) for c in range(k)])
    return means, covs


def arcs_to_adjacency(arcs, d: int) -> np.ndarray:
    """Boolean ``(d, d)``, ``adj[i, j]`` True for the arc ``i -> j``."""
    adj = np.zeros((d, d), dtype=bool)
    if len(arcs):
        idx = np.asarray(arcs, dtype=int)
        adj[idx[:, 0], idx[:, 1]] = True
    return adj


def run_authors(python: str, code: str, cutoff: float, seed: int, workdir: Path, npz: Path | None = None,
                sachs: Path | None = None) -> dict:
    """One run of the authors' pipeline in their interpreter; the driver's JSON result."""
    out = workdir / f"authors_{cutoff}_{seed}.json"
    cmd = [python, str(HERE / "authors_driver.py"), "--authors-code", code, "--cutoff", str(cutoff),
           "--seed", str(seed), "--out", str(out)]
    cmd += ["--npz", str(npz)] if npz is not None else ["--sachs", str(sachs)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=code, env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        raise RuntimeError(f"the authors' driver failed ({' '.join(cmd)}):\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def score_authors(res: dict, true_means, true_covs, true_targets, true_adj) -> dict:
    """Common scores of a driver result."""
    rows, cols, _ = match_by_moments(true_means, true_covs, np.array(res["means"]), np.array(res["covs"]))
    est_targets = [frozenset(t) for t in res["targets"]]
    adj = arcs_to_adjacency(res["arcs"], true_adj.shape[0])
    return dict(k=res["k"], jaccard=target_jaccard(true_targets, est_targets, rows, cols), shd=shd(true_adj, adj),
                their_shd=res["their_shd"], their_jaccard=res["their_jaccard"],
                seconds=res["fit_seconds"] + res["utigsp_seconds"], search="UT-IGSP")


def oracle_record(base: dict, res: dict, cutoff: float, true_adj) -> dict:
    """The authors' oracle UT-IGSP of one driver run (true split): SHD, theirs beside it; no common Jaccard."""
    return {**base, "pipeline": f"authors' oracle (true split, cutoff {cutoff} run)", "k": base["k_true"],
            "jaccard": None, "shd": shd(true_adj, arcs_to_adjacency(res["oracle_arcs"], true_adj.shape[0])),
            "their_shd": res["their_oracle_shd"], "their_jaccard": res["their_oracle_jaccard"], "seconds": None,
            "search": "UT-IGSP"}


def run_ours(X, true_means, true_covs, true_targets, true_adj) -> dict:
    """``MixtureSplitter().fit(X)`` then ``.discover(X)``, scored as the authors' runs are."""
    from pgmpy_mixture.adapters.causallearn import MixtureSplitter, graph_to_adjacency

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = MixtureSplitter().fit(X)
        found = sp.discover(X)
    seconds = time.perf_counter() - start
    rows, cols, _ = match_by_moments(true_means, true_covs, sp.fit_.means, sp.fit_.covariances)
    est_targets = [frozenset(t) for t in sp.targets_]
    return dict(k=sp.n_components_, jaccard=target_jaccard(true_targets, est_targets, rows, cols),
                shd=shd(true_adj, graph_to_adjacency(found.graph)), their_shd=None, their_jaccard=None,
                seconds=seconds, search=found.method)


def _late(stop_at: str | None) -> bool:
    if stop_at is None:
        return False
    now = dt.datetime.now(dt.timezone.utc).strftime("%H:%M")
    return now >= stop_at


def simulations(args, workdir: Path, sink) -> list[dict]:
    records = []
    for log2n in args.log2n:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            if args.protocol == "shift":
                X, labels, adj, truth = instance(seed, n_rows=2**log2n)
                label = f"2^{log2n}"
            else:  # the paper's protocol: do-interventions on a random half of the nodes
                sim = simulate_linear_mixture(n_nodes=8, n_samples=2**log2n, targets="half", kind="do",
                                              random_state=seed)
                X, labels, adj, truth = sim.data, sim.labels, sim.sem.adjacency, sim.targets
                label = f"do-half 2^{log2n}"
            means, covs = empirical_moments(X, labels, len(truth))
            target = np.array([next(iter(t)) if t else -1 for t in truth])
            npz = workdir / f"instance_{log2n}_{seed}.npz"
            np.savez(npz, X=X, labels=labels, weights=adj.T.astype(float), means=means, covs=covs, target=target)
            for name in [f"authors (cutoff {c})" for c in args.cutoffs] + ([] if args.no_ours else ["ours (defaults)"]):
                if _late(args.stop_at):
                    print(f"not launched after {args.stop_at} UTC: {name}, 2^{log2n}, seed {seed}", file=sys.stderr)
                    continue
                res = None
                if name.startswith("authors"):
                    cutoff = float(name.split()[-1].rstrip(")"))
                    res = run_authors(args.authors_python, args.authors_code, cutoff, seed, workdir, npz=npz)
                    scores = score_authors(res, means, covs, truth, adj)
                else:
                    scores = run_ours(X, means, covs, truth, adj)
                rec = dict(data=label, rows=len(X), seed=seed, pipeline=name, k_true=len(truth), **scores)
                records.append(rec)
                sink(rec)
                if res is not None:
                    records.append(oracle_record(rec, res, cutoff, adj))
                    sink(records[-1])
    return records


def sachs(args, workdir: Path, sink) -> list[dict]:
    from sachs import load

    records = []
    csv = Path(args.authors_code) / "datasets" / "sachs_yuhaow.csv"
    for scale in ("raw", "log"):
        X, labels, _, truth18, targets = load(scale)
        means, covs = empirical_moments(X, labels, len(targets))
        if scale == "raw":
            for c in args.cutoffs:
                if _late(args.stop_at):
                    continue
                res = run_authors(args.authors_python, args.authors_code, c, 0, workdir, sachs=csv)
                rec = dict(data="Sachs raw", rows=len(X), seed=0, pipeline=f"authors (cutoff {c})",
                           k_true=len(targets), **score_authors(res, means, covs, targets, truth18))
                records.append(rec)
                sink(rec)
                records.append(oracle_record(rec, res, c, truth18))
                sink(records[-1])
        if _late(args.stop_at) or args.no_ours:
            continue
        rec = dict(data=f"Sachs {scale}", rows=len(X), seed=0, pipeline="ours (defaults)", k_true=len(targets),
                   **run_ours(X, means, covs, targets, truth18))
        records.append(rec)
        sink(rec)
    return records


def markdown(records: list[dict]) -> str:
    records = sorted(records, key=lambda r: (r["data"].startswith("Sachs"), r["data"].startswith("do"), r["rows"],
                                             r["seed"]))  # stable: the pipelines stay in run order
    lines = ["| data | rows | seed | pipeline | k found (true) | target Jaccard | SHD (search) | seconds | "
             "authors' own Jaccard / SHD |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        own = "-" if r["their_shd"] is None else f"{r['their_jaccard']:.3f} / {r['their_shd']}"
        jac = "-" if r["jaccard"] is None else f"{r['jaccard']:.3f}"
        sec = "-" if r["seconds"] is None else f"{r['seconds']:.1f}"
        lines.append(f"| {r['data']} | {r['rows']} | {r['seed']} | {r['pipeline']} | {r['k']} ({r['k_true']}) | "
                     f"{jac} | {r['shd']} ({r['search']}) | {sec} | {own} |")
    lines += ["", "| data | pipeline | runs | k right | mean target Jaccard | mean SHD | mean seconds |",
              "|---|---|---|---|---|---|---|"]
    keys = list(dict.fromkeys((r["data"], r["pipeline"]) for r in records))
    for data, pipeline in keys:
        rs = [r for r in records if r["data"] == data and r["pipeline"] == pipeline]
        oracle = rs[0]["jaccard"] is None
        jac = (f"({np.mean([r['their_jaccard'] for r in rs]):.3f} theirs)" if oracle
               else f"{np.mean([r['jaccard'] for r in rs]):.3f}")
        sec = "-" if oracle else f"{np.mean([r['seconds'] for r in rs]):.1f}"
        lines.append(f"| {data} | {pipeline} | {len(rs)} | {sum(r['k'] == r['k_true'] for r in rs)}/{len(rs)} | "
                     f"{jac} | {np.mean([r['shd'] for r in rs]):.2f} | {sec} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authors-code", default="/work/authors-code", help="directory holding mixture_solver.py")
    parser.add_argument("--authors-python", default="/work/venv-authors/bin/python",
                        help="interpreter of the authors' environment (causaldag, scikit-learn, pandas, pgmpy)")
    parser.add_argument("--log2n", type=int, nargs="*", default=[10, 12, 14, 16])
    parser.add_argument("--seeds", type=int, default=2, help="number of seeds")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--protocol", choices=["shift", "do-half"], default="shift",
                        help="shift: gaussian_defaults.instance; do-half: the paper's do on half the nodes")
    parser.add_argument("--sachs", action="store_true", help="also the 6-condition Sachs mixture")
    parser.add_argument("--cutoffs", type=float, nargs="*", default=list(CUTOFFS),
                        help="the authors' cutoffs to run (each run also gives their oracle on the true split)")
    parser.add_argument("--no-ours", action="store_true", help="run only the authors' code (and their oracle)")
    parser.add_argument("--records", help="append each record to this JSON-lines file as it finishes")
    parser.add_argument("--table", help="only print the table of a JSON-lines records file")
    parser.add_argument("--stop-at", help="launch no new run after this UTC time (HH:MM)")
    args = parser.parse_args(argv)
    # absolute (not resolved: a venv's python is a symlink that must stay inside its venv); the driver runs in the
    # authors' directory
    args.authors_code = os.path.abspath(args.authors_code)
    if os.sep in args.authors_python:
        args.authors_python = os.path.abspath(args.authors_python)
    if args.table:
        print(markdown([json.loads(line) for line in Path(args.table).read_text().splitlines() if line]))
        return

    def sink(rec: dict) -> None:
        print(rec, file=sys.stderr, flush=True)
        if args.records:
            with open(args.records, "a") as fh:
                fh.write(json.dumps(rec) + "\n")

    with tempfile.TemporaryDirectory() as tmp:
        records = simulations(args, Path(tmp), sink)
        if args.sachs:
            records += sachs(args, Path(tmp), sink)
    print(markdown(records))


if __name__ == "__main__":
    main()
