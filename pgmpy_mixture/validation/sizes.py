"""Sizes of large arrays, checked before they are allocated.

A request that would need more memory than the machine can give (a CPD with twelve 10-state parents, ten to the
twelfth samples) must fail at once with an error that names what needs the memory, how much and the limit, instead
of swapping the machine to a halt. The limit is half the machine's physical memory, or the number of bytes in the
environment variable ``PGMPY_MIXTURE_MAX_BYTES``.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives.
"""

from __future__ import annotations

import os

from pgmpy_mixture.errors import MixtureError, ParameterError

__all__ = ["MEMORY_LIMIT_VARIABLE", "check_allocation", "format_bytes", "memory_limit"]

#: Environment variable that sets the largest allocation, in bytes.
MEMORY_LIMIT_VARIABLE = "PGMPY_MIXTURE_MAX_BYTES"
_FALLBACK = 8 * 2**30


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` in the largest binary unit that keeps it at least 1.

    Examples
    --------
    >>> format_bytes(512), format_bytes(3 * 2**30), format_bytes(8e12)
    ('512 B', '3.0 GiB', '7.3 TiB')
    """
    value = float(n_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(value) < 1024 or unit == "PiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def memory_limit() -> int:
    """The largest allocation allowed, in bytes: ``PGMPY_MIXTURE_MAX_BYTES``, else half the physical memory.

    Examples
    --------
    >>> memory_limit() > 0
    True
    """
    text = os.environ.get(MEMORY_LIMIT_VARIABLE)
    if text:
        try:
            value = int(float(text))
        except ValueError:
            raise ParameterError(f"{MEMORY_LIMIT_VARIABLE}={text!r} is not a number of bytes") from None
        if value <= 0:
            raise ParameterError(f"{MEMORY_LIMIT_VARIABLE}={text!r} must be a positive number of bytes")
        return value
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return _FALLBACK


def check_allocation(n_bytes: float, what: str, *, hint: str = "",
                     error: type[MixtureError] = ParameterError) -> None:
    """Raise ``error`` when ``what`` would need more than :func:`memory_limit` bytes.

    Examples
    --------
    >>> check_allocation(1e3, "a small table")
    >>> check_allocation(8e12, "the CPD of 'V9' (12 parents, 10**13 entries)", hint="lower max_in_degree")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: the CPD of 'V9' (12 parents, 10**13 entries) needs about 7.3 TiB, more \
than the memory limit of ... (half the machine's memory; the environment variable PGMPY_MIXTURE_MAX_BYTES sets \
it): lower max_in_degree
    """
    limit = memory_limit()
    if n_bytes > limit:
        source = ("set by " + MEMORY_LIMIT_VARIABLE) if os.environ.get(MEMORY_LIMIT_VARIABLE) else (
            f"half the machine's memory; the environment variable {MEMORY_LIMIT_VARIABLE} sets it")
        raise error(f"{what} needs about {format_bytes(n_bytes)}, more than the memory limit of "
                    f"{format_bytes(limit)} ({source})" + (f": {hint}" if hint else ""))
