"""Metrics of the Gaussian methods (:mod:`pgmpy_mixture.gaussian.metrics`): matching by moments against brute
force, the errors built on it, SHD, Jaccard, ARI, and the former names kept with a deprecation warning."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.gaussian.metrics import (
    adjusted_rand,
    jaccard,
    match_by_moments,
    parameter_error,
    shd,
    target_jaccard,
    weight_error,
)


@settings(max_examples=40, deadline=None)
@given(k_true=st.integers(1, 5), k_est=st.integers(1, 5), d=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_matching_by_moments_is_the_cheapest_assignment(k_true, k_est, d, seed):
    """The Hungarian matching reaches the smallest total cost over every one-to-one assignment (brute force), with
    ``min(K, K')`` pairs; the cost of a pair is ``||mu - mu'|| + ||Sigma - Sigma'||_F``."""
    rng = np.random.default_rng(seed)
    tm, em = rng.normal(0, 3, (k_true, d)), rng.normal(0, 3, (k_est, d))
    tc, ec = rng.normal(size=(k_true, d, d)), rng.normal(size=(k_est, d, d))
    rows, cols, cost = match_by_moments(tm, tc, em, ec)
    last = k_true - 1
    assert cost[last, 0] == pytest.approx(np.linalg.norm(tm[last] - em[0]) + np.linalg.norm(tc[last] - ec[0]))
    assert len(rows) == len(set(rows)) == len(set(cols)) == min(k_true, k_est)
    if k_true <= k_est:
        best = min(sum(cost[i, p[i]] for i in range(k_true)) for p in itertools.permutations(range(k_est), k_true))
    else:
        best = min(sum(cost[p[j], j] for j in range(k_est)) for p in itertools.permutations(range(k_true), k_est))
    assert cost[rows, cols].sum() == pytest.approx(best)
    assert parameter_error(tm, tc, em, ec) == pytest.approx(best / min(k_true, k_est))


def test_metric_values():
    assert shd(np.array([[0, 1], [0, 0]], bool), np.array([[0, 1], [1, 0]], bool)) == 1  # directed vs undirected
    assert shd(np.array([[0, 1], [0, 0]], bool), np.array([[0, 0], [1, 0]], bool)) == 1  # reversed: once
    assert shd(np.zeros((3, 3), bool), np.ones((3, 3), bool) & ~np.eye(3, dtype=bool)) == 3
    tm = np.array([[0.0, 0.0], [5.0, 5.0]])
    tc = np.stack([np.eye(2), np.eye(2)])
    rows, cols, _ = match_by_moments(tm, tc, tm[::-1], tc)
    assert dict(zip(rows.tolist(), cols.tolist(), strict=True)) == {0: 1, 1: 0}
    assert parameter_error(tm, tc, tm[::-1], tc) == 0.0
    assert jaccard(frozenset({1, 2}), frozenset({2, 3})) == pytest.approx(1 / 3)
    assert target_jaccard([set(), {0}], [{0}], [1], [0]) == 1.0
    assert target_jaccard([set(), {0}, {1}], [{0}], [1], [0]) == 0.5
    assert weight_error([0.5, 0.5], [1.0], [0], [0]) == 0.5
    assert weight_error([0.2, 0.8], [0.7, 0.3], [0, 1], [1, 0]) == pytest.approx(0.1)
    assert adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


@pytest.mark.parametrize("old, new", [("match_components", "match_by_moments"), ("icpdag", "icpdag")])
def test_former_names_still_import_with_a_deprecation_warning(old, new):
    import pgmpy_mixture.gaussian_metrics as metrics
    from pgmpy_mixture.gaussian import graphs

    with pytest.warns(DeprecationWarning, match=f"metrics.{old} is deprecated: use pgmpy_mixture.gaussian.*{new}"):
        function = getattr(metrics, old)
    assert function is (graphs.icpdag if old == "icpdag" else match_by_moments)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        metrics.nothing  # noqa: B018
