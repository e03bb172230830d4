"""Builders for small hand-made frames in the engine's canonical shapes, and for the app under AppTest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.filters import Slice
from metrics.ingest import ACTIVITY_COLUMNS, OUTCOME_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
MAVEN = ROOT.parent / "shared" / "data" / "maven-crm"


def activities(rows: list[dict]) -> pd.DataFrame:
    """Activity rows; missing columns default (count 1, no team, no deal); `stage` may be given."""
    frame = pd.DataFrame(rows)
    defaults = {"team": pd.NA, "deal_id": pd.NA, "count": 1, "source": "test", "activity_type": "call", "stage": pd.NA}
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["stage"] = frame["stage"].astype("Int64")
    for column in ("rep", "team", "deal_id", "activity_type"):
        frame[column] = frame[column].astype("string")
    return frame[[*ACTIVITY_COLUMNS, "stage"]]


def outcomes(rows: list[dict]) -> pd.DataFrame:
    """Deal rows: give rep, date, status and amount; won/lost/revenue follow from status."""
    frame = pd.DataFrame(rows)
    defaults = {
        "team": pd.NA,
        "deal_id": pd.NA,
        "stage_level": pd.NA,
        "amount": pd.NA,
        "satisfaction": pd.NA,
        "source": "test",
        "status": "open",
    }
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["engaged"] = pd.to_datetime(frame["engaged"] if "engaged" in frame else frame["date"]).astype(
        "datetime64[ns]"
    )
    frame["won"] = (frame["status"] == "won").astype("int64") if "won" not in frame else frame["won"]
    frame["lost"] = (frame["status"] == "lost").astype("int64") if "lost" not in frame else frame["lost"]
    amount = pd.to_numeric(frame["amount"]).astype("Float64")
    frame["revenue"] = (
        amount.fillna(0).where(frame["won"] > 0, 0.0).astype(float)
        if "revenue" not in frame
        else frame["revenue"].astype(float)
    )
    frame["amount"] = amount
    frame["satisfaction"] = pd.to_numeric(frame["satisfaction"]).astype("Float64")
    frame["stage_level"] = pd.to_numeric(frame["stage_level"]).astype("Int64")
    for column in ("rep", "team", "deal_id", "status"):
        frame[column] = frame[column].astype("string")
    return frame[OUTCOME_COLUMNS]


def make_slice(activity_rows: list[dict] | None = None, outcome_rows: list[dict] | None = None) -> Slice:
    acts = activities(activity_rows) if activity_rows else activities([{"date": "2026-01-01", "rep": "x"}]).iloc[:0]
    outs = outcomes(outcome_rows) if outcome_rows else outcomes([{"date": "2026-01-01", "rep": "x"}]).iloc[:0]
    return Slice(acts, outs, "activities" if len(acts) else "deals")


def app_test(
    *files: tuple[str, bytes], page: str | None = None, timeout: float = 60, params: dict[str, str] | None = None
) -> AppTest:
    """The app run once under AppTest, opened on an address with `params`; with `files` (name, CSV bytes)
    uploaded through the sidebar and then `page` opened when given. Fails on any exception the runs raised."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    if files:
        at.sidebar.file_uploader[0].set_value([(name, content, "text/csv") for name, content in files]).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def maven_pipeline() -> Path:
    path = MAVEN / "sales_pipeline.csv"
    if not path.exists():
        pytest.skip(f"real data not found at {path}")
    return path
