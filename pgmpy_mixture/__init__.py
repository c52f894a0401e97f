"""pgmpy-mixture: disentangle mixtures of unknown causal interventions.

The core (this package's subpackages) speaks numpy and the oracle interface of
:mod:`pgmpy_mixture.model.oracle`; glue to pgmpy, causal-learn and Dask lives in
:mod:`pgmpy_mixture.adapters`. See ``docs/architecture.md`` for the layers.

:func:`disentangle_mixture` and :func:`disentangle_marginals` take a pgmpy model or a :class:`CausalNetwork`
(the adapters convert a model, then call :mod:`pgmpy_mixture.api`, the one entry path);
:func:`available_methods` lists the methods with their inputs, references and options.
"""

from pgmpy_mixture import _aliases

# Importing the adapters package registers the Dask reader with the ingestion dispatcher (Dask itself is imported
# only when a Dask frame arrives); importing the pgmpy adapter lets register() below attach the method.
from pgmpy_mixture.adapters import pgmpy as _pgmpy_adapter
from pgmpy_mixture.adapters.entry import disentangle_marginals, disentangle_mixture
from pgmpy_mixture.api import available_methods, register_method
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete import metrics, simulate
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import DistributionOracle, EmpiricalOracle, ExactOracle
from pgmpy_mixture.model.structure import NetworkStructure
from pgmpy_mixture.result import Component, MixtureResult

# The module paths of earlier releases (pgmpy_mixture.simulate, pgmpy_mixture.mixture_utigsp, ...) keep working.
_aliases.install()

# Importing the package attaches ``disentangle_mixture`` to pgmpy's DiscreteBayesianNetwork (guarded: an
# attribute pgmpy defines itself is never overwritten). The adapters are the one place the package touches
# pgmpy; the core modules never import it.
_pgmpy_adapter.register()

__version__ = "0.1.0"

__all__ = [
    "CausalNetwork",
    "Component",
    "CountTable",
    "DistributionOracle",
    "EmpiricalOracle",
    "ExactOracle",
    "MixtureResult",
    "NetworkStructure",
    "available_methods",
    "disentangle_marginals",
    "disentangle_mixture",
    "metrics",
    "register_method",
    "simulate",
]
