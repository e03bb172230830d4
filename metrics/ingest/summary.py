"""A rep × period summary: one row per rep and week or month, with activity counts and results."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ingest.cleaning import (
    DUPLICATE_ROW,
    ParsedTable,
    RowProblems,
    drop_future,
    rep_and_totals,
    role_values,
    team_values,
)
from metrics.ingest.frames import ACTIVITY_COLUMNS, RawTable, empty_frame
from metrics.ingest.recognition import Recognition, activity_text_of_header
from metrics.ingest.values import lacks_year, parse_amounts, parse_periods, year_for_periods
from metrics.text import N_, Message, normalise_label


def _period_kind(header: str | None) -> str | None:
    words = normalise_label(header or "").split()
    if any(w in ("uke", "week", "wk", "ukenr", "ukenummer", "kw", "vecka") for w in words):
        return "week"
    if any(w in ("maned", "month", "mnd", "mon", "manad") for w in words):
        return "month"
    return None


def _years(
    table: RawTable,
    recognition: Recognition,
    period: pd.Series,
    kind: str | None,
    file_year,
    rows: RowProblems,
    dropped: np.ndarray,
    today: pd.Timestamp,
) -> pd.Series | None:
    """A year for each week or month label that has none: from a year column, else from the file's other
    dates, else the latest year in which the period has begun (said in the quality report)."""
    yearless = lacks_year(period, kind).to_numpy() & ~dropped
    if not yearless.any():
        return None
    year_column = role_values(table.frame, recognition, "year")
    years = pd.Series(pd.NA, index=period.index, dtype="Int64")
    if year_column is not None:
        years = parse_amounts(year_column).round().astype("Int64")
        years = years.where(years.between(1990, 2100))
    missing = yearless & years.isna().to_numpy()
    if missing.any():
        known = file_year()
        if known is not None:
            years = years.mask(pd.Series(missing, index=years.index), known)
            rows.add(
                missing,
                Message(
                    N_("week or month without a year (took {year} from the file's other dates)"), {"year": int(known)}
                ),
                "repaired",
            )
        else:
            latest = year_for_periods(period.where(missing), kind, today)
            for year in sorted(latest.dropna().unique()):
                chosen = missing & latest.eq(year).fillna(False).to_numpy()
                rows.add(
                    chosen,
                    Message(
                        N_("week or month without a year (assumed {year}, the latest that fits)"), {"year": int(year)}
                    ),
                    "repaired",
                )
            years = years.fillna(latest)
    return years


def parse_summary(
    table: RawTable,
    recognition: Recognition,
    today: pd.Timestamp,
    file_year=lambda: None,
    assigned_types: dict[str, str | None] | None = None,
) -> ParsedTable:
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    period_role = "period" if recognition.has("period") else "date"
    period = frame[recognition.column(period_role)]
    kind = _period_kind(recognition.column(period_role))
    years = _years(table, recognition, period, kind, file_year, rows, dropped, today)
    dates = parse_periods(period, kind, years)
    blank, unparseable = period.isna().to_numpy(), dates.isna().to_numpy() & period.notna().to_numpy()
    rows.add(blank & ~dropped, N_("no week or month"), "dropped")
    rows.add(unparseable & ~dropped, N_("unparseable week or month"), "dropped")
    dropped |= blank | unparseable
    dropped = drop_future(dates, rows, dropped, today)
    duplicate = frame.duplicated(keep="first").to_numpy() & ~dropped
    rows.add(duplicate, DUPLICATE_ROW, "dropped")  # one row per rep and period: an equal row is a copy
    dropped |= duplicate
    team = team_values(frame, recognition)

    counts: list = []
    type_counts: dict[str, int] = {}
    for column in recognition.activity_columns:
        n = parse_amounts(frame[column], table.decimal_comma)
        bad = n.isna().to_numpy() & frame[column].notna().to_numpy() & ~dropped
        rows.add(bad, Message(N_("unparseable count in '{column}' (counted as 0)"), {"column": column}), "repaired")
        negative = (n < 0).fillna(False).to_numpy() & ~dropped
        rows.add(negative, Message(N_("negative count in '{column}' (counted as 0)"), {"column": column}), "repaired")
        n = n.fillna(0).clip(lower=0).round().astype(int)
        # The activity's own word, as a log would write it: 'Samtaler' under 'Aktiviteter - Samtaler'.
        activity = activity_text_of_header(column)
        type_counts[activity] = type_counts.get(activity, 0) + int(n[~dropped].sum())
        if assigned_types and activity in assigned_types and assigned_types[activity] is None:
            continue  # the user said this column counts no activity of theirs
        counts.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "rep": rep,
                    "team": team,
                    "activity_type": activity,
                    "deal_id": pd.NA,
                    "count": n,
                    "source": table.source,
                }
            )[~dropped]
        )
    activities = pd.concat(counts, ignore_index=True) if counts else empty_frame(ACTIVITY_COLUMNS)
    activities = activities[activities["count"] > 0]

    def measure(role: str) -> pd.Series:
        values = role_values(frame, recognition, role)
        return (
            parse_amounts(values, table.decimal_comma).fillna(0)
            if values is not None
            else pd.Series(0.0, index=frame.index)
        )

    satisfaction = role_values(frame, recognition, "satisfaction")
    outcomes = pd.DataFrame(
        {
            "date": dates,
            "rep": rep,
            "team": team,
            "deal_id": pd.NA,
            "status": pd.NA,
            "stage_level": pd.NA,
            "won": measure("won").round().astype(int),
            "lost": 0,
            "revenue": measure("revenue").astype(float),
            "amount": pd.NA,
            "satisfaction": parse_amounts(satisfaction, table.decimal_comma) if satisfaction is not None else pd.NA,
            "engaged": dates,
            "source": table.source,
        }
    )[~dropped]
    return ParsedTable(
        rows, activities=activities, outcomes=outcomes, type_counts=pd.Series(type_counts, dtype="int64")
    )
