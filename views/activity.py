"""Activity vs performance: one point per rep, quadrant lines at the medians, busy-but-not-converting shaded."""
import streamlit as st

from metrics import diagnostics
from views import charts
from views.context import current_view
from views.i18n import t
from views.widgets import download_csv, no_data, picked_reps, show_table

view = current_view()
st.title(t("Activity vs performance"))

performance = st.segmented_control(
    t("Performance measure"), diagnostics.PERFORMANCE_MEASURES, default="won", key="performance",
    format_func=lambda m: view.scenario.won_label if m == "won" else view.scenario.revenue_label) or "won"
everyone = diagnostics.rep_table(view.population, view.scenario.thresholds, performance)
reps = everyone[everyone["rep"].isin(view.filters.reps)] if view.filters.reps else everyone
if reps.empty:
    no_data()
    st.stop()
lines = diagnostics.quadrant_lines(everyone, performance)
effort_title = t("Deals engaged") if view.scoped.basis == "deals" else t("Activities")
performance_title = view.scenario.won_label if performance == "won" else view.scenario.revenue_label
event = st.altair_chart(
    charts.quadrant_chart(reps, lines, performance, effort_title, performance_title),
    width="stretch", key="quadrant", on_select="rerun", selection_mode=charts.REP_PICK)
st.caption(
    f"Dashed lines: team medians ({lines['activities']:,.0f} {effort_title.lower()}, "
    f"{lines[performance]:,.0f} {performance_title.lower()}). Red triangles are flagged: above the median "
    f"activity and converting below the team's pooled rate by more than the "
    f"{view.scenario.thresholds.confidence:.0%} binomial limit for their volume. Click a rep to select it; "
    "double-click to clear.")

chosen = picked_reps(event, charts.REP_PICK)
table = reps[reps["rep"].isin(chosen)] if chosen else reps
show_table(
    table.assign(quadrant=table["quadrant"].map(diagnostics.QUADRANT_LABELS))[
        ["rep", "team", "activities", "won", "revenue", "conversion", "conversion_high", "quadrant", "status"]],
    key="rep-table", rates=("conversion", "conversion_high"),
    titles={"activities": effort_title, "won": view.scenario.won_label, "revenue": view.scenario.revenue_label,
            "conversion_high": "Upper limit"})
if chosen:
    st.page_link("views/reps.py", label=f"{t('Reps')}: {chosen[-1]}", icon=":material/person:")
download_csv(reps, "reps.csv", key="reps-download")
