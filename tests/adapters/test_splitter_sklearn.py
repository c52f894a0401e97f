"""MixtureSplitter as a conforming scikit-learn estimator.

scikit-learn's own estimator checks, prediction on any number of rows (one row, fewer rows than columns, constant
columns: the bug of validating prediction input like training input), clone and pickle round trips, the feature
names convention, clear errors of ours for bad input, and the caller's data left exactly as it was.
"""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
import sklearn.exceptions
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from pgmpy_mixture.adapters.causallearn import MixtureSplitter
from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    FeatureNamesWarning,
    MissingVariableError,
    MixtureError,
    NotFittedError,
    ParameterError,
    UnknownVariableError,
)
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

COLUMNS = ["dose", "growth", "response"]


# --- scikit-learn's estimator checks ----------------------------------------------------------------------------


# The setting of the issue: small enough for the tiny arrays the checks fit on (each check runs in well under 1 s).
@parametrize_with_checks([MixtureSplitter(n_components=2, k_max=3, n_init=1)])
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EstimationWarnings on the checks' unstructured random data
        check(estimator)


def test_sklearn_column_names_check():
    """scikit-learn's DataFrame column-name check (run on its own estimators, not by check_estimator)."""
    from sklearn.utils import estimator_checks

    check = getattr(estimator_checks, "check_dataframe_column_names_consistency", None)
    if check is None:  # pragma: no cover - older scikit-learn
        pytest.skip(f"scikit-learn {sklearn.__version__} has no check_dataframe_column_names_consistency")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EstimationWarnings on the check's unstructured random data
        check("MixtureSplitter", MixtureSplitter(n_components=2, k_max=3, n_init=1))


# --- a splitter fitted on a known mixture -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sim():
    return simulate_linear_mixture(n_nodes=3, n_samples=1500, random_state=0)


@pytest.fixture(scope="module")
def fitted(sim):
    """Fitted on an array (no column names)."""
    return MixtureSplitter(n_components=4, n_init=1, random_state=0).fit(sim.data)


@pytest.fixture(scope="module")
def frame(sim):
    return pd.DataFrame(sim.data, columns=COLUMNS, index=pd.RangeIndex(100, 100 + len(sim.data)))


@pytest.fixture(scope="module")
def fitted_frame(frame):
    """Fitted on a DataFrame (column names kept)."""
    return MixtureSplitter(n_components=4, n_init=1, random_state=0).fit(frame)


def test_fixture_recovers_the_mixture(sim, fitted):
    """The fixture is a real fit (4 components, one per target and the observational one), so the prediction tests
    below compare meaningful labels rather than one constant."""
    assert sorted(map(sorted, fitted.targets_)) == [[], [0], [1], [2]]
    assert len(np.unique(fitted.labels_)) == 4


# --- prediction on any number of rows (the bug: predict validated X like fit data) --------------------------------


def test_predict_one_row(sim, fitted):
    full = fitted.predict(sim.data)
    proba = fitted.predict_proba(sim.data)
    for i in (0, 7, 1499):
        row = sim.data[i : i + 1]
        assert fitted.predict(row).tolist() == [full[i]]
        np.testing.assert_allclose(fitted.predict_proba(row), proba[i : i + 1], rtol=1e-12, atol=1e-15)
        parts = fitted.split(row)
        assert [len(p) for p in parts] == [int(k == full[i]) for k in range(4)]
        assert fitted.context_index(row).tolist() == [[float(full[i])]]


def test_predict_fewer_rows_than_columns(sim, fitted):
    """Two rows of three columns: fine for prediction (fit needs more rows than columns)."""
    rows = sim.data[[3, 900]]
    assert fitted.predict(rows).tolist() == fitted.predict(sim.data)[[3, 900]].tolist()
    np.testing.assert_allclose(fitted.predict_proba(rows), fitted.predict_proba(sim.data)[[3, 900]], rtol=1e-12)


def test_predict_batch_with_a_constant_column(sim, fitted):
    """A batch whose column is constant (every row's value set to 0.5) is predicted exactly as those rows are inside
    a larger, non-constant batch."""
    batch = sim.data[:40].copy()
    batch[:, 1] = 0.5
    larger = np.vstack([sim.data[500:560], batch])
    expected = fitted.predict(larger)[60:]
    assert len(np.unique(expected)) > 1  # the comparison is not trivial
    assert np.array_equal(fitted.predict(batch), expected)
    np.testing.assert_allclose(fitted.predict_proba(batch), fitted.predict_proba(larger)[60:], rtol=1e-12)
    assert np.array_equal(fitted.context_index(batch).ravel(), expected.astype(float))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_predict_any_subset_matches_the_full_batch(sim, fitted, data):
    """Random subsets (1 to 12 rows, any order, repeats allowed): labels and probabilities equal the full batch's."""
    idx = np.array(data.draw(st.lists(st.integers(0, len(sim.data) - 1), min_size=1, max_size=12)))
    full = fitted.predict(sim.data)
    proba = fitted.predict_proba(sim.data)
    assert np.array_equal(fitted.predict(sim.data[idx]), full[idx])
    np.testing.assert_allclose(fitted.predict_proba(sim.data[idx]), proba[idx], rtol=1e-12, atol=1e-15)


def test_dataframe_one_row_keeps_index_and_columns(frame, fitted_frame):
    row = frame.iloc[[5]]
    parts = fitted_frame.split(row)
    assert sum(len(p) for p in parts) == 1
    (part,) = [p for p in parts if len(p)]
    pd.testing.assert_frame_equal(part, row)
    assert fitted_frame.predict(row).tolist() == [fitted_frame.labels_[5]]


def test_prediction_accepts_lists_object_arrays_and_float32(sim, fitted):
    rows = sim.data[:3]
    expected = fitted.predict(rows)
    assert np.array_equal(fitted.predict(rows.tolist()), expected)
    assert np.array_equal(fitted.predict(rows.astype(object)), expected)
    single = rows.astype(np.float32)
    assert np.array_equal(fitted.predict(single), fitted.predict(single.astype(float)))


# --- clone and pickle ----------------------------------------------------------------------------------------------


def test_clone_is_unfitted_and_refits_identically(sim, fitted):
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params()
    assert not hasattr(twin, "fit_") and not hasattr(twin, "labels_")
    with pytest.raises(NotFittedError):
        twin.predict(sim.data)
    twin.fit(sim.data)
    assert np.array_equal(twin.labels_, fitted.labels_)
    np.testing.assert_allclose(twin.means_, fitted.means_)


@pytest.mark.parametrize("which", ["fitted", "fitted_frame"])
def test_pickle_round_trip(request, sim, frame, which):
    sp = request.getfixturevalue(which)
    X = frame if which == "fitted_frame" else sim.data
    back = pickle.loads(pickle.dumps(sp))
    assert back.get_params() == sp.get_params()
    assert np.array_equal(back.predict(X), sp.predict(X))
    np.testing.assert_array_equal(back.predict_proba(X), sp.predict_proba(X))
    assert back.targets_ == sp.targets_ and back.observational_component_ == sp.observational_component_
    assert list(back.feature_names_in_) == list(sp.feature_names_in_)
    if which == "fitted_frame":  # the column-name check survives pickling
        with pytest.raises(MixtureError, match="same order"):
            back.predict(frame[COLUMNS[::-1]])


@pytest.mark.parametrize("trip", ["deepcopy", "joblib"])
def test_fitted_splitter_survives_deepcopy_and_joblib_with_a_read_only_fit(tmp_path, sim, frame, fitted_frame, trip):
    import joblib

    if trip == "joblib":
        joblib.dump(fitted_frame, tmp_path / "splitter.joblib")
        back = joblib.load(tmp_path / "splitter.joblib")
    else:
        back = copy.deepcopy(fitted_frame)
    np.testing.assert_array_equal(back.predict_proba(frame), fitted_frame.predict_proba(frame))
    assert back.score(frame) == fitted_frame.score(frame) and back.targets_ == fitted_frame.targets_
    assert back.fit_ is not fitted_frame.fit_ and not back.fit_.covariances.flags.writeable
    assert not pickle.loads(pickle.dumps(fitted_frame)).fit_.means.flags.writeable


# --- not fitted ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda sp, X: sp.predict(X),
        lambda sp, X: sp.predict_proba(X),
        lambda sp, X: sp.split(X),
        lambda sp, X: sp.context_index(X),
        lambda sp, X: sp.context_index(),
        lambda sp, X: sp.target_names(),
        lambda sp, X: sp.essential_graph(),
        lambda sp, X: sp.discover(X, method="sem"),
        lambda sp, X: sp.plot_selection(),
        lambda sp, X: sp.score(X),
        lambda sp, X: sp.score_samples(X),
        lambda sp, X: sp.bic(X),
        lambda sp, X: sp.aic(X),
        lambda sp, X: sp.sample(3),
    ],
    ids=["predict", "predict_proba", "split", "context_index(X)", "context_index()", "target_names",
         "essential_graph", "discover", "plot_selection", "score", "score_samples", "bic", "aic", "sample"],
)
def test_not_fitted_error_is_ours_and_sklearns(sim, call):
    with pytest.raises(NotFittedError, match="not fitted yet: call fit") as info:
        call(MixtureSplitter(), sim.data)
    assert isinstance(info.value, sklearn.exceptions.NotFittedError)
    assert isinstance(info.value, ParameterError) and isinstance(info.value, ValueError)


# --- feature names: DataFrame in fit, DataFrame with other columns later -> error naming them ---------------------


def test_reordered_columns_raise_naming_them(frame, fitted_frame):
    with pytest.raises(DataValueError, match="same order") as info:
        fitted_frame.predict(frame[["response", "dose", "growth"]])
    assert "['dose', 'growth', 'response']" in str(info.value) and "['response', 'dose', 'growth']" in str(info.value)


def test_unseen_and_missing_columns_raise_naming_them(frame, fitted_frame):
    renamed = frame.rename(columns={"growth": "growht"})
    with pytest.raises(UnknownVariableError, match=r"unseen at fit time:\n- growht\n.*missing:\n- growth\n"):
        fitted_frame.predict_proba(renamed)
    with pytest.raises(MissingVariableError, match=r"missing:\n- response\n"):
        fitted_frame.split(frame[["dose", "growth"]])
    with pytest.raises(UnknownVariableError, match=r"unseen at fit time:\n- extra\n"):
        fitted_frame.context_index(frame.assign(extra=1.0))
    with pytest.raises(DataValueError, match=r"duplicate column names \['dose'\]"):
        fitted_frame.predict(frame[["dose", "dose", "response"]].set_axis(["dose", "dose", "response"], axis=1))


def test_array_after_dataframe_fit_warns_and_matches_by_position(frame, fitted_frame):
    with pytest.warns(FeatureNamesWarning, match="fitted with feature names") as record:
        labels = fitted_frame.predict(frame.to_numpy())
    assert record[0].filename == __file__  # the warning points at the caller
    assert np.array_equal(labels, fitted_frame.labels_)


def test_dataframe_after_array_fit_warns_and_matches_by_position(sim, frame, fitted):
    with pytest.warns(FeatureNamesWarning, match="fitted without feature names"):
        labels = fitted.predict(frame)
    assert np.array_equal(labels, fitted.labels_)


def test_same_columns_no_warning(frame, fitted_frame, sim, fitted):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted_frame.predict(frame)
        fitted.predict(sim.data)


# --- bad input: our errors, scikit-learn's phrases -----------------------------------------------------------------


def _bad(call, X, error, pattern):
    before = copy.deepcopy(X)
    with pytest.raises(error, match=pattern) as info:
        call(X)
    assert isinstance(info.value, MixtureError) and isinstance(info.value, ValueError | TypeError)
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X, before)
    elif sparse.issparse(X):
        assert (X != before).nnz == 0
    elif isinstance(X, list):
        assert X == before
    elif X.dtype.kind in "fc":
        np.testing.assert_array_equal(X, before)  # NaN equal to NaN
    else:
        assert X.dtype == before.dtype and all(a == b for a, b in zip(X.ravel(), before.ravel(), strict=True))


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array", "coo_matrix"])
def test_sparse_rejected_in_fit_and_predict(sim, fitted, kind):
    X = getattr(sparse, kind)(sim.data)
    _bad(MixtureSplitter(n_components=2).fit, X, DataTypeError, r"sparse input is not supported.*toarray\(\)")
    _bad(fitted.predict, getattr(sparse, kind)(sim.data[:3]), DataTypeError, "sparse input is not supported")


def test_complex_rejected(sim, fitted):
    _bad(MixtureSplitter(n_components=2).fit, sim.data + 1j, DataValueError, "Complex data not supported")
    _bad(fitted.predict, sim.data[:2] + 0j, DataValueError, "Complex data not supported")
    frame = pd.DataFrame({"a": sim.data[:, 0], "b": sim.data[:, 1] + 1j, "c": sim.data[:, 2]})
    _bad(MixtureSplitter(n_components=2).fit, frame, DataValueError, "Complex data not supported: X column 'b'")


def test_non_numeric_cells_and_columns_named(sim, fitted):
    obj = sim.data[:20].astype(object)
    obj[4, 2] = {"foo": "bar"}
    _bad(MixtureSplitter(n_components=2).fit, obj, DataTypeError, r"\{'foo': 'bar'\} at row 4, column 2")
    obj = sim.data[:3].astype(object)
    obj[1, 0] = "high"
    _bad(fitted.predict, obj, DataTypeError, r"'high' at row 1, column 0")
    _bad(fitted.predict, np.array([["1", "2", "3"]]), DataTypeError, "must be numeric")
    frame = pd.DataFrame(sim.data[:3], columns=COLUMNS).assign(growth=["a", "b", "c"])
    _bad(fitted.predict, frame, DataTypeError, "column 'growth' is not numeric")


def test_one_dimensional_input_says_reshape(sim, fitted):
    _bad(fitted.predict, sim.data[0], DataValueError, r"1-D array of shape \(3,\).*Reshape your data")
    _bad(MixtureSplitter(n_components=2).fit, sim.data[:, 0], DataValueError, "Reshape your data")
    _bad(fitted.predict_proba, sim.data[None], DataValueError, "got 3 dimensions")


def test_ragged_input(fitted):
    _bad(fitted.predict, [[1.0, 2.0, 3.0], [1.0, 2.0]], DataValueError, "rectangular 2-D array")


def test_empty_input(sim, fitted):
    _bad(fitted.predict, np.empty((0, 3)), DataValueError, r"0 sample\(s\) \(shape=\(0, 3\)\)")
    _bad(MixtureSplitter(n_components=2).fit, np.empty((12, 0)), DataValueError, r"0 feature\(s\) \(shape=\(12, 0\)\)")


def test_fit_still_needs_more_rows_than_columns_and_no_constant_column(sim):
    _bad(MixtureSplitter(n_components=1).fit, sim.data[:1], DataValueError, r"n_samples=1, n_features=3")
    constant = pd.DataFrame(sim.data, columns=COLUMNS).assign(growth=2.0)
    _bad(MixtureSplitter(n_components=2).fit, constant, DataValueError, "column 'growth' is constant")


def test_discover_keeps_the_fit_rules(frame, fitted_frame):
    """A causal-learn search learns from X, so discover keeps fit's rules (unlike predict)."""
    _bad(lambda X: fitted_frame.discover(X, method="sem"), frame.iloc[:2], DataValueError, "n_samples=2")


def test_nan_names_column_and_row(sim, frame, fitted, fitted_frame):
    X = sim.data[:5].copy()
    X[3, 1] = np.nan
    _bad(fitted.predict, X, DataValueError, r"column 'X1' has a non-finite value \(NaN or inf\) at row 3")
    bad = frame.iloc[:5].copy()
    bad.iloc[2, 2] = np.inf
    _bad(fitted_frame.predict, bad, DataValueError, r"column 'response'.*row position 2 \(index 102\)")
    nullable = frame.iloc[:5].astype("Float64")
    nullable.iloc[0, 0] = pd.NA
    _bad(fitted_frame.predict, nullable, DataValueError, r"column 'dose'.*row position 0")


def test_wrong_number_of_columns(sim, fitted):
    _bad(fitted.predict, sim.data[:4, :2], DataValueError, "X has 2 features, but MixtureSplitter is expecting 3")


# --- the caller's data are never modified -------------------------------------------------------------------------


def test_inputs_not_modified(sim, frame, fitted_frame):
    X = sim.data.copy()
    X_before = X.copy()
    F = frame.copy()
    F_before = frame.copy(deep=True)
    sp = MixtureSplitter(n_components=4, n_init=1, random_state=0).fit(F)
    sp.predict(F)
    sp.predict_proba(F.iloc[:1])
    parts = sp.split(F)
    parts[0].iloc[0, 0] = 1e9  # a part is the user's to change; the input stays as it was
    sp.context_index(F)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeatureNamesWarning)
        sp.predict(X)
        sp.split(X)[0][:] = 0.0
        sp.context_index(X[:2])
    pd.testing.assert_frame_equal(F, F_before)
    np.testing.assert_array_equal(X, X_before)
    read_only = X.copy()
    read_only.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeatureNamesWarning)
        assert np.array_equal(sp.predict(read_only), sp.predict(X))


def test_the_core_fit_carries_the_dataframe_column_names():
    sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    frame = pd.DataFrame(sim.data, columns=["dose", "response"])
    sp = MixtureSplitter(n_components=3, random_state=0).fit(frame)
    assert sp.fit_.columns == ("dose", "response") and list(sp.feature_names_in_) == ["dose", "response"]
    assert sorted(sp.fit_.to_frame()["label"]) == ["observational", "shift(dose)", "shift(response)"]
    unnamed = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
    assert unnamed.fit_.columns == ("X0", "X1")


def test_grid_search_with_the_default_score_chooses_a_count_that_fits():
    from sklearn.model_selection import GridSearchCV

    sim = simulate_linear_mixture(n_nodes=2, n_samples=3000, random_state=4)
    search = GridSearchCV(MixtureSplitter(random_state=0), {"n_components": [1, 3]}, cv=3).fit(sim.data)
    assert search.best_params_ == {"n_components": 3}  # held-out log-likelihood: three components beat one
