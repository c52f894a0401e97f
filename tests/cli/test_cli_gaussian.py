"""``pgmpy-mixture split``: the Gaussian path on the command line (simulated mixtures with a known answer)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pgmpy_mixture.cli import main
from pgmpy_mixture.cli.gaussian import edge_lines
from pgmpy_mixture.gaussian.metrics import adjusted_rand
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

NAMES = ["a", "b", "c"]


def _write(tmp_path, seed: int, sep: str = ","):
    sim = simulate_linear_mixture(n_nodes=3, n_samples=6000, random_state=seed)
    path = tmp_path / ("x.tsv" if sep == "\t" else "x.csv")
    pd.DataFrame(sim.data, columns=NAMES).to_csv(path, index=False, sep=sep)
    return sim, path


@pytest.mark.parametrize("seed", [2, 7])
def test_split_recovers_components_targets_labels_and_dag(tmp_path, capsys, seed):
    sim, path = _write(tmp_path, seed)
    out_json, out_labels = tmp_path / "fit.json", tmp_path / "labels.csv"
    code = main(["split", "--data", str(path), "--graph", "sem", "--json", str(out_json), "--labels", str(out_labels)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "GaussianMixtureFit(components=4, variables=3, n_samples=6000)" in printed
    assert "model selection" in printed
    doc = json.loads(out_json.read_text())
    assert doc["columns"] == NAMES and doc["n_components"] == 4
    found = sorted(sorted(c["targets"]) for c in doc["components"])
    assert found == sorted(sorted(NAMES[j] for j in t) for t in sim.targets)
    assert [c["observational"] for c in doc["components"]].count(True) == 1
    assert abs(sum(c["weight"] for c in doc["components"]) - 1) < 1e-9
    truth = edge_lines(sim.sem.adjacency, NAMES)
    assert sorted(doc["edges"]) == sorted(truth)
    assert all(f"  {line}" in printed for line in truth)
    labels = pd.read_csv(out_labels)
    assert list(labels.columns) == ["component", "label", "probability"] and len(labels) == 6000
    assert adjusted_rand(sim.labels, labels["component"].to_numpy()) > 0.95
    assert ((labels["probability"] > 0) & (labels["probability"] <= 1)).all()


def test_split_tab_separated_columns_fixed_count_and_plot(tmp_path, capsys):
    sim, path = _write(tmp_path, 2, sep="\t")
    png = tmp_path / "sel.png"
    assert main(["split", "--data", str(path), "--columns", "c,a", "--n-components", "2", "--plot", str(png),
                 "--json", "-"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)  # with --json -, stdout holds the JSON alone; the report goes to stderr
    assert doc["columns"] == ["c", "a"] and doc["n_components"] == 2 and len(doc["selection"]) == 1
    assert "GaussianMixtureFit(components=2" in captured.err
    assert "model selection" not in captured.err  # a fixed count has no curve to show
    assert png.stat().st_size > 0 and png.read_bytes()[:4] == b"\x89PNG"


def test_split_essential_graph_orients_only_what_the_interventions_identify(tmp_path, capsys):
    # every node intervened: the I-essential graph is the DAG itself
    sim, path = _write(tmp_path, 2)
    assert main(["split", "--data", str(path), "--graph", "essential", "--json", str(tmp_path / "all.json")]) == 0
    assert sorted(json.loads((tmp_path / "all.json").read_text())["edges"]) == sorted(
        edge_lines(sim.sem.adjacency, NAMES))
    # observational data only, on the complete DAG a -> b -> c, a -> c: nothing is identified, all undirected
    obs = simulate_linear_mixture(n_nodes=3, n_samples=3000, targets=[], random_state=2)
    assert obs.sem.adjacency.sum() == 3
    pd.DataFrame(obs.data, columns=NAMES).to_csv(tmp_path / "obs.csv", index=False)
    assert main(["split", "--data", str(tmp_path / "obs.csv"), "--n-components", "1", "--graph", "essential",
                 "--json", str(tmp_path / "obs.json")]) == 0
    assert sorted(json.loads((tmp_path / "obs.json").read_text())["edges"]) == ["a --- b", "a --- c", "b --- c"]


def test_split_runs_a_causal_learn_search_and_keeps_column_names(tmp_path, capsys):
    pytest.importorskip("causallearn")
    _, path = _write(tmp_path, 2)
    assert main(["split", "--data", str(path), "--graph", "pc", "--k-max", "4"]) == 0
    printed = capsys.readouterr().out
    assert "graph (pc," in printed
    edges = printed[printed.index("graph (pc,"):].splitlines()[1:]
    assert edges and all(line.split()[0] in NAMES and line.split()[-1] in NAMES for line in edges)
    assert "shift(X" not in printed  # the column names, not X0, X1, ...


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--data", "{dir}/nosuch.csv"], "does not exist"),
        (["--data", "{csv}", "--columns", "a,zz"], "'zz'"),
        (["--data", "{csv}", "--n-components", "many"], "--n-components"),
        (["--data", "{text}"], "'label'"),
        (["--data", "{csv}", "--n-components", "9999"], "n_components"),
        (["--data", "{csv}", "--json", "{dir}/no/such/folder/fit.json"], "--json: the folder"),
        (["--data", "{csv}", "--plot", "{dir}/k.xyz"], "cannot write a figure as 'xyz'"),
        (["--data", "{csv}", "--alpha", "2"], "alpha"),
        (["--data", "{csv}", "--jobs", "0"], "n_jobs"),
    ],
)
def test_split_bad_input_exits_2_naming_the_culprit(tmp_path, capsys, argv, message):
    _, csv = _write(tmp_path, 2)
    text = tmp_path / "text.csv"
    frame = pd.read_csv(csv).head(50)
    frame.assign(label=np.where(np.arange(50) % 2, "x", "y")).to_csv(text, index=False)
    argv = [a.format(dir=tmp_path, csv=csv, text=text) for a in argv]
    assert main(["split", *argv]) == 2
    assert message in capsys.readouterr().err


def test_split_reports_assumption_warnings_without_source_lines(tmp_path, capsys):
    # one skewed population cut into clusters: every mechanism differs between clusters (the Sachs situation)
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4000, 4))
    path = tmp_path / "skew.csv"
    pd.DataFrame(np.exp(z @ np.triu(np.ones((4, 4)))), columns=list("pqrs")).to_csv(path, index=False)
    assert main(["split", "--data", str(path), "--n-components", "4"]) == 0
    err = capsys.readouterr().err
    assert "pgmpy-mixture: warning: the sparse-mechanism-shift assumption looks violated" in err
    assert "return _finish" not in err


# ------------------------------------------------------------------------------------------ simulate --gaussian
def test_simulate_gaussian_then_split_recovers_the_truth(tmp_path, capsys):
    """``simulate --gaussian`` writes continuous data, labels and truth that ``split`` reads back; on its defaults
    ``split`` finds the true count, targets and DAG (new command: failed before, --gaussian was unknown)."""
    data, truth, labels = tmp_path / "g.csv", tmp_path / "t.json", tmp_path / "l.csv"
    assert main(["simulate", "--gaussian", "4", "--samples", "3000", "--seed", "1", "--targets", "3", "--out",
                 str(data), "--truth", str(truth), "--labels", str(labels)]) == 0
    doc = json.loads(truth.read_text())
    frame = pd.read_csv(data)
    assert list(frame.columns) == ["X0", "X1", "X2", "X3"] and len(frame) == 3000
    assert [c["label"] for c in doc["components"]][0] == "observational" and len(doc["components"]) == 3
    assert all(len(c["targets"]) == 1 for c in doc["components"][1:])
    assert len(pd.read_csv(labels)) == 3000
    capsys.readouterr()
    fitted = tmp_path / "fit.json"
    assert main(["split", "--data", str(data), "--graph", "sem", "--json", str(fitted)]) == 0
    fit = json.loads(fitted.read_text())
    assert fit["n_components"] == 3
    assert sorted(sorted(c["targets"]) for c in fit["components"]) == sorted(
        sorted(c["targets"]) for c in doc["components"])
    assert sorted(fit["edges"]) == sorted(doc["edges"])


@pytest.mark.parametrize("argv, culprit", [
    (["--gaussian", "3", "--samples", "100", "--targets", "5"], "--targets=5"),
    (["--gaussian", "0", "--samples", "100"], "--gaussian"),
    (["--gaussian", "3", "--samples", "100", "--shift", "-1"], "--shift"),
    (["--samples", "100"], "--model"),
])
def test_simulate_gaussian_bad_options_are_named(tmp_path, capsys, argv, culprit):
    assert main(["simulate", *argv, "--out", str(tmp_path / "x.csv")]) == 2
    assert culprit in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
