"""Distinct rows of wide tables: the block-folded keys give what a sort of whole rows gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.data.counts import _unique_rows


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 90), st.integers(1, 300), st.integers(2, 7))
def test_distinct_rows_and_weights_match_a_sort_of_whole_rows(seed, n_columns, n_rows, max_states):
    rng = np.random.default_rng(seed)
    cards = rng.integers(1, max_states + 1, size=n_columns)
    # few distinct values per column so that rows repeat
    codes = (rng.integers(0, 2, size=(n_rows, n_columns)) * (cards - 1)).astype(np.int8)
    weights = rng.random(n_rows)
    rows, totals = _unique_rows(codes, weights, cards.tolist())
    expected, inverse = np.unique(codes, axis=0, return_inverse=True)
    np.testing.assert_array_equal(rows, expected)
    np.testing.assert_allclose(totals, np.bincount(inverse.ravel(), weights=weights, minlength=expected.shape[0]))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(1, 200), st.integers(1, 61))
def test_wide_columns_that_cannot_join_the_rank_are_ranked_alone(seed, n_columns, n_rows, log2_states):
    rng = np.random.default_rng(seed)
    cards = rng.integers(1, 2**log2_states + 1, size=n_columns)
    codes = rng.integers(0, cards, size=(min(n_rows, 40), n_columns))[rng.integers(0, min(n_rows, 40), n_rows)]
    weights = rng.random(n_rows)
    rows, totals = _unique_rows(codes, weights, cards.tolist())
    expected, inverse = np.unique(codes, axis=0, return_inverse=True)
    np.testing.assert_array_equal(rows, expected)
    np.testing.assert_allclose(totals, np.bincount(inverse.ravel(), weights=weights, minlength=expected.shape[0]))
