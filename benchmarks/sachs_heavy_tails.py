"""Heavy-tailed components on Sachs: a mixture of multivariate Student-t distributions against the default splitter.

The question: do heavy-tailed components cluster the Sachs data (log scale ``ln(raw + 10)``, 6 conditions, 5846
rows, conditions hidden; loaded with ``sachs.load``) better than the default Gaussian ``MixtureSplitter``? The
issue's goal is 5-7 components, ARI >= 0.40 and purity >= 0.9 for the PKC (G06976), Mek (U0126) and PIP2
(psitectorigenin) inhibitor conditions.

The t-mixture (written here with numpy / scipy) is fitted by EM with the usual latent-scale weights
(McLachlan & Peel 2000, ch. 7): for row ``i`` and component ``k`` with Mahalanobis distance ``delta_ik``, the
E-step gives the responsibility ``tau_ik`` and the weight ``u_ik = (nu_k + d) / (nu_k + delta_ik)``; the M-step
takes ``mu_k = sum tau u x / sum tau u``, ``Sigma_k = sum tau u (x - mu)(x - mu)' / sum tau`` (plus
``reg_covar * I``) and, unless fixed, the degrees of freedom ``nu_k`` as the root of McLachlan & Peel's
equation (7.45), kept in ``[1, 200]``. Columns are standardised first (the t likelihood is affine-equivariant;
this only makes ``reg_covar`` unit-free, as in the default splitter). Each count is started from ``n_init``
k-means partitions (seeded) and the best log-likelihood kept; EM stops when the mean log-likelihood per row moves
by less than ``tol`` or after ``max_iter`` iterations.

Reported per fit: the number of components (BIC minimum over k = 1..12, and fixed k = 6), the ARI against the
conditions, and for PKC / Mek / PIP2 the purity -- the share of the condition's rows in its most common
component -- and, in brackets, ``sachs_defaults.purity`` (the share of that component's rows that come from the
condition). Rows: the t-mixture with random_state 0 and 1 (``nu`` estimated per component; ``fit_t_mixture(...,
nu=4.0)`` holds it fixed, not run here for time), and the default ``MixtureSplitter()`` (BIC over 1..12; on the
simulation ``k_max=12`` is passed so that both models see the same counts) and ``MixtureSplitter(n_components=6)``.
To keep the run short each count gets 2 k-means starts and at most 200 EM iterations, stopping when the mean
log-likelihood per row changes by less than 1e-4.
A plain Gaussian check: one 8-node simulated mixture (``simulate_linear_mixture``, do-interventions on every node,
9 components, 2^13 rows, seed 8000 as ``neurips2024_simulation.py``'s first d = 8 run), components and ARI.

Run::

    nice python benchmarks/sachs_heavy_tails.py      # about 4-5 minutes on a loaded 2-core machine
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.linalg import solve_triangular
from scipy.optimize import brentq
from scipy.special import digamma, gammaln, logsumexp
from sklearn.cluster import KMeans

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sachs import CONDITIONS, DATA, MIXED, load  # noqa: E402
from sachs_defaults import purity as home_precision  # noqa: E402

from pgmpy_mixture.gaussian.metrics import adjusted_rand  # noqa: E402
from pgmpy_mixture.gaussian.scaling import standardise  # noqa: E402
from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture  # noqa: E402

NU_BOUNDS = (1.0, 200.0)
COUNTS = tuple(range(1, 13))
FIXED_K = 6
SHOWN = {"PKC": "g0076", "Mek": "u0126", "PIP2": "psitect"}


@dataclass
class TMixture:
    """A fitted mixture of multivariate t distributions (on standardised columns).

    Attributes
    ----------
    weights : ndarray (K,)
    means : ndarray (K, d)
    scales : ndarray (K, d, d)
        Scale matrices (the covariance is ``nu / (nu - 2)`` times this for ``nu > 2``).
    nu : ndarray (K,)
        Degrees of freedom.
    loglik : float
        Total log-likelihood of the data it was fitted on.
    n_iter : int
        EM iterations of the kept start.
    fixed_nu : bool
        Whether ``nu`` was held fixed (then it is not counted as a parameter).
    """

    weights: np.ndarray
    means: np.ndarray
    scales: np.ndarray
    nu: np.ndarray
    loglik: float
    n_iter: int
    fixed_nu: bool

    @property
    def n_components(self) -> int:
        """Number of components."""
        return len(self.weights)

    def n_parameters(self) -> int:
        """Free parameters: weights, means, scale matrices and (when estimated) one ``nu`` per component."""
        k, d = self.means.shape
        return (k - 1) + k * d + k * d * (d + 1) // 2 + (0 if self.fixed_nu else k)

    def bic(self, n: int) -> float:
        """``-2 log L + p log n``."""
        return -2.0 * self.loglik + self.n_parameters() * np.log(n)

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Most probable component of each row of ``Z`` (standardised like the training data)."""
        log_joint, _ = t_log_joint(Z, self.weights, self.means, self.scales, self.nu)
        return log_joint.argmax(axis=1)


def t_log_joint(Z: np.ndarray, weights: np.ndarray, means: np.ndarray, scales: np.ndarray,
                nu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log of ``weight_k * t_density_k(z_i)`` and the Mahalanobis distances, both ``(n, K)``.

    Parameters
    ----------
    Z : ndarray (n, d)
    weights : ndarray (K,)
    means : ndarray (K, d)
    scales : ndarray (K, d, d)
    nu : ndarray (K,)

    Returns
    -------
    log_joint, delta : ndarray (n, K)
    """
    n, d = Z.shape
    K = len(weights)
    log_joint = np.empty((n, K))
    delta = np.empty((n, K))
    for k in range(K):
        chol = np.linalg.cholesky(scales[k])
        z = solve_triangular(chol, (Z - means[k]).T, lower=True)
        delta[:, k] = np.einsum("ij,ij->j", z, z)
        log_det = 2.0 * np.log(np.diag(chol)).sum()
        log_joint[:, k] = (np.log(weights[k]) + gammaln((nu[k] + d) / 2) - gammaln(nu[k] / 2)
                           - 0.5 * d * np.log(nu[k] * np.pi) - 0.5 * log_det
                           - 0.5 * (nu[k] + d) * np.log1p(delta[:, k] / nu[k]))
    return log_joint, delta


def update_nu(tau: np.ndarray, u: np.ndarray, nu_old: float, d: int) -> float:
    """One component's degrees of freedom: the root of McLachlan & Peel's (7.45), clipped to ``NU_BOUNDS``.

    Parameters
    ----------
    tau : ndarray (n,)
        The component's responsibilities.
    u : ndarray (n,)
        Its latent-scale weights ``(nu_old + d) / (nu_old + delta)``.
    nu_old : float
        The degrees of freedom used in the E-step.
    d : int
        Dimension.

    Returns
    -------
    float
    """
    constant = (1.0 + np.sum(tau * (np.log(u) - u)) / tau.sum()
                + digamma((nu_old + d) / 2) - np.log((nu_old + d) / 2))

    def equation(nu: float) -> float:
        return -digamma(nu / 2) + np.log(nu / 2) + constant

    low, high = NU_BOUNDS
    if equation(high) >= 0:
        return high
    if equation(low) <= 0:
        return low
    return float(brentq(equation, low, high, xtol=1e-4))


def m_step(Z: np.ndarray, tau: np.ndarray, u: np.ndarray,
           reg_covar: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and scale matrices from responsibilities ``tau`` and latent-scale weights ``u``.

    Parameters
    ----------
    Z : ndarray (n, d)
    tau, u : ndarray (n, K)
    reg_covar : float
        Added to the diagonal of every scale matrix.

    Returns
    -------
    weights : ndarray (K,)
    means : ndarray (K, d)
    scales : ndarray (K, d, d)
    """
    n, d = Z.shape
    mass = tau.sum(axis=0) + 10 * np.finfo(float).eps
    tu = tau * u
    means = (tu.T @ Z) / tu.sum(axis=0)[:, None]
    scales = np.empty((tau.shape[1], d, d))
    for k in range(tau.shape[1]):
        diff = Z - means[k]
        scales[k] = (tu[:, k, None] * diff).T @ diff / mass[k] + reg_covar * np.eye(d)
    return mass / n, means, scales


def fit_t_mixture(Z: np.ndarray, k: int, random_state: int, nu: float | None = None, n_init: int = 2,
                  max_iter: int = 200, tol: float = 1e-4, reg_covar: float = 1e-6,
                  initial_labels: np.ndarray | None = None) -> TMixture:
    """EM for a ``k``-component multivariate t mixture, best of ``n_init`` k-means starts.

    Parameters
    ----------
    Z : ndarray (n, d)
        Data (standardised columns).
    k : int
        Number of components.
    random_state : int
        Seeds the k-means starts (start ``s`` uses ``1000 * random_state + s``).
    nu : float, optional
        Fixed degrees of freedom for every component; None estimates one per component (started at 10).
    n_init : int
        k-means starts.
    max_iter : int
        EM iterations per start at most.
    tol : float
        Stop when the mean log-likelihood per row changes by less than this.
    reg_covar : float
    initial_labels : ndarray (n,) of int in ``0 .. k - 1``, optional
        One start from this partition instead of the k-means starts (``sachs_ceiling.py`` starts from the true
        conditions).

    Returns
    -------
    TMixture
    """
    n, d = Z.shape
    best: TMixture | None = None
    for start in range(1 if initial_labels is not None else n_init):
        if initial_labels is not None:
            labels = np.asarray(initial_labels)
        else:
            labels = KMeans(n_clusters=k, n_init=1, random_state=1000 * random_state + start).fit_predict(Z)
        tau = np.eye(k)[labels]
        weights, means, scales = m_step(Z, tau, np.ones_like(tau), reg_covar)
        dof = np.full(k, 10.0 if nu is None else float(nu))
        previous = -np.inf
        for iteration in range(1, max_iter + 1):  # noqa: B007 (kept after the loop)
            log_joint, delta = t_log_joint(Z, weights, means, scales, dof)
            log_norm = logsumexp(log_joint, axis=1)
            mean_ll = float(log_norm.mean())
            tau = np.exp(log_joint - log_norm[:, None])
            u = (dof + d) / (dof + delta)
            if nu is None:
                dof = np.array([update_nu(tau[:, j], u[:, j], dof[j], d) for j in range(k)])
            weights, means, scales = m_step(Z, tau, u, reg_covar)
            if abs(mean_ll - previous) < tol:
                break
            previous = mean_ll
        log_joint, _ = t_log_joint(Z, weights, means, scales, dof)
        loglik = float(logsumexp(log_joint, axis=1).sum())
        if best is None or loglik > best.loglik:
            best = TMixture(weights, means, scales, dof, loglik, iteration, nu is not None)
    assert best is not None
    return best


def t_mixture_runs(Z: np.ndarray, random_state: int, nu: float | None,
                   fixed_k: int) -> tuple[TMixture, TMixture, float]:
    """The BIC-chosen t-mixture over ``COUNTS``, the one at ``fixed_k`` (from the same sweep), and the seconds."""
    start = time.perf_counter()
    fits = {k: fit_t_mixture(Z, k, random_state, nu) for k in sorted(set(COUNTS) | {fixed_k})}
    seconds = time.perf_counter() - start
    chosen = min(fits.values(), key=lambda f: f.bic(len(Z)))
    return chosen, fits[fixed_k], seconds


def condition_purity(true_labels: np.ndarray, labels: np.ndarray, condition: int) -> float:
    """Share of ``condition``'s rows that fall in its most common component.

    Parameters
    ----------
    true_labels, labels : ndarray (n,) of int
    condition : int

    Returns
    -------
    float
    """
    mine = labels[true_labels == condition]
    return float(np.bincount(mine).max() / len(mine))


def purity_cell(true_labels: np.ndarray, labels: np.ndarray) -> str:
    """``PKC / Mek / PIP2`` purities, with ``sachs_defaults.purity`` (home-component precision) in brackets."""
    codes = [next(i for i, (name, _) in enumerate(CONDITIONS) if name == SHOWN[s]) for s in SHOWN]
    share = " / ".join(f"{condition_purity(true_labels, labels, c):.2f}" for c in codes)
    precision = " / ".join(f"{home_precision(true_labels, labels, c):.2f}" for c in codes)
    return f"{share} ({precision})"


def row(data: str, model: str, rule: str, k: int, true_labels: np.ndarray, labels: np.ndarray, nu: str,
        seconds: float, with_purity: bool = True) -> str:
    """One markdown table row."""
    cell = purity_cell(true_labels, labels) if with_purity else "-"
    return (f"| {data} | {model} | {rule} | {k} | {adjusted_rand(true_labels, labels):.3f} | {cell} | {nu} | "
            f"{seconds:.0f} |")


def nu_text(fit: TMixture) -> str:
    """Degrees of freedom of a fit: the fixed value, or median [min, max] over components."""
    if fit.fixed_nu:
        return f"{fit.nu[0]:g} (fixed)"
    return f"{np.median(fit.nu):.1f} [{fit.nu.min():.1f}, {fit.nu.max():.1f}]"


def gaussian_rows(data: str, X: np.ndarray, true_labels: np.ndarray, fixed_k: int, with_purity: bool) -> list[str]:
    """The default ``MixtureSplitter`` (BIC over 1..12) and the same at ``fixed_k`` components."""
    from pgmpy_mixture.adapters.causallearn import MixtureSplitter

    out = []
    for rule, settings in (("BIC 1..12", {"k_max": max(COUNTS)}), (f"k = {fixed_k}", {"n_components": fixed_k})):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sp = MixtureSplitter(**settings).fit(X)
        out.append(row(data, "Gaussian `MixtureSplitter()` (default)", rule, sp.n_components_, true_labels,
                       sp.labels_, "-", time.perf_counter() - start, with_purity))
        print(out[-1], flush=True)
    return out


def t_rows(data: str, X: np.ndarray, true_labels: np.ndarray, random_state: int, nu: float | None, fixed_k: int,
           with_purity: bool) -> list[str]:
    """The t-mixture chosen by BIC and the one at ``fixed_k`` components, for one seed."""
    Z = standardise(X)[0]
    chosen, at_k, seconds = t_mixture_runs(Z, random_state, nu, fixed_k)
    name = f"t-mixture, random_state {random_state}"
    out = []
    for rule, fit in ((f"BIC 1..{max(COUNTS)}", chosen), (f"k = {fixed_k}", at_k)):
        out.append(row(data, name, rule, fit.n_components, true_labels, fit.predict(Z), nu_text(fit), seconds,
                       with_purity))
        print(out[-1], flush=True)
    return out


def main() -> int:
    """Print the table (rows also printed as they come)."""
    if not (DATA / MIXED).exists():
        print(f"skipping: {DATA / MIXED} not found")
        return 0
    header = ("| data | model | count rule | k | ARI | purity PKC / Mek / PIP2 (home precision) | nu median [min, max] "
              "| sweep s |\n|---|---|---|---|---|---|---|---|")
    print(header, flush=True)
    X, true_labels, *_ = load("log")
    rows: list[str] = []
    for random_state, nu in ((0, None), (1, None)):
        rows += t_rows("Sachs log", X, true_labels, random_state, nu, FIXED_K, True)
    rows += gaussian_rows("Sachs log", X, true_labels, FIXED_K, True)
    sim = simulate_linear_mixture(n_nodes=8, n_samples=2**13, targets="all", kind="do", random_state=8000)
    k_sim = sim.n_components
    rows += t_rows(f"sim d=8 (true k {k_sim})", sim.data, sim.labels, 0, None, k_sim, False)
    rows += gaussian_rows(f"sim d=8 (true k {k_sim})", sim.data, sim.labels, k_sim, False)
    print("\n" + header + "\n" + "\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
