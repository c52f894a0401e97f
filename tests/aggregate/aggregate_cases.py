"""Instances shared by the tests of the aggregate (DIMM, AAAI 2020) solvers."""

from __future__ import annotations

from functools import cache

import numpy as np

import pgmpy_mixture
from pgmpy_mixture.aggregate.system import all_targets, flat_labels
from pgmpy_mixture.discrete.simulate import mixture_distribution
from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals


def random_weights(network, rng, n_ivn, phi=None):
    """Weights pi_{i,alpha} with one excluded state per node (Assumption 1); returns x (flat) and pi_phi."""
    cards = network.cardinalities
    node_of = np.repeat(np.arange(network.n_variables), cards)
    excluded = np.array([rng.integers(c) for c in cards])
    allowed = np.flatnonzero(np.arange(int(cards.sum())) - network._offsets[node_of] != excluded[node_of])
    x = np.zeros(int(cards.sum()))
    n_ivn = min(n_ivn, allowed.size)
    phi = rng.uniform(0.05, 0.6) if phi is None else phi
    if n_ivn:
        chosen = rng.choice(allowed, n_ivn, replace=False)
        v = rng.uniform(0.2, 1.0, n_ivn)
        x[chosen] = (1 - phi) * v / v.sum()
    else:
        phi = 1.0
    return x, phi


def exact_mixture_marginals(network, x, phi):
    """P_mix(X_j) by enumerating each component's joint distribution (independent of the DIMM code)."""
    targets = all_targets(network)
    weights = np.concatenate([[phi], x])
    keep = weights > 0
    table = mixture_distribution(network, targets[keep], weights[keep])
    return np.concatenate([table.marginal(v) for v in network.variables])


def as_dict(network, flat):
    out = {}
    for (var, state), p in zip(flat_labels(network), flat, strict=True):
        out.setdefault(var, {})[state] = float(p)
    return out


def small_net():
    return pgmpy_mixture.CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
        {"A": np.array([0.4, 0.6]), "B": np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])},
    )


#: the observational marginals of :func:`small_net`
GOOD = {"A": {"a0": 0.4, "a1": 0.6}, "B": {"b0": 0.44, "b1": 0.3, "b2": 0.26}}


@cache
def alarm():
    """The ALARM network and its oracle marginals (computed once per test session)."""
    net = load_example_network("alarm")
    return net, interventional_marginals(net)
