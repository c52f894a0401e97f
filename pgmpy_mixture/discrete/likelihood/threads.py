"""Independent per-variable or per-target passes over the rows, shared among the machine's cores.

NumPy releases the GIL inside its passes over arrays (gathers, ``exp``/``log1p``, ``bincount``), so passes that do
not depend on each other run side by side in threads. Each pass returns its own result and the results come back
in the order of the items, so the output is the same whatever the number of threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["WORKERS", "map_in_threads"]

#: threads for the passes over the rows (at most 4: the passes are bound by memory bandwidth beyond that)
WORKERS = max(1, min(4, os.cpu_count() or 1))

_Item = TypeVar("_Item")
_Out = TypeVar("_Out")


def map_in_threads(function: Callable[[_Item], _Out], items: Iterable[_Item]) -> list[_Out]:
    """``[function(item) for item in items]``, computed in up to :data:`WORKERS` threads, in the items' order.

    Examples
    --------
    >>> map_in_threads(lambda x: x * x, range(5))
    [0, 1, 4, 9, 16]
    """
    items = list(items)
    if WORKERS == 1 or len(items) < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(items))) as pool:
        return list(pool.map(function, items))
