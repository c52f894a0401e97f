"""pgmpy glue: the ``disentangle_mixture`` method on pgmpy models, and the names pgmpy users import.

pgmpy has no plugin mechanism, so importing :mod:`pgmpy_mixture` calls :func:`register`, which
attaches :func:`disentangle_mixture` to :class:`pgmpy.models.DiscreteBayesianNetwork` with a
guarded ``setattr``: an attribute of that name that pgmpy itself defines is never overwritten.
Setting the method on the class (not a subclass) means it reaches existing instances and the
results of ``copy()``, ``do()``, BIF readers and example loaders, which all return the base class.

The method converts the model and calls the core entry point with the same arguments
(:mod:`pgmpy_mixture.adapters.entry`); the conversions live in :mod:`pgmpy_mixture.adapters.convert` and are
re-exported here, as is :class:`~pgmpy_mixture.adapters.inference.MixtureInference` (loaded on first use:
``pgmpy.inference`` is slow to import).

Examples
--------
>>> import pgmpy_mixture
>>> from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy, network_to_pgmpy
>>> from pgmpy.models import DiscreteBayesianNetwork
>>> from pgmpy.factors.discrete import TabularCPD
>>> model = DiscreteBayesianNetwork([("A", "B")])
>>> model.add_cpds(TabularCPD("A", 2, [[0.4], [0.6]], state_names={"A": ["a0", "a1"]}),
...                TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
...                           state_names={"B": ["b0", "b1"], "A": ["a0", "a1"]}))
>>> network_from_pgmpy(model).states
(('a0', 'a1'), ('b0', 'b1'))
>>> hasattr(model, "disentangle_mixture")
True
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pgmpy
from pgmpy.models import DiscreteBayesianNetwork

from pgmpy_mixture.adapters import entry
from pgmpy_mixture.adapters.convert import (
    check_is_model,
    network_from_pgmpy,
    network_to_pgmpy,
    structure_from_pgmpy,
    structure_of_pgmpy,
)
from pgmpy_mixture.result import MixtureResult

__all__ = [
    "TESTED_PGMPY_RANGE",
    "check_pgmpy_version",
    "disentangle_mixture",
    "network_from_pgmpy",
    "network_to_pgmpy",
    "register",
    "structure_from_pgmpy",
    "structure_of_pgmpy",
    "unregister",
]

#: pgmpy versions the plugin is tested with: ``low <= version < high`` (major, minor).
TESTED_PGMPY_RANGE: tuple[tuple[int, int], tuple[int, int]] = ((1, 1), (1, 3))
METHOD_NAME = "disentangle_mixture"
_PLUGIN_MARK = "_pgmpy_mixture_plugin"
_version_warned = False


# ---------------------------------------------------------------------------------------- the method
def disentangle_mixture(
    self: DiscreteBayesianNetwork,
    data: Any = None,
    *,
    weights: str | None = None,
    observational: Any = None,
    marginals: Any = None,
    method: str = "auto",
    progress: bool = False,
    **options: Any,
) -> MixtureResult:
    """Disentangle samples of a mixture of unknown interventions on this network (pgmpy-mixture plugin).

    The model's CPDs are the known observational distribution P(V) (or pass ``observational=``
    samples to fit them; then the model needs no CPDs). Each component of the mixture is the network under a hard
    intervention ``do(target)`` (possibly empty); the result lists the targets and their weights.

    Every argument means what it means for :func:`pgmpy_mixture.api.disentangle_mixture`, which this method calls
    with the model converted (:func:`~pgmpy_mixture.adapters.convert.as_core_network`): the same data sources
    (DataFrame, CountTable, chunk iterators, Parquet/CSV paths, Dask frames), ``weights``, ``observational``,
    ``marginals`` (aggregate observations, :func:`pgmpy_mixture.api.disentangle_marginals`), ``method``,
    ``progress`` and the method's options, checked the same way. ``pgmpy_mixture.available_methods()`` lists the
    methods and their options.

    Returns
    -------
    MixtureResult

    Examples
    --------
    >>> import pandas as pd
    >>> import pgmpy_mixture
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> model = DiscreteBayesianNetwork()
    >>> model.add_node("A")
    >>> model.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
    >>> exact = pd.DataFrame({"A": ["x", "y"], "p": [0.7, 0.3]})   # 0.6 * P + 0.4 * do(A=x)
    >>> result = model.disentangle_mixture(exact, weights="p")
    >>> [(c.label, round(c.weight, 9)) for c in result.components]
    [('observational', 0.6), ('do(A=x)', 0.4)]
    """
    check_is_model(self)
    return entry.disentangle_mixture(self, data, weights=weights, observational=observational, marginals=marginals,
                                     method=method, progress=progress, **options)


setattr(disentangle_mixture, _PLUGIN_MARK, True)


# ---------------------------------------------------------------------------------------- registration
def _parse_version(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def check_pgmpy_version(version: str | None = None) -> bool:
    """Warn (once per process) when pgmpy's version is outside :data:`TESTED_PGMPY_RANGE`.

    Returns True when the version is inside the tested range.

    Examples
    --------
    >>> check_pgmpy_version("1.1.2")
    True
    """
    global _version_warned
    text = pgmpy.__version__ if version is None else version
    low, high = TESTED_PGMPY_RANGE
    inside = low <= _parse_version(text) < high
    if not inside and not _version_warned:
        _version_warned = True
        warnings.warn(
            f"pgmpy-mixture is tested with pgmpy >= {low[0]}.{low[1]}, < {high[0]}.{high[1]}; "
            f"pgmpy {text} is installed and may not work",
            UserWarning,
            stacklevel=2,
        )
    return inside


def register(cls: type = DiscreteBayesianNetwork) -> bool:
    """Attach :func:`disentangle_mixture` to ``cls`` unless ``cls`` already defines that name itself.

    Returns True when the method is (now) ours; warns and returns False when an attribute of the
    same name that pgmpy (or anyone else) defined is in the way.

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> class MyNetwork(DiscreteBayesianNetwork):
    ...     pass
    >>> register(MyNetwork), "disentangle_mixture" in MyNetwork.__dict__
    (True, True)
    """
    check_pgmpy_version()
    existing = getattr(cls, METHOD_NAME, None)
    if existing is not None and not getattr(existing, _PLUGIN_MARK, False):
        warnings.warn(
            f"{cls.__name__}.{METHOD_NAME} already exists and is not pgmpy-mixture's: left unchanged; "
            f"call pgmpy_mixture.adapters.pgmpy.disentangle_mixture(model, data) instead",
            UserWarning,
            stacklevel=2,
        )
        return False
    setattr(cls, METHOD_NAME, disentangle_mixture)
    return True


def unregister(cls: type = DiscreteBayesianNetwork) -> None:
    """Remove the method again (only if it is ours).

    Examples
    --------
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> class MyNetwork(DiscreteBayesianNetwork):
    ...     pass
    >>> register(MyNetwork)
    True
    >>> unregister(MyNetwork); "disentangle_mixture" in MyNetwork.__dict__
    False
    """
    if getattr(cls.__dict__.get(METHOD_NAME), _PLUGIN_MARK, False):
        delattr(cls, METHOD_NAME)


def __getattr__(name: str) -> Any:
    """Load :class:`MixtureInference` lazily: it needs ``pgmpy.inference``, slow to import."""
    if name == "MixtureInference":
        from pgmpy_mixture.adapters.inference import MixtureInference

        return MixtureInference
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
