"""Activity vs performance: reps and teams by activity and results, expected against actual, and satisfaction."""
import streamlit as st

from metrics import diagnostics
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import t
from views.widgets import (compact, download_csv, follow_rep_click, keep, kept, no_data, number, open_rep_on_click,
                           picked_reps, show_table)

view = current_view()
analysis = view.analysis
st.title(t("Activity vs performance"))

performance = st.segmented_control(
    t("Performance measure"), diagnostics.PERFORMANCE_MEASURES, default=kept("performance", "won"),
    key="performance", format_func=lambda m: view.scenario.won_label if m == "won" else view.scenario.revenue_label
) or "won"
keep("performance", performance)
performance_title = view.scenario.won_label if performance == "won" else view.scenario.revenue_label
everyone = analysis.team_reps(performance)
reps = analysis.reps(performance)
if reps.empty:
    no_data()
    st.stop()

by_rep, by_team, by_satisfaction = st.tabs([t("Reps"), t("Teams"), view.scenario.satisfaction_label])

with by_rep:
    lines = analysis.quadrant_lines(performance)
    curve = analysis.curve(performance)
    event = st.altair_chart(
        charts.quadrant_chart(reps, lines, performance, view.effort_title, performance_title, curve=curve),
        width="stretch", key="quadrant", on_select="rerun", selection_mode=charts.REP_PICK)
    st.caption(
        f"Dashed lines: team medians ({number(lines['effort'], 1)} {view.effort_title.lower()}, "
        f"{number(lines[performance], 1)} {performance_title.lower()}). Red triangles are flagged: above the median "
        "effort and converting below the rest of the team by more than chance explains, judged across all reps at "
        f"once. {analysis.flag_rule.guarantee()} " +
        ("The green curve is what the team's own reps get for that much activity (a robust fit with diminishing "
         "returns). " if len(curve) else "") + "Click a rep to select it; double-click to clear.")
    flat = [measure for measure, fit in analysis.curves.items() if fit is not None and fit.slope == 0]
    if curve.empty:
        st.caption("Too few reps (5 unflagged are needed) for a team curve: no expected values.")
    elif performance in flat:
        st.caption(f"In this team {performance_title.lower()} does not rise with activity, so the expected value is "
                   "the same for every rep: the median.")
    unplaced = analysis.without_effort
    if len(unplaced):
        st.warning(f"{len(unplaced)} rep(s) have results but no recorded {view.effort_title.lower()} "
                   f"({', '.join(map(md, unplaced['rep'].head(5)))}): they can't be placed or judged, and their results are "
                   "left out of the team's conversion. Check that the activity log covers them.")
    chosen = picked_reps(event, charts.REP_PICK)
    # Ranked by the fair rate: a rep with 3 won of 3 doesn't top one with 80 of 120.
    table = reps.merge(analysis.expected, on="rep").sort_values("shrunk_conversion", ascending=False,
                                                                 na_position="last")
    table = table[table["rep"].isin(chosen)] if chosen else table
    show_table(
        table.assign(quadrant=table["quadrant"].map(diagnostics.QUADRANT_LABELS))[
            ["rep", "team", "effort", "won", "expected_won", "revenue", "expected_revenue", "gap", "conversion",
             "shrunk_conversion", "p_value", "p_adjusted", "quadrant", "status", "caveat"]],
        key="rep-table", rates=("conversion", "shrunk_conversion"),
        formats={"p_value": "%.4f", "p_adjusted": "%.4f"},
        titles={"effort": view.effort_title, "won": view.scenario.won_label,
                "expected_won": f"Expected {view.scenario.won_label.lower()}",
                "revenue": view.scenario.revenue_label, "expected_revenue": "Expected revenue",
                "gap": "Revenue gap", "shrunk_conversion": "Fair rate", "p_value": "p alone",
                "p_adjusted": "p across the team", "caveat": "Note"})
    if chosen:
        st.page_link(state.REPS.path, label=f"{t('Reps')}: {md(chosen[-1])}", icon=":material/person:")
    download_csv(table, "reps.csv", key="reps-download")

    st.subheader(t("What if"))
    what = analysis.what_if
    if what.empty:
        st.caption("No rep is flagged, so converting at the team's rate would add nothing.")
    else:
        left, right = st.columns(2)
        left.metric(f"More {view.scenario.won_label.lower()}", number(what["extra_won"].sum(), 1), border=True)
        right.metric(f"More {view.scenario.revenue_label.lower()}", compact(what["extra_revenue"].sum()),
                     border=True)
        st.caption(f"If each flagged rep converted at the team's pooled rate ({what['team_rate'].iloc[0]:.1%}); "
                   "each extra win is priced at the team's average deal size.")
        show_table(what, key="what-if-table", rates=("team_rate",),
                   titles={"trials": view.effort_title, "won_at_team_rate": "Won at the team's rate"})
        download_csv(what, "what-if.csv", key="what-if-download")

with by_team:
    teams = analysis.teams
    if len(teams) < 2:
        st.info("Teams need a team column or a roster with at least two teams. Upload a roster (rep, team) to "
                "compare teams.")
    else:
        st.altair_chart(charts.quadrant_chart(teams.assign(team=teams["team"]), analysis.team_lines, "won",
                                              view.effort_title, view.scenario.won_label, unit="team"),
                        width="stretch", key="team-quadrant")
        st.markdown("**Spread within each team**: each dot is a rep; the dashed line is the pooled rate. Click a rep "
                    "to open their page.")
        st.altair_chart(charts.team_spread_chart(everyone, analysis.pooled_rate), width="stretch",
                        key="team-spread", on_select=open_rep_on_click("team-spread", charts.REP_PICK),
                        selection_mode=charts.REP_PICK)
        show_table(teams[["team", "activities", "won", "revenue", "conversion", "conversion_high", "status"]]
                   .merge(analysis.team_spread, on="team"), key="team-table",
                   rates=("conversion", "conversion_high", "conversion_min", "conversion_median", "conversion_max",
                          "conversion_iqr"),
                   titles={"activities": view.effort_title, "won": view.scenario.won_label,
                           "conversion_iqr": "Conversion IQR"})
        download_csv(teams.merge(analysis.team_spread, on="team"), "teams.csv", key="teams-download")

with by_satisfaction:
    gaps = analysis.satisfaction
    if gaps.empty:
        st.info(f"No {view.scenario.satisfaction_label.lower()} in this data (or fewer than 5 ratings per rep). "
                "Add a satisfaction column to the deals or the rep × period sheet to see this gap.")
    else:
        st.altair_chart(charts.satisfaction_chart(gaps, view.scenario.satisfaction_label,
                                                  view.scenario.revenue_label), width="stretch",
                        key="satisfaction", on_select=open_rep_on_click("satisfaction", charts.REP_PICK),
                        selection_mode=charts.REP_PICK)
        st.caption("A gap is marked only where a rep's mean rating differs from the rest of the team's by more than "
                   "chance explains (Welch's t test at the chosen confidence), with revenue on the other side of "
                   "the median.")
        show_table(gaps, key="satisfaction-table", titles={"others": "Rest of team", "t": "Welch t", "p": "p"},
                   formats={"satisfaction": "%.2f", "others": "%.2f", "t": "%.2f", "p": "%.4f"})
        download_csv(gaps, "satisfaction.csv", key="satisfaction-download")
follow_rep_click()
