"""Gaussian mixtures of interventions on a linear SEM with unknown graph: Mixture-UTIGSP (Kumar, Shiragur & Uhler,
NeurIPS 2024) and our sparse-shift SEM mixture. One module per job:

* :mod:`~pgmpy_mixture.gaussian.mixture_utigsp` -- the method: fit, choose the count, identify the observational
  component, targets, order and DAG (:func:`~pgmpy_mixture.gaussian.mixture_utigsp.fit_mixture_utigsp`);
* :mod:`~pgmpy_mixture.gaussian.shared_sem` -- EM for components that share every mechanism but their targets;
* :mod:`~pgmpy_mixture.gaussian.candidates` -- candidate mixtures and the choice of their number (Algorithm 1
  steps 1-2);
* :mod:`~pgmpy_mixture.gaussian.regression` -- regressions, Wald statistics and pooled moments from component
  moments;
* :mod:`~pgmpy_mixture.gaussian.density` -- Gaussian and mixture log-densities;
* :mod:`~pgmpy_mixture.gaussian.blocks` -- memory-bounded passes over the rows: component moments, EM;
* :mod:`~pgmpy_mixture.gaussian.graphs` -- the interventional essential graph (v-structures, targets, Meek's rules);
* :mod:`~pgmpy_mixture.gaussian.result` -- the immutable results, ``GaussianMixtureFit`` and ``SharedSEMFit``;
* :mod:`~pgmpy_mixture.gaussian.metrics` -- evaluation against a known truth (matching by moments, SHD, Jaccard, ...);
* :mod:`~pgmpy_mixture.gaussian.simulate` -- the paper's linear SEM simulator;
* :mod:`~pgmpy_mixture.gaussian.plot` -- pictures of a fit (matplotlib, the ``plot`` extra).
"""
