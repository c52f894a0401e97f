"""One result family: whatever method made it, a result is immutable and survives pickle, deep copy and joblib.

Every registered method's result (discrete, aggregate marginals) and both Gaussian results are made on a small
input and sent through the three round trips; what comes back must equal the original field by field (arrays
included) and be as immutable as it (frozen fields, read-only arrays, mappings that refuse changes).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Mapping

import joblib
import numpy as np
import pytest

import pgmpy_mixture
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_network, sample_frame
from pgmpy_mixture.gaussian.shared_sem import fit_shared_sem
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
from pgmpy_mixture.methods import method_names

TRUTH = [{}, {"V1": "s1"}, {"V0": "s0", "V2": "s2"}]


@pytest.fixture(scope="module")
def network():
    return random_network(4, n_states=3, rng=7)


def _discrete_results(network):
    frame, _ = sample_frame(network, TRUTH, [0.5, 0.3, 0.2], 20_000, rng=1)
    table = mixture_distribution(network, TRUTH, [0.5, 0.3, 0.2])
    marginals = {v: frame[v].value_counts(normalize=True).to_dict() for v in frame.columns}
    results = {}
    for name in method_names(["samples"]):
        if name != "auto":
            results[f"samples/{name}"] = pgmpy_mixture.disentangle_mixture(network, frame, method=name)
    for name in method_names(["distribution"]):
        if name != "auto":
            results[f"distribution/{name}"] = pgmpy_mixture.disentangle_mixture(network, table, method=name)
    for name in method_names(["marginals"]):
        if name == "auto":
            continue
        extra = {"data": frame} if name == "em" else {}
        results[f"marginals/{name}"] = pgmpy_mixture.disentangle_marginals(
            network, marginals, method=name, sample_size=len(frame), **extra)
    return results


def _gaussian_results():
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, targets="all", random_state=0)
    fit = pgmpy_mixture.fit_mixture_utigsp(sim.data, random_state=0)
    shared = pgmpy_mixture.fit_shared_sem_mixture(sim.data, n_components=fit.n_components, random_state=0)
    resp = fit.predict_proba(sim.data)
    sem = fit_shared_sem(sim.data, resp)
    return {"gaussian/mixture_utigsp": fit, "gaussian/shared_sem_mixture": shared, "gaussian/shared_sem": sem}


@pytest.fixture(scope="module")
def results(network):
    return {**_discrete_results(network), **_gaussian_results()}


def _equal(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        same_length = isinstance(b, (list, tuple)) and len(a) == len(b)
        return same_length and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_equal(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a) if f.compare or f.init)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a):
        return np.isnan(b)
    return a == b


def _immutable(result) -> None:
    first = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, first, None)
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, f.name
        if isinstance(value, Mapping):
            with pytest.raises(TypeError):
                value["new"] = 1  # type: ignore[index]


ROUND_TRIPS = {
    "pickle": lambda obj, path: pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)),
    "deepcopy": lambda obj, path: copy.deepcopy(obj),
    "joblib": lambda obj, path: (joblib.dump(obj, path), joblib.load(path))[1],
}


def test_every_method_is_in_the_family(results):
    discrete = {k for k in results if not k.startswith("gaussian/")}
    expected = {f"{kind}/{name}" for kind in ("samples", "distribution", "marginals")
                for name in method_names([kind]) if name != "auto"}
    assert discrete == expected and len(expected) >= 8


@pytest.mark.parametrize("how", sorted(ROUND_TRIPS))
def test_every_result_survives_round_trips_and_stays_immutable(results, how, tmp_path):
    for key, result in results.items():
        back = ROUND_TRIPS[how](result, tmp_path / "result.joblib")
        assert type(back) is type(result), key
        assert _equal(result, back), key
        _immutable(result)
        _immutable(back)


def test_discrete_targets_read_as_plain_dicts(results):
    for key, result in results.items():
        if key.startswith("gaussian/"):
            continue
        targets = result.targets
        assert all(type(t) is dict for t in targets), key
        assert [dict(c.target) for c in result.components] == targets, key
        assert result.weights.tolist() == [c.weight for c in result.components], key
