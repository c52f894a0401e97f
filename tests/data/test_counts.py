"""CountTable: the sufficient statistic (distinct assignments with their weights)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 300))
def test_from_codes_sums_weights_of_identical_rows(seed, n, rows):
    check_aggregation(seed, [int(c) for c in np.random.default_rng(seed).integers(2, 5, size=n)], rows)


def test_from_codes_with_more_than_2_to_the_62_cells():
    """The fallback path of the row de-duplication (keys would overflow int64)."""
    check_aggregation(7, [2**16] * 4, 500)


def check_aggregation(seed: int, cards: list[int], rows: int) -> None:
    rng = np.random.default_rng(seed + 1)
    n = len(cards)
    codes = np.stack([rng.integers(0, min(c, 4), size=rows) for c in cards], axis=1)
    weights = rng.integers(0, 4, size=rows).astype(float)
    states = [[f"s{k}" for k in range(min(c, 4))] + [f"t{k}" for k in range(c - min(c, 4))] for c in cards]
    table = CountTable.from_codes(codes, [f"V{i}" for i in range(n)], states, weights)
    expected: dict[tuple, float] = {}
    for row, w in zip(map(tuple, codes.tolist()), weights, strict=True):
        if w > 0:
            expected[row] = expected.get(row, 0.0) + w
    got = {tuple(r): w for r, w in zip(table.codes.tolist(), table.weights, strict=True)}
    assert got == pytest.approx(expected)
    assert table.n_rows == rows
    assert not table.is_distribution  # whole-number weights are counts
    assert not table.codes.flags.writeable and not table.weights.flags.writeable


def test_probability_tables_are_recognised():
    codes = np.array([[0], [1]])
    assert CountTable.from_codes(codes, ["A"], [["x", "y"]], np.array([0.25, 0.75])).is_distribution
    assert not CountTable.from_codes(codes, ["A"], [["x", "y"]], np.array([1.0, 3.0])).is_distribution
    assert not CountTable.from_codes(codes, ["A"], [["x", "y"]], np.array([0.5, 2.7])).is_distribution  # fractional
    assert CountTable.from_codes(codes, ["A"], [["x", "y"]], np.array([1.0, 3.0]), is_distribution=True).is_distribution


def test_a_probability_table_that_sums_to_nearly_one_is_a_distribution_and_says_so():
    # failed before: a table rounded to 4 decimals (1.0001) or scaled by 1 - 1e-5 was taken as ~1 sample of counts
    codes = np.array([[0], [1], [2]])
    states = [["x", "y", "z"]]
    for weights in ([0.3334, 0.3333, 0.3334], np.array([0.2, 0.3, 0.5]) * (1 - 1e-5)):
        table = CountTable.from_codes(codes, ["A"], states, np.array(weights))
        assert table.is_distribution and table.sample_size is None
        assert "not 1: taken as probabilities (tolerance 0.01)" in table.distribution_note
    assert CountTable.from_codes(codes, ["A"], states, np.array([0.2, 0.3, 0.5])).distribution_note is None
    frame = pd.DataFrame({"A": ["x", "y", "z"], "p": [0.3334, 0.3333, 0.3334]})
    assert CountTable.from_frame(frame, ["A"], states, weights="p").is_distribution


@pytest.mark.parametrize("weights", [[0.5, 0.7, 0.1], [0.3, 0.3, 0.3], [0.98, 0.001, 0.001]])
def test_fractional_weights_that_are_neither_probabilities_nor_counts_raise(weights):
    frame = pd.DataFrame({"A": ["x", "y", "z"], "p": weights})
    with pytest.raises(DataValueError, match=r"weights column 'p' sums to (0\.98|1\.3|0\.9)"):
        CountTable.from_frame(frame, ["A"], [["x", "y", "z"]], weights="p")
    assert frame["p"].tolist() == weights  # the caller's frame is untouched


def test_weights_whose_sum_overflows_raise_naming_the_column():
    # failed before: every weight finite but the sum infinite gave an empty mixture
    frame = pd.DataFrame({"A": ["x", "y"], "n": [1.5e308, 1.5e308]})
    with pytest.raises(DataValueError, match="weights column 'n' sums to more than the largest float"):
        CountTable.from_frame(frame, ["A"], [["x", "y"]], weights="n")
    with pytest.raises(DataValueError, match="the weights sum to more than the largest float"):
        CountTable.from_codes(np.array([[0], [1]]), ["A"], [["x", "y"]], np.array([1.5e308, 1.5e308]))


def test_sample_size_is_an_int_for_counts():
    codes = np.array([[0], [1], [1]])
    table = CountTable.from_codes(codes, ["A"], [["x", "y"]])
    assert table.sample_size == 3 and isinstance(table.sample_size, int)
    fractional = CountTable.from_codes(codes, ["A"], [["x", "y"]], np.array([1.5, 2.0, 0.25]))
    assert fractional.sample_size == 3.75 and isinstance(fractional.sample_size, float)


def test_from_frame_with_weights_and_marginal():
    df = pd.DataFrame({"B": ["u", "v", "u"], "A": ["x", "x", "y"], "n": [2, 3, 5]})
    table = CountTable.from_frame(df, ["A", "B"], [["x", "y"], ["u", "v"]], weights="n")
    assert table.total == 10.0
    np.testing.assert_allclose(table.marginal("A"), [0.5, 0.5])
    np.testing.assert_allclose(table.marginal("B"), [0.7, 0.3])
    assert df["n"].tolist() == [2, 3, 5]  # caller's frame untouched


def test_concatenate_and_reorder():
    a = CountTable.from_codes(np.array([[0, 1], [1, 1]]), ["A", "B"], [["x", "y"], ["u", "v"]])
    b = CountTable.from_codes(np.array([[0, 1], [0, 0]]), ["A", "B"], [["x", "y"], ["u", "v"]])
    merged = CountTable.concatenate([a, b])
    got = {tuple(r): w for r, w in zip(merged.codes.tolist(), merged.weights, strict=True)}
    assert got == {(0, 1): 2.0, (1, 1): 1.0, (0, 0): 1.0}
    assert merged.n_rows == 4
    flipped = merged.reorder(["B", "A"])
    assert flipped.variables == ("B", "A") and flipped.states == (("u", "v"), ("x", "y"))
    np.testing.assert_array_equal(flipped.codes, merged.codes[:, ::-1])
    with pytest.raises(DataValueError):
        CountTable.concatenate([])
    with pytest.raises(DataValueError, match="different"):
        CountTable.concatenate([a, a.reorder(["B", "A"])])


def test_shape_checks():
    with pytest.raises(DataValueError):
        CountTable(("A",), (("x",),), np.zeros((2, 2), dtype=int), np.ones(2))
    with pytest.raises(DataValueError):
        CountTable(("A",), (("x",),), np.zeros((2, 1), dtype=int), np.ones(3))
