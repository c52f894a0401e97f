"""Tests of the UAI 2021 Appendix F metrics: exact matching, recall, RMSE, FP-RMSE, FN-RMSE."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.discrete.metrics import evaluate, fn_rmse, fp_rmse, match_components, recall, rmse
from pgmpy_mixture.discrete.simulate import MixtureSpec, random_mixture, random_network
from pgmpy_mixture.errors import DataTypeError, DataValueError
from pgmpy_mixture.result import Component, MixtureResult

C = Component


def test_hand_computed_case():
    true = [C({}, 0.5), C({"A": "a1"}, 0.3), C({"A": "a1", "B": "b0"}, 0.2)]
    est = [C({"A": "a1"}, 0.25), C({}, 0.45), C({"B": "b0"}, 0.2), C({"A": "a2"}, 0.1)]
    # matched: {} (0.5 vs 0.45), {A=a1} (0.3 vs 0.25); FN: {A=a1,B=b0} 0.2; FP: {B=b0} 0.2, {A=a2} 0.1
    scores = evaluate(true, est)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["precision"] == pytest.approx(2 / 4)
    expected_rmse = math.sqrt((0.05**2 + 0.05**2 + 0.2**2 + 0.2**2 + 0.1**2) / 5)
    assert scores["rmse"] == pytest.approx(expected_rmse)
    assert scores["fp_rmse"] == pytest.approx(math.sqrt((0.2**2 + 0.1**2) / 2))
    assert scores["fn_rmse"] == pytest.approx(0.2)
    assert (scores["n_true"], scores["n_estimated"], scores["n_matched"]) == (3, 4, 2)
    assert recall(true, est) == scores["recall"]
    assert rmse(true, est) == scores["rmse"]
    assert fp_rmse(true, est) == scores["fp_rmse"]
    assert fn_rmse(true, est) == scores["fn_rmse"]


def test_matching_is_exact_not_partial():
    # same variables, different state: no match; subset: no match
    true = [C({"A": "a1", "B": "b1"}, 1.0)]
    for est in ([C({"A": "a1", "B": "b2"}, 1.0)], [C({"A": "a1"}, 1.0)], [C({}, 1.0)]):
        m = match_components(true, est)
        assert m.pairs == ()
        assert recall(true, est) == 0.0
        assert rmse(true, est) == pytest.approx(1.0)  # pooled [1.0, 1.0]


def test_empty_target_counts_and_nan_conventions():
    true = [C({}, 1.0)]
    assert recall(true, [C({}, 0.9)]) == 1.0
    assert rmse(true, [C({}, 0.9)]) == pytest.approx(0.1)
    assert math.isnan(fp_rmse(true, [C({}, 0.9)]))
    assert math.isnan(fn_rmse(true, [C({}, 0.9)]))
    # nothing estimated: every true target is a false negative
    scores = evaluate(true, [])
    assert scores["recall"] == 0.0 and scores["fn_rmse"] == 1.0 and math.isnan(scores["fp_rmse"])
    assert math.isnan(scores["precision"])


def test_accepts_mixture_result_and_spec():
    net = random_network(4, rng=0)
    spec = random_mixture(net, n_targets=5, rng=0)
    comps = spec.components(net)
    result = MixtureResult(comps, method="test", network=net)
    # spec against result: the network comes from the result
    assert evaluate(spec, result)["recall"] == 1.0
    assert evaluate(result, spec)["rmse"] == 0.0
    assert evaluate(spec, comps, network=net)["recall"] == 1.0
    with pytest.raises(DataValueError, match="network"):
        evaluate(spec, comps)
    with pytest.raises(DataTypeError):
        evaluate("targets", comps)
    with pytest.raises(DataTypeError, match="component 0"):
        evaluate([({}, 1.0)], comps)


def test_duplicate_estimates_match_closest_weight_once():
    true = [C({"A": "x"}, 0.6), C({}, 0.4)]
    est = [C({"A": "x"}, 0.1), C({"A": "x"}, 0.55), C({}, 0.35)]
    m = match_components(true, est)
    assert set(m.pairs) == {(0, 1), (1, 2)}
    assert m.unmatched_estimated == (0,)
    assert fp_rmse(true, est) == pytest.approx(0.1)


# ---------------------------------------------------------------------------------------------- properties
def _random_components(draw_seed: int, n_vars: int, m: int) -> list[Component]:
    rng = np.random.default_rng(draw_seed)
    seen, comps = set(), []
    weights = rng.dirichlet(np.ones(m))
    while len(comps) < m:
        target = {f"V{i}": f"s{rng.integers(1, 3)}" for i in range(n_vars) if rng.random() < 0.5}
        key = frozenset(target.items())
        if key in seen:
            continue
        seen.add(key)
        comps.append(C(target, weights[len(comps)]))
    return comps


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), m=st.integers(1, 8))
def test_perfect_estimate_and_permutation_invariance(seed, m):
    true = _random_components(seed, 5, m)
    scores = evaluate(true, list(reversed(true)))
    assert scores["recall"] == 1.0 and scores["rmse"] == 0.0
    assert math.isnan(scores["fp_rmse"]) and math.isnan(scores["fn_rmse"])
    est = _random_components(seed + 1, 5, m)
    rng = np.random.default_rng(seed)
    perm_true = [true[i] for i in rng.permutation(m)]
    perm_est = [est[i] for i in rng.permutation(m)]
    a, b = evaluate(true, est), evaluate(perm_true, perm_est)
    for key in a:
        assert (math.isnan(a[key]) and math.isnan(b[key])) or a[key] == pytest.approx(b[key])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), m=st.integers(1, 8), drop=st.integers(0, 7), noise=st.floats(0, 0.05))
def test_dropping_and_perturbing_estimates(seed, m, drop, noise):
    true = _random_components(seed, 6, m)
    drop = min(drop, m)
    rng = np.random.default_rng(seed)
    kept = [C(c.target, c.weight + rng.uniform(-noise, noise)) for c in true[drop:]]
    kept = [C(c.target, max(c.weight, 0.0)) for c in kept]
    scores = evaluate(true, kept)
    assert scores["recall"] == pytest.approx((m - drop) / m)
    assert math.isnan(scores["fp_rmse"])
    if drop:
        dropped = np.array([c.weight for c in true[:drop]])
        assert scores["fn_rmse"] == pytest.approx(np.sqrt(np.mean(dropped**2)))
    else:
        assert math.isnan(scores["fn_rmse"])
    pooled = [t.weight - k.weight for t, k in zip(true[drop:], kept, strict=True)] + [c.weight for c in true[:drop]]
    assert scores["rmse"] == pytest.approx(np.sqrt(np.mean(np.square(pooled))))
    # the pooled list itself, in its documented order: matched differences, then the missed true weights
    np.testing.assert_allclose(match_components(true, kept).errors(), pooled, rtol=0, atol=1e-15)


def test_spec_with_codes_matches_names():
    net = random_network(3, graph="chain", rng=1)
    spec = MixtureSpec(np.array([[-1, -1, -1], [0, -1, 2]]), np.array([0.3, 0.7]), np.array([1, 1, 1]))
    est = [C({"V0": "s0", "V2": "s2"}, 0.7), C({}, 0.3)]
    assert evaluate(spec, est, network=net)["recall"] == 1.0
    assert evaluate(spec, [C({"V0": "s0", "V2": "s1"}, 0.7)], network=net)["recall"] == 0.0
