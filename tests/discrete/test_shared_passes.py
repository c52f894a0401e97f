"""The passes over every row that the likelihood method shares out or cuts short give the same answer.

Threads (``parallel.WORKERS``), the prune's first-rows bound (``repair._PRUNE_HEAD``) and Newton's stop once a step
moves no weight by more than ``NEWTON_MOVE``: each is checked against the plain computation on random instances.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import parallel
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood, repair
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods, em_weights, newton_path
from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_mixture


def _sampled(seed: int, n_vars: int, rows: int):
    rng = np.random.default_rng(seed)
    network = random_network(n_vars, n_states=3, graph="er", alpha=2.0, max_in_degree=3, rng=rng)
    spec = random_mixture(network, weight_alpha=2.0, include_observational=True, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, rows, rng=rng)
    table = CountTable.from_codes(codes, list(network.variables), [list(s) for s in network.states])
    return network, table


def _fit(network, table, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return disentangle_likelihood(network, table, **options)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_one_thread_and_several_give_the_same_result_to_the_last_digit(seed):
    network, table = _sampled(seed, 7, 6000)
    shared = _fit(network, table, search_rows=500)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "WORKERS", 1)
        alone = _fit(network, table, search_rows=500)
    assert [c.label for c in shared] == [c.label for c in alone]
    assert [c.weight for c in shared] == [c.weight for c in alone]
    assert shared.diagnostics["repairs"] == alone.diagnostics["repairs"]


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_prune_bound_on_the_first_rows_changes_nothing(seed):
    network, table = _sampled(seed, 6, 4000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(repair, "_PRUNE_HEAD", 5)  # the bound on 5 rows decides most interventions
        bounded = _fit(network, table)
        patch.setattr(repair, "_PRUNE_HEAD", 10**12)  # every cost summed over every row
        summed = _fit(network, table)
    assert [c.label for c in bounded] == [c.label for c in summed]
    assert [c.weight for c in bounded] == [c.weight for c in summed]
    assert bounded.diagnostics["repairs"] == summed.diagnostics["repairs"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), q=st.integers(2, 6), rows=st.integers(50, 3000))
def test_newton_stops_within_a_few_steps_at_the_maximum(seed, q, rows):
    rng = np.random.default_rng(seed)
    present = rng.random((q, rows)) < 0.6
    present[0] = True  # one component explains every row
    grp, row = np.nonzero(present)
    lik = ComponentLikelihoods(grp, row, rng.normal(0.0, 1.0, grp.size), q, rows)
    counts = rng.integers(1, 400, rows).astype(float)
    start = em_weights(lik, counts, np.full(q, 1.0 / q), 200)
    path = list(newton_path(lik, counts, start, 50))
    # quadratic convergence: the path stops at its own test long before the 50 steps allowed
    assert len(path) <= 12
    w, value, grad = path[-1]
    # at the maximum on the simplex: the gradient is flat over the components that keep weight, lower elsewhere
    total = counts.sum()
    kept = w > 1e-6
    assert np.allclose(grad[kept] / total, 1.0, atol=1e-6)
    assert np.all(grad[~kept] / total <= 1.0 + 1e-6)
    assert value >= max(v for _, v, _ in path) - 1e-9 * abs(value)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), q=st.integers(2, 6), rows=st.integers(50, 3000))
def test_chord_newton_ascends_from_the_em_start(seed, q, rows):
    rng = np.random.default_rng(seed)
    present = rng.random((q, rows)) < 0.6
    present[0] = True
    grp, row = np.nonzero(present)
    lik = ComponentLikelihoods(grp, row, rng.normal(0.0, 1.0, grp.size), q, rows)
    counts = rng.integers(1, 400, rows).astype(float)
    start = em_weights(lik, counts, np.full(q, 1.0 / q), 30)
    chord = [(w, value) for w, value, _ in newton_path(lik, counts, start, 3, chord=True)]
    # every chord step is an ascent (the information of the start stays positive definite on the simplex) and
    # stays on the simplex
    values = [v for _, v in chord]
    assert all(b >= a - 1e-12 * abs(a) for a, b in zip(values, values[1:], strict=False))
    assert all(np.all(w >= 0) and abs(w.sum() - 1.0) < 1e-12 for w, _ in chord)
    # and it is no further from the maximum than the EM start it began at
    best = list(newton_path(lik, counts, start, 50))[-1][1]
    assert values[0] - 1e-9 * abs(best) <= values[-1] <= best + 1e-9 * abs(best)
