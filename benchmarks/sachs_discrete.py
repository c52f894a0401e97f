"""Real-data showcase: disentangle the discretised Sachs et al. (2005) flow-cytometry mixture, conditions hidden.

Data: ``../shared/data/sachs/sachs.2005.continuous.discrete.experimental.mixed.maximum.2.txt`` (11 protein
columns plus 0/1 condition indicators). The mixture is the 6-condition set used for Mixture-UTIGSP
(``shared/notes/reference-facts.md``): observational (cd3_cd28 or icam2 alone) and the perturbations
aktinhib (Akt), g0076 (PKC), psitect (PIP2), u0126 (Mek), ly (PIP3).

* Discretisation (ours): each protein is cut into 3 levels LOW / AVG / HIGH at the tertiles of the
  observational rows.
* Network: the graph of pgmpy's bundled ``sachs`` example (read offline from its ``.bif.gz`` with
  ``BIFReader``); its CPDs are NOT used: P(V) is fitted from the observational rows (``observational=``,
  plug-in, smoothed by 1/M) because our discretisation differs from bnlearn's.
* The conditions are hidden from the methods; afterwards each row is assigned to its most responsible
  component and the assignment is compared with the true conditions (contingency table, adjusted Rand index).

Run from the repository root (skips cleanly when the data or pgmpy are missing)::

    nice python benchmarks/sachs_discrete.py [--methods likelihood,paper] [--penalty local]
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sachs"
FILE = "sachs.2005.continuous.discrete.experimental.mixed.maximum.2.txt"
COLUMNS = {
    "raf": "Raf", "mek": "Mek", "plc": "Plcg", "pip2": "PIP2", "pip3": "PIP3", "erk": "Erk",
    "akt": "Akt", "pka": "PKA", "pkc": "PKC", "p38": "P38", "jnk": "Jnk",
}
PERTURBATIONS = {"aktinhib": "Akt", "g0076": "PKC", "psitect": "PIP2", "u0126": "Mek", "ly": "PIP3"}
LEVELS = ["LOW", "AVG", "HIGH"]


def load(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    raw = pd.read_csv(path, sep="\t")
    others = ["pma", "b2camp"]
    condition = pd.Series("observational", index=raw.index)
    for column in PERTURBATIONS:
        condition[raw[column] == 1] = column
    keep = (raw[others].sum(axis=1) == 0) & (raw[list(PERTURBATIONS)].sum(axis=1) <= 1)
    raw, condition = raw[keep].reset_index(drop=True), condition[keep].reset_index(drop=True)
    proteins = raw[list(COLUMNS)].rename(columns=COLUMNS)
    observational = condition == "observational"
    levels = {}
    for name in proteins:
        cuts = np.quantile(proteins.loc[observational, name], [1 / 3, 2 / 3])
        levels[name] = pd.Categorical.from_codes(np.searchsorted(cuts, proteins[name].to_numpy(), side="right"),
                                                 categories=LEVELS)
    return pd.DataFrame(levels), condition


def sachs_graph():
    import pgmpy
    from pgmpy.readwrite import BIFReader

    path = Path(os.path.dirname(pgmpy.__file__)) / "utils" / "example_models" / "sachs.bif.gz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BIFReader(string=gzip.open(path).read().decode()).get_model()
    return {node: sorted(model.get_parents(node)) for node in model.nodes()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default="likelihood,paper")
    parser.add_argument("--penalty", default="local")
    args = parser.parse_args(argv)
    path = DATA / FILE
    if not path.exists():
        print(f"skipped: Sachs data not found at {path}")
        return 0
    try:
        parents = sachs_graph()
    except ImportError:
        print("skipped: pgmpy is not installed (needed only to read the bundled sachs graph)")
        return 0
    from sklearn.metrics import adjusted_rand_score

    from pgmpy_mixture.api import disentangle_mixture
    from pgmpy_mixture.data.counts import CountTable
    from pgmpy_mixture.model.network import CausalNetwork

    data, condition = load(path)
    variables = list(data.columns)
    states = [LEVELS] * len(variables)
    # placeholder uniform CPDs: only the graph is used, CPDs are fitted from the observational rows
    network = CausalNetwork.from_tables(
        variables, dict.fromkeys(variables, LEVELS), parents,
        {v: np.full(tuple(3 for _ in parents[v]) + (3,), 1 / 3) for v in variables},
    )
    mixture = CountTable.from_frame(data, variables, states)
    observational = CountTable.from_frame(data[condition == "observational"], variables, states)
    truth = condition.value_counts(normalize=True)
    print(f"Sachs mixture: {len(data)} rows, {len(truth)} hidden conditions; observational rows "
          f"{int((condition == 'observational').sum())} (used for the CPDs)\n")
    print("| condition | perturbed protein | share of rows |\n|---|---|---:|")
    for name, share in truth.items():
        print(f"| {name} | {PERTURBATIONS.get(name, '-')} | {share:.3f} |")
    for method in args.methods.split(","):
        options = {"observational": observational}
        if method == "likelihood":
            options["penalty"] = args.penalty if args.penalty in ("local", "bic", "aic") else float(args.penalty)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = disentangle_mixture(network, mixture, method=method, **options)
        seconds = time.perf_counter() - start
        resp = result.responsibilities(data)
        assigned = resp.to_numpy().argmax(axis=1)
        ari = adjusted_rand_score(condition, assigned)
        print(f"\n### method={method}: {len(result)} components, {seconds:.1f} s, adjusted Rand index of the row "
              f"assignment vs the hidden conditions = {ari:.3f}\n")
        table = pd.crosstab(pd.Series(np.asarray(result.to_frame()["target"])[assigned], name="component"),
                            condition.rename("condition"))
        frame = result.to_frame()
        has_ci = all(c.stderr is not None for c in result.components)
        ci = result.confidence_intervals() if has_ci else None
        print("| component | weight | 95% CI | existence | rows assigned, by hidden condition |")
        print("|---|---:|---|---:|---|")
        for i, comp in enumerate(result.components[:15]):
            label = frame["target"].iloc[i]
            counts = table.loc[label] if label in table.index else pd.Series(dtype=float)
            top = ", ".join(f"{k} {int(v)}" for k, v in counts.sort_values(ascending=False).items() if v > 0)
            interval = f"[{ci['lower'].iloc[i]:.3f}, {ci['upper'].iloc[i]:.3f}]" if has_ci else "-"
            exist = f"{comp.existence:.3f}" if comp.existence is not None else "-"
            print(f"| {label} | {comp.weight:.3f} | {interval} | {exist} | {top} |")
        if len(result) > 15:
            print(f"| ... {len(result) - 15} more, total weight {result.weights[15:].sum():.3f} | | | | |")
        found = {v for c in result.components for v in c.target}
        print("\nPerturbed proteins appearing in some recovered target: "
              + ", ".join(f"{p} ({'yes' if p in found else 'no'})" for p in PERTURBATIONS.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
