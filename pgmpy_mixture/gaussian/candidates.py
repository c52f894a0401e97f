"""Mixture-UTIGSP, Algorithm 1 steps 1-2 (Kumar, Shiragur & Uhler, NeurIPS 2024): Gaussian mixtures fitted for
every candidate number of components, and the paper's cutoff rule that chooses among them (BIC beside it).

Used by :func:`pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp` (which re-exports these names) and by
:mod:`pgmpy_mixture.gaussian.shared_sem`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from pgmpy_mixture.errors import ParameterError
from pgmpy_mixture.parallel import map_in_threads, single_blas_thread
from pgmpy_mixture.validation import check_n_jobs

__all__ = ["check_n_components", "candidate_counts", "fit_candidate_mixtures", "relative_gains", "select_by_cutoff"]


def check_n_components(k: int, n: int, d: int, name: str = "n_components") -> None:
    """A full-covariance component needs ``d + 1`` rows: raise unless ``k * (d + 1) <= n``.

    Examples
    --------
    >>> check_n_components(3, 100, 2)
    >>> check_n_components(50, 100, 2)
    Traceback (most recent call last):
    ...
    pgmpy_mixture.errors.ParameterError: n_components=50 is larger than the data support: ...
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"{name} must be a positive integer, got {k!r}")
    if k * (d + 1) > n:
        raise ParameterError(
            f"{name}={k} is larger than the data support: {n} rows allow at most {n // (d + 1)} full-covariance "
            f"components over {d} columns"
        )


def candidate_counts(n_components: int | str, k_max: int | None, n: int, d: int, selection: str) -> np.ndarray:
    """Component counts to fit: ``1..k_max`` for ``"auto"`` (default ``k_max = min(d + 1, n // (d + 1))``), else one.

    Checks ``selection`` and that every count is supported by the data (:func:`check_n_components`).

    Examples
    --------
    >>> candidate_counts("auto", None, n=100, d=3, selection="bic").tolist()
    [1, 2, 3, 4]
    >>> candidate_counts(2, None, n=100, d=3, selection="cutoff").tolist()
    [2]
    """
    if selection not in ("cutoff", "bic"):
        raise ParameterError(f"selection must be 'cutoff' or 'bic', got {selection!r}")
    if n_components == "auto":
        if k_max is None:
            k_max = max(1, min(d + 1, n // (d + 1)))
        check_n_components(k_max, n, d, "k_max")
        return np.arange(1, k_max + 1)
    check_n_components(n_components, n, d)
    return np.array([int(n_components)])


def _fit_one_count(
    X: np.ndarray, k: int, n_init: int, random_state: int | None, reg_covar: float, max_iter: int,
    covariance_type: str, init_params: Sequence[str],
):
    """Best of the starts of every initialisation scheme for one count ``k``: (model, average log-lik, BIC)."""
    from sklearn.mixture import GaussianMixture

    best, best_ll = None, -np.inf
    # one BLAS thread: these are small matrices, and multi-threaded BLAS was 10x slower here (oversubscription)
    with single_blas_thread(openmp=True):
        for init in init_params:
            gm = GaussianMixture(
                n_components=int(k), covariance_type=covariance_type, n_init=n_init, random_state=random_state,
                reg_covar=reg_covar, max_iter=max_iter, init_params=init,
            ).fit(X)
            score = gm.score(X)
            if score > best_ll:
                best, best_ll = gm, score
        return best, best_ll, best.bic(X)


def _restart_without_lightest(X: np.ndarray, upper, k: int, random_state, reg_covar: float, max_iter: int):
    """EM for ``k`` components started from the ``(k + 1)``-component model ``upper`` without its lightest
    component: (model, average log-lik, BIC)."""
    from sklearn.mixture import GaussianMixture

    keep = np.sort(np.argsort(upper.weights_, kind="stable")[1:])
    precisions = upper.precisions_ if upper.covariance_type == "tied" else upper.precisions_[keep]
    with single_blas_thread(openmp=True):
        gm = GaussianMixture(
            n_components=k, covariance_type=upper.covariance_type, random_state=random_state, reg_covar=reg_covar,
            max_iter=max_iter, weights_init=upper.weights_[keep] / upper.weights_[keep].sum(),
            means_init=upper.means_[keep], precisions_init=precisions,
        ).fit(X)
        return gm, gm.score(X), gm.bic(X)


def fit_candidate_mixtures(
    X: np.ndarray, candidates: Sequence[int], n_init: int = 1, random_state: int | None = 0,
    reg_covar: float = 1e-6, max_iter: int = 300, progress: bool = False, covariance_type: str = "full",
    init_params: Sequence[str] = ("kmeans", "k-means++"), n_jobs: int | None = None,
    backward_restarts: bool = True,
) -> tuple[list, np.ndarray, np.ndarray]:
    """Fit scikit-learn ``GaussianMixture`` for each candidate ``k``; keep the best of ``n_init`` starts of each
    initialisation scheme in ``init_params`` (k-means alone left EM merging two of nine well-separated
    do-intervention components in a third of the d = 8 runs; adding k-means++ starts found them).

    ``covariance_type`` is scikit-learn's ("full" as in the paper; "diag" has far fewer parameters and clusters
    the Sachs conditions better; the component moments used afterwards are always full, see
    :func:`pgmpy_mixture.gaussian.mixture_utigsp.select_and_identify`). The candidate counts (and the helper counts
    of the backward restarts) are fitted side by side: by default (``n_jobs=None``) in threads, one per core up to
    :data:`~pgmpy_mixture.parallel.WORKERS` (scikit-learn's EM spends its time in NumPy passes over the rows, which
    release the GIL: 1.85 times faster on two cores at 2^14 rows, ``benchmarks/RESULTS.md``); ``n_jobs=1`` fits
    them one after the other, and ``n_jobs`` >= 2 (or -1, every core) in that many processes (joblib). Every fit
    is seeded and runs on one BLAS thread, so with an integer ``random_state`` the result does not depend on
    ``n_jobs``.

    ``backward_restarts`` (default on) repairs EM runs stuck with two true components merged. From the top down,
    each count ``k`` is also fitted from the ``(k + 1)``-model without its lightest component, and the higher
    likelihood is kept; the ``(k + 1)``-model is the candidate one (itself already repaired), or a helper fitted
    for the purpose when ``k + 1`` is not a candidate (e.g. above the largest). (On the
    paper's d = 8 'all' simulation at 2^12 rows, one run in ten had ``k = 9`` stuck while ``k = 10`` was the
    nine true components plus one of weight 0.001.) For consecutive counts it costs one more count and one EM per
    count (20-35 % more time in the simulation benchmark); ``False`` gives plain best-of-starts EM.

    Returns the fitted models, the per-sample average log-likelihood and the BIC of each.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> models, ll, bic = fit_candidate_mixtures(X, [1, 2])
    >>> len(models), bool(ll[1] >= ll[0] - 1e-6)
    (2, True)
    """
    args = (n_init, random_state, reg_covar, max_iter, covariance_type, tuple(init_params))
    n_jobs = check_n_jobs(n_jobs)
    counts = [int(k) for k in candidates]
    helpers = _helper_counts(counts, *X.shape) if backward_restarts else []
    every = counts + helpers
    bar = dict(desc="Gaussian mixtures", total=len(every), disable=not progress or len(every) < 2)
    # largest counts first (they take longest), so that no worker is left with a big fit at the end
    longest_first = sorted(range(len(every)), key=lambda i: -every[i])
    fitted = [None] * len(every)
    if n_jobs == 1:
        fitted = [_fit_one_count(X, k, *args) for k in tqdm(every, **bar)]
    elif n_jobs is None:
        # the one-thread limit is set once around the threads: each fit's own limit then finds it in place and
        # leaves it in place, where a limit lifted at the end of one fit would free BLAS under the other threads
        with tqdm(**bar) as shown, single_blas_thread(openmp=True):

            def fit_count(i: int):
                result = _fit_one_count(X, every[i], *args)
                shown.update()
                return result

            for i, result in zip(longest_first, map_in_threads(fit_count, longest_first), strict=True):
                fitted[i] = result
    else:
        from joblib import Parallel, delayed

        jobs = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_fit_one_count)(X, every[i], *args)
                                                               for i in longest_first)
        for i, result in zip(longest_first, tqdm(jobs, **bar), strict=True):
            fitted[i] = result
    results = fitted[:len(counts)]
    if backward_restarts:
        results = _backward_pass(X, counts, results, dict(zip(helpers, fitted[len(counts):], strict=True)), args,
                                 progress)
    models = [r[0] for r in results]
    return models, np.array([r[1] for r in results]), np.array([r[2] for r in results])


def _helper_counts(counts: list[int], n: int, d: int) -> list[int]:
    """The counts ``k + 1`` that the backward restarts need but that are not candidates, where the data support
    a full-covariance fit (at least ``d + 1`` rows per component); fitted alongside the candidates."""
    return sorted({k + 1 for k in counts if k + 1 not in counts and (k + 1) * (d + 1) <= n})


def _backward_pass(X: np.ndarray, counts: list[int], results: list, helpers: dict, args: tuple,
                   progress: bool = False) -> list:
    """:func:`fit_candidate_mixtures`'s ``backward_restarts``: refit each count, from the largest down, from the
    model one count above it without its lightest component. That model is the candidate ``k + 1`` (already
    repaired) or, when ``k + 1`` is not a candidate, the helper fitted for it (none where the data are too few).
    Each restart is one EM from a good start: on the d = 8 simulation at 2^14 rows all nine take 1.4 s, against
    39 s for the candidate fits, so they run in order."""
    _, random_state, reg_covar, max_iter, _, _ = args  # the covariance type comes from each upper model
    results = list(results)
    above = {**helpers, **dict(zip(counts, results, strict=True))}
    top_down = sorted(range(len(counts)), key=lambda i: -counts[i])
    for i in tqdm(top_down, desc="Backward restarts", disable=not progress):
        k = counts[i]
        if k + 1 not in above:
            continue
        restarted = _restart_without_lightest(X, above[k + 1][0], k, random_state, reg_covar, max_iter)
        if restarted[1] > results[i][1]:
            results[i] = above[k] = restarted
    return results


def relative_gains(loglik: Sequence[float]) -> np.ndarray:
    """Relative log-likelihood gain of each candidate over the previous one, ``(ll_k - ll_{k-1}) / |ll_{k-1}|``
    (the quantity the paper's cutoff rule compares); NaN for the first candidate.

    Examples
    --------
    >>> relative_gains([-10.0, -5.0, -4.9]).round(3).tolist()
    [nan, 0.5, 0.02]
    """
    ll = np.asarray(loglik, dtype=float)
    gains = np.full(ll.shape, np.nan)
    if ll.size > 1:
        gains[1:] = (ll[1:] - ll[:-1]) / np.maximum(np.abs(ll[:-1]), 1e-12)
    return gains


def select_by_cutoff(loglik: Sequence[float], candidates: Sequence[int], cutoff_ratio: float) -> int:
    """The paper's rule: scanning ``k`` downwards, the largest ``k`` whose relative log-likelihood gain over the
    previous candidate, ``(ll_k - ll_{k-1}) / |ll_{k-1}|``, exceeds ``cutoff_ratio``; the smallest candidate if none.

    Examples
    --------
    >>> select_by_cutoff([-10.0, -5.0, -4.9, -4.89], [1, 2, 3, 4], 0.07)
    2
    """
    if cutoff_ratio < 0:
        raise ParameterError(f"cutoff_ratio must be >= 0, got {cutoff_ratio}")
    above = np.flatnonzero(relative_gains(loglik)[1:] > cutoff_ratio)
    return int(candidates[above[-1] + 1]) if above.size else int(candidates[0])
