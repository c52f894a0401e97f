"""MixtureResult and Component: immutable, and they survive pickle, deepcopy and joblib round trips unchanged.

Also the immutable mapping behind them (:class:`pgmpy_mixture.targets.FrozenDict`) and the exact target matching of
:mod:`pgmpy_mixture.targets` against a brute-force reference.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import itertools
import json
import pickle
from collections import Counter
from collections.abc import Mapping

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_frame, sample_mixture
from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.targets import FrozenDict, match_targets, target_key


def _pickle(obj):
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _pickle_v0(obj):
    return pickle.loads(pickle.dumps(obj, protocol=0))


def _joblib(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


ROUND_TRIPS = {"pickle": _pickle, "pickle-protocol-0": _pickle_v0, "deepcopy": copy.deepcopy, "joblib": _joblib}


@pytest.fixture(scope="module")
def fitted():
    """A real fit (the likelihood method: standard errors, options, diagnostics with arrays) and data to score."""
    network = random_network(4, graph="chain", rng=0)
    spec = random_mixture(network, n_targets=3, rng=0)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 5000, rng=0)
    result = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
    data, _ = sample_frame(network, spec.targets, spec.weights, 300, rng=1)
    return result, data


def _assert_immutable(result: MixtureResult) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.method = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.components[0].weight = 0.5  # type: ignore[misc]
    for mapping in (result.options, result.diagnostics, result.components[0].target):
        with pytest.raises(TypeError, match="immutable"):
            mapping["new"] = 1
    with pytest.raises(TypeError):
        result.components[0] = result.components[1]  # type: ignore[index]


@pytest.mark.parametrize("how", list(ROUND_TRIPS))
def test_a_fitted_result_survives_round_trips(fitted, how):
    result, data = fitted
    assert isinstance(result.diagnostics["covariance"], np.ndarray)  # the diagnostics do hold an array
    back = ROUND_TRIPS[how](result)
    assert back is not result and type(back) is MixtureResult
    assert back.method == result.method and back.sample_size == result.sample_size
    assert back.warnings == result.warnings
    np.testing.assert_array_equal(back.weights, result.weights)
    assert back.targets == result.targets and [c.label for c in back] == [c.label for c in result]
    assert [c.stderr for c in back] == [c.stderr for c in result]
    assert [c.existence for c in back] == [c.existence for c in result]
    assert list(back.components) == list(result.components)  # Component equality: target, weight, stderr, existence
    assert dict(back.options) == dict(result.options)
    assert back.diagnostics.keys() == result.diagnostics.keys()
    np.testing.assert_array_equal(back.diagnostics["covariance"], result.diagnostics["covariance"])
    assert back.diagnostics["covariance_targets"] == result.diagnostics["covariance_targets"]
    assert back.network.variables == result.network.variables and back.network.states == result.network.states
    for a, b in zip(back.network.cpds, result.network.cpds, strict=True):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(back.responsibilities(data), result.responsibilities(data))
    pd.testing.assert_frame_equal(back.confidence_intervals(), result.confidence_intervals())
    pd.testing.assert_frame_equal(back.to_frame(), result.to_frame())
    assert repr(back) == repr(result)
    _assert_immutable(back)
    assert all(type(c.target) is FrozenDict for c in back)
    assert type(back.options) is FrozenDict and type(back.diagnostics) is FrozenDict


def test_a_deep_copy_shares_no_array_with_the_original(fitted):
    result, _ = fitted
    back = copy.deepcopy(result)
    assert back.diagnostics["covariance"] is not result.diagnostics["covariance"]
    assert not np.shares_memory(back.diagnostics["covariance"], result.diagnostics["covariance"])


@pytest.mark.parametrize("how", list(ROUND_TRIPS))
def test_a_component_survives_round_trips(how):
    comp = Component({"A": "x", "B": "y"}, 0.25, stderr=0.01, existence=0.9)
    back = ROUND_TRIPS[how](comp)
    assert back == comp and hash(back) == hash(comp)
    assert (back.target, back.weight, back.stderr, back.existence) == ({"A": "x", "B": "y"}, 0.25, 0.01, 0.9)
    assert back.label == "do(A=x, B=y)" and type(back.target) is FrozenDict
    with pytest.raises(TypeError, match="immutable"):
        back.target["A"] = "z"
    assert comp.target == {"A": "x", "B": "y"}  # the original is untouched


def test_targets_read_as_plain_dicts():
    comp = Component({"A": "x", 1: 2}, 1.0)
    assert comp.target == {"A": "x", "1": "2"}  # names are stored as strings
    assert json.dumps(comp.target) == '{"A": "x", "1": "2"}'
    assert json.dumps(dict(comp.target)) == '{"A": "x", "1": "2"}'
    assert isinstance(comp.target, Mapping) and isinstance(comp.target, dict)
    assert repr(comp.target) == "{'A': 'x', '1': '2'}"
    result = MixtureResult([comp], "demo", options={"epsilon": 0.1})
    assert result.targets == [{"A": "x", "1": "2"}] and type(result.targets[0]) is dict
    assert result.options == {"epsilon": 0.1} and json.dumps(result.options) == '{"epsilon": 0.1}'


def test_the_callers_mappings_are_copied_not_kept():
    options, diagnostics, target = {"epsilon": 0.1}, {"seconds": 1.0}, {"A": "x"}
    result = MixtureResult([Component(target, 1.0)], "demo", options=options, diagnostics=diagnostics)
    options["epsilon"], diagnostics["seconds"], target["A"] = 0.5, 2.0, "y"
    assert result.options == {"epsilon": 0.1} and result.diagnostics == {"seconds": 1.0}
    assert result[0].target == {"A": "x"}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("B", "y"),
        lambda d: d.__delitem__("A"),
        lambda d: d.clear(),
        lambda d: d.pop("A"),
        lambda d: d.pop("Z", None),
        lambda d: d.popitem(),
        lambda d: d.setdefault("B", "y"),
        lambda d: d.update({"B": "y"}),
        lambda d: d.update(B="y"),
        lambda d: d.__ior__({"B": "y"}),
    ],
    ids=["setitem", "delitem", "clear", "pop", "pop-default", "popitem", "setdefault", "update", "update-kw", "ior"],
)
def test_frozen_dict_refuses_every_change(change):
    d = FrozenDict({"A": "x"})
    with pytest.raises(TypeError, match="FrozenDict is immutable"):
        change(d)
    d.__init__({"B": "y"})  # re-running the constructor's second step changes nothing either
    assert d == {"A": "x"} and list(d.items()) == [("A", "x")]


def test_frozen_dict_derived_dicts_are_plain_and_it_hashes_like_its_items():
    d = FrozenDict({"A": "x"})
    assert type(d.copy()) is dict and d.copy() == {"A": "x"}
    merged = d | {"B": "y"}
    assert type(merged) is dict and merged == {"A": "x", "B": "y"} and d == {"A": "x"}
    assert copy.copy(d) is d
    assert FrozenDict.fromkeys(["A", "B"], "s") == {"A": "s", "B": "s"}
    assert type(FrozenDict.fromkeys(["A"])) is FrozenDict
    assert hash(d) == hash(FrozenDict(A="x")) == hash(frozenset({("A", "x")}))
    assert len({FrozenDict(A="x"), FrozenDict(A="x"), FrozenDict(A="y")}) == 2
    with pytest.raises(TypeError):
        hash(FrozenDict(a=[1]))  # unhashable values: unhashable, like a tuple holding a list


def test_format_target_is_still_importable_from_result():
    from pgmpy_mixture import result, targets

    assert result.format_target is targets.format_target
    assert result.format_target({"A": "x", "B": "y"}) == "do(A=x, B=y)"


# ---------------------------------------------------------------------------------------------- matching
def _brute_force_pair_count(true, estimated) -> int:
    """Size of a largest matching that pairs only equal targets, each at most once, found by trying every
    assignment of the true targets to distinct estimates (or to none)."""
    best = 0
    for assignment in itertools.product([None, *range(len(estimated))], repeat=len(true)):
        chosen = [j for j in assignment if j is not None]
        if len(chosen) != len(set(chosen)):
            continue
        if all(j is None or target_key(true[i]) == target_key(estimated[j]) for i, j in enumerate(assignment)):
            best = max(best, len(chosen))
    return best


TARGETS = st.dictionaries(st.sampled_from(["A", "B"]), st.sampled_from(["x", "y"]), max_size=2)


@settings(max_examples=60, deadline=None)
@given(true=st.lists(TARGETS, max_size=4), estimated=st.lists(TARGETS, max_size=4))
def test_matching_is_exact_one_to_one_and_as_large_as_brute_force(true, estimated):
    m = match_targets(true, estimated)
    for i, j in m.pairs:
        assert true[i] == estimated[j]
    assert len({i for i, _ in m.pairs}) == len(m.pairs) == len({j for _, j in m.pairs})
    assert sorted([i for i, _ in m.pairs] + list(m.unmatched_true)) == list(range(len(true)))
    assert sorted([j for _, j in m.pairs] + list(m.unmatched_estimated)) == list(range(len(estimated)))
    assert len(m.pairs) == _brute_force_pair_count(true, estimated)
    # the count, target by target, is the smaller multiplicity of the two sides
    ct, ce = Counter(map(target_key, true)), Counter(map(target_key, estimated))
    assert len(m.pairs) == sum(min(n, ce[k]) for k, n in ct.items())


def test_matching_prefers_the_closest_weight_among_equal_estimates():
    m = match_targets([{"A": "x"}], [{"A": "x"}, {"A": "x"}, {"A": "x"}], true_weights=[0.5],
                      estimated_weights=[0.1, 0.45, 0.9])
    assert m.pairs == ((0, 1),) and m.unmatched_estimated == (0, 2)
    assert match_targets([{"A": "x"}], [{"A": "x"}, {"A": "x"}]).pairs == ((0, 0),)  # no weights: the first
    assert match_targets([{}], [{"A": "x"}, {}]).pairs == ((0, 1),)  # the empty target matches the empty estimate
    with pytest.raises(DataValueError, match="both sides"):
        match_targets([{}], [{}], true_weights=[1.0])
    with pytest.raises(DataValueError, match="one weight per target"):
        match_targets([{}], [{}], true_weights=[1.0, 0.0], estimated_weights=[1.0])


def test_a_network_stays_read_only_through_pickle_and_deepcopy():
    import copy
    import pickle

    import numpy as np

    from pgmpy_mixture.model.network import CausalNetwork

    net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
                                    {"A": np.array([0.3, 0.7]), "B": np.array([[0.9, 0.1], [0.2, 0.8]])})
    for back in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert (back.variables, back.states, back.parents) == (net.variables, net.states, net.parents)
        assert all(not c.flags.writeable for c in back.cpds)
        assert [c.tolist() for c in back.cpds] == [c.tolist() for c in net.cpds]
