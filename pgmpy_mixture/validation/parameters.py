"""Scalar options: choices, probabilities, test levels, job counts, and the declared options of the methods.

Part of :mod:`pgmpy_mixture.validation`, where every input check lives. The methods declare their options as data
(:class:`Option`: type, range with open or closed ends, choices, whether None is allowed, default, one-line doc, the
input the option needs), in the way scikit-learn declares ``_parameter_constraints``; :func:`check_options` is the
one function that checks them, for every entry point (the core entry point, the pgmpy method, the top-level
functions and the command line).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pgmpy_mixture.errors import ParameterError


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


# ---------------------------------------------------------------------------------------------- declared options
_NUMBER_TYPES = (int, float)


def _type_name(kind: type) -> str:
    return {bool: "a bool", int: "an int", float: "a float", str: "a string"}.get(kind, f"a {kind.__name__}")


def _format_bound(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Option:
    """One option of a method, declared as data: its accepted types, range, choices, default and meaning.

    A value is accepted when it is None and ``allow_none``, one of ``choices``, or of one of ``types`` and inside
    the range. Types are strict: a bool is not an int, a string is not a float, an int is a float; numpy scalars
    count as the Python type they hold. Floats must be finite.

    Parameters
    ----------
    name : str
        Keyword of the option.
    types : tuple of type
        Accepted types among ``bool``, ``int``, ``float``, ``str`` and classes (checked with ``isinstance``);
        empty: any value (options read from a user function's signature).
    default : object
        The value used when the option is not given.
    low, high : float, optional
        Range of numeric values; ``low_open`` / ``high_open`` exclude the end itself.
    choices : tuple of str
        Accepted words (for example ``("local", "bic", "aic")``), besides the numeric range.
    allow_none : bool
        None is accepted (it means "the method's rule", see ``doc``).
    doc : str
        One line saying what the option does.
    requires : str, optional
        The input the option is meaningless without (``"observational"``); given without it, it is an error.
    inputs : tuple of str, optional
        Kinds of input (``"samples"``, ``"distribution"``, ``"marginals"``) the option applies to; None: all the
        method takes.

    Examples
    --------
    >>> epsilon = Option("epsilon", (float,), 0.01, low=0.0, high=1.0, high_open=True, doc="pruning threshold")
    >>> epsilon.describe()
    'a float in [0, 1)'
    >>> epsilon.accepts(0.5), epsilon.accepts(1.0), epsilon.accepts("0.5"), epsilon.accepts(True)
    (True, False, False, False)
    >>> epsilon.parse("1e-3")
    0.001
    """

    name: str
    types: tuple[type, ...] = ()
    default: Any = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    allow_none: bool = False
    doc: str = ""
    requires: str | None = None
    inputs: tuple[str, ...] | None = None

    def _of_type(self, value: object, kind: type) -> bool:
        if kind is bool:
            return isinstance(value, (bool, np.bool_))
        if isinstance(value, (bool, np.bool_)):
            return False
        if kind is int:
            return isinstance(value, (int, np.integer))
        if kind is float:
            return isinstance(value, (int, float, np.integer, np.floating))
        return isinstance(value, kind)

    def _in_range(self, value: float) -> bool:
        number = float(value)
        if not np.isfinite(number):
            return False
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            return False
        return not (self.high is not None and (number > self.high or (self.high_open and number == self.high)))

    def accepts(self, value: object) -> bool:
        """True when ``value`` is a valid setting of this option.

        Examples
        --------
        >>> Option("lift_steps", (int,), None, low=1, allow_none=True).accepts(2.5)
        False
        """
        if value is None:
            return self.allow_none
        if not self.types and not self.choices:
            return True
        if isinstance(value, str) and value in self.choices:
            return True
        for kind in self.types:
            if self._of_type(value, kind):
                return not isinstance(value, (int, float, np.integer, np.floating)) or self._in_range(value)
        return False

    def _range_text(self) -> str:
        if self.low is not None and self.high is not None:
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            return f" in {left}{_format_bound(self.low)}, {_format_bound(self.high)}{right}"
        if self.low is not None:
            return f" {'>' if self.low_open else '>='} {_format_bound(self.low)}"
        if self.high is not None:
            return f" {'<' if self.high_open else '<='} {_format_bound(self.high)}"
        return ""

    def describe(self) -> str:
        """The accepted values in words, as error messages and ``available_methods()`` show them.

        Examples
        --------
        >>> Option("penalty", (float,), "local", low=0.0, choices=("local", "bic", "aic")).describe()
        "'local', 'bic', 'aic' or a float >= 0"
        """
        parts = [repr(c) for c in self.choices]
        numeric = [k for k in self.types if k in _NUMBER_TYPES and k is not bool]
        for kind in self.types:
            text = _type_name(kind)
            if kind in numeric and kind is numeric[-1]:
                text += self._range_text()
            parts.append(text)
        if self.allow_none:
            parts.append("None")
        if not parts:
            return "any value"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]

    def parse(self, text: str) -> object:
        """Convert command-line text to this option's type (``"none"`` to None when allowed, ``"true"`` to a bool,
        digits to an int or float as declared). Text that fits no declared type is returned unchanged, for
        :func:`check_options` to reject with the accepted values.

        Examples
        --------
        >>> Option("lift_steps", (int,), None, low=1, allow_none=True).parse("none"), Option("n", (int,)).parse("3")
        (None, 3)
        >>> Option("joint_cpds", (bool,), False).parse("True")
        True
        """
        raw = text.strip()
        lowered = raw.lower()
        if self.allow_none and lowered in ("none", "null"):
            return None
        if raw in self.choices:
            return raw
        for kind in self.types:
            if kind is bool and lowered in ("true", "false"):
                return lowered == "true"
            if kind in (int, float) and kind is not bool:
                try:
                    return kind(raw)
                except ValueError:
                    continue
            if kind is str:
                return raw
        return raw


def check_options(
    options: Mapping[str, object],
    declared: Sequence[Option] | None,
    *,
    context: str,
    present: Collection[str] = (),
    exclusive: Sequence[Sequence[str]] = (),
) -> None:
    """Check a method's options against their declarations: the one place every entry point checks options.

    Raises a :class:`ParameterError` naming the option, the value and the accepted values for an unknown option,
    a value of the wrong type or out of range, an option whose required input is missing (``requires``), or two
    options of an ``exclusive`` group given together. Nothing is modified.

    Parameters
    ----------
    options : mapping
        The options as the caller gave them.
    declared : sequence of Option, or None
        What the method accepts; None: any name (a user method taking ``**kwargs``), values unchecked.
    context : str
        Who takes the options, for messages (``"method 'paper' on samples"``).
    present : collection of str
        Inputs given besides the data (``{"observational"}``), for options that require one.
    exclusive : sequence of sequences of str
        Groups of options of which at most one may be given.

    Examples
    --------
    >>> spec = [Option("epsilon", (float,), 0.01, low=0.0, high=1.0, high_open=True)]
    >>> check_options({"epsilon": 0.05}, spec, context="method 'paper'")
    >>> check_options({"epsilon": 2}, spec, context="method 'paper'")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: epsilon=2 is not valid for method 'paper': expected a float in [0, 1)
    >>> check_options({"epsilonn": 0.1}, spec, context="method 'paper'")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: unknown option(s) ['epsilonn'] for method 'paper'; it accepts ['epsilon']
    """
    if declared is None:
        return
    by_name = {option.name: option for option in declared}
    unknown = sorted(name for name in options if name not in by_name)
    if unknown:
        raise ParameterError(f"unknown option(s) {unknown} for {context}; it accepts {sorted(by_name)}")
    for name, value in options.items():
        option = by_name[name]
        if not option.accepts(value):
            raise ParameterError(f"{name}={value!r} is not valid for {context}: expected {option.describe()}")
        if option.requires is not None and option.requires not in present:
            raise ParameterError(
                f"{name}={value!r} applies only with {option.requires}= ({option.doc or 'see the method'}): "
                f"pass {option.requires}=... too"
            )
    for group in exclusive:
        given = [name for name in group if name in options]
        if len(given) > 1:
            raise ParameterError(f"pass at most one of {list(group)} for {context}; got {given}")


# ---------------------------------------------------------------------------------------------- other arguments
def check_count(name: str, value: object, *, low: int = 1) -> int:
    """Check a whole number of at least ``low`` (a row count, a chunk size); bools and floats are refused.

    Examples
    --------
    >>> check_count("chunksize", 1000)
    1000
    >>> check_count("chunksize", "x")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: chunksize must be an integer >= 1, got 'x'
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        raise ParameterError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_random_generator(name: str, value: object) -> np.random.Generator:
    """A numpy Generator from a seed: None, a non-negative integer, a ``SeedSequence``, a ``BitGenerator`` or a
    ``Generator`` (returned as is).

    Examples
    --------
    >>> type(check_random_generator("rng", 3)).__name__
    'Generator'
    >>> check_random_generator("rng", "x")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: rng must be None, a non-negative integer or a numpy Generator, got 'x'
    """
    seeds = (int, np.integer, np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)
    if value is not None and (isinstance(value, (bool, np.bool_)) or not isinstance(value, seeds)):
        raise ParameterError(f"{name} must be None, a non-negative integer or a numpy Generator, got {value!r}")
    try:
        return np.random.default_rng(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a negative integer
        raise ParameterError(f"{name} must be None, a non-negative integer or a numpy Generator, got {value!r}") \
            from None


def check_variables(variables: object, states: object) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Check the model's variables and their state names as the data readers take them, and return them as tuples.

    ``variables`` is a sequence of distinct names (not one string); ``states`` holds one sequence of distinct state
    names per variable, in the same order. State names are compared as text (``str``), as the data are.

    Examples
    --------
    >>> check_variables(["A", "B"], [["x", "y"], ["u"]])
    (('A', 'B'), (('x', 'y'), ('u',)))
    >>> check_variables(["A", "B", "A"], [["x"], ["u"], ["x"]])
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: variables lists 'A' more than once
    >>> check_variables(["A", "B"], [["x", "y"]])
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: states has 1 entries for 2 variables: the states of 'B' are missing
    """
    def _sequence(value: object) -> bool:
        return isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping))

    if not _sequence(variables):
        raise ParameterError(f"variables must be a sequence of variable names, got {type(variables).__name__}")
    names = tuple(variables)  # type: ignore[arg-type]
    if not names:
        raise ParameterError("variables is empty: the model needs at least one variable")
    for name in names:
        if not isinstance(name, str):
            raise ParameterError(f"variable names must be strings, got {name!r} ({type(name).__name__})")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ParameterError(f"variables lists {name!r} more than once")
        seen.add(name)
    if not _sequence(states):
        raise ParameterError(f"states must be a sequence with the state names of each variable, got "
                             f"{type(states).__name__}")
    states = tuple(states)  # type: ignore[arg-type]
    if len(states) != len(names):
        if len(states) < len(names):
            raise ParameterError(f"states has {len(states)} entries for {len(names)} variables: the states of "
                                 f"{names[len(states)]!r} are missing")
        raise ParameterError(f"states has {len(states)} entries for {len(names)} variables: one per variable "
                             "is needed")
    out = []
    for name, own in zip(names, states, strict=True):
        if not _sequence(own):
            raise ParameterError(f"the states of variable {name!r} must be a sequence of names, got {own!r}")
        text = tuple(str(s) for s in own)
        if not text:
            raise ParameterError(f"variable {name!r} has no states")
        if len(set(text)) != len(text):
            twice = next(s for i, s in enumerate(text) if s in text[:i])
            raise ParameterError(f"variable {name!r} lists state {twice!r} more than once")
        out.append(text)
    return names, tuple(out)


# ---------------------------------------------------------------------------------------------- likelihood method
#: The likelihood method's existence test (declared here so the method itself and the entry points share it).
EXISTENCE_PENALTY = Option(
    "existence_penalty", (float,), "ebic", low=0.0, choices=("bic", "ebic"), allow_none=True, inputs=("samples",),
    doc="log-likelihood a found target must be worth to be listed, else result.uncertain ('bic': log(n)/2; "
        "'ebic': plus the log of the number of targets of its size; None: no test)",
)


def existence_threshold(value: object, sample_size: float | None) -> float | None:
    """The threshold of the likelihood method's existence test from its ``existence_penalty`` option.

    ``"bic"``: ``log(n)/2`` (the BIC penalty of one weight on ``n`` rows); ``"ebic"``: the same base, to which the
    method adds each target's own term (the log of the number of targets of its size); a non-negative number:
    itself; None, or exact input (``sample_size`` None): no test. Anything else raises a :class:`ParameterError`.

    Examples
    --------
    >>> round(existence_threshold("bic", 10_000.0), 4), existence_threshold(2, 10.0), existence_threshold(None, 5.0)
    (4.6052, 2.0, None)
    >>> existence_threshold(-1.0, 10.0)
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: existence_penalty=-1.0 is not valid for method 'likelihood': expected \
'bic', 'ebic', a float >= 0 or None
    """
    check_options({"existence_penalty": value}, (EXISTENCE_PENALTY,), context="method 'likelihood'")
    if value is None or sample_size is None:
        return None
    if value in ("bic", "ebic"):
        return float(np.log(max(float(sample_size), 1.0)) / 2)
    return float(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- Gaussian fits
#: The settings of a Gaussian mixture fit (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp` and
#: the scikit-learn estimator around it), declared as data like the methods' options. Checked up front, so a bad
#: setting is named with the function or estimator the user called, never with a scikit-learn class inside.
GAUSSIAN_FIT_OPTIONS: tuple[Option, ...] = (
    Option("n_components", (int,), "auto", low=1, choices=("auto",), doc="number of components, or 'auto'"),
    Option("k_max", (int,), None, low=1, allow_none=True, doc="largest candidate count with 'auto'"),
    Option("selection", (), "bic", choices=("cutoff", "bic"), doc="BIC (default) or the paper's cutoff rule"),
    Option("cutoff_ratio", (float,), 0.07, low=0.0, low_open=True, doc="relative log-likelihood gain cutoff"),
    Option("n_init", (int,), 1, low=1, doc="EM starts per candidate count and initialisation scheme"),
    Option("alpha", (float,), None, low=0.0, high=1.0, low_open=True, high_open=True, allow_none=True,
           doc="level of the mechanism-change tests (None: BIC threshold)"),
    Option("reg_covar", (float,), 1e-6, low=0.0, doc="added to covariance diagonals"),
    Option("random_state", (int,), 0, low=0, high=2**32 - 1, allow_none=True, doc="seed"),
    Option("max_targets", (int,), None, low=0, allow_none=True, doc="at most this many targets per component"),
    Option("covariance_type", (), "full", choices=("full", "diag", "tied", "spherical"),
           doc="covariance type of the clustering"),
    Option("max_fit_rows", (int,), 200_000, low=1, allow_none=True, doc="rows the candidates are fitted on"),
    Option("progress", (bool,), False, doc="show progress bars"),
    Option("n_jobs", (int,), None, allow_none=True, doc="candidate fits: None threads, 1 in turn, 2+ or -1 processes"),
    Option("backward_restarts", (bool,), True, doc="refit each count from the next larger model"),
)


def check_gaussian_fit_options(settings: Mapping[str, object], *, context: str) -> None:
    """Check the settings of a Gaussian mixture fit against :data:`GAUSSIAN_FIT_OPTIONS`.

    Raises a :class:`ParameterError` naming the setting, its value, ``context`` (the function or estimator the
    user called) and the accepted values.

    Examples
    --------
    >>> check_gaussian_fit_options({"random_state": 0, "reg_covar": 1e-6}, context="MixtureSplitter")
    >>> check_gaussian_fit_options({"random_state": -1}, context="MixtureSplitter")
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: random_state=-1 is not valid for MixtureSplitter: expected an int in \
[0, 4294967295] or None
    """
    check_options(settings, GAUSSIAN_FIT_OPTIONS, context=context)
    if "n_jobs" in settings:
        check_n_jobs(settings["n_jobs"])  # type: ignore[arg-type]
