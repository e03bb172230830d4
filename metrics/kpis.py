"""Headline numbers for a slice, against the previous period of equal length."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Slice

KPI_COLUMNS = ["kpi", "value", "previous", "change"]


def headline(data: Slice) -> dict[str, float | None]:
    """activities, won, revenue, conversion, avg_deal_size and satisfaction (None where there is none)."""
    won = int(data.outcomes["won"].sum())
    revenue = float(data.outcomes["revenue"].sum())
    if data.basis == "deals":
        activities = int(data.outcomes["status"].notna().sum())
        trials = int(data.outcomes["won"].sum() + data.outcomes["lost"].sum())
    else:
        activities = trials = int(data.activities["count"].sum())
    satisfaction = data.outcomes["satisfaction"].dropna()
    return {
        "activities": activities,
        "won": won,
        "revenue": revenue,
        "conversion": won / trials if trials else None,
        "avg_deal_size": revenue / won if won else None,
        "satisfaction": float(satisfaction.mean()) if len(satisfaction) else None,
    }


def kpi_table(current: Slice, previous: Slice | None) -> pd.DataFrame:
    """One row per KPI: value, the previous period's value, and the relative change (None if not defined)."""
    now = headline(current)
    before = headline(previous) if previous is not None else dict.fromkeys(now)
    rows = []
    for kpi, value in now.items():
        old = before[kpi]
        change = (value / old - 1) if value is not None and old not in (None, 0) else None
        rows.append({"kpi": kpi, "value": value, "previous": old, "change": change})
    table = pd.DataFrame(rows, columns=KPI_COLUMNS)
    return table.replace({np.nan: None})
