"""Conversion: the stage funnel, where flagged reps leak, the funnel plot, and which activities pay off."""
import streamlit as st

from metrics.funnel import TEAM
from metrics.leaks import leak_label
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import t
from views.widgets import download_csv, follow_rep_click, no_data, open_rep_on_click, percent, show_table

view = current_view()
analysis = view.analysis
st.title(t("Conversion"))

funnel = analysis.funnel
if funnel.empty:
    no_data()
    st.stop()
rep_names = sorted(r for r in funnel["rep"].unique() if r != TEAM)
if view.filters.reps:
    rep_names = [r for r in rep_names if r in view.filters.reps]
    funnel = funnel[funnel["rep"].isin([TEAM, *rep_names])]

st.subheader("Stage funnel")
if funnel["unit"].iloc[0] == "activities":
    st.caption("Your data links no activities to deals, so each stage counts activities of that stage and the "
               "last counts won deals: read the steps as ratios, not as deals moving on.")
elif analysis.funnel_evidence.stages_unknown_for_lost_deals:
    st.caption("Your data doesn't say how far lost deals got, so the funnel shows what it does say: all deals, "
               "those decided (won or lost), and those won.")
else:
    skipped = [view.scenario.funnel[stage] for stage in analysis.funnel_evidence.unrecorded_stages]
    unknown = analysis.funnel_evidence.lost_without_stage
    st.caption("Each deal counts at the furthest stage its stage column, its logged activities or a win show." +
               (f" {unknown:,} lost deals have no stage recorded, so nothing says how far they got: they are "
                "left out." if unknown else "") +
               (f" Not in your data, so left out: {', '.join(skipped)}." if skipped else ""))
flagged = analysis.reps().loc[analysis.reps()["flagged"], "rep"].tolist()
default = [r for r in [st.session_state.get(state.FOCUS)] if r in rep_names] or flagged[:2] or rep_names[:1]
compare = st.multiselect("Compare reps with the team", rep_names, default=default, key="funnel-compare")
st.altair_chart(charts.stage_funnel_chart(funnel, [TEAM, *compare]), width="stretch", key="stage-funnel")

st.subheader(t("Where flagged reps leak"))
leaks = analysis.leaks[analysis.leaks["rep"].isin(flagged)]
if leaks.empty:
    st.caption("No flagged rep loses against the team at any stage." if flagged else "No rep is flagged.")
else:
    show_table(leaks.assign(step=[leak_label(row) for row in leaks.itertuples()])[
        ["rep", "step", "rep_rate", "team_rate", "gap", "lost"]], key="leak-table",
        rates=("rep_rate", "team_rate", "gap"),
        titles={"rep_rate": "Rep's conversion", "team_rate": "Team's conversion", "gap": "Gap",
                "lost": "Lost against the team's rate"})

st.subheader("Stage-to-stage conversion per rep")
st.altair_chart(charts.stage_heatmap(funnel, TEAM), width="stretch", key="stage-heatmap", on_select=open_rep_on_click(
    "stage-heatmap", charts.REP_PICK), selection_mode=charts.REP_PICK)
st.caption("Click a rep to open their page.")
download_csv(funnel, "funnel.csv", key="funnel-download")

st.subheader("Funnel plot")
reps = analysis.reps()
rule = analysis.flag_rule
volume_title = "Decided deals" if analysis.basis == "deals" else view.effort_title
flag_title = f"Flag limit, adjusted for {rule.judged} reps" if rule.judged else "Flag limit"
if analysis.funnel_limits.empty:
    st.info("No rep has any trials yet, so there is nothing to place on the funnel plot.")
else:
    st.altair_chart(charts.funnel_plot(reps, analysis.funnel_limits, volume_title, flag_title),
                    width="stretch", key="funnel-plot", on_select=open_rep_on_click("funnel-plot", charts.REP_PICK),
                    selection_mode=charts.REP_PICK)
    st.caption(
        f"Each point is a rep: conversion against volume. The solid line is the team's pooled rate "
        f"({percent(analysis.pooled_rate)}); the dashed curves are the 95% and 99.8% limits chance allows around "
        f"it at each volume, and the red curve is the limit a rep must fall below to be flagged. " + rule.guarantee()
        + " Triangles are below it; a rep is flagged when also above the team's median effort. A rep with little "
        "volume sits inside wide limits and is never flagged. Click a rep to open their page.")
    st.caption(rule.spread())
download_csv(reps[["rep", "team", "trials", "won", "conversion", "shrunk_conversion", "p_value", "p_adjusted",
                   "below_limit", "limit_low", "effort", "status"]], "funnel_plot.csv", key="funnel-plot-download")

st.subheader(t("Activity mix"))
mix = analysis.mix  # it follows the rep filter
if mix.empty:
    st.info("No activity log: the mix of activities can't be shown.")
else:
    if mix["linked"].any():
        st.altair_chart(charts.mix_rates_chart(mix), width="stretch", key="mix-rates")
        st.caption("Dot and line: how often deals each activity touched were won, with the 95% interval. Black "
                   "tick: the win rate of all decided deals that got as far in the funnel, the fair comparison — "
                   "late activities only happen on deals that got far.")
    unlinked = mix.loc[~mix["linked"], "label"].tolist()
    if unlinked:
        st.caption(f"No deal link for {', '.join(map(md, unlinked))}: these activities name no deal in your data, so no "
                   "win rate or revenue is attributed to them.")
    show_table(mix.drop(columns=["activity_type", "linked"]), key="mix-table",
               rates=("share", "win_rate", "win_rate_low", "win_rate_high", "baseline"),
               titles={"label": "Activity", "baseline": "Deals that got as far"})
    download_csv(mix, "activity-mix.csv", key="mix-download")
    with st.expander("Per activity type per rep"):
        per_rep = analysis.mix_by_rep
        show_table(per_rep.drop(columns=["activity_type", "linked"]), key="mix-rep-table",
                   rates=("share", "win_rate", "win_rate_low", "win_rate_high", "baseline"),
                   titles={"label": "Activity", "baseline": "Deals that got as far"})
        download_csv(per_rep, "activity-mix-per-rep.csv", key="mix-rep-download")
follow_rep_click()
