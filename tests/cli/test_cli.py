"""The ``pgmpy-mixture`` command line: demo, simulate, disentangle (in-process, and once as a subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
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


# ------------------------------------------------------------------------------------------ version, warnings, truth
def test_version_prints_the_package_version(capsys):
    # before: "unrecognized arguments: --version"
    import importlib.metadata

    import pgmpy_mixture

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pgmpy-mixture {pgmpy_mixture.__version__}"
    assert importlib.metadata.version("pgmpy-mixture") == pgmpy_mixture.__version__  # one source (pyproject)


@pytest.fixture(scope="module")
def asia_files(tmp_path_factory):
    """A simulated mixture on pgmpy's asia network (zero CPD entries: positivity fails) and its truth file."""
    folder = tmp_path_factory.mktemp("asia")
    data, truth = folder / "mix.csv", folder / "truth.json"
    assert main(["simulate", "--model", "example:asia", "--samples", "5000", "--seed", "2", "--targets", "3",
                 "--max-target-size", "1", "--out", str(data), "--truth", str(truth)]) == 0
    return data, truth


def _command() -> list[str]:
    """The installed console script (whose ``sys.exit(main())`` line Python used to print), else ``python -m``."""
    script = Path(sys.executable).with_name("pgmpy-mixture")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pgmpy_mixture.cli"]


def test_warnings_are_printed_once_without_a_source_line(asia_files):
    # before: each PositivityWarning twice, once by Python with the line that called main(): sys.exit(main())
    data, _ = asia_files
    run = subprocess.run([*_command(), "disentangle", "--model", "example:asia", "--data", str(data), "--method",
                          "paper"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    both = run.stdout + run.stderr
    assert "PositivityWarning" not in both and "main()" not in both  # no Python warning line, no source line
    messages = [line.split("warning: ", 1)[1] for line in both.splitlines() if "warning: " in line]
    assert messages and any("positivity" in m for m in messages)
    assert len(messages) == len(set(messages))  # each once


def test_warnings_not_in_the_report_go_to_stderr_once(monkeypatch, capsys):
    import warnings as python_warnings

    from pgmpy_mixture.cli import discrete
    from pgmpy_mixture.errors import EstimationWarning, warn_at_caller

    def noisy(args, out=None):
        for _ in range(3):
            warn_at_caller("few samples", EstimationWarning)
            warn_at_caller("a note for the caller")  # a UserWarning attributed to the line that called main()
        python_warnings.warn("someone else's", DeprecationWarning, stacklevel=2)  # attributed to cli.main's line
        return 0

    monkeypatch.setattr(discrete, "cmd_simulate", noisy)
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("always")
        monkeypatch.setattr(python_warnings, "showwarning",  # what Python prints for warnings not ours
                            lambda message, category, *rest: print(f"python: {category.__name__}: {message}",
                                                                   file=sys.stderr))
        assert main(["simulate", "--model", "example:cancer", "--samples", "1", "--out", "-"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err.count("pgmpy-mixture: warning: few samples") == 1
    assert err.count("pgmpy-mixture: warning: a note for the caller") == 1
    assert err.count("python: DeprecationWarning: someone else's") == 1


def test_disentangle_scores_against_the_truth_file(asia_files, capsys, tmp_path):
    # before: "unrecognized arguments: --truth"
    data, truth = asia_files
    capsys.readouterr()
    assert main(["disentangle", "--model", "example:asia", "--data", str(data), "--truth", str(truth),
                 "--method", "paper", "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert f"against the true mixture in {truth}" in out
    assert "true target" in out and "recovered target" in out
    scores = out.strip().splitlines()[-1]
    assert scores.startswith("recall ") and "n_true 3" in scores
    doc = json.loads((tmp_path / "r.json").read_text())
    assert abs(sum(doc["weights"]) - 1) < 1e-9


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "as JSON"),
        ('{"components": []}', "has no list of components"),
        ('{"components": [{"target": {"nosuch": "yes"}, "weight": 1}]}', "'nosuch', which is not a variable"),
        ('{"components": [{"target": {"asia": "maybe"}, "weight": 1}]}', "sets 'asia' to 'maybe'"),
        ('{"components": [{"target": {}, "weight": -1}]}', "component 0 has weight -1"),
        ('{"components": [{"weight": 1}]}', "component 0 has no target"),
    ],
)
def test_a_bad_truth_file_is_named_before_any_work(asia_files, tmp_path, capsys, content, message):
    data, _ = asia_files
    truth = tmp_path / "truth.json"
    if content is not None:
        truth.write_text(content)
    assert main(["disentangle", "--model", "example:asia", "--data", str(data), "--truth", str(truth)]) == 2
    captured = capsys.readouterr()
    assert f"--truth file '{truth}'" in captured.err and message in captured.err
    assert captured.out == ""  # nothing was fitted or printed


# ------------------------------------------------------------------------------------------ optional extras
def test_plot_without_matplotlib_names_the_extra_before_any_work(monkeypatch, capsys, tmp_path):
    # before: ModuleNotFoundError: No module named 'matplotlib' (a traceback)
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["demo", "--model", "example:cancer", "--samples", "1000", "--quiet", "--plot",
                 str(tmp_path / "x.png")]) == 2
    captured = capsys.readouterr()
    assert 'needs the optional package matplotlib: install the "plot" extra' in captured.err
    assert captured.out == ""


def test_split_graph_without_causallearn_names_the_extra_before_the_fit(monkeypatch, capsys, tmp_path):
    # before: ModuleNotFoundError after the whole fit
    import sys

    path = tmp_path / "x.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(300, 2)), columns=["a", "b"]).to_csv(path, index=False)
    monkeypatch.setitem(sys.modules, "causallearn", None)
    fits = []
    monkeypatch.setattr("pgmpy_mixture.cli.gaussian._fit", lambda *a: fits.append(a))
    assert main(["split", "--data", str(path), "--graph", "pc"]) == 2
    assert '"causallearn" extra' in capsys.readouterr().err and not fits


# ------------------------------------------------------------------------------------------ files read as text
def test_marginals_file_keeps_state_names_and_names_a_bad_probability(tmp_path):
    # before: the state name None was read as a missing value
    from pgmpy_mixture.cli.io import read_marginals
    from pgmpy_mixture.errors import ParameterError

    path = tmp_path / "m.csv"
    path.write_text("variable,state,probability\nDuctFlow,None,0.25\nDuctFlow,Low,0.75\n")
    frame = read_marginals(str(path))
    assert frame["state"].tolist() == ["None", "Low"] and frame["probability"].tolist() == [0.25, 0.75]
    path.write_text("variable,state,probability\nDuctFlow,None,a quarter\n")
    with pytest.raises(ParameterError, match=r"'probability' has a non-number 'a quarter' at row 0"):
        read_marginals(str(path))


def test_side_by_side_never_prints_a_listed_weight_as_zero():
    from pgmpy_mixture.cli.discrete import side_by_side
    from pgmpy_mixture.result import Component, MixtureResult

    true = [Component({}, 1.0)]
    est = MixtureResult([Component({}, 1.0 - 2.3e-5), Component({"A": "x"}, 2.3e-5)], "likelihood")
    table = side_by_side(true, est)
    assert "2.3e-05" in table and "0.0000" not in table
