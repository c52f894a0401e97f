"""Memory-bounded passes (:mod:`pgmpy_mixture.gaussian.blocks`): component moments, EM on every row, and the
subsample-then-refine path of ``fit_mixture_utigsp`` built on them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.gaussian import blocks
from pgmpy_mixture.gaussian.blocks import refine_em, row_blocks, soft_moments, weighted_moments
from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture


def _direct_moments(data, resp, reg_covar):
    """Soft counts, means and covariances computed in one pass, from the definitions."""
    counts = resp.sum(axis=0)
    means = resp.T @ data / counts[:, None]
    covs = np.stack([((data - m) * r[:, None]).T @ (data - m) / c for m, r, c in zip(means, resp.T, counts,
                                                                                        strict=True)])
    return counts, means, covs + reg_covar * np.eye(data.shape[1])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 60), d=st.integers(1, 4), k=st.integers(1, 4), chunk=st.integers(1, 70),
       offset=st.floats(-1e4, 1e4), seed=st.integers(0, 10_000))
def test_weighted_moments_match_direct_computation_for_any_blocking(n, d, k, chunk, offset, seed):
    """Block-wise accumulation gives the one-pass moments whatever the block size, also far from the origin."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, d)) + offset
    resp = rng.dirichlet(np.ones(k), size=n)
    counts, means, covs = _direct_moments(data, resp, 1e-6)
    got = soft_moments(data, lambda block: resp[block], k, reg_covar=1e-6, chunk_rows=chunk)
    for a, b in zip(got, (counts, means, covs), strict=True):
        assert np.allclose(a, b, rtol=1e-7, atol=1e-7 * (1 + abs(offset)))
    # the M-step's weights are the normalised counts; an array gives what a function of the block gives, exactly
    weights = weighted_moments(data, resp, reg_covar=1e-6, chunk_rows=chunk)
    assert np.allclose(weights[0], counts / counts.sum())
    for a, b in zip(soft_moments(data, resp, reg_covar=1e-6, chunk_rows=chunk), got, strict=True):
        assert np.array_equal(a, b)


def test_soft_moments_of_hard_labels_are_the_per_group_sample_moments():
    """One-hot responsibilities: counts are group sizes, means and (biased) covariances those of each group; a
    component without rows gets the first row as its mean instead of NaN."""
    rng = np.random.default_rng(7)
    data = rng.normal(size=(40, 3)) * [1.0, 2.0, 3.0] + [100.0, -5.0, 0.0]
    labels = np.arange(40) % 3
    resp = np.eye(4)[labels]
    counts, means, covs = soft_moments(data, resp, reg_covar=0.0, chunk_rows=9)
    assert counts.tolist() == [14.0, 13.0, 13.0, 0.0]
    for k in range(3):
        group = data[labels == k]
        np.testing.assert_allclose(means[k], group.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(covs[k], np.cov(group.T, bias=True), rtol=1e-9, atol=1e-12)
    assert np.array_equal(means[3], data[0]) and np.all(np.isfinite(covs[3]))


def test_soft_moments_need_the_number_of_components_with_a_function():
    data = np.zeros((4, 2))
    with pytest.raises(ParameterError, match="n_components"):
        soft_moments(data, lambda block: np.ones((block.stop - block.start, 1)))


def test_row_blocks_cover_rows_once_and_reject_bad_size():
    covered = np.concatenate([np.arange(10)[s] for s in row_blocks(10, 3)])
    assert covered.tolist() == list(range(10))
    with pytest.raises(ParameterError, match="chunk_rows"):
        list(row_blocks(10, 0))


def test_predictions_do_not_depend_on_the_block_size(monkeypatch):
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_mixture_utigsp(sim.data, n_components=4, random_state=0)
    whole = fit.predict_proba(sim.data), fit.predict(sim.data), fit.score(sim.data)
    monkeypatch.setattr(blocks, "CHUNK_ROWS", 7)
    blocked = fit.predict_proba(sim.data), fit.predict(sim.data), fit.score(sim.data)
    assert np.allclose(whole[0], blocked[0]) and np.array_equal(whole[1], blocked[1])
    assert np.isclose(whole[2], blocked[2])


def test_the_former_module_path_is_this_module():
    """``pgmpy_mixture.gaussian_chunks`` (earlier releases) is this module, log-densities included, so patching
    the block size through either name patches both."""
    import pgmpy_mixture.gaussian_chunks as old
    from pgmpy_mixture.gaussian.density import gaussian_log_density

    assert old is blocks and old.gaussian_log_density is gaussian_log_density and old.refine_em is refine_em


@pytest.mark.parametrize("seed", [3, 4])
def test_refine_em_follows_scikit_learn_em_exactly_and_never_lowers_the_likelihood(seed):
    """Block-wise EM takes the same steps as scikit-learn's EM from the same start; its likelihood never falls."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    sim = simulate_linear_mixture(n_nodes=3, n_samples=6000, targets="all", kind="soft", random_state=seed)
    start = (sim.weights, sim.means + 0.3, sim.covariances * 1.5)
    w, m, c, _, iterations = refine_em(sim.data, *start, max_iter=5, tol=-np.inf, chunk_rows=1000)
    gm = GaussianMixture(len(sim.weights), weights_init=start[0], means_init=start[1],
                         precisions_init=np.linalg.inv(start[2]), max_iter=5, tol=0.0, reg_covar=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(sim.data)
    assert iterations == 5
    assert np.allclose(w, gm.weights_, atol=1e-9) and np.allclose(m, gm.means_, atol=1e-8)
    assert np.allclose(c, gm.covariances_, atol=1e-8)
    curve = [refine_em(sim.data, *start, max_iter=k, tol=-np.inf)[3] for k in range(1, 6)]
    assert np.all(np.diff(curve) >= -1e-12)
    assert refine_em(sim.data, *start)[4] < 100  # converges by the tolerance


@pytest.mark.parametrize("seed", [0, 1])
def test_subsample_then_refine_recovers_what_the_full_fit_does(seed):
    """Fitting the candidates on 3000 of 40000 rows, then refining on all of them, gives the same number of
    components, observational component and targets as the fit on all rows, with moments within EM tolerance."""
    sim = simulate_linear_mixture(n_nodes=4, n_samples=40_000, targets="all", random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = fit_mixture_utigsp(sim.data, random_state=seed, n_init=1, max_fit_rows=3000)
        full = fit_mixture_utigsp(sim.data, n_components=small.n_components, random_state=seed, n_init=1,
                                  max_fit_rows=None)
    assert small.n_components == sim.n_components and small.n_samples == 40_000
    order_small = np.lexsort(small.means.T[::-1])
    order_full = np.lexsort(full.means.T[::-1])
    assert [small.targets[i] for i in order_small] == [full.targets[i] for i in order_full]
    assert sorted(map(sorted, small.targets)) == sorted(map(sorted, sim.targets))
    assert np.allclose(small.weights[order_small], full.weights[order_full], atol=2e-3)
    assert np.allclose(small.means[order_small], full.means[order_full], atol=2e-2)


def test_bad_max_fit_rows():
    data = np.random.default_rng(0).normal(size=(50, 3))
    for bad in (0, 3, 2.5, "many"):
        with pytest.raises(ParameterError, match="max_fit_rows"):
            fit_mixture_utigsp(data, n_components=1, max_fit_rows=bad)
    with pytest.raises(ParameterError, match="max_fit_rows=10 is too small: 3 full-covariance components"):
        fit_mixture_utigsp(data, n_components=3, max_fit_rows=10)
    with pytest.raises(ParameterError, match="n_components=20 is larger than the data support: 50 rows"):
        fit_mixture_utigsp(data, n_components=20, max_fit_rows=10)


def test_progress_bars_on_request(capsys):
    sim = simulate_linear_mixture(n_nodes=2, n_samples=3000, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_mixture_utigsp(sim.data, random_state=0, n_init=1, max_fit_rows=1000, progress=True)
    err = capsys.readouterr().err
    assert "Gaussian mixtures" in err and "Backward restarts" in err and "EM on all rows" in err
    fit_mixture_utigsp(sim.data, n_components=3, random_state=0, n_init=1, max_fit_rows=1000)
    assert capsys.readouterr().err == ""
