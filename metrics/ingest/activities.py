"""An activity log: one row per activity."""
from __future__ import annotations

import pandas as pd

from metrics.ingest.cleaning import (RowProblems, cleaned_text, drop_duplicates, drop_future, has_times,
                                     parsed_dates, rep_and_totals, role_values, team_values)
from metrics.ingest.frames import RawTable
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_done


def parse_activities(table: RawTable, recognition: Recognition, today: pd.Timestamp,
                     assigned_types: dict[str, str | None] | None = None
                     ) -> tuple[pd.DataFrame, RowProblems, pd.Series]:
    """The activity rows of a log, its problems, and how many activities each raw type text has."""
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    dates, dropped = parsed_dates(frame[recognition.column("date")], rows, dropped, "date")
    dropped = drop_future(dates, rows, dropped, today)
    activity_type = cleaned_text(frame[recognition.column("activity_type")])
    no_type = activity_type.isna().to_numpy() & ~dropped
    rows.add(no_type, "no activity type", "dropped")
    dropped |= no_type
    done = role_values(frame, recognition, "done")
    if done is not None:
        not_done = parse_done(done).eq(False).fillna(False).to_numpy() & ~dropped
        rows.add(not_done, "activity not marked done (planned)", "dropped")
        dropped |= not_done
    identified = recognition.has("record_id") or recognition.has("time") or has_times(dates)
    dropped = drop_duplicates(table, rows, dropped, identified)
    type_counts = activity_type[~dropped].value_counts()
    left_out = [raw for raw, choice in (assigned_types or {}).items() if choice is None]
    if left_out:
        chosen_out = activity_type.isin(left_out).fillna(False).to_numpy() & ~dropped
        rows.add(chosen_out, "activity type left out on the Data page", "dropped")
        dropped |= chosen_out
    deal_id = role_values(frame, recognition, "deal_id")
    activities = pd.DataFrame({
        "date": dates,
        "rep": rep,
        "team": team_values(frame, recognition),
        "activity_type": activity_type,
        "deal_id": (cleaned_text(deal_id) if deal_id is not None
                    else pd.Series(pd.NA, index=frame.index, dtype="string")),
        "count": 1,
        "source": table.source,
    })
    return activities[~dropped], rows, type_counts
