"""Fit the CPDs of a known graph from observational samples (the ``P(V)`` DISENTANGLE needs).

UAI 2021, Appendix D (DISENTANGLE-FINITE) estimates ``P(V)`` by maximum likelihood from ``M``
observational samples and enforces positivity (Assumption 3.2) with a smoothing constant
``delta``: ``delta`` is added to every CPD entry and each conditional distribution is renormalised.
The authors' code uses ``delta = 1/M``, which is our default (the paper's text instead speaks of
replacing zero entries); Section 5 of the paper also sets ``delta = 1/M``.

The likelihood method (:mod:`pgmpy_mixture.discrete.likelihood`) smooths by a Dirichlet prior instead: each CPD
row is the posterior mean ``(n(pa, v) + prior) / (n(pa) + k prior)`` under a symmetric Dirichlet(``prior``),
which keeps sparsely observed parent settings (many parents) from producing near-zero probabilities.
:func:`fit_network` does either smoothing (exactly one of ``delta`` and ``prior``); the counts of every CPD
come from one ``bincount`` over the table's distinct rows (:func:`cpd_counts`), so memory is one array of the
CPD's size, never rows times cells. A CPD whose dense table would have more than ``max_dense_entries`` entries
(default :data:`~pgmpy_mixture.model.sparse_cpd.SPARSE_CPD_ENTRIES`) is fitted sparse instead
(:func:`sparse_cpd_counts`): one column per parent configuration present in the table, the uniform column for
the configurations it never saw -- the same probabilities as the dense fit, entry for entry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, ParameterError, UnknownVariableError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.sparse_cpd import SPARSE_CPD_ENTRIES, SparseCPD, configuration_index

__all__ = ["cpd_counts", "cpd_index", "fit_network", "sparse_cpd_counts"]


def cpd_index(codes: np.ndarray, columns: Sequence[int], cards: Sequence[int]) -> np.ndarray:
    """Flat index of the CPD entry ``P(v | pa)`` of every row: row-major over the parents, then the variable.

    Parameters
    ----------
    codes : ndarray, shape (rows, variables)
        State codes.
    columns : sequence of int
        Columns of the parents (in the CPD's axis order) followed by the column of the variable itself.
    cards : sequence of int
        Number of states of each of ``columns``.

    Examples
    --------
    >>> import numpy as np
    >>> cpd_index(np.array([[1, 0], [1, 2]]), [0, 1], [2, 3]).tolist()   # B (3 states) given A (2 states)
    [3, 5]
    """
    return configuration_index(codes, columns, cards)  # the variable is the fastest axis of the configuration


def cpd_counts(codes: np.ndarray, weights: np.ndarray, columns: Sequence[int], cards: Sequence[int]) -> np.ndarray:
    """Weighted counts ``n(pa, v)`` of one CPD's cells, shape ``(prod(parent cards), card)``.

    One ``bincount`` over the rows (see :func:`cpd_index` for ``columns`` and ``cards``), so the memory is the
    CPD's size whatever the number of parents.

    Examples
    --------
    >>> import numpy as np
    >>> cpd_counts(np.array([[0, 1], [0, 1], [1, 0]]), np.array([1.0, 2.0, 5.0]), [0, 1], [2, 2]).tolist()
    [[0.0, 3.0], [5.0, 0.0]]
    """
    size = int(np.prod([int(c) for c in cards]))
    flat = cpd_index(codes, columns, cards)
    return np.bincount(flat, weights=weights, minlength=size).reshape(-1, int(cards[-1]))


def sparse_cpd_counts(
    codes: np.ndarray, weights: np.ndarray, columns: Sequence[int], cards: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted counts ``n(pa, v)`` of the parent configurations present in ``codes`` only.

    Same ``columns`` and ``cards`` as :func:`cpd_counts` (parents, then the variable); the memory is the number of
    distinct parent configurations in the rows times the variable's states, whatever the size of the dense table.

    Returns
    -------
    keys : ndarray of int64, shape (K,)
        Sorted mixed-radix indices of the parent configurations that occur (first parent slowest).
    counts : ndarray of float, shape (K, card)
        ``counts[i, v]`` is the weight of the rows with configuration ``keys[i]`` and state ``v``.

    Examples
    --------
    >>> import numpy as np
    >>> keys, counts = sparse_cpd_counts(np.array([[1, 1], [1, 0], [1, 1]]), np.array([1.0, 2.0, 5.0]), [0, 1], [2, 2])
    >>> keys.tolist(), counts.tolist()
    ([1], [[2.0, 6.0]])
    """
    card = int(cards[-1])
    configs = configuration_index(codes, columns[:-1], cards[:-1])
    keys, inverse = np.unique(configs, return_inverse=True)
    cell = inverse.ravel() * card + codes[:, columns[-1]].astype(np.int64)
    counts = np.bincount(cell, weights=weights, minlength=keys.size * card).reshape(-1, card)
    return keys, counts


def _smoothed(table: np.ndarray, delta: float | None, prior: float | None) -> np.ndarray:
    """Counts ``(configurations, card)`` to probabilities, in place: Dirichlet mean, or frequencies + delta."""
    card = table.shape[1]
    if prior is not None:  # posterior mean: (n + prior) / sum(n + prior), in place (CPDs can be huge)
        table += prior
    else:  # relative frequencies (uniform where the parent setting is unseen), + delta
        sums = table.sum(axis=1, keepdims=True)
        np.divide(table, sums, out=table, where=sums > 0)
        table[(sums == 0).ravel()] = 1.0 / card
        table += delta
    table /= table.sum(axis=1, keepdims=True)
    return table


def fit_network(
    variables: Sequence[str],
    states: Mapping[str, Sequence[str]] | Sequence[Sequence[str]],
    parents: Mapping[str, Sequence[str]],
    observational: CountTable,
    *,
    delta: float | None = None,
    prior: float | None = None,
    max_dense_entries: int = SPARSE_CPD_ENTRIES,
) -> CausalNetwork:
    """CPDs of a DAG fitted to an observational count table: smoothed MLE (``delta``) or Dirichlet mean (``prior``).

    With ``delta`` (the paper's Appendix D, and the default): for every variable and parent setting,
    ``P(v | pa)`` is the relative frequency of ``v`` among the rows with that parent setting; then ``delta`` is
    added to every entry and the distribution is renormalised, so every entry is positive (positivity,
    Assumption 3.2). A parent setting never observed gets the uniform distribution.

    With ``prior``: every row is the posterior mean under a symmetric Dirichlet(``prior``),
    ``(n(pa, v) + prior) / (n(pa) + k prior)`` (an unobserved parent setting is uniform too).

    Counts are read from the table's weights (:func:`cpd_counts`), so the cost does not depend on the number
    of raw rows.

    Parameters
    ----------
    variables : sequence of str
        Variable names (any order; the result is in a topological order, ties keeping this order).
    states : mapping or sequence
        ``variable -> state names``, or one sequence of state names per entry of ``variables``.
    parents : mapping
        ``variable -> parent names`` (missing = no parents).
    observational : CountTable
        Observational samples (counts) over at least ``variables``, with the same state names.
    delta : float, optional
        Smoothing constant added to every CPD entry before renormalising; default ``1 / M`` with ``M``
        the total weight (sample size) of ``observational``, as in the authors' code and Section 5.
        ``0`` gives the plain MLE (which may violate positivity).
    prior : float, optional
        Positive Dirichlet pseudo-count; give it instead of ``delta``.
    max_dense_entries : int
        A CPD whose dense table would have more entries is fitted as a
        :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD`: the columns of the parent configurations present in
        ``observational``, and the uniform column (what the dense fit gives them, under either smoothing) for all
        others. ``0`` makes every CPD with parents sparse.

    Returns
    -------
    CausalNetwork

    Examples
    --------
    >>> import numpy as np
    >>> rows = np.array([[0, 0], [0, 1], [1, 1], [1, 1]])
    >>> obs = CountTable.from_codes(rows, ["A", "B"], [["a0", "a1"], ["b0", "b1"]])
    >>> net = fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]}, obs, delta=0.0)
    >>> net.cpds[1].tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    >>> fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]}, obs).cpds[1].round(3).tolist()
    [[0.5, 0.5], [0.167, 0.833]]
    >>> fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]}, obs, prior=1.0).cpds[1].tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    >>> sparse = fit_network(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]}, obs, prior=1.0,
    ...                      max_dense_entries=0)
    >>> sparse.sparse_variables, np.asarray(sparse.cpds[1]).tolist()
    (('B',), [[0.5, 0.5], [0.25, 0.75]])
    """
    variables = [str(v) for v in variables]
    if not isinstance(states, Mapping):
        states = dict(zip(variables, states, strict=True))
    if not isinstance(observational, CountTable):
        raise DataValueError(f"observational must be a CountTable, got {type(observational).__name__}")
    for v in variables:
        if v not in observational.variables:
            raise UnknownVariableError(f"variable {v!r} is not a column of the observational table")
        col_states = tuple(str(s) for s in observational.states[observational.variables.index(v)])
        if col_states != tuple(str(s) for s in states[v]):
            raise DataValueError(f"the observational table's states of {v!r} differ from the model's")
    for v, pars in parents.items():
        for p in pars:
            if p not in variables:
                raise UnknownVariableError(f"parent {p!r} of {v!r} is not one of the variables")
    if prior is not None:
        if delta is not None:
            raise ParameterError("give one smoothing: delta (MLE + delta) or prior (Dirichlet mean), not both")
        try:
            prior = float(prior)
        except (TypeError, ValueError):
            raise ParameterError(f"prior must be a positive pseudo-count, got {prior!r}") from None
        if not (np.isfinite(prior) and prior > 0):
            raise ParameterError(f"prior must be a positive pseudo-count, got {prior!r}")
    total = observational.total
    if total <= 0:
        raise DataValueError("the observational table is empty")
    if prior is None:
        if delta is None:
            delta = 1.0 / total
        try:
            delta = float(delta)
        except (TypeError, ValueError):
            raise ParameterError(f"delta must be a number, got {delta!r}") from None
        if not np.isfinite(delta) or delta < 0:
            raise ParameterError(f"delta must be a non-negative number, got {delta}")
    col = {v: observational.variables.index(v) for v in variables}
    codes = observational.codes
    weights = observational.weights
    if isinstance(max_dense_entries, bool) or not isinstance(max_dense_entries, (int, np.integer)) \
            or max_dense_entries < 0:
        raise ParameterError(f"max_dense_entries must be a non-negative integer, got {max_dense_entries!r}")
    cpds: dict[str, np.ndarray | SparseCPD] = {}
    for v in variables:
        pars = list(parents.get(v, ()))
        cards = [len(states[p]) for p in pars] + [len(states[v])]
        columns = [col[p] for p in pars + [v]]
        if pars and math.prod(cards) > max_dense_entries:
            keys, counts = sparse_cpd_counts(codes, weights, columns, cards)
            uniform = np.full(cards[-1], 1.0 / cards[-1])  # the dense fit's column of an unseen parent setting
            cpds[v] = SparseCPD(tuple(cards[:-1]), cards[-1], keys, _smoothed(counts, delta, prior), default=uniform)
            continue
        table = _smoothed(cpd_counts(codes, weights, columns, cards), delta, prior)
        cpds[v] = table.reshape(cards)
    return CausalNetwork.from_tables(variables, states, parents, cpds)
