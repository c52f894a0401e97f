"""Mixtures of single-node interventions from aggregate observations (DIMM, AAAI 2020), one solver per module.

:func:`disentangle_marginals` is the entry point; the solvers work on a
:class:`~pgmpy_mixture.aggregate.system.MarginalSystem`.
"""

from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.disentangle import disentangle_marginals
from pgmpy_mixture.aggregate.em import solve_em
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.nnls import solve_nnls
from pgmpy_mixture.aggregate.opt_epsilon import solve_dimm
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets, flat_labels, opt_objective

__all__ = [
    "MarginalSystem",
    "all_targets",
    "disentangle_marginals",
    "flat_labels",
    "opt_objective",
    "solve_bayes",
    "solve_dimm",
    "solve_em",
    "solve_exact",
    "solve_nnls",
]
