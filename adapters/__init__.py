"""Glue between the framework-free core and pgmpy, causal-learn and scale-out engines.

Installed as ``pgmpy_mixture.adapters`` (setuptools ``package-dir``). Modules: :mod:`~pgmpy_mixture.adapters.convert`
(pgmpy models to and from the core's network), :mod:`~pgmpy_mixture.adapters.entry` (the public functions that take
pgmpy models), :mod:`~pgmpy_mixture.adapters.pgmpy` (the ``model.disentangle_mixture`` method),
:mod:`~pgmpy_mixture.adapters.inference` (:class:`MixtureInference`), :mod:`~pgmpy_mixture.adapters.dask` (Dask
input), :mod:`~pgmpy_mixture.adapters.causallearn` and :mod:`~pgmpy_mixture.adapters.examples`.

Importing this package registers the Dask reader with the ingestion dispatcher
(:func:`pgmpy_mixture.data.ingest.register_reader`, done by :mod:`pgmpy_mixture.adapters.dask`). Registering does not
import Dask: the reader recognises a Dask frame by its type's module, and Dask is imported when one arrives.

Examples
--------
>>> import dask.dataframe as dd, pandas as pd
>>> from pgmpy_mixture.data.ingest import reader_for
>>> reader_for(pd.DataFrame()) is None, reader_for(dd.from_pandas(pd.DataFrame({"A": ["x"]}), npartitions=1)).name
(True, 'dask')
"""

from pgmpy_mixture.adapters import dask as _dask  # noqa: F401  (registers the Dask reader)
