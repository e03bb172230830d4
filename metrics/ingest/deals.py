"""A deals (opportunities) table: one row per deal, with its status, stage, amount and dates."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ingest.cleaning import (RowProblems, cleaned_text, drop_duplicates, rep_and_totals, role_values,
                                     team_values)
from metrics.ingest.frames import ACTIVITY_COLUMNS, RawTable, empty_frame
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_amounts, parse_dates, parse_statuses
from metrics.scenarios import stage_level


def _deal_statuses(frame, recognition, level: pd.Series, statuses: dict[str, str] | None
                   ) -> tuple[pd.Series, pd.Series]:
    """Each deal's status under the user's choices, and under the built-in words alone.

    A status or stage that names an outcome decides; a stage that names a funnel step means open; then
    Salesforce-style flags: Won, and Closed (not won and not closed is open, not lost).
    """
    closed_flag = role_values(frame, recognition, "closed_flag")
    closed = parse_statuses(closed_flag) if closed_flag is not None else None
    results = []
    for choices in (statuses, None):
        status = pd.Series(pd.NA, index=frame.index, dtype="string")
        for role in ("status", "stage"):
            values = role_values(frame, recognition, role)
            if values is not None:
                status = status.fillna(parse_statuses(values, choices))
        status = status.mask(status.isna() & level.notna(), "open")
        won = role_values(frame, recognition, "won")
        if won is not None:
            flag = parse_statuses(won, choices)
            if closed is not None:
                flag = flag.mask(flag.eq("lost").fillna(False) & closed.eq("lost").fillna(False), "open")
            status = status.fillna(flag)
        if closed is not None:
            status = status.mask(status.isna() & closed.eq("lost").fillna(False), "open")
        results.append(status)
    return results[0], results[1]


def parse_deals(table: RawTable, recognition: Recognition, today: pd.Timestamp,
                statuses: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, RowProblems, pd.Series]:
    """Deal rows, the activity counts a deals export may carry, the problems, and the status texts the
    built-in words don't know (with how many deals have each)."""
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    stage_text = role_values(frame, recognition, "stage")
    level = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if stage_text is not None and stage_text.notna().any():
        codes, uniques = pd.factorize(stage_text)
        levels = pd.array([stage_level(u) if isinstance(u, str) else None for u in uniques], dtype="Int64")
        level = pd.Series(levels.take(np.where(codes < 0, 0, codes)), index=frame.index, dtype="Int64")
        level[codes < 0] = pd.NA
    status, builtin = _deal_statuses(frame, recognition, level, statuses)
    primary = next((cleaned_text(frame[recognition.column(r)]) for r in ("status", "stage", "won")
                    if recognition.has(r)))
    unknown_texts = primary[builtin.isna().to_numpy() & ~dropped].value_counts()
    unknown = status.isna().to_numpy() & ~dropped
    rows.add(unknown, "status not recognised (counted as open)", "repaired")
    status = status.fillna("open")

    amount = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    raw_amount = role_values(frame, recognition, "amount")
    if raw_amount is not None:
        amount = parse_amounts(raw_amount, table.decimal_comma)
        bad = amount.isna().to_numpy() & raw_amount.notna().to_numpy() & ~dropped
        rows.add(bad, "unparseable amount (counted as no amount)", "repaired")
        negative = (amount < 0).fillna(False).to_numpy() & ~dropped
        rows.add(negative, "negative amount", "dropped")
        dropped |= negative

    dates = {}
    for role in ("closed", "created"):
        values = role_values(frame, recognition, role)
        dates[role] = parse_dates(values) if values is not None else pd.Series(pd.NaT, index=frame.index,
                                                                                dtype="datetime64[ns]")
        if values is not None:
            unparseable = dates[role].isna().to_numpy() & values.notna().to_numpy() & ~dropped
            rows.add(unparseable, f"unparseable {role} date (left blank)", "repaired")
    fallback = role_values(frame, recognition, "date")
    date = dates["closed"].where(status != "open").fillna(dates["created"])
    if fallback is not None:
        date = date.fillna(parse_dates(fallback))
    # An open deal without a created date is dated by its expected close, once that has passed.
    date = date.fillna(dates["closed"].where(dates["closed"] <= today))
    if date.notna().any():
        no_date = date.isna().to_numpy() & ~dropped
        open_deal = (status == "open").to_numpy() & dates["closed"].notna().to_numpy()
        rows.add(no_date & open_deal, "no date (an open deal with only a future close date)", "dropped")
        rows.add(no_date & ~open_deal, "no date", "dropped")
        dropped |= no_date
        decided_future = (date > today).fillna(False).to_numpy() & (status != "open").to_numpy() & ~dropped
        rows.add(decided_future, "close date in the future", "dropped")
        dropped |= decided_future

    satisfaction = role_values(frame, recognition, "satisfaction")
    deal_id = role_values(frame, recognition, "deal_id")
    if deal_id is None:
        deal_id = role_values(frame, recognition, "record_id")
    deal_id = cleaned_text(deal_id) if deal_id is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    duplicate = deal_id.notna().to_numpy() & deal_id.duplicated(keep="first").to_numpy() & ~dropped
    rows.add(duplicate, "duplicate deal id", "dropped")
    dropped |= duplicate
    if deal_id.isna().all():
        dropped = drop_duplicates(table, rows, dropped, identified=False)
    won = (status == "won").astype(int)
    outcomes = pd.DataFrame({
        "date": date,
        "rep": rep,
        "team": team_values(frame, recognition),
        "deal_id": deal_id,
        "status": status,
        "stage_level": level,
        "won": won,
        "lost": (status == "lost").astype(int),
        "revenue": amount.fillna(0).where(status == "won", 0.0).astype(float),
        "amount": amount,
        "satisfaction": parse_amounts(satisfaction, table.decimal_comma) if satisfaction is not None else pd.NA,
        "engaged": dates["created"].fillna(date),
        "source": table.source,
    })[~dropped]

    activities = empty_frame(ACTIVITY_COLUMNS)
    counts = role_values(frame, recognition, "activities_count")
    if counts is not None:
        # A CRM deals export that counts each deal's activities: that count is the effort behind the deal.
        n = parse_amounts(counts).fillna(0)
        activity_date = dates["created"].fillna(date)
        keep = ~dropped & (n > 0).to_numpy() & activity_date.notna().to_numpy()
        activities = pd.DataFrame({
            "date": activity_date, "rep": rep, "team": team_values(frame, recognition),
            "activity_type": "sales activity", "deal_id": deal_id, "count": n.round().astype(int),
            "source": table.source,
        })[keep]
    return outcomes, activities, rows, unknown_texts
