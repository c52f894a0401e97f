"""What the likelihood method tells the user when positivity fails (UAI 2021, Assumption 3.2).

Three facts, each named by variable, state and component:

* :func:`positivity_message` -- which CPD entries are zero, and how many rows are impossible without an
  intervention (those rows are evidence for the interventions that explain them, and are used as such);
* :func:`unidentified_notes` -- which recovered components the data cannot tell apart from the same component
  with further interventions (:mod:`~pgmpy_mixture.discrete.likelihood.identify`);
* :func:`equivalence_notes` -- which assignments of the recovered components the data cannot determine (the
  component is the same distribution with or without them, :mod:`pgmpy_mixture.discrete.equivalence`);
* :func:`unexplained_message` -- rows that no recovered component can produce;
* :func:`residual_message` -- exact input the recovered mixture does not reproduce.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.targets import format_target

__all__ = [
    "EXACT_RESIDUAL",
    "equivalence_notes",
    "positivity_message",
    "residual_message",
    "unexplained_message",
    "unidentified_notes",
]

_LISTED = 6
#: On exact input a lift whose residual (over the prefix probabilities) exceeds this does not reproduce the input.
EXACT_RESIDUAL = 1e-9


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown if len(items) <= _LISTED else f"{shown} and {len(items) - _LISTED} more"


def positivity_message(violations: Sequence[tuple[str, str]], impossible_share: float) -> str:
    """The positivity warning: the zero CPD entries by variable and state, and the share of impossible rows.

    Examples
    --------
    >>> print(positivity_message([("B", "b1"), ("B", "b2")], 0.25))  # doctest: +NORMALIZE_WHITESPACE
    positivity (Assumption 3.2) fails: P(B=b1 | parents) = 0, P(B=b2 | parents) = 0 for some parent settings;
    25.0% of the rows are impossible under the observational CPDs: they are explained by interventions on those
    variables
    """
    zeros = [f"P({var}={state} | parents) = 0" for var, state in violations]
    text = f"positivity (Assumption 3.2) fails: {_listing(zeros)} for some parent settings"
    if impossible_share > 0:
        text += (f"; {impossible_share:.1%} of the rows are impossible under the observational CPDs: they are "
                 "explained by interventions on those variables")
    return text


def unidentified_notes(
    network: CausalNetwork, targets: np.ndarray, notes: Sequence[tuple[np.ndarray, int, tuple[int, ...]]]
) -> tuple[list[str], list[dict]]:
    """The recovered components that positivity's failure leaves unidentified, as messages and records.

    A note ``(prefix target s, variable j, states)`` says that ``s`` and its interventions ``do(V_j = v)``,
    ``v`` in ``states``, were interchangeable on the rows of ``s``; it concerns every recovered target that
    agrees with ``s`` before ``V_j`` and does not intervene on ``V_j``.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [0.0, 1.0]])})
    >>> messages, records = unidentified_notes(net, np.array([[1, -1]]), [(np.array([1, -1]), 1, (1,))])
    >>> print(messages[0])
    do(A=a1) is the same distribution as do(A=a1, B=b1): B is determined by its parents on its rows
    >>> records[0]["alternatives"]
    ['do(A=a1, B=b1)']
    """
    messages: list[str] = []
    records: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for prefix, j, states in notes:
        var = network.variables[j]
        same = np.all(targets[:, :j] == prefix[None, :j], axis=1) & (targets[:, j] == NOT_INTERVENED)
        for target in targets[same]:
            label = format_target(network.decode_target(target))
            if (label, var) in seen:
                continue
            seen.add((label, var))
            alternatives = []
            for v in states:
                other = target.copy()
                other[j] = v
                alternatives.append(format_target(network.decode_target(other)))
            if len(states) == 1:
                message = (f"{label} is the same distribution as {alternatives[0]}: {var} is determined by its "
                           "parents on its rows")
            else:
                message = (f"{label} is a mixture of {', '.join(alternatives)} (weights P({var})): on its rows "
                           f"{var} has one fixed distribution with a state of probability zero, so its weight may "
                           "move to them without changing the distribution")
            messages.append(message)
            records.append({"component": label, "variable": var,
                            "states": [network.states[j][v] for v in states], "alternatives": alternatives})
    return messages, records


def _short(label: str, width: int = 60) -> str:
    return label if len(label) <= width else label[: width - 4] + " ...)"


def equivalence_notes(
    network: CausalNetwork, targets: np.ndarray, canonicalised: Sequence[str] = ()
) -> tuple[str | None, list[dict]]:
    """The assignments of the recovered (canonical) targets that the data cannot determine, as a warning and records.

    For each target ``t``, the variables it does not intervene on that take one state with probability one under
    ``do(t)``: ``t`` with any of them added at that state is the same distribution
    (:func:`~pgmpy_mixture.discrete.equivalence.determined_states`). The warning names a few (never the whole list);
    the records hold them all. ``canonicalised`` lists the recursion's targets that were replaced or merged.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    >>> message, records = equivalence_notes(net, net.encode_targets([{"A": "a0"}, {"A": "a1"}]))
    >>> print(message)  # doctest: +NORMALIZE_WHITESPACE
    not identifiable without positivity: 1 recovered component(s) are the same distribution with more
    interventions (each is reported with the fewest; whether it also intervenes on variables its CPDs already fix
    cannot be determined from any data): do(A=a0) may add B=b0; diagnostics['equivalent']
    >>> records[0]["undetermined"]
    {'B': 'b0'}
    """
    from pgmpy_mixture.discrete.equivalence import determined_states

    records: list[dict] = []
    for target in np.atleast_2d(targets):
        fixed = determined_states(network, target)
        free = np.flatnonzero((fixed >= 0) & (target == NOT_INTERVENED))
        if free.size:
            records.append({
                "component": format_target(network.decode_target(target)),
                "undetermined": {network.variables[j]: network.states[j][int(fixed[j])] for j in free},
            })
    if not records:
        return None, records
    shown = []
    for record in records[:3]:
        items = [f"{v}={s}" for v, s in record["undetermined"].items()]
        shown.append(f"{_short(record['component'])} may add {_listing(items)}")
    message = (f"not identifiable without positivity: {len(records)} recovered component(s) are the same distribution "
               "with more interventions (each is reported with the fewest; whether it also intervenes on variables "
               f"its CPDs already fix cannot be determined from any data): {'; '.join(shown)}"
               + (f"; and {len(records) - 3} more" if len(records) > 3 else ""))
    if canonicalised:
        message += (f"; {len(canonicalised)} target(s) of the recursion were reduced to this form or merged "
                    "(diagnostics['canonicalised'])")
    return message + "; diagnostics['equivalent']", records


def unexplained_message(share: float) -> str:
    """The warning for rows that no recovered component can produce.

    Examples
    --------
    >>> unexplained_message(0.012)[:60]
    '1.2% of the rows have probability zero under every recovered'
    """
    return (f"{share:.1%} of the rows have probability zero under every recovered component: no mixture of "
            "interventions satisfying exclusion (Assumption 3.1) explains them on this network; the weights are "
            "estimated from the other rows")


def residual_message(variable: str, residual: float, positivity_fails: bool) -> str:
    """The warning for exact input that the recovered mixture does not reproduce (Equation 5 left a residual).

    Examples
    --------
    >>> residual_message("B", 3e-4, False)[:70]
    "the recovered mixture does not reproduce the exact input from 'B' on ("
    """
    text = (f"the recovered mixture does not reproduce the exact input from {variable!r} on (residual "
            f"{residual:.3g} in probability): no exclusion-satisfying mixture (Assumption 3.1) of the recursion's "
            "prefix targets explains it")
    if positivity_fails:
        text += ("; positivity fails, so an earlier variable may have had several equally good lifts, and the one "
                 "kept does not extend")
    return text
