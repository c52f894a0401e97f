"""pgmpy-mixture: disentangle mixtures of unknown causal interventions.

The core (this package) speaks numpy and the oracle interface of
:mod:`pgmpy_mixture.oracle`; glue to pgmpy and causal-learn lives in
:mod:`pgmpy_mixture.adapters`.
"""

from pgmpy_mixture import metrics, simulate
from pgmpy_mixture.adapters import pgmpy as _pgmpy_adapter
from pgmpy_mixture.api import available_methods, disentangle_mixture, register_method
from pgmpy_mixture.counts import CountTable
from pgmpy_mixture.dimm import disentangle_marginals
from pgmpy_mixture.network import CausalNetwork
from pgmpy_mixture.oracle import DistributionOracle, EmpiricalOracle, ExactOracle
from pgmpy_mixture.result import Component, MixtureResult

# Importing the package attaches ``disentangle_mixture`` to pgmpy's DiscreteBayesianNetwork (guarded: an
# attribute pgmpy defines itself is never overwritten). The adapter import above is the one place the
# package itself touches pgmpy; the core modules never import it.
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
    "available_methods",
    "disentangle_marginals",
    "disentangle_mixture",
    "metrics",
    "register_method",
    "simulate",
]
