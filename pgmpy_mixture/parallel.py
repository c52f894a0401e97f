"""The machine's cores: independent passes over the rows in threads, and BLAS kept to one thread.

NumPy releases the GIL inside its passes over arrays (gathers, ``exp``/``log1p``, ``bincount``), so passes that do
not depend on each other run side by side in threads (:func:`map_in_threads`). Each pass returns its own result and
the results come back in the order of the items, so the output is the same whatever the number of threads. The
Gaussian candidate mixtures are fitted this way too, one count per thread
(:func:`pgmpy_mixture.gaussian.candidates.fit_candidate_mixtures`).

The products this library makes are vectors against vectors or small matrices: a multi-threaded BLAS gains nothing
on them, and its threads, which keep spinning after each call, take the cores from those passes
(:func:`single_blas_thread`; measured at N = 64 and 10^6 rows: 8.4 s of CPU for 4.8 s of wall time, against 5.0 s
and 4.0 s with one BLAS thread; one EM pass over 2^16 Gaussian rows with d = 8: 93 ms against 41 ms).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["WORKERS", "map_in_threads", "single_blas_thread", "with_single_blas_thread"]

#: threads for the passes over the rows (at most 4: the passes are bound by memory bandwidth beyond that)
WORKERS = max(1, min(4, os.cpu_count() or 1))

_Item = TypeVar("_Item")
_Out = TypeVar("_Out")

_BLAS_CONTROLLER = None


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


def single_blas_thread(openmp: bool = False) -> contextlib.AbstractContextManager:
    """A context in which BLAS runs on one thread, and with ``openmp=True`` OpenMP too (scikit-learn's k-means
    and mixtures use it); the limits are restored on exit (``threadpoolctl``).

    Examples
    --------
    >>> import numpy as np
    >>> with single_blas_thread():
    ...     float(np.ones(1000) @ np.ones(1000))
    1000.0
    """
    global _BLAS_CONTROLLER
    from threadpoolctl import ThreadpoolController

    if _BLAS_CONTROLLER is None:
        _BLAS_CONTROLLER = ThreadpoolController()
    return _BLAS_CONTROLLER.limit(limits=1, user_api=None if openmp else "blas")


def with_single_blas_thread(function: Callable[..., _Out]) -> Callable[..., _Out]:
    """Decorator: every call of ``function`` runs inside :func:`single_blas_thread` (docstring and signature kept).

    Examples
    --------
    >>> import numpy as np
    >>> @with_single_blas_thread
    ... def norm(x):
    ...     return float(x @ x)
    >>> norm(np.ones(4))
    4.0
    """

    @functools.wraps(function)
    def one_blas_thread(*args, **kwargs):
        with single_blas_thread():
            return function(*args, **kwargs)

    return one_blas_thread
