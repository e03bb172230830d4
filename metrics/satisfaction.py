"""A second kind of gap: revenue that comes with unhappy customers, and happy customers without revenue.

A rep's satisfaction counts as low (or high) only when their mean rating differs from the rest of the
team's by more than chance explains: Welch's t test, with Welch–Satterthwaite degrees of freedom, two-sided,
at the flag's confidence. So a few bad ratings never make a gap on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.diagnostics import STATUS_NO_DEALS
from metrics.filters import Slice
from metrics.stats import welch_t
from metrics.text import N_

MIN_RATINGS = 5  # a mean of fewer ratings says little about a rep
HIGH_REVENUE_LOW_SATISFACTION = N_("high revenue, low satisfaction")
LOW_REVENUE_HIGH_SATISFACTION = N_("low revenue, high satisfaction")
SATISFACTION_COLUMNS = ["rep", "team", "revenue", "satisfaction", "ratings", "others", "t", "p", "gap"]


def median_seller_revenue(reps: pd.DataFrame) -> float:
    """The median revenue of the reps who own deals: an SDR's zero is no seller's revenue."""
    return float(reps.loc[reps["status"] != STATUS_NO_DEALS, "revenue"].median())


def satisfaction_gaps(data: Slice, reps: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per rep with at least MIN_RATINGS ratings: mean satisfaction, the rest of the team's mean, Welch's t and p,
    and `gap` when revenue is above the median with satisfaction significantly below the rest, or revenue
    below the median with satisfaction significantly above. No rows when nobody has enough ratings."""
    ratings = data.outcomes.dropna(subset=["satisfaction"])[["rep", "satisfaction"]]
    ratings = ratings.assign(satisfaction=ratings["satisfaction"].astype(float))
    per_rep = ratings.groupby("rep")["satisfaction"].agg(["mean", "var", "count"])
    per_rep = per_rep[per_rep["count"] >= MIN_RATINGS]
    if per_rep.empty or len(ratings) <= MIN_RATINGS:
        return pd.DataFrame(columns=SATISFACTION_COLUMNS)
    total, total_sq, n_all = ratings["satisfaction"].sum(), (ratings["satisfaction"] ** 2).sum(), len(ratings)
    sums = ratings.groupby("rep")["satisfaction"].agg(["sum", lambda v: (v**2).sum()]).loc[per_rep.index]
    n_rest = n_all - per_rep["count"]
    mean_rest = (total - sums["sum"]) / n_rest
    var_rest = ((total_sq - sums.iloc[:, 1]) - n_rest * mean_rest**2) / (n_rest - 1)
    t, _, p = welch_t(per_rep["mean"], per_rep["var"], per_rep["count"], mean_rest, var_rest, n_rest)
    table = (
        reps.set_index("rep")
        .loc[per_rep.index, ["team", "revenue"]]
        .assign(satisfaction=per_rep["mean"], ratings=per_rep["count"].astype(int), others=mean_rest, t=t, p=p)
        .reset_index()
    )
    significant = table["p"] < 1 - confidence
    median_revenue = median_seller_revenue(reps)
    table["gap"] = np.select(
        [
            (table["revenue"] > median_revenue) & (table["t"] < 0) & significant,
            (table["revenue"] < median_revenue) & (table["t"] > 0) & significant,
        ],
        [HIGH_REVENUE_LOW_SATISFACTION, LOW_REVENUE_HIGH_SATISFACTION],
        "",
    )
    return table[SATISFACTION_COLUMNS]
