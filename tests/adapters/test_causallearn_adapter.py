"""Tests of the causal-learn adapter: MixtureSplitter as a scikit-learn estimator and real causal-learn runs."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("causallearn")
pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402

from pgmpy_mixture.adapters.causallearn import (  # noqa: E402
    MixtureSplitter,
    adjacency_to_graph,
    graph_to_adjacency,
)
from pgmpy_mixture.errors import (  # noqa: E402
    DataValueError,
    FeatureNamesWarning,
    MissingVariableError,
    ParameterError,
)
from pgmpy_mixture.gaussian.graphs import icpdag  # noqa: E402
from pgmpy_mixture.gaussian.metrics import adjusted_rand, shd  # noqa: E402
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    sim = simulate_linear_mixture(n_nodes=4, n_samples=4000, targets="all", random_state=0)
    frame = pd.DataFrame(sim.data, columns=["a", "b", "c", "d"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = MixtureSplitter(n_components="auto", n_init=2, random_state=0).fit(frame)
    return sim, frame, sp


def test_sklearn_conventions(fitted):
    sim, frame, sp = fitted
    params = sp.get_params()
    assert params["n_components"] == "auto" and params["cutoff_ratio"] == 0.07
    other = clone(sp).set_params(n_components=5, cutoff_ratio=0.1)
    assert other.n_components == 5 and not hasattr(other, "fit_")
    assert sp.fit(frame) is sp
    assert sp.n_components_ == 5
    assert np.isclose(sp.weights_.sum(), 1.0) and sp.means_.shape == (5, 4) and sp.covariances_.shape == (5, 4, 4)
    assert list(sp.feature_names_in_) == ["a", "b", "c", "d"]
    assert sp.labels_.shape == (4000,)
    assert np.array_equal(sp.predict(frame), sp.labels_)
    with pytest.warns(FeatureNamesWarning, match="fitted with feature names"):  # scikit-learn's convention
        proba = sp.predict_proba(frame.to_numpy())
    assert proba.shape == (4000, 5) and np.allclose(proba.sum(1), 1)
    assert sp.targets_[sp.observational_component_] == set()
    assert sorted(map(sorted, sp.target_names())) == [[], ["a"], ["b"], ["c"], ["d"]]
    assert sp.loglik_curve_.shape == sp.bic_curve_.shape == (5,)


def test_large_data_subsample_then_refine(fitted):
    """max_fit_rows: clustering on 1500 of the 4000 rows, then refined on all; same targets, every row labelled."""
    sim, frame, sp = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = MixtureSplitter(n_components="auto", n_init=2, random_state=0, max_fit_rows=1500).fit(frame)
    assert small.get_params()["max_fit_rows"] == 1500 and small.fit_.n_samples == len(frame)
    assert sorted(map(sorted, small.target_names())) == sorted(map(sorted, sp.target_names()))
    assert len(small.labels_) == len(frame)
    assert adjusted_rand(sp.labels_, small.labels_) > 0.99


@pytest.mark.parametrize("d, run", [(4, 4), (6, 0), (6, 1), (6, 4), (4, 0)])
def test_essential_graph_is_the_true_interventional_cpdag(d, run):
    """Half the nodes intervened, 2^12 rows (the benchmark's runs that are exact there): the essential graph is
    the true I-CPDAG, undirected edges included (the first four cases have one; the last is fully oriented)."""
    sim = simulate_linear_mixture(n_nodes=d, n_samples=2**12, targets="half", random_state=1000 * d + 10 * run + 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = MixtureSplitter(random_state=run).fit(sim.data)
    truth = icpdag(sim.sem.adjacency, sim.targets)
    assert np.array_equal(graph_to_adjacency(sp.essential_graph()), truth)
    assert (truth & truth.T).any() == ((d, run) != (4, 0))


def test_split_and_context(fitted):
    sim, frame, sp = fitted
    parts = sp.split(frame)
    assert len(parts) == 5 and sum(len(p) for p in parts) == 4000
    assert all(isinstance(p, pd.DataFrame) and list(p.columns) == list("abcd") for p in parts)
    with pytest.warns(FeatureNamesWarning):  # fitted on a DataFrame: columns matched by position
        arrays = sp.split(sim.data)
    assert all(isinstance(p, np.ndarray) for p in arrays)
    c = sp.context_index()
    assert c.shape == (4000, 1) and c.dtype == np.float64


@pytest.mark.parametrize("method", ["sem", "pc", "cdnod", "ges", "grasp", "boss"])
def test_discover_runs_causallearn(fitted, method):
    """The causal-learn searches really run on the split; graphs come back over the column names and are close to
    the truth (SHD against the true DAG's I-CPDAG for the interventional methods, CPDAG for the others)."""
    sim, frame, sp = fitted
    graph, targets = sp.discover(frame, method=method)
    assert graph.get_node_names() == ["a", "b", "c", "d"]
    adj = graph_to_adjacency(graph)
    truth = sim.sem.adjacency
    if method in ("sem", "pc", "cdnod"):
        assert shd(icpdag(truth, sim.targets), adj) <= 1
    else:
        assert shd(icpdag(truth), adj) <= 1
    assert targets == sp.targets_


def test_the_default_pipeline_recovers_the_dag():
    """``MixtureSplitter().fit(X).discover(X)`` on its defaults: the right count (BIC), the targets, and the true
    DAG (SHD 0, an undirected edge would count) from the default search, which the result names. Before, the
    default cutoff rule and PC gave SHD 8 on this instance (measured)."""
    sim = simulate_linear_mixture(n_nodes=5, n_samples=4000, targets=[[1], [3]], kind="soft", mean_shift=4.0,
                                  variance_scale=1.0, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = MixtureSplitter().fit(sim.data)
    found = sp.discover(sim.data)
    assert sp.n_components_ == 3 and sorted(sorted(t) for t in sp.targets_) == [[], [1], [3]]
    assert found.method == "sem" and found.alpha == 0.001  # SEM_ALPHA, the level of the order-based DAG's tests
    assert sp.discover(sim.data, method="pc").alpha == 0.01  # causal-learn's searches keep their customary level
    graph, targets = found
    assert shd(sim.sem.adjacency, graph_to_adjacency(graph)) == 0 and targets == sp.targets_


def test_auto_search_leaves_the_order_when_shifts_are_dense(fitted):
    """The order-based DAG relies on sparse mechanism shifts: when the fit says they are dense (as on Sachs, where
    "sem" scored SHD 32 against the 18-edge DAG), the default search is causal-learn's PC on the split."""
    sim, frame, sp = fitted
    assert sp.discover(frame).method == "sem"
    dense = clone(sp).fit(frame)
    dense.shift_density_ = 0.9
    assert dense.discover(frame).method == "pc"


def test_splitter_progress_counts_the_candidates(capsys):
    """``MixtureSplitter(progress=True)`` shows one bar over the candidate counts (1..d+1 and the helper d+2)."""
    sim = simulate_linear_mixture(n_nodes=2, n_samples=600, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MixtureSplitter(progress=True, n_init=1).fit(sim.data)
    err = capsys.readouterr().err
    assert "Gaussian mixtures" in err and "/4" in err


def test_discovery_names_the_search_that_ran(fitted):
    sim, frame, sp = fitted
    found = sp.discover(frame, method="pc", alpha=0.05)
    assert (found.method, found.alpha) == ("pc", 0.05) and "method='pc'" in repr(found)
    assert found.graph is found[0] and found.targets is found[1] and len(found) == 2


def test_cdnod_directly_with_context_index(fitted):
    from causallearn.search.ConstraintBased.CDNOD import cdnod

    sim, frame, sp = fitted
    cg = cdnod(sim.data, sp.context_index(), show_progress=False)
    adj = graph_to_adjacency(cg.G)
    # the context node comes last; fisherz treats the label as numeric, so it need not reach every target,
    # but it must be adjacent to most of them and never be a child
    assert adj.shape == (5, 5) and (adj[:4, 4] | adj[4, :4]).sum() >= 3


def test_grasp_seeded_reproducible(fitted):
    sim, frame, sp = fitted
    g1, _ = sp.discover(frame, method="grasp")
    g2, _ = sp.discover(frame, method="grasp")
    assert np.array_equal(graph_to_adjacency(g1), graph_to_adjacency(g2))


def test_errors(fitted):
    sim, frame, sp = fitted
    with pytest.raises(ParameterError, match="method"):
        sp.discover(frame, method="lingam")
    with pytest.raises(ParameterError, match="not fitted"):
        MixtureSplitter().predict(frame)
    with pytest.raises(MissingVariableError, match=r"missing:\n- c\n- d"):
        sp.predict(frame[["a", "b"]])
    with pytest.raises(DataValueError, match="expecting 4 features"):
        sp.predict(frame.to_numpy()[:, :2])


def test_utigsp_optional(fitted):
    """UT-IGSP (optional extra; ``tox -e utigsp``) on our split: targets line up with the components."""
    pytest.importorskip("graphical_model_learning")
    sim, frame, sp = fitted
    graph, targets = sp.discover(frame, method="utigsp", alpha=1e-3)
    assert graph.get_node_names() == list("abcd") and len(targets) == sp.n_components_
    assert targets[sp.observational_component_] == set()
    assert all(isinstance(v, int) and 0 <= v < 4 for t in targets for v in t)
    # on this instance UT-IGSP finds the true DAG (measured: SHD 0; 0-4 over simulation seeds 0-4)
    assert shd(sim.sem.adjacency, graph_to_adjacency(graph)) <= 1


def test_plot_selection(fitted):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    sim, frame, sp = fitted
    fig = sp.plot_selection()
    assert isinstance(fig, Figure)
    curve, bic = fig.axes[0].lines[0], fig.axes[1].lines[0]
    assert np.array_equal(curve.get_ydata(), sp.loglik_curve_) and np.array_equal(bic.get_ydata(), sp.bic_curve_)
    plt.close(fig)


def test_graph_roundtrip():
    rng = np.random.default_rng(0)
    adj = np.triu(rng.random((5, 5)) < 0.5, k=1)
    adj[0, 1] = adj[1, 0] = True
    assert np.array_equal(graph_to_adjacency(adjacency_to_graph(adj, list("vwxyz"))), adj)


@pytest.mark.slow
def test_benchmark_scripts_smoke(tmp_path):
    """Both benchmark scripts run as a user would (tiny grid; Sachs skips cleanly without the data)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "neurips2024_simulation.py"), "--nodes", "3",
                           "--log2-samples", "10", "--runs", "1", "--no-strength", "--n-init", "1",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "| selection | targets | d | log2M |" in done.stdout
    assert "runs with a wrong I-CPDAG" in done.stdout
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "gaussian_scale.py"), "--sizes", "3000",
                           "--no-parallel", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "| 3e+03 | all rows |" in done.stdout and (tmp_path / "gaussian_scale.md").exists()
    assert (tmp_path / "neurips2024_simulation.csv").exists()
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "sachs.py"), "--seeds", "0",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=900, cwd=root)
    assert done.returncode == 0, done.stderr
    assert ("skipping" in done.stdout) or ("oracle split" in done.stdout)
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "sachs_orders.py"), "--seeds", "0",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=900, cwd=root)
    assert done.returncode == 0, done.stderr
    # the documented oracle-split score of our order-based DAG (12 against the 18-edge DAG) must not drift
    assert ("skipping" in done.stdout) or ("| oracle split | 1 | 0.67 | 12.0 " in done.stdout)


# ------------------------------------------------------------------------------------------ settings and extras
BAD_SETTINGS = [
    ("random_state", "x"), ("random_state", -1), ("random_state", 1.5), ("random_state", 2**32),
    ("reg_covar", -1), ("reg_covar", float("nan")), ("n_init", 0), ("n_init", "3"), ("selection", "aic"),
    ("covariance_type", "full "), ("n_components", 0), ("n_components", "many"), ("cutoff_ratio", -0.1),
    ("alpha", 2), ("alpha", True), ("k_max", 0), ("max_targets", -1), ("max_fit_rows", 0), ("progress", "yes"),
    ("n_jobs", 0), ("n_jobs", 1.5), ("backward_restarts", None),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
def test_bad_settings_name_our_estimator_and_setting(name, value):
    # before: scikit-learn's InvalidParameterError naming GaussianMixture (random_state="x", -1, 1.5, reg_covar=-1),
    # or a raw TypeError (n_init="3")
    from pgmpy_mixture.gaussian.mixture_utigsp import fit_mixture_utigsp

    X = np.random.default_rng(0).normal(size=(200, 3))
    with pytest.raises(ParameterError, match=rf"{name}=.* is not valid for MixtureSplitter|{name} must") as info:
        MixtureSplitter(**{name: value}).fit(X)
    assert "GaussianMixture" not in str(info.value)
    with pytest.raises(ParameterError, match=rf"{name}=.* is not valid for fit_mixture_utigsp|{name} must"):
        fit_mixture_utigsp(X, **{name: value})


def test_without_causallearn_discover_says_which_extra_before_any_work(fitted, monkeypatch):
    # before: ModuleNotFoundError from inside the search
    import sys

    from pgmpy_mixture.errors import MissingDependencyError

    _, frame, sp = fitted
    monkeypatch.setitem(sys.modules, "causallearn", None)
    for method in ("pc", "ges", "sem"):
        with pytest.raises(MissingDependencyError, match=r'causal-learn|"causallearn" extra'):
            sp.discover(None, method=method)  # the dependency is checked before the data (None would fail there)
    with pytest.raises(MissingDependencyError, match=r'pip install "pgmpy-mixture\[causallearn\]"'):
        sp.essential_graph()
