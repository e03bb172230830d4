"""What every shape's parser does to its rows before reading its own columns: the problems it records,
and the rows it drops as totals, copies, blanks or dates in the future."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.ingest.frames import (
    ACTIVITY_COLUMNS,
    OUTCOME_COLUMNS,
    PROBLEM_COLUMNS,
    RawTable,
    empty_frame,
    reason_detail,
)
from metrics.ingest.recognition import Recognition
from metrics.ingest.values import parse_dates, parse_periods
from metrics.text import N_, Message, normalise_label

TOTAL_WORDS = {
    "sum",
    "total",
    "totalt",
    "grand total",
    "totals",
    "i alt",
    "sum total",
    "subtotal",
    "totalsum",
    "sum totalt",
    "totaler",
    "delsum",
    "summer",
    "sum i alt",
    "totalt sum",
}
# Words that start or end a subtotal label: 'Total North', 'Sum team A', 'SMB total'.
TOTAL_HEADS = {"total", "totalt", "sum", "subtotal", "delsum", "totalsum"}
TOTAL_TAILS = {"total", "totalt", "sum", "subtotal"}
DUPLICATE_ROW = N_("duplicate row")


class RowProblems:
    """Collects the problems of one table, by positional row. A reason is a template marked with N_, or a
    Message when it names values (a column, a year): the template goes to `reason`, the values to `detail`."""

    def __init__(self, table: RawTable):
        self.table = table
        self.records: list[pd.DataFrame] = []

    def add(self, mask: pd.Series | np.ndarray, reason: str | Message, action: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        positions = np.flatnonzero(mask)
        index = self.table.frame.index.to_numpy()[positions]
        template, detail = reason_detail(reason)
        self.records.append(
            pd.DataFrame(
                {
                    "source": self.table.source,
                    "row": np.asarray(self.table.file_row(index), dtype="int64"),
                    "reason": template,
                    "detail": detail,
                    "action": action,
                    "position": positions,
                }
            )
        )

    def add_lines(self, skipped: pd.DataFrame) -> None:
        """Rows the reader could not split into the table's columns, with their text."""
        self.records.append(
            pd.DataFrame(
                {
                    "source": self.table.source,
                    "row": skipped["row"].astype("int64"),
                    "reason": skipped["reason"],
                    "detail": "",
                    "action": "dropped",
                    "position": -1,
                    "line": skipped["line"],
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.records:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in [*PROBLEM_COLUMNS, "position"]})
        return pd.concat(self.records, ignore_index=True)


@dataclass
class ParsedTable:
    """What a shape's parser made of one table: its canonical rows, its problems, and what the Data page shows."""

    rows: RowProblems
    activities: pd.DataFrame = field(default_factory=lambda: empty_frame(ACTIVITY_COLUMNS))
    outcomes: pd.DataFrame = field(default_factory=lambda: empty_frame(OUTCOME_COLUMNS))
    roster: pd.DataFrame | None = None
    rep_names: pd.DataFrame | None = None  # rep_id, rep
    type_counts: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    unknown_statuses: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    notes: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    unused_roles: dict[str, Message] = field(default_factory=dict)


def cleaned_text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def role_values(frame: pd.DataFrame, recognition: Recognition, role: str) -> pd.Series | None:
    column = recognition.column(role)
    return frame[column] if column is not None else None


def _is_total(value: str) -> bool:
    """'Sum', 'Total', 'Totalt', 'Total North', 'SMB sum'."""
    words = normalise_label(value).split()
    label = " ".join(words)
    return (
        label in TOTAL_WORDS
        or bool(words)
        and len(words) <= 4
        and (words[0] in TOTAL_HEADS or words[-1] in TOTAL_TAILS or label.endswith(" i alt"))
    )


def _says_total(values: pd.Series) -> np.ndarray:
    """Cells that say Sum, Total, Totalt (or 'Total North', 'SMB sum'), decided on the distinct values."""
    totals = [value for value in values.dropna().unique() if _is_total(value)]
    return values.isin(totals).to_numpy(dtype=bool) if totals else np.zeros(len(values), dtype=bool)


def _total_rows(frame: pd.DataFrame, rep: pd.Series) -> np.ndarray:
    """A sheet's own total rows: the rep or the first cell says Sum/Total/Totalt, or (among the last rows) any
    cell does while the rep is blank."""
    totals = _says_total(rep) | _says_total(frame.iloc[:, 0])
    tail = min(len(frame), 20)
    if tail:
        # The last rows' cells as one array: a wide sheet (10,000 columns) costs one pass, not one per column.
        cells = frame.iloc[-tail:].to_numpy(dtype=object)
        labels = {value for value in cells.ravel() if isinstance(value, str) and _is_total(value)}
        labelled = (
            np.array([any(cell in labels for cell in row) for row in cells], dtype=bool)
            if labels
            else np.zeros(tail, dtype=bool)
        )
        totals[-tail:] |= labelled & rep.iloc[-tail:].isna().to_numpy()
    return totals


def rep_and_totals(frame, recognition, rows: RowProblems, rep: pd.Series | None = None) -> tuple[pd.Series, np.ndarray]:
    """Each row's rep (the rep column's, unless `rep` gives them), and the rows dropped as totals or with no rep."""
    rep = cleaned_text(frame[recognition.column("rep")]) if rep is None else rep
    totals = _total_rows(frame, rep)
    rows.add(totals, N_("total row, not data"), "dropped")
    no_rep = rep.isna().to_numpy() & ~totals
    rows.add(no_rep, N_("no rep"), "dropped")
    return rep, totals | no_rep


def team_values(frame, recognition) -> pd.Series:
    for role in ("team", "manager", "region"):
        values = role_values(frame, recognition, role)
        if values is not None:
            return cleaned_text(values)
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def parsed_dates(values: pd.Series, rows: RowProblems, dropped: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """An activity's dates; the rows with none, or one that can't be read, are dropped."""
    dates = parse_dates(values)
    unparsed = dates.isna() & values.notna()
    if unparsed.any():
        # A log kept by week ('2025-W07', 'uke 7 2025') dates each activity to the week's Monday.
        dates = dates.fillna(parse_periods(values.where(unparsed)))
    blank = values.isna().to_numpy()
    unparseable = dates.isna().to_numpy() & ~blank
    rows.add(blank & ~dropped, N_("no date"), "dropped")
    rows.add(unparseable & ~dropped, N_("unparseable date"), "dropped")
    return dates, dropped | blank | unparseable


FUTURE_DATE = N_("date in the future (planned, not done)")  # a reason by design (assemble.BY_DESIGN)


def drop_future(dates: pd.Series, rows: RowProblems, dropped: np.ndarray, today: pd.Timestamp) -> np.ndarray:
    future = (dates > today).fillna(False).to_numpy() & ~dropped
    rows.add(future, FUTURE_DATE, "dropped")
    return dropped | future


def has_times(dates: pd.Series) -> bool:
    known = dates.dropna()
    return bool(len(known)) and bool((known != known.dt.normalize()).any())


def drop_duplicates(
    table: RawTable, rows: RowProblems, dropped: np.ndarray, record_id: pd.Series | None = None, timed: bool = False
) -> np.ndarray:
    """Rows that are one record written twice: rows equal to an earlier row in every column of the file, or
    rows with the same record id as an earlier one. Rows that differ in any column and share no record id are
    never duplicates.

    With a time or an id, two equal rows are one event recorded twice: the copy is dropped. Without one, a log
    of date, rep and type repeats itself whenever a rep makes two calls in a day, so equal rows are legitimate
    and kept; they are only flagged, in case the export doubled them.
    """
    identical = table.frame.duplicated(keep="first").to_numpy() & ~dropped
    if record_id is not None:
        same_id = record_id.notna().to_numpy() & record_id.duplicated(keep="first").to_numpy() & ~dropped & ~identical
        rows.add(identical, DUPLICATE_ROW, "dropped")
        rows.add(same_id, N_("duplicate record id (an earlier row has the same id)"), "dropped")
        return dropped | identical | same_id
    if timed:
        rows.add(identical, DUPLICATE_ROW, "dropped")
        return dropped | identical
    rows.add(identical, N_("possible duplicate (same values in every column; kept)"), "warning")
    return dropped


def filled_values(frame: pd.DataFrame, recognition: Recognition, role: str) -> pd.Series | None:
    """The role's column as text, its blanks filled from the other columns that fit the role ('Type' blank on a
    row: that row's 'TaskSubtype')."""
    values = role_values(frame, recognition, role)
    if values is None:
        return None
    text = cleaned_text(values)
    for column in recognition.fallbacks.get(role, []):
        if not text.isna().any():
            break
        text = text.fillna(cleaned_text(frame[column]))
    return text


def filled_dates(frame: pd.DataFrame, recognition: Recognition, role: str) -> pd.Series | None:
    """The role's dates, a blank or unparseable one taken from the next column that fits the role ('Won time'
    for a won deal, 'Lost time' for a lost one)."""
    values = role_values(frame, recognition, role)
    if values is None:
        return None
    dates = parse_dates(values)
    for column in recognition.fallbacks.get(role, []):
        if not dates.isna().any():
            break
        dates = dates.fillna(parse_dates(frame[column]))
    return dates


def team_key(teams: pd.Series) -> pd.Series:
    return teams.astype("string").str.split().str.join(" ").str.casefold()


def team_spellings(teams: pd.Series) -> pd.Series:
    """Each spelling of a team → the one team it names: teams that differ only by case or spacing ('Mid',
    'MID ') are one, written as most of its rows write it (on a tie, as it is first written: pass a roster's
    teams first)."""
    # Counted first, then the blank spellings left out: a million rows hold a few distinct teams.
    counts = teams.dropna().astype("string").value_counts(sort=False).rename("n").reset_index()
    counts.columns = ["spelling", "n"]
    counts = counts[(counts["spelling"].str.strip() != "").to_numpy(dtype=bool)].reset_index(drop=True)
    if counts.empty:
        return pd.Series(dtype="string")
    counts["key"] = team_key(counts["spelling"])
    counts["tidy"] = counts["spelling"].str.split().str.join(" ")
    by_tidy = counts.groupby(["key", "tidy"], sort=False)["n"].sum().rename("n").reset_index()
    best = (
        by_tidy.sort_values(["key", "n"], ascending=[True, False], kind="stable")
        .drop_duplicates("key")
        .set_index("key")["tidy"]
    )
    return pd.Series(counts["key"].map(best).to_numpy(), index=counts["spelling"].to_numpy(), dtype="string")


def rep_name_pairs(frame: pd.DataFrame, recognition: Recognition) -> pd.DataFrame | None:
    """rep_id, rep from a table that gives both ('OwnerId' beside 'Owner.Name'), so ids elsewhere can be named."""
    if recognition.rep_is_id or not recognition.has("rep", "rep_id"):
        return None
    pairs = pd.DataFrame(
        {
            "rep_id": cleaned_text(frame[recognition.column("rep_id")]),
            "rep": cleaned_text(frame[recognition.column("rep")]),
        }
    ).dropna()
    return pairs.drop_duplicates("rep_id")
