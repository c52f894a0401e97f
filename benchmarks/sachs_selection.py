"""Count rules and transforms beyond BIC, on Sachs (log scale) and on the ``gaussian_defaults.py`` simulations.

Every variant starts from the default candidate fits (``fit_candidate_mixtures`` on standardised columns, k = 1 ..
d + 1, backward restarts, ``random_state=0``) and differs only in how the split is chosen or what is clustered:

* ``bic`` -- the BIC minimum (the default today);
* ``icl`` -- the ICL minimum (Biernacki, Celeux & Govaert 2000): BIC plus twice the classification entropy
  ``-sum_i sum_k t_ik log t_ik`` of the fitted responsibilities, which penalises overlapping components;
* ``merge->icl`` -- the BIC mixture's components merged greedily (Baudry et al. 2010, "Combining mixture
  components for clustering": each step merges the pair whose union lowers the entropy most; a merged component's
  responsibility is the sum of its parts') down to the ICL count;
* ``merge elbow`` -- the same merges, stopped at the change point of a two-segment piecewise-linear fit of the
  entropy against the number of clusters (Baudry et al.'s elbow rule; no merge when the entropy curve is flat,
  i.e. its total drop is below 1 % of the row count);
* ``copula ...`` -- the same rules after a Gaussian-copula (nonparanormal) transform: each column replaced by the
  normal scores of its ranks ``Phi^-1(rank / (n + 1))``; the moments used afterwards are those of the
  standardised original columns under the copula fit's responsibilities.

For each split the pipeline continues as the default does (observational component and targets from the moments,
``discover(X)`` with ``method="auto"``), and the Sachs scores are those of ``sachs_defaults.py``. The settings above
(ICL as published, merging to the ICL count as Baudry et al. suggest, the elbow rule's 1 % flatness guard) were fixed
before any Sachs run. The simulation check is ``gaussian_defaults.instance(seed)`` at scale 1.

Run::

    nice python benchmarks/sachs_selection.py --sim-seeds 0 1 2   # about 10 minutes on a loaded 2-core machine
    nice python benchmarks/sachs_selection.py --covariance tied    # the same with one shared covariance

``SACHS_SELECTION_CACHE=DIR`` keeps the candidate fits (pickles) in ``DIR`` so that a re-run only re-scores.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gaussian_defaults import _targets_exact, instance  # noqa: E402
from sachs import COLUMNS, CONDITIONS, DATA, MIXED, load, match_by_labels  # noqa: E402
from sachs_defaults import JCI, purity  # noqa: E402

from pgmpy_mixture.gaussian.blocks import weighted_moments  # noqa: E402
from pgmpy_mixture.gaussian.candidates import fit_candidate_mixtures  # noqa: E402
from pgmpy_mixture.gaussian.metrics import adjusted_rand, jaccard, shd  # noqa: E402
from pgmpy_mixture.gaussian.mixture_utigsp import _finish  # noqa: E402
from pgmpy_mixture.gaussian.scaling import standardise, unstandardise_moments  # noqa: E402

# candidate fits cached here (pickles of scikit-learn models, keyed by the data clustered) when set
CACHE = Path(os.environ["SACHS_SELECTION_CACHE"]) if os.environ.get("SACHS_SELECTION_CACHE") else None


def entropy(resp: np.ndarray) -> float:
    """Classification entropy ``-sum t log t`` of a responsibility matrix."""
    return float(-np.sum(resp * np.log(np.clip(resp, 1e-300, None))))


def normal_scores(X: np.ndarray) -> np.ndarray:
    """Gaussian-copula transform: each column's ranks (ties averaged) mapped to standard normal quantiles."""
    return ndtri(rankdata(X, axis=0) / (X.shape[0] + 1.0))


def merge_path(resp: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Greedy entropy merges from ``K`` down to 1 cluster: the groupings (cluster index per component) and the
    entropy at each count (index ``K - c`` for ``c`` clusters)."""
    K = resp.shape[1]
    groups = np.arange(K)
    cur = resp.copy()
    paths, ents = [groups.copy()], [entropy(cur)]
    while cur.shape[1] > 1:
        t = np.clip(cur, 1e-300, None)
        h = t * np.log(t)                                   # (n, c)
        s = cur[:, :, None] + cur[:, None, :]
        hs = np.clip(s, 1e-300, None) * np.log(np.clip(s, 1e-300, None))
        gain = (hs - h[:, :, None] - h[:, None, :]).sum(0)  # entropy decrease of merging each pair
        gain[np.tril_indices(cur.shape[1])] = -np.inf
        a, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
        cur[:, a] += cur[:, b]
        cur = np.delete(cur, b, axis=1)
        groups = np.where(groups == b, a, groups)
        groups = groups - (groups > b)
        paths.append(groups.copy())
        ents.append(entropy(cur))
    return paths, np.array(ents)


def elbow(ents: np.ndarray, n: int) -> int:
    """Number of clusters at the change point of a two-segment piecewise-linear fit of entropy against count
    (the full count when the curve's total drop is below 1 % of ``n``)."""
    K = len(ents)
    counts = np.arange(K, 0, -1).astype(float)
    if ents[0] - ents[-1] < 0.01 * n or K < 3:
        return K
    best, best_c = np.inf, K
    for c in range(2, K):                                   # change point at c clusters (both segments hold it)
        rss = 0.0
        for part in (counts >= c, counts <= c):
            coef = np.polyfit(counts[part], ents[part], 1)
            rss += float(np.sum((np.polyval(coef, counts[part]) - ents[part]) ** 2))
        if rss < best:
            best, best_c = rss, c
    return best_c


def fit_variants(X: np.ndarray, copula: bool, covariance: str = "full") -> tuple[dict, dict]:
    """Every count rule's responsibilities on ``X`` (n, d), with the curves."""
    z, center, scale = standardise(X)
    space = normal_scores(X) if copula else z
    n, d = X.shape
    cand = np.arange(1, min(d + 1, n // (d + 1)) + 1)
    start = time.perf_counter()
    key = CACHE / f"{covariance}-{hashlib.sha1(space.tobytes()).hexdigest()[:16]}.pkl" if CACHE else None
    if key is not None and key.exists():
        models, ll, bic = pickle.loads(key.read_bytes())
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models, ll, bic = fit_candidate_mixtures(space, cand, covariance_type=covariance)
        if key is not None:
            key.write_bytes(pickle.dumps((models, ll, bic)))
    seconds = time.perf_counter() - start
    resps = [m.predict_proba(space) for m in models]
    ents = np.array([entropy(r) for r in resps])
    icl = bic + 2.0 * ents
    kb, ki = int(np.argmin(bic)), int(np.argmin(icl))
    paths, ments = merge_path(resps[kb])
    ke = elbow(ments, n)
    out = {}
    tag = ("copula " if copula else "") + ("" if covariance == "full" else covariance + " ")
    out[tag + "bic"] = resps[kb]
    out[tag + "icl"] = resps[ki]
    for name, c in (("merge->icl", min(int(cand[ki]), int(cand[kb]))), ("merge elbow", ke)):
        groups = paths[int(cand[kb]) - c]
        merged = np.zeros((n, c))
        np.add.at(merged.T, groups, resps[kb].T)
        out[tag + name] = merged
    curves = dict(bic=bic, icl=icl, ent=ents, merge_ent=ments, seconds=seconds, z=z, center=center, scale=scale,
                  k_bic=int(cand[kb]), k_icl=int(cand[ki]), k_elbow=ke)
    return out, curves


def splitter_from(resp: np.ndarray, curves: dict, X: np.ndarray, names: list[str]):
    """A ``MixtureSplitter`` carrying the default pipeline's fit of the split given by ``resp``."""
    from pgmpy_mixture.adapters.causallearn import MixtureSplitter

    z = curves["z"]
    w, m, c = weighted_moments(z, resp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = _finish(z, names, w, m, c, np.zeros(1), np.zeros(1), np.array([resp.shape[1]]), None, None)
    means, covs = unstandardise_moments(fit.means, fit.covariances, curves["center"], curves["scale"])
    fit = dataclasses.replace(fit, means=means, covariances=covs)
    sp = MixtureSplitter()
    sp._set_fit(fit, names, X)
    return sp


def sachs_rows(copula_too: bool, covariance: str) -> list[str]:
    from pgmpy_mixture.adapters.causallearn import graph_to_adjacency

    X, true_labels, truth20, truth18, nominal = load("log")
    rows = []
    for copula in ((False, True) if copula_too else (False,)):
        variants, curves = fit_variants(X, copula, covariance)
        print(f"Sachs {covariance} copula={copula}: BIC k={curves['k_bic']}, ICL k={curves['k_icl']}, "
              f"elbow k={curves['k_elbow']}, fit {curves['seconds']:.0f} s; ICL curve "
              f"{np.round(curves['icl']).astype(int).tolist()}; "
              f"entropy {np.round(curves['ent']).astype(int).tolist()}; merge entropy "
              f"{np.round(curves['merge_ent']).astype(int).tolist()}", file=sys.stderr, flush=True)
        for name, resp in variants.items():
            sp = splitter_from(resp, curves, X, COLUMNS)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = sp.discover(X)
            adj = graph_to_adjacency(found.graph)
            map_labels = resp.argmax(1)
            match = match_by_labels(true_labels, sp.labels_, len(CONDITIONS), sp.n_components_)
            per = []
            for c in range(1, len(CONDITIONS)):
                cname = CONDITIONS[c][0]
                got = {COLUMNS[j] for j in sp.targets_[match[c]]} if c in match else set()
                per.append(dict(name=cname, targets=got,
                                nominal=jaccard(frozenset(COLUMNS[j] for j in nominal[c]), frozenset(got)),
                                jci=jaccard(frozenset(JCI[cname]), frozenset(got)),
                                purity=purity(true_labels, sp.labels_, c)))
            pur = {p["name"]: p["purity"] for p in per}
            rows.append(
                f"| {name} | {sp.n_components_} | {adjusted_rand(true_labels, sp.labels_):.3f} "
                f"({adjusted_rand(true_labels, map_labels):.3f}) | {pur['g0076']:.2f} / {pur['u0126']:.2f} / "
                f"{pur['psitect']:.2f} ({', '.join(f'{v:.2f}' for v in pur.values())}) | "
                f"{np.mean([p['nominal'] for p in per]):.3f} / {np.mean([p['jci'] for p in per]):.3f} | "
                f"{sum(p['nominal'] == 1.0 for p in per)} / {sum(p['jci'] == 1.0 for p in per)} | "
                f"{sp.shift_density_:.2f} | {shd(truth18, adj)} / {shd(truth20, adj)} ({found.method}) |")
            print(rows[-1], file=sys.stderr, flush=True)
    return rows


def sim_rows(seeds: list[int], copula_too: bool, covariance: str) -> list[str]:
    from pgmpy_mixture.adapters.causallearn import graph_to_adjacency

    rows = []
    for seed in seeds:
        data, labels, adj, truth = instance(seed)
        names = [f"X{i}" for i in range(data.shape[1])]
        for copula in ((False, True) if copula_too else (False,)):
            variants, curves = fit_variants(data, copula, covariance)
            print(f"sim seed {seed} {covariance} copula={copula}: BIC k={curves['k_bic']}, "
                  f"ICL k={curves['k_icl']}, elbow k={curves['k_elbow']}, fit {curves['seconds']:.0f} s; merge entropy "
                  f"{np.round(curves['merge_ent']).astype(int).tolist()}", file=sys.stderr, flush=True)
            for name, resp in variants.items():
                sp = splitter_from(resp, curves, data, names)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    found = sp.discover(data)
                rows.append(f"| {seed} | {name} | {sp.n_components_} | {adjusted_rand(labels, sp.labels_):.3f} | "
                            f"{'yes' if _targets_exact(sp, labels, truth) else 'no'} | "
                            f"{shd(adj, graph_to_adjacency(found.graph))} ({found.method}) |")
                print(rows[-1], file=sys.stderr, flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sim-seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--no-copula", action="store_true")
    parser.add_argument("--no-sachs", action="store_true")
    parser.add_argument("--covariance", default="full", help="scikit-learn covariance type of the clustering")
    args = parser.parse_args(argv)
    if args.sim_seeds:
        print("| seed | rule | k (true 5) | ARI | targets exact | SHD discover() (search) |")
        print("|---|---|---|---|---|---|")
        print("\n".join(sim_rows(args.sim_seeds, not args.no_copula, args.covariance)), flush=True)
    if not args.no_sachs and (DATA / MIXED).exists():
        print("\n| rule | k | ARI (merged MAP) | purity PKC / Mek / PIP2 (Akt, PKC, PIP2, Mek, LY) | "
              "Jaccard nominal / JCI | exact nominal / JCI (of 5) | shift density | SHD 18 / 20 (search) |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(sachs_rows(not args.no_copula, args.covariance)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
