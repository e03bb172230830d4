"""The frames ingest makes, and the tables and files it makes them from.

Canonical frames (one row each, columns always present, in this order):

activities  date, rep, team, activity_type (raw text), deal_id, count, source
            One row per activity; a rep × period sheet gives one row per rep, period and activity
            type with `count` activities, and a deals export with an activity count gives one row per deal.
outcomes    date, rep, team, deal_id, status ('won'|'lost'|'open'|<NA>), stage_level (0..2 or <NA>),
            won, lost, revenue, amount, satisfaction, engaged, source
            One row per deal (won/lost are 0 or 1), or per rep and period from a summary sheet
            (won is a count, revenue a sum). `date` is the close date, else the created date: when the
            result fell. `engaged` is the created date, else `date`: when the effort began.
roster      rep, team, manager, region, target
rep_names   rep_id, rep: the person each rep id stands for, from a roster or user table ('0053F…' → 'Amanda
            Miller'); every rep id in activities and outcomes that is listed here is replaced by the name.

problems    source, row, reason, detail, action ('dropped'|'repaired'|'warning'): one row per affected input
            row. `reason` is an English template, the catalog's msgid ('unparseable count in '{column}' (counted
            as 0)'), and `detail` its values as JSON text ('{"column": "Calls"}'; '' when it has none), so the
            Data page says it in the user's language (quality.reason_message).

The user's choices arrive as a mapping (see validate_mapping): which column plays which role in each
table, what an unknown status means, and which activity type an unknown text is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.errors import InputError
from metrics.ingest.recognition import Recognition
from metrics.text import Message, message_data, message_of

ACTIVITY_COLUMNS = ["date", "rep", "team", "activity_type", "deal_id", "count", "source"]
OUTCOME_COLUMNS = [
    "date",
    "rep",
    "team",
    "deal_id",
    "status",
    "stage_level",
    "won",
    "lost",
    "revenue",
    "amount",
    "satisfaction",
    "engaged",
    "source",
]
ROSTER_COLUMNS = ["rep", "team", "manager", "region", "target"]
REP_NAME_COLUMNS = ["rep_id", "rep"]
PROBLEM_COLUMNS = ["source", "row", "reason", "detail", "action"]


@dataclass
class Upload:
    name: str
    content: bytes


@dataclass
class RawTable:
    """One table as it came from a file: text headers, cells as text, and what the reader noticed."""

    file: str
    sheet: str | None
    frame: pd.DataFrame
    header_row: int  # 1-based row number of the (last) header row in the file or sheet
    decimal_comma: bool | None = None  # the file's hint for numbers like '1.500' (a ';'-separated CSV: True)
    row_numbers: np.ndarray | None = None  # file row of each frame position, when not header_row + 1 + position
    uncached_formulas: dict[str, list[int]] = field(default_factory=dict)  # column → file rows
    skipped: pd.DataFrame | None = None  # row, reason, line: rows the reader could not split into the columns
    repaired: dict[str, list[int]] = field(default_factory=dict)  # reason (a template) → file rows it repaired
    notes: list[Message] = field(default_factory=list)  # what the reader changed or noticed, for the user

    @property
    def source(self) -> str:
        return f"{self.file} › {self.sheet}" if self.sheet else self.file

    def file_row(self, index):
        """The row number a user sees in Excel (or the line in a CSV) for the frame's positional index."""
        if self.row_numbers is not None:
            return self.row_numbers[index]
        return self.header_row + 1 + index


@dataclass
class RawFile:
    """What reading one upload gave: its tables, or the error that stopped it. Plain data, so that a worker
    process can read a file and send the result back."""

    name: str
    tables: list[RawTable] = field(default_factory=list)
    error: InputError | None = None


@dataclass
class TableReport:
    """What was understood of one table and what became of its rows."""

    source: str
    shape: str | None  # None: no known shape was recognised, and the table was not used
    recognition: Recognition
    columns: list[str]
    rows_read: int
    rows_used: int
    preview: pd.DataFrame
    problem_rows: pd.DataFrame  # row, reason, detail, action, then the input row as it was in the file
    activity_types: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))  # raw text → activities
    unknown_statuses: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))  # raw text → deals
    message: Message | None = None  # for an unused table: what is missing, or why none of its rows could be used
    reason: Message | str = ""  # why it was read as its shape, in words
    alternative: str | None = None  # the other shape it could be, which the Data page offers to switch to
    alternative_reason: Message | None = None
    shape_by_user: bool = False
    notes: list[Message] = field(default_factory=list)  # what the user should know about how it was read
    unused_roles: dict[str, Message] = field(default_factory=dict)  # role → why its recognised column is not used


@dataclass
class Dataset:
    activities: pd.DataFrame
    outcomes: pd.DataFrame
    roster: pd.DataFrame
    problems: pd.DataFrame
    tables: list[TableReport] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)  # what may make numbers wrong: every page says so
    notes: list[Message] = field(default_factory=list)  # what was passed over harmlessly, such as a notes sheet
    # Tables not used: their columns named no known shape (shape None), or none (or nearly none) of their rows
    # could be used, which is an error in `errors` too (shape set, problems counted in `problems`).
    unused: list[TableReport] = field(default_factory=list)
    rep_names: pd.DataFrame = field(default_factory=lambda: empty_frame(REP_NAME_COLUMNS))

    @property
    def failed(self) -> list[TableReport]:
        """Tables read as a shape of which no row, or nearly none, could be used."""
        return [t for t in self.unused if t.shape is not None]

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables) + sum(t.rows_read for t in self.failed)

    @property
    def rows_dropped(self) -> int:
        """Dropped rows of the tables counted in rows_read (a shared view keeps no failed table, only its rows)."""
        sources = {t.source for t in [*self.tables, *self.failed]}
        return int(((self.problems["action"] == "dropped") & self.problems["source"].isin(sources)).sum())

    @property
    def rows_used(self) -> int:
        return self.rows_read - self.rows_dropped

    @property
    def effort_basis(self) -> str:
        """'activities' when any activity is known, else 'deals': the effort a rep shows is the deals they engaged."""
        return "activities" if len(self.activities) else "deals"


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def reason_detail(reason: str | Message) -> tuple[str, str]:
    """A problem's reason as the problems frame holds it: the template, and its values as JSON text."""
    if isinstance(reason, Message) and reason.values:
        return reason.template, json.dumps(
            {name: message_data(value) for name, value in reason.values.items()}, ensure_ascii=False, sort_keys=True
        )
    return (reason.template if isinstance(reason, Message) else reason), ""


def reason_message(reason: str, detail: str | None = "") -> Message:
    """A problem's reason (a row of the problems frame or the quality report) as a Message to say."""
    values = json.loads(detail) if isinstance(detail, str) and detail else {}
    if not values:  # no field to fill: braces are the text's own (a reason a link saved before templates)
        return Message(reason.replace("{", "{{").replace("}", "}}"))
    return Message(reason, {name: message_of(value) for name, value in values.items()})
