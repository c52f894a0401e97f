"""Sachs et al. (2005), unsupervised, log scale, on the defaults: ``MixtureSplitter().fit(X).discover(X)``.

The set-up, data and graphs of ``benchmarks/sachs.py`` (6 conditions, 5846 rows, ``ln(raw + 10)``, conditions
hidden). Reported, for the default splitter and for ``selection="cutoff"`` (the paper's rule, baseline):

* the number of components and the ARI against the 6 conditions;
* purity of each condition: the share of the rows of the component holding most of that condition's rows that
  come from it (the goal: >= 0.9 for the PKC, Mek and PIP2 inhibitors);
* the targets of the component matched to each interventional condition (Hungarian on the label contingency
  table), scored against the nominal targets and against the JCI effect sets (Mooij et al., JMLR 2020:
  G06976 -> {raf, mek, p38, jnk}; U0126 -> {erk}; psitectorigenin -> {pip2}; LY294002 -> {pip2, pip3};
  Akt inhibitor -> none): mean Jaccard and the number of conditions matched exactly;
* the SHD of the default ``discover()`` DAG against the 18-edge DAG of the IGSP papers and the 20-edge consensus
  DAG of the data folder (Sachs et al.'s own 17-edge graph is not in the data folder: not scored).

Run::

    nice python benchmarks/sachs_defaults.py      # about 3 minutes
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sachs import COLUMNS, CONDITIONS, DATA, MIXED, load, match_by_labels  # noqa: E402

from pgmpy_mixture.gaussian.metrics import adjusted_rand, jaccard, shd  # noqa: E402

JCI = {"aktinhib": set(), "g0076": {"raf", "mek", "p38", "jnk"}, "psitect": {"pip2"}, "u0126": {"erk"},
       "ly": {"pip2", "pip3"}}


def purity(true_labels, labels, condition: int) -> float:
    """Share of the rows of the component holding most of ``condition``'s rows that come from ``condition``."""
    mine = labels[true_labels == condition]
    home = int(np.bincount(mine).argmax())
    return float(np.mean(true_labels[labels == home] == condition))


def run(settings: dict) -> dict:
    from pgmpy_mixture.adapters.causallearn import MixtureSplitter, graph_to_adjacency

    X, true_labels, truth20, truth18, nominal = load("log")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = MixtureSplitter(**settings).fit(X)
        found = sp.discover(X)
    seconds = time.perf_counter() - start
    adj = graph_to_adjacency(found.graph)
    match = match_by_labels(true_labels, sp.labels_, len(CONDITIONS), sp.n_components_)
    per = []
    for c in range(1, len(CONDITIONS)):
        name = CONDITIONS[c][0]
        got = {COLUMNS[j] for j in sp.targets_[match[c]]} if c in match else None
        nominal_names = {COLUMNS[j] for j in nominal[c]}
        per.append(dict(condition=name, targets=got, nominal=jaccard(frozenset(nominal_names), frozenset(got or ())),
                        jci=jaccard(frozenset(JCI[name]), frozenset(got or ())), purity=purity(true_labels,
                                                                                                sp.labels_, c)))
    return dict(k=sp.n_components_, ari=adjusted_rand(true_labels, sp.labels_), per=per, search=found.method,
                shd18=shd(truth18, adj), shd20=shd(truth20, adj), shift=sp.shift_density_, seconds=seconds)


def main() -> int:
    if not (DATA / MIXED).exists():
        print(f"skipping: {DATA / MIXED} not found")
        return 0
    print("| splitter | k | ARI | purity PKC / Mek / PIP2 (all five) | targets found (per condition) | "
          "Jaccard nominal / JCI | exact nominal / JCI (of 5) | SHD 18 / 20 (search) | fit + search s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, settings in (("default", {}), ('selection="cutoff"', {"selection": "cutoff"})):
        r = run(settings)
        pur = {p["condition"]: p["purity"] for p in r["per"]}
        found = "; ".join(f"{p['condition']}: {sorted(p['targets']) if p['targets'] is not None else '-'}"
                          for p in r["per"])
        print(f"| {name} | {r['k']} | {r['ari']:.3f} | {pur['g0076']:.2f} / {pur['u0126']:.2f} / "
              f"{pur['psitect']:.2f} ({', '.join(f'{v:.2f}' for v in pur.values())}) | {found} | "
              f"{np.mean([p['nominal'] for p in r['per']]):.3f} / {np.mean([p['jci'] for p in r['per']]):.3f} | "
              f"{sum(p['nominal'] == 1.0 for p in r['per'])} / {sum(p['jci'] == 1.0 for p in r['per'])} | "
              f"{r['shd18']} / {r['shd20']} ({r['search']}) | {r['seconds']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
