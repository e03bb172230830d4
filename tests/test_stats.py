import numpy as np
import pytest

from metrics.stats import funnel_limits, min_judgeable_volume, wilson_interval, z_value


@pytest.mark.parametrize("confidence, z", [(0.95, 1.959964), (0.998, 3.090232), (0.90, 1.644854)])
def test_z_value(confidence, z):
    assert z_value(confidence) == pytest.approx(z, abs=1e-6)


@pytest.mark.parametrize("successes, trials, low, high", [
    # Known Wilson score intervals (no continuity correction), checked against scipy in test_against_scipy.
    (7, 50, 0.0695083343, 0.2618619371),
    (0, 10, 0.0, 0.2775327998),
    (10, 10, 0.7224672002, 1.0),
    (50, 100, 0.4038315304, 0.5961684696),
])
def test_wilson_known_values(successes, trials, low, high):
    lower, upper = wilson_interval(successes, trials, 0.95)
    assert float(lower) == pytest.approx(low, abs=1e-9)
    assert float(upper) == pytest.approx(high, abs=1e-9)


def test_wilson_against_scipy():
    stats = pytest.importorskip("scipy.stats")
    ks = np.array([0, 1, 3, 7, 20, 49])
    ns = np.array([5, 9, 40, 50, 200, 50])
    lower, upper = wilson_interval(ks, ns, 0.95)
    for k, n, lo, hi in zip(ks, ns, lower, upper):
        expected = stats.binomtest(int(k), int(n)).proportion_ci(0.95, method="wilson")
        assert lo == pytest.approx(expected.low, abs=1e-12)
        assert hi == pytest.approx(expected.high, abs=1e-12)


def test_wilson_zero_trials_is_undefined():
    lower, upper = wilson_interval([0], [0])
    assert np.isnan(lower[0]) and np.isnan(upper[0])


def test_funnel_limits_are_the_inverted_wilson_test():
    # A rate exactly on the lower limit has its Wilson upper bound exactly at the pooled rate.
    pooled, n = 0.2, 150
    lower, _ = funnel_limits(pooled, [n], 0.95)
    _, upper = wilson_interval(lower[0] * n, n, 0.95)
    assert float(upper) == pytest.approx(pooled, abs=1e-12)


def test_funnel_limits_values():
    lower, upper = funnel_limits(0.1, [100], 0.95)
    half = 1.959963985 * (0.1 * 0.9 / 100) ** 0.5
    assert lower[0] == pytest.approx(0.1 - half)
    assert upper[0] == pytest.approx(0.1 + half)


def test_min_judgeable_volume():
    # With a 4% pooled rate, zero wins become significant only beyond z²·0.96/0.04 ≈ 92.2 trials.
    assert min_judgeable_volume(0.04, 0.95) == pytest.approx(1.959964**2 * 0.96 / 0.04, rel=1e-6)
    assert min_judgeable_volume(0.0, 0.95) == float("inf")
