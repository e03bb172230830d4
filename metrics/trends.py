"""Activity and results per week or month, and the periods where activity rose but results did not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Slice, coverage

FREQUENCIES = {"week": "W-MON", "month": "MS"}
TREND_COLUMNS = [
    "period",
    "activities",
    "won",
    "revenue",
    "results_period",
    "won_after_lag",
    "revenue_after_lag",
    "conversion",
    "previous_activities",
    "previous_won",
    "activity_change",
    "won_change",
    "rose_without_results",
    "partial",
]


def _period_start(dates: pd.Series, frequency: str) -> pd.Series:
    if frequency == "week":
        return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()
    return dates.dt.to_period("M").dt.start_time


def _totals(data: Slice, frequency: str) -> pd.DataFrame:
    """Per calendar period, gaps filled with zeros: activities (or deals engaged), won, lost, revenue."""
    if data.basis == "deals":
        # Effort falls when a deal was engaged, its result when it closed.
        deals = data.deals_engaged
        effort = deals.assign(period=_period_start(deals["engaged"], frequency)).groupby("period").size()
    else:
        effort = (
            data.activities.assign(period=_period_start(data.activities["date"], frequency))
            .groupby("period")["count"]
            .sum()
        )
    results = (
        data.outcomes.assign(period=_period_start(data.outcomes["date"], frequency))
        .groupby("period")[["won", "lost", "revenue"]]
        .sum()
    )
    table = pd.concat([effort.rename("activities"), results], axis=1, sort=True)
    if table.empty:
        return table
    calendar = pd.date_range(table.index.min(), table.index.max(), freq=FREQUENCIES[frequency])
    table = table.reindex(calendar, fill_value=0).fillna(0)
    table.index.name = "period"
    table = table.reset_index()
    for column in ("activities", "won", "lost"):
        table[column] = table[column].astype("int64")
    return table


def period_table(data: Slice, frequency: str = "month", rise_pct: float = 0.10, lag: int = 0) -> pd.DataFrame:
    """Per period: activities (or deals for deals-only data), won, revenue, conversion and changes.

    With a `lag` of L periods, each period's activity is set against the results L periods later
    (`won_after_lag`, `revenue_after_lag`, from `results_period`): a demo this month may close next
    quarter. Conversion and the marks use those lagged results; the last L periods have none yet.
    A period is marked `rose_without_results` when activity grew by more than `rise_pct` over the period
    before while its (lagged) won deals did not grow — among whole periods, after the first results.
    Periods with no rows in between are filled with zeros, so a change is always against the calendar
    period just before.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {sorted(FREQUENCIES)}")
    table = _totals(data, frequency)
    if table.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    table["results_period"] = table["period"].shift(-lag) if lag else table["period"]
    table["won_after_lag"] = table["won"].shift(-lag).astype("Int64") if lag else table["won"].astype("Int64")
    table["revenue_after_lag"] = table["revenue"].shift(-lag) if lag else table["revenue"]
    lost_after_lag = table["lost"].shift(-lag) if lag else table["lost"]
    trials = table["won_after_lag"] + lost_after_lag if data.basis == "deals" else table["activities"]
    table["previous_activities"] = table["activities"].shift(1).astype("Int64")
    table["previous_won"] = table["won_after_lag"].shift(1).astype("Int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["conversion"] = (table["won_after_lag"] / trials).where(trials > 0).astype("Float64")
        table["activity_change"] = (
            (table["activities"] / table["previous_activities"] - 1)
            .where(table["previous_activities"] > 0)
            .astype("Float64")
        )
        table["won_change"] = (
            (table["won_after_lag"] / table["previous_won"] - 1).where(table["previous_won"] > 0).astype("Float64")
        )
    # A period the data only partly covers (a log starting mid-week) or one with no results before it (the
    # months before the first deal closed) would be marked for how the data begins, not for how sales went.
    whole = _whole_periods(data, table["period"], frequency)
    comparable = whole & whole.shift(1, fill_value=False) & (table["previous_won"] > 0).fillna(False)
    table["rose_without_results"] = (
        ((table["activity_change"] > rise_pct) & comparable & (table["won_after_lag"] <= table["previous_won"]))
        .fillna(False)
        .astype(bool)
    )
    table["partial"] = ~whole.to_numpy()  # drawn as part of a period, not as a collapse
    return table[TREND_COLUMNS]


def _whole_periods(data: Slice, starts: pd.Series, frequency: str) -> pd.Series:
    """Whether the span both effort and results are recorded for (filters.coverage) leaves each period
    (nearly) whole.

    A few days' slack, so a log that starts on 2 January after the holiday still has a whole January.
    """
    covered = coverage(data)
    if covered is None:
        return pd.Series(False, index=starts.index)
    slack = pd.Timedelta(days=1 if frequency == "week" else 3)
    first, last = pd.Timestamp(covered[0]) - slack, pd.Timestamp(covered[1]) + slack
    ends = starts + (pd.Timedelta(days=6) if frequency == "week" else pd.offsets.MonthEnd(0))
    return (starts >= first) & (ends <= last)


def lag_effect(data: Slice, frequency: str = "month", max_lag: int = 3) -> pd.DataFrame:
    """How closely activity tracks results L periods later, for L = 0..max_lag.

    Columns: lag, periods (pairs compared), correlation (Pearson, NaN when either side is constant).
    """
    table = _totals(data, frequency)
    rows = []
    for lag in range(max_lag + 1):
        if table.empty:
            rows.append({"lag": lag, "periods": 0, "correlation": np.nan})
            continue
        activity = table["activities"].astype(float)
        results = table["won"].shift(-lag).astype(float)
        pairs = pd.concat([activity, results], axis=1).dropna()
        spread = len(pairs) > 2 and pairs.iloc[:, 0].std() > 0 and pairs.iloc[:, 1].std() > 0
        rows.append(
            {
                "lag": lag,
                "periods": len(pairs),
                "correlation": float(pairs.iloc[:, 0].corr(pairs.iloc[:, 1])) if spread else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["lag", "periods", "correlation"])


def periods_overlapping(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The periods of a period_table that overlap [start, end], as a brush on the time axis picks them."""
    next_start = table["period"].shift(-1).fillna(table["period"].max() + pd.Timedelta(days=31))
    return table[(table["period"] <= end) & (next_start > start)]
