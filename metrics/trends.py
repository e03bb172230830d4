"""Activity and results per week or month, and the periods where activity rose but results did not."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Slice

FREQUENCIES = {"week": "W-MON", "month": "MS"}
TREND_COLUMNS = ["period", "activities", "won", "revenue", "conversion", "previous_activities", "previous_won",
                 "activity_change", "won_change", "rose_without_results"]


def _period_start(dates: pd.Series, frequency: str) -> pd.Series:
    if frequency == "week":
        return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()
    return dates.dt.to_period("M").dt.start_time


def period_table(data: Slice, frequency: str = "month", rise_pct: float = 0.10) -> pd.DataFrame:
    """Per period: activities (or deals for deals-only data), won, revenue, conversion and changes.

    A period is marked `rose_without_results` when activity grew by more than `rise_pct` over the period
    before while won deals did not grow. Periods with no rows in between are filled with zeros, so a
    change is always against the calendar period just before.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {sorted(FREQUENCIES)}")
    if data.basis == "deals":
        deals = data.outcomes[data.outcomes["status"].notna()]
        effort = deals.assign(period=_period_start(deals["date"], frequency)).groupby("period").size()
    else:
        effort = data.activities.assign(period=_period_start(data.activities["date"], frequency)) \
            .groupby("period")["count"].sum()
    results = data.outcomes.assign(period=_period_start(data.outcomes["date"], frequency)) \
        .groupby("period")[["won", "lost", "revenue"]].sum()
    table = pd.concat([effort.rename("activities"), results], axis=1)
    if table.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    calendar = pd.date_range(table.index.min(), table.index.max(), freq=FREQUENCIES[frequency])
    table = table.reindex(calendar, fill_value=0).fillna(0)
    table.index.name = "period"
    table = table.reset_index()
    table["activities"] = table["activities"].astype("int64")
    table["won"] = table["won"].astype("int64")
    trials = table["won"] + table["lost"] if data.basis == "deals" else table["activities"]
    table["previous_activities"] = table["activities"].shift(1).astype("Int64")
    table["previous_won"] = table["won"].shift(1).astype("Int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["conversion"] = np.where(trials > 0, table["won"] / trials, np.nan)
        table["activity_change"] = (table["activities"] / table["previous_activities"] - 1) \
            .where(table["previous_activities"] > 0).astype("Float64")
        table["won_change"] = (table["won"] / table["previous_won"] - 1).where(table["previous_won"] > 0) \
            .astype("Float64")
    table["rose_without_results"] = ((table["activity_change"] > rise_pct) &
                                     (table["won"] <= table["previous_won"])).fillna(False).astype(bool)
    return table[TREND_COLUMNS]


def periods_overlapping(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The periods of a period_table that overlap [start, end], as a brush on the time axis picks them."""
    next_start = table["period"].shift(-1).fillna(table["period"].max() + pd.Timedelta(days=31))
    return table[(table["period"] <= end) & (next_start > start)]
