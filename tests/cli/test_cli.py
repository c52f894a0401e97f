"""The ``pgmpy-mixture`` command line: demo, simulate, disentangle (in-process, and once as a subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pgmpy_mixture.cli import main
from pgmpy_mixture.cli.io import parse_options, read_csv


def test_demo_recovers_the_mixture_and_prints_it_side_by_side(capsys):
    assert main(["demo", "--samples", "100000", "--seed", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "example:sachs" in out and "true target" in out and "recovered target" in out
    assert "recall 1.0000" in out


def test_demo_exact_distribution(capsys):
    assert main(["demo", "--model", "example:cancer", "--exact", "--targets", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "method 'exact'" in out and "recall 1.0000" in out and "rmse 0.0000" in out


def test_simulate_then_disentangle_round_trip(tmp_path, capsys):
    from pgmpy_mixture.discrete.metrics import evaluate
    from pgmpy_mixture.result import Component

    data, labels = tmp_path / "mix.csv", tmp_path / "labels.csv"
    truth_file, out_json = tmp_path / "truth.json", tmp_path / "result.json"
    code = main(["simulate", "--model", "example:survey", "--samples", "100000", "--seed", "3", "--targets", "4",
                 "--max-target-size", "2", "--out", str(data), "--labels", str(labels), "--truth", str(truth_file)])
    assert code == 0
    frame = pd.read_csv(data, dtype=str)
    assert list(frame.columns) == ["A", "S", "E", "O", "R", "T"] and len(frame) == 100_000
    truth = json.loads(truth_file.read_text())["components"]
    hidden = pd.read_csv(labels)
    assert len(hidden) == 100_000 and set(hidden["target"]) <= {c["label"] for c in truth}
    shares = hidden["component"].value_counts(normalize=True).sort_index().to_numpy()
    assert abs(shares - [c["weight"] for c in truth]).max() < 0.01
    assert main(["disentangle", "--model", "example:survey", "--data", str(data), "--json", str(out_json)]) == 0
    assert capsys.readouterr().out.startswith("MixtureResult(")
    doc = json.loads(out_json.read_text())
    assert doc["sample_size"] == 100_000 and doc["options"]["method"] == "likelihood"  # the "auto" default
    assert abs(sum(doc["weights"]) - 1) < 1e-9
    scores = evaluate([Component(c["target"], c["weight"]) for c in truth],
                      [Component(c["target"], c["weight"]) for c in doc["components"]])
    assert scores["recall"] == 1.0 and scores["rmse"] < 0.05


def test_disentangle_with_weights_column_from_a_bif_file(tmp_path, capsys):
    import gzip

    from pgmpy_mixture.model.examples import example_path

    bif = tmp_path / "cancer.bif"
    bif.write_bytes(gzip.decompress(example_path("cancer").read_bytes()))
    frame = pd.DataFrame({"Pollution": ["low", "high"], "Smoker": ["True", "True"], "Cancer": ["True", "False"],
                          "Xray": ["positive", "negative"], "Dyspnoea": ["True", "False"], "n": [3, 4]})
    frame.to_csv(tmp_path / "counts.csv", index=False)
    assert main(["disentangle", "--model", str(bif), "--data", str(tmp_path / "counts.csv"), "--weights", "n",
                 "--method", "paper", "--json", "-"]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # with --json -, stdout holds the JSON alone (the table goes to stderr)
    assert doc["sample_size"] == 7 and doc["method"] == "paper"
    assert abs(sum(doc["weights"]) - 1) < 1e-9


@pytest.mark.parametrize(
    "argv, message",
    [
        (["disentangle", "--model", "example:nosuch", "--data", "x.csv"], "unknown example network"),
        (["disentangle", "--model", "example:cancer", "--data", "missing.csv"], "does not exist"),
        (["demo", "--option", "epsilon"], "KEY=VALUE"),
        (["demo", "--method", "nosuch", "--quiet", "--samples", "100"], "method='nosuch'"),
    ],
)
def test_errors_exit_with_status_2_and_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_csv_names_the_culprit(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"Pollution": ["low"], "Smoker": ["maybe"], "Cancer": ["True"], "Xray": ["positive"],
                  "Dyspnoea": ["True"]}).to_csv(path, index=False)
    assert main(["disentangle", "--model", "example:cancer", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert "'Smoker'" in err and "'maybe'" in err


def test_read_csv_keeps_state_names_that_pandas_would_call_missing(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("DuctFlow,n\nNone,2\nNA,1\n,3\n")
    frame = read_csv(str(path), weights="n")
    assert frame["DuctFlow"].tolist()[:2] == ["None", "NA"] and pd.isna(frame["DuctFlow"].iloc[2])
    assert frame["n"].tolist() == [2.0, 1.0, 3.0]
    path.write_text("A,n\nx,two\n")
    with pytest.raises(ValueError, match="'n'.*'two'"):
        read_csv(str(path), weights="n")


def test_parse_options():
    assert parse_options(["epsilon=0.5", "k=3", "flag=true", "x=none"]) == {"epsilon": 0.5, "k": 3, "flag": True,
                                                                          "x": None}


def test_console_script_entry_point_runs():
    script = Path(sys.executable).with_name("pgmpy-mixture")
    if not script.exists():
        script = Path(shutil.which("pgmpy-mixture") or "")
    if not script.is_file():
        pytest.skip("the pgmpy-mixture console script is not installed in this environment")
    run = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "disentangle" in run.stdout and "simulate" in run.stdout
