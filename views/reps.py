"""Reps: one rep's activity, funnel, mix and trend against the team."""
import streamlit as st

from metrics import diagnostics
from metrics.filters import Filters, apply
from metrics.funnel import TEAM, funnel_table
from metrics.mix import activity_mix
from metrics.trends import period_table
from views import charts
from views.context import current_view
from views.i18n import t
from views.widgets import SELECTED_REP, download_csv, no_data, number, percent

view = current_view()
st.title(t("Reps"))

everyone = diagnostics.rep_table(view.population, view.scenario.thresholds)
names = everyone["rep"].tolist()
if not names:
    no_data()
    st.stop()
remembered = st.session_state.get(SELECTED_REP)
rep = st.selectbox(t("Rep"), names, index=names.index(remembered) if remembered in names else 0, key="rep-page")
st.session_state[SELECTED_REP] = rep
row = everyone.set_index("rep").loc[rep]

status_text = {"flagged": "🚩 Flagged: busy but not converting", "ok": "No flag",
               "not enough data": "Not enough data to judge"}[row["status"]]
st.markdown(f"**{rep}** · {row['team'] if isinstance(row['team'], str) else 'no team'} · "
            f"{diagnostics.QUADRANT_LABELS[row['quadrant']]} · {status_text}")

comparison = diagnostics.rep_against_team(everyone, rep)
titles = {"activities": t("Deals engaged") if view.scoped.basis == "deals" else t("Activities"),
          "won": view.scenario.won_label, "revenue": view.scenario.revenue_label, "conversion": t("Conversion")}
for column, line in zip(st.columns(len(comparison)), comparison.itertuples()):
    show = percent if line.measure == "conversion" else number
    team_word = "team pooled" if line.measure == "conversion" else "team median"
    column.metric(titles[line.measure], show(line.rep),
                  None if line.ratio != line.ratio else f"{line.ratio:.1f}× {team_word}",
                  delta_color="off", border=True, help=f"{team_word}: {show(line.team)}")

mine = apply(view.population, Filters(reps=(rep,)))
left, right = st.columns(2)
with left:
    st.subheader("Funnel against the team")
    funnel = funnel_table(view.population, view.scenario)
    if funnel.empty:
        no_data()
    else:
        st.altair_chart(charts.stage_funnel_chart(funnel, [TEAM, rep]), width="stretch", key="rep-funnel")
with right:
    st.subheader("Activity mix")
    mix = activity_mix(mine, view.scenario)
    if mix.empty:
        st.info("No activity log for this rep: the effort shown is the deals they engaged.")
    else:
        st.altair_chart(charts.mix_chart(mix, "share", "Share of the rep's activity", "%"), width="stretch",
                        key="rep-mix")
        download_csv(mix, f"mix-{rep}.csv", key="rep-mix-download")

st.subheader(t("Trends"))
periods = period_table(mine, "month", view.scenario.thresholds.rise_pct)
if periods.empty:
    no_data()
else:
    effort_title = titles["activities"]
    st.altair_chart(charts.trend_chart(periods, effort_title, view.scenario.won_label), width="stretch",
                    key="rep-trend")
download_csv(comparison, f"rep-{rep}.csv", key="rep-download")
