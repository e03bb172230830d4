"""Conversion: the stage funnel, where flagged reps leak, the funnel plot, and which activities pay off."""

import pandas as pd
import streamlit as st

from metrics.funnel import TEAM
from metrics.mix import UNCLEAR
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import lang, t, tn
from views.widgets import (
    download_csv,
    download_png,
    follow_rep_click,
    no_data,
    number,
    percent,
    rep_chart,
    show_table,
)

view = current_view()
analysis = view.analysis
language = lang()
st.title(t("Conversion"))

funnel = analysis.funnel
if funnel.empty:
    no_data()
    st.stop()
rep_names = sorted(r for r in funnel["rep"].unique() if r != TEAM)
if view.filters.reps:
    rep_names = [r for r in rep_names if r in view.filters.reps]
    funnel = funnel[funnel["rep"].isin([TEAM, *rep_names])]

st.subheader(t("Stage funnel"))
evidence = analysis.funnel_evidence
if funnel["unit"].iloc[0] == "activities":
    st.caption(
        t(
            "Your data links no activities to deals, so each stage counts activities of that stage and the "
            "last counts won deals: read the steps as ratios, not as deals moving on."
        )
    )
elif evidence.stages_unknown_for_lost_deals:
    st.caption(
        t(
            "Your data doesn't say how far lost deals got, so the funnel shows what it does say: all deals, "
            "those decided (won or lost), and those won."
        )
    )
else:
    caption = t("Each deal counts at the furthest stage its stage column, its logged activities or a win show.")
    if evidence.lost_without_stage:
        caption += " " + tn(
            "{count} lost deal has no stage recorded, so nothing says how far it got: it is left out.",
            "{count} lost deals have no stage recorded, so nothing says how far they got: they are left out.",
            evidence.lost_without_stage,
        )
    skipped = [t(view.scenario.funnel[stage]) for stage in evidence.unrecorded_stages]
    if skipped:
        caption += " " + t("Not in your data, so left out: {stages}.", stages=", ".join(skipped))
    st.caption(caption)
flagged = analysis.reps().loc[analysis.reps()["flagged"], "rep"].tolist()
default = [r for r in [st.session_state.get(state.FOCUS)] if r in rep_names] or flagged[:2] or rep_names[:1]
compare = st.multiselect(t("Compare reps with the team"), rep_names, default=default, key="funnel-compare")
stage_funnel = charts.stage_funnel_chart(funnel, [TEAM, *compare], language)
st.altair_chart(stage_funnel, width="stretch", key="stage-funnel")
download_png(stage_funnel, "stage-funnel.png", key="stage-funnel-png")

st.subheader(t("Where flagged reps leak"))
leaks = analysis.leaks[analysis.leaks["rep"].isin(flagged)]
if leaks.empty:
    st.caption(t("No flagged rep loses against the team at any stage.") if flagged else t("No rep is flagged."))
else:
    leak_table = leaks.assign(step=[f"{t(row.from_stage)} → {t(row.stage)}" for row in leaks.itertuples()])[
        ["rep", "step", "rep_rate", "team_rate", "gap", "lost"]
    ]
    leak_titles = {"gap": t("Gap"), "lost": t("Lost against the team's rate")}
    leak_kinds = {"gap": "rate", "lost": "whole"}
    show_table(leak_table, key="leak-table", titles=leak_titles, kinds=leak_kinds)
    download_csv(leak_table, "leaks.csv", key="leaks-download", titles=leak_titles, kinds=leak_kinds)

st.subheader(t("Stage-to-stage conversion per rep"))
heatmap = charts.stage_heatmap(funnel, TEAM, language)
rep_chart(heatmap, key="stage-heatmap")
download_png(heatmap, "stage-to-stage.png", key="stage-heatmap-png")
st.caption(
    t(
        "Each cell is a rep's conversion from the stage before; its colour is the rep against the team at "
        "that step: red below, green above. Click a rep to open their page."
    )
)
download_csv(funnel.assign(stage=funnel["stage"].map(t)), "funnel.csv", key="funnel-download")

st.subheader(t("Funnel plot"))
reps = analysis.reps()
rule = analysis.flag_rule
volume_title = t("Decided deals") if analysis.basis == "deals" else view.effort_title
flag_title = (
    tn("Flag limit, adjusted for {count} rep", "Flag limit, adjusted for {count} reps", rule.judged)
    if rule.judged
    else t("Flag limit")
)
if analysis.funnel_limits.empty:
    st.info(t("No rep has any trials yet, so there is nothing to place on the funnel plot."))
else:
    plot = charts.funnel_plot(reps, analysis.funnel_limits, volume_title, flag_title, language)
    rep_chart(plot, key="funnel-plot")
    download_png(plot, "funnel-plot.png", key="funnel-plot-png")
    st.caption(
        t(
            "Each point is a rep: conversion against volume. The solid line is the team's pooled rate "
            "({pooled}); the dashed curves are the 95% and 99.8% limits chance allows around it at each "
            "volume, and the red curve is the limit a rep must fall below to be flagged.",
            pooled=percent(analysis.pooled_rate),
        )
        + " "
        + md(language.render(rule.guarantee()))
        + " "
        + t(
            "Triangles are below it; a rep is flagged when also above the team's median effort. A rep with "
            "little volume sits inside wide limits and is never flagged. Click a rep to open their page."
        )
    )
    st.caption(md(language.render(rule.spread())))
plot_table = reps[
    [
        "rep",
        "team",
        "trials",
        "won",
        "conversion",
        "shrunk_conversion",
        "p_value",
        "p_adjusted",
        "below_limit",
        "limit_low",
        "effort",
        "status",
    ]
].assign(status=lambda frame: frame["status"].map(t))
download_csv(plot_table, "funnel-plot.csv", key="funnel-plot-download", titles={"trials": volume_title})

st.subheader(t("Activity mix"))
mix = analysis.mix  # it follows the rep filter
if mix.empty:
    st.info(t("No activity log: the mix of activities can't be shown."))
else:
    if mix["linked"].any():
        mix_chart = charts.mix_rates_chart(mix, language)
        st.altair_chart(mix_chart, width="stretch", key="mix-rates")
        download_png(mix_chart, "activity-mix.png", key="mix-rates-png")
        st.caption(
            t(
                "Dot and line: how often the deals each activity touched were won, with the interval at the "
                "chosen confidence. Black tick: the win rate of all decided deals that got as far in the "
                "funnel, the fair comparison, since late activities only happen on deals that got far."
            )
        )
        unclear = mix[(mix["verdict"] == UNCLEAR) & mix["linked"]]
        for row in unclear.itertuples():
            if pd.notna(row.deals_needed):
                st.caption(
                    t(
                        "{activity}: can't tell yet; about {count} more linked deals would tell.",
                        activity=md(t(row.label)),
                        count=number(row.deals_needed),
                    )
                )
            elif row.win_rate == row.baseline:
                st.caption(
                    t(
                        "{activity}: every decided deal that got this far had one, so there is nothing to "
                        "compare it with.",
                        activity=md(t(row.label)),
                    )
                )
    unlinked = mix.loc[~mix["linked"], "label"].tolist()
    if unlinked:
        st.caption(
            t(
                "No deal link for {activities}: these activities name no deal in your data, so no win rate or "
                "revenue is attributed to them.",
                activities=", ".join(md(t(label)) for label in unlinked),
            )
        )
    mix_table = mix.drop(columns=["activity_type", "linked"]).assign(
        label=lambda frame: frame["label"].map(t), verdict=lambda frame: frame["verdict"].map(t)
    )
    show_table(mix_table, key="mix-table")
    download_csv(mix_table, "activity-mix.csv", key="mix-download")
    with st.expander(t("Per activity type per rep")):
        per_rep = analysis.mix_by_rep.drop(columns=["activity_type", "linked"]).assign(
            label=lambda frame: frame["label"].map(t), verdict=lambda frame: frame["verdict"].map(t)
        )
        show_table(per_rep, key="mix-rep-table")
        download_csv(per_rep, "activity-mix-per-rep.csv", key="mix-rep-download")
follow_rep_click()
