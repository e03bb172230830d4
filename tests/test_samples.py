"""The sample workbooks show exactly the patterns planted in them, and the script still makes them."""

import pandas as pd
import pytest

from metrics.filters import scope
from metrics.ingest import Upload, load
from metrics.report import analyze
from metrics.scenarios import SCENARIOS
from metrics.trends import period_table
from sample_data.make_samples import PLANTED, SAMPLE_DIR, build_workbook_frames, workbook_bytes


def sample(key: str):
    path = SAMPLE_DIR / f"{key}.xlsx"
    return load([Upload(path.name, path.read_bytes())])


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_sample_loads_whole(key):
    dataset = sample(key)
    assert dataset.errors == []
    assert sorted(t.shape for t in dataset.tables) == ["activities", "deals", "roster"]
    assert dataset.rows_dropped == 0
    assert 8 <= dataset.outcomes["rep"].nunique() <= 20
    assert 3000 <= len(dataset.activities) <= 8000
    # Every activity type is in the scenario's own vocabulary.
    assert set(scope(dataset, SCENARIOS[key]).activities["stage"].isna()) == {False}


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_busy_reps_are_flagged_and_nobody_else(key):
    reps = analyze(sample(key), SCENARIOS[key]).reps()
    assert sorted(reps.loc[reps["flagged"], "rep"]) == sorted(PLANTED[key]["busy"])


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_efficient_reps_sit_in_the_efficient_quadrant(key):
    reps = analyze(sample(key), SCENARIOS[key]).reps()
    efficient = reps.loc[reps["quadrant"] == "low_activity_high_performance", "rep"]
    assert set(PLANTED[key]["efficient"]) <= set(efficient)


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_dip_month_is_the_only_month_marked(key):
    scenario = SCENARIOS[key]
    periods = period_table(scope(sample(key), scenario), "month", scenario.thresholds.rise_pct)
    marked = periods.loc[periods["rose_without_results"], "period"].dt.strftime("%Y-%m").tolist()
    assert marked == [PLANTED[key]["dip_month"]]


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_script_still_makes_the_committed_workbook(key):
    committed = pd.read_excel(SAMPLE_DIR / f"{key}.xlsx", sheet_name=None, engine="openpyxl")
    made = pd.read_excel(
        __import__("io").BytesIO(workbook_bytes(build_workbook_frames(key))), sheet_name=None, engine="openpyxl"
    )
    assert committed.keys() == made.keys()
    for sheet in committed:
        pd.testing.assert_frame_equal(committed[sheet], made[sheet])


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_unhappy_rep_is_the_only_high_revenue_low_satisfaction_gap(key):
    from metrics.findings import insights
    from metrics.satisfaction import HIGH_REVENUE_LOW_SATISFACTION

    scenario = SCENARIOS[key]
    found = insights(scope(sample(key), scenario), scenario, limit=100)
    gaps = found.satisfaction
    assert gaps.loc[gaps["gap"] == HIGH_REVENUE_LOW_SATISFACTION, "rep"].tolist() == [PLANTED[key]["unhappy"]]
    unhappy = [f for f in found.findings if f.kind == "satisfaction" and "high revenue" in f.text]
    assert [f.rep for f in unhappy] == [PLANTED[key]["unhappy"]]


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_busy_reps_leak_where_the_scenario_trap_says(key):
    found = analyze(sample(key), SCENARIOS[key]).insights
    leaks = found.leaks.set_index("rep").loc[list(PLANTED[key]["busy"])]
    expected_step = {
        "startup": ("Demo", "Customer"),
        "consultancy": ("Contact", "Meeting"),
        "agency": ("Presentation", "Client won"),
    }[key]
    assert {(row.from_stage, row.stage) for row in leaks.itertuples()} == {expected_step}


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_planted_activity_types_are_the_only_ones_the_mix_calls_clear(key):
    """One type pays off and one does not, in the scenario's trap; the mix can't tell about the rest yet."""
    from metrics.mix import DOES_NOT_PAY, PAYS_OFF, UNCLEAR, activity_mix

    scenario = SCENARIOS[key]
    mix = activity_mix(scope(sample(key), scenario), scenario).set_index("activity_type")
    clear = mix[mix["verdict"] != UNCLEAR]
    planted = {PLANTED[key]["pays_off"]: PAYS_OFF, PLANTED[key]["does_not_pay"]: DOES_NOT_PAY}
    assert clear["verdict"].to_dict() == planted
    assert clear["deals_needed"].isna().all()
