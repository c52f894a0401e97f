"""The likelihood method's found targets, each replaced by the canonical member of its distribution-equivalence class.

When positivity fails, a found target ``t`` may intervene on a variable at the state its CPD gives with probability
one on every parent setting ``do(t)`` reaches: ``t`` with and without that intervention are the same distribution
(:mod:`pgmpy_mixture.discrete.equivalence`), and which one the recursion returns is an accident of the order of its
lifts. The canonical member drops every such intervention (the fewest interventions of the class: no intervention the
data do not require). Two found targets of one class are one component: they are merged, their weights summed. Their
likelihoods are the same on every row, so the merged component keeps the first one's entries and the fit is
unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.discrete.equivalence import canonical_targets
from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods
from pgmpy_mixture.model.network import CausalNetwork

__all__ = ["CanonicalTargets", "canonicalise_targets"]


@dataclass(frozen=True)
class CanonicalTargets:
    """Outcome of :func:`canonicalise_targets`.

    Attributes
    ----------
    targets, mu, entries
        The canonical targets (distinct), their summed weights and their likelihoods.
    source : ndarray of int
        For every input target, the output target it became.
    changed : ndarray of bool
        Input targets whose encoding changed (interventions dropped).
    """

    targets: np.ndarray
    mu: np.ndarray
    entries: ComponentLikelihoods
    source: np.ndarray
    changed: np.ndarray


def canonicalise_targets(
    network: CausalNetwork, targets: np.ndarray, mu: np.ndarray, entries: ComponentLikelihoods
) -> CanonicalTargets:
    """Replace every target by its canonical member and merge the targets of one class (see the module).

    Parameters
    ----------
    network : CausalNetwork
        The network whose CPDs the likelihoods use.
    targets : ndarray of int, shape (q, N)
        Encoded targets (-1: not intervened).
    mu : ndarray, shape (q,)
        Their weights.
    entries : ComponentLikelihoods
        Their likelihoods, sorted by target.

    Returns
    -------
    CanonicalTargets

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})  # A = a0 forces B = b0
    >>> found = net.encode_targets([{"A": "a0", "B": "b0"}, {"A": "a0"}, {"B": "b1"}])
    >>> codes = np.array([[0, 0], [1, 1], [0, 1]])
    >>> log_lik = net.log_likelihood(found, codes)
    >>> grp, row = np.nonzero(np.isfinite(log_lik))
    >>> out = canonicalise_targets(net, found, np.array([.3, .2, .5]),
    ...                            ComponentLikelihoods(grp, row, log_lik[grp, row], 3, 3))
    >>> [net.decode_target(t) for t in out.targets], out.mu.tolist(), out.source.tolist(), out.changed.tolist()
    ([{'A': 'a0'}, {'B': 'b1'}], [0.5, 0.5], [0, 0, 1], [True, False, False])
    """
    targets = np.asarray(targets, dtype=np.int64)
    canon = canonical_targets(network, targets)
    changed = np.any(canon != targets, axis=1)
    _, first, label = np.unique(canon, axis=0, return_index=True, return_inverse=True)
    label = label.reshape(-1)
    keep = np.sort(first)  # one target per class, in the input order
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    source = rank[label]
    merged_mu = np.bincount(source, weights=np.asarray(mu, dtype=np.float64), minlength=keep.size)
    out_entries = entries if keep.size == targets.shape[0] else entries.take(keep)
    return CanonicalTargets(canon[keep], merged_mu, out_entries, source, changed)
