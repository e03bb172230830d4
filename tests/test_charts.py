"""The charts are valid Vega-Lite, carry the selections the pages read back, and stay small."""

import re
from types import SimpleNamespace

import pandas as pd
import pytest
import vl_convert

from i18n import Language
from metrics.diagnostics import funnel_plot_limits, quadrant_lines, rep_table
from metrics.filters import scope
from metrics.funnel import TEAM, funnel_table
from metrics.ingest import Upload, load
from metrics.scenarios import SCENARIOS
from metrics.trends import period_table
from sample_data.make_samples import PLANTED, SAMPLE_DIR
from views import charts


@pytest.fixture(scope="module")
def startup():
    path = SAMPLE_DIR / "startup.xlsx"
    return scope(load([Upload(path.name, path.read_bytes())]), SCENARIOS["startup"])


def params(chart) -> set[str]:
    spec = chart.to_dict()
    found = {p["name"] for p in spec.get("params", [])}
    for layer in spec.get("layer", []):
        found |= {p["name"] for p in layer.get("params", [])}
        for inner in layer.get("layer", []):
            found |= {p["name"] for p in inner.get("params", [])}
    return found


def test_quadrant_chart_selects_reps(startup):
    reps = rep_table(startup, SCENARIOS["startup"].thresholds)
    chart = charts.quadrant_chart(reps, quadrant_lines(reps), "won", "Activities", "Won")
    assert charts.REP_PICK in params(chart)


def datasets(chart) -> list[list[dict]]:
    return list(chart.to_dict()["datasets"].values())


def test_funnel_plot_draws_the_three_limits_and_marks_the_reps_below_the_flags(startup):
    reps = rep_table(startup, SCENARIOS["startup"].thresholds)
    chart = charts.funnel_plot(reps, funnel_plot_limits(reps), "Activities", "Flag limit, adjusted for 12 reps")
    assert charts.REP_PICK in params(chart)
    drawn = datasets(chart)
    limits = {row["limit"] for rows in drawn for row in rows if "limit" in row}
    assert limits == {"95% limits", "99.8% limits", "Flag limit, adjusted for 12 reps"}
    below = sorted(row["rep"] for rows in drawn for row in rows if row.get("below") == "below the flag limit")
    assert below == sorted(PLANTED["startup"]["busy"])


def test_stage_charts(startup):
    funnel = funnel_table(startup, SCENARIOS["startup"])
    assert charts.REP_PICK in params(charts.stage_heatmap(funnel, TEAM))
    charts.stage_funnel_chart(funnel, [TEAM, "Nora Lie"]).to_dict()


def test_trend_chart_brush_round_trip(startup):
    periods = period_table(startup, "week")
    assert charts.PERIOD_BRUSH in params(charts.trend_chart(periods, "Activities", "Won"))
    start, end = pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01")
    event = SimpleNamespace(selection={charts.PERIOD_BRUSH: {"bar_start": [start.value // 10**6, end.value // 10**6]}})
    assert charts.brushed_range(event) == (start, end)
    assert charts.brushed_range(SimpleNamespace(selection={})) is None


def test_charts_refuse_unaggregated_data():
    too_many = pd.DataFrame({"label": range(6000), "share": 0.1})
    with pytest.raises(ValueError, match="aggregate first"):
        charts.mix_chart(too_many, "share", "Share", "%")


@pytest.mark.parametrize(
    "code, thousand, percent",
    [("en", "1,000", "10%"), ("nb", "1\N{NO-BREAK SPACE}000", "10\N{NO-BREAK SPACE}%")],
)
def test_charts_write_numbers_as_their_language_does(startup, code, thousand, percent):
    reps = rep_table(startup, SCENARIOS["startup"].thresholds)
    language = Language(code)
    quadrant = charts.quadrant_chart(reps, quadrant_lines(reps), "won", "Activities", "Won", language=language)
    funnel = charts.funnel_plot(reps, funnel_plot_limits(reps), "Activities", "Flag limit", language=language)
    assert quadrant.to_dict()["config"]["locale"] == language.vega_locale()
    # Drawn by Vega itself: the axes' tick labels as the reader sees them.
    ticks = re.findall(r">([^<]+)</text>", vl_convert.vegalite_to_svg(quadrant.to_dict()))
    assert thousand in ticks, ticks
    ticks = re.findall(r">([^<]+)</text>", vl_convert.vegalite_to_svg(funnel.to_dict()))
    assert percent in ticks, ticks
