"""The simulation study of Kumar, Shiragur & Uhler (NeurIPS 2024, Figure 1, Appendix figures on intervention strength).

Protocol (paper Section 5 and the authors' code, ``shared/notes/reference-facts.md``): linear SEM, lower-triangular
weights uniform on +-[0.5, 1], edge probability 0.8, N(0, 1) noise; do-interventions (incoming edges cut, noise
variance 1e-9, mean 1.0) on every node ("all") or a random half ("half"), plus the observational component, equal
samples per component; the number of components is chosen among 1..d+1 with the paper's cutoff rule (0.07) and,
side by side, with BIC (figure panels: cutoff for the size study, BIC for the strength study).

Our pipeline (:mod:`pgmpy_mixture.mixture_utigsp`) differs from the authors' in the step after the mixture fit: the
observational component and the targets are identified from the fitted mixture alone (sparsest mechanism shift
over a causal order), and the DAG is read off the fitted moments (``estimate_dag``), instead of drawing fresh
samples and running UT-IGSP with the TRUE observational samples.

Metrics (:mod:`pgmpy_mixture.gaussian_metrics`): parameter error (mean matched ``||mu - mu_hat|| + ||Sigma -
Sigma_hat||_F``), Jaccard of targets, SHD against the true DAG and against its I-CPDAG, number of components,
weight error, ARI of the labels, run time. Strength study: soft interventions (edges kept) with noise-mean shift
``gamma`` and variance scale, d = 4, M = 2^13.

Run::

    nice python benchmarks/neurips2024_simulation.py            # small grid (a few minutes)
    nice python benchmarks/neurips2024_simulation.py --full     # d = 4, 6, 8; M = 2^10..2^18; 5 runs
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np

from pgmpy_mixture.gaussian_metrics import (
    adjusted_rand,
    icpdag,
    match_components,
    parameter_error,
    shd,
    target_jaccard,
    weight_error,
)
from pgmpy_mixture.gaussian_simulate import simulate_linear_mixture
from pgmpy_mixture.mixture_utigsp import estimate_dag, fit_candidate_mixtures, select_and_identify

FIELDS = ["study", "selection", "targets", "d", "log2M", "kind", "gamma", "var_scale", "run", "K_true", "K_hat",
          "param_err", "jaccard", "shd_dag", "shd_icpdag", "weight_err", "ari", "obs_ok", "seconds"]
MEANS = ["K_hat", "param_err", "jaccard", "shd_dag", "shd_icpdag", "weight_err", "ari", "obs_ok", "seconds"]

# The authors' logged results (reference-facts.md): all nodes, d = 8
PAPER = {"all-8-2^20": "Jaccard 0.78, SHD 1.3 (oracle UT-IGSP 0.86, 0.8)", "half-8-2^20": "Jaccard 0.71, SHD 1.5"}


def one_run(study, targets, d, log2m, run, kind="do", gamma=1.0, var_scale=1.0, n_init=3) -> list[dict]:
    """One simulated data set; the candidate mixtures are fitted once and both selection rules evaluated."""
    seed = 1000 * d + 10 * run + (0 if targets == "all" else 5)
    sim = simulate_linear_mixture(n_nodes=d, n_samples=2**log2m, targets=targets, kind=kind, mean_shift=gamma,
                                  variance_scale=var_scale, random_state=seed)
    start = time.perf_counter()
    candidates = np.arange(1, d + 2)
    models, ll, bic = fit_candidate_mixtures(sim.data, candidates, n_init=n_init, random_state=run)
    fit_seconds = time.perf_counter() - start
    out = []
    for selection in ("cutoff", "bic"):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = select_and_identify(sim.data, models, ll, bic, candidates, selection, 0.07)
        dag = estimate_dag(fit)
        seconds = fit_seconds + time.perf_counter() - start
        rows, cols, _ = match_components(sim.means, sim.covariances, fit.means, fit.covariances)
        matched_obs = dict(zip(rows.tolist(), cols.tolist(), strict=True)).get(0)
        out.append(dict(
            study=study, selection=selection, targets=targets, d=d, log2M=log2m, kind=kind, gamma=gamma,
            var_scale=var_scale, run=run, K_true=sim.n_components, K_hat=fit.n_components,
            param_err=parameter_error(sim.means, sim.covariances, fit.means, fit.covariances),
            jaccard=target_jaccard(sim.targets, fit.targets, rows, cols),
            shd_dag=shd(sim.sem.adjacency, dag),
            shd_icpdag=shd(icpdag(sim.sem.adjacency, sim.targets), icpdag(dag, fit.targets)),
            weight_err=weight_error(sim.weights, fit.weights, rows, cols),
            ari=adjusted_rand(sim.labels, fit.predict(sim.data)), obs_ok=float(matched_obs == fit.observational),
            seconds=seconds,
        ))
    return out


def aggregate(records, keys):
    groups: dict = {}
    for r in records:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    out = []
    for key, rs in groups.items():
        row = dict(zip(keys, key, strict=True))
        row["runs"] = len(rs)
        for m in MEANS:
            row[m] = float(np.mean([r[m] for r in rs]))
        out.append(row)
    return out


def markdown(rows, keys) -> str:
    head = keys + ["runs", "K_hat", "param_err", "jaccard", "shd_dag", "shd_icpdag", "weight_err", "ari", "obs_ok",
                   "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = []
        for h in head:
            v = r[h]
            cells.append(f"2^{v}" if h == "log2M" else (f"{v:.3g}" if isinstance(v, float) else str(v)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _draw_panel(ax, series, title: str, xlabel: str) -> None:
    """One line per (label, points) series with points; legend only when something was drawn."""
    for label, points in series:
        if points:
            ax.plot(*zip(*points, strict=True), "o-", label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if ax.lines:
        ax.legend()


def plot(rows_size, rows_strength, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no figure")
        return
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.5))
    for row, targets in enumerate(["all", "half"]):
        for col, (metric, label) in enumerate([("param_err", "parameter error"), ("jaccard", "avg Jaccard"),
                                                ("shd_dag", "SHD (DAG)")]):
            series = [(f"d={d}", sorted((r["log2M"], r[metric]) for r in rows_size
                                        if r["d"] == d and r["targets"] == targets and r["selection"] == "cutoff"))
                      for d in sorted({r["d"] for r in rows_size})]
            _draw_panel(axes[row, col], series, f"{label}, targets={targets}", "log2 M")
    if not rows_strength:
        axes[0, 3].set_axis_off()
        axes[1, 3].set_axis_off()
    for row, (metric, label) in enumerate((("jaccard", "Jaccard"), ("shd_dag", "SHD"))):
        series = [(f"variance x{var_scale:g}", sorted((r["gamma"], r[metric]) for r in rows_strength
                                                    if r["var_scale"] == var_scale and r["selection"] == "bic"))
                  for var_scale in sorted({r["var_scale"] for r in rows_strength})]
        _draw_panel(axes[row, 3], series, f"strength: {label} vs mean shift (soft, d=4, BIC)",
                    "noise-mean shift gamma")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the larger grid")
    parser.add_argument("--nodes", default=None, help="comma-separated d values")
    parser.add_argument("--log2-samples", default=None, help="comma-separated log2 M values")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--n-init", type=int, default=3)
    parser.add_argument("--no-strength", action="store_true")
    parser.add_argument("--targets", default="all,half", help="comma-separated: all, half")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    args = parser.parse_args(argv)
    nodes = [4, 6, 8] if args.full else [4, 8]
    log2s = [10, 12, 14, 16, 18] if args.full else [10, 12, 14]
    runs = args.runs or (5 if args.full else 2)
    if args.nodes:
        nodes = [int(v) for v in args.nodes.split(",")]
    if args.log2_samples:
        log2s = [int(v) for v in args.log2_samples.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    records = []
    for targets in args.targets.split(","):
        for d in nodes:
            for log2m in log2s:
                for run in range(runs):
                    records.extend(one_run("size", targets, d, log2m, run, n_init=args.n_init))
    strength = []
    if not args.no_strength:
        gammas = [1.0, 2.0, 4.0, 8.0] if not args.full else [0.5, 1.0, 2.0, 4.0, 8.0]
        for var_scale in [1.0, 4.0]:
            for gamma in gammas:
                for run in range(runs):
                    strength.extend(one_run("strength", "all", 4, 13, run, kind="soft", gamma=gamma,
                                            var_scale=var_scale, n_init=args.n_init))
    with open(out / "neurips2024_simulation.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records + strength)
    size_rows = aggregate(records, ["selection", "targets", "d", "log2M"])
    text = "### Sample size and number of nodes (do-interventions, cutoff 0.07)\n\n" + markdown(
        size_rows, ["selection", "targets", "d", "log2M"])
    strength_rows = []
    if strength:
        strength_rows = aggregate(strength, ["selection", "gamma", "var_scale"])
        text += ("\n\n### Intervention strength (soft: mean shift gamma, variance scale; d=4, all, M=2^13)\n\n"
                 + markdown(strength_rows, ["selection", "gamma", "var_scale"]))
    text += "\n\nPaper (authors' logs, 2^20 samples): " + "; ".join(f"{k}: {v}" for k, v in PAPER.items())
    print(text)
    (out / "neurips2024_simulation.md").write_text(text + "\n")
    plot(size_rows, strength_rows, out / "neurips2024_simulation.png")


if __name__ == "__main__":
    main()
