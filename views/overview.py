"""Overview: the top findings in words, the headline numbers against earlier periods, and who is flagged."""
import streamlit as st

from metrics.kpis import kpi_table
from views.context import current_view
from views.i18n import t
from views.widgets import compact, download_csv, follow_rep_click, number, open_row_on_select, percent, show_table

view = current_view()
found = view.insights
st.title(t("Overview"))

st.subheader(t("Findings"))
if not found.findings and len(view.team_reps) and (view.team_reps["status"] == "not enough data").all():
    st.info(f"Too little data to judge anyone yet: every rep has fewer than "
            f"{view.scenario.thresholds.min_volume} {view.effort_title.lower()}, or too few for a difference to "
            "show. Widen the date range, upload more history, or lower the minimum volume under Thresholds.")
elif not found.findings:
    st.info("Nothing stands out: no rep, period or activity type differs from the team by more than chance "
            "explains at the chosen confidence.")
for position, finding in enumerate(found.findings, start=1):
    text, link = st.columns([0.86, 0.14], vertical_alignment="center")
    text.markdown(f"{position}. {finding.text}")
    link.page_link(finding.page, label=t("See the chart"), icon=":material/bar_chart:")

KPI_TITLES = {
    "activities": view.effort_title,
    "won": view.scenario.won_label,
    "revenue": view.scenario.revenue_label,
    "conversion": t("Conversion"),
    "avg_deal_size": t("Average deal size"),
    "satisfaction": view.scenario.satisfaction_label,
}
FORMATS = {"conversion": percent, "satisfaction": lambda v: number(v, 2), "revenue": compact,
           "avg_deal_size": compact}

st.subheader(t("Headline numbers"))
kpis = kpi_table(view.current, view.previous, view.year_ago)
shown = kpis[~((kpis["kpi"] == "satisfaction") & kpis["value"].isna())]
before = view.filters.previous()
if before:
    empty_before = kpis.set_index("kpi").loc["activities", "previous"] is None
    st.caption(f"{t('vs previous period')}: {before.start:%d.%m.%Y}–{before.end:%d.%m.%Y}" +
               (" — no data there, so no change is shown. Narrow the date range to compare." if empty_before
                else ""))
cards = st.columns(3)
for position, row in enumerate(shown.itertuples()):
    show = FORMATS.get(row.kpi, number)
    delta = None if row.change is None else f"{row.change:+.1%}"
    year = f"; a year earlier: {show(row.year_ago)}" + (f" ({row.change_year:+.1%})" if row.change_year is not None
                                                         else "") if row.year_ago is not None else ""
    cards[position % 3].metric(KPI_TITLES[row.kpi], show(row.value), delta, border=True,
                               help=f"{t('vs previous period')}: {show(row.previous)}{year}")
download_csv(kpis, "kpis.csv", key="kpi-download")

st.subheader(t("Flagged reps"))
reps = view.reps
counts = reps["status"].value_counts()
left, middle, right, last = st.columns(4)
left.metric(t("flagged"), int(counts.get("flagged", 0)))
middle.metric(t("ok"), int(counts.get("ok", 0)))
right.metric(t("not enough data"), int(counts.get("not enough data", 0)))
last.metric("Won at the team's rate", number(found.what_if["extra_won"].sum()),
            help="Extra won deals if every flagged rep converted at the team's pooled rate.")
flagged = reps[reps["flagged"]].reset_index(drop=True)
if flagged.empty:
    st.success("No rep is busy without converting at the chosen confidence.")
else:
    st.markdown("Above the team's median activity **and** converting below the team's pooled rate by more than "
                "the binomial limit for their volume. Click a row to open the rep.")
    show_table(flagged[["rep", "team", "activities", "won", "conversion", "conversion_high", "revenue"]],
               key="flagged-table", rates=("conversion", "conversion_high"),
               titles={"activities": view.effort_title, "conversion_high": "Upper limit of conversion",
                       "won": view.scenario.won_label},
               on_select=open_row_on_select("flagged-table", flagged["rep"].tolist()), selection_mode="single-row")
    follow_rep_click()
