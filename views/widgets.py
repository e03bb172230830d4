"""Small pieces the pages share: number formats, download buttons, the remembered rep."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics.report import to_csv
from views.i18n import t

SELECTED_REP = "selected_rep"


def number(value, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", " ")


def percent(value, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:.{decimals}%}"


def download_csv(frame: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(t("Download table (CSV)"), to_csv(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def picked_reps(event, parameter: str) -> list[str]:
    """The reps clicked in a chart's selection, remembered so the Reps page opens on the last one."""
    chosen = [point["rep"] for point in (event.selection.get(parameter) or []) if "rep" in point] \
        if event is not None else []
    if chosen:
        st.session_state[SELECTED_REP] = chosen[-1]
    return chosen


def no_data() -> None:
    st.info(t("No data in this selection. Widen the date range or clear the team and rep filters."))
