"""Per-variable marginals (aggregate observations): their shape, states and sums.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import (
    DataTypeError,
    DataValueError,
    MissingVariableError,
    UnknownStateError,
    UnknownVariableError,
)

#: Largest allowed ``|sum - 1|`` of one variable's marginal; within it the marginal is accepted and renormalised
#: (marginals rounded to three or four decimals sum to 1 only within about 1e-3); beyond it, an error.
MARGINAL_SUM_TOLERANCE = 1e-3
#: Sums within this of 1 are floating-point rounding: renormalised without a word.
ROUNDING_TOLERANCE = 1e-9


def _marginal_entries(marginals: object) -> list[tuple[object, object, object]]:
    """Flatten the supported marginal formats into ``(variable, state, value)`` triples."""
    if isinstance(marginals, pd.DataFrame):
        cols = {str(c).lower(): c for c in marginals.columns}
        missing = [c for c in ("variable", "state", "probability") if c not in cols]
        if missing:
            raise DataValueError(
                f"a marginals table needs columns 'variable', 'state', 'probability'; missing {missing}"
            )
        return list(
            zip(
                marginals[cols["variable"]].tolist(),
                marginals[cols["state"]].tolist(),
                marginals[cols["probability"]].tolist(),
                strict=True,
            )
        )
    if isinstance(marginals, pd.Series):
        if marginals.index.nlevels != 2:
            raise DataValueError("a marginals Series must be indexed by (variable, state): a 2-level MultiIndex")
        return [(v, s, p) for (v, s), p in marginals.items()]
    if isinstance(marginals, Mapping):
        entries = []
        for var, dist in marginals.items():
            if isinstance(dist, pd.Series):
                dist = dist.to_dict()
            if not isinstance(dist, Mapping):
                raise DataTypeError(
                    f"the marginal of variable {var!r} must be a mapping {{state: probability}}, "
                    f"got {type(dist).__name__}"
                )
            entries += [(var, s, p) for s, p in dist.items()]
        return entries
    raise DataTypeError(
        "marginals must be a dict {variable: {state: probability}}, a pandas Series indexed by "
        f"(variable, state) or a DataFrame with columns variable, state, probability; got {type(marginals).__name__}"
    )


def check_marginals(
    marginals: object,
    variables: Sequence[str],
    states: Sequence[Sequence[str]],
    *,
    tolerance: float = MARGINAL_SUM_TOLERANCE,
    return_sums: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Validate per-variable marginals against a model and return them flat, in the model's order.

    Accepted forms: ``{variable: {state: probability}}``, a pandas Series indexed by
    ``(variable, state)``, or a DataFrame with columns ``variable, state, probability`` (as read
    from a CSV file). States left out have probability 0. Each variable's probabilities must be
    finite, non-negative and sum to 1 within ``tolerance`` (default :data:`MARGINAL_SUM_TOLERANCE`, 1e-3);
    they are then renormalised (in a copy: the input is never modified). A sum further from 1 raises a
    :class:`~pgmpy_mixture.errors.DataValueError` naming the variable, its sum and the tolerance.

    Parameters
    ----------
    marginals : mapping, Series or DataFrame
    variables, states : sequences
        The model's variables and each one's states.
    tolerance : float
        Largest accepted ``|sum - 1|``.
    return_sums : bool
        Also return each variable's sum before renormalisation (so callers can say what they renormalised).

    Returns
    -------
    ndarray, shape (total number of states,)
        Variables in the order of ``variables``, each with its states in the order of ``states``.
    sums : ndarray, shape (number of variables,)
        Only with ``return_sums``.

    Examples
    --------
    >>> check_marginals({"A": {"x": 0.25, "y": 0.75}}, ["A"], [["x", "y"]]).tolist()
    [0.25, 0.75]
    >>> flat, sums = check_marginals({"A": {"x": 0.2501, "y": 0.75}}, ["A"], [["x", "y"]], return_sums=True)
    >>> flat.round(6).tolist(), sums.round(6).tolist()
    ([0.250075, 0.749925], [1.0001])
    """
    entries = _marginal_entries(marginals)
    index = {str(v): i for i, v in enumerate(variables)}
    state_index = [{str(s): k for k, s in enumerate(st)} for st in states]
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in states])]).astype(np.int64)
    flat = np.zeros(int(offsets[-1]))
    seen = np.zeros(int(offsets[-1]), dtype=bool)
    for var, state, value in entries:
        i = index.get(str(var))
        if i is None:
            raise UnknownVariableError(f"marginals name variable {var!r}, which is not a variable of the model")
        k = state_index[i].get(str(state))
        if k is None:
            raise UnknownStateError(
                f"marginals of variable {var!r} name state {state!r}, which is not one of {list(states[i])}"
            )
        try:
            p = float(value)
        except (TypeError, ValueError):
            raise DataValueError(f"marginal P({var}={state}) is not a number: {value!r}") from None
        if not np.isfinite(p):
            raise DataValueError(f"marginal P({var}={state}) is not finite: {value!r}")
        if p < 0:
            raise DataValueError(f"marginal P({var}={state}) is negative: {p}")
        pos = int(offsets[i]) + k
        if seen[pos]:
            raise DataValueError(f"marginal P({var}={state}) is given twice")
        seen[pos] = True
        flat[pos] = p
    sums = np.empty(len(variables))
    for i, var in enumerate(variables):
        blk = slice(int(offsets[i]), int(offsets[i + 1]))
        if not seen[blk].any():
            raise MissingVariableError(f"model variable {var!r} has no marginal in the input")
        total = flat[blk].sum()
        if abs(total - 1.0) > tolerance:
            raise DataValueError(
                f"the marginal of variable {var!r} sums to {total:.10g}, not 1 (accepted within {tolerance:g}, "
                "then renormalised)"
            )
        sums[i] = total
        flat[blk] /= total
    return (flat, sums) if return_sums else flat
