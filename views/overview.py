"""Overview: what counts as effort and as results, the top findings in words beside who is flagged, the
headline numbers with their trend, and the flagged reps."""

import streamlit as st

from metrics.diagnostics import STATUS_FLAGGED, STATUS_NO_DEALS, STATUS_OK, STATUS_THIN
from views import charts, state
from views.context import current_view
from views.escaping import md
from views.i18n import lang, t
from views.widgets import (
    caveat,
    compact,
    count,
    currency,
    download_comparison,
    follow_rep_click,
    number,
    open_row_on_select,
    percent,
    show_table,
    signed_percent,
)

view = current_view()
analysis = view.analysis
language = lang()
st.title(t("Overview"))

activities = ", ".join(t(label).lower() for label in view.scenario.activity_labels.values())
st.markdown(
    t(
        "**Effort** is what goes in: {activities}. **Results** are what comes out: {won}, "
        "{revenue} and {satisfaction}. A rep is **flagged** when their effort is above the team's median "
        "and they convert less than the rest of the team by more than chance explains, judged across all "
        "reps at once, so nobody is flagged on too little data.",
        activities=activities,
        won=view.won_title.lower(),
        revenue=view.revenue_title.lower(),
        satisfaction=view.satisfaction_title.lower(),
    )
)

team_reps = analysis.team_reps()
story, picture = st.columns([0.55, 0.45], gap="large")
with story:
    st.subheader(t("Findings"))
    if not analysis.findings and len(team_reps) and (team_reps["status"] == STATUS_THIN).all():
        st.info(
            t(
                "Too little data to judge anyone yet: every rep has fewer than {minimum} {effort}, or too few "
                "for a difference to show. Widen the date range, upload more history, or lower the minimum "
                "volume under Thresholds.",
                minimum=number(view.scenario.thresholds.min_volume),
                effort=view.effort_title.lower(),
            )
        )
    elif not analysis.findings:
        st.info(
            t(
                "Nothing stands out: no rep, period or activity type differs from the team by more than chance "
                "explains at the chosen confidence."
            )
        )
    for position, finding in enumerate(analysis.findings, start=1):
        st.markdown(f"{position}. {md(language.render(finding.message, currency()))}")
        st.page_link(state.FINDING_PAGES[finding.kind].path, label=t("See the chart"), icon=":material/bar_chart:")
with picture:
    st.subheader(t("Who is busy but not converting"))
    if team_reps.empty:
        st.info(t("No rep in this selection."))
    else:
        st.altair_chart(
            charts.quadrant_chart(
                analysis.reps(),
                analysis.quadrant_lines(),
                "won",
                view.effort_title,
                view.won_title,
                height=300,
                zone_title=t("Busy, not converting"),
                label_all=False,
                language=language,
                width=300,  # half the page, beside the findings
            ),
            width="stretch",
            key="overview-quadrant",
        )
        st.caption(
            t(
                "Each dot is a rep; the dashed lines are the team's medians. Red triangles are flagged; the "
                "efficient and the flagged are named. The Activity page names every rep."
            )
        )

KPI_TITLES = {
    "activities": view.effort_title,
    "won": view.won_title,
    "revenue": view.revenue_title,
    "conversion": t("Conversion"),
    "avg_deal_size": t("Average deal size"),
    "satisfaction": view.satisfaction_title,
}
FORMATS = {
    "activities": number,
    "won": count,
    "conversion": percent,
    "satisfaction": lambda v: number(v, 2),
    "revenue": compact,
    "avg_deal_size": compact,
}
COMPARISONS = {
    "chosen": t("The chosen dates"),
    "month": t("The last full month"),
    "quarter": t("The last full quarter"),
}
UNITS = {"month": t("month"), "quarter": t("quarter")}

st.subheader(t("Headline numbers"))
default = analysis.default_comparison  # one with an earlier period, so the cards show their changes at once
if not st.session_state.get(state.COMPARE_CHOSEN):
    st.session_state[state.Param.COMPARE] = default  # the default follows the data and dates until one is picked


def chosen() -> None:
    st.session_state[state.COMPARE_CHOSEN] = True


unit = (
    st.segmented_control(
        t("Compare"),
        list(COMPARISONS),
        format_func=COMPARISONS.get,
        key=state.Param.COMPARE,
        bind="query-params",
        persist_state="session",
        on_change=chosen,
    )
    or default
)
compared = analysis.comparison(unit)
if compared is None:
    st.info(t("Your data holds no dates, so there is no period to show or compare."))
else:
    if not compared.fitted:
        st.caption(
            t(
                "No whole {unit} inside the dates both effort and results are recorded for: showing the "
                "chosen dates. Pick another comparison or widen the dates.",
                unit=UNITS[unit],
            )
        )
    now, before = compared.now, compared.before
    when = (
        t("Deals engaged count on the day each deal was created; won deals and revenue on the day each closed.")
        if analysis.basis == "deals"
        else t("Activities count on their own day; won deals and revenue on the day each deal closed.")
    )
    if before is not None:
        st.caption(
            t(
                "{now} against the period before, {before}.",
                now=language.date_range(now.start, now.end),
                before=language.date_range(before.start, before.end),
            )
            + " "
            + when
        )
    else:
        covered = analysis.coverage
        st.caption(
            t(
                "{now}. The data records effort and results together only from {start} to {end}, so it "
                "doesn't hold the whole period before: no change is shown.",
                now=language.date_range(now.start, now.end),
                start=language.date(covered[0]) if covered else "–",
                end=language.date(covered[1]) if covered else "–",
            )
            + " "
            + when
        )
    kpis = compared.kpis[~((compared.kpis["kpi"] == "satisfaction") & compared.kpis["value"].isna())]
    trend = analysis.trends("month")
    trend = trend[~trend["partial"]]
    sparklines = {
        "activities": trend["activities"],
        "won": trend["won"],
        "revenue": trend["revenue"],
        "conversion": trend["conversion"],
        "avg_deal_size": (trend["revenue"] / trend["won"].where(trend["won"] > 0)),
    }
    cards = st.columns(3)
    for position, row in enumerate(kpis.itertuples()):
        show = FORMATS.get(row.kpi, number)
        help_text = t("The period before: {before}", before=show(row.previous))
        if row.year_ago is not None:
            help_text += (
                "; "
                + t("a year earlier: {year}", year=show(row.year_ago))
                + (f" ({signed_percent(row.change_year)})" if row.change_year is not None else "")
            )
        line = sparklines.get(row.kpi)
        cards[position % 3].metric(
            KPI_TITLES[row.kpi],
            show(row.value),
            signed_percent(row.change),
            border=True,
            help=help_text,
            chart_data=line.astype(float).fillna(0).tolist() if line is not None and len(line) > 1 else None,
            chart_type="bar" if row.kpi in {"activities", "won"} else "line",
        )
    st.caption(t("The small charts show each month the data wholly covers."))
    download_comparison(compared.kpis, "kpis.csv", key="kpi-download")

st.subheader(t("Flagged reps"))
reps = analysis.reps()
counts = reps["status"].value_counts()
STATUS_TITLES = {
    STATUS_FLAGGED: t("Flagged"),
    STATUS_OK: t("Not flagged"),
    STATUS_THIN: t("Not enough data"),
    STATUS_NO_DEALS: t("Own no deals"),
}
shown_statuses = [STATUS_FLAGGED, STATUS_OK, STATUS_THIN] + ([STATUS_NO_DEALS] if counts.get(STATUS_NO_DEALS) else [])
*status_cards, extra_card = st.columns(len(shown_statuses) + 1)
for column, status in zip(status_cards, shown_statuses):
    column.metric(STATUS_TITLES[status], number(int(counts.get(status, 0))))
extra_card.metric(
    t("Won at the team's rate"),
    count(analysis.what_if["extra_won"].sum()),
    help=t("Extra won deals if every flagged rep converted at the team's pooled rate."),
)
flagged = reps[reps["flagged"]].reset_index(drop=True)
if flagged.empty:
    st.success(t("No rep is busy without converting at the chosen confidence."))
else:
    st.markdown(
        t(
            "Above the team's median effort **and** converting below the rest of the team by more than "
            "chance explains, judged across all reps at once."
        )
        + " "
        + md(language.render(analysis.flag_rule.guarantee()))
        + " "
        + t("Click a row to open the rep.")
    )
    show_table(
        flagged[
            ["rep", "team", "effort", "won", "conversion", "shrunk_conversion", "p_adjusted", "revenue", "caveat"]
        ].assign(caveat=flagged["caveat"].map(caveat)),
        key="flagged-table",
        titles={"effort": view.effort_title, "won": view.won_title, "revenue": view.revenue_title},
        on_select=open_row_on_select("flagged-table", flagged["rep"].tolist()),
        selection_mode="single-row",
    )
    follow_rep_click()
