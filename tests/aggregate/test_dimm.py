"""DIMM (AAAI 2020): exact recovery (Theorem 1), the SLSQP baseline, the nnls default, EM, input checks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgmpy_mixture
from pgmpy_mixture import CountTable
from pgmpy_mixture.aggregate.dimm import (
    MarginalSystem,
    all_targets,
    disentangle_marginals,
    flat_labels,
    opt_objective,
    solve_bayes,
    solve_dimm,
    solve_em,
    solve_exact,
    solve_nnls,
)
from pgmpy_mixture.discrete.simulate import random_network, sample_mixture
from pgmpy_mixture.errors import ExclusionWarning, ParameterError
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals


def random_weights(network, rng, n_ivn, phi=None):
    """Weights pi_{i,alpha} with one excluded state per node (Assumption 1); returns x (flat) and pi_phi."""
    cards = network.cardinalities
    node_of = np.repeat(np.arange(network.n_variables), cards)
    excluded = np.array([rng.integers(c) for c in cards])
    allowed = np.flatnonzero(np.arange(int(cards.sum())) - network._offsets[node_of] != excluded[node_of])
    x = np.zeros(int(cards.sum()))
    n_ivn = min(n_ivn, allowed.size)
    phi = rng.uniform(0.05, 0.6) if phi is None else phi
    if n_ivn:
        chosen = rng.choice(allowed, n_ivn, replace=False)
        v = rng.uniform(0.2, 1.0, n_ivn)
        x[chosen] = (1 - phi) * v / v.sum()
    else:
        phi = 1.0
    return x, phi


def exact_mixture_marginals(network, x, phi):
    """P_mix(X_j) by enumerating each component's joint distribution (independent of the DIMM code)."""
    from pgmpy_mixture.discrete.simulate import mixture_distribution

    targets = all_targets(network)
    weights = np.concatenate([[phi], x])
    keep = weights > 0
    table = mixture_distribution(network, targets[keep], weights[keep])
    return np.concatenate([table.marginal(v) for v in network.variables])


def as_dict(network, flat):
    out = {}
    for (var, state), p in zip(flat_labels(network), flat, strict=True):
        out.setdefault(var, {})[state] = float(p)
    return out


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(1, 6), graph=st.sampled_from(["er", "sf"]))
def test_exact_recovery_on_random_networks(seed, n, graph):
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=[int(k) for k in rng.integers(2, 5, size=n)], graph=graph, rng=rng)
    total_free = int(np.sum(net.cardinalities - 1))
    x, phi = random_weights(net, rng, int(rng.integers(0, total_free + 1)))
    p_mix = exact_mixture_marginals(net, x, phi)
    oracle = interventional_marginals(net)
    # Theorem 1 needs p(j, beta) > 0 (footnote 6): Dirichlet(2) CPDs give it; check rather than assume.
    assert oracle.observational.min() > 0
    system = MarginalSystem(oracle, p_mix)
    x_exact, _ = solve_exact(system)
    np.testing.assert_allclose(x_exact, x, atol=1e-9)
    x_nnls, _ = solve_nnls(system)
    np.testing.assert_allclose(x_nnls, x, atol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExclusionWarning)
        result = disentangle_marginals(net, as_dict(net, p_mix), method="exact", oracle=oracle)
    truth = {(): phi} if phi > 0 else {}
    truth.update({((v, s),): w for (v, s), w in zip(flat_labels(net), x, strict=True) if w > 0})
    got = {tuple(sorted(c.target.items())): c.weight for c in result}
    assert set(got) == set(truth)
    for key, w in truth.items():
        assert got[key] == pytest.approx(w, abs=1e-9)
    assert sum(got.values()) == pytest.approx(1.0)
    assert all(len(c.target) <= 1 for c in result)


@pytest.fixture(scope="module")
def alarm():
    net = load_example_network("alarm")
    return net, interventional_marginals(net)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 100_000), n_ivn=st.sampled_from([0, 5, 9, 17, 34, 68]))
def test_exact_recovery_on_alarm(alarm, seed, n_ivn):
    net, oracle = alarm
    rng = np.random.default_rng(seed)
    x, phi = random_weights(net, rng, n_ivn, phi=0.2)
    p_mix = (1 - x.sum()) * oracle.observational + x @ oracle.interventional
    system = MarginalSystem(oracle, p_mix)
    np.testing.assert_allclose(solve_exact(system)[0], x, atol=1e-9)
    np.testing.assert_allclose(solve_nnls(system)[0], x, atol=1e-7)
    result = disentangle_marginals(net, as_dict(net, p_mix), oracle=oracle)
    assert result.method == "exact"
    assert result.diagnostics["residual"] < 1e-8
    assert sum(c.weight for c in result) == pytest.approx(1.0)


def test_alarm_mixture_marginals_from_enumeration_free_sampling_agree(alarm):
    """The oracle's mixture marginals agree with sampled marginals (independent check of the forward pass)."""
    net, oracle = alarm
    rng = np.random.default_rng(1)
    x, phi = random_weights(net, rng, 17, phi=0.2)
    p_mix = (1 - x.sum()) * oracle.observational + x @ oracle.interventional
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 200_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    sampled = np.concatenate([table.marginal(v) for v in net.variables])
    assert np.abs(sampled - p_mix).max() < 6e-3


def test_noisy_marginals_nnls_beats_exact_and_dimm_runs(alarm):
    net, oracle = alarm
    rng = np.random.default_rng(5)
    x, phi = random_weights(net, rng, 5, phi=0.2)
    codes, _ = sample_mixture(net, all_targets(net), np.concatenate([[phi], x]), 100_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    system = MarginalSystem(oracle, np.concatenate([table.marginal(v) for v in net.variables]))
    mse_exact = np.mean((solve_exact(system)[0] - x) ** 2)
    x_nnls, info = solve_nnls(system, sample_size=100_000)
    assert np.mean((x_nnls - x) ** 2) < mse_exact
    assert info["support_size"] <= 20
    x_bayes, info = solve_bayes(system, sample_size=100_000)
    assert np.mean((x_bayes - x) ** 2) < mse_exact / 5
    assert 0 < info["rho"] < 0.5 and x_bayes.min() >= 0 and x_bayes.sum() <= 1
    assert np.all(np.minimum.reduceat(x_bayes, net._offsets[:-1]) == 0)  # Assumption 1 holds in the estimate
    flat = system.mixture
    result = disentangle_marginals(net, as_dict(net, flat), sample_size=100_000, oracle=oracle)
    assert result.method == "bayes"
    np.testing.assert_allclose([result.diagnostics["weights"][lab] for lab in flat_labels(net)], x_bayes)


def test_dimm_solution_is_feasible_for_opt_epsilon():
    net = random_network(4, n_states=3, rng=2)
    rng = np.random.default_rng(2)
    x, phi = random_weights(net, rng, 3, phi=0.3)
    oracle = interventional_marginals(net)
    system = MarginalSystem(oracle, (1 - x.sum()) * oracle.observational + x @ oracle.interventional)
    xd, info = solve_dimm(system, n_restarts=3, rng=np.random.default_rng(0))
    assert xd.min() >= 0 and xd.sum() <= 1 + 1e-6
    assert np.all(np.minimum.reduceat(xd, net._offsets[:-1]) <= 1e-5 + 1e-6)  # relaxed exclusion
    assert info["objective"] == pytest.approx(opt_objective(system, xd))
    assert info["objective"] <= opt_objective(system, np.zeros_like(xd))
    assert np.abs(xd - x).max() < 0.15  # lambda = 0.1 biases towards 0; it still finds the weights roughly
    result = disentangle_marginals(net, as_dict(net, system.mixture), method="dimm", random_state=0, n_restarts=2)
    assert result.method == "dimm" and result.diagnostics["objective"] > 0


def test_em_recovers_weights_from_joint_samples():
    net = random_network(3, n_states=2, graph="chain", rng=4)
    rng = np.random.default_rng(4)
    x, phi = random_weights(net, rng, 2, phi=0.4)
    weights = np.concatenate([[phi], x])
    codes, _ = sample_mixture(net, all_targets(net), weights, 50_000, rng=rng)
    table = CountTable.from_codes(codes, net.variables, net.states)
    est, info = solve_em(net, table)
    assert info["converged"]
    assert np.abs(est - weights).max() < 0.05
    frame = pd.DataFrame({v: np.asarray(net.states[j])[codes[:, j]] for j, v in enumerate(net.variables)})
    result = disentangle_marginals(net, method="em", data=frame)
    assert result.method == "em" and result.sample_size == 50_000
    assert sum(c.weight for c in result) == pytest.approx(1.0)


def test_unexplainable_marginals_warn_with_residual():
    a = np.array([0.5, 0.5])
    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
        {"A": a, "B": np.array([[0.9, 0.1], [0.1, 0.9]])},
    )
    # P_mix(A) = (1, 0) needs do(A=a0) with weight 1, which forces P_mix(B) = (0.9, 0.1); (0.1, 0.9) is impossible.
    marginals = {"A": {"a0": 1.0, "a1": 0.0}, "B": {"b0": 0.1, "b1": 0.9}}
    for method in ("exact", "nnls"):
        with pytest.warns(ExclusionWarning, match="misses a marginal by"):
            result = disentangle_marginals(net, marginals, method=method)
        assert result.warnings and result.diagnostics["exclusion_residual"] > 0.1
    with pytest.warns(ExclusionWarning, match="chi-square"):
        disentangle_marginals(net, marginals, sample_size=10_000)


def small_net():
    return pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
        {"A": np.array([0.4, 0.6]), "B": np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])},
    )


GOOD = {"A": {"a0": 0.4, "a1": 0.6}, "B": {"b0": 0.44, "b1": 0.3, "b2": 0.26}}


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
    with pytest.raises(ParameterError, match="sample_size"):
        disentangle_marginals(net, GOOD, method="bayes")
    with pytest.raises(ParameterError, match="sample_size"):
        disentangle_marginals(net, GOOD, sample_size=-3)
    with pytest.raises(TypeError, match="CausalNetwork"):
        disentangle_marginals("model", GOOD)


def test_pgmpy_model_and_method_dispatch():
    pytest.importorskip("pgmpy")
    from pgmpy_mixture.adapters.pgmpy import network_to_pgmpy

    net = small_net()
    model = network_to_pgmpy(net)
    # 70 % observational + 30 % do(B=b2)
    oracle = interventional_marginals(net)
    x = np.zeros(5)
    x[4] = 0.3
    flat = 0.7 * oracle.observational + x @ oracle.interventional
    marginals = as_dict(net, flat)
    via_core = pgmpy_mixture.disentangle_marginals(model, marginals, method="exact")
    via_method = model.disentangle_mixture(marginals=marginals)
    for result in (via_core, via_method):
        got = {c.label: round(c.weight, 9) for c in result}
        assert got == {"observational": 0.7, "do(B=b2)": 0.3}


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(2, 6))
def test_bayes_on_huge_samples_approaches_the_truth(seed, n):
    """With (nearly) exact marginals the model average concentrates on Theorem 1's solution."""
    rng = np.random.default_rng(seed)
    net = random_network(n, n_states=3, rng=rng)
    x, phi = random_weights(net, rng, int(rng.integers(0, 2 * n + 1)))
    oracle = interventional_marginals(net)
    system = MarginalSystem(oracle, exact_mixture_marginals(net, x, phi))
    est, _ = solve_bayes(system, sample_size=1e10)
    assert np.abs(est - x).max() < 1e-3


def test_cli_disentangle_marginals_csv(tmp_path, capsys):
    from pgmpy_mixture.cli import main

    net = load_example_network("asia")
    oracle = interventional_marginals(net)
    x = np.zeros(int(net.cardinalities.sum()))
    pos = oracle.position("either", "yes")
    x[pos] = 0.25
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


def test_dense_noisy_mixture_raises_no_exclusion_warning(alarm):
    net, oracle = alarm
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
    from pgmpy_mixture.errors import PositivityWarning

    net = pgmpy_mixture.CausalNetwork.from_tables(
        ["A"], {"A": ["a0", "a1", "a2"]}, {}, {"A": np.array([0.5, 0.5, 0.0])}
    )
    with pytest.warns(PositivityWarning, match="'A', 'a2'"):
        result = disentangle_marginals(net, {"A": {"a0": 0.5, "a1": 0.5, "a2": 0.0}}, method="exact")
    assert result.targets == [{}] and result.warnings


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(2, 12), cols=st.integers(1, 6),
       ridge=st.sampled_from([0.0, 1e-6, 0.1]))
def test_nonnegative_least_squares_is_the_same_when_scipy_nnls_gives_up(seed, rows, cols, ridge):
    # SciPy 1.12-1.14's nnls raises "Maximum number of iterations reached" on some problems; _rnnls then solves
    # the same problem by bounded-variable least squares. Force that path and compare with nnls's own answer.
    import pgmpy_mixture.aggregate.dimm as dimm

    rng = np.random.default_rng(seed)
    a, b = rng.random((rows, cols)), rng.standard_normal(rows)
    expected, expected_value = dimm._rnnls(a, b, ridge)

    def give_up(*args, **kwargs):
        raise RuntimeError("Maximum number of iterations reached.")

    original = dimm.nnls
    dimm.nnls = give_up
    try:
        sol, value = dimm._rnnls(a, b, ridge)
    finally:
        dimm.nnls = original
    assert (sol >= 0).all()
    assert np.isclose(value, expected_value, rtol=1e-9, atol=1e-12)
    if ridge > 0:  # strictly convex: the minimiser is unique
        assert np.allclose(sol, expected, atol=1e-7)
