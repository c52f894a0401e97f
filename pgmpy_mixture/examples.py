"""Where the example networks that ship inside pgmpy live (offline; no pgmpy import here).

pgmpy bundles the bnlearn repository networks as ``.bif.gz`` files inside its installed package
(``pgmpy/utils/example_models``). pgmpy's own loaders are deprecated (``get_example_model``) or
download from the internet (``load_model``), so we read the bundled files directly:
:func:`example_path` finds a file, :func:`pgmpy_mixture.adapters.examples.load_example` parses it
into a pgmpy model (or a :class:`~pgmpy_mixture.network.CausalNetwork`).

Examples
--------
>>> "sachs" in example_names()
True
>>> example_path("sachs").name
'sachs.bif.gz'
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from pgmpy_mixture.errors import ParameterError

_SUFFIX = ".bif.gz"


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
