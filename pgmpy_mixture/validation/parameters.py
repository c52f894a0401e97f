"""Scalar options: choices, probabilities, test levels, job counts.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pgmpy_mixture.errors import (
    ParameterError,
)


def check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    """Raise a :class:`ParameterError` unless ``value`` is one of ``choices``.

    Examples
    --------
    >>> check_choice("method", "paper", ["paper", "exact"])
    """
    if value not in choices:
        raise ParameterError(f"{name}={value!r} is not one of {list(choices)}")


def check_probability(name: str, value: float, *, open_low: bool = False) -> float:
    """Check a threshold in [0, 1] (or (0, 1] with ``open_low``) and return it as float.

    Examples
    --------
    >>> check_probability("epsilon", 0.01)
    0.01
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value < 0 or value > 1 or (open_low and value == 0):
        raise ParameterError(f"{name} must lie in {'(0, 1]' if open_low else '[0, 1]'}, got {value}")
    return value


def check_test_level(name: str, value: float | None, *, allow_none: bool = True) -> float | None:
    """Check the level of a statistical test: a number strictly between 0 and 1 (or None when allowed).

    Examples
    --------
    >>> check_test_level("alpha", 1e-3), check_test_level("alpha", None)
    (0.001, None)
    >>> check_test_level("alpha", 2)
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: alpha must be a test level strictly between 0 and 1, got 2.0
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    try:
        level = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not 0.0 < level < 1.0:
        raise ParameterError(f"{name} must be a test level strictly between 0 and 1, got {level}")
    return level


def check_n_jobs(value: int | None) -> int | None:
    """Check a number of parallel jobs as joblib reads it: None, a positive integer, or a negative one (-1: every
    core); never 0.

    Examples
    --------
    >>> check_n_jobs(2), check_n_jobs(-1), check_n_jobs(None)
    (2, -1, None)
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) == 0:
        raise ParameterError(f"n_jobs must be None, a positive integer or a negative one (-1: every core), "
                             f"got {value!r}")
    return int(value)
