"""A result's sample size, and what a result without components says (issue items 1 and 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.simulate import random_mixture, random_network, sample_mixture
from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult


@pytest.mark.parametrize("method", ["likelihood", "paper", "exact"])
def test_sample_size_is_an_int_for_counts(method):
    # failed before: result.sample_size was a float (2000.0)
    network = random_network(3, rng=0)
    spec = random_mixture(network, n_targets=3, rng=1)
    codes, _ = sample_mixture(network, spec.targets, spec.weights, 2000, rng=2)
    result = api.disentangle_mixture(network, CountTable.from_codes(codes, network.variables, network.states),
                                     method=method)
    assert result.sample_size == 2000 and isinstance(result.sample_size, int)


def test_fractional_counts_keep_a_float_sample_size_and_exact_input_none():
    assert MixtureResult([Component({}, 1.0)], "x", sample_size=12.5).sample_size == 12.5
    assert MixtureResult([Component({}, 1.0)], "x", sample_size=np.float64(300.0)).sample_size == 300
    assert MixtureResult([Component({}, 1.0)], "x").sample_size is None
    with pytest.raises(DataValueError, match="sample_size"):
        MixtureResult([Component({}, 1.0)], "x", sample_size=float("nan"))


def test_responsibilities_of_a_result_without_components_raise_our_error():
    # failed before: a raw numpy ValueError (zero-size array to reduction operation maximum)
    network = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    empty = MixtureResult([], "likelihood", network=network)
    with pytest.raises(DataValueError, match="has no components"):
        empty.responsibilities(pd.DataFrame({"A": ["x"]}))
