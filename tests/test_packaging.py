"""Packaging: the built wheel ships and imports ``pgmpy_mixture.adapters``; CI runs the README's test command;
the core never imports pgmpy or causal-learn."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- setup-commands -->\s*```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert block, "README.md must hold the set-up commands in a code block after <!-- setup-commands -->"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    demo, tests = commands
    assert "pgmpy-mixture demo" in demo and "pip install" in demo
    assert "pytest" in tests and "pip install" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), "the README's test command must appear verbatim as a line of .ci/run"
    assert "set -euo pipefail" in ci and "python3 -m venv .venv-ci" in ci.replace('"$PYTHON"', "python3")
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def _module_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


CORE_MODULES = sorted(p for p in (ROOT / "pgmpy_mixture").rglob("*.py") if p != ROOT / "pgmpy_mixture" / "__init__.py")


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_pgmpy_or_causal_learn(path):
    frameworks = {n for n in _module_imports(path) if n.split(".")[0] in {"pgmpy", "causallearn"}}
    assert not frameworks, f"{path.name} imports {sorted(frameworks)}: framework glue belongs in adapters/"


def test_built_wheel_ships_and_imports_the_adapters(tmp_path):
    # the wheel is built offline, without build isolation: needs setuptools >= 70.1 (test extra) or `wheel`
    setuptools = pytest.importorskip("setuptools")
    version = tuple(int(x) for x in re.findall(r"\d+", setuptools.__version__)[:2])
    try:
        import wheel  # noqa: F401
    except ImportError:
        if version < (70, 1):
            pytest.skip(f"setuptools {setuptools.__version__} needs the wheel package to build wheels")
    out = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = out.glob("pgmpy_mixture-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pgmpy_mixture/adapters/pgmpy.py" in names
    assert "pgmpy_mixture/adapters/__init__.py" in names
    assert not any(n.startswith(("adapters/", "tests/", "benchmarks/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "pgmpy-mixture = pgmpy_mixture.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import pgmpy_mixture, pgmpy_mixture.adapters.pgmpy as a, pgmpy_mixture.adapters.examples as e;"
        "from pgmpy.models import DiscreteBayesianNetwork as D;"
        "assert pgmpy_mixture.__file__.startswith(sys.argv[1]), pgmpy_mixture.__file__;"
        "assert a.__file__.startswith(sys.argv[1]), a.__file__;"
        "assert D.disentangle_mixture is a.disentangle_mixture;"
        "print(len(e.load_example('asia').nodes()))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == "8"
