"""Every declared option of every registered method, driven through every entry point with bad values.

Each wrong type, out-of-range value or unknown name raises a ParameterError naming the option (and the value), an
option that needs observational samples is refused without them, and the caller's inputs are left unchanged --
through ``model.disentangle_mixture``, ``pgmpy_mixture.disentangle_mixture``, ``pgmpy_mixture.api``,
``pgmpy_mixture.disentangle_marginals`` and the command line's ``--option``.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pandas as pd
import pytest

import pgmpy_mixture
from pgmpy_mixture import api, methods
from pgmpy_mixture.adapters.examples import load_model
from pgmpy_mixture.cli import main
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import mixture_distribution, sample_frame
from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.validation.parameters import Option

MODEL = "example:cancer"
TARGETS = [{}, {"Smoker": "True"}, {"Pollution": "high"}]
WEIGHTS = [0.6, 0.25, 0.15]


def bad_values(option: Option) -> list[object]:
    """Values the declaration must refuse: wrong types, each end of the range crossed, NaN."""
    numeric = [t for t in option.types if t in (int, float)]
    values: list[object] = []
    if str not in option.types:
        values.append("nonsense")
    if bool in option.types:
        values.append(1)  # an int is not a bool
    if numeric:
        values.append(True)  # a bool is not a number
        if numeric == [int]:
            values.append(2.5)
        if float in numeric:
            values.append(math.nan)
        step = 1 if numeric == [int] else 1.0
        if option.low is not None:
            values.append(option.low if option.low_open else option.low - step)
        if option.high is not None:
            values.append(option.high if option.high_open else option.high + step)
    return values


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    network = load_example_network("cancer")
    frame, _ = sample_frame(network, TARGETS, WEIGHTS, 3000, rng=np.random.default_rng(0))
    observational, _ = sample_frame(network, [{}], [1.0], 1000, rng=np.random.default_rng(1))
    exact = mixture_distribution(network, TARGETS, WEIGHTS)
    distribution = pd.DataFrame({v: np.asarray(network.states[i], dtype=object)[exact.codes[:, i]]
                                 for i, v in enumerate(exact.variables)}).assign(p=exact.weights)
    marginals = CountTable.from_frame(frame, network.variables, network.states).marginals()
    root = tmp_path_factory.mktemp("entry")
    frame.to_csv(root / "samples.csv", index=False)
    distribution.to_csv(root / "distribution.csv", index=False)
    pd.DataFrame([(v, s, p) for v, d in marginals.items() for s, p in d.items()],
                 columns=["variable", "state", "probability"]).to_csv(root / "marginals.csv", index=False)
    return {"network": network, "model": load_model(MODEL), "samples": frame, "distribution": distribution,
            "observational": observational, "marginals": marginals, "root": root}


def _call(entry: str, kind: str, inputs: dict, method: str, options: dict, observational: bool, capsys) -> str:
    """Run one entry point; return the error message (a ParameterError, or the CLI's stderr on exit status 2)."""
    data = inputs[kind] if kind != "marginals" else None
    weights = "p" if kind == "distribution" else None
    extra = {"observational": inputs["observational"]} if observational else {}
    if entry == "cli":
        argv = ["disentangle", "--model", MODEL, "--method", method]
        if kind == "marginals":
            argv += ["--marginals", str(inputs["root"] / "marginals.csv")]
            argv += [] if "sample_size" in options else ["--sample-size", "3000"]
        else:
            argv += ["--data", str(inputs["root"] / f"{kind}.csv")] + (["--weights", "p"] if weights else [])
        for name, value in options.items():
            argv += ["--option", f"{name}={value}"]
        capsys.readouterr()
        assert main(argv) == 2
        return capsys.readouterr().err
    with pytest.raises(ParameterError) as info:
        if kind == "marginals":
            sized = {"sample_size": 3000, **options}
            if entry == "model":
                inputs["model"].disentangle_mixture(marginals=inputs["marginals"], method=method, **sized)
            elif entry == "top":
                pgmpy_mixture.disentangle_marginals(inputs["model"], inputs["marginals"], method=method, **sized)
            elif entry == "top-network":
                pgmpy_mixture.disentangle_mixture(inputs["network"], marginals=inputs["marginals"], method=method,
                                                  **sized)
            else:
                api.disentangle_marginals(inputs["network"], inputs["marginals"], method=method, **sized)
        elif entry == "model":
            inputs["model"].disentangle_mixture(data, weights=weights, method=method, **extra, **options)
        elif entry == "top":
            pgmpy_mixture.disentangle_mixture(inputs["model"], data, weights=weights, method=method, **extra, **options)
        elif entry == "top-network":
            pgmpy_mixture.disentangle_mixture(inputs["network"], data, weights=weights, method=method, **extra,
                                              **options)
        else:
            api.disentangle_mixture(inputs["network"], data, weights=weights, method=method, **extra, **options)
    return str(info.value)


ENTRIES = ["model", "top", "top-network", "api", "cli"]
CASES = [(kind, name) for kind in methods.INPUT_KINDS for name in methods.method_names([kind]) if name != "auto"]


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("kind, method", CASES)
def test_bad_option_values_are_refused_naming_the_option(entry, kind, method, inputs, capsys):
    spec = methods.get_method(kind, method)
    takes_observational = spec.observational != "none" and kind != "marginals" and entry != "cli"
    snapshot = copy.deepcopy({k: inputs[k] for k in ("samples", "distribution", "observational", "marginals")})
    checked = 0
    for option in spec.options_for(kind):
        for value in bad_values(option):
            message = _call(entry, kind, inputs, method, {option.name: value}, takes_observational, capsys)
            assert re.search(rf"\b{re.escape(option.name)}\b", message), (option.name, value, message)
            if entry != "cli":
                assert repr(value) in message and "expected" in message, message
            checked += 1
        if option.requires is not None:  # a valid value, but the input it needs is missing
            message = _call(entry, kind, inputs, method, {option.name: option.default if option.default is not None
                                                          else 0.01}, False, capsys)
            assert option.name in message and option.requires in message, message
    message = _call(entry, kind, inputs, method, {"no_such_option": 1}, takes_observational, capsys)
    assert "no_such_option" in message
    assert checked >= len(spec.options_for(kind))
    for key, before in snapshot.items():
        after = inputs[key]
        if isinstance(before, pd.DataFrame):
            pd.testing.assert_frame_equal(after, before)
        else:
            assert after == before


def test_option_text_is_read_by_its_declared_type():
    specs = methods.option_specs("likelihood", ["samples"])
    from pgmpy_mixture.cli.io import parse_options

    parsed = parse_options(["penalty=bic", "epsilon=0", "lift_steps=7", "joint_cpds=TRUE", "refine_steps=None"], specs)
    assert parsed == {"penalty": "bic", "epsilon": 0.0, "lift_steps": 7, "joint_cpds": True, "refine_steps": None}
    assert type(parsed["epsilon"]) is float and type(parsed["lift_steps"]) is int
    assert parse_options(["lift_steps=2.5"], specs) == {"lift_steps": "2.5"}  # refused later, by the checker


def test_the_command_line_runs_declared_options(inputs, capsys):
    import json

    argv = ["disentangle", "--model", MODEL, "--data", str(inputs["root"] / "samples.csv"), "--method", "likelihood",
            "--option", "penalty=bic", "--option", "epsilon=0", "--option", "lift_steps=7", "--json", "-"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["options"]["penalty"] == "bic" and doc["options"]["lift_steps"] == 7
    want = inputs["model"].disentangle_mixture(inputs["samples"], method="likelihood", penalty="bic", epsilon=0.0,
                                               lift_steps=7)
    assert [c["weight"] for c in doc["components"]] == [c.weight for c in want.components]


def test_the_sample_size_is_given_once_on_the_command_line(inputs, capsys):
    argv = ["disentangle", "--model", MODEL, "--marginals", str(inputs["root"] / "marginals.csv"),
            "--sample-size", "3000", "--option", "sample_size=3000"]
    assert main(argv) == 2
    assert "--sample-size N or --option sample_size=N" in capsys.readouterr().err
