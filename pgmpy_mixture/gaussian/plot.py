"""Plots of a fitted Gaussian mixture of interventions (needs matplotlib, the ``plot`` extra).

* :func:`plot_selection` -- the model-selection curves of Mixture-UTIGSP's Algorithm 1 step 2 (Kumar, Shiragur &
  Uhler, NeurIPS 2024): average log-likelihood (the quantity of the paper's cutoff rule) and BIC per candidate count;
* :func:`plot_components` -- each component's changed mechanisms and weight, drawn by the panel drawer that the
  discrete results' pictures use (:func:`pgmpy_mixture.plotting.draw_component_panels`).

Both return the :class:`matplotlib.figure.Figure` they drew on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pgmpy_mixture.gaussian.result import GaussianMixtureFit
from pgmpy_mixture.plotting import draw_component_panels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_components", "plot_selection"]


def plot_selection(fit: GaussianMixtureFit, ax: Any = None) -> Figure:
    """Plot the log-likelihood and BIC curves over the candidate counts, marking the chosen count.

    Parameters
    ----------
    fit : GaussianMixtureFit
        A fit whose candidate counts were scanned (``n_components="auto"``).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when omitted); BIC goes on a twin axis.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax`` (the log-likelihood on its first axes, the BIC on the twin).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    >>> fig = plot_selection(fit_mixture_utigsp(sim.data, random_state=0))
    >>> fig.axes[0].get_xlabel(), fig.axes[1].get_ylabel()
    ('number of components k', 'BIC')
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    k = np.asarray(fit.candidates)
    ax.plot(k, fit.loglik_curve, "o-", color="C0", label="avg log-likelihood")
    ax.set_xlabel("number of components k")
    ax.set_ylabel("average log-likelihood", color="C0")
    ax.axvline(fit.n_components, color="grey", ls="--", label=f"chosen k={fit.n_components}")
    twin = ax.twinx()
    twin.plot(k, fit.bic_curve, "s-", color="C1", label="BIC")
    twin.set_ylabel("BIC", color="C1")
    ax.legend(loc="center right")
    return ax.figure


def plot_components(fit: GaussianMixtureFit, axes: Any = None) -> Figure:
    """Picture of the fitted mixture: for each component (heaviest first; rows labelled by the component number
    that ``predict`` returns), the variables whose mechanism differs from the observational component (``T``
    marks an identified target, ``~`` a change that is not one of its targets, e.g. cut by ``max_targets``), and
    its weight.

    Parameters
    ----------
    fit : GaussianMixtureFit
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    >>> fig = plot_components(fit_mixture_utigsp(sim.data, random_state=0))
    >>> sorted(t.get_text() for t in fig.axes[0].get_yticklabels())  # component number: what it is
    ['0: observational', '1: 1 target(s)', '2: 1 target(s)']
    """
    rows = [int(k) for k in np.argsort(-np.asarray(fit.weights), kind="stable")]
    labels = [f"{k}: observational" if k == fit.observational else f"{k}: {len(t)} target(s)"
              for k, t in enumerate(fit.targets)]
    changed = np.asarray(fit.changes[fit.observational], dtype=bool) if fit.changes.ndim == 3 else None
    cells = []
    for k in rows:
        row = []
        for j in range(len(fit.names)):
            if j in fit.targets[k]:
                row.append("T")
            elif changed is not None and changed[k, j] and k != fit.observational:
                row.append("~")
            else:
                row.append(None)
        cells.append(row)
    title = (f"{fit.n_components} components; mechanisms changed vs observational: "
             f"{fit.shift_density:.0%} (sparse single targets: {1 / len(fit.names):.0%})")
    return draw_component_panels([labels[k] for k in rows], list(fit.names), cells,
                                 [float(fit.weights[k]) for k in rows], axes=axes, title=title,
                                 xlabel="mechanism changed (T: target)")
