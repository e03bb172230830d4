"""Issue 4's analyses on small hand-made tables, with exact numbers and independent oracles where one exists."""

import csv
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from metrics.diagnostics import pooled_rate, rep_table
from metrics.expected import Curve, curve_points, expected_table, fit_curve, what_if
from metrics.filters import Filters, apply, scope
from metrics.findings import Finding, insights, rank
from metrics.funnel import funnel_table
from metrics.ingest import Upload, load
from metrics.kpis import kpi_table
from metrics.leaks import leak_stages, stage_gaps
from metrics.mix import DOES_NOT_PAY, NO_LINK, PAYS_OFF, UNCLEAR, activity_mix
from metrics.satisfaction import HIGH_REVENUE_LOW_SATISFACTION, satisfaction_gaps
from metrics.scenarios import SCENARIOS, Thresholds
from metrics.teams import NO_TEAM, team_spread, team_table
from metrics.trends import lag_effect, period_table
from tests.conftest import make_slice
from tests.test_diagnostics import LOOSE, calls, team_of_four, wins
from tests.test_funnel_trends_kpis import deal_funnel_slice, month_slice

STARTUP = SCENARIOS["startup"]


# --- expected against actual -------------------------------------------------------------------------------


def test_fit_curve_matches_scipy_theil_sen():
    stats = pytest.importorskip("scipy.stats")
    activities = np.array([50, 100, 120, 200, 400, 90])
    revenue = np.array([10.0, 18.0, 19.0, 25.0, 31.0, 15.0])
    curve = fit_curve(activities, revenue)
    oracle = stats.theilslopes(revenue, np.log1p(activities), method="joint")
    assert curve.slope == pytest.approx(oracle.slope)
    assert curve.intercept == pytest.approx(oracle.intercept)


def test_fit_curve_matches_scipy_on_a_large_team_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(9)
    activities = rng.integers(20, 60, 300)  # many reps share a volume: pairs with no run are left out
    won = rng.poisson(activities / 10).astype(float)
    curve = fit_curve(activities, won)
    oracle = stats.theilslopes(won, np.log1p(activities), method="joint")
    assert curve.slope == pytest.approx(max(oracle.slope, 0.0))
    assert curve.intercept == pytest.approx(oracle.intercept)


def test_one_star_rep_barely_moves_the_curve():
    activities = [100, 200, 300, 400, 500]
    honest = fit_curve(activities, [10, 14, 16, 18, 19])
    with_star = fit_curve(activities, [10, 14, 16, 18, 190])
    assert with_star.slope == pytest.approx(honest.slope, rel=0.35)


def test_curve_never_falls_and_needs_five_reps():
    falling = fit_curve([10, 20, 30, 40, 50], [9, 7, 5, 3, 1])
    assert falling == Curve(intercept=5.0, slope=0.0)  # slope clipped to 0; intercept = median of y
    # With three or four reps one star is a third or a quarter of the data: no curve rather than a wrong one.
    assert fit_curve([100, 200, 300], [10, 14, 160]) is None
    assert fit_curve([100, 200, 300, 400], [10, 14, 16, 160]) is None


def six_reps():
    """Five steady reps whose wins grow with activity, and Busy, far above them with 3 wins."""
    counts = {"A": (100, 5), "B": (150, 7), "C": (200, 9), "D": (250, 10), "E": (300, 11), "Busy": (600, 3)}
    return make_slice(
        [row for rep, (n, _) in counts.items() for row in calls(rep, n)],
        [row for rep, (_, w) in counts.items() for row in wins(rep, w, amount=100.0 * (1 + len(rep)))],
    )


def test_expected_table_gaps():
    reps = rep_table(six_reps(), LOOSE).sort_values("rep")
    assert reps.loc[reps["flagged"], "rep"].tolist() == ["Busy"]
    table = expected_table(reps).set_index("rep")
    # The curve is fitted on the reps who are not flagged.
    usual = reps[reps["rep"] != "Busy"]
    curve = fit_curve(usual["activities"], usual["won"])
    assert curve.slope > 0
    busy = reps.set_index("rep").loc["Busy"]
    assert table.loc["Busy", "expected_won"] == pytest.approx(float(curve.predict([600])[0]))
    assert table.loc["Busy", "won_gap"] == pytest.approx(3 - table.loc["Busy", "expected_won"])
    assert table.loc["Busy", "gap"] == pytest.approx(busy["revenue"] - table.loc["Busy", "expected_revenue"])
    assert len(curve_points(reps, "won")) == 60


def test_no_curve_with_too_few_usual_reps():
    table = expected_table(rep_table(team_of_four(), LOOSE))
    assert table["expected_revenue"].isna().all()


def test_what_if_prices_extra_wins_at_the_team_deal_size():
    reps = rep_table(team_of_four(), LOOSE)
    table = what_if(reps)
    assert table["rep"].tolist() == ["Busy"]
    pooled = 32 / 450
    assert table.loc[0, "won_at_team_rate"] == pytest.approx(pooled * 200)
    assert table.loc[0, "extra_won"] == pytest.approx(pooled * 200 - 2)
    # Team revenue 5 200 over 32 wins: 162.5 a deal.
    assert table.loc[0, "extra_revenue"] == pytest.approx((pooled * 200 - 2) * 162.5)


# --- stage leaks -------------------------------------------------------------------------------------------


def test_stage_gaps_and_the_worst_step():
    funnel = funnel_table(deal_funnel_slice(), STARTUP)
    gaps = stage_gaps(funnel).set_index(["rep", "stage"])
    # Team: 4 → 3 → 2 → 1. Ola: 2 deals at outreach, 1 reached conversation, none a demo.
    assert gaps.loc[("Ola", "Conversation"), "rep_rate"] == pytest.approx(0.5)
    assert gaps.loc[("Ola", "Conversation"), "team_rate"] == pytest.approx(0.75)
    assert gaps.loc[("Ola", "Conversation"), "lost"] == pytest.approx(0.5)  # 0.25 × 2 deals
    assert gaps.loc[("Ola", "Demo"), "lost"] == pytest.approx(2 / 3)  # (2/3 − 0) × 1 deal
    worst = leak_stages(funnel).set_index("rep")
    assert worst.loc["Ola", ["from_stage", "stage"]].tolist() == ["Conversation", "Demo"]
    # Kari (2 → 2 → 2 → 1) matches or beats the team at every step, so she has no leak.
    assert "Kari" not in worst.index


# --- activity mix ------------------------------------------------------------------------------------------


def mix_slice():
    # 10 decided deals reached conversation: 6 with a follow-up (won 5), 4 without (won 1). Calls touch all.
    acts, deals = [], []
    for i in range(10):
        deal = f"D{i}"
        won = i < 5 or i == 9
        acts.append({"date": "2026-01-02", "rep": "K", "deal_id": deal, "activity_type": "call", "stage": 0})
        stage_level = 1
        if i < 6:
            acts.append({"date": "2026-01-03", "rep": "K", "deal_id": deal, "activity_type": "follow_up", "stage": 1})
        deals.append(
            {
                "date": "2026-01-20",
                "rep": "K",
                "deal_id": deal,
                "status": "won" if won else "lost",
                "stage_level": stage_level,
                "amount": 100,
            }
        )
    acts.append({"date": "2026-01-04", "rep": "K", "activity_type": "email", "stage": 0})  # linked to no deal
    return make_slice(acts, deals)


def test_activity_mix_win_rates_against_their_stage():
    mix = activity_mix(mix_slice(), STARTUP).set_index("activity_type")
    assert mix.loc["follow_up", ["activities", "deals", "won_deals", "decided_deals"]].tolist() == [6, 6, 5, 6]
    assert mix.loc["follow_up", "win_rate"] == pytest.approx(5 / 6)
    # Every deal reached conversation (stage 1), so follow-ups are judged against all 10 decided deals: 6/10.
    assert mix.loc["follow_up", "baseline"] == pytest.approx(0.6)
    assert mix.loc["call", "win_rate"] == pytest.approx(0.6)
    assert mix.loc["call", "verdict"] == UNCLEAR
    assert mix.loc["email", "verdict"] == NO_LINK and pd.isna(mix.loc["email", "win_rate"])
    assert mix.loc["follow_up", "revenue"] == 500.0
    assert mix.loc["follow_up", "revenue_per_activity"] == pytest.approx(500 / 6)


def test_activity_mix_interval_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    row = activity_mix(mix_slice(), STARTUP).set_index("activity_type").loc["follow_up"]
    oracle = stats.binomtest(5, 6).proportion_ci(0.95, method="wilson")
    assert (row["win_rate_low"], row["win_rate_high"]) == (pytest.approx(oracle.low), pytest.approx(oracle.high))


def emails_win_slice():
    """200 deals, all with a call; the 100 with an email too were won 90% of the time, the others 10%."""
    acts, deals = [], []
    for i in range(200):
        deal, demo, won = f"D{i}", i < 100, (i < 100 and i % 10 != 0) or (i >= 100 and i % 10 == 0)
        acts.append({"date": "2026-01-02", "rep": "K", "deal_id": deal, "activity_type": "call", "stage": 0})
        if demo:
            acts.append({"date": "2026-01-03", "rep": "K", "deal_id": deal, "activity_type": "email", "stage": 0})
        deals.append({"date": "2026-01-20", "rep": "K", "deal_id": deal, "status": "won" if won else "lost"})
    return make_slice(acts, deals)


def test_activity_mix_verdicts_when_the_data_is_clear():
    mix = activity_mix(emails_win_slice(), STARTUP).set_index("activity_type")
    assert mix.loc["email", "win_rate"] == pytest.approx(0.9)
    assert mix.loc["email", "verdict"] == PAYS_OFF
    assert mix.loc["call", "verdict"] == UNCLEAR  # every deal had a call: it is its own baseline
    by_rep = activity_mix(emails_win_slice(), STARTUP, by=("rep",))
    assert by_rep["rep"].unique().tolist() == ["K"]


def test_a_type_that_loses_deals_does_not_pay_off():
    acts, deals = [], []
    for i in range(200):
        deal, event, won = f"D{i}", i < 100, i >= 100 and i % 2 == 0
        kind = "conference" if event else "meeting"
        acts.append({"date": "2026-01-02", "rep": "K", "deal_id": deal, "activity_type": kind, "stage": 0})
        deals.append({"date": "2026-01-20", "rep": "K", "deal_id": deal, "status": "won" if won else "lost"})
    mix = activity_mix(make_slice(acts, deals), SCENARIOS["consultancy"]).set_index("activity_type")
    assert mix.loc["conference", "verdict"] == DOES_NOT_PAY


# --- over time ---------------------------------------------------------------------------------------------


def test_lag_sets_activity_against_later_results():
    periods = period_table(month_slice(), "month", rise_pct=0.10, lag=1)
    # Jan activity 10 meets Feb's 1 win; Feb's 15 meets Mar's 3; Mar has no later month yet.
    assert periods["won_after_lag"].tolist()[:2] == [1, 3]
    assert pd.isna(periods["won_after_lag"].iloc[2])
    assert periods["results_period"].dt.strftime("%Y-%m").tolist()[:2] == ["2026-02", "2026-03"]
    assert periods["conversion"].tolist()[:2] == pytest.approx([0.1, 0.2])
    assert periods["rose_without_results"].tolist() == [False, False, False]


def test_lag_effect_matches_numpy():
    effect = lag_effect(month_slice(), "month", max_lag=1).set_index("lag")
    assert effect.loc[0, "periods"] == 3
    assert effect.loc[0, "correlation"] == pytest.approx(np.corrcoef([10, 15, 15], [2, 1, 3])[0, 1])
    assert effect.loc[1, "periods"] == 2 and pd.isna(effect.loc[1, "correlation"])  # 2 points: no correlation


def test_kpis_against_the_same_period_a_year_ago():
    data = make_slice(
        [{"date": "2025-03-10", "rep": "K", "count": 8}, {"date": "2026-03-10", "rep": "K", "count": 10}], None
    )
    chosen = Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-31").date())
    assert chosen.year_before() == Filters(
        start=pd.Timestamp("2025-03-01").date(), end=pd.Timestamp("2025-03-31").date()
    )
    table = kpi_table(apply(data, chosen), apply(data, chosen.previous()), apply(data, chosen.year_before()))
    row = table.set_index("kpi").loc["activities"]
    assert (row["value"], row["previous"], row["year_ago"]) == (10, None, 8)
    assert row["change_year"] == pytest.approx(0.25)


# --- teams and satisfaction --------------------------------------------------------------------------------


def test_teams_as_units_and_spread():
    data = make_slice(
        calls("A1", 100, "North") + calls("A2", 100, "North") + calls("B1", 300, "South") + calls("C1", 50, None),
        wins("A1", 10, team="North")
        + wins("A2", 6, team="North")
        + wins("B1", 3, team="South")
        + wins("C1", 2, team=None),
    )
    teams = team_table(data, LOOSE).set_index("team")
    assert teams.loc["North", ["activities", "won"]].tolist() == [200, 16]
    assert teams.loc[NO_TEAM, "activities"] == 50
    assert pooled_rate(teams.reset_index()) == pytest.approx(21 / 550)
    spread = team_spread(rep_table(data, LOOSE)).set_index("team")
    # The spread is of shrunk rates: toward 21/550 by a beta prior fitted by moments, worked out here by hand.
    mean, volumes = 21 / 550, [(10, 100), (6, 100), (3, 300), (2, 50)]
    pearson = sum((k - n * mean) ** 2 / (n * mean * (1 - mean)) for k, n in volumes)
    strength = 1 / ((pearson - 3) / (550 - sum(n * n for _, n in volumes) / 550 - 3)) - 1
    assert spread.loc["North", ["reps", "conversion_min", "conversion_max"]].tolist() == [
        2,
        pytest.approx((6 + mean * strength) / (100 + strength)),
        pytest.approx((10 + mean * strength) / (100 + strength)),
    ]


def test_satisfaction_gap_uses_welch_against_the_rest():
    stats = pytest.importorskip("scipy.stats")
    scores = {
        "Rich": [2.0, 2.5, 3.0, 2.0, 2.5, 3.0],
        "Ann": [4.5, 5.0, 4.0, 4.5, 5.0, 4.5],
        "Bo": [4.0, 4.5, 4.0, 5.0, 4.5, 4.0],
    }
    deals = [
        {
            "date": "2026-01-20",
            "rep": rep,
            "status": "won",
            "amount": 1000 if rep == "Rich" else 100,
            "satisfaction": score,
        }
        for rep, values in scores.items()
        for score in values
    ]
    data = make_slice(None, deals)
    table = satisfaction_gaps(data, rep_table(data, LOOSE)).set_index("rep")
    for rep in scores:
        others = [score for name, values in scores.items() if name != rep for score in values]
        welch = stats.ttest_ind(scores[rep], others, equal_var=False)
        assert table.loc[rep, "t"] == pytest.approx(welch.statistic)
        assert table.loc[rep, "p"] == pytest.approx(welch.pvalue, rel=1e-9)
    assert table.loc["Rich", "gap"] == HIGH_REVENUE_LOW_SATISFACTION
    assert table.loc["Ann", "gap"] == ""


def test_a_few_low_ratings_are_not_a_gap():
    # 5 ratings, t ≈ −1.99 — beyond 1.96 — but with about 5 degrees of freedom p ≈ 0.09, not below 0.05.
    scores = {"Rich": [2, 4, 4, 4, 3], "Ann": [4, 5, 4, 5, 3], "Bo": [5, 4, 4, 5, 4]}
    deals = [
        {
            "date": "2026-01-20",
            "rep": rep,
            "status": "won",
            "amount": 1000 if rep == "Rich" else 100,
            "satisfaction": score,
        }
        for rep, values in scores.items()
        for score in values
    ]
    data = make_slice(None, deals)
    table = satisfaction_gaps(data, rep_table(data, LOOSE)).set_index("rep")
    assert table.loc["Rich", "t"] < -1.96
    assert 0.05 < table.loc["Rich", "p"] < 0.1
    assert table.loc["Rich", "gap"] == ""


@pytest.mark.parametrize("t, df", [(2.1, 4.3), (0.5, 10.0), (7.0, 30.0), (-1.2, 2.5), (0.0, 5.0)])
def test_t_p_value_matches_scipy(t, df):
    stats = pytest.importorskip("scipy.stats")
    from metrics.stats import t_two_sided_p

    assert t_two_sided_p(t, df) == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-10, abs=1e-15)


# --- findings ----------------------------------------------------------------------------------------------


def test_findings_read_their_numbers_from_the_tables():
    found = insights(team_of_four(), STARTUP.__class__(**{**STARTUP.__dict__, "thresholds": LOOSE}))
    flagged = [f for f in found.findings if f.kind == "flagged"]
    assert [f.rep for f in flagged] == ["Busy"]
    assert flagged[0].text.startswith(
        "Busy made 2.0× the team's median activities (200 against 100) but converted 1.0% against the team's 7.1%"
    )
    what = next(f for f in found.findings if f.kind == "what_if")
    assert f"{found.what_if['extra_won'].sum():,.0f} more" in what.text
    assert found.findings[0].kind == "flagged"


def test_rank_orders_by_tier_then_impact():
    ranked = rank(
        [
            Finding("efficient", "e", 50.0),
            Finding("period", "p", 3.0),
            Finding("flagged", "a", 1.0),
            Finding("flagged", "b", 9.0),
        ]
    )
    assert [f.text for f in ranked] == ["b", "a", "p", "e"]


# --- the real data ---------------------------------------------------------------------------------------


def test_maven_win_rates_and_pooled_rate_match_a_hand_count(maven_pipeline):
    won, lost = defaultdict(int), defaultdict(int)
    with open(maven_pipeline, newline="") as handle:
        for row in csv.DictReader(handle):
            won[row["sales_agent"]] += row["deal_stage"] == "Won"
            lost[row["sales_agent"]] += row["deal_stage"] == "Lost"
    data = scope(load([Upload("sales_pipeline.csv", maven_pipeline.read_bytes())]), STARTUP)
    reps = rep_table(data, Thresholds()).set_index("rep")
    for agent in won:
        assert reps.loc[agent, "conversion"] == pytest.approx(won[agent] / (won[agent] + lost[agent]))
        assert reps.loc[agent, "trials"] == won[agent] + lost[agent]
    assert pooled_rate(reps) == pytest.approx(4238 / (4238 + 2473))


# --- edge cases a real upload brings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        # every deal lost
        lambda: make_slice(
            None, [{"date": "2026-01-10", "rep": r, "deal_id": f"D{r}", "status": "lost"} for r in ("K", "O", "P")]
        ),
        # activity types the scenario does not know, no deals
        lambda: make_slice([{"date": "2026-01-10", "rep": "K", "activity_type": "linkedin"}], None),
        # a rep × period summary: results, no activity columns
        lambda: make_slice(
            None, [{"date": "2026-01-01", "rep": "K", "status": pd.NA, "won": 2, "lost": 0, "revenue": 10.0}]
        ),
        # a single rep
        lambda: make_slice(calls("Solo", 30), wins("Solo", 2)),
    ],
)
def test_insights_survive_thin_or_odd_data(build):
    found = insights(build(), STARTUP)
    assert isinstance(found.findings, list)
    assert list(found.leaks.columns) == ["rep", "stage", "from_stage", "rep_rate", "team_rate", "gap", "lost", "z"]


def test_wins_without_logged_activity_do_not_inflate_the_pooled_rate():
    # D is in the deals file only: 20 wins and no activity.
    data = make_slice(
        calls("A", 100) + calls("B", 100) + calls("C", 220), wins("A", 5) + wins("B", 5) + wins("C", 8) + wins("D", 20)
    )
    reps = rep_table(data, LOOSE)
    assert pooled_rate(reps) == pytest.approx(18 / 420)
    assert not reps.set_index("rep").loc["C", "flagged"]
    from metrics.diagnostics import without_effort
    from metrics.kpis import headline

    assert without_effort(reps)["rep"].tolist() == ["D"]
    assert headline(data)["conversion"] == pytest.approx(18 / 420)
    assert headline(data)["won"] == 38


def test_mix_baseline_counts_only_deals_shown_to_get_that_far():
    # 400 decided deals, half won. 200 have a call (100 won); 200 have no activity (100 won): calls are average.
    acts, deals = [], []
    for i in range(400):
        won = i % 2 == 0
        if i < 200:
            acts.append({"date": "2026-01-02", "rep": "K", "deal_id": f"D{i}", "activity_type": "call", "stage": 0})
        deals.append({"date": "2026-01-20", "rep": "K", "deal_id": f"D{i}", "status": "won" if won else "lost"})
    mix = activity_mix(make_slice(acts, deals), STARTUP).set_index("activity_type")
    assert mix.loc["call", "baseline"] == pytest.approx(0.5)
    assert mix.loc["call", "verdict"] == UNCLEAR


def test_mix_counts_a_deal_once_for_the_team_when_two_reps_touched_it():
    acts = [
        {"date": "2026-01-02", "rep": rep, "deal_id": "D1", "activity_type": "call", "stage": 0} for rep in ("K", "L")
    ]
    data = make_slice(acts, [{"date": "2026-01-20", "rep": "K", "deal_id": "D1", "status": "won", "amount": 100}])
    team = activity_mix(data, STARTUP).set_index("activity_type")
    assert team.loc["call", ["deals", "won_deals", "revenue"]].tolist() == [1, 1, 100.0]
    per_rep = activity_mix(data, STARTUP, by=("rep",))
    assert per_rep["deals"].tolist() == [1, 1]


def test_activity_counted_funnel_names_the_step_furthest_below_the_team():
    # Activity-unit funnel: Busy's calls are plenty and convert a bit worse; demos close far worse.
    def volumes(rep, calls_n, follow, demos, won):
        rows = [
            {"date": "2026-01-02", "rep": rep, "activity_type": kind, "stage": stage, "count": n}
            for kind, stage, n in (("call", 0, calls_n), ("follow_up", 1, follow), ("demo", 2, demos))
        ]
        return rows, [{"date": "2026-01-30", "rep": rep, "status": pd.NA, "won": won, "lost": 0, "revenue": 0.0}]

    acts, results = [], []
    # Busy at outreach → conversation: 25% against 27.5% on 400 calls (10 "lost", z ≈ −1.1); at demo →
    # customer: 1 of 60 against 9 of 90 (5 "lost", z ≈ −2.1). Counting lost would name the first step.
    for rep, numbers in {"Busy": (400, 100, 60, 1), "A": (100, 35, 16, 4), "B": (100, 30, 14, 4)}.items():
        rows, outcome = volumes(rep, *numbers)
        acts += rows
        results += outcome
    funnel = funnel_table(make_slice(acts, results), STARTUP)
    worst = leak_stages(funnel, ["Busy"]).iloc[0]
    assert (worst["from_stage"], worst["stage"]) == ("Demo", "Customer")


def test_interval_wording_follows_the_chosen_confidence():
    strict = STARTUP.__class__(**{**STARTUP.__dict__, "thresholds": Thresholds(min_volume=1, confidence=0.99)})
    texts = [f.text for f in insights(emails_win_slice(), strict, limit=20).findings if f.kind == "activity_type"]
    assert texts and all("99% interval" in text for text in texts)


def test_lagged_period_sentence_names_the_results_periods():
    acts = [
        {"date": d, "rep": "K", "count": n}
        for d, n in (("2026-01-02", 10), ("2026-02-05", 20), ("2026-03-05", 20), ("2026-04-05", 20))
    ]
    deals = [
        {"date": d, "rep": "K", "status": "won", "amount": 1}
        for d in ["2026-02-10"] * 5 + ["2026-03-10"] * 2 + ["2026-04-10"] * 4
    ]
    found = insights(make_slice(acts, deals), STARTUP, lag=1, limit=20)
    [period] = [f.text for f in found.findings if f.kind == "period"]
    assert period.startswith(
        "In February 2026, activities rose 100% (from 10 to 20) while customers acquired in "
        "the later results periods went from 5 (February 2026) to 2 (March 2026)."
    )
