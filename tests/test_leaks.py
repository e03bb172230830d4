"""Where a rep's funnel leaks: the worst step, also at steps the whole team converts at 0% or 100%."""

import numpy as np
import pandas as pd
import pytest

from metrics.funnel import TEAM
from metrics.leaks import leak_stages, stage_gaps


def activity_funnel(team: list[float], reps: dict[str, list[float]]) -> pd.DataFrame:
    """A funnel counted in activities: `reached` at Outreach, Conversation and Demo for the team and each rep."""
    rows = []
    for rep, reached in {TEAM: team, **reps}.items():
        for index, (stage, count) in enumerate(zip(["Outreach", "Conversation", "Demo"], reached)):
            before = reached[index - 1] if index else None
            rows.append(
                {
                    "rep": rep,
                    "stage_index": index,
                    "stage": stage,
                    "reached": count,
                    "from_previous": count / before if before else np.nan,
                    "from_first": count / reached[0],
                    "unit": "activities",
                }
            )
    return pd.DataFrame(rows)


def test_a_step_the_whole_team_converts_at_100_percent_is_a_leak_not_a_crash():
    """Issue 7, item 5: a team rate of 100% made every z NaN, and idxmax over all-NaN scores raised."""
    funnel = activity_funnel([100, 50, 50], {"Ola": [40, 20, 10], "Kari": [30, 15, 15]})
    worst = leak_stages(funnel).set_index("rep")
    assert worst.loc["Ola", ["from_stage", "stage"]].tolist() == ["Conversation", "Demo"]
    # The gap is against the team's 100%; its spread takes the team as half an activity short of it over the
    # rep's 20: z = (0.5 − 1) / √(0.975 · 0.025 / 20).
    assert worst.loc["Ola", "z"] == pytest.approx(-0.5 / np.sqrt(0.975 * 0.025 / 20))
    assert "Kari" not in worst.index  # she converts 100% too: no loss


def test_a_step_nobody_passes_has_a_finite_z_and_loses_nothing():
    funnel = activity_funnel([100, 50, 0], {"Ola": [40, 20, 0]})
    gaps = stage_gaps(funnel).set_index(["rep", "stage"])
    assert gaps.loc[("Ola", "Demo"), "lost"] == 0
    assert np.isfinite(gaps.loc[("Ola", "Demo"), "z"])
    assert leak_stages(funnel).empty
