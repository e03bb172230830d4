"""Stage-to-stage conversion through the scenario's funnel, for the team and for each rep.

Where deals are known, a deal's furthest stage is the highest of: the stage its CRM stage names, the
stages of the activities logged against it, and the last stage if it was won. Without deals, the funnel
counts activities at each stage and won deals at the end, and says so in its `unit` column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.columns import is_in, positions
from metrics.filters import Slice
from metrics.scenarios import Scenario

TEAM = "Team"
FUNNEL_COLUMNS = ["rep", "stage_index", "stage", "reached", "from_previous", "from_first", "unit"]


def deal_stages(data: Slice, scenario: Scenario) -> pd.DataFrame:
    """One row per deal whose furthest stage is known: rep, deal_id, status, reached (stage index), and
    evidenced: the furthest stage its stage column or logged activities show (NaN if none), win or not.

    A won deal reached the last stage. An open deal is at least at the first. A lost deal with no stage in
    its stage column and no logged activity could have stopped anywhere, so it is left out rather than
    counted at a stage it may never have been at (see lost_without_stage).
    """
    return data.kept(("deal_stages", len(scenario.funnel)), lambda: _deal_stages(data, len(scenario.funnel) - 1))


def _deal_stages(data: Slice, last: int) -> pd.DataFrame:
    deals = data.outcomes[data.outcomes["status"].notna()]
    reached = deals["stage_level"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    linked = _staged_deal_activities(data)
    if len(linked):
        # The furthest stage logged against each deal, by the deal's position among the deal ids: a million
        # activities are placed with one hash lookup each, not grouped by their text.
        ids = deals["deal_id"].dropna().drop_duplicates()
        at = positions(linked["deal_id"], ids)
        furthest = np.full(len(ids), np.nan)
        np.fmax.at(furthest, at[at >= 0], linked["stage"].to_numpy(dtype=float)[at >= 0])
        mine = positions(deals["deal_id"], ids)
        reached = np.fmax(reached, np.where(mine >= 0, furthest[mine], np.nan))
    status = deals["status"].to_numpy()
    evidenced = np.minimum(reached, last - 1)
    reached = np.where(status == "won", last, evidenced)
    reached = np.where((status == "open") & np.isnan(reached), 0, reached)
    known = ~np.isnan(reached)
    return pd.DataFrame(
        {
            "rep": deals["rep"].to_numpy()[known],
            "deal_id": deals["deal_id"].to_numpy()[known],
            "status": status[known],
            "reached": reached[known].astype(int),
            "evidenced": evidenced[known],
        }
    )


def lost_without_stage(data: Slice, scenario: Scenario) -> int:
    """How many lost deals the funnel leaves out because nothing says how far they got."""
    deals = data.outcomes["status"].notna().sum()
    return int(deals - len(deal_stages(data, scenario)))


def unrecorded_stages(data: Slice, scenario: Scenario) -> list[int]:
    """Middle stages no deal shows directly (by its stage column or a logged activity).

    Counting such a stage would only repeat the next one (for example, every won deal "reached" a demo),
    so the funnel leaves it out rather than invent a step.
    """
    if not data.outcomes["status"].notna().any():
        return []
    seen = set(data.outcomes["stage_level"].dropna().astype(int))
    linked = _staged_deal_activities(data)
    seen |= set(linked.loc[is_in(linked["deal_id"], data.outcomes["deal_id"]), "stage"].unique().astype(int))
    return [stage for stage in range(1, len(scenario.funnel) - 1) if stage not in seen]


def _staged_deal_activities(data: Slice) -> pd.DataFrame:
    """deal_id and stage of the activities that name a deal and evidence a stage (only those two columns:
    copying every column of a million activities costs more than the rest)."""
    activities = data.activities
    named = activities["deal_id"].notna().to_numpy() & activities["stage"].notna().to_numpy()
    return activities.loc[named, ["deal_id", "stage"]]


def _counts_by_deal(data: Slice, scenario: Scenario) -> pd.DataFrame:
    stages = deal_stages(data, scenario)
    stage_count = len(scenario.funnel)
    unrecorded = unrecorded_stages(data, scenario)
    kept = [stage for stage in range(stage_count) if stage not in unrecorded]
    codes, reps = pd.factorize(stages["rep"], sort=True)
    # Deals by rep (row 0: the team, every deal) and the stage they reached, then those reaching each stage.
    reached = stages["reached"].to_numpy()
    grid = np.zeros((len(reps) + 1, stage_count), dtype="int64")
    named = codes >= 0
    np.add.at(grid, (codes[named] + 1, reached[named]), 1)
    grid[0] = np.bincount(reached, minlength=stage_count)
    counts = grid[:, ::-1].cumsum(axis=1)[:, ::-1][:, kept]
    return pd.DataFrame(
        {
            "rep": np.repeat(np.array([TEAM, *reps], dtype=object), len(kept)),
            "stage_index": np.tile(np.asarray(kept, dtype="int64"), len(reps) + 1),
            "reached": counts.ravel(),
            "unit": "deals",
        }
    )


def _counts_by_activity(data: Slice, scenario: Scenario) -> pd.DataFrame:
    last = len(scenario.funnel) - 1
    at_stage = data.activities.dropna(subset=["stage"])
    volume = at_stage.groupby(["rep", "stage"])["count"].sum().rename("reached").reset_index()
    volume = volume.rename(columns={"stage": "stage_index"})
    won = data.outcomes.groupby("rep")["won"].sum().rename("reached").reset_index().assign(stage_index=last)
    per_rep = pd.concat([volume, won], ignore_index=True)
    grid = pd.MultiIndex.from_product([sorted(per_rep["rep"].unique()), range(last + 1)], names=["rep", "stage_index"])
    per_rep = per_rep.groupby(["rep", "stage_index"])["reached"].sum().reindex(grid, fill_value=0).reset_index()
    team = per_rep.groupby("stage_index")["reached"].sum().reset_index().assign(rep=TEAM)
    return pd.concat([team, per_rep], ignore_index=True).assign(unit="activities")


DECISION_STAGES = ("Deals", "Decided")


def stages_unknown_for_lost_deals(data: Slice, scenario: Scenario) -> bool:
    """True when deals were lost but not one says how far it got (a CRM export with only Won/Lost/open).

    Then the only steps the data shows are deals → decided (won or lost) → won, and the funnel uses them.
    """
    lost = int((data.outcomes["status"] == "lost").sum())
    return lost > 0 and lost_without_stage(data, scenario) == lost


def _counts_by_decision(data: Slice) -> pd.DataFrame:
    deals = data.outcomes[data.outcomes["status"].notna()]
    steps = pd.DataFrame(
        {
            "rep": deals["rep"].to_numpy(),
            0: 1,
            1: deals["status"].isin(["won", "lost"]).astype(int).to_numpy(),
            2: (deals["status"] == "won").astype(int).to_numpy(),
        }
    )
    per_rep = steps.groupby("rep")[[0, 1, 2]].sum()
    rows = pd.concat([per_rep.sum().rename(TEAM).to_frame().T, per_rep])
    counts = rows.rename_axis("rep").reset_index().melt(id_vars="rep", var_name="stage_index", value_name="reached")
    counts["stage_index"] = counts["stage_index"].astype(int)
    return counts.assign(unit="deals")


def funnel_table(data: Slice, scenario: Scenario) -> pd.DataFrame:
    """Counts reaching each stage and the conversion from the previous and the first stage.

    Rows for rep == TEAM hold the whole team. `unit` is 'deals' or 'activities'.
    """
    has_deals = data.outcomes["status"].notna().any()
    stage_names = dict(enumerate(scenario.funnel))
    if has_deals and stages_unknown_for_lost_deals(data, scenario):
        counts, stage_names = _counts_by_decision(data), dict(enumerate(DECISION_STAGES + scenario.funnel[-1:]))
    elif has_deals:
        counts = _counts_by_deal(data, scenario)
    else:
        counts = _counts_by_activity(data, scenario)
    if counts.empty:
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    counts["stage"] = counts["stage_index"].map(stage_names)
    counts = counts.sort_values(
        ["rep", "stage_index"], key=lambda c: c.map({TEAM: ""}).fillna(c) if c.name == "rep" else c, ignore_index=True
    )
    previous = counts.groupby("rep")["reached"].shift(1)
    first = counts.groupby("rep")["reached"].transform("first")
    with np.errstate(divide="ignore", invalid="ignore"):
        counts["from_previous"] = np.where(previous > 0, counts["reached"] / previous, np.nan)
        counts["from_first"] = np.where(first > 0, counts["reached"] / first, np.nan)
    counts.loc[counts.groupby("rep").cumcount() == 0, "from_previous"] = np.nan
    return counts[FUNNEL_COLUMNS]
