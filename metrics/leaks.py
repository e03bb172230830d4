"""Where each rep's funnel leaks against the team's."""
from __future__ import annotations

import pandas as pd

from metrics.funnel import TEAM

LEAK_COLUMNS = ["rep", "stage", "from_stage", "rep_rate", "team_rate", "gap", "lost"]


def stage_gaps(funnel: pd.DataFrame) -> pd.DataFrame:
    """Every rep's stage-to-stage conversion beside the team's.

    `gap` is rep_rate − team_rate; `lost` is how many more would have reached the stage at the team's
    rate: (team_rate − rep_rate) × the rep's count at the stage before.
    """
    steps = funnel.dropna(subset=["from_previous"]).copy()
    previous = funnel.groupby("rep")["reached"].shift(1)
    steps["before"] = previous.loc[steps.index]
    steps["from_stage"] = funnel.groupby("rep")["stage"].shift(1).loc[steps.index]
    team = steps[steps["rep"] == TEAM].set_index("stage")["from_previous"]
    reps = steps[steps["rep"] != TEAM].copy()
    reps["rep_rate"] = reps["from_previous"]
    reps["team_rate"] = reps["stage"].map(team)
    reps["gap"] = reps["rep_rate"] - reps["team_rate"]
    reps["lost"] = -reps["gap"] * reps["before"]
    return reps[LEAK_COLUMNS].reset_index(drop=True)


def leak_stages(funnel: pd.DataFrame, reps: list[str] | None = None) -> pd.DataFrame:
    """For each rep, the step where they lose most against the team: most deals (or activities) lost.

    Only steps where the rep loses count; a rep who beats the team at every step has no row.
    """
    gaps = stage_gaps(funnel)
    if reps is not None:
        gaps = gaps[gaps["rep"].isin(reps)]
    losing = gaps[gaps["lost"] > 0]
    if losing.empty:
        return pd.DataFrame(columns=LEAK_COLUMNS)
    worst = losing.loc[losing.groupby("rep")["lost"].idxmax()]
    return worst.sort_values("lost", ascending=False, ignore_index=True)


def leak_label(row) -> str:
    return f"{row.from_stage} → {row.stage}"
