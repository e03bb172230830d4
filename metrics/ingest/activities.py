"""An activity log: one row per activity. Only activities that were done are effort: where the export says
which are planned (a task's status, a done flag), those are left out, and each is counted by its reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ingest.cleaning import (
    ParsedTable,
    RowProblems,
    cleaned_text,
    drop_duplicates,
    drop_future,
    filled_values,
    has_times,
    parsed_dates,
    rep_and_totals,
    role_values,
    team_values,
)
from metrics.ingest.deals import log_deals
from metrics.ingest.frames import RawTable
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_done
from metrics.text import N_, Message

# Why an activity was left out on purpose, not misread (assemble.BY_DESIGN): not done by the export's own
# done column, with the value (one reason per value) or without it (the rarer values); a type left out.
NOT_DONE_AS = N_("planned, not done ({column} is '{value}')")
NOT_DONE = N_("planned, not done ({column})")
TYPE_LEFT_OUT = N_("activity type left out on the Data page")
MAX_PLANNED_REASONS = 12  # distinct done-column values named in a reason; rarer ones share one reason


def _left_out_planned(
    frame: pd.DataFrame, recognition: Recognition, rows: RowProblems, dropped: np.ndarray
) -> np.ndarray:
    """Drop the activities the export marks as not done, one reason per value: "planned, not done (Status is
    'Not Started')"."""
    column = recognition.column("done")
    if column is None:
        return dropped
    values = cleaned_text(frame[column])
    not_done = parse_done(values).eq(False).fillna(False).to_numpy() & ~dropped
    if not not_done.any():
        return dropped
    counts = values[not_done].value_counts()
    named = set(counts.index[:MAX_PLANNED_REASONS])
    for value in counts.index[:MAX_PLANNED_REASONS]:
        rows.add(
            not_done & values.eq(value).fillna(False).to_numpy(),
            Message(NOT_DONE_AS, {"column": column, "value": value}),
            "dropped",
        )
    rows.add(
        not_done & ~values.isin(named).fillna(False).to_numpy(),
        Message(NOT_DONE, {"column": column}),
        "dropped",
    )
    return dropped | not_done


def _carries_deals(recognition: Recognition) -> bool:
    return (
        (recognition.has("status") or recognition.has("stage"))
        and (recognition.has("amount") or recognition.has("won"))
        or recognition.has("won")
        and recognition.has("amount")
    )


def parse_activities(
    table: RawTable,
    recognition: Recognition,
    today: pd.Timestamp,
    assigned_types: dict[str, str | None] | None = None,
    statuses: dict[str, str] | None = None,
) -> ParsedTable:
    """The activity rows of a log, its problems, how many activities each raw type text has, and the deals
    its rows carry when they name a deal and its status."""
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    dates, dropped = parsed_dates(frame[recognition.column("date")], rows, dropped)
    dropped = drop_future(dates, rows, dropped, today)
    activity_type = filled_values(frame, recognition, "activity_type")
    assert activity_type is not None, "a table is read as a log only with an activity type"
    no_type = activity_type.isna().to_numpy() & ~dropped
    rows.add(no_type, N_("no activity type"), "dropped")
    dropped |= no_type
    dropped = _left_out_planned(frame, recognition, rows, dropped)
    record_id = role_values(frame, recognition, "record_id")
    dropped = drop_duplicates(
        table,
        rows,
        dropped,
        cleaned_text(record_id) if record_id is not None else None,
        timed=recognition.has("time") or has_times(dates),
    )
    type_counts = activity_type[~dropped].value_counts()
    left_out = [raw for raw, choice in (assigned_types or {}).items() if choice is None]
    if left_out:
        chosen_out = activity_type.isin(left_out).fillna(False).to_numpy() & ~dropped
        rows.add(chosen_out, TYPE_LEFT_OUT, "dropped")
        dropped |= chosen_out
    deal_id = role_values(frame, recognition, "deal_id")
    activities = pd.DataFrame(
        {
            "date": dates,
            "rep": rep,
            "team": team_values(frame, recognition),
            "activity_type": activity_type,
            "deal_id": (
                cleaned_text(deal_id) if deal_id is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
            ),
            "count": 1,
            "source": table.source,
        }
    )
    parsed = ParsedTable(rows, activities=activities[~dropped], type_counts=type_counts)
    if _carries_deals(recognition):
        _deals_of_the_log(parsed, table, recognition, rep, dates, ~dropped, statuses)
    return parsed


def _deals_of_the_log(
    parsed: ParsedTable,
    table: RawTable,
    recognition: Recognition,
    rep: pd.Series,
    dates: pd.Series,
    used: np.ndarray,
    statuses: dict[str, str] | None,
) -> None:
    """Use the deal status and amount an activity log's rows carry, each deal once; without a deal id they can't
    be told apart as deals, and the Data page says so."""
    roles = [role for role in ("status", "stage", "won", "amount") if recognition.has(role)]
    named = ", ".join(f"'{recognition.column(role)}'" for role in roles)
    if recognition.has("deal_id"):
        parsed.outcomes, parsed.unknown_statuses = log_deals(
            table, recognition, rep, dates, used, parsed.rows, statuses
        )
        parsed.notes.append(
            Message(
                N_(
                    "Its rows also carry each deal's outcome ({columns}): {deals:count} deals were "
                    "read from them by '{deal_id}', each deal once, decided by its last activity "
                    "that says won or lost."
                ),
                {"columns": named, "deals": len(parsed.outcomes), "deal_id": recognition.column("deal_id")},
            )
        )
        return
    parsed.notes.append(
        Message(
            N_(
                "{columns} is not used: the rows name no deal, so the app can't tell which activities belong to one "
                "deal, "
                "and would count a deal once per activity. Pick the deal id column on the Data page, or upload the "
                "deals "
                "export beside the log, to count won deals and revenue."
            )
            if len(roles) == 1
            else N_(
                "{columns} are not used: the rows name no deal, so the app can't tell which activities belong to one "
                "deal, and would count a deal once per activity. Pick the deal id column on the Data page, or upload "
                "the "
                "deals export beside the log, to count won deals and revenue."
            ),
            {"columns": named},
        )
    )
    parsed.warnings.append(
        Message(
            N_(
                "{source}: the deal status and amount on its rows ({columns}) are not used: the rows name no deal, so "
                "the "
                "app can't tell which activities belong to one deal, and would count a deal once per activity. Pick "
                "the "
                "deal id column on the Data page, or upload the deals export beside the log, to count won deals and "
                "revenue."
            ),
            {"source": table.source, "columns": named},
        )
    )
    for role in roles:
        parsed.unused_roles[role] = Message(N_("not used: no deal id"))
