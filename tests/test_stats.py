import numpy as np
import pytest

from metrics.stats import (
    BetaPrior,
    benjamini_hochberg,
    beta_binomial_prior,
    chi_square_sf,
    normal_cdf,
    wilson_interval,
    winsorise,
    z_value,
)


@pytest.mark.parametrize("confidence, z", [(0.95, 1.959964), (0.998, 3.090232), (0.90, 1.644854)])
def test_z_value(confidence, z):
    assert z_value(confidence) == pytest.approx(z, abs=1e-6)


@pytest.mark.parametrize(
    "successes, trials, low, high",
    [
        # Known Wilson score intervals (no continuity correction), checked against scipy in test_against_scipy.
        (7, 50, 0.0695083343, 0.2618619371),
        (0, 10, 0.0, 0.2775327998),
        (10, 10, 0.7224672002, 1.0),
        (50, 100, 0.4038315304, 0.5961684696),
    ],
)
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


@pytest.mark.parametrize("z", [-12.0, -4.0, -1.644854, 0.0, 2.5])
def test_normal_cdf_against_scipy(z):
    stats = pytest.importorskip("scipy.stats")
    assert normal_cdf([z])[0] == pytest.approx(stats.norm.cdf(z), rel=1e-12)


@pytest.mark.parametrize(
    "x, df", [(0.5, 3), (10.0, 4), (19.68, 11), (100.0, 30), (300.0, 30), (0.001, 1), (45.0, 45), (2.0, 0.5)]
)
def test_chi_square_tail_against_scipy(x, df):
    stats = pytest.importorskip("scipy.stats")
    assert chi_square_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-10)


def test_benjamini_hochberg_by_hand():
    # Sorted: 0.001, 0.01, 0.03, 0.04, 0.2 → ×5/rank: 0.005, 0.025, 0.05, 0.05, 0.2 (already monotone).
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.2, 0.001, np.nan])
    assert adjusted[:5] == pytest.approx([0.025, 0.05, 0.05, 0.2, 0.005])
    assert np.isnan(adjusted[5])


def test_benjamini_hochberg_against_scipy():
    stats = pytest.importorskip("scipy.stats")
    p = np.random.default_rng(3).beta(0.4, 1.0, 40)
    assert benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p, method="bh"), rel=1e-12)


@pytest.mark.parametrize(
    "values, expected",
    [
        # A dozen: the ⌈1.2⌉ = 2 most extreme at each end are pulled in to the third from each end.
        (
            [-5, -4, -1, -0.5, -0.2, 0, 0.1, 0.3, 0.5, 0.8, 4, 6],
            [-1, -1, -1, -0.5, -0.2, 0, 0.1, 0.3, 0.5, 0.8, 0.8, 0.8],
        ),
        # Five: one at each end.
        ([3, -2, 0, 1, 9], [3, 0, 0, 1, 3]),
        # Two: nothing can be pulled in.
        ([1, 5], [1, 5]),
    ],
)
def test_winsorise_pulls_in_the_extremes_by_count(values, expected):
    assert winsorise(values).tolist() == expected


def test_beta_binomial_prior_by_moments():
    # Equal volumes: ρ is the one-way ANOVA estimator (X²/(I − 1) − 1)/(n − 1).
    won, trials = np.array([10, 20, 30, 40]), np.array([100, 100, 100, 100])
    mean = 0.25
    pearson = float(np.sum((won - 100 * mean) ** 2) / (100 * mean * (1 - mean)))
    rho = (pearson / 3 - 1) / 99
    prior = beta_binomial_prior(won, trials)
    assert prior.mean == pytest.approx(mean)
    assert prior.strength == pytest.approx(1 / rho - 1)


def test_beta_binomial_prior_is_capped_at_the_team_volume_without_spread():
    # Every rep at exactly the pooled rate: no spread beyond chance, so the prior is worth the team's 300 trials.
    prior = beta_binomial_prior([10, 10, 10], [100, 100, 100])
    assert prior == BetaPrior(0.1, 300.0)
    assert prior.shrink([3, 80], [3, 120]).tolist() == pytest.approx([(3 + 30) / 303, (80 + 30) / 420])


def test_beta_binomial_prior_needs_two_reps_and_a_rate_inside_zero_and_one():
    assert beta_binomial_prior([3], [10]) is None
    assert beta_binomial_prior([0, 0], [10, 20]) is None
