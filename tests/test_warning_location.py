"""Assumption and estimation warnings point at the user's own line, whichever entry point raised them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pgmpy_mixture
from pgmpy_mixture.adapters.causallearn import MixtureSplitter
from pgmpy_mixture.aggregate import disentangle_marginals
from pgmpy_mixture.errors import EstimationWarning, PositivityWarning
from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp


def _caught(category, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, category)]


def _skewed_population():
    # one skewed population cut into clusters: every mechanism differs between clusters (the Sachs situation)
    z = np.random.default_rng(0).standard_normal((3000, 4))
    return np.exp(z @ np.triu(np.ones((4, 4))))


@pytest.mark.parametrize("entry", ["core", "splitter"])
def test_gaussian_assumption_warning_points_at_the_caller(entry):
    data = _skewed_population()
    if entry == "core":
        caught = _caught(EstimationWarning, lambda: fit_mixture_utigsp(data, n_components=4, random_state=0))
    else:
        caught = _caught(EstimationWarning, lambda: MixtureSplitter(n_components=4, random_state=0).fit(data))
    assert any("sparse-mechanism-shift" in str(w.message) for w in caught)
    assert {w.filename for w in caught} == {__file__}


def test_discrete_warnings_point_at_the_caller():
    net = pgmpy_mixture.CausalNetwork.from_tables(["A"], {"A": ["a0", "a1", "a2"]}, {},
                                                  {"A": np.array([0.5, 0.5, 0.0])})
    caught = _caught(PositivityWarning, lambda: disentangle_marginals(
        net, {"A": {"a0": 0.5, "a1": 0.5, "a2": 0.0}}, method="exact"))
    assert caught and {w.filename for w in caught} == {__file__}


def test_pgmpy_entry_point_warning_points_at_the_caller():
    from pgmpy_mixture.adapters.examples import load_example
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
    from pgmpy_mixture.discrete.simulate import sample_frame

    model = load_example("cancer")
    frame, _ = sample_frame(network_from_pgmpy(model), [{}], [1.0], 2000, rng=0)
    assert frame.shape == (2000, 5) and sorted(frame.columns) == sorted(model.nodes())
    caught = _caught(EstimationWarning, lambda: model.disentangle_mixture(frame, method="exact"))
    assert any("method 'exact' was given samples" in str(w.message) for w in caught)
    assert {w.filename for w in caught} == {__file__}
