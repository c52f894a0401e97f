"""The one entry path: the pgmpy method, the top-level functions and the core entry point agree; the method
registry declares what the functions take; structures without CPDs; reader registry; what import pulls in."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgmpy_mixture
from pgmpy_mixture import api, methods
from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_frame
from pgmpy_mixture.errors import DataTypeError, ModelError, ParameterError
from pgmpy_mixture.model.structure import NetworkStructure
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.validation.parameters import Option


def _exact_frame(net, spec) -> pd.DataFrame:
    table = mixture_distribution(net, spec.targets, spec.weights)
    frame = pd.DataFrame({v: np.asarray(net.states[i], dtype=object)[table.codes[:, i]]
                          for i, v in enumerate(table.variables)})
    frame["p"] = table.weights
    return frame


def _same(a: MixtureResult, b: MixtureResult) -> None:
    assert a.method == b.method and a.sample_size == b.sample_size
    assert [c.target for c in a.components] == [c.target for c in b.components]
    np.testing.assert_array_equal(a.weights, b.weights)
    assert dict(a.options) == dict(b.options)


# ---------------------------------------------------------------------------------------------- (a) one path
#: Valid values each option is drawn from (kept small so that every run stays quick).
VALID = {
    "epsilon": [0.0, 0.005, 0.02],
    "tolerance": [1e-12, 1e-10, 1e-8],
    "penalty": ["local", "bic", "aic", 0.5, 2.0],
    "lift_steps": [None, 3, 20],
    "choice_steps": [None, 2],
    "refine_steps": [None, 0, 3],
    "polish_steps": [0, 10],
    "newton_steps": [0, 5],
    "existence_penalty": ["bic", "ebic", None, 2.0],
    "joint_cpds": [False, True],
    "repair": [True, False],
    "delta": [None, 1e-4, 1e-2],
    "prior": [0.5, 1.0, 50.0],
    "search_rows": [None, 5, 131072],
    "random_state": [0, 7],
}


@settings(max_examples=30)
@given(
    n=st.integers(2, 4),
    n_states=st.integers(2, 3),
    seed=st.integers(0, 10_000),
    source=st.sampled_from(["samples", "counts", "distribution", "table"]),
    method=st.sampled_from(["auto", "exact", "paper", "likelihood"]),
    observational=st.sampled_from([None, "frame", "table"]),
    data=st.data(),
)
def test_pgmpy_method_and_core_entry_point_give_identical_results(n, n_states, seed, source, method, observational,
                                                                   data):
    net = random_network(n, n_states=n_states, graph="er", rng=seed)
    spec = random_mixture(net, n_targets=min(3, 2 ** n), max_target_size=1, rng=seed + 1)
    model = network_to_pgmpy(net)
    core = network_from_pgmpy(model)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 2000, rng=seed + 2)
    kwargs: dict = {}
    if source == "samples":
        payload = mix
    elif source == "counts":
        payload = mix.value_counts().rename("n").reset_index()
        kwargs["weights"] = "n"
    elif source == "distribution":
        payload = _exact_frame(net, spec)
        kwargs["weights"] = "p"
    else:
        payload = CountTable.from_frame(mix, net.variables, net.states)
    if observational is not None:
        obs, _ = sample_frame(net, [{}], [1.0], 1000, rng=seed + 3)
        kwargs["observational"] = obs if observational == "frame" else CountTable.from_frame(obs, net.variables,
                                                                                             net.states)
    kind = "distribution" if source == "distribution" else "samples"
    chosen = methods.resolve_method(kind, method)
    options = {}
    for option in chosen.options_for(kind):
        if option.requires == "observational" and observational is None:
            continue
        if option.name == "prior" and options.get("delta") is not None:
            continue
        if data.draw(st.booleans(), label=f"give {option.name}"):
            options[option.name] = data.draw(st.sampled_from(VALID[option.name]), label=option.name)
    if options.get("delta") is None:
        options.pop("delta", None)
    before = payload.copy(deep=True) if isinstance(payload, pd.DataFrame) else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        via_model = model.disentangle_mixture(payload, method=method, **kwargs, **options)
        via_top = pgmpy_mixture.disentangle_mixture(model, payload, method=method, **kwargs, **options)
        via_core = api.disentangle_mixture(core, payload, method=method, **kwargs, **options)
    _same(via_model, via_core)
    _same(via_top, via_core)
    if before is not None:
        pd.testing.assert_frame_equal(payload, before)
    assert via_core.options["method"] == chosen.name
    for name, value in options.items():  # every option given is stamped as used
        assert via_core.options[name] == value
    if observational is not None:
        assert via_core.options["observational_samples"] == 1000


def test_prior_and_joint_cpds_reach_the_method_through_pgmpy():
    """The measured bug: the pgmpy method fitted the CPDs itself and dropped prior= and joint_cpds=."""
    net = random_network(4, n_states=2, graph="chain", rng=1)
    spec = random_mixture(net, n_targets=3, max_target_size=1, rng=2)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 3000, rng=3)
    obs, _ = sample_frame(net, [{}], [1.0], 300, rng=4)
    model = network_to_pgmpy(net)
    plain = model.disentangle_mixture(mix, observational=obs, method="likelihood")
    strong = model.disentangle_mixture(mix, observational=obs, method="likelihood", prior=50.0)
    joint = model.disentangle_mixture(mix, observational=obs, method="likelihood", joint_cpds=True)
    assert not np.array_equal(plain.weights, strong.weights)
    assert not np.array_equal(plain.weights, joint.weights)
    assert strong.options["cpds"] == "fitted (plug-in, Dirichlet(50) posterior mean)"
    assert joint.options["cpds"].startswith("fitted jointly")
    # the core function itself, given the same observational table, gives the same numbers
    table = CountTable.from_frame(mix, net.variables, net.states)
    observational = CountTable.from_frame(obs, net.variables, net.states)
    direct = disentangle_likelihood(network_from_pgmpy(model), table, observational=observational, prior=50.0)
    np.testing.assert_array_equal(direct.weights, strong.weights)


def test_paper_with_observational_fits_once_with_delta_one_over_m():
    from pgmpy_mixture.model.fitting import fit_network

    net = random_network(3, n_states=2, graph="chain", rng=5)
    spec = random_mixture(net, n_targets=2, max_target_size=1, rng=6)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 4000, rng=7)
    obs, _ = sample_frame(net, [{}], [1.0], 800, rng=8)
    result = api.disentangle_mixture(net, mix, observational=obs, method="paper")
    assert result.options["cpds"] == "fitted" and result.options["delta"] == 1 / 800
    parents = {v: [net.variables[p] for p in net.parents[i]] for i, v in enumerate(net.variables)}
    fitted = fit_network(net.variables, net.states, parents, CountTable.from_frame(obs, net.variables, net.states),
                         delta=1 / 800)
    for got, want in zip(result.network.cpds, fitted.cpds, strict=True):
        np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------------------------------------- structures
def test_structure_without_cpds_is_fitted_from_observational_samples_like_a_bare_pgmpy_model():
    from pgmpy.models import DiscreteBayesianNetwork

    net = random_network(4, n_states=3, graph="er", rng=21)
    spec = random_mixture(net, n_targets=3, max_target_size=1, rng=22)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 5000, rng=23)
    obs, _ = sample_frame(net, [{}], [1.0], 5000, rng=24)
    parents = {v: [net.variables[p] for p in net.parents[i]] for i, v in enumerate(net.variables)}
    structure = NetworkStructure.from_parents(net.variables, parents)
    bare = DiscreteBayesianNetwork(network_to_pgmpy(net).edges())
    bare.add_nodes_from(net.variables)
    for method in ("paper", "likelihood"):
        core = api.disentangle_mixture(structure, mix, observational=obs, method=method)
        via_model = bare.disentangle_mixture(mix, observational=obs, method=method)
        _same(core, via_model)
        assert core.network.states == net.states  # sorted from the data, as the simulator names them
    with pytest.raises(ModelError, match="observational"):
        api.disentangle_mixture(structure, mix)
    with pytest.raises(ModelError, match="CPDs"):
        api.disentangle_marginals(structure, {"V0": {"s0": 1.0}})


def test_structure_states_come_from_the_model_then_a_count_table_then_the_frames():
    s = NetworkStructure.from_parents(["A", "B", "C"], {"B": ["A"]}, states={"A": ["z", "y"]})
    table = CountTable.from_codes(np.array([[0, 1, 0]]), ["A", "B", "C"], [["y", "z"], ["q", "p"], ["c"]])
    frame = pd.DataFrame({"A": ["y"], "B": ["p"], "C": ["d"]})
    assert s.resolve_states(frame, table) == (("z", "y"), ("q", "p"), ("c",))
    assert s.resolve_states(frame, pd.DataFrame({"B": ["a"], "C": ["b"]})) == (("z", "y"), ("a", "p"), ("b", "d"))
    with pytest.raises(ValueError, match="'B'"):
        s.resolve_states(pd.DataFrame({"C": ["x"]}))
    with pytest.raises(ModelError, match="cycle"):
        NetworkStructure.from_parents(["A", "B"], {"A": ["B"], "B": ["A"]})
    with pytest.raises(ValueError, match="'Z'"):
        NetworkStructure.from_parents(["A"], {"A": ["Z"]})


# ---------------------------------------------------------------------------------------------- the registry
def _solver(name: str):
    for module in ("pgmpy_mixture.aggregate", "pgmpy_mixture.aggregate.dimm"):
        found = getattr(importlib.import_module(module), name, None)
        if found is not None:
            return found
    raise AssertionError(f"{name} not found in pgmpy_mixture.aggregate")


def _keywords(function, skip=()) -> dict:
    params = inspect.signature(function).parameters.values()
    return {p.name: p.default for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in skip}


def _declared(method) -> dict:
    return {o.name: o.default for o in method.options}


def test_declared_options_are_the_functions_keywords_with_their_defaults():
    """The declarations must follow the code: same names, same defaults (the functions keep checking too)."""
    assert _declared(methods.LIKELIHOOD) == _keywords(disentangle_likelihood, skip=("progress", "observational"))
    assert _declared(methods.UAI2021_EXACT) == {**_keywords(methods._exact, skip=("progress",)), "delta": None}
    assert _declared(methods.UAI2021_PAPER) == {**_keywords(methods._paper, skip=("progress",)), "delta": None}
    entry = _keywords(_solver("disentangle_marginals"), skip=("method", "data", "progress"))
    solvers = {"exact": "solve_exact", "dimm": "solve_dimm", "nnls": "solve_nnls", "bayes": "solve_bayes",
               "em": "solve_em"}
    for name, solver in solvers.items():
        declared = _declared(methods.get_method("marginals", name))
        own = _keywords(_solver(solver), skip=("rng", "progress", "sample_size", "init"))
        common = {k: v for k, v in entry.items() if k != "random_state" or name == "dimm"}
        assert declared == {**common, **own}, name


def test_available_methods_is_one_row_per_method_and_input_kind():
    table = pgmpy_mixture.available_methods()
    assert list(table.columns) == ["method", "input", "algorithm", "reference", "auto", "observational", "options"]
    assert not table.duplicated(["method", "input"]).any()
    assert set(table["input"]) == {"samples", "distribution", "marginals"}
    exact = table[table["method"] == "exact"].set_index("input")
    assert "Algorithm 1" in exact.loc["samples", "reference"] and "UAI 2021" in exact.loc["distribution", "reference"]
    assert "Theorem 1" in exact.loc["marginals", "reference"] and "AAAI 2020" in exact.loc["marginals", "reference"]
    autos = table[table["auto"] != ""].set_index(["input", "method"])["auto"].to_dict()
    assert autos == {("samples", "likelihood"): "auto", ("distribution", "exact"): "auto",
                     ("marginals", "bayes"): "auto with sample_size",
                     ("marginals", "exact"): "auto without sample_size"}
    assert "epsilon: a float in [0, 1) (default 0.01)" in table.set_index(["input", "method"]).loc[
        ("samples", "paper"), "options"]


def test_register_method_with_declared_options_for_marginals():
    calls = []

    def flat(network, marginals, *, progress=False, scale=1.0):
        calls.append(scale)
        return MixtureResult([Component({}, 1.0)], method="flat", network=network)

    net = random_network(2, n_states=2, graph="chain", rng=0)
    marginals = {v: {s: 1 / len(st_) for s in st_} for v, st_ in zip(net.variables, net.states, strict=True)}
    methods.register_method("flat-test", flat, inputs=("marginals",),
                            options=[Option("scale", (float,), 1.0, low=0.0, low_open=True)],
                            algorithm="everything observational", reference="none")
    try:
        result = pgmpy_mixture.disentangle_marginals(net, marginals, method="flat-test", scale=2.0)
        assert calls == [2.0] and result.options == {"method": "flat-test", "scale": 2.0}
        with pytest.raises(ParameterError, match=r"scale=0 is not valid .* expected a float > 0"):
            api.disentangle_marginals(net, marginals, method="flat-test", scale=0)
        with pytest.raises(ParameterError, match="flat-test"):  # registered for marginals only
            api.disentangle_mixture(net, mixture_distribution(net, [{}], [1.0]), method="flat-test")
        row = pgmpy_mixture.available_methods().set_index("method").loc["flat-test"]
        assert row["input"] == "marginals" and row["algorithm"] == "everything observational"
    finally:
        methods.unregister_method("flat-test")
    assert "flat-test" not in set(pgmpy_mixture.available_methods()["method"])
    with pytest.raises(ParameterError, match="inputs"):
        methods.register_method("x", flat, inputs=("rows",))


def test_a_user_method_taking_observational_receives_the_table():
    seen = {}

    def uses_rows(network, data, *, progress=False, observational=None):
        seen["observational"] = observational
        return MixtureResult([Component({}, 1.0)], method="rows", network=network)

    net = random_network(2, n_states=2, graph="chain", rng=0)
    obs, _ = sample_frame(net, [{}], [1.0], 50, rng=1)
    methods.register_method("rows-test", uses_rows)
    try:
        api.disentangle_mixture(net, obs, method="rows-test", observational=obs)
        assert isinstance(seen["observational"], CountTable) and seen["observational"].total == 50
    finally:
        methods.unregister_method("rows-test")


# ---------------------------------------------------------------------------------------------- sources
def test_every_source_gives_the_same_result(tmp_path):
    net = random_network(3, n_states=2, graph="chain", rng=31)
    spec = random_mixture(net, n_targets=2, max_target_size=1, rng=32)
    mix, _ = sample_frame(net, spec.targets, spec.weights, 6000, rng=33)
    mix.to_csv(tmp_path / "mix.csv", index=False)
    want = api.disentangle_mixture(net, mix, method="paper")
    for source in (CountTable.from_frame(mix, net.variables, net.states), iter([mix.iloc[:2500], mix.iloc[2500:]]),
                   [mix.iloc[:100], mix.iloc[100:]], str(tmp_path / "mix.csv"), str(tmp_path / "*.csv")):
        _same(api.disentangle_mixture(net, source, method="paper"), want)


def test_bad_inputs_are_named():
    net = random_network(2, n_states=2, graph="chain", rng=0)
    table = mixture_distribution(net, [{}], [1.0])
    with pytest.raises(DataTypeError, match="observational"):
        api.disentangle_mixture(net, table, observational=[1, 2])
    with pytest.raises(ParameterError, match="'dimm' takes marginals input"):
        api.disentangle_mixture(net, table, method="dimm")
    obs = pd.DataFrame({"V0": ["s0"], "V1": ["nope"]})
    with pytest.raises(ValueError, match="^observational samples: .*'nope'"):
        api.disentangle_mixture(net, table, observational=obs, method="paper")
    with pytest.raises(DataTypeError, match="names no file"):
        api.disentangle_mixture(net, "no such file")
    with pytest.raises(ParameterError, match="progress"):
        api.disentangle_mixture(net, table, progress="yes")
    with pytest.raises(ParameterError, match="not both"):
        api.disentangle_mixture(net, table, marginals={"V0": {}})
    with pytest.raises(ParameterError, match="marginals="):
        api.disentangle_marginals(net)
    with pytest.raises(ParameterError, match="weights"):
        api.disentangle_mixture(net, table, weights="n")


def test_importing_the_package_imports_no_dask_and_registers_its_reader():
    code = (
        "import sys, pgmpy_mixture\n"
        "from pgmpy_mixture.data.ingest import _READERS\n"
        "print('dask' in _READERS, any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["True", "False"]
