"""Framework-free causal Bayesian network: the known P(V) every discrete method talks to.

The network keeps its variables in a topological order, so that any prefix
``V_1..V_j`` of that order is ancestrally closed and its interventional
probabilities are plain products of CPD entries (UAI 2021, Section 2):

    P_t(v_1..v_j) = prod_{i <= j, V_i not in T} P(v_i | pa(v_i)) * prod_{V_i in T} [v_i == t_i]

Nothing here imports pgmpy; the adapter in :mod:`pgmpy_mixture.adapters.pgmpy`
converts a pgmpy model into a :class:`CausalNetwork`.

Codes
-----
States are addressed by integer codes ``0..card-1`` in the order of
:attr:`CausalNetwork.states`. A *target* is encoded as an integer vector over the
variables with ``-1`` where the variable is not intervened on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pgmpy_mixture.errors import DataValueError, ModelError, UnknownStateError, UnknownVariableError
from pgmpy_mixture.model.sparse_cpd import SparseCPD, configuration_index, configuration_strides

NOT_INTERVENED = -1
_CHUNK_ELEMENTS = 4_000_000


def _topological_order(parents: Mapping[str, Sequence[str]], variables: Sequence[str]) -> list[str]:
    """Kahn's algorithm, stable in the given variable order; raises on cycles."""
    remaining = {v: set(parents.get(v, ())) for v in variables}
    order: list[str] = []
    while remaining:
        ready = [v for v in variables if v in remaining and not remaining[v]]
        if not ready:
            raise ModelError(f"the graph has a directed cycle among {sorted(remaining)}")
        for v in ready:
            del remaining[v]
            order.append(v)
        for deps in remaining.values():
            deps.difference_update(ready)
    return order


@dataclass(frozen=True, eq=False)
class CausalNetwork:
    """A discrete causal Bayesian network with variables in topological order.

    Parameters
    ----------
    variables : tuple of str
        Variable names in a topological order of the graph.
    states : tuple of tuple of str
        State names of each variable; the position of a state is its code.
    parents : tuple of tuple of int
        Parent indices of each variable (each smaller than the variable's own index).
    cpds : tuple of numpy.ndarray or SparseCPD
        ``cpds[i]`` has shape ``(*[card of each parent], card_i)``: the last axis is the
        variable itself, earlier axes follow ``parents[i]``. Each distribution must sum to 1 within
        1e-6; it is stored renormalised (exactly 1 up to rounding), as a read-only copy. A large table may be a
        :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD` (columns kept for the parent configurations that
        occur, plus a rule for the others): every probability method answers the same way for either form, and
        :meth:`cpd_columns` reads columns of both without building a dense table.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(
    ...     variables=["A", "B"], states={"A": ["a0", "a1"], "B": ["b0", "b1"]},
    ...     parents={"B": ["A"]},
    ...     cpds={"A": np.array([0.3, 0.7]), "B": np.array([[0.9, 0.1], [0.2, 0.8]])})
    >>> net.variables
    ('A', 'B')
    >>> round(float(net.interventional_probability(net.encode_targets([{}]), np.array([[1, 1]]))[0, 0]), 12)
    0.56
    """

    variables: tuple[str, ...]
    states: tuple[tuple[str, ...], ...]
    parents: tuple[tuple[int, ...], ...]
    cpds: tuple[np.ndarray, ...]
    _index: dict = field(init=False, repr=False, compare=False)
    _state_index: tuple = field(init=False, repr=False, compare=False)
    _flat_cpds: tuple = field(init=False, repr=False, compare=False)
    _strides: tuple = field(init=False, repr=False, compare=False)
    _offsets: np.ndarray = field(init=False, repr=False, compare=False)
    _cpd_all: np.ndarray = field(init=False, repr=False, compare=False)
    _cpd_start: np.ndarray = field(init=False, repr=False, compare=False)
    _parent_pad: np.ndarray = field(init=False, repr=False, compare=False)
    _stride_pad: np.ndarray = field(init=False, repr=False, compare=False)
    _sparse: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.variables)
        if n == 0:
            raise ModelError("the network has no variables")
        if not (len(self.states) == len(self.parents) == len(self.cpds) == n):
            raise ModelError("variables, states, parents and cpds must have one entry per variable")
        if len(set(self.variables)) != n:
            raise ModelError("variable names must be distinct")
        cards = [len(s) for s in self.states]
        flat, strides, normalised, sparse = [], [], [], []
        for i, (var, pars, cpd) in enumerate(zip(self.variables, self.parents, self.cpds, strict=True)):
            if cards[i] < 1 or len(set(self.states[i])) != cards[i]:
                raise ModelError(f"variable {var!r} needs distinct state names")
            if any(not (0 <= p < i) for p in pars):
                raise ModelError(f"parents of {var!r} must precede it in the topological order")
            expected = tuple(cards[p] for p in pars) + (cards[i],)
            if tuple(cpd.shape) != expected:
                raise ModelError(f"CPD of {var!r} has shape {cpd.shape}, expected {expected}")
            stride = configuration_strides([cards[p] for p in pars])
            if isinstance(cpd, SparseCPD):
                # validated and renormalised by its own constructor; the flat gather of conditional_probabilities
                # sees a placeholder block of one column (zero strides), and the column lookups fill it in
                normalised.append(cpd)
                sparse.append(i)
                flat.append(np.zeros(cards[i]))
                strides.append(np.zeros(len(pars), dtype=np.int64))
                continue
            cpd = np.asarray(cpd)
            if not np.all(np.isfinite(cpd)) or np.any(cpd < 0):
                raise ModelError(f"CPD of {var!r} has negative or non-finite entries")
            sums = cpd.sum(axis=-1)
            if not np.allclose(sums, 1.0, atol=1e-6):
                raise ModelError(f"CPD of {var!r} does not sum to 1 over the states of {var!r}")
            # Tables read from files are rounded (sums off by ~1e-8); renormalise so that P(V) is an exact
            # distribution and prefix marginals (CPD products) agree with sums over full assignments.
            cpd = np.array(cpd, dtype=np.float64)
            if np.max(np.abs(sums - 1.0)) > 1e-13:
                cpd /= sums[..., None]
            cpd.setflags(write=False)
            normalised.append(cpd)
            flat.append(cpd.reshape(-1))
            strides.append(stride * cards[i])
        object.__setattr__(self, "cpds", tuple(normalised))
        object.__setattr__(self, "_index", {v: i for i, v in enumerate(self.variables)})
        object.__setattr__(self, "_state_index", tuple({s: k for k, s in enumerate(st)} for st in self.states))
        object.__setattr__(self, "_flat_cpds", tuple(flat))
        object.__setattr__(self, "_strides", tuple(strides))
        object.__setattr__(self, "_offsets", np.concatenate([[0], np.cumsum(cards)]).astype(np.int64))
        # all CPDs in one flat array; parents padded to the largest in-degree (stride 0 on padding), so that
        # conditional_probabilities gathers every column at once instead of looping over variables
        width = max([len(p) for p in self.parents] + [1])
        parent_pad = np.zeros((n, width), dtype=np.int64)
        stride_pad = np.zeros((n, width), dtype=np.int64)
        for i, (pars, stride) in enumerate(zip(self.parents, strides, strict=True)):
            parent_pad[i, : len(pars)] = pars
            stride_pad[i, : len(pars)] = stride
        object.__setattr__(self, "_cpd_all", np.concatenate(flat))
        object.__setattr__(
            self, "_cpd_start", np.concatenate([[0], np.cumsum([f.size for f in flat])[:-1]]).astype(np.int64)
        )
        object.__setattr__(self, "_parent_pad", parent_pad)
        object.__setattr__(self, "_stride_pad", stride_pad)
        object.__setattr__(self, "_sparse", tuple(
            (i, configuration_strides([cards[p] for p in self.parents[i]])) for i in sparse))

    def __reduce__(self) -> tuple:
        """Pickle and deep-copy through the constructor, so a copy is checked and read-only like the original.

        Examples
        --------
        >>> import copy, numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.3, .7])})
        >>> copy.deepcopy(net).cpds[0].flags.writeable
        False
        """
        return (type(self), (self.variables, self.states, self.parents, self.cpds))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_tables(
        cls,
        variables: Sequence[str],
        states: Mapping[str, Sequence[str]],
        parents: Mapping[str, Sequence[str]],
        cpds: Mapping[str, np.ndarray],
    ) -> CausalNetwork:
        """Build a network from per-variable tables, sorting variables topologically.

        Parameters
        ----------
        variables : sequence of str
            Variable names (any order; ties in the topological order keep this order).
        states : mapping
            ``variable -> state names``.
        parents : mapping
            ``variable -> parent names`` (missing = no parents).
        cpds : mapping
            ``variable -> array`` of shape ``(*parent cards in the order given, card)``, or a
            :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD` of that shape.

        Returns
        -------
        CausalNetwork

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["B", "A"], {"A": ["x", "y"], "B": ["u", "v"]},
        ...     {"B": ["A"]}, {"A": np.array([.5, .5]), "B": np.array([[.9, .1], [.4, .6]])})
        >>> net.variables
        ('A', 'B')
        """
        variables = [str(v) for v in variables]
        for v in variables:
            for key, table in (("states", states), ("cpds", cpds)):
                if v not in table:
                    raise ModelError(f"variable {v!r} has no {key[:-1]}")
        for v, pars in parents.items():
            for p in pars:
                if p not in variables:
                    raise UnknownVariableError(f"parent {p!r} of {v!r} is not a variable of the network")
        order = _topological_order(parents, variables)
        index = {v: i for i, v in enumerate(order)}
        return cls(
            variables=tuple(order),
            states=tuple(tuple(str(s) for s in states[v]) for v in order),
            parents=tuple(tuple(index[p] for p in parents.get(v, ())) for v in order),
            cpds=tuple(cpds[v] if isinstance(cpds[v], SparseCPD) else np.array(cpds[v], dtype=np.float64)
                       for v in order),
        )

    # ------------------------------------------------------------------ lookups
    @property
    def n_variables(self) -> int:
        """Number of variables."""
        return len(self.variables)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of states of each variable, in topological order."""
        return np.diff(self._offsets)

    @property
    def sparse_variables(self) -> tuple[str, ...]:
        """Variables whose CPD is a :class:`~pgmpy_mixture.model.sparse_cpd.SparseCPD` (no dense table).

        Examples
        --------
        >>> import numpy as np
        >>> CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])}).sparse_variables
        ()
        """
        return tuple(self.variables[i] for i, _ in self._sparse)

    def parent_configurations(self, j: int, codes: np.ndarray) -> np.ndarray:
        """Mixed-radix index (first parent slowest) of ``V_j``'s parent configuration in every row of ``codes``.

        This is the row of ``cpds[j].reshape(-1, card_j)`` that a row uses, and the key :meth:`cpd_columns` takes.

        Parameters
        ----------
        j : int
            Position of the variable in the topological order.
        codes : ndarray of int, shape (rows, at least j)
            State codes of the variables in topological order (only the parents' columns are read).

        Returns
        -------
        ndarray of int64, shape (rows,)

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A", "B", "C"], {v: ["0", "1", "2"] for v in "ABC"},
        ...     {"C": ["A", "B"]}, {"A": np.full(3, 1 / 3), "B": np.full(3, 1 / 3), "C": np.full((3, 3, 3), 1 / 3)})
        >>> net.parent_configurations(2, np.array([[2, 1, 0], [0, 2, 1]])).tolist()
        [7, 2]
        """
        codes = np.asarray(codes)
        pars = self.parents[self._position(j)]
        if not pars:
            return np.zeros(codes.shape[0], dtype=np.int64)
        return configuration_index(codes, pars, [int(self.cardinalities[p]) for p in pars])

    def cpd_columns(self, j: int, configs: np.ndarray) -> np.ndarray:
        """Columns ``P(. | pa_j = configuration)`` of ``V_j``'s CPD for the given configuration indices.

        The accessor for code that needs CPD entries: it reads a dense table's rows and a sparse CPD's stored
        (or ruled) columns alike, and never builds a dense table.

        Parameters
        ----------
        j : int
            Position of the variable in the topological order.
        configs : ndarray of int, shape (Q,)
            Parent configuration indices (:meth:`parent_configurations`), in ``[0, prod(parent cards))``.

        Returns
        -------
        ndarray of float, shape (Q, card_j)

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
        ...     {"A": np.array([.3, .7]), "B": np.array([[.9, .1], [.2, .8]])})
        >>> net.cpd_columns(1, np.array([1, 1, 0])).tolist()
        [[0.2, 0.8], [0.2, 0.8], [0.9, 0.1]]
        """
        j = self._position(j)
        cpd = self.cpds[j]
        if isinstance(cpd, SparseCPD):
            return cpd.columns(configs)
        configs = np.asarray(configs)
        if configs.dtype.kind not in "iu":
            raise DataValueError(f"configuration indices of {self.variables[j]!r} must be integers")
        table = cpd.reshape(-1, int(self.cardinalities[j]))
        configs = configs.astype(np.int64).reshape(-1)
        if configs.size and (configs.min() < 0 or configs.max() >= table.shape[0]):
            raise DataValueError(f"configuration indices of {self.variables[j]!r} must lie in [0, {table.shape[0]})")
        return table[configs]

    def _position(self, j: object) -> int:
        if isinstance(j, bool) or not isinstance(j, (int, np.integer)) or not 0 <= j < self.n_variables:
            raise UnknownVariableError(f"variable position {j!r} is not in [0, {self.n_variables})")
        return int(j)

    def index(self, variable: str) -> int:
        """Position of ``variable`` in the topological order.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> net.index("A")
        0
        """
        try:
            return self._index[variable]
        except KeyError:
            raise UnknownVariableError(f"variable {variable!r} is not in the network") from None

    def state_code(self, variable: str, state: object) -> int:
        """Integer code of ``state`` for ``variable`` (state names compare as strings).

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> net.state_code("A", "y")
        1
        """
        i = self.index(variable)
        try:
            return self._state_index[i][str(state)]
        except KeyError:
            raise UnknownStateError(
                f"state {state!r} of variable {variable!r} is not one of {list(self.states[i])}"
            ) from None

    def encode_targets(self, targets: Sequence[Mapping[str, object]]) -> np.ndarray:
        """Encode targets ``{variable: state}`` as an ``(m, n)`` int array, -1 = not intervened.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> net.encode_targets([{}, {"A": "y"}]).tolist()
        [[-1], [1]]
        """
        codes = np.full((len(targets), self.n_variables), NOT_INTERVENED, dtype=np.int64)
        for row, target in enumerate(targets):
            for var, state in target.items():
                codes[row, self.index(var)] = self.state_code(var, state)
        return codes

    def decode_target(self, codes: np.ndarray) -> dict[str, str]:
        """Turn one encoded target back into ``{variable: state name}`` (topological order).

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.5, .5])})
        >>> net.decode_target(np.array([1]))
        {'A': 'y'}
        """
        return {self.variables[i]: self.states[i][int(c)] for i, c in enumerate(codes) if c != NOT_INTERVENED}

    # ------------------------------------------------------------------ probabilities
    def conditional_probabilities(self, settings: np.ndarray) -> np.ndarray:
        """``P(v_i | pa(v_i))`` for every row of ``settings`` and every prefix variable.

        Parameters
        ----------
        settings : ndarray of int, shape (Q, j)
            Codes of the first ``j`` variables of the topological order.

        Returns
        -------
        ndarray of float, shape (Q, j)

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
        ...     {"A": np.array([.3, .7]), "B": np.array([[.9, .1], [.2, .8]])})
        >>> net.conditional_probabilities(np.array([[1, 0]])).tolist()
        [[0.7, 0.2]]
        """
        settings = np.asarray(settings, dtype=np.int64)
        j = settings.shape[1]
        flat_index = settings + self._cpd_start[None, :j]
        for k in range(self._parent_pad.shape[1]):
            stride = self._stride_pad[:j, k]
            if stride.any():
                flat_index += settings[:, self._parent_pad[:j, k]] * stride[None, :]
        out = self._cpd_all[flat_index]
        for i, stride in self._sparse:  # sparse CPDs: looked up by parent configuration, never as a dense table
            if i >= j:
                break
            configs = settings[:, list(self.parents[i])] @ stride
            out[:, i] = self.cpds[i].entries(configs, settings[:, i])
        return out

    def interventional_probability(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        """``P_t(v)`` for every target ``t`` and every prefix setting ``v`` (UAI 2021, Section 2).

        Parameters
        ----------
        targets : ndarray of int, shape (q, n) or (q, j)
            Encoded targets (-1 = not intervened); only the first ``j`` columns are used.
        settings : ndarray of int, shape (Q, j)
            Assignments of the first ``j`` variables of the topological order.

        Returns
        -------
        ndarray of float, shape (q, Q)

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
        ...     {"A": np.array([.3, .7]), "B": np.array([[.9, .1], [.2, .8]])})
        >>> t = net.encode_targets([{}, {"A": "1"}])
        >>> net.interventional_probability(t, np.array([[1, 1], [0, 1]])).round(3).tolist()
        [[0.56, 0.03], [0.8, 0.0]]
        """
        return np.exp(self.log_interventional_probability(targets, settings))

    def log_interventional_probability(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        """``log P_t(v)`` for every target ``t`` and every prefix setting ``v``; ``-inf`` where ``P_t(v) = 0``.

        The product of CPD entries over a long prefix underflows (a few hundred variables with five states
        reach ``1e-308``); its logarithm does not, so exact methods compare and divide these probabilities here.

        Parameters
        ----------
        targets : ndarray of int, shape (q, n) or (q, j)
            Encoded targets (-1 = not intervened); only the first ``j`` columns are used.
        settings : ndarray of int, shape (Q, j)
            Assignments of the first ``j`` variables of the topological order.

        Returns
        -------
        ndarray of float, shape (q, Q)

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["0", "1"]}, {}, {"A": np.array([.25, .75])})
        >>> net.log_interventional_probability(net.encode_targets([{}, {"A": "1"}]), np.array([[0]])).tolist()
        [[-1.3862943611198906], [-inf]]
        """
        settings = np.asarray(settings, dtype=np.int64)
        j = settings.shape[1]
        targets = np.asarray(targets, dtype=np.int64)[:, :j]
        cond = self.conditional_probabilities(settings)
        zero = cond <= 0.0
        log_cond = np.log(np.where(zero, 1.0, cond))
        # sum over the variables the target leaves alone (not the total minus the intervened ones: that difference
        # of two sums of hundreds of logs would lose the digits that tell two large targets apart)
        free = (targets == NOT_INTERVENED).astype(np.float64)
        log_p = free @ log_cond.T
        zeros = free @ zero.T.astype(np.float64)
        consistent = self._consistency(targets, settings)
        return np.where(consistent & (zeros < 0.5), log_p, -np.inf)

    def _consistency(self, targets: np.ndarray, settings: np.ndarray) -> np.ndarray:
        """Boolean (q, Q): does setting v agree with target t on every intervened variable?

        ``sum_{c in T} (v_c - t_c)^2`` is 0 exactly when they agree; expanded, it is two products of the
        (q, j) and (Q, j) code matrices, exact in floating point (integer sums far below 2^53), with no one-hot
        matrix as wide as all the states of the prefix.
        """
        intervened = (targets != NOT_INTERVENED).astype(np.float64)
        t = np.where(targets == NOT_INTERVENED, 0, targets).astype(np.float64)
        v = settings.astype(np.float64)
        mismatch = intervened @ (v * v).T - 2.0 * (t @ v.T) + (t * t).sum(axis=1)[:, None]
        return mismatch < 0.5

    def log_likelihood(self, targets: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """``log P_t(row)`` of full rows under each target, shape (q, R), ``-inf`` where impossible.

        Computed in chunks of rows so memory stays bounded.

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["0", "1"]}, {}, {"A": np.array([.25, .75])})
        >>> np.exp(net.log_likelihood(net.encode_targets([{}, {"A": "0"}]), np.array([[0], [1]]))).tolist()
        [[0.25, 0.75], [1.0, 0.0]]
        """
        codes = np.asarray(codes)
        q = len(targets)
        out = np.empty((q, codes.shape[0]))
        step = max(1, _CHUNK_ELEMENTS // max(1, q * codes.shape[1]))
        for start in range(0, codes.shape[0], step):
            # the log is summed directly: the product of hundreds of CPD entries would underflow to 0
            out[:, start : start + step] = self.log_interventional_probability(targets, codes[start : start + step])
        return out

    def positivity_violations(self, atol: float = 0.0) -> list[tuple[str, str]]:
        """List ``(variable, state)`` pairs with a CPD entry ``<= atol`` (Assumption 3.2 fails there).

        Examples
        --------
        >>> import numpy as np
        >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([1.0, 0.0])})
        >>> net.positivity_violations()
        [('A', 'y')]
        """
        bad: list[tuple[str, str]] = []
        for var, st, cpd in zip(self.variables, self.states, self.cpds, strict=True):
            if isinstance(cpd, SparseCPD):
                low = cpd.min_by_state() <= atol
            else:
                low = np.any(cpd.reshape(-1, len(st)) <= atol, axis=0)
            bad.extend((var, st[k]) for k in np.flatnonzero(low))
        return bad
