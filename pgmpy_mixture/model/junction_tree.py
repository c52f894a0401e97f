"""A junction tree of a causal network, and single-variable marginals of many mutilated networks at once.

Exact inference for :mod:`pgmpy_mixture.model.marginals`: the interventional marginals
``P(X_j | do(X_i = alpha))`` of every ``(i, alpha)`` are the marginals of the network in which the CPD of ``X_i`` is
replaced by a point mass (truncated factorisation, UAI 2021 Definition 1; AAAI 2020 Section 4.3, "surgery").
Every such network has the graph's moral graph or less, so one junction tree serves them all: its cliques come from
a greedy elimination order (fewest fill-in edges, then smallest table), each CPD is assigned to a clique holding its
family, and the distributions are propagated together, with a leading batch axis on every table (the CPD of the
intervened variable is the only factor that differs between them). Collect and distribute passes follow the
HUGIN scheme (separator division with 0/0 = 0, which is exact; zero CPD entries are allowed).

The cost is the batch size times the total size of the clique tables, against the largest topological frontier
of a forward pass: on ``win95pts`` 3.6e3 entries instead of 1.3e8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.errors import ModelError
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["JunctionTree", "junction_tree"]


@dataclass(frozen=True, eq=False)
class JunctionTree:
    """Cliques of a triangulated moral graph, arranged as a tree (a forest for disconnected graphs).

    Attributes
    ----------
    cliques : tuple of tuple of int
        Variable indices of each clique, sorted.
    parent : tuple of int
        Parent clique of each clique (-1 for a root). Children come before their parent.
    families : tuple of tuple of int
        The variables whose CPD is multiplied into each clique.
    home : tuple of int
        A clique holding each variable, where its marginal is read.
    sizes : tuple of int
        Number of entries of each clique's table.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B", "C"], {v: ["0", "1"] for v in "ABC"}, {"B": ["A"], "C": ["B"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[.9, .1], [.2, .8]]), "C": np.array([[.7, .3], [.4, .6]])})
    >>> tree = junction_tree(net)
    >>> tree.cliques, tree.parent
    (((0, 1), (1, 2)), (1, -1))
    """

    cliques: tuple[tuple[int, ...], ...]
    parent: tuple[int, ...]
    families: tuple[tuple[int, ...], ...]
    home: tuple[int, ...]
    sizes: tuple[int, ...]

    @property
    def total_size(self) -> int:
        """Entries of all clique tables together (the work of one propagation)."""
        return int(sum(self.sizes))

    @property
    def largest(self) -> int:
        """Entries of the largest clique table."""
        return int(max(self.sizes))


def _elimination(network: CausalNetwork) -> tuple[list[int], list[set[int]]]:
    """Greedy elimination on the moral graph: fewest fill-in edges, then smallest clique table (in log)."""
    n = network.n_variables
    log_card = np.log(network.cardinalities.astype(float))
    adjacent: list[set[int]] = [set() for _ in range(n)]
    for v, pars in enumerate(network.parents):
        family = (*pars, v)
        for a in family:
            adjacent[a].update(u for u in family if u != a)

    def score(v: int) -> tuple[int, float, int]:
        nbrs = list(adjacent[v])
        fill = sum(1 for k, a in enumerate(nbrs) for b in nbrs[k + 1:] if b not in adjacent[a])
        return fill, float(log_card[v] + log_card[nbrs].sum()) if nbrs else float(log_card[v]), v

    scores = {v: score(v) for v in range(n)}
    order: list[int] = []
    neighbours: list[set[int]] = []
    while scores:
        v = min(scores, key=scores.__getitem__)
        nbrs = adjacent[v]
        order.append(v)
        neighbours.append(set(nbrs))
        for a in nbrs:
            adjacent[a].discard(v)
            adjacent[a].update(u for u in nbrs if u != a)
        del scores[v]
        touched = set(nbrs)
        for a in nbrs:
            touched.update(adjacent[a])
        for u in touched:
            if u in scores:
                scores[u] = score(u)
    return order, neighbours


def junction_tree(network: CausalNetwork) -> JunctionTree:
    """The junction tree of ``network``'s moral graph from a greedy elimination order.

    Eliminating ``v`` makes the clique ``{v} + neighbours``; its parent is the clique of the first neighbour
    eliminated after it (the elimination tree, which has the running-intersection property). A clique contained in
    one of its children is merged into that child.

    Examples
    --------
    >>> from pgmpy_mixture.model.examples import load_example_network
    >>> tree = junction_tree(load_example_network("alarm"))
    >>> len(tree.cliques) < 37, tree.largest <= 300
    (True, True)
    """
    n = network.n_variables
    cards = network.cardinalities
    order, neighbours = _elimination(network)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    cliques: list[frozenset[int]] = [frozenset({v, *nb}) for v, nb in zip(order, neighbours, strict=True)]
    parent = [int(min(nb, key=lambda u: position[u])) if nb else -1 for nb in neighbours]
    parent = [int(position[p]) if p >= 0 else -1 for p in parent]  # as clique indices (= elimination steps)
    children: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    alive = [True] * n
    target = list(range(n))  # the clique that took each merged one's place
    for j in range(n):  # a clique inside one of its children is merged into it (children are eliminated first)
        for i in children[j]:
            if cliques[j] <= cliques[i]:
                alive[j], target[j] = False, i
                parent[i] = parent[j]
                if parent[j] >= 0:
                    siblings = children[parent[j]]
                    siblings[siblings.index(j)] = i
                for c in children[j]:
                    if c != i:
                        parent[c] = i
                        children[i].append(c)
                children[j] = []
                break
    for j in range(n - 1, -1, -1):  # follow chains of merges to a clique that stayed
        k = j
        while not alive[k]:
            k = target[k]
        target[j] = k
    # families: the clique of the family's first eliminated member holds the whole family
    families: list[list[int]] = [[] for _ in range(n)]
    for v, pars in enumerate(network.parents):
        first = min((*pars, v), key=lambda u: position[u])
        families[target[int(position[first])]].append(v)
    # number the cliques so that children come before their parents
    top_down = [i for i in range(n) if alive[i] and parent[i] < 0]
    for i in top_down:
        top_down.extend(children[i])
    keep = top_down[::-1]
    index = {i: k for k, i in enumerate(keep)}
    sorted_cliques = tuple(tuple(sorted(cliques[i])) for i in keep)
    sizes = tuple(int(np.prod([int(cards[u]) for u in c], dtype=np.float64)) for c in sorted_cliques)
    if any(len(c) > 60 for c in sorted_cliques):
        raise ModelError("the network is too wide for exact marginals: a clique of its junction tree has "
                         f"{max(len(c) for c in sorted_cliques)} variables")
    holding: list[list[int]] = [[] for _ in range(n)]
    for k, c in enumerate(sorted_cliques):
        for u in c:
            holding[u].append(k)
    home = tuple(min(holding[v], key=lambda k: sizes[k]) for v in range(n))  # the smallest clique holding v
    return JunctionTree(
        cliques=sorted_cliques,
        parent=tuple(index[parent[i]] if parent[i] >= 0 else -1 for i in keep),
        families=tuple(tuple(sorted(families[i])) for i in keep),
        home=home,
        sizes=sizes,
    )


def _aligned(table: np.ndarray, axes: tuple[int, ...], clique: tuple[int, ...], batched: bool) -> np.ndarray:
    """``table`` over the variables ``axes`` (sorted), reshaped to broadcast against a clique table ``(B, clique)``."""
    shape = [table.shape[0]] if batched else [1]
    lookup = dict(zip(axes, table.shape[1:] if batched else table.shape, strict=True))
    shape += [lookup.get(u, 1) for u in clique]
    return table.reshape(shape)


def _sum_to(table: np.ndarray, clique: tuple[int, ...], keep: tuple[int, ...]) -> np.ndarray:
    """Sum a batched clique table over every variable not in ``keep`` (which is sorted, like the clique)."""
    drop = tuple(1 + k for k, u in enumerate(clique) if u not in keep)
    if not drop:
        return table
    if len(keep) == 1:  # one variable: the axes before and after it are contiguous blocks
        at = 1 + clique.index(keep[0])
        shape = table.shape
        block = table.reshape(shape[0], int(np.prod(shape[1:at], dtype=np.int64)), shape[at], -1)
        return block.sum(axis=3).sum(axis=1)
    return table.sum(axis=drop)


def propagate(network: CausalNetwork, tree: JunctionTree, targets: np.ndarray) -> np.ndarray:
    """Marginals of every variable under each target ``(variable index or -1, state)``: shape (B, total states).

    The CPD of a targeted variable is replaced by a point mass on the state (truncated factorisation).

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[.9, .1], [.2, .8]])})
    >>> propagate(net, junction_tree(net), np.array([[-1, 0], [0, 1]])).round(3).tolist()
    [[0.5, 0.5, 0.55, 0.45], [0.0, 1.0, 0.2, 0.8]]
    """
    cards = network.cardinalities
    offsets = network._offsets
    batch = targets.shape[0]
    count = len(tree.cliques)
    separators = [tuple(u for u in tree.cliques[i] if p >= 0 and u in tree.cliques[p])
                  for i, p in enumerate(tree.parent)]
    children: list[list[int]] = [[] for _ in range(count)]
    for i, p in enumerate(tree.parent):
        if p >= 0:
            children[p].append(i)
    factors = []  # per clique: the CPD factors of its families, aligned, batched where a target hits them
    for c, clique in enumerate(tree.cliques):
        aligned = []
        for v in tree.families[c]:
            family = tuple(network.parents[v]) + (v,)
            order = np.argsort(family)
            axes = tuple(family[k] for k in order)
            cpd = np.transpose(network.cpds[v], order)
            hit = np.flatnonzero(targets[:, 0] == v)
            if hit.size:
                table = np.broadcast_to(cpd, (batch, *cpd.shape)).copy()
                point = np.zeros((hit.size, int(cards[v])))
                point[np.arange(hit.size), targets[hit, 1]] = 1.0
                at = axes.index(v)
                shape = [hit.size] + [1] * len(axes)
                shape[1 + at] = int(cards[v])
                table[hit] = np.broadcast_to(point.reshape(shape), (hit.size, *cpd.shape))
                aligned.append(_aligned(table, axes, clique, True))
            else:
                aligned.append(_aligned(cpd, axes, clique, False))
        factors.append(aligned)

    def potential(c: int) -> np.ndarray:
        shape = (batch, *(int(cards[u]) for u in tree.cliques[c]))
        table = np.ones(shape)
        for factor in factors[c]:
            table *= factor
        return table

    up: list[np.ndarray | None] = [None] * count  # message from each clique to its parent
    for c in range(count):  # children before parents
        table = potential(c)
        for k in children[c]:
            table *= _aligned(up[k], separators[k], tree.cliques[c], True)
        if tree.parent[c] >= 0:
            up[c] = _sum_to(table, tree.cliques[c], separators[c])
    down: list[np.ndarray | None] = [None] * count  # message from each clique's parent to it
    out = np.empty((batch, int(offsets[-1])))
    homes: list[list[int]] = [[] for _ in range(count)]
    for v, c in enumerate(tree.home):
        homes[c].append(v)
    for c in range(count - 1, -1, -1):  # parents before children
        clique = tree.cliques[c]
        belief = potential(c)
        for k in children[c]:
            belief *= _aligned(up[k], separators[k], clique, True)
        if down[c] is not None:
            belief *= _aligned(down[c], separators[c], clique, True)
        for v in homes[c]:
            out[:, offsets[v]:offsets[v + 1]] = _sum_to(belief, clique, (v,))
        for k in children[c]:
            total = _sum_to(belief, clique, separators[k])
            with np.errstate(invalid="ignore", divide="ignore"):
                down[k] = np.where(up[k] > 0, total / up[k], 0.0)
    return out


def _product(tables: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """The product of aligned tables (broadcast to ``shape``, no batch axis)."""
    out = np.ones(shape)
    for table in tables:
        out = out * table
    return out


class _Calibrated:
    """The observational junction tree, calibrated: clique potentials, upward messages and division-free
    (Shafer-Shenoy) downward messages, so that a mutilated network can be propagated from one clique."""

    def __init__(self, network: CausalNetwork, tree: JunctionTree, budget: int) -> None:
        self.network, self.tree = network, tree
        self.full: list[np.ndarray] | None = None
        self.partial: dict[tuple[int, int], np.ndarray] = {}
        self.room = 0
        cards = network.cardinalities
        count = len(tree.cliques)
        self.shapes = [tuple(int(cards[u]) for u in c) for c in tree.cliques]
        self.separators = [tuple(u for u in tree.cliques[i] if p >= 0 and u in tree.cliques[p])
                           for i, p in enumerate(tree.parent)]
        self.children: list[list[int]] = [[] for _ in range(count)]
        for i, p in enumerate(tree.parent):
            if p >= 0:
                self.children[p].append(i)
        self.factors: list[dict[int, np.ndarray]] = []  # per clique: variable -> its CPD aligned to the clique
        self.source = np.empty(network.n_variables, dtype=np.int64)  # the clique holding each variable's CPD
        for c, clique in enumerate(tree.cliques):
            aligned = {}
            for v in tree.families[c]:
                family = tuple(network.parents[v]) + (v,)
                order = np.argsort(family)
                aligned[v] = _aligned(np.transpose(network.cpds[v], order)[None],
                                      tuple(family[k] for k in order), clique, True)[0]
                self.source[v] = c
            self.factors.append(aligned)
        self.potential = [_product(list(self.factors[c].values()), self.shapes[c]) for c in range(count)]
        self.up: list[np.ndarray | None] = [None] * count
        for c in range(count):  # children before parents
            if tree.parent[c] >= 0:
                self.up[c] = self._sum(self.collected(c), c, self.separators[c])
        self.down: list[np.ndarray | None] = [None] * count
        for c in range(count - 1, -1, -1):  # parents before children
            for k in self.children[c]:
                self.down[k] = self._sum(self.collected(c, without=k, with_down=True), c, self.separators[k])
        # the potentials times all upward messages, kept when they fit the memory budget (read again and again)
        if tree.total_size <= budget:
            self.full = [self.collected(c) for c in range(count)]
            self.room = budget - tree.total_size

    def aligned(self, message: np.ndarray, separator: tuple[int, ...], c: int) -> np.ndarray:
        return _aligned(message, separator, self.tree.cliques[c], True)

    def _sum(self, table: np.ndarray, c: int, keep: tuple[int, ...]) -> np.ndarray:
        return _sum_to(table, self.tree.cliques[c], keep)

    def collected(self, c: int, *, without: int | None = None, with_down: bool = False,
                  potential: np.ndarray | None = None) -> np.ndarray:
        """Clique ``c``'s potential times its children's upward messages (except ``without``'s), and times its
        downward message with ``with_down``: shape ``(1, clique)``."""
        if potential is None and without is None and not with_down and self.full is not None:
            return self.full[c]
        cached = potential is None and not with_down and without is not None
        if cached and (c, without) in self.partial:
            return self.partial[(c, without)]
        tables = [self.potential[c][None] if potential is None else potential]
        tables += [self.aligned(self.up[k], self.separators[k], c) for k in self.children[c] if k != without]
        if with_down and self.down[c] is not None:
            tables.append(self.aligned(self.down[c], self.separators[c], c))
        out = tables[0]
        for table in tables[1:]:
            out = out * table
        if cached and self.room >= out.size:  # the chains of many interventions pass through the same cliques
            self.partial[(c, without)] = out
            self.room -= out.size
        return out


def interventional_table(network: CausalNetwork, tree: JunctionTree, reach: np.ndarray, *, budget: int
                         ) -> np.ndarray:
    """``[P(X_j = beta)]`` and ``[P(X_j = beta | do(X_i = alpha))]`` for every ``(i, alpha)``: shape (S + 1, S).

    The tree is calibrated once on the observational network. Intervening on ``X_i`` changes one factor, in the
    clique ``c`` holding its CPD, and only the marginals of ``X_i``'s descendants: messages flow from ``c`` up to
    the lowest clique above every descendant's home clique and down to those homes, for the states of ``X_i``
    together (a leading batch axis, chunked to ``budget`` float64 entries). Upward messages off that path and
    downward messages into ``c``'s ancestors are the observational ones (division-free, so that states the
    intervention makes possible are not lost); below the path HUGIN division is exact.

    Parameters
    ----------
    network : CausalNetwork
    tree : JunctionTree
        :func:`junction_tree` of the network.
    reach : ndarray of bool, shape (n, n)
        ``reach[i, j]``: ``X_j`` is ``X_i`` or one of its descendants
        (:func:`pgmpy_mixture.model.marginals.descendants`); the other rows of an intervention keep the
        observational marginals.
    budget : int
        Largest number of float64 entries of the batched tables.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[.9, .1], [.2, .8]])})
    >>> reach = np.array([[True, True], [False, True]])
    >>> interventional_table(net, junction_tree(net), reach, budget=1000).round(3).tolist()
    [[0.5, 0.5, 0.55, 0.45], [1.0, 0.0, 0.9, 0.1], [0.0, 1.0, 0.2, 0.8], [0.5, 0.5, 1.0, 0.0], [0.5, 0.5, 0.0, 1.0]]
    """
    cal = _Calibrated(network, tree, budget)
    cards = network.cardinalities
    offsets = network._offsets
    n = network.n_variables
    size = int(offsets[-1])
    homes_of: list[list[int]] = [[] for _ in tree.cliques]
    for v, h in enumerate(tree.home):
        homes_of[h].append(v)
    observational = np.empty(size)
    for c, variables in enumerate(homes_of):
        if variables:
            belief = cal.collected(c, with_down=True)
            for v in variables:
                observational[offsets[v]:offsets[v + 1]] = cal._sum(belief, c, (v,))[0]
    table = np.tile(observational, (size + 1, 1))
    depth = np.zeros(len(tree.cliques), dtype=np.int64)
    for c in range(len(tree.cliques) - 1, -1, -1):
        if tree.parent[c] >= 0:
            depth[c] = depth[tree.parent[c]] + 1
    for v in range(n):
        c = int(cal.source[v])
        wanted = {int(tree.home[d]) for d in np.flatnonzero(reach[v])}
        chain = [c]
        while tree.parent[chain[-1]] >= 0:
            chain.append(tree.parent[chain[-1]])
        on_chain = {k: i for i, k in enumerate(chain)}
        # the cliques between c and every wanted home: up the chain to the lowest common ancestor, then down
        branch: dict[int, list[int]] = {}
        apex = 0
        for h in wanted:
            path = []
            k = h
            while k not in on_chain:
                path.append(k)
                k = tree.parent[k]
            apex = max(apex, on_chain[k])
            below = k
            for k2 in reversed(path):
                branch.setdefault(below, [])
                if k2 not in branch[below]:
                    branch[below].append(k2)
                below = k2
        needed = max(cal.shapes[k] and int(np.prod(cal.shapes[k])) for k in [*chain[: apex + 1], *wanted, *branch])
        rows = max(1, budget // max(needed, 1))
        for first in range(0, int(cards[v]), rows):
            states = np.arange(first, min(first + rows, int(cards[v])))
            out = table[1 + offsets[v] + states]
            _from_source(cal, v, c, states, chain[: apex + 1], branch, homes_of, reach[v], out)
            table[1 + offsets[v] + states] = out
    return table


def _from_source(cal: _Calibrated, v: int, c: int, states: np.ndarray, chain: list[int],
                 branch: dict[int, list[int]], homes_of: list[list[int]], wanted: np.ndarray,
                 out: np.ndarray) -> None:
    """Marginals of ``v``'s descendants under ``do(v = s)`` for ``s`` in ``states``, written into ``out``."""
    network, tree = cal.network, cal.tree
    offsets = network._offsets
    card = int(network.cardinalities[v])
    others = [f for u, f in cal.factors[c].items() if u != v]
    point = np.zeros((states.size, card))
    point[np.arange(states.size), states] = 1.0
    clique = tree.cliques[c]
    shape = [states.size] + [1] * len(clique)
    shape[1 + clique.index(v)] = card
    potential = _product(others, cal.shapes[c])[None] * point.reshape(shape)

    def emit(k: int, belief: np.ndarray) -> None:
        for u in homes_of[k]:
            if wanted[u]:
                marginal = cal._sum(belief, k, (u,))
                out[:, offsets[u]:offsets[u + 1]] = marginal / marginal.sum(axis=1, keepdims=True)

    def descend(k: int, belief: np.ndarray, skip: int | None) -> None:
        for j in branch.get(k, []):
            if j == skip:
                continue
            up = cal.up[j]
            with np.errstate(invalid="ignore", divide="ignore"):
                down = np.where(up > 0, cal._sum(belief, k, cal.separators[j]) / up, 0.0)
            below = cal.collected(j) * cal.aligned(down, cal.separators[j], j)
            emit(j, below)
            descend(j, below, None)

    collected = cal.collected(c, potential=potential)
    previous = None
    for k in chain:
        if previous is not None:
            message = cal._sum(collected, previous, cal.separators[previous])
            collected = cal.collected(k, without=previous) * cal.aligned(message, cal.separators[previous], k)
        belief = collected
        if cal.down[k] is not None:
            belief = belief * cal.aligned(cal.down[k], cal.separators[k], k)
        emit(k, belief)
        descend(k, belief, previous)
        previous = k
