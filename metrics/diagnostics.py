"""Per-rep activity against performance: quadrants, conversion and the flag for busy reps who don't convert."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Slice
from metrics.scenarios import Thresholds
from metrics.stats import funnel_limits, min_judgeable_volume, wilson_interval

QUADRANTS = {
    (True, False): "high_activity_low_performance",
    (True, True): "high_activity_high_performance",
    (False, True): "low_activity_high_performance",
    (False, False): "low_activity_low_performance",
}
QUADRANT_LABELS = {
    "high_activity_low_performance": "Busy, not converting",
    "high_activity_high_performance": "Busy and converting",
    "low_activity_high_performance": "Efficient",
    "low_activity_low_performance": "Quiet",
}
STATUS_FLAGGED, STATUS_OK, STATUS_THIN = "flagged", "ok", "not enough data"
PERFORMANCE_MEASURES = ("won", "revenue")

REP_COLUMNS = ["rep", "team", "activities", "deals", "won", "lost", "decided", "revenue", "trials", "conversion",
               "conversion_low", "conversion_high", "limit_low", "avg_deal_size", "satisfaction", "ratings",
               "quadrant", "status", "flagged"]


def rep_totals(data: Slice) -> pd.DataFrame:
    """Per rep: activities, deals, won, lost, decided, revenue, satisfaction (mean of `ratings` ratings), team."""
    effort = data.activities.groupby("rep", observed=True)["count"].sum().rename("activities")
    deal_rows = data.outcomes[data.outcomes["status"].notna()]
    deals = deal_rows.groupby("rep", observed=True).size().rename("deals")
    results = data.outcomes.groupby("rep", observed=True).agg(
        won=("won", "sum"), lost=("lost", "sum"), revenue=("revenue", "sum"), satisfaction=("satisfaction", "mean"),
        ratings=("satisfaction", "count"))
    teams = pd.concat([data.activities[["rep", "team"]], data.outcomes[["rep", "team"]]]) \
        .dropna(subset=["rep"]).drop_duplicates("rep").set_index("rep")["team"]
    totals = pd.concat([effort, deals, results], axis=1)
    totals.index.name = "rep"
    totals = totals.reset_index()
    for column in ("activities", "deals", "won", "lost", "ratings"):
        totals[column] = totals[column].fillna(0).astype("int64")
    totals["revenue"] = totals["revenue"].fillna(0.0).astype(float)
    totals["decided"] = totals["won"] + totals["lost"]
    totals["team"] = totals["rep"].map(teams).astype("string")
    totals["satisfaction"] = pd.to_numeric(totals["satisfaction"]).astype("Float64")
    return totals.sort_values("rep", ignore_index=True)


def pooled_rate(reps: pd.DataFrame) -> float | None:
    """The team's won ÷ trials, over the reps with any trials: wins of a rep whose effort is unknown (say, in
    the deals file but not the activity log) have no denominator and would inflate the rate."""
    judged = reps[reps["trials"] > 0]
    trials = judged["trials"].sum()
    return float(judged["won"].sum() / trials) if trials > 0 else None


def without_effort(reps: pd.DataFrame) -> pd.DataFrame:
    """Reps with results but no recorded effort: they can't be placed or judged, so the pages say so."""
    return reps[(reps["activities"] == 0) & ((reps["won"] > 0) | (reps["revenue"] > 0))]


def rep_table(data: Slice, thresholds: Thresholds, performance: str = "won",
              activity_line: float | None = None, performance_line: float | None = None) -> pd.DataFrame:
    """One row per rep with conversion, its Wilson interval, the quadrant and the flag.

    Effort (`activities`) is the activity count, or the number of deals for deals-only data. Conversion is
    won ÷ activities, or won ÷ decided deals for deals-only data (`trials` holds the denominator).
    The quadrant lines are the team medians unless the user sets `activity_line` / `performance_line`.
    A rep is flagged when their effort is above the activity line and the upper end of their conversion's
    Wilson interval lies below the team's pooled rate; a rep with fewer trials than thresholds.min_volume,
    or too few for even zero wins to fall outside the limit, is 'not enough data' and never flagged.
    """
    reps = rep_totals(data)
    if data.basis == "deals":
        reps["activities"] = reps["deals"]
        reps["trials"] = reps["decided"]
    else:
        reps["trials"] = reps["activities"]
    with np.errstate(divide="ignore", invalid="ignore"):
        reps["conversion"] = np.where(reps["trials"] > 0, reps["won"] / reps["trials"], np.nan)
        reps["avg_deal_size"] = np.where(reps["won"] > 0, reps["revenue"] / reps["won"], np.nan)
    low, high = wilson_interval(reps["won"], reps["trials"], thresholds.confidence)
    reps["conversion_low"], reps["conversion_high"] = low, high
    pooled = pooled_rate(reps)
    reps["limit_low"] = funnel_limits(pooled, reps["trials"], thresholds.confidence)[0] if pooled is not None \
        else np.nan

    lines = quadrant_lines(reps, performance, activity_line, performance_line)
    busy = reps["activities"] > lines["activities"]
    performing = reps[performance] > lines[performance]
    reps["quadrant"] = [QUADRANTS[(b, p)] for b, p in zip(busy, performing)]

    judgeable = (reps["trials"] >= thresholds.min_volume) & \
        (reps["trials"] >= min_judgeable_volume(pooled if pooled is not None else 0.0, thresholds.confidence))
    below = (reps["conversion_high"] < pooled) if pooled is not None else pd.Series(False, index=reps.index)
    reps["flagged"] = (busy & judgeable & below).astype(bool)
    reps["status"] = np.select([reps["flagged"], ~judgeable], [STATUS_FLAGGED, STATUS_THIN], STATUS_OK)
    return reps[REP_COLUMNS]


def quadrant_lines(reps: pd.DataFrame, performance: str = "won", activity_line: float | None = None,
                   performance_line: float | None = None) -> dict[str, float]:
    """Where the quadrant lines sit: the medians of the reps with recorded effort, or the user's targets."""
    placed = reps[reps["activities"] > 0]
    return {
        "activities": float(activity_line if activity_line is not None else placed["activities"].median())
        if len(placed) else 0.0,
        performance: float(performance_line if performance_line is not None else placed[performance].median())
        if len(placed) else 0.0,
    }


def funnel_plot_limits(reps: pd.DataFrame, flag_confidence: float = 0.95, points: int = 120) -> pd.DataFrame:
    """Control-limit curves around the pooled rate, over the volumes the reps span: at 95% and 99.8%, and
    at the confidence the flag uses if that is another, so a flagged rep always sits below a drawn curve.

    Columns: trials, confidence, lower, upper, pooled.
    """
    confidences = sorted({0.95, 0.998, flag_confidence})
    pooled = pooled_rate(reps)
    if pooled is None or reps["trials"].max() <= 0:
        return pd.DataFrame(columns=["trials", "confidence", "lower", "upper", "pooled"])
    top = float(reps["trials"].max()) * 1.1
    grid = np.unique(np.geomspace(1, max(top, 2), points).round(2))
    curves = []
    for confidence in confidences:
        lower, upper = funnel_limits(pooled, grid, confidence)
        curves.append(pd.DataFrame({"trials": grid, "confidence": confidence, "lower": lower, "upper": upper,
                                    "pooled": pooled}))
    return pd.concat(curves, ignore_index=True)


def rep_against_team(reps: pd.DataFrame, rep: str) -> pd.DataFrame:
    """One rep's numbers beside the team's: medians for counts, the pooled rate for conversion.

    Columns: measure, rep, team, ratio (rep ÷ team).
    """
    row = reps.set_index("rep").loc[rep]
    placed = reps[reps["activities"] > 0]
    team = {
        "activities": float(placed["activities"].median()),
        "won": float(placed["won"].median()),
        "revenue": float(placed["revenue"].median()),
        "conversion": pooled_rate(reps),
    }
    table = pd.DataFrame({"measure": list(team), "rep": [float(row[m]) if pd.notna(row[m]) else np.nan
                                                         for m in team],
                          "team": [np.nan if v is None else v for v in team.values()]})
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = np.where(table["team"] > 0, table["rep"] / table["team"], np.nan)
    return table
