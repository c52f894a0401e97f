"""DIMM (AAAI 2020) under the module path of earlier releases: the entry point and every solver.

The aggregate methods now live one per module (:mod:`~pgmpy_mixture.aggregate.system`,
:mod:`~pgmpy_mixture.aggregate.exact`, :mod:`~pgmpy_mixture.aggregate.opt_epsilon` (the paper's own estimator,
OPT(epsilon) by SLSQP), :mod:`~pgmpy_mixture.aggregate.nnls`, :mod:`~pgmpy_mixture.aggregate.bayes`,
:mod:`~pgmpy_mixture.aggregate.em`, :mod:`~pgmpy_mixture.aggregate.disentangle`); this module only names them
under ``pgmpy_mixture.aggregate.dimm`` so that earlier imports keep working. Nothing inside the package imports it.
"""

from pgmpy_mixture.aggregate.bayes import solve_bayes
from pgmpy_mixture.aggregate.disentangle import METHODS, as_network, disentangle_marginals
from pgmpy_mixture.aggregate.em import solve_em
from pgmpy_mixture.aggregate.exact import solve_exact
from pgmpy_mixture.aggregate.nnls import ADAPTIVE_LADDER, ADAPTIVE_P_VALUE, EXACT_SAMPLE_SIZE, solve_nnls
from pgmpy_mixture.aggregate.opt_epsilon import solve_dimm
from pgmpy_mixture.aggregate.system import MarginalSystem, all_targets, chi_square_weights, flat_labels, opt_objective

__all__ = [
    "ADAPTIVE_LADDER",
    "ADAPTIVE_P_VALUE",
    "EXACT_SAMPLE_SIZE",
    "METHODS",
    "MarginalSystem",
    "all_targets",
    "as_network",
    "chi_square_weights",
    "disentangle_marginals",
    "flat_labels",
    "opt_objective",
    "solve_bayes",
    "solve_dimm",
    "solve_em",
    "solve_exact",
    "solve_nnls",
]
