"""Load the example networks bundled with pgmpy as pgmpy models, offline (see :mod:`pgmpy_mixture.model.examples`).

Examples
--------
>>> model = load_example("sachs")
>>> type(model).__name__, len(model.nodes())
('DiscreteBayesianNetwork', 11)
"""

from __future__ import annotations

from pathlib import Path

from pgmpy.models import DiscreteBayesianNetwork

from pgmpy_mixture.adapters.convert import network_to_pgmpy
from pgmpy_mixture.errors import ModelError
from pgmpy_mixture.model.bif import read_bif
from pgmpy_mixture.model.examples import example_names, load_example_network
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["example_names", "load_bif", "load_example", "load_model", "load_network"]


def load_bif(path: str | Path) -> DiscreteBayesianNetwork:
    """Read a BIF file (plain or ``.gz``) into a pgmpy model; state names are strings.

    Examples
    --------
    >>> from pgmpy_mixture.model.examples import example_path
    >>> sorted(load_bif(example_path("cancer")).nodes())[:2]
    ['Cancer', 'Dyspnoea']
    """
    model = network_to_pgmpy(read_bif(path))
    model.name = Path(path).name.split(".")[0]
    return model


def load_example(name: str) -> DiscreteBayesianNetwork:
    """An example network bundled with pgmpy (``"sachs"``, ``"asia"``, ``"alarm"``, ...), read offline.

    A fresh model each call (pgmpy models are mutable).

    Examples
    --------
    >>> load_example("asia").get_cpds("smoke").state_names["smoke"]
    ['yes', 'no']
    """
    model = network_to_pgmpy(load_example_network(name))
    model.name = str(name).removeprefix("example:")
    return model


def load_network(spec: str | Path) -> CausalNetwork:
    """A :class:`CausalNetwork` from ``example:NAME`` or a path to a ``.bif``/``.bif.gz`` file.

    Examples
    --------
    >>> load_network("example:sachs").states[0]
    ('LOW', 'AVG', 'HIGH')
    """
    text = str(spec)
    if text.startswith("example:"):
        return load_example_network(text.removeprefix("example:"))
    return read_bif(text)


def load_model(spec: str | Path) -> DiscreteBayesianNetwork:
    """A pgmpy model from ``example:NAME`` or a path to a ``.bif``/``.bif.gz`` file (the CLI's ``--model``).

    Examples
    --------
    >>> len(load_model("example:cancer").nodes())
    5
    >>> load_model(".")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ModelError: model file '.' is a folder: give a .bif or .bif.gz file, or example:NAME
    """
    text = str(spec)
    if text.startswith("example:"):
        return load_example(text)
    if Path(text).is_dir():
        raise ModelError(f"model file {text!r} is a folder: give a .bif or .bif.gz file, or example:NAME")
    return load_bif(text)
