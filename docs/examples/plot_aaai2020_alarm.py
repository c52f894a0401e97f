"""
Weights from marginals against sample size on ALARM (AAAI 2020, Figure 1)
=========================================================================

DIMM (Sinha et al., AAAI 2020) finds the weights of a mixture of single-node interventions from nothing but the
per-variable marginals of the mixed data, as a dashboard shows them, given the network. This is a small version of
the paper's Appendix E Figure 1 on the ALARM network (37 nodes, 105 states): nine interventions with random
weights summing to 0.8 beside an observational weight of 0.2, one excluded state per node (Assumption 1), and
the marginals of M samples. The error is the mean absolute error over all 105 interventional weights.

``method="dimm"`` is the paper's OPT(epsilon); ``method="bayes"`` (the default) and ``method="em"`` (Appendix D,
which needs the joint samples) are shown beside it. The full grid is ``benchmarks/aaai2020_alarm.py``.
"""

# %%
# The mixture: nine (variable, state) interventions drawn among the states that are not excluded.
import warnings

import matplotlib.pyplot as plt
import numpy as np

import pgmpy_mixture as pm

model = pm.load_example("alarm")
network = pm.network_from_pgmpy(model)
rng = np.random.default_rng(2020)
excluded = {v: s[rng.integers(len(s))] for v, s in zip(network.variables, network.states, strict=True)}
allowed = [{v: s} for v, states in zip(network.variables, network.states, strict=True) for s in states
           if s != excluded[v]]
chosen = [allowed[i] for i in rng.choice(len(allowed), 9, replace=False)]
raw = rng.random(9)
truth = {pm.result.format_target(t): w for t, w in zip(chosen, 0.8 * raw / raw.sum(), strict=True)}
n_weights = sum(len(s) for s in network.states)


def mean_absolute_error(result) -> float:
    """Over every (variable, state) weight: the true ones and the zeros of the interventions not in the mixture."""
    found = {c.label: c.weight for c in result.components if c.target}
    errors = [abs(found.get(label, 0.0) - w) for label, w in truth.items()]
    errors += [w for label, w in found.items() if label not in truth]
    return float(np.sum(errors) / n_weights)


# %%
# The marginals of M samples of the mixture, for growing M. Each method is given what it needs: DIMM and bayes
# the marginals (computed from the samples here), EM the samples themselves.
SIZES = [1_000, 10_000, 100_000]
METHODS = ["dimm", "bayes", "em"]
OPTIONS = {"dimm": {"n_restarts": 2, "random_state": 0}}  # the paper used 60 restarts: slower, hardly better
mae = {method: [] for method in METHODS}
for m in SIZES:
    data, _ = pm.sample_frame(network, [{}, *chosen], [0.2, *(0.8 * raw / raw.sum())], m, rng=rng)
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # finite-sample warnings (positivity, estimation) are expected here
            result = pm.disentangle_marginals(model, data=data, method=method, **OPTIONS.get(method, {}))
        if method == "bayes":
            default_result = result
        mae[method].append(mean_absolute_error(result))

# %%
# The errors of bayes and EM fall with the sample size. DIMM's OPT(epsilon) is non-convex: with two SLSQP
# restarts its error levels off (the paper used 60 restarts; the benchmark draws both).
fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
for method, marker in zip(METHODS, "os^", strict=True):
    ax.plot(SIZES, mae[method], marker=marker, label=method)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("samples M behind the marginals")
ax.set_ylabel("mean absolute error of the 105 weights")
ax.set_title("ALARM, 9 interventions, observational weight 0.2")
ax.grid(alpha=0.3, which="both")
ax.legend(title="method")
plt.show()

# %%
# The heaviest components recovered by the default method from the largest sample, with the truth:
for component in default_result.components[:4]:
    true = truth.get(component.label, 0.0) if component.target else 0.2
    print(f"{component.label:28s} {component.weight:.3f}   (true {true:.3f})")
