"""The lift EM's shortcuts give the plain computation's answers: the same iterates, stops and keys."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import problem
from pgmpy_mixture.discrete.likelihood.cells import fit_lifts, unique_keys
from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
from pgmpy_mixture.discrete.likelihood.lifts import LiftSettings, _lift_problem, lift_variable, start_state
from pgmpy_mixture.discrete.likelihood.problem import LiftProblem
from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_mixture


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(0, 300), min_size=0, max_size=200),
    extra=st.integers(1, 5000),
)
def test_unique_keys_is_numpy_unique(keys, extra):
    keys = np.array(keys, dtype=np.int64)
    bound = int(keys.max(initial=-1)) + extra  # small bounds count, large ones fall back to sorting
    uniq, inverse = unique_keys(keys, bound)
    expected, expected_inverse = np.unique(keys, return_inverse=True)
    assert uniq.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()


def _plain_fit(step: LiftProblem, mu, allowed, steps, start=None, prefix_counts=None):
    """The lift EM computing every log-likelihood (the loop before the shortcut), fixed CPDs."""
    if start is not None:
        theta = np.where(allowed, start, 0.0)
        theta = theta / np.maximum(theta.sum(axis=1, keepdims=True), 1e-300)
    else:
        counts = step.prefix_counts(mu) if prefix_counts is None else prefix_counts
        theta, _ = fit_lifts(counts, allowed, step.cells, em_steps=10, newton=False)
    old, done = -np.inf, 0
    for _ in range(max(steps, 1)):
        counts, loglik, _, _, _ = step._e_step(mu, theta, None, loglik=True)
        done += 1
        mu = counts.per_problem(counts.c) / step.total
        mix = counts.mix(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where((counts.c > 0) & (mix > 0), counts.c / mix, 0.0)
        updated = theta * np.concatenate([counts.per_problem(r * counts.p)[:, None], counts.per_state(r)], axis=1)
        norm_ = updated.sum(axis=1, keepdims=True)
        theta = np.where(norm_ > 0, updated / np.where(norm_ > 0, norm_, 1.0), theta)
        if np.isfinite(loglik) and loglik - old <= max(1e-10 * abs(loglik), 1e-4):
            break
        old = loglik
    counts, loglik, _, _, _ = step._e_step(mu, theta, None, loglik=True)
    return theta, counts.per_problem(counts.c) / step.total, loglik, done


def _problems(seed: int, rows: int):
    """The lift problems of every variable of a sampled mixture (the recursion run up to each)."""
    rng = np.random.default_rng(seed)
    network = random_network(5, n_states=3, graph="er", rng=rng)
    spec = random_mixture(network, n_targets=4, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, rows, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    prepared = prepare_inputs(network, table, penalty="local", epsilon=0.0, joint_cpds=False, observational=None,
                              delta=None, prior=1.0)
    state, lift_settings = start_state(prepared), LiftSettings()
    for j in range(network.n_variables):
        step = _lift_problem(prepared, copy.deepcopy(state), j, lift_settings)
        yield step, state.mu, int(network.cardinalities[j])
        state = lift_variable(prepared, state, j, lift_settings)


@pytest.mark.parametrize(("seed", "rows"), [(0, 300), (1, 3000), (2, 30000)])
@pytest.mark.parametrize("steps", [1, 2, 5, 40])
@pytest.mark.parametrize("lazy_rows", [0, None])
def test_the_lift_em_stops_where_the_plain_em_stops(seed, rows, steps, lazy_rows, monkeypatch):
    if lazy_rows is not None:  # the shortcut on these small tables too
        monkeypatch.setattr(problem, "_LAZY_ROWS", lazy_rows)
    stops, logs, e_steps = [], [0], 0
    rows_loglik = LiftProblem._rows_loglik

    def counted(self, mix):
        logs[0] += 1
        return rows_loglik(self, mix)

    for step, mu, k in _problems(seed, rows):
        for excluded in range(k):
            allowed = np.ones((mu.size, k + 1), dtype=bool)
            allowed[:, 1 + excluded] = False
            theta, new_mu, loglik, done = _plain_fit(step, mu, allowed, steps)
            with monkeypatch.context() as patch:
                patch.setattr(LiftProblem, "_rows_loglik", counted)
                fit = step.fit(mu, allowed, steps)
            e_steps += done + 1
            assert np.array_equal(fit.theta, theta)
            assert np.array_equal(fit.mu, new_mu)
            assert fit.loglik == loglik
            # restarted from the fit, as the exclusion choice does
            theta2, mu2, loglik2, _ = _plain_fit(step, fit.mu, allowed, steps, start=fit.theta)
            again = step.fit(fit.mu, allowed, steps, start=fit.theta)
            assert np.array_equal(again.theta, theta2) and np.array_equal(again.mu, mu2)
            assert again.loglik == loglik2
            stops.append(done < steps)
            unused = step.fit(mu, allowed, steps, loglik=False)
            assert np.array_equal(unused.theta, theta) and np.isnan(unused.loglik)
    if steps != 2 and lazy_rows is not None:  # (two steps need both log-likelihoods for the one test)
        assert logs[0] < e_steps  # some row logarithms were skipped
    if steps == 40:
        assert any(stops)  # some fits stopped at the tolerance, so the skipped log-likelihoods were recovered
