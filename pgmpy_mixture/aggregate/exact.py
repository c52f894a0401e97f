"""Theorem 1 of DIMM (AAAI 2020): exact marginals give the exact weights, by sequential linear systems.

Sinha, Chauhan, Maiti, Poddar, Goel: "Dis-entangling Mixture of Interventions on a Causal Bayesian
Network Using Aggregate Observations", AAAI 2020.

The constructive proof of Theorem 1: node by node in topological order, the solutions of the
``K x K`` system (5) form the line ``L`` of equation (6), ``x = r + s a``; Lemma 1 builds its
intersections ``p_k`` with the hyperplanes ``x_k = 0`` and Lemma 2 says exactly one is
non-negative. Exact marginals in, exact weights out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pgmpy_mixture.aggregate.system import MarginalSystem

__all__ = ["solve_exact"]


def solve_exact(system: MarginalSystem, *, tol: float = 1e-9) -> tuple[np.ndarray, dict[str, Any]]:
    """Theorem 1's constructive proof: the unique exclusion-satisfying solution, node by node.

    For node ``j`` (topological order) with ``a = p(j, .)`` and ``r`` the right-hand side of
    equation (4) (the ancestors' weights already known), the solutions of ``(I - a 1^T) x = r`` are
    the line ``x = r + s a`` (equation 6, ``s = sum x``). Lemma 1: its intersection with ``x_k = 0`` is
    ``p_k = r - (r_k / a_k) a``. Lemma 2: exactly one ``p_k`` is non-negative; it is the one with the
    largest ``s_k = -r_k / a_k``, which is how it is found here.

    Parameters
    ----------
    system : MarginalSystem
    tol : float
        Entries above ``-tol`` count as non-negative (and are clipped to 0).

    Returns
    -------
    x : ndarray, shape (S,)
        ``pi_{i,alpha}``; ``pi_phi = 1 - x.sum()`` (may be negative when no mixture explains the input).
    info : dict
        ``zero_probability_states`` (states with ``p(j, beta) = 0``, where identifiability fails).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.model.network import CausalNetwork
    >>> from pgmpy_mixture.model.marginals import interventional_marginals
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> pi = np.array([0.1, 0.3, 0.0])   # state z is never intervened on (Assumption 1)
    >>> p_mix = 0.6 * np.array([.2, .3, .5]) + pi
    >>> solve_exact(MarginalSystem(interventional_marginals(net), p_mix))[0].round(12).tolist()
    [0.1, 0.3, 0.0]
    """
    network = system.network
    x = np.zeros(system.A.shape[1])
    zero_states: list[tuple[str, str]] = []
    for j in range(network.n_variables):
        blk = system.block(j)
        a = system.oracle.observational[blk]
        start = int(system.offsets[j])
        r = system.b[blk] - system.A[blk, :start] @ x[:start]  # equation (4): the ancestors are known
        positive = a > tol
        if not positive.all():
            zero_states += [(network.variables[j], network.states[j][k]) for k in np.flatnonzero(~positive)]
        # Lemma 1: p_k = r - (r_k / a_k) a lies on L and on H_k.  Lemma 2: the non-negative one has the
        # largest s_k = -r_k / a_k (every other p_m has m-th entry a_m (s_k - s_m) >= 0 only if s_k >= s_m).
        s = np.max(-r[positive] / a[positive]) if positive.any() else 0.0
        xj = r + s * a
        xj[xj < tol] = np.where(xj[xj < tol] < -tol, xj[xj < tol], 0.0)
        x[blk] = xj
    return x, {"zero_probability_states": zero_states}

