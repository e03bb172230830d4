"""Overview: the headline numbers against the previous period, and who is busy without converting."""
import streamlit as st

from metrics.kpis import kpi_table
from views.context import current_view
from views.i18n import t
from views.widgets import compact, download_csv, number, percent, show_table

view = current_view()
st.title(t("Overview"))

KPI_TITLES = {
    "activities": t("Deals engaged") if view.scoped.basis == "deals" else t("Activities"),
    "won": view.scenario.won_label,
    "revenue": view.scenario.revenue_label,
    "conversion": t("Conversion"),
    "avg_deal_size": t("Average deal size"),
    "satisfaction": view.scenario.satisfaction_label,
}
FORMATS = {"conversion": percent, "satisfaction": lambda v: number(v, 2), "revenue": compact,
           "avg_deal_size": compact}

kpis = kpi_table(view.current, view.previous)
shown = kpis[~((kpis["kpi"] == "satisfaction") & kpis["value"].isna())]
before = view.filters.previous()
if before:
    empty_before = not kpis.set_index("kpi").loc["activities", "previous"]
    st.caption(f"{t('vs previous period')}: {before.start:%d.%m.%Y}–{before.end:%d.%m.%Y}" +
               (" — no data there, so no change is shown. Narrow the date range to compare." if empty_before
                else ""))
cards = st.columns(3)
for position, row in enumerate(shown.itertuples()):
    show = FORMATS.get(row.kpi, number)
    delta = None if row.change is None else f"{row.change:+.1%}"
    cards[position % 3].metric(KPI_TITLES[row.kpi], show(row.value), delta, border=True,
                               help=f"{t('vs previous period')}: {show(row.previous)}")

reps = view.reps
flagged = reps[reps["flagged"]]
counts = reps["status"].value_counts()
st.subheader(t("Flagged reps"))
left, middle, right = st.columns(3)
left.metric(t("flagged"), int(counts.get("flagged", 0)))
middle.metric(t("ok"), int(counts.get("ok", 0)))
right.metric(t("not enough data"), int(counts.get("not enough data", 0)))
if flagged.empty:
    st.success("No rep is busy without converting at the chosen confidence.")
else:
    pooled = reps["won"].sum() / reps["trials"].sum() if reps["trials"].sum() else None
    st.markdown(
        f"Above the team's median activity **and** converting below the team's pooled rate of "
        f"**{percent(pooled)}** by more than the binomial limit for their volume:")
    show_table(flagged[["rep", "team", "activities", "won", "conversion", "conversion_high", "revenue"]],
               key="flagged-table", rates=("conversion", "conversion_high"),
               titles={"conversion_high": "Upper limit of conversion", "won": view.scenario.won_label})
st.page_link("views/activity.py", label=t("Activity vs performance"), icon=":material/scatter_plot:")
download_csv(kpis, "kpis.csv", key="kpi-download")
