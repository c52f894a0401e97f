"""A small BIF reader: ``.bif`` / ``.bif.gz`` text into a :class:`~pgmpy_mixture.model.network.CausalNetwork`.

pgmpy's ``BIFReader`` spends about 3 s building a grammar per file; this tokenizer reads the bnlearn networks
pgmpy bundles in milliseconds and is checked against pgmpy's reader on every bundled network in the tests.

Examples
--------
>>> net = parse_bif('network n {} variable A { type discrete [ 2 ] { x, y }; } probability ( A ) { table 0.3, 0.7; }')
>>> net.variables, net.cpds[0].tolist()
(('A',), [0.3, 0.7])
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np

from pgmpy_mixture.errors import ModelError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["parse_bif", "read_bif"]

_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_TOKENS = re.compile(r'"[^"]*"|[{}()\[\],;|]|[^\s{}()\[\],;|"]+')

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
    >>> from pgmpy_mixture.model.examples import example_path
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
