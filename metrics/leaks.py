"""Where each rep's funnel leaks against the team's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.funnel import TEAM

LEAK_COLUMNS = ["rep", "stage", "from_stage", "rep_rate", "team_rate", "gap", "lost", "z"]


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
    if reps.empty or team.empty:
        return pd.DataFrame(
            {
                column: pd.Series(
                    dtype="float64" if column in {"rep_rate", "team_rate", "gap", "lost", "z"} else "object"
                )
                for column in LEAK_COLUMNS
            }
        )
    reps["rep_rate"] = reps["from_previous"].astype(float)
    reps["team_rate"] = reps["stage"].map(team).astype(float)
    reps["gap"] = reps["rep_rate"] - reps["team_rate"]
    reps["lost"] = -reps["gap"] * reps["before"]
    before = reps["before"].astype(float)
    # A team rate of 0% or 100% has no binomial spread; half a count short of it (a continuity correction)
    # keeps z finite, so a rep below a team that never missed still shows as leaking there.
    expected = reps["team_rate"].clip(lower=0.5 / before, upper=1 - 0.5 / before)
    reps["z"] = reps["gap"] / np.sqrt(expected * (1 - expected) / before)
    return reps[LEAK_COLUMNS].reset_index(drop=True)


def leak_stages(funnel: pd.DataFrame, reps: list[str] | None = None) -> pd.DataFrame:
    """For each rep, the step where they lose most against the team.

    In a funnel of deals that is the step with the most deals lost against the team's rate. In a funnel
    counted in activities the steps are in different units (calls, then demos), so the step furthest below
    the team in standard errors (`z`) is the one named instead. Only steps where the rep loses count; a rep
    who matches or beats the team at every step has no row.
    """
    gaps = stage_gaps(funnel)
    if reps is not None:
        gaps = gaps[gaps["rep"].isin(reps)]
    losing = gaps[gaps["lost"] > 0].copy()
    if losing.empty:
        return pd.DataFrame(columns=LEAK_COLUMNS)
    in_activities = len(funnel) and funnel["unit"].iloc[0] == "activities"
    losing["score"] = -losing["z"] if in_activities else losing["lost"]
    losing = losing.dropna(subset=["score"])
    if losing.empty:
        return pd.DataFrame(columns=LEAK_COLUMNS)
    worst = losing.loc[losing.groupby("rep")["score"].idxmax()]
    return worst.sort_values("score", ascending=False, ignore_index=True)[LEAK_COLUMNS]


def leak_label(row) -> str:
    return f"{row.from_stage} → {row.stage}"
