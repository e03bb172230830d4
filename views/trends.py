"""Trends: activity against results per week or month, with a lag, and this period against earlier ones."""
import pandas as pd
import streamlit as st

from metrics.trends import periods_overlapping
from views import charts
from views.context import current_view
from views.i18n import t
from views.widgets import download_csv, keep, kept, no_data, number, percent, show_table, signed_percent

view = current_view()
analysis = view.analysis
st.title(t("Trends"))

left, right = st.columns(2)
frequency = left.segmented_control(t("Period"), ["week", "month"], default=kept("frequency", "month"), format_func=t,
                                   key="frequency") or "month"
keep("frequency", frequency)
lag = right.slider(f"{t('Lag')}: set activity against results this many {frequency}s later", 0, 6,
                   kept(f"lag-{frequency}", 0), key=f"lag-{frequency}",
                   help="A demo this month may close next quarter. With a lag, each period's activity is compared "
                        "with the results that many periods later.")
keep(f"lag-{frequency}", lag)
periods = analysis.trends(frequency, lag)
if periods.empty:
    no_data()
    st.stop()
event = st.altair_chart(charts.trend_chart(periods, view.effort_title, view.scenario.won_label, frequency),
                        width="stretch",
                        key="trend", on_select="rerun", selection_mode=charts.PERIOD_BRUSH)
st.caption(f"Bars: {view.effort_title.lower()}; line: {view.scenario.won_label.lower()} in each period. Red "
           f"triangles mark periods where activity rose by more than {view.scenario.thresholds.rise_pct:.0%} over "
           f"the period before while won deals{f' {lag} {frequency}(s) later' if lag else ''} did not rise. Drag "
           "across the chart to pick a range for the table.")

marked = periods[periods["rose_without_results"]]
later = f" {lag} {frequency}(s) later" if lag else ""
lines = [f"- **{row.period:%Y-%m}**" if frequency == "month" else f"- **week of {row.period:%d.%m.%Y}**"
         for row in marked.itertuples()]
lines = [f"{label}: {view.effort_title.lower()} rose from {row.previous_activities:,} to {row.activities:,} "
         f"({row.activity_change:+.0%}), while {view.scenario.won_label.lower()}{later} went from {row.previous_won:,} "
         f"to {row.won_after_lag:,}." for label, row in zip(lines, marked.itertuples())]
if lines:
    shown_lines = lines[:6] + ([f"- … and {len(lines) - 6} more in the table below."] if len(lines) > 6 else [])
    st.warning("Activity rose, results did not:\n" + "\n".join(shown_lines))

picked = charts.brushed_range(event)
table = periods_overlapping(periods, *picked) if picked else periods
show_table(table, key="trend-table", rates=("conversion", "activity_change", "won_change"),
           titles={"activities": view.effort_title, "won": view.scenario.won_label,
                   "revenue": view.scenario.revenue_label, "won_after_lag": "Won in the results period",
                   "revenue_after_lag": "Revenue in the results period"})
download_csv(periods, "trends.csv", key="trends-download")

st.subheader("How results follow activity")
effect = analysis.lag_effect(frequency)
if effect["correlation"].notna().any():
    st.altair_chart(charts.lag_chart(effect, frequency), width="stretch", key="lag-effect")
    best = effect.loc[effect["correlation"].idxmax()]
    st.caption(f"Activity tracks {view.scenario.won_label.lower()} most closely {int(best['lag'])} {frequency}(s) "
               f"later (correlation {best['correlation']:.2f} over {int(best['periods'])} periods). A correlation "
               "across few periods is a hint, not proof.")
else:
    st.caption("Too few periods to see how results follow activity.")

st.subheader("This period against earlier ones")
if view.filters.start is None:
    st.caption("Pick a date range in the sidebar to compare it with the period before and a year earlier.")
else:
    compared = analysis.comparison("chosen")
    comparison = compared.kpis
    before, year = view.filters.previous(), view.filters.year_before()
    st.caption(f"Now: {view.filters.start:%d.%m.%Y}–{view.filters.end:%d.%m.%Y}; before: {before.start:%d.%m.%Y}–"
               f"{before.end:%d.%m.%Y}; a year earlier: {year.start:%d.%m.%Y}–{year.end:%d.%m.%Y}. Empty where the "
               "data doesn't reach.")
    titles = {"activities": view.effort_title, "won": view.scenario.won_label,
              "revenue": view.scenario.revenue_label, "conversion": t("Conversion"),
              "avg_deal_size": t("Average deal size"), "satisfaction": view.scenario.satisfaction_label}
    shown = {"conversion": percent, "satisfaction": lambda v: number(v, 2)}
    st.dataframe(pd.DataFrame([{
        "Measure": titles[row.kpi], "Now": shown.get(row.kpi, number)(row.value),
        "Period before": shown.get(row.kpi, number)(row.previous), "Change": signed_percent(row.change) or "–",
        "A year earlier": shown.get(row.kpi, number)(row.year_ago),
        "Change on a year": signed_percent(row.change_year) or "–"} for row in comparison.itertuples()]),
        hide_index=True, key="comparison-table")
    download_csv(comparison, "comparison.csv", key="comparison-download")
