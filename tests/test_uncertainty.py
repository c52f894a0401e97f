"""Tests of confidence intervals and existence scores."""

from __future__ import annotations

import numpy as np
import pytest

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.uncertainty import bootstrap, interval_coverage, resample_counts


def _one_node():
    return CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([0.2, 0.3, 0.5])})


def test_wald_interval_of_a_single_node_matches_the_binomial_formula():
    # P_mix = 0.6 P + 0.4 do(A=y): the MLE of the do-weight is (f_y - 0.6*0.3...)/..; its variance is binomial-like
    network = _one_node()
    codes, _ = sample_mixture(network, [{}, {"A": "y"}], [0.6, 0.4], 40_000, rng=0)
    result = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
    frame = result.confidence_intervals(0.95)
    assert frame["target"].tolist() == ["observational", "do(A=y)"]
    # with one free weight, P(y) = w + (1 - w) 0.3, so Var(w_hat) = p_y (1 - p_y) / (n 0.7^2)
    p_y = 0.4 + 0.6 * 0.3
    expected = np.sqrt(p_y * (1 - p_y) / (40_000 * 0.7**2))
    assert frame["stderr"].iloc[1] == pytest.approx(expected, rel=0.05)
    assert frame["stderr"].iloc[0] == pytest.approx(frame["stderr"].iloc[1], rel=1e-6)
    z = 1.959963984540054  # the 97.5% normal quantile
    np.testing.assert_allclose(frame["lower"], np.maximum(frame["weight"] - z * frame["stderr"], 0.0), atol=1e-15)
    np.testing.assert_allclose(frame["upper"], np.minimum(frame["weight"] + z * frame["stderr"], 1.0), atol=1e-15)
    assert frame["lower"].iloc[1] <= 0.4 + 0.05 and frame["existence"].iloc[1] > 0.999
    narrow = result.confidence_intervals(0.5)
    assert (narrow["upper"] - narrow["lower"] < frame["upper"] - frame["lower"]).all()


def test_intervals_cover_the_truth_at_about_the_nominal_rate():
    covered = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        network = random_network(4, graph="er", rng=rng)
        spec = random_mixture(network, rng=rng)
        codes, _ = sample_mixture(network, spec.targets, spec.weights, 20_000, rng=rng)
        result = disentangle_likelihood(network, CountTable.from_codes(codes, network.variables, network.states))
        covered += interval_coverage(result, spec.components(network), 0.95)["covered"].tolist()
    assert len(covered) > 60
    # near the nominal 95%: too narrow intervals fall below, too wide ones cover (almost) everything
    assert 0.85 <= np.mean(covered) <= 0.99


def test_interval_coverage_by_hand():
    fit = MixtureResult([Component({}, 0.62, stderr=0.005), Component({"A": "y"}, 0.38, stderr=0.02)], "demo")
    truth = [Component({"A": "z"}, 0.05), Component({"A": "y"}, 0.35), Component({}, 0.6)]
    frame = interval_coverage(fit, truth, 0.95)
    # do(A=z) was not recovered; 0.35 is in 0.38 -+ 1.96 * 0.02 = [0.3408, 0.4192], 0.6 not in [0.6102, 0.6298]
    assert frame["target"].tolist() == ["do(A=y)", "observational"]
    assert frame["true"].tolist() == [0.35, 0.6] and frame["covered"].tolist() == [True, False]
    np.testing.assert_allclose(frame["lower"], [0.38 - 1.959963984540054 * 0.02, 0.62 - 1.959963984540054 * 0.005])


def test_exact_input_has_zero_width_intervals_and_certain_existence():
    network = random_network(3, graph="chain", rng=1)
    spec = random_mixture(network, rng=2)
    result = disentangle_likelihood(network, mixture_distribution(network, spec.targets, spec.weights))
    frame = result.confidence_intervals()
    assert np.allclose(frame["stderr"], 0.0) and np.allclose(frame["existence"], 1.0)


def test_results_without_standard_errors_refuse_intervals():
    result = MixtureResult([Component({}, 1.0)], method="other")
    with pytest.raises(DataValueError, match="bootstrap"):
        result.confidence_intervals()
    with pytest.raises(DataValueError, match="level"):
        MixtureResult([Component({}, 1.0, stderr=0.1)], method="x").confidence_intervals(1.5)


def test_component_fields_survive_sorting():
    result = MixtureResult(
        [Component({}, 0.2, stderr=0.01, existence=0.9), Component({"A": "x"}, 0.8, stderr=0.02, existence=1.0)],
        method="demo",
    )
    assert [c.stderr for c in result] == [0.02, 0.01]
    assert [c.existence for c in result] == [1.0, 0.9]


def test_resample_keeps_total_and_support():
    table = CountTable.from_codes(np.array([[0]] * 30 + [[1]] * 70 + [[2]] * 5), ["A"], [["x", "y", "z"]])
    replicate = resample_counts(table, np.random.default_rng(3))
    assert replicate.total == 105
    assert set(map(tuple, replicate.codes.tolist())) <= {(0,), (1,), (2,)}
    # multinomial: over many replicates each count averages the original one (sd of the mean: sqrt(n p (1-p) / 400))
    rng = np.random.default_rng(4)
    mean = np.zeros(3)
    for _ in range(400):
        r = resample_counts(table, rng)
        mean[r.codes[:, 0].astype(int)] += r.weights / 400
    original = np.array([30.0, 70.0, 5.0])
    sd = np.sqrt(original * (1 - original / 105) / 400)
    assert np.all(np.abs(mean - original) < 4 * sd)
    with pytest.raises(DataValueError, match="exact"):
        resample_counts(mixture_distribution(_one_node(), [{}], [1.0]), np.random.default_rng(0))


def test_bootstrap_intervals_and_existence_frequencies():
    network = _one_node()
    codes, _ = sample_mixture(network, [{}, {"A": "y"}], [0.7, 0.3], 5000, rng=4)
    table = CountTable.from_codes(codes, network.variables, network.states)
    frame = bootstrap(network, table, n_boot=20, rng=5)
    assert frame["target"].tolist() == ["observational", "do(A=y)"]
    # the percentile interval is about as wide as the Wald interval of the same fit (both estimate the same spread)
    wald = disentangle_likelihood(network, table).confidence_intervals(0.95)
    ratio = (frame["upper"] - frame["lower"]) / (wald["upper"] - wald["lower"])
    assert ((0.5 < ratio) & (ratio < 2.0)).all()
    assert frame["lower"].iloc[1] < 0.3 < frame["upper"].iloc[1]
    assert (frame["existence"] == 1.0).all()
    with pytest.raises(ParameterError, match="n_boot"):
        bootstrap(network, table, n_boot=1)


@pytest.mark.parametrize("method", ["paper", "likelihood"])
def test_bootstrap_resamples_the_observational_table_so_cpd_error_widens_the_interval(method):
    """With CPDs fitted from 300 observational rows, their error dominates that of 40 000 mixture rows: the
    bootstrap that also resamples the observational table gives a much wider interval than the one that takes
    the once-fitted network as known, and it covers the true weight."""
    from pgmpy_mixture.model.fitting import fit_network

    network = _one_node()
    codes, _ = sample_mixture(network, [{}, {"A": "y"}], [0.6, 0.4], 40_000, rng=3)
    mixture = CountTable.from_codes(codes, network.variables, network.states)
    obs_codes, _ = sample_mixture(network, [{}], [1.0], 300, rng=4)
    observational = CountTable.from_codes(obs_codes, network.variables, network.states)
    before = observational.weights.copy()
    fitted = fit_network(["A"], {"A": ["x", "y", "z"]}, {}, observational)
    with_cpd_error = bootstrap(network, mixture, method=method, n_boot=40, rng=5, observational=observational)
    known = bootstrap(fitted, mixture, method="paper", n_boot=40, rng=5)
    width = (with_cpd_error["upper"] - with_cpd_error["lower"]).iloc[-1]
    assert width > 3 * (known["upper"] - known["lower"]).iloc[-1]
    assert with_cpd_error["lower"].iloc[-1] <= 0.4 <= with_cpd_error["upper"].iloc[-1]
    np.testing.assert_array_equal(observational.weights, before)  # the caller's table is untouched
