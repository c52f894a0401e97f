"""Variables with many states: memory and time grow with the cells the rows use, not with the states cubed."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.discrete.likelihood import cells as cells_module
from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
from pgmpy_mixture.model.network import CausalNetwork


def _root_with_many_states(k: int) -> CausalNetwork:
    rng = np.random.default_rng(0)
    return CausalNetwork.from_tables(
        ["A", "B"], {"A": [f"a{i}" for i in range(k)], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
        {"A": rng.dirichlet(np.full(k, 2.0)), "B": rng.dirichlet(np.full(3, 2.0), size=k)},
    )


def test_a_root_with_300_states_needs_little_memory():
    # failed before: the Newton systems of the likelihood-ratio tests were (k, k+1, k+1) dense arrays, twice
    # (430 MB here; 3.2 GB at 500 states, 23.6 GB at 1000)
    network = _root_with_many_states(300)
    spec = random_mixture(network, rng=1)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 3000, rng=2)
    tracemalloc.start()
    try:
        result = api.disentangle_mixture(network, frame)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100e6
    assert len(result) >= 1 and result.weights.sum() == pytest.approx(1.0)


def test_the_arrow_newton_direction_equals_the_dense_one():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n_prob, k = 4, int(rng.integers(2, 25))
        a, b, c = rng.random(n_prob) * 10, rng.random((n_prob, k)), rng.random((n_prob, k)) * 5 + 0.1
        grad = rng.normal(size=(n_prob, k + 1))
        free = rng.random((n_prob, k + 1)) < 0.7
        dense = cells_module._kkt_direction(a, b, c, grad, free)
        scale = np.maximum(np.maximum(a, b.max(axis=1)), c.max(axis=1))
        arrow = cells_module._arrow_direction(a / scale, b / scale[:, None], c / scale[:, None],
                                              grad / scale[:, None], free) if k <= cells_module._DENSE_STATES \
            else dense
        np.testing.assert_allclose(arrow, dense, rtol=1e-8, atol=1e-8 * np.abs(dense).max())
