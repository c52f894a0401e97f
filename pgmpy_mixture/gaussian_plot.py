"""Plots of a fitted Gaussian mixture of interventions (needs matplotlib, the ``plot`` extra)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pgmpy_mixture.gaussian_result import GaussianMixtureFit

__all__ = ["plot_selection"]


def plot_selection(fit: GaussianMixtureFit, ax: Any = None) -> Any:
    """Plot the log-likelihood and BIC curves over the candidate counts, marking the chosen count.

    Parameters
    ----------
    fit : GaussianMixtureFit
        A fit whose candidate counts were scanned (``n_components="auto"``).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when omitted); BIC goes on a twin axis.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from pgmpy_mixture.gaussian_simulate import simulate_linear_mixture
    >>> from pgmpy_mixture.mixture_utigsp import fit_mixture_utigsp
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    >>> plot_selection(fit_mixture_utigsp(sim.data, random_state=0)).get_xlabel()
    'number of components k'
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
    return ax
