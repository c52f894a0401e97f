"""Fit the CPDs of a known graph from observational samples (the ``P(V)`` DISENTANGLE needs).

UAI 2021, Appendix D (DISENTANGLE-FINITE) estimates ``P(V)`` by maximum likelihood from ``M``
observational samples and enforces positivity (Assumption 3.2) with a smoothing constant
``delta``: ``delta`` is added to every CPD entry and each conditional distribution is renormalised.
The authors' code uses ``delta = 1/M``, which is our default (the paper's text instead speaks of
replacing zero entries); Section 5 of the paper also sets ``delta = 1/M``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, ParameterError, UnknownVariableError
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["fit_network"]


def fit_network(
    variables: Sequence[str],
    states: Mapping[str, Sequence[str]] | Sequence[Sequence[str]],
    parents: Mapping[str, Sequence[str]],
    observational: CountTable,
    *,
    delta: float | None = None,
) -> CausalNetwork:
    """Maximum-likelihood CPDs of a given DAG from an observational count table, smoothed by ``delta``.

    For every variable and parent setting, ``P(v | pa)`` is the relative frequency of ``v`` among the
    rows with that parent setting; then ``delta`` is added to every entry and the distribution is
    renormalised, so every entry is positive (positivity, Assumption 3.2). A parent setting never
    observed gets the uniform distribution. Counts are read from the table's weights (vectorised
    ``bincount``), so the cost does not depend on the number of raw rows.

    Parameters
    ----------
    variables : sequence of str
        Variable names (any order; the result is in a topological order).
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
    total = observational.total
    if total <= 0:
        raise DataValueError("the observational table is empty")
    if delta is None:
        delta = 1.0 / total
    try:
        delta = float(delta)
    except (TypeError, ValueError):
        raise ParameterError(f"delta must be a number, got {delta!r}") from None
    if not np.isfinite(delta) or delta < 0:
        raise ParameterError(f"delta must be a non-negative number, got {delta}")
    col = {v: observational.variables.index(v) for v in variables}
    codes = observational.codes.astype(np.int64)
    weights = observational.weights
    cpds = {}
    for v in variables:
        pars = list(parents.get(v, ()))
        cards = [len(states[p]) for p in pars] + [len(states[v])]
        flat = np.zeros(codes.shape[0], dtype=np.int64)
        for p, card in zip(pars + [v], cards, strict=True):
            flat = flat * card + codes[:, col[p]]
        counts = np.bincount(flat, weights=weights, minlength=int(np.prod(cards))).reshape(-1, cards[-1])
        sums = counts.sum(axis=1, keepdims=True)
        probs = np.divide(counts, sums, out=np.full_like(counts, 1.0 / cards[-1]), where=sums > 0)
        probs = probs + delta
        probs /= probs.sum(axis=1, keepdims=True)
        cpds[v] = probs.reshape(cards)
    return CausalNetwork.from_tables(variables, states, parents, cpds)
