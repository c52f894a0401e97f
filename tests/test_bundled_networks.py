"""Acceptance: a default call on a simulated mixture gives a valid mixture on every network that ships with pgmpy.

Valid: at least one component, weights that sum to 1, no exception; where positivity fails (a CPD entry is zero) a
PositivityWarning names a variable and state whose entry is zero. The small and medium networks run in the default
suite (2000 rows each); the large ones in the slow suite (5000 rows), each within its time budget (seconds on a
2-core machine shared with other jobs).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
from pgmpy_mixture.errors import PositivityWarning
from pgmpy_mixture.model.examples import example_names, load_example_network

#: Networks of the default suite and their time budgets (seconds, 2000 rows).
DEFAULT = {"asia": 20, "cancer": 20, "earthquake": 20, "survey": 20, "sachs": 20, "child": 40, "insurance": 40,
           "alarm": 60, "water": 40, "win95pts": 60, "hailfinder": 60, "hepar2": 60, "mildew": 60, "barley": 60}
#: The slow suite's budgets (5000 rows); a bundled network missing here gets :data:`SLOW_BUDGET`.
SLOW = {"pathfinder": 120, "andes": 180, "pigs": 300, "link": 600, "diabetes": 600, "munin": 600, "munin1": 120,
        "munin2": 600, "munin3": 600, "munin4": 600}
SLOW_BUDGET = 900


def _check(name: str, rows: int, budget: float) -> None:
    network = load_example_network(name)
    rng = np.random.default_rng(0)
    spec = random_mixture(network, n_targets=5, max_target_size=2, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, rows, rng=rng)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.disentangle_mixture(network, frame)
    elapsed = time.perf_counter() - started
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
    assert elapsed < budget, f"{name}: {elapsed:.0f} s, budget {budget} s"


@pytest.mark.parametrize("name", sorted(DEFAULT))
def test_default_call_gives_a_valid_mixture(name):
    _check(name, 2000, DEFAULT[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in example_names() if n not in DEFAULT])
def test_default_call_gives_a_valid_mixture_on_the_large_networks(name):
    _check(name, 5000, SLOW.get(name, SLOW_BUDGET))


def test_the_default_suite_names_bundled_networks():
    # a network bundled later runs in the slow suite with SLOW_BUDGET; one named here must exist
    assert set(DEFAULT) <= set(example_names())
    assert not set(DEFAULT) & set(SLOW)
