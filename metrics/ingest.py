"""From uploaded files to canonical frames plus a quality report.

Canonical frames (one row each, columns always present, in this order):

activities  date, rep, team, activity_type (raw text), deal_id, count, source
            One row per activity; a rep × period sheet gives one row per rep, period and activity
            type with `count` activities, and a deals export with an activity count gives one row per deal.
outcomes    date, rep, team, deal_id, status ('won'|'lost'|'open'|<NA>), stage_level (0..2 or <NA>),
            won, lost, revenue, amount, satisfaction, source
            One row per deal (won/lost are 0 or 1), or per rep and period from a summary sheet
            (won is a count, revenue a sum). `date` is the close date, else the created date.
roster      rep, team, manager, region, target

problems    source, row, reason, action ('dropped'|'repaired'|'warning'): one row per affected input row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.columns import Recognition, recognise
from metrics.errors import InputError
from metrics.parsing import parse_amounts, parse_dates, parse_periods, parse_statuses
from metrics.readers import RawTable, read_tables
from metrics.scenarios import stage_level

ACTIVITY_COLUMNS = ["date", "rep", "team", "activity_type", "deal_id", "count", "source"]
OUTCOME_COLUMNS = ["date", "rep", "team", "deal_id", "status", "stage_level", "won", "lost", "revenue", "amount",
                   "satisfaction", "source"]
ROSTER_COLUMNS = ["rep", "team", "manager", "region", "target"]
PROBLEM_COLUMNS = ["source", "row", "reason", "action"]
TOTAL_WORDS = {"sum", "total", "totalt", "grand total", "totals", "i alt", "sum total", "subtotal", "totalsum"}
SHAPES = ("activities", "deals", "summary", "roster")
PREVIEW_ROWS = 200


@dataclass
class TableReport:
    """What was understood of one table and what became of its rows."""

    source: str
    shape: str
    recognition: Recognition
    columns: list[str]
    rows_read: int
    rows_used: int
    preview: pd.DataFrame
    problem_rows: pd.DataFrame  # row, reason, action, then the input row as it was in the file


@dataclass
class Dataset:
    activities: pd.DataFrame
    outcomes: pd.DataFrame
    roster: pd.DataFrame
    problems: pd.DataFrame
    tables: list[TableReport] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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
    """The input shape a table's columns describe, or None."""
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
    if any(recognition.has(role) for role in ("team", "manager", "region", "target")):
        return "roster"
    return None


def missing_roles_message(recognition: Recognition) -> str:
    found = ", ".join(f"{m.role} = '{m.column}'" for m in recognition.roles.values()) or "nothing"
    return ("No known table shape was recognised. An activity log needs columns for rep, date and activity type; "
            "a deals table needs rep and status or stage; a rep × period sheet needs rep, a week or month, and "
            f"activity counts; a roster needs rep and team. Recognised: {found}. Rename the headers (see the "
            "input formats in the README) or pick the columns on the Data page.")


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
            "row": self.table.header_row + 1 + index,
            "reason": reason,
            "action": action,
            "position": positions,
        }))

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


def _total_rows(frame: pd.DataFrame, rep: pd.Series) -> np.ndarray:
    """Rows whose rep, or first cell, says Sum/Total/Totalt: a sheet's own totals, not data."""
    def says_total(values: pd.Series) -> np.ndarray:
        # Decided on the distinct values: a log has few reps but a million rows.
        totals = [v for v in values.dropna().unique() if str(v).strip().lower() in TOTAL_WORDS]
        return values.isin(totals).to_numpy(dtype=bool) if totals else np.zeros(len(values), dtype=bool)

    return says_total(rep) | says_total(frame.iloc[:, 0])


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
    blank = values.isna().to_numpy()
    unparseable = dates.isna().to_numpy() & ~blank
    rows.add(blank & ~dropped, f"no {label}", "dropped")
    rows.add(unparseable & ~dropped, f"unparseable {label}", "dropped")
    return dates, dropped | blank | unparseable


def _future(dates: pd.Series, rows: _Rows, dropped: np.ndarray, today: pd.Timestamp) -> np.ndarray:
    future = (dates > today).fillna(False).to_numpy() & ~dropped
    rows.add(future, "date in the future (planned, not done)", "dropped")
    return dropped | future


def parse_activities(table: RawTable, recognition: Recognition, today: pd.Timestamp) -> tuple[pd.DataFrame, _Rows]:
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
        not_done = parse_statuses(done).eq("lost").fillna(False).to_numpy() & ~dropped
        rows.add(not_done, "activity not marked done", "dropped")
        dropped |= not_done
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
    return activities[~dropped], rows


def parse_deals(table: RawTable, recognition: Recognition, today: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame, _Rows]:
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    stage_text = _column(frame, recognition, "stage")
    status = pd.Series(pd.NA, index=frame.index, dtype="string")
    for role in ("status", "stage", "won"):
        values = _column(frame, recognition, role)
        if values is not None:
            status = status.fillna(parse_statuses(values))
    closed_flag = _column(frame, recognition, "closed_flag")
    if closed_flag is not None:
        still_open = parse_statuses(closed_flag).eq("lost").fillna(False)
        status = status.mask(status.isna() & still_open, "open")
    level = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if stage_text is not None:
        codes, uniques = pd.factorize(stage_text)
        levels = pd.array([stage_level(u) if isinstance(u, str) else None for u in uniques], dtype="Int64")
        level = pd.Series(levels.take(np.where(codes < 0, 0, codes)), index=frame.index, dtype="Int64")
        level[codes < 0] = pd.NA
    # A stage that names a funnel step and no outcome means the deal is still open.
    status = status.mask(status.isna() & level.notna(), "open")
    unknown = status.isna().to_numpy() & ~dropped
    rows.add(unknown, "status not recognised (counted as open)", "repaired")
    status = status.fillna("open")

    amount = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    raw_amount = _column(frame, recognition, "amount")
    if raw_amount is not None:
        amount = parse_amounts(raw_amount)
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
    if date.notna().any():
        no_date = date.isna().to_numpy() & ~dropped
        rows.add(no_date, "no date", "dropped")
        dropped |= no_date
        decided_future = (date > today).fillna(False).to_numpy() & (status != "open").to_numpy() & ~dropped
        rows.add(decided_future, "close date in the future", "dropped")
        dropped |= decided_future

    satisfaction = _column(frame, recognition, "satisfaction")
    deal_id = _column(frame, recognition, "deal_id")
    deal_id = _text(deal_id) if deal_id is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    duplicate = deal_id.notna().to_numpy() & deal_id.duplicated(keep="first").to_numpy() & ~dropped
    rows.add(duplicate, "duplicate deal id", "dropped")
    dropped |= duplicate
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
        "satisfaction": parse_amounts(satisfaction) if satisfaction is not None else pd.NA,
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
    return outcomes, activities, rows


def parse_summary(table: RawTable, recognition: Recognition, today: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame, _Rows]:
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    period = _column(frame, recognition, "period")
    if period is None:
        period = _column(frame, recognition, "date")
    dates = parse_periods(period)
    blank, unparseable = period.isna().to_numpy(), dates.isna().to_numpy() & period.notna().to_numpy()
    rows.add(blank & ~dropped, "no week or month", "dropped")
    rows.add(unparseable & ~dropped, "unparseable week or month", "dropped")
    dropped |= blank | unparseable
    dropped = _future(dates, rows, dropped, today)
    team = _team(frame, recognition)

    counts = []
    for column, activity in recognition.activity_columns.items():
        n = parse_amounts(frame[column])
        bad = n.isna().to_numpy() & frame[column].notna().to_numpy() & ~dropped
        rows.add(bad, f"unparseable count in '{column}' (counted as 0)", "repaired")
        counts.append(pd.DataFrame({"date": dates, "rep": rep, "team": team, "activity_type": column,
                                    "deal_id": pd.NA, "count": n.fillna(0).round().astype(int),
                                    "source": table.source})[~dropped])
    activities = pd.concat(counts, ignore_index=True) if counts else empty_frame(ACTIVITY_COLUMNS)
    activities = activities[activities["count"] > 0]

    def measure(role: str) -> pd.Series:
        values = _column(frame, recognition, role)
        return parse_amounts(values).fillna(0) if values is not None else pd.Series(0.0, index=frame.index)

    satisfaction = _column(frame, recognition, "satisfaction")
    outcomes = pd.DataFrame({
        "date": dates, "rep": rep, "team": team, "deal_id": pd.NA, "status": pd.NA, "stage_level": pd.NA,
        "won": measure("won").round().astype(int), "lost": 0, "revenue": measure("revenue").astype(float),
        "amount": pd.NA, "satisfaction": parse_amounts(satisfaction) if satisfaction is not None else pd.NA,
        "source": table.source,
    })[~dropped]
    return outcomes, activities, rows


def parse_roster(table: RawTable, recognition: Recognition) -> tuple[pd.DataFrame, _Rows]:
    frame, rows = table.frame, _Rows(table)
    rep, dropped = _rep_and_totals(frame, recognition, rows)
    roster = pd.DataFrame({"rep": rep})
    for role in ("team", "manager", "region"):
        values = _column(frame, recognition, role)
        roster[role] = _text(values) if values is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    target = _column(frame, recognition, "target")
    roster["target"] = parse_amounts(target) if target is not None else pd.NA
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


def load(uploads: list[Upload], mapping: dict | None = None, today: pd.Timestamp | None = None) -> Dataset:
    """Read, recognise and parse every uploaded file into one Dataset.

    A file that can't be used becomes an entry in Dataset.errors; the others still load.
    `mapping` holds the user's choices, as saved in a mapping file:
    {"columns": {source: {role: column or None}}, "statuses": {raw text: "won"|"lost"|"open"},
     "activity_types": {raw text: activity key}} — activity types are applied later, by filters.scope.
    """
    today = (today or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    columns = (mapping or {}).get("columns", {})
    activities, outcomes, rosters, problems, reports, errors = [], [], [], [], [], []
    for upload in uploads:
        try:
            tables = read_tables(upload.name, upload.content)
        except InputError as error:
            errors.append(error)
            continue
        used = 0
        for table in tables:
            recognition = recognise(list(table.frame.columns), columns.get(table.source))
            shape = classify(recognition)
            if shape is None or table.frame.empty:
                if len(tables) == 1:
                    message = ("The file has a header but no data rows." if table.frame.empty and shape
                               else missing_roles_message(recognition))
                    errors.append(InputError(message, upload.name))
                continue
            if shape == "activities":
                frame, rows = parse_activities(table, recognition, today)
                activities.append(frame)
            elif shape == "deals":
                frame, counted, rows = parse_deals(table, recognition, today)
                outcomes.append(frame)
                activities.append(counted)
            elif shape == "summary":
                frame, counted, rows = parse_summary(table, recognition, today)
                outcomes.append(frame)
                activities.append(counted)
            else:
                frame, rows = parse_roster(table, recognition)
                rosters.append(frame)
            found = rows.frame()
            problems.append(found[PROBLEM_COLUMNS])
            positions = found["position"].to_numpy(dtype=int)
            behind = table.frame.iloc[positions].reset_index(drop=True)
            problem_rows = pd.concat([found[["row", "reason", "action"]].reset_index(drop=True), behind], axis=1)
            reports.append(TableReport(
                source=table.source, shape=shape, recognition=recognition, columns=list(table.frame.columns),
                rows_read=len(table.frame),
                rows_used=len(table.frame) - int(found.loc[found["action"] == "dropped", "position"].nunique()),
                preview=table.frame.head(PREVIEW_ROWS), problem_rows=problem_rows,
            ))
            used += 1
        if not used and not any(e.file == upload.name for e in errors):
            errors.append(InputError(missing_roles_message(recognise([])), upload.name))
    return _assemble(activities, outcomes, rosters, problems, reports, errors)


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
    activities, outcomes = _attach_teams(activities, outcomes, roster)
    problem_frame = _concat(problems, PROBLEM_COLUMNS)
    return Dataset(activities, outcomes, roster, problem_frame, reports, errors)


def _attach_teams(activities, outcomes, roster) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every row its rep's team: the roster's first, else the team the rep's own rows name most."""
    named = pd.concat([activities[["rep", "team"]], outcomes[["rep", "team"]]]).dropna()
    most_named = named.groupby("rep")["team"].agg(lambda teams: teams.mode().iloc[0]) if len(named) else \
        pd.Series(dtype="string")
    team_of = roster.dropna(subset=["team"]).set_index("rep")["team"] if len(roster) else pd.Series(dtype="string")
    team_of = team_of.combine_first(most_named)
    return (activities.assign(team=activities["rep"].map(team_of).astype("string")),
            outcomes.assign(team=outcomes["rep"].map(team_of).astype("string")))
