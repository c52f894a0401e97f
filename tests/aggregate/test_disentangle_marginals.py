"""The entry point of the aggregate methods: input forms, dispatch, assumption checks, result assembly."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from aggregate_cases import GOOD, alarm, as_dict, exact_mixture_marginals, random_weights, small_net
from hypothesis import given, settings
from hypothesis import strategies as st

import pgmpy_mixture
from pgmpy_mixture import CountTable
from pgmpy_mixture.aggregate import disentangle_marginals
from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets, flat_labels
from pgmpy_mixture.discrete.simulate import random_network, sample_mixture
from pgmpy_mixture.errors import DataTypeError, ExclusionWarning, ParameterError, PositivityWarning
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 6), graph=st.sampled_from(["er", "sf"]))
def test_exact_marginals_give_the_exact_components(seed, n, graph):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 5, size=n)], graph=graph, rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(0, int(np.sum(net.cardinalities - 1)) + 1)))
    p_mix = exact_mixture_marginals(net, x, phi)
    oracle = interventional_marginals(net)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExclusionWarning)
        result = disentangle_marginals(net, as_dict(net, p_mix), oracle=oracle)
    assert result.method == "exact" and result.sample_size is None
    truth = {(): phi} if phi > 0 else {}
    truth.update({((v, s),): w for (v, s), w in zip(flat_labels(net), x, strict=True) if w > 0})
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert set(got) == set(truth)
    for key, w in truth.items():
        assert got[key] == pytest.approx(w, abs=1e-9)
    assert result.diagnostics["residual"] < 1e-8


def test_alarm_mixture_marginals_agree_with_sampled_marginals():
    """The oracle's mixture marginals agree with sampled marginals (independent check of the forward pass)."""
    net, oracle = alarm()
    rng = np.random.default_rng(1)
    x, phi = random_weights(net, rng, 17, phi=0.2)
    p_mix = (1 - x.sum()) * oracle.observational + x @ oracle.interventional
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 200_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    sampled = np.concatenate([table.marginal(v) for v in net.variables])
    assert np.abs(sampled - p_mix).max() < 6e-3


def test_estimated_marginals_go_to_bayes_and_keep_its_weights():
    net, oracle = alarm()
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    flat = np.concatenate([table.marginal(v) for v in net.variables])
    x_bayes, _ = solve_bayes(MarginalSystem(oracle, flat), sample_size=100_000)
    result = disentangle_marginals(net, as_dict(net, flat), sample_size=100_000, oracle=oracle)
    assert result.method == "bayes"
    np.testing.assert_allclose([result.diagnostics["weights"][lab] for lab in flat_labels(net)], x_bayes)
    assert all(c.weight > 1e-3 for c in result)  # the paper's threshold for estimated marginals
    assert result.diagnostics["dropped_weight"] == pytest.approx(x_bayes[(x_bayes > 0) & (x_bayes <= 1e-3)].sum())


def test_dimm_and_nnls_dispatch_with_their_options():
    net = random_network(3, n_states=3, rng=2)
    rng = np.random.default_rng(2)
    x, phi = random_weights(net, rng, 2, phi=0.5)
    marginals = as_dict(net, exact_mixture_marginals(net, x, phi))
    dimm = disentangle_marginals(net, marginals, method="dimm", random_state=0, n_restarts=2)
    assert dimm.method == "dimm" and dimm.options["n_restarts"] == 2 and len(dimm.diagnostics["iterations"]) == 2
    assert dimm.diagnostics["residual"] < 0.05 and dimm.diagnostics["objective"] < 0.1
    again = disentangle_marginals(net, marginals, method="dimm", random_state=0, n_restarts=2)
    assert again.weights.tolist() == dimm.weights.tolist()
    nnls = disentangle_marginals(net, marginals, method="nnls", penalty="aic")
    assert nnls.method == "nnls" and nnls.diagnostics["penalty"] == 2.0
    np.testing.assert_allclose([nnls.diagnostics["weights"][lab] for lab in flat_labels(net)], x, atol=1e-7)


def test_unexplainable_marginals_warn_with_residual():
    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
        {"A": np.array([0.5, 0.5]), "B": np.array([[0.9, 0.1], [0.1, 0.9]])},
    )
    # P_mix(A) = (1, 0) needs do(A=a0) with weight 1, which forces P_mix(B) = (0.9, 0.1); (0.1, 0.9) is impossible.
    marginals = {"A": {"a0": 1.0, "a1": 0.0}, "B": {"b0": 0.1, "b1": 0.9}}
    for method in ("exact", "nnls"):
        missed = r"sum to 2\.6 > 1, and P_mix\([AB]=\w+\) = [\d.]+ is missed by 0\.[38]"
        with pytest.warns(ExclusionWarning, match=missed):
            result = disentangle_marginals(net, marginals, method=method)
        assert result.warnings and result.diagnostics["exclusion_residual"] > 0.1
        assert "sample_size=" in result.warnings[0]  # estimated marginals are one way to get there: say so
        assert sum(result.weights) == pytest.approx(1.0)
    with pytest.warns(ExclusionWarning, match=r"chi-square .* and P_mix\([AB]=\w+\) = [\d.]+ is missed by"):
        noisy = disentangle_marginals(net, marginals, sample_size=10_000)
    assert noisy.diagnostics["exclusion_p_value"] < 1e-4 and sum(noisy.weights) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("marginals", "error", "match"),
    [
        ({"A": {"a0": 0.4, "a1": 0.5}, "B": GOOD["B"]}, ValueError, "'A' sums to 0.9"),
        ({"A": {"a0": -0.1, "a1": 1.1}, "B": GOOD["B"]}, ValueError, "negative"),
        ({"A": {"a0": float("nan"), "a1": 0.6}, "B": GOOD["B"]}, ValueError, "not finite"),
        ({"A": {"a0": np.inf, "a1": 0.6}, "B": GOOD["B"]}, ValueError, "not finite"),
        ({**GOOD, "C": {"c": 1.0}}, ValueError, "variable 'C'"),
        ({"A": {"a0": 0.4, "zz": 0.6}, "B": GOOD["B"]}, ValueError, "state 'zz'"),
        ({"A": GOOD["A"]}, ValueError, "'B' has no marginal"),
        ({"A": [0.4, 0.6], "B": GOOD["B"]}, TypeError, "'A' must be a mapping"),
        ([0.4, 0.6], TypeError, "marginals must be"),
        (pd.DataFrame({"variable": ["A"], "prob": [1.0]}), ValueError, "missing"),
    ],
)
def test_bad_marginals_raise_naming_the_culprit(marginals, error, match):
    with pytest.raises(error, match=match):
        disentangle_marginals(small_net(), marginals)


def test_marginal_forms_agree_and_input_is_not_modified():
    net = small_net()
    frame = pd.DataFrame(
        [(v, s, p) for v, d in GOOD.items() for s, p in d.items()], columns=["variable", "state", "probability"]
    )
    series = frame.set_index(["variable", "state"])["probability"]
    before = frame.copy()
    results = [disentangle_marginals(net, m, method="exact") for m in (GOOD, frame, series)]
    assert all(r.targets == results[0].targets for r in results)
    assert results[0].targets == [{}]  # GOOD are the observational marginals
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(ParameterError, match="method"):
        disentangle_marginals(net, GOOD, method="bogus")
    with pytest.raises(ParameterError, match="unknown option"):
        disentangle_marginals(net, GOOD, method="exact", lam=0.3)
    with pytest.raises(ParameterError, match="needs joint samples"):
        disentangle_marginals(net, GOOD, method="em")
    exact = disentangle_marginals(net, GOOD, method="bayes")  # no sample size: estimated, here exact marginals
    assert exact.method == "bayes" and exact.targets == [{}] and exact.diagnostics["estimated_sample_size"] is None
    with pytest.raises(ParameterError, match="sample_size"):
        disentangle_marginals(net, GOOD, sample_size=-3)
    with pytest.raises(DataTypeError, match="CausalNetwork"):
        disentangle_marginals("model", GOOD)


def test_the_core_takes_a_causal_network_and_names_the_pgmpy_route():
    pytest.importorskip("pgmpy")
    from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy

    net = small_net()
    model = network_to_pgmpy(net)
    # 70 % observational + 30 % do(B=b2)
    oracle = interventional_marginals(net)
    x = np.zeros(5)
    x[4] = 0.3
    marginals = as_dict(net, 0.7 * oracle.observational + x @ oracle.interventional)
    with pytest.raises(DataTypeError, match="pgmpy_mixture.disentangle_marginals"):
        disentangle_marginals(model, marginals)
    via_core = disentangle_marginals(network_from_pgmpy(model), marginals, method="exact")
    via_method = model.disentangle_mixture(marginals=marginals)
    for result in (via_core, via_method):
        got = {c.label: round(c.weight, 9) for c in result}
        assert got == {"observational": 0.7, "do(B=b2)": 0.3}


def test_the_old_module_path_names_the_same_functions():
    import pgmpy_mixture.aggregate as aggregate
    import pgmpy_mixture.aggregate.dimm as old

    assert old.disentangle_marginals is aggregate.disentangle_marginals
    assert old.solve_em is aggregate.solve_em and old.MarginalSystem is aggregate.MarginalSystem


def test_cli_disentangle_marginals_csv(tmp_path, capsys):
    from pgmpy_mixture.cli import main

    net = load_example_network("asia")
    oracle = interventional_marginals(net)
    x = np.zeros(int(net.cardinalities.sum()))
    x[oracle.position("either", "yes")] = 0.25
    flat = 0.75 * oracle.observational + x @ oracle.interventional
    rows = [(v, s, p) for (v, s), p in zip(flat_labels(net), flat, strict=True)]
    path = tmp_path / "marginals.csv"
    pd.DataFrame(rows, columns=["variable", "state", "probability"]).to_csv(path, index=False)
    assert main(["disentangle", "--model", "example:asia", "--marginals", str(path), "--json", "-"]) == 0
    text = capsys.readouterr().out
    assert "do(either=yes)" in text and "0.25" in text
    assert main(["disentangle", "--model", "example:asia", "--marginals", str(path), "--sample-size", "1e5"]) == 0
    assert "bayes" in capsys.readouterr().out
    assert main(["disentangle", "--model", "example:asia"]) == 2  # neither --data nor --marginals


def test_dense_noisy_mixture_raises_no_exclusion_warning():
    net, oracle = alarm()
    rng = np.random.default_rng(11)
    x, phi = random_weights(net, rng, 68, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    marginals = as_dict(net, np.concatenate([table.marginal(v) for v in net.variables]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExclusionWarning)
        result = disentangle_marginals(net, marginals, sample_size=100_000, oracle=oracle)
    assert result.method == "bayes" and not result.warnings
    assert len(result) > 20


def test_zero_probability_state_warns_positivity():
    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A"], {"A": ["a0", "a1", "a2"]}, {}, {"A": np.array([0.5, 0.5, 0.0])}
    )
    with pytest.warns(PositivityWarning, match=r"P\(A=a2\) = 0 in the network"):
        result = disentangle_marginals(net, {"A": {"a0": 0.5, "a1": 0.5, "a2": 0.0}}, method="exact")
    assert result.targets == [{}] and result.warnings


def test_an_oracle_of_another_network_is_refused():
    net = small_net()
    with pytest.raises(ParameterError, match="different network"):
        disentangle_marginals(net, GOOD, oracle=interventional_marginals(small_net()))
