"""Analysis.with_reps: choosing reps shares what the population decides and changes nothing it shows."""

import datetime as dt

import pandas as pd
import pytest

from metrics import analysis as analysing, filters as filtering
from metrics.analysis import analyse
from metrics.filters import Filters
from metrics.ingest import Upload, load
from metrics.kpis import kpi_table
from metrics.scenarios import SCENARIOS
from sample_data.make_samples import PLANTED
from tests.conftest import ROOT

STARTUP = SCENARIOS["startup"]


@pytest.fixture(scope="module")
def sample():
    path = ROOT / "sample_data" / "startup.xlsx"
    return load([Upload(path.name, path.read_bytes())])


def test_a_view_with_reps_reads_as_a_fresh_analysis_of_them(sample):
    reps = tuple(PLANTED["startup"]["busy"])
    derived = analyse(sample, STARTUP).with_reps(reps)
    fresh = analyse(sample, STARTUP, Filters(reps=reps))
    assert derived.filters == fresh.filters
    pd.testing.assert_frame_equal(derived.reps(), fresh.reps())
    pd.testing.assert_frame_equal(derived.mix, fresh.mix)
    pd.testing.assert_frame_equal(derived.trends("week", 1), fresh.trends("week", 1))
    pd.testing.assert_frame_equal(derived.comparison("month").kpis, fresh.comparison("month").kpis)
    assert derived.default_comparison == fresh.default_comparison
    assert [str(f.message) for f in derived.findings] == [str(f.message) for f in fresh.findings]
    assert derived.rep(reps[0]).row.equals(fresh.rep(reps[0]).row)


def test_choosing_reps_shares_the_populations_work_and_not_the_chosen_reps(sample):
    team = analyse(sample, STARTUP)
    insights, flags = team.insights, team.flag_rule
    reps = tuple(PLANTED["startup"]["busy"])[:1]
    chosen = team.with_reps(reps)
    assert chosen.insights is insights and chosen.flag_rule is flags and chosen.population is team.population
    assert chosen.with_reps(reps) is chosen and team.with_reps(reps) is chosen and team.with_reps(()) is team
    assert len(chosen.reps()) == 1 and len(team.reps()) > 1
    assert chosen.current is not team.current and chosen.trends() is not team.trends()
    # Computed first on the chosen view, the curve is there for the team's view too.
    assert team.curve("revenue") is chosen.curve("revenue")


def test_only_the_latest_rep_choices_are_kept(sample, monkeypatch):
    monkeypatch.setattr(analysing, "KEPT_REP_CHOICES", 2)
    team = analyse(sample, STARTUP)
    names = list(team.team_reps()["rep"])[:3]
    first = team.with_reps((names[0],))
    team.with_reps((names[1],)), team.with_reps((names[2],))
    assert team.with_reps((names[0],)) is not first
    assert len(team._shared["with_reps"]) == 2


def _cut_from_the_whole_data(found, filters):
    return filtering.apply(found.scoped, filters)


@pytest.mark.parametrize("basis", ["activities", "deals"])
def test_slices_cut_from_the_teams_rows_are_those_cut_from_the_whole_data(sample, maven_pipeline, basis):
    # The population, the chosen reps' slice and every compared period are cut from the chosen teams' rows,
    # not from the whole data each time: the rows (and, deals-only, the deals engaged) must be the same.
    if basis == "deals":
        dataset = load(
            [Upload(p.name, p.read_bytes()) for p in (maven_pipeline, maven_pipeline.with_name("sales_teams.csv"))]
        )
    else:
        dataset = sample
    team_reps = analyse(dataset, STARTUP).team_reps()
    team = sorted(team_reps["team"].dropna().unique())[0]
    reps = tuple(team_reps.loc[team_reps["team"] == team, "rep"].head(2))
    bounds = analyse(dataset, STARTUP).bounds
    chosen = Filters(start=bounds[1] - dt.timedelta(days=120), end=bounds[1], teams=(team,), reps=reps)
    found = analyse(dataset, STARTUP, chosen)
    for cut, filters in ((found.population, chosen.without_reps()), (found.current, chosen)):
        whole = _cut_from_the_whole_data(found, filters)
        pd.testing.assert_frame_equal(cut.activities, whole.activities)
        pd.testing.assert_frame_equal(cut.outcomes, whole.outcomes)
        pd.testing.assert_frame_equal(cut.deals_engaged, whole.deals_engaged)
    for unit in analysing.COMPARISONS:
        compared = found.comparison(unit)
        assert compared.before is not None, unit  # a period before to compare with: the test compares something
        periods = (compared.now, compared.before, compared.year_ago)
        whole = kpi_table(*(None if p is None else _cut_from_the_whole_data(found, p) for p in periods))
        pd.testing.assert_frame_equal(compared.kpis.dropna(axis=1, how="all"), whole.dropna(axis=1, how="all"))
