"""Graph algorithms (:mod:`pgmpy_mixture.gaussian.graphs`): v-structures, orientation by targets, Meek's rules and
the interventional essential graph, checked against causal-learn and against the equivalence it stands for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture.gaussian.graphs import icpdag, meek_closure, orient_by_targets, orient_v_structures


def _random_dag(rng, d):
    return np.triu(rng.random((d, d)) < 0.5, k=1)


def _adjacency(d, directed=(), undirected=()):
    g = np.zeros((d, d), bool)
    for i, j in directed:
        g[i, j] = True
    for i, j in undirected:
        g[i, j] = g[j, i] = True
    return g


@settings(max_examples=30, deadline=None)
@given(d=st.integers(2, 7), seed=st.integers(0, 10_000))
def test_icpdag_matches_causallearn_cpdag_and_all_targets(d, seed):
    """Without interventions the I-CPDAG is causal-learn's CPDAG; with every node a singleton target it is the DAG."""
    pytest.importorskip("causallearn")
    from causallearn.utils.DAG2CPDAG import dag2cpdag

    from pgmpy_mixture.adapters.causallearn import adjacency_to_graph, graph_to_adjacency

    dag = _random_dag(np.random.default_rng(seed), d)
    names = [f"v{i}" for i in range(d)]
    expected = graph_to_adjacency(dag2cpdag(adjacency_to_graph(dag, names)))
    assert np.array_equal(icpdag(dag), expected)
    assert np.array_equal(icpdag(dag, [set()] + [{i} for i in range(d)]), dag)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(2, 7), seed=st.integers(0, 10_000), n_targets=st.integers(0, 3))
def test_reversing_a_covered_edge_keeps_the_class_unless_a_target_separates_it(d, seed, n_targets):
    """Chickering (1995): reversing a covered edge ``i -> j`` (``pa(j) = pa(i) + {i}``) gives a Markov equivalent
    DAG. It stays in the interventional class exactly when no target set holds one endpoint only: then the two
    DAGs have the same I-essential graph, otherwise different ones. The I-essential graph's directed edges are
    always the DAG's, and more targets never un-orient an edge."""
    rng = np.random.default_rng(seed)
    dag = _random_dag(rng, d)
    targets = [set()] + [set(np.flatnonzero(rng.random(d) < 0.3).tolist()) for _ in range(n_targets)]
    essential = icpdag(dag, targets)
    directed = essential & ~essential.T
    assert not (directed & ~dag).any() and np.array_equal(essential | essential.T, dag | dag.T)
    fewer = icpdag(dag, targets[:-1])
    assert not ((fewer & ~fewer.T) & ~directed).any()
    for i, j in zip(*np.nonzero(dag), strict=True):
        parents_i, parents_j = set(np.flatnonzero(dag[:, i])), set(np.flatnonzero(dag[:, j]))
        if parents_j != parents_i | {i}:
            continue
        reversed_dag = dag.copy()
        reversed_dag[i, j], reversed_dag[j, i] = False, True
        separated = any((i in t) != (j in t) for t in targets)
        assert np.array_equal(icpdag(reversed_dag, targets), essential) == (not separated)


def test_v_structures_are_kept_and_shielded_colliders_are_not():
    collider = _adjacency(3, directed=[(0, 2), (1, 2)])
    assert np.array_equal(orient_v_structures(collider), collider)
    triangle = _adjacency(3, directed=[(0, 1), (0, 2), (1, 2)])
    assert np.array_equal(orient_v_structures(triangle), triangle | triangle.T)


def test_orientation_by_targets_and_inputs_left_alone():
    dag = _adjacency(3, directed=[(0, 1), (1, 2)])
    pdag = dag | dag.T
    before = pdag.copy()
    oriented = orient_by_targets(dag, pdag, [set(), {1}])  # 1 separates both of its edges
    assert np.array_equal(oriented, dag) and np.array_equal(pdag, before)
    assert np.array_equal(orient_by_targets(dag, pdag, [{0, 1}]), _adjacency(3, [(1, 2)], [(0, 1)]))


@pytest.mark.parametrize(
    "pdag, expected",
    [
        # R1: 2 -> 0 - 1, 2 and 1 not adjacent => 0 -> 1
        (_adjacency(3, [(2, 0)], [(0, 1)]), _adjacency(3, [(2, 0), (0, 1)])),
        # R2: 0 -> 2 -> 1 and 0 - 1 => 0 -> 1
        (_adjacency(3, [(0, 2), (2, 1)], [(0, 1)]), _adjacency(3, [(0, 2), (2, 1), (0, 1)])),
        # R3: 0 - 2 -> 1, 0 - 3 -> 1, 2 and 3 not adjacent, 0 - 1 => 0 -> 1 (0 - 2, 0 - 3 stay undirected)
        (_adjacency(4, [(2, 1), (3, 1)], [(0, 2), (0, 3), (0, 1)]),
         _adjacency(4, [(2, 1), (3, 1), (0, 1)], [(0, 2), (0, 3)])),
        # nothing forced: a chain stays undirected
        (_adjacency(3, [], [(0, 1), (1, 2)]), _adjacency(3, [], [(0, 1), (1, 2)])),
    ],
    ids=["R1", "R2", "R3", "none"],
)
def test_meek_rules(pdag, expected):
    before = pdag.copy()
    assert np.array_equal(meek_closure(pdag), expected)
    assert np.array_equal(pdag, before)
