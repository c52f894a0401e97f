"""The likelihood method's recursion: one lift per variable, in topological order (UAI 2021, Algorithm 1).

After the variables ``V_1..V_{j-1}`` the targets ``s_i`` with weights ``mu_i`` explain the prefix rows
(Lemma 4.2); :func:`lift_variable` lifts them to ``V_j`` (Lemma 4.3) from every row
(:class:`~pgmpy_mixture.discrete.likelihood.problem.LiftProblem`) in four stages:

1. **Exclusion chosen by fit** (Assumption 3.1): every candidate excluded state ``e`` of ``V_j`` is tried, with
   ``theta_e = 0`` in every lift, and the one with the largest log-likelihood is kept (on exact input: the
   smallest residual of Equation 5 over all prefix rows).
2. **Likelihood-ratio pruning** that scales with the sample size: a child is dropped when the likelihood-ratio
   statistic for setting its weight to zero is below the penalty (default ``"local"``: BIC on the rows of the
   target being lifted); on exact input children with weight ``<= tolerance`` are dropped.
3. **Joint backward elimination** (:func:`backward_elimination`): whole targets whose removal costs less than
   the penalty in the joint likelihood of the prefix rows are dropped, the cheapest first.
4. **Refinement:** a few EM iterations over all surviving weights on the prefix
   (:func:`~pgmpy_mixture.discrete.mixing_weights.em_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from pgmpy_mixture.discrete.likelihood.cells import LiftCounts, cells_of, expected_counts, unique_keys
from pgmpy_mixture.discrete.likelihood.identify import canonical_lifts
from pgmpy_mixture.discrete.likelihood.inputs import PreparedInput, local_penalty
from pgmpy_mixture.discrete.likelihood.problem import LiftFit, LiftProblem, extend_prefix
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods, em_weights
from pgmpy_mixture.model.fitting import cpd_counts
from pgmpy_mixture.model.network import NOT_INTERVENED

__all__ = ["LiftSettings", "LiftState", "backward_elimination", "lift_variable", "start_state"]

_WORK_BUDGET = 1.2e7  # EM iterations per lift ~ budget / stored likelihood entries, between 4 and 100
_EXCLUSION_CANDIDATES = 16  # a variable with more states tries this many as the excluded one
_MIN_EXPECTED = 5.0  # an excluded state expecting fewer rows than this cannot measure theta_0


@dataclass(frozen=True)
class LiftSettings:
    """The options of the recursion (see :func:`~pgmpy_mixture.discrete.likelihood.disentangle_likelihood`)."""

    penalty: str | float = "local"
    epsilon: float = 0.0
    tolerance: float = 1e-10
    lift_steps: int | None = None
    choice_steps: int | None = None
    refine_steps: int | None = None
    delta: float | None = None
    prior: float = 1.0
    work_scale: float = 1.0  # the lifts' iterations are those of a table this many times larger (a subsample's)
    min_rows: float = 0.0  # a target expecting fewer rows than this is eliminated unless it alone explains a row


@dataclass
class LiftState:
    """The recursion after a prefix of the variables.

    ``targets`` (encoded, one row per target) with weights ``mu`` and their likelihoods ``entries`` over the
    distinct prefix rows (ratios to the reference likelihood ``exp(log_ref)``: the product of the prefix row's
    positive CPD factors, which is the observational likelihood when positivity holds); ``impossible`` marks the
    prefix rows with a zero CPD factor (observational likelihood zero); ``prefix_id`` maps every distinct row of
    the data to its prefix; ``excluded`` the state chosen as never intervened on per lifted variable; ``cpds`` the
    CPDs re-fitted jointly (``None`` unless ``joint_cpds``); ``unidentified`` the lifts the data do not identify
    (positivity fails, :mod:`~pgmpy_mixture.discrete.likelihood.identify`): the prefix target, the variable and the
    states of its interventions that could take some of its weight; ``residual`` the largest residual of a lift on
    exact input (rounding when the input is an exact mixture) and the variable where it occurred.
    """

    targets: np.ndarray
    mu: np.ndarray
    entries: ComponentLikelihoods
    log_ref: np.ndarray
    prefix_id: np.ndarray
    excluded: np.ndarray
    cpds: list[np.ndarray] | None
    impossible: np.ndarray
    unidentified: list[tuple[np.ndarray, int, tuple[int, ...]]] = field(default_factory=list)
    residual: tuple[float, int] = (0.0, -1)  # exact input: the largest residual of Equation 5 and its variable


def start_state(prepared: PreparedInput) -> LiftState:
    """The empty prefix: one observational target of weight 1.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.data.counts import CountTable
    >>> from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([0.5, 0.5])})
    >>> table = CountTable.from_codes(np.array([[0], [1]]), ["A"], [["x", "y"]])
    >>> prepared = prepare_inputs(net, table, penalty="bic", epsilon=0.0, joint_cpds=False, observational=None,
    ...                           delta=None, prior=1.0)
    >>> state = start_state(prepared)
    >>> state.targets.tolist(), state.mu.tolist()
    ([[-1]], [1.0])
    """
    network = prepared.network
    n_vars = network.n_variables
    cpds = [np.array(c, dtype=np.float64) for c in network.cpds] if prepared.joint else None
    return LiftState(
        targets=np.full((1, n_vars), NOT_INTERVENED, dtype=np.int64),
        mu=np.array([1.0]),
        entries=ComponentLikelihoods(np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1), 1, 1),
        log_ref=np.zeros(1),
        prefix_id=np.zeros(prepared.codes.shape[0], dtype=np.int64),
        excluded=np.zeros(n_vars, dtype=np.int64),
        cpds=cpds,
        impossible=np.zeros(1, dtype=bool),
    )


def backward_elimination(
    entries: ComponentLikelihoods, n: np.ndarray, w: np.ndarray, tau: float | np.ndarray, em_steps: int
) -> np.ndarray:
    """Backward elimination on the joint likelihood: drop components whose removal costs less than ``tau``.

    The cost of removing component ``c`` without refitting is
    ``-sum_r n_r log(1 - resp_c(r)) + n log(1 - w_c)`` (an upper bound of the refitted drop); the cheapest
    component goes first, then the rest are refitted by EM and the costs recomputed. Returns a keep mask.

    Examples
    --------
    >>> import numpy as np
    >>> # two components with the same likelihood on every row: either explains the data alone
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.zeros(4), 2, 2)
    >>> backward_elimination(lik, np.array([50.0, 50.0]), np.array([0.9, 0.1]), 1.0, 0).tolist()
    [True, False]
    """
    keep = np.ones(w.size, dtype=bool)
    weights = w.copy()
    total = float(n.sum())
    values = entries.values()
    n_entry = n[entries.row]
    while keep.sum() > 1:
        mix = entries.mixture(weights, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            # log(max(1 - resp, 0)) n_r per entry, computed in place (one pass over the entries per removal)
            log_rest = weights[entries.grp]
            log_rest *= values
            log_rest /= mix[entries.row]
            np.subtract(1.0, log_rest, out=log_rest)
            np.maximum(log_rest, 0.0, out=log_rest)
            np.log(log_rest, out=log_rest)
            log_rest *= n_entry
        cost = -np.bincount(entries.grp, weights=log_rest, minlength=entries.q)
        with np.errstate(divide="ignore"):
            cost += total * np.log1p(-np.minimum(weights, 1 - 1e-16))
        margin = cost - tau  # tau: one penalty, or one per component
        margin[~keep] = np.inf
        worst = int(np.argmin(margin))
        if not margin[worst] < 0:
            break
        keep[worst] = False
        weights[worst] = 0.0
        weights /= weights.sum()
        if em_steps > 0:
            rest = np.flatnonzero(keep)
            weights[rest] = em_weights(entries.take(rest), n, weights[rest], em_steps)
    return keep


def _enough_rows(entries: ComponentLikelihoods, n: np.ndarray, w: np.ndarray, min_rows: float) -> np.ndarray:
    """The targets expecting at least ``min_rows`` rows (``n w``), and those that alone explain a counted row.

    On a search subsample (:mod:`~pgmpy_mixture.discrete.likelihood.search`) a target of one or two rows is no
    evidence of a component: every further lift adds the intervention its row matches (the row's likelihood gains
    ``log 1 / P(v_j | pa_j)`` per variable, more than the local penalty of 1), so it grows into a copy of its row
    that the existence test on every row sets aside, at the cost of carrying it through every stage.

    Examples
    --------
    >>> import numpy as np
    >>> # component 1 holds about one row, component 2 about one row that only it explains
    >>> lik = ComponentLikelihoods(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), np.zeros(4), 3, 3)
    >>> _enough_rows(lik, np.array([60.0, 39.0, 1.0]), np.array([0.98, 0.01, 0.01]), 3.0).tolist()
    [True, False, True]
    """
    enough = w * float(n.sum()) >= min_rows
    single = (np.bincount(entries.row, minlength=entries.n_rows) == 1) & (n > 0)
    alone = np.bincount(entries.grp, weights=single[entries.row], minlength=entries.q) > 0
    return enough | alone


def _lift_problem(prepared: PreparedInput, state: LiftState, j: int, settings: LiftSettings) -> LiftProblem:
    """The prefix extended by ``V_j`` (distinct prefixes, their counts and likelihoods) and its lift problem."""
    network, codes = prepared.network, prepared.codes
    k = int(network.cardinalities[j])
    # distinct prefixes V_1..V_j: rows sharing a prefix share every prefix likelihood
    keys = state.prefix_id * k + codes[:, j].astype(np.int64)
    uniq, state.prefix_id = unique_keys(keys, (int(state.prefix_id.max(initial=0)) + 1) * k)
    # one data row per distinct prefix (any one: they agree on V_1..V_j, which hold V_j's parents)
    first = np.empty(uniq.size, dtype=np.int64)
    first[state.prefix_id] = np.arange(keys.size)
    parent = uniq // k
    n_pref = np.bincount(state.prefix_id, weights=prepared.n_rows, minlength=uniq.size)
    cells = cells_of(network, codes[first], j)
    # the reference likelihood gains the row's CPD factor, or nothing where that factor is zero (the row is then
    # impossible without an intervention, and only the components that explain it have likelihood entries)
    possible = cells.p > 0
    log_p_row = np.log(np.where(possible, cells.p, 1.0))[cells.inverse]
    state.log_ref = state.log_ref[parent] + log_p_row
    state.impossible = state.impossible[parent] | ~possible[cells.inverse]
    obs_counts = None
    if prepared.joint:
        columns = list(network.parents[j]) + [j]
        full = cpd_counts(prepared.obs_codes, prepared.obs_weights, columns, network.cardinalities[columns])
        obs_counts = full[cells.pa_index]
    return LiftProblem(
        cells, extend_prefix(state.entries, parent, log_p_row), state.log_ref, n_pref, uniq % k,
        obs_counts=obs_counts, delta=settings.delta, prior=settings.prior, variable=network.variables[j],
    )


def _choose_exclusion(
    step: LiftProblem, mu: np.ndarray, k: int, exact: bool, n_choice: int, outer: int, tau: float | None = None
) -> tuple[int, LiftFit]:
    """Stage 1: the excluded state of ``V_j`` whose lifts fit best, and those lifts.

    The excluded state measures ``theta_0`` (its rows have no intervention): when the best fit's excluded state
    expects fewer than :data:`_MIN_EXPECTED` rows without intervention, its count is noise (a state of CPD
    probability 1e-4 seen 0 times makes every target an intervention), and among the fits within the penalty
    ``tau`` of the best the one whose excluded state expects the most rows is kept.
    """
    q = mu.size
    first = step.prefix_counts(mu) if not exact or k > _EXCLUSION_CANDIDATES else None
    candidates = np.arange(k) if first is None else _exclusion_candidates(first, step.cells.pa_probs)
    allowed_e = np.ones((k, k + 1), dtype=bool)
    allowed_e[np.arange(k), 1 + np.arange(k)] = False
    if exact:
        fits = [step.solve_exact(mu, np.repeat(allowed_e[e][None, :], q, axis=0)) for e in candidates]
    else:
        fits = [
            step.fit(mu, np.repeat(allowed_e[e][None, :], q, axis=0), n_choice, prefix_counts=first)
            for e in candidates
        ]
        best = _best_fit(fits)
        # with zero CPD entries the short fits can rank two states wrongly (measured: insurance): finish both
        ranked = np.argsort([-f.loglik for f in fits], kind="stable")
        runner = int(ranked[1]) if (len(fits) > 1 and np.isfinite(fits[ranked[1]].loglik)
                                    and np.any(step.cells.pa_probs == 0)) else None
        informative = best
        if tau is not None:
            predicted = expected_counts(first, step.cells.pa_probs).sum(axis=0)[candidates]
            informative = _informative_exclusion(fits, best, predicted, tau)
        for i in [informative] + ([runner] if informative == best and runner is not None else []):
            fits[i] = step.fit(fits[i].mu, fits[i].allowed, outer, start=fits[i].theta,
                               p_start=(fits[i].p, fits[i].pa_probs))
        if informative != best:
            return int(candidates[informative]), fits[informative]
    best = _best_fit(fits)
    return int(candidates[best]), fits[best]


def _informative_exclusion(fits: list[LiftFit], best: int, predicted: np.ndarray, tau: float) -> int:
    """``best``, or when its excluded state expects fewer than :data:`_MIN_EXPECTED` rows without intervention,
    the fit within ``tau`` of its log-likelihood whose excluded state expects the most (see
    :func:`_choose_exclusion`)."""
    if predicted[best] >= _MIN_EXPECTED or not np.isfinite(fits[best].loglik):
        return best
    close = [i for i, f in enumerate(fits) if f.loglik >= fits[best].loglik - tau]
    return max(close, key=lambda i: (predicted[i], fits[i].loglik))


def _exclusion_candidates(first: LiftCounts, pa_probs: np.ndarray) -> np.ndarray:
    """The states tried as the excluded one: all of them, or for a variable with many states the
    :data:`_EXCLUSION_CANDIDATES` whose pooled count falls furthest below what the CPD predicts (the excluded state
    has no intervention, so its ratio of observed to predicted count is the smallest, as in the moment start)."""
    k = first.k
    if k <= _EXCLUSION_CANDIDATES:
        return np.arange(k)
    observed = np.bincount(first.v, weights=first.c, minlength=k)
    predicted = expected_counts(first, pa_probs).sum(axis=0)
    ratio = observed / np.maximum(predicted, 1e-300)
    return np.sort(np.argsort(ratio, kind="stable")[:_EXCLUSION_CANDIDATES])


def _best_fit(fits: list[LiftFit]) -> int:
    """The fit of largest log-likelihood; when every fit leaves some rows unexplained (likelihood zero), the one
    leaving the fewest, then the best on the rest."""
    logliks = np.array([f.loglik for f in fits])
    if np.isneginf(logliks).all():
        return min(range(len(fits)), key=lambda e: (fits[e].unexplained, -fits[e].explained_loglik, e))
    return int(np.argmax(logliks))


def _prune_children(
    step: LiftProblem, fit: LiftFit, prepared: PreparedInput, settings: LiftSettings, n_refine: int
) -> tuple[np.ndarray, LiftFit]:
    """Stage 2: the children that pass the likelihood-ratio test (or the tolerance), refitted without the rest."""
    exact, tau, tolerance = prepared.exact, prepared.tau, settings.tolerance
    keep = fit.allowed & (fit.theta > 0)
    if tau is None:
        keep &= fit.theta * fit.mu[:, None] > tolerance
    else:
        tau_g = local_penalty(prepared.sample_size, fit.mu)[:, None] if settings.penalty == "local" else tau
        keep &= step.likelihood_ratio(fit) >= tau_g
        # each test removes ONE child; a target whose children all fail keeps its best one (whether the
        # target itself stays is decided by the joint backward elimination)
        current = fit.allowed & (fit.theta > 0)
        orphan = current.any(axis=1) & ~keep.any(axis=1)
        if orphan.any():
            best = np.argmax(np.where(current, fit.theta, -1.0), axis=1)
            keep[np.flatnonzero(orphan), best[orphan]] = True
    if settings.epsilon > 0:
        keep &= fit.theta * fit.mu[:, None] >= settings.epsilon
    keep &= (fit.mu > (tolerance if exact else 0.0))[:, None]
    if (keep != (fit.allowed & (fit.theta > 0))).any():
        if exact:
            fit = step.solve_exact(fit.mu, keep)
        else:
            fit = step.fit(fit.mu, keep, n_refine, start=fit.theta, p_start=(fit.p, fit.pa_probs), loglik=False)
    return keep, fit


def _canonical(step: LiftProblem, fit: LiftFit) -> tuple[LiftFit, list]:
    """The fit moved to the canonical end of every lift the rows do not pin down, and those lifts
    (:func:`~pgmpy_mixture.discrete.likelihood.identify.canonical_lifts`); only where ``V_j``'s CPD has a zero."""
    pa_probs = step.cells.pa_probs if fit.pa_probs is None else fit.pa_probs
    if not (pa_probs <= 0).any():  # positivity: Lemma 4.1 pins every lift down
        return fit, []
    theta, notes = canonical_lifts(fit.theta, fit.mu, step.pair_b, step.pair_pa, pa_probs)
    return replace(fit, theta=theta), notes


def lift_variable(prepared: PreparedInput, state: LiftState, j: int, settings: LiftSettings) -> LiftState:
    """Lift the targets of ``state`` to variable ``j`` (exclusion choice, pruning, elimination, refinement).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.likelihood.inputs import prepare_inputs
    >>> from pgmpy_mixture.discrete.simulate import mixture_distribution
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> table = mixture_distribution(net, [{}, {"A": "y"}], [0.6, 0.4])   # exact input
    >>> prepared = prepare_inputs(net, table, penalty="local", epsilon=0.0, joint_cpds=False,
    ...                           observational=None, delta=None, prior=1.0)
    >>> state = lift_variable(prepared, start_state(prepared), 0, LiftSettings())
    >>> state.targets.tolist(), state.mu.round(9).tolist()
    ([[-1], [1]], [0.6, 0.4])
    """
    network = prepared.network
    exact, tau, tolerance = prepared.exact, prepared.tau, settings.tolerance
    k = int(network.cardinalities[j])
    step = _lift_problem(prepared, state, j, settings)
    # EM iterations: run to convergence on small tables, within a work budget on large ones
    budget = int(np.clip(_WORK_BUDGET / max(step.entries.row.size * settings.work_scale, 1), 4, 100))
    outer = budget if settings.lift_steps is None else settings.lift_steps
    n_choice = max(1, budget // 5) if settings.choice_steps is None else settings.choice_steps
    n_refine = max(2, budget // 2) if settings.refine_steps is None else settings.refine_steps

    state.excluded[j], fit = _choose_exclusion(step, state.mu, k, exact, n_choice, outer, tau)
    # without positivity some lifts are a segment of equally good fits (identify.py): test the children at the
    # segment's end with the most weight on the un-lifted target, and return there after the tests
    fit, _ = _canonical(step, fit)
    keep, fit = _prune_children(step, fit, prepared, settings, n_refine)
    fit, notes = _canonical(step, fit)
    if notes:
        keep[:, 0] |= fit.theta[:, 0] > 0  # following the CPD is always allowed, even where the test dropped it
        keep &= fit.theta > 0
        state.unidentified += [(state.targets[n.target].copy(), j, n.states) for n in notes]
    if exact and -fit.loglik > state.residual[0]:  # on exact input the lift fits every prefix row up to rounding
        state.residual = (-fit.loglik, j)

    g_idx, c_idx = np.nonzero(keep & (fit.theta > 0))
    new_targets = state.targets[g_idx].copy()
    new_mu = fit.mu[g_idx] * fit.theta[g_idx, c_idx]
    new_targets[c_idx > 0, j] = (c_idx - 1)[c_idx > 0]
    new_entries = step.children(g_idx, c_idx, fit.p)
    if state.cpds is not None:
        state.cpds[j].reshape(-1, k)[step.cells.pa_index] = fit.pa_probs

    # stage 3: joint backward elimination of whole targets
    alive = new_mu > (tolerance if exact else 0.0)
    if tau is not None:
        w_new = new_mu / new_mu.sum()
        penalty = local_penalty(prepared.sample_size, w_new) if settings.penalty == "local" else tau
        alive &= backward_elimination(new_entries, step.n, w_new, penalty, 0)
        if settings.min_rows > 0:
            alive &= _enough_rows(new_entries, step.n, w_new, settings.min_rows) | ~alive.any()
    keep_idx = np.flatnonzero(alive)
    state.targets, state.entries = new_targets[keep_idx], new_entries.take(keep_idx)
    state.mu = new_mu[keep_idx] / new_mu[keep_idx].sum()
    # stage 4: refinement of all weights on the prefix rows
    if tau is not None and n_refine > 0:
        state.mu = em_weights(state.entries, step.n, state.mu, n_refine)
    return state
