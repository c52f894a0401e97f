"""The likelihood method's search on a subsample: the recursion finds the targets on part of the rows, every row
weighs them.

The recursion's work grows with the distinct prefix rows it holds, and every lift passes over them tens of
times: at 10^6 rows of 64 variables nearly every row is distinct. Finding which targets exist takes far fewer rows
than weighing them (a target of weight ``w`` is found from its about ``n w`` rows, and ``n w`` in the hundreds
suffices), so when the table holds more than ``search_rows`` distinct rows the recursion runs on a random
subsample: each row is kept with probability ``f`` (:func:`thin_counts`: each count ``n_r`` replaced by a
Binomial(``n_r``, ``f``) draw, a subsample of expected size ``f n``, with ``f`` chosen so that about
``search_rows`` distinct rows remain). A Poisson draw would be simpler but repeats rows the data hold once, and
on many variables a repeated row is so unlikely under every component that the recursion fits a target to it.

The recursion's targets are then carried back to every row (:func:`carry_to_rows`: their likelihoods are products
of CPD factors, UAI 2021 Section 2), and the target repair, the existence test and the joint MLE of the weights
run on the full table, so the reported weights and intervals use every row.

On the subsample the lifts eliminate a target expecting fewer than ``SEARCH_MIN_ROWS`` (3) of its rows, unless
it alone explains a row: a target of one or two rows is no evidence of a component, yet each further lift adds
the intervention its row matches (``log 1 / P(v_j | pa_j)`` gained per variable, more than the local penalty), so
it would grow into a copy of one row that the existence test on every row sets aside (measured at N = 64: 20 such
targets of 22 to 47 interventions in one instance, carried through the repair and the test at a third of the
time). The search therefore does not look for targets of weight below about ``3 / f n``; ``search_rows=None``
searches every row.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pgmpy_mixture.discrete.likelihood.inputs import PreparedInput, penalty_value
from pgmpy_mixture.discrete.likelihood.lifts import LiftState
from pgmpy_mixture.discrete.likelihood.repair import reference_factors, target_entries
from pgmpy_mixture.discrete.mixing_weights import em_weights

__all__ = ["CARRY_EM_STEPS", "carry_to_rows", "search_input", "thin_counts", "thinning_fraction"]

#: EM iterations refitting the subsample's weights to every row before the target repair
CARRY_EM_STEPS = 10


def thinning_fraction(n_rows: np.ndarray, distinct: int) -> float:
    """The fraction ``f`` at which keeping each row with probability ``f`` keeps about ``distinct`` distinct rows.

    Solves ``sum_r 1 - (1 - f)^ceil(n_r) = distinct`` by bisection (the left side grows with ``f``); 1 when even
    ``f = 1`` keeps fewer.

    Parameters
    ----------
    n_rows : ndarray of float
        The counts of the distinct rows.
    distinct : int
        The number of distinct rows wanted.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> f = thinning_fraction(np.ones(100_000), 10_000)
    >>> round(f, 4), thinning_fraction(np.ones(100), 200)
    (0.1, 1.0)
    """
    values, multiplicity = np.unique(np.ceil(np.asarray(n_rows, dtype=np.float64)), return_counts=True)

    def kept(f: float) -> float:
        return float(multiplicity @ -np.expm1(values * np.log1p(-f))) if f < 1.0 else float(multiplicity.sum())

    if kept(1.0) <= distinct:
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if kept(middle) < distinct else (low, middle)
    return 0.5 * (low + high)


def thin_counts(n_rows: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """The counts of a subsample keeping each row with probability ``fraction``: Binomial(``n_r``, ``fraction``).

    A weighted row (a count that is not an integer) is taken as ``ceil(n_r)`` rows of equal weight, so the expected
    subsample is ``fraction n`` and no row is kept more often than the data hold it.

    Examples
    --------
    >>> import numpy as np
    >>> thin_counts(np.array([10.0, 0.0, 5.0, 1.0]), 0.5, np.random.default_rng(0)).tolist()
    [6.0, 0.0, 2.0, 0.0]
    """
    counts = np.asarray(n_rows, dtype=np.float64)
    units = np.ceil(counts)
    drawn = rng.binomial(units.astype(np.int64), fraction).astype(np.float64)
    return drawn * np.divide(counts, units, out=np.zeros_like(counts), where=units > 0)


def search_input(prepared: PreparedInput, penalty: str | float, search_rows: int | None,
                 random_state: int | np.random.Generator | None) -> PreparedInput | None:
    """The thinned input the recursion searches on, or ``None`` when it searches on every row.

    Every row is used on exact input, with jointly fitted CPDs (they are estimated inside the lifts), when
    ``search_rows`` is ``None`` and when the table holds at most ``search_rows`` distinct rows. The thinned input
    keeps the network and positivity; its sample size, and so the pruning ``penalty``, is that of the subsample.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.data.counts import CountTable
    >>> from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> table = CountTable.from_codes(np.array([[0], [1], [2]] * 50), ["A"], [["x", "y", "z"]])
    >>> prepared = prepare_inputs(net, table, penalty="bic", epsilon=0.0, joint_cpds=False, observational=None,
    ...                           delta=None, prior=1.0)
    >>> sub = search_input(prepared, "bic", 2, 0)  # 3 distinct rows: search on a subsample keeping about 2
    >>> sub.codes.shape[0] <= 3, sub.sample_size < prepared.sample_size, search_input(prepared, "bic", 3, 0) is None
    (True, True, True)
    """
    if prepared.exact or prepared.joint or search_rows is None or prepared.codes.shape[0] <= search_rows:
        return None
    fraction = thinning_fraction(prepared.n_rows, search_rows)
    if fraction >= 1.0:
        return None
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    thinned = thin_counts(prepared.n_rows, fraction, rng)
    kept = np.flatnonzero(thinned > 0)
    sample_size = float(thinned.sum())
    return replace(prepared, codes=prepared.codes[kept], n_rows=thinned[kept], sample_size=sample_size,
                   tau=penalty_value(penalty, sample_size))


def carry_to_rows(state: LiftState, codes: np.ndarray, log_factor: np.ndarray, n_rows: np.ndarray) -> LiftState:
    """The recursion's state on a subsample carried to every distinct row of ``codes`` (of counts ``n_rows``).

    The targets, excluded states and notes are kept; the likelihoods are recomputed on ``codes``
    (:func:`~pgmpy_mixture.discrete.likelihood.repair.target_entries`), rows index ``codes`` directly, a row is
    impossible when one of its CPD factors is zero, and the weights are refitted to every row by
    :data:`CARRY_EM_STEPS` EM iterations from the subsample's (the target repair reads them).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.data.counts import CountTable
    >>> from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
    >>> from pgmpy_mixture.discrete.likelihood.lifts import start_state
    >>> from pgmpy_mixture.discrete.likelihood.repair import log_cpd_factors
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> codes = np.array([[0], [1]])
    >>> prepared = prepare_inputs(net, CountTable.from_codes(codes, ["A"], [["x", "y"]]), penalty="bic",
    ...                           epsilon=0.0, joint_cpds=False, observational=None, delta=None, prior=1.0)
    >>> state = carry_to_rows(start_state(prepared), codes, log_cpd_factors(net, codes), np.ones(2))
    >>> state.entries.row.tolist(), state.prefix_id.tolist(), state.impossible.tolist()
    ([0, 1], [0, 1], [False, False])
    """
    log_ref, zeros = reference_factors(log_factor)
    entries = target_entries(codes, log_factor, state.targets, zeros)
    mu = em_weights(entries, n_rows, state.mu, CARRY_EM_STEPS) if state.mu.size > 1 else state.mu
    return replace(state, entries=entries, mu=mu, log_ref=log_ref, prefix_id=np.arange(codes.shape[0]),
                   impossible=zeros > 0)
