"""A deals (opportunities) table: one row per deal, with its status, stage, amount and dates; a lead export is one
too (a converted lead is won). Also the deals an activity log's rows carry, each deal once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.columns import by_distinct
from metrics.ingest.cleaning import (
    ParsedTable,
    RowProblems,
    cleaned_text,
    drop_duplicates,
    filled_dates,
    rep_and_totals,
    role_values,
    team_values,
)
from metrics.ingest.frames import OUTCOME_COLUMNS, RawTable
from metrics.ingest.recognition import Recognition, is_name_header
from metrics.ingest.values import parse_amounts, parse_dates, parse_flags, parse_statuses
from metrics.scenarios import stage_level
from metrics.text import N_

# A deal id column is an id when nearly every row has one and no two rows share it.
ID_COVERAGE = 0.95


def _level_of(stage: str) -> int | None:
    """A stage's funnel level; a stage named by two steps ('Proposal/Quote', 'Negotiation/Review') takes the
    further one's."""
    level = stage_level(stage)
    if level is None and "/" in stage:
        parts = [stage_level(part) for part in stage.split("/")]
        level = max((p for p in parts if p is not None), default=None)
    return level


def _stage_levels(frame: pd.DataFrame, recognition: Recognition) -> pd.Series:
    level = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    stage_text = role_values(frame, recognition, "stage")
    if stage_text is not None and stage_text.notna().any():
        level = by_distinct(
            stage_text,
            lambda stages: pd.Series([_level_of(u) if isinstance(u, str) else None for u in stages], dtype="Int64"),
        )
    return level


def _deal_statuses(
    frame, recognition, level: pd.Series, statuses: dict[str, str] | None
) -> tuple[pd.Series, pd.Series]:
    """Each deal's status under the user's choices, and under the built-in words alone.

    A status or stage that names an outcome decides; a stage that names a funnel step means open; then
    Salesforce-style flags: Won, and Closed (not won and not closed is open, not lost).
    """
    closed_flag = role_values(frame, recognition, "closed_flag")
    closed = parse_statuses(closed_flag) if closed_flag is not None else None
    results = []
    # Without choices of the user's, both readings are the built-in words': read once.
    for choices in (statuses, None) if statuses else (None,):
        status = pd.Series(pd.NA, index=frame.index, dtype="string")
        for role in ("status", "stage"):
            values = role_values(frame, recognition, role)
            if values is not None:
                status = status.fillna(parse_statuses(values, choices))
        status = status.mask(status.isna() & level.notna(), "open")
        won = role_values(frame, recognition, "won")
        if won is not None:
            flag = parse_statuses(won, choices)
            if closed is not None:
                flag = flag.mask(flag.eq("lost").fillna(False) & closed.eq("lost").fillna(False), "open")
            status = status.fillna(flag)
        if closed is not None:
            status = status.mask(status.isna() & closed.eq("lost").fillna(False), "open")
        results.append(status)
    return results[0], results[-1]


def _converted(
    frame, recognition, statuses: tuple[pd.Series, pd.Series], rows: RowProblems, dropped: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """A lead export's Converted flag decides which leads are won. A status that says converted or won while
    the flag says not is open (the flag decides), and a lead that is not converted is lost only when its status
    says so (Disqualified, Unqualified), never by the flag alone."""
    values = role_values(frame, recognition, "converted")
    if values is None:
        return statuses
    flag = parse_flags(values)
    if flag.eq(True).any():
        flag = flag.fillna(False)  # Salesforce leaves a false flag blank
    converted = flag.eq(True).fillna(False)
    not_converted = flag.eq(False).fillna(False)
    disagree = statuses[0].eq("won").fillna(False) & not_converted
    rows.add(
        disagree.to_numpy() & ~dropped,
        N_("status says converted or won, the converted flag says not (counted as open)"),
        "repaired",
    )
    return tuple(
        status.mask(status.eq("won").fillna(False) & not_converted, "open").mask(converted, "won")
        for status in statuses
    )


def deal_statuses(
    frame, recognition, statuses: dict[str, str] | None, rows: RowProblems, dropped: np.ndarray
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Status ('won'|'lost'|'open'|<NA>) under the user's choices and under the built-in words, and the stage
    level, of each row."""
    level = _stage_levels(frame, recognition)
    status, builtin = _converted(frame, recognition, _deal_statuses(frame, recognition, level, statuses), rows, dropped)
    return status, builtin, level


def unknown_status_texts(frame, recognition, builtin: pd.Series, considered: np.ndarray) -> pd.Series:
    """The status texts the built-in words don't know, with how many rows have each."""
    primary = next(
        cleaned_text(frame[recognition.column(r)])
        for r in ("status", "stage", "won", "converted")
        if recognition.has(r)
    )
    return primary[builtin.isna().to_numpy() & considered].value_counts()


def amounts(
    table: RawTable,
    recognition: Recognition,
    rows: RowProblems,
    dropped: np.ndarray,
    unparseable: str,
    negative: str | None,
) -> tuple[pd.Series, np.ndarray]:
    """Each row's amount; an unparseable one is reported and left blank. A negative one is dropped with the
    reason `negative`, or, when that is None, reported and left blank (an activity row stays an activity)."""
    frame = table.frame
    amount = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    raw = role_values(frame, recognition, "amount")
    if raw is None:
        return amount, dropped
    amount = parse_amounts(raw, table.decimal_comma)
    bad = amount.isna().to_numpy() & raw.notna().to_numpy() & ~dropped
    rows.add(bad, unparseable, "repaired")
    below = (amount < 0).fillna(False).to_numpy() & ~dropped
    if negative is not None:
        rows.add(below, negative, "dropped")
        return amount, dropped | below
    rows.add(below, N_("negative amount (left out of the deal's amount)"), "repaired")
    return amount.mask(below), dropped


def _deal_ids(frame: pd.DataFrame, recognition: Recognition) -> tuple[pd.Series, bool]:
    """Each deal's id, and whether two rows with one id are one deal twice.

    A column whose values are unique is preferred ('Id', 'Opportunity ID'), then any id column; a name
    ('Opportunity Name') is used only when there is nothing else, and then two deals that share a name are
    both kept: names repeat, and real deals must not be lost as copies.
    """
    columns = list(
        dict.fromkeys(
            c
            for role in ("deal_id", "record_id")
            for c in ([recognition.column(role)] + recognition.fallbacks.get(role, []))
            if c is not None
        )
    )
    if not columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string"), False
    texts = {column: cleaned_text(frame[column]) for column in columns}

    def unique(column: str) -> bool:
        known = texts[column].dropna()
        return len(known) >= ID_COVERAGE * len(frame) and known.is_unique

    chosen = next((c for c in columns if unique(c)), None) or next(
        (c for c in columns if not is_name_header(c)), columns[0]
    )
    return texts[chosen], not is_name_header(chosen)


def _dates(
    table: RawTable,
    recognition: Recognition,
    status: pd.Series,
    rows: RowProblems,
    dropped: np.ndarray,
    today: pd.Timestamp,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """When each deal's result fell (`date`), when it began (created), and its close date.

    The actual close date beats an expected one; an open deal is dated by its creation, or by a close date
    that has passed; a deal with neither is dated by its last change, and says so.
    """
    frame = table.frame
    found = {}
    for role, unreadable in (
        ("closed", N_("unparseable closed date (left blank)")),
        ("expected_close", N_("unparseable expected close date (left blank)")),
        ("created", N_("unparseable created date (left blank)")),
    ):
        values = role_values(frame, recognition, role)
        if values is None:
            found[role] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            continue
        found[role] = filled_dates(frame, recognition, role)
        unparseable = found[role].isna().to_numpy() & values.notna().to_numpy() & ~dropped
        rows.add(unparseable, unreadable, "repaired")
    closed = found["closed"].fillna(found["expected_close"])
    date = closed.where(status != "open").fillna(found["created"])
    fallback = role_values(frame, recognition, "date")
    if fallback is not None:
        date = date.fillna(parse_dates(fallback))
    # An open deal without a created date is dated by its expected close, once that has passed.
    date = date.fillna(closed.where(closed <= today))
    modified = role_values(frame, recognition, "modified")
    if modified is not None and date.isna().any():
        changed = parse_dates(modified).where(lambda d: d <= today)
        by_change = date.isna().to_numpy() & changed.notna().to_numpy() & ~dropped
        rows.add(by_change, N_("no created or close date (dated by its last change)"), "repaired")
        date = date.fillna(changed)
    return date, found["created"], closed


def parse_deals(
    table: RawTable, recognition: Recognition, today: pd.Timestamp, statuses: dict[str, str] | None = None
) -> ParsedTable:
    """Deal rows, the activity counts a deals export may carry, the problems, and the status texts the
    built-in words don't know (with how many deals have each)."""
    frame, rows = table.frame, RowProblems(table)
    rep, dropped = rep_and_totals(frame, recognition, rows)
    status, builtin, level = deal_statuses(frame, recognition, statuses, rows, dropped)
    unknown_texts = unknown_status_texts(frame, recognition, builtin, ~dropped)
    unknown = status.isna().to_numpy() & ~dropped
    rows.add(unknown, N_("status not recognised (counted as open)"), "repaired")
    status = status.fillna("open")
    amount, dropped = amounts(
        table, recognition, rows, dropped, N_("unparseable amount (counted as no amount)"), N_("negative amount")
    )

    date, created, closed = _dates(table, recognition, status, rows, dropped, today)
    if date.notna().any():
        no_date = date.isna().to_numpy() & ~dropped
        open_deal = (status == "open").to_numpy() & closed.notna().to_numpy()
        rows.add(no_date & open_deal, N_("no date (an open deal with only a future close date)"), "dropped")
        rows.add(no_date & ~open_deal, N_("no date"), "dropped")
        dropped |= no_date
        decided_future = (date > today).fillna(False).to_numpy() & (status != "open").to_numpy() & ~dropped
        rows.add(decided_future, N_("close date in the future"), "dropped")
        dropped |= decided_future

    satisfaction = role_values(frame, recognition, "satisfaction")
    deal_id, one_deal_per_id = _deal_ids(frame, recognition)
    if one_deal_per_id:
        duplicate = deal_id.notna().to_numpy() & deal_id.duplicated(keep="first").to_numpy() & ~dropped
        rows.add(duplicate, N_("duplicate deal id"), "dropped")
        dropped |= duplicate
    else:
        dropped = drop_duplicates(table, rows, dropped)
    team = team_values(frame, recognition)
    outcomes = pd.DataFrame(
        {
            "date": date,
            "rep": rep,
            "team": team,
            "deal_id": deal_id,
            "status": status,
            "stage_level": level,
            "won": (status == "won").astype(int),
            "lost": (status == "lost").astype(int),
            "revenue": amount.fillna(0).where(status == "won", 0.0).astype(float),
            "amount": amount,
            "satisfaction": parse_amounts(satisfaction, table.decimal_comma) if satisfaction is not None else pd.NA,
            "engaged": created.fillna(date),
            "source": table.source,
        }
    )[~dropped]
    parsed = ParsedTable(rows, outcomes=outcomes, unknown_statuses=unknown_texts)
    counts = role_values(frame, recognition, "activities_count")
    if counts is not None:
        # A CRM deals export that counts each deal's activities: that count is the effort behind the deal.
        n = parse_amounts(counts).fillna(0)
        activity_date = created.fillna(date)
        keep = ~dropped & (n > 0).to_numpy() & activity_date.notna().to_numpy()
        parsed.activities = pd.DataFrame(
            {
                "date": activity_date,
                "rep": rep,
                "team": team,
                "activity_type": "sales activity",
                "deal_id": deal_id,
                "count": n.round().astype(int),
                "source": table.source,
            }
        )[keep]
    return parsed


def log_deals(
    table: RawTable,
    recognition: Recognition,
    rep: pd.Series,
    dates: pd.Series,
    used: np.ndarray,
    rows: RowProblems,
    statuses: dict[str, str] | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """The deals an activity log's rows carry (a deal status, an amount), each deal once, and the status texts
    the built-in words don't know.

    A deal's rows are its activities: the last of them that says won or lost decides it, and is when the
    result fell; a deal none of whose rows says so is open, dated by its first activity. Its amount is the last
    one its rows give. An amount that can't be read, or is negative, is reported and left out.
    """
    frame = table.frame
    deal_id = cleaned_text(frame[recognition.column("deal_id")])
    status, builtin, level = deal_statuses(frame, recognition, statuses, rows, ~used)
    amount, _ = amounts(table, recognition, rows, ~used, N_("unparseable amount (left out of the deal's amount)"), None)
    unknown_texts = unknown_status_texts(frame, recognition, builtin, used & deal_id.notna().to_numpy())
    carried = used & deal_id.notna().to_numpy()
    rows.add(
        used & ~carried & status.notna().to_numpy(),
        N_("deal status on an activity with no deal id (not used as a deal)"),
        "warning",
    )
    if not carried.any():
        return pd.DataFrame(columns=OUTCOME_COLUMNS), unknown_texts
    deals = _last_decided(
        deal_id[carried], dates[carried], status.fillna("open")[carried], level[carried], amount[carried]
    )
    deal_status = deals["status"]
    outcomes = pd.DataFrame(
        {
            "date": deals["date"],
            "rep": rep[carried].iloc[deals["deciding"]].set_axis(deals.index),
            "team": pd.NA,
            "deal_id": deals.index.to_series(),
            "status": deal_status,
            "stage_level": deals["stage_level"],
            "won": (deal_status == "won").astype(int),
            "lost": (deal_status == "lost").astype(int),
            "revenue": deals["amount"].fillna(0).where(deal_status == "won", 0.0).astype(float),
            "amount": deals["amount"],
            "satisfaction": pd.NA,
            "engaged": deals["engaged"],
            "source": table.source,
        }
    ).reset_index(drop=True)
    return outcomes, unknown_texts


def _last_decided(
    deal_id: pd.Series, dates: pd.Series, status: pd.Series, level: pd.Series, amount: pd.Series
) -> pd.DataFrame:
    """Per deal id (in sorted order), from the rows that name it: `deciding`, the position of the last row that
    says won or lost (else of the last row), ordered by date and then by position; its status, and its date if
    decided, else the first date; `engaged`, the first date; the furthest stage level; the last amount given.

    Sorted as integers, never as text: a million rows sort in milliseconds.
    """
    codes, names = pd.factorize(deal_id, sort=True)
    decided = status.isin(("won", "lost")).to_numpy(dtype=bool)
    nanoseconds = dates.to_numpy(dtype="datetime64[ns]").view("int64")
    missing_date = np.isnat(dates.to_numpy(dtype="datetime64[ns]"))
    latest = np.iinfo("int64").max
    order = np.lexsort((np.where(missing_date, latest, nanoseconds), decided, codes))  # stable: ties by position
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    ends = np.r_[starts[1:], len(order)] - 1
    deciding = order[ends]
    first = np.minimum.reduceat(np.where(missing_date, latest, nanoseconds)[order], starts)
    first_date = np.where(first == latest, np.datetime64("NaT", "ns"), first.view("datetime64[ns]"))
    has_level = level.notna().to_numpy()
    lowest = np.iinfo("int64").min
    furthest = np.maximum.reduceat(
        np.where(has_level, level.to_numpy(dtype="int64", na_value=0), lowest)[order], starts
    )
    has_amount = amount.notna().to_numpy()[order]
    last_given = np.maximum.reduceat(np.where(has_amount, np.arange(len(order)), -1), starts)
    given = last_given >= starts
    index = pd.Index(names, name="deal_id")
    amounts = amount.to_numpy(dtype="float64", na_value=np.nan)[order[np.where(given, last_given, 0)]]
    return pd.DataFrame(
        {
            "deciding": deciding,
            "status": status.iloc[deciding].set_axis(index),
            "date": pd.Series(
                np.where(decided[deciding], dates.to_numpy(dtype="datetime64[ns]")[deciding], first_date), index=index
            ),
            "engaged": pd.Series(first_date, index=index),
            "stage_level": pd.arrays.IntegerArray(np.where(furthest == lowest, 0, furthest), furthest == lowest),
            "amount": pd.arrays.FloatingArray(np.where(given, amounts, 0.0), ~given | np.isnan(amounts)),
        },
        index=index,
    )
