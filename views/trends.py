"""Trends: activity and results per week or month, marking periods where activity rose and results did not."""
import streamlit as st

from metrics.trends import period_table, periods_overlapping
from views import charts
from views.context import current_view
from views.i18n import t
from views.widgets import download_csv, no_data, show_table

view = current_view()
st.title(t("Trends"))

frequency = st.segmented_control(t("Period"), ["week", "month"], default="month", format_func=t,
                                 key="frequency") or "month"
periods = period_table(view.current, frequency, view.scenario.thresholds.rise_pct)
if periods.empty:
    no_data()
    st.stop()
effort_title = t("Deals engaged") if view.scoped.basis == "deals" else t("Activities")
event = st.altair_chart(charts.trend_chart(periods, effort_title, view.scenario.won_label), width="stretch",
                        key="trend", on_select="rerun", selection_mode=charts.PERIOD_BRUSH)
st.caption(f"Bars: {effort_title.lower()}; line: {view.scenario.won_label.lower()}. Red triangles mark periods "
           f"where activity rose by more than {view.scenario.thresholds.rise_pct:.0%} over the period before "
           "while won deals did not rise. Drag across the chart to pick a range for the table.")

marked = periods[periods["rose_without_results"]]
lines = [f"- **{row.period:%Y-%m}**" if frequency == "month" else f"- **week of {row.period:%d.%m.%Y}**"
         for row in marked.itertuples()]
lines = [f"{label}: {effort_title.lower()} rose from {row.previous_activities:,} to {row.activities:,} "
         f"({row.activity_change:+.0%}), while {view.scenario.won_label.lower()} went from {row.previous_won:,} "
         f"to {row.won:,}." for label, row in zip(lines, marked.itertuples())]
if lines:
    shown_lines = lines[:6] + ([f"- … and {len(lines) - 6} more in the table below."] if len(lines) > 6 else [])
    st.warning("Activity rose, results did not:\n" + "\n".join(shown_lines))

picked = charts.brushed_range(event)
table = periods_overlapping(periods, *picked) if picked else periods
show_table(table, key="trend-table", rates=("conversion", "activity_change", "won_change"),
           titles={"activities": effort_title, "won": view.scenario.won_label,
                   "revenue": view.scenario.revenue_label})
download_csv(periods, "trends.csv", key="trends-download")
