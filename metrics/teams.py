"""The same analysis with a team as the unit, and the spread of reps within each team."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics.diagnostics import STATUS_NO_DEALS, rep_table, reps_without_deals
from metrics.filters import Slice
from metrics.scenarios import Thresholds

NO_TEAM = "(no team)"
SPREAD_COLUMNS = [
    "team",
    "reps",
    "flagged_reps",
    "conversion_min",
    "conversion_median",
    "conversion_max",
    "conversion_iqr",
]


def as_teams(data: Slice) -> Slice:
    """The slice with each row's team standing in for its rep, so every per-rep function works per team.

    The activity of reps who own no deals is left out, as it is of the reps' pooled rate: a team's
    conversion is its sellers' wins over its sellers' effort, whoever books their meetings.
    """

    def relabel(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(rep=frame["team"].fillna(NO_TEAM).astype("string"))

    sellers = data.activities[~data.activities["rep"].isin(reps_without_deals(data)).fillna(False)]
    return Slice(
        relabel(sellers),
        relabel(data.outcomes),
        data.basis,
        relabel(data.engaged) if data.engaged is not None else None,
    )


def team_table(data: Slice, thresholds: Thresholds, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """rep_table with teams as units: lines at the median team, flags against the pooled rate of all teams,
    false discoveries controlled across the teams."""
    return rep_table(as_teams(data), thresholds, weights=weights).drop(columns=["team"]).rename(columns={"rep": "team"})


def team_spread(reps: pd.DataFrame) -> pd.DataFrame:
    """Per team: how many reps, how many flagged, and the spread of their conversion.

    The spread is of `shrunk_conversion`, each rep's rate shrunk toward the whole team's: its minimum and
    maximum name the worst and best reps, and a rep with 3 won of 3 must not be the maximum on luck alone.
    Reps who own no deals have no conversion and are counted in `reps` only.
    """
    grouped = reps.assign(team=reps["team"].fillna(NO_TEAM)).groupby("team")
    sellers = reps[reps["status"] != STATUS_NO_DEALS]
    conversion = sellers.assign(team=sellers["team"].fillna(NO_TEAM)).groupby("team")["shrunk_conversion"]
    spread = pd.DataFrame(
        {
            "reps": grouped.size(),
            "flagged_reps": grouped["flagged"].sum().astype(int),
            "conversion_min": conversion.min(),
            "conversion_median": conversion.median(),
            "conversion_max": conversion.max(),
            "conversion_iqr": conversion.quantile(0.75) - conversion.quantile(0.25),
        }
    ).reset_index()
    return spread[SPREAD_COLUMNS]
