"""The likelihood method's target repair: add a missed intervened variable to a found target when the rows ask for it.

The recursion (:mod:`~pgmpy_mixture.discrete.likelihood.lifts`) decides each variable of a target once, on the
prefix rows: a light child of a heavy prefix target can be pruned there (its excess rows are few beside the
sibling that leaves the variable free), and the rows it should have explained end up in a target that leaves the
variable free. That target is then wrong (one variable short) and its weight is counted as a false positive plus a
false negative, which is where the weight error sits furthest above the known-targets oracle.

Intervening on one more variable ``j`` at state ``s`` changes one factor of the target's likelihood (UAI 2021,
Section 2: ``P_t(v) = prod_{i not in T} P(v_i | pa_i) prod_{i in T} [v_i = t_i]``): every row the target explains
is multiplied by ``[v_j = s] / P(v_j | pa_j)``. So with the weights held fixed the gain of every such move, for every
target, variable and state, costs one pass over the stored likelihood entries per variable, and it bounds the gain
after refitting the weights from below. A move is made when that gain exceeds the extended-BIC price of the larger
target (the log of how many more targets of its size there are, as in the existence test of
:mod:`~pgmpy_mixture.discrete.likelihood.polish`), never onto the variable's excluded state (Assumption 3.1) and
never onto a target already found; the best move of every target is made together, the weights refitted, and the
search repeated on the targets just moved until none gains (a target whose best move gained nothing is not searched
again: one round costs a pass over every target's entries per variable). A target of fewer than
:data:`MIN_REPAIR_ROWS` expected rows is not moved.

The reverse move, :func:`prune_interventions`, removes an intervention the rows do not ask for. When a CPD gives
a state with probability close to one (``1 - 1e-6`` is common in hand-built networks), a target with and without
the intervention at that state differ only on rows the sample almost never holds: with no such row observed, the
recursion's lift prefers the intervention by a fraction of a log-likelihood unit, though the data cannot tell the
two apart (a near-equivalence, the finite-sample twin of the exact equivalences of
:mod:`pgmpy_mixture.discrete.equivalence`). An intervention whose removal costs less than ``PRUNE_THRESHOLD`` in
log-likelihood at fixed weights is removed, so such a component is reported with the fewest interventions the data
require.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.discrete.likelihood.cells import cells_of
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods, em_weights, log_likelihood, newton_weights
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.parallel import map_in_threads

__all__ = ["REFIT_NEWTON_STEPS", "TargetRepair", "log_cpd_factors", "prune_interventions", "reference_factors",
           "repair_targets", "target_entries"]

#: an intervention must raise the log-likelihood by more than this (AIC's one unit for its one free state) to stay
PRUNE_THRESHOLD = 1.0

#: a target the weights give fewer rows than this is not moved: it is evidence of one row at most, every
#: intervention matching that row raises its likelihood, and a search would walk it onto the whole row, one
#: variable per round (measured: 28 rounds at N = 64); whether it exists is the existence test's question
MIN_REPAIR_ROWS = 2.0

#: the prune first sums an intervention's removal cost over this many of the target's rows (a lower bound)
_PRUNE_HEAD = 4096

#: Newton iterations (at most) of the weight refits between repair rounds and after the prune: the rounds compare
#: log-likelihoods that differ by at least a move's price (several units), and three steps after the EM bring them
#: within about 1e-4 of the maximum (measured at N = 64); the final polish makes the weights the exact joint MLE.
#: The refits are chord steps (one observed information per refit, ``newton_weights(chord=True)``)
REFIT_NEWTON_STEPS = 3

# above this log(share / rest) a kept entry's gain log(1 + share / (rest P)) is computed as log(share / rest) - log P
_LINEAR_LOG_RATIO = 460.0



@dataclass(frozen=True)
class TargetRepair:
    """Outcome of :func:`repair_targets`: the targets after the moves, their likelihoods and weights, the moves."""

    targets: np.ndarray
    entries: ComponentLikelihoods
    mu: np.ndarray
    moves: tuple[tuple[int, int, int, float], ...]  # (target index, variable, state, gain at fixed weights)


def log_cpd_factors(network: CausalNetwork, codes: np.ndarray) -> np.ndarray:
    """``log P(v_j | pa_j)`` of every row of ``codes`` and every variable (float32; ``-inf`` where the entry is 0).

    One variable at a time: the rows' CPD cells are found by their mixed-radix index and the logarithm is taken
    once per distinct cell, so the work is a few integer passes per column (pass ``codes`` column-major and in a
    small integer type for the fastest reads).

    Parameters
    ----------
    network : CausalNetwork
        The network whose CPDs give the factors.
    codes : ndarray of int, shape (R, N)
        State codes of full rows.

    Returns
    -------
    ndarray of float32, shape (R, N), column-major

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.3, .7]), "B": np.array([[1.0, 0.0], [.2, .8]])})
    >>> np.exp(log_cpd_factors(net, np.array([[1, 0], [0, 1]]))).astype(float).round(3).tolist()
    [[0.7, 0.2], [0.3, 0.0]]
    """
    out = np.empty(codes.shape, dtype=np.float32, order="F")  # column-major: one variable's factors are contiguous
    for j in range(codes.shape[1]):
        cells = cells_of(network, codes, j)
        with np.errstate(divide="ignore"):
            out[:, j] = np.log(cells.p)[cells.inverse]
    return out


def _move_price(n_vars: int, size: np.ndarray, cards: np.ndarray) -> np.ndarray:
    """``log C(N, s + 1) + log(k_j - 1) - log C(N, s)`` for targets of ``s`` variables and every variable ``j``.

    Floored at zero: a move must never be taken for a likelihood loss.
    """
    ratio = np.log(np.maximum(n_vars - size, 1)) - np.log(size + 1.0)
    return np.maximum(ratio[:, None] + np.log(np.maximum(cards - 1, 1))[None, :], 0.0)


def _log_rescaled_row(share: np.ndarray, rest_share: np.ndarray, log_multiplier: np.ndarray) -> np.ndarray:
    """``log(1 + share (e^m - 1))``: the log change of a row when the part ``share`` of it is multiplied by ``e^m``.

    ``log1p`` where the share is small; where the entry's component carries the row, ``1 - share`` has lost its
    digits, so the row's exact rest (``rest_share``, from :meth:`ComponentLikelihoods.mixture_without`) is used.

    Examples
    --------
    >>> import numpy as np
    >>> share, rest = np.array([0.25, 1.0]), np.array([0.75, 1e-18])  # the second row: 1 - share rounds to 0
    >>> _log_rescaled_row(share, rest, np.array([-np.inf, -np.inf])).round(3).tolist()  # the part is removed
    [-0.288, -41.447]
    """
    small = share < 0.5
    out = np.empty(share.shape)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out[small] = np.log1p(share[small] * np.expm1(log_multiplier[small]))
        big = ~small
        out[big] = np.log(rest_share[big] + share[big] * np.exp(log_multiplier[big]))
    return out


def _best_moves(
    entries: ComponentLikelihoods, n_rows: np.ndarray, mu: np.ndarray, targets: np.ndarray, codes: np.ndarray,
    log_factor: np.ndarray, cards: np.ndarray, excluded: np.ndarray, searched: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every target (of ``searched``, a mask; default all): the variable and state of its best move and the
    move's gain at fixed weights (-inf: none)."""
    q, n_vars = targets.shape
    values = entries.values()
    mix = np.maximum(entries.mixture(mu, values), 1e-300)
    sizes = (targets != NOT_INTERVENED).sum(axis=1)
    # the observational target stays observational, and a target of fewer than MIN_REPAIR_ROWS expected rows is
    # left to the existence test: only the entries of the other targets are searched (their order kept, so every
    # sum below adds the same terms in the same order)
    frozen = (sizes == 0) | (float(n_rows.sum()) * mu < MIN_REPAIR_ROWS)
    if searched is not None:
        frozen |= ~searched
    movable = np.flatnonzero(~frozen[entries.grp])
    grp, row = entries.grp[movable], entries.row[movable]
    share = np.minimum(mu[grp] * values[movable] / mix[row], 1.0)  # the part of each row the entry's target explains
    rest_share = entries.mixture_without(mu, values, mix)[movable] / mix[row]
    counted = n_rows[row]
    # an entry whose row does not have v_j = s is lost by the move: log(1 - share) per row
    lost = counted * _log_rescaled_row(share, rest_share, np.full(share.shape, -np.inf))
    hopeless = ~np.isfinite(lost)  # the target alone explains the row: losing it is impossible
    lost = np.where(hopeless, 0.0, lost)
    lost_total = np.bincount(grp, weights=lost, minlength=q)
    any_hopeless = bool(hopeless.any())
    hopeless_total = np.bincount(grp, weights=hopeless, minlength=q) if any_hopeless else np.zeros(q)
    # an entry whose row has v_j = s is kept and multiplied by 1 / P(v_j | pa_j): its row goes from rest + share to
    # rest + share / P, i.e. gains log(1 + (share / rest) / P) over losing it (an exp and a log1p per entry and
    # variable); where share / rest is huge, and for a hopeless entry (rest 0: it gains log(share / P) over nothing),
    # the gain is log(share / rest) - log P, linear in log P
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(share > 0, np.log(share) - np.where(hopeless, 0.0, np.log(rest_share)), -np.inf)
    linear = hopeless | (log_ratio > _LINEAR_LOG_RATIO)
    any_linear = bool(linear.any())
    ratio = np.exp(np.minimum(log_ratio, _LINEAR_LOG_RATIO))
    price = _move_price(n_vars, sizes, cards)
    best_gain = np.full(q, -np.inf)
    best_var = np.full(q, -1, dtype=np.int64)
    best_state = np.full(q, -1, dtype=np.int64)
    # entries are sorted by target: a variable's work covers only the runs of targets free there (a target holding
    # most of its variables intervened costs nothing at them)
    starts = np.searchsorted(grp, np.arange(q + 1))
    empty = starts[1:] == starts[:-1]
    def gains_at(j: int) -> np.ndarray:
        """The gain of moving each target to ``V_j = s``, shape ``(q, k_j)`` (-inf where not allowed)."""
        k = int(cards[j])
        column, factors = codes[:, j], log_factor[:, j]
        delta = np.zeros((q, k))
        broken = np.zeros((q, k), dtype=bool)
        saved = np.zeros((q, k)) if any_hopeless else None
        for first, stop in _runs((targets[:, j] == NOT_INTERVENED) & ~frozen | empty):
            part = slice(starts[first], starts[stop])
            if part.start == part.stop:
                continue
            rows = row[part]
            key = (grp[part] - first) * k + column[rows]
            factor = factors[rows]
            kept = np.negative(factor, dtype=np.float64)
            with np.errstate(over="ignore", invalid="ignore"):
                np.exp(kept, out=kept)
                kept *= ratio[part]
                np.log1p(kept, out=kept)
            if any_linear:
                here = linear[part]
                kept[here] = log_ratio[part][here] - factor[here]
            impossible = np.isinf(factor)  # a zero CPD entry (only at an intervened variable: no move there)
            size = (stop - first) * k
            if impossible.any():
                kept[impossible] = 0.0
                broken[first:stop] = np.bincount(key, weights=impossible, minlength=size).reshape(-1, k) > 0
            kept *= counted[part]
            delta[first:stop] = np.bincount(key, weights=kept, minlength=size).reshape(-1, k)
            if saved is not None:
                saved[first:stop] = np.bincount(key, weights=hopeless[part], minlength=size).reshape(-1, k)
        gain = lost_total[:, None] + delta - price[:, j][:, None]
        gain[broken] = -np.inf
        if saved is not None:  # hopeless entries at state s are kept by the move to s; any one elsewhere forbids it
            gain[saved < hopeless_total[:, None]] = -np.inf
        gain[targets[:, j] != NOT_INTERVENED] = -np.inf  # only free variables gain a state
        gain[:, excluded[j]] = -np.inf
        gain[frozen] = -np.inf
        return gain

    free_variables = np.flatnonzero(np.any(targets[~frozen] == NOT_INTERVENED, axis=0))
    for j, gain in zip(free_variables, map_in_threads(gains_at, free_variables.tolist()), strict=True):
        better = gain.max(axis=1) > best_gain
        best_gain[better] = gain.max(axis=1)[better]
        best_var[better] = j
        best_state[better] = gain.argmax(axis=1)[better]
    return best_var, best_state, best_gain


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs ``[first, stop)`` of consecutive ``True`` in ``mask``.

    Examples
    --------
    >>> import numpy as np
    >>> _runs(np.array([True, True, False, True]))
    [(0, 2), (3, 4)]
    """
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def _apply(
    entries: ComponentLikelihoods, targets: np.ndarray, codes: np.ndarray, log_factor: np.ndarray,
    moved: np.ndarray, var: np.ndarray, state: np.ndarray,
) -> tuple[np.ndarray, ComponentLikelihoods]:
    """The targets and entries after moving each target in ``moved`` to ``var = state``."""
    targets = targets.copy()
    targets[moved, var[moved]] = state[moved]
    j = var[entries.grp]
    touched = np.isin(entries.grp, moved)
    rows = entries.row
    keep = ~touched | (codes[rows, np.maximum(j, 0)] == state[entries.grp])
    lval = entries.lval.copy()
    lval[touched] -= log_factor[rows[touched], j[touched]]
    return targets, ComponentLikelihoods(entries.grp[keep], rows[keep], lval[keep], entries.q, entries.n_rows)


def repair_targets(
    network: CausalNetwork,
    codes: np.ndarray,
    entries: ComponentLikelihoods,
    n_rows: np.ndarray,
    targets: np.ndarray,
    mu: np.ndarray,
    excluded: np.ndarray,
    *,
    em_steps: int = 30,
    newton_steps: int = 20,
    max_rounds: int | None = None,
    log_factor: np.ndarray | None = None,
) -> TargetRepair:
    """Add the missed intervened variables to the found targets while the rows ask for it (see the module).

    Parameters
    ----------
    network : CausalNetwork
        The network whose CPDs the likelihoods use.
    codes : ndarray of int, shape (R, N)
        The distinct rows ``entries`` refers to.
    entries : ComponentLikelihoods
        The likelihoods of ``targets`` over those rows (sorted by target).
    n_rows : ndarray
        Count of each distinct row.
    targets : ndarray of int, shape (q, N)
        Encoded targets (-1: not intervened).
    mu : ndarray
        Their weights.
    excluded : ndarray of int
        The excluded (never intervened) state of every variable.
    em_steps, newton_steps : int
        Iterations of the weight refits after each round (Newton: at most :data:`REFIT_NEWTON_STEPS`).
    max_rounds : int, optional
        Rounds of moves (default: the number of variables).
    log_factor : ndarray of float, shape (R, N), optional
        :func:`log_cpd_factors` of ``codes``, if already computed.

    Returns
    -------
    TargetRepair

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import sample_mixture
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]},
    ...     {"B": ["A"]}, {"A": np.array([.2, .3, .5]), "B": np.array([[.5, .3, .2], [.1, .6, .3], [.3, .3, .4]])})
    >>> truth = net.encode_targets([{}, {"A": "a1", "B": "b2"}])
    >>> codes, _ = sample_mixture(net, truth, [0.7, 0.3], 20_000, rng=np.random.default_rng(0))
    >>> rows, counts = np.unique(codes, axis=0, return_counts=True)
    >>> found = net.encode_targets([{}, {"A": "a1"}])  # the second target misses B = b2
    >>> log_lik = net.log_likelihood(found, rows)
    >>> grp, row = np.nonzero(np.isfinite(log_lik))
    >>> entries = ComponentLikelihoods(grp, row, log_lik[grp, row], 2, rows.shape[0])
    >>> out = repair_targets(net, rows, entries, counts.astype(float), found, np.array([0.7, 0.3]),
    ...                      excluded=np.array([0, 0]))
    >>> [net.decode_target(t) for t in out.targets], out.mu.round(2).tolist()
    ([{}, {'A': 'a1', 'B': 'b2'}], [0.7, 0.3])
    """
    targets = np.asarray(targets, dtype=np.int64)
    cards = np.asarray(network.cardinalities, dtype=np.int64)
    excluded = np.asarray(excluded, dtype=np.int64)
    # column-major and small: each variable's column is read once per search round
    codes = np.asfortranarray(codes, dtype=np.min_scalar_type(max(int(cards.max(initial=1)) - 1, 0)))
    log_factor = log_cpd_factors(network, codes) if log_factor is None else log_factor
    moves: list[tuple[int, int, int, float]] = []
    ll = log_likelihood(entries, n_rows, mu)
    searched = None  # every target in the first round, then the ones just moved
    refit_newton = min(newton_steps, REFIT_NEWTON_STEPS)
    for _ in range(targets.shape[1] if max_rounds is None else max_rounds):
        var, state, gain = _best_moves(entries, n_rows, mu, targets, codes, log_factor, cards, excluded, searched)
        order = np.argsort(-gain, kind="stable")
        chosen: list[int] = []
        seen = {tuple(t) for t in targets.tolist()}
        for c in order[gain[order] > 0]:
            moved_target = targets[c].copy()
            moved_target[var[c]] = state[c]
            if tuple(moved_target.tolist()) in seen:
                continue
            seen.add(tuple(moved_target.tolist()))
            chosen.append(int(c))
        if not chosen:
            break
        new_targets, new_entries = _apply(entries, targets, codes, log_factor, np.array(chosen), var, state)
        new_mu = newton_weights(new_entries, n_rows, em_weights(new_entries, n_rows, mu, em_steps), refit_newton,
                                   chord=True)
        new_ll = log_likelihood(new_entries, n_rows, new_mu)
        if new_ll <= ll and len(chosen) > 1:  # the moves interfered: make the single best one
            chosen = chosen[:1]
            new_targets, new_entries = _apply(entries, targets, codes, log_factor, np.array(chosen), var, state)
            new_mu = newton_weights(new_entries, n_rows, em_weights(new_entries, n_rows, mu, em_steps), refit_newton,
                                   chord=True)
            new_ll = log_likelihood(new_entries, n_rows, new_mu)
        if new_ll <= ll:
            break
        moves += [(c, int(var[c]), int(state[c]), float(gain[c])) for c in chosen]
        targets, entries, mu, ll = new_targets, new_entries, new_mu, new_ll
        searched = np.zeros(targets.shape[0], dtype=bool)
        searched[chosen] = True
    return TargetRepair(targets, entries, mu, tuple(moves))


def reference_factors(log_factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row's log reference likelihood (the sum of its finite CPD log-factors) and its number of zero factors.

    One column at a time (``log_factor`` is column-major), so no temporary of the whole table is made.

    Examples
    --------
    >>> import numpy as np
    >>> log_ref, zeros = reference_factors(np.array([[np.log(0.5), -np.inf], [np.log(0.5), np.log(0.25)]]))
    >>> np.exp(log_ref).round(6).tolist(), zeros.tolist()  # the first row has a zero factor
    ([0.5, 0.125], [1, 0])
    """
    log_ref = np.zeros(log_factor.shape[0])
    zeros = np.zeros(log_factor.shape[0], dtype=np.int64)
    for j in range(log_factor.shape[1]):
        column = log_factor[:, j]
        finite = np.isfinite(column)
        if finite.all():
            log_ref += column
        else:
            log_ref += np.where(finite, column, 0.0)
            zeros += ~finite
    return log_ref, zeros


def target_entries(codes: np.ndarray, log_factor: np.ndarray, targets: np.ndarray,
                   zeros_per_row: np.ndarray | None = None) -> ComponentLikelihoods:
    """The likelihoods of ``targets`` over the rows ``codes``, in the form the likelihood method stores them.

    A target's likelihood of a row is the product of the CPD factors of its free variables, its intervened ones
    matching (UAI 2021, Section 2); it is stored relative to the product of the row's positive CPD factors, so the
    stored value is ``-sum log P(v_j | pa_j)`` over the intervened variables with a positive factor, and a row
    with a zero factor at a free variable has no entry.

    Parameters
    ----------
    codes : ndarray of int, shape (R, N)
        Distinct rows.
    log_factor : ndarray of float, shape (R, N)
        :func:`log_cpd_factors` of ``codes``.
    targets : ndarray of int, shape (q, N)
        Encoded targets (-1: not intervened).
    zeros_per_row : ndarray of int, optional
        Each row's number of zero CPD factors (:func:`reference_factors`), if already computed.

    Returns
    -------
    ComponentLikelihoods
        Sorted by target.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, {"B": ["A"]},
    ...     {"A": np.array([.3, .7]), "B": np.array([[1.0, 0.0], [.2, .8]])})
    >>> rows = np.array([[0, 0], [0, 1], [1, 1]])
    >>> lik = target_entries(rows, log_cpd_factors(net, rows), np.array([[-1, -1], [-1, 1]]))
    >>> lik.grp.tolist(), lik.row.tolist(), np.exp(lik.lval).round(3).tolist()  # do(B=1) explains row [0, 1]
    ([0, 0, 1, 1], [0, 2, 1, 2], [1.0, 1.0, 1.0, 1.25])
    """
    targets = np.asarray(targets, dtype=np.int64)
    zeros_per_row = reference_factors(log_factor)[1] if zeros_per_row is None else zeros_per_row
    def explained(target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows ``target`` explains and its stored log-likelihoods of them."""
        on = np.flatnonzero(target != NOT_INTERVENED)
        # the row has the intervened states (narrowed one variable at a time: each keeps about a k-th of the rows),
        # and every zero factor of it sits at an intervened variable
        rows = np.flatnonzero(codes[:, on[0]] == target[on[0]]) if on.size else np.arange(codes.shape[0])
        for j in on[1:]:
            rows = rows[codes[rows, j] == target[j]]
        factors = log_factor[np.ix_(rows, on)]
        finite = np.isfinite(factors)
        possible = zeros_per_row[rows] == (~finite).sum(axis=1)
        return rows[possible], -np.where(finite[possible], factors[possible], 0.0).sum(axis=1, dtype=np.float64)

    parts = map_in_threads(explained, list(targets))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ComponentLikelihoods(empty, empty, np.zeros(0), 0, codes.shape[0])
    sizes = [rows.size for rows, _ in parts]
    return ComponentLikelihoods(np.repeat(np.arange(len(parts)), sizes), np.concatenate([r for r, _ in parts]),
                                np.concatenate([v for _, v in parts]), len(parts), codes.shape[0])


def _removal_costs(log_factor: np.ndarray, row: np.ndarray, share: np.ndarray, rest_share: np.ndarray,
                   counted: np.ndarray, part: slice, on: np.ndarray) -> np.ndarray:
    """``-sum_r n_r log(rest_r + share_r P(v_j | pa_j(r)))`` over the entries ``part`` of one target, for each
    intervened variable ``j`` of ``on``: without the intervention at ``j`` the part ``share`` of each of its rows is
    multiplied by ``P(v_j | pa_j)``."""
    factor = log_factor[np.ix_(row[part], on)].astype(np.float64)
    with np.errstate(divide="ignore"):
        factor = np.log(rest_share[part, None] + share[part, None] * np.exp(factor))
    return -(counted[part] @ factor)


def prune_interventions(
    network: CausalNetwork,
    codes: np.ndarray,
    entries: ComponentLikelihoods,
    n_rows: np.ndarray,
    targets: np.ndarray,
    mu: np.ndarray,
    *,
    threshold: float = PRUNE_THRESHOLD,
    em_steps: int = 30,
    newton_steps: int = 20,
    log_factor: np.ndarray | None = None,
) -> TargetRepair:
    """Remove the interventions whose removal costs less than ``threshold`` in log-likelihood (see the module).

    For every target and intervened variable ``j`` at state ``s``, the cost at fixed weights is
    ``-sum_r n_r log(1 + share_r (P(s | pa_j(r)) - 1))`` over the rows the target explains (``share_r``: the part of
    row ``r`` it explains); rows that become possible without the intervention can only lower it. The cheapest
    interventions of each target are removed while their summed cost stays below ``threshold``; a target that
    becomes equal to another is merged with it (weights summed); the weights are then refitted.

    Parameters
    ----------
    network, codes, n_rows, targets, mu
        As for :func:`repair_targets`.
    entries : ComponentLikelihoods
        The likelihoods of ``targets``, as the method stores them: relative to the product of each row's positive
        CPD factors (the entries of a changed target are recomputed in that form).
    threshold : float
        Largest log-likelihood cost of the removed interventions of one target.
    em_steps, newton_steps : int
        Iterations of the weight refit (Newton: at most :data:`REFIT_NEWTON_STEPS`).
    log_factor : ndarray of float, shape (R, N), optional
        :func:`log_cpd_factors` of ``codes``, if already computed.

    Returns
    -------
    TargetRepair
        ``moves`` lists ``(target index in the input, variable, state, cost)`` of every removed intervention.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import sample_mixture
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1 - 1e-6, 1e-6], [.4, .6]])})  # A = a0: B = b0 but rarely
    >>> truth = net.encode_targets([{}, {"A": "a0"}])
    >>> codes, _ = sample_mixture(net, truth, [0.6, 0.4], 20_000, rng=np.random.default_rng(0))
    >>> rows, counts = np.unique(codes, axis=0, return_counts=True)
    >>> found = net.encode_targets([{}, {"A": "a0", "B": "b0"}])  # the lift's choice: B = b0 as well
    >>> log_ref = np.log(net.conditional_probabilities(rows)).sum(axis=1)  # this network has no zero entry
    >>> log_lik = net.log_likelihood(found, rows) - log_ref
    >>> grp, row = np.nonzero(np.isfinite(log_lik))
    >>> entries = ComponentLikelihoods(grp, row, log_lik[grp, row], 2, rows.shape[0])
    >>> out = prune_interventions(net, rows, entries, counts.astype(float), found, np.array([0.6, 0.4]))
    >>> [net.decode_target(t) for t in out.targets], out.mu.round(2).tolist()
    ([{}, {'A': 'a0'}], [0.59, 0.41])
    """
    targets = np.asarray(targets, dtype=np.int64)
    q, n_vars = targets.shape
    log_factor = log_cpd_factors(network, codes) if log_factor is None else log_factor
    values = entries.values()
    mix = np.maximum(entries.mixture(mu, values), 1e-300)
    share = np.minimum(mu[entries.grp] * values / mix[entries.row], 1.0)
    rest_share = entries.mixture_without(mu, values, mix) / mix[entries.row]
    counted = n_rows[entries.row]
    cost = np.full((q, n_vars), np.inf)
    bounds = entries.slices()
    for g in np.flatnonzero(np.any(targets != NOT_INTERVENED, axis=1)):
        on = np.flatnonzero(targets[g] != NOT_INTERVENED)
        # every row's term is a cost (its log is at most 0), so the cost over the target's first rows bounds the
        # whole from below: only the interventions that bound leaves under the threshold are summed over every row
        head = slice(bounds[g], min(bounds[g + 1], bounds[g] + _PRUNE_HEAD))
        cost[g, on] = _removal_costs(log_factor, entries.row, share, rest_share, counted, head, on)
        open_ = on[cost[g, on] < threshold]
        if open_.size and head.stop < bounds[g + 1]:
            cost[g, open_] = _removal_costs(log_factor, entries.row, share, rest_share, counted,
                                            slice(bounds[g], bounds[g + 1]), open_)
    order = np.argsort(cost, axis=1, kind="stable")
    running = np.cumsum(np.take_along_axis(cost, order, axis=1), axis=1)
    dropped = np.zeros_like(cost, dtype=bool)
    np.put_along_axis(dropped, order, running < threshold, axis=1)
    if not dropped.any():
        return TargetRepair(targets, entries, mu, ())
    moves = tuple((int(g), int(j), int(targets[g, j]), float(cost[g, j])) for g, j in zip(*np.nonzero(dropped),
                                                                                          strict=True))
    new_targets = np.where(dropped, NOT_INTERVENED, targets)
    # a target that became equal to another is merged into the first of them
    _, first, label = np.unique(new_targets, axis=0, return_index=True, return_inverse=True)
    keep = np.sort(first)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    source = rank[label.reshape(-1)]
    merged_mu = np.bincount(source, weights=mu, minlength=keep.size)
    changed = dropped.any(axis=1)
    parts_grp, parts_row, parts_lval = [], [], []
    bounds = entries.slices()
    fresh = target_entries(codes, log_factor, new_targets[keep[changed[keep]]])
    fresh_bounds = fresh.slices()
    f = 0  # the place of the next changed target among the recomputed ones
    for new, g in enumerate(keep):
        if changed[g]:
            rows = fresh.row[fresh_bounds[f]:fresh_bounds[f + 1]]
            lval = fresh.lval[fresh_bounds[f]:fresh_bounds[f + 1]]
            f += 1
        else:
            rows, lval = entries.row[bounds[g]:bounds[g + 1]], entries.lval[bounds[g]:bounds[g + 1]]
        parts_grp.append(np.full(rows.size, new, dtype=np.int64))
        parts_row.append(rows)
        parts_lval.append(lval)
    new_entries = ComponentLikelihoods(np.concatenate(parts_grp), np.concatenate(parts_row),
                                       np.concatenate(parts_lval), keep.size, entries.n_rows)
    new_mu = newton_weights(new_entries, n_rows, em_weights(new_entries, n_rows, merged_mu, em_steps),
                            min(newton_steps, REFIT_NEWTON_STEPS), chord=True)
    return TargetRepair(new_targets[keep], new_entries, new_mu, moves)
