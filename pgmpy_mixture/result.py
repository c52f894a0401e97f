"""The one immutable result type shared by every method: :class:`MixtureResult`.

A result is a set of distinct targets with their mixing weights (UAI 2021, Section 3: the mixture is identified as
such a set). It is immutable, and it pickles and deep-copies (targets, options and diagnostics are
:class:`~pgmpy_mixture.targets.FrozenDict` objects), so results can be cached, saved with joblib or sent to other
processes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.targets import format_target, freeze, frozen_target

__all__ = ["Component", "MixtureResult", "format_target"]


@dataclass(frozen=True)
class Component:
    """One recovered intervention: its target and its mixing weight (immutable; pickles and deep-copies).

    Parameters
    ----------
    target : mapping of str to str
        ``variable -> state name`` of every intervened variable; empty for the observational component. Stored as
        a :class:`~pgmpy_mixture.targets.FrozenDict` (names converted with ``str``): it reads as a plain dict and
        refuses changes.
    weight : float
        Mixing weight ``pi``.
    stderr : float, optional
        Standard error of ``weight`` when the method estimated one (used by
        :meth:`MixtureResult.confidence_intervals`).
    existence : float, optional
        Score in [0, 1] of how sure the method is that this target exists (see the method's docs).

    Examples
    --------
    >>> c = Component({"A": "x"}, 0.25)
    >>> c.target["A"], c.weight, str(c)
    ('x', 0.25, 'do(A=x): 0.25')
    >>> c.target == {"A": "x"}, c.target
    (True, {'A': 'x'})
    """

    target: Mapping[str, str]
    weight: float
    stderr: float | None = None
    existence: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", frozen_target(self.target))
        object.__setattr__(self, "weight", float(self.weight))
        if self.stderr is not None:
            object.__setattr__(self, "stderr", float(self.stderr))
        if self.existence is not None:
            object.__setattr__(self, "existence", float(self.existence))

    @property
    def label(self) -> str:
        """``do(...)`` label of the target."""
        return format_target(self.target)

    @property
    def is_observational(self) -> bool:
        """True for the empty target."""
        return not self.target

    def __str__(self) -> str:
        return f"{self.label}: {self.weight:.4g}"

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.target.items())), self.weight))


def _sorted_uncertain(uncertain: Any, listed: list[tuple]) -> tuple[Component, ...]:
    """The set-aside components as a tuple sorted by weight (checked: Components, finite weights, new targets)."""
    if uncertain is None:
        return ()
    comps = tuple(uncertain)
    for c in comps:
        if not isinstance(c, Component):
            raise DataValueError(f"uncertain must hold Component objects, got {type(c).__name__}")
    keys = [tuple(sorted(c.target.items())) for c in comps]
    if len(set(keys)) != len(keys) or set(keys) & set(listed):
        raise DataValueError("uncertain components must have distinct targets, none of them listed in components")
    if any(not np.isfinite(c.weight) or c.weight < 0 for c in comps):
        raise DataValueError("uncertain component weights must be finite and non-negative")
    order = sorted(range(len(comps)), key=lambda i: (-comps[i].weight, len(comps[i].target), keys[i]))
    return tuple(comps[i] for i in order)


@dataclass(frozen=True, eq=False)
class MixtureResult:
    """Recovered mixture of interventions (immutable; pickles, deep-copies and saves with joblib).

    Parameters
    ----------
    components : sequence of Component
        Distinct targets; stored sorted by weight, descending.
    method : str
        Name of the method that produced the result.
    network : CausalNetwork, optional
        The network the targets refer to (needed for :meth:`responsibilities`).
    sample_size : int or float, optional
        Number of mixture samples (sum of count weights): an ``int`` for counts (a whole-number float is converted),
        a ``float`` for fractional weights; ``None`` for exact input.
    options : mapping
        Thresholds and settings used (epsilon, delta, ...); stored as a :class:`~pgmpy_mixture.targets.FrozenDict`.
    warnings : tuple of str
        Assumption or estimation problems met on the way.
    diagnostics : mapping
        Measured quantities (residuals, run time, ...); stored as a :class:`~pgmpy_mixture.targets.FrozenDict`.
    uncertain : sequence of Component
        Targets the method found but set aside because the data do not support them (for ``"likelihood"``: the
        log-likelihood drop from removing them is below the existence threshold, see its ``existence_penalty``),
        each with its weight in the fit that still held it; stored sorted by weight, descending. They are not in
        :attr:`components` (whose weights sum to one without them), :meth:`to_frame` or the ``repr`` table; empty
        for methods that set nothing aside.

    Examples
    --------
    >>> r = MixtureResult([Component({}, 0.3), Component({"A": "x"}, 0.7)], method="exact")
    >>> [c.label for c in r.components]
    ['do(A=x)', 'observational']
    >>> r.to_frame()["weight"].tolist()
    [0.7, 0.3]
    >>> import pickle
    >>> pickle.loads(pickle.dumps(r)).targets
    [{'A': 'x'}, {}]
    >>> MixtureResult([Component({}, 1.0)], "likelihood", uncertain=[Component({"A": "y"}, 1e-4)]).uncertain
    (Component(target={'A': 'y'}, weight=0.0001, stderr=None, existence=None),)
    """

    components: tuple[Component, ...]
    method: str
    network: CausalNetwork | None = None
    sample_size: int | float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    uncertain: tuple[Component, ...] = ()

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        keys = [tuple(sorted(c.target.items())) for c in comps]
        if len(set(keys)) != len(keys):
            raise DataValueError("components must have distinct targets")
        weights = np.array([c.weight for c in comps], dtype=float)
        if weights.size and (not np.all(np.isfinite(weights)) or np.any(weights < 0)):
            raise DataValueError("component weights must be finite and non-negative")
        order = sorted(range(len(comps)), key=lambda i: (-comps[i].weight, len(comps[i].target), keys[i]))
        object.__setattr__(self, "components", tuple(comps[i] for i in order))
        object.__setattr__(self, "options", freeze(self.options))
        object.__setattr__(self, "diagnostics", freeze(self.diagnostics))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "uncertain", _sorted_uncertain(self.uncertain, keys))
        size = self.sample_size
        if size is not None and not isinstance(size, bool | int):
            size = float(size)
            if not np.isfinite(size) or size < 0:
                raise DataValueError(f"sample_size must be a non-negative finite number or None, got {size!r}")
            object.__setattr__(self, "sample_size", int(size) if size.is_integer() and size < 2.0**53 else size)

    # ------------------------------------------------------------------ sequence protocol
    def __len__(self) -> int:
        return len(self.components)

    def __iter__(self) -> Iterator[Component]:
        return iter(self.components)

    def __getitem__(self, item: int) -> Component:
        return self.components[item]

    @property
    def weights(self) -> np.ndarray:
        """Mixing weights in component order."""
        return np.array([c.weight for c in self.components])

    @property
    def targets(self) -> list[dict[str, str]]:
        """Targets as plain dicts, in component order."""
        return [dict(c.target) for c in self.components]

    def including_uncertain(self) -> MixtureResult:
        """The result with the set-aside components listed again: the fit over every found target.

        A method that sets weak targets aside (``"likelihood"``'s existence test) lists the kept ones at their
        joint MLE without the others. This view lists every found target at its weight in the full fit, before the
        test, i.e. what the method returns with the test switched off (``existence_penalty=None``); the weights
        sum to one. The listed targets' full-fit weights, standard errors and scores come from
        ``diagnostics["full_fit"]``, which the likelihood method stores; a result without that record (built by
        hand) has its listed weights scaled by one minus the set-aside weight. Without set-aside components the
        result itself is returned.

        Examples
        --------
        >>> r = MixtureResult([Component({}, 1.0)], "likelihood", uncertain=[Component({"A": "y"}, 0.1)])
        >>> [str(c) for c in r.including_uncertain()]
        ['observational: 0.9', 'do(A=y): 0.1']
        >>> r.including_uncertain().uncertain
        ()
        """
        if not self.uncertain:
            return self
        full = self.diagnostics.get("full_fit")
        if full is not None:
            listed = [Component(c.target, **dict(full[c.label])) for c in self.components]
        else:
            scale = 1.0 - float(sum(c.weight for c in self.uncertain))
            listed = [Component(c.target, c.weight * scale) for c in self.components]
        return MixtureResult(
            components=[*listed, *self.uncertain],
            method=self.method,
            network=self.network,
            sample_size=self.sample_size,
            options=self.options,
            warnings=self.warnings,
            diagnostics=self.diagnostics,
        )

    # ------------------------------------------------------------------ views
    def to_frame(self) -> pd.DataFrame:
        """One row per component: label, weight, number of intervened variables, and the target.

        Examples
        --------
        >>> MixtureResult([Component({}, 1.0)], method="exact").to_frame().columns.tolist()
        ['target', 'weight', 'size', 'intervention']
        """
        return pd.DataFrame(
            {
                "target": [c.label for c in self.components],
                "weight": self.weights,
                "size": [len(c.target) for c in self.components],
                "intervention": [dict(c.target) for c in self.components],
            }
        )

    def __repr__(self) -> str:
        head = f"MixtureResult(method={self.method!r}, components={len(self)}"
        if self.sample_size is not None:
            head += f", sample_size={self.sample_size:g}"
        lines = [head + ")"]
        width = max([len(c.label) for c in self.components] + [6])
        lines.append(f"  {'target':<{width}}  weight")
        lines += [f"  {c.label:<{width}}  {c.weight:.6f}" for c in self.components]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame()[["target", "weight", "size"]].to_html(index=False)

    def plot(self, truth: Any = None, **options: Any) -> Any:
        """Picture of the mixture: the state each component sets on each intervened variable, and its weight
        (with intervals when the method stored standard errors, and the true weights when ``truth`` is given).
        Needs matplotlib (extra ``plot``); see :func:`pgmpy_mixture.plotting.mixture.plot_mixture` for the options.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> fig = MixtureResult([Component({}, 0.6), Component({"A": "x"}, 0.4)], "exact").plot()
        >>> fig.axes[0].get_xticklabels()[0].get_text()
        'A'
        """
        from pgmpy_mixture.plotting.mixture import plot_mixture

        return plot_mixture(self, truth, **options)

    def confidence_intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals of the weights from the standard errors the method stored.

        Wald intervals ``weight +- z * stderr`` clipped to [0, 1] (``z`` the normal quantile of ``level``),
        plus each component's existence score. Methods that estimate no standard errors raise; for those,
        :func:`pgmpy_mixture.uncertainty.bootstrap` gives percentile intervals.

        Examples
        --------
        >>> r = MixtureResult([Component({}, 0.6, stderr=0.05), Component({"A": "x"}, 0.4, stderr=0.05)], "demo")
        >>> r.confidence_intervals(0.95)[["lower", "upper"]].round(3).values.tolist()
        [[0.502, 0.698], [0.302, 0.498]]
        """
        from scipy.stats import norm

        if not 0 < level < 1:
            raise DataValueError(f"level must be in (0, 1), got {level!r}")
        if any(c.stderr is None for c in self.components):
            raise DataValueError(
                f"method {self.method!r} stored no standard errors; use pgmpy_mixture.uncertainty.bootstrap"
            )
        z = float(norm.ppf(0.5 + level / 2))
        se = np.array([c.stderr for c in self.components], dtype=float)
        return pd.DataFrame(
            {
                "target": [c.label for c in self.components],
                "weight": self.weights,
                "stderr": se,
                "lower": np.clip(self.weights - z * se, 0.0, 1.0),
                "upper": np.clip(self.weights + z * se, 0.0, 1.0),
                "existence": [np.nan if c.existence is None else c.existence for c in self.components],
            }
        )

    # ------------------------------------------------------------------ posterior over components
    def encoded_targets(self) -> np.ndarray:
        """Targets encoded against :attr:`network`, shape (m, n), -1 = not intervened.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.4, .6])})
        >>> MixtureResult([Component({"A": "y"}, 1.0)], "exact", network=net).encoded_targets().tolist()
        [[1]]
        """
        if self.network is None:
            raise DataValueError("this result carries no network; responsibilities need one")
        return self.network.encode_targets([c.target for c in self.components])

    def responsibilities(self, data: pd.DataFrame) -> pd.DataFrame:
        """Posterior probability of each component for each row of ``data`` (n x m frame).

        Rows impossible under every component (all likelihoods zero) get NaN.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact", network=net)
        >>> r.responsibilities(pd.DataFrame({"A": ["x", "y"]})).round(3).values.tolist()
        [[0.333, 0.667], [1.0, 0.0]]
        """
        from pgmpy_mixture.validation import encode_samples

        if not self.components:
            raise DataValueError(f"the {self.method!r} result has no components: no row has a posterior")
        targets = self.encoded_targets()
        codes, _ = encode_samples(data, self.network.variables, self.network.states)
        log_lik = self.network.log_likelihood(targets, codes)
        with np.errstate(divide="ignore"):
            log_post = log_lik + np.log(self.weights)[:, None]
        top = np.max(log_post, axis=0)
        finite = np.isfinite(top)
        post = np.full(log_post.shape, np.nan)
        shifted = np.exp(log_post[:, finite] - top[finite])
        post[:, finite] = shifted / shifted.sum(axis=0)
        return pd.DataFrame(post.T, index=data.index, columns=[c.label for c in self.components])
