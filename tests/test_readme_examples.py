"""The documentation's examples work as written, so README.md and docs/*.md cannot rot.

* Every ```python block of README.md and docs/*.md runs in a fresh namespace, from an empty temporary directory,
  unless the line right before it is ``<!-- no-test -->`` (then it must still compile). Blocks that import an
  optional package skip when it is absent. Where the text or a comment states a result, a check below asserts it.
  A docs block that continues from context the text describes (``model``, a data file) gets that context from a
  set-up function keyed by the file and the heading above the block.
* Every ``--flag`` of a ``pgmpy-mixture`` command in the documentation exists in the CLI's parser, and every flag of a
  ``benchmarks/NAME.py`` command quoted in README.md, docs/*.md or benchmarks/RESULTS.md exists in that script.

The set-up commands block (after ``<!-- setup-commands -->``, bash) is checked by tests/test_packaging.py.
"""

from __future__ import annotations

import ast
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NO_TEST = "<!-- no-test -->"
# optional extras (causallearn, plot, scale): a block importing one of these skips when it is not installed
OPTIONAL = {"causallearn", "dask", "distributed", "pyarrow", "matplotlib"}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    heading: str
    code: str
    run: bool

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks(path: Path, language: str = "python") -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(rf"^```{language}\n(.*?)^```", text, re.S | re.M):
        before = text[: match.start()]
        headings = re.findall(r"^#+ +(.+)$", before, re.M)
        found.append(Block(path, before.count("\n") + 1, headings[-1].strip() if headings else "",
                           match.group(1), not before.rstrip().endswith(NO_TEST)))
    return found


PYTHON_BLOCKS = [block for path in DOC_FILES for block in _blocks(path)]


def _imported_roots(code: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


# ---------------------------------------------------------------------------------------------------------------
# What the text claims about each block's result (keyed by file name and the heading above the block)


def _targets(result) -> list[dict]:
    return [dict(c.target) for c in result.components]


def _check_api_tour(ns: dict, out: str) -> None:
    result = ns["result"]
    assert "MixtureResult(" in out and "do(O=self, T=train)" in out
    assert sorted(map(str, _targets(result))) == sorted(map(str, ns["truth"]))
    assert dict(result.components[0].target) == {}  # the observational component is the heaviest here
    weights = [c.weight for c in result.components]
    assert weights == sorted(weights, reverse=True) and abs(sum(weights) - 1) < 1e-9
    assert result.responsibilities(ns["df"].head()).shape == (5, 3)
    posterior = ns["infer"].component_posterior({"T": "train", "O": "self"})
    assert posterior.idxmax() == "do(O=self, T=train)"


def _check_queries(ns: dict, out: str) -> None:
    infer, seen = ns["infer"], ns["seen"]
    t = infer.query(["T"], evidence={"E": "uni"}, show_progress=False)
    assert t.get_value(T="car") == pytest.approx(0.508, abs=5e-4)
    assert t.get_value(T="train") == pytest.approx(0.351, abs=5e-4)
    marginals = infer.query(["T", "R"], {"E": "uni"}, [seen], "MinFill", False)
    assert set(marginals) == {"T", "R"}
    posterior = infer.component_posterior({"T": "train"}, virtual_evidence=[seen])
    assert posterior["do(O=self, T=train)"] == pytest.approx(0.756, abs=5e-4)
    assert posterior["observational"] == pytest.approx(0.150, abs=5e-4)
    assert infer.map_query(["O", "T"], {"E": "uni"}, [seen], show_progress=False) == {"O": "self", "T": "train"}
    full = infer.map_query(evidence={"E": "uni"}, show_progress=False)
    assert set(full) == {"A", "S", "O", "R", "T"} and full["A"] == "adult" and full["S"] == "M"


def _check_marginals(ns: dict, out: str) -> None:
    result = ns["result"]
    assert sorted(map(str, _targets(result))) == sorted(map(str, [{}, {"PKC": "HIGH"}, {"Erk": "LOW"}]))
    np.testing.assert_allclose([c.weight for c in result.components], [0.6, 0.25, 0.15], atol=0.01)


def _check_continuous(ns: dict, out: str) -> None:
    sp = ns["sp"]
    assert sp.n_components_ == 5  # observational + do(X_j) for each of the 4 nodes
    interventional = [t for i, t in enumerate(sp.targets_) if i != sp.observational_component_]
    assert sorted(map(sorted, interventional)) == [[0], [1], [2], [3]]
    assert sp.targets_[sp.observational_component_] == set()
    assert len(ns["parts"]) == 5 and sum(len(p) for p in ns["parts"]) == len(ns["sim"].data)


def _check_larger_than_memory(ns: dict, out: str) -> None:
    table = ns["table"]
    assert table.n_rows == 150_000 and len(table.weights) <= 144  # survey: 144 possible assignments
    assert {"{}", "{'E': 'uni'}"} <= set(map(str, _targets(ns["result"])))  # from the first 50 000 rows
    printed = out.split("MixtureResult(", 1)[1]  # the table's result: exactly the two true components
    assert re.findall(r"^  (observational|do\(.*?\)) ", printed, re.M) == ["observational", "do(E=uni)"]


def _check_entry_point(ns: dict, out: str) -> None:
    assert _targets(ns["result"]) == [{}, {"E": "uni"}]
    assert ns["table"].n_rows == 60_000


CHECKS: dict[tuple[str, str], Callable[[dict, str], None]] = {
    ("README.md", "API tour"): _check_api_tour,
    ("README.md", "Queries under the mixture"): _check_queries,
    ("README.md", "Aggregate observations"): _check_marginals,
    ("README.md", "Continuous data and causal-learn"): _check_continuous,
    ("README.md", "Data larger than memory"): _check_larger_than_memory,
    ("large-data.md", "One entry point for every source"): _check_entry_point,
}


def _setup_entry_point(tmp_path: Path) -> dict:
    """What the text before the block describes: a pgmpy model, events.csv / events-*.parquet, a GROUP BY frame."""
    pytest.importorskip("pyarrow")
    from pgmpy_mixture.adapters.examples import load_example
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
    from pgmpy_mixture.discrete.simulate import sample_frame

    model = load_example("survey")
    df, _ = sample_frame(network_from_pgmpy(model), [{}, {"E": "uni"}], [0.7, 0.3], 60_000, rng=1)
    df.to_csv(tmp_path / "events.csv", index=False)
    df.iloc[:30_000].to_parquet(tmp_path / "events-0.parquet")
    df.iloc[30_000:].to_parquet(tmp_path / "events-1.parquet")
    grouped = df.groupby(list(df.columns), observed=True).size().rename("n").reset_index()
    return {"model": model, "grouped_frame": grouped}


SETUPS: dict[tuple[str, str], Callable[[Path], dict]] = {
    ("large-data.md", "One entry point for every source"): _setup_entry_point,
}


def _lookup(table: dict, block: Block):
    for (name, heading), value in table.items():
        if block.path.name == name and block.heading.startswith(heading):
            return value
    return None


@pytest.mark.parametrize("block", [b for b in PYTHON_BLOCKS if b.run], ids=lambda b: b.id)
def test_python_example_runs_as_written(block, tmp_path, monkeypatch, capsys):
    for module in sorted(_imported_roots(block.code) & OPTIONAL):
        pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)  # a newcomer's empty directory; tempfile.mkdtemp() lands in tmp_path too
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace = {"__name__": "__main__"}
    setup = _lookup(SETUPS, block)
    if setup is not None:
        namespace.update(setup(tmp_path))
    exec(compile(block.code, block.id, "exec"), namespace)
    check = _lookup(CHECKS, block)
    if check is not None:
        check(namespace, capsys.readouterr().out)


@pytest.mark.parametrize("block", [b for b in PYTHON_BLOCKS if not b.run], ids=lambda b: b.id)
def test_example_marked_no_test_still_compiles(block):
    compile(block.code, block.id, "exec")


def test_every_readme_example_runs_and_every_check_finds_its_block():
    readme = [b for b in PYTHON_BLOCKS if b.path.name == "README.md" and b.run]
    assert len(readme) >= 5, "the README's examples must be found and run"
    for key in [*CHECKS, *SETUPS]:
        assert any(b.path.name == key[0] and b.heading.startswith(key[1]) and b.run for b in PYTHON_BLOCKS), key


# ---------------------------------------------------------------------------------------------------------------
# Flags quoted in the documentation exist


def _doc_lines() -> list[tuple[str, int, str]]:
    lines = []
    for path in [*DOC_FILES, ROOT / "benchmarks" / "RESULTS.md"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            lines.append((path.name, number, line))
    return lines


FLAG = r"(?<![\w-])--[a-z][a-z0-9-]*"


def _cli_commands() -> list[tuple[str, str, list[str]]]:
    """(where, subcommand, flags) for each ``pgmpy-mixture SUB ...`` on a line of the documentation."""
    found = []
    for name, number, line in _doc_lines():
        for match in re.finditer(r"pgmpy-mixture (demo|simulate|disentangle|split)\b([^`\n]*)", line):
            found.append((f"{name}:{number}", match.group(1), re.findall(FLAG, match.group(2))))
    return found


def test_documented_cli_flags_exist():
    from pgmpy_mixture.cli import build_parser

    subparsers = next(a for a in build_parser()._actions if a.dest == "command").choices
    commands = _cli_commands()
    assert len(commands) >= 8
    for where, sub, flags in commands:
        known = set(subparsers[sub]._option_string_actions)
        assert set(flags) <= known, f"{where}: pgmpy-mixture {sub} has no {sorted(set(flags) - known)}"
    # flags named in the prose around the commands (or a command wrapped onto the next line): some subcommand has them
    every = set().union(*(set(p._option_string_actions) for p in subparsers.values()))
    every |= set(build_parser()._option_string_actions)  # the top-level flags (--version, --help)
    for name, number, line in _doc_lines():
        if name == "RESULTS.md" or re.search(r"\w+\.py\b", line):
            continue
        prose = re.sub(r"pgmpy-mixture (demo|simulate|disentangle|split)\b[^`\n]*", "", line)
        unknown = set(re.findall(FLAG, prose)) - every
        assert not unknown, f"{name}:{number}: no pgmpy-mixture subcommand has {sorted(unknown)}"


def _script_flags(script: Path) -> set[str]:
    """Option strings of every ``add_argument`` call in a benchmark script (BooleanOptionalAction adds --no-X)."""
    flags = set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and str(a.value).startswith("--")]
            flags.update(names)
            if any(k.arg == "action" and "BooleanOptional" in ast.unparse(k.value) for k in node.keywords):
                flags.update("--no-" + n[2:] for n in names)
    return flags


def test_benchmark_commands_quoted_in_the_docs_use_existing_flags():
    """A command may wrap onto the next line; flags after a script name belong to it until the next heading."""
    checked = 0
    current = None
    for name, number, line in _doc_lines():
        if line.startswith("#"):
            current = None
        scripts = re.findall(r"benchmarks/(\w+)\.py|`(\w+)\.py", line)
        if scripts:
            current = next(a or b for a, b in reversed(scripts))
        script = ROOT / "benchmarks" / f"{current}.py"
        flags = [f for f in re.findall(FLAG, line) if "pgmpy-mixture" not in line]
        if current is None or not flags or not script.exists():
            continue
        unknown = set(flags) - _script_flags(script)
        assert not unknown, f"{name}:{number}: benchmarks/{current}.py has no {sorted(unknown)}"
        checked += 1
    assert checked >= 15
