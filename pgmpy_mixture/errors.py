"""Exceptions and warnings raised by pgmpy-mixture.

Every error subclasses :class:`MixtureError` and either :class:`ValueError` or
:class:`TypeError`, so callers can catch our errors as a family or by the
standard type. Messages always name the variable, state, column or row at fault.

Examples
--------
>>> from pgmpy_mixture.errors import UnknownStateError
>>> issubclass(UnknownStateError, ValueError)
True
"""

from __future__ import annotations

import os
import sys
import types
import warnings


class MixtureError(Exception):
    """Base class of every exception raised by pgmpy-mixture."""


class DataValueError(MixtureError, ValueError):
    """The data (samples, counts or marginals) are malformed: NaN, negative weights, empty, ..."""


class DataTypeError(MixtureError, TypeError):
    """The data are not of a supported type (for example not a pandas DataFrame)."""


class UnknownVariableError(DataValueError):
    """A column or key names a variable the model does not have."""


class MissingVariableError(DataValueError):
    """A model variable is absent from the data."""


class UnknownStateError(DataValueError):
    """A value is not one of the states the model knows for that variable."""


class ModelError(MixtureError, ValueError):
    """The model is unusable: no CPDs, fails its own check, cyclic, ..."""


class ParameterError(MixtureError, ValueError):
    """An option has an invalid value (unknown method, negative threshold, ...)."""


class AssumptionError(MixtureError, ValueError):
    """An identifiability assumption (positivity or exclusion) fails for exact input."""


class AssumptionWarning(UserWarning):
    """An identifiability assumption (positivity or exclusion) looks violated."""


class PositivityWarning(AssumptionWarning):
    """A CPD entry is zero (or numerically zero): positivity (Assumption 3.2) fails."""


class ExclusionWarning(AssumptionWarning):
    """No exclusion-satisfying mixture explains the input exactly (Assumption 3.1)."""


class EstimationWarning(UserWarning):
    """A finite-sample estimate is unreliable (too few samples, clipped solution, ...)."""


class DataFileError(DataValueError):
    """A data file cannot be read (corrupt Parquet, malformed or undecodable CSV, unreadable); names the file."""


class MissingDependencyError(MixtureError, ImportError):
    """An optional dependency is not installed; the message names the extra that provides it."""


#: The optional extras and the packages each provides (``pyproject.toml``, ``[project.optional-dependencies]``).
EXTRAS: dict[str, tuple[str, ...]] = {
    "scale": ("dask", "distributed", "pyarrow"),
    "plot": ("matplotlib",),
    "causallearn": ("causallearn",),
    "utigsp": ("graphical_model_learning", "conditional_independence"),
}


def install_hint(extra: str) -> str:
    """How to install an optional extra, in words (for messages).

    Examples
    --------
    >>> install_hint("plot")
    'the "plot" extra: pip install "pgmpy-mixture[plot]" (in a clone: pip install -e ".[plot]")'
    """
    return f'the "{extra}" extra: pip install "pgmpy-mixture[{extra}]" (in a clone: pip install -e ".[{extra}]")'


SCALE_EXTRA = install_hint("scale")


def missing_dependency(package: str, purpose: str, extra: str = "scale") -> MissingDependencyError:
    """The error raised when an optional package is missing, naming the extra that provides it.

    Examples
    --------
    >>> print(missing_dependency("dask", "Dask input"))  # doctest: +NORMALIZE_WHITESPACE
    Dask input needs the optional package dask: install the "scale" extra:
    pip install "pgmpy-mixture[scale]" (in a clone: pip install -e ".[scale]")
    >>> print(missing_dependency("matplotlib", "--plot", "plot"))  # doctest: +NORMALIZE_WHITESPACE
    --plot needs the optional package matplotlib: install the "plot" extra:
    pip install "pgmpy-mixture[plot]" (in a clone: pip install -e ".[plot]")
    """
    return MissingDependencyError(f"{purpose} needs the optional package {package}: install {install_hint(extra)}")


def require(package: str, purpose: str, extra: str) -> None:
    """Raise :class:`MissingDependencyError` naming ``extra`` unless ``package`` can be imported.

    Called before any work that needs the package, so a missing extra is reported up front, not after a long fit.
    The package is imported (a broken installation counts as missing).

    Examples
    --------
    >>> require("numpy", "Counting", "scale")
    >>> require("no_such_package_here", "Drawing", "plot")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.MissingDependencyError: Drawing needs the optional package no_such_package_here: install \
the "plot" extra: pip install "pgmpy-mixture[plot]" (in a clone: pip install -e ".[plot]")
    """
    import importlib

    try:
        importlib.import_module(package)
    except ImportError:
        raise missing_dependency(package, purpose, extra) from None


try:  # scikit-learn is a core dependency; the guard only keeps this module importable without it
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
except ImportError:  # pragma: no cover
    _SklearnNotFittedError = ValueError  # type: ignore[assignment,misc]


class NotFittedError(ParameterError, _SklearnNotFittedError):
    """An estimator method that needs a fitted model was called before ``fit``.

    Also an instance of :class:`sklearn.exceptions.NotFittedError`, so scikit-learn tools (and their checks) that
    catch theirs catch ours.

    Examples
    --------
    >>> import sklearn.exceptions
    >>> issubclass(NotFittedError, sklearn.exceptions.NotFittedError), issubclass(NotFittedError, ValueError)
    (True, True)
    """


class FeatureNamesWarning(UserWarning):
    """Data given to a fitted estimator carry column names it was not fitted with, or lack the ones it was.

    Examples
    --------
    >>> issubclass(FeatureNamesWarning, UserWarning)
    True
    """


def _inside_library(filename: str) -> bool:
    """True for a source file of pgmpy-mixture (the core package or the adapters, wherever they are installed)."""
    roots = [os.path.dirname(os.path.abspath(__file__))]
    adapters = sys.modules.get("pgmpy_mixture.adapters")
    roots += [os.path.abspath(p) for p in getattr(adapters, "__path__", [])]
    path = os.path.abspath(filename)
    return any(path.startswith(root + os.sep) for root in roots)


def caller_outside_library(frame: types.FrameType | None) -> tuple[types.FrameType | None, int]:
    """The first frame, from ``frame`` outwards, whose code is not pgmpy-mixture's, and how many frames were
    skipped to reach it.

    Examples
    --------
    >>> caller_outside_library(sys._getframe())[1]  # this doctest's own frame is outside the library
    0
    """
    skipped = 0
    while frame is not None and _inside_library(frame.f_code.co_filename):
        frame = frame.f_back
        skipped += 1
    return frame, skipped


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning attributed to the first frame outside pgmpy-mixture: the user's own line, whichever entry
    point (``fit_mixture_utigsp``, ``MixtureSplitter.fit``, ``model.disentangle_mixture``, ...) led to it.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_at_caller("look here", EstimationWarning)
    >>> caught[0].category.__name__, str(caught[0].message), caught[0].filename.startswith("<doctest")  # this line
    ('EstimationWarning', 'look here', True)
    """
    _, skipped = caller_outside_library(sys._getframe(1))
    warnings.warn(message, category, stacklevel=2 + skipped)  # stacklevel 2 is our caller
