"""Binomial limits for rates (the Wilson score interval and the funnel-plot control limits), the pieces of a
test across many reps (normal tails, Benjamini–Hochberg, the chi-square tail, winsorising), the
beta-binomial fit that shrinks rates, and Welch's t test for comparing mean ratings. Pure numpy and the
standard library: scipy is only the tests' oracle, and stays off the app's import path.

The Wilson interval is the set of rates p for which |r − p| ≤ z·√(p(1−p)/n), so a rate whose Wilson upper
bound lies below p0 is exactly a rate plotted below the funnel's lower limit p0 − z·√(p0(1−p0)/n).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 1.96 for 0.95, 3.09 for 0.998."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def normal_cdf(z) -> np.ndarray:
    """Φ(z), element-wise; exact in the far lower tail too (Φ(−10) ≈ 7.6e-24), where 1 − Φ(10) would be 0."""
    z = np.asarray(z, dtype=float)
    return 0.5 * np.vectorize(math.erfc, otypes=[float])(-z / math.sqrt(2)) if z.size else z.copy()


def normal_quantile(p: float) -> float:
    """Φ⁻¹(p) for 0 < p < 1."""
    return NormalDist().inv_cdf(p)


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (the step-up rule; as scipy.stats.false_discovery_control).

    Rejecting every hypothesis whose adjusted p-value is at most α keeps the expected share of false
    discoveries among the rejections at most α. NaN p-values are not in the family and stay NaN.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    inside = np.flatnonzero(~np.isnan(p))
    if not len(inside):
        return adjusted
    order = inside[np.argsort(p[inside], kind="stable")]
    scaled = p[order] * len(order) / np.arange(1, len(order) + 1)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return adjusted


def winsorise(values, share: float = 0.1) -> np.ndarray:
    """Values with the ⌈share·n⌉ most extreme at each end pulled in to the next one inward.

    Counted in values rather than read off an interpolated quantile: with a dozen reps a 10% quantile sits
    between the first and second lowest and pulls in almost nothing, so a second unusual rep on the same
    side would pass for spread.
    """
    values = np.asarray(values, dtype=float)
    count = min(math.ceil(share * values.size), (values.size - 1) // 2)
    if count < 1:
        return values.copy()
    ordered = np.sort(values)
    return np.clip(values, ordered[count], ordered[-count - 1])


def chi_square_sf(x: float, df: float) -> float:
    """P(X ≥ x) for a chi-square variable with `df` degrees of freedom: Q(df/2, x/2), by Numerical Recipes
    §6.2 (the series below a + 1, the continued fraction above it)."""
    if not df > 0 or math.isnan(x):
        return float("nan")
    if x <= 0:
        return 1.0
    a, half = df / 2, x / 2
    log_front = a * math.log(half) - half - math.lgamma(a)
    if half < a + 1:
        term = total = 1.0 / a
        for n in range(1, 1000):
            term *= half / (a + n)
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = half + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for n in range(1, 1000):
        an = -n * (n - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return math.exp(log_front) * h


@dataclass(frozen=True)
class BetaPrior:
    """A beta prior on reps' rates, as its mean and its strength a + b (worth that many trials)."""

    mean: float
    strength: float

    def shrink(self, successes, trials) -> np.ndarray:
        """The posterior mean (successes + a) ÷ (trials + a + b); NaN where trials is 0."""
        k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrunk = (k + self.mean * self.strength) / (n + self.strength)
        return np.where(n > 0, shrunk, np.nan)


def beta_binomial_prior(successes, trials) -> BetaPrior | None:
    """The beta prior of a beta-binomial fitted to per-rep counts by the method of moments.

    The mean is the pooled rate. The spread comes from the intra-class correlation ρ = 1 ÷ (a + b + 1),
    whose moment estimate is (X² − (I − 1)) ÷ (N − Σnᵢ²/N − (I − 1)), X² being Pearson's chi-square of the I
    reps against the pooled rate: under the beta-binomial, E[X²] = (I − 1) + ρ·(N − Σnᵢ²/N − (I − 1)).
    (For equal volumes this is the one-way ANOVA estimator.) When the reps scatter no more than chance
    (ρ ≤ 0) the prior's strength would be infinite; it is capped at N, the team's own trials, since the
    pooled rate the reps are shrunk toward is itself known from no more than that. None without at least
    two reps with trials or when the pooled rate is 0 or 1.
    """
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    k, n = k[n > 0], n[n > 0]
    total = n.sum()
    if len(n) < 2 or not 0 < k.sum() < total:
        return None
    mean = k.sum() / total
    pearson = float(np.sum((k - n * mean) ** 2 / (n * mean * (1 - mean))))
    room = total - np.sum(n**2) / total - (len(n) - 1)
    rho = (pearson - (len(n) - 1)) / room if room > 0 else 0.0
    strength = (1 / rho - 1) if rho > 0 else math.inf
    return BetaPrior(float(mean), float(min(max(strength, 1e-9), total)))


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for successes ÷ trials; NaN where trials is 0."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    lower = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    upper = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lower, upper


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), by the continued fraction of Numerical Recipes (§6.4); exact to about 1e-12."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float, iterations: int = 300, eps: float = 1e-15) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, iterations + 1):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (df may be fractional, as Welch's is)."""
    if not math.isfinite(t) or not df > 0:
        return float("nan")
    return regularized_beta(df / (df + t * t), df / 2, 0.5)


def welch_t(mean_a, var_a, n_a, mean_b, var_b, n_b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch's t statistic, its Welch–Satterthwaite degrees of freedom, and the two-sided p-value."""
    se_a, se_b = np.asarray(var_a, float) / np.asarray(n_a, float), np.asarray(var_b, float) / np.asarray(n_b, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (np.asarray(mean_a, float) - np.asarray(mean_b, float)) / np.sqrt(se_a + se_b)
        df = (se_a + se_b) ** 2 / (se_a**2 / (np.asarray(n_a, float) - 1) + se_b**2 / (np.asarray(n_b, float) - 1))
    p = np.array([t_two_sided_p(float(ti), float(di)) for ti, di in zip(np.atleast_1d(t), np.atleast_1d(df))])
    return t, df, p
