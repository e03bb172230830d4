"""From raw tables to one Dataset: recognise each table's columns, parse it by its shape, and join the
results, every file's problems kept beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.columns import mapped
from metrics.errors import InputError
from metrics.ingest.activities import NOT_DONE, NOT_DONE_AS, TYPE_LEFT_OUT, parse_activities
from metrics.ingest.cleaning import FUTURE_DATE, ParsedTable, RowProblems, rep_name_pairs, team_spellings
from metrics.ingest.deals import parse_deals
from metrics.ingest.frames import (
    ACTIVITY_COLUMNS,
    OUTCOME_COLUMNS,
    PROBLEM_COLUMNS,
    REP_NAME_COLUMNS,
    ROSTER_COLUMNS,
    Dataset,
    RawFile,
    RawTable,
    TableReport,
    Upload,
    empty_frame,
    reason_message,
)
from metrics.ingest.mapping import overrides_for, shape_for
from metrics.ingest.reading import read
from metrics.ingest.recognition import Recognition, recognise
from metrics.ingest.roster import parse_roster
from metrics.ingest.shapes import CHOSEN_AS, ShapeChoice, decide_shape, lacking_roles, missing_roles_message
from metrics.ingest.summary import parse_summary
from metrics.ingest.values import normalised_choices, parse_dates, parse_periods
from metrics.text import N_, Message, listing

PREVIEW_ROWS = 200


def _file_year(tables: list[RawTable], recognitions: list[Recognition]):
    """The most common year among a file's dates, found only when asked for."""
    found: list[int | None] = []

    def year() -> int | None:
        if not found:
            years = []
            for table, recognition in zip(tables, recognitions):
                for role in ("date", "closed", "created", "period"):
                    column = recognition.column(role)
                    if column is not None:
                        dates = (
                            parse_periods(table.frame[column]) if role == "period" else parse_dates(table.frame[column])
                        )
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

    A file that can't be used becomes an entry in Dataset.errors; the others still load. So does a table none
    (or nearly none) of whose rows could be used: it goes to Dataset.unused with its shape and its problems,
    never into the analysis as an empty success. `mapping` holds the user's choices, as validate_mapping
    returns them. Its statuses apply here; its activity types are named later, by filters.scope, except those
    set to None, whose rows are left out here.
    """
    today = (today or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    mapping = mapping or {}
    columns = mapping.get("columns", {})
    statuses = normalised_choices(mapping.get("statuses"))
    assigned_types = mapping.get("activity_types", {})
    found = _Found()
    for file in files:
        if file.error is not None:
            found.errors.append(file.error)
            continue
        tables = file.tables
        recognitions = [recognise(list(t.frame.columns), overrides_for(t, columns), t.frame) for t in tables]
        file_year = _file_year(tables, recognitions)
        used = 0
        for table, recognition in zip(tables, recognitions):
            found.warnings.extend(
                Message(N_("{source}: {note}"), {"source": table.source, "note": note}) for note in table.notes
            )
            choice, lacking = _shape_of(table, recognition, mapping)
            if choice.shape is None or table.frame.empty:
                _not_used(found, file, tables, table, recognition, choice.shape, lacking)
                continue
            parsed = _parse(choice.shape, table, recognition, today, file_year, assigned_types, statuses)
            _reader_findings(table, parsed.rows, found.warnings)
            problems = parsed.rows.frame()
            found.problems.append(problems[PROBLEM_COLUMNS])
            report = _report(table, choice.shape, recognition, problems, choice=choice, parsed=parsed)
            loss = total_loss(report, problems)
            if loss is not None:
                report.message = loss
                found.errors.append(InputError(loss, file.name))
                found.unused.append(report)
                continue
            found.warnings.extend(parsed.warnings)
            found.add(report, parsed, recognition, table.frame)
            used += 1
        if not used and not any(e.file == file.name for e in found.errors):
            closest = max(recognitions, key=lambda r: len(r.roles) + len(r.activity_columns))
            found.errors.append(
                InputError(
                    N_("No sheet in this workbook holds a known table. For the closest one: {missing}"),
                    file.name,
                    missing=missing_roles_message(closest),
                )
            )
    return found.dataset()


class _Found:
    """What the tables of every file gave, gathered until they are joined into one Dataset."""

    def __init__(self):
        self.activities, self.outcomes, self.log_outcomes, self.rosters, self.rep_names = [], [], [], [], []
        self.problems, self.reports, self.errors, self.warnings, self.notes, self.unused = [], [], [], [], [], []
        self.rep_ids: dict[int, set] = {}  # report position → the rep ids its rows name, when its reps are ids

    def add(self, report: TableReport, parsed: ParsedTable, recognition: Recognition, frame: pd.DataFrame) -> None:
        self.activities.append(parsed.activities)
        (self.log_outcomes if report.shape == "activities" else self.outcomes).append(parsed.outcomes)
        if parsed.roster is not None:
            self.rosters.append(parsed.roster)
        for pairs in (parsed.rep_names, rep_name_pairs(frame, recognition)):
            if pairs is not None and len(pairs):
                self.rep_names.append(pairs.assign(source=report.source))
        if recognition.rep_is_id and report.shape != "roster":
            self.rep_ids[len(self.reports)] = set(parsed.activities["rep"].dropna().unique()) | set(
                parsed.outcomes["rep"].dropna().unique()
            )
        self.reports.append(report)

    def dataset(self) -> Dataset:
        names = _concat(self.rep_names, [*REP_NAME_COLUMNS, "source"]).drop_duplicates("rep_id", keep="first")
        self._say_how_reps_are_named(names)
        outcomes = [*self.outcomes, *self._log_deals_not_in_a_deals_table()]
        dataset = _assemble(self.activities, outcomes, self.rosters, self.problems, self.reports, self.errors, names)
        dataset.warnings, dataset.notes, dataset.unused = self.warnings, self.notes, self.unused
        return dataset

    def _log_deals_not_in_a_deals_table(self) -> list[pd.DataFrame]:
        """Deals read from an activity log's rows, less those a deals table gives: each deal is counted once."""
        known = (
            pd.concat([o["deal_id"] for o in self.outcomes if len(o)]).dropna().unique()
            if any(len(o) for o in self.outcomes)
            else []
        )
        kept = []
        for outcomes in self.log_outcomes:
            if not len(outcomes):
                continue
            in_deals = outcomes["deal_id"].isin(known)
            if in_deals.any():
                report = next(r for r in self.reports if r.source == outcomes["source"].iloc[0])
                report.notes.append(
                    Message(
                        N_(
                            "{deals:count} of the deals its rows carry are in a deals table too; "
                            "they are counted from the deals table, once."
                        ),
                        {"deals": int(in_deals.sum())},
                    )
                )
            kept.append(outcomes[~in_deals])
        return kept

    def _say_how_reps_are_named(self, names: pd.DataFrame) -> None:
        named_by = names.set_index("rep_id")["source"] if len(names) else pd.Series(dtype="string")

        def sources(ids: set) -> str:
            return ", ".join(sorted(set(named_by[list(ids)])))

        for position, ids in self.rep_ids.items():
            if not ids:
                continue
            report = self.reports[position]
            named = ids & set(named_by.index)
            example = ", ".join(f"'{i}'" for i in sorted(ids - named)[:2])
            if not named:
                report.notes.append(
                    Message(
                        N_(
                            "Its reps are user ids ({example}…), shown as they are. Upload your "
                            "CRM's user export or a roster beside it (an id column and each "
                            "person's name) to show their names."
                        ),
                        {"example": example},
                    )
                )
            elif named != ids:
                report.notes.append(
                    Message(
                        N_(
                            "{named:count} of its {ids:count} rep ids are named from {sources}; the "
                            "other {other:count} ({example}…) are not in it and are shown as ids."
                        ),
                        {
                            "named": len(named),
                            "ids": len(ids),
                            "sources": sources(named),
                            "other": len(ids - named),
                            "example": example,
                        },
                    )
                )
            else:
                report.notes.append(
                    Message(N_("Its reps are user ids, named from {sources}."), {"sources": sources(named)})
                )


def _shape_of(table: RawTable, recognition: Recognition, mapping: dict) -> tuple[ShapeChoice, list[Message]]:
    """The shape a table is read as: the user's choice when they made one and the table has its roles, else
    the one its columns show; and the roles a chosen shape lacks."""
    choice = decide_shape(recognition)
    chosen = shape_for(table, mapping)
    if chosen is None or chosen == choice.shape:
        return choice, []
    lacking = lacking_roles(recognition)[chosen]
    if lacking:
        return ShapeChoice(None), lacking
    return ShapeChoice(chosen, Message(CHOSEN_AS[chosen]), choice.shape, choice.automatic(), shape_by_user=True), []


def _not_used(
    found: _Found,
    file: RawFile,
    tables: list[RawTable],
    table: RawTable,
    recognition: Recognition,
    shape: str | None,
    lacking: list[Message],
) -> None:
    """A table no shape could be read from (or an empty one): an error for a file of one table, else a warning."""
    if lacking:
        message = Message(
            N_(
                "It can't be read as the kind of table chosen for it on the Data page: it has no "
                "{roles}. Pick those columns, or go back to the automatic choice."
            ),
            {"roles": listing(lacking)},
        )
    elif table.frame.empty and shape:
        message = Message(
            N_(
                "The file has a header but no data rows. Export it again with the data (check the "
                "filters or the date range in your CRM's export)."
            )
        )
    else:
        message = missing_roles_message(recognition)
    if len(tables) == 1:
        found.errors.append(InputError(message, file.name))
    elif table.frame.empty and shape:
        found.warnings.append(
            Message(
                N_("{source}: the sheet has a header but no data rows, so it was not used."), {"source": table.source}
            )
        )
    elif len(table.frame.columns) == 1:
        found.notes.append(
            Message(
                N_("{source}: one column of text (notes, not a table), so it was not used."), {"source": table.source}
            )
        )
        return
    else:
        found.warnings.append(
            Message(
                N_(
                    "{source}: not used, as its columns name no known table. Pick its columns "
                    "on the Data page if it holds data."
                ),
                {"source": table.source},
            )
        )
    if not table.frame.empty:
        found.unused.append(
            _report(table, None, recognition, pd.DataFrame(columns=[*PROBLEM_COLUMNS, "position"]), message)
        )


def _parse(
    shape: str,
    table: RawTable,
    recognition: Recognition,
    today: pd.Timestamp,
    file_year,
    assigned_types: dict,
    statuses: dict,
) -> ParsedTable:
    if shape == "activities":
        return parse_activities(table, recognition, today, assigned_types, statuses)
    if shape == "deals":
        return parse_deals(table, recognition, today, statuses)
    if shape == "summary":
        return parse_summary(table, recognition, today, file_year, assigned_types)
    return parse_roster(table, recognition)


# A table is lost as a whole, and that is an error, when it keeps no row, or when it keeps at most this share
# of at least MIN_ROWS rows and most were dropped as misread (not as planned or future activities).
NEARLY_NONE, MIN_ROWS = 0.05, 20
# The reasons (templates, as the problems frame holds them) for rows left out on purpose: planned, not done.
BY_DESIGN = (NOT_DONE_AS, NOT_DONE, FUTURE_DATE, TYPE_LEFT_OUT)


def total_loss(report: TableReport, problems: pd.DataFrame) -> Message | None:
    """Why a table gives nothing to analyse, in words for the user, or None when it gives enough."""
    read, used = report.rows_read, report.rows_used
    if read == 0 or used > 0 and (read < MIN_ROWS or used > NEARLY_NONE * read):
        return None
    dropped = problems[problems["action"] == "dropped"]
    reasons = (
        dropped.drop_duplicates("position")
        .groupby(["reason", "detail"], sort=False)
        .size()
        .sort_values(ascending=False, kind="stable")
    )
    planned = int(reasons[reasons.index.get_level_values("reason").str.startswith(BY_DESIGN)].sum())
    if used and planned * 2 >= reasons.sum():
        return None  # few done among many planned: the done ones are right
    listed = listing(
        [
            Message(N_("{rows:count} {reason}"), {"rows": int(n), "reason": reason_message(reason, detail)})
            for (reason, detail), n in reasons.head(3).items()
        ],
        "list",
    )
    values = {"read": read, "used": used, "listed": listed}
    if planned == reasons.sum() and not used:
        loss = Message(
            N_(
                "None of its {read:count} activities can be counted as effort, as none of them was done: "
                "{listed}. Only done activities are effort; export it again once some are done, or export "
                "the completed ones."
            ),
            values,
        )
    elif not used:
        loss = Message(
            N_(
                "None of its {read:count} rows could be used ({listed}), so it was left out. Check on the "
                "Data page which column was taken for each role, or export the file again."
            ),
            values,
        )
    else:
        loss = Message(
            N_(
                "Only {used:count} of its {read:count} rows could be used ({listed}), so it was left out. "
                "Check on the Data page which column was taken for each role, or export the file again."
            ),
            values,
        )
    if " › " in report.source:
        return Message(N_("Sheet '{sheet}': {message}"), {"sheet": report.source.split(" › ", 1)[1], "message": loss})
    return loss


def _reader_findings(table: RawTable, rows: RowProblems, warnings: list[Message]) -> None:
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
        rows.add(
            mask,
            Message(N_("formula without a saved result in '{column}' (read as blank or 0)"), {"column": column}),
            "warning",
        )
        warnings.append(
            Message(
                N_(
                    "{source}: {cells:count} cell(s) in '{column}' hold formulas whose results were "
                    "never calculated (the file was written by a program, not saved by Excel), so "
                    "they were read as blank or 0, not as their results. Open the file in Excel, save "
                    "it, and upload it again."
                ),
                {"source": table.source, "cells": len(file_rows), "column": column},
            )
        )


def _report(
    table: RawTable,
    shape: str | None,
    recognition: Recognition,
    found: pd.DataFrame,
    message: Message | None = None,
    choice: ShapeChoice | None = None,
    parsed: ParsedTable | None = None,
) -> TableReport:
    positions = found["position"].to_numpy(dtype=int)
    behind = table.frame.iloc[np.where(positions >= 0, positions, 0)].reset_index(drop=True)
    if (positions < 0).any():  # lines the reader could not split have no cells, only their text
        behind.loc[positions < 0, :] = None
    behind.columns = [
        f"{c} (in file)" if c in ("table", "row", "reason", "detail", "action", "line") else c for c in behind.columns
    ]
    parts = [found[["row", "reason", "detail", "action"]].reset_index(drop=True)]
    if "line" in found:
        parts.append(found[["line"]].reset_index(drop=True))
    problem_rows = pd.concat([*parts, behind], axis=1)
    dropped_positions = found.loc[(found["action"] == "dropped") & (found["position"] >= 0), "position"].nunique()
    skipped = len(table.skipped) if table.skipped is not None else 0
    report = TableReport(
        source=table.source,
        shape=shape,
        recognition=recognition,
        columns=list(table.frame.columns),
        rows_read=len(table.frame) + skipped,
        rows_used=len(table.frame) - int(dropped_positions),
        preview=table.frame.head(PREVIEW_ROWS),
        problem_rows=problem_rows,
        message=message,
    )
    if choice is not None:
        report.reason, report.alternative, report.alternative_reason, report.shape_by_user = (
            choice.reason,
            choice.alternative,
            choice.alternative_reason,
            choice.shape_by_user,
        )
    if parsed is not None:
        report.activity_types, report.unknown_statuses = parsed.type_counts, parsed.unknown_statuses
        report.notes, report.unused_roles = parsed.notes, parsed.unused_roles
    return report


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame(columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)


def _assemble(activities, outcomes, rosters, problems, reports, errors, rep_names: pd.DataFrame) -> Dataset:
    roster = _concat(rosters, ROSTER_COLUMNS).drop_duplicates("rep", keep="first")
    activities = _concat(activities, ACTIVITY_COLUMNS)
    outcomes = _concat(outcomes, OUTCOME_COLUMNS)
    name_of = rep_names.set_index("rep_id")["rep"] if len(rep_names) else None
    if name_of is not None and len(roster):
        roster = roster.assign(rep=roster["rep"].map(name_of).fillna(roster["rep"])).drop_duplicates("rep")
    for frame in (activities, outcomes):
        frame["rep"] = frame["rep"].astype("string")
        if name_of is not None:
            frame["rep"] = frame["rep"].map(name_of).fillna(frame["rep"]).astype("string")
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
    roster, activities, outcomes = _attach_teams(activities, outcomes, roster)
    problem_frame = _concat(problems, PROBLEM_COLUMNS)
    return Dataset(
        activities,
        outcomes,
        roster,
        problem_frame,
        reports,
        errors,
        rep_names=rep_names[REP_NAME_COLUMNS].reset_index(drop=True),
    )


def _attach_teams(activities, outcomes, roster) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Give every row its rep's team: the roster's first, else the team the rep's own rows name most. Teams
    that differ only by case or spacing are one team."""
    # As text, all three: an empty roster's column of objects would make a million teams objects to check.
    spelling = team_spellings(pd.concat([frame["team"].astype("string") for frame in (roster, activities, outcomes)]))
    roster = roster.assign(team=roster["team"].map(spelling).astype("string"))
    named = pd.concat([activities[["rep", "team"]], outcomes[["rep", "team"]]]).dropna()
    if len(named):
        # The most named team per rep (ties: the first in order of name), without a Python call per rep; the
        # spellings are joined on the distinct pairs, not on every row.
        pairs = named.value_counts(sort=False).rename("n").reset_index()
        pairs = pairs.assign(team=pairs["team"].map(spelling)).dropna()
        pairs = pairs.groupby(["rep", "team"], sort=False)["n"].sum().reset_index()
        pairs = pairs.sort_values(["rep", "n", "team"], ascending=[True, False, True], kind="stable")
        most_named = pairs.drop_duplicates("rep").set_index("rep")["team"]
    else:
        most_named = pd.Series(dtype="string")
    team_of = roster.dropna(subset=["team"]).set_index("rep")["team"] if len(roster) else pd.Series(dtype="string")
    team_of = team_of.combine_first(most_named)
    return (
        roster,
        activities.assign(team=mapped(activities["rep"], team_of).astype("string")),
        outcomes.assign(team=mapped(outcomes["rep"], team_of).astype("string")),
    )
