"""Acceptance: a default call on a simulated mixture gives a valid mixture on every network that ships with pgmpy.

Valid: at least one component, weights that sum to 1, no exception; where positivity fails (a CPD entry is zero) a
PositivityWarning names a variable and state whose entry is zero. The small and medium networks run in the default
suite (2000 rows each); the large ones in the slow suite (5000 rows). Times are measured by the benchmarks, not
asserted here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
from pgmpy_mixture.errors import PositivityWarning
from pgmpy_mixture.model.examples import example_names, load_example_network

#: Networks of the default suite (2000 rows each); every other bundled network runs in the slow suite.
DEFAULT = ("asia", "cancer", "earthquake", "survey", "sachs", "child", "insurance", "alarm", "water", "win95pts",
           "hailfinder", "hepar2", "mildew", "barley")


def _check(name: str, rows: int) -> None:
    network = load_example_network(name)
    rng = np.random.default_rng(0)
    spec = random_mixture(network, n_targets=5, max_target_size=2, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, rows, rng=rng)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.disentangle_mixture(network, frame)
    assert len(result) >= 1
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(result.weights > 0)
    assert result.sample_size == rows
    violations = network.positivity_violations()
    messages = [str(w.message) for w in caught if issubclass(w.category, PositivityWarning)]
    if violations:
        named = {f"{var}={state}" for var, state in violations}
        assert any(v in m for m in messages for v in named), messages
    else:
        assert not messages
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("name", sorted(DEFAULT))
def test_default_call_gives_a_valid_mixture(name):
    _check(name, 2000)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in example_names() if n not in DEFAULT])
def test_default_call_gives_a_valid_mixture_on_the_large_networks(name):
    _check(name, 5000)


def test_the_default_suite_names_bundled_networks():
    # a network bundled later runs in the slow suite; one named here must exist
    assert set(DEFAULT) <= set(example_names())


#: Networks on which the marginals entry point runs in the default suite (about 10 s for all).
MARGINALS = ("asia", "cancer", "earthquake", "survey", "sachs", "child", "insurance", "alarm")


@pytest.mark.parametrize("name", MARGINALS)
def test_default_marginals_call_on_estimated_marginals_gives_a_valid_mixture(name):
    # a dashboard's marginals of 20,000 sampled rows, without sample_size: the default must detect or tolerate noise
    network = load_example_network(name)
    rng = np.random.default_rng(0)
    picked = rng.choice(network.n_variables, size=3, replace=False)
    targets = [{}] + [{network.variables[i]: network.states[i][int(rng.integers(len(network.states[i])))]}
                      for i in picked]
    frame, _ = sample_frame(network, targets, [0.55, 0.2, 0.15, 0.1], 20_000, rng=rng)
    marginals = {v: frame[v].value_counts(normalize=True).to_dict() for v in frame.columns}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.disentangle_marginals(network, marginals)
    assert len(result) >= 1
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(result.weights > 0)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
