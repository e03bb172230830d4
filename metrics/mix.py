"""Activity mix: how much of each activity type, and how the deals it touched ended."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Slice
from metrics.scenarios import Scenario

MIX_COLUMNS = ["activity_type", "label", "activities", "share", "deals", "won_deals", "decided_deals",
               "win_rate", "revenue"]


def activity_mix(data: Slice, scenario: Scenario) -> pd.DataFrame:
    """Per activity type: count, share of all activity, and — where activities name their deal — the deals
    touched, how many were won of those decided, and the won revenue. Without a deal link those stay empty
    rather than guessed."""
    activities = data.activities
    if activities.empty:
        return pd.DataFrame(columns=MIX_COLUMNS)
    counts = activities.groupby("activity_type")["count"].sum().rename("activities")
    deals = data.outcomes.dropna(subset=["deal_id"]).drop_duplicates("deal_id").set_index("deal_id")
    linked = activities.dropna(subset=["deal_id"])
    linked = linked[linked["deal_id"].isin(deals.index)][["activity_type", "deal_id"]].drop_duplicates()
    touched = linked.join(deals[["won", "lost", "revenue"]], on="deal_id")
    per_type = touched.groupby("activity_type").agg(deals=("deal_id", "size"), won_deals=("won", "sum"),
                                                     lost=("lost", "sum"), revenue=("revenue", "sum"))
    mix = pd.concat([counts, per_type], axis=1).reset_index()
    mix["share"] = mix["activities"] / mix["activities"].sum()
    mix["decided_deals"] = mix["won_deals"] + mix["lost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mix["win_rate"] = np.where(mix["decided_deals"] > 0, mix["won_deals"] / mix["decided_deals"], np.nan)
    mix["label"] = mix["activity_type"].map(scenario.activity_labels).fillna(mix["activity_type"])
    for column in ("deals", "won_deals", "decided_deals"):
        mix[column] = mix[column].astype("Int64")
    return mix.sort_values("activities", ascending=False, ignore_index=True)[MIX_COLUMNS]
