"""Candidate mixtures and the choice of their number (:mod:`pgmpy_mixture.gaussian.candidates`, Mixture-UTIGSP's
Algorithm 1 steps 1-2): the paper's cutoff rule, the data-support checks, parallel fits and backward restarts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.gaussian.candidates import (
    candidate_counts,
    check_n_components,
    fit_candidate_mixtures,
    relative_gains,
    select_by_cutoff,
)
from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture


@settings(max_examples=200, deadline=None)
@given(ll=st.lists(st.floats(-1e3, -1e-3), min_size=1, max_size=12), cutoff=st.floats(0.0, 0.5))
def test_the_cutoff_rule_is_the_last_count_whose_relative_gain_exceeds_the_cutoff(ll, cutoff):
    candidates = list(range(1, len(ll) + 1))
    gains = relative_gains(ll)
    assert np.isnan(gains[0])
    for i in range(1, len(ll)):  # the paper's definition, one pair at a time
        assert np.isclose(gains[i], (ll[i] - ll[i - 1]) / abs(ll[i - 1]))
    above = [k for k, g in zip(candidates[1:], gains[1:], strict=True) if g > cutoff]
    assert select_by_cutoff(ll, candidates, cutoff) == (above[-1] if above else 1)


def test_select_by_cutoff_rule():
    ll = [-10.0, -6.0, -5.0, -4.99]
    assert select_by_cutoff(ll, [1, 2, 3, 4], 0.1) == 3
    assert select_by_cutoff(ll, [1, 2, 3, 4], 0.3) == 2
    assert select_by_cutoff(ll, [1, 2, 3, 4], 0.5) == 1
    with pytest.raises(ParameterError):
        select_by_cutoff(ll, [1, 2, 3, 4], -1)


def test_candidate_counts_are_bounded_by_the_data_support():
    """A full-covariance component needs d + 1 rows: 'auto' scans 1..min(d + 1, n // (d + 1))."""
    assert candidate_counts("auto", None, n=100, d=3, selection="cutoff").tolist() == [1, 2, 3, 4]
    assert candidate_counts("auto", None, n=12, d=3, selection="cutoff").tolist() == [1, 2, 3]
    assert candidate_counts(3, None, n=12, d=3, selection="bic").tolist() == [3]
    check_n_components(3, 12, 3)
    with pytest.raises(ParameterError, match="n_components=4 is larger than the data support: 12 rows allow at most 3"):
        check_n_components(4, 12, 3)
    for bad in (0, -1, 2.0, "2"):
        with pytest.raises(ParameterError, match="positive integer"):
            check_n_components(bad, 100, 2)
    with pytest.raises(ParameterError, match="selection"):
        candidate_counts(2, None, n=100, d=3, selection="aic")


def test_threads_processes_and_one_at_a_time_give_the_same_result():
    """The default fits the counts in threads, ``n_jobs=1`` one after the other, ``n_jobs=2`` in processes."""
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        serial = fit_mixture_utigsp(sim.data, random_state=0, n_init=1, n_jobs=1)
        threads = fit_mixture_utigsp(sim.data, random_state=0, n_init=1)
        processes = fit_mixture_utigsp(sim.data, random_state=0, n_init=1, n_jobs=2)
    for parallel in (threads, processes):
        assert np.array_equal(serial.loglik_curve, parallel.loglik_curve)
        assert np.array_equal(serial.means, parallel.means) and serial.targets == parallel.targets


def test_threaded_candidate_fits_leave_the_blas_limit_as_it_was():
    """Each fit in a thread limits BLAS to one thread; the limit held around the threads is lifted after them."""
    import sklearn.cluster  # noqa: F401 (its OpenMP runtime is loaded before the limits are read)
    from threadpoolctl import threadpool_info

    def limits():
        return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()}

    before = limits()
    sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=2)
    fit_candidate_mixtures(sim.data, [1, 2, 3, 4], random_state=0)
    after = limits()
    assert {path: after[path] for path in before} == before


def test_backward_restarts_repair_a_stuck_fit_and_never_lower_the_likelihood():
    """d = 8, all nodes, 2^12 rows, seed 8000: EM's best of 6 starts at k = 9 merges two components; started from
    the k = 10 fit without its lightest component it finds all nine. 10 is not a candidate here: the (k + 1)
    helper is fitted for 9 as well as above the largest candidate, 11."""
    sim = simulate_linear_mixture(n_nodes=8, n_samples=2**12, targets="all", random_state=8000)
    _, plain, _ = fit_candidate_mixtures(sim.data, [9, 11], n_init=3, random_state=0, backward_restarts=False)
    models, repaired, bic = fit_candidate_mixtures(sim.data, [9, 11], n_init=3, random_state=0)  # the default
    assert np.all(repaired >= plain) and repaired[0] > plain[0] + 0.5
    assert models[0].n_components == 9 and np.allclose(bic[0], models[0].bic(sim.data))
    assert np.sort(models[0].weights_).min() > 0.1  # nine components of about 1/9 each
