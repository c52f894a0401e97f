"""Plots of a Gaussian fit (:mod:`pgmpy_mixture.gaussian.plot`): both return the matplotlib Figure they drew, with
the fit's own numbers on it."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp  # noqa: E402
from pgmpy_mixture.gaussian.plot import plot_components, plot_selection  # noqa: E402
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture  # noqa: E402


@pytest.fixture(scope="module")
def fit():
    sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    return fit_mixture_utigsp(sim.data, random_state=0)


def test_plot_selection_draws_the_fit_curves_on_a_figure(fit):
    fig = plot_selection(fit)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    curve, chosen = fig.axes[0].lines
    (bic,) = fig.axes[1].lines
    assert np.array_equal(curve.get_xdata(), fit.candidates) and np.array_equal(curve.get_ydata(), fit.loglik_curve)
    assert np.array_equal(bic.get_ydata(), fit.bic_curve)
    assert list(chosen.get_xdata()) == [fit.n_components, fit.n_components]
    plt.close(fig)


def test_plot_selection_on_given_axes_returns_their_figure(fit):
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_selection(fit, ax=right) is fig
    assert not left.lines and right.get_xlabel() == "number of components k"
    plt.close(fig)


def test_plot_components_returns_a_figure_with_one_row_per_component(fit):
    fig = plot_components(fit)
    assert isinstance(fig, Figure)
    grid, weights = fig.axes
    assert len(grid.get_yticklabels()) == fit.n_components
    assert np.allclose(sorted(p.get_width() for p in weights.patches), sorted(fit.weights))
    plt.close(fig)


def test_the_former_module_path_is_this_module():
    import pgmpy_mixture.gaussian.plot as new
    import pgmpy_mixture.gaussian_plot as old

    assert old is new
