"""The likelihood method's existence test: weak targets set aside into ``result.uncertain``."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pgmpy_mixture.api import disentangle_mixture
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
from pgmpy_mixture.discrete.likelihood.polish import chain_bounds, existence_test, polish_weights
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods, em_weights, log_likelihood, newton_weights
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import DataValueError, EstimationWarning, ParameterError
from pgmpy_mixture.result import Component, MixtureResult


def _likelihoods(network, targets, codes):
    """ComponentLikelihoods of ``targets`` over the distinct rows of ``codes``, and the row counts."""
    rows, counts = np.unique(codes, axis=0, return_counts=True)
    log_lik = network.log_likelihood(network.encode_targets(targets), rows)  # (targets, rows)
    grp, row = np.nonzero(np.isfinite(log_lik))
    reference = np.max(log_lik, axis=0)
    lik = ComponentLikelihoods(grp, row, log_lik[grp, row] - reference[row], len(targets), rows.shape[0])
    return lik, counts.astype(float)


def _simulated(seed=0, n=20_000):
    rng = np.random.default_rng(seed)
    network = random_network(4, n_states=3, graph="chain", rng=rng)
    a, b = network.variables[0], network.variables[2]
    true = [{}, {a: network.states[0][1]}, {b: network.states[2][0]}]
    codes, _ = sample_mixture(network, true, [0.6, 0.3, 0.1], n, rng=rng)
    return network, true, codes


def test_a_spurious_tiny_component_is_set_aside_and_a_real_one_kept():
    network, true, codes = _simulated()
    # not in the mixture, yet the noise gives it a weight of about 0.008 (160 rows' worth) at the MLE
    spurious = {network.variables[2]: network.states[2][1]}
    lik, n = _likelihoods(network, [*true, spurious], codes)
    out = polish_weights(lik, n, np.array([0.55, 0.3, 0.1, 0.05]), exact=False, epsilon=0.0, polish_steps=200,
                         newton_steps=30, threshold=np.log(n.sum()) / 2)
    assert out.keep.tolist() == [0, 1, 2]  # every true one, including the 0.1 component
    assert out.aside.tolist() == [3]
    assert out.mu.sum() == pytest.approx(1.0)
    assert abs(out.mu[2] - 0.1) < 0.02
    # the statistics of the kept ones clear the threshold; the set-aside one's did not
    assert np.all(out.test.statistic >= out.test.threshold[out.test.keep])
    assert out.test.aside_statistic[0] < out.test.threshold[3]
    assert out.aside_mu[0] > 0.005  # set aside with its weight in the full fit, not dropped as dust
    # without a threshold nothing is set aside (the spurious one keeps its small weight or is dropped as dust)
    loose = polish_weights(lik, n, np.array([0.55, 0.3, 0.1, 0.05]), exact=False, epsilon=0.0, polish_steps=200,
                           newton_steps=30)
    assert loose.test is None and 0 in loose.keep and 2 in loose.keep


def test_of_two_identical_components_only_one_is_set_aside():
    network, true, codes = _simulated(1)
    lik, n = _likelihoods(network, [*true, true[2]], codes)  # component 3 duplicates component 2 (weight 0.1)
    out = existence_test(lik, n, np.array([0.6, 0.3, 0.05, 0.05]), np.log(n.sum()) / 2, protect=np.array([0]))
    assert out.aside.size == 1 and out.aside[0] in (2, 3)
    assert sorted(out.keep.tolist())[:2] == [0, 1] and out.keep.size == 3
    assert out.mu[-1] == pytest.approx(0.1, abs=0.02)  # the kept copy carries both weights


def test_the_bounds_agree_with_refits():
    # a threshold of 0 keeps everything, an infinite one sets aside everything but the heaviest
    network, true, codes = _simulated(2)
    lik, n = _likelihoods(network, true, codes)
    mu = np.array([0.6, 0.3, 0.1])
    keep_all = existence_test(lik, n, mu, 0.0, protect=np.array([0]))
    assert keep_all.keep.tolist() == [0, 1, 2] and keep_all.aside.size == 0
    assert np.all(keep_all.p_value <= 0.5)
    none_left = existence_test(lik, n, mu, 1e12, protect=np.array([0]))
    assert none_left.keep.tolist() == [0] and sorted(none_left.aside.tolist()) == [1, 2]
    assert none_left.mu.tolist() == [1.0]


def _random_likelihoods(seed: int) -> tuple[ComponentLikelihoods, np.ndarray, np.ndarray]:
    """Random sparse component likelihoods (component 0 explains every row), row counts and their weights' MLE."""
    rng = np.random.default_rng(seed)
    n_rows, q = int(rng.integers(3, 40)), int(rng.integers(3, 9))
    dense = np.where(rng.random((q, n_rows)) < 0.4, rng.normal(0.0, 2.0, (q, n_rows)), -np.inf)
    dense[0] = rng.normal(0.0, 1.0, n_rows)
    grp, row = np.nonzero(np.isfinite(dense))
    lik = ComponentLikelihoods(grp, row, dense[grp, row], q, n_rows)
    n = rng.integers(0, 30, n_rows).astype(float)
    n[0] += 1.0
    mu = newton_weights(lik, n, em_weights(lik, n, np.full(q, 1.0 / q), 3000), 60)
    return lik, n, mu


def _max_without(lik: ComponentLikelihoods, n: np.ndarray, mu: np.ndarray, gone) -> float:
    keep = np.setdiff1d(np.arange(lik.q), np.asarray(gone, dtype=np.int64))
    sub = lik.take(keep)
    start = mu[keep] + 1e-3
    return log_likelihood(sub, n, newton_weights(sub, n, em_weights(sub, n, start / start.sum(), 3000), 60))


@given(st.integers(0, 10**6), st.data())
def test_chain_bounds_bound_every_step_of_a_removal_sequence(seed, data):
    lik, n, mu = _random_likelihoods(seed)
    chain = np.array(data.draw(st.permutations(range(1, lik.q)))[: data.draw(st.integers(1, lik.q - 1))])
    bound = chain_bounds(lik, n, mu, chain)
    before = log_likelihood(lik, n, mu)
    for step in range(chain.size):
        after = _max_without(lik, n, mu, chain[: step + 1])
        drop = before - after
        assert drop <= bound[step] + 1e-6 * max(1.0, abs(before))
        before = after


@given(st.integers(0, 10**6), st.floats(0.5, 20.0))
def test_every_target_set_aside_was_below_its_threshold_when_it_went(seed, threshold):
    lik, n, mu = _random_likelihoods(seed)
    out = existence_test(lik, n, mu, threshold, protect=np.array([int(np.argmax(mu))]))
    assert sorted([*out.keep.tolist(), *out.aside.tolist()]) == list(range(lik.q))
    before = log_likelihood(lik, n, mu)
    for step in range(out.aside.size):
        after = _max_without(lik, n, mu, out.aside[: step + 1])
        assert before - after < threshold + 1e-6 * max(1.0, abs(before))
        assert before - after <= out.aside_statistic[step] + 1e-6 * max(1.0, abs(before))
        before = after
    # what stays is needed: removing any one of the kept (but the protected) costs at least the threshold
    for c in out.keep[out.statistic[np.arange(out.keep.size)] < np.inf]:
        assert before - _max_without(lik, n, mu, [*out.aside.tolist(), int(c)]) >= threshold - 1e-6 * max(
            1.0, abs(before))


def _loose_result(**options):
    # penalty=0 keeps every child target that raises the likelihood at all: spurious targets appear
    rng = np.random.default_rng(5)
    network = random_network(5, graph="er", rng=rng)
    spec = random_mixture(network, rng=rng)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 3000, rng=rng)
    table = CountTable.from_codes(codes, network.variables, network.states)
    return network, spec, disentangle_likelihood(network, table, penalty=0.0, **options)


def test_the_method_sets_weak_targets_aside_with_a_warning():
    _, _, plain = _loose_result(existence_penalty=None)
    with pytest.warns(EstimationWarning, match=r"set aside .*result\.uncertain"):
        network, spec, result = _loose_result(existence_penalty="bic")
    assert plain.uncertain == ()
    assert len(result.uncertain) >= 1
    # the same targets, split between the listed and the set-aside ones; the listed weights sum to one
    assert {c.label for c in result} | {c.label for c in result.uncertain} == {c.label for c in plain}
    assert not {c.label for c in result} & {c.label for c in result.uncertain}
    assert result.weights.sum() == pytest.approx(1.0)
    threshold = result.options["existence_threshold"]
    assert threshold == pytest.approx(np.log(3000) / 2)
    assert set(result.diagnostics["existence_thresholds"].values()) == {threshold}
    assert all(d >= threshold for d in result.diagnostics["existence_lr"].values())
    assert all(d < threshold for d in result.diagnostics["uncertain_lr"].values())
    assert set(result.diagnostics["uncertain_lr"]) == {c.label for c in result.uncertain}
    message = next(w for w in result.warnings if "set aside" in w)
    assert f"{len(result.uncertain)} weak component(s)" in message
    assert f"{sum(c.weight for c in result.uncertain):.4g}" in message
    # the listed components are the ones in the repr and the frame
    assert result.to_frame()["target"].tolist() == [c.label for c in result]
    table_lines = repr(result).splitlines()[2 : 2 + len(result)]
    assert [line.split()[0] for line in table_lines] == [c.label.split()[0] for c in result]


@pytest.mark.filterwarnings("ignore::pgmpy_mixture.errors.EstimationWarning")
def test_ebic_adds_the_log_number_of_targets_of_each_size():
    # without the repair, so both tests see the recursion's targets (the nesting below is of this instance's)
    network, _, bic = _loose_result(existence_penalty="bic", repair=False)
    _, _, ebic = _loose_result(existence_penalty="ebic", repair=False)
    assert ebic.options["existence_threshold"] == "per target"
    base = np.log(3000) / 2
    n = network.n_variables
    for c in [*ebic.components, *ebic.uncertain]:
        s = len(c.target)
        # 3 states per variable: two choices of intervened state each
        extra = np.log(float(math.comb(n, s))) + s * np.log(2.0)
        assert ebic.diagnostics["existence_thresholds"][c.label] == pytest.approx(base + extra)
    assert all(d >= ebic.diagnostics["existence_thresholds"][k] for k, d in ebic.diagnostics["existence_lr"].items())
    assert all(d < ebic.diagnostics["existence_thresholds"][k] for k, d in ebic.diagnostics["uncertain_lr"].items())
    # every listed component of the stricter test is also listed by the BIC one's, here
    assert {c.label for c in ebic} <= {c.label for c in bic}
    assert len(ebic.uncertain) >= len(bic.uncertain)


def test_exact_input_sets_nothing_aside():
    network = random_network(5, graph="dense", rng=3)
    spec = random_mixture(network, rng=4)
    table = mixture_distribution(network, spec.targets, spec.weights)
    result = disentangle_likelihood(network, table)
    assert result.uncertain == ()
    assert result.options["existence_threshold"] is None
    assert not any("set aside" in w for w in result.warnings)
    assert len(result) == len(spec.targets)


@pytest.mark.parametrize("value", [-1.0, "aic", "BIC", "EBIC", True, float("nan")])
def test_bad_existence_penalty_raises_our_error(value):
    network = random_network(2, graph="chain", rng=0)
    codes, _ = sample_mixture(network, [{}], [1.0], 50, rng=0)
    table = CountTable.from_codes(codes, network.variables, network.states)
    with pytest.raises(ParameterError, match="existence_penalty"):
        disentangle_likelihood(network, table, existence_penalty=value)
    with pytest.raises(ParameterError, match="existence_penalty"):
        disentangle_mixture(network, table, method="likelihood", existence_penalty=value)


@pytest.mark.filterwarnings("ignore::pgmpy_mixture.errors.EstimationWarning")
def test_existence_penalty_passes_through_the_entry_point():
    network = random_network(3, graph="chain", rng=0)
    spec = random_mixture(network, rng=1)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 2000, rng=2)
    table = CountTable.from_codes(codes, network.variables, network.states)
    result = disentangle_mixture(network, table, method="likelihood", existence_penalty=3.0)
    assert result.options["existence_penalty"] == 3.0 and result.options["existence_threshold"] == 3.0
    off = disentangle_mixture(network, table, method="likelihood", existence_penalty=None)
    assert off.uncertain == () and "existence_lr" not in off.diagnostics


def test_uncertain_survives_pickling_and_copies():
    result = MixtureResult([Component({}, 0.7), Component({"A": "x"}, 0.3)], "likelihood",
                           uncertain=[Component({"A": "y"}, 1e-4), Component({"B": "z"}, 2e-3)])
    assert [c.label for c in result.uncertain] == ["do(B=z)", "do(A=y)"]  # sorted by weight
    for clone in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert clone.uncertain == result.uncertain
        assert clone.weights.tolist() == result.weights.tolist()
    assert "do(A=y)" not in repr(result) and "do(A=y)" not in result.to_frame()["target"].tolist()
    assert MixtureResult([Component({}, 1.0)], "exact").uncertain == ()


def test_uncertain_is_checked():
    with pytest.raises(DataValueError, match="uncertain"):
        MixtureResult([Component({}, 1.0)], "likelihood", uncertain=[Component({}, 0.1)])
    with pytest.raises(DataValueError, match="uncertain"):
        MixtureResult([Component({}, 1.0)], "likelihood", uncertain=[("A", 0.1)])


def test_the_pgmpy_method_forwards_existence_penalty():
    pytest.importorskip("pgmpy")
    from pgmpy_mixture import network_to_pgmpy
    from pgmpy_mixture.discrete.simulate import sample_frame

    network = random_network(3, graph="chain", rng=0)
    spec = random_mixture(network, rng=1)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 2000, rng=np.random.default_rng(2))
    model = network_to_pgmpy(network)
    off = model.disentangle_mixture(frame, existence_penalty=None)
    assert off.options["existence_penalty"] is None and off.uncertain == ()
    with pytest.raises(ParameterError, match="existence_penalty"):
        model.disentangle_mixture(frame, existence_penalty="sometimes")


@pytest.mark.parametrize("penalty", ["bic", "ebic"])
def test_including_uncertain_is_the_fit_without_the_test(penalty):
    # the full fit over every found target is exactly what the method returns with the test switched off
    _, _, plain = _loose_result(existence_penalty=None)
    with pytest.warns(EstimationWarning):
        _, _, result = _loose_result(existence_penalty=penalty)
    full = result.including_uncertain()
    assert full.uncertain == () and len(full) == len(result) + len(result.uncertain)
    assert full.weights.sum() == pytest.approx(1.0)
    plain_weights = {c.label: c.weight for c in plain}
    assert {c.label: pytest.approx(c.weight, abs=1e-9) for c in full} == plain_weights
    # the listed targets' standard errors are the full fit's too, so its intervals work
    plain_se = {c.label: c.stderr for c in plain}
    assert all(c.stderr == pytest.approx(plain_se[c.label], rel=1e-6) for c in full)
    assert full.confidence_intervals().shape[0] == len(full)
    # the listed view is unchanged, and a result with nothing set aside is its own full fit
    assert result.weights.sum() == pytest.approx(1.0) and plain.including_uncertain() is plain


def test_including_uncertain_of_a_hand_built_result_rescales_the_listed_weights():
    r = MixtureResult([Component({}, 0.75), Component({"A": "x"}, 0.25)], "demo",
                      uncertain=[Component({"A": "y"}, 0.2)])
    full = r.including_uncertain()
    assert [round(c.weight, 12) for c in full] == [0.6, 0.2, 0.2]
    assert full.weights.sum() == pytest.approx(1.0)
    assert r.weights.tolist() == [0.75, 0.25]  # the original is untouched


def test_a_refit_stopped_by_its_bounds_gives_the_full_refits_answer():
    from pgmpy_mixture.discrete.likelihood.polish import _refit, _refit_against

    network, true, codes = _simulated(1)
    lik, n = _likelihoods(network, [*true, true[2]], codes)  # component 3 duplicates component 2
    mu, full = _refit(lik, n, np.array([0.6, 0.3, 0.05, 0.05]), 200, 30)
    for c in range(4):
        others = np.delete(np.arange(4), c)
        _, value = _refit(lik.take(others), n, mu[others], 200, 30)
        exact = full - value
        for limit in (exact / 4, exact * 4 + 1.0, 5.0, 1e4):
            _, low, high = _refit_against(lik.take(others), n, mu[others], full, limit, 30, 20)
            assert low - 1e-6 <= exact <= high + 1e-6  # an interval around D
            assert (high < limit) == (exact < limit) or abs(exact - limit) < 1e-6  # the same decision
