"""Expected against actual: the performance a rep's activity predicts on the team's curve, and what-ifs.

The team curve is y = a + b·ln(1 + effort): concave, so each extra activity is worth a little less than
the one before. Effort is the weighted activity count (diagnostics.rep_table), the activity count when every
weight is 1. It is fitted by Theil–Sen (the median of all pairwise slopes, then the median of y − b·x as
intercept, scipy's method="joint"), so one star rep moves it no more than any other rep does. Reps who own
no deals are neither fitted nor given an expected value: their effort is meant to convert for others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.diagnostics import STATUS_NO_DEALS, pooled_rate

MIN_REPS_TO_FIT = 5  # Theil–Sen withstands about three outliers in ten; with fewer reps one star is too many


@dataclass(frozen=True)
class Curve:
    intercept: float
    slope: float

    def predict(self, effort) -> np.ndarray:
        return np.maximum(self.intercept + self.slope * np.log1p(np.asarray(effort, dtype=float)), 0.0)


def fit_curve(effort, performance) -> Curve | None:
    """Theil–Sen fit of performance on ln(1 + effort); None with fewer than 5 reps or no spread."""
    x = np.log1p(np.asarray(effort, dtype=float))
    y = np.asarray(performance, dtype=float)
    if len(x) < MIN_REPS_TO_FIT:
        return None
    # Every pair at once: n(n − 1)/2 slopes, 0.5 M for 1,000 reps (about 20 MB while it runs).
    first, second = np.triu_indices(len(x), k=1)
    run = x[second] - x[first]
    apart = run != 0
    slopes = (y[second][apart] - y[first][apart]) / run[apart]
    if not slopes.size:
        return None
    # A falling curve would say activity costs results; across reps that is the busy-but-not-converting
    # pattern itself, which the curve must not absorb. So activity never predicts less: slope ≥ 0.
    slope = max(float(np.median(slopes)), 0.0)
    return Curve(float(np.median(y - slope * x)), slope)


def _sellers(reps: pd.DataFrame) -> pd.Series:
    return reps["status"] != STATUS_NO_DEALS


def team_curve(reps: pd.DataFrame, measure: str) -> Curve | None:
    """The curve the team's reps normally follow: fitted on every rep who owns deals and is not flagged.

    Flagged reps are already shown to convert below the team beyond chance; fitting through them would pull
    the curve down and hide the very gap they are measured by. Theil–Sen copes with the rest, outliers
    such as a star rep included, up to about three in ten reps.
    """
    usual = reps[~reps["flagged"] & _sellers(reps)]
    return fit_curve(usual["effort"], usual[measure])


def team_curves(reps: pd.DataFrame) -> dict[str, Curve | None]:
    """The team curve for won deals and for revenue. A slope of 0 says activity predicts nothing there."""
    return {measure: team_curve(reps, measure) for measure in ("won", "revenue")}


def expected_table(reps: pd.DataFrame, curves: Mapping[str, Curve | None] | None = None) -> pd.DataFrame:
    """Per rep: expected_won and expected_revenue on the team's curves, and the gaps (actual − expected).

    Columns: rep, expected_won, won_gap, expected_revenue, gap. Expected values are NaN when no curve fits,
    and for reps who own no deals. `curves` is team_curves(reps) when the caller has fitted them already.
    """
    curves = team_curves(reps) if curves is None else curves
    table = pd.DataFrame({"rep": reps["rep"].to_numpy()})
    sellers = _sellers(reps).to_numpy()
    for measure, expected, gap in (("won", "expected_won", "won_gap"), ("revenue", "expected_revenue", "gap")):
        curve = curves[measure]
        table[expected] = np.where(sellers, curve.predict(reps["effort"]), np.nan) if curve else np.nan
        table[gap] = reps[measure].to_numpy(dtype=float) - table[expected]
    return table


def curve_points(
    reps: pd.DataFrame, measure: str, points: int = 60, curves: Mapping[str, Curve | None] | None = None
) -> pd.DataFrame:
    """The fitted team curve over the reps' effort, for drawing. Columns: effort, activities (the same
    grid, under the name the charts drawn in activities read; the two agree when every weight is 1),
    expected. `curves` is team_curves(reps) when the caller has fitted them already."""
    curve = team_curve(reps, measure) if curves is None else curves[measure]
    if curve is None:
        return pd.DataFrame(columns=["effort", "activities", "expected"])
    grid = np.linspace(0, float(reps["effort"].max()) * 1.05, points)
    return pd.DataFrame({"effort": grid, "activities": grid, "expected": curve.predict(grid)})


def what_if(reps: pd.DataFrame) -> pd.DataFrame:
    """For each flagged rep: the won deals and revenue the team would gain at the team's pooled rate.

    extra_won = pooled rate × the rep's trials − the rep's won; extra_revenue prices each extra win at the
    team's average deal size (a flagged rep's own few wins are too thin to price them). Reps who own no deals
    are never flagged, so never priced here.
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
