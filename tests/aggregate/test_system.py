"""The marginal system of DIMM (AAAI 2020, Appendix C.1) and the enumeration of its components."""

from __future__ import annotations

import numpy as np
import pytest
from aggregate_cases import exact_mixture_marginals, random_weights
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets, chi_square_weights, flat_labels, opt_objective
from pgmpy_mixture.discrete.simulate import random_network
from pgmpy_mixture.model.marginals import interventional_marginals


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 5))
def test_true_weights_solve_the_system_and_others_do_not(seed, n):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 4, size=n)], rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(1, 2 * n + 1)))
    system = MarginalSystem(interventional_marginals(net), exact_mixture_marginals(net, x, phi))
    assert np.abs(system.residual(x)).max() < 1e-12  # equation (3): A x = b at the truth
    assert np.all(system.node_residual_norms(x) < 1e-12)
    assert opt_objective(system, x, lam=0.1) == pytest.approx(0.1 * np.linalg.norm(x), abs=1e-12)
    moved = x.copy()
    moved[0] += 0.05
    assert np.abs(system.residual(moved)).max() > 1e-4  # A has no zero column: every weight moves a marginal


def test_the_system_is_read_only_and_blocks_follow_the_flat_layout():
    net = random_network(3, n_states=[2, 3, 2], rng=0)
    system = MarginalSystem(interventional_marginals(net), interventional_marginals(net).observational)
    assert [system.block(j) for j in range(3)] == [slice(0, 2), slice(2, 5), slice(5, 7)]
    np.testing.assert_array_equal(system.b, 0.0)
    with pytest.raises(ValueError):
        system.A[0, 0] = 1.0


def test_targets_and_labels_enumerate_every_single_node_intervention():
    net = random_network(3, n_states=[2, 3, 2], rng=1)
    targets = all_targets(net)
    labels = flat_labels(net)
    assert targets.shape == (8, 3) and len(labels) == 7
    assert np.all(targets[0] == -1)
    for row, (var, state) in zip(targets[1:], labels, strict=True):
        j = net.variables.index(var)
        assert np.count_nonzero(row >= 0) == 1 and net.states[j][row[j]] == state


def test_chi_square_weights_floor_zero_marginals_at_half_a_sample():
    w = chi_square_weights(np.array([0.0, 0.25, 0.75]), 100)
    np.testing.assert_allclose(w, [np.sqrt(100 / 0.005), 20.0, np.sqrt(100 / 0.75)])
