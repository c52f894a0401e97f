"""Exact inference under a recovered mixture of interventions, as a pgmpy ``Inference`` subclass.

Reached as :class:`pgmpy_mixture.adapters.pgmpy.MixtureInference` (loaded lazily because importing
``pgmpy.inference`` is slow and noisy). Its ``query``, ``map_query`` and ``max_marginal`` take the arguments of
pgmpy's :class:`~pgmpy.inference.VariableElimination` in the same positional order, so it can replace it (pgmpy's
own tests of those three methods pass against it, ``tests/adapters/test_inference_pgmpy_suite.py``).

For a mixture ``P = sum_t pi_t P_t`` of interventional distributions (``P_t`` is the network mutilated by
``do(t)``: incoming edges cut, point-mass CPD), hard evidence ``e`` and virtual (soft) evidence given as
likelihoods ``L_j(x_j)`` on single variables, every answer comes from

    P(Q, e, ve) = sum_t pi_t P_t(Q, e, ve),   P_t(Q, e, ve) = sum_{v ~ (Q, e)} P_t(v) prod_j L_j(v_j),

so that

    P(Q | e, ve) = sum_t w_t P_t(Q | e, ve),   w_t = P(t | e, ve) = pi_t P_t(e, ve) / sum_s pi_s P_s(e, ve).

Soft evidence therefore moves the posterior over components exactly as hard evidence does; averaging
per-component answers with the prior weights ``pi_t`` would be wrong. Each ``P_t(. | e, ve)`` is one
query of pgmpy's :class:`~pgmpy.inference.VariableElimination` on the mutilated network, with every
likelihood attached as pgmpy does it: an observed binary child ``__X`` with ``P(__X = observed | X = x)
= L(x) / max L`` (the rescaling is common to all components, so it cancels). While the joint table over the query
and evidence variables is small (:data:`JOINT_QUERY_CELLS`), one pgmpy query of it gives both ``P_t(Q, e, ve)``
and ``P_t(e, ve)``; beyond, the evidence probability is the chain-rule product
``prod_j P_t(E_j | E_1, ..., E_{j-1})`` of one-variable queries, accumulated in logs, so that no table over the
evidence variables is built and the cost stays linear in their number.

The MAP assignment under a mixture is the arg max of the mixture's table ``sum_t w_t P_t(Q | e, ve)``; it is in
general not the MAP of any single component, so :meth:`MixtureInference.map_query` builds that table (refusing
when it would exceed ``max_cells``, :data:`MAP_MAX_CELLS` by default); :meth:`MixtureInference.max_marginal` is
that table's largest entry, the probability of the MAP assignment.

Where pgmpy raises a ``KeyError`` (an unknown state) or a ``ValueError`` (evidence that is not a dict), the
errors raised here are of those types too as well as ours (:class:`UnknownStateKeyError`,
:class:`EvidenceTypeError`), so code written against pgmpy's ``VariableElimination`` catches them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # pgmpy.inference imports its deprecated StructureScore (FutureWarning)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy\..*")
    from pgmpy import config as pgmpy_config
    from pgmpy.factors.discrete import DiscreteFactor
    from pgmpy.inference import VariableElimination
    from pgmpy.inference.base import Inference

from pgmpy_mixture.adapters.convert import cpd_column_errors, network_from_pgmpy, network_to_pgmpy
from pgmpy_mixture.adapters.entry import disentangle_mixture
from pgmpy_mixture.errors import DataTypeError, DataValueError, ParameterError, UnknownStateError
from pgmpy_mixture.model.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.result import MixtureResult

#: Largest joint table (number of cells) :meth:`MixtureInference.map_query` builds unless told otherwise.
MAP_MAX_CELLS: int = 2**22

#: A component's answer comes from ONE pgmpy query of the joint table over the query and evidence variables when
#: that table has at most this many cells, else from the chain rule ``P_t(e) = prod_j P_t(e_j | e_<j)`` in logs
#: plus one conditional query, whose cost stays linear in the number of evidence variables. The two routes cross
#: between about 2e4 and 2e5 cells depending on the network (``benchmarks/inference_speed.py``: joint 2-5 times
#: faster up to 3e4 cells, the chain rule 2 times faster on sachs at 1.8e5, 2 times slower on ALARM at 1.4e5).
JOINT_QUERY_CELLS: int = 2**17

#: Elimination-order heuristics pgmpy's ``VariableElimination.query`` understands (case-insensitive).
ELIMINATION_HEURISTICS: tuple[str, ...] = ("greedy", "WeightedMinFill", "MinNeighbors", "MinWeight", "MinFill")

#: States of the binary child that carries one virtual evidence (the first is the observed one).
VIRTUAL_STATES: tuple[str, str] = ("observed", "not observed")


class UnknownStateKeyError(UnknownStateError, KeyError):
    """A state the model does not know, in a query's evidence or virtual evidence.

    Both our :class:`~pgmpy_mixture.errors.UnknownStateError` (a ``ValueError``) and a ``KeyError``, which pgmpy's
    ``VariableElimination`` raises for an unknown state. Its message is printed as is (a ``KeyError`` would
    quote it).

    Examples
    --------
    >>> error = UnknownStateKeyError("state 'zz' of variable 'A' is not one of ['x', 'y']")
    >>> isinstance(error, KeyError), isinstance(error, ValueError), str(error)
    (True, True, "state 'zz' of variable 'A' is not one of ['x', 'y']")
    """

    __str__ = BaseException.__str__


class EvidenceTypeError(DataTypeError, ValueError):
    """``evidence`` is not a dict ``{variable: state}``.

    Both our :class:`~pgmpy_mixture.errors.DataTypeError` (a ``TypeError``) and a ``ValueError``, which pgmpy's
    ``VariableElimination`` raises for evidence given as a list.

    Examples
    --------
    >>> issubclass(EvidenceTypeError, TypeError), issubclass(EvidenceTypeError, ValueError)
    (True, True)
    """


def _evidence_type_error(evidence: object) -> EvidenceTypeError:
    return EvidenceTypeError(f"evidence must be a dict {{variable: state}}, got {type(evidence).__name__} "
                             f"{evidence!r}")


def mutilate(network: CausalNetwork, target: np.ndarray) -> CausalNetwork:
    """The network under the hard intervention ``target`` (encoded, -1 = not intervened).

    Intervened variables lose their parents and get a point-mass CPD on the target state.

    Examples
    --------
    >>> import numpy as np
    >>> net = CausalNetwork.from_tables(["A", "B"], {"A": ["x", "y"], "B": ["u", "v"]}, {"B": ["A"]},
    ...     {"A": np.array([.3, .7]), "B": np.array([[.9, .1], [.2, .8]])})
    >>> cut = mutilate(net, np.array([-1, 1]))
    >>> cut.parents, cut.cpds[1].tolist()
    (((), ()), [0.0, 1.0])
    """
    parents, cpds = list(network.parents), list(network.cpds)
    for i, code in enumerate(np.asarray(target)):
        if code != NOT_INTERVENED:
            parents[i] = ()
            point = np.zeros(len(network.states[i]))
            point[int(code)] = 1.0
            cpds[i] = point
    return CausalNetwork(network.variables, network.states, tuple(parents), tuple(np.array(c) for c in cpds))


def with_virtual_children(
    network: CausalNetwork, likelihoods: Mapping[str, np.ndarray]
) -> tuple[CausalNetwork, list[str]]:
    """``network`` plus one binary child per virtual evidence, as pgmpy attaches soft evidence.

    The child of ``X`` has states :data:`VIRTUAL_STATES` and ``P(child = observed | X = x) = L(x) / max L``;
    observing it multiplies the joint by ``L(X)`` up to a constant. Child names are ``__X`` (more leading
    underscores if that name is taken).

    Parameters
    ----------
    network : CausalNetwork
    likelihoods : mapping of str to numpy.ndarray
        ``variable -> L`` in the network's state order, non-negative with a positive entry.

    Returns
    -------
    (CausalNetwork, list of str)
        The extended network (children appended at the end of the topological order) and the child names.

    Examples
    --------
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y"]}, {}, {"A": np.array([.3, .7])})
    >>> ext, children = with_virtual_children(net, {"A": np.array([0.2, 0.8])})
    >>> children, ext.cpds[1].tolist()
    (['__A'], [[0.25, 0.75], [1.0, 0.0]])
    """
    variables, states = list(network.variables), list(network.states)
    parents, cpds = list(network.parents), list(network.cpds)
    taken = set(variables)
    children = []
    for var, like in likelihoods.items():
        name = "__" + var
        while name in taken:
            name = "_" + name
        taken.add(name)
        children.append(name)
        scaled = np.asarray(like, dtype=np.float64) / float(np.max(like))
        variables.append(name)
        states.append(VIRTUAL_STATES)
        parents.append((network.index(var),))
        cpds.append(np.stack([scaled, 1.0 - scaled], axis=-1))
    return CausalNetwork(tuple(variables), tuple(states), tuple(parents), tuple(cpds)), children


class MixtureInference(Inference):
    """Queries under a mixture of interventions recovered from data (pgmpy ``Inference`` subclass).

    A drop-in for pgmpy's :class:`~pgmpy.inference.VariableElimination`: :meth:`query`, :meth:`map_query` and
    :meth:`max_marginal` take its arguments in its positional order (hard and virtual evidence, elimination order,
    joint, progress) and answer exactly under the mixture; :meth:`component_posterior` says which intervention a
    unit underwent.

    Parameters
    ----------
    model : pgmpy.models.DiscreteBayesianNetwork
        Model with CPDs (``check_model()`` must pass); its CPDs are the observational P(V).
    result : MixtureResult, optional
        A result obtained earlier (for example from ``model.disentangle_mixture``); otherwise call
        :meth:`disentangle`. When the result carries its own network (``result.network``), queries use that
        network's CPDs: they are the ones the mixture was recovered with (for example fitted from observational
        rows with ``observational=``), which may differ from the model's.

    Attributes
    ----------
    network_ : CausalNetwork
        The model converted to the framework-free network.
    renormalised_ : dict of str to float
        The variables whose CPD columns did not sum to 1 and were renormalised in ``network_``, each with its
        largest ``|column sum - 1|`` (see :func:`~pgmpy_mixture.adapters.convert.cpd_column_errors`). pgmpy
        accepts columns within 0.01 of 1 and computes with them as they are, so on such a model answers differ
        from pgmpy's ``VariableElimination`` by about this much (bundled sachs and alarm: 1e-7 rounding, answers
        within 3e-8); with a CPD off by more than rounding a warning names it.
    result_ : MixtureResult or None
        The mixture queries are answered under.

    Examples
    --------
    >>> import pandas as pd
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> from pgmpy_mixture.adapters.pgmpy import MixtureInference
    >>> model = DiscreteBayesianNetwork([("A", "B")])
    >>> model.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}),
    ...     TabularCPD("B", 2, [[0.9, 0.1], [0.1, 0.9]], evidence=["A"], evidence_card=[2],
    ...                state_names={"B": ["u", "v"], "A": ["x", "y"]}))
    >>> mix = pd.DataFrame({"A": ["x", "x", "y", "y"], "B": ["u", "v", "u", "v"],
    ...                     "p": [0.72, 0.08, 0.02, 0.18]})   # exactly 0.4 P + 0.6 P_do(A=x)
    >>> infer = MixtureInference(model)
    >>> [(c.label, round(c.weight, 9)) for c in infer.disentangle(mix, weights="p").components]
    [('do(A=x)', 0.6), ('observational', 0.4)]
    >>> infer.component_posterior({"A": "y"}).round(9).tolist()
    [0.0, 1.0]
    >>> infer.component_posterior({"B": "u"}).round(4).tolist()   # 0.6 * 0.9 / (0.6 * 0.9 + 0.4 * 0.5)
    [0.7297, 0.2703]
    >>> print(round(float(infer.query(["B"], show_progress=False).get_value(B="u")), 9))
    0.74
    >>> infer.map_query(["A", "B"], show_progress=False)   # P(x, u) = 0.4 * 0.45 + 0.6 * 0.9 = 0.72
    {'A': 'x', 'B': 'u'}
    """

    def __init__(self, model: Any, result: MixtureResult | None = None) -> None:
        self.network_ = network_from_pgmpy(model)  # runs check_model(), naming the problem
        self.renormalised_ = cpd_column_errors(model)
        super().__init__(model)
        self._engines: dict[int, VariableElimination] = {}
        self.result_: MixtureResult | None = None
        if result is not None:
            self.set_result(result)

    # ------------------------------------------------------------------ learning
    def set_result(self, result: MixtureResult) -> MixtureInference:
        """Answer queries under ``result`` from now on; returns self.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork(); m.add_node("A"); m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]]))
        >>> MixtureInference(m).set_result(MixtureResult([Component({}, 1.0)], "exact")).result_.method
        'exact'
        """
        if not isinstance(result, MixtureResult):
            raise DataTypeError(f"result must be a MixtureResult, got {type(result).__name__}")
        network = result.network if result.network is not None else self.network_
        if network.variables != self.network_.variables and set(network.variables) != set(self.network_.variables):
            raise ParameterError("the result refers to different variables than the model")
        network.encode_targets([c.target for c in result.components])  # validates names against the network
        self.result_ = result
        self._engines = {}
        return self

    def disentangle(self, data: Any, *, weights: str | None = None, **options: Any) -> MixtureResult:
        """Recover the mixture from ``data`` (see ``model.disentangle_mixture``); stores ``result_``.

        Examples
        --------
        >>> import pandas as pd
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> m = DiscreteBayesianNetwork(); m.add_node("A")
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
        >>> MixtureInference(m).disentangle(pd.DataFrame({"A": ["x"], "p": [1.0]}), weights="p").targets
        [{'A': 'x'}]
        """
        result = disentangle_mixture(self.model, data, weights=weights, **options)
        self.set_result(result)
        return result

    # ------------------------------------------------------------------ helpers
    def _require_result(self) -> MixtureResult:
        if self.result_ is None:
            raise ParameterError("no mixture yet: call disentangle(data) or pass result= first")
        return self.result_

    @property
    def _network(self) -> CausalNetwork:
        result = self._require_result()
        return result.network if result.network is not None else self.network_

    def _engine(self, k: int) -> VariableElimination:
        if k not in self._engines:
            net = self._network
            target = net.encode_targets([self.result_.components[k].target])[0]
            self._engines[k] = VariableElimination(network_to_pgmpy(mutilate(net, target)))
        return self._engines[k]

    def _engines_for(self, likelihoods: Mapping[str, np.ndarray]) -> tuple[list[VariableElimination], list[str]]:
        """One VariableElimination per component (cached when there is no virtual evidence) and child names."""
        m = len(self._require_result().components)
        if not likelihoods:
            return [self._engine(k) for k in range(m)], []
        net = self._network
        extended, children = with_virtual_children(net, likelihoods)
        targets = net.encode_targets([c.target for c in self.result_.components])
        pad = np.full((m, len(children)), NOT_INTERVENED, dtype=np.int64)
        targets = np.hstack([targets, pad])
        return [VariableElimination(network_to_pgmpy(mutilate(extended, t))) for t in targets], children

    def _state_code(self, variable: str, state: Any) -> int:
        """``state``'s code; an unknown state raises :class:`UnknownStateKeyError` (a KeyError, as in pgmpy)."""
        try:
            return self._network.state_code(variable, state)
        except UnknownStateError as exc:
            raise UnknownStateKeyError(str(exc)) from None

    @staticmethod
    def _variable_list(variables: Any) -> list[str]:
        """``variables`` as a list of names (a single name is accepted)."""
        if isinstance(variables, str):
            return [variables]
        if not isinstance(variables, Iterable):
            raise DataTypeError(f"variables must be a list of variable names, got {type(variables).__name__}")
        return [str(v) for v in variables]

    def _check_names(self, variables: Sequence[str], evidence: Mapping[str, Any]) -> tuple[list[str], dict]:
        net = self._network
        if not isinstance(evidence, Mapping):
            raise _evidence_type_error(evidence)
        variables = self._variable_list(variables)
        for v in list(variables) + [str(k) for k in evidence]:
            net.index(v)  # raises UnknownVariableError naming v
        if len(set(variables)) != len(variables):
            raise ParameterError(f"query variables {variables} contain a duplicate")
        both = set(variables) & {str(k) for k in evidence}
        if both:
            raise ParameterError(f"variable {sorted(both)[0]!r} is both queried and given as evidence")
        codes = {str(k): self._state_code(str(k), s) for k, s in evidence.items()}
        return variables, codes

    def _likelihoods(self, virtual_evidence: Any) -> dict[str, np.ndarray]:
        """``{variable: likelihood in the network's state order, scaled to max 1}``; pgmpy's checks, our errors.

        Accepts what pgmpy accepts (a list of TabularCPDs or DiscreteFactors on one variable each, with the
        model's number of states); states are matched by name (any order). Two evidences on one variable
        are refused (pgmpy silently keeps the last). Likelihoods need only be non-negative and finite with
        a positive entry (pgmpy also needs them <= 1); only their ratios matter.
        """
        if virtual_evidence is None:
            return {}
        if isinstance(virtual_evidence, DiscreteFactor):
            virtual_evidence = [virtual_evidence]
        if isinstance(virtual_evidence, (str, bytes, Mapping)) or not isinstance(virtual_evidence, Iterable):
            raise DataTypeError(
                f"virtual_evidence must be a list of TabularCPDs, got {type(virtual_evidence).__name__}"
            )
        net = self._network
        out: dict[str, np.ndarray] = {}
        for k, cpd in enumerate(virtual_evidence):
            if not isinstance(cpd, DiscreteFactor):  # TabularCPD subclasses DiscreteFactor
                raise DataTypeError(
                    f"virtual_evidence[{k}] must be a TabularCPD or DiscreteFactor, got {type(cpd).__name__}"
                )
            scope = [str(v) for v in cpd.variables]
            if len(scope) != 1:
                raise ParameterError(
                    f"virtual_evidence[{k}] is defined on {scope}: virtual evidence must be on a single variable"
                )
            var = scope[0]
            i = net.index(var)  # UnknownVariableError naming var
            if var in out:
                raise ParameterError(
                    f"virtual evidence for {var!r} is given twice; multiply the likelihoods into one TabularCPD"
                )
            values = np.asarray(cpd.values, dtype=np.float64).reshape(-1)
            card = len(net.states[i])
            if values.size != card:
                raise DataValueError(
                    f"virtual evidence for {var!r} has {values.size} states, the model gives {var!r} {card}"
                )
            names = cpd.state_names.get(cpd.variables[0], list(range(card))) if cpd.state_names else range(card)
            codes = [self._state_code(var, s) for s in names]  # UnknownStateKeyError naming the state
            if len(set(codes)) != card:
                raise DataValueError(f"virtual evidence for {var!r} repeats a state: {list(names)}")
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise DataValueError(f"virtual evidence for {var!r} must be finite and non-negative, got {values}")
            if values.max() <= 0:
                raise DataValueError(f"virtual evidence for {var!r} is zero for every state of {var!r}")
            like = np.empty(card)
            like[codes] = values
            out[var] = like / like.max()
        return out

    def _check_elimination_order(self, order: Any, variables: Sequence[str], evidence: Iterable[str]) -> Any:
        """pgmpy's ``elimination_order`` (None, a heuristic name, or the list of variables to eliminate)."""
        if order is None:
            return None
        if isinstance(order, str):
            known = {h.lower(): h for h in ELIMINATION_HEURISTICS}
            if order.lower() not in known:
                raise ParameterError(f"elimination_order {order!r} is not one of {list(ELIMINATION_HEURISTICS)}")
            return known[order.lower()]
        if not isinstance(order, Iterable):
            raise DataTypeError(f"elimination_order must be a str, a list or None, got {type(order).__name__}")
        order = [str(v) for v in order]
        net = self._network
        for v in order:
            net.index(v)  # UnknownVariableError naming v
        if len(set(order)) != len(order):
            raise ParameterError(f"elimination_order {order} contains a duplicate")
        kept = set(variables) | set(evidence)
        clash = [v for v in order if v in kept]
        if clash:
            raise ParameterError(f"elimination_order contains {clash[0]!r}, a query or evidence variable")
        missing = [v for v in net.variables if v not in kept and v not in order]
        if missing:
            raise ParameterError(f"elimination_order misses {missing}: it must list every other variable")
        return order

    def _model_states(self, var: str) -> list[Hashable]:
        """State names of ``var`` in the network's order, as the pgmpy model spells them (for example ints)."""
        names = list(self._network.states[self._network.index(var)])
        own = getattr(self.model, "states", {}).get(var, ())
        spelled = {str(s): s for s in own}
        return [spelled.get(s, s) for s in names]

    def _table(self, factor: DiscreteFactor, variables: list[str]) -> np.ndarray:
        """``factor``'s values with axes in ``variables`` order and states in the network's order."""
        net = self._network
        names = [str(v) for v in factor.variables]
        values = np.transpose(np.asarray(factor.values, dtype=np.float64), [names.index(v) for v in variables])
        for axis, v in enumerate(variables):
            have = [str(s) for s in factor.state_names[factor.variables[names.index(v)]]]
            wanted = list(net.states[net.index(v)])
            if have != wanted:
                values = np.take(values, [have.index(s) for s in wanted], axis=axis)
        return values

    def _mixture(
        self,
        variables: list[str],
        codes: dict[str, int],
        likelihoods: dict[str, np.ndarray],
        elimination_order: Any,
        show_progress: bool,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Posterior over components and ``P(variables | e, ve)`` under the mixture (None without variables).

        One pass over components; the mixture table is accumulated with a running log-sum-exp scale, so
        memory is two tables whatever the number of components.
        """
        result = self._require_result()
        net = self._network
        engines, children = self._engines_for(likelihoods)
        given = [(v, net.states[net.index(v)][c]) for v, c in codes.items()]
        given += [(c, VIRTUAL_STATES[0]) for c in children]
        with np.errstate(divide="ignore"):
            log_pi = np.log(result.weights)
        m = len(engines)
        log_w = np.full(m, -np.inf)
        table = np.zeros([len(net.states[net.index(v)]) for v in variables]) if variables else None
        top, norm = -np.inf, 0.0
        scope_cells = math.prod(len(net.states[net.index(v)]) for v in variables)
        scope_cells *= math.prod(len(net.states[net.index(v)]) for v in codes) * 2 ** len(children)
        joint_scope = bool(given) and scope_cells <= JOINT_QUERY_CELLS and not isinstance(elimination_order, list)
        steps: Iterable[int] = range(m)
        if show_progress and pgmpy_config.SHOW_PROGRESS and m > 1:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="mixture components", total=m)
        for k in steps:
            if log_pi[k] == -np.inf:
                continue
            if joint_scope:
                log_evidence, conditional = self._joint_answer(engines[k], given, variables, elimination_order)
            else:
                log_evidence, conditional = self._log_evidence(engines[k], given, variables, elimination_order), None
            log_w[k] = log_pi[k] + log_evidence
            if log_w[k] == -np.inf:
                continue
            if log_w[k] > top:  # rescale what is accumulated so far to the new largest term
                scale = math.exp(top - log_w[k]) if top > -np.inf else 0.0
                norm *= scale
                if table is not None:
                    table *= scale
                top = float(log_w[k])
            w = math.exp(log_w[k] - top)
            norm += w
            if table is not None:
                if conditional is None:
                    factor = engines[k].query(variables, evidence=dict(given), elimination_order=elimination_order,
                                              joint=True, show_progress=False)
                    conditional = self._table(factor, variables)
                table += w * conditional
        if norm <= 0:
            hard = {v: s for v, s in given if v in codes}
            extra = f" and virtual evidence on {sorted(likelihoods)}" if likelihoods else ""
            raise DataValueError(f"evidence {hard}{extra} has probability zero under every recovered component")
        posterior = np.exp(log_w - top) / norm
        if table is not None:
            table = table / norm
        return posterior, table

    def _joint_answer(self, engine: VariableElimination, given: list[tuple[str, str]], variables: list[str],
                      elimination_order: Any) -> tuple[float, np.ndarray | None]:
        """``log P_t(E)`` and ``P_t(variables | E)`` from one joint query over ``variables`` and the evidence
        variables (used when that table is small, see :data:`JOINT_QUERY_CELLS`)."""
        scope = list(variables) + [v for v, _ in given]
        factor = engine.query(scope, elimination_order=elimination_order, joint=True, show_progress=False)
        names = [str(v) for v in factor.variables]
        values = np.transpose(np.asarray(factor.values, dtype=np.float64), [names.index(v) for v in scope])
        index = []
        for var, state in given:
            states = [str(x) for x in factor.state_names[factor.variables[names.index(var)]]]
            index.append(states.index(str(state)))
        cell = values[(Ellipsis, *index)] if given else values
        evidence = float(np.sum(cell))
        if not evidence > 0:
            return -np.inf, None
        if not variables:
            return math.log(evidence), None
        net = self._network
        for axis, v in enumerate(variables):  # states in the network's order
            have = [str(x) for x in factor.state_names[factor.variables[names.index(v)]]]
            wanted = list(net.states[net.index(v)])
            if have != wanted:
                cell = np.take(cell, [have.index(x) for x in wanted], axis=axis)
        return math.log(evidence), cell / evidence

    @staticmethod
    def _log_evidence(engine: VariableElimination, given: list[tuple[str, str]], variables: list[str],
                      elimination_order: Any) -> float:
        """``log P_t(E)`` by the chain rule ``sum_j log P_t(E_j | E_<j)`` (one-variable pgmpy queries)."""
        total = 0.0
        known: dict[str, str] = {}
        for j, (var, state) in enumerate(given):
            order = elimination_order
            if isinstance(order, list):  # the user's list plus what this sub-query must eliminate too
                order = order + list(variables) + [v for v, _ in given[j + 1:]]
            factor = engine.query([var], evidence=dict(known), elimination_order=order, joint=True,
                                  show_progress=False)
            p = float(factor.get_value(**{var: state}))
            if not p > 0:
                return -np.inf
            total += math.log(p)
            known[var] = state
        return total

    def _prepare(self, variables: Any, evidence: Any, virtual_evidence: Any,
                 elimination_order: Any) -> tuple[list[str], dict[str, int], dict[str, np.ndarray], Any]:
        evidence = {} if evidence is None else evidence
        variables, codes = self._check_names(variables, evidence)
        likelihoods = self._likelihoods(virtual_evidence)
        order = self._check_elimination_order(elimination_order, variables, codes)
        return variables, codes, likelihoods, order

    # ------------------------------------------------------------------ queries
    def component_posterior(
        self,
        evidence: Mapping[str, Any] | None = None,
        virtual_evidence: Sequence[DiscreteFactor] | None = None,
    ) -> pd.Series:
        """Posterior over components given what was observed of one unit.

        ``P(t | e, ve) = pi_t P_t(e, ve) / sum_s pi_s P_s(e, ve)``; with no evidence this is the weights.

        Parameters
        ----------
        evidence : dict, optional
            Hard evidence ``{variable: state name}``.
        virtual_evidence : list of TabularCPD, optional
            Soft evidence as in pgmpy: one single-variable TabularCPD (or DiscreteFactor) per variable whose
            values are the likelihoods ``L(x)`` of what was seen given each state ``x``.

        Returns
        -------
        pandas.Series
            Indexed by component label (``do(...)`` / ``observational``), sums to 1.

        Raises
        ------
        UnknownVariableError, UnknownStateError
            A variable or state the model does not know (in evidence or virtual evidence).
        DataValueError
            The evidence has probability zero under every component, or a malformed likelihood.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork(); m.add_node("A")
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> infer = MixtureInference(m, r)
        >>> infer.component_posterior({"A": "x"}).round(4).tolist()
        [0.3333, 0.6667]
        >>> seen = TabularCPD("A", 2, [[0.8], [0.2]], state_names={"A": ["x", "y"]})   # soft: probably x
        >>> infer.component_posterior(virtual_evidence=[seen]).round(4).tolist()   # 0.5*.5 vs 0.5*(.5*.8+.5*.2)
        [0.3846, 0.6154]
        """
        result = self._require_result()
        _, codes, likelihoods, _ = self._prepare([], evidence, virtual_evidence, None)
        posterior, _ = self._mixture([], codes, likelihoods, None, False)
        return pd.Series(posterior, index=[c.label for c in result.components], name="posterior")

    def query(
        self,
        variables: Sequence[str],
        evidence: Mapping[str, Any] | None = None,
        virtual_evidence: Sequence[DiscreteFactor] | None = None,
        elimination_order: str | Sequence[str] | None = "greedy",
        joint: bool = True,
        show_progress: bool = True,
    ) -> DiscreteFactor | dict[str, DiscreteFactor]:
        """``P(variables | evidence, virtual_evidence)`` under the recovered mixture, exactly.

        Same arguments, in the same order, as pgmpy's ``VariableElimination.query``.

        Parameters
        ----------
        variables : list of str
            Query variables (a single name is accepted too).
        evidence : dict, optional
            Hard evidence ``{variable: state name}``.
        virtual_evidence : list of TabularCPD, optional
            Soft evidence as in pgmpy: single-variable TabularCPDs (or DiscreteFactors) whose values are the
            likelihoods of what was seen given each state; states are matched by name. It may be on a query
            or an evidence variable (as in pgmpy), at most once per variable. It reweights the components
            like hard evidence does (see the module docstring).
        elimination_order : str, list of str or None, default "greedy"
            Passed to each component's pgmpy ``VariableElimination``: one of :data:`ELIMINATION_HEURISTICS`,
            ``None`` (any order), or the list of all variables that are neither queried nor hard evidence.
        joint : bool, default True
            Return the joint factor; with False, a dict of one-variable marginals (as pgmpy does).
        show_progress : bool, default True
            Progress bar over components (honours ``pgmpy.config.SHOW_PROGRESS``).

        Returns
        -------
        pgmpy.factors.discrete.DiscreteFactor or dict of str to DiscreteFactor
            Normalised, axes in the order of ``variables``, states in the model's order.

        Raises
        ------
        UnknownVariableError
            A variable the model does not know (in any argument).
        UnknownStateKeyError
            A state the model does not know (also a ``KeyError``, as pgmpy raises).
        EvidenceTypeError
            ``evidence`` is not a dict (also a ``ValueError``, as pgmpy raises for a list).
        ParameterError
            No variables (checked first, as pgmpy does), a variable both queried and observed, a bad elimination
            order, or virtual evidence given twice for one variable / on several variables at once.
        DataValueError
            The evidence has probability zero under every component, or a malformed likelihood.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork([("A", "B")])
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}),
        ...     TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
        ...                state_names={"B": ["u", "v"], "A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> infer = MixtureInference(m, r)
        >>> infer.query(["A"], show_progress=False).values.tolist()
        [0.75, 0.25]
        >>> infer.query(["A"], {"B": "v"}, show_progress=False).values.round(4).tolist()   # .075 : .2
        [0.2727, 0.7273]
        >>> seen = TabularCPD("B", 2, [[0.3], [0.6]], state_names={"B": ["u", "v"]})   # soft evidence on B
        >>> infer.query(["A"], virtual_evidence=[seen], show_progress=False).values.round(4).tolist()  # .2475 : .135
        [0.6471, 0.3529]
        """
        if evidence is not None and not isinstance(evidence, Mapping):
            raise _evidence_type_error(evidence)
        names = [] if variables is None else self._variable_list(variables)
        if not names:  # checked first, as pgmpy does
            raise ParameterError("the `variables` argument to query() must contain at least one variable")
        variables, codes, likelihoods, order = self._prepare(names, evidence, virtual_evidence, elimination_order)
        _, mix = self._mixture(variables, codes, likelihoods, order, show_progress)
        state_names = {v: self._model_states(v) for v in variables}
        factor = DiscreteFactor(variables, list(mix.shape), mix, state_names=state_names)
        if joint:
            return factor
        return {v: factor.marginalize([u for u in variables if u != v], inplace=False) for v in variables}

    def map_query(
        self,
        variables: Sequence[str] | None = None,
        evidence: Mapping[str, Any] | None = None,
        virtual_evidence: Sequence[DiscreteFactor] | None = None,
        elimination_order: str | Sequence[str] | None = "MinFill",
        show_progress: bool = True,
        *,
        max_cells: int = MAP_MAX_CELLS,
    ) -> dict[str, Hashable]:
        """Most probable joint assignment of ``variables`` under the mixture, given the evidence.

        Same arguments, in the same order, as pgmpy's ``VariableElimination.map_query``. The answer is the
        arg max of the mixture's joint table ``P(variables | e, ve) = sum_t P(t | e, ve) P_t(variables | e, ve)``,
        which in general is not the MAP of any single component. Ties go to the first assignment in the
        order of ``variables`` and their states.

        Parameters
        ----------
        variables : list of str, optional
            Variables to assign; when None or empty (as in pgmpy), every variable that is not hard evidence
            (pgmpy then ignores the evidence; we condition on it).
        evidence, virtual_evidence, elimination_order, show_progress
            As in :meth:`query` (pgmpy's default order here is ``"MinFill"``; ``"greedy"`` also works).
        max_cells : int, default :data:`MAP_MAX_CELLS`
            Largest joint table built; a larger one is refused with a ParameterError instead of exhausting
            memory.

        Returns
        -------
        dict
            ``{variable: state name}`` in the order of ``variables`` (empty when every variable is evidence).

        Raises
        ------
        ParameterError
            The joint table would have more than ``max_cells`` cells; and as :meth:`query`.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork([("A", "B")])
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}),
        ...     TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
        ...                state_names={"B": ["u", "v"], "A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> infer = MixtureInference(m, r)
        >>> infer.map_query(show_progress=False)      # P(x, u) = 0.5 * 0.45 + 0.5 * 0.9
        {'A': 'x', 'B': 'u'}
        >>> infer.map_query(["A"], {"B": "v"}, show_progress=False)
        {'A': 'y'}
        """
        variables, mix = self._joint_table("map_query", variables, evidence, virtual_evidence, elimination_order,
                                           show_progress, max_cells)
        if mix is None:
            return {}
        best = np.unravel_index(int(np.argmax(mix)), mix.shape)
        return {v: self._model_states(v)[int(i)] for v, i in zip(variables, best, strict=True)}

    def max_marginal(
        self,
        variables: Sequence[str] | None = None,
        evidence: Mapping[str, Any] | None = None,
        elimination_order: str | Sequence[str] | None = "MinFill",
        show_progress: bool = True,
        *,
        virtual_evidence: Sequence[DiscreteFactor] | None = None,
        max_cells: int = MAP_MAX_CELLS,
    ) -> float:
        """Largest entry of the mixture's joint table ``P(variables | e, ve)``: the probability of the MAP.

        Same arguments, in the same order, as pgmpy's ``VariableElimination.max_marginal`` (which takes no
        virtual evidence; here it is a keyword). The answer is ``max_x sum_t P(t | e, ve) P_t(variables = x | e,
        ve)``, the probability that :meth:`map_query` with the same arguments attains; under a mixture it is in
        general not the max-marginal of any single component.

        Parameters
        ----------
        variables : list of str, optional
            When None or empty (as in pgmpy), every variable that is not hard evidence.
        evidence, elimination_order, show_progress, virtual_evidence, max_cells
            As in :meth:`map_query`.

        Returns
        -------
        float
            In ``(0, 1]``; 1.0 when every variable is evidence (the empty assignment is certain).

        Raises
        ------
        ParameterError
            The joint table would have more than ``max_cells`` cells; and as :meth:`query`.

        Notes
        -----
        With one observational component and no evidence this is pgmpy's value when ``variables`` is empty or
        contains all its own ancestors, which is what pgmpy's tests check. Otherwise pgmpy's ``max_marginal``
        maximises (instead of summing) over the query's other ancestors and normalises over the query's states
        the table so obtained, and it ignores the evidence when ``variables`` is empty; its number is then not a
        probability of the query's assignment, and this method does not reproduce it.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork([("A", "B")])
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}),
        ...     TabularCPD("B", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["A"], evidence_card=[2],
        ...                state_names={"B": ["u", "v"], "A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> infer = MixtureInference(m, r)
        >>> round(infer.max_marginal(show_progress=False), 9)   # P(x, u) = 0.5 * 0.45 + 0.5 * 0.9
        0.675
        >>> round(infer.max_marginal(["A"], {"B": "v"}, show_progress=False), 4)   # P(y | v) = .2 / .275
        0.7273
        """
        _, mix = self._joint_table("max_marginal", variables, evidence, virtual_evidence, elimination_order,
                                   show_progress, max_cells)
        return 1.0 if mix is None else float(np.max(mix))

    def _joint_table(self, caller: str, variables: Any, evidence: Any, virtual_evidence: Any,
                     elimination_order: Any, show_progress: bool, max_cells: Any) -> tuple[list[str], Any]:
        """The query variables (every non-evidence variable when None or empty) and the mixture's joint table
        ``P(variables | e, ve)`` over them (None without variables), refused beyond ``max_cells`` cells."""
        if evidence is not None and not isinstance(evidence, Mapping):
            raise _evidence_type_error(evidence)
        if isinstance(max_cells, bool) or not isinstance(max_cells, (int, np.integer)) or max_cells < 1:
            raise ParameterError(f"max_cells must be a positive integer, got {max_cells!r}")
        net = self._network
        names = [] if variables is None else self._variable_list(variables)
        if not names:
            hard = {str(k) for k in (evidence or {})}
            names = [v for v in net.variables if v not in hard]
        variables, codes, likelihoods, order = self._prepare(names, evidence, virtual_evidence, elimination_order)
        cells = math.prod(len(net.states[net.index(v)]) for v in variables)
        if cells > max_cells:
            raise ParameterError(
                f"{caller} over {len(variables)} variables needs a joint table of {cells} cells, more than "
                f"max_cells={max_cells}: ask for fewer variables, add evidence, or raise max_cells"
            )
        _, mix = self._mixture(variables, codes, likelihoods, order, show_progress)
        return variables, mix


__all__ = ["ELIMINATION_HEURISTICS", "MAP_MAX_CELLS", "VIRTUAL_STATES", "EvidenceTypeError", "MixtureInference",
           "UnknownStateKeyError", "mutilate", "with_virtual_children"]
