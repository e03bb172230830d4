"""Data: how each table and column was understood, what was used, and every row dropped or repaired and why."""
import pandas as pd
import streamlit as st

from views.context import current_view
from views.i18n import t
from views.widgets import download_csv

SHAPE_TITLES = {"activities": "Activity log", "deals": "Deals", "summary": "Rep × period summary",
                "roster": "Roster"}

view = current_view()
dataset = view.dataset
st.title(t("Data"))

total = st.columns(3)
total[0].metric("Rows read", f"{dataset.rows_read:,}")
total[1].metric("Rows used", f"{dataset.rows_used:,}")
total[2].metric("Rows dropped", f"{dataset.rows_dropped:,}")
effort = "activities" if dataset.effort_basis == "activities" else "deals engaged (no activity log)"
st.caption(f"Effort is counted in {effort}.")
for error in dataset.errors:
    st.error(f"**{error.file}** — {error.message}")

if len(dataset.problems):
    st.subheader("Rows dropped or repaired, by reason")
    reasons = dataset.problems.groupby(["source", "reason", "action"]).size().rename("rows").reset_index()
    st.dataframe(reasons, hide_index=True, key="reasons")

for number, table in enumerate(dataset.tables):
    with st.expander(f"{table.source} — {SHAPE_TITLES[table.shape]}: {table.rows_used:,} of {table.rows_read:,} "
                     "rows used", expanded=number == 0):
        mapping = pd.DataFrame(
            [{"role": match.role, "column": match.column, "confidence": match.confidence}
             for match in table.recognition.roles.values()]
            + [{"role": f"activity count: {activity}", "column": column, "confidence": 1.0}
               for column, activity in table.recognition.activity_columns.items()])
        st.markdown("**How the columns were understood**")
        st.dataframe(mapping, hide_index=True, key=f"mapping-{number}", column_config={
            "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0,
                                                          format="percent")})
        if table.recognition.unrecognised:
            st.markdown("**Not used** (not recognised): " +
                        ", ".join(f"`{column}`" for column in table.recognition.unrecognised))
        if len(table.problem_rows):
            st.markdown(f"**Rows dropped or repaired** ({len(table.problem_rows):,})")
            st.dataframe(table.problem_rows.head(200), hide_index=True, key=f"problems-{number}")
            download_csv(table.problem_rows, f"problem-rows-{number + 1}.csv", key=f"problems-download-{number}")
        st.markdown("**Preview**")
        st.dataframe(table.preview, hide_index=True, key=f"preview-{number}")
