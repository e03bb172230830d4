"""Binomial limits for rates: the Wilson score interval and the funnel-plot control limits.

The two agree by construction: the Wilson interval is the set of rates p for which |r − p| ≤ z·√(p(1−p)/n),
so a rep whose Wilson upper bound lies below the pooled rate p0 is exactly a rep plotted below the
funnel's lower limit p0 − z·√(p0(1−p0)/n).
"""
from __future__ import annotations

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
