"""A roster: one row per rep, with team, manager, region and target. A CRM's user table is one too: its ids
(the 'OwnerId' of deals and tasks) and names say who each rep id is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ingest.cleaning import ParsedTable, RowProblems, cleaned_text, rep_and_totals, role_values
from metrics.ingest.frames import REP_NAME_COLUMNS, RawTable
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_amounts
from metrics.text import N_


def _names(frame: pd.DataFrame, recognition: Recognition) -> pd.Series | None:
    """Each person's name: a full name, else first and last name joined."""
    full = role_values(frame, recognition, "person_name")
    if full is not None:
        return cleaned_text(full)
    first, last = role_values(frame, recognition, "first_name"), role_values(frame, recognition, "last_name")
    if first is None or last is None:
        return None
    joined = (cleaned_text(first).fillna("") + " " + cleaned_text(last).fillna("")).str.strip()
    return joined.mask(joined == "")


def _ids_and_names(frame: pd.DataFrame, recognition: Recognition) -> tuple[pd.Series | None, pd.Series]:
    """The rep ids a roster lists, if any, and the names it gives them (the ids themselves when it gives none)."""
    rep = recognition.column("rep")
    names = _names(frame, recognition)
    if rep is not None and not recognition.rep_is_id:
        id_column = recognition.column("rep_id")
        return (cleaned_text(frame[id_column]) if id_column else None), cleaned_text(frame[rep])
    id_column = rep or recognition.column("rep_id") or recognition.column("record_id")
    ids = cleaned_text(frame[id_column]) if id_column is not None else None
    if names is None:
        return None, ids
    return ids, names.fillna(ids) if ids is not None else names


def parse_roster(table: RawTable, recognition: Recognition) -> ParsedTable:
    frame, rows = table.frame, RowProblems(table)
    ids, names = _ids_and_names(frame, recognition)
    rep, dropped = rep_and_totals(frame, recognition, rows, names)
    roster = pd.DataFrame({"rep": rep})
    for role in ("team", "manager", "region"):
        values = role_values(frame, recognition, role)
        roster[role] = (
            cleaned_text(values) if values is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
        )
    target = role_values(frame, recognition, "target")
    roster["target"] = parse_amounts(target, table.decimal_comma) if target is not None else pd.NA
    if recognition.column("team") is None:
        # Teams are often known by their manager's name (or their office) when no team column exists.
        roster["team"] = roster["manager"].fillna(roster["region"])
    kept = roster[~dropped]
    duplicate = kept["rep"].duplicated(keep="first")
    rows.add(
        np.isin(np.arange(len(frame)), np.flatnonzero(~dropped)[duplicate.to_numpy()]),
        N_("rep listed twice in roster (first kept)"),
        "dropped",
    )
    parsed = ParsedTable(rows, roster=kept[~duplicate])
    if ids is not None:
        pairs = pd.DataFrame({"rep_id": ids, "rep": rep})[~dropped].dropna()
        parsed.rep_names = pairs[pairs["rep_id"] != pairs["rep"]].drop_duplicates("rep_id")[REP_NAME_COLUMNS]
    return parsed
