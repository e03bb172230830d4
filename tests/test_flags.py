"""Issue 11's flag: a p-value per rep against the rest of the team, Benjamini–Hochberg across the reps judged,
overdispersion, shrunk rates, weighted effort, under-recorded effort, and reps who own no deals (issue 8)."""

import math

import numpy as np
import pandas as pd
import pytest

from metrics.diagnostics import (
    CAVEAT_EMPTY_WEEKS,
    CAVEAT_THIN_LOG,
    NO_DEALS_QUADRANT,
    QUADRANT_LABELS,
    STATUS_NO_DEALS,
    flag_rule,
    funnel_plot_limits,
    log_gaps,
    pooled_rate,
    quadrant_lines,
    rep_table,
)
from metrics.errors import InputError
from metrics.expected import expected_table, fit_curve, what_if
from metrics.findings import insights
from metrics.scenarios import SCENARIOS, Thresholds, activity_weights
from metrics.teams import team_spread, team_table
from tests.conftest import make_slice
from tests.test_diagnostics import LOOSE, calls, losses, team_of_four, wins

STARTUP = SCENARIOS["startup"]


def summary_team(volumes, won, team=None) -> "Slice":  # noqa: F821
    """One activity row (a count) and one result row (won, lost) per rep: a compact rep × period sheet."""
    reps = [f"R{i:02d}" for i in range(len(volumes))]
    acts = [{"date": "2026-01-05", "rep": r, "count": int(n), "team": team} for r, n in zip(reps, volumes)]
    results = [
        {
            "date": "2026-01-20",
            "rep": r,
            "status": pd.NA,
            "won": int(k),
            "lost": int(n - k),
            "revenue": 0.0,
            "team": team,
        }
        for r, n, k in zip(reps, volumes, won)
    ]
    return make_slice(acts, results)


def score_p(won, trials, pool_won, pool_trials, scale=1.0):
    """The test as written in diagnostics' docstring, from scipy's normal: the oracle."""
    stats = pytest.importorskip("scipy.stats")
    p0 = pool_won / pool_trials
    sd = math.sqrt(scale * trials * p0 * (1 - p0) * (1 - trials / pool_trials))
    return stats.norm.cdf((won + 0.5 - trials * p0) / sd)


# --- the p-value ---------------------------------------------------------------------------------------------


def test_p_values_are_the_continuity_corrected_score_test_against_the_rest():
    table = rep_table(team_of_four(), LOOSE).set_index("rep")
    for rep, (won, trials) in {"Busy": (2, 200), "Steady": (10, 100), "Eff": (10, 50)}.items():
        assert table.loc[rep, "p_value"] == pytest.approx(score_p(won, trials, 32, 450), rel=1e-10)


@pytest.mark.parametrize(
    "won, trials, pool_won, pool_trials",
    [
        # Win rates up to a half: never below Fisher's exact p-value, and close to it where it is not tiny.
        (7, 200, 32, 450),
        (3, 100, 32, 450),
        (4, 100, 100, 1000),
        (10, 400, 1500, 30000),
        (45, 200, 1500, 5000),
    ],
)
def test_p_values_are_never_below_fishers_exact_test_up_to_half_won(won, trials, pool_won, pool_trials):
    stats = pytest.importorskip("scipy.stats")
    exact = stats.hypergeom.cdf(won, pool_trials, pool_won, trials)  # the rep's wins, drawn from the team's
    assert 1e-3 < exact < 0.05
    assert exact <= score_p(won, trials, pool_won, pool_trials) <= 1.6 * exact


@pytest.mark.parametrize(
    "won, trials, pool_won, pool_trials", [(18, 40, 600, 1000), (45, 100, 1200, 2000), (68, 100, 1600, 2000)]
)
def test_above_half_won_p_values_run_a_little_below_fishers(won, trials, pool_won, pool_trials):
    # The binomial's long lower tail at high win rates: the normal tail is lighter (see the module docstring).
    stats = pytest.importorskip("scipy.stats")
    exact = stats.hypergeom.cdf(won, pool_trials, pool_won, trials)
    assert 1e-4 < exact < 0.05
    assert 0.5 * exact <= score_p(won, trials, pool_won, pool_trials) <= exact


def test_leaving_the_rep_out_lets_a_rep_with_most_of_the_volume_be_judged():
    # Big holds 400 of 500 trials: 14% against the rest's 30%. Against a pool that holds Big, z is only −1.6
    # (p ≈ 0.05); against the rest it is −3.6.
    stats = pytest.importorskip("scipy.stats")
    data = summary_team([400, 50, 50], [56, 15, 15])
    big = rep_table(data, LOOSE).set_index("rep").loc["R00"]
    assert big["p_value"] == pytest.approx(score_p(56, 400, 86, 500), rel=1e-10)
    assert big["p_value"] < 0.001
    assert stats.norm.cdf((56.5 - 400 * 86 / 500) / math.sqrt(400 * 0.172 * 0.828)) > 0.05


# --- false discoveries ---------------------------------------------------------------------------------------


def adjusted_team():
    """Ten reps: R00 converts 15% and R01 18.5% on 400 trials each, the rest about 25% on 300."""
    return summary_team([400, 400] + [300] * 8, [60, 74, 66, 70, 72, 74, 75, 76, 78, 80])


def test_adjusted_p_values_are_benjamini_hochberg_over_the_reps_judged():
    stats = pytest.importorskip("scipy.stats")
    table = rep_table(adjusted_team(), LOOSE)
    judged = table[table["status"].isin(["flagged", "ok"])]
    assert len(judged) == 10
    assert judged["p_adjusted"].to_numpy() == pytest.approx(
        stats.false_discovery_control(judged["p_value"].to_numpy(), method="bh"), rel=1e-12
    )


def test_a_rep_who_would_pass_alone_is_not_flagged_among_ten():
    table = rep_table(adjusted_team(), LOOSE).set_index("rep")
    assert not flag_rule(table.reset_index()).dispersion_applied
    # R01's p ≈ 0.02 would flag them tested alone; among ten reps BH asks for 2 × 0.05/10 = 0.01.
    assert table.loc["R01", "p_value"] < 0.05 < table.loc["R01", "p_adjusted"]
    assert table.loc["R00", "p_adjusted"] < 0.05
    assert table.index[table["flagged"]].tolist() == ["R00"]
    assert table.index[table["below_limit"]].tolist() == ["R00"]


def test_moving_the_activity_line_does_not_change_the_family():
    low = rep_table(adjusted_team(), LOOSE, activity_line=0)
    high = rep_table(adjusted_team(), LOOSE, activity_line=350)
    assert low["p_adjusted"].tolist() == pytest.approx(high["p_adjusted"].tolist())


def test_below_limit_is_exactly_below_the_adjusted_curve():
    table = rep_table(adjusted_team(), LOOSE)
    assert (table["below_limit"] == (table["conversion"] <= table["limit_low"] + 1e-12)).all()


def test_not_enough_data_keeps_its_meaning():
    # Pooled 10%: zero wins in 20 trials against the rest has p ≈ 0.09, not significant even alone.
    data = summary_team([20, 300, 300, 300], [0, 30, 31, 30])
    table = rep_table(data, Thresholds(min_volume=1)).set_index("rep")
    assert table.loc["R00", "status"] == "not enough data"
    assert pd.isna(table.loc["R00", "p_adjusted"])
    assert flag_rule(table.reset_index()).judged == 3
    assert rep_table(data, Thresholds(min_volume=301))["status"].eq("not enough data").all()


def test_the_guarantee_in_plain_words():
    rule = flag_rule(rep_table(team_of_four(), LOOSE))
    assert str(rule.guarantee()) == (
        "The limit is adjusted for judging 4 reps at once: of the reps below it, at most 1 "
        "in 20 is expected to be there by chance, and in a team where everyone converts "
        "alike the chance that anyone is flagged at all is at most 5%."
    )
    strict = flag_rule(rep_table(team_of_four(), Thresholds(min_volume=1, confidence=0.99)), 0.99)
    assert "at most 1 in 100" in str(strict.guarantee()) and str(strict.guarantee()).endswith("at most 1%.")


# --- the simulation of the issue, small enough for CI --------------------------------------------------------


def simulated_teams(rng, teams, rate=0.3, reps=30, low=300, high=600, weak=()):
    """Teams of equal reps; the reps at `weak` indices convert at half the rate and do the most work."""
    for _ in range(teams):
        volumes = rng.integers(low, high + 1, reps)
        rates = np.full(reps, rate)
        for index in weak:
            volumes[index], rates[index] = high, rate / 2
        yield summary_team(volumes, rng.binomial(volumes, rates)), {f"R{i:02d}" for i in weak}


def test_equal_teams_rarely_get_any_flag_and_real_gaps_are_caught():
    rng = np.random.default_rng(20261101)
    false_teams = sum(
        rep_table(team, STARTUP.thresholds)["flagged"].any() for team, _ in simulated_teams(rng, 120, low=60, high=400)
    )
    assert false_teams / 120 <= 0.05  # the old per-rep rule: about 1 team in 4 (benchmarks/flag_simulation.py)
    caught = [
        set(rep_table(team, STARTUP.thresholds).query("flagged")["rep"]) == weak
        for team, weak in simulated_teams(rng, 20, weak=(0, 1))
    ]
    assert sum(caught) >= 19


# --- overdispersion ------------------------------------------------------------------------------------------

DISPERSED_WON = np.array([30, 36, 42, 48, 54, 60, 60, 66, 72, 78, 84, 90])


def dispersed_team():
    """Twelve reps whose rates really differ (10% to 30%) on 300 trials each."""
    return summary_team([300] * 12, DISPERSED_WON)


def test_overdispersion_from_winsorised_z_scores_and_the_spread_between_reps():
    stats = pytest.importorskip("scipy.stats")
    rule = flag_rule(rep_table(dispersed_team(), LOOSE))
    p0, w = 720 / 3600, 300 / (0.2 * 0.8)
    z = (DISPERSED_WON / 300 - p0) / math.sqrt(p0 * 0.8 / 300)
    z = np.sort(z - np.median(z))
    z[:2], z[-2:] = z[2], z[-3]  # the two most extreme at each end pulled in
    assert rule.dispersion == pytest.approx(np.mean(z**2))
    assert rule.dispersion_p == pytest.approx(stats.chi2.sf(12 * rule.dispersion, 11))
    assert rule.dispersion_applied
    # DerSimonian–Laird with twelve equal weights: Σw − Σw²/Σw = 11w.
    assert rule.tau**2 == pytest.approx((12 * rule.dispersion - 11) / (11 * w))


def test_the_spread_between_reps_widens_every_test():
    stats = pytest.importorskip("scipy.stats")
    table = rep_table(dispersed_team(), LOOSE)
    tau, share = flag_rule(table).tau, 1 - 300 / 3600
    variance = 0.2 * 0.8 / 300 * share + tau**2 * share**2 * (1 + 11 * 300**2 / 3300**2)
    assert table.loc[0, "p_value"] == pytest.approx(stats.norm.cdf((30.5 / 300 - 0.2) / math.sqrt(variance)), rel=1e-10)
    assert table.loc[0, "p_value"] > score_p(30, 300, 720, 3600)


def test_the_spread_in_plain_words():
    rule = flag_rule(rep_table(dispersed_team(), LOOSE))
    assert str(rule.spread()) == (
        f"Reps differ by more than chance explains (their scatter is {rule.dispersion:.1f}× what "
        "chance alone gives, p < 0.001), as territories and leads do: the limits are widened "
        f"by a spread between reps of ±{rule.tau * 100:.1f} percentage points."
    )
    assert rule.dispersion_p < 0.001
    assert str(flag_rule(rep_table(adjusted_team(), LOOSE)).spread()).startswith("Reps differ no more than chance")
    assert str(flag_rule(rep_table(team_of_four(), LOOSE)).spread()).startswith("With fewer than 5 reps judged")


def test_overdispersion_widens_the_drawn_limits():
    table = rep_table(dispersed_team(), LOOSE)
    tau, share = flag_rule(table).tau, 1 - 300 / 3600
    limits = funnel_plot_limits(table).query("curve == '95%'")
    narrow = 0.2 - 1.959964 * math.sqrt(0.2 * 0.8 / 300 * share) - 0.5 / 300
    wide = 0.2 - 1.959964 * math.sqrt(0.2 * 0.8 / 300 * share + tau**2 * share**2 * (1 + 11 / 121)) - 0.5 / 300
    assert np.interp(300, limits["trials"], limits["lower"]) == pytest.approx(wide, abs=1e-4)
    assert wide < narrow
    assert limits["tau"].iloc[0] == pytest.approx(tau)


def test_two_far_reps_in_a_tight_dozen_are_not_read_as_spread():
    # Ten reps at 20% ± chance and two at 8%: pulling in two per end leaves the ten to measure spread by.
    won = [24, 25, 58, 59, 60, 60, 61, 61, 62, 60, 59, 61]
    table = rep_table(summary_team([300] * 12, won), LOOSE)
    assert not flag_rule(table).dispersion_applied
    assert set(table.loc[table["flagged"] | table["below_limit"], "rep"]) == {"R00", "R01"}


# --- shrunk rates --------------------------------------------------------------------------------------------


def test_a_lucky_three_of_three_never_tops_eighty_of_a_hundred_and_twenty():
    data = summary_team([3, 120, 100, 100, 100], [3, 80, 50, 40, 45])
    table = rep_table(data, LOOSE).set_index("rep")
    assert table.loc["R00", "conversion"] == 1.0 > table.loc["R01", "conversion"]
    assert table.loc["R00", "shrunk_conversion"] < table.loc["R01", "shrunk_conversion"]
    assert team_spread(table.reset_index()).loc[0, "conversion_max"] == table.loc["R01", "shrunk_conversion"]


def test_shrunk_rates_follow_the_moment_fit():
    data = summary_team([100, 100, 100, 100], [10, 20, 30, 40])
    table = rep_table(data, LOOSE)
    pearson = sum((k - 25) ** 2 for k in (10, 20, 30, 40)) / (25 * 0.75)
    strength = 1 / ((pearson / 3 - 1) / 99) - 1
    assert table["shrunk_conversion"].tolist() == pytest.approx(
        [(k + 0.25 * strength) / (100 + strength) for k in (10, 20, 30, 40)]
    )


# --- weighted effort -----------------------------------------------------------------------------------------


def mixed_team():
    """Demo-heavy Dee and call-heavy Cal, 100 activities each, Ann and Bo 90 each; 5 wins apiece."""
    acts = [
        {"date": "2026-01-05", "rep": rep, "activity_type": kind, "count": n}
        for rep, mix in {
            "Dee": {"demo": 80, "call": 20},
            "Cal": {"call": 90, "demo": 10},
            "Ann": {"call": 50, "demo": 40},
            "Bo": {"call": 60, "demo": 30},
        }.items()
        for kind, n in mix.items()
    ]
    results = [
        {"date": "2026-01-20", "rep": rep, "status": pd.NA, "won": 5, "lost": 0, "revenue": 0.0}
        for rep in ("Dee", "Cal", "Ann", "Bo")
    ]
    return make_slice(acts, results)


def test_weights_of_one_change_nothing():
    plain = rep_table(mixed_team(), LOOSE)
    pd.testing.assert_frame_equal(plain, rep_table(mixed_team(), LOOSE, weights={"demo": 1.0, "call": 1.0}))
    assert plain["effort"].tolist() == plain["activities"].tolist() == plain["trials"].tolist()


def test_weighted_effort_is_scaled_to_the_team_activity_count():
    table = rep_table(mixed_team(), LOOSE, weights={"demo": 3.0, "call": 1.0}).set_index("rep")
    raw = {"Dee": 260, "Cal": 120, "Ann": 170, "Bo": 150}  # demos at 3
    scale = 380 / sum(raw.values())
    assert table["effort"].to_dict() == pytest.approx({rep: n * scale for rep, n in raw.items()})
    assert pooled_rate(table.reset_index()) == pytest.approx(20 / 380)  # the pooled rate is won ÷ activities
    assert table.loc["Dee", "conversion"] == pytest.approx(5 / (260 * scale))


def test_multiplying_every_weight_changes_nothing():
    one = rep_table(mixed_team(), LOOSE, weights={"demo": 3.0, "call": 1.0})
    ten = rep_table(mixed_team(), LOOSE, weights={"demo": 30.0, "call": 10.0})
    pd.testing.assert_frame_equal(one, ten)


def demo_heavy_dee():
    """Eight reps; Dee's effort is above the median only once her demos count three times."""
    acts = [{"date": "2026-01-05", "rep": "Dee", "activity_type": "demo", "count": 300}]
    acts += [{"date": "2026-01-05", "rep": f"R{i}", "activity_type": "call", "count": 400} for i in range(7)]
    results = [{"date": "2026-01-20", "rep": "Dee", "status": pd.NA, "won": 2, "lost": 0, "revenue": 0.0}]
    results += [
        {"date": "2026-01-20", "rep": f"R{i}", "status": pd.NA, "won": 40, "lost": 0, "revenue": 0.0} for i in range(7)
    ]
    return make_slice(acts, results)


def test_the_quadrant_and_the_flag_follow_the_weights():
    data = demo_heavy_dee()
    plain = rep_table(data, LOOSE).set_index("rep").loc["Dee"]
    weighted = rep_table(data, LOOSE, weights={"demo": 3.0}).set_index("rep").loc["Dee"]
    assert (plain["quadrant"], plain["flagged"]) == ("low_activity_low_performance", False)
    assert (weighted["quadrant"], weighted["flagged"]) == ("high_activity_low_performance", True)


def test_the_curve_and_the_sentence_read_effort():
    scenario = STARTUP.__class__(**{**STARTUP.__dict__, "thresholds": LOOSE})
    four = insights(mixed_team(), scenario, weights={"demo": 3.0})
    assert four.reps["effort"].tolist() != four.reps["activities"].tolist()
    assert fit_curve(four.reps["effort"], four.reps["won"]) is None  # four reps: no curve, and no error
    found = insights(demo_heavy_dee(), scenario, weights={"demo": 3.0})
    flagged = [f.text for f in found.findings if f.kind == "flagged"]
    assert len(flagged) == 1 and flagged[0].startswith("Dee made ")
    # The sentence counts Dee's effort in weighted activities, and never in plain activities beside them.
    assert "median weighted activities (" in flagged[0]
    assert not any("activities (" in f.text.replace("weighted activities", "") for f in found.findings)


@pytest.mark.parametrize("chosen, message", [({"demo": -1}, "'demo'"), ({"demo": "a lot"}, "from 0 to 100")])
def test_weights_that_are_no_weight_are_refused(chosen, message):
    with pytest.raises(InputError, match=message):
        activity_weights(STARTUP, chosen)


def test_chosen_weights_lie_over_the_presets():
    assert activity_weights(STARTUP, {"demo": "3"}) == {"call": 1.0, "email": 1.0, "follow_up": 1.0, "demo": 3.0}


# --- under-recorded effort -----------------------------------------------------------------------------------


def weekly_log(rep, weeks, per_week=5):
    return [
        {"date": str((pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=w)).date()), "rep": rep, "count": per_week}
        for w in weeks
    ]


def gap_team(missing):
    """Four reps logging every week of twelve; Gap misses the weeks in `missing` but wins in the last week."""
    acts = [row for rep in ("A", "B", "C") for row in weekly_log(rep, range(12))]
    acts += weekly_log("Gap", [w for w in range(12) if w not in missing])
    results = [{"date": "2026-03-23", "rep": rep, "status": "won", "amount": 10} for rep in ("A", "B", "C", "Gap")]
    results += [{"date": "2026-03-23", "rep": rep, "status": "lost", "amount": 10} for rep in ("A", "B", "C", "Gap")]
    return make_slice(acts, results)


@pytest.mark.parametrize(
    "missing, empty, caveat",
    [
        ({3, 4, 5, 6}, 4, CAVEAT_EMPTY_WEEKS),  # a month with nothing logged while the team logged
        ({2, 5, 8}, 0, ""),  # lone empty weeks: a rep who logs in batches has all their effort there
        ({5, 6}, 2, ""),  # two weeks off
    ],
)
def test_stretches_of_empty_weeks_are_a_caveat_not_a_flag(missing, empty, caveat):
    table = rep_table(gap_team(missing), LOOSE).set_index("rep")
    assert table.loc["Gap", ["empty_weeks", "caveat"]].tolist() == [empty, caveat]
    assert table.loc[["A", "B", "C"], "caveat"].tolist() == ["", "", ""]
    assert log_gaps(gap_team(missing)).set_index("rep").loc["Gap", "team_weeks"] == 12


def test_wins_with_almost_no_logged_activity_are_a_caveat():
    data = make_slice(
        calls("A", 200) + calls("B", 200) + calls("C", 200) + calls("Thin", 4),
        wins("A", 10) + wins("B", 10) + wins("C", 10) + wins("Thin", 3) + losses("A", 1),
    )
    table = rep_table(data, LOOSE).set_index("rep")
    assert table.loc["Thin", "caveat"] == CAVEAT_THIN_LOG
    assert table.loc[["A", "B", "C"], "caveat"].tolist() == ["", "", ""]


def test_a_flagged_rep_with_gaps_says_so_in_the_sentence():
    acts = [row for rep in ("A", "B", "C", "D") for row in weekly_log(rep, range(12), 20)]
    acts += weekly_log("Busy", [w for w in range(12) if w not in {3, 4, 5, 6}], 100)
    results = [
        {"date": "2026-03-23", "rep": rep, "status": status, "amount": 10}
        for rep, won in {"A": 24, "B": 24, "C": 24, "D": 24, "Busy": 2}.items()
        for status in ["won"] * won + ["lost"]
    ]
    scenario = STARTUP.__class__(**{**STARTUP.__dict__, "thresholds": LOOSE})
    found = insights(make_slice(acts, results), scenario, limit=20)
    [flagged] = [f for f in found.findings if f.kind == "flagged"]
    assert flagged.rep == "Busy"
    assert flagged.text.endswith(
        ". But their log is empty for 4 weeks, in stretches, while the rest of the team "
        "logged, so their effort is probably under-recorded."
    )
    assert found.reps.set_index("rep").loc["Busy", "caveat"] == CAVEAT_EMPTY_WEEKS


def test_an_efficient_rep_with_almost_no_log_says_so_in_the_sentence():
    data = make_slice(
        calls("A", 300) + calls("B", 300) + calls("C", 300) + calls("D", 300) + calls("Thin", 60),
        wins("A", 9) + wins("B", 9) + wins("C", 9) + wins("D", 9) + wins("Thin", 12) + losses("A", 1),
    )
    scenario = STARTUP.__class__(**{**STARTUP.__dict__, "thresholds": LOOSE})
    found = insights(data, scenario, limit=20)
    [efficient] = [f for f in found.findings if f.kind == "efficient"]
    assert efficient.rep == "Thin"
    assert efficient.text.endswith(
        ". But their log holds almost no activity for 12 won, so their effort is probably under-recorded."
    )


def test_deals_only_data_has_no_caveats():
    data = make_slice(None, wins("Kari", 3) + losses("Kari", 40) + wins("Ola", 20) + losses("Ola", 20))
    assert rep_table(data, LOOSE)["caveat"].tolist() == ["", ""]


# --- reps who own no deals (issue 8) -------------------------------------------------------------------------


def with_sdr():
    """team_of_four, plus Sid, who books meetings: 400 calls and no deal of his own."""
    data = team_of_four()
    extra = make_slice(calls("Sid", 400), losses("Busy", 1))
    return data.__class__(
        pd.concat([data.activities, extra.activities], ignore_index=True),
        pd.concat([data.outcomes, extra.outcomes], ignore_index=True),
        data.basis,
    )


def test_a_rep_without_deals_is_shown_but_never_judged():
    table = rep_table(with_sdr(), LOOSE).set_index("rep")
    sid = table.loc["Sid"]
    assert (sid["status"], sid["flagged"], sid["activities"], sid["trials"]) == (STATUS_NO_DEALS, False, 400, 0)
    assert sid["quadrant"] == NO_DEALS_QUADRANT and QUADRANT_LABELS[NO_DEALS_QUADRANT] == "Owns no deals"
    assert pd.isna(sid["conversion"]) and pd.isna(sid["p_value"]) and pd.isna(sid["shrunk_conversion"])
    assert pooled_rate(table.reset_index()) == pytest.approx(32 / 450)
    # Nor does he move the line: the median is of the four who own deals.
    assert quadrant_lines(table.reset_index())["effort"] == 100
    assert table["flagged"].to_dict() == {"Busy": True, "Eff": False, "Sam": False, "Sid": False, "Steady": False}


def test_a_rep_without_deals_is_out_of_the_what_if_and_the_curve():
    table = rep_table(with_sdr(), LOOSE)
    assert "Sid" not in what_if(table)["rep"].tolist()
    assert expected_table(table).set_index("rep").loc["Sid"].isna().all()


def test_a_rep_without_deals_does_not_lower_the_median_revenue():
    from metrics.satisfaction import median_seller_revenue

    data = make_slice(
        calls("A", 100) + calls("B", 100) + calls("C", 100) + calls("Sid", 300),
        wins("A", 2) + wins("B", 10) + wins("C", 10, amount=300.0) + losses("A", 1),
    )
    table = rep_table(data, LOOSE)
    assert median_seller_revenue(table) == 1000.0  # of 200, 1 000 and 3 000; with Sid's 0 it would be 600


def test_team_conversion_leaves_out_the_activity_of_reps_without_deals():
    teams = team_table(with_sdr(), LOOSE)
    assert teams.set_index("team").loc["A", ["activities", "won"]].tolist() == [450, 32]


def test_from_a_list_of_won_deals_alone_a_rep_without_rows_may_be_a_seller():
    data = make_slice(
        calls("Busy", 300) + calls("A", 100) + calls("B", 100) + calls("C", 100),
        wins("A", 10) + wins("B", 10) + wins("C", 10),
    )
    table = rep_table(data, LOOSE).set_index("rep")
    assert table.loc["Busy", "status"] == "flagged"


def test_limits_without_a_pooled_rate_are_not_drawn():
    from metrics.diagnostics import FlagRule

    rule = FlagRule(0.05, None, 0.0, 0.0, 0, float("nan"), float("nan"), False, 0.0, 0.05)
    lower, upper = rule.limits([10, 40], 1.96)
    assert np.isnan(lower).all() and np.isnan(upper).all()
