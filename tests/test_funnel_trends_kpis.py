import pandas as pd
import pytest

from metrics.filters import Filters, apply
from metrics.funnel import TEAM, funnel_table, lost_without_stage
from metrics.kpis import kpi_table
from metrics.mix import activity_mix
from metrics.scenarios import SCENARIOS
from metrics.trends import period_table, periods_overlapping
from tests.conftest import make_slice

STARTUP = SCENARIOS["startup"]


def deal_funnel_slice():
    # D1 won; D2 lost after a demo; D3 lost after a follow-up; D4 open with nothing logged.
    acts = [
        {"date": "2026-01-02", "rep": "Kari", "deal_id": "D1", "activity_type": "call", "stage": 0},
        {"date": "2026-01-03", "rep": "Kari", "deal_id": "D2", "activity_type": "demo", "stage": 2},
        {"date": "2026-01-04", "rep": "Ola", "deal_id": "D3", "activity_type": "follow_up", "stage": 1},
    ]
    deals = [
        {"date": "2026-01-10", "rep": "Kari", "deal_id": "D1", "status": "won", "amount": 100},
        {"date": "2026-01-10", "rep": "Kari", "deal_id": "D2", "status": "lost", "amount": 100},
        {"date": "2026-01-10", "rep": "Ola", "deal_id": "D3", "status": "lost", "amount": 100},
        {"date": "2026-01-10", "rep": "Ola", "deal_id": "D4", "status": "open", "amount": 100},
    ]
    return make_slice(acts, deals)


def test_deal_funnel_counts_each_deal_at_its_furthest_stage():
    funnel = funnel_table(deal_funnel_slice(), STARTUP)
    team = funnel[funnel["rep"] == TEAM]
    assert team["stage"].tolist() == ["Outreach", "Conversation", "Demo", "Customer"]
    assert team["reached"].tolist() == [4, 3, 2, 1]
    assert team["from_previous"].tolist()[1:] == pytest.approx([0.75, 2 / 3, 0.5])
    assert pd.isna(team["from_previous"].iloc[0])
    kari = funnel[funnel["rep"] == "Kari"]
    assert kari["reached"].tolist() == [2, 2, 2, 1]
    assert set(funnel["unit"]) == {"deals"}


def test_activity_funnel_without_deals():
    acts = [
        {"date": "2026-01-02", "rep": "Kari", "activity_type": "call", "stage": 0, "count": 10},
        {"date": "2026-01-02", "rep": "Kari", "activity_type": "demo", "stage": 2, "count": 4},
    ]
    results = [{"date": "2026-01-31", "rep": "Kari", "status": pd.NA, "won": 2, "lost": 0, "revenue": 50.0}]
    funnel = funnel_table(make_slice(acts, results), STARTUP)
    team = funnel[funnel["rep"] == TEAM]
    assert team["reached"].tolist() == [10, 0, 4, 2]
    assert set(funnel["unit"]) == {"activities"}


def month_slice():
    # Jan: 10 activities, 2 won. Feb: 15 activities (+50%), 1 won. Mar: 15 activities, 3 won.
    acts = [
        {"date": "2026-01-02", "rep": "K", "count": 10},
        {"date": "2026-02-05", "rep": "K", "count": 15},
        {"date": "2026-03-05", "rep": "K", "count": 15},
    ]
    deals = [
        {"date": d, "rep": "K", "status": "won", "amount": 10}
        for d in ["2026-01-10", "2026-01-11", "2026-02-10", "2026-03-01", "2026-03-02", "2026-03-03"]
    ]
    return make_slice(acts, deals)


def test_period_table_marks_activity_rising_without_results():
    periods = period_table(month_slice(), "month", rise_pct=0.10)
    assert periods["period"].dt.strftime("%Y-%m").tolist() == ["2026-01", "2026-02", "2026-03"]
    assert periods["activities"].tolist() == [10, 15, 15]
    assert periods["won"].tolist() == [2, 1, 3]
    assert periods["activity_change"].tolist()[1:] == pytest.approx([0.5, 0.0])
    assert periods["rose_without_results"].tolist() == [False, True, False]
    assert periods["conversion"].tolist() == pytest.approx([0.2, 1 / 15, 0.2])


def test_period_table_fills_empty_periods_with_zeros():
    acts = [{"date": "2026-01-05", "rep": "K"}, {"date": "2026-03-05", "rep": "K"}]
    periods = period_table(make_slice(acts, None), "month")
    assert periods["activities"].tolist() == [1, 0, 1]


def test_weekly_periods_start_on_monday():
    acts = [{"date": "2026-01-07", "rep": "K"}, {"date": "2026-01-12", "rep": "K"}]
    periods = period_table(make_slice(acts, None), "week")
    assert periods["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-12"]


def test_periods_overlapping_a_brush():
    periods = period_table(month_slice(), "month")
    picked = periods_overlapping(periods, pd.Timestamp("2026-02-20"), pd.Timestamp("2026-03-02"))
    assert picked["period"].dt.strftime("%Y-%m").tolist() == ["2026-02", "2026-03"]


def test_kpis_against_previous_period():
    data = month_slice()
    current = apply(data, Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-31").date()))
    before = apply(data, Filters(start=pd.Timestamp("2026-01-29").date(), end=pd.Timestamp("2026-02-28").date()))
    kpis = kpi_table(current, before).set_index("kpi")
    assert kpis.loc["activities", ["value", "previous"]].tolist() == [15, 15]
    assert kpis.loc["won", ["value", "previous", "change"]].tolist() == [3, 1, pytest.approx(2.0)]
    assert kpis.loc["conversion", "value"] == pytest.approx(0.2)
    assert kpis.loc["revenue", "value"] == 30.0
    assert kpis.loc["satisfaction", "value"] is None


def test_previous_period_has_equal_length():
    chosen = Filters(start=pd.Timestamp("2026-03-01").date(), end=pd.Timestamp("2026-03-31").date())
    before = chosen.previous()
    assert (before.start.isoformat(), before.end.isoformat()) == ("2026-01-29", "2026-02-28")


def test_activity_mix_attributes_only_through_deal_links():
    mix = activity_mix(deal_funnel_slice(), STARTUP).set_index("activity_type")
    assert mix.loc["call", ["activities", "deals", "won_deals", "decided_deals"]].tolist() == [1, 1, 1, 1]
    assert mix.loc["demo", "win_rate"] == 0.0
    assert mix.loc["call", "label"] == "Outreach call"
    unlinked = activity_mix(make_slice([{"date": "2026-01-02", "rep": "K"}], None), STARTUP)
    assert pd.isna(unlinked.loc[0, "win_rate"]) and pd.isna(unlinked.loc[0, "deals"])


def test_stages_no_deal_shows_are_left_out():
    # Deals-only data whose stage column names only the first two levels: no deal shows a demo.
    deals = [
        {"date": "2026-01-10", "rep": "K", "deal_id": f"D{i}", "status": status, "stage_level": level}
        for i, (status, level) in enumerate(
            [("won", pd.NA), ("won", pd.NA), ("lost", 1), ("lost", pd.NA), ("open", 1), ("open", 0)]
        )
    ]
    funnel = funnel_table(make_slice(None, deals), STARTUP)
    team = funnel[funnel["rep"] == TEAM]
    assert team["stage"].tolist() == ["Outreach", "Conversation", "Customer"]
    # The lost deal with no stage recorded could have stopped anywhere: it is left out, and counted as such.
    assert team["reached"].tolist() == [5, 4, 2]
    assert team["from_previous"].tolist()[1:] == pytest.approx([0.8, 0.5])
    assert lost_without_stage(make_slice(None, deals), STARTUP) == 1


def test_deals_only_effort_is_counted_when_engaged_and_results_when_closed():
    deals = [
        {"date": "2026-03-10", "engaged": "2026-01-05", "rep": "K", "status": "won", "amount": 10},
        {"date": "2026-03-12", "engaged": "2026-02-05", "rep": "K", "status": "lost", "amount": 10},
        {"date": "2026-02-20", "engaged": "2026-02-20", "rep": "K", "status": "open"},
    ]
    periods = period_table(make_slice(None, deals), "month")
    assert periods["period"].dt.strftime("%Y-%m").tolist() == ["2026-01", "2026-02", "2026-03"]
    assert periods["activities"].tolist() == [1, 2, 0]
    assert periods["won"].tolist() == [0, 0, 1]
    assert periods["conversion"].tolist()[2] == pytest.approx(0.5)


def test_periods_the_data_only_partly_covers_are_not_marked():
    # The log starts on a Thursday: its first week holds 2 activities, the next 10, and nothing is won.
    acts = [
        {"date": "2026-01-08", "rep": "K", "count": 2},
        {"date": "2026-01-12", "rep": "K", "count": 10},
        {"date": "2026-01-19", "rep": "K", "count": 20},
        {"date": "2026-01-26", "rep": "K", "count": 30},
    ]
    deals = [{"date": "2026-01-13", "rep": "K", "status": "won", "amount": 1}]
    periods = period_table(make_slice(acts, deals), "week")
    # Week of 12 Jan: +400% but against a partial week; 19 Jan: +100% while wins fell 1 → 0: marked.
    assert periods["rose_without_results"].tolist() == [False, False, True, False]


def test_deals_that_only_say_won_or_lost_get_a_decision_funnel():
    deals = [
        {"date": "2026-01-10", "rep": rep, "deal_id": f"{rep}{i}", "status": status}
        for rep, statuses in {"K": ["won", "won", "lost", "open"], "O": ["won", "lost", "lost"]}.items()
        for i, status in enumerate(statuses)
    ]
    funnel = funnel_table(make_slice(None, deals), STARTUP)
    team = funnel[funnel["rep"] == TEAM]
    assert team["stage"].tolist() == ["Deals", "Decided", "Customer"]
    assert team["reached"].tolist() == [7, 6, 3]
    assert team["from_previous"].tolist()[1:] == pytest.approx([6 / 7, 0.5])  # the last step is the win rate
    kari = funnel[funnel["rep"] == "K"]
    assert kari["reached"].tolist() == [4, 3, 2]
