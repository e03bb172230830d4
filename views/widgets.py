"""Small pieces the pages share: number formats, download buttons, the remembered rep."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics.report import to_csv
from views import state
from views.i18n import t


def number(value, decimals: int = 0) -> str:
    """Thousands spaced; `decimals` places, but none where the value is whole (a median of 450 reads 450)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    places = 0 if float(value).is_integer() else decimals
    return f"{value:,.{places}f}".replace(",", " ")


def percent(value, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:.{decimals}%}"


def signed_percent(change) -> str | None:
    """A change as '+12.3%'; None when there is none. Rounds first, so a tiny fall reads '0.0%', not '-0.0%'."""
    if change is None or change != change:
        return None
    rounded = round(change, 3)
    return "0.0%" if rounded == 0 else f"{rounded:+.1%}"


def compact(value) -> str:
    """Large amounts shortened so they fit a KPI card: 4 540 000 → 4.54 M."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    for threshold, size, suffix in ((1e9, 1e9, " bn"), (1e6, 1e6, " M"), (1e4, 1e3, " k")):
        if abs(value) >= threshold:
            return f"{value / size:,.3g}{suffix}".replace(",", " ")
    return number(value)


def show_table(frame: pd.DataFrame, key: str, titles: dict[str, str] | None = None, rates: tuple[str, ...] = (),
               formats: dict[str, str] | None = None, **options) -> None:
    """A dataframe with rates shown as percentages (one decimal) and every column under its screen title."""
    titles = titles or {}
    shown = frame.copy()
    config = {}
    for column in frame.columns:
        title = titles.get(column, column.replace("_", " ").capitalize())
        if frame[column].dtype == object and frame[column].map(
                lambda v: v is None or isinstance(v, (int, float))).all():
            shown[column] = pd.to_numeric(shown[column]).astype(float)
        if column in rates:
            shown[column] = pd.to_numeric(shown[column]) * 100
            config[column] = st.column_config.NumberColumn(title, format="%.1f%%")
        elif formats and column in formats:
            config[column] = st.column_config.NumberColumn(title, format=formats[column])
        elif pd.api.types.is_float_dtype(shown[column]):
            # Amounts read best with thousands separators; small figures such as expected wins with one decimal.
            small = bool((shown[column].abs() < 1000).all())
            if not small:
                shown[column] = shown[column].round(0)
            config[column] = st.column_config.NumberColumn(title, format="%.1f" if small else "localized")
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            config[column] = st.column_config.DateColumn(title, format="YYYY-MM-DD")
        else:
            if pd.api.types.is_string_dtype(frame[column]):
                shown[column] = shown[column].astype("string").fillna("–")
            config[column] = st.column_config.Column(title)
    st.dataframe(shown, hide_index=True, key=key, column_config=config, **options)


def download_csv(frame: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(t("Download table (CSV)"), to_csv(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def picked_reps(event, parameter: str) -> list[str]:
    """The reps clicked in a chart's selection, remembered so the Reps page opens on the last one."""
    chosen = [point["rep"] for point in (event.selection.get(parameter) or []) if "rep" in point] \
        if event is not None else []
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
        chosen = [point["rep"] for point in (event.selection.get(parameter) or []) if "rep" in point] \
            if event is not None else []
        if chosen:
            st.session_state[state.FOCUS] = chosen[-1]
            st.session_state[state.OPEN_REP] = True
    return remember


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


def kept(key: str, default):
    """The last choice made in a page's widget, or `default`.

    Streamlit forgets a widget's value when its page is not shown; pages pass this as the widget's default
    and hand the value to keep(), so a choice survives a visit to another page.
    """
    return st.session_state.get(state.kept_key(key), default)


def keep(key: str, value) -> None:
    st.session_state[state.kept_key(key)] = value
