"""Overview: the top findings in words, the headline numbers against earlier periods, and who is flagged."""
import streamlit as st

from views import state
from views.context import current_view
from views.escaping import md
from views.i18n import t
from views.widgets import (compact, download_csv, follow_rep_click, number, open_row_on_select, percent, show_table,
                           signed_percent)

view = current_view()
analysis = view.analysis
st.title(t("Overview"))

st.subheader(t("Findings"))
team_reps = analysis.team_reps()
if not analysis.findings and len(team_reps) and (team_reps["status"] == "not enough data").all():
    st.info(f"Too little data to judge anyone yet: every rep has fewer than "
            f"{view.scenario.thresholds.min_volume} {view.effort_title.lower()}, or too few for a difference to "
            "show. Widen the date range, upload more history, or lower the minimum volume under Thresholds.")
elif not analysis.findings:
    st.info("Nothing stands out: no rep, period or activity type differs from the team by more than chance "
            "explains at the chosen confidence.")
for position, finding in enumerate(analysis.findings, start=1):
    text, link = st.columns([0.86, 0.14], vertical_alignment="center")
    text.markdown(f"{position}. {md(finding.text)}")
    link.page_link(state.FINDING_PAGES[finding.kind].path, label=t("See the chart"), icon=":material/bar_chart:")

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
COMPARISONS = {"chosen": "The chosen dates", "month": "The last full month", "quarter": "The last full quarter"}
bounds = analysis.bounds
# Open on a comparison that has an earlier period to compare with, so the cards show their changes at once.
default = analysis.default_comparison
unit = st.segmented_control(t("Compare"), list(COMPARISONS), format_func=lambda u: t(COMPARISONS[u]),
                            default=default, key=f"compare-{view.data_key}-{default}") or default
compared = analysis.comparison(unit)
if compared is None:
    st.info("Your data holds no dates, so there is no period to show or compare.")
else:
    if not compared.fitted:
        st.caption(f"No whole {unit} inside the chosen dates: pick another comparison or widen the dates.")
    now, before, year, kpis = compared.now, compared.before, compared.year_ago, compared.kpis
    shown = kpis[~((kpis["kpi"] == "satisfaction") & kpis["value"].isna())]
    earlier = now.previous() if unit == "chosen" else None
    st.caption(f"{now.start:%d.%m.%Y}–{now.end:%d.%m.%Y} " + (
        f"{t('vs previous period')}: {before.start:%d.%m.%Y}–{before.end:%d.%m.%Y}." if before else
        f"— the data starts on {bounds[0]:%d.%m.%Y}, so it doesn't cover the period before"
        f"{f' ({earlier.start:%d.%m.%Y}–{earlier.end:%d.%m.%Y})' if earlier else ''}; no change is shown."))
    cards = st.columns(3)
    for position, row in enumerate(shown.itertuples()):
        show = FORMATS.get(row.kpi, number)
        year_text = f"; a year earlier: {show(row.year_ago)}" + (
            f" ({signed_percent(row.change_year)})" if row.change_year is not None else "") \
            if row.year_ago is not None else ""
        cards[position % 3].metric(KPI_TITLES[row.kpi], show(row.value), signed_percent(row.change), border=True,
                                   help=f"{t('vs previous period')}: {show(row.previous)}{year_text}")
    download_csv(kpis, "kpis.csv", key="kpi-download")

st.subheader(t("Flagged reps"))
reps = analysis.reps()
counts = reps["status"].value_counts()
shown_statuses = ["flagged", "ok", "not enough data"] + (["owns no deals"] if counts.get("owns no deals") else [])
*status_cards, extra_card = st.columns(len(shown_statuses) + 1)
for column, status in zip(status_cards, shown_statuses):
    column.metric(t(status), int(counts.get(status, 0)))
extra_card.metric(
    "Won at the team's rate", number(analysis.what_if["extra_won"].sum()),
    help="Extra won deals if every flagged rep converted at the team's pooled rate.")
flagged = reps[reps["flagged"]].reset_index(drop=True)
if flagged.empty:
    st.success("No rep is busy without converting at the chosen confidence.")
else:
    st.markdown("Above the team's median effort **and** converting below the rest of the team by more than chance "
                f"explains, judged across all reps at once. {md(analysis.flag_rule.guarantee())} Click a row to "
                "open the rep.")
    show_table(flagged[["rep", "team", "effort", "won", "conversion", "shrunk_conversion", "p_adjusted", "revenue",
                        "caveat"]],
               key="flagged-table", rates=("conversion", "shrunk_conversion"), formats={"p_adjusted": "%.4f"},
               titles={"effort": view.effort_title, "won": view.scenario.won_label, "shrunk_conversion": "Fair rate",
                       "p_adjusted": "p across the team", "caveat": "Note"},
               on_select=open_row_on_select("flagged-table", flagged["rep"].tolist()), selection_mode="single-row")
    follow_rep_click()
