"""Reps: one rep against the team — numbers, findings, funnel and leak, activity mix, and trend."""

import streamlit as st

from metrics import diagnostics
from metrics.funnel import TEAM
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import lang, t
from views.widgets import caveat, compact, count, currency, download_csv, no_data, number, percent, show_table

view = current_view()
analysis = view.analysis
language = lang()
st.title(t("Reps"))

names = analysis.team_reps()["rep"].tolist()
if not names:
    no_data()
    st.stop()
remembered = st.session_state.get(state.FOCUS)
start = names.index(remembered) if remembered in names else 0
# Keyed by the remembered rep, so a click elsewhere that names another rep shows that rep here.
box = f"rep-page-{names[start]}"


def remember_choice() -> None:
    # Before the rerun, not after the page draws: the frame writes the address first, and it must name this rep.
    st.session_state[state.FOCUS] = st.session_state[box]


rep = st.selectbox(t("Rep"), names, index=start, key=box, on_change=remember_choice)
st.session_state[state.FOCUS] = rep
focus = analysis.rep(rep)
row = focus.row

STATUS_TEXT = {
    diagnostics.STATUS_FLAGGED: ":material/flag: " + t("Flagged: busy but not converting"),
    diagnostics.STATUS_OK: t("No flag"),
    diagnostics.STATUS_THIN: t("Not enough data to judge"),
    diagnostics.STATUS_NO_DEALS: t("Owns no deals: effort shown, not judged"),
}
parts = [
    f"**{md(rep)}**",
    md(row["team"]) if isinstance(row["team"], str) else t("no team"),
    t(diagnostics.QUADRANT_LABELS[row["quadrant"]]),
    STATUS_TEXT[row["status"]],
]
if isinstance(row["caveat"], str) and row["caveat"]:
    parts.append(f":material/warning: {md(caveat(row['caveat']))}")
st.markdown(" · ".join(parts))

comparison = focus.against_team
titles = {
    "activities": view.effort_title,
    "won": view.won_title,
    "revenue": view.revenue_title,
    "conversion": t("Conversion"),
}
shows = {"conversion": percent, "won": count, "revenue": compact}
for column, line in zip(st.columns(len(comparison)), comparison.itertuples()):
    show = shows.get(line.measure, number)
    team_word = t("the team's pooled rate") if line.measure == "conversion" else t("the team's median")
    column.metric(
        titles[line.measure],
        show(line.rep),
        None if line.ratio != line.ratio else f"{number(line.ratio, 1)}× {team_word}",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=t("{team}: {value}", team=team_word.capitalize(), value=show(line.team)),
    )

expected = focus.expected
if expected["expected_revenue"] == expected["expected_revenue"]:
    st.caption(
        t(
            "Expected against actual: for this much effort the team's curve predicts {won} {won_title} and "
            "{revenue} {revenue_title}; {rep} got {actual_won} and {actual_revenue} (gap {gap}).",
            won=count(expected["expected_won"]),
            won_title=view.won_title.lower(),
            revenue=compact(expected["expected_revenue"]),
            revenue_title=view.revenue_title.lower(),
            rep=md(rep),
            actual_won=count(row["won"]),
            actual_revenue=compact(row["revenue"]),
            gap=compact(expected["gap"]),
        )
    )

if focus.findings:
    st.subheader(t("Findings"))
    for finding in focus.findings:
        st.markdown(f"- {md(language.render(finding.message, currency()))}")

left, right = st.columns(2)
with left:
    st.subheader(t("Funnel against the team"))
    if analysis.funnel.empty:
        no_data()
    else:
        st.altair_chart(
            charts.stage_funnel_chart(analysis.funnel, [TEAM, rep], language), width="stretch", key="rep-funnel"
        )
        worst = focus.leak
        if worst is not None:
            st.caption(
                t(
                    "Loses most at {step}: {rep_rate} against the team's {team_rate}, about {lost} lost against "
                    "the team's rate.",
                    step=f"{t(worst['from_stage'])} → {t(worst['stage'])}",
                    rep_rate=percent(worst["rep_rate"], 0),
                    team_rate=percent(worst["team_rate"], 0),
                    lost=count(round(float(worst["lost"]))),
                )
            )
with right:
    st.subheader(t("Activity mix"))
    mix = focus.mix
    if mix.empty:
        st.info(t("No activity log for this rep: the effort shown is the deals they engaged."))
    else:
        st.altair_chart(
            charts.mix_chart(mix, "share", t("Share of the rep's activity"), "%", language),
            width="stretch",
            key="rep-mix",
        )
        mix_table = mix[["label", "activities", "share", "team_share", "win_rate", "verdict"]].assign(
            label=lambda frame: frame["label"].map(t), verdict=lambda frame: frame["verdict"].map(t)
        )
        mix_titles = {"share": t("Rep's share"), "win_rate": t("Win rate of deals touched")}
        show_table(mix_table, key="rep-mix-table", titles=mix_titles)
        download_csv(mix_table, "rep-activity-mix.csv", key="rep-mix-download", titles=mix_titles)

st.subheader(t("Trends"))
periods = focus.periods
if periods.empty:
    no_data()
else:
    st.altair_chart(
        charts.trend_chart(periods, view.effort_title, view.won_title, "month", language),
        width="stretch",
        key="rep-trend",
    )
against_titles = {"measure": t("Measure"), "rep": md(rep), "team": t("Team"), "ratio": t("Rep against team")}
download_csv(
    comparison.assign(measure=comparison["measure"].map(titles)),
    "rep-against-team.csv",
    key="rep-download",
    titles=against_titles,
    kinds={"rep": "decimal", "team": "decimal"},
)
