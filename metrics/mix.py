"""Activity mix: how much of each activity type, and how the deals it touched ended.

A deal counts for every activity type that touched it, so a type's revenue is the won revenue of the deals
it was part of, not a share of it.

Late-stage activities only happen on deals that got far, and those are won more often anyway. So a type is
judged against the decided deals that got at least as far in the funnel as the type's stage (its
`baseline`): it "pays off" when the deals it touched were won more often than that by more than the Wilson
interval allows, and "does not pay off" when less; otherwise the data can't tell.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.columns import positions
from metrics.filters import Slice
from metrics.funnel import deal_stages
from metrics.scenarios import Scenario
from metrics.stats import wilson_interval

MIX_COLUMNS = ["activity_type", "label", "activities", "share", "linked", "deals", "won_deals", "decided_deals",
               "win_rate", "win_rate_low", "win_rate_high", "baseline", "revenue", "revenue_per_activity", "verdict"]
PAYS_OFF, DOES_NOT_PAY, UNCLEAR, NO_LINK = "pays off", "does not pay off", "can't tell yet", "no deal link"


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
    per_type = touched.groupby(keys).agg(deals=("deal_id", "size"), won_deals=("won", "sum"),
                                         lost=("lost", "sum"), revenue=("revenue", "sum"))
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
        [NO_LINK, PAYS_OFF, DOES_NOT_PAY], UNCLEAR)
    mix["label"] = mix["activity_type"].map(scenario.activity_labels).fillna(mix["activity_type"])
    for column in ("deals", "won_deals", "decided_deals"):
        mix[column] = mix[column].astype("Int64")
    return mix.sort_values([*by, "activities"], ascending=[True] * len(by) + [False],
                           ignore_index=True)[[*by, *MIX_COLUMNS]]
