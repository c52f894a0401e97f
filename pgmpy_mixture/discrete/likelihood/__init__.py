"""The likelihood method (ours): UAI 2021's recursion over the topological order with maximum-likelihood lifts
over every row, in stages -- :mod:`~.inputs` (P(V), rows, penalty), :mod:`~.lifts` (one lift per variable, with
:mod:`~.problem` and :mod:`~.cells`), :mod:`~.polish` (joint weights and Wald intervals) and :mod:`~.method` (the
entry point, :func:`disentangle_likelihood`, and the result)."""

from pgmpy_mixture.discrete.likelihood.inputs import local_penalty
from pgmpy_mixture.discrete.likelihood.method import disentangle_likelihood
from pgmpy_mixture.discrete.mixing_weights import constrained_covariance

__all__ = ["constrained_covariance", "disentangle_likelihood", "local_penalty"]
