"""Headline numbers for a slice, against the previous period of equal length."""

from __future__ import annotations

import pandas as pd

from metrics.filters import Slice

KPI_COLUMNS = ["kpi", "value", "previous", "change", "year_ago", "change_year"]


def headline(data: Slice) -> dict[str, float | None]:
    """activities, won, revenue, conversion, avg_deal_size and satisfaction (None where there is none)."""
    won = int(data.outcomes["won"].sum())
    revenue = float(data.outcomes["revenue"].sum())
    if data.basis == "deals":
        # Effort: the deals engaged in the slice's dates; conversion: the deals decided in them.
        activities = len(data.deals_engaged)
        trials, won_judged = int(data.outcomes["won"].sum() + data.outcomes["lost"].sum()), won
    else:
        activities = trials = int(data.activities["count"].sum())
        # Wins of reps with no logged activity have no effort to divide by (see diagnostics.pooled_rate).
        with_effort = data.outcomes["rep"].isin(data.activities["rep"].unique())
        won_judged = int(data.outcomes.loc[with_effort, "won"].sum())
    satisfaction = data.outcomes["satisfaction"].dropna()
    return {
        "activities": activities,
        "won": won,
        "revenue": revenue,
        "conversion": won_judged / trials if trials else None,
        # No revenue at all means no amounts were given, not deals worth nothing.
        "avg_deal_size": revenue / won if won and revenue else None,
        "satisfaction": float(satisfaction.mean()) if len(satisfaction) else None,
    }


def kpi_table(current: Slice, previous: Slice | None, year_ago: Slice | None = None) -> pd.DataFrame:
    """One row per KPI: value, the previous period's value and the relative change, and the same for the
    period a year earlier (None where that period has no data or a change is not defined)."""
    now = headline(current)
    columns = {"previous": previous, "year_ago": year_ago}
    befores = {
        name: headline(data) if data is not None and _has_rows(data) else dict.fromkeys(now)
        for name, data in columns.items()
    }
    rows = []
    for kpi, value in now.items():
        row = {"kpi": kpi, "value": value}
        for name, change in (("previous", "change"), ("year_ago", "change_year")):
            old = befores[name][kpi]
            row[name] = old
            row[change] = (value / old - 1) if value is not None and old not in (None, 0) else None
        rows.append(row)
    table = pd.DataFrame(rows, columns=KPI_COLUMNS)
    return table.astype(object).where(table.notna(), None)


def _has_rows(data: Slice) -> bool:
    return bool(len(data.activities) or len(data.outcomes))
