"""Example networks, offline: the ``.bif.gz`` files that ship inside pgmpy, read without pgmpy.

pgmpy bundles the bnlearn repository networks (asia, sachs, alarm, child, ...) as ``.bif.gz`` files
inside its installed package. Its own loaders are deprecated (``get_example_model``) or download from the
internet (``load_model``), and its ``BIFReader`` spends about 3 s building a grammar per file. This module
finds the bundled files (without importing pgmpy) and reads BIF with a small tokenizer into a
:class:`~pgmpy_mixture.model.network.CausalNetwork`; :mod:`pgmpy_mixture.adapters.examples` turns that into a
pgmpy model. The reader is checked against pgmpy's ``BIFReader`` on the bundled networks in the tests.

Examples
--------
>>> "sachs" in example_names()
True
>>> net = load_example_network("sachs")
>>> net.n_variables, net.states[0]
(11, ('LOW', 'AVG', 'HIGH'))
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.model.bif import read_bif
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["example_names", "example_path", "load_example_network"]

_SUFFIX = ".bif.gz"


# ------------------------------------------------------------------------------------------ bundled files
@cache
def _example_dirs() -> tuple[Path, ...]:
    """Directories inside the installed pgmpy package that hold bundled ``.bif.gz`` networks."""
    spec = importlib.util.find_spec("pgmpy")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return ()
    roots = [Path(p) for p in spec.submodule_search_locations]
    dirs = {f.parent for root in roots for f in root.rglob("*" + _SUFFIX)}
    return tuple(sorted(dirs))


def example_names() -> list[str]:
    """Names of the example networks bundled with the installed pgmpy, sorted.

    Examples
    --------
    >>> {"asia", "alarm", "sachs"} <= set(example_names())
    True
    """
    return sorted({f.name[: -len(_SUFFIX)] for d in _example_dirs() for f in d.glob("*" + _SUFFIX)})


def example_path(name: str) -> Path:
    """Path of the bundled ``NAME.bif.gz`` file; a :class:`ParameterError` lists the names available.

    Parameters
    ----------
    name : str
        Network name such as ``"sachs"``, ``"asia"``, ``"alarm"`` (an ``example:`` prefix is allowed).

    Examples
    --------
    >>> example_path("example:asia").name
    'asia.bif.gz'
    """
    key = str(name).removeprefix("example:").strip().lower()
    for directory in _example_dirs():
        path = directory / (key + _SUFFIX)
        if path.is_file():
            return path
    available = example_names()
    if not available:
        raise ParameterError(f"example network {name!r}: the installed pgmpy bundles no .bif.gz example networks")
    raise ParameterError(f"unknown example network {name!r}; available: {', '.join(available)}")


@cache
def load_example_network(name: str) -> CausalNetwork:
    """An example network bundled with pgmpy (``"sachs"``, ``"asia"``, ``"alarm"``, ...), offline.

    Networks are immutable, so repeated loads return the same cached object.

    Examples
    --------
    >>> load_example_network("asia").states[0]
    ('yes', 'no')
    """
    return read_bif(example_path(name))
