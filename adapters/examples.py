"""Load the example networks bundled with pgmpy, offline (see :mod:`pgmpy_mixture.examples`).

Examples
--------
>>> model = load_example("sachs")
>>> type(model).__name__, len(model.nodes())
('DiscreteBayesianNetwork', 11)
"""

from __future__ import annotations

import gzip
from pathlib import Path

from pgmpy.models import DiscreteBayesianNetwork
from pgmpy.readwrite import BIFReader

from pgmpy_mixture.adapters.pgmpy import network_from_pgmpy
from pgmpy_mixture.errors import ModelError, ParameterError
from pgmpy_mixture.examples import example_names, example_path
from pgmpy_mixture.network import CausalNetwork

__all__ = ["example_names", "load_bif", "load_example", "load_model", "load_network"]


def load_bif(path: str | Path) -> DiscreteBayesianNetwork:
    """Read a BIF file (plain or ``.gz``) into a pgmpy model; state names stay strings.

    Examples
    --------
    >>> from pgmpy_mixture.examples import example_path
    >>> sorted(load_bif(example_path("cancer")).nodes())[:2]
    ['Cancer', 'Dyspnoea']
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"model file {str(path)!r} does not exist")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            text = handle.read()
        return BIFReader(string=text).get_model()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read BIF file {str(path)!r}: {exc}") from exc
    except Exception as exc:  # pyparsing and pgmpy raise assorted errors on malformed files
        raise ModelError(f"{str(path)!r} is not a valid BIF network: {exc}") from exc


def load_example(name: str) -> DiscreteBayesianNetwork:
    """An example network bundled with pgmpy (``"sachs"``, ``"asia"``, ``"alarm"``, ...), read offline.

    Examples
    --------
    >>> load_example("asia").get_cpds("smoke").state_names["smoke"]
    ['yes', 'no']
    """
    return load_bif(example_path(name))


def load_model(spec: str | Path) -> DiscreteBayesianNetwork:
    """A model from ``example:NAME`` or a path to a ``.bif``/``.bif.gz`` file (the CLI's ``--model``).

    Examples
    --------
    >>> len(load_model("example:cancer").nodes())
    5
    """
    text = str(spec)
    if text.startswith("example:"):
        return load_example(text)
    return load_bif(text)


def load_network(spec: str | Path) -> CausalNetwork:
    """Like :func:`load_model`, converted to a :class:`CausalNetwork`.

    Examples
    --------
    >>> load_network("example:sachs").states[0]
    ('LOW', 'AVG', 'HIGH')
    """
    return network_from_pgmpy(load_model(spec))
