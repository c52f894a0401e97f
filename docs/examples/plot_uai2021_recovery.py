"""
Recovery against sample size (UAI 2021, Figure 1)
=================================================

DISENTANGLE (Kumar & Sinha, UAI 2021) recovers the targets and weights of a mixture of unknown interventions on a
known discrete network. This is a small version of the paper's Figure 1: random Erdos-Renyi networks with
Dirichlet(2) CPDs and random mixtures that satisfy the exclusion assumption, each disentangled from samples of
growing size, scored by Appendix F's recall (share of the true components found) and weight RMSE. The paper's
method (``method="paper"``) is drawn beside the likelihood method of this package (``method="likelihood"``).

The full grid is ``benchmarks/uai2021_simulation.py``.
"""

# %%
# The simulation: 4 networks of 5 nodes with 3 states, each with a random mixture, sampled at four sizes. The
# observational samples that fit the CPDs have the same size as the mixture.
import warnings

import matplotlib.pyplot as plt
import numpy as np

import pgmpy_mixture as pm

SIZES = [300, 1_000, 3_000, 10_000]
METHODS = ["paper", "likelihood"]
scores = {method: np.zeros((len(SIZES), 4, 2)) for method in METHODS}  # (size, instance, [recall, rmse])

for instance in range(4):
    rng = np.random.default_rng([2021, instance])
    network = pm.random_network(5, n_states=3, graph="er", rng=rng)
    spec = pm.random_mixture(network, rng=rng)
    truth = spec.components(network)
    for i, m in enumerate(SIZES):
        data, _ = pm.sample_frame(network, spec.targets, spec.weights, m, rng=rng)
        observational, _ = pm.sample_frame(network, np.full((1, 5), -1), [1.0], m, rng=rng)
        for method in METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # finite samples break positivity now and then: expected here
                result = pm.disentangle_mixture(network, data, observational=observational, method=method)
            found = pm.evaluate(truth, result.components, network=network)
            scores[method][i, instance] = found["recall"], found["rmse"]

# %%
# The likelihood method's recall rises towards 1 and its weight error falls as the sample grows. The paper's
# method needs far more samples for the same recall (its Figure 1 goes to a million): its pruning at ``epsilon``
# loses the small components first.
fig, (ax_recall, ax_rmse) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
for method, marker in zip(METHODS, "os", strict=True):
    mean = scores[method].mean(axis=1)
    ax_recall.plot(SIZES, mean[:, 0], marker=marker, label=method)
    ax_rmse.plot(SIZES, mean[:, 1], marker=marker, label=method)
for ax, label in [(ax_recall, "recall"), (ax_rmse, "weight RMSE")]:
    ax.set_xscale("log")
    ax.set_xlabel("samples (mixture and observational)")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
ax_recall.set_ylim(0, 1.05)
ax_recall.legend(title="method")
fig.suptitle("Random ER networks, 5 nodes, 3 states (mean of 4 mixtures)")
plt.show()

# %%
# The last mixture, as recovered from 10 000 samples by the likelihood method:
print(result)
