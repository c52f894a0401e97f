"""Glue between the framework-free core and pgmpy, causal-learn and scale-out engines.

Installed as ``pgmpy_mixture.adapters`` (setuptools ``package-dir``). Modules: :mod:`~pgmpy_mixture.adapters.convert`
(pgmpy models to and from the core's network), :mod:`~pgmpy_mixture.adapters.entry` (the public functions that take
pgmpy models), :mod:`~pgmpy_mixture.adapters.pgmpy` (the ``model.disentangle_mixture`` method),
:mod:`~pgmpy_mixture.adapters.inference` (:class:`MixtureInference`), :mod:`~pgmpy_mixture.adapters.dask` (Dask
input), :mod:`~pgmpy_mixture.adapters.causallearn` and :mod:`~pgmpy_mixture.adapters.examples`.

Importing this package registers the Dask reader with the ingestion dispatcher
(:func:`pgmpy_mixture.data.ingest.register_reader`). Registering imports neither Dask nor
:mod:`pgmpy_mixture.adapters.dask`: the reader recognises a Dask frame by its type's module and imports the Dask
adapter only when one arrives.

Examples
--------
>>> import dask.dataframe as dd, pandas as pd
>>> from pgmpy_mixture.data.ingest import reader_for
>>> reader_for(pd.DataFrame()) is None, reader_for(dd.from_pandas(pd.DataFrame({"A": ["x"]}), npartitions=1)).name
(True, 'dask')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import register_reader

__all__ = ["is_dask_dataframe"]


def is_dask_dataframe(obj: object) -> bool:
    """True for a ``dask.dataframe.DataFrame``, decided without importing Dask.

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_dataframe(pd.DataFrame())
    False
    """
    module = type(obj).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(obj, "map_partitions") and hasattr(
        obj, "columns"
    )


def _dask_count_table(data: Any, variables: Sequence[str], states: Sequence[Sequence[str]],
                      weights: str | None = None, *, progress: bool = False) -> CountTable:
    from pgmpy_mixture.adapters.dask import count_table_from_dask

    return count_table_from_dask(data, variables, states, weights, progress=progress)


def _dask_marginals(data: Any, variables: Sequence[str], states: Sequence[Sequence[str]],
                    weights: str | None = None, *, progress: bool = False):
    from pgmpy_mixture.adapters.dask import marginals_from_dask

    return marginals_from_dask(data, variables, states, weights, return_sample_size=True, progress=progress)


register_reader("dask", is_dask_dataframe, _dask_count_table, _dask_marginals)
