"""The same analysis with a team as the unit, and the spread of reps within each team."""
from __future__ import annotations

import pandas as pd

from metrics.diagnostics import rep_table
from metrics.filters import Slice
from metrics.scenarios import Thresholds

NO_TEAM = "(no team)"
SPREAD_COLUMNS = ["team", "reps", "flagged_reps", "conversion_min", "conversion_median", "conversion_max",
                  "conversion_iqr"]


def as_teams(data: Slice) -> Slice:
    """The slice with each row's team standing in for its rep, so every per-rep function works per team."""
    def relabel(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(rep=frame["team"].fillna(NO_TEAM).astype("string"))
    return Slice(relabel(data.activities), relabel(data.outcomes), data.basis)


def team_table(data: Slice, thresholds: Thresholds) -> pd.DataFrame:
    """rep_table with teams as units: lines at the median team, flags against the pooled rate of all teams."""
    table = rep_table(as_teams(data), thresholds).drop(columns=["team"]).rename(columns={"rep": "team"})
    return table


def team_spread(reps: pd.DataFrame) -> pd.DataFrame:
    """Per team: how many reps, how many flagged, and the spread of their conversion."""
    grouped = reps.assign(team=reps["team"].fillna(NO_TEAM)).groupby("team")
    conversion = grouped["conversion"]
    spread = pd.DataFrame({
        "reps": grouped.size(),
        "flagged_reps": grouped["flagged"].sum().astype(int),
        "conversion_min": conversion.min(),
        "conversion_median": conversion.median(),
        "conversion_max": conversion.max(),
        "conversion_iqr": conversion.quantile(0.75) - conversion.quantile(0.25),
    }).reset_index()
    return spread[SPREAD_COLUMNS]
