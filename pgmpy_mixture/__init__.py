"""pgmpy-mixture: disentangle mixtures of unknown causal interventions.

The core (this package's subpackages) speaks numpy and the oracle interface of
:mod:`pgmpy_mixture.model.oracle`; glue to pgmpy, causal-learn and Dask lives in
:mod:`pgmpy_mixture.adapters`. See ``docs/architecture.md`` for the layers.

:func:`disentangle_mixture` and :func:`disentangle_marginals` take a pgmpy model or a :class:`CausalNetwork`
(the adapters convert a model, then call :mod:`pgmpy_mixture.api`, the one entry path);
:func:`available_methods` lists the methods with their inputs, references and options.
"""

from typing import Any

from pgmpy_mixture import _aliases

# Importing the adapters package registers the Dask reader with the ingestion dispatcher (Dask itself is imported
# only when a Dask frame arrives); importing the pgmpy adapter lets register() below attach the method.
from pgmpy_mixture.adapters import pgmpy as _pgmpy_adapter
from pgmpy_mixture.adapters.convert import network_from_pgmpy, network_to_pgmpy
from pgmpy_mixture.adapters.entry import disentangle_marginals, disentangle_mixture
from pgmpy_mixture.adapters.examples import load_example
from pgmpy_mixture.api import available_methods, register_method
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import to_count_table
from pgmpy_mixture.discrete import metrics, simulate
from pgmpy_mixture.discrete.metrics import evaluate
from pgmpy_mixture.discrete.simulate import (
    MixtureSpec,
    mixture_distribution,
    random_mixture,
    random_network,
    sample_frame,
)
from pgmpy_mixture.gaussian.mixture_utigsp import estimate_dag, estimate_essential_graph, fit_mixture_utigsp
from pgmpy_mixture.gaussian.plot import plot_components, plot_selection
from pgmpy_mixture.gaussian.result import GaussianMixtureFit
from pgmpy_mixture.gaussian.shared_sem import fit_shared_sem_mixture
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.oracle import DistributionOracle, EmpiricalOracle, ExactOracle
from pgmpy_mixture.model.structure import NetworkStructure
from pgmpy_mixture.plotting import plot_mixture
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.uncertainty import bootstrap

# The module paths of earlier releases (pgmpy_mixture.simulate, pgmpy_mixture.mixture_utigsp, ...) keep working.
_aliases.install()

# Importing the package attaches ``disentangle_mixture`` to pgmpy's DiscreteBayesianNetwork (guarded: an
# attribute pgmpy defines itself is never overwritten). The adapters are the one place the package touches
# pgmpy; the core modules never import it.
_pgmpy_adapter.register()

__version__ = "0.1.0"

#: names loaded on first use: pgmpy's inference and scikit-learn's estimator base are slow to import
_LAZY = {
    "MixtureInference": "pgmpy_mixture.adapters.inference",
    "MixtureSplitter": "pgmpy_mixture.adapters.causallearn",
}


def __getattr__(name: str) -> Any:
    """``pgmpy_mixture.MixtureInference`` and ``pgmpy_mixture.MixtureSplitter``, imported when first asked for."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    # discrete mixtures on a known network (UAI 2021) and the data they take
    "CausalNetwork",
    "Component",
    "CountTable",
    "DistributionOracle",
    "EmpiricalOracle",
    "ExactOracle",
    "MixtureResult",
    "NetworkStructure",
    "available_methods",
    "bootstrap",
    "disentangle_mixture",
    "register_method",
    "to_count_table",
    # aggregate marginals (AAAI 2020)
    "disentangle_marginals",
    # Gaussian mixtures, unknown graph (NeurIPS 2024)
    "GaussianMixtureFit",
    "MixtureSplitter",
    "estimate_dag",
    "estimate_essential_graph",
    "fit_mixture_utigsp",
    "fit_shared_sem_mixture",
    "simulate_linear_mixture",
    # pgmpy
    "MixtureInference",
    "load_example",
    "network_from_pgmpy",
    "network_to_pgmpy",
    # simulation, scoring and pictures
    "MixtureSpec",
    "evaluate",
    "metrics",
    "mixture_distribution",
    "plot_components",
    "plot_mixture",
    "plot_selection",
    "random_mixture",
    "random_network",
    "sample_frame",
    "simulate",
]
