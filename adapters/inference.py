"""Exact inference under a recovered mixture of interventions, as a pgmpy ``Inference`` subclass.

Reached as :class:`pgmpy_mixture.adapters.pgmpy.MixtureInference` (loaded lazily because importing
``pgmpy.inference`` is slow and noisy).

For a mixture ``sum_t pi_t P_t`` of interventional distributions, a query given evidence ``e`` is

    P(Q | e) = sum_t pi_t P_t(Q, e) / sum_t pi_t P_t(e),

and the posterior over components is ``P(t | e) = pi_t P_t(e) / sum_s pi_s P_s(e)``. Each ``P_t`` is
the network mutilated by ``do(t)`` (incoming edges cut, point-mass CPD), queried exactly with pgmpy's
:class:`~pgmpy.inference.VariableElimination`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # pgmpy.inference imports its deprecated StructureScore (FutureWarning)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy\..*")
    from pgmpy.factors.discrete import DiscreteFactor
    from pgmpy.inference import VariableElimination
    from pgmpy.inference.base import Inference

from pgmpy_mixture.adapters.pgmpy import disentangle_mixture, network_from_pgmpy, network_to_pgmpy
from pgmpy_mixture.errors import DataTypeError, DataValueError, ParameterError
from pgmpy_mixture.network import NOT_INTERVENED, CausalNetwork
from pgmpy_mixture.result import MixtureResult


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


class MixtureInference(Inference):
    """Queries under a mixture of interventions recovered from data (pgmpy ``Inference`` subclass).

    Parameters
    ----------
    model : pgmpy.models.DiscreteBayesianNetwork
        Model with CPDs (``check_model()`` must pass); its CPDs are the observational P(V).
    result : MixtureResult, optional
        A result obtained earlier (for example from ``model.disentangle_mixture``); otherwise call
        :meth:`disentangle`.

    Attributes
    ----------
    network_ : CausalNetwork
        The model converted to the framework-free network.
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
    >>> print(round(float(infer.query(["B"]).get_value(B="u")), 9))
    0.74
    """

    def __init__(self, model: Any, result: MixtureResult | None = None) -> None:
        self.network_ = network_from_pgmpy(model)  # runs check_model(), naming the problem
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

    def _check_names(self, variables: Sequence[str], evidence: Mapping[str, Any]) -> tuple[list[str], dict]:
        net = self._network
        if isinstance(variables, str):
            variables = [variables]
        variables = [str(v) for v in variables]
        for v in list(variables) + [str(k) for k in evidence]:
            net.index(v)  # raises UnknownVariableError naming v
        if len(set(variables)) != len(variables):
            raise ParameterError(f"query variables {variables} contain a duplicate")
        both = set(variables) & {str(k) for k in evidence}
        if both:
            raise ParameterError(f"variable {sorted(both)[0]!r} is both queried and given as evidence")
        codes = {str(k): net.state_code(str(k), s) for k, s in evidence.items()}
        return variables, codes

    def _component_tables(self, variables: list[str], evidence: dict[str, int],
                          show_progress: bool) -> np.ndarray:
        """Array (m, *cards of variables): ``P_t(variables, e)`` for every component t."""
        net = self._network
        scope = variables + list(evidence)
        cards = [len(net.states[net.index(v)]) for v in variables]
        m = len(self.result_.components)
        out = np.zeros((m, *cards))
        components = range(m)
        if show_progress:
            from tqdm.auto import tqdm

            components = tqdm(components, desc="components", total=m)
        for k in components:
            if not scope:
                out[k] = 1.0
                continue
            factor = self._engine(k).query(scope, joint=True, show_progress=False)
            values = np.transpose(np.asarray(factor.values, dtype=float), [factor.variables.index(v) for v in scope])
            for v in scope:  # align state order with the network's
                names = [str(s) for s in factor.state_names[v]]
                wanted = list(net.states[net.index(v)])
                if names != wanted:
                    axis = scope.index(v)
                    values = np.take(values, [names.index(s) for s in wanted], axis=axis)
            index = tuple([slice(None)] * len(variables) + [evidence[v] for v in evidence])
            out[k] = values[index]
        return out

    # ------------------------------------------------------------------ queries
    def component_posterior(self, evidence: Mapping[str, Any] | None = None) -> pd.Series:
        """Posterior over components given partial evidence ``{variable: state}`` about one unit.

        ``P(t | e) = pi_t P_t(e) / sum_s pi_s P_s(e)``; with no evidence this is the weights.

        Returns
        -------
        pandas.Series
            Indexed by component label (``do(...)`` / ``observational``), sums to 1.

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork(); m.add_node("A")
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> MixtureInference(m, r).component_posterior({"A": "x"}).round(4).tolist()
        [0.3333, 0.6667]
        """
        result = self._require_result()
        evidence = dict(evidence or {})
        _, codes = self._check_names([], evidence)
        likelihood = self._component_tables([], codes, False).reshape(len(result.components))
        joint = result.weights * likelihood
        total = joint.sum()
        if total <= 0:
            raise DataValueError(f"evidence {evidence} has probability zero under every recovered component")
        return pd.Series(joint / total, index=[c.label for c in result.components], name="posterior")

    def query(
        self,
        variables: Sequence[str],
        evidence: Mapping[str, Any] | None = None,
        *,
        joint: bool = True,
        show_progress: bool = False,
    ) -> DiscreteFactor | dict[str, DiscreteFactor]:
        """``P(variables | evidence)`` under the recovered mixture, exactly.

        Parameters
        ----------
        variables : list of str
            Query variables.
        evidence : dict, optional
            ``{variable: state name}``.
        joint : bool, default True
            Return the joint factor; with False, a dict of one-variable marginals (as pgmpy does).
        show_progress : bool, default False
            Progress bar over components.

        Returns
        -------
        pgmpy.factors.discrete.DiscreteFactor or dict of str to DiscreteFactor

        Examples
        --------
        >>> from pgmpy.models import DiscreteBayesianNetwork
        >>> from pgmpy.factors.discrete import TabularCPD
        >>> from pgmpy_mixture.result import Component
        >>> m = DiscreteBayesianNetwork(); m.add_node("A")
        >>> m.add_cpds(TabularCPD("A", 2, [[0.5], [0.5]], state_names={"A": ["x", "y"]}))
        >>> r = MixtureResult([Component({}, 0.5), Component({"A": "x"}, 0.5)], "exact")
        >>> MixtureInference(m, r).query(["A"]).values.tolist()
        [0.75, 0.25]
        """
        result = self._require_result()
        evidence = dict(evidence or {})
        variables, codes = self._check_names(variables, evidence)
        if not variables:
            raise ParameterError("query needs at least one variable")
        tables = self._component_tables(variables, codes, show_progress)
        mix = np.tensordot(result.weights, tables, axes=1)
        total = mix.sum()
        if total <= 0:
            raise DataValueError(f"evidence {evidence} has probability zero under every recovered component")
        mix = mix / total
        net = self._network
        state_names = {v: list(net.states[net.index(v)]) for v in variables}
        factor = DiscreteFactor(variables, list(mix.shape), mix, state_names=state_names)
        if joint:
            return factor
        return {
            v: factor.marginalize([u for u in variables if u != v], inplace=False) for v in variables
        }


__all__ = ["MixtureInference", "mutilate"]
