"""From uploaded files to canonical frames plus a quality report.

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

problems    source, row, reason, action ('dropped'|'repaired'|'warning'): one row per affected input row.

The user's choices arrive as a mapping (see validate_mapping): which column plays which role in each
table, what an unknown status means, and which activity type an unknown text is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.columns import ROLE_SYNONYMS, Recognition, activity_text_of_header, recognise
from metrics.errors import InputError
from metrics.parsing import (STATUSES, lacks_year, normalised_choices, parse_amounts, parse_dates, parse_done,
                             parse_periods, parse_statuses, year_for_periods)
from metrics.readers import RawTable, read_tables
from metrics.scenarios import SCENARIOS, Scenario, normalise_activity_types, stage_level
from metrics.text import normalise_label

ACTIVITY_COLUMNS = ["date", "rep", "team", "activity_type", "deal_id", "count", "source"]
OUTCOME_COLUMNS = ["date", "rep", "team", "deal_id", "status", "stage_level", "won", "lost", "revenue", "amount",
                   "satisfaction", "engaged", "source"]
ROSTER_COLUMNS = ["rep", "team", "manager", "region", "target"]
PROBLEM_COLUMNS = ["source", "row", "reason", "action"]
TOTAL_WORDS = {"sum", "total", "totalt", "grand total", "totals", "i alt", "sum total", "subtotal", "totalsum",
               "sum totalt", "totaler", "delsum", "summer", "sum i alt", "totalt sum"}
# Words that start or end a subtotal label: 'Total North', 'Sum team A', 'SMB total'.
TOTAL_HEADS = {"total", "totalt", "sum", "subtotal", "delsum", "totalsum"}
TOTAL_TAILS = {"total", "totalt", "sum", "subtotal"}
SHAPES = ("activities", "deals", "summary", "roster")
SHAPE_TITLES = {"activities": "Activity log", "deals": "Deals table", "summary": "Rep × period summary",
                "roster": "Roster"}
# The roles the engine reads for each shape, in the order the Data page offers them.
SHAPE_ROLES = {
    "activities": ("rep", "date", "activity_type", "team", "deal_id", "record_id", "time", "done", "manager",
                   "region"),
    "deals": ("rep", "status", "stage", "amount", "closed", "created", "date", "deal_id", "record_id", "team",
              "satisfaction", "activities_count", "won", "closed_flag", "manager", "region"),
    "summary": ("rep", "period", "date", "year", "won", "revenue", "satisfaction", "team", "manager", "region"),
    "roster": ("rep", "team", "manager", "region", "target"),
}
REQUIRED = {"activities": (("rep",), ("date",), ("activity_type",)),
            "deals": (("rep",), ("status", "stage", "won and amount")),
            "summary": (("rep",), ("period", "date"), ("activity counts", "won", "revenue")),
            "roster": (("rep",), ("team", "manager", "region", "target"))}
ROLE_WORDS = {"rep": "rep", "date": "date", "activity_type": "activity type", "team": "team", "deal_id": "deal id",
              "record_id": "activity or record id", "time": "time of day", "done": "done flag",
              "manager": "manager", "region": "region", "status": "status", "stage": "stage", "amount": "amount",
              "closed": "close date", "created": "created date", "satisfaction": "satisfaction",
              "activities_count": "number of activities", "won": "won", "closed_flag": "closed flag",
              "period": "week/month", "year": "year", "revenue": "revenue", "target": "target",
              "account": "account", "outcome": "outcome", "duration": "duration",
              "activity counts": "activity counts", "won and amount": "won with amount"}
PREVIEW_ROWS = 200
MAPPING_VERSION = 1
MAX_MAPPING_BYTES = 1024 * 1024


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
    problem_rows: pd.DataFrame  # row, reason, action, then the input row as it was in the file
    activity_types: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))  # raw text → activities
    unknown_statuses: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))  # raw text → deals
    message: str | None = None  # for an unused table: what is missing


@dataclass
class Dataset:
    activities: pd.DataFrame
    outcomes: pd.DataFrame
    roster: pd.DataFrame
    problems: pd.DataFrame
    tables: list[TableReport] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what may make numbers wrong: every page says so
    notes: list[str] = field(default_factory=list)  # what was passed over harmlessly, such as a notes sheet
    unused: list[TableReport] = field(default_factory=list)  # tables whose columns named no known shape

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables)

    @property
    def rows_dropped(self) -> int:
        return int((self.problems["action"] == "dropped").sum())

    @property
    def rows_used(self) -> int:
        return self.rows_read - self.rows_dropped

    @property
    def effort_basis(self) -> str:
        """'activities' when any activity is known, else 'deals': the effort a rep shows is the deals they engaged."""
        return "activities" if len(self.activities) else "deals"


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def classify(recognition: Recognition) -> str | None:
    """The input shape a table's columns describe, or None (then missing_roles says what each shape lacks)."""
    if not recognition.has("rep"):
        return None
    if recognition.has("date", "activity_type"):
        return "activities"
    if recognition.activity_columns and (recognition.has("period") or recognition.has("date")):
        return "summary"
    if recognition.has("period") and (recognition.has("won") or recognition.has("revenue")):
        return "summary"
    if recognition.has("status") or recognition.has("stage") or recognition.has("won") and recognition.has("amount"):
        return "deals"
    if recognition.has("date") and (recognition.has("won") or recognition.has("revenue")):
        return "summary"
    if any(recognition.has(role) for role in ("team", "manager", "region", "target")):
        return "roster"
    return None


def missing_roles(recognition: Recognition) -> dict[str, list[str]]:
    """For each shape, the roles (in words) its table still lacks: {'activities': ['date', 'activity type'], ...}."""
    missing = {}
    for shape, needs in REQUIRED.items():
        lacking = []
        for alternatives in needs:
            if any(role == "activity counts" and recognition.activity_columns or
                   recognition.has(*role.split(" and ")) for role in alternatives):
                continue
            lacking.append(_either([ROLE_WORDS[role] for role in alternatives]))
        missing[shape] = lacking
    return missing


def _either(words: list[str], joiner: str = "or") -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def missing_roles_message(recognition: Recognition) -> str:
    """What a table lacks to be used: the roles missing for the table type(s) it comes closest to, or for
    every type when nothing in it was recognised."""
    found = ", ".join(f"{ROLE_WORDS.get(m.role, m.role)} = '{m.column}'" for m in recognition.roles.values())
    missing = missing_roles(recognition)
    fewest = min(len(roles) for roles in missing.values())
    shown = [shape for shape, roles in missing.items() if len(roles) == fewest or not found]
    lacking = " ".join(f"Missing for {_article(shape)} {SHAPE_TITLES[shape].lower()}: {_either(missing[shape], 'and')}."
                       for shape in shown)
    return (f"No known table was recognised in its columns (recognised: {found or 'nothing'}). {lacking} Pick the "
            "columns on the Data page, or download a template there and copy your rows into it.")


def _article(shape: str) -> str:
    return "an" if shape == "activities" else "a"


class _Rows:
    """Collects the problems of one table, by positional row."""

    def __init__(self, table: RawTable):
        self.table = table
        self.records: list[pd.DataFrame] = []

    def add(self, mask: pd.Series | np.ndarray, reason: str, action: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        positions = np.flatnonzero(mask)
        index = self.table.frame.index.to_numpy()[positions]
        self.records.append(pd.DataFrame({
            "source": self.table.source,
            "row": np.asarray(self.table.file_row(index), dtype="int64"),
            "reason": reason,
            "action": action,
            "position": positions,
        }))

    def add_lines(self, skipped: pd.DataFrame) -> None:
        """Rows the reader could not split into the table's columns, with their text."""
        self.records.append(pd.DataFrame({"source": self.table.source, "row": skipped["row"].astype("int64"),
                                          "reason": skipped["reason"], "action": "dropped", "position": -1,
                                          "line": skipped["line"]}))

    def frame(self) -> pd.DataFrame:
        if not self.records:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in [*PROBLEM_COLUMNS, "position"]})
        return pd.concat(self.records, ignore_index=True)


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _column(frame: pd.DataFrame, recognition: Recognition, role: str) -> pd.Series | None:
    column = recognition.column(role)
    return frame[column] if column is not None else None


def _says_total(values: pd.Series) -> np.ndarray:
    """Cells that say Sum, Total, Totalt (or 'Total North', 'SMB sum'), decided on the distinct values."""
    totals = []
    for value in values.dropna().unique():
        words = normalise_label(value).split()
        label = " ".join(words)
        if label in TOTAL_WORDS or words and len(words) <= 4 and (
                words[0] in TOTAL_HEADS or words[-1] in TOTAL_TAILS or label.endswith(" i alt")):
            totals.append(value)
    return values.isin(totals).to_numpy(dtype=bool) if totals else np.zeros(len(values), dtype=bool)


def _total_rows(frame: pd.DataFrame, rep: pd.Series) -> np.ndarray:
    """A sheet's own total rows: the rep or the first cell says Sum/Total/Totalt, or (among the last rows) any
    cell does while the rep is blank."""
    totals = _says_total(rep) | _says_total(frame.iloc[:, 0])
    tail = min(len(frame), 20)
    if tail:
        last = frame.iloc[-tail:]
        labelled = np.zeros(tail, dtype=bool)
        for column in last.columns:
            labelled |= _says_total(last[column].astype("string"))
        totals[-tail:] |= labelled & rep.iloc[-tail:].isna().to_numpy()
    return totals


def _rep_and_totals(frame, recognition, rows: _Rows) -> tuple[pd.Series, np.ndarray]:
    rep = _text(frame[recognition.column("rep")])
    totals = _total_rows(frame, rep)
    rows.add(totals, "total row, not data", "dropped")
    no_rep = rep.isna().to_numpy() & ~totals
    rows.add(no_rep, "no rep", "dropped")
    return rep, totals | no_rep


def _team(frame, recognition) -> pd.Series:
    for role in ("team", "manager", "region"):
        values = _column(frame, recognition, role)
        if values is not None:
            return _text(values)
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _dates(values: pd.Series, rows: _Rows, dropped: np.ndarray, label: str) -> tuple[pd.Series, np.ndarray]:
    dates = parse_dates(values)
    unparsed = dates.isna() & values.notna()
    if unparsed.any():
        # A log kept by week ('2025-W07', 'uke 7 2025') dates each activity to the week's Monday.
        dates = dates.fillna(parse_periods(values.where(unparsed)))
    blank = values.isna().to_numpy()
    unparseable = dates.isna().to_numpy() & ~blank
    rows.add(blank & ~dropped, f"no {label}", "dropped")
    rows.add(unparseable & ~dropped, f"unparseable {label}", "dropped")
    return dates, dropped | blank | unparseable


def _future(dates: pd.Series, rows: _Rows, dropped: np.ndarray, today: pd.Timestamp) -> np.ndarray:
    future = (dates > today).fillna(False).to_numpy() & ~dropped
    rows.add(future, "date in the future (planned, not done)", "dropped")
    return dropped | future


def _has_times(dates: pd.Series) -> bool:
    known = dates.dropna()
    return bool(len(known)) and bool((known != known.dt.normalize()).any())


def _duplicates(table: RawTable, rows: _Rows, dropped: np.ndarray, identified: bool) -> np.ndarray:
    """Rows equal to an earlier row in every column.

    With a time or an id among the columns, two equal rows are one event recorded twice: the copy is
    dropped. Without one, a log of date, rep and type repeats itself whenever a rep makes two calls in a
    day, so equal rows are legitimate and kept; they are only flagged, in case the export doubled them.
    """
    duplicate = table.frame.duplicated(keep="first").to_numpy() & ~dropped
    if identified:
        rows.add(duplicate, "duplicate row", "dropped")
        return dropped | duplicate
    rows.add(duplicate, "possible duplicate (same values in every column; kept)", "warning")
    return dropped


def parse_activities(table: RawTable, recognition: Recognition, today: pd.Timestamp,
                     assigned_types: dict[str, str | None] | None = None) -> tuple[pd.DataFrame, _Rows, pd.Series]:
    """The activity rows of a log, its problems, and how many activities each raw type text has."""
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    dates, dropped = _dates(frame[recognition.column("date")], rows, dropped, "date")
    dropped = _future(dates, rows, dropped, today)
    activity_type = _text(frame[recognition.column("activity_type")])
    no_type = activity_type.isna().to_numpy() & ~dropped
    rows.add(no_type, "no activity type", "dropped")
    dropped |= no_type
    done = _column(frame, recognition, "done")
    if done is not None:
        not_done = parse_done(done).eq(False).fillna(False).to_numpy() & ~dropped
        rows.add(not_done, "activity not marked done (planned)", "dropped")
        dropped |= not_done
    identified = recognition.has("record_id") or recognition.has("time") or _has_times(dates)
    dropped = _duplicates(table, rows, dropped, identified)
    type_counts = activity_type[~dropped].value_counts()
    left_out = [raw for raw, choice in (assigned_types or {}).items() if choice is None]
    if left_out:
        chosen_out = activity_type.isin(left_out).fillna(False).to_numpy() & ~dropped
        rows.add(chosen_out, "activity type left out on the Data page", "dropped")
        dropped |= chosen_out
    deal_id = _column(frame, recognition, "deal_id")
    activities = pd.DataFrame({
        "date": dates,
        "rep": rep,
        "team": _team(frame, recognition),
        "activity_type": activity_type,
        "deal_id": _text(deal_id) if deal_id is not None else pd.Series(pd.NA, index=frame.index, dtype="string"),
        "count": 1,
        "source": table.source,
    })
    return activities[~dropped], rows, type_counts


def _deal_statuses(frame, recognition, level: pd.Series, statuses: dict[str, str] | None
                   ) -> tuple[pd.Series, pd.Series]:
    """Each deal's status under the user's choices, and under the built-in words alone.

    A status or stage that names an outcome decides; a stage that names a funnel step means open; then
    Salesforce-style flags: Won, and Closed (not won and not closed is open, not lost).
    """
    closed_flag = _column(frame, recognition, "closed_flag")
    closed = parse_statuses(closed_flag) if closed_flag is not None else None
    results = []
    for choices in (statuses, None):
        status = pd.Series(pd.NA, index=frame.index, dtype="string")
        for role in ("status", "stage"):
            values = _column(frame, recognition, role)
            if values is not None:
                status = status.fillna(parse_statuses(values, choices))
        status = status.mask(status.isna() & level.notna(), "open")
        won = _column(frame, recognition, "won")
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
                statuses: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, _Rows, pd.Series]:
    """Deal rows, the activity counts a deals export may carry, the problems, and the status texts the
    built-in words don't know (with how many deals have each)."""
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    stage_text = _column(frame, recognition, "stage")
    level = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if stage_text is not None and stage_text.notna().any():
        codes, uniques = pd.factorize(stage_text)
        levels = pd.array([stage_level(u) if isinstance(u, str) else None for u in uniques], dtype="Int64")
        level = pd.Series(levels.take(np.where(codes < 0, 0, codes)), index=frame.index, dtype="Int64")
        level[codes < 0] = pd.NA
    status, builtin = _deal_statuses(frame, recognition, level, statuses)
    primary = next((_text(frame[recognition.column(r)]) for r in ("status", "stage", "won") if recognition.has(r)))
    unknown_texts = primary[builtin.isna().to_numpy() & ~dropped].value_counts()
    unknown = status.isna().to_numpy() & ~dropped
    rows.add(unknown, "status not recognised (counted as open)", "repaired")
    status = status.fillna("open")

    amount = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    raw_amount = _column(frame, recognition, "amount")
    if raw_amount is not None:
        amount = parse_amounts(raw_amount, table.decimal_comma)
        bad = amount.isna().to_numpy() & raw_amount.notna().to_numpy() & ~dropped
        rows.add(bad, "unparseable amount (counted as no amount)", "repaired")
        negative = (amount < 0).fillna(False).to_numpy() & ~dropped
        rows.add(negative, "negative amount", "dropped")
        dropped |= negative

    dates = {}
    for role in ("closed", "created"):
        values = _column(frame, recognition, role)
        dates[role] = parse_dates(values) if values is not None else pd.Series(pd.NaT, index=frame.index,
                                                                                dtype="datetime64[ns]")
        if values is not None:
            unparseable = dates[role].isna().to_numpy() & values.notna().to_numpy() & ~dropped
            rows.add(unparseable, f"unparseable {role} date (left blank)", "repaired")
    fallback = _column(frame, recognition, "date")
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

    satisfaction = _column(frame, recognition, "satisfaction")
    deal_id = _column(frame, recognition, "deal_id")
    if deal_id is None:
        deal_id = _column(frame, recognition, "record_id")
    deal_id = _text(deal_id) if deal_id is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    duplicate = deal_id.notna().to_numpy() & deal_id.duplicated(keep="first").to_numpy() & ~dropped
    rows.add(duplicate, "duplicate deal id", "dropped")
    dropped |= duplicate
    if deal_id.isna().all():
        dropped = _duplicates(table, rows, dropped, identified=False)
    won = (status == "won").astype(int)
    outcomes = pd.DataFrame({
        "date": date,
        "rep": rep,
        "team": _team(frame, recognition),
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
    counts = _column(frame, recognition, "activities_count")
    if counts is not None:
        # A CRM deals export that counts each deal's activities: that count is the effort behind the deal.
        n = parse_amounts(counts).fillna(0)
        activity_date = dates["created"].fillna(date)
        keep = ~dropped & (n > 0).to_numpy() & activity_date.notna().to_numpy()
        activities = pd.DataFrame({
            "date": activity_date, "rep": rep, "team": _team(frame, recognition),
            "activity_type": "sales activity", "deal_id": deal_id, "count": n.round().astype(int),
            "source": table.source,
        })[keep]
    return outcomes, activities, rows, unknown_texts


def _period_kind(header: str | None) -> str | None:
    words = normalise_label(header or "").split()
    if any(w in ("uke", "week", "wk", "ukenr", "ukenummer", "kw", "vecka") for w in words):
        return "week"
    if any(w in ("maned", "month", "mnd", "mon", "manad") for w in words):
        return "month"
    return None


def _years(table: RawTable, recognition: Recognition, period: pd.Series, kind: str | None,
           file_year, rows: _Rows, dropped: np.ndarray, today: pd.Timestamp) -> pd.Series | None:
    """A year for each week or month label that has none: from a year column, else from the file's other
    dates, else the latest year in which the period has begun (said in the quality report)."""
    yearless = lacks_year(period, kind).to_numpy() & ~dropped
    if not yearless.any():
        return None
    year_column = _column(table.frame, recognition, "year")
    years = pd.Series(pd.NA, index=period.index, dtype="Int64")
    if year_column is not None:
        years = parse_amounts(year_column).round().astype("Int64")
        years = years.where(years.between(1990, 2100))
    missing = yearless & years.isna().to_numpy()
    if missing.any():
        known = file_year()
        if known is not None:
            years = years.mask(pd.Series(missing, index=years.index), known)
            rows.add(missing, f"week or month without a year (took {known} from the file's other dates)", "repaired")
        else:
            latest = year_for_periods(period.where(missing), kind, today)
            for year in sorted(latest.dropna().unique()):
                chosen = missing & latest.eq(year).fillna(False).to_numpy()
                rows.add(chosen, f"week or month without a year (assumed {year}, the latest that fits)",
                         "repaired")
            years = years.fillna(latest)
    return years


def parse_summary(table: RawTable, recognition: Recognition, today: pd.Timestamp, file_year=lambda: None,
                  assigned_types: dict[str, str | None] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, _Rows, pd.Series]:
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    period_role = "period" if recognition.has("period") else "date"
    period = frame[recognition.column(period_role)]
    kind = _period_kind(recognition.column(period_role))
    years = _years(table, recognition, period, kind, file_year, rows, dropped, today)
    dates = parse_periods(period, kind, years)
    blank, unparseable = period.isna().to_numpy(), dates.isna().to_numpy() & period.notna().to_numpy()
    rows.add(blank & ~dropped, "no week or month", "dropped")
    rows.add(unparseable & ~dropped, "unparseable week or month", "dropped")
    dropped |= blank | unparseable
    dropped = _future(dates, rows, dropped, today)
    duplicate = frame.duplicated(keep="first").to_numpy() & ~dropped
    rows.add(duplicate, "duplicate row", "dropped")  # one row per rep and period: an equal row is a copy
    dropped |= duplicate
    team = _team(frame, recognition)

    counts, type_counts = [], {}
    for column in recognition.activity_columns:
        n = parse_amounts(frame[column], table.decimal_comma)
        bad = n.isna().to_numpy() & frame[column].notna().to_numpy() & ~dropped
        rows.add(bad, f"unparseable count in '{column}' (counted as 0)", "repaired")
        negative = (n < 0).fillna(False).to_numpy() & ~dropped
        rows.add(negative, f"negative count in '{column}' (counted as 0)", "repaired")
        n = n.fillna(0).clip(lower=0).round().astype(int)
        # The activity's own word, as a log would write it: 'Samtaler' under 'Aktiviteter - Samtaler'.
        activity = activity_text_of_header(column)
        type_counts[activity] = type_counts.get(activity, 0) + int(n[~dropped].sum())
        if activity in (assigned_types or {}) and assigned_types[activity] is None:
            continue  # the user said this column counts no activity of theirs
        counts.append(pd.DataFrame({"date": dates, "rep": rep, "team": team, "activity_type": activity,
                                    "deal_id": pd.NA, "count": n, "source": table.source})[~dropped])
    activities = pd.concat(counts, ignore_index=True) if counts else empty_frame(ACTIVITY_COLUMNS)
    activities = activities[activities["count"] > 0]

    def measure(role: str) -> pd.Series:
        values = _column(frame, recognition, role)
        return parse_amounts(values, table.decimal_comma).fillna(0) if values is not None else \
            pd.Series(0.0, index=frame.index)

    satisfaction = _column(frame, recognition, "satisfaction")
    outcomes = pd.DataFrame({
        "date": dates, "rep": rep, "team": team, "deal_id": pd.NA, "status": pd.NA, "stage_level": pd.NA,
        "won": measure("won").round().astype(int), "lost": 0, "revenue": measure("revenue").astype(float),
        "amount": pd.NA,
        "satisfaction": parse_amounts(satisfaction, table.decimal_comma) if satisfaction is not None else pd.NA,
        "engaged": dates,
        "source": table.source,
    })[~dropped]
    return outcomes, activities, rows, pd.Series(type_counts, dtype="int64")


def parse_roster(table: RawTable, recognition: Recognition) -> tuple[pd.DataFrame, _Rows]:
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    roster = pd.DataFrame({"rep": rep})
    for role in ("team", "manager", "region"):
        values = _column(frame, recognition, role)
        roster[role] = _text(values) if values is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    target = _column(frame, recognition, "target")
    roster["target"] = parse_amounts(target, table.decimal_comma) if target is not None else pd.NA
    if recognition.column("team") is None:
        # Teams are often known by their manager's name (or their office) when no team column exists.
        roster["team"] = roster["manager"].fillna(roster["region"])
    roster = roster[~dropped]
    duplicate = roster["rep"].duplicated(keep="first")
    rows.add(np.isin(np.arange(len(frame)), np.flatnonzero(~dropped)[duplicate.to_numpy()]),
             "rep listed twice in roster (first kept)", "dropped")
    return roster[~duplicate], rows


@dataclass
class Upload:
    name: str
    content: bytes


# ---------------------------------------------------------------------------------------- the mapping

def validate_mapping(raw: bytes | str | dict) -> dict:
    """A mapping as load() takes it, from a saved mapping file; an InputError says what is wrong with it.

    {"version": 1,
     "columns": {source: {role: column or null}},        source is 'file.csv' or 'book.xlsx › Sheet'
     "statuses": {raw text: "won" | "lost" | "open"},
     "activity_types": {raw text: activity key, or null to leave those rows out}}
    """
    if isinstance(raw, (bytes, str)):
        if len(raw) > MAX_MAPPING_BYTES:
            raise InputError("This mapping file is far larger than a mapping. Upload the .json file the Data page "
                             "saved.")
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise InputError(f"This is not a mapping file: it is not valid JSON ({str(error)[:80]}). Upload the "
                             ".json file the Data page saved.") from None
    if not isinstance(raw, dict):
        raise InputError("This is not a mapping file: it should hold an object with 'columns', 'statuses' and "
                         "'activity_types'. Upload the .json file the Data page saved.")
    activity_keys = {a.key for scenario in SCENARIOS.values() for a in scenario.activity_types}
    problems = []
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in columns.items()):
        problems.append("'columns' should map each table to its roles")
        columns = {}
    for source, roles in columns.items():
        for role, column in roles.items():
            if role not in ROLE_SYNONYMS:
                problems.append(f"'{role}' (in {source}) is not a role this app knows")
            elif column is not None and not isinstance(column, str):
                problems.append(f"the column for '{role}' in {source} should be a column name or null")
    statuses = raw.get("statuses", {})
    if not isinstance(statuses, dict):
        problems.append("'statuses' should map status texts to won, lost or open")
        statuses = {}
    for text, status in statuses.items():
        if status not in STATUSES:
            problems.append(f"the status for '{text}' should be won, lost or open, not {status!r}")
    activity_types = raw.get("activity_types", {})
    if not isinstance(activity_types, dict):
        problems.append("'activity_types' should map activity texts to activity types")
        activity_types = {}
    for text, key in activity_types.items():
        if key is not None and key not in activity_keys:
            problems.append(f"'{key}' (for '{text}') is not an activity type of any scenario")
    if problems:
        raise InputError("This mapping file can't be used: " + "; ".join(problems[:5]) + ". Save a new one on the "
                         "Data page.")
    return {"columns": {s: dict(r) for s, r in columns.items()}, "statuses": dict(statuses),
            "activity_types": dict(activity_types)}


def mapping_json(mapping: dict) -> str:
    """The mapping as the file the Data page offers for download."""
    return json.dumps({"version": MAPPING_VERSION, "columns": mapping.get("columns", {}),
                       "statuses": mapping.get("statuses", {}), "activity_types": mapping.get("activity_types", {})},
                      ensure_ascii=False, indent=2, sort_keys=True)


def _sheet_of(source: str) -> str | None:
    return source.split(" › ", 1)[1] if " › " in source else None


def overrides_for(table: RawTable, columns: dict[str, dict]) -> dict[str, str | None] | None:
    """The user's column choices for a table: saved under its own name, or else under any table of the same
    sheet name whose chosen columns all exist here (next week's export of the same CRM has a new file name)."""
    if table.source in columns:
        return columns[table.source]
    headers = set(table.frame.columns)
    fitting = [(sum(c is not None for c in roles.values()), source) for source, roles in columns.items()
               if _sheet_of(source) == table.sheet and any(c is not None for c in roles.values())
               and all(c is None or c in headers for c in roles.values())]
    return columns[max(fitting)[1]] if fitting else None


# ------------------------------------------------------------------------------------------------- load

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
    """Read, recognise and parse every uploaded file into one Dataset.

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
    for upload in uploads:
        try:
            tables = read_tables(upload.name, upload.content)
        except InputError as error:
            errors.append(error)
            continue
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
                    errors.append(InputError(message, upload.name))
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
        if not used and not any(e.file == upload.name for e in errors):
            closest = max(recognitions, key=lambda r: len(r.roles) + len(r.activity_columns))
            errors.append(InputError("No sheet in this workbook holds a known table. For the closest one: "
                                     + missing_roles_message(closest), upload.name))
    dataset = _assemble(activities, outcomes, rosters, problems, reports, errors)
    dataset.warnings, dataset.notes, dataset.unused = warnings, notes, unused
    return dataset


def _reader_findings(table: RawTable, rows: _Rows, warnings: list[str]) -> None:
    """What the reader found that the parsers can't see: lines that didn't fit, formulas with no saved value."""
    if table.skipped is not None and len(table.skipped):
        rows.add_lines(table.skipped)
    for column, file_rows in table.uncached_formulas.items():
        positions = np.flatnonzero(np.isin(np.asarray(table.file_row(table.frame.index.to_numpy())), file_rows))
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


# ------------------------------------------------------------------------------- what the Data page shows

def quality_report(dataset: Dataset) -> pd.DataFrame:
    """Rows dropped, repaired or flagged, counted by reason: reason, action, rows, tables."""
    problems = dataset.problems
    if problems.empty:
        return pd.DataFrame({"reason": pd.Series(dtype="str"), "action": pd.Series(dtype="str"),
                             "rows": pd.Series(dtype="int64"), "tables": pd.Series(dtype="str")})
    grouped = problems.groupby(["reason", "action"], sort=False)
    report = grouped.size().rename("rows").reset_index()
    report["tables"] = grouped["source"].agg(lambda s: ", ".join(dict.fromkeys(s))).to_numpy()
    order = {"dropped": 0, "repaired": 1, "warning": 2}
    return report.sort_values(["action", "rows"], key=lambda c: c.map(order) if c.name == "action" else -c,
                              kind="stable").reset_index(drop=True)


def problem_rows(dataset: Dataset, reason: str | None = None) -> pd.DataFrame:
    """The input rows behind the quality report, with their table and file row: all, or one reason's."""
    frames = []
    for table in dataset.tables:
        rows = table.problem_rows
        if reason is not None:
            rows = rows[rows["reason"] == reason]
        if len(rows):
            frames.append(rows.assign(table=table.source)[["table", *rows.columns]])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ["table", "row", "reason", "action"]})
    return pd.concat(frames, ignore_index=True)


def activity_type_choices(dataset: Dataset, scenario: Scenario, assigned: dict[str, str | None] | None = None
                          ) -> pd.DataFrame:
    """Activity-type texts the scenario's words don't name, with how many activities each has and the user's
    choice: value, activities, choice (an activity key, None to leave out, or <NA> when not chosen)."""
    assigned = assigned or {}
    counts = pd.concat([t.activity_types for t in dataset.tables if len(t.activity_types)]) if any(
        len(t.activity_types) for t in dataset.tables) else pd.Series(dtype="int64")
    counts = counts.groupby(level=0).sum()
    if counts.empty:
        return pd.DataFrame({"value": pd.Series(dtype="str"), "activities": pd.Series(dtype="int64"),
                             "choice": pd.Series(dtype="object")})
    values = pd.Series(counts.index, dtype="string")
    builtin = normalise_activity_types(values, scenario)
    unknown = ~builtin.isin(list(scenario.activity_labels)).fillna(False) | values.isin(list(assigned))
    chosen = values[unknown.to_numpy()]
    return pd.DataFrame({
        "value": chosen.astype(str).to_numpy(),
        "activities": counts.loc[chosen.to_numpy()].to_numpy(dtype="int64"),
        "choice": pd.Series([assigned.get(v, pd.NA) for v in chosen], dtype=object),  # None: left out
    }).sort_values(["activities", "value"], ascending=[False, True], ignore_index=True)


def activity_count_columns(table: TableReport, scenario: Scenario) -> pd.DataFrame:
    """A summary table's count columns and the scenario activity each counts: column, activity (label or
    the column's own word when the scenario has no such activity)."""
    columns = list(table.recognition.activity_columns)
    texts = pd.Series([activity_text_of_header(c) for c in columns], dtype="string")
    keys = normalise_activity_types(texts, scenario)
    labels = [scenario.activity_labels.get(k, t) for k, t in zip(keys, texts)]
    return pd.DataFrame({"column": columns, "activity": labels})


def status_choices(dataset: Dataset, assigned: dict[str, str] | None = None) -> pd.DataFrame:
    """Status texts the built-in words don't know, with how many deals have each and the user's choice:
    value, deals, choice ('won'|'lost'|'open', or <NA> when not chosen: such deals count as open)."""
    choices = normalised_choices(assigned)
    counts = [t.unknown_statuses for t in dataset.tables if len(t.unknown_statuses)]
    if not counts:
        return pd.DataFrame({"value": pd.Series(dtype="str"), "deals": pd.Series(dtype="int64"),
                             "choice": pd.Series(dtype="object")})
    counts = pd.concat(counts).groupby(level=0).sum().sort_values(ascending=False, kind="stable")
    return pd.DataFrame({"value": counts.index.astype(str), "deals": counts.to_numpy(dtype="int64"),
                         "choice": pd.Series([choices.get(normalise_label(v), pd.NA) for v in counts.index],
                                             dtype=object)})
