"""causal-learn step: split a Gaussian mixture of interventions, then run causal-learn searches on the parts.

:class:`MixtureSplitter` is a scikit-learn estimator around
:func:`pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp` (Mixture-UTIGSP's disentangling step, NeurIPS
2024, with the observational component and the targets identified from the mixture alone). Its output feeds
causal-learn:

* ``split(X)`` -- one array per component (causal-learn searches take numpy arrays);
* ``context_index()`` -- the (n, 1) label column that ``cdnod(X, c_indx)`` wants;
* ``discover(X, method)`` -- ``"auto"`` (the default: ``"sem"`` when the components look like sparse
  interventions, else ``"pc"``), ``"sem"`` (our order-based DAG,
  :func:`~pgmpy_mixture.gaussian.mixture_utigsp.estimate_dag`), ``"pc"`` (JCI style: PC on
  ``[X, one-hot context]`` with the contexts in tier 0 and no edges between them), ``"cdnod"``, ``"ges"``,
  ``"grasp"``, ``"boss"`` (score-based, on the rows of the observational component) or ``"utigsp"``
  (graphical-model-learning's UT-IGSP on the split, optional extra).
  Returns a :class:`Discovery`: the pair of a causal-learn ``GeneralGraph`` over the data's columns and the targets
  (list of sets of column indices), with the search that ran as ``.method``.

Pitfalls handled: causal-learn's ``cache_path`` is never used (its key collides on large arrays); GRaSP, BOSS and
UT-IGSP shuffle with Python's global ``random``, which is seeded from ``random_state``; progress bars are off.

Examples
--------
>>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
>>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=0)
>>> sp = MixtureSplitter(n_components=4, random_state=0).fit(sim.data)
>>> sp.n_components_, len(sp.split(sim.data)), sp.context_index().shape
(4, 4, (3000, 1))
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import random

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from pgmpy_mixture.errors import NotFittedError, ParameterError, missing_dependency, require, warn_at_caller
from pgmpy_mixture.gaussian.mixture_utigsp import (
    DAG_ALPHA,
    GaussianMixtureFit,
    estimate_dag,
    estimate_essential_graph,
    fit_mixture_utigsp,
)
from pgmpy_mixture.validation import check_fit_matrix, check_prediction_matrix, check_test_level
from pgmpy_mixture.validation.parameters import GAUSSIAN_FIT_OPTIONS, check_gaussian_fit_options

__all__ = ["MixtureSplitter", "Discovery", "graph_to_adjacency", "adjacency_to_graph"]

METHODS = ("auto", "pc", "cdnod", "ges", "grasp", "boss", "sem", "utigsp")

#: Above this share of changed mechanisms per component (``shift_density_``) the sparse-shift model behind the
#: order-based DAG looks violated (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.check_sparse_shifts` warns), and
#: ``discover(method="auto")`` runs causal-learn's PC on the split instead.
SPARSE_SHIFT_LIMIT = 0.5

#: ``discover``'s default test level for causal-learn's searches and UT-IGSP
SEARCH_ALPHA = 0.01


class Discovery(tuple):
    """What :meth:`MixtureSplitter.discover` returns: the pair ``(graph, targets)`` (so ``graph, targets =
    sp.discover(X)`` unpacks it) that also says which search ran (``method``) at which level (``alpha``).

    Examples
    --------
    >>> found = Discovery("G", [set()], "sem", 0.01)
    >>> graph, targets = found
    >>> graph, targets, found.method, found.alpha
    ('G', [set()], 'sem', 0.01)
    """

    method: str
    alpha: float

    def __new__(cls, graph, targets, method: str, alpha: float) -> Discovery:
        pair = super().__new__(cls, (graph, targets))
        pair.method, pair.alpha = method, alpha
        return pair

    @property
    def graph(self):
        """The causal-learn ``GeneralGraph`` over the columns."""
        return self[0]

    @property
    def targets(self) -> list:
        """One entry per component (see :meth:`MixtureSplitter.discover`)."""
        return self[1]

    def __repr__(self) -> str:
        return f"Discovery(method={self.method!r}, alpha={self.alpha!r}, targets={self.targets!r})"


def graph_to_adjacency(graph) -> np.ndarray:
    """Mark matrix of a causal-learn ``GeneralGraph``: ``adj[i, j]`` True for ``i -> j``, both for ``i - j``
    (any other edge kind, e.g. bidirected, also sets both).

    Examples
    --------
    >>> g = adjacency_to_graph(np.array([[0, 1], [0, 0]], bool), ["a", "b"])
    >>> graph_to_adjacency(g).astype(int).tolist()
    [[0, 1], [0, 0]]
    """
    m = np.asarray(graph.graph)
    directed = (m == -1) & (m.T == 1)
    other = (m != 0) & ~directed & ~directed.T
    return directed | other | other.T


def require_causallearn(purpose: str) -> None:
    """Raise :class:`~pgmpy_mixture.errors.MissingDependencyError` naming the ``causallearn`` extra unless
    causal-learn can be imported; called before any work that needs it.

    Examples
    --------
    >>> require_causallearn("discover()")
    """
    require("causallearn", purpose, "causallearn")


def adjacency_to_graph(adj: np.ndarray, names: list[str]):
    """causal-learn ``GeneralGraph`` from a mark matrix (see :func:`graph_to_adjacency`).

    Examples
    --------
    >>> g = adjacency_to_graph(np.array([[0, 1], [1, 0]], bool), ["a", "b"])
    >>> str(g.get_graph_edges()[0])
    'a --- b'
    """
    require_causallearn("A causal-learn graph")
    from causallearn.graph.Edge import Edge
    from causallearn.graph.Endpoint import Endpoint
    from causallearn.graph.GeneralGraph import GeneralGraph
    from causallearn.graph.GraphNode import GraphNode

    nodes = [GraphNode(str(n)) for n in names]
    g = GeneralGraph(nodes)
    adj = np.asarray(adj, bool)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if adj[i, j] and adj[j, i]:
                g.add_edge(Edge(nodes[i], nodes[j], Endpoint.TAIL, Endpoint.TAIL))
            elif adj[i, j]:
                g.add_edge(Edge(nodes[i], nodes[j], Endpoint.TAIL, Endpoint.ARROW))
            elif adj[j, i]:
                g.add_edge(Edge(nodes[j], nodes[i], Endpoint.TAIL, Endpoint.ARROW))
    return g


def _require_utigsp() -> None:
    """UT-IGSP's packages (the ``utigsp`` extra), checked before any work."""
    for package in ("graphical_model_learning", "conditional_independence"):
        try:
            __import__(package)
        except ImportError:
            raise missing_dependency(package.replace("_", "-"), "discover(method='utigsp')", "utigsp") from None


class MixtureSplitter(BaseEstimator):
    """Split data from a mixture of unknown interventions on a linear Gaussian SEM (scikit-learn estimator).

    Parameters
    ----------
    n_components : int or "auto"
        Fixed number of components or "auto" (chosen among ``1 .. k_max`` by ``selection``).
    k_max : int, optional
        Largest candidate count (default ``d + 1`` capped by the data).
    selection : "bic" or "cutoff"
        The BIC minimum (default; the fit is on standardised columns, so the count does not depend on the units),
        or the paper's relative log-likelihood cutoff rule (the baseline: it picked one component on 8-node
        mixtures that BIC splits correctly, and its answer moves with the data's unit).
    cutoff_ratio : float
        The paper's cutoff (default 0.07, the authors' default).
    n_init : int
        Starts of each scikit-learn ``GaussianMixture`` per initialisation scheme (k-means and k-means++; default 1,
        see :func:`~pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp`).
    alpha : float, optional
        Level of the mechanism-change tests (None: BIC threshold).
    reg_covar : float
    random_state : int, optional
    max_targets : int, optional
        Keep at most this many (the strongest) targets per component (prior knowledge).
    covariance_type : str
        scikit-learn covariance type used for clustering ("full", the paper's; "diag" clusters Sachs better).
    max_fit_rows : int, optional
        Larger data are clustered on a random subsample of this many rows (seeded by ``random_state``), then the
        chosen mixture is refined on every row in memory-bounded passes; None uses all rows throughout.
    progress : bool
        Show progress bars while fitting.
    n_jobs : int, optional
        How the candidate mixtures are fitted side by side: None (default) in threads, one per core; 1 one after
        the other; 2 or more (-1: every core) in that many processes (joblib). The result does not depend on it.
    backward_restarts : bool
        Refit each candidate count from the next larger model without its lightest component, keeping the better
        fit: repairs EM runs stuck with two components merged (default on).

    Attributes
    ----------
    n_components_, weights_, means_, covariances_, labels_, observational_component_, targets_, order_,
    loglik_curve_, bic_curve_, candidates_, n_features_in_, feature_names_in_ (a DataFrame's column names, else
    ``X0, X1, ...``: unlike scikit-learn's estimators it is always set, so targets can be named), fit_ (the core
    :class:`~pgmpy_mixture.gaussian.mixture_utigsp.GaussianMixtureFit`), shift_density_ (mean share of the nodes whose
    mechanism differs from the observational component; above 0.5 an ``EstimationWarning`` says the components do
    not look like sparse interventions, as on the Sachs data).

    Notes
    -----
    It passes scikit-learn's ``check_estimator`` (tested in ``tests/test_splitter_sklearn.py``). Input checks
    (:mod:`pgmpy_mixture.validation`) raise our errors, worded so scikit-learn's phrases appear too:

    * ``fit`` (and ``discover``, which learns from ``X``) needs real, finite, dense data with more rows than
      columns and no constant column (:func:`~pgmpy_mixture.validation.check_fit_matrix`);
    * ``predict``, ``predict_proba``, ``split`` and ``context_index`` take any number of rows, one included, and
      constant columns (:func:`~pgmpy_mixture.validation.check_prediction_matrix`);
    * column names: fitted on a DataFrame, a DataFrame whose columns differ (unseen, missing or reordered) is an
      error naming them; an array, or a DataFrame after fitting on an array, is matched by position with a
      :class:`~pgmpy_mixture.errors.FeatureNamesWarning` (scikit-learn's convention);
    * a method called before ``fit`` raises :class:`~pgmpy_mixture.errors.NotFittedError`, which is also
      scikit-learn's ``NotFittedError``.

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
    >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
    >>> sorted(sorted(t) for t in sp.targets_), sp.get_params()["n_components"]
    ([[], [0], [1]], 3)
    """

    def __init__(self, n_components: int | str = "auto", k_max: int | None = None, selection: str = "bic",
                 cutoff_ratio: float = 0.07, n_init: int = 1, alpha: float | None = None, reg_covar: float = 1e-6,
                 random_state: int | None = 0, max_targets: int | None = None, covariance_type: str = "full",
                 max_fit_rows: int | None = 200_000, progress: bool = False, n_jobs: int | None = None,
                 backward_restarts: bool = True):
        self.n_components = n_components
        self.k_max = k_max
        self.selection = selection
        self.cutoff_ratio = cutoff_ratio
        self.n_init = n_init
        self.alpha = alpha
        self.reg_covar = reg_covar
        self.random_state = random_state
        self.max_targets = max_targets
        self.covariance_type = covariance_type
        self.max_fit_rows = max_fit_rows
        self.progress = progress
        self.n_jobs = n_jobs
        self.backward_restarts = backward_restarts

    def fit(self, X, y=None) -> MixtureSplitter:
        """Fit the Gaussian mixture, choose its size and identify the observational component and the targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
            Continuous data; a DataFrame's column names are kept (``feature_names_in_``).
        y : None
            Ignored (scikit-learn signature).

        Returns
        -------
        MixtureSplitter
            ``self``, with the trailing-underscore attributes set.

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> sp.n_components_, sp.weights_.round(1).tolist()
        (3, [0.3, 0.3, 0.3])
        """
        self._check_params()
        data, names = check_fit_matrix(X)
        fit = fit_mixture_utigsp(
            data, n_components=self.n_components, k_max=self.k_max, selection=self.selection,
            cutoff_ratio=self.cutoff_ratio, n_init=self.n_init, alpha=self.alpha, reg_covar=self.reg_covar,
            random_state=self.random_state, max_targets=self.max_targets, covariance_type=self.covariance_type,
            max_fit_rows=self.max_fit_rows, progress=self.progress, n_jobs=self.n_jobs,
            backward_restarts=self.backward_restarts,
        )
        self._set_fit(fit, names, data)
        self._fitted_with_names = isinstance(X, pd.DataFrame)
        return self

    def _check_params(self) -> None:
        """The settings checked by their declarations, naming this class (not scikit-learn's GaussianMixture)."""
        settings = {option.name: getattr(self, option.name) for option in GAUSSIAN_FIT_OPTIONS}
        check_gaussian_fit_options(settings, context=type(self).__name__)

    def _set_fit(self, fit: GaussianMixtureFit, names: list[str], data: np.ndarray) -> None:
        # the core fit was given the validated array: it carries the caller's column names from here on
        self.fit_ = fit if list(fit.columns) == list(names) else dataclasses.replace(fit, columns=tuple(names))
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        self.n_components_ = fit.n_components
        self.weights_ = fit.weights
        self.means_ = fit.means
        self.covariances_ = fit.covariances
        self.observational_component_ = fit.observational
        self.targets_ = [set(t) for t in fit.targets]
        self.order_ = list(fit.order)
        self.shift_density_ = fit.shift_density
        self.loglik_curve_ = fit.loglik_curve
        self.bic_curve_ = fit.bic_curve
        self.candidates_ = fit.candidates
        self.labels_ = fit.predict(data)

    def _check_fitted(self) -> None:
        if not hasattr(self, "fit_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet: call fit(X) before using this method"
            )

    def _check(self, X) -> np.ndarray:
        """``X`` as a float64 copy, checked against the fitted columns (prediction mode: any number of rows,
        constant columns allowed). Called by a public method on the user's ``X``: warnings point at the user."""
        self._check_fitted()
        fitted_names = self.feature_names_in_ if getattr(self, "_fitted_with_names", True) else None
        return check_prediction_matrix(
            X, self.n_features_in_, fitted_names, estimator=type(self).__name__
        )

    def predict(self, X) -> np.ndarray:
        """Most probable component of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_) or DataFrame

        Returns
        -------
        numpy.ndarray of int, shape (n_samples,)

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> bool((sp.predict(sim.data) == sp.labels_).all())
        True
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.predict(data)

    def predict_proba(self, X) -> np.ndarray:
        """Posterior component probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_) or DataFrame

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_components_)
            Each row sums to 1.

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> proba = sp.predict_proba(sim.data[:5])
        >>> proba.shape, bool(abs(proba.sum(axis=1) - 1).max() < 1e-12)
        ((5, 3), True)
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.predict_proba(data)

    def score_samples(self, X) -> np.ndarray:
        """Log-density of each row under the fitted mixture (as scikit-learn's ``GaussianMixture``).

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> sp.score_samples(sim.data[:4]).shape
        (4,)
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.score_samples(data)

    def score(self, X, y=None) -> float:
        """Per-sample average log-likelihood of ``X`` (higher is better; what scikit-learn's model selection, e.g.
        ``GridSearchCV``, maximises by default).

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> bool(sp.score(sim.data) > MixtureSplitter(n_components=1).fit(sim.data).score(sim.data))
        True
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.score(data)

    def bic(self, X) -> float:
        """Bayesian information criterion of the fitted mixture on ``X`` (lower is better).

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> bics = [MixtureSplitter(n_components=k, random_state=0).fit(sim.data).bic(sim.data) for k in (1, 3)]
        >>> bool(bics[1] < bics[0])
        True
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.bic(data)

    def aic(self, X) -> float:
        """Akaike information criterion of the fitted mixture on ``X`` (lower is better).

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> bool(sp.aic(sim.data) < sp.bic(sim.data))   # log(2000) > 2: BIC penalises more
        True
        """
        data = self._check(X)  # first: the not-fitted error before any use of fit_
        return self.fit_.aic(data)

    def sample(self, n_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Draw rows from the fitted mixture, seeded by ``random_state`` (the authors' pipeline hands UT-IGSP such
        fresh Gaussian samples per component).

        Returns
        -------
        X : numpy.ndarray of shape (n_samples, n_features_in_)
        labels : numpy.ndarray of shape (n_samples,)
            The component of each row.

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> X, labels = MixtureSplitter(n_components=3, random_state=0).fit(sim.data).sample(10)
        >>> X.shape, sorted(set(labels.tolist())) <= [0, 1, 2]
        ((10, 2), True)
        """
        self._check_fitted()
        return self.fit_.sample(n_samples, random_state=self.random_state)

    def target_names(self) -> list[set[str]]:
        """Targets as sets of column names (``targets_`` holds column indices).

        Returns
        -------
        list of set of str
            One set per component; the observational component's is empty.

        Examples
        --------
        >>> import pandas as pd
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> frame = pd.DataFrame(sim.data, columns=["dose", "response"])
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(frame)
        >>> sorted(sorted(t) for t in sp.target_names())
        [[], ['dose'], ['response']]
        """
        self._check_fitted()
        names = list(self.feature_names_in_)
        return [{names[j] for j in t} for t in self.targets_]

    def split(self, X) -> list:
        """One part per component, rows assigned by :meth:`predict`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_) or DataFrame

        Returns
        -------
        list
            ``n_components_`` arrays (or DataFrames with the original index and columns when ``X`` is one),
            ready for a causal-learn search each.

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> parts = sp.split(sim.data)
        >>> len(parts), sum(len(p) for p in parts)
        (3, 2000)
        """
        data = self._check(X)
        labels = self.fit_.predict(data)
        if isinstance(X, pd.DataFrame):
            return [X.iloc[labels == k] for k in range(self.n_components_)]
        return [data[labels == k] for k in range(self.n_components_)]

    def context_index(self, X=None) -> np.ndarray:
        """Component labels as the (n, 1) float column that ``cdnod(data, c_indx)`` wants.

        Parameters
        ----------
        X : array-like, optional
            Data to label; the fitted data's labels when omitted.

        Returns
        -------
        numpy.ndarray of float, shape (n_samples, 1)

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components=3, random_state=0).fit(sim.data)
        >>> sp.context_index().shape, sp.context_index().dtype.name
        ((2000, 1), 'float64')
        """
        self._check_fitted()
        labels = self.labels_ if X is None else self.fit_.predict(self._check(X))
        return labels.astype(np.float64).reshape(-1, 1)

    def essential_graph(self, alpha: float = DAG_ALPHA):
        """The learned graph up to its interventional Markov equivalence class, as a causal-learn ``GeneralGraph``:
        the I-essential graph of the ``"sem"`` DAG given ``targets_``
        (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.estimate_essential_graph`). Undirected edges (``---``) are those
        whose orientation neither a recovered intervention nor a v-structure fixes.

        Parameters
        ----------
        alpha : float
            Level of the Wald tests that keep an edge.

        Returns
        -------
        causal-learn ``GeneralGraph`` over the columns

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=0)
        >>> sp = MixtureSplitter(n_components=4, random_state=0).fit(sim.data)
        >>> sorted(str(e) for e in sp.essential_graph().get_graph_edges())  # every node targeted: all oriented
        ['X0 --> X1', 'X0 --> X2', 'X1 --> X2']
        """
        self._check_fitted()
        require_causallearn("essential_graph()")
        return adjacency_to_graph(estimate_essential_graph(self.fit_, alpha), [str(n) for n in self.feature_names_in_])

    def discover(self, X, method: str = "auto", alpha: float | None = None, **kwargs) -> Discovery:
        """Learn the graph from the split data; returns a :class:`Discovery`, the pair ``(GeneralGraph over the
        columns, targets)`` that also names the search that ran (``.method``).

        The default, ``"auto"``, runs ``"sem"``, the order-based DAG of the fitted mixture
        (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.estimate_dag`: the sparsest-shift causal order, then Wald
        tests on the moments of the components that share each mechanism), when the components look like sparse
        interventions (``shift_density_`` at most :data:`SPARSE_SHIFT_LIMIT`), and causal-learn's PC on the split
        (``"pc"``, JCI style) otherwise, where the order read from the shifts is unreliable. On 8-node mixtures of
        the observational component and 4 shift interventions (``benchmarks/gaussian_defaults.py``) ``"sem"``
        recovers the DAG where causal-learn's searches stop at an equivalence class (an undirected edge is an error
        against a DAG). Every search stays selectable by ``method``.

        Parameters
        ----------
        X : array-like, the data the splitter was fitted on (or new data from the same mixture).
        method : one of "auto" (default), "sem", "pc", "cdnod", "ges", "grasp", "boss", "utigsp"
        alpha : float, optional
            Level of the tests (sem, pc, cdnod, utigsp). Default: ``DAG_ALPHA`` (0.001,
            :data:`pgmpy_mixture.gaussian.mixture_utigsp.DAG_ALPHA`) for ``"sem"``, whose
            Wald tests run on the moments of every row (at 0.01 they kept spurious edges on sparse 8-node graphs:
            mean SHD 0.7 against 0.3 at 0.001 over ten 20 000-row mixtures, ``benchmarks/RESULTS.md``), and
            :data:`SEARCH_ALPHA` (0.01, causal-learn's customary level) for the other searches.
        **kwargs
            Passed to the causal-learn function (or to ``unknown_target_igsp``).

        Returns
        -------
        Discovery
            ``(graph, targets)``: the causal-learn ``GeneralGraph`` over the columns and one entry per component,
            the splitter's ``targets_`` (for ``"utigsp"`` UT-IGSP's own learned targets: ``set()`` for the
            observational component, ``None`` for a component too small to test); ``.method`` and ``.alpha`` say
            which search ran.

        Examples
        --------
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=0)
        >>> sp = MixtureSplitter(n_components=4, random_state=0).fit(sim.data)
        >>> found = sp.discover(sim.data)
        >>> found.method, bool((graph_to_adjacency(found.graph) == sim.sem.adjacency).all())
        ('sem', True)
        >>> graph, targets = sp.discover(sim.data, method="pc")  # causal-learn's PC, JCI style
        """
        if not isinstance(method, str) or method not in METHODS:
            raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
        alpha = check_test_level("alpha", alpha, allow_none=True)
        if method == "auto":
            self._check_fitted()
            method = "sem" if self.shift_density_ <= SPARSE_SHIFT_LIMIT else "pc"
        if alpha is None:
            alpha = DAG_ALPHA if method == "sem" else SEARCH_ALPHA
        graph, targets = self._search(X, method, alpha, **kwargs)
        return Discovery(graph, targets, method, alpha)

    def _search(self, X, method: str, alpha: float, **kwargs):
        """:meth:`discover`'s work once ``method`` and ``alpha`` are checked: ``(graph, targets)``."""
        self._check_fitted()
        require_causallearn(f"discover(method={method!r})")  # before any work: every search returns its graph type
        if method == "utigsp":
            _require_utigsp()
        data = self._check(X)
        check_fit_matrix(X)  # a search needs more rows than columns and no constant column, as fit does
        names = [str(n) for n in self.feature_names_in_]
        d = data.shape[1]
        labels = self.fit_.predict(data)
        targets = [set(t) for t in self.targets_]
        if method == "sem":
            return adjacency_to_graph(estimate_dag(self.fit_, alpha=alpha), names), targets
        if method == "cdnod":
            from causallearn.search.ConstraintBased.CDNOD import cdnod

            # cdnod ignores show_progress and writes tqdm bars to stderr: silence them
            with contextlib.redirect_stderr(io.StringIO()):
                cg = cdnod(data, labels.astype(float).reshape(-1, 1), alpha=alpha, show_progress=False, **kwargs)
            return adjacency_to_graph(graph_to_adjacency(cg.G)[:d, :d], names), targets
        if method == "pc":
            return self._jci_pc(data, labels, names, alpha, **kwargs), targets
        if method == "utigsp":
            return self._utigsp(data, labels, names, alpha, **kwargs)
        rows = data[labels == self.observational_component_]
        if rows.shape[0] <= d:
            raise ParameterError(f"the observational component has {rows.shape[0]} rows: too few for {method}")
        if method == "ges":
            from causallearn.search.ScoreBased.GES import ges

            graph = ges(rows, **kwargs)["G"]
        else:
            if self.random_state is not None:
                random.seed(self.random_state)
            if method == "grasp":
                from causallearn.search.PermutationBased.GRaSP import grasp as search
            else:
                from causallearn.search.PermutationBased.BOSS import boss as search
            graph = search(rows, verbose=False, **kwargs)
        return adjacency_to_graph(graph_to_adjacency(graph), names), targets

    def _jci_pc(self, data, labels, names, alpha, **kwargs):
        from causallearn.graph.GraphNode import GraphNode
        from causallearn.search.ConstraintBased.PC import pc
        from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

        d = data.shape[1]
        others = [k for k in range(self.n_components_) if k != self.observational_component_]
        context = np.column_stack([(labels == k).astype(float) for k in others]) if others else np.empty((len(data), 0))
        augmented = np.column_stack([data, context])
        nodes = [GraphNode(f"X{i + 1}") for i in range(augmented.shape[1])]
        bk = BackgroundKnowledge()
        for i in range(d, augmented.shape[1]):
            bk.add_node_to_tier(nodes[i], 0)
            for m in range(d, augmented.shape[1]):
                if m != i:
                    bk.add_forbidden_by_node(nodes[i], nodes[m])
        for i in range(d):
            bk.add_node_to_tier(nodes[i], 1)
        cg = pc(augmented, alpha=alpha, background_knowledge=bk, show_progress=False, **kwargs)
        return adjacency_to_graph(graph_to_adjacency(cg.G)[:d, :d], names)

    def _utigsp(self, data, labels, names, alpha, **kwargs):
        """UT-IGSP (Squires, Wang & Uhler 2020) with the observational component as its reference setting.

        Returns the DAG and one entry per component: ``set()`` for the observational component, UT-IGSP's learned
        targets for the others, and ``None`` for a component with too few rows (at most ``d``) to test, which is
        left out of UT-IGSP with a warning naming it.
        """
        from conditional_independence import (
            MemoizedCI_Tester,
            MemoizedInvarianceTester,
            gauss_invariance_suffstat,
            gauss_invariance_test,
            partial_correlation_suffstat,
            partial_correlation_test,
        )
        from graphical_model_learning import unknown_target_igsp

        d = data.shape[1]
        obs = data[labels == self.observational_component_]
        if obs.shape[0] <= d:
            raise ParameterError(f"the observational component has {obs.shape[0]} rows: too few for UT-IGSP")
        used, skipped = [], []
        for k in range(self.n_components_):
            if k != self.observational_component_:
                (used if int((labels == k).sum()) > d else skipped).append(k)
        if skipped:
            warn_at_caller(f"components {skipped} have at most {d} rows and are left out of UT-IGSP")
        parts = [data[labels == k] for k in used]
        ci = MemoizedCI_Tester(partial_correlation_test, partial_correlation_suffstat(obs), alpha=alpha)
        inv = MemoizedInvarianceTester(gauss_invariance_test, gauss_invariance_suffstat(obs, parts), alpha=alpha)
        setting_list = [{"known_interventions": []} for _ in parts]
        if self.random_state is not None:  # UT-IGSP draws its starting permutations from Python's global random
            random.seed(self.random_state)
        dag, learned = unknown_target_igsp(setting_list, set(range(d)), ci, inv, **kwargs)
        adj = np.zeros((d, d), bool)
        for i, j in dag.arcs:
            adj[int(i), int(j)] = True
        targets: list[set[int] | None] = [None] * self.n_components_
        targets[self.observational_component_] = set()
        for k, found in zip(used, learned, strict=True):
            targets[k] = {int(v) for v in found}
        return adjacency_to_graph(adj, names), targets

    def plot_selection(self, ax=None):
        """Plot the log-likelihood and BIC curves over the candidate counts, marking the chosen count.

        Needs matplotlib (extra ``plot``).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (a new figure when omitted); BIC goes on a twin axis.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the log-likelihood on its first axes, the BIC on the twin).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
        >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=2000, random_state=4)
        >>> sp = MixtureSplitter(n_components="auto", random_state=0).fit(sim.data)
        >>> fig = sp.plot_selection()
        >>> fig.axes[0].get_xlabel()
        'number of components k'
        """
        self._check_fitted()
        from pgmpy_mixture.gaussian.plot import plot_selection

        return plot_selection(self.fit_, ax)
