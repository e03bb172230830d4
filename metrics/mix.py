"""Activity mix: how much of each activity type, and how the deals it touched ended.

A deal counts for every activity type that touched it, so a type's revenue is the won revenue of the deals
it was part of, not a share of it.

Late-stage activities only happen on deals that got far, and those are won more often anyway. So a type is
judged against the decided deals that got at least as far in the funnel as the type's stage (its
`baseline`): it "pays off" when the deals it touched were won more often than that by more than the Wilson
interval allows, and "does not pay off" when less; otherwise the data can't tell, and `deals_needed` says
how many more decided deals linked to the type would let it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.columns import positions
from metrics.filters import Slice
from metrics.funnel import deal_stages
from metrics.scenarios import Scenario
from metrics.stats import wilson_interval, z_value
from metrics.text import N_

MIX_COLUMNS = [
    "activity_type",
    "label",
    "activities",
    "share",
    "linked",
    "deals",
    "won_deals",
    "decided_deals",
    "win_rate",
    "win_rate_low",
    "win_rate_high",
    "baseline",
    "revenue",
    "revenue_per_activity",
    "verdict",
    "deals_needed",
]
PAYS_OFF, DOES_NOT_PAY, UNCLEAR, NO_LINK = (
    N_("pays off"),
    N_("does not pay off"),
    N_("can't tell yet"),
    N_("no deal link"),
)


def _touched(data: Slice, by: tuple[str, ...]) -> pd.DataFrame:
    """Activities that name a known deal, one row per `by`, activity type and deal, with how the deal ended.

    Two reps' calls on one deal make one touched deal for the team and one for each rep.
    """
    deals = data.outcomes.dropna(subset=["deal_id"]).drop_duplicates("deal_id")
    activities = data.activities
    deal = positions(activities["deal_id"], deals["deal_id"])
    # One row per `by`, type and deal, found on integer codes: a million activities' texts are hashed once.
    key = deal.copy()
    for column in (*by, "activity_type"):
        codes, uniques = pd.factorize(activities[column])
        if len(key) and key.max() >= 2**62 // (len(uniques) + 1):
            key = pd.factorize(key)[0]  # renumbered from 0: the product stays within 64 bits
        key = key * (len(uniques) + 1) + codes + 1
    first = (deal >= 0) & ~pd.Series(key).duplicated().to_numpy()
    touched = activities.loc[first, [*by, "activity_type", "deal_id"]]
    outcome = deals.iloc[deal[first]]
    return touched.assign(**{column: outcome[column].to_numpy() for column in ("won", "lost", "revenue")})


def deals_needed(won, decided, baseline, confidence: float = 0.95) -> np.ndarray:
    """How many more decided deals, won at today's rate, the Wilson interval needs to leave the baseline.

    The Wilson interval holds exactly the rates π with |rate − π| ≤ z·√(π(1 − π) / n), so it leaves the
    baseline b once n > z²·b(1 − b) / (rate − b)². The baseline is held where it is, though the new deals
    would move it a little. NaN where the interval already leaves it, where there is no rate to go on, or
    where the rate is the baseline and no number of deals would ever tell.
    """
    won, decided, baseline = (np.asarray(x, dtype=float) for x in (won, decided, baseline))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = won / decided
        enough = z_value(confidence) ** 2 * baseline * (1 - baseline) / (rate - baseline) ** 2
        more = np.maximum(np.floor(enough) + 1 - decided, 1)
    low, high = wilson_interval(won, decided, confidence)
    # A rate a hair off the baseline (float noise) would need more deals than exist: the same as never.
    unclear = (decided > 0) & (low <= baseline) & (baseline <= high) & ~np.isclose(rate, baseline, rtol=0, atol=1e-9)
    return np.where(unclear & np.isfinite(more), more, np.nan)


def baseline_win_rates(data: Slice, scenario: Scenario) -> dict[int, float]:
    """Stage index → win rate of the decided deals shown to have reached at least that stage.

    At the first stage that is every decided deal. Further on, only a deal's stage column or logged
    activities count as showing it got there — not its win, or every won deal would count and lift the
    rate above that of deals that truly got as far.
    """
    decided = data.outcomes[data.outcomes["status"].isin(["won", "lost"])]
    rates = {}
    if len(decided):
        rates[0] = float((decided["status"] == "won").mean())
    stages = deal_stages(data, scenario)
    shown = stages[stages["status"].isin(["won", "lost"])]
    for stage in range(1, len(scenario.funnel)):
        far = shown[shown["evidenced"] >= stage]
        if len(far):
            rates[stage] = float((far["status"] == "won").mean())
    return rates


def activity_mix(data: Slice, scenario: Scenario, by: tuple[str, ...] = (), confidence: float = 0.95) -> pd.DataFrame:
    """Per activity type (and per `by`, e.g. ("rep",)): count, share of activity, and — where activities
    name their deal — the deals touched, their win rate with its Wilson interval, the won revenue and the
    revenue per activity. Without a deal link those stay empty and `verdict` says so, rather than guess."""
    if data.activities.empty:
        return pd.DataFrame(columns=[*by, *MIX_COLUMNS])
    keys = [*by, "activity_type"]
    counts = data.activities.groupby(keys)["count"].sum().rename("activities")
    touched = _touched(data, by)
    per_type = touched.groupby(keys).agg(
        deals=("deal_id", "size"), won_deals=("won", "sum"), lost=("lost", "sum"), revenue=("revenue", "sum")
    )
    mix = pd.concat([counts, per_type], axis=1).reset_index()
    totals = mix.groupby(list(by))["activities"].transform("sum") if by else mix["activities"].sum()
    mix["share"] = mix["activities"] / totals
    mix["linked"] = mix["deals"].notna()
    mix["decided_deals"] = mix["won_deals"] + mix["lost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mix["win_rate"] = np.where(mix["decided_deals"] > 0, mix["won_deals"] / mix["decided_deals"], np.nan)
        mix["revenue_per_activity"] = np.where(mix["linked"], mix["revenue"] / mix["activities"], np.nan)
    low, high = wilson_interval(mix["won_deals"].fillna(0), mix["decided_deals"].fillna(0), confidence)
    mix["win_rate_low"], mix["win_rate_high"] = low, high
    baselines = baseline_win_rates(data, scenario)
    stage = mix["activity_type"].map(scenario.activity_stage).fillna(0).astype(int)
    mix["baseline"] = stage.map(baselines).astype(float)
    mix["verdict"] = np.select(
        [~mix["linked"], mix["win_rate_low"] > mix["baseline"], mix["win_rate_high"] < mix["baseline"]],
        [NO_LINK, PAYS_OFF, DOES_NOT_PAY],
        UNCLEAR,
    )
    mix["deals_needed"] = pd.Series(
        deals_needed(mix["won_deals"].fillna(0), mix["decided_deals"].fillna(0), mix["baseline"], confidence),
        index=mix.index,
    ).astype("Int64")
    mix["label"] = mix["activity_type"].map(scenario.activity_labels).fillna(mix["activity_type"])
    for column in ("deals", "won_deals", "decided_deals"):
        mix[column] = mix[column].astype("Int64")
    return mix.sort_values([*by, "activities"], ascending=[True] * len(by) + [False], ignore_index=True)[
        [*by, *MIX_COLUMNS]
    ]
