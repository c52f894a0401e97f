"""A causal graph without CPDs: variables, parents and (where known) state names.

DISENTANGLE needs the observational distribution ``P(V)`` (UAI 2021, Section 3); when only the graph is known,
``P(V)`` is fitted from observational samples on that graph (Appendix D, DISENTANGLE-FINITE) by
:func:`pgmpy_mixture.model.fitting.fit_network`. :class:`NetworkStructure` is what the entry point
(:func:`pgmpy_mixture.api.disentangle_mixture`) takes in that case, for example from a pgmpy model without CPDs;
the state names it does not know come from the data (:meth:`NetworkStructure.resolve_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import MissingVariableError, ModelError, UnknownVariableError

__all__ = ["NetworkStructure"]


@dataclass(frozen=True)
class NetworkStructure:
    """The DAG of a causal Bayesian network without its CPDs.

    Parameters
    ----------
    variables : tuple of str
        Variable names (any order; fitting puts them in a topological order).
    parents : tuple of tuple of str
        ``parents[i]`` are the parents of ``variables[i]``, in the order their CPD axes will have.
    states : tuple of (tuple of str or None)
        ``states[i]`` are the state names of ``variables[i]`` when known (for example from a CPD), else None.

    Examples
    --------
    >>> s = NetworkStructure.from_parents(["A", "B"], {"B": ["A"]}, states={"A": ["x", "y"]})
    >>> s.parent_map(), s.states
    ({'A': [], 'B': ['A']}, (('x', 'y'), None))
    """

    variables: tuple[str, ...]
    parents: tuple[tuple[str, ...], ...]
    states: tuple[tuple[str, ...] | None, ...]

    def __post_init__(self) -> None:
        n = len(self.variables)
        if n == 0:
            raise ModelError("the network has no variables")
        if len(set(self.variables)) != n:
            raise ModelError("variable names must be distinct")
        if not (len(self.parents) == len(self.states) == n):
            raise ModelError("variables, parents and states must have one entry per variable")
        known = set(self.variables)
        for var, pars in zip(self.variables, self.parents, strict=True):
            for p in pars:
                if p not in known:
                    raise UnknownVariableError(f"parent {p!r} of {var!r} is not a variable of the network")
        for var, names in zip(self.variables, self.states, strict=True):
            if names is not None and (len(names) == 0 or len(set(names)) != len(names)):
                raise ModelError(f"variable {var!r} needs distinct state names")
        self._check_acyclic()

    def _check_acyclic(self) -> None:
        remaining = {v: set(p) for v, p in zip(self.variables, self.parents, strict=True)}
        while remaining:
            ready = [v for v, deps in remaining.items() if not deps]
            if not ready:
                raise ModelError(f"the graph has a directed cycle among {sorted(remaining)}")
            for v in ready:
                del remaining[v]
            for deps in remaining.values():
                deps.difference_update(ready)

    @classmethod
    def from_parents(
        cls,
        variables: Sequence[str],
        parents: Mapping[str, Sequence[str]],
        states: Mapping[str, Sequence[str]] | None = None,
    ) -> NetworkStructure:
        """Build a structure from ``variable -> parents`` (missing: no parents) and optional ``variable -> states``.

        Examples
        --------
        >>> NetworkStructure.from_parents(["A", "B"], {"B": ["A"]}).parents
        ((), ('A',))
        """
        states = states or {}
        variables = tuple(str(v) for v in variables)
        return cls(
            variables=variables,
            parents=tuple(tuple(str(p) for p in parents.get(v, ())) for v in variables),
            states=tuple(tuple(str(s) for s in states[v]) if v in states else None for v in variables),
        )

    def parent_map(self) -> dict[str, list[str]]:
        """``variable -> parent names``, as :func:`~pgmpy_mixture.model.fitting.fit_network` takes them.

        Examples
        --------
        >>> NetworkStructure.from_parents(["A"], {}).parent_map()
        {'A': []}
        """
        return {v: list(p) for v, p in zip(self.variables, self.parents, strict=True)}

    def resolve_states(self, *sources: object) -> tuple[tuple[str, ...], ...]:
        """The state names of every variable: the known ones, else read from the data.

        For a variable without known states, the first :class:`~pgmpy_mixture.data.counts.CountTable` among
        ``sources`` that has it gives its states (in the table's order); otherwise they are the sorted distinct
        values (as ``str``) of that column in every pandas DataFrame among ``sources``. Other sources (iterators,
        files) are not read here.

        Raises
        ------
        MissingVariableError
            A variable has no known states and no source holds it.

        Examples
        --------
        >>> import pandas as pd
        >>> s = NetworkStructure.from_parents(["A", "B"], {"B": ["A"]}, states={"A": ["y", "x"]})
        >>> s.resolve_states(pd.DataFrame({"A": ["x"], "B": ["v"]}), pd.DataFrame({"A": ["y"], "B": ["u"]}))
        (('y', 'x'), ('u', 'v'))
        """
        return tuple(
            names if names is not None else _states_from_sources(var, sources)
            for var, names in zip(self.variables, self.states, strict=True)
        )


def _states_from_sources(variable: str, sources: Iterable[object]) -> tuple[str, ...]:
    sources = list(sources)
    for source in sources:
        if isinstance(source, CountTable) and variable in source.variables:
            return tuple(str(s) for s in source.states[source.variables.index(variable)])
    seen: set[str] = set()
    for source in sources:
        if isinstance(source, pd.DataFrame):
            columns = {str(c): c for c in source.columns}
            if variable in columns:
                seen.update(source[columns[variable]].dropna().astype(str).unique().tolist())
    if not seen:
        raise MissingVariableError(
            f"the states of model variable {variable!r} are unknown (no CPD) and it is missing from the "
            "observational data"
        )
    return tuple(sorted(seen))
