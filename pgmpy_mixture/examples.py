"""Example networks, offline: the ``.bif.gz`` files that ship inside pgmpy, read without pgmpy.

pgmpy bundles the bnlearn repository networks (asia, sachs, alarm, child, ...) as ``.bif.gz`` files
inside its installed package. Its own loaders are deprecated (``get_example_model``) or download from the
internet (``load_model``), and its ``BIFReader`` spends about 3 s building a grammar per file. This module
finds the bundled files (without importing pgmpy) and reads BIF with a small tokenizer into a
:class:`~pgmpy_mixture.network.CausalNetwork`; :mod:`pgmpy_mixture.adapters.examples` turns that into a
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

import gzip
import importlib.util
import re
from functools import cache
from pathlib import Path

import numpy as np

from pgmpy_mixture.errors import ModelError, ParameterError
from pgmpy_mixture.network import CausalNetwork

__all__ = ["example_names", "example_path", "load_example_network", "parse_bif", "read_bif"]

_SUFFIX = ".bif.gz"
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_TOKENS = re.compile(r'"[^"]*"|[{}()\[\],;|]|[^\s{}()\[\],;|"]+')


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


# ------------------------------------------------------------------------------------------ BIF reader
class _Tokens:
    def __init__(self, text: str) -> None:
        self.items = [t[1:-1].strip() if t.startswith('"') else t for t in _TOKENS.findall(_COMMENTS.sub(" ", text))]
        self.pos = 0

    def peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def next(self) -> str:
        if self.pos >= len(self.items):
            raise ModelError("BIF text ends unexpectedly")
        self.pos += 1
        return self.items[self.pos - 1]

    def expect(self, token: str) -> None:
        got = self.next()
        if got != token:
            raise ModelError(f"BIF syntax: expected {token!r}, found {got!r} (token {self.pos})")

    def until(self, stop: str) -> list[str]:
        """Tokens up to (not including) ``stop``, consuming ``stop``; commas dropped."""
        out = []
        while (tok := self.next()) != stop:
            if tok != ",":
                out.append(tok)
        return out

    def skip_block(self) -> None:
        """Skip a ``{ ... }`` block, nested braces included."""
        self.expect("{")
        depth = 1
        while depth:
            tok = self.next()
            depth += tok == "{"
            depth -= tok == "}"


def _numbers(tokens: list[str], where: str) -> np.ndarray:
    try:
        return np.array([float(t) for t in tokens], dtype=np.float64)
    except ValueError:
        raise ModelError(f"BIF: non-numeric probability in {where}: {tokens}") from None


def _variable(tok: _Tokens, states: dict[str, list[str]]) -> None:
    name = tok.next()
    tok.expect("{")
    while (head := tok.next()) != "}":
        if head == "type":
            if tok.next() != "discrete":
                raise ModelError(f"BIF: variable {name!r} is not discrete")
            tok.expect("[")
            card = int(tok.next())
            tok.expect("]")
            tok.expect("{")
            names = tok.until("}")
            tok.expect(";")
            if len(names) != card:
                raise ModelError(f"BIF: variable {name!r} declares {card} states but lists {len(names)}")
            states[name] = names
        else:  # property ... ;
            tok.until(";")


def _probability(tok: _Tokens, states: dict[str, list[str]], parents: dict, tables: dict) -> None:
    tok.expect("(")
    header = tok.until(")")
    if "|" in header:
        cut = header.index("|")
        var, pars = header[0], header[cut + 1 :]
    else:
        var, pars = header[0], header[1:]
    for v in [var, *pars]:
        if v not in states:
            raise ModelError(f"BIF: probability block refers to undeclared variable {v!r}")
    card = len(states[var])
    shape = tuple(len(states[p]) for p in pars)
    table = np.full((*shape, card), np.nan)
    tok.expect("{")
    while (head := tok.next()) != "}":
        if head == "table":
            values = _numbers(tok.until(";"), f"the table of {var!r}")
            if values.size != card * int(np.prod(shape, dtype=np.int64)):
                raise ModelError(f"BIF: the table of {var!r} has {values.size} numbers")
            # BIF 'table': the variable's own state varies slowest, then the parents (first slowest)
            table = np.moveaxis(values.reshape(card, *shape), 0, -1)
        elif head == "default":
            values = _numbers(tok.until(";"), f"the default row of {var!r}")
            table[np.isnan(table[..., 0])] = values
        elif head == "(":
            row = tok.until(")")
            if len(row) != len(pars):
                raise ModelError(f"BIF: a row of {var!r} names {len(row)} parent states, expected {len(pars)}")
            try:
                index = tuple(states[p].index(s) for p, s in zip(pars, row, strict=True))
            except ValueError:
                raise ModelError(f"BIF: a row of {var!r} uses an unknown parent state in {row}") from None
            values = _numbers(tok.until(";"), f"the row {row} of {var!r}")
            if values.size != card:
                raise ModelError(f"BIF: the row {row} of {var!r} has {values.size} numbers, expected {card}")
            table[index] = values
        else:  # property ... ;
            tok.until(";")
    if np.isnan(table).any():
        raise ModelError(f"BIF: the probability table of {var!r} misses some parent configurations")
    parents[var] = list(pars)
    tables[var] = table


def parse_bif(text: str) -> CausalNetwork:
    """Parse a discrete BIF network (the bnlearn repository format) into a :class:`CausalNetwork`.

    Examples
    --------
    >>> net = parse_bif('''network demo { }
    ... variable A { type discrete [ 2 ] { yes, no }; }
    ... variable B { type discrete [ 2 ] { on, off }; property note = x; }
    ... probability ( A ) { table 0.3, 0.7; }
    ... probability ( B | A ) { (yes) 0.9, 0.1; (no) 0.2, 0.8; }''')
    >>> net.variables, net.cpds[1].tolist()
    (('A', 'B'), [[0.9, 0.1], [0.2, 0.8]])
    """
    tok = _Tokens(text)
    states: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    tables: dict[str, np.ndarray] = {}
    while (head := tok.peek()) is not None:
        tok.next()
        if head == "network":
            tok.next()
            tok.skip_block()
        elif head == "variable":
            _variable(tok, states)
        elif head == "probability":
            _probability(tok, states, parents, tables)
        else:
            raise ModelError(f"BIF syntax: unexpected {head!r} at token {tok.pos}")
    missing = [v for v in states if v not in tables]
    if missing:
        raise ModelError(f"BIF: variable {missing[0]!r} has no probability block")
    return CausalNetwork.from_tables(list(states), states, parents, tables)


def read_bif(path: str | Path) -> CausalNetwork:
    """Read a ``.bif`` or ``.bif.gz`` file into a :class:`CausalNetwork`.

    Examples
    --------
    >>> read_bif(example_path("cancer")).variables
    ('Pollution', 'Smoker', 'Cancer', 'Xray', 'Dyspnoea')
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"model file {str(path)!r} does not exist")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            return parse_bif(handle.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read BIF file {str(path)!r}: {exc}") from exc
    except ModelError as exc:
        raise ModelError(f"{str(path)!r}: {exc}") from None


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
