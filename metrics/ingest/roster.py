"""A roster: one row per rep, with team, manager, region and target."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ingest.cleaning import RowProblems, cleaned_text, rep_and_totals, role_values
from metrics.ingest.frames import RawTable
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_amounts


def parse_roster(table: RawTable, recognition: Recognition) -> tuple[pd.DataFrame, RowProblems]:
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    roster = pd.DataFrame({"rep": rep})
    for role in ("team", "manager", "region"):
        values = role_values(frame, recognition, role)
        roster[role] = cleaned_text(values) if values is not None else \
            pd.Series(pd.NA, index=frame.index, dtype="string")
    target = role_values(frame, recognition, "target")
    roster["target"] = parse_amounts(target, table.decimal_comma) if target is not None else pd.NA
    if recognition.column("team") is None:
        # Teams are often known by their manager's name (or their office) when no team column exists.
        roster["team"] = roster["manager"].fillna(roster["region"])
    roster = roster[~dropped]
    duplicate = roster["rep"].duplicated(keep="first")
    rows.add(np.isin(np.arange(len(frame)), np.flatnonzero(~dropped)[duplicate.to_numpy()]),
             "rep listed twice in roster (first kept)", "dropped")
    return roster[~duplicate], rows
