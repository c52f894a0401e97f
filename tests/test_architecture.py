"""The architecture holds: no import cycles, the core free of frameworks, the import contracts kept.

The same contracts run in ``tox -e lint`` (``.ci/lint-imports``); here they run in the default suite, so CI enforces
them on every landing. Imports inside functions count: the graph is read from the source (grimp), not from what an
import happens to load. The adapters ship as ``pgmpy_mixture.adapters`` (setuptools ``package-dir``), so the tree is
assembled in a temporary folder first, as it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

grimp = pytest.importorskip("grimp")

REPO = Path(__file__).resolve().parents[1]
FRAMEWORKS = ("pgmpy", "causallearn", "dask", "distributed")
#: the modules that may touch the frameworks: the package __init__ (it registers the pgmpy method) and the command line
ALLOWED = ("pgmpy_mixture", "pgmpy_mixture.cli", "pgmpy_mixture.adapters")


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    tree = tmp_path_factory.mktemp("installed")
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "pgmpy_mixture", tree / "pgmpy_mixture", ignore=skip)
    shutil.copytree(REPO / "adapters", tree / "pgmpy_mixture" / "adapters", ignore=skip)
    sys.path.insert(0, str(tree))
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "pgmpy_mixture"}
    try:
        for name in saved:
            del sys.modules[name]
        return grimp.build_graph("pgmpy_mixture", include_external_packages=True, cache_dir=None)
    finally:
        sys.path.remove(str(tree))
        sys.modules.update(saved)


def _library(graph) -> list[str]:
    return sorted(m for m in graph.modules if m.split(".")[0] == "pgmpy_mixture")


def test_the_adapters_are_part_of_the_graph(graph):
    assert "pgmpy_mixture.adapters.pgmpy" in graph.modules and "pgmpy_mixture.api" in graph.modules


def test_no_import_cycle_between_modules(graph):
    edges = nx.DiGraph()
    for module in _library(graph):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.split(".")[0] == "pgmpy_mixture" and imported != module:
                edges.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("framework", [*FRAMEWORKS, "pgmpy_mixture.adapters", "pgmpy_mixture.cli"])
def test_the_core_never_imports_a_framework_or_the_adapters(graph, framework):
    offenders = []
    for module in _library(graph):
        if any(module == a or (a != "pgmpy_mixture" and _inside(module, a)) for a in ALLOWED):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if _inside(imported, framework):
                offenders.append(f"{module} -> {imported}")
    assert offenders == []


def test_the_import_contracts_hold():
    pytest.importorskip("importlinter")
    if shutil.which("bash") is None or shutil.which("lint-imports") is None:
        pytest.skip("lint-imports is not on PATH")
    done = subprocess.run(["bash", str(REPO / ".ci" / "lint-imports")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
