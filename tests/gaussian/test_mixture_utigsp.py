"""Mixture-UTIGSP's identification step (:mod:`pgmpy_mixture.gaussian.mixture_utigsp`): order, observational
component and targets from exact moments, and the whole fit from samples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pgmpy_mixture.errors import DataTypeError, DataValueError, EstimationWarning, ParameterError
from pgmpy_mixture.gaussian.graphs import icpdag
from pgmpy_mixture.gaussian.metrics import adjusted_rand, match_by_moments, shd, target_jaccard, weight_error
from pgmpy_mixture.gaussian.mixture_utigsp import (
    estimate_dag,
    estimate_order,
    fit_candidate_mixtures,
    fit_mixture_utigsp,
    identify_targets,
    select_and_identify,
)
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture


def _fit(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_mixture_utigsp(data, **kw)


# ---------------------------------------------------------------- identification from exact moments
@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 6), seed=st.integers(0, 10_000), targets=st.sampled_from(["all", "half"]),
       kind=st.sampled_from(["do", "soft"]))
def test_identify_targets_exact_moments(d, seed, targets, kind):
    """With the true component moments (and a large nominal n) the observational component and every target set
    are recovered exactly, whatever the order of the components."""
    sim = simulate_linear_mixture(n_nodes=d, n_samples=10, targets=targets, kind=kind, random_state=seed)
    assume(sim.n_components >= 3)  # with two components the observational one is not identifiable (tested below)
    perm = np.random.default_rng(seed).permutation(sim.n_components)
    obs, found, _, order = identify_targets(sim.weights[perm], sim.means[perm], sim.covariances[perm], 10**6)
    assert perm[obs] == 0
    assert [found[np.flatnonzero(perm == k)[0]] for k in range(sim.n_components)] == sim.targets


@settings(max_examples=20, deadline=None)
@given(d=st.integers(3, 7), seed=st.integers(0, 10_000), exact=st.booleans())
def test_order_is_topological_with_exact_moments(d, seed, exact):
    """All nodes do-intervened, exact moments: both the exact dynamic programme and the greedy path used beyond
    ``max_exact`` nodes return an order in which every edge points forward."""
    sim = simulate_linear_mixture(n_nodes=d, n_samples=10, targets="all", random_state=seed)
    order = estimate_order(sim.weights, sim.means, sim.covariances, 10**6, max_exact=12 if exact else 2)
    position = np.argsort(order)
    parents, children = np.nonzero(sim.sem.adjacency)
    assert sorted(order) == list(range(d))
    assert np.all(position[parents] < position[children])


def test_two_components_tie_warns():
    sim = simulate_linear_mixture(n_nodes=3, n_samples=10, targets=[[1]], weights=[0.6, 0.4], random_state=0)
    with pytest.warns(EstimationWarning, match="not identifiable"):
        obs, found, _, _ = identify_targets(sim.weights[::-1], sim.means[::-1], sim.covariances[::-1], 10**6)
    assert obs == 1 and found == [frozenset({1}), frozenset()]


# ---------------------------------------------------------------- fitting from samples
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_recovers_components_weights_targets(seed):
    """d=4, all nodes intervened (do), 4000 samples: 5 components, weights within 0.02, exact targets, DAG."""
    sim = simulate_linear_mixture(n_nodes=4, n_samples=4000, targets="all", random_state=seed)
    fit = _fit(sim.data, random_state=0, n_init=2)
    assert fit.n_components == sim.n_components
    rows, cols, _ = match_by_moments(sim.means, sim.covariances, fit.means, fit.covariances)
    assert weight_error(sim.weights, fit.weights, rows, cols) < 0.02
    assert target_jaccard(sim.targets, fit.targets, rows, cols) == 1.0
    assert cols[list(rows).index(0)] == fit.observational
    assert shd(sim.sem.adjacency, estimate_dag(fit)) == 0
    assert adjusted_rand(sim.labels, fit.predict(sim.data)) > 0.99
    # responsibilities: Bayes' rule over the fitted components, computed independently with scipy
    from scipy.stats import multivariate_normal

    joint = np.column_stack([w * multivariate_normal(m, c).pdf(sim.data[:50])
                             for w, m, c in zip(fit.weights, fit.means, fit.covariances, strict=True)])
    np.testing.assert_allclose(fit.predict_proba(sim.data[:50]), joint / joint.sum(axis=1, keepdims=True),
                               rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_valid_mixture_has_sparse_shifts_and_no_warning(seed):
    """Single-node do-interventions on every node of a d=6 SEM: each component differs from the observational one
    at exactly its target, so shift_density is 1/6 and no sparse-shift warning is raised."""
    sim = simulate_linear_mixture(n_nodes=6, n_samples=2**13, targets="all", random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_mixture_utigsp(sim.data, n_components=7, random_state=0, n_init=2)
    assert not [w for w in caught if "sparse-mechanism-shift" in str(w.message)]
    assert fit.shift_density == pytest.approx(1 / 6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clusters_of_one_skewed_population_warn(seed):
    """One population (no intervention), skewed by exp(), forced into 4 clusters: the clusters are regions of X, not
    intervention settings, and differ in most mechanisms; this is reported, not returned silently as targets."""
    sim = simulate_linear_mixture(n_nodes=6, n_samples=20_000, targets=[], random_state=seed)
    data = np.exp(sim.data / sim.data.std(axis=0))
    with pytest.warns(EstimationWarning, match="sparse-mechanism-shift assumption looks violated"):
        fit = fit_mixture_utigsp(data, n_components=4, random_state=0, n_init=2)
    assert fit.shift_density > 0.5


@pytest.mark.parametrize("run", [0, 2, 7, 9])
def test_half_targets_order_tie_broken_by_sparsity(run):
    """d = 8, do-interventions on half the nodes, 2^13 samples (the benchmark's seeds): several orders have equally
    few mechanism changes; ranking them by the sparsity of their minimal I-map gives the true I-MEC. These four runs
    had SHD 2-7 against the I-CPDAG when ties were broken by change strength alone."""
    d = 8
    sim = simulate_linear_mixture(n_nodes=d, n_samples=2**13, targets="half", random_state=1000 * d + 10 * run + 5)
    k = np.array([sim.n_components])
    models, ll, bic = fit_candidate_mixtures(sim.data, k, n_init=3, random_state=run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = select_and_identify(sim.data, models, ll, bic, k, "bic")
    assert shd(icpdag(sim.sem.adjacency, sim.targets), icpdag(estimate_dag(fit), fit.targets)) == 0


def test_fit_half_soft_interventions():
    sim = simulate_linear_mixture(n_nodes=5, n_samples=6000, targets="half", kind="soft", mean_shift=4.0,
                                  variance_scale=0.25, random_state=7)
    fit = _fit(sim.data, n_components=sim.n_components, random_state=0)
    rows, cols, _ = match_by_moments(sim.means, sim.covariances, fit.means, fit.covariances)
    assert target_jaccard(sim.targets, fit.targets, rows, cols) == 1.0


def test_curves_and_selection_rules():
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, targets="all", random_state=11)
    fit = _fit(sim.data, k_max=6, random_state=0, n_init=1)
    assert fit.candidates.tolist() == [1, 2, 3, 4, 5, 6]
    assert fit.loglik_curve.shape == fit.bic_curve.shape == (6,)
    assert fit.n_components == 4
    assert _fit(sim.data, k_max=6, selection="bic", random_state=0, n_init=1).n_components == 4
    # a huge cutoff keeps one component
    assert _fit(sim.data, k_max=3, selection="cutoff", cutoff_ratio=10.0, n_init=1).n_components == 1


# ---------------------------------------------------------------- bad input
def test_bad_input_messages():
    good = np.random.default_rng(0).normal(size=(50, 3))
    nan = good.copy()
    nan[4, 1] = np.nan
    with pytest.raises(DataValueError, match="'X1'.*row 4"):
        fit_mixture_utigsp(nan)
    inf = good.copy()
    inf[2, 0] = np.inf
    with pytest.raises(DataValueError, match="non-finite"):
        fit_mixture_utigsp(inf)
    with pytest.raises(DataValueError, match="rows"):
        fit_mixture_utigsp(good[:3])
    const = pd.DataFrame(good, columns=["a", "b", "c"]).assign(b=1.0)
    with pytest.raises(DataValueError, match="'b' is constant"):
        fit_mixture_utigsp(const)
    text = pd.DataFrame(good, columns=["a", "b", "c"]).assign(c="x")
    with pytest.raises(DataTypeError, match="'c' is not numeric"):
        fit_mixture_utigsp(text)
    with pytest.raises(ParameterError, match="n_components=20"):
        fit_mixture_utigsp(good, n_components=20)
    with pytest.raises(ParameterError, match="k_max"):
        fit_mixture_utigsp(good, k_max=40)
    with pytest.raises(ParameterError, match="selection"):
        fit_mixture_utigsp(good, selection="aic")
    before = good.copy()
    _fit(good, n_components=1)
    assert np.array_equal(before, good)


# ---------------------------------------------------------------- max_targets prior, diagonal clustering, the result
def test_max_targets_keeps_strongest():
    sim = simulate_linear_mixture(n_nodes=4, n_samples=10, targets=[[0, 2], [1], [3]], kind="soft", random_state=2)
    _, full, _, _ = identify_targets(sim.weights, sim.means, sim.covariances, 10**6)
    assert full == sim.targets
    _, one, _, _ = identify_targets(sim.weights, sim.means, sim.covariances, 10**6, max_targets=1)
    assert [len(t) for t in one] == [0, 1, 1, 1] and all(a <= b for a, b in zip(one, full, strict=True))
    with pytest.raises(ParameterError):
        identify_targets(sim.weights, sim.means, sim.covariances, 10**6, max_targets=-1)


def test_diagonal_clustering_then_full_moments():
    """covariance_type='diag' clusters with diagonal Gaussians; the reported moments are full and the targets
    still come out right on well-separated do-interventions."""
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, targets="all", random_state=4)
    fit = _fit(sim.data, n_components=4, covariance_type="diag", random_state=0)
    rows, cols, _ = match_by_moments(sim.means, sim.covariances, fit.means, fit.covariances)
    assert target_jaccard(sim.targets, fit.targets, rows, cols) == 1.0
    off_diagonal = fit.covariances[:, 0, 1:]
    assert np.abs(off_diagonal).max() > 0.1  # full moments, not the diagonal model's
    with pytest.raises(ParameterError, match="covariance_type"):
        fit_mixture_utigsp(sim.data, n_components=2, covariance_type="banded")


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0, -1e-3, float("nan"), "low", True])
def test_test_levels_outside_the_open_unit_interval_are_refused(alpha):
    sim = simulate_linear_mixture(n_nodes=2, n_samples=600, random_state=4)
    with pytest.raises(ParameterError, match="alpha"):
        fit_mixture_utigsp(sim.data, n_components=3, alpha=alpha)
    fit = fit_mixture_utigsp(sim.data, n_components=3, random_state=0)
    with pytest.raises(ParameterError, match="alpha"):
        estimate_dag(fit, alpha=alpha)


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_bad_n_jobs_is_refused_before_any_fit(n_jobs):
    sim = simulate_linear_mixture(n_nodes=2, n_samples=600, random_state=4)
    with pytest.raises(ParameterError, match="n_jobs"):
        fit_mixture_utigsp(sim.data, n_components=3, n_jobs=n_jobs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_chosen_mixture_is_run_to_convergence_on_every_row(seed):
    """scikit-learn stops EM at a gain of 1e-3 per row; the chosen mixture is continued on every row until it gains
    less than CONVERGE_TOL, so one more EM pass from the reported moments gains (almost) nothing, and the reported
    mixture fits the rows at least as well as the candidate it came from."""
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    from pgmpy_mixture.gaussian.blocks import refine_em

    sim = simulate_linear_mixture(n_nodes=4, n_samples=6000, targets="half", kind="soft", mean_shift=1.5,
                                  random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_mixture_utigsp(sim.data, random_state=0)
    parts = [np.log(w) + multivariate_normal(m, c).logpdf(sim.data)
             for w, m, c in zip(fit.weights, fit.means, fit.covariances, strict=True)]
    reported = float(logsumexp(np.stack(parts, axis=1), axis=1).mean())
    chosen = int(np.flatnonzero(np.asarray(fit.candidates) == fit.n_components)[0])
    assert reported >= fit.loglik_curve[chosen] - 1e-9
    *_, after_one_pass, _ = refine_em(sim.data, fit.weights, fit.means, fit.covariances, reg_covar=0.0, max_iter=2,
                                      tol=0.0)
    assert after_one_pass - reported < 1e-5
