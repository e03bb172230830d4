import datetime as dt

import pytest

from metrics.filters import Filters, comparison, covers, last_full_period

BOUNDS = (dt.date(2026, 1, 2), dt.date(2026, 10, 30))


def days(start: str, end: str) -> Filters:
    return Filters(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))


@pytest.mark.parametrize("period, covered", [
    (days("2026-01-02", "2026-01-31"), True),
    (days("2026-01-01", "2026-01-31"), False),  # one day before the data starts
    (days("2026-10-01", "2026-10-31"), False),  # one day after it ends
    (None, False),
])
def test_covers(period, covered):
    assert covers(BOUNDS, period) is covered


@pytest.mark.parametrize("unit, now, before", [
    ("month", ("2026-09-01", "2026-09-30"), ("2026-08-01", "2026-08-31")),  # October is not whole
    ("quarter", ("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),
])
def test_last_full_period(unit, now, before):
    assert last_full_period(Filters(), BOUNDS, unit) == (days(*now), days(*before))


def test_last_full_period_ending_on_the_last_day():
    assert last_full_period(Filters(), (dt.date(2026, 1, 2), dt.date(2026, 10, 31)), "month")[0] == \
        days("2026-10-01", "2026-10-31")


def test_no_whole_period_inside_the_chosen_dates():
    assert last_full_period(days("2026-05-10", "2026-06-15"), BOUNDS, "month") is None


def test_comparison_leaves_out_periods_the_data_does_not_cover():
    now, before, year = comparison(Filters(), BOUNDS)
    assert now == days("2026-01-02", "2026-10-30")
    assert before is None and year is None
    now, before, year = comparison(days("2026-06-01", "2026-06-30"), BOUNDS)
    assert before == days("2026-05-02", "2026-05-31") and year is None
    now, before, _ = comparison(Filters(teams=("North",)), BOUNDS, "month")
    assert (now.teams, before) == (("North",), days("2026-08-01", "2026-08-31").__class__(
        start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31), teams=("North",)))
