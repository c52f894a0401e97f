"""The linear Gaussian SEM simulator of the NeurIPS 2024 study (:mod:`pgmpy_mixture.gaussian.simulate`)."""

from __future__ import annotations

import numpy as np
import pytest

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.gaussian.simulate import component_moments, random_linear_sem, simulate_linear_mixture


def test_simulator_moments_match_samples():
    sim = simulate_linear_mixture(n_nodes=4, n_samples=200_000, targets="all", kind="soft", random_state=1)
    for k in range(sim.n_components):
        rows = sim.data[sim.labels == k]
        assert np.allclose(rows.mean(0), sim.means[k], atol=0.05)
        assert np.allclose(np.cov(rows.T), sim.covariances[k], atol=0.1 * np.abs(sim.covariances[k]).max())


def test_simulator_do_cuts_incoming_edges_and_fixes_value():
    sim = simulate_linear_mixture(n_nodes=4, n_samples=4000, targets="all", random_state=3, edge_probability=1.0)
    for k in range(1, sim.n_components):
        (j,) = sim.targets[k]
        rows = sim.data[sim.labels == k]
        assert np.allclose(rows[:, j], 1.0, atol=1e-3)
        assert sim.covariances[k][j, j] == pytest.approx(1e-9, rel=1e-12)  # the do-variance, exactly


def test_simulator_options():
    sim = simulate_linear_mixture(n_nodes=6, n_samples=700, targets="half", random_state=0)
    assert sim.n_components == 4 and all(len(t) == 1 for t in sim.targets[1:])
    sim = simulate_linear_mixture(n_nodes=3, n_samples=100, targets=[[0, 2]], weights=[0.3, 0.7], random_state=0)
    assert sim.targets == [frozenset(), frozenset({0, 2})] and sim.data.shape == (100, 3)
    sem = random_linear_sem(6, rng=np.random.default_rng(0))
    w = np.abs(sem.weights[sem.weights != 0])
    assert np.all((w >= 0.5) & (w <= 1.0)) and np.all(np.triu(sem.weights) == 0)
    for bad in [dict(kind="hard"), dict(targets="some"), dict(targets=[[7]]), dict(n_samples=0),
                dict(weights=[0.5, 0.5])]:
        with pytest.raises(ParameterError):
            simulate_linear_mixture(n_nodes=3, **{**dict(targets="all", n_samples=100), **bad})


def test_component_moments_solve_the_structural_equations():
    """``X = B X + eps``: the mean solves ``(I - B) mu = nu`` and ``(I - B) Sigma (I - B)' = diag(omega)``."""
    sem = random_linear_sem(5, edge_probability=1.0, rng=np.random.default_rng(2))
    nu, omega = np.arange(5.0), np.linspace(0.5, 2.0, 5)
    mean, cov = component_moments(sem.weights, nu, omega)
    identity = np.eye(5)
    np.testing.assert_allclose((identity - sem.weights) @ mean, nu, atol=1e-12)
    np.testing.assert_allclose((identity - sem.weights) @ cov @ (identity - sem.weights).T, np.diag(omega),
                               atol=1e-12)
