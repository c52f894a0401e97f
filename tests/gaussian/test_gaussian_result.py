"""The Gaussian result family (:mod:`pgmpy_mixture.gaussian.result`): :class:`GaussianMixtureFit`'s tables,
densities, sampling and input checks, and both results' immutability through pickle, deep copy and joblib."""

from __future__ import annotations

import copy
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
from pgmpy_mixture.gaussian.result import GaussianMixtureFit, SharedSEMFit
from pgmpy_mixture.gaussian.shared_sem import fit_shared_sem, fit_shared_sem_mixture
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

ARRAYS = ("weights", "means", "covariances", "changes", "loglik_curve", "bic_curve", "candidates")


def test_tables_of_a_fitted_mixture_agree_with_the_fit():
    sim = simulate_linear_mixture(n_nodes=3, n_samples=6000, targets="half", random_state=5)
    frame = pd.DataFrame(sim.data, columns=["u", "v", "w"])
    fit = fit_mixture_utigsp(frame, cutoff_ratio=0.05, random_state=0)
    table = fit.to_frame(means=True)
    assert list(table.index) == list(range(fit.n_components)) and table.index.name == "component"
    assert np.allclose(table["weight"], fit.weights) and np.isclose(table["weight"].sum(), 1.0)
    assert table["observational"].sum() == 1 and table.loc[fit.observational, "label"] == "observational"
    for k, row in table.iterrows():
        assert set(row["targets"]) == {fit.names[j] for j in fit.targets[k]}
        assert row["n_targets"] == len(fit.targets[k])
        assert np.allclose([row[f"mean[{c}]"] for c in "uvw"], fit.means[k])
        if k != fit.observational:
            assert row["label"] == "shift(" + ", ".join(row["targets"]) + ")"
    curve = fit.selection_frame()
    assert curve["k"].tolist() == list(fit.candidates) and curve["chosen"].sum() == 1
    assert int(curve.loc[curve["chosen"], "k"].iloc[0]) == fit.n_components
    gains = curve["rel_gain"].to_numpy()
    chosen = int(np.flatnonzero(curve["chosen"])[0])
    assert chosen == 0 or gains[chosen] > 0.05
    assert (gains[chosen + 1:] <= 0.05).all()
    text = repr(fit)
    assert text.startswith(f"GaussianMixtureFit(components={fit.n_components}, variables=3, n_samples=6000)")
    assert all(label in text for label in table["label"]) and "order: " in text
    assert "<table" in fit._repr_html_()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4), d=st.integers(1, 4))
def test_density_information_criteria_and_sampling_of_a_random_mixture(seed, k, d):
    from scipy.stats import multivariate_normal

    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(k))
    means = rng.normal(0, 3, (k, d))
    factors = rng.normal(size=(k, d, d))
    covs = factors @ factors.transpose(0, 2, 1) + 0.5 * np.eye(d)
    fit = GaussianMixtureFit(weights, means, covs, 100, 0, [frozenset()] * k, list(range(d)),
                             np.zeros((k, k, d), bool))
    X = rng.normal(0, 3, (50, d))
    density = sum(w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(weights, means, covs, strict=True))
    np.testing.assert_allclose(fit.score_samples(X), np.log(density).reshape(-1), rtol=1e-9)
    assert np.isclose(fit.score(X), np.log(density).mean())
    p = k - 1 + k * d + k * d * (d + 1) // 2
    assert fit.n_parameters == p
    assert np.isclose(fit.bic(X), -2 * np.log(density).sum() + p * np.log(50))
    assert np.isclose(fit.aic(X), -2 * np.log(density).sum() + 2 * p)
    sample, labels = fit.sample(20_000, random_state=seed)
    assert sample.shape == (20_000, d) and np.array_equal(labels, np.sort(labels))
    assert np.allclose(np.bincount(labels, minlength=k) / 20_000, weights, atol=0.02)
    again, _ = fit.sample(20_000, random_state=seed)
    assert np.array_equal(sample, again)
    big = int(np.argmax(weights))
    spread = np.sqrt(np.diag(covs[big]) / (labels == big).sum())
    assert (np.abs(sample[labels == big].mean(axis=0) - means[big]) < 6 * spread).all()


def test_prediction_methods_check_their_input_against_the_fit():
    from pgmpy_mixture.errors import DataValueError, FeatureNamesWarning, MixtureError

    sim = simulate_linear_mixture(n_nodes=2, n_samples=1500, random_state=4)
    frame = pd.DataFrame(sim.data, columns=["a", "b"])
    fit = fit_mixture_utigsp(frame, random_state=0)
    methods = [fit.predict, fit.predict_proba, fit.score, fit.score_samples, fit.bic, fit.aic, fit.log_joint]
    for method in methods:
        with pytest.raises(DataValueError, match="1 features, but GaussianMixtureFit is expecting 2"):
            method(sim.data[:, :1])
        with pytest.raises(DataValueError, match="same order"):
            method(frame[["b", "a"]])
        with pytest.raises(DataValueError, match="0 sample"):
            method(sim.data[:0])
        with pytest.raises(MixtureError, match="Reshape your data"):
            method(sim.data[0])
    # the same rows as a DataFrame with the fitted names, or as an array: the same answer
    assert np.allclose(fit.score_samples(frame.head(7)), fit.score_samples(sim.data[:7]))
    unnamed = fit_mixture_utigsp(sim.data, random_state=0)  # default names X0, X1: DataFrames by position
    with pytest.warns(FeatureNamesWarning, match="matched by position"):
        by_position = unnamed.score_samples(frame.head(7))
    assert np.allclose(by_position, unnamed.score_samples(sim.data[:7]))


def test_fit_is_immutable_and_does_not_alias_its_inputs():
    weights, means, covs = np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1))
    fit = GaussianMixtureFit(weights, means, covs, 10, 0, [frozenset(), {0}], [0], np.zeros((2, 2, 1), bool))
    weights[0] = 0.9  # the caller's array changes, the fit does not
    assert fit.weights.tolist() == [0.5, 0.5] and fit.targets == (frozenset(), frozenset({0}))
    with pytest.raises(ValueError, match="read-only"):
        fit.means[0, 0] = 1.0
    with pytest.raises(AttributeError):
        fit.order = (0,)


def _joblib_round_trip(obj, path):
    joblib.dump(obj, path)
    return joblib.load(path)


ROUND_TRIPS = {
    "pickle": lambda obj, path: pickle.loads(pickle.dumps(obj)),
    "deepcopy": lambda obj, path: copy.deepcopy(obj),
    "joblib": _joblib_round_trip,
}


@pytest.fixture(scope="module")
def fits():
    """A Mixture-UTIGSP fit on a DataFrame (column names) and a shared-SEM fit, with the data."""
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, targets="all", kind="soft", random_state=3)
    frame = pd.DataFrame(sim.data, columns=["u", "v", "w"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        utigsp = fit_mixture_utigsp(frame, k_max=5, random_state=0, n_init=1)
        shared = fit_shared_sem_mixture(sim.data, n_components=4, random_state=0, n_init=1)
    return sim, frame, {"mixture_utigsp": utigsp, "shared_sem": shared}


@pytest.mark.parametrize("trip", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("which", ["mixture_utigsp", "shared_sem"])
def test_fits_survive_pickle_deepcopy_and_joblib_unchanged_and_read_only(fits, which, trip, tmp_path):
    sim, frame, by_route = fits
    fit = by_route[which]
    back = ROUND_TRIPS[trip](fit, tmp_path / "fit.joblib")
    assert type(back) is GaussianMixtureFit and back is not fit
    for name in ARRAYS:
        assert np.array_equal(getattr(back, name), getattr(fit, name)), name
        assert getattr(back, name).dtype == getattr(fit, name).dtype
        assert not getattr(back, name).flags.writeable, name
    for name in ("n_samples", "observational", "targets", "order", "columns", "parameter_count"):
        assert getattr(back, name) == getattr(fit, name), name
    X = frame if which == "mixture_utigsp" else sim.data
    assert np.array_equal(back.predict(X), fit.predict(X))
    assert np.array_equal(back.predict_proba(X), fit.predict_proba(X))
    assert back.score(X) == fit.score(X) and back.bic(X) == fit.bic(X)
    assert repr(back) == repr(fit)
    with pytest.raises(ValueError, match="read-only"):
        back.means[0, 0] = 1.0
    with pytest.raises(AttributeError):
        back.weights = np.ones(1)


@pytest.mark.parametrize("trip", sorted(ROUND_TRIPS))
def test_shared_sem_parameters_survive_round_trips(trip, tmp_path):
    sim = simulate_linear_mixture(n_nodes=3, n_samples=1500, random_state=1)
    fit = fit_shared_sem(sim.data, np.eye(4)[sim.labels])
    back = ROUND_TRIPS[trip](fit, tmp_path / "sem.joblib")
    assert type(back) is SharedSEMFit
    for name in ("weights", "intercepts", "coefs", "variances", "is_target", "means", "covariances"):
        assert np.array_equal(getattr(back, name), getattr(fit, name)), name
        assert not getattr(back, name).flags.writeable, name
    assert (back.order, back.observational, back.loglik, back.n_params) == (
        fit.order, fit.observational, fit.loglik, fit.n_params)
