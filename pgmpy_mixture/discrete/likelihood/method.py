"""Likelihood-based DISENTANGLE: the paper's recursion with maximum-likelihood lifts over every row.

The UAI 2021 algorithm (Kumar & Sinha, Section 4, Algorithm 1) lifts the targets ``s_i`` found on the
prefix ``V_1..V_{j-1}`` to ``V_j`` by solving Equation 5 at ONE full setting ``v_{i,l}`` of the earlier
variables, so each equation rests on the few rows matching that setting. This method keeps the
recursion but estimates every lift from all rows. It runs in stages, one module each:

1. **Input preparation** (:mod:`~pgmpy_mixture.discrete.likelihood.inputs`): P(V) known or fitted to
   observational samples (plug-in, :func:`pgmpy_mixture.model.fitting.fit_network`), the mixture rows aligned to
   the network, exact input or samples, the pruning penalty.
2. **The per-variable lift** over the topological order (:mod:`~pgmpy_mixture.discrete.likelihood.lifts`):
   soft assignment of the rows to the prefix targets (Lemma 4.2), per-target lift by maximum likelihood over the
   cells of the CPD (the pooled population version of Equation 5, Lemma 4.3;
   :mod:`~pgmpy_mixture.discrete.likelihood.problem`, :mod:`~pgmpy_mixture.discrete.likelihood.cells`), the
   excluded state chosen by fit (Assumption 3.1), likelihood-ratio pruning, joint backward elimination and a
   refinement of the weights.
3. **The final polish, existence test and Wald intervals** (:mod:`~pgmpy_mixture.discrete.likelihood.polish`): the
   joint MLE of the found targets' weights on the full rows (:mod:`~pgmpy_mixture.discrete.mixing_weights`), a
   greedy likelihood-ratio test that sets aside (into ``result.uncertain``) the targets the data do not need, and
   the observed-information covariance of the kept weights summing to one.
4. **Result assembly** (here): components with standard errors and existence scores, warnings (positivity and
   the rows impossible under the observational CPDs, components positivity's failure leaves unidentified, rows no
   component explains, small samples; :mod:`~pgmpy_mixture.discrete.likelihood.report`) and diagnostics.

Before the polish, when positivity fails, every found target is reduced to the fewest interventions of its
distribution-equivalence class and targets of one class are merged
(:mod:`~pgmpy_mixture.discrete.likelihood.canonical`): such targets are the same distribution, and no data can tell
them apart. The result names, per component, the assignments the data cannot determine.

Without positivity (Assumption 3.2) the method still works: every likelihood is stored relative to the product of
the row's positive CPD factors (:class:`~pgmpy_mixture.discrete.likelihood.problem.LiftProblem`), so a row that is
impossible under the observational CPDs is weighed like any other and tells which interventions must exist; lifts
the rows do not pin down are reported (:mod:`~pgmpy_mixture.discrete.likelihood.identify`). On a positive network
the reference is the observational likelihood itself and nothing changes.

``joint_cpds=True`` re-fits each CPD jointly with its lift by EM over observational and mixture rows.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from scipy.special import gammaln

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.discrete.likelihood.canonical import canonicalise_targets
from pgmpy_mixture.discrete.likelihood.inputs import PreparedInput, local_penalty, prepare_inputs
from pgmpy_mixture.discrete.likelihood.lifts import LiftSettings, LiftState, lift_variable, start_state
from pgmpy_mixture.discrete.likelihood.polish import PolishedWeights, polish_weights
from pgmpy_mixture.discrete.likelihood.repair import log_cpd_factors, prune_interventions, repair_targets
from pgmpy_mixture.discrete.likelihood.report import (
    EXACT_RESIDUAL,
    equivalence_notes,
    positivity_message,
    residual_message,
    unexplained_message,
    unidentified_notes,
)
from pgmpy_mixture.discrete.likelihood.search import carry_to_rows, search_input
from pgmpy_mixture.discrete.mixing_weights import constrained_covariance
from pgmpy_mixture.errors import EstimationWarning, ExclusionWarning, PositivityWarning, warn_at_caller
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.parallel import with_single_blas_thread
from pgmpy_mixture.result import Component, MixtureResult, format_target
from pgmpy_mixture.validation.parameters import existence_threshold

__all__ = ["SEARCH_ROWS", "constrained_covariance", "disentangle_likelihood", "local_penalty"]

#: the default ``search_rows``: larger tables are searched on a subsample of about this many distinct rows
SEARCH_ROWS = 2**16

#: on the search subsample, a target expecting fewer rows than this is eliminated (unless it alone explains a row)
SEARCH_MIN_ROWS = 3.0


@with_single_blas_thread  # the products here are vectors and small matrices (pgmpy_mixture.parallel)
def disentangle_likelihood(
    network: CausalNetwork,
    counts: CountTable,
    *,
    penalty: str | float = "local",
    epsilon: float = 0.0,
    tolerance: float = 1e-10,
    lift_steps: int | None = None,
    choice_steps: int | None = None,
    refine_steps: int | None = None,
    polish_steps: int = 30,
    newton_steps: int = 20,
    repair: bool = True,
    existence_penalty: str | float | None = "ebic",
    joint_cpds: bool = False,
    observational: CountTable | None = None,
    delta: float | None = None,
    prior: float = 1.0,
    search_rows: int | None = SEARCH_ROWS,
    random_state: int | np.random.Generator | None = 0,
    progress: bool = False,
) -> MixtureResult:
    """Disentangle a mixture of interventions by maximum-likelihood lifts over all rows (``method="likelihood"``).

    Parameters
    ----------
    network : CausalNetwork
        The known (or fitted, plug-in) P(V) and graph.
    counts : CountTable
        Mixture samples (counts) or an exact probability table (``is_distribution``).
    penalty : {"local", "bic", "aic"} or float
        A child target is kept when the log-likelihood drop from removing it exceeds this value
        (``"local"``, the default: ``max(1, log(n w)/2)`` with ``w`` the weight of the target being lifted,
        i.e. BIC counted on the about ``n w`` rows that target explains; ``"bic"``: ``log(n)/2``;
        ``"aic"``: 1). Ignored on exact input.
    epsilon : float
        Additionally drop targets whose weight is below ``epsilon`` (0 = rely on the likelihood test).
    tolerance : float
        On exact input, weights ``<= tolerance`` are zero.
    lift_steps : int, optional
        Maximum EM iterations of each lift (sampled input). Default: between 4 and 100, fewer on larger
        tables (a fixed work budget per variable; on the ``search_rows`` subsample, the iterations the full table
        would get); iterations stop when the log-likelihood gains < 1e-4.
    choice_steps : int, optional
        EM iterations of the lift for every candidate excluded state before the best one is chosen
        (default: a fifth of the lift's).
    refine_steps : int, optional
        Joint EM iterations over all weights on the prefix after each variable and after each pruned target.
    polish_steps : int
        Maximum joint EM iterations over all weights on the full rows at the end.
    newton_steps : int
        Maximum Newton iterations after that EM (the final weights are the joint MLE for the found targets).
    repair : bool
        After the recursion, add to each found target the intervened variables its rows ask for
        (:func:`~pgmpy_mixture.discrete.likelihood.repair.repair_targets`: a variable the recursion left free, one at
        a time, when the log-likelihood gain at fixed weights beats the extended-BIC price of the larger target);
        Then remove from each target the interventions whose removal costs less than one log-likelihood unit at
        fixed weights (:func:`~pgmpy_mixture.discrete.likelihood.repair.prune_interventions`: a CPD that gives the
        state with probability close to one leaves the data unable to tell the target with and without it apart).
        ``diagnostics["repairs"]`` lists the moves. Ignored on exact input.
    existence_penalty : {"bic", "ebic"} or float or None
        After the polish, each found target is tested: ``D``, the log-likelihood drop from removing it and refitting
        the other weights, must reach this threshold (``"bic"``: ``log(n)/2`` for ``n`` rows, the BIC penalty of one
        weight; ``"ebic"``, the default: that plus the log of the number of targets of the same size,
        ``log C(N, s) + sum log(k_i - 1)`` over its ``s`` intervened variables, an extended BIC for a target chosen
        among many (measured in benchmarks/RESULTS.md: fewer spurious targets than ``"bic"`` at the same recall);
        a float: that many log-likelihood units; ``None``: no test). Targets below it are set aside one at a time
        (a run of targets surely below it, bounded at every step, goes together), the weights refitted and the rest
        tested again after each, until every remaining target passes (the heaviest always stays). Set-aside
        targets go to ``result.uncertain`` with their weights in the full fit, a warning says how many and their
        total weight, and the listed weights are the joint MLE of the kept targets.
        :meth:`MixtureResult.including_uncertain` gives the full fit (every found target at its weight before the
        test; ``diagnostics["full_fit"]`` holds the listed targets' part of it). Ignored on exact input.
    observational : CountTable, optional
        Observational samples: P(V) is then estimated by plug-in, i.e. the CPDs of the network's graph are
        fitted to these samples by :func:`~pgmpy_mixture.model.fitting.fit_network` (smoothed by ``delta``) and
        treated as known; the intervals do not include the CPD estimation error.
    delta : float, optional
        With ``observational``: fit the CPDs as the paper does (maximum likelihood, ``delta`` added to every
        entry, :func:`~pgmpy_mixture.model.fitting.fit_network`).
    prior : float
        With ``observational`` and no ``delta`` (the default): CPD rows are the posterior mean under a
        Dirichlet(``prior``) prior, ``(n(pa, v) + prior) / (n(pa) + k prior)``; unlike ``delta = 1/M`` this
        keeps sparsely observed parent settings (many parents) from producing near-zero probabilities that
        the likelihood would explain with spurious interventions.
    joint_cpds : bool
        With ``observational``: ``False`` (default) plugs in CPDs fitted to the observational rows only;
        ``True`` re-estimates each variable's CPD inside its lift by EM, from the observational rows plus
        the mixture rows of components that do not intervene on it (measured: no better than plug-in on
        the paper's protocol, see benchmarks/RESULTS.md).
    search_rows : int, optional
        When the table holds more distinct rows than this, the recursion searches for the targets on a random
        subsample (each row kept with one probability) keeping about this many distinct rows
        (:mod:`~pgmpy_mixture.discrete.likelihood.search`; there a target expecting fewer than
        ``SEARCH_MIN_ROWS = 3`` rows of the subsample is eliminated, unless it alone explains a row, so targets
        of weight below about ``3 / subsample size`` are not searched for); the repair, the existence test, the
        weights and their intervals always use every row. ``None``: the recursion uses every row. Default
        ``2**16`` (measured in benchmarks/RESULTS.md: the same targets at 10^6 rows in a fraction of the time).
        Ignored on exact input and with ``joint_cpds``.
    random_state : int, numpy Generator or None
        Seeds that subsample (default 0: the same data give the same result).
    progress : bool
        Show a tqdm progress bar over the variables.

    Returns
    -------
    MixtureResult
        ``method="likelihood"``; components carry ``stderr`` (observed information) and ``existence``
        scores (the one-sided Wald score ``Phi(w / se)``), so :meth:`MixtureResult.confidence_intervals` works;
        ``uncertain`` holds the set-aside targets; ``diagnostics["existence_lr"]`` gives each listed target's ``D``
        (or a lower bound of it when the bounds already cleared the threshold; ``inf`` for the heaviest, which is
        not tested), ``diagnostics["existence_p"]`` its chi-bar-square p-value ``P(chi2_1 > 2D) / 2`` and
        ``diagnostics["uncertain_lr"]`` the ``D`` of each set-aside target when it went, and
        ``diagnostics["existence_thresholds"]`` the threshold of every tested target. When positivity fails, the
        listed targets are the canonical members of their distribution-equivalence classes (the fewest
        interventions); ``diagnostics["equivalent"]`` gives, per component, the assignments ``{variable: state}``
        it may add without changing its distribution, and ``diagnostics["canonicalised"]`` the recursion's targets
        that were reduced or merged.

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import mixture_distribution
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]},
    ...     {"B": ["A"]}, {"A": np.array([.2, .3, .5]), "B": np.array([[.5, .3, .2], [.1, .6, .3], [.3, .3, .4]])})
    >>> table = mixture_distribution(net, [{}, {"A": "a1"}, {"A": "a1", "B": "b2"}], [.5, .3, .2])
    >>> result = disentangle_likelihood(net, table)
    >>> [(c.label, round(c.weight, 9)) for c in result]
    [('observational', 0.5), ('do(A=a1)', 0.3), ('do(A=a1, B=b2)', 0.2)]
    """
    started = time.perf_counter()
    existence_threshold(existence_penalty, None)  # checked before any work
    prepared = prepare_inputs(
        network, counts, penalty=penalty, epsilon=epsilon, joint_cpds=joint_cpds, observational=observational,
        delta=delta, prior=prior,
    )
    settings = LiftSettings(
        penalty=penalty, epsilon=epsilon, tolerance=tolerance, lift_steps=lift_steps, choice_steps=choice_steps,
        refine_steps=refine_steps, delta=delta, prior=prior,
    )
    network = prepared.network
    searched = search_input(prepared, penalty, search_rows, random_state)
    recursion = prepared if searched is None else searched
    if searched is not None:  # the subsample's lifts get the iterations the full table's would
        settings = replace(settings, work_scale=float(prepared.sample_size) / max(float(searched.sample_size), 1.0),
                           min_rows=SEARCH_MIN_ROWS)
    state = start_state(recursion)
    iterator = range(network.n_variables)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="likelihood lifts", unit="var")
    factors = None  # the full rows' codes and CPD factors, computed once for the carry and the repair
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the full rows' factors do not depend on the subsample's lifts: computed beside them (numpy's passes
        # over the rows release the GIL, so the two share the machine's cores)
        pending = None if searched is None else pool.submit(
            _row_factors, network, prepared.codes, np.arange(prepared.codes.shape[0]))
        for j in iterator:
            state = lift_variable(recursion, state, j, settings)
        if pending is not None:
            factors = pending.result()
    if factors is not None:
        state = carry_to_rows(state, *factors, prepared.n_rows)
    # prefix_id now indexes the distinct full rows
    n_rows = np.bincount(state.prefix_id, weights=prepared.n_rows, minlength=state.entries.n_rows)
    explained = np.bincount(state.entries.row, minlength=n_rows.size) > 0
    unexplained = float(n_rows[~explained].sum() / n_rows.sum())
    repairs: list[str] = []
    if repair and not prepared.exact and state.targets.shape[0] > 1:
        if factors is None:
            factors = _row_factors(_likelihood_network(prepared, state), prepared.codes, state.prefix_id)
        state, repairs = _repair(prepared, state, n_rows if unexplained == 0 else np.where(explained, n_rows, 0.0),
                                 polish_steps, newton_steps, *factors)
    canonicalised: list[str] = []
    if prepared.positivity_violations and state.targets.shape[0] > 1:
        state, canonicalised = _canonicalise(prepared, state)
    threshold = None if prepared.exact else existence_threshold(existence_penalty, float(n_rows.sum()))
    if threshold is not None and existence_penalty == "ebic":
        threshold = threshold + _target_choices(network, state.targets)
    polish_started = time.perf_counter()
    polished = polish_weights(
        state.entries, n_rows if unexplained == 0 else np.where(explained, n_rows, 0.0), state.mu,
        exact=prepared.exact, epsilon=epsilon, polish_steps=polish_steps, newton_steps=newton_steps,
        threshold=threshold,
    )
    polish_seconds = time.perf_counter() - polish_started
    options = {
        "penalty": penalty,
        "penalty_value": prepared.tau,
        "epsilon": epsilon,
        "tolerance": tolerance,
        "lift_steps": lift_steps,
        "choice_steps": choice_steps,
        "refine_steps": refine_steps,
        "polish_steps": polish_steps,
        "newton_steps": newton_steps,
        "repair": repair,
        "existence_penalty": existence_penalty,
        "existence_threshold": threshold if np.ndim(threshold) == 0 else "per target",
        "interval": "wald (observed information at the MLE, CPDs treated as known)",
        "cpds": prepared.cpd_source,
        "delta": delta,
        "search_rows": search_rows,
        "random_state": random_state,
    }
    result = _assemble_result(prepared, state, n_rows, unexplained, polished, options, started, polish_seconds,
                              repairs, canonicalised)
    search = None if searched is None else {"distinct_rows": int(searched.codes.shape[0]),
                                            "sample_size": float(searched.sample_size)}
    return replace(result, diagnostics={**result.diagnostics, "search": search})


def _likelihood_network(prepared: PreparedInput, state: LiftState) -> CausalNetwork:
    """The network whose CPDs the stored likelihoods use (the jointly re-fitted ones with ``joint_cpds``)."""
    network = prepared.network
    if state.cpds is not None:
        network = CausalNetwork(network.variables, network.states, network.parents, tuple(state.cpds))
    return network


def _canonicalise(prepared: PreparedInput, state: LiftState) -> tuple[LiftState, list[str]]:
    """The found targets reduced to the fewest interventions of their distribution-equivalence class and merged
    (:func:`~pgmpy_mixture.discrete.likelihood.canonical.canonicalise_targets`), and the changes made."""
    network = _likelihood_network(prepared, state)
    out = canonicalise_targets(network, state.targets, state.mu, state.entries)
    merged = np.bincount(out.source, minlength=out.targets.shape[0]) > 1
    touched = out.changed | merged[out.source]
    if not touched.any():
        return state, []
    changes = [f"{format_target(network.decode_target(state.targets[c]))} -> "
               f"{format_target(network.decode_target(out.targets[out.source[c]]))}"
               + (" (merged)" if merged[out.source[c]] else "") for c in np.flatnonzero(touched)]
    return replace(state, targets=out.targets, mu=out.mu, entries=out.entries), changes


def _row_factors(network: CausalNetwork, codes: np.ndarray, position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows ``codes`` placed at ``position`` (column-major and small: the repair reads one variable's
    column at a time) and their :func:`log_cpd_factors`."""
    small = np.min_scalar_type(max(int(max(network.cardinalities, default=1)) - 1, 0))
    placed = np.empty((int(position.max(initial=-1)) + 1, network.n_variables), dtype=small, order="F")
    placed[position] = codes
    return placed, log_cpd_factors(network, placed)


def _repair(prepared: PreparedInput, state: LiftState, n_rows: np.ndarray, em_steps: int, newton_steps: int,
            codes: np.ndarray, log_factor: np.ndarray) -> tuple[LiftState, list[str]]:
    """The recursion's targets after :func:`repair_targets` and :func:`prune_interventions`, and the moves made
    (``do(...) + V=s (gain g)`` for an added intervention, ``do(...) - V=s (cost c)`` for a removed one).

    ``codes`` are the distinct full rows in the order of the state's entries and ``log_factor`` their CPD factors
    (:func:`_row_factors`), shared by both moves."""
    network = _likelihood_network(prepared, state)
    out = repair_targets(network, codes, state.entries, n_rows, state.targets, state.mu, state.excluded,
                         em_steps=em_steps, newton_steps=newton_steps, log_factor=log_factor)
    moves = [f"{format_target(network.decode_target(state.targets[c]))} + {network.variables[j]}="
             f"{network.states[j][s]} (gain {gain:.3g})" for c, j, s, gain in out.moves]
    pruned = prune_interventions(network, codes, out.entries, n_rows, out.targets, out.mu, em_steps=em_steps,
                                 newton_steps=newton_steps, log_factor=log_factor)
    moves += [f"{format_target(network.decode_target(out.targets[c]))} - {network.variables[j]}="
              f"{network.states[j][s]} (cost {cost:.3g})" for c, j, s, cost in pruned.moves]
    if not moves:
        return state, []
    return replace(state, targets=pruned.targets, entries=pruned.entries, mu=pruned.mu), moves


def _target_choices(network: CausalNetwork, targets: np.ndarray) -> np.ndarray:
    """``log C(N, s) + sum_i log(k_i - 1)`` for each encoded target (``s`` intervened variables of ``k_i`` states).

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1"]}, {},
    ...     {"A": np.array([.2, .3, .5]), "B": np.array([.5, .5])})
    >>> _target_choices(net, np.array([[-1, -1], [2, -1], [1, 0]])).round(4).tolist()
    [0.0, 1.3863, 0.6931]
    """
    intervened = targets >= 0
    sizes = intervened.sum(axis=1)
    n = network.n_variables
    states = np.array([len(s) for s in network.states], dtype=float)
    per_state = intervened @ np.log(np.maximum(states - 1.0, 1.0))
    return gammaln(n + 1) - gammaln(sizes + 1) - gammaln(n - sizes + 1) + per_state


def _assemble_result(
    prepared: PreparedInput,
    state: LiftState,
    n_rows: np.ndarray,
    unexplained: float,
    polished: PolishedWeights,
    options: dict,
    started: float,
    polish_seconds: float = 0.0,
    repairs: list[str] | None = None,
    canonicalised: list[str] | None = None,
) -> MixtureResult:
    """Components, warnings and diagnostics of the likelihood method."""
    network = prepared.network
    targets = state.targets[polished.keep]
    warnings = list(prepared.warnings)
    impossible = float(n_rows[state.impossible].sum() / n_rows.sum()) if prepared.positivity_violations else 0.0
    if prepared.positivity_violations:
        message = positivity_message(prepared.positivity_violations, impossible)
        warnings.append(message)
        warn_at_caller(message, PositivityWarning)
    equivalent: list[dict] = []
    equivalence_message = None
    if prepared.positivity_violations:
        equivalence_message, equivalent = equivalence_notes(_likelihood_network(prepared, state), targets,
                                                            canonicalised or ())
    notes, records = unidentified_notes(network, targets, state.unidentified)
    # a lift note of one state is an exact equivalence, already named by the equivalence records
    covered = {(r["component"], v) for r in equivalent for v in r["undetermined"]}
    shown = [len(r["states"]) > 1 or (r["component"], r["variable"]) not in covered for r in records]
    notes = [m for m, keep in zip(notes, shown, strict=True) if keep]
    if notes:
        message = ("not identifiable without positivity (the smaller target is reported): " + "; ".join(notes[:5])
                   + (f"; and {len(notes) - 5} more (diagnostics['unidentified'])" if len(notes) > 5 else ""))
        warnings.append(message)
        warn_at_caller(message, PositivityWarning)
    if equivalence_message is not None:
        warnings.append(equivalence_message)
        warn_at_caller(equivalence_message, PositivityWarning)
    if prepared.exact and state.residual[0] > EXACT_RESIDUAL:
        message = residual_message(network.variables[state.residual[1]], state.residual[0],
                                   bool(prepared.positivity_violations))
        warnings.append(message)
        warn_at_caller(message, ExclusionWarning)
    if unexplained > 0:
        message = unexplained_message(unexplained)
        warnings.append(message)
        warn_at_caller(message, ExclusionWarning)
    comps = [
        Component(network.decode_target(t), float(w), stderr=float(s), existence=float(x))
        for t, w, s, x in zip(targets, polished.mu, polished.stderr, polished.existence, strict=True)
    ]
    uncertain = []
    if polished.aside is not None and polished.aside.size:
        uncertain = [
            Component(network.decode_target(t), float(w), stderr=float(s), existence=float(x))
            for t, w, s, x in zip(state.targets[polished.aside], polished.aside_mu, polished.aside_stderr,
                                  polished.aside_existence, strict=True)
        ]
        message = (f"{len(uncertain)} weak component(s) set aside (total weight {sum(c.weight for c in uncertain):.4g} "
                   f"in the full fit): removing each costs less than its threshold "
                   f"({_threshold_text(polished.test.threshold)} in log-likelihood, existence_penalty); they are in "
                   "result.uncertain")
        warnings.append(message)
        warn_at_caller(message, EstimationWarning)
    n_vars = network.n_variables
    diagnostics = {
        "excluded_states": {
            network.variables[i]: network.states[i][int(state.excluded[i])] for i in range(n_vars)
        },
        "seconds": time.perf_counter() - started,
        "polish_seconds": polish_seconds,  # the final polish and the existence test
        "distinct_rows": int(prepared.codes.shape[0]),
        "covariance": polished.covariance,
        "covariance_targets": [format_target(network.decode_target(t)) for t in targets],
        "impossible_rows_share": impossible,
        "unexplained_rows_share": unexplained,
        "unidentified": records,
        "repairs": list(repairs or []),
        "equivalent": equivalent,
        "canonicalised": list(canonicalised or []),
    }
    if polished.test is not None:
        labels = [format_target(network.decode_target(t)) for t in targets]
        diagnostics["existence_lr"] = dict(zip(labels, polished.test.statistic.tolist(), strict=True))
        diagnostics["existence_p"] = dict(zip(labels, polished.test.p_value.tolist(), strict=True))
        limits = polished.test.threshold
        diagnostics["existence_thresholds"] = {
            **dict(zip(labels, limits[polished.test.keep].tolist(), strict=True)),
            **{format_target(network.decode_target(t)): float(v)
               for t, v in zip(state.targets[polished.aside], limits[polished.test.aside], strict=True)},
        }
        diagnostics["uncertain_lr"] = {
            format_target(network.decode_target(t)): float(d)
            for t, d in zip(state.targets[polished.aside], polished.test.aside_statistic, strict=True)
        }
        if polished.full_mu is not None:  # the listed targets in the fit that still held the set-aside ones
            diagnostics["full_fit"] = {
                label: {"weight": float(w), "stderr": float(se), "existence": float(x)}
                for label, w, se, x in zip(labels, polished.full_mu, polished.full_stderr, polished.full_existence,
                                           strict=True)
            }
    if prepared.sample_size is not None and prepared.sample_size < 10 * n_vars:
        warnings.append("fewer than 10 samples per variable: targets may be missed")
    if state.cpds is not None:
        network = CausalNetwork(network.variables, network.states, network.parents, tuple(state.cpds))
    return MixtureResult(
        components=comps,
        method="likelihood",
        network=network,
        sample_size=prepared.sample_size,
        options=options,
        warnings=tuple(warnings),
        diagnostics=diagnostics,
        uncertain=uncertain,
    )


def _threshold_text(threshold: np.ndarray) -> str:
    """``4.61`` for one threshold, ``4.61 to 12.3`` for several."""
    low, high = float(np.min(threshold)), float(np.max(threshold))
    return f"{low:.3g}" if np.isclose(low, high) else f"{low:.3g} to {high:.3g}"
