import datetime as dt

import pandas as pd
import pytest

from metrics.filters import Filters, apply, comparison, coverage, covers, date_bounds, last_full_period, reps, teams
from tests.conftest import make_slice

BOUNDS = (dt.date(2026, 1, 2), dt.date(2026, 10, 30))


def days(start: str, end: str) -> Filters:
    return Filters(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))


@pytest.mark.parametrize(
    "period, covered",
    [
        (days("2026-01-02", "2026-01-31"), True),
        (days("2026-01-01", "2026-01-31"), False),  # one day before the data starts
        (days("2026-10-01", "2026-10-31"), False),  # one day after it ends
        (None, False),
    ],
)
def test_covers(period, covered):
    assert covers(BOUNDS, period) is covered


@pytest.mark.parametrize(
    "unit, now, before",
    [
        ("month", ("2026-09-01", "2026-09-30"), ("2026-08-01", "2026-08-31")),  # October is not whole
        ("quarter", ("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),
    ],
)
def test_last_full_period(unit, now, before):
    assert last_full_period(Filters(), BOUNDS, unit) == (days(*now), days(*before))


def test_last_full_period_ending_on_the_last_day():
    assert last_full_period(Filters(), (dt.date(2026, 1, 2), dt.date(2026, 10, 31)), "month")[0] == days(
        "2026-10-01", "2026-10-31"
    )


def test_no_whole_period_inside_the_chosen_dates():
    assert last_full_period(days("2026-05-10", "2026-06-15"), BOUNDS, "month") is None


def test_comparison_leaves_out_periods_the_data_does_not_cover():
    now, before, year = comparison(Filters(), BOUNDS)
    assert now == days("2026-01-02", "2026-10-30")
    assert before is None and year is None
    now, before, year = comparison(days("2026-06-01", "2026-06-30"), BOUNDS)
    assert before == days("2026-05-02", "2026-05-31") and year is None
    now, before, _ = comparison(Filters(teams=("North",)), BOUNDS, "month")
    assert (now.teams, before) == (
        ("North",),
        days("2026-08-01", "2026-08-31").__class__(
            start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31), teams=("North",)
        ),
    )


def daily(start: str, days: int) -> list[str]:
    return [str(day.date()) for day in pd.date_range(start, periods=days, freq="D")]


def test_coverage_ends_where_the_first_daily_series_stops():
    """Deals engaged every day until 27 December, closed every day until 31 December: the data records both
    only until the 27th, so December is not a whole month to compare."""
    deals = [
        {"date": close, "engaged": engaged, "rep": "K", "status": "won"}
        for engaged, close in zip(daily("2017-10-01", 88), daily("2017-10-05", 88))
    ]
    assert coverage(make_slice(None, deals)) == (dt.date(2017, 10, 1), dt.date(2017, 12, 27))


def test_a_sparse_series_does_not_end_the_coverage():
    """One won deal says nothing about when results stopped being recorded: the daily log decides."""
    acts = [{"date": day, "rep": "K"} for day in daily("2026-01-01", 60)]
    deals = [{"date": "2026-01-13", "rep": "K", "status": "won"}]
    assert coverage(make_slice(acts, deals)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))


def test_deals_only_slices_count_effort_when_engaged_and_results_when_closed():
    deals = [
        {"date": "2026-02-10", "engaged": "2026-01-05", "rep": "K", "status": "won"},
        {"date": "2026-01-20", "engaged": "2026-01-02", "rep": "K", "status": "lost"},
        {"date": "2026-03-01", "engaged": "2026-02-01", "rep": "K", "status": "open"},
    ]
    january = apply(make_slice(None, deals), Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    assert len(january.deals_engaged) == 2  # both engaged in January
    assert january.outcomes["status"].tolist() == ["lost"]  # only the lost one closed in it


def test_the_filters_choices_come_from_both_tables_and_are_kept_with_the_slice():
    data = make_slice(
        [
            {"date": "2026-01-05", "rep": "Kari", "team": "North"},
            {"date": "2026-01-06", "rep": "Kari", "team": "North"},
            {"date": "2026-01-07", "rep": "Ola", "team": "South"},
        ],
        [
            {"date": "2026-02-01", "rep": "Per", "team": "North", "deal_id": "D1", "status": "won"},
            {"date": "2026-02-02", "rep": "Anne", "team": None, "deal_id": "D2", "status": "lost"},
        ],
    )
    assert teams(data) == ["North", "South"]
    assert reps(data) == ["Anne", "Kari", "Ola", "Per"]
    assert reps(data, ("North",)) == ["Kari", "Per"]
    assert reps(data, ("South", "North")) == ["Kari", "Ola", "Per"]
    assert date_bounds(data) == (dt.date(2026, 1, 5), dt.date(2026, 2, 2))
    # Asked on every rerun, answered once: the same objects come back.
    assert teams(data) is teams(data) and reps(data, ("North",)) is reps(data, ("North",))
