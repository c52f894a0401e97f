"""Input validation, in one place: data frames, weights, marginals, matrices and options are checked here.

Every check raises a :mod:`pgmpy_mixture.errors` exception that names the culprit (variable, state, column, row
or option) and never modifies the caller's objects. One module per kind of input:

* :mod:`~pgmpy_mixture.validation.frames` -- data frames of samples, their columns and weight column;
* :mod:`~pgmpy_mixture.validation.encoding` -- state names to integer codes;
* :mod:`~pgmpy_mixture.validation.marginals` -- per-variable marginals (aggregate observations);
* :mod:`~pgmpy_mixture.validation.matrices` -- continuous data matrices;
* :mod:`~pgmpy_mixture.validation.parameters` -- scalar options and the methods' declared options;
* :mod:`~pgmpy_mixture.validation.sizes` -- the memory of large arrays, before they are allocated.
"""

from pgmpy_mixture.validation.encoding import (
    encode_column,
    encode_samples,
    error_witnesses,
    raise_first_error,
    smallest_code_dtype,
    state_codes,
)
from pgmpy_mixture.validation.frames import (
    EXACT_SUM_TOLERANCE,
    PROBABILITY_SUM_TOLERANCE,
    PROBABILITY_TOLERANCE,
    SMALLEST_FRACTIONAL_SAMPLE,
    check_columns,
    check_dataframe,
    check_weight_total,
    check_weights,
    empty_data_error,
    frequency_sample_size,
    is_probability_table,
    weights_are_probabilities,
    zero_weights_error,
)
from pgmpy_mixture.validation.marginals import MARGINAL_SUM_TOLERANCE, check_marginals
from pgmpy_mixture.validation.matrices import (
    RESHAPE_HINT,
    check_fit_matrix,
    check_numeric_matrix,
    check_prediction_matrix,
)
from pgmpy_mixture.validation.parameters import (
    Option,
    check_choice,
    check_n_jobs,
    check_options,
    check_probability,
    check_test_level,
)
from pgmpy_mixture.validation.sizes import MEMORY_LIMIT_VARIABLE, check_allocation, format_bytes, memory_limit

__all__ = [
    "EXACT_SUM_TOLERANCE",
    "MARGINAL_SUM_TOLERANCE",
    "MEMORY_LIMIT_VARIABLE",
    "Option",
    "PROBABILITY_SUM_TOLERANCE",
    "PROBABILITY_TOLERANCE",
    "SMALLEST_FRACTIONAL_SAMPLE",
    "RESHAPE_HINT",
    "check_choice",
    "check_columns",
    "check_dataframe",
    "check_fit_matrix",
    "check_marginals",
    "check_n_jobs",
    "check_numeric_matrix",
    "check_options",
    "check_prediction_matrix",
    "check_probability",
    "check_test_level",
    "check_allocation",
    "check_weight_total",
    "check_weights",
    "empty_data_error",
    "encode_column",
    "encode_samples",
    "error_witnesses",
    "format_bytes",
    "frequency_sample_size",
    "is_probability_table",
    "memory_limit",
    "raise_first_error",
    "smallest_code_dtype",
    "state_codes",
    "weights_are_probabilities",
    "zero_weights_error",
]
