"""The public entry functions that take a pgmpy model as well as the core's network: convert, then call the core.

``pgmpy_mixture.disentangle_mixture`` and ``pgmpy_mixture.disentangle_marginals`` are these functions; the pgmpy
method (``model.disentangle_mixture``) and :class:`~pgmpy_mixture.adapters.inference.MixtureInference` call them
too. They only convert the model (:func:`~pgmpy_mixture.adapters.convert.as_core_network`) and hand every other
argument unchanged to :func:`pgmpy_mixture.api.disentangle_mixture` / :func:`pgmpy_mixture.api.disentangle_marginals`,
the one path that checks options, reads the data, fits CPDs and runs the method.
"""

from __future__ import annotations

from typing import Any

from pgmpy_mixture.adapters.convert import as_core_network
from pgmpy_mixture.api import disentangle_marginals as core_marginals
from pgmpy_mixture.api import disentangle_mixture as core_mixture
from pgmpy_mixture.result import MixtureResult

__all__ = ["disentangle_marginals", "disentangle_mixture"]


def disentangle_mixture(
    network: Any,
    data: Any = None,
    *,
    weights: str | None = None,
    observational: Any = None,
    marginals: Any = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Disentangle a mixture of unknown interventions on ``network`` (a pgmpy model or a CausalNetwork).

    The same as :func:`pgmpy_mixture.api.disentangle_mixture` (see it for every argument), after converting a pgmpy
    ``DiscreteBayesianNetwork``: its CPDs are ``P(V)``; a model without CPDs needs ``observational=`` samples
    (then its graph is used, and the states its CPDs do not name come from the data).

    Examples
    --------
    >>> import pandas as pd
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> model = DiscreteBayesianNetwork()
    >>> model.add_node("A")
    >>> model.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
    >>> exact = pd.DataFrame({"A": ["x", "y"], "p": [0.7, 0.3]})   # 0.6 * P + 0.4 * do(A=x)
    >>> [(c.label, round(c.weight, 9)) for c in disentangle_mixture(model, exact, weights="p")]
    [('observational', 0.6), ('do(A=x)', 0.4)]
    """
    core = as_core_network(network, cpds_needed=observational is None)
    return core_mixture(core, data, weights=weights, observational=observational, marginals=marginals, method=method,
                        progress=progress, **options)


def disentangle_marginals(
    network: Any,
    marginals: Any = None,
    *,
    data: Any = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Recover single-node interventions from per-variable marginals (AAAI 2020) on a pgmpy model or CausalNetwork.

    The same as :func:`pgmpy_mixture.api.disentangle_marginals` (see it for every argument), after converting a
    pgmpy ``DiscreteBayesianNetwork`` (CPDs required).

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> model = DiscreteBayesianNetwork([("A", "B")])
    >>> model.add_cpds(TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": ["a0", "a1"]}),
    ...     TabularCPD("B", 2, [[0.9, 0.3], [0.1, 0.7]], evidence=["A"], evidence_card=[2],
    ...                state_names={"B": ["b0", "b1"], "A": ["a0", "a1"]}))
    >>> marginals = {"A": {"a0": 0.58, "a1": 0.42}, "B": {"b0": 0.648, "b1": 0.352}}
    >>> [(c.label, round(c.weight, 6)) for c in disentangle_marginals(model, marginals, method="exact")]
    [('observational', 0.7), ('do(A=a0)', 0.3)]
    """
    return core_marginals(as_core_network(network), marginals, data=data, method=method, progress=progress,
                          **options)
