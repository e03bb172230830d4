"""Small pieces the pages share: number formats, download buttons, the remembered rep."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import exports
from views import charts, state, tables
from views.i18n import lang, t


def number(value, decimals: int = 0) -> str:
    """The session language's number: separators its way, `decimals` places unless the value is whole."""
    return lang().number(value, decimals)


def count(value) -> str:
    """A count of deals or customers: whole, and 'about 46' for an expected or extra one."""
    return lang().count(value)


def percent(value, decimals: int = 1) -> str:
    return lang().percent(value, decimals)


def signed_percent(change) -> str | None:
    return lang().signed_percent(change)


def currency() -> str | None:
    """The currency amounts are shown in: the sidebar's choice, or none."""
    return st.session_state.get(state.CURRENCY) or None


def money(value) -> str:
    return lang().money(value, currency())


def compact(value) -> str:
    """A large amount shortened to fit a KPI card, with the currency when there is one."""
    return lang().compact(value, currency())


def caveat(text) -> str:
    """A rep's effort caveat ('weeks missing from the log; ...') in the session's language."""
    return tables.caveat(text, lang())


def show_table(
    frame: pd.DataFrame, key: str, titles: dict[str, str] | None = None, kinds: dict[str, str] | None = None, **options
) -> None:
    """A table under its screen titles, every number in the session language's format, sortable by value."""
    language = lang()
    config = {column: st.column_config.Column(tables.title(column, language, titles)) for column in frame.columns}
    # A missing value reads '–', as in the cards: Streamlit shows its own 'None' for a null cell otherwise.
    st.dataframe(
        tables.styled(frame, language, currency(), kinds),
        hide_index=True,
        key=key,
        column_config=config,
        placeholder="–",
        **options,
    )


def download_csv(
    frame: pd.DataFrame,
    file_name: str,
    key: str,
    titles: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
) -> None:
    """The table as a CSV with the screen's headers and rounding, amounts under their currency; formulas
    neutralised."""
    language, chosen = lang(), currency()
    st.download_button(
        t("Download table (CSV)"),
        lambda: exports.table_csv(frame, language, titles, kinds, chosen),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def download_comparison(kpis: pd.DataFrame, file_name: str, key: str) -> None:
    """The headline measures against the period before and a year earlier, as a CSV under the table's headers."""
    download_csv(
        kpis,
        file_name,
        key=key,
        titles={
            "kpi": t("Measure"),
            "value": t("Now"),
            "previous": t("Period before"),
            "change": t("Change"),
            "year_ago": t("A year earlier"),
            "change_year": t("Change on a year"),
        },
        kinds={"value": "decimal", "previous": "decimal", "year_ago": "decimal"},
    )


def download_png(chart, file_name: str, key: str) -> None:
    """The chart as a PNG, drawn on the server when asked for (the same drawing the reports hold)."""
    st.download_button(
        t("Download chart (PNG)"),
        lambda: exports.chart_png(chart),
        file_name=file_name,
        mime="image/png",
        key=key,
        icon=":material/image:",
        on_click="ignore",
        type="tertiary",
    )


def picked_reps(event, parameter: str) -> list[str]:
    """The reps clicked in a chart's selection, remembered so the Reps page opens on the last one."""
    chosen = (
        [point["rep"] for point in (event.selection.get(parameter) or []) if "rep" in point]
        if event is not None
        else []
    )
    if chosen:
        st.session_state[state.FOCUS] = chosen[-1]
    return chosen


def no_data() -> None:
    st.info(t("No data in this selection. Widen the date range or clear the team and rep filters."))


def open_rep_on_click(key: str, parameter: str):
    """An on_select callback for a chart: remember the rep clicked and have the page open the Reps page.

    A callback fires only on a new click, so coming back to the page does not bounce to the Reps page again.
    """

    def remember() -> None:
        event = st.session_state.get(key)
        chosen = (
            [point["rep"] for point in (event.selection.get(parameter) or []) if "rep" in point]
            if event is not None
            else []
        )
        if chosen:
            st.session_state[state.FOCUS] = chosen[-1]
            st.session_state[state.OPEN_REP] = True

    return remember


def rep_chart(chart, key: str) -> None:
    """A chart of reps across the page: a click on a rep opens their page (see follow_rep_click)."""
    st.altair_chart(
        chart,
        width="stretch",
        key=key,
        on_select=open_rep_on_click(key, charts.REP_PICK),
        selection_mode=charts.REP_PICK,
    )


def open_row_on_select(key: str, reps: list[str]):
    """The same for a table with row selection: `reps` holds the rep of each row, in order."""

    def remember() -> None:
        rows = st.session_state[key].selection.rows
        if rows:
            st.session_state[state.FOCUS] = reps[rows[0]]
            st.session_state[state.OPEN_REP] = True

    return remember


def follow_rep_click() -> None:
    """Open the Reps page if a click asked for it (st.switch_page can't run inside a callback)."""
    if st.session_state.pop(state.OPEN_REP, False):
        st.switch_page(state.REPS.path)
