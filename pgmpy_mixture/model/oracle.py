"""Distribution access ("oracles"): the one interface the discrete algorithms use.

An oracle answers two questions over *prefixes* of the network's topological
order (a prefix ``V_1..V_j`` is ancestrally closed, so its marginals are CPD
products, UAI 2021 Lemma 4.2):

* ``interventional_probability(targets, settings)``: ``P_t(v)`` from the known network;
* ``mixture_probability(settings)``: ``P_mix(v)`` of the observed mixture.

:class:`ExactOracle` knows the true mixture and answers both exactly from CPD
products (no joint table, so it scales to hundreds of nodes).
:class:`EmpiricalOracle` answers ``P_mix`` from a :class:`~pgmpy_mixture.data.counts.CountTable`
(samples, counts or an exact probability table).

Both also answer in log space (``log_interventional_probability``, ``log_mixture_probability`` and, for a whole
lifting step, ``log_mixture_extensions``): a prefix of a few hundred variables has probabilities below the
smallest float. :func:`log_mixture_probability` and its siblings ask any oracle, falling back to the logarithm of
the two protocol methods for oracles that do not have them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from scipy.special import logsumexp

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork

_BLOCK_ELEMENTS = 2**20  # entries of (true targets x settings x states) computed at once


@runtime_checkable
class DistributionOracle(Protocol):
    """What every discrete algorithm may ask of the known network and the mixture.

    Attributes
    ----------
    network : CausalNetwork
        The known P(V) (given or fitted), variables in topological order.
    sample_size : int, float or None
        Number of mixture samples (an int for counts, a float for fractional counts); ``None`` when the mixture is
        known exactly.
    """

    network: CausalNetwork
    sample_size: int | float | None

    def interventional_probability(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        """``P_t(v)`` for encoded targets (q, n) and prefix settings (Q, j); returns (q, Q)."""
        ...

    def mixture_probability(self, settings: np.ndarray) -> np.ndarray:
        """``P_mix(v)`` for prefix settings (Q, j); returns (Q,)."""
        ...


def log_interventional_probability(oracle: DistributionOracle, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
    """``log P_t(v)`` from any oracle: its own ``log_interventional_probability`` when it has one (no underflow on
    long prefixes), else the logarithm of ``interventional_probability`` (``-inf`` where it is 0).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.4, .6])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}]), np.array([1.0]))
    >>> np.exp(log_interventional_probability(oracle, net.encode_targets([{}]), np.array([[1]]))).round(3).tolist()
    [[0.6]]
    """
    method = getattr(oracle, "log_interventional_probability", None)
    if method is not None:
        return np.asarray(method(targets, settings), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(oracle.interventional_probability(targets, settings), dtype=np.float64))


def log_mixture_probability(oracle: DistributionOracle, settings: np.ndarray) -> np.ndarray:
    """``log P_mix(v)`` from any oracle: its own ``log_mixture_probability`` when it has one, else the logarithm of
    ``mixture_probability`` (``-inf`` where it is 0).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.4, .6])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}, {"A": "x"}]), np.array([.5, .5]))
    >>> np.exp(log_mixture_probability(oracle, np.array([[0], [1]]))).round(3).tolist()
    [0.7, 0.3]
    """
    method = getattr(oracle, "log_mixture_probability", None)
    if method is not None:
        return np.asarray(method(settings), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # NaN for a negative answer of an inconsistent oracle
        return np.log(np.asarray(oracle.mixture_probability(settings), dtype=np.float64))


def log_mixture_extensions(oracle: DistributionOracle, prefixes: np.ndarray) -> np.ndarray:
    """``log P_mix(v, V_{j+1} = l)`` for every prefix setting ``v`` (Q, j) and every value ``l`` of the next
    variable, shape (Q, k): the settings one lifting step of DISENTANGLE asks about.

    Uses the oracle's own ``log_mixture_extensions`` when it has one (:class:`ExactOracle` computes each prefix's
    product once for all ``k`` values), else :func:`log_mixture_probability` on the ``Q k`` extended settings.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.4, .6]), "B": np.array([[.5, .5], [.1, .9]])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}, {"B": "0"}]), np.array([.5, .5]))
    >>> np.exp(log_mixture_extensions(oracle, np.array([[1]]))).round(3).tolist()
    [[0.33, 0.27]]
    """
    prefixes = np.asarray(prefixes, dtype=np.int64)
    method = getattr(oracle, "log_mixture_extensions", None)
    if method is not None:
        return np.asarray(method(prefixes), dtype=np.float64)
    q, j = prefixes.shape
    k = int(oracle.network.cardinalities[j])
    settings = np.empty((q * k, j + 1), dtype=np.int64)
    settings[:, :j] = np.repeat(prefixes, k, axis=0)
    settings[:, j] = np.tile(np.arange(k), q)
    return log_mixture_probability(oracle, settings).reshape(q, k)


class _NetworkAccess:
    network: CausalNetwork

    def interventional_probability(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        return self.network.interventional_probability(targets, settings)

    def log_interventional_probability(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        """``log P_t(v)`` (q, Q), ``-inf`` where impossible (no underflow on long prefixes)."""
        return self.network.log_interventional_probability(targets, settings)


class ExactOracle(_NetworkAccess):
    """Exact access to a known network and a known mixture, by CPD products.

    Parameters
    ----------
    network : CausalNetwork
    targets : ndarray of int, shape (m, n)
        Encoded true targets (-1 = not intervened).
    weights : ndarray of float, shape (m,)
        Mixing weights; must be non-negative and sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.4, .6])})
    >>> oracle = ExactOracle(net, net.encode_targets([{}, {"A": "x"}]), np.array([.5, .5]))
    >>> oracle.mixture_probability(np.array([[0], [1]])).round(3).tolist()
    [0.7, 0.3]
    """

    sample_size = None

    def __init__(self, network: CausalNetwork, targets: np.ndarray, weights: np.ndarray) -> None:
        self.network = network
        self.targets = np.array(targets, dtype=np.int64)
        self.weights = np.array(weights, dtype=np.float64)
        if self.targets.shape != (len(self.weights), network.n_variables):
            raise DataValueError("targets must be (m, n) with one row per weight")
        if np.any(self.weights < 0) or not np.isclose(self.weights.sum(), 1.0, atol=1e-9):
            raise DataValueError("mixture weights must be non-negative and sum to 1")

    def mixture_probability(self, settings: np.ndarray) -> np.ndarray:
        return self.weights @ self.network.interventional_probability(self.targets, settings)

    def log_mixture_probability(self, settings: np.ndarray) -> np.ndarray:
        """``log P_mix(v)`` for prefix settings (Q, j), by log-sum-exp over the true targets (no underflow)."""
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        return logsumexp(log_w[:, None] + self.network.log_interventional_probability(self.targets, settings), axis=0)

    def log_mixture_extensions(self, prefixes: np.ndarray) -> np.ndarray:
        """``log P_mix(v, V_{j+1} = l)`` (Q, k) for prefix settings ``v`` (Q, j): each true target's product over the
        prefix is computed once and extended by ``P(l | pa)``, or by ``[l = t_{j+1}]`` where it intervenes."""
        prefixes = np.asarray(prefixes, dtype=np.int64)
        q, j = prefixes.shape
        net = self.network
        k = int(net.cardinalities[j])
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
            log_next = np.log(net.cpd_columns(j, net.parent_configurations(j, prefixes)))  # (q, k), dense or sparse
        hit = np.where(self.targets[:, j, None] == np.arange(k)[None, :], 0.0, -np.inf)  # (m, k)
        free = (self.targets[:, j] == NOT_INTERVENED)[:, None, None]
        m = len(self.weights)
        block = max(1, _BLOCK_ELEMENTS // max(1, m * k))
        out = np.empty((q, k))
        for start in range(0, q, block):
            part = slice(start, start + block)
            log_prefix = net.log_interventional_probability(self.targets, prefixes[part])  # (m, Q')
            step = np.where(free, log_next[None, part], hit[:, None, :])  # (m, Q', k)
            terms = (log_w[:, None] + log_prefix)[:, :, None] + step
            out[part] = logsumexp(terms.reshape(m, -1), axis=0).reshape(-1, k)
        return out


class EmpiricalOracle(_NetworkAccess):
    """``P_mix`` from a count table; ``P_t`` from the (known or fitted) network.

    Prefix look-ups are answered by filtering the rows that matched the parent prefix, cached by
    prefix, so a recursion over the topological order filters each distinct row a bounded number
    of times. The cache keeps only the two most recent prefix lengths.

    Parameters
    ----------
    network : CausalNetwork
    counts : CountTable
        Mixture samples over the network's variables (any column order).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.4, .6])})
    >>> table = CountTable.from_codes(np.array([[0], [0], [1]]), ["A"], [["x", "y"]])
    >>> EmpiricalOracle(net, table).mixture_probability(np.array([[0]])).round(3).tolist()
    [0.667]
    """

    def __init__(self, network: CausalNetwork, counts: CountTable) -> None:
        counts = counts.align(network.variables, network.states)
        self.network = network
        self.counts = counts
        self.total = counts.total
        self.sample_size = counts.sample_size
        self._cache: dict[int, dict[tuple[int, ...], np.ndarray]] = {}

    def _rows_matching(self, setting: tuple[int, ...]) -> np.ndarray:
        j = len(setting)
        if j == 0:
            return np.arange(self.counts.codes.shape[0])
        level = self._cache.setdefault(j, {})
        hit = level.get(setting)
        if hit is not None:
            return hit
        parent = self._rows_matching(setting[:-1])
        rows = parent[self.counts.codes[parent, j - 1] == setting[-1]]
        level[setting] = rows
        for old in [k for k in self._cache if k < j - 1]:
            del self._cache[old]
        return rows

    def mixture_probability(self, settings: np.ndarray) -> np.ndarray:
        settings = np.asarray(settings, dtype=np.int64)
        out = np.empty(settings.shape[0])
        for q, row in enumerate(settings):
            out[q] = self.counts.weights[self._rows_matching(tuple(row.tolist()))].sum()
        return out / self.total

    def log_mixture_probability(self, settings: np.ndarray) -> np.ndarray:
        """``log P_mix(v)`` for prefix settings (Q, j); ``-inf`` where no row matches."""
        with np.errstate(divide="ignore"):
            return np.log(self.mixture_probability(settings))
