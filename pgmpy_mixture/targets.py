"""Intervention targets: the immutable mapping that holds them, their labels, and their exact matching.

A *target* is a hard intervention ``do(V_1 = v_1, ..., V_k = v_k)`` written as a mapping ``variable -> state
name``; the empty target is the observational distribution. The identifiability results this library builds on
(UAI 2021, Section 3; AAAI 2020, Theorem 1) recover a mixture as a set of *distinct* targets with their mixing
weights, so two targets are the same exactly when they intervene on the same variables with the same states. The
accuracy measures of UAI 2021, Appendix F match true against recovered targets by that equality, each at most once,
the empty target included; :func:`match_targets` is that matching, shared by the metrics and the pictures.

This module sits at the bottom of the package: it imports nothing of it but :mod:`pgmpy_mixture.errors`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from pgmpy_mixture.errors import DataValueError

__all__ = [
    "FrozenDict",
    "TargetMatching",
    "format_target",
    "freeze",
    "frozen_target",
    "match_targets",
    "target_key",
]


class FrozenDict(dict):
    """A ``dict`` that cannot be changed after it is made, and that pickles and deep-copies.

    It is a real ``dict`` (``isinstance(d, dict)``, ``json.dumps(d)``, ``d == {"A": "x"}`` and its repr are those of
    a plain dict), but every method that would change it raises :class:`TypeError`. ``copy()`` and ``d | other``
    return plain (mutable) dicts. It is hashable when its values are.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`dict`.

    Examples
    --------
    >>> import copy, json, pickle
    >>> d = FrozenDict({"A": "x"})
    >>> d, d == {"A": "x"}, json.dumps(d)
    ({'A': 'x'}, True, '{"A": "x"}')
    >>> pickle.loads(pickle.dumps(d)) == d, type(copy.deepcopy(d)).__name__
    (True, 'FrozenDict')
    >>> d["B"] = "y"
    Traceback (most recent call last):
    ...
    TypeError: FrozenDict is immutable: cannot change key 'B'
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> FrozenDict:
        self = super().__new__(cls)
        dict.update(self, *args, **kwargs)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # the content was set once in __new__; calling __init__ again must not change it
        pass

    def _refuse(self, what: str = "change it") -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable: cannot {what}")

    def __setitem__(self, key: Any, value: Any) -> NoReturn:
        self._refuse(f"change key {key!r}")

    def __delitem__(self, key: Any) -> NoReturn:
        self._refuse(f"delete key {key!r}")

    def __ior__(self, other: Any) -> NoReturn:
        self._refuse("update it")

    def clear(self) -> NoReturn:
        self._refuse("clear it")

    def pop(self, *args: Any) -> NoReturn:
        self._refuse("pop from it")

    def popitem(self) -> NoReturn:
        self._refuse("pop from it")

    def setdefault(self, *args: Any) -> NoReturn:
        self._refuse("set a default in it")

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        self._refuse("update it")

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None) -> FrozenDict:
        """Like :meth:`dict.fromkeys`, returning a frozen dict."""
        return cls(dict.fromkeys(keys, value))

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[Any, Any]]]:
        # rebuilt from a plain dict: the default protocol of dict subclasses would call __setitem__
        return type(self), (dict(self),)

    def __copy__(self) -> FrozenDict:
        return self  # immutable: a shallow copy may be the object itself

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return type(self)({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()})

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def freeze(mapping: Mapping[Any, Any] | None) -> FrozenDict:
    """A frozen copy of ``mapping`` (``None`` gives the empty one); a :class:`FrozenDict` is returned as it is.

    Examples
    --------
    >>> freeze(None), freeze({"epsilon": 0.1})
    ({}, {'epsilon': 0.1})
    """
    if isinstance(mapping, FrozenDict):
        return mapping
    return FrozenDict(mapping or {})


def frozen_target(target: Mapping[Any, Any]) -> FrozenDict:
    """A target as a :class:`FrozenDict` of ``str -> str`` (variable and state names converted with ``str``).

    Examples
    --------
    >>> frozen_target({"A": 1})
    {'A': '1'}
    """
    return FrozenDict({str(k): str(v) for k, v in target.items()})


def format_target(target: Mapping[str, str]) -> str:
    """Human-readable label: ``do(PKC=HIGH, Erk=LOW)``, or ``observational`` for the empty target.

    Examples
    --------
    >>> format_target({"PKC": "HIGH"}), format_target({})
    ('do(PKC=HIGH)', 'observational')
    """
    if not target:
        return "observational"
    return "do(" + ", ".join(f"{k}={v}" for k, v in target.items()) + ")"


def target_key(target: Mapping[Any, Any]) -> frozenset[tuple[str, str]]:
    """The identity of a target: its set of ``(variable, state)`` pairs (order of the mapping ignored).

    Examples
    --------
    >>> target_key({"A": "x", "B": "y"}) == target_key({"B": "y", "A": "x"}), target_key({})
    (True, frozenset())
    """
    return frozenset((str(k), str(v)) for k, v in target.items())


@dataclass(frozen=True)
class TargetMatching:
    """Exact matching of true against estimated targets (see :func:`match_targets`).

    Attributes
    ----------
    pairs : tuple of (int, int)
        ``(true index, estimated index)`` of every matched pair, in the order of the true targets.
    unmatched_true : tuple of int
        Indices of the true targets no estimate matches (false negatives).
    unmatched_estimated : tuple of int
        Indices of the estimates that match no true target (false positives).

    Examples
    --------
    >>> match_targets([{}, {"A": "x"}], [{"A": "y"}, {}])
    TargetMatching(pairs=((0, 1),), unmatched_true=(1,), unmatched_estimated=(0,))
    """

    pairs: tuple[tuple[int, int], ...]
    unmatched_true: tuple[int, ...]
    unmatched_estimated: tuple[int, ...]


def match_targets(
    true: Sequence[Mapping[Any, Any]],
    estimated: Sequence[Mapping[Any, Any]],
    *,
    true_weights: Sequence[float] | None = None,
    estimated_weights: Sequence[float] | None = None,
) -> TargetMatching:
    """Match estimated targets to true ones by exact equality (UAI 2021, Appendix F).

    Two targets match when they intervene on the same variables with the same states; the empty target matches the
    empty estimate. Each true target matches at most one estimate and each estimate at most one true target. When a
    side holds the same target twice, each true target (in order) takes the still unmatched estimate whose weight is
    closest to its own, the first one on ties or when no weights are given.

    Parameters
    ----------
    true, estimated : sequence of mapping
        Targets ``{variable: state}``.
    true_weights, estimated_weights : sequence of float, optional
        Weights of the targets, used only to choose among equal estimates (both or neither).

    Returns
    -------
    TargetMatching

    Examples
    --------
    >>> m = match_targets([{"A": "x"}, {}], [{}, {"A": "x"}, {"A": "x"}], true_weights=[0.3, 0.7],
    ...                   estimated_weights=[0.7, 0.1, 0.25])
    >>> m.pairs, m.unmatched_true, m.unmatched_estimated
    (((0, 2), (1, 0)), (), (1,))
    """
    true_keys = [target_key(t) for t in true]
    est_keys = [target_key(t) for t in estimated]
    if (true_weights is None) != (estimated_weights is None):
        raise DataValueError("give the weights of both sides or of neither")
    if true_weights is not None and estimated_weights is not None:
        if len(true_weights) != len(true_keys) or len(estimated_weights) != len(est_keys):
            raise DataValueError("there must be one weight per target on each side")
        tw = [float(w) for w in true_weights]
        ew = [float(w) for w in estimated_weights]
    else:
        tw, ew = [0.0] * len(true_keys), [0.0] * len(est_keys)
    by_key: dict[frozenset[tuple[str, str]], list[int]] = {}
    for j, key in enumerate(est_keys):
        by_key.setdefault(key, []).append(j)
    pairs = []
    for i, key in enumerate(true_keys):
        candidates = by_key.get(key)
        if not candidates:
            continue
        best = min(candidates, key=lambda j: abs(ew[j] - tw[i]))
        candidates.remove(best)
        pairs.append((i, best))
    matched_true = {i for i, _ in pairs}
    matched_est = {j for _, j in pairs}
    return TargetMatching(
        pairs=tuple(pairs),
        unmatched_true=tuple(i for i in range(len(true_keys)) if i not in matched_true),
        unmatched_estimated=tuple(j for j in range(len(est_keys)) if j not in matched_est),
    )
