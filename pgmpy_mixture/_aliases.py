"""The module paths of earlier releases, kept working: ``pgmpy_mixture.simulate`` is
:mod:`pgmpy_mixture.discrete.simulate`, and so on (:data:`OLD_PATHS`).

The library used to be one flat package. Its modules now live in layered subpackages; a finder on
``sys.meta_path`` answers an import of an old path with the module at its new path (the same module object, so
monkeypatching either name patches both). Nothing is imported until an old path is asked for.

Examples
--------
>>> import pgmpy_mixture.simulate as old, pgmpy_mixture.discrete.simulate as new
>>> old is new
True
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

__all__ = ["OLD_PATHS", "install"]

#: old module path (under ``pgmpy_mixture.``) -> the module that now holds it
OLD_PATHS: dict[str, str] = {
    "network": "model.network",
    "fitting": "model.fitting",
    "oracle": "model.oracle",
    "marginals": "model.marginals",
    "examples": "model.examples",
    "counts": "data.counts",
    "packing": "data.packing",
    "streaming": "data.streaming",
    "ingest": "data.ingest",
    "disentangle": "discrete.disentangle",
    "disentangle_ml": "discrete.likelihood",
    "simulate": "discrete.simulate",
    "metrics": "discrete.metrics",
    "dimm": "aggregate.dimm",
    "mixture_utigsp": "gaussian.mixture_utigsp",
    "gaussian_candidates": "gaussian.candidates",
    "gaussian_chunks": "gaussian.blocks",
    "gaussian_regression": "gaussian.regression",
    "gaussian_result": "gaussian.result",
    "gaussian_simulate": "gaussian.simulate",
    "gaussian_metrics": "gaussian.metrics",
    "shared_sem_mixture": "gaussian.shared_sem",
    "gaussian_plot": "gaussian.plot",
    "cli_gaussian": "cli.gaussian",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old path as the module at its new path."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.own_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # the import system stamped the old path's spec on the module: give it its own back
        module.__spec__ = self.own_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the old paths of :data:`OLD_PATHS`."""

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        head, _, tail = fullname.partition(".")
        if head != "pgmpy_mixture" or tail not in OLD_PATHS:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader("pgmpy_mixture." + OLD_PATHS[tail]))


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once).

    Examples
    --------
    >>> install(); sum(isinstance(f, _AliasFinder) for f in sys.meta_path)
    1
    """
    if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(_AliasFinder())
