"""Binomial limits for rates (the Wilson score interval and the funnel-plot control limits), and Welch's t
test for comparing mean ratings. Pure numpy and the standard library: scipy is only the tests' oracle.

The two agree by construction: the Wilson interval is the set of rates p for which |r − p| ≤ z·√(p(1−p)/n),
so a rep whose Wilson upper bound lies below the pooled rate p0 is exactly a rep plotted below the
funnel's lower limit p0 − z·√(p0(1−p0)/n).
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 1.96 for 0.95, 3.09 for 0.998."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


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


def funnel_limits(pooled_rate: float, trials, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits around the pooled rate for each volume in `trials`."""
    n = np.asarray(trials, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(pooled_rate * (1 - pooled_rate) / n)
    return np.clip(pooled_rate - half, 0, 1), np.clip(pooled_rate + half, 0, 1)


def min_judgeable_volume(pooled_rate: float, confidence: float) -> float:
    """The volume below which even zero successes would sit inside the limit, so nobody can be flagged."""
    if not 0 < pooled_rate < 1:
        return float("inf")
    return z_value(confidence) ** 2 * (1 - pooled_rate) / pooled_rate


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
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
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
