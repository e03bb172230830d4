"""Activity vs performance: reps and teams by effort and results, expected against actual, and satisfaction."""

import streamlit as st

from metrics import diagnostics
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import lang, t, tn
from views.widgets import (
    caveat,
    compact,
    count,
    download_csv,
    download_png,
    follow_rep_click,
    no_data,
    number,
    percent,
    picked_reps,
    rep_chart,
    show_table,
)

view = current_view()
analysis = view.analysis
language = lang()
st.title(t("Activity vs performance"))

performance = (
    st.segmented_control(
        t("Performance measure"),
        diagnostics.PERFORMANCE_MEASURES,
        default="won",
        key=state.Param.MEASURE,
        format_func={measure: view.measure_title(measure) for measure in diagnostics.PERFORMANCE_MEASURES}.get,
        bind="query-params",
        persist_state="session",
    )
    or "won"
)
performance_title = view.measure_title(performance)
everyone = analysis.team_reps(performance)
reps = analysis.reps(performance)
if reps.empty:
    no_data()
    st.stop()

by_rep, by_team, by_satisfaction = st.tabs([t("Reps"), t("Teams"), view.satisfaction_title])

with by_rep:
    lines = analysis.quadrant_lines(performance)
    curve = analysis.curve(performance)
    quadrant = charts.quadrant_chart(
        reps,
        lines,
        performance,
        view.effort_title,
        performance_title,
        curve=curve,
        zone_title=t("Busy, not converting"),
        curve_title=t("Expected for this effort"),
        language=language,
    )
    event = st.altair_chart(
        quadrant, width="stretch", key="quadrant", on_select="rerun", selection_mode=charts.REP_PICK
    )
    download_png(quadrant, "activity-vs-performance.png", key="quadrant-png")
    caption = t(
        "Dashed lines: the team's medians ({effort} {effort_title}, {results} {results_title}). Red "
        "triangles are flagged: above the median effort and converting below the rest of the team by "
        "more than chance explains, judged across all reps at once.",
        effort=number(lines["effort"], 1),
        effort_title=view.effort_title.lower(),
        results=number(lines[performance], 1),
        results_title=performance_title.lower(),
    )
    caption += " " + md(language.render(analysis.flag_rule.guarantee()))
    if len(curve):
        caption += " " + t(
            "The green curve is what the team's own reps get for that much effort (a robust fit "
            "with diminishing returns)."
        )
    st.caption(caption + " " + t("Click a rep to name them; double-click to clear."))
    flat = [measure for measure, fit in analysis.curves.items() if fit is not None and fit.slope == 0]
    if curve.empty:
        st.caption(t("Too few reps (5 unflagged are needed) for a team curve: no expected values."))
    else:
        # The table shows the expected value of every measure, not only the one charted: a flat column
        # needs its reason whichever measure is picked.
        for measure in flat:
            st.caption(
                t(
                    "In this team {results} does not rise with effort, so the expected value is the same for "
                    "every rep: the median.",
                    results=view.measure_title(measure).lower(),
                )
            )
    unplaced = analysis.without_effort
    if len(unplaced):
        st.warning(
            tn(
                "{count} rep has results but no recorded {effort} ({names}): they can't be placed or "
                "judged, and their results are left out of the team's conversion. Check that the activity "
                "log covers them.",
                "{count} reps have results but no recorded {effort} ({names}): they can't be placed or "
                "judged, and their results are left out of the team's conversion. Check that the activity "
                "log covers them.",
                len(unplaced),
                effort=view.effort_title.lower(),
                names=", ".join(map(md, unplaced["rep"].head(5))),
            )
        )
    chosen = picked_reps(event, charts.REP_PICK)
    # Ranked by the fair rate: a rep with 3 won of 3 doesn't top one with 80 of 120.
    table = reps.merge(analysis.expected, on="rep").sort_values(
        "shrunk_conversion", ascending=False, na_position="last"
    )
    table = table[table["rep"].isin(chosen)] if chosen else table
    columns = [
        "rep",
        "team",
        "effort",
        "won",
        "expected_won",
        "revenue",
        "expected_revenue",
        "gap",
        "conversion",
        "shrunk_conversion",
        "p_value",
        "p_adjusted",
        "quadrant",
        "status",
        "caveat",
    ]
    titles = {
        "effort": view.effort_title,
        "won": view.won_title,
        "expected_won": t("Expected {won}", won=view.won_title.lower()),
        "revenue": view.revenue_title,
        "expected_revenue": t("Expected {revenue}", revenue=view.revenue_title.lower()),
    }
    shown = table.assign(
        quadrant=table["quadrant"].map(lambda q: t(diagnostics.QUADRANT_LABELS[q])),
        status=table["status"].map(t),
        caveat=table["caveat"].map(caveat),
    )[columns]
    show_table(shown, key="rep-table", titles=titles)
    if chosen:
        st.page_link(state.REPS.path, label=t("Open {rep}'s page", rep=md(chosen[-1])), icon=":material/person:")
    download_csv(shown, "reps.csv", key="reps-download", titles=titles)

    st.subheader(t("What if"))
    what = analysis.what_if
    if what.empty:
        st.caption(t("No rep is flagged, so converting at the team's rate would add nothing."))
    else:
        left, right = st.columns(2)
        left.metric(t("More {won}", won=view.won_title.lower()), count(what["extra_won"].sum()), border=True)
        right.metric(
            t("More {revenue}", revenue=view.revenue_title.lower()), compact(what["extra_revenue"].sum()), border=True
        )
        st.caption(
            t(
                "If each flagged rep converted at the team's pooled rate ({rate}); each extra win is priced "
                "at the team's average deal size.",
                rate=percent(what["team_rate"].iloc[0]),
            )
        )
        # The rate's denominator: decided deals for deals-only data, which is not the deals a rep engaged.
        trials_title = t("Decided deals") if analysis.basis == "deals" else view.effort_title
        what_titles = {
            "trials": trials_title,
            "won": view.won_title,
            "won_at_team_rate": t("Won at the team's rate"),
            "extra_won": t("Extra won"),
            "extra_revenue": t("Extra {revenue}", revenue=view.revenue_title.lower()),
        }
        show_table(what, key="what-if-table", titles=what_titles)
        download_csv(what, "what-if.csv", key="what-if-download", titles=what_titles)

with by_team:
    teams = analysis.teams
    if len(teams) < 2:
        st.info(
            t(
                "Teams need a team column or a roster with at least two teams. Upload a roster (rep, team) to "
                "compare teams."
            )
        )
    else:
        st.altair_chart(
            charts.quadrant_chart(
                teams,
                analysis.team_lines,
                "won",
                view.effort_title,
                view.won_title,
                unit="team",
                zone_title=t("Busy, not converting"),
                language=language,
            ),
            width="stretch",
            key="team-quadrant",
        )
        st.markdown(
            t(
                "**Spread within each team**: each dot is a rep; the dashed line is the pooled rate. Click a "
                "rep to open their page."
            )
        )
        rep_chart(charts.team_spread_chart(everyone, analysis.pooled_rate, language), key="team-spread")
        team_table = (
            teams[["team", "effort", "won", "revenue", "conversion", "shrunk_conversion", "status"]]
            .merge(analysis.team_spread, on="team")
            .assign(status=lambda frame: frame["status"].map(t))
        )
        team_titles = {
            "effort": view.effort_title,
            "won": view.won_title,
            "revenue": view.revenue_title,
            "conversion_min": t("Lowest rep"),
            "conversion_median": t("Median rep"),
            "conversion_max": t("Highest rep"),
            "conversion_iqr": t("Spread (IQR)"),
        }
        show_table(team_table, key="team-table", titles=team_titles)
        download_csv(team_table, "teams.csv", key="teams-download", titles=team_titles)

with by_satisfaction:
    gaps = analysis.satisfaction
    if gaps.empty:
        st.info(
            t(
                "No {satisfaction} in this data (or fewer than 5 ratings per rep). Add a satisfaction column to "
                "the deals or the rep × period sheet to see this gap.",
                satisfaction=view.satisfaction_title.lower(),
            )
        )
    else:
        rep_chart(
            charts.satisfaction_chart(gaps, view.satisfaction_title, view.revenue_title, language), key="satisfaction"
        )
        st.caption(
            t(
                "A gap is marked only where a rep's mean rating differs from the rest of the team's by more "
                "than chance explains (Welch's t test at the chosen confidence), with revenue on the other "
                "side of the median."
            )
        )
        gap_titles = {
            "satisfaction": view.satisfaction_title,
            "others": t("Rest of team"),
            "t": t("Welch t"),
            "revenue": view.revenue_title,
            "gap": t("Gap"),
        }
        shown_gaps = gaps.assign(gap=gaps["gap"].map(lambda gap: t(gap) if gap else ""))
        show_table(shown_gaps, key="satisfaction-table", titles=gap_titles, kinds={"gap": "text"})
        download_csv(
            shown_gaps, "satisfaction.csv", key="satisfaction-download", titles=gap_titles, kinds={"gap": "text"}
        )
follow_rep_click()
