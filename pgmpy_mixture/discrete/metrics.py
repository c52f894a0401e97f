"""Accuracy of a recovered mixture against the truth (UAI 2021, Appendix F, as the authors evaluate it).

Targets match only *exactly*: same intervened variables with the same states; the empty (observational)
target is a target like any other and matches an empty estimate. Each true target matches at most one
estimate and vice versa. With the matching:

* ``recall``  = number of matched pairs / number of true targets;
* ``rmse``    = root mean square of the pooled list of ``pi - pi_hat`` over matched pairs, ``pi`` over
  unmatched true targets, and ``pi_hat`` over unmatched estimates;
* ``fp_rmse`` = root mean square of ``pi_hat`` over unmatched estimates (false positives), NaN if none;
* ``fn_rmse`` = root mean square of ``pi`` over unmatched true targets (false negatives), NaN if none.

Both sides may be a :class:`~pgmpy_mixture.result.MixtureResult`, a sequence of
:class:`~pgmpy_mixture.result.Component`, or a :class:`~pgmpy_mixture.discrete.simulate.MixtureSpec` (encoded
targets: a ``network`` is then needed to name the states; it is taken from the other side when that side
is a ``MixtureResult`` carrying one). A MixtureSpec is recognised by its ``components(network)`` method, so
this module does not depend on the simulator. The matching itself is :func:`pgmpy_mixture.targets.match_targets`.

**Up to distribution-equivalence** (``up_to_equivalence=True``, a ``network`` needed): when CPD entries are zero, two
targets can give the same interventional distribution, ``P(V | do(t)) = P(V | do(t'))``, and no data tell them apart
(:mod:`pgmpy_mixture.discrete.equivalence`). Every target on both sides is then replaced by the canonical member of
its class (the fewest interventions: those the CPDs would not have produced anyway on every parent setting the
target reaches), components of one side that fall in the same class are merged (weights summed), and the classes are
matched exactly as above. Recall is then counted over the distinct true classes, precision over the distinct
estimated ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from pgmpy_mixture.errors import DataTypeError, DataValueError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import Component, MixtureResult
from pgmpy_mixture.targets import match_targets

__all__ = ["Matching", "evaluate", "fn_rmse", "fp_rmse", "match_components", "recall", "rmse"]

#: type of a target's identity (:func:`pgmpy_mixture.targets.target_key`)
TargetKey = frozenset


@dataclass(frozen=True)
class Matching:
    """Exact matching between true and estimated components.

    Attributes
    ----------
    pairs : tuple of (int, int)
        ``(true index, estimated index)`` of every matched pair.
    unmatched_true : tuple of int
        Indices of true components no estimate matches (false negatives).
    unmatched_estimated : tuple of int
        Indices of estimates that match no true component (false positives).
    true_weights, estimated_weights : tuple of float
        Mixing weights of both sides, in the order the components were given.

    Examples
    --------
    >>> m = match_components([Component({}, 0.5), Component({"A": "x"}, 0.5)], [Component({}, 1.0)])
    >>> m.pairs, m.unmatched_true, m.unmatched_estimated
    (((0, 0),), (1,), ())
    """

    pairs: tuple[tuple[int, int], ...]
    unmatched_true: tuple[int, ...]
    unmatched_estimated: tuple[int, ...]
    true_weights: tuple[float, ...]
    estimated_weights: tuple[float, ...]

    def errors(self) -> np.ndarray:
        """The pooled list behind :func:`rmse`: matched differences, then unmatched true, then unmatched estimates."""
        pi, pi_hat = self.true_weights, self.estimated_weights
        diffs = [pi[i] - pi_hat[j] for i, j in self.pairs]
        diffs += [pi[i] for i in self.unmatched_true]
        diffs += [pi_hat[j] for j in self.unmatched_estimated]
        return np.asarray(diffs, dtype=np.float64)


def _network_of(obj: object) -> CausalNetwork | None:
    return obj.network if isinstance(obj, MixtureResult) else None


def _components(obj: object, network: CausalNetwork | None, side: str) -> list[tuple[Mapping[str, str], float]]:
    """Normalise one side to ``[(target, weight), ...]``."""
    if isinstance(obj, MixtureResult):
        comps: Iterable = obj.components
    elif callable(getattr(obj, "components", None)):  # a MixtureSpec: encoded targets, named by the network
        if network is None:
            raise DataValueError(
                f"the {side} mixture is a MixtureSpec of encoded targets: pass network= to name its states"
            )
        comps = obj.components(network)
    elif isinstance(obj, Iterable) and not isinstance(obj, (str, bytes, Mapping)):
        comps = list(obj)
    else:
        raise DataTypeError(
            f"the {side} mixture must be a MixtureResult, a MixtureSpec or a sequence of Component, "
            f"got {type(obj).__name__}"
        )
    out = []
    for pos, comp in enumerate(comps):
        if not isinstance(comp, Component):
            raise DataTypeError(f"{side} component {pos} is a {type(comp).__name__}, not a Component")
        if not math.isfinite(comp.weight) or comp.weight < 0:
            raise DataValueError(f"{side} component {pos} ({comp.label}) has weight {comp.weight}")
        out.append((comp.target, float(comp.weight)))
    return out


def _merge_equivalent(network: CausalNetwork, comps: list[tuple[Mapping[str, str], float]]
                      ) -> list[tuple[Mapping[str, str], float]]:
    """The components' classes under distribution-equivalence: canonical targets, summed weights."""
    from pgmpy_mixture.discrete.equivalence import equivalence_classes

    if not comps:
        return comps
    canonical, label = equivalence_classes(network, network.encode_targets([target for target, _ in comps]))
    weights = np.bincount(label, weights=[w for _, w in comps], minlength=canonical.shape[0])
    return [(network.decode_target(c), float(w)) for c, w in zip(canonical, weights, strict=True)]


def match_components(true, estimated, *, network: CausalNetwork | None = None,
                     up_to_equivalence: bool = False) -> Matching:
    """Match estimated components to true ones by exact target equality (empty target included).

    When a side holds the same target twice (possible only for plain lists), each true target takes the
    unmatched estimate with the closest weight.

    Parameters
    ----------
    true, estimated : MixtureResult, MixtureSpec or sequence of Component
    network : CausalNetwork, optional
        Needed when a side is a :class:`~pgmpy_mixture.discrete.simulate.MixtureSpec` and the other side carries
        no network, and for ``up_to_equivalence``.
    up_to_equivalence : bool
        Match distribution-equivalence classes instead of targets (see the module): the indices and weights of the
        returned matching are then those of the classes, each side's classes in order of first appearance.

    Returns
    -------
    Matching

    Examples
    --------
    >>> true = [Component({"A": "x"}, 0.6), Component({}, 0.4)]
    >>> est = [Component({}, 0.5), Component({"A": "y"}, 0.5)]
    >>> match_components(true, est).pairs
    ((1, 0),)
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
    ...     {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})  # A = x forces B = u
    >>> est = [Component({"A": "x", "B": "u"}, 0.6), Component({}, 0.4)]
    >>> match_components(true, est, network=net).pairs, match_components(true, est, network=net,
    ...                                                                  up_to_equivalence=True).pairs
    (((1, 1),), ((0, 0), (1, 1)))
    """
    network = network or _network_of(true) or _network_of(estimated)
    t = _components(true, network, "true")
    e = _components(estimated, network, "estimated")
    if up_to_equivalence:
        if network is None:
            raise DataValueError("matching up to distribution-equivalence needs the network: pass network=")
        t, e = _merge_equivalent(network, t), _merge_equivalent(network, e)
    m = match_targets([target for target, _ in t], [target for target, _ in e],
                      true_weights=[w for _, w in t], estimated_weights=[w for _, w in e])
    return Matching(
        pairs=m.pairs,
        unmatched_true=m.unmatched_true,
        unmatched_estimated=m.unmatched_estimated,
        true_weights=tuple(w for _, w in t),
        estimated_weights=tuple(w for _, w in e),
    )


def _rms(values) -> float:
    values = np.asarray(values, dtype=np.float64)
    return float(np.sqrt(np.mean(values**2))) if values.size else math.nan


def recall(true, estimated, *, network: CausalNetwork | None = None) -> float:
    """Fraction of the true targets recovered exactly (NaN when there are no true targets).

    Examples
    --------
    >>> recall([Component({}, 0.5), Component({"A": "x"}, 0.5)], [Component({}, 1.0)])
    0.5
    """
    m = match_components(true, estimated, network=network)
    return len(m.pairs) / len(m.true_weights) if m.true_weights else math.nan


def rmse(true, estimated, *, network: CausalNetwork | None = None) -> float:
    """Root mean square weight error pooled over matched pairs, unmatched true and unmatched estimates.

    Examples
    --------
    >>> round(rmse([Component({}, 0.5), Component({"A": "x"}, 0.5)], [Component({}, 1.0)]), 12)
    0.5
    """
    return _rms(match_components(true, estimated, network=network).errors())


def fp_rmse(true, estimated, *, network: CausalNetwork | None = None) -> float:
    """Root mean square weight of the estimates that match no true target (NaN if there are none).

    Examples
    --------
    >>> fp_rmse([Component({}, 1.0)], [Component({}, 0.7), Component({"A": "x"}, 0.3)])
    0.3
    """
    m = match_components(true, estimated, network=network)
    return _rms([m.estimated_weights[j] for j in m.unmatched_estimated])


def fn_rmse(true, estimated, *, network: CausalNetwork | None = None) -> float:
    """Root mean square weight of the true targets no estimate matches (NaN if there are none).

    Examples
    --------
    >>> fn_rmse([Component({}, 0.75), Component({"A": "x"}, 0.25)], [Component({}, 1.0)])
    0.25
    """
    m = match_components(true, estimated, network=network)
    return _rms([m.true_weights[i] for i in m.unmatched_true])


def evaluate(true, estimated, *, network: CausalNetwork | None = None,
             up_to_equivalence: bool = False) -> dict[str, float]:
    """All metrics at once (``up_to_equivalence``: over distribution-equivalence classes, see the module).

    Returns
    -------
    dict
        ``recall``, ``precision`` (matched / estimates), ``rmse``, ``fp_rmse``, ``fn_rmse``, ``n_true``,
        ``n_estimated``, ``n_matched``.

    Examples
    --------
    >>> scores = evaluate([Component({}, 0.5), Component({"A": "x"}, 0.5)],
    ...                   [Component({}, 0.6), Component({"A": "y"}, 0.4)])
    >>> scores["recall"], round(scores["rmse"] ** 2, 12), scores["fp_rmse"], scores["fn_rmse"]
    (0.5, 0.14, 0.4, 0.5)
    """
    m = match_components(true, estimated, network=network, up_to_equivalence=up_to_equivalence)
    n_true, n_est, n_match = len(m.true_weights), len(m.estimated_weights), len(m.pairs)
    return {
        "recall": n_match / n_true if n_true else math.nan,
        "precision": n_match / n_est if n_est else math.nan,
        "rmse": _rms(m.errors()),
        "fp_rmse": _rms([m.estimated_weights[j] for j in m.unmatched_estimated]),
        "fn_rmse": _rms([m.true_weights[i] for i in m.unmatched_true]),
        "n_true": float(n_true),
        "n_estimated": float(n_est),
        "n_matched": float(n_match),
    }
