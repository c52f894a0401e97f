"""The Sphinx site's pages work as written and cover the public API.

* Every ```python block of the user guide (``docs/index.md``, ``docs/guide/*.md``) runs in a fresh namespace from
  an empty temporary directory, with the runner of tests/test_readme_examples.py (which already runs README.md and
  ``docs/*.md``, so ``docs/large-data.md`` is not run twice); where the text states a result, a check asserts it.
* Every ``pgmpy-mixture`` flag quoted in the guide exists in the CLI's parser.
* The API reference (``docs/api/*.rst``) documents every name of ``pgmpy_mixture.__all__`` and the adapters'
  public classes; every guide page is in a toctree; the gallery has at least three examples.
* ``docs/conf.py`` builds offline: intersphinx is empty unless the build is told it is online or an inventory is
  shipped. The full offline build (``-W``, gallery not executed) is a slow test; ``tox -e docs`` runs it all.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_readme_examples import FLAG, OPTIONAL, Block, _blocks, _imported_roots

import pgmpy_mixture

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE_FILES = [DOCS / "index.md", *sorted((DOCS / "guide").glob("*.md"))]
GUIDE_BLOCKS = [block for path in GUIDE_FILES for block in _blocks(path)]


def _targets(result) -> list[str]:
    return sorted(str(dict(c.target)) for c in result.components)


# ---------------------------------------------------------------------------------------------------------------
# What the text claims about each block's result (keyed by file name and the heading above the block)


def _check_known_short(ns: dict, out: str) -> None:
    result = ns["result"]
    assert _targets(result) == sorted(str(t) for t in ns["truth"])
    np.testing.assert_allclose([c.weight for c in result.components], [0.5, 0.3, 0.2], atol=0.01)
    assert "do(O=self, T=train)" in out and len(result.to_frame()) == 3


def _check_known_methods(ns: dict, out: str) -> None:
    paper = ns["paper"]
    assert paper.options["cpds"] == "fitted" and paper.method == "paper"
    assert [dict(c.target) for c in paper.components[:3]] == [{}, {"E": "uni"}, {"O": "self", "T": "train"}]
    assert all(c.weight < 0.025 for c in paper.components[3:])  # "small spurious ones (2% and 1.4%)"
    assert "fitted" in out


def _check_known_warnings(ns: dict, out: str) -> None:
    assert [w.category.__name__ for w in ns["caught"]] == ["PositivityWarning"]
    result = ns["result"]
    assert _targets(result) == sorted(["{}", "{'smoke': 'yes'}"])
    assert "either" in result.warnings[0]
    np.testing.assert_allclose([c.weight for c in result.components], [0.69, 0.31], atol=0.01)


def _check_known_errors(ns: dict, out: str) -> None:
    assert out.startswith("UnknownStateError") and "'E'" in out and "'college'" in out
    assert list(ns["bad"]["E"]) == ["college"]  # the caller's frame is unchanged


def _check_marginals_short(ns: dict, out: str) -> None:
    result = ns["result"]
    assert _targets(result) == sorted(["{}", "{'PKC': 'HIGH'}", "{'Erk': 'LOW'}"])
    np.testing.assert_allclose([c.weight for c in result.components], [0.6, 0.25, 0.15], atol=0.01)


def _check_marginals_methods(ns: dict, out: str) -> None:
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["bayes", "dimm", "nnls", "em"]
    for line in lines:
        assert "'do(PKC=HIGH)': 0.25" in line and "'do(Erk=LOW)': 0.15" in line


def _check_continuous_core(ns: dict, out: str) -> None:
    fit = ns["fit"]
    assert len(fit.weights) == 5 and fit.targets[fit.observational] == frozenset()
    assert sorted(sorted(t) for t in fit.targets) == [[], [0], [1], [2], [3]]
    assert out.rstrip().endswith("True")


def _check_continuous_splitter(ns: dict, out: str) -> None:
    sp = ns["sp"]
    assert sp.n_components_ == 5 and sp.targets_[sp.observational_component_] == set()
    assert len(ns["parts"]) == 5 and sum(len(p) for p in ns["parts"]) == len(ns["sim"].data)


def _check_queries_recovered(ns: dict, out: str) -> None:
    posterior = ns["posterior"]
    assert posterior.idxmax() == "do(O=self, T=train)" and posterior.max() > 0.9
    assert "0.508" in out  # P(T=car | E=uni), as the README's known mixture gives


def _check_queries_soft(ns: dict, out: str) -> None:
    assert "0.756" in out and "0.150" in out
    assert "{'O': 'self', 'T': 'train'}" in out


def _check_choosing(ns: dict, out: str) -> None:
    methods = set(ns["table"]["method"])
    assert {"exact", "likelihood", "paper", "bayes", "dimm", "em", "nnls"} <= methods
    assert "n_restarts" in out


CHECKS: dict[tuple[str, str], Callable[[dict, str], None]] = {
    ("known-network.md", "The short version"): _check_known_short,
    ("known-network.md", "The two methods"): _check_known_methods,
    ("known-network.md", "What the warnings mean"): _check_known_warnings,
    ("known-network.md", "Errors name the culprit"): _check_known_errors,
    ("marginals.md", "The short version"): _check_marginals_short,
    ("marginals.md", "The methods"): _check_marginals_methods,
    ("continuous.md", "The core function"): _check_continuous_core,
    ("continuous.md", "The causal-learn pre-step"): _check_continuous_splitter,
    ("queries.md", "From a recovered mixture"): _check_queries_recovered,
    ("queries.md", "Soft evidence and MAP"): _check_queries_soft,
    ("choosing.md", "Choosing a method"): _check_choosing,
}


def _check_for(block: Block) -> Callable[[dict, str], None] | None:
    matches = [check for (name, heading), check in CHECKS.items()
               if block.path.name == name and block.heading.startswith(heading)]
    assert len(matches) <= 1, f"{block.id}: more than one check"
    return matches[0] if matches else None


@pytest.mark.parametrize("block", [b for b in GUIDE_BLOCKS if b.run], ids=lambda b: b.id)
def test_guide_example_runs_as_written(block, tmp_path, monkeypatch, capsys):
    for module in sorted(_imported_roots(block.code) & OPTIONAL):
        pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace = {"__name__": "__main__"}
    exec(compile(block.code, block.id, "exec"), namespace)
    check = _check_for(block)
    if check is not None:
        check(namespace, capsys.readouterr().out)


def test_every_guide_page_has_a_checked_example_and_every_check_its_block():
    assert all(b.run for b in GUIDE_BLOCKS), "every code block of the guide runs in the test suite"
    pages = {b.path.name for b in GUIDE_BLOCKS if b.run}
    assert {"known-network.md", "marginals.md", "continuous.md", "queries.md", "choosing.md"} <= pages
    for name, heading in CHECKS:
        found = [b for b in GUIDE_BLOCKS if b.path.name == name and b.heading.startswith(heading) and b.run]
        assert len(found) == 1, (name, heading, len(found))


def test_cli_flags_quoted_in_the_guide_exist():
    from pgmpy_mixture.cli import build_parser

    subparsers = next(a for a in build_parser()._actions if a.dest == "command").choices
    every = set().union(*(set(p._option_string_actions) for p in subparsers.values()))
    quoted = 0
    for path in GUIDE_FILES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"pgmpy-mixture (demo|simulate|disentangle|split)\b([^`]*)", text):
            flags = set(re.findall(FLAG, match.group(2)))
            known = set(subparsers[match.group(1)]._option_string_actions)
            assert flags <= known, f"{path.name}: pgmpy-mixture {match.group(1)} has no {sorted(flags - known)}"
            quoted += len(flags)
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        unknown = {f for f in re.findall(FLAG, prose) if f != "--version"} - every
        assert not unknown, f"{path.name}: no pgmpy-mixture subcommand has {sorted(unknown)}"
    assert quoted >= 3


# ---------------------------------------------------------------------------------------------------------------
# The site's structure: reference, toctrees, gallery


def _documented_names() -> set[str]:
    names = set()
    for rst in (DOCS / "api").glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        for kind, target, body in re.findall(r"^\.\. auto(\w+):: (\S+)\n((?:   .*\n|\n)*)", text, re.M):
            names.add(target)
            members = re.search(r":members: (.+(?:\n {13}.+)*)", body)
            if kind == "module" and members:
                names.update(f"{target}.{m.strip()}" for m in members.group(1).replace("\n", " ").split(","))
    return names


def test_api_reference_documents_every_public_name():
    documented = _documented_names()
    for name in pgmpy_mixture.__all__:
        obj = getattr(pgmpy_mixture, name)
        if isinstance(obj, type(pgmpy_mixture)):  # a module (metrics, simulate): its canonical module is documented
            assert obj.__name__ in documented, f"module pgmpy_mixture.{name} ({obj.__name__}) is not in docs/api"
        else:
            assert f"pgmpy_mixture.{name}" in documented, f"pgmpy_mixture.{name} is not in docs/api/*.rst"


def test_api_reference_documents_the_adapters_public_classes():
    import inspect

    from pgmpy_mixture.adapters import causallearn, convert, dask, examples, inference, pgmpy

    documented = _documented_names()
    short = {n.rsplit(".", 1)[-1] for n in documented}
    for module in (causallearn, convert, dask, examples, inference, pgmpy):
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                assert name in short, f"{module.__name__}.{name} is not in docs/api/*.rst"


def _toctree_entries(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    entries = []
    for body in re.findall(r"```\{toctree\}\n(.*?)```", text, re.S):
        entries += [line.strip() for line in body.splitlines() if line.strip() and not line.startswith(":")]
    return entries


def test_every_guide_page_is_in_the_guide_toctree():
    entries = _toctree_entries(DOCS / "guide" / "index.md")
    pages = {p.stem for p in (DOCS / "guide").glob("*.md")} - {"index"}
    assert pages <= set(entries)
    assert "/large-data" in entries
    site = set(_toctree_entries(DOCS / "index.md"))
    assert {"guide/index", "auto_examples/index", "api/index", "architecture"} <= site


def test_gallery_has_at_least_three_seeded_figures_using_public_names():
    examples = sorted((DOCS / "examples").glob("plot_*.py"))
    assert len(examples) >= 3
    for path in examples:
        code = path.read_text(encoding="utf-8")
        tree = ast.parse(code)
        assert ast.get_docstring(tree), f"{path.name}: a gallery example starts with its title and text"
        assert "plt.show()" in code, f"{path.name}: draws no figure"
        assert re.search(r"rng|random_state|default_rng", code), f"{path.name}: not seeded"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pgmpy_mixture"):
                assert not any(alias.name.startswith("_") for alias in node.names), path.name


# ---------------------------------------------------------------------------------------------------------------
# Offline builds


def _load_conf(monkeypatch, environ: dict[str, str]):
    for key in ("READTHEDOCS", "PGMPY_MIXTURE_DOCS_ONLINE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("pgmpy_mixture_docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conf_is_offline_unless_told_online(monkeypatch):
    assert _load_conf(monkeypatch, {}).intersphinx_mapping == {}
    assert _load_conf(monkeypatch, {"PGMPY_MIXTURE_DOCS_ONLINE": "0"}).intersphinx_mapping == {}
    online = _load_conf(monkeypatch, {"READTHEDOCS": "True"}).intersphinx_mapping
    assert set(online) == {"python", "numpy", "pandas", "sklearn", "pgmpy"}
    assert all(location is None for _, location in online.values())


def test_conf_uses_shipped_inventories_offline(monkeypatch, tmp_path):
    conf = _load_conf(monkeypatch, {})
    (tmp_path / "numpy.inv").write_bytes(b"# Sphinx inventory version 2\n")
    assert conf.intersphinx_mapping_for(tmp_path, online=False) == {
        "numpy": ("https://numpy.org/doc/stable", str(tmp_path / "numpy.inv"))}


def test_conf_quotes_fitted_attributes_in_shapes(monkeypatch):
    conf = _load_conf(monkeypatch, {})
    lines = ["X : array-like of shape (n_samples, n_features_in_)", "numpy.ndarray of shape (n_samples, n_components_)"]
    conf._quote_docstring(None, "method", "x", None, {}, lines)
    assert lines == ["X : array-like of shape (n_samples, ``n_features_in_``)",
                     "numpy.ndarray of shape (n_samples, ``n_components_``)"]


@pytest.mark.slow
def test_docs_build_offline_with_warnings_as_errors(tmp_path, monkeypatch):
    """The whole site with -W and no network (the gallery's examples are not executed here: tox -e docs runs them)."""
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("myst_parser")
    pytest.importorskip("numpydoc")
    from sphinx.cmd.build import build_main

    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    for key in ("READTHEDOCS", "PGMPY_MIXTURE_DOCS_ONLINE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = tmp_path / "html"
    # the gallery writes its pages into docs/auto_examples (ignored by git), as a normal build does
    status = build_main(["-W", "-E", "-q", "-b", "html", "-D", "plot_gallery=0", str(DOCS), str(out)])
    assert status == 0
    assert (out / "api" / "entry.html").is_file() and (out / "guide" / "known-network.html").is_file()
    assert len(list((out / "auto_examples").glob("plot_*.html"))) >= 3
