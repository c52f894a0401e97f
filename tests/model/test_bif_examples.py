"""Offline example networks: our BIF reader agrees with pgmpy's BIFReader on the bundled files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from pgmpy.readwrite import BIFReader

from pgmpy_mixture.adapters.examples import load_example, load_model, load_network
from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
from pgmpy_mixture.errors import ModelError, ParameterError
from pgmpy_mixture.model.bif import parse_bif, read_bif
from pgmpy_mixture.model.examples import example_names, example_path, load_example_network


def _same_by_name(ours, theirs) -> None:
    assert set(ours.variables) == set(theirs.variables)
    for v in ours.variables:
        i, j = ours.index(v), theirs.index(v)
        assert ours.states[i] == theirs.states[j], v
        assert [ours.variables[p] for p in ours.parents[i]] == [theirs.variables[p] for p in theirs.parents[j]], v
        np.testing.assert_array_equal(ours.cpds[i], theirs.cpds[j])


def _pgmpy_reading(name: str):
    with gzip.open(example_path(name), "rt", encoding="utf-8") as handle:
        return network_from_pgmpy(BIFReader(string=handle.read()).get_model(), check=False)


def test_reader_matches_pgmpy_bifreader_on_asia():
    _same_by_name(load_example_network("asia"), _pgmpy_reading("asia"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sachs", "alarm", "child", "insurance", "hailfinder", "water", "win95pts", "hepar2"])
def test_reader_matches_pgmpy_bifreader(name):
    _same_by_name(load_example_network(name), _pgmpy_reading(name))


def test_names_paths_and_unknown_name():
    assert {"asia", "sachs", "alarm", "child"} <= set(example_names())
    with pytest.raises(ParameterError, match="unknown example network 'nosuch'.*sachs"):
        example_path("nosuch")


def test_models_are_fresh_and_specs_resolve(tmp_path):
    a, b = load_example("sachs"), load_example("example:sachs")
    assert a is not b and sorted(a.nodes()) == sorted(b.nodes())
    assert load_network("example:cancer") is load_example_network("cancer")
    path = tmp_path / "cancer.bif"
    path.write_bytes(gzip.decompress(example_path("cancer").read_bytes()))
    _same_by_name(read_bif(path), load_example_network("cancer"))
    assert sorted(load_model(path).nodes()) == sorted(load_model("example:cancer").nodes())
    with pytest.raises(ParameterError, match="does not exist"):
        load_model(tmp_path / "nothing.bif")


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("variable A { type discrete [ 2 ] { x, y }; }", "no probability block"),
        ("variable A { type discrete [ 3 ] { x, y }; } probability ( A ) { table 0.5, 0.5; }", "declares 3"),
        ("variable A { type discrete [ 2 ] { x, y }; } probability ( A | B ) { table 0.5, 0.5; }", "undeclared.*'B'"),
        ("variable A { type discrete [ 2 ] { x, y }; } probability ( A ) { table 0.5, abc; }", "non-numeric"),
        (
            "variable A { type discrete [ 2 ] { x, y }; } variable B { type discrete [ 2 ] { u, v }; }"
            "probability ( A ) { table 0.5, 0.5; } probability ( B | A ) { (x) 0.5, 0.5; }",
            "misses some parent",
        ),
        ("variable A { type continuous; }", "not discrete"),
    ],
)
def test_malformed_bif_is_a_model_error(text, pattern):
    with pytest.raises(ModelError, match=pattern):
        parse_bif(text)


def test_table_with_parents_and_default_rows():
    text = """
    variable A { type discrete [ 2 ] { a0, a1 }; }
    variable B { type discrete [ 2 ] { b0, b1 }; }
    probability ( A ) { table 0.25, 0.75; }
    probability ( B | A ) { table 0.9, 0.4, 0.1, 0.6; }
    """
    # table: B's own state slowest -> P(b0|a0)=0.9, P(b0|a1)=0.4
    assert parse_bif(text).cpds[1].tolist() == [[0.9, 0.1], [0.4, 0.6]]
    text = text.replace("table 0.9, 0.4, 0.1, 0.6;", "(a1) 0.3, 0.7; default 0.5, 0.5;")
    assert parse_bif(text).cpds[1].tolist() == [[0.5, 0.5], [0.3, 0.7]]
