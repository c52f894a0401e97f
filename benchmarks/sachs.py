"""Sachs et al. (2005) protein signalling as a mixture of unknown interventions (NeurIPS 2024, Table 1 set-up).

Data: ``../shared/data/sachs/sachs.2005.continuous.discrete.experimental.mixed.maximum.2.txt`` (log scale). The
paper's 6-component set-up: observational = cd3_cd28 alone + icam2 (853 + 902 rows); interventions Akt (aktinhib),
PKC (g0076), PIP2 (psitect), Mek (u0126), PIP3 (ly): 5846 rows, 11 proteins. The condition columns are hidden from
the methods and used only to score them.

Rows of the table (one mixture fit of k = 1..12, then each selection rule):

* ``cutoff=r``: the paper's rule on the log-likelihood curve; ``bic``: the BIC minimum; ``k=6``: the true count;
* ``oracle split``: the true conditions given (the paper's oracle UT-IGSP gets this split);
* ``diag ...``: the same with diagonal-covariance clustering (``covariance_type="diag"``: 2d + 1 parameters per
  component instead of d (d + 3) / 2 + 1), full component moments then estimated from the responsibilities;
* ``shared-SEM``: our sparse-shift SEM mixture EM (:mod:`pgmpy_mixture.shared_sem_mixture`) at k = 6.

Scores: number of components, ARI against the true conditions, weights of the components matched to the conditions
(Hungarian on the label contingency table), Jaccard of targets over the 5 interventional conditions (our targets
from the mixture alone; ``J(1)`` with ``max_targets=1``, the single-target prior of this design), SHD against the
consensus DAG (20 edges in this file; the paper used an 18-edge expert DAG) for our order-based DAG (``sem``),
JCI-style PC on [X, context], CD-NOD with the label column, and GES on the observational component.

Run::

    nice python benchmarks/sachs.py           # about a minute or two
    nice python benchmarks/sachs.py --full    # shared-SEM also at k = 4..8, and more inits
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from pgmpy_mixture.gaussian_metrics import adjusted_rand, jaccard, shd
from pgmpy_mixture.mixture_utigsp import (
    GaussianMixtureFit,
    estimate_dag,
    fit_candidate_mixtures,
    identify_targets,
    select_and_identify,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PGMPY_MIXTURE_SHARED", ROOT.parent / "shared")) / "data" / "sachs"
MIXED = "sachs.2005.continuous.discrete.experimental.mixed.maximum.2.txt"
TRUTH = "sachs.2005.ground.truth.graph.txt"
COLUMNS = ["raf", "mek", "plc", "pip2", "pip3", "erk", "akt", "pka", "pkc", "p38", "jnk"]
CONDITIONS = [("observational", None), ("aktinhib", "akt"), ("g0076", "pkc"), ("psitect", "pip2"),
              ("u0126", "mek"), ("ly", "pip3")]
PAPER = [("paper cutoff=0.01", "4", "0.077", "15"), ("paper cutoff=0.07", "2", "0.045", "18"),
         ("paper cutoff=0.15/0.30", "1", "-", "-"), ("paper oracle UT-IGSP", "6", "0.053", "17-19")]


def load():
    import pandas as pd

    frame = pd.read_csv(DATA / MIXED, sep="\t")
    frame = frame[frame["cd3_cd28"] == 1]
    labels = np.zeros(len(frame), dtype=int)
    for code, (column, _) in enumerate(CONDITIONS[1:], start=1):
        labels[frame[column].to_numpy() == 1] = code
    X = frame[COLUMNS].to_numpy(dtype=float)
    truth = np.zeros((11, 11), dtype=bool)
    for line in (DATA / TRUTH).read_text().splitlines():
        if "-->" in line:
            a, b = line.split(". ", 1)[1].split(" --> ")
            truth[COLUMNS.index(a.strip()), COLUMNS.index(b.strip())] = True
    targets = [frozenset() if t is None else frozenset({COLUMNS.index(t)}) for _, t in CONDITIONS]
    return X, labels, truth, targets


def match_by_labels(true_labels, labels, k_true, k_hat):
    table = np.zeros((k_true, k_hat))
    np.add.at(table, (true_labels, labels), 1)
    rows, cols = linear_sum_assignment(-table)
    return dict(zip(rows.tolist(), cols.tolist(), strict=True))


def graphs(X, labels, fit_targets, observational, fit: GaussianMixtureFit | None, names):
    """SHD-ready adjacency matrices of the downstream searches on a split."""
    from causallearn.search.ConstraintBased.CDNOD import cdnod
    from causallearn.search.ScoreBased.GES import ges

    from pgmpy_mixture.adapters.causallearn import MixtureSplitter, graph_to_adjacency

    out = {}
    if fit is not None:
        out["sem"] = estimate_dag(fit, alpha=1e-3)
    splitter = MixtureSplitter()
    splitter.n_components_ = int(labels.max()) + 1
    splitter.observational_component_ = observational
    out["pc"] = graph_to_adjacency(splitter._jci_pc(X, labels, names, 0.01))
    with contextlib.redirect_stderr(io.StringIO()):  # cdnod ignores show_progress
        cg = cdnod(X, labels.astype(float).reshape(-1, 1), alpha=0.01, show_progress=False)
    out["cdnod"] = graph_to_adjacency(cg.G)[:11, :11]
    out["ges"] = graph_to_adjacency(ges(X[labels == observational])["G"])
    return out


def score_row(name, X, true_labels, truth, true_targets, labels, targets, targets1, weights, observational, fit):
    k_hat = len(weights)
    match = match_by_labels(true_labels, labels, len(CONDITIONS), k_hat)
    jac = [jaccard(true_targets[c], targets[match[c]]) if c in match else 0.0 for c in range(1, len(CONDITIONS))]
    jac1 = [jaccard(true_targets[c], targets1[match[c]]) if c in match else 0.0 for c in range(1, len(CONDITIONS))]
    w = [f"{weights[match[c]]:.2f}" if c in match else "-" for c in range(len(CONDITIONS))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = graphs(X, labels, targets, observational, fit, COLUMNS)
    obs_ok = match.get(0) == observational
    named = [sorted(COLUMNS[j] for j in targets[match[c]]) if c in match else "-" for c in range(1, len(CONDITIONS))]
    return dict(name=name, k=k_hat, ari=adjusted_rand(true_labels, labels), weights="/".join(w),
                obs_ok="yes" if obs_ok else "no", jaccard=float(np.mean(jac)), jaccard1=float(np.mean(jac1)),
                shd_sem=shd(truth, g["sem"]) if "sem" in g else None, shd_pc=shd(truth, g["pc"]),
                shd_cdnod=shd(truth, g["cdnod"]), shd_ges=shd(truth, g["ges"]), targets=named)


def table(rows) -> str:
    head = ["rule", "K", "ARI", "weights (obs/akt/pkc/pip2/mek/pip3)", "obs found", "Jaccard", "J(1)", "SHD sem",
            "SHD pc-JCI", "SHD cdnod", "SHD ges(obs)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([
            r["name"], str(r["k"]), f"{r['ari']:.3f}", r["weights"], r["obs_ok"], f"{r['jaccard']:.3f}",
            f"{r['jaccard1']:.3f}", "-" if r["shd_sem"] is None else str(r["shd_sem"]), str(r["shd_pc"]),
            str(r["shd_cdnod"]), str(r["shd_ges"])]) + " |")
    for name, k, j, s in PAPER:
        lines.append(f"| {name} | {k} | - | - | (given) | {j} | - | {s} (UT-IGSP) | - | - | - |")
    return "\n".join(lines)


def plot_curves(candidates, ll, bic, dll, dbic, models, dmodels, X, true_labels, path: Path) -> None:
    """Log-likelihood, BIC and ARI against k for full and diagonal covariances (the paper's selection curve)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no figure")
        return
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for label, curve_ll, curve_bic, ms in (("full", ll, bic, models), ("diag", dll, dbic, dmodels)):
        axes[0].plot(candidates, curve_ll, "o-", label=label)
        axes[1].plot(candidates, curve_bic, "o-", label=label)
        axes[2].plot(candidates, [adjusted_rand(true_labels, m.predict(X)) for m in ms], "o-", label=label)
    for ax, title in zip(axes, ["average log-likelihood", "BIC", "ARI vs true conditions"], strict=True):
        ax.axvline(6, color="grey", ls="--")
        ax.set_title(title)
        ax.set_xlabel("number of components k")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    args = parser.parse_args(argv)
    if not (DATA / MIXED).exists():
        print(f"Sachs data not found at {DATA}: skipping (see ../shared/data/README.md)")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    X, true_labels, truth, true_targets = load()
    n = len(X)
    print(f"{n} rows, conditions {np.bincount(true_labels).tolist()}, truth {int(truth.sum())} edges")
    start = time.perf_counter()
    candidates = np.arange(1, 13)
    models, ll, bic = fit_candidate_mixtures(X, candidates, n_init=5 if args.full else 3, random_state=0)
    print(f"mixtures k=1..12 fitted in {time.perf_counter() - start:.1f} s")
    curve = "| k | " + " | ".join(map(str, candidates)) + " |\n|" + "---|" * (len(candidates) + 1) + "\n"
    curve += "| avg log-lik | " + " | ".join(f"{v:.3f}" for v in ll) + " |\n"
    gains = [np.nan] + [(ll[i] - ll[i - 1]) / abs(ll[i - 1]) for i in range(1, len(ll))]
    curve += "| rel. gain | " + " | ".join("-" if np.isnan(g) else f"{g:.4f}" for g in gains) + " |\n"
    curve += "| BIC | " + " | ".join(f"{v:.0f}" for v in bic) + " |\n"
    curve += "| ARI | " + " | ".join(f"{adjusted_rand(true_labels, m.predict(X)):.3f}" for m in models) + " |"
    rows = []
    rules = [("cutoff", r) for r in (0.001, 0.005, 0.01, 0.03, 0.07, 0.15, 0.30)] + [("bic", None), ("k=6", None)]
    for rule, ratio in rules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if rule == "k=6":
                fit = select_and_identify(X, [models[5]], ll[5:6], bic[5:6], candidates[5:6], "bic", columns=COLUMNS)
                fit1 = select_and_identify(X, [models[5]], ll[5:6], bic[5:6], candidates[5:6], "bic",
                                           columns=COLUMNS, max_targets=1)
            else:
                fit = select_and_identify(X, models, ll, bic, candidates, rule, ratio or 0.0, columns=COLUMNS)
                fit1 = select_and_identify(X, models, ll, bic, candidates, rule, ratio or 0.0, columns=COLUMNS,
                                           max_targets=1)
        name = f"cutoff={ratio}" if rule == "cutoff" else rule
        rows.append(score_row(name, X, true_labels, truth, true_targets, fit.predict(X), fit.targets, fit1.targets,
                              fit.weights, fit.observational, fit))
    # diagonal-covariance clustering (far fewer parameters), then full moments from the responsibilities
    start = time.perf_counter()
    dmodels, dll, dbic = fit_candidate_mixtures(X, candidates, n_init=10 if args.full else 5, random_state=0,
                                                covariance_type="diag")
    print(f"diagonal mixtures k=1..12 fitted in {time.perf_counter() - start:.1f} s")
    curve += "\n| ARI (diag) | " + " | ".join(f"{adjusted_rand(true_labels, m.predict(X)):.3f}" for m in dmodels) + " |"
    for rule, ratio in [("cutoff", 0.01), ("cutoff", 0.07), ("bic", None), ("k=6", None), ("k=5", None)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if rule.startswith("k="):
                i = int(rule[2:]) - 1
                args_ = ([dmodels[i]], dll[i : i + 1], dbic[i : i + 1], candidates[i : i + 1], "bic")
            else:
                args_ = (dmodels, dll, dbic, candidates, rule, ratio or 0.0)
            fit = select_and_identify(X, *args_, columns=COLUMNS)
            fit1 = select_and_identify(X, *args_, columns=COLUMNS, max_targets=1)
        name = "diag " + (f"cutoff={ratio}" if rule == "cutoff" else rule)
        rows.append(score_row(name, X, true_labels, truth, true_targets, fit.predict(X), fit.targets, fit1.targets,
                              fit.weights, fit.observational, fit))
    # oracle split: the true conditions; targets still identified from the split's moments (no labels for that)
    K = len(CONDITIONS)
    weights = np.bincount(true_labels) / n
    means = np.array([X[true_labels == k].mean(0) for k in range(K)])
    covs = np.array([np.cov(X[true_labels == k].T, bias=True) for k in range(K)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs, targets, changes, order = identify_targets(weights, means, covs, n)
        _, targets1, _, _ = identify_targets(weights, means, covs, n, max_targets=1)
    oracle = GaussianMixtureFit(weights, means, covs, n, obs, targets, order, changes)
    rows.append(score_row("oracle split", X, true_labels, truth, true_targets, true_labels, targets, targets1,
                          weights, obs, oracle))
    from pgmpy_mixture.shared_sem_mixture import fit_shared_sem_mixture

    for k in ([4, 5, 6, 7, 8] if args.full else [6]):
        for init in ("full", "diag"):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sfit = fit_shared_sem_mixture(X, n_components=k, n_init=3 if init == "full" else 5, random_state=0,
                                              init_covariance_type=init)
            rows.append(score_row(f"shared-SEM k={k}, {init} init ({time.perf_counter() - start:.0f} s)", X,
                                  true_labels, truth, true_targets, sfit.predict(X), sfit.targets, sfit.targets,
                                  sfit.weights, sfit.observational, sfit))
    text = ("### Log-likelihood and BIC curves (scikit-learn GaussianMixture, full covariance)\n\n" + curve
            + "\n\n### Components, targets and graphs by selection rule\n\n" + table(rows)
            + "\n\nTargets found (matched to akt / pkc / pip2 / mek / pip3), per rule:\n\n"
            + "\n".join(f"- {r['name']}: {r['targets']}" for r in rows))
    print(text)
    (out / "sachs.md").write_text(text + "\n")
    plot_curves(candidates, ll, bic, dll, dbic, models, dmodels, X, true_labels, out / "sachs_selection.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
