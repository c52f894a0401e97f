"""Pictures of a recovered mixture (needs matplotlib, the ``plot`` extra).

One figure per result, two panels sharing their rows (one row per component, heaviest first): on the left a grid
of the intervened variables with the state each component sets, on the right the weights with their Wald
confidence intervals ``weight +- z * stderr`` clipped to [0, 1] (when the method estimated standard errors) and,
when the truth is known, the true weights and the true components that were missed. True and recovered components
are paired by the exact target matching of UAI 2021, Appendix F (:func:`pgmpy_mixture.targets.match_targets`).

Nothing here depends on the result classes: a result is any object with ``components`` whose items have
``target``, ``weight``, ``label`` and ``stderr`` (and, optionally, ``network`` and ``method``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from pgmpy_mixture.errors import DataTypeError, DataValueError, ParameterError
from pgmpy_mixture.targets import format_target, match_targets

__all__ = ["draw_component_panels", "plot_mixture"]


def draw_component_panels(
    labels: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[str | None]],
    weights: Sequence[float],
    *,
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    true_weights: Sequence[float | None] | None = None,
    axes: Sequence[Any] | None = None,
    title: str | None = None,
    xlabel: str = "intervened variables",
) -> Any:
    """Draw the two panels: a grid (rows = components, columns = variables, a cell's text marks a target) and the
    weights as horizontal bars. Shared by :func:`plot_mixture` and the Gaussian
    :func:`~pgmpy_mixture.plotting.gaussian.plot_components`.

    Parameters
    ----------
    labels : sequence of str
        Row labels, top to bottom.
    columns : sequence of str
        Grid columns (variables).
    cells : sequence of sequence of str or None
        ``cells[i][j]``: text shown in the coloured cell where row ``i`` targets column ``j``, None elsewhere.
    weights : sequence of float
        Estimated weight of each row (0 for a missed true component).
    lower, upper : sequence of float, optional
        Interval bounds drawn as whiskers.
    true_weights : sequence of float or None, optional
        True weight of each row (None where the row matches no true component), drawn as black ticks.
    axes : pair of matplotlib Axes, optional
        Where to draw (a new figure when omitted).
    title : str, optional
    xlabel : str
        Label of the grid's x axis.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = draw_component_panels(["observational", "do(A=x)"], ["A"], [[None], ["x"]], [0.6, 0.4])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[1].get_xlabel()
    (['observational', 'do(A=x)'], 'weight')
    """
    import matplotlib.pyplot as plt

    n_rows, n_cols = len(labels), len(columns)
    if axes is None:
        width = min(4.0 + 0.45 * max(n_cols, 1), 16.0)
        fig, axes = plt.subplots(1, 2, figsize=(width + 4.0, 0.9 + 0.38 * max(n_rows, 1)), sharey=True,
                                 gridspec_kw={"width_ratios": [max(n_cols, 1), 4]})
    grid_ax, weight_ax = axes
    fig = grid_ax.figure
    rows = np.arange(n_rows)
    marked = np.array([[cells[i][j] is not None for j in range(n_cols)] for i in range(n_rows)], dtype=float)
    grid_ax.imshow(marked.reshape(n_rows, n_cols) if n_cols else np.zeros((n_rows, 1)), cmap="Blues", vmin=0,
                   vmax=1.6, aspect="auto", interpolation="nearest")
    for i in range(n_rows):
        for j in range(n_cols):
            if cells[i][j] is not None:
                grid_ax.text(j, i, str(cells[i][j]), ha="center", va="center", fontsize=7)
    grid_ax.set_xticks(np.arange(n_cols))
    grid_ax.set_xticklabels(list(columns), rotation=60, ha="right", fontsize=8)
    grid_ax.set_yticks(rows)
    grid_ax.set_yticklabels(list(labels), fontsize=8)
    grid_ax.set_xlabel(xlabel)
    weight_ax.barh(rows, weights, color="C0", alpha=0.75, label="estimated")
    if lower is not None and upper is not None:
        w = np.asarray(weights, dtype=float)
        err = np.vstack([w - np.asarray(lower, dtype=float), np.asarray(upper, dtype=float) - w])
        weight_ax.errorbar(w, rows, xerr=np.clip(err, 0, None), fmt="none", ecolor="k", capsize=3, lw=1,
                           label="confidence interval")
    if true_weights is not None:
        known = [(r, t) for r, t in zip(rows, true_weights, strict=True) if t is not None]
        if known:
            weight_ax.scatter([t for _, t in known], [r for r, _ in known], marker="|", s=220, color="k",
                              linewidths=2, label="true", zorder=3)
    weight_ax.set_xlabel("weight")
    weight_ax.set_xlim(0, max(1e-9, *np.asarray(weights, dtype=float),
                              *[t for t in (true_weights or []) if t is not None]) * 1.15)
    weight_ax.tick_params(axis="y", labelleft=False)
    weight_ax.legend(loc="lower right", fontsize=7)
    grid_ax.set_ylim(n_rows - 0.5, -0.5)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _wald_bounds(weights: Sequence[float], stderrs: Sequence[float], level: float) -> tuple[list[float], list[float]]:
    """Lower and upper Wald bounds ``weight -+ z * stderr`` clipped to [0, 1], ``z`` the normal quantile of
    ``level`` (the intervals of :meth:`pgmpy_mixture.result.MixtureResult.confidence_intervals`)."""
    from scipy.stats import norm

    if not 0 < level < 1:
        raise DataValueError(f"level must be in (0, 1), got {level!r}")
    z = float(norm.ppf(0.5 + level / 2))
    w = np.asarray(weights, dtype=float)
    se = np.asarray(stderrs, dtype=float)
    return np.clip(w - z * se, 0.0, 1.0).tolist(), np.clip(w + z * se, 0.0, 1.0).tolist()


def _true_components(truth: Any, network: Any = None) -> list[tuple[dict[str, str], float | None, str]]:
    """The true mixture as ``(target, weight, label)`` triples, whatever form it is given in.

    Parameters
    ----------
    truth : object with ``components``, MixtureSpec-like object, or sequence of components or targets
        A result-like object (its ``components``); an object whose ``components(network)`` method lists the
        components (a :class:`~pgmpy_mixture.discrete.simulate.MixtureSpec` of encoded targets); or a sequence
        whose items are components (``target`` and ``weight``) or bare targets ``{variable: state}``.
    network : optional
        Passed to ``truth.components(network)`` for a MixtureSpec-like truth.

    Returns
    -------
    list of (dict, float or None, str)
        Each true target, its weight (None for a bare target) and its label.

    Examples
    --------
    >>> _true_components([{"A": "x"}, {}])
    [({'A': 'x'}, None, 'do(A=x)'), ({}, None, 'observational')]
    """
    components = getattr(truth, "components", None)
    if callable(components):  # a MixtureSpec: encoded targets named through the network
        if network is None:
            raise DataValueError("the truth is a MixtureSpec of encoded targets: the result needs a network to name "
                                 "its states")
        items = list(components(network))
    elif components is not None:
        items = list(components)
    elif isinstance(truth, Iterable) and not isinstance(truth, str | bytes | Mapping):
        items = list(truth)
    else:
        raise DataTypeError(f"truth must be a result, a MixtureSpec or a sequence of components or targets, "
                            f"got {type(truth).__name__}")
    out: list[tuple[dict[str, str], float | None, str]] = []
    for pos, item in enumerate(items):
        if isinstance(item, Mapping):
            target = {str(k): str(v) for k, v in item.items()}
            out.append((target, None, format_target(target)))
        elif hasattr(item, "target") and hasattr(item, "weight"):
            target = {str(k): str(v) for k, v in item.target.items()}
            out.append((target, float(item.weight), getattr(item, "label", None) or format_target(target)))
        else:
            raise DataTypeError(f"true component {pos} is a {type(item).__name__}: give components or targets")
    return out


def plot_mixture(
    result: Any,
    truth: Any = None,
    *,
    level: float = 0.95,
    max_components: int = 40,
    axes: Sequence[Any] | None = None,
) -> Any:
    """Picture of a recovered mixture: which variable each component sets to which state, and its weight.

    Parameters
    ----------
    result : MixtureResult, or any object with ``components``
        Its components (items with ``target``, ``weight``, ``label`` and ``stderr``) are drawn in the order given.
        Its ``network`` (optional) orders the grid's columns and names the states of a MixtureSpec truth; its
        ``method`` (optional) titles the figure.
    truth : MixtureResult, MixtureSpec, or sequence of Component or of targets (``{variable: state}``), optional
        The true mixture (simulations): its weights are drawn as ticks on the matched rows (same target), and true
        components that were not recovered are added as rows labelled ``missed: ...`` with estimated weight 0.
        Bare targets mark what was missed without true weights.
    level : float
        Level of the weight intervals, drawn when every component has a standard error.
    max_components : int
        Draw at most this many recovered components (the first ones: a MixtureResult sorts them heaviest first).
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from pgmpy_mixture.result import Component, MixtureResult
    >>> r = MixtureResult([Component({}, 0.6, stderr=0.02), Component({"A": "x"}, 0.4, stderr=0.02)], "demo")
    >>> fig = plot_mixture(r, truth=[Component({}, 0.5), Component({"A": "x"}, 0.3), Component({"B": "y"}, 0.2)])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['observational', 'do(A=x)', 'missed: do(B=y)']
    """
    if not isinstance(max_components, int | np.integer) or isinstance(max_components, bool) or max_components < 1:
        raise ParameterError(f"max_components must be a positive integer, got {max_components!r}")
    components = list(result.components)
    network = getattr(result, "network", None)
    shown = components[:max_components]
    labels = [c.label for c in shown]
    weights = [float(c.weight) for c in shown]
    targets = [dict(c.target) for c in shown]
    lower = upper = None
    if shown and all(getattr(c, "stderr", None) is not None for c in components):
        lower, upper = _wald_bounds(weights, [c.stderr for c in shown], level)
    true_weights: list[float | None] | None = None
    if truth is not None:
        given = _true_components(truth, network)
        # matched against every recovered component: one left out of the picture is not "missed"
        matching = match_targets([t for t, _, _ in given], [c.target for c in components],
                                 true_weights=[0.0 if w is None else w for _, w, _ in given],
                                 estimated_weights=[float(c.weight) for c in components])
        true_weights = [None] * len(shown)
        for i, j in matching.pairs:
            if j < len(shown):
                true_weights[j] = given[i][1]
        for i in matching.unmatched_true:
            target, weight, label = given[i]
            labels.append(f"missed: {label}")
            weights.append(0.0)
            targets.append(target)
            true_weights.append(weight)
            if lower is not None and upper is not None:
                lower.append(0.0)
                upper.append(0.0)
    used = {v for t in targets for v in t}
    columns = [v for v in network.variables if v in used] if network is not None else sorted(used)
    columns += sorted(used - set(columns))
    cells = [[t.get(v) for v in columns] for t in targets]
    title = f"{getattr(result, 'method', type(result).__name__)}: {len(components)} components"
    if len(components) > len(shown):
        title += f" (the {len(shown)} heaviest shown)"
    return draw_component_panels(labels, columns, cells, weights, lower=lower, upper=upper,
                                 true_weights=true_weights, axes=axes, title=title)
