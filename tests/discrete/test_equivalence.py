"""Distribution-equivalent targets (pgmpy_mixture.discrete.equivalence), checked against the enumerated joint."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.discrete.equivalence import (
    canonical_targets,
    determined_states,
    equivalence_classes,
    equivalent_targets,
    support_walk,
)
from pgmpy_mixture.errors import DataValueError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork


def _network(seed: int) -> CausalNetwork:
    """A random DAG of 3 to 5 variables with 2 or 3 states and many zero (often deterministic) CPD entries."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 6))
    cards = rng.integers(2, 4, size=n)
    names = [f"V{i}" for i in range(n)]
    parents, cpds = {}, {}
    for i in range(n):
        pars = [p for p in range(i) if rng.random() < 0.6]
        shape = [int(cards[p]) for p in pars] + [int(cards[i])]
        table = rng.random(shape) + 0.05
        zero = rng.random(shape) < rng.choice([0.3, 0.6, 0.9])
        table[zero] = 0.0
        rows = table.reshape(-1, shape[-1])
        empty = rows.sum(axis=1) == 0
        rows[empty, rng.integers(0, shape[-1], size=int(empty.sum()))] = 1.0
        parents[names[i]] = [names[p] for p in pars]
        cpds[names[i]] = rows.reshape(shape) / rows.sum(axis=1).reshape(shape[:-1] + [1])
    states = {names[i]: [f"s{k}" for k in range(int(cards[i]))] for i in range(n)}
    return CausalNetwork.from_tables(names, states, parents, cpds)


def _all_targets(net: CausalNetwork) -> np.ndarray:
    choices = [range(-1, int(c)) for c in net.cardinalities]
    return np.array(list(itertools.product(*choices)), dtype=np.int64)


def _joint(net: CausalNetwork, targets: np.ndarray) -> np.ndarray:
    settings_ = np.array(list(itertools.product(*[range(int(c)) for c in net.cardinalities])), dtype=np.int64)
    return net.interventional_probability(targets, settings_), settings_


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1))
def test_canonical_classes_are_the_classes_of_the_enumerated_joint(seed):
    net = _network(seed)
    targets = _all_targets(net)
    targets = targets[np.random.default_rng(seed).permutation(len(targets))[:200]]
    joint, _ = _joint(net, targets)
    canon = canonical_targets(net, targets)
    same_joint = np.abs(joint[:, None, :] - joint[None, :, :]).max(axis=2) < 1e-12
    same_canon = (canon[:, None, :] == canon[None, :, :]).all(axis=2)
    np.testing.assert_array_equal(same_canon, same_joint)
    # the canonical target is in its own class, with no more interventions than any drawn member of it
    canon_joint, _ = _joint(net, canon)
    np.testing.assert_allclose(canon_joint, joint, atol=1e-12)
    sizes = (targets >= 0).sum(axis=1)
    smallest = np.array([sizes[same_joint[g]].min() for g in range(len(targets))])
    assert np.all((canon >= 0).sum(axis=1) <= smallest)


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1))
def test_supports_and_determined_states_match_the_enumerated_joint(seed):
    net = _network(seed)
    rng = np.random.default_rng(seed)
    targets = _all_targets(net)
    for target in targets[rng.choice(len(targets), size=min(8, len(targets)), replace=False)]:
        joint, codes = _joint(net, target[None])
        reachable = codes[joint[0] > 0]
        walk = support_walk(net, target)
        assert np.array_equal(support_walk(net, target, ancestral=True).natural, walk.natural)
        assert walk.exact
        for j in range(net.n_variables):
            expected = np.bincount(reachable[:, j], minlength=int(net.cardinalities[j])) > 0
            np.testing.assert_array_equal(walk.support[j], expected)
        determined = determined_states(net, target)
        for j in range(net.n_variables):
            if determined[j] >= 0:  # adding or removing V_j = state changes nothing
                other = target.copy()
                other[j] = -1 if target[j] >= 0 else determined[j]
                assert equivalent_targets(net, target, other)
                np.testing.assert_allclose(_joint(net, other[None])[0], joint, atol=1e-12)
            elif target[j] < 0:  # V_j varies under do(target): any intervention on it changes the distribution
                for s in range(int(net.cardinalities[j])):
                    other = target.copy()
                    other[j] = s
                    assert not equivalent_targets(net, target, other)


def test_joint_support_not_the_product_of_marginal_supports():
    """B copies A and C is forced only when A == B: the marginal supports alone would miss that C is determined."""
    cpd_c = np.zeros((2, 2, 2))
    cpd_c[0, 0] = [0.0, 1.0]
    cpd_c[1, 1] = [0.0, 1.0]
    cpd_c[0, 1] = cpd_c[1, 0] = [0.5, 0.5]
    net = CausalNetwork.from_tables(["A", "B", "C"], {v: ["0", "1"] for v in "ABC"}, {"B": ["A"], "C": ["A", "B"]},
                                    {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [0.0, 1.0]]), "C": cpd_c})
    assert equivalent_targets(net, net.encode_targets([{}])[0], net.encode_targets([{"C": "1"}])[0])
    b1, b1c1 = net.encode_targets([{"B": "1"}, {"B": "1", "C": "1"}])
    assert not equivalent_targets(net, b1, b1c1)
    assert determined_states(net, net.encode_targets([{}])[0]).tolist() == [-1, -1, 1]


def test_classes_and_truncated_walk():
    net = _network(7)
    targets = _all_targets(net)
    canonical, label = equivalence_classes(net, targets)
    np.testing.assert_array_equal(canonical[label], canonical_targets(net, targets))
    assert label[0] == 0 and len(np.unique(label)) == canonical.shape[0]
    # a walk cut short never merges targets that differ: it only keeps targets apart
    cut = canonical_targets(net, targets, max_rows=1)
    assert (cut >= 0).sum() >= (canonical_targets(net, targets) >= 0).sum()


def test_bad_input_is_named():
    net = _network(1)
    with pytest.raises(DataValueError, match="length"):
        support_walk(net, np.zeros(net.n_variables + 1, dtype=int))
    with pytest.raises(DataValueError, match="V0"):
        support_walk(net, np.array([9] + [-1] * (net.n_variables - 1)))
    with pytest.raises(ParameterError, match="max_rows"):
        support_walk(net, np.full(net.n_variables, -1), max_rows=0)
    with pytest.raises(DataValueError, match="CausalNetwork"):
        support_walk("net", np.full(3, -1))


def test_metrics_up_to_equivalence_merge_and_match_classes():
    from pgmpy_mixture.discrete.metrics import evaluate, match_components
    from pgmpy_mixture.result import Component

    # A = x forces B = u: do(A=x) and do(A=x, B=u) are one class; do(B=u) is another
    net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
                                    {"A": np.array([.5, .5]), "B": np.array([[1.0, 0.0], [.3, .7]])})
    true = [Component({"A": "x"}, 0.5), Component({"B": "u"}, 0.5)]
    est = [Component({"A": "x", "B": "u"}, 0.3), Component({"A": "x"}, 0.2), Component({"B": "v"}, 0.5)]
    exact = match_components(true, est, network=net)
    assert exact.pairs == ((0, 1),) and len(exact.unmatched_estimated) == 2
    m = match_components(true, est, network=net, up_to_equivalence=True)
    assert m.pairs == ((0, 0),) and m.unmatched_true == (1,) and m.unmatched_estimated == (1,)
    assert m.estimated_weights == pytest.approx((0.5, 0.5))
    scores = evaluate(true, est, network=net, up_to_equivalence=True)
    assert (scores["recall"], scores["precision"], scores["rmse"]) == (0.5, 0.5, pytest.approx(np.sqrt(0.5 / 3)))
    with pytest.raises(DataValueError, match="network"):
        match_components(true, est, up_to_equivalence=True)


def _forced_network() -> CausalNetwork:
    """A = a0 forces B = b0 (P(B = b0 | A = a0) = 1); C depends on B."""
    return CausalNetwork.from_tables(
        ["A", "B", "C"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"], "C": ["c0", "c1"]},
        {"B": ["A"], "C": ["B"]},
        {"A": np.array([.3, .3, .4]), "B": np.array([[1.0, 0.0, 0.0], [.2, .5, .3], [.3, .3, .4]]),
         "C": np.array([[.8, .2], [.4, .6], [.1, .9]])})


def test_likelihood_method_lists_one_canonical_component_per_class_and_names_the_undetermined_assignment():
    import warnings

    from pgmpy_mixture.data.counts import CountTable
    from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
    from pgmpy_mixture.discrete.simulate import sample_mixture
    from pgmpy_mixture.errors import PositivityWarning

    net = _forced_network()
    # do(A=a0) and do(A=a0, B=b0) are one distribution: the data only see their summed weight
    truth = net.encode_targets([{}, {"A": "a0"}, {"A": "a0", "B": "b0"}, {"B": "b2"}])
    codes, _ = sample_mixture(net, truth, [0.4, 0.2, 0.15, 0.25], 40_000, rng=np.random.default_rng(3))
    table = CountTable.from_codes(codes, list(net.variables), [list(s) for s in net.states])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = disentangle_likelihood(net, table)
    labels = sorted(c.label for c in result)
    assert labels == ["do(A=a0)", "do(B=b2)", "observational"]
    weight = {c.label: c.weight for c in result}["do(A=a0)"]
    assert weight == pytest.approx(0.35, abs=0.02)
    record = [r for r in result.diagnostics["equivalent"] if r["component"] == "do(A=a0)"]
    assert record and record[0]["undetermined"] == {"B": "b0"}
    messages = [str(w.message) for w in caught if issubclass(w.category, PositivityWarning)]
    assert any("do(A=a0) may add B=b0" in m for m in messages)
    assert all(len(m) < 1500 for m in messages)
    assert not any("is the same distribution as" in m for m in messages)  # said once, by the equivalence note


def test_canonicalise_targets_merges_the_entries_of_one_class():
    from pgmpy_mixture.discrete.likelihood.canonical import canonicalise_targets
    from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods

    net = _forced_network()
    found = net.encode_targets([{"B": "b1"}, {"A": "a0", "B": "b0"}, {}, {"A": "a0"}])
    codes = np.array(list(itertools.product(range(3), range(3), range(2))))
    log_lik = net.log_likelihood(found, codes)
    grp, row = np.nonzero(np.isfinite(log_lik))
    entries = ComponentLikelihoods(grp, row, log_lik[grp, row], 4, codes.shape[0])
    out = canonicalise_targets(net, found, np.array([.1, .2, .3, .4]), entries)
    assert [net.decode_target(t) for t in out.targets] == [{"B": "b1"}, {"A": "a0"}, {}]
    assert out.mu.tolist() == pytest.approx([.1, .6, .3])
    assert out.source.tolist() == [0, 1, 2, 1] and out.changed.tolist() == [False, True, False, False]
    # the merged component keeps the likelihoods of one member, identical to the other's
    kept = out.entries.take(np.array([1]))
    np.testing.assert_allclose(kept.lval, log_lik[3][np.isfinite(log_lik[3])])
    assert out.entries.q == 3


def _nearly_forced_network() -> CausalNetwork:
    """A = a0 gives B = b0 with probability 1 - 1e-6; A = a1 leaves B free."""
    return CausalNetwork.from_tables(
        ["A", "B"], {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]}, {"B": ["A"]},
        {"A": np.array([.3, .3, .4]), "B": np.array([[1 - 2e-6, 1e-6, 1e-6], [.5, .3, .2], [.3, .3, .4]])})


def test_prune_removes_only_the_interventions_the_rows_cannot_tell_apart():
    from pgmpy_mixture.discrete.likelihood.repair import prune_interventions
    from pgmpy_mixture.discrete.mixing_weights import ComponentLikelihoods
    from pgmpy_mixture.discrete.simulate import sample_mixture

    net = _nearly_forced_network()
    truth = net.encode_targets([{}, {"A": "a0"}, {"A": "a1", "B": "b0"}])
    codes, _ = sample_mixture(net, truth, [0.5, 0.3, 0.2], 30_000, rng=np.random.default_rng(5))
    rows, counts = np.unique(codes, axis=0, return_counts=True)
    # the lift's choice: B = b0 added to do(A=a0) (no row tells), and kept on do(A=a1) (half its rows tell)
    found = net.encode_targets([{}, {"A": "a0", "B": "b0"}, {"A": "a1", "B": "b0"}])
    log_ref = np.log(net.conditional_probabilities(rows)).sum(axis=1)
    log_lik = net.log_likelihood(found, rows) - log_ref
    grp, row = np.nonzero(np.isfinite(log_lik))
    entries = ComponentLikelihoods(grp, row, log_lik[grp, row], 3, rows.shape[0])
    out = prune_interventions(net, rows, entries, counts.astype(float), found, np.array([0.5, 0.3, 0.2]))
    assert [net.decode_target(t) for t in out.targets] == [{}, {"A": "a0"}, {"A": "a1", "B": "b0"}]
    assert [(g, j) for g, j, _, _ in out.moves] == [(1, 1)] and out.moves[0][3] < 1.0
    np.testing.assert_allclose(out.mu, [0.5, 0.3, 0.2], atol=0.02)
    # the recomputed entries are those of the pruned target, in the stored form
    expected = net.log_likelihood(out.targets[1:2], rows)[0] - log_ref
    mine = out.entries.take(np.array([1]))
    np.testing.assert_allclose(mine.lval, expected[mine.row], atol=1e-5)
    assert mine.row.size == np.isfinite(expected).sum()
    # a target that becomes another one is merged with it
    twice = net.encode_targets([{}, {"A": "a0", "B": "b0"}, {"A": "a0"}])
    log_lik = net.log_likelihood(twice, rows) - log_ref
    grp, row = np.nonzero(np.isfinite(log_lik))
    out = prune_interventions(net, rows, ComponentLikelihoods(grp, row, log_lik[grp, row], 3, rows.shape[0]),
                              counts.astype(float), twice, np.array([0.5, 0.3, 0.2]))
    assert [net.decode_target(t) for t in out.targets] == [{}, {"A": "a0"}]
    assert out.mu.sum() == pytest.approx(1.0)


def test_likelihood_method_reports_the_nearly_forced_target_without_the_intervention():
    import warnings

    from pgmpy_mixture.data.counts import CountTable
    from pgmpy_mixture.discrete.likelihood import disentangle_likelihood
    from pgmpy_mixture.discrete.simulate import sample_mixture

    net = _nearly_forced_network()
    truth = net.encode_targets([{}, {"A": "a0"}, {"A": "a1", "B": "b0"}])
    codes, _ = sample_mixture(net, truth, [0.5, 0.3, 0.2], 30_000, rng=np.random.default_rng(5))
    table = CountTable.from_codes(codes, list(net.variables), [list(s) for s in net.states])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = disentangle_likelihood(net, table)
    assert sorted(c.label for c in result) == ["do(A=a0)", "do(A=a1, B=b0)", "observational"]
