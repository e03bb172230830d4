"""Conversion: the stage funnel for the team and per rep, and the funnel plot of conversion against volume."""
import streamlit as st

from metrics import diagnostics
from metrics.funnel import TEAM, funnel_table, unrecorded_stages
from views import charts
from views.context import current_view
from views.i18n import t
from views.widgets import SELECTED_REP, download_csv, no_data, percent, picked_reps

view = current_view()
st.title(t("Conversion"))

funnel = funnel_table(view.population, view.scenario)
if funnel.empty:
    no_data()
    st.stop()
rep_names = sorted(r for r in funnel["rep"].unique() if r != TEAM)
if view.filters.reps:
    rep_names = [r for r in rep_names if r in view.filters.reps]
    funnel = funnel[funnel["rep"].isin([TEAM, *rep_names])]

st.subheader("Stage funnel")
unit = funnel["unit"].iloc[0]
if unit == "activities":
    st.caption("Your data links no activities to deals, so each stage counts activities of that stage and the "
               "last counts won deals: read the steps as ratios, not as deals moving on.")
else:
    skipped = [view.scenario.funnel[stage] for stage in unrecorded_stages(view.population, view.scenario)]
    st.caption("Each deal counts at the furthest stage its stage column, its logged activities or a win show. "
               "A lost deal with no stage recorded counts at the first stage only." +
               (f" Not in your data, so left out: {', '.join(skipped)}." if skipped else ""))
flagged = view.reps.loc[view.reps["flagged"], "rep"].tolist()
default = [r for r in [st.session_state.get(SELECTED_REP)] if r in rep_names] or flagged[:2] or rep_names[:1]
compare = st.multiselect("Compare reps with the team", rep_names, default=default, key="funnel-compare")
st.altair_chart(charts.stage_funnel_chart(funnel, [TEAM, *compare]), width="stretch", key="stage-funnel")

st.subheader("Stage-to-stage conversion per rep")
event = st.altair_chart(charts.stage_heatmap(funnel, TEAM), width="stretch", key="stage-heatmap",
                        on_select="rerun", selection_mode=charts.REP_PICK)
picked_reps(event, charts.REP_PICK)
download_csv(funnel, "funnel.csv", key="funnel-download")

st.subheader("Funnel plot")
reps = view.reps
limits = diagnostics.funnel_plot_limits(reps)
volume_title = "Decided deals" if view.scoped.basis == "deals" else t("Activities")
pooled = diagnostics.pooled_rate(reps)
event = st.altair_chart(charts.funnel_plot(reps, limits, volume_title), width="stretch", key="funnel-plot",
                        on_select="rerun", selection_mode=charts.REP_PICK)
picked_reps(event, charts.REP_PICK)
st.caption(
    f"Each point is a rep: conversion against volume. The solid line is the team's pooled rate "
    f"({percent(pooled)}); the curves are the 95% and 99.8% limits around it for each volume. A point below "
    "the lower 95% curve converts worse than chance explains; a rep with little volume sits inside wide limits "
    "and is never flagged.")
download_csv(reps[["rep", "team", "trials", "won", "conversion", "conversion_low", "conversion_high",
                   "limit_low", "status"]], "funnel_plot.csv", key="funnel-plot-download")
