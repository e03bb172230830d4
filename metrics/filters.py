"""Scope a dataset to a scenario and to the user's filters (dates, teams, reps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from metrics.columns import by_distinct
from metrics.ingest import Dataset
from metrics.scenarios import Scenario, normalise_activity_types

DENSE_DAYS, DENSE_GAP_DAYS = 20, 3  # a series with at least this many days, a median gap of at most this, is daily


@dataclass(frozen=True)
class Slice:
    """The rows an analysis looks at.

    activities gains `stage` (the funnel stage its type evidences, <NA> for types outside the scenario);
    activity_type holds the scenario's key for known types.

    With deals-only data the effort is the deals a rep engaged, and it falls when each was engaged, while
    its result falls when it closed: so a slice of dates holds the deals that closed in them (`outcomes`,
    the results) and, apart, the deals engaged in them (`deals_engaged`, the effort).
    """

    activities: pd.DataFrame
    outcomes: pd.DataFrame
    basis: str  # 'activities' or 'deals': what a rep's effort is counted in
    engaged: pd.DataFrame | None = None  # deals-only data: the deals engaged in the slice's dates, if they differ

    @property
    def deals_engaged(self) -> pd.DataFrame:
        """The deals whose effort this slice counts: engaged in its dates (all of them when it has none)."""
        if self.engaged is not None:
            return self.engaged
        return self.outcomes[self.outcomes["status"].notna()]

    _kept: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def kept(self, key, compute):
        """`compute()`, once per slice: several analyses of one slice need the same table of its deals."""
        if key not in self._kept:
            self._kept[key] = compute()
        return self._kept[key]


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    teams: tuple[str, ...] = ()
    reps: tuple[str, ...] = ()

    def previous(self) -> Filters | None:
        """The period of equal length just before this one, or None without a date range."""
        if self.start is None or self.end is None:
            return None
        length = self.end - self.start + dt.timedelta(days=1)
        return replace(self, start=self.start - length, end=self.start - dt.timedelta(days=1))

    def year_before(self) -> Filters | None:
        """The same dates one year earlier, or None without a date range."""
        if self.start is None or self.end is None:
            return None
        return replace(
            self,
            start=(pd.Timestamp(self.start) - pd.DateOffset(years=1)).date(),
            end=(pd.Timestamp(self.end) - pd.DateOffset(years=1)).date(),
        )

    def without_reps(self) -> Filters:
        return replace(self, reps=())


def scope(dataset: Dataset, scenario: Scenario, assigned_types: dict[str, str] | None = None) -> Slice:
    """Name the activity types in the scenario's words and mark the funnel stage each evidences.

    `assigned_types` holds the user's own choices for activity texts the vocabulary does not know.
    """
    types = normalise_activity_types(dataset.activities["activity_type"], scenario, assigned_types)
    stages = by_distinct(types, lambda keys: keys.map(scenario.activity_stage).astype("Int64"))
    return Slice(dataset.activities.assign(activity_type=types, stage=stages), dataset.outcomes, dataset.effort_basis)


def _rows_in(frame: pd.DataFrame, filters: Filters, dated_by: str = "date") -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    if filters.start is not None:
        keep &= frame[dated_by] >= pd.Timestamp(filters.start)
    if filters.end is not None:
        keep &= frame[dated_by] < pd.Timestamp(filters.end) + pd.Timedelta(days=1)
    if filters.teams:
        keep &= frame["team"].isin(filters.teams).fillna(False)
    if filters.reps:
        keep &= frame["rep"].isin(filters.reps).fillna(False)
    return keep


def apply(data: Slice, filters: Filters) -> Slice:
    engaged = None
    if data.basis == "deals":
        deals = data.deals_engaged
        engaged = deals[_rows_in(deals, filters, dated_by="engaged")]
    return Slice(
        data.activities[_rows_in(data.activities, filters)],
        data.outcomes[_rows_in(data.outcomes, filters)],
        data.basis,
        engaged,
    )


def date_bounds(data: Slice) -> tuple[dt.date, dt.date] | None:
    """The first and last date in the slice, the days deals were engaged included."""
    # Every rerun asks, for the date picker and the comparisons; the answer never changes for a slice.
    return data.kept("date_bounds", lambda: _date_bounds(data))


def _date_bounds(data: Slice) -> tuple[dt.date, dt.date] | None:
    engaged = [data.deals_engaged["engaged"]] if data.basis == "deals" else []
    dates = pd.concat([data.activities["date"], data.outcomes["date"], *engaged]).dropna()
    if dates.empty:
        return None
    return dates.min().date(), dates.max().date()


def coverage(data: Slice) -> tuple[dt.date, dt.date] | None:
    """The dates the data records: from the first day anything is recorded to the last day both effort and
    results still are.

    The end is where the first of the two series stops: a deals export's engaged dates may stop days or
    months before its close dates, and an activity log may run past the deals export; a period beyond that
    would show effort without results, or the other way round, for how the files were cut, not for how
    sales went. The start is the first day of either: results come after effort by the length of a sales
    cycle, and no deal closing in January's first days doesn't mean January's results were not recorded.
    Comparisons and marks use only periods inside this span.
    """
    return data.kept("coverage", lambda: _coverage(data))


def _coverage(data: Slice) -> tuple[dt.date, dt.date] | None:
    effort = (data.deals_engaged["engaged"] if data.basis == "deals" else data.activities["date"]).dropna()
    results = data.outcomes["date"].dropna()
    series = [dates for dates in (effort, results) if len(dates)]
    if not series:
        return None
    start = min(dates.min() for dates in series)
    stops = [stop for stop in map(_recorded_until, series) if stop is not None]
    end = min(stops) if stops else max(dates.max() for dates in series)
    return (start.date(), end.date()) if start <= end else None


def _recorded_until(dates: pd.Series) -> pd.Timestamp | None:
    """The last day of a series recorded most days; None for a sparse one (a few deals a month), whose last
    event says nothing about when recording stopped."""
    days = dates.dt.normalize().drop_duplicates().sort_values()
    if len(days) < DENSE_DAYS or days.diff().median() > pd.Timedelta(days=DENSE_GAP_DAYS):
        return None
    return days.iloc[-1]


def covers(bounds: tuple[dt.date, dt.date] | None, period: Filters | None) -> bool:
    """Whether the data reaches back to the period's first day and on to its last.

    A period the data only half covers would compare half a period with a whole one.
    """
    return bool(
        bounds
        and period
        and period.start is not None
        and period.end is not None
        and bounds[0] <= period.start
        and period.end <= bounds[1]
    )


COMPARISON_UNITS = {"month": "M", "quarter": "Q"}


def last_full_period(chosen: Filters, bounds: tuple[dt.date, dt.date], unit: str) -> tuple[Filters, Filters] | None:
    """The last whole calendar month (or quarter) inside the chosen dates and the data, and the one before it.

    None when no whole period fits.
    """
    start = max(chosen.start or bounds[0], bounds[0])
    end = min(chosen.end or bounds[1], bounds[1])
    # The period holding the day after `end` is the first one not wholly inside; the one before it is.
    current = pd.Period(pd.Timestamp(end) + pd.Timedelta(days=1), freq=COMPARISON_UNITS[unit]) - 1
    if current.start_time.date() < start:
        return None
    before = current - 1

    def dates(period: pd.Period) -> Filters:
        return replace(chosen, start=period.start_time.date(), end=period.end_time.date())

    return dates(current), dates(before)


def comparison(
    chosen: Filters,
    bounds: tuple[dt.date, dt.date] | None,
    unit: str = "chosen",
    covered: tuple[dt.date, dt.date] | None = None,
) -> tuple[Filters, Filters | None, Filters | None] | None:
    """What to compare: (now, the period before, the same period a year earlier).

    `unit` "chosen" takes the chosen dates and the period of equal length before them; "month" or
    "quarter" take the last whole calendar period and the one before. `covered` (default `bounds`) is the
    span both effort and results are recorded for (see coverage): a whole month must lie in it, and an
    earlier period it doesn't wholly hold is None, so a change is never computed against a part of one.
    None when nothing fits.
    """
    if bounds is None:
        return None
    covered = covered or bounds
    if unit == "chosen":
        now = replace(chosen, start=chosen.start or bounds[0], end=chosen.end or bounds[1])
        before = now.previous()
    else:
        periods = last_full_period(chosen, covered, unit)
        if periods is None:
            return None
        now, before = periods
    year = now.year_before()
    return now, before if covers(covered, before) else None, year if covers(covered, year) else None


def teams(data: Slice) -> list[str]:
    """The teams in the slice, for the team filter: asked on every rerun, so kept with the slice."""
    return data.kept(
        "teams", lambda: sorted(pd.concat([data.activities["team"], data.outcomes["team"]]).dropna().unique().tolist())
    )


def reps(data: Slice, in_teams: tuple[str, ...] = ()) -> list[str]:
    """The reps in the slice (in `in_teams`, if given), for the rep filter."""
    # Each rep and team seen together, once: a few thousand pairs, where the rows are a million.
    pairs = data.kept(
        "rep_teams",
        lambda: pd.concat([data.activities[["rep", "team"]], data.outcomes[["rep", "team"]]]).drop_duplicates(),
    )

    def listed() -> list[str]:
        frame = pairs[pairs["team"].isin(in_teams).fillna(False)] if in_teams else pairs
        return sorted(frame["rep"].dropna().unique().tolist())

    return data.kept(("reps", tuple(in_teams)), listed)
