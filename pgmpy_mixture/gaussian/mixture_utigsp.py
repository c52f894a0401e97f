"""Mixture-UTIGSP, disentangling step (Kumar, Shiragur, Uhler, NeurIPS 2024, Algorithm 1), from the mixture alone.

Steps
-----
1. Fit Gaussian mixtures for ``k = 1 .. k_max`` (scikit-learn ``GaussianMixture``, full covariances, several
   initialisations) and record the per-sample average log-likelihood and the BIC (Algorithm 1, step 1). Above
   ``max_fit_rows`` rows the candidates are fitted on a seeded random subsample of that size. The chosen one is
   then run to convergence by EM on every row in memory-bounded passes (:mod:`pgmpy_mixture.gaussian.blocks`,
   :data:`CONVERGE_TOL`), so ten million rows need no more working memory than the subsample.
2. Choose the number of components: the paper's cutoff rule (scan ``k`` downwards, keep the largest ``k`` whose
   relative log-likelihood gain over ``k - 1`` exceeds ``cutoff_ratio``), or the BIC minimum.
3. Identify the observational component and each component's targets *from the fitted mixture alone* (the authors'
   code hands UT-IGSP the true observational samples instead). Every component is a linear SEM that shares the
   mechanisms ``X_j | X_pa(j)`` of the non-targeted nodes (the paper's Section 2 model). Hence:

   * a causal order is the one with the fewest mechanism changes between component pairs (``estimate_order``:
     exact dynamic programming over subsets up to 12 nodes, greedy sink removal beyond). The conditional of a sink
     given all remaining nodes equals its mechanism, so it changes between two components only when the sink is
     targeted in one of them, while a non-sink's conditional also changes with its children's and co-parents'
     targets. Orders with equally few changes are told apart by the sparsity of their minimal I-maps;
   * given the order, node ``j`` is a *change* between components ``k`` and ``l`` when the regression of ``X_j``
     on its predecessors differs; the test is the likelihood ratio of one pooled regression against two separate
     ones, computed in closed form from the components' moments with effective sample sizes ``n * weight``,
     compared with a BIC threshold (``(p + 2) log(n_k + n_l)``) or a chi-square quantile;
   * the observational component is the one that differs from all others at the fewest nodes (an interventional
     component differs from another interventional one at the union of their targets, from the observational
     one only at its own targets); each component's targets are its changes against the observational one.
     With two components (or a tie) this is not identifiable: the heaviest tied component is taken, with an
     ``EstimationWarning``;
   * the model says interventions move few mechanisms. When the components differ from the observational one at
     more than half of the nodes on average (``GaussianMixtureFit.shift_density``), :func:`check_sparse_shifts`
     reports with an ``EstimationWarning`` that the assumption looks violated, for example by clusters that are
     not intervention settings (as on the Sachs data).
4. A DAG estimate (``estimate_dag``): with the order fixed, the parents of ``j`` are the predecessors whose pooled
   regression coefficient (over components where ``j`` is not a target) is significant (Wald test).

Layout: steps 1-2 live in :mod:`pgmpy_mixture.gaussian.candidates`, the regressions implied by the moments in
:mod:`pgmpy_mixture.gaussian.regression`, the I-essential graph in :mod:`pgmpy_mixture.gaussian.graphs`, the result
type in :mod:`pgmpy_mixture.gaussian.result`, the log-densities in :mod:`pgmpy_mixture.gaussian.density` and the
memory-bounded passes (component moments, EM) in :mod:`pgmpy_mixture.gaussian.blocks`; the public names used here are
re-exported.

Examples
--------
>>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
>>> sim = simulate_linear_mixture(n_nodes=3, n_samples=4000, targets="all", random_state=0)
>>> fit = fit_mixture_utigsp(sim.data, n_components=4, random_state=0)
>>> fit.n_components, sorted(sorted(t) for t in fit.targets)
(4, [[], [0], [1], [2]])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from pgmpy_mixture.errors import DataValueError, EstimationWarning, ParameterError, warn_at_caller
from pgmpy_mixture.gaussian.blocks import refine_em, weighted_moments
from pgmpy_mixture.gaussian.candidates import (
    candidate_counts,
    check_n_components,
    fit_candidate_mixtures,
    select_by_cutoff,
)
from pgmpy_mixture.gaussian.density import gaussian_log_density
from pgmpy_mixture.gaussian.graphs import icpdag
from pgmpy_mixture.gaussian.regression import (
    chi2_quantile,
    pooled_moments,
    regression_from_moments,
    residual_variances,
    shared_mechanism_moments,
    significant_predecessors,
    wald_statistics,
)
from pgmpy_mixture.gaussian.result import GaussianMixtureFit
from pgmpy_mixture.gaussian.scaling import log_jacobian, standardise, unstandardise_moments
from pgmpy_mixture.validation import check_fit_matrix, check_n_jobs, check_test_level
from pgmpy_mixture.validation.parameters import check_gaussian_fit_options

__all__ = [
    "DAG_ALPHA",
    "GaussianMixtureFit",
    "check_sparse_shifts",
    "fit_candidate_mixtures",
    "select_by_cutoff",
    "check_n_components",
    "regression_from_moments",
    "change_statistics",
    "estimate_order",
    "pooled_moments",
    "shared_mechanism_moments",
    "wald_statistics",
    "identify_targets",
    "estimate_dag",
    "estimate_essential_graph",
    "gaussian_log_density",
    "fit_mixture_utigsp",
    "select_and_identify",
    "full_moments",
    "significant_predecessors",
]

#: the chosen mixture's EM on every row stops when the average log-likelihood per row gains less than this
#: (scikit-learn's default is 1e-3), or after :data:`CONVERGE_ITER` passes
CONVERGE_TOL = 1e-7
CONVERGE_ITER = 300

#: level of the Wald tests that keep an edge of the order-based DAG (:func:`estimate_dag`): they run on moments of
#: every row, so a level of 0.01 keeps spurious edges on sparse graphs (``benchmarks/RESULTS.md``)
DAG_ALPHA = 1e-3


def _pair_moments(weights: np.ndarray, means: np.ndarray, covs: np.ndarray, n: int):
    """Effective counts, pair index arrays and the pooled covariance of every pair of components."""
    counts = np.maximum(np.asarray(weights, float) * n, 1.0)
    first, second = np.triu_indices(len(counts), k=1)
    w1 = counts[first] / (counts[first] + counts[second])
    w2 = 1.0 - w1
    delta = means[first] - means[second]
    pooled = (w1[:, None, None] * covs[first] + w2[:, None, None] * covs[second]
              + (w1 * w2)[:, None, None] * np.einsum("pi,pj->pij", delta, delta))
    return counts, first, second, pooled


def change_statistics(
    weights: np.ndarray, means: np.ndarray, covs: np.ndarray, n: int, j: int, preds: Sequence[int],
    alpha: float | None = None, _pairs=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Likelihood-ratio statistics (K, K) for "the regression of ``X_j`` on ``preds`` differs between components
    ``k`` and ``l``" and the matching thresholds (BIC when ``alpha`` is None, else a chi-square quantile).

    The pooled regression is the maximum-likelihood fit to the union of the two components, whose moments are the
    count-weighted mixture of theirs; the statistic is ``n_k log(s_pooled / s_k) + n_l log(s_pooled / s_l)``.

    Examples
    --------
    >>> lr, thr = change_statistics(np.array([0.5, 0.5]), np.array([[0.0], [3.0]]), np.ones((2, 1, 1)), 100, 0, [])
    >>> bool(lr[0, 1] > thr[0, 1]), float(lr[0, 0])
    (True, 0.0)
    """
    K = len(weights)
    counts, first, second, pooled = _pairs if _pairs is not None else _pair_moments(weights, means, covs, n)
    own = residual_variances(covs, j, preds)
    pool = residual_variances(pooled, j, preds)
    values = np.maximum(counts[first] * np.log(pool / own[first]) + counts[second] * np.log(pool / own[second]), 0)
    lr = np.zeros((K, K))
    lr[first, second] = lr[second, first] = values
    df = len(list(preds)) + 2
    if alpha is None:
        thr_values = df * np.log(np.maximum(counts[first] + counts[second], 2.0))
    else:
        thr_values = np.full(len(first), chi2_quantile(float(alpha), df))
    thr = np.zeros((K, K))
    thr[first, second] = thr[second, first] = thr_values
    return lr, thr


def estimate_order(
    weights: np.ndarray, means: np.ndarray, covs: np.ndarray, n: int, alpha: float | None = None,
    max_exact: int = 12, edge_alpha: float = 1e-3,
) -> list[int]:
    """Sparsest-shift causal order: the order minimising the total number of (node, component pair) mechanism
    changes; ties broken first by the number of edges of the order's minimal I-map, then by the summed
    ``log(1 + LR)``. Exact dynamic programming over subsets for ``d <= max_exact`` (``2^d d`` batched
    regressions); otherwise greedy sink removal plus adjacent swaps.

    With exact moments the true order has changes exactly at the targets; an order that puts a node before one of
    its parents adds changes wherever that parent's or a co-parent's mechanism moves. When only some nodes are
    targeted, several orders have equally few changes (the interventional Markov equivalence class is larger); among
    them the true order has the sparsest minimal I-map (the sparsest-permutation principle of Raskutti & Uhler,
    which GSP and UT-IGSP also use). Edges are counted by Wald tests at ``edge_alpha`` on the component-centred
    covariance ``sum_k w_k Sigma_k``, which removes the between-component mean differences. Under
    do-interventions that covariance averages components whose graphs differ, so alone it would not identify the
    graph (``benchmarks/sachs_orders.py``: its sparsest permutation misses the CPDAG in 18 of 20 exact-moment
    mixtures); it only breaks ties here, after the change counts, and the resulting DAG is exact in all 80 of
    those instances. On the paper's d = 8 'half' simulation this tie-break lowers the SHD from 2.7 to 0.6 at 2^13
    samples; 'all' is exact either way (``benchmarks/RESULTS.md``).

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=2)
    >>> estimate_order(sim.weights, sim.means, sim.covariances, 3000)
    [0, 1, 2]
    """
    d = means.shape[1]
    pairs = _pair_moments(weights, means, covs, n)
    within = np.einsum("k,kij->ij", np.asarray(weights, float) / np.sum(weights), covs)

    def cost(j, preds):
        lr, thr = change_statistics(weights, means, covs, n, j, preds, alpha, _pairs=pairs)
        edges = int(significant_predecessors(within, j, preds, n, edge_alpha).sum())
        return int(np.sum(lr > thr)) // 2, edges, float(np.sum(np.log1p(lr))) / 2

    if d <= max_exact:
        best: dict[int, tuple] = {0: (0, 0, 0.0, ())}
        for size in range(1, d + 1):
            for subset in _subsets_of_size(d, size):
                members = [i for i in range(d) if subset >> i & 1]
                choice = None
                for j in members:
                    rest = subset & ~(1 << j)
                    c0, c1, c2, prefix = best[rest]
                    cj = cost(j, list(prefix))
                    cand = (c0 + cj[0], c1 + cj[1], c2 + cj[2], prefix + (j,))
                    if choice is None or cand[:3] < choice[:3]:
                        choice = cand
                best[subset] = choice
        return list(best[(1 << d) - 1][3])
    remaining = list(range(d))
    reverse = []
    while remaining:
        keyed = [(cost(j, [i for i in remaining if i != j]), j) for j in remaining]
        j = min(keyed)[1]
        reverse.append(j)
        remaining.remove(j)
    return _improve_order(reverse[::-1], cost)


def _subsets_of_size(d: int, size: int):
    from itertools import combinations

    for combo in combinations(range(d), size):
        yield sum(1 << i for i in combo)


def _improve_order(order, cost, max_rounds: int = 50) -> list[int]:
    """Adjacent-swap hill climbing on the total cost tuple (changes, edges, strength), compared lexicographically."""
    order = list(order)

    def total(*costs):
        return tuple(sum(values) for values in zip(*costs, strict=True))

    for _ in range(max_rounds):
        improved = False
        for p in range(len(order) - 1):
            a, b = order[p], order[p + 1]
            prefix = order[:p]
            kept = total(cost(a, prefix), cost(b, prefix + [a]))
            swapped = total(cost(b, prefix), cost(a, prefix + [b]))
            if swapped[:2] < kept[:2] or (swapped[:2] == kept[:2] and swapped[2] < kept[2] - 1e-9):
                order[p], order[p + 1] = b, a
                improved = True
        if not improved:
            break
    return order


def identify_targets(
    weights: np.ndarray, means: np.ndarray, covs: np.ndarray, n: int, order: Sequence[int] | None = None,
    alpha: float | None = None, max_targets: int | None = None,
) -> tuple[int, list[frozenset], np.ndarray, list[int]]:
    """Observational component, targets of every component, the change tensor and the order (module docstring).

    ``max_targets`` (optional prior knowledge, e.g. 1 for single-target interventions as in the Sachs design)
    keeps only the strongest changes (largest ``LR / threshold``) of each component against the observational one.

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=3000, random_state=2)
    >>> obs, targets, _, _ = identify_targets(sim.weights, sim.means, sim.covariances, 3000)
    >>> obs, [sorted(t) for t in targets]
    (0, [[], [0], [1], [2]])
    """
    K, d = means.shape
    order = list(order) if order is not None else estimate_order(weights, means, covs, n, alpha)
    changes = np.zeros((K, K, d), dtype=bool)
    strength = np.zeros((K, K))
    ratio = np.zeros((K, K, d))
    for pos, j in enumerate(order):
        lr, thr = change_statistics(weights, means, covs, n, j, order[:pos], alpha)
        changes[:, :, j] = lr > thr
        ratio[:, :, j] = lr / np.where(thr > 0, thr, 1.0)
        strength += np.log1p(lr)
    counts = changes.sum(axis=2).sum(axis=1)
    tied = np.flatnonzero(counts == counts.min())
    # ties (always with two components: each differs from the other at the same nodes) cannot be settled by the
    # mixture; the heaviest tied component is taken (observational data are usually the majority) with a warning
    observational = int(tied[np.argmax(np.asarray(weights)[tied])])
    if len(tied) > 1:

        warn_at_caller(
            f"the observational component is not identifiable from the mixture: components {tied.tolist()} differ "
            f"from the others at equally few nodes; taking the heaviest, {observational}",
            EstimationWarning,
        )
    targets = [frozenset(np.flatnonzero(changes[observational, k]).tolist()) for k in range(K)]
    if max_targets is not None:
        if max_targets < 0:
            raise ParameterError(f"max_targets must be >= 0, got {max_targets}")
        targets = [frozenset(sorted(t, key=lambda j, k=k: -ratio[observational, k, j])[:max_targets])
                   for k, t in enumerate(targets)]
    return observational, targets, changes, order


def estimate_dag(fit: GaussianMixtureFit, alpha: float = DAG_ALPHA) -> np.ndarray:
    """DAG adjacency (``adj[i, j]`` True for ``i -> j``) from the fitted mixture and its order.

    For each node ``j`` the components where ``j`` is not a target share its mechanism; their moments are pooled
    and ``X_j`` is regressed on its predecessors; an edge is kept when the Wald test rejects a zero coefficient at
    level ``alpha``.

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=3, n_samples=6000, random_state=2)
    >>> fit = fit_mixture_utigsp(sim.data, n_components=4, random_state=0)
    >>> bool(np.array_equal(estimate_dag(fit), sim.sem.adjacency))
    True
    """
    alpha = check_test_level("alpha", alpha, allow_none=False)
    d = fit.means.shape[1]
    adj = np.zeros((d, d), dtype=bool)
    for pos, j in enumerate(fit.order):
        preds = fit.order[:pos]
        if not preds:
            continue
        cov, share = shared_mechanism_moments(fit.weights, fit.means, fit.covariances, fit.targets, j)
        n_eff = max(fit.n_samples * share, len(preds) + 2.0)
        adj[np.asarray(preds)[significant_predecessors(cov, j, preds, n_eff, alpha)], j] = True
    return adj


def estimate_essential_graph(fit: GaussianMixtureFit, alpha: float = DAG_ALPHA) -> np.ndarray:
    """The graph up to its interventional Markov equivalence class: the I-essential graph (I-CPDAG) of
    :func:`estimate_dag`'s DAG given the identified targets (Hauser & Buhlmann 2012). An edge stays undirected
    (``adj[i, j]`` and ``adj[j, i]`` both True) when no recovered intervention and no v-structure orients it:
    the DAG's choice there is arbitrary, made by the sparsity tie-break of :func:`estimate_order`.

    Examples
    --------
    >>> chain = GaussianMixtureFit(np.array([1.0]), np.zeros((1, 2)), np.array([[[1.0, 0.8], [0.8, 1.64]]]), 1000,
    ...                            0, [frozenset()], [0, 1], np.zeros((1, 1, 2), bool))
    >>> estimate_essential_graph(chain).astype(int).tolist()  # one edge, orientation not identified
    [[0, 1], [1, 0]]
    """
    return icpdag(estimate_dag(fit, alpha), fit.targets)


def fit_mixture_utigsp(
    X: object, n_components: int | str = "auto", k_max: int | None = None, selection: str = "bic",
    cutoff_ratio: float = 0.07, n_init: int = 1, alpha: float | None = None, reg_covar: float = 1e-6,
    random_state: int | None = 0, max_targets: int | None = None, covariance_type: str = "full",
    max_fit_rows: int | None = 200_000, progress: bool = False, n_jobs: int | None = None,
    backward_restarts: bool = True,
) -> GaussianMixtureFit:
    """Fit the mixture, choose the number of components and identify the observational component and targets.

    Parameters
    ----------
    X : array-like (n, d) or DataFrame
    n_components : int or "auto"
        A fixed count, or "auto" to choose among ``1 .. k_max``.
    k_max : int, optional
        Largest candidate (default ``d + 1``, the authors' simulation choice, capped by what the data support).
    selection : "bic" or "cutoff"
        The BIC minimum (default), or the paper's relative log-likelihood cutoff rule (the baseline; it reads the
        log-likelihood curve in the data's units, so its answer depends on them). The candidates are fitted on
        standardised columns (:mod:`pgmpy_mixture.gaussian.scaling`), so the BIC choice, the clustering and the
        tests do not depend on the units.
    cutoff_ratio : float
        The paper's cutoff (authors' default 0.07).
    n_init : int
        Starts per candidate count and initialisation scheme (k-means and k-means++; default 1: with the backward
        restarts, 3 gave the same answers on every simulation of ``benchmarks/RESULTS.md`` in 2.6-3x the time).
    alpha : float, optional
        Level of the change tests (None: BIC threshold).
    reg_covar : float
        Added to covariance diagonals (scikit-learn).
    random_state : int, optional
    max_targets : int, optional
        Keep at most this many (the strongest) targets per component (prior knowledge; see ``identify_targets``).
    covariance_type : str
        scikit-learn's covariance type for the clustering ("full" as in the paper, or "diag", "tied",
        "spherical"); the reported component moments are full covariances either way.
    max_fit_rows : int, optional
        With more rows than this, the candidate mixtures (and so the selection curves) are fitted on a random
        subsample of this many rows drawn with ``random_state``; the chosen mixture is then refined on every row
        (full-covariance EM for ``"full"``, one full-covariance M-step otherwise), block by block, and the change
        tests use every row. None fits on all rows.
    progress : bool
        Show progress bars (candidate mixtures, refinement passes).
    n_jobs : int, optional
        How the candidate counts are fitted side by side: None (default) in threads, one per core; 1 one after
        the other; 2 or more (-1: every core) in that many processes (joblib). The result does not depend on it.
    backward_restarts : bool
        Also fit each count from the next larger model without its lightest component, and keep the better fit
        (see :func:`~pgmpy_mixture.gaussian.candidates.fit_candidate_mixtures`); repairs EM runs stuck with two
        components merged, at the cost of one more count and one EM per count. On by default; False gives
        plain best-of-starts EM.

    Returns
    -------
    GaussianMixtureFit

    Examples
    --------
    >>> from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture
    >>> sim = simulate_linear_mixture(n_nodes=2, n_samples=3000, random_state=4)
    >>> fit = fit_mixture_utigsp(sim.data, random_state=0)
    >>> fit.n_components, fit.observational == int(np.argmin([len(t) for t in fit.targets]))
    (3, True)
    """
    check_gaussian_fit_options(
        dict(n_components=n_components, k_max=k_max, selection=selection, cutoff_ratio=cutoff_ratio, n_init=n_init,
             alpha=alpha, reg_covar=reg_covar, random_state=random_state, max_targets=max_targets,
             covariance_type=covariance_type, max_fit_rows=max_fit_rows, progress=progress, n_jobs=n_jobs,
             backward_restarts=backward_restarts), context="fit_mixture_utigsp")
    data, columns = check_fit_matrix(X)
    alpha = check_test_level("alpha", alpha)
    n_jobs = check_n_jobs(n_jobs)
    n, d = data.shape
    if max_fit_rows is not None and (not isinstance(max_fit_rows, (int, np.integer)) or max_fit_rows <= d):
        raise ParameterError(f"max_fit_rows must be None or an integer above the {d} columns, got {max_fit_rows!r}")
    candidates = candidate_counts(n_components, k_max, n, d, selection)
    if n_init < 1:
        raise ParameterError(f"n_init must be >= 1, got {n_init}")
    if covariance_type not in ("full", "diag", "tied", "spherical"):
        raise ParameterError(f"covariance_type must be 'full', 'diag', 'tied' or 'spherical', got {covariance_type!r}")
    subsample = max_fit_rows is not None and n > max_fit_rows
    fit_rows = data
    if subsample:
        if candidates.max() * (d + 1) > max_fit_rows:
            raise ParameterError(
                f"max_fit_rows={max_fit_rows} is too small: {candidates.max()} full-covariance components over {d} "
                f"columns need at least {candidates.max() * (d + 1)} rows to fit on"
            )
        rows = np.sort(np.random.default_rng(random_state).choice(n, size=int(max_fit_rows), replace=False))
        fit_rows = data[rows]
    # unit invariance: everything is fitted on standardised columns (reg_covar, the clustering, the tests) and the
    # moments go back to the data's units at the end; the curves are reported in the data's units
    z, center, scale = standardise(data)
    models, ll, bic = fit_candidate_mixtures(z if fit_rows is data else z[rows], candidates, n_init, random_state,
                                             reg_covar, covariance_type=covariance_type, progress=progress,
                                             n_jobs=n_jobs, backward_restarts=backward_restarts)
    shift = log_jacobian(scale)
    ll, bic = ll - shift, bic + 2.0 * len(fit_rows) * shift
    fit = select_and_identify(z, models, ll, bic, candidates, selection, cutoff_ratio, alpha, columns,
                              max_targets, progress=progress)
    means, covs = unstandardise_moments(fit.means, fit.covariances, center, scale)
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(covs))):
        worst = columns[int(np.argmax(scale))]
        raise DataValueError(f"X column {worst!r} is on too large a scale (standard deviation {scale.max():.3g}): "
                             "its variance overflows the float range; rescale the data")
    return dataclasses.replace(fit, means=means, covariances=covs)


def select_and_identify(
    data: np.ndarray, models: list, loglik: np.ndarray, bic: np.ndarray, candidates: np.ndarray,
    selection: str = "cutoff", cutoff_ratio: float = 0.07, alpha: float | None = None, columns: list | None = None,
    max_targets: int | None = None, progress: bool = False,
) -> GaussianMixtureFit:
    """Steps 2-3 on already fitted candidates (from :func:`fit_candidate_mixtures`): choose the count, identify
    the observational component and the targets. Lets one compare selection rules without refitting.

    A full-covariance model's EM is continued on every row of ``data`` until it gains less than
    :data:`CONVERGE_TOL` per row (:func:`~pgmpy_mixture.gaussian.blocks.refine_em`, memory-bounded passes), also
    when the candidates were fitted on a subsample of ``data``.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(300, 2))
    >>> models, ll, bic = fit_candidate_mixtures(X, [1, 2])
    >>> select_and_identify(X, models, ll, bic, np.array([1, 2]), "bic").n_components
    1
    """
    candidates = np.asarray(candidates)
    alpha = check_test_level("alpha", alpha)
    if selection not in ("cutoff", "bic"):
        raise ParameterError(f"selection must be 'cutoff' or 'bic', got {selection!r}")
    if len(candidates) == 1:
        chosen = 0
    elif selection == "cutoff":
        chosen = int(np.flatnonzero(candidates == select_by_cutoff(loglik, candidates, cutoff_ratio))[0])
    else:
        chosen = int(np.argmin(bic))
    gm = models[chosen]
    columns = columns if columns is not None else [f"X{i}" for i in range(data.shape[1])]
    if gm.covariance_type == "full":
        # the chosen mixture is run to convergence on every row before its moments are read: scikit-learn stops
        # EM at a gain of 1e-3 per row, which on 20 000 rows left 20 log-likelihood units and 2% of one component's
        # rows in another, enough for spurious edges into its target (benchmarks/RESULTS.md)
        weights, means, covs, _, _ = refine_em(data, gm.weights_, gm.means_, gm.covariances_, gm.reg_covar,
                                               max_iter=CONVERGE_ITER, tol=CONVERGE_TOL, progress=progress)
    else:
        weights, means, covs = weighted_moments(data, lambda block: gm.predict_proba(data[block]), gm.n_components,
                                                gm.reg_covar)
    return _finish(data, columns, weights, means, covs, loglik, bic, candidates, alpha, max_targets)


def full_moments(data: np.ndarray, resp: np.ndarray, reg_covar: float = 1e-6):
    """Weights, means and full covariances of the components given responsibilities (one full-covariance M-step,
    accumulated block by block: :func:`pgmpy_mixture.gaussian.blocks.weighted_moments` on an array).

    Examples
    --------
    >>> w, m, c = full_moments(np.array([[0.0, 0.0], [2.0, 2.0]]), np.array([[1.0, 0.0], [1.0, 0.0]]), 0.0)
    >>> w.tolist(), m[0].tolist(), c[0].tolist()
    ([1.0, 0.0], [1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]])
    """
    return weighted_moments(data, resp, reg_covar=reg_covar)


def _finish(data, columns, weights, means, covs, ll, bic, candidates, alpha, max_targets=None) -> GaussianMixtureFit:

    n = data.shape[0]
    observational, targets, changes, order = identify_targets(weights, means, covs, n, alpha=alpha,
                                                              max_targets=max_targets)
    empty = [k for k in range(len(weights)) if k != observational and not targets[k]]
    if empty:
        warn_at_caller(
            f"components {empty} show no target against the observational component {observational}: they may be "
            "a split of one condition (too many components) or interventions too weak to detect",
            EstimationWarning,
        )
    fit = GaussianMixtureFit(
        np.asarray(weights, float), np.asarray(means, float), np.asarray(covs, float), n, observational, targets,
        order, changes, np.asarray(ll, float), np.asarray(bic, float), np.asarray(candidates), list(columns),
    )
    check_sparse_shifts(fit)
    return fit


def check_sparse_shifts(fit: GaussianMixtureFit, limit: float = 0.5, min_nodes: int = 4) -> None:
    """Warn (``EstimationWarning``) when the components differ from the observational one at more than ``limit``
    of the nodes on average (:attr:`GaussianMixtureFit.shift_density`): the sparse-mechanism-shift assumption of the
    paper's model looks violated. Skipped below ``min_nodes`` variables, where dense targets are plausible.

    Examples
    --------
    >>> import warnings
    >>> changes = np.ones((2, 2, 4), bool)
    >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.zeros((2, 4)), np.stack([np.eye(4)] * 2), 10, 0,
    ...                          [frozenset(), frozenset(range(4))], [0, 1, 2, 3], changes)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_sparse_shifts(fit)
    >>> "sparse-mechanism-shift" in str(caught[0].message)
    True
    """

    d = fit.means.shape[1]
    density = fit.shift_density
    if d < min_nodes or density <= limit:
        return
    others = [k for k in range(fit.n_components) if k != fit.observational]
    counts = {k: int(fit.changes[fit.observational, k].sum()) for k in others}
    warn_at_caller(
        f"the sparse-mechanism-shift assumption looks violated: the components differ from the observational "
        f"component {fit.observational} at {density:.0%} of the {d} nodes on average (changed nodes per component: "
        f"{counts}). The clusters may not be intervention settings (non-Gaussian conditions, or clusters that "
        "select on the variables and so change every regression); targets, order and DAG are unreliable",
        EstimationWarning,
    )
