"""Are the marginals exact or estimated, and from how many samples? The noise scale by maximum marginal likelihood.

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

Theorem 1's construction (:mod:`~pgmpy_mixture.aggregate.exact`) is right for exact marginals and wrong for
estimated ones: every node's noise becomes weights, which blow up on states of small probability. When the caller
does not say how many samples are behind the marginals (``sample_size``), the number is estimated here (our
design): the empirical-Bayes model of :mod:`~pgmpy_mixture.aggregate.bayes` gives the marginal likelihood of the
marginals for a noise scale ``1 / N`` (the residual's Pearson chi-square traded against the weights needed to
shrink it), and ``N`` is chosen to maximise it (type-II maximum likelihood, as for the noise variance of a
Bayesian regression). Exact marginals (from a sparse mixture) have a likelihood that keeps growing with ``N``: the
maximum sits at the top of the grid, :data:`EXACT_SAMPLE_SIZE`, and the marginals are called exact.

The marginals of a mixture that uses every identifiable weight (every node intervened on at all but one state)
have no redundancy: nothing in them tells noise from signal, and the estimate then reflects the prior's
preference for sparse mixtures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.system import MarginalSystem

__all__ = [
    "EVIDENCE_DROP",
    "EVIDENCE_MARGIN",
    "EXACT_SAMPLE_SIZE",
    "MOMENT_ITERATIONS",
    "MOMENT_TOLERANCE",
    "SEARCH_SWEEPS",
    "SMALLEST_SAMPLE_SIZE",
    "estimate_sample_size",
]

#: Sample sizes at or above this count as exact marginals (the top of the search grid).
EXACT_SAMPLE_SIZE = 1e12
#: The bottom of the search grid.
SMALLEST_SAMPLE_SIZE = 10.0
#: The downward search over decades stops once the log evidence is this far below its best value.
EVIDENCE_DROP = 30.0
#: Sweeps of the bayes model per sample size tried in the search (its log evidence moves by less than 0.5 after
#: four sweeps near the maximum on ALARM); the estimate at the chosen sample size uses the caller's ``n_sweeps``.
SEARCH_SWEEPS = 4
#: Largest number of moment iterations refining the sample size inside the chosen decade.
MOMENT_ITERATIONS = 5
#: The moment iterations stop once ``N`` changes by less than this (in log).
MOMENT_TOLERANCE = 0.05
#: Marginals are called estimated only when the best finite ``N`` beats the exact end of the grid by this much log
#: evidence (a Bayes factor of e^15). Exact marginals of a mixture that uses nearly every identifiable weight have
#: no redundancy, and the sparse prior then favours a finite ``N`` by up to about 14 on the bundled networks;
#: estimated marginals of sparser mixtures beat the exact end by 20 to 180 from ALARM's size up.
EVIDENCE_MARGIN = 15.0


def estimate_sample_size(system: MarginalSystem, **options: Any) -> tuple[float | None, dict[str, Any]]:
    """The number of samples behind the marginals, by maximum marginal likelihood; None when they look exact.

    The log evidence of :func:`~pgmpy_mixture.aggregate.bayes.solve_bayes` is evaluated at
    ``N = 10^12, 10^11, ...`` downwards (stopping once it is :data:`EVIDENCE_DROP` below the best, or at
    :data:`SMALLEST_SAMPLE_SIZE`). The marginals are called exact (None) unless the best ``N`` beats
    :data:`EXACT_SAMPLE_SIZE` by :data:`EVIDENCE_MARGIN`: exact marginals of a sparse mixture have a likelihood
    that keeps growing with ``N``, and those of a dense one give no strong reason to prefer noise. An estimated
    ``N`` is then refined inside its decade by the moment equation ``E[N X^2] = df`` of Pearson's chi-square.

    Parameters
    ----------
    system : MarginalSystem
    **options
        Settings of :func:`~pgmpy_mixture.aggregate.bayes.solve_bayes` (``n_sweeps``, ``rho``, ...).

    Returns
    -------
    sample_size : float or None
        The estimate; None for exact marginals.
    info : dict
        ``log_evidence`` (``{N: log evidence}`` of every ``N`` tried), ``best`` (the ``N`` of largest evidence),
        ``evidence_gap`` (its log evidence minus that of :data:`EXACT_SAMPLE_SIZE`), ``weights`` and ``bayes``
        (the :func:`~pgmpy_mixture.aggregate.bayes.solve_bayes` estimate and info at the returned ``N``, or at
        :data:`EXACT_SAMPLE_SIZE` for exact marginals).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import random_network
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> net = random_network(10, n_states=3, rng=0)
    >>> oracle = interventional_marginals(net)
    >>> exact = 0.8 * oracle.observational + 0.2 * oracle.interventional[oracle.position("V0", "s1")]
    >>> estimate_sample_size(MarginalSystem(oracle, exact))[0] is None
    True
    >>> rng = np.random.default_rng(0)   # the frequencies of 10^4 samples of each variable
    >>> noisy = np.concatenate([rng.multinomial(10_000, exact[3 * j : 3 * j + 3]) for j in range(10)]) / 10_000
    >>> n, info = estimate_sample_size(MarginalSystem(oracle, noisy))
    >>> 1_000 < n < 100_000, info["evidence_gap"] > EVIDENCE_MARGIN
    (True, True)
    """
    evidence: dict[float, float] = {}  # by log10 N
    search = {**options, "n_sweeps": min(int(options.get("n_sweeps", 8)), SEARCH_SWEEPS)}
    top = round(float(np.log10(EXACT_SAMPLE_SIZE)), 2)
    bottom = round(float(np.log10(SMALLEST_SAMPLE_SIZE)), 2)

    def evaluate(exponent: float) -> float:
        exponent = round(min(max(exponent, bottom), top), 2)
        if exponent not in evidence:
            evidence[exponent] = float(solve_bayes(system, sample_size=10.0**exponent, **search)[1]["log_evidence"])
        return evidence[exponent]

    best = top
    exponent = top
    while exponent >= bottom:
        value = evaluate(exponent)
        if value > evidence[best]:
            best = exponent
        elif value < evidence[best] - EVIDENCE_DROP and exponent < best - 1:
            break
        exponent = round(exponent - 1.0, 2)
    gap = evidence[best] - evidence[top]
    if gap <= EVIDENCE_MARGIN:
        x, info = solve_bayes(system, sample_size=10.0**top, **options)
        n_hat = None
    else:
        n_hat, x, info = _moment_refinement(system, 10.0**best, options)
    return n_hat, {
        "log_evidence": {float(10.0**e): v for e, v in sorted(evidence.items())},
        "best": float(10.0**best),
        "evidence_gap": float(gap),
        "weights": x,
        "bayes": info,
    }


def _moment_refinement(system: MarginalSystem, start: float, options: dict[str, Any]
                       ) -> tuple[float, np.ndarray, dict[str, Any]]:
    """Refine the sample size within the decade the evidence chose: ``N = df / X^2`` until it settles.

    ``X^2 = sum r^2 / p_mix`` is the Pearson misfit of the estimate per sample and ``df`` the free marginals
    (sum of ``K_j - 1``) minus the expected number of non-zero weights: under multinomial noise
    ``E[N X^2] = df``. Starting inside the evidence's decade, a few iterations land on the nearby fixed point
    (the grid alone can be off by a factor of 3); the result stays within a factor 10 of the start.
    """
    free = float(np.sum(system.network.cardinalities - 1))
    n = float(start)
    x, info = solve_bayes(system, sample_size=n, **options)
    for _ in range(MOMENT_ITERATIONS):
        residual = system.residual(x)
        misfit = float(np.sum(residual * residual / np.maximum(system.mixture, 0.5 / n)))
        df = max(free - float(np.sum(info["inclusion"])), 1.0)
        proposal = float(np.clip(df / max(misfit, 1e-300), start / 10.0, start * 10.0))
        if abs(np.log(proposal / n)) < MOMENT_TOLERANCE:
            break
        n = proposal
        x, info = solve_bayes(system, sample_size=n, **options)
    return n, x, info
