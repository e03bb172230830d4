"""Reps: one rep against the team — numbers, findings, funnel and leak, activity mix, and trend."""
import streamlit as st

from metrics import diagnostics
from metrics.funnel import TEAM
from metrics.leaks import leak_label
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import t
from views.widgets import compact, download_csv, no_data, number, percent, show_table

view = current_view()
analysis = view.analysis
st.title(t("Reps"))

names = analysis.team_reps()["rep"].tolist()
if not names:
    no_data()
    st.stop()
remembered = st.session_state.get(state.FOCUS)
start = names.index(remembered) if remembered in names else 0
# Keyed by the remembered rep, so a click elsewhere that names another rep shows that rep here.
rep = st.selectbox(t("Rep"), names, index=start, key=f"rep-page-{names[start]}")
st.session_state[state.FOCUS] = rep
focus = analysis.rep(rep)
row = focus.row

status_text = {"flagged": ":material/flag: Flagged: busy but not converting", "ok": "No flag",
               "not enough data": "Not enough data to judge",
               "owns no deals": "Owns no deals: activity shown, not judged"}[row["status"]]
if isinstance(row["caveat"], str) and row["caveat"]:
    status_text += f" · :material/warning: {md(row['caveat'])}"
st.markdown(f"**{md(rep)}** · {md(row['team']) if isinstance(row['team'], str) else 'no team'} · "
            f"{diagnostics.QUADRANT_LABELS[row['quadrant']]} · {status_text}")

comparison = focus.against_team
titles = {"activities": view.effort_title, "won": view.scenario.won_label, "revenue": view.scenario.revenue_label,
          "conversion": t("Conversion")}
for column, line in zip(st.columns(len(comparison)), comparison.itertuples()):
    show = percent if line.measure == "conversion" else number
    team_word = "team pooled" if line.measure == "conversion" else "team median"
    column.metric(titles[line.measure], show(line.rep),
                  None if line.ratio != line.ratio else f"{line.ratio:.1f}× {team_word}",
                  delta_color="off", delta_arrow="off", border=True, help=f"{team_word}: {show(line.team)}")

expected = focus.expected
if expected["expected_revenue"] == expected["expected_revenue"]:
    st.caption(f"{t('Expected against actual')}: for this much activity the team's curve predicts "
               f"{number(expected['expected_won'], 1)} {view.scenario.won_label.lower()} and "
               f"{compact(expected['expected_revenue'])} {view.scenario.revenue_label.lower()}; {md(rep)} got "
               f"{number(row['won'])} and {compact(row['revenue'])} (gap {compact(expected['gap'])}).")

if focus.findings:
    st.subheader(t("Findings"))
    for finding in focus.findings:
        st.markdown(f"- {md(finding.text)}")

left, right = st.columns(2)
with left:
    st.subheader("Funnel against the team")
    if analysis.funnel.empty:
        no_data()
    else:
        st.altair_chart(charts.stage_funnel_chart(analysis.funnel, [TEAM, rep]), width="stretch", key="rep-funnel")
        worst = focus.leak
        if worst is not None:
            st.caption(f"Loses most at {leak_label(worst)}: {worst['rep_rate']:.0%} against the team's "
                       f"{worst['team_rate']:.0%}, about {worst['lost']:.1f} lost against the team's rate.")
with right:
    st.subheader(t("Activity mix"))
    mix = focus.mix
    if mix.empty:
        st.info("No activity log for this rep: the effort shown is the deals they engaged.")
    else:
        compared = mix
        st.altair_chart(charts.mix_chart(mix, "share", "Share of the rep's activity", "%"), width="stretch",
                        key="rep-mix")
        show_table(compared[["label", "activities", "share", "team_share", "win_rate", "verdict"]],
                   key="rep-mix-table", rates=("share", "team_share", "win_rate"),
                   titles={"label": "Activity", "share": "Rep's share", "team_share": "Team's share",
                           "win_rate": "Win rate of deals touched"})
        download_csv(compared, f"mix-{rep}.csv", key="rep-mix-download")

st.subheader(t("Trends"))
periods = focus.periods
if periods.empty:
    no_data()
else:
    st.altair_chart(charts.trend_chart(periods, view.effort_title, view.scenario.won_label), width="stretch",
                    key="rep-trend")
download_csv(comparison, f"rep-{rep}.csv", key="rep-download")
