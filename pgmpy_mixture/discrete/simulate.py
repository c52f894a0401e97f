"""Random networks, random mixtures of interventions, and a vectorised mixture sampler.

This module implements the simulation protocol of Kumar & Sinha (UAI 2021, Section 5):

* random DAGs (Erdos-Renyi or scale-free, number of edges uniform in ``[N, min(N(N-1)/2, 5N)]``),
* categorical CPDs drawn from a Dirichlet(alpha = 2) prior (so positivity, Assumption 3.2, holds); a CPD whose dense
  table would be large (a hub of a scale-free graph with 16 parents) is a
  :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD` whose columns are drawn lazily and reproducibly, only for the
  parent configurations some row needs,
* mixtures of ``m`` (uniform in ``[4, 16]``) distinct hard interventions whose targets have a size uniform in
  ``{0..N}``, one *excluded* state per variable that no target uses (exclusion, Assumption 3.1), and
  Dirichlet(2) mixing weights,
* ancestral sampling of the mixture, vectorised over rows (inverse CDF per node for all rows at once).

Nothing here imports pgmpy: the networks are :class:`~pgmpy_mixture.model.network.CausalNetwork` objects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.model.sparse_cpd import MAX_CONFIGURATIONS, SPARSE_CPD_ENTRIES, SparseCPD, configuration_strides
from pgmpy_mixture.result import Component
from pgmpy_mixture.validation import check_allocation, check_choice, smallest_code_dtype

GRAPH_KINDS = ("er", "sf", "chain", "dense")
MAX_JOINT_CELLS = 5_000_000
_SETTINGS_PER_BLOCK = 50_000


def _rng(rng) -> np.random.Generator:
    """Turn ``None``, an int seed or a Generator into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise ParameterError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")


def _check_count(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    if value < low:
        raise ParameterError(f"{name} must be at least {low}, got {value}")
    return int(value)


# ---------------------------------------------------------------------------------------------- graphs
def _default_edge_range(n_nodes: int, cap: int | None = None) -> tuple[int, int]:
    high = min(n_nodes * (n_nodes - 1) // 2, 5 * n_nodes)
    if cap is not None:  # most edges a DAG with at most `cap` parents per node can have
        high = min(high, sum(min(i, cap) for i in range(n_nodes)))
    return min(n_nodes, high), high


def _preferential_attachment(
    n_nodes: int, n_edges: int, rng: np.random.Generator, position: np.ndarray, cap: int | None
) -> list[tuple[int, int]]:
    """Barabasi-Albert-like growth with exactly ``n_edges`` edges; returns undirected pairs (old, new).

    Node ``i`` arrives after nodes ``0..i-1`` and links to a quota of them, each chosen with probability
    proportional to its degree + 1. With ``cap``, a link is only allowed when its child (the end later in
    ``position``) has fewer than ``cap`` parents; quota a node cannot place passes to the next node.
    """
    quota = np.zeros(n_nodes, dtype=np.int64)
    remaining = n_edges
    while remaining > 0:  # spread the edges as evenly as the caps quota[i] <= i allow
        for i in range(n_nodes - 1, 0, -1):
            if remaining == 0:
                break
            if quota[i] < i:
                quota[i] += 1
                remaining -= 1
    degree = np.zeros(n_nodes, dtype=np.float64)
    in_degree = np.zeros(n_nodes, dtype=np.int64)
    edges: list[tuple[int, int]] = []
    carry = 0
    for i in range(1, n_nodes):
        want = int(quota[i]) + carry
        take = min(want, i)
        attract = degree[:i] + 1.0
        if take == 0:
            chosen: list[int] = []
        elif cap is None:
            chosen = rng.choice(i, size=take, replace=False, p=attract / attract.sum()).tolist()
        else:
            chosen = []
            free = np.ones(i, dtype=bool)
            i_is_child = position[:i] < position[i]
            for _ in range(take):
                allowed = free & np.where(i_is_child, in_degree[i] < cap, in_degree[:i] < cap)
                if not allowed.any():
                    break
                weights = attract * allowed
                j = int(rng.choice(i, p=weights / weights.sum()))
                free[j] = False
                chosen.append(j)
                in_degree[i if i_is_child[j] else j] += 1
        for j in chosen:
            edges.append((int(j), i))
            degree[j] += 1
        degree[i] += len(chosen)
        carry = want - len(chosen)
    if carry:
        raise ParameterError(f"cannot place {n_edges} edges with at most {cap} parents per node")
    return edges


def _erdos_renyi(
    n_nodes: int, n_edges: int, rng: np.random.Generator, position: np.ndarray, cap: int | None
) -> list[tuple[int, int]]:
    """``n_edges`` pairs uniformly at random (subject to the in-degree cap of the child under ``position``)."""
    iu, ju = np.triu_indices(n_nodes, k=1)
    if cap is None:
        pick = rng.choice(iu.size, size=n_edges, replace=False)
        return list(zip(iu[pick].tolist(), ju[pick].tolist(), strict=True))
    in_degree = np.zeros(n_nodes, dtype=np.int64)
    pairs: list[tuple[int, int]] = []
    for k in rng.permutation(iu.size):
        if len(pairs) == n_edges:
            break
        u, w = int(iu[k]), int(ju[k])
        child = u if position[u] > position[w] else w
        if in_degree[child] < cap:
            in_degree[child] += 1
            pairs.append((u, w))
    if len(pairs) < n_edges:
        raise ParameterError(f"cannot place {n_edges} edges with at most {cap} parents per node")
    return pairs


def random_dag(
    n_nodes: int, *, graph: str = "er", n_edges: int | None = None, max_in_degree: int | None = None, rng=None
) -> dict[str, list[str]]:
    """Draw a random DAG on variables ``V0 .. V{n-1}``.

    The returned variable names follow a topological order: every edge goes from ``Vi`` to ``Vj`` with
    ``i < j``. For ``"er"`` and ``"sf"`` the undirected skeleton is drawn first and then oriented along a
    uniformly random order of its nodes (so hubs of a scale-free graph sit anywhere in the order).

    Parameters
    ----------
    n_nodes : int
        Number of variables (at least 1).
    graph : {"er", "sf", "chain", "dense"}
        ``"er"``: Erdos-Renyi with exactly ``n_edges`` edges chosen uniformly among all pairs;
        ``"sf"``: scale-free, by preferential attachment (Barabasi & Albert 1999) with exactly ``n_edges`` edges;
        ``"chain"``: ``V0 -> V1 -> ...``; ``"dense"``: every edge ``Vi -> Vj`` with ``i < j``.
    n_edges : int, optional
        Number of edges for ``"er"``/``"sf"``. Default: uniform in ``[N, min(N(N-1)/2, 5N)]`` as in the
        paper's simulations (the upper end lowered to what ``max_in_degree`` allows). Not accepted for
        ``"chain"`` and ``"dense"`` (their edge count is fixed).
    max_in_degree : int, optional
        Largest number of parents of any variable (keeps CPD tables small on large graphs); the paper sets
        none. For ``"er"``/``"sf"`` edges that would exceed it are not drawn; ``"dense"`` graphs above it
        are rejected.
    rng : numpy.random.Generator or int, optional
        Random generator or seed.

    Returns
    -------
    dict of str to list of str
        ``variable -> parents`` for every variable (in name order).

    Examples
    --------
    >>> dag = random_dag(4, graph="chain")
    >>> dag
    {'V0': [], 'V1': ['V0'], 'V2': ['V1'], 'V3': ['V2']}
    >>> sum(len(p) for p in random_dag(6, graph="er", n_edges=7, rng=0).values())
    7
    """
    n_nodes = _check_count("n_nodes", n_nodes, 1)
    check_choice("graph", graph, GRAPH_KINDS)
    rng = _rng(rng)
    names = [f"V{i}" for i in range(n_nodes)]
    max_edges = n_nodes * (n_nodes - 1) // 2
    cap = None if max_in_degree is None else _check_count("max_in_degree", max_in_degree, 0)
    if graph in ("chain", "dense"):
        needed = min(n_nodes - 1, 1 if graph == "chain" else n_nodes - 1)
        if cap is not None and cap < needed:
            raise ParameterError(f"a {graph!r} graph on {n_nodes} nodes needs max_in_degree >= {needed}")
        if n_edges is not None:
            raise ParameterError(f"n_edges cannot be set for graph={graph!r}: its number of edges is fixed")
        if graph == "chain":
            return {v: ([names[i - 1]] if i else []) for i, v in enumerate(names)}
        return {v: names[:i] for i, v in enumerate(names)}
    if n_edges is None:
        low, high = _default_edge_range(n_nodes, cap)
        n_edges = int(rng.integers(low, high + 1))
    n_edges = _check_count("n_edges", n_edges, 0)
    if n_edges > max_edges:
        raise ParameterError(f"n_edges={n_edges} exceeds the {max_edges} possible edges of a DAG on {n_nodes} nodes")
    position = rng.permutation(n_nodes)  # node u becomes variable V{position[u]}
    build = _erdos_renyi if graph == "er" else _preferential_attachment
    pairs = build(n_nodes, n_edges, rng, position, cap)
    parents: dict[str, list[int]] = {v: [] for v in names}
    for u, w in pairs:
        a, b = sorted((int(position[u]), int(position[w])))
        parents[names[b]].append(a)
    return {v: [names[p] for p in sorted(ps)] for v, ps in parents.items()}


def random_network(
    n_nodes: int,
    *,
    n_states: int | Sequence[int] = 3,
    graph: str = "er",
    n_edges: int | None = None,
    max_in_degree: int | None = None,
    alpha: float = 2.0,
    rng=None,
    max_dense_entries: int = SPARSE_CPD_ENTRIES,
) -> CausalNetwork:
    """Draw a random discrete causal Bayesian network (graph from :func:`random_dag`, CPDs Dirichlet(alpha)).

    Parameters
    ----------
    n_nodes : int
        Number of variables ``V0 .. V{n-1}``.
    n_states : int or sequence of int
        Number of states of every variable, or one number per variable (in name order). States are
        named ``"s0" .. "s{k-1}"``.
    graph, n_edges, max_in_degree : see :func:`random_dag`.
    alpha : float
        Concentration of the symmetric Dirichlet prior of every CPD column (the paper uses 2).
    rng : numpy.random.Generator or int, optional
    max_dense_entries : int
        A CPD whose dense table would have more entries is a
        :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD`: nothing is stored, and the column of a parent
        configuration is drawn from Dirichlet(``alpha``) when asked for, as a fixed function of a seed taken
        from ``rng`` and of the configuration (the same column every time). Tables at most this large are drawn
        densely from ``rng`` as before. ``0`` makes every CPD with parents sparse.

    Returns
    -------
    CausalNetwork

    Examples
    --------
    >>> net = random_network(3, graph="chain", n_states=[2, 3, 2], rng=1)
    >>> net.variables, net.states[1]
    (('V0', 'V1', 'V2'), ('s0', 's1', 's2'))
    >>> net.cpds[2].shape
    (3, 2)
    >>> hub = random_network(17, graph="dense", max_in_degree=16, rng=0)   # V16 has 16 parents: 3^17 entries
    >>> hub.sparse_variables, hub.cpds[16].shape
    (('V13', 'V14', 'V15', 'V16'), (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3))
    """
    rng = _rng(rng)
    dag = random_dag(n_nodes, graph=graph, n_edges=n_edges, max_in_degree=max_in_degree, rng=rng)
    names = list(dag)
    cards = [n_states] * len(names) if isinstance(n_states, (int, np.integer)) else list(n_states)
    if len(cards) != len(names):
        raise ParameterError(f"n_states has {len(cards)} entries but the network has {len(names)} variables")
    for v, k in zip(names, cards, strict=True):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ParameterError(f"n_states of {v!r} must be a positive integer, got {k!r}")
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha <= 0:
        raise ParameterError(f"alpha must be a positive number, got {alpha}")
    if isinstance(max_dense_entries, bool) or not isinstance(max_dense_entries, (int, np.integer)) \
            or max_dense_entries < 0:
        raise ParameterError(f"max_dense_entries must be a non-negative integer, got {max_dense_entries!r}")
    card = dict(zip(names, (int(k) for k in cards), strict=True))
    sparse = {}
    for v in names:  # every CPD's size before any is drawn (Python ints: 10 states and 20 parents overflow int64)
        entries = math.prod(card[p] for p in dag[v]) * card[v]
        sparse[v] = bool(dag[v]) and entries > max_dense_entries
        if sparse[v] and entries > MAX_CONFIGURATIONS:
            raise ParameterError(f"the CPD of {v!r} ({len(dag[v])} parents, {entries:.3g} entries) has more "
                                 f"entries than an int64 index addresses: pass max_in_degree (or fewer n_edges, "
                                 f"or fewer n_states)")
        if not sparse[v]:
            check_allocation(3 * 8 * entries, f"the CPD of {v!r} ({len(dag[v])} parents, {entries:.3g} entries)",
                             hint="pass max_in_degree (or fewer n_edges, or fewer n_states)")
    cpds: dict[str, np.ndarray | SparseCPD] = {}
    for v in names:
        shape = tuple(card[p] for p in dag[v])
        if sparse[v]:  # columns drawn on demand from a seed of this generator (one draw, whatever the size)
            cpds[v] = SparseCPD.dirichlet(shape, card[v], alpha=alpha, seed=int(rng.integers(0, 2**63)))
            continue
        table = rng.dirichlet(np.full(card[v], alpha), size=math.prod(shape))
        cpds[v] = table.reshape(shape + (card[v],))
    states = {v: [f"s{k}" for k in range(card[v])] for v in names}
    return CausalNetwork.from_tables(names, states, dag, cpds)


# ---------------------------------------------------------------------------------------------- mixtures
@dataclass(frozen=True, eq=False)
class MixtureSpec:
    """A known mixture of hard interventions on a network (the ground truth of a simulation).

    Parameters
    ----------
    targets : ndarray of int, shape (m, n)
        Encoded targets in the network's variable order, ``-1`` = not intervened. Rows are distinct.
    weights : ndarray of float, shape (m,)
        Mixing weights, summing to 1.
    excluded : ndarray of int, shape (n,)
        For each variable the state code that no target uses (Assumption 3.1).

    Examples
    --------
    >>> import numpy as np
    >>> net = random_network(2, graph="chain", rng=0)
    >>> spec = MixtureSpec(np.array([[-1, -1], [1, -1]]), np.array([0.4, 0.6]), np.array([0, 0]))
    >>> [str(c) for c in spec.components(net)]
    ['observational: 0.4', 'do(V0=s1): 0.6']
    """

    targets: np.ndarray
    weights: np.ndarray
    excluded: np.ndarray

    def __post_init__(self) -> None:
        targets = np.array(self.targets, dtype=np.int64)
        weights = np.array(self.weights, dtype=np.float64)
        excluded = np.array(self.excluded, dtype=np.int64)
        if targets.ndim != 2 or weights.shape != (targets.shape[0],) or excluded.shape != (targets.shape[1],):
            raise DataValueError("MixtureSpec needs targets (m, n), weights (m,) and excluded (n,)")
        for arr in (targets, weights, excluded):
            arr.setflags(write=False)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "excluded", excluded)

    @property
    def n_components(self) -> int:
        """Number of targets ``m``."""
        return int(self.targets.shape[0])

    def components(self, network: CausalNetwork) -> list[Component]:
        """The mixture as :class:`~pgmpy_mixture.result.Component` objects with state names.

        Examples
        --------
        >>> import numpy as np
        >>> net = random_network(1, rng=0)
        >>> MixtureSpec(np.array([[2]]), np.array([1.0]), np.array([0])).components(net)[0].target
        {'V0': 's2'}
        """
        if self.targets.shape[1] != network.n_variables:
            raise DataValueError(
                f"the mixture has {self.targets.shape[1]} columns but the network has {network.n_variables} variables"
            )
        return [Component(network.decode_target(t), float(w)) for t, w in zip(self.targets, self.weights, strict=True)]


def _log_distinct_targets(eligible_cards: np.ndarray, max_size: int) -> float:
    """log of the number of exclusion-satisfying targets of size <= max_size (exact count for small cases)."""
    n = eligible_cards.size
    if n <= 60:
        poly = np.zeros(n + 1)  # poly[r] = number of targets of size r
        poly[0] = 1.0
        for c in eligible_cards:
            poly[1:] = poly[1:] + poly[:-1] * (c - 1)
        return float(np.log(poly[: max_size + 1].sum()))
    return math.inf


def random_mixture(
    network: CausalNetwork,
    *,
    n_targets: int | None = None,
    max_target_size: int | None = None,
    weight_alpha: float = 2.0,
    include_observational: bool = True,
    rng=None,
) -> MixtureSpec:
    """Draw a random exclusion-satisfying mixture of hard interventions (UAI 2021, Section 5 protocol).

    One state per variable is excluded (uniformly at random); the number of targets ``m`` is uniform in
    ``[4, 16]``; each target has a size ``r`` uniform in ``{0..min(N, max_target_size)}``, its variables a
    uniform ``r``-subset, and each of them a state uniform among the non-excluded ones. Duplicate targets are
    redrawn, so the targets are distinct. With ``include_observational`` the empty target is always one of
    them (the first row); the authors' code does the same. Weights are Dirichlet(``weight_alpha``).

    Variables with a single state cannot be intervened on (no state is left after exclusion).

    Parameters
    ----------
    network : CausalNetwork
    n_targets : int, optional
        Number of targets ``m`` (default uniform in ``[4, 16]``, capped by the number of distinct targets).
    max_target_size : int, optional
        Largest number of intervened variables per target (default ``N``).
    weight_alpha : float
        Dirichlet concentration of the mixing weights.
    include_observational : bool
        Force the empty (observational) target into the mixture.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    MixtureSpec

    Examples
    --------
    >>> net = random_network(5, rng=0)
    >>> spec = random_mixture(net, n_targets=6, rng=0)
    >>> spec.targets.shape, round(float(spec.weights.sum()), 12)
    ((6, 5), 1.0)
    >>> bool((spec.targets[0] == -1).all())   # the observational target comes first
    True
    >>> bool((spec.targets != spec.excluded).all())   # no target uses an excluded state
    True
    """
    if not isinstance(network, CausalNetwork):
        raise DataValueError(f"network must be a CausalNetwork, got {type(network).__name__}")
    rng = _rng(rng)
    n = network.n_variables
    cards = network.cardinalities.astype(np.int64)
    eligible = np.flatnonzero(cards >= 2)
    max_size = n if max_target_size is None else _check_count("max_target_size", max_target_size, 0)
    max_size = min(max_size, eligible.size)
    weight_alpha = float(weight_alpha)
    if not np.isfinite(weight_alpha) or weight_alpha <= 0:
        raise ParameterError(f"weight_alpha must be a positive number, got {weight_alpha}")
    log_available = _log_distinct_targets(cards[eligible], max_size)
    if n_targets is None:
        m = int(rng.integers(4, 17))
        m = int(min(m, math.floor(math.exp(min(log_available, 50.0)) + 0.5)))
    else:
        m = _check_count("n_targets", n_targets, 1)
        if math.log(m) > log_available + 1e-9:
            raise ParameterError(
                f"n_targets={m} exceeds the {round(math.exp(log_available))} distinct exclusion-satisfying "
                f"targets of size <= {max_size} on this network"
            )
    excluded = (rng.random(n) * cards).astype(np.int64)
    targets = np.full((m, n), NOT_INTERVENED, dtype=np.int64)
    seen: set[bytes] = set()
    row = 0
    if include_observational:
        seen.add(targets[0].tobytes())
        row = 1
    attempts = 0
    while row < m:
        attempts += 1
        if attempts > 1000 * m + 10_000:
            raise ParameterError("could not draw enough distinct targets; lower n_targets or raise max_target_size")
        size = int(rng.integers(0, max_size + 1))
        candidate = np.full(n, NOT_INTERVENED, dtype=np.int64)
        if size:
            chosen = rng.choice(eligible, size=size, replace=False)
            # a state uniform among the card-1 non-excluded ones: draw in [0, card-1) and skip the excluded code
            draw = (rng.random(size) * (cards[chosen] - 1)).astype(np.int64)
            candidate[chosen] = draw + (draw >= excluded[chosen])
        key = candidate.tobytes()
        if key in seen:
            continue
        seen.add(key)
        targets[row] = candidate
        row += 1
    weights = rng.dirichlet(np.full(m, weight_alpha))
    return MixtureSpec(targets=targets, weights=weights, excluded=excluded)


# ---------------------------------------------------------------------------------------------- sampling
def _encode_mixture(network: CausalNetwork, targets, weights) -> tuple[np.ndarray, np.ndarray]:
    """Validate and encode (targets, weights); targets may be codes or mappings of state names."""
    if isinstance(targets, np.ndarray) and targets.dtype.kind in "iu":
        codes = np.array(targets, dtype=np.int64)
    else:
        targets = list(targets)
        if targets and isinstance(targets[0], Mapping):
            codes = network.encode_targets(targets)
        else:
            codes = np.array(targets, dtype=np.int64).reshape(len(targets), -1)
    if codes.ndim != 2 or codes.shape[1] != network.n_variables:
        raise DataValueError(f"targets must have shape (m, {network.n_variables}), got {codes.shape}")
    cards = network.cardinalities
    bad = np.argwhere((codes < NOT_INTERVENED) | (codes >= cards[None, :]))
    if bad.size:
        r, c = bad[0]
        raise DataValueError(
            f"target row {r} has code {codes[r, c]} for variable {network.variables[c]!r}, which has {cards[c]} states"
        )
    w = np.array(weights, dtype=np.float64).reshape(-1)
    if w.shape != (codes.shape[0],):
        raise DataValueError(f"weights must have one entry per target ({codes.shape[0]}), got {w.shape[0]}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or abs(w.sum() - 1.0) > 1e-9:
        raise DataValueError("mixture weights must be finite, non-negative and sum to 1")
    return codes, w


def _cumulative(table: np.ndarray) -> np.ndarray:
    """Inner CDF boundaries of the columns ``table`` (configs, card): (card-1, configs), exact 1 after the last
    positive state."""
    card = table.shape[1]
    cum = np.cumsum(table, axis=1) / table.sum(axis=1, keepdims=True)
    last_positive = card - 1 - np.argmax(table[:, ::-1] > 0, axis=1)
    cum[np.arange(card)[None, :] >= last_positive[:, None]] = 1.0
    return np.ascontiguousarray(cum[:, :-1].T)  # row k = boundary after state k


def _cumulative_tables(network: CausalNetwork) -> list[np.ndarray | None]:
    """Per variable: (card-1, configs) inner CDF boundaries; ``None`` for a sparse CPD (read per chunk)."""
    return [None if isinstance(cpd, SparseCPD) else _cumulative(cpd.reshape(-1, int(card)))
            for cpd, card in zip(network.cpds, network.cardinalities, strict=True)]


def sample_bytes(network: CausalNetwork, n_targets: int, n_samples: int) -> float:
    """Bytes of the codes and component labels of ``n_samples`` samples (what :func:`sample_mixture` returns).

    Examples
    --------
    >>> sample_bytes(random_network(3, rng=0), 2, 1000)
    4000.0
    """
    code = np.dtype(smallest_code_dtype(list(network.cardinalities))).itemsize
    label = np.dtype(smallest_code_dtype([n_targets])).itemsize
    return float(n_samples) * (network.n_variables * code + label)


def sample_mixture(
    network: CausalNetwork,
    targets,
    weights,
    n_samples: int,
    *,
    rng=None,
    chunk_size: int = 1_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples of a mixture of hard interventions by vectorised ancestral sampling.

    Each row first draws its hidden component from ``weights``; then every variable, in topological order,
    is drawn for all rows at once by the inverse CDF of its CPD given the row's parents, and overwritten
    by the intervened state in the rows whose component intervenes on it (rows are grouped by component
    inside a chunk, so this is one slice assignment per component, and scattered back to their places).
    Rows are produced in chunks of ``chunk_size`` so the working memory stays bounded.

    Parameters
    ----------
    network : CausalNetwork
    targets : ndarray of int (m, n) or sequence of mappings
        Encoded targets (-1 = not intervened) or ``{variable: state name}`` dicts.
    weights : array-like of float, shape (m,)
        Mixing weights (sum to 1).
    n_samples : int
    rng : numpy.random.Generator or int, optional
    chunk_size : int
        Rows produced per block.

    Returns
    -------
    codes : ndarray, shape (n_samples, n)
        State codes (smallest integer dtype) in the network's variable order.
    labels : ndarray, shape (n_samples,)
        Index of the component (row of ``targets``) that produced each sample.

    Examples
    --------
    >>> net = random_network(3, graph="chain", rng=0)
    >>> codes, labels = sample_mixture(net, [{}, {"V1": "s0"}], [0.5, 0.5], 1000, rng=0)
    >>> codes.shape, bool((codes[labels == 1, 1] == 0).all())
    ((1000, 3), True)
    """
    codes_t, w = _encode_mixture(network, targets, weights)
    n_samples = _check_count("n_samples", n_samples, 0)
    chunk_size = _check_count("chunk_size", chunk_size, 1)
    rng = _rng(rng)
    n = network.n_variables
    m = codes_t.shape[0]
    check_allocation(sample_bytes(network, m, n_samples) + 40.0 * n * min(chunk_size, n_samples),
                     f"{n_samples:.3g} samples of {n} variables", hint="draw fewer samples, or in several calls")
    label_dtype = smallest_code_dtype([m])
    labels = rng.choice(m, size=n_samples, p=w).astype(label_dtype)
    code_dtype = smallest_code_dtype(list(network.cardinalities))
    out = np.empty((n_samples, n), dtype=code_dtype)
    cums = _cumulative_tables(network)
    # per variable: the components that intervene on it, and the forced state codes
    forcing = [(np.flatnonzero(codes_t[:, i] != NOT_INTERVENED), codes_t[:, i]) for i in range(n)]
    any_intervention = bool(np.any(codes_t != NOT_INTERVENED))
    cards = [int(c) for c in network.cardinalities]
    # row index into cpd.reshape(-1, card): row-major over the parents, first parent slowest
    strides = [configuration_strides([cards[p] for p in pars]) for pars in network.parents]
    for start in range(0, n_samples, chunk_size):
        stop = min(start + chunk_size, n_samples)
        rows = stop - start
        if any_intervention:
            # rows grouped by component, so an intervention overwrites one contiguous slice per component
            order = np.argsort(labels[start:stop], kind="stable")
            bounds = np.searchsorted(labels[start:stop][order], np.arange(m + 1))
        block = np.empty((n, rows), dtype=code_dtype)  # one contiguous row per variable
        for i in range(n):
            config = np.zeros(rows, dtype=np.int64)
            for p, stride in zip(network.parents[i], strides[i], strict=True):
                config += block[p].astype(np.int64) * int(stride)
            u = rng.random(rows)
            value = np.zeros(rows, dtype=code_dtype)
            cum = cums[i]
            if cum is None:  # sparse CPD: the columns of the configurations this chunk uses, nothing more
                config, inverse = np.unique(config, return_inverse=True)
                cum, config = _cumulative(network.cpd_columns(i, config)), inverse.ravel()
            for boundary in cum:
                value += u >= boundary[config]
            components, forced = forcing[i]
            for c in components:
                value[bounds[c] : bounds[c + 1]] = forced[c]
            block[i] = value
        if any_intervention:
            out[start:stop][order] = block.T
        else:
            out[start:stop] = block.T
    return out, labels


def sample_frame(
    network: CausalNetwork, targets, weights, n_samples: int, *, rng=None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Like :func:`sample_mixture`, returned as a DataFrame of state names (pandas Categoricals).

    Columns follow the network's variable order; each column's categories are the model's states in the
    model's order. The hidden component labels come back separately.

    Examples
    --------
    >>> net = random_network(2, graph="chain", rng=0)
    >>> df, labels = sample_frame(net, [{}], [1.0], 5, rng=0)
    >>> list(df.columns), list(df["V0"].cat.categories)
    (['V0', 'V1'], ['s0', 's1', 's2'])
    """
    n_targets = len(targets) if not isinstance(targets, np.ndarray) else targets.shape[0]
    # the frame's categorical codes copy the sampled codes: twice their memory
    check_allocation(2 * sample_bytes(network, max(n_targets, 1), _check_count("n_samples", n_samples, 0)),
                     f"a frame of {n_samples:.3g} samples of {network.n_variables} variables",
                     hint="draw fewer samples, or in several calls")
    codes, labels = sample_mixture(network, targets, weights, n_samples, rng=rng)
    frame = pd.DataFrame(
        {
            var: pd.Categorical.from_codes(codes[:, i].astype(np.int64), categories=list(states))
            for i, (var, states) in enumerate(zip(network.variables, network.states, strict=True))
        }
    )
    return frame, labels


def mixture_distribution(network: CausalNetwork, targets, weights) -> CountTable:
    """Exact joint probability table of the mixture ``sum_i pi_i P_{t_i}(V)`` (small networks only).

    Parameters
    ----------
    network : CausalNetwork
    targets, weights : as in :func:`sample_mixture`.

    Returns
    -------
    CountTable
        Every assignment with positive probability, ``is_distribution=True``.

    Raises
    ------
    ParameterError
        If the joint has more than 5 million cells.

    Examples
    --------
    >>> net = random_network(2, graph="chain", rng=0)
    >>> table = mixture_distribution(net, [{}, {"V0": "s1"}], [0.5, 0.5])
    >>> table.is_distribution, round(table.total, 12)
    (True, 1.0)
    """
    codes_t, w = _encode_mixture(network, targets, weights)
    cards = [int(c) for c in network.cardinalities]
    cells = math.prod(cards)
    if cells > MAX_JOINT_CELLS:
        raise ParameterError(
            f"the joint table has {cells} cells (more than {MAX_JOINT_CELLS}); use ExactOracle for large networks"
        )
    grids = np.indices(cards, dtype=smallest_code_dtype(cards)).reshape(len(cards), -1).T
    probs = np.empty(cells)
    for start in range(0, cells, _SETTINGS_PER_BLOCK):
        block = grids[start : start + _SETTINGS_PER_BLOCK]
        probs[start : start + block.shape[0]] = w @ network.interventional_probability(codes_t, block)
    return CountTable.from_codes(grids, network.variables, network.states, probs, is_distribution=True)
