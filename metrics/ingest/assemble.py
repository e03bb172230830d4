"""From raw tables to one Dataset: recognise each table's columns, parse it by its shape, and join the
results, every file's problems kept beside them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.errors import InputError
from metrics.ingest.activities import parse_activities
from metrics.ingest.cleaning import RowProblems
from metrics.ingest.deals import parse_deals
from metrics.ingest.frames import (ACTIVITY_COLUMNS, OUTCOME_COLUMNS, PROBLEM_COLUMNS, ROSTER_COLUMNS, Dataset,
                                   RawFile, RawTable, TableReport, Upload, empty_frame)
from metrics.ingest.mapping import overrides_for
from metrics.ingest.reading import read
from metrics.ingest.recognition import Recognition, recognise
from metrics.ingest.roster import parse_roster
from metrics.ingest.shapes import classify, missing_roles_message
from metrics.ingest.summary import parse_summary
from metrics.ingest.values import normalised_choices, parse_dates, parse_periods

PREVIEW_ROWS = 200


def _file_year(tables: list[RawTable], recognitions: list[Recognition]):
    """The most common year among a file's dates, found only when asked for."""
    found = []

    def year() -> int | None:
        if not found:
            years = []
            for table, recognition in zip(tables, recognitions):
                for role in ("date", "closed", "created", "period"):
                    column = recognition.column(role)
                    if column is not None:
                        dates = parse_periods(table.frame[column]) if role == "period" else \
                            parse_dates(table.frame[column])
                        years.append(dates.dt.year.dropna())
            counts = pd.concat(years).value_counts() if years else pd.Series(dtype="int64")
            found.append(int(counts.index[0]) if len(counts) else None)
        return found[0]

    return year


def load(uploads: list[Upload], mapping: dict | None = None, today: pd.Timestamp | None = None) -> Dataset:
    """Read, recognise and parse every uploaded file into one Dataset (see ingest)."""
    return ingest([read(upload) for upload in uploads], mapping, today)


def ingest(files: list[RawFile], mapping: dict | None = None, today: pd.Timestamp | None = None) -> Dataset:
    """Recognise and parse the tables of every file read into one Dataset.

    A file that can't be used becomes an entry in Dataset.errors; the others still load. `mapping` holds
    the user's choices, as validate_mapping returns them. Its statuses apply here; its activity types are
    named later, by filters.scope, except those set to None, whose rows are left out here.
    """
    today = (today or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    mapping = mapping or {}
    columns = mapping.get("columns", {})
    statuses = normalised_choices(mapping.get("statuses"))
    assigned_types = mapping.get("activity_types", {})
    activities, outcomes, rosters, problems, reports, errors, warnings, unused = [], [], [], [], [], [], [], []
    notes = []
    for file in files:
        if file.error is not None:
            errors.append(file.error)
            continue
        tables = file.tables
        recognitions = [recognise(list(t.frame.columns), overrides_for(t, columns)) for t in tables]
        file_year = _file_year(tables, recognitions)
        used = 0
        for table, recognition in zip(tables, recognitions):
            warnings.extend(f"{table.source}: {note}" for note in table.notes)
            shape = classify(recognition)
            if shape is None or table.frame.empty:
                message = ("The file has a header but no data rows. Export it again with the data (check the "
                           "filters or the date range in your CRM's export)." if table.frame.empty and shape
                           else missing_roles_message(recognition))
                if len(tables) == 1:
                    errors.append(InputError(message, file.name))
                elif table.frame.empty and shape:
                    warnings.append(f"{table.source}: the sheet has a header but no data rows, so it was not used.")
                elif len(table.frame.columns) == 1:
                    notes.append(f"{table.source}: one column of text (notes, not a table), so it was not used.")
                    continue
                else:
                    warnings.append(f"{table.source}: not used, as its columns name no known table. Pick its "
                                    "columns on the Data page if it holds data.")
                if not table.frame.empty:
                    unused.append(_report(table, None, recognition, pd.DataFrame(columns=[*PROBLEM_COLUMNS,
                                                                                           "position"]), message))
                continue
            type_counts, unknown_statuses = pd.Series(dtype="int64"), pd.Series(dtype="int64")
            if shape == "activities":
                frame, rows, type_counts = parse_activities(table, recognition, today, assigned_types)
                activities.append(frame)
            elif shape == "deals":
                frame, counted, rows, unknown_statuses = parse_deals(table, recognition, today, statuses)
                outcomes.append(frame)
                activities.append(counted)
            elif shape == "summary":
                frame, counted, rows, type_counts = parse_summary(table, recognition, today, file_year,
                                                                  assigned_types)
                outcomes.append(frame)
                activities.append(counted)
            else:
                frame, rows = parse_roster(table, recognition)
                rosters.append(frame)
            _reader_findings(table, rows, warnings)
            found = rows.frame()
            problems.append(found[PROBLEM_COLUMNS])
            report = _report(table, shape, recognition, found)
            report.activity_types, report.unknown_statuses = type_counts, unknown_statuses
            reports.append(report)
            used += 1
        if not used and not any(e.file == file.name for e in errors):
            closest = max(recognitions, key=lambda r: len(r.roles) + len(r.activity_columns))
            errors.append(InputError("No sheet in this workbook holds a known table. For the closest one: "
                                     + missing_roles_message(closest), file.name))
    dataset = _assemble(activities, outcomes, rosters, problems, reports, errors)
    dataset.warnings, dataset.notes, dataset.unused = warnings, notes, unused
    return dataset


def _reader_findings(table: RawTable, rows: RowProblems, warnings: list[str]) -> None:
    """What the reader found that the parsers can't see: lines that didn't fit, lines it repaired, formulas
    with no saved value."""
    if table.skipped is not None and len(table.skipped):
        rows.add_lines(table.skipped)
    file_rows_of_frame = np.asarray(table.file_row(table.frame.index.to_numpy()))
    for reason, file_rows in table.repaired.items():
        rows.add(np.isin(file_rows_of_frame, file_rows), reason, "repaired")
    for column, file_rows in table.uncached_formulas.items():
        positions = np.flatnonzero(np.isin(file_rows_of_frame, file_rows))
        mask = np.zeros(len(table.frame), dtype=bool)
        mask[positions] = True
        rows.add(mask, f"formula without a saved result in '{column}' (read as blank or 0)", "warning")
        warnings.append(f"{table.source}: {len(file_rows)} cell(s) in '{column}' hold formulas whose results were "
                        "never calculated (the file was written by a program, not saved by Excel), so they were "
                        "read as blank or 0, not as their results. Open the file in Excel, save it, and upload it "
                        "again.")


def _report(table: RawTable, shape: str | None, recognition: Recognition, found: pd.DataFrame,
            message: str | None = None) -> TableReport:
    positions = found["position"].to_numpy(dtype=int)
    behind = table.frame.iloc[np.where(positions >= 0, positions, 0)].reset_index(drop=True)
    if (positions < 0).any():  # lines the reader could not split have no cells, only their text
        behind.loc[positions < 0, :] = None
    behind.columns = [f"{c} (in file)" if c in ("table", "row", "reason", "action", "line") else c
                      for c in behind.columns]
    parts = [found[["row", "reason", "action"]].reset_index(drop=True)]
    if "line" in found:
        parts.append(found[["line"]].reset_index(drop=True))
    problem_rows = pd.concat([*parts, behind], axis=1)
    dropped_positions = found.loc[(found["action"] == "dropped") & (found["position"] >= 0), "position"].nunique()
    skipped = len(table.skipped) if table.skipped is not None else 0
    return TableReport(
        source=table.source, shape=shape, recognition=recognition, columns=list(table.frame.columns),
        rows_read=len(table.frame) + skipped, rows_used=len(table.frame) - int(dropped_positions),
        preview=table.frame.head(PREVIEW_ROWS), problem_rows=problem_rows, message=message,
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame(columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)


def _assemble(activities, outcomes, rosters, problems, reports, errors) -> Dataset:
    roster = _concat(rosters, ROSTER_COLUMNS).drop_duplicates("rep", keep="first")
    activities = _concat(activities, ACTIVITY_COLUMNS)
    outcomes = _concat(outcomes, OUTCOME_COLUMNS)
    for frame in (activities, outcomes):
        frame["rep"] = frame["rep"].astype("string")
        frame["team"] = frame["team"].astype("string")
        frame["deal_id"] = frame["deal_id"].astype("string")
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    activities["count"] = activities["count"].astype("int64")
    activities["activity_type"] = activities["activity_type"].astype("string")
    outcomes["won"] = outcomes["won"].astype("int64")
    outcomes["lost"] = outcomes["lost"].astype("int64")
    outcomes["revenue"] = outcomes["revenue"].astype("float64")
    outcomes["amount"] = pd.to_numeric(outcomes["amount"]).astype("Float64")
    outcomes["satisfaction"] = pd.to_numeric(outcomes["satisfaction"]).astype("Float64")
    outcomes["status"] = outcomes["status"].astype("string")
    outcomes["stage_level"] = pd.to_numeric(outcomes["stage_level"]).astype("Int64")
    outcomes["engaged"] = pd.to_datetime(outcomes["engaged"]).astype("datetime64[ns]")
    activities, outcomes = _attach_teams(activities, outcomes, roster)
    problem_frame = _concat(problems, PROBLEM_COLUMNS)
    return Dataset(activities, outcomes, roster, problem_frame, reports, errors)


def _attach_teams(activities, outcomes, roster) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every row its rep's team: the roster's first, else the team the rep's own rows name most."""
    named = pd.concat([activities[["rep", "team"]], outcomes[["rep", "team"]]]).dropna()
    if len(named):
        # The most named team per rep (ties: the first in order of name), without a Python call per rep.
        pairs = named.value_counts(sort=False).rename("n").reset_index()
        pairs = pairs.sort_values(["rep", "n", "team"], ascending=[True, False, True], kind="stable")
        most_named = pairs.drop_duplicates("rep").set_index("rep")["team"]
    else:
        most_named = pd.Series(dtype="string")
    team_of = roster.dropna(subset=["team"]).set_index("rep")["team"] if len(roster) else pd.Series(dtype="string")
    team_of = team_of.combine_first(most_named)
    return (activities.assign(team=activities["rep"].map(team_of).astype("string")),
            outcomes.assign(team=outcomes["rep"].map(team_of).astype("string")))
