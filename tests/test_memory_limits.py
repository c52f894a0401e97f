"""Requests too large for the machine fail at once, naming what needs the memory, how much and the limit (item 6)."""

from __future__ import annotations

import numpy as np
import pytest

from pgmpy_mixture import api
from pgmpy_mixture.discrete import disentangle as disentangle_module
from pgmpy_mixture.discrete.simulate import mixture_distribution, random_mixture, random_network, sample_frame
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.validation import MEMORY_LIMIT_VARIABLE, check_allocation, memory_limit


def test_random_network_refuses_a_cpd_larger_than_memory_before_drawing_it():
    # failed before: numpy asked for 7.28 TiB (or silently overflowed int64 in the CPD size). A large CPD is now
    # sparse (columns drawn when needed), so only a table whose configurations have no int64 index is refused
    with pytest.raises(ParameterError, match=r"the CPD of 'V\d+' \(\d+ parents, .* entries\) has more entries "
                                             r"than an int64 index addresses: pass max_in_degree"):
        random_network(25, n_states=10, graph="dense", rng=0)
    assert random_network(30, n_states=10, rng=0).sparse_variables  # 11 parents of 10 states: no dense table
    assert random_network(30, n_states=10, max_in_degree=3, rng=0).n_variables == 30


def test_sampling_refuses_more_rows_than_memory_holds():
    network = random_network(5, rng=0)
    spec = random_mixture(network, n_targets=3, rng=0)
    with pytest.raises(ParameterError, match=r"1e\+12 samples of 5 variables needs about .* TiB"):
        sample_frame(network, spec.targets, spec.weights, 10**12, rng=0)


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "1000")
    assert memory_limit() == 1000
    with pytest.raises(ParameterError, match=f"set by {MEMORY_LIMIT_VARIABLE}"):
        check_allocation(2000, "a test array")
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "lots")
    with pytest.raises(ParameterError, match="is not a number of bytes"):
        memory_limit()


def test_an_exact_table_too_large_for_its_lift_is_refused_by_name(monkeypatch):
    network = random_network(4, rng=1)
    spec = random_mixture(network, n_targets=3, rng=1)
    table = mixture_distribution(network, spec.targets, spec.weights)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "500")
    with pytest.raises(DataValueError, match=r"the exact lift of 'V\d' \(\d+ table rows x \d+ children\)"):
        api.disentangle_mixture(network, table, method="likelihood")


def test_lemma_4_1_systems_in_blocks_give_the_same_solutions(monkeypatch):
    rng = np.random.default_rng(0)
    a = rng.dirichlet(np.ones(7), size=40)
    b = rng.normal(size=(40, 7)) * 0.01
    c = np.ones(40)
    whole = disentangle_module._solve_batch(a, b, c, 1e-10)
    monkeypatch.setattr(disentangle_module, "_BATCH_BYTES", 4 * 8 * 7 * 7 * 3)
    blocks = disentangle_module._solve_batch(a, b, c, 1e-10)
    for x, y in zip(whole, blocks, strict=True):
        np.testing.assert_array_equal(x, y)
