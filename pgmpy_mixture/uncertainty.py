"""Uncertainty of a recovered mixture: bootstrap intervals and existence frequencies.

Two kinds of interval are offered:

* **Observed-information (Wald) intervals**, computed by ``method="likelihood"`` at its final fit and stored
  on every :class:`~pgmpy_mixture.result.Component` (``stderr``); read them with
  :meth:`MixtureResult.confidence_intervals <pgmpy_mixture.result.MixtureResult.confidence_intervals>`. They
  condition on the recovered set of targets and treat the network as known. The component's
  ``existence`` score is ``Phi(weight / stderr)``: the one-sided Wald confidence that its weight is positive.
* **Bootstrap intervals** (:func:`bootstrap`), for any registered method: the count table is resampled
  multinomially (a row bootstrap that never expands the data), the method is re-run, and each target of
  the original fit gets percentile limits of its weight (0 in replicates that miss it) and its existence
  frequency, the fraction of replicates in which it is found. When the CPDs are fitted from observational
  samples (``observational=`` passed on to the method), that table is resampled too, independently, so the
  intervals include the error of the fitted P(V) as well.

Targets are identified exactly (same variables, same states; :mod:`pgmpy_mixture.targets`), as in the accuracy
measures of UAI 2021, Appendix F.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import to_count_table
from pgmpy_mixture.errors import DataTypeError, DataValueError, MixtureError, ParameterError
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.model.structure import NetworkStructure
from pgmpy_mixture.result import MixtureResult
from pgmpy_mixture.targets import match_targets, target_key
from pgmpy_mixture.validation.parameters import check_random_generator

__all__ = ["bootstrap", "interval_coverage", "resample_counts"]


def resample_counts(counts: CountTable, rng: np.random.Generator) -> CountTable:
    """One multinomial bootstrap replicate of a count table (same total, rows drawn with replacement).

    Examples
    --------
    >>> import numpy as np
    >>> t = CountTable.from_codes(np.array([[0]] * 30 + [[1]] * 70), ["A"], [["x", "y"]])
    >>> r = resample_counts(t, np.random.default_rng(0))
    >>> r.total, r.variables
    (100.0, ('A',))
    """
    if counts.is_distribution:
        raise DataValueError("an exact probability table has no sampling noise to bootstrap")
    total = int(round(counts.total))
    draws = rng.multinomial(total, counts.probabilities).astype(np.float64)
    return CountTable.from_codes(counts.codes, counts.variables, counts.states, draws, is_distribution=False)


def bootstrap(
    network: CausalNetwork,
    counts: CountTable,
    *,
    method: str = "likelihood",
    n_boot: int = 50,
    level: float = 0.95,
    rng=None,
    result: MixtureResult | None = None,
    progress: bool = False,
    **options,
) -> pd.DataFrame:
    """Percentile bootstrap intervals and existence frequencies for the targets of a fit.

    Parameters
    ----------
    network : CausalNetwork
    counts : CountTable, DataFrame or any source :func:`~pgmpy_mixture.data.ingest.to_count_table` reads
        Mixture samples (not an exact table).
    method : str
        Any method registered in :mod:`pgmpy_mixture.api`.
    n_boot : int
        Number of bootstrap replicates.
    level : float
        Confidence level of the percentile intervals.
    rng : numpy.random.Generator, int or None, optional
        Seed of the resampling (a :class:`~pgmpy_mixture.errors.ParameterError` for anything else).
    result : MixtureResult, optional
        The fit on the original data (computed when omitted).
    progress : bool
        Show a tqdm bar over the replicates.
    **options
        Passed to the method. An ``observational`` count table (CPDs fitted from samples) is resampled in
        every replicate as well, so the intervals carry the CPD estimation error too.

    Returns
    -------
    pandas.DataFrame
        One row per component of ``result``: ``target``, ``weight``, ``lower``, ``upper``, ``existence``
        (fraction of replicates that found the target).

    Examples
    --------
    >>> import numpy as np
    >>> from pgmpy_mixture.discrete.simulate import sample_mixture
    >>> net = CausalNetwork.from_tables(["A"], {"A": ["x", "y", "z"]}, {}, {"A": np.array([.2, .3, .5])})
    >>> codes, _ = sample_mixture(net, [{}, {"A": "y"}], [.6, .4], 2000, rng=0)
    >>> table = CountTable.from_codes(codes, net.variables, net.states)
    >>> frame = bootstrap(net, table, n_boot=10, rng=1)
    >>> frame["target"].tolist(), bool((frame["lower"] <= frame["weight"]).all())
    (['observational', 'do(A=y)'], True)
    """
    from pgmpy_mixture.api import disentangle_mixture

    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ParameterError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if isinstance(level, (bool, np.bool_)) or not isinstance(level, (int, float, np.integer, np.floating)) \
            or not 0 < level < 1:
        raise ParameterError(f"level must be a number in (0, 1), got {level!r}")
    rng = check_random_generator("rng", rng)
    if not isinstance(network, CausalNetwork | NetworkStructure):
        raise DataTypeError(f"network must be a CausalNetwork or a NetworkStructure, got {type(network).__name__}")
    if result is not None and not isinstance(result, MixtureResult):
        raise DataTypeError(f"result must be a MixtureResult or None, got {type(result).__name__}")
    if isinstance(network, CausalNetwork):  # any data source, read once: every replicate resamples the same table
        counts = to_count_table(counts, network.variables, network.states)
    elif not isinstance(counts, CountTable):
        raise DataTypeError(f"counts must be a CountTable when network is a NetworkStructure, got "
                            f"{type(counts).__name__}")
    if counts.is_distribution:
        raise DataValueError("counts is an exact probability table: it has no sampling noise to bootstrap")
    observational = options.get("observational")
    if isinstance(network, CausalNetwork) and observational is not None and not isinstance(observational,
                                                                                          CountTable):
        try:
            observational = to_count_table(observational, network.variables, network.states)
        except MixtureError as exc:
            raise type(exc)(f"observational samples: {exc}") from exc
        options["observational"] = observational
    if result is None:
        result = disentangle_mixture(network, counts, method=method, **options)
    index = {target_key(c.target): i for i, c in enumerate(result.components)}  # the targets of a result are distinct
    draws = np.zeros((n_boot, len(index)))
    iterator = range(n_boot)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="bootstrap", unit="fit")
    resample_observational = isinstance(observational, CountTable) and not observational.is_distribution
    for b in iterator:
        if resample_observational:
            options["observational"] = resample_counts(observational, rng)
        replicate = disentangle_mixture(network, resample_counts(counts, rng), method=method, **options)
        for c in replicate.components:
            i = index.get(target_key(c.target))
            if i is not None:
                draws[b, i] = c.weight
    alpha = (1 - level) / 2
    return pd.DataFrame(
        {
            "target": [c.label for c in result.components],
            "weight": result.weights,
            "lower": np.quantile(draws, alpha, axis=0),
            "upper": np.quantile(draws, 1 - alpha, axis=0),
            "existence": (draws > 0).mean(axis=0),
        }
    )


def interval_coverage(result: MixtureResult, true_components, level: float = 0.95) -> pd.DataFrame:
    """Which true weights the stored intervals of ``result`` cover (targets matched exactly).

    Parameters
    ----------
    result : MixtureResult
        A fit whose components carry ``stderr``.
    true_components : iterable of Component
        The true mixture.
    level : float

    Returns
    -------
    pandas.DataFrame
        One row per true target that was recovered (each recovered target pairs with at most one true target),
        in the order of ``true_components``: ``target``, ``true``, ``weight``, ``lower``, ``upper``, ``covered``.

    Examples
    --------
    >>> from pgmpy_mixture.result import Component
    >>> fit = MixtureResult([Component({}, 0.62, stderr=0.02), Component({"A": "y"}, 0.38, stderr=0.02)], "demo")
    >>> interval_coverage(fit, [Component({}, 0.6), Component({"A": "y"}, 0.4)])["covered"].tolist()
    [True, True]
    """
    table = result.confidence_intervals(level)
    true_components = list(true_components)
    matching = match_targets([c.target for c in true_components], [c.target for c in result.components])
    rows = []
    for t, i in matching.pairs:
        comp = true_components[t]
        lo, hi = float(table["lower"].iloc[i]), float(table["upper"].iloc[i])
        rows.append(
            {
                "target": comp.label,
                "true": comp.weight,
                "weight": float(table["weight"].iloc[i]),
                "lower": lo,
                "upper": hi,
                "covered": lo <= comp.weight <= hi,
            }
        )
    return pd.DataFrame(rows, columns=["target", "true", "weight", "lower", "upper", "covered"])
