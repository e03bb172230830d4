"""Trends: effort against results per week or month, with a lag, and this period against earlier ones."""

import pandas as pd
import streamlit as st

from metrics.trends import periods_overlapping
from views import charts, state
from views.context import current_view
from views.i18n import lang, t, tn
from views.widgets import (
    count,
    download_comparison,
    download_csv,
    download_png,
    money,
    no_data,
    number,
    percent,
    show_table,
    signed_percent,
)

MIN_PERIODS_FOR_A_LAG = 6  # fewer pairs of periods give a correlation that says nothing about timing

view = current_view()
analysis = view.analysis
language = lang()
st.title(t("Trends"))

PERIODS = {"week": t("week"), "month": t("month")}
left, right = st.columns(2)
frequency = (
    left.segmented_control(
        t("Period"),
        list(PERIODS),
        default="month",
        format_func=PERIODS.get,
        key=state.Param.PERIOD,
        bind="query-params",
        persist_state="session",
    )
    or "month"
)
lag = right.slider(
    t("Lag: set effort against results this many months later")
    if frequency == "month"
    else t("Lag: set effort against results this many weeks later"),
    0,
    6,
    0,
    key=state.Param.LAG,
    bind="query-params",
    persist_state="session",
    help=t(
        "A demo this month may close next quarter. With a lag, each period's effort is set "
        "against the results that many periods later."
    ),
)
periods = analysis.trends(frequency, lag)
if periods.empty:
    no_data()
    st.stop()
trend = charts.trend_chart(periods, view.effort_title, view.won_title, frequency, language)
event = st.altair_chart(trend, width="stretch", key="trend", on_select="rerun", selection_mode=charts.PERIOD_BRUSH)
download_png(trend, "trends.png", key="trend-png")
later = (
    (
        tn("{count} month later", "{count} months later", lag)
        if frequency == "month"
        else tn("{count} week later", "{count} weeks later", lag)
    )
    if lag
    else ""
)
st.caption(
    t(
        "Bars: {effort}; line: {won} in each period{later}. Red triangles mark periods where effort rose by "
        "more than {rise} over the period before while results did not rise. Pale bars are periods the data "
        "covers only in part. Drag across the chart to pick a range for the table.",
        effort=view.effort_title.lower(),
        won=view.won_title.lower(),
        later=f", {later}" if later else "",
        rise=percent(view.scenario.thresholds.rise_pct, 0),
    )
)

marked = periods[periods["rose_without_results"]]
lines = [
    t(
        "**{period}**: {effort} rose from {before} to {now} ({change}), while {won}{later} went from "
        "{won_before} to {won_now}.",
        period=language.period(row.period, frequency),
        effort=view.effort_title.lower(),
        before=number(row.previous_activities),
        now=number(row.activities),
        change=signed_percent(row.activity_change),
        won=view.won_title.lower(),
        later=f" {later}" if later else "",
        won_before=count(row.previous_won),
        won_now=count(row.won_after_lag),
    )
    for row in marked.itertuples()
]
if lines:
    shown_lines = [f"- {line}" for line in lines[:6]]
    if len(lines) > 6:
        shown_lines.append(
            "- "
            + tn("… and {count} more in the table below.", "… and {count} more in the table below.", len(lines) - 6)
        )
    st.warning(t("Effort rose, results did not:") + "\n" + "\n".join(shown_lines))

picked = charts.brushed_range(event)
table = periods_overlapping(periods, *picked) if picked else periods
table = table.assign(
    period=[language.period(p, frequency) for p in table["period"]],
    results_period=[language.period(p, frequency) for p in table["results_period"]],
)
trend_titles = {
    "activities": view.effort_title,
    "won": view.won_title,
    "revenue": view.revenue_title,
    "results_period": t("Results period"),
    "won_after_lag": t("Won in the results period"),
    "revenue_after_lag": t("Revenue in the results period"),
    "previous_activities": t("Effort before"),
    "previous_won": t("Won before"),
    "activity_change": t("Change in effort"),
    "won_change": t("Change in results"),
    "rose_without_results": t("Rose without results"),
    "partial": t("Partly covered"),
}
show_table(table, key="trend-table", titles=trend_titles)
download_csv(table, "trends.csv", key="trends-download", titles=trend_titles)

st.subheader(t("How results follow effort"))
effect = analysis.lag_effect(frequency)
if effect["correlation"].notna().any():
    st.altair_chart(charts.lag_chart(effect, frequency, language), width="stretch", key="lag-effect")
    best = effect.loc[effect["correlation"].idxmax()]
    if int(best["periods"]) < MIN_PERIODS_FOR_A_LAG:
        st.caption(
            t(
                "Too few periods ({periods}) to say which lag fits best: {needed} or more are needed.",
                periods=number(best["periods"]),
                needed=MIN_PERIODS_FOR_A_LAG,
            )
        )
    else:
        lag_words = (
            tn("{count} month", "{count} months", int(best["lag"]))
            if frequency == "month"
            else tn("{count} week", "{count} weeks", int(best["lag"]))
        )
        st.caption(
            t(
                "Effort tracks {won} most closely {lag} later (correlation {correlation} over {periods} "
                "periods). A correlation across few periods is a hint, not proof.",
                won=view.won_title.lower(),
                lag=lag_words,
                correlation=number(best["correlation"], 2),
                periods=number(best["periods"]),
            )
        )
else:
    st.caption(t("Too few periods to see how results follow effort."))

st.subheader(t("This period against earlier ones"))
compared = analysis.comparison("chosen")
if view.filters.start is None or compared is None:
    st.caption(t("Pick a date range in the sidebar to compare it with the period before and a year earlier."))
else:
    before, year = view.filters.previous(), view.filters.year_before()
    st.caption(
        t(
            "Now: {now}; before: {before}; a year earlier: {year}. Empty where the data doesn't hold the whole period.",
            now=language.date_range(view.filters.start, view.filters.end),
            before=language.date_range(before.start, before.end),
            year=language.date_range(year.start, year.end),
        )
    )
    titles = {
        "activities": view.effort_title,
        "won": view.won_title,
        "revenue": view.revenue_title,
        "conversion": t("Conversion"),
        "avg_deal_size": t("Average deal size"),
        "satisfaction": view.satisfaction_title,
    }
    shown = {
        "won": count,
        "conversion": percent,
        "satisfaction": lambda v: number(v, 2),
        "revenue": money,
        "avg_deal_size": money,
    }
    comparison = pd.DataFrame(
        [
            {
                t("Measure"): titles[row.kpi],
                t("Now"): shown.get(row.kpi, number)(row.value),
                t("Period before"): shown.get(row.kpi, number)(row.previous),
                t("Change"): signed_percent(row.change) or "–",
                t("A year earlier"): shown.get(row.kpi, number)(row.year_ago),
                t("Change on a year"): signed_percent(row.change_year) or "–",
            }
            for row in compared.kpis.itertuples()
        ]
    )
    st.dataframe(comparison, hide_index=True, placeholder="–", key="comparison-table")
    download_comparison(compared.kpis, "comparison.csv", key="comparison-download")
