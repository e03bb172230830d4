"""Expected against actual: the performance a rep's activity predicts on the team's curve, and what-ifs.

The team curve is y = a + b·ln(1 + activities): concave, so each extra activity is worth a little less
than the one before. It is fitted by Theil–Sen (the median of all pairwise slopes, then the median of
y − b·x as intercept, scipy's method="joint"), so one star rep moves it no more than any other rep does.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from metrics.diagnostics import pooled_rate

MIN_REPS_TO_FIT = 5  # Theil–Sen withstands about three outliers in ten; with fewer reps one star is too many


@dataclass(frozen=True)
class Curve:
    intercept: float
    slope: float

    def predict(self, activities) -> np.ndarray:
        return np.maximum(self.intercept + self.slope * np.log1p(np.asarray(activities, dtype=float)), 0.0)


def fit_curve(activities, performance) -> Curve | None:
    """Theil–Sen fit of performance on ln(1 + activities); None with fewer than 5 reps or no spread."""
    x = np.log1p(np.asarray(activities, dtype=float))
    y = np.asarray(performance, dtype=float)
    if len(x) < MIN_REPS_TO_FIT:
        return None
    slopes = [(y[j] - y[i]) / (x[j] - x[i]) for i, j in combinations(range(len(x)), 2) if x[j] != x[i]]
    if not slopes:
        return None
    # A falling curve would say activity costs results; across reps that is the busy-but-not-converting
    # pattern itself, which the curve must not absorb. So activity never predicts less: slope ≥ 0.
    slope = max(float(np.median(slopes)), 0.0)
    return Curve(float(np.median(y - slope * x)), slope)


def team_curve(reps: pd.DataFrame, measure: str) -> Curve | None:
    """The curve the team's reps normally follow: fitted on every rep who is not flagged.

    Flagged reps are already shown to convert below the team beyond chance; fitting through them would pull
    the curve down and hide the very gap they are measured by. Theil–Sen copes with the rest, outliers
    such as a star rep included, up to about three in ten reps.
    """
    usual = reps[~reps["flagged"]]
    return fit_curve(usual["activities"], usual[measure])


def team_curves(reps: pd.DataFrame) -> dict[str, Curve | None]:
    """The team curve for won deals and for revenue. A slope of 0 says activity predicts nothing there."""
    return {measure: team_curve(reps, measure) for measure in ("won", "revenue")}


def expected_table(reps: pd.DataFrame) -> pd.DataFrame:
    """Per rep: expected_won and expected_revenue on the team's curves, and the gaps (actual − expected).

    Columns: rep, expected_won, won_gap, expected_revenue, gap. Expected values are NaN when no curve fits.
    """
    table = pd.DataFrame({"rep": reps["rep"].to_numpy()})
    for measure, expected, gap in (("won", "expected_won", "won_gap"), ("revenue", "expected_revenue", "gap")):
        curve = team_curve(reps, measure)
        table[expected] = curve.predict(reps["activities"]) if curve else np.nan
        table[gap] = reps[measure].to_numpy(dtype=float) - table[expected]
    return table


def curve_points(reps: pd.DataFrame, measure: str, points: int = 60) -> pd.DataFrame:
    """The fitted team curve over the reps' activity range, for drawing. Columns: activities, expected."""
    curve = team_curve(reps, measure)
    if curve is None:
        return pd.DataFrame(columns=["activities", "expected"])
    grid = np.linspace(0, float(reps["activities"].max()) * 1.05, points)
    return pd.DataFrame({"activities": grid, "expected": curve.predict(grid)})


def what_if(reps: pd.DataFrame) -> pd.DataFrame:
    """For each flagged rep: the won deals and revenue the team would gain at the team's pooled rate.

    extra_won = pooled rate × the rep's trials − the rep's won; extra_revenue prices each extra win at the
    team's average deal size (a flagged rep's own few wins are too thin to price them).
    Columns: rep, team, trials, won, team_rate, won_at_team_rate, extra_won, extra_revenue.
    """
    pooled = pooled_rate(reps)
    flagged = reps[reps["flagged"]]
    columns = ["rep", "team", "trials", "won", "team_rate", "won_at_team_rate", "extra_won", "extra_revenue"]
    if pooled is None or flagged.empty:
        return pd.DataFrame(columns=columns)
    team_deal_size = reps["revenue"].sum() / reps["won"].sum() if reps["won"].sum() else 0.0
    table = flagged[["rep", "team", "trials", "won"]].copy()
    table["team_rate"] = pooled
    table["won_at_team_rate"] = pooled * table["trials"]
    table["extra_won"] = (table["won_at_team_rate"] - table["won"]).clip(lower=0)
    table["extra_revenue"] = table["extra_won"] * team_deal_size
    return table[columns].reset_index(drop=True)
