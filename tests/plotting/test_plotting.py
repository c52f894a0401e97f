"""Pictures of recovered mixtures: what is drawn matches the result (rows, cells, bars, intervals, true ticks)."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pgmpy_mixture.cli import main  # noqa: E402
from pgmpy_mixture.discrete.simulate import MixtureSpec, random_network  # noqa: E402
from pgmpy_mixture.errors import DataTypeError, DataValueError, ParameterError  # noqa: E402
from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp  # noqa: E402
from pgmpy_mixture.gaussian.plot import plot_components  # noqa: E402
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture  # noqa: E402
from pgmpy_mixture.plotting import draw_component_panels, plot_mixture  # noqa: E402
from pgmpy_mixture.result import Component, MixtureResult  # noqa: E402

VARIABLES = ["A", "B", "C", "D"]
STATES = ["lo", "mid", "hi"]


@st.composite
def mixtures(draw):
    """A random result (distinct targets, optional standard errors) and a random truth overlapping it."""
    targets = draw(st.lists(
        st.dictionaries(st.sampled_from(VARIABLES), st.sampled_from(STATES), max_size=3),
        min_size=1, max_size=6, unique_by=lambda t: tuple(sorted(t.items()))))
    weights = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=len(targets), max_size=len(targets))))
    weights /= weights.sum()
    with_se = draw(st.booleans())
    se = 0.01 if with_se else None
    result = MixtureResult([Component(t, w, stderr=se) for t, w in zip(targets, weights, strict=True)], "test")
    keep = draw(st.lists(st.booleans(), min_size=len(targets), max_size=len(targets)))
    extra = draw(st.dictionaries(st.sampled_from(VARIABLES), st.sampled_from(STATES), min_size=1, max_size=2))
    truth = [Component(t, 0.5 * w) for t, w, k in zip(targets, weights, keep, strict=True) if k]
    if all(dict(c.target) != extra for c in truth) and all(t != extra for t in targets):
        truth.append(Component(extra, 0.1))
    return result, truth


def _bars(ax):
    return sorted((round(p.get_y() + p.get_height() / 2), p.get_width()) for p in ax.patches)


@settings(max_examples=25, deadline=None)
@given(mixtures())
def test_rows_cells_bars_and_true_ticks_match_the_result(case):
    result, truth = case
    fig = plot_mixture(result, truth=truth)
    grid, weights = fig.axes
    labels = [t.get_text() for t in grid.get_yticklabels()]
    matched = {c.label for c in truth} & {c.label for c in result}
    missed = [c for c in truth if c.label not in {r.label for r in result}]
    assert labels == [c.label for c in result] + [f"missed: {c.label}" for c in missed]
    # the grid: one column per intervened variable, each cell's text the state the row sets
    columns = [t.get_text() for t in grid.get_xticklabels()]
    rows = list(result) + missed
    assert set(columns) == {v for c in rows for v in c.target}
    texts = {(round(t.get_position()[1]), columns[round(t.get_position()[0])]): t.get_text() for t in grid.texts}
    assert texts == {(i, v): s for i, c in enumerate(rows) for v, s in c.target.items()}
    # the bars: estimated weights, 0 for missed rows
    assert np.allclose([w for _, w in _bars(weights)], [c.weight for c in result] + [0.0] * len(missed))
    # the true ticks: on matched and missed rows, at the true weight
    ticks = [c for c in weights.collections if c.get_label() == "true"]
    if matched or missed:
        (scatter,) = ticks
        drawn = sorted(map(tuple, np.round(scatter.get_offsets(), 12)))
        true_weight = {c.label: c.weight for c in truth}
        expected = sorted((round(true_weight[label.removeprefix("missed: ")], 12), float(i))
                          for i, label in enumerate(labels) if label.removeprefix("missed: ") in true_weight)
        assert drawn == expected
    else:
        assert not ticks
    has_interval = any(c.get_label() == "confidence interval" for c in weights.containers)
    assert has_interval == (result[0].stderr is not None)
    plt.close(fig)


def test_gaussian_components_picture_marks_the_identified_targets():
    sim = simulate_linear_mixture(n_nodes=4, n_samples=6000, targets="half", random_state=3)
    fit = fit_mixture_utigsp(sim.data, random_state=0)
    fig = plot_components(fit)
    grid, weights = fig.axes
    order = np.argsort(-fit.weights, kind="stable")
    assert [t.get_text() for t in grid.get_yticklabels()][0].startswith(f"{order[0]}:")
    marks = sorted((round(t.get_position()[1]), round(t.get_position()[0])) for t in grid.texts if t.get_text() == "T")
    expected = sorted((row, j) for row, k in enumerate(order) for j in fit.targets[k])
    assert marks == expected
    assert np.allclose(sorted(p.get_width() for p in weights.patches), sorted(fit.weights))
    plt.close(fig)


def test_demo_disentangle_and_split_write_pictures(tmp_path, capsys):
    demo_png, dis_png, split_png = tmp_path / "demo.png", tmp_path / "dis.png", tmp_path / "split.png"
    assert main(["demo", "--samples", "50000", "--quiet", "--plot", str(demo_png)]) == 0
    data = tmp_path / "mix.csv"
    assert main(["simulate", "--model", "example:survey", "--samples", "20000", "--targets", "3", "--out",
                 str(data)]) == 0
    assert main(["disentangle", "--model", "example:survey", "--data", str(data), "--plot", str(dis_png)]) == 0
    sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    np.savetxt(tmp_path / "x.csv", sim.data, delimiter=",", header="a,b", comments="")
    assert main(["split", "--data", str(tmp_path / "x.csv"), "--plot-components", str(split_png)]) == 0
    for png in (demo_png, dis_png, split_png):
        assert png.read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()


def test_bare_true_targets_mark_missed_components_without_true_weights():
    result = MixtureResult([Component({}, 0.7), Component({"A": "x"}, 0.3)], "test")
    fig = plot_mixture(result, truth=[{}, {"B": "y"}])
    grid, weights = fig.axes
    assert [t.get_text() for t in grid.get_yticklabels()] == ["observational", "do(A=x)", "missed: do(B=y)"]
    assert not [c for c in weights.collections if c.get_label() == "true"]
    plt.close(fig)


def test_components_left_out_of_the_picture_are_not_called_missed():
    result = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.3), Component({"B": "y"}, 0.2)], "test")
    fig = plot_mixture(result, truth=list(result.components) + [Component({"C": "z"}, 0.1)], max_components=1)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["observational", "missed: do(C=z)"]
    assert "2 heaviest" not in fig._suptitle.get_text() and "(the 1 heaviest shown)" in fig._suptitle.get_text()
    plt.close(fig)
    with pytest.raises(ParameterError, match="max_components"):
        plot_mixture(result, max_components=0)


def _rows(fig):
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def _true_ticks(fig):
    (scatter,) = [c for c in fig.axes[1].collections if c.get_label() == "true"]
    return sorted((float(y), round(float(x), 12)) for x, y in scatter.get_offsets())


def _whiskers(fig):
    (bars,) = [c for c in fig.axes[1].containers if c.get_label() == "confidence interval"]
    _, _, (lines,) = bars
    return sorted((float(seg[0, 1]), float(seg[0, 0]), float(seg[1, 0])) for seg in lines.get_segments())


def test_package_level_names_are_the_module_functions():
    from pgmpy_mixture.plotting import mixture

    assert plot_mixture is mixture.plot_mixture and draw_component_panels is mixture.draw_component_panels


@pytest.mark.parametrize("level", [0.5, 0.95])
def test_whiskers_are_the_results_confidence_intervals(level):
    result = MixtureResult([Component({}, 0.6, stderr=0.05), Component({"A": "x"}, 0.3, stderr=0.5),
                            Component({"B": "y"}, 0.1, stderr=0.01)], "demo")
    fig = plot_mixture(result, level=level)
    table = result.confidence_intervals(level)
    expected = sorted(zip(map(float, range(3)), table["lower"], table["upper"], strict=True))
    np.testing.assert_allclose(_whiskers(fig), expected, rtol=0, atol=1e-12)
    assert table["lower"].iloc[1] == 0.0  # the clipped lower end of do(A=x) is drawn clipped
    plt.close(fig)


def test_any_result_like_object_is_drawn_without_the_result_classes():
    from types import SimpleNamespace

    comps = [SimpleNamespace(target={"A": "x"}, weight=0.7, label="do(A=x)", stderr=None),
             SimpleNamespace(target={}, weight=0.3, label="observational", stderr=None)]
    fig = plot_mixture(SimpleNamespace(components=comps), truth=[{"A": "x"}, {"B": "y"}])
    assert _rows(fig) == ["do(A=x)", "observational", "missed: do(B=y)"]
    assert fig._suptitle.get_text() == "SimpleNamespace: 2 components"
    assert not [c for c in fig.axes[1].containers if c.get_label() == "confidence interval"]
    plt.close(fig)


def test_a_mixture_spec_truth_is_named_through_the_results_network():
    net = random_network(3, graph="chain", n_states=3, rng=0)
    spec = MixtureSpec(np.array([[-1, -1, -1], [2, -1, -1], [-1, 1, 0]]), np.array([0.5, 0.3, 0.2]), np.zeros(3))
    result = MixtureResult([Component({}, 0.55), Component({"V0": "s2"}, 0.45)], "demo", network=net)
    fig = plot_mixture(result, truth=spec)
    assert _rows(fig) == ["observational", "do(V0=s2)", "missed: do(V1=s1, V2=s0)"]
    assert _true_ticks(fig) == [(0.0, 0.5), (1.0, 0.3), (2.0, 0.2)]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["V0", "V1", "V2"]  # the network's order
    plt.close(fig)
    with pytest.raises(DataValueError, match="network"):
        plot_mixture(MixtureResult(list(result.components), "demo"), truth=spec)
    for bad in ("observational", 3, [("A", "x")]):
        with pytest.raises(DataTypeError):
            plot_mixture(result, truth=bad)
