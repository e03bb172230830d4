"""Every chart as a PNG and every table as a CSV, as the pages offer them for download; and the key charts
of a report, drawn as the pages draw them.

Charts are drawn by vl-convert in-process from the Vega-Lite the pages send to the browser, with the
report language's separators and month names. Their data is inline: vl-convert is allowed to fetch
nothing, so a chart can never make the machine call out to an address someone put in a rep's name.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import vl_convert
from altair.typing import ChartType

from exports.words import Words
from i18n import Language, language as language_for
from metrics.analysis import Analysis
from metrics.report import to_csv
from views import charts, tables

SCALE = 2  # twice the chart's own pixels: sharp in a workbook or on a printed page
WIDTH = 640  # the width a chart is drawn at outside a page, whose width would come from its column


def _drawable(value):
    """The spec with every text stripped of the control characters its SVG can't carry: vl-convert aborts
    the whole process on one (a rep called 'Per\x07Lie' would take the server down with it)."""
    if isinstance(value, str):
        return _UNDRAWABLE.sub(" ", value)
    if isinstance(value, list):
        return [_drawable(item) for item in value]
    if isinstance(value, dict):
        return {key: _drawable(item) for key, item in value.items()}
    return value


_UNDRAWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def chart_png(chart: alt.TopLevelMixin, language: Language | None = None, scale: float = SCALE) -> bytes:
    """The chart as PNG bytes, its axes' numbers and dates in the language it was built in.

    A chart from views.charts carries its language's formats (Vega's config.locale); `language` only
    gives one to a chart that has none (English if it isn't given either)."""
    spec = _drawable(chart.to_dict())
    config = spec.setdefault("config", {})
    config.setdefault("locale", (language or language_for(None)).vega_locale())
    return vl_convert.vegalite_to_png(spec, scale=scale, config={"background": "white"}, allowed_base_urls=[])


def table_csv(
    frame: pd.DataFrame,
    language: Language,
    titles: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
    currency: str | None = None,
) -> bytes:
    """The table as a CSV download: the screen's headers (an amount's naming `currency`), numbers rounded
    as shown, formulas neutralised."""
    return to_csv(tables.readable(frame, language, titles, kinds, currency))


# --------------------------------------------------------------------------------------- a report's charts


def quadrant(analysis: Analysis, language: Language, height: int = 400) -> ChartType | None:
    """Reps by effort and won, the busy-but-not-converting quadrant shaded, as the Activity page draws it."""
    words, reps = Words(analysis, language), analysis.reps()
    if reps.empty:
        return None
    return charts.quadrant_chart(
        reps,
        analysis.quadrant_lines(),
        "won",
        words.effort,
        words.won,
        curve=analysis.curve(),
        height=height,
        zone_title=language.gettext("Busy, not converting"),
        curve_title=language.gettext("Expected for this effort"),
        language=language,
        width=WIDTH,
    ).properties(width=WIDTH)


def funnel_plot(analysis: Analysis, language: Language, width: int = WIDTH) -> alt.LayerChart | None:
    """Conversion against volume with the flag's limit, as the Conversion page draws it."""
    if analysis.funnel_limits.empty:
        return None
    rule = analysis.flag_rule
    flag_title = (
        language.ngettext(
            "Flag limit, adjusted for {count} rep", "Flag limit, adjusted for {count} reps", rule.judged
        ).format(count=language.number(rule.judged))
        if rule.judged
        else language.gettext("Flag limit")
    )
    return charts.funnel_plot(
        analysis.reps(), analysis.funnel_limits, Words(analysis, language).trials, flag_title, language
    ).properties(width=width)


def trend(analysis: Analysis, language: Language) -> alt.LayerChart | None:
    """Effort and results per month, as the Trends page draws it with no lag."""
    periods = analysis.trends("month")
    if periods.empty:
        return None
    words = Words(analysis, language)
    return charts.trend_chart(periods, words.effort, words.won, "month", language).properties(width=WIDTH)


def report_charts(analysis: Analysis, language: Language) -> dict[str, bytes]:
    """The key charts of a report as PNGs, by name (quadrant, funnel_plot, trend); a chart the data can't
    draw is left out."""
    drawn = {
        "quadrant": quadrant(analysis, language),
        "funnel_plot": funnel_plot(analysis, language),
        "trend": trend(analysis, language),
    }
    return {name: chart_png(chart, language) for name, chart in drawn.items() if chart is not None}
