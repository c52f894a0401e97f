"""pgmpy-mixture: disentangle mixtures of unknown causal interventions.

The core (this package) speaks numpy and the oracle interface of
:mod:`pgmpy_mixture.oracle`; glue to pgmpy and causal-learn lives in
:mod:`pgmpy_mixture.adapters`.
"""

from pgmpy_mixture.counts import CountTable
from pgmpy_mixture.network import CausalNetwork
from pgmpy_mixture.oracle import DistributionOracle, EmpiricalOracle, ExactOracle
from pgmpy_mixture.result import Component, MixtureResult

__version__ = "0.1.0"

__all__ = [
    "CausalNetwork",
    "Component",
    "CountTable",
    "DistributionOracle",
    "EmpiricalOracle",
    "ExactOracle",
    "MixtureResult",
]
