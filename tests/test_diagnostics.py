import numpy as np
import pytest

from metrics.diagnostics import funnel_plot_limits, quadrant_lines, rep_against_team, rep_table
from metrics.scenarios import Thresholds
from tests.conftest import make_slice

LOOSE = Thresholds(min_volume=1, confidence=0.95)


def calls(rep: str, n: int, team: str = "A") -> list[dict]:
    return [{"date": "2026-01-05", "rep": rep, "team": team}] * n


def wins(rep: str, n: int, amount: float = 100.0, team: str = "A") -> list[dict]:
    return [{"date": "2026-01-20", "rep": rep, "team": team, "status": "won", "amount": amount}] * n


def losses(rep: str, n: int, team: str = "A") -> list[dict]:
    return [{"date": "2026-01-20", "rep": rep, "team": team, "status": "lost", "amount": 50.0}] * n


def team_of_four():
    # Busy (200 calls, 2 wins), steady (100, 10), steady (100, 10), efficient (50, 10). Pooled 32/450.
    return make_slice(
        calls("Busy", 200) + calls("Steady", 100) + calls("Sam", 100) + calls("Eff", 50),
        wins("Busy", 2) + wins("Steady", 10) + wins("Sam", 10) + wins("Eff", 10, amount=300.0),
    )


def test_rep_table_numbers():
    table = rep_table(team_of_four(), LOOSE).set_index("rep")
    assert table.loc["Busy", ["activities", "won", "trials", "revenue"]].tolist() == [200, 2, 200, 200.0]
    assert table.loc["Busy", "conversion"] == pytest.approx(0.01)
    assert table.loc["Eff", "conversion"] == pytest.approx(0.2)
    assert table.loc["Eff", "avg_deal_size"] == pytest.approx(300.0)


def test_busy_rep_below_the_limit_is_flagged_and_nobody_else():
    table = rep_table(team_of_four(), LOOSE).set_index("rep")
    # Median activity is 100; only Busy is above it. Busy's Wilson upper for 2/200 is 3.57% < 32/450 = 7.1%.
    assert table.loc["Busy", "conversion_high"] == pytest.approx(0.0357218, abs=1e-7)  # scipy: binomtest(2, 200) wilson
    assert table["flagged"].to_dict() == {"Busy": True, "Eff": False, "Sam": False, "Steady": False}
    assert table.loc["Busy", "quadrant"] == "high_activity_low_performance"
    assert table.loc["Eff", "quadrant"] == "low_activity_low_performance"  # 10 wins is the median, not above it


def test_a_busy_rep_with_too_little_volume_is_never_flagged():
    # Quiet reps do 2 calls; Busy does 5 and loses their one deal. 5 is above the median but too few trials
    # to judge: even 0 of 5 against the rest's 2 of 4 has p ≈ 0.16 (Fisher's exact: 0.167).
    data = make_slice(
        calls("Busy", 5) + calls("Q1", 2) + calls("Q2", 2), wins("Q1", 1) + wins("Q2", 1) + losses("Busy", 1)
    )
    table = rep_table(data, Thresholds(min_volume=1)).set_index("rep")
    assert not table.loc["Busy", "flagged"]
    assert table.loc["Busy", "status"] == "not enough data"


def test_min_volume_threshold_marks_not_enough_data():
    table = rep_table(team_of_four(), Thresholds(min_volume=120)).set_index("rep")
    assert table["status"].to_dict() == {
        "Busy": "flagged",
        "Eff": "not enough data",
        "Sam": "not enough data",
        "Steady": "not enough data",
    }


def test_deals_only_data_converts_won_over_decided():
    data = make_slice(
        None,
        wins("Kari", 3)
        + losses("Kari", 1)
        + wins("Ola", 1)
        + losses("Ola", 3)
        + [{"date": "2026-01-20", "rep": "Ola", "status": "open"}],
    )
    assert data.basis == "deals"
    table = rep_table(data, LOOSE).set_index("rep")
    assert table.loc["Kari", ["activities", "trials", "conversion"]].tolist() == [4, 4, 0.75]
    assert table.loc["Ola", ["activities", "trials", "conversion"]].tolist() == [5, 4, 0.25]


def test_quadrant_lines_follow_targets_when_given():
    table = rep_table(team_of_four(), LOOSE)
    assert quadrant_lines(table) == {"activities": 100.0, "effort": 100.0, "won": 10.0}
    assert quadrant_lines(table, "revenue", activity_line=60, performance_line=500) == {
        "activities": 60.0,
        "effort": 60.0,
        "revenue": 500.0,
    }
    moved = rep_table(team_of_four(), LOOSE, activity_line=60).set_index("rep")
    assert moved.loc["Steady", "quadrant"] == "high_activity_low_performance"


def test_funnel_plot_limits_span_the_volumes():
    table = rep_table(team_of_four(), LOOSE)
    limits = funnel_plot_limits(table)
    assert set(limits["curve"]) == {"95%", "99.8%", "flag"}
    assert set(limits.loc[limits["curve"] != "flag", "confidence"]) == {0.95, 0.998}
    assert limits["trials"].max() == pytest.approx(220.0)
    wide, narrow = (limits[limits["confidence"] == c].iloc[-1] for c in (0.998, 0.95))
    assert wide["lower"] < narrow["lower"] < 32 / 450 < narrow["upper"] < wide["upper"]


def test_the_flag_curve_passes_through_the_last_rep_flagged():
    # Busy is the only rep flagged, so the adjusted limit is drawn at Busy's own p-value: Busy sits on it.
    table = rep_table(team_of_four(), LOOSE)
    busy = table.set_index("rep").loc["Busy"]
    flag = funnel_plot_limits(table).query("curve == 'flag'")
    assert flag["confidence"].iloc[0] == pytest.approx(1 - busy["p_value"])
    assert np.interp(200, flag["trials"], flag["lower"]) == pytest.approx(busy["conversion"], abs=2e-4)
    assert busy["limit_low"] == pytest.approx(busy["conversion"])


def test_rep_against_team():
    comparison = rep_against_team(rep_table(team_of_four(), LOOSE), "Busy").set_index("measure")
    assert comparison.loc["activities", ["rep", "team", "ratio"]].tolist() == [200.0, 100.0, 2.0]
    assert comparison.loc["conversion", "team"] == pytest.approx(32 / 450)
    assert comparison.loc["conversion", "ratio"] == pytest.approx(0.01 / (32 / 450))


def test_empty_slice_gives_empty_table():
    table = rep_table(make_slice(None, None), LOOSE)
    assert table.empty
