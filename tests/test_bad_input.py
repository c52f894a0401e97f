"""Bad input through ``model.disentangle_mixture``: our ValueError/TypeError subclass naming the culprit,
and the caller's DataFrame left exactly as it was."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from pgmpy.factors.discrete import TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

import pgmpy_mixture  # noqa: F401  (registers the method)
from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    MissingVariableError,
    MixtureError,
    ModelError,
    UnknownStateError,
    UnknownVariableError,
)


def make_model() -> DiscreteBayesianNetwork:
    model = DiscreteBayesianNetwork([("Smoker", "Cough"), ("Smoker", "Tired")])
    model.add_cpds(
        TabularCPD("Smoker", 2, [[0.3], [0.7]], state_names={"Smoker": ["yes", "no"]}),
        TabularCPD("Cough", 2, [[0.8, 0.1], [0.2, 0.9]], evidence=["Smoker"], evidence_card=[2],
                   state_names={"Cough": ["yes", "no"], "Smoker": ["yes", "no"]}),
        TabularCPD("Tired", 3, [[0.5, 0.2], [0.3, 0.3], [0.2, 0.5]], evidence=["Smoker"], evidence_card=[2],
                   state_names={"Tired": ["low", "mid", "high"], "Smoker": ["yes", "no"]}),
    )
    return model


def good_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Smoker": ["yes", "no", "no", "yes"],
            "Cough": ["yes", "no", "yes", "no"],
            "Tired": ["low", "high", "mid", "mid"],
            "n": [3, 5, 2, 1],
        }
    )


def _bad(frame: pd.DataFrame, error: type, pattern: str, model=None, **kwargs) -> None:
    before = copy.deepcopy(frame)
    with pytest.raises(MixtureError, match=pattern) as info:
        (model or make_model()).disentangle_mixture(frame, **kwargs)
    assert type(info.value) is error  # the most specific class, not merely one of its bases
    pd.testing.assert_frame_equal(frame, before)  # never modified (values, dtypes, index, columns)


def test_column_not_in_model():
    frame = good_frame().assign(Fever=["no"] * 4)
    _bad(frame, UnknownVariableError, "'Fever'", weights="n")


def test_model_variable_missing():
    _bad(good_frame().drop(columns="Tired"), MissingVariableError, "'Tired'", weights="n")


def test_unknown_state_names_variable_state_and_row():
    frame = good_frame()
    frame.loc[2, "Tired"] = "exhausted"
    _bad(frame, UnknownStateError, r"'Tired'.*'exhausted'.*row 2", weights="n")


def test_nan_names_variable_and_row():
    frame = good_frame()
    frame.loc[1, "Cough"] = np.nan
    _bad(frame, DataValueError, r"'Cough'.*NaN.*row 1", weights="n")


def test_empty_frame():
    _bad(good_frame().iloc[:0], DataValueError, "empty", weights="n")


def test_weights_column_missing():
    _bad(good_frame(), DataValueError, "weights column 'count'", weights="count")


def test_weights_negative():
    frame = good_frame()
    frame.loc[3, "n"] = -1
    _bad(frame, DataValueError, "weights column 'n'.*negative", weights="n")


@pytest.mark.parametrize("value", [np.inf, np.nan])
def test_weights_not_finite(value):
    frame = good_frame().astype({"n": float})
    frame.loc[0, "n"] = value
    _bad(frame, DataValueError, "weights column 'n'.*non-finite", weights="n")


@pytest.mark.parametrize("data", [[["yes", "no", "low"]], np.array([["yes", "no", "low"]]), "data.csv", None])
def test_not_a_dataframe(data):
    with pytest.raises(DataTypeError, match="DataFrame"):
        make_model().disentangle_mixture(data)


def test_model_without_cpds_names_the_variable():
    model = DiscreteBayesianNetwork([("Smoker", "Cough")])
    model.add_cpds(TabularCPD("Smoker", 2, [[0.3], [0.7]], state_names={"Smoker": ["yes", "no"]}))
    frame = good_frame().drop(columns="Tired")
    _bad(frame, ModelError, "'Cough'", model=model, weights="n")


def test_model_with_no_cpds_at_all():
    model = DiscreteBayesianNetwork([("Smoker", "Cough")])
    _bad(good_frame().drop(columns="Tired"), ModelError, "no CPD for variable", model=model, weights="n")


def test_model_failing_check_model():
    model = make_model()
    model.add_cpds(  # replaces Cough's CPD with one whose columns do not sum to 1
        TabularCPD("Cough", 2, [[0.8, 0.5], [0.2, 0.9]], evidence=["Smoker"], evidence_card=[2],
                   state_names={"Cough": ["yes", "no"], "Smoker": ["yes", "no"]}),
    )
    _bad(good_frame(), ModelError, "check_model.*Cough", model=model, weights="n")


def test_observational_must_be_a_dataframe():
    with pytest.raises(DataTypeError, match="observational"):
        make_model().disentangle_mixture(good_frame(), weights="n", observational=[1, 2])


def test_observational_with_unknown_state_names_it():
    pytest.importorskip("pgmpy_mixture.model.fitting")
    obs = good_frame().drop(columns="n")
    obs.loc[0, "Smoker"] = "sometimes"
    before = copy.deepcopy(obs)
    with pytest.raises(UnknownStateError, match="'Smoker'.*'sometimes'"):
        make_model().disentangle_mixture(good_frame(), weights="n", observational=obs)
    pd.testing.assert_frame_equal(obs, before)
