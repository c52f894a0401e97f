"""The result types of the Gaussian methods: fitted mixtures of interventions on a linear Gaussian SEM.

Both :mod:`pgmpy_mixture.gaussian.mixture_utigsp` (Mixture-UTIGSP's disentangling step) and
:mod:`pgmpy_mixture.gaussian.shared_sem` return a :class:`GaussianMixtureFit`, the continuous counterpart of
:class:`pgmpy_mixture.result.MixtureResult`: immutable, with the component moments, the identified observational
component, targets and causal order, and block-wise (memory-bounded) prediction. :class:`SharedSEMFit` holds the
structural parameters of the shared-SEM EM (:func:`pgmpy_mixture.gaussian.shared_sem.fit_shared_sem`), from which
that :class:`GaussianMixtureFit` is built.

Both are frozen dataclasses whose arrays are read-only copies; they pickle, deep-copy and go through
``joblib.dump`` / ``joblib.load`` unchanged, and what comes back is read-only again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from pgmpy_mixture.gaussian.blocks import row_blocks
from pgmpy_mixture.gaussian.candidates import relative_gains
from pgmpy_mixture.gaussian.density import mixture_log_joint
from pgmpy_mixture.gaussian.simulate import component_moments

__all__ = ["GaussianMixtureFit", "SharedSEMFit"]


def _read_only(value: Any) -> np.ndarray:
    """A read-only copy of ``value`` as an array (never a view of the caller's array)."""
    array = np.array(value, copy=True)
    array.setflags(write=False)
    return array


class _ReadOnlyArrays:
    """Base of the frozen results: the attributes named in ``_ARRAYS`` are read-only arrays, also after unpickling
    or deep-copying (numpy restores arrays writeable, and neither calls ``__init__``)."""

    _ARRAYS: tuple[str, ...] = ()

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            if name in self._ARRAYS and value is not None:
                value = _read_only(value)
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class GaussianMixtureFit(_ReadOnlyArrays):
    """A fitted mixture of interventions on a linear Gaussian SEM (immutable: the arrays are read-only copies and
    the sequences tuples, whatever was passed in).

    Attributes
    ----------
    weights : ndarray (K,)
    means : ndarray (K, d)
    covariances : ndarray (K, d, d)
    n_samples : int
    observational : int
        Index of the component identified as observational.
    targets : tuple of frozenset of int
        Targets of each component (column indices; empty for the observational one).
    order : tuple of int
        Estimated causal order (first = source).
    changes : ndarray (K, K, d) of bool
        ``changes[k, l, j]``: node ``j``'s mechanism differs between components ``k`` and ``l``.
    loglik_curve, bic_curve : ndarray
        Per-sample average log-likelihood and BIC for ``k = candidates[0], ...``.
    candidates : ndarray of int
        The component counts that were fitted.
    columns : tuple of str
    parameter_count : int, optional
        Free parameters of the model that produced the moments, when it is not an unconstrained full-covariance
        mixture (the shared-SEM mixture has far fewer); see :attr:`n_parameters`.

    Examples
    --------
    >>> fit = GaussianMixtureFit(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None], 10, 0, [frozenset()],
    ...                          [0, 1], np.zeros((1, 1, 2), bool))
    >>> fit.n_components, fit.predict_proba(np.zeros((2, 2))).tolist(), fit.weights.flags.writeable
    (1, [[1.0], [1.0]], False)
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    n_samples: int
    observational: int
    targets: tuple
    order: tuple
    changes: np.ndarray
    loglik_curve: np.ndarray = field(default_factory=lambda: np.empty(0))
    bic_curve: np.ndarray = field(default_factory=lambda: np.empty(0))
    candidates: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    columns: tuple = ()
    parameter_count: int | None = None

    _ARRAYS = ("weights", "means", "covariances", "changes", "loglik_curve", "bic_curve", "candidates")

    def __post_init__(self) -> None:
        # deeply immutable, like MixtureResult: read-only copies of the arrays, tuples for the sequences
        for name in self._ARRAYS:
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else _read_only(value))
        object.__setattr__(self, "targets", tuple(frozenset(int(j) for j in t) for t in self.targets))
        object.__setattr__(self, "order", tuple(int(j) for j in self.order))
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))

    @property
    def n_components(self) -> int:
        """Number of components.

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> fit.n_components
        2
        """
        return int(len(self.weights))

    @property
    def shift_density(self) -> float:
        """Mean share of the nodes whose mechanism differs from the observational component, over the other
        components (from ``changes``, before any ``max_targets`` cut); 0.0 for a single component.

        Under the paper's model an intervention moves few mechanisms, so this is small (``1 / d`` for single-node
        targets). Near 1 the components are not sparse shifts of one SEM: the clusters may not be intervention
        settings at all (non-Gaussian conditions, or regions of X-space whose selection changes every regression),
        and the targets, order and DAG read from them are unreliable.
        :func:`pgmpy_mixture.gaussian.mixture_utigsp.select_and_identify` warns above 0.5.

        Examples
        --------
        >>> changes = np.zeros((2, 2, 4), bool)
        >>> changes[0, 1, :3] = changes[1, 0, :3] = True
        >>> GaussianMixtureFit(np.array([0.5, 0.5]), np.zeros((2, 4)), np.stack([np.eye(4)] * 2), 10, 0,
        ...                    [frozenset(), frozenset({0, 1, 2})], [0, 1, 2, 3], changes).shift_density
        0.75
        """
        others = [k for k in range(self.n_components) if k != self.observational]
        if not others or self.changes is None or self.changes.ndim != 3:
            return 0.0
        return float(self.changes[self.observational, others].mean())

    def _rows(self, X: object) -> np.ndarray:
        """``X`` checked against the fitted columns (number, and names when both sides have real ones), as float64.

        Columns named ``X0, X1, ...`` are the default of data without names: a DataFrame is then matched by
        position, as scikit-learn does.
        """
        from pgmpy_mixture.validation import check_prediction_matrix

        default = tuple(f"X{j}" for j in range(self.means.shape[1]))
        named = bool(self.columns) and self.columns != default
        names = self.columns if named and isinstance(X, pd.DataFrame) else None
        return check_prediction_matrix(X, self.means.shape[1], names, estimator="GaussianMixtureFit")

    def _log_joint_blocks(self, X: np.ndarray):
        """``(row slice, log pi_k + log N(x | mu_k, Sigma_k))`` block by block over checked rows (memory bounded)."""
        for block in row_blocks(X.shape[0]):
            yield block, mixture_log_joint(X[block], self.weights, self.means, self.covariances)

    def log_joint(self, X: np.ndarray) -> np.ndarray:
        """Joint log-density ``log pi_k + log N(x | mu_k, Sigma_k)`` of each row and component.

        Parameters
        ----------
        X : ndarray (n, d)

        Returns
        -------
        ndarray (n, K)

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> fit.log_joint(np.array([[0.0]])).round(3).tolist()
        [[-1.612, -9.612]]
        """
        return mixture_log_joint(self._rows(X), self.weights, self.means, self.covariances)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Posterior component probabilities (responsibilities).

        Parameters
        ----------
        X : ndarray (n, d)

        Returns
        -------
        ndarray (n, K), rows summing to 1

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> fit.predict_proba(np.array([[2.0]])).round(12).tolist()
        [[0.5, 0.5]]
        """
        X = self._rows(X)
        out = np.empty((X.shape[0], self.n_components))
        for block, lj in self._log_joint_blocks(X):
            out[block] = np.exp(lj - logsumexp(lj, axis=1, keepdims=True))
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Most probable component of each row.

        Parameters
        ----------
        X : ndarray (n, d)

        Returns
        -------
        ndarray (n,) of int

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> fit.predict(np.array([[-1.0], [5.0]])).tolist()
        [0, 1]
        """
        X = self._rows(X)
        out = np.empty(X.shape[0], dtype=np.intp)
        for block, lj in self._log_joint_blocks(X):
            out[block] = np.argmax(lj, axis=1)
        return out

    def score(self, X: np.ndarray) -> float:
        """Per-sample average log-likelihood of ``X`` under the mixture.

        Parameters
        ----------
        X : ndarray (n, d)

        Returns
        -------
        float

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> round(fit.score(np.array([[0.0], [4.0]])), 3)
        -1.612
        """
        return float(np.mean(self.score_samples(X)))

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Log-density of each row under the mixture, ``log sum_k pi_k N(x | mu_k, Sigma_k)`` (block by block).

        Parameters
        ----------
        X : ndarray (n, d)

        Returns
        -------
        ndarray (n,)

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> fit.score_samples(np.array([[0.0], [2.0]])).round(3).tolist()
        [-1.612, -2.919]
        """
        X = self._rows(X)
        out = np.empty(X.shape[0])
        for block, lj in self._log_joint_blocks(X):
            out[block] = logsumexp(lj, axis=1)
        return out

    @property
    def n_parameters(self) -> int:
        """Free parameters of the mixture: ``parameter_count`` when the fitting route set it (the shared-SEM
        mixture), else those of an unconstrained full-covariance mixture, ``K - 1`` weights, ``K d`` means and
        ``K d (d + 1) / 2`` covariances.

        Examples
        --------
        >>> GaussianMixtureFit(np.array([0.5, 0.5]), np.zeros((2, 3)), np.stack([np.eye(3)] * 2), 10, 0,
        ...                    [frozenset(), frozenset({0})], [0, 1, 2], np.zeros((2, 2, 3), bool)).n_parameters
        19
        """
        if self.parameter_count is not None:
            return int(self.parameter_count)
        k, d = self.means.shape
        return int(k - 1 + k * d + k * d * (d + 1) // 2)

    def bic(self, X: np.ndarray) -> float:
        """Bayesian information criterion on ``X`` (lower is better): ``-2 log L + n_parameters log n``.

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1, 1)), 10, 0, [frozenset()],
        ...                          [0], np.zeros((1, 1, 1), bool))
        >>> round(fit.bic(np.array([[0.0], [1.0]])), 3)   # 2 * (0.919 + 1.419) + 2 log 2
        6.062
        """
        log_density = self.score_samples(X)
        return float(-2.0 * log_density.sum() + self.n_parameters * np.log(log_density.size))

    def aic(self, X: np.ndarray) -> float:
        """Akaike information criterion on ``X`` (lower is better): ``-2 log L + 2 n_parameters``.

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1, 1)), 10, 0, [frozenset()],
        ...                          [0], np.zeros((1, 1, 1), bool))
        >>> round(fit.aic(np.array([[0.0], [1.0]])), 3)
        8.676
        """
        return float(-2.0 * self.score_samples(X).sum() + 2.0 * self.n_parameters)

    def sample(self, n_samples: int = 1, random_state: int | np.random.Generator | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Draw rows from the fitted mixture (as scikit-learn's ``GaussianMixture.sample``): the component sizes are
        multinomial in the weights, rows are grouped by component.

        Parameters
        ----------
        n_samples : int
        random_state : int or Generator, optional

        Returns
        -------
        X : ndarray (n_samples, d)
        labels : ndarray (n_samples,) of int
            The component of each row.

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool))
        >>> X, labels = fit.sample(4000, random_state=0)
        >>> X.shape, [abs(round(float(X[labels == k].mean()), 1)) for k in (0, 1)]
        ((4000, 1), [0.0, 4.0])
        """
        if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, bool) or n_samples < 1:
            from pgmpy_mixture.errors import ParameterError

            raise ParameterError(f"n_samples must be a positive integer, got {n_samples!r}")
        rng = np.random.default_rng(random_state)
        sizes = rng.multinomial(int(n_samples), np.asarray(self.weights, dtype=float) / float(np.sum(self.weights)))
        parts = [rng.multivariate_normal(self.means[k], self.covariances[k], size=int(size), method="cholesky")
                 if size else np.empty((0, self.means.shape[1])) for k, size in enumerate(sizes)]
        return np.vstack(parts), np.repeat(np.arange(self.n_components), sizes)

    # ------------------------------------------------------------------ tables
    @property
    def names(self) -> tuple[str, ...]:
        """Column names (``columns``, or ``X0, X1, ...`` when the fit was made without names).

        Examples
        --------
        >>> GaussianMixtureFit(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None], 10, 0, [frozenset()],
        ...                    [0, 1], np.zeros((1, 1, 2), bool)).names
        ('X0', 'X1')
        """
        return self.columns if self.columns else tuple(f"X{j}" for j in range(self.means.shape[1]))

    def labels(self) -> list[str]:
        """A readable label per component: ``observational``, or ``shift(A, B)`` naming the target columns
        (``shift()`` for a non-observational component in which no mechanism change was found).

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool), columns=["a"])
        >>> fit.labels()
        ['observational', 'shift(a)']
        """
        names = self.names
        return [
            "observational" if k == self.observational else f"shift({', '.join(names[j] for j in sorted(t))})"
            for k, t in enumerate(self.targets)
        ]

    def to_frame(self, means: bool = False) -> pd.DataFrame:
        """One row per component: label, weight, whether it is the observational one, and the target columns.

        Parameters
        ----------
        means : bool, default False
            Also add the component means, one column per variable (named ``mean[<column>]``).

        Returns
        -------
        pandas.DataFrame
            Indexed by component number (the integers :meth:`predict` returns).

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones((2, 1, 1)), 10, 0,
        ...                          [frozenset(), frozenset({0})], [0], np.zeros((2, 2, 1), bool), columns=["a"])
        >>> fit.to_frame(means=True)[["label", "weight", "mean[a]"]].values.tolist()
        [['observational', 0.5, 0.0], ['shift(a)', 0.5, 4.0]]
        """
        names = self.names
        frame = pd.DataFrame(
            {
                "label": self.labels(),
                "weight": np.asarray(self.weights, dtype=float),
                "observational": [k == self.observational for k in range(self.n_components)],
                "n_targets": [len(t) for t in self.targets],
                "targets": [tuple(names[j] for j in sorted(t)) for t in self.targets],
            },
            index=pd.RangeIndex(self.n_components, name="component"),
        )
        if means:
            for j, name in enumerate(names):
                frame[f"mean[{name}]"] = np.asarray(self.means[:, j], dtype=float)
        return frame

    def selection_frame(self) -> pd.DataFrame:
        """The model-selection curve: per candidate count ``k``, the per-sample average log-likelihood, its relative
        gain over the previous candidate (the quantity the paper's cutoff rule compares), BIC, and which ``k`` was
        chosen. Empty when the fit was made with a fixed count and no curve.

        The curve is that of the candidate models the count was chosen with: fitted with the clustering's
        ``covariance_type`` and, above ``max_fit_rows``, on a subsample. The returned fit is then refined
        (full covariances, every row), so :meth:`score` and :meth:`bic` on the data can differ from the chosen
        row.

        Examples
        --------
        >>> fit = GaussianMixtureFit(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1, 1)), 10, 0, [frozenset()],
        ...                          [0], np.zeros((1, 1, 1), bool), np.array([-2.0, -1.0]),
        ...                          np.array([50.0, 40.0]), np.array([1, 2]))
        >>> table = fit.selection_frame()
        >>> table["k"].tolist(), table["rel_gain"].tolist()[1:], table["chosen"].tolist()
        ([1, 2], [0.5], [True, False])
        """
        k = np.asarray(self.candidates, dtype=int)
        return pd.DataFrame(
            {
                "k": k,
                "avg_loglik": np.asarray(self.loglik_curve, dtype=float),
                "rel_gain": relative_gains(self.loglik_curve),
                "bic": np.asarray(self.bic_curve, dtype=float),
                "chosen": k == self.n_components,
            }
        )

    def __repr__(self) -> str:
        head = (f"GaussianMixtureFit(components={self.n_components}, variables={self.means.shape[1]}, "
                f"n_samples={self.n_samples})")
        labels = self.labels()
        width = max([len(label) for label in labels] + [6])
        lines = [head, f"  {'#':>3}  {'target':<{width}}  weight"]  # '#': the number predict() returns
        for k in np.argsort(-np.asarray(self.weights), kind="stable"):  # heaviest first, as MixtureResult
            lines.append(f"  {int(k):>3}  {labels[k]:<{width}}  {float(self.weights[k]):.6f}")
        lines.append("  order: " + " < ".join(self.names[j] for j in self.order))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame()[["label", "weight", "n_targets"]].to_html()


@dataclass(frozen=True)
class SharedSEMFit(_ReadOnlyArrays):
    """Parameters of a fitted sparse-shift SEM mixture (the result of
    :func:`pgmpy_mixture.gaussian.shared_sem.fit_shared_sem`): one linear SEM per component,
    ``x_j = intercepts[k, j] + coefs[k, j] @ x + N(0, variances[k, j])``, sharing node ``j``'s mechanism unless
    ``is_target[k, j]``. Immutable: the arrays are read-only copies, ``order`` a tuple.

    Attributes
    ----------
    weights : ndarray (K,)
    intercepts : ndarray (K, d)
    coefs : ndarray (K, d, d)
        ``coefs[k, j, i]``: coefficient of ``x_i`` in ``x_j``'s equation in component ``k``.
    variances : ndarray (K, d)
        Residual (noise) variances.
    order : tuple of int
        The causal order the regressions follow.
    is_target : ndarray (K, d) of bool
    observational : int
    loglik : float
        Total log-likelihood of the data.
    n_params : int
        Free parameters (the BIC's).
    means, covariances : ndarray (K, d), (K, d, d)
        The component moments the SEMs imply (computed, not passed).

    Examples
    --------
    >>> f = SharedSEMFit(np.array([1.0]), np.zeros((1, 1)), np.zeros((1, 1, 1)), np.ones((1, 1)), [0],
    ...                  np.zeros((1, 1), bool), 0, -1.0, 3)
    >>> f.means.tolist(), f.covariances.tolist(), f.covariances.flags.writeable
    ([[0.0]], [[[1.0]]], False)
    """

    weights: np.ndarray
    intercepts: np.ndarray
    coefs: np.ndarray
    variances: np.ndarray
    order: tuple
    is_target: np.ndarray
    observational: int
    loglik: float
    n_params: int
    means: np.ndarray = field(init=False, repr=False)
    covariances: np.ndarray = field(init=False, repr=False)

    _ARRAYS = ("weights", "intercepts", "coefs", "variances", "is_target", "means", "covariances")

    def __post_init__(self) -> None:
        for name in ("weights", "intercepts", "coefs", "variances", "is_target"):
            object.__setattr__(self, name, _read_only(getattr(self, name)))
        object.__setattr__(self, "order", tuple(int(j) for j in self.order))
        moments = [component_moments(self.coefs[k], self.intercepts[k], self.variances[k])
                   for k in range(len(self.weights))]
        object.__setattr__(self, "means", _read_only([m for m, _ in moments]))
        object.__setattr__(self, "covariances", _read_only([c for _, c in moments]))
