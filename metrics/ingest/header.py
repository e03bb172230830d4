"""Find a table's header among its first rows, and name its columns.

Title rows and logo blocks sit above a table, and a group row ('Activities' over 'Calls | Emails') may sit
over its header; the same rules hold for a CSV and a worksheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from metrics.ingest.recognition import activity_type_of_header, count_recognised

HEADER_SEARCH_ROWS = 30
# Rows are compared by the known column names among their first cells: a header names its columns early,
# and matching 10,000 cells against every synonym would take seconds.
SCORED_CELLS = 256
# Above a table's header: a group row ("Activities" over "Calls | Emails") is combined with it, a title is not.
GROUP_WORDS = {
    "activities",
    "activity",
    "aktiviteter",
    "aktivitet",
    "results",
    "resultater",
    "resultat",
    "deal",
    "deals",
    "avtale",
    "avtaler",
    "sales",
    "salg",
    "outcome",
    "outcomes",
    "performance",
    "effort",
    "innsats",
    "counts",
    "antall",
}
_NUMBER_LIKE = re.compile(r"^[\d\s.,:/%+\-–()kr$€£]*\d[\d\s.,:/%+\-–()kr$€£]*$", re.IGNORECASE)
# An API field name: one word of letters, digits, '_' and '.', as Data Loader, warehouses and CRM APIs write them.
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)*(?:__[a-z])?$")
# ... and one that shows it is one: StageName, owner_id, Owner.Name, Type__c.
_API_SHAPED = re.compile(r"[a-z][A-Z]|[A-Za-z0-9][_.][A-Za-z]")


@dataclass
class Header:
    row: int  # 0-based index, among the rows looked at, of the last header row
    names: list[str]  # one per column position
    rows: int = 1  # 2 when a group row above was combined into the names


def is_text(cell) -> bool:
    return isinstance(cell, str) and bool(cell.strip()) and not _NUMBER_LIKE.match(cell.strip())


def is_filled(cell) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def _combined(upper: list, lower: list) -> list[str | None] | None:
    """One name per column from a group row over a header row, or None when the upper row is no group row.

    'Deal' over 'Owner | Amount' gives 'Deal - Owner', 'Deal - Amount'. Excel keeps a merged cell's text in
    its first cell only, so a group runs right over the columns where the upper row is empty. A text above
    an empty cell is that column's own header (merged down over both rows). A single text above the first
    column is a title, not a group.
    """
    width = max(len(upper), len(lower))
    upper = [c.strip() if is_filled(c) else None for c in upper] + [None] * (width - len(upper))
    lower = [c.strip() if is_filled(c) else None for c in lower] + [None] * (width - len(lower))
    cells = [c for c in upper + lower if c]
    if not any(upper) or not any(lower) or any(_NUMBER_LIKE.match(c) for c in cells):
        return None
    used = [i for i in range(width) if upper[i] or lower[i]]
    first = used[0]
    groups = [i for i in range(width) if upper[i] and lower[i]]
    vertical = [i for i in range(width) if upper[i] and not lower[i]]
    spans: dict[int, int] = {}
    names: list[str | None] = []
    group: int | None = None
    for i in range(width):
        if upper[i] and lower[i]:
            group = i
            spans[i] = 1
            names.append(f"{upper[i]} - {lower[i]}")
        elif upper[i]:
            group = None
            names.append(upper[i])
        elif lower[i]:
            if group is not None:
                spans[group] += 1
                names.append(f"{upper[group]} - {lower[i]}")
            else:
                names.append(lower[i])
        else:
            group = None
            names.append(None)
    if not any(span > 1 for span in spans.values()) and not (vertical and groups):
        return None
    if len(groups) + len(vertical) == 1 and groups:
        # One lone text above the table: a group only if it sits over part of the table and names a group
        # ('Activities' over the count columns), else a title.
        at = groups[0]
        under = [lower[i] for i in range(at, at + spans[at])]
        is_group = at != first and (
            upper[at].lower() in GROUP_WORDS or all(activity_type_of_header(cell) for cell in under)
        )
        if not is_group:
            return None
    return names


def is_api_header(cells: list) -> bool:
    """A row of API field names ('Id, StageName, OwnerId, IsWon'): a header, since data rows hold values with
    spaces, numbers, dates and ids, not a run of names like these."""
    filled = [c.strip() for c in cells if is_filled(c)]
    if len(filled) < 3:
        return False
    names = [c for c in filled if _API_NAME.match(c)]
    return (
        len(names) >= 0.8 * len(filled)
        and sum(bool(_API_SHAPED.search(c)) for c in names) >= max(2, len(filled) // 4)
        and len(set(filled)) == len(filled)
    )


def detect_header(rows: list[list], label=lambda position: f"column {position + 1}") -> Header:
    """The header among a table's first rows, combined with a group row above or below it when the header
    spans two rows.

    Title rows and logo blocks above a table fill one or two cells; the header fills about as many as the
    data, with text rather than numbers. The first such row is the header, unless a later one names at
    least two more known columns (a data row may hold a word like 'Call' or 'Sales', a header holds several);
    a first row of API field names ('StageName', 'OwnerId') is always the header.
    """
    first = next((i for i, row in enumerate(rows) if any(is_filled(c) for c in row)), None)
    if first is None:
        return Header(0, [])
    if first:
        found = detect_header(rows[first:], label)
        return Header(found.row + first, found.names, found.rows)
    rows = rows[:HEADER_SEARCH_ROWS]
    width = max(sum(is_filled(c) for c in row) for row in rows)
    texts = [[c.strip() for c in row if is_text(c)] for row in rows]
    candidates = [i for i, cells in enumerate(texts) if len(cells) >= max(1, (width + 1) // 2)] or [0]
    recognised = {i: _score(texts[i]) for i in candidates}
    best = candidates[0]
    # A header of API names is the header, however many known words a data row below it happens to hold.
    for i in [] if is_api_header(rows[best]) else candidates[1:]:
        if recognised[i] >= recognised[best] + 2:
            best = i
    chosen = Header(best, unique_names(rows[best], label))
    chosen_score = _score(texts[best])
    for upper in (best - 1, best):
        lower = upper + 1
        if upper < 0 or lower >= len(rows):
            continue
        names = _combined(rows[upper], rows[lower])
        if names is None:
            continue
        score = _score([n for n in names if n])
        if score >= chosen_score:
            chosen, chosen_score = Header(lower, unique_names(names, label), 2), score
            break
    return chosen


def _score(cells: list[str]) -> int:
    return count_recognised(cells[:SCORED_CELLS])


def unique_names(cells: list, label) -> list[str]:
    """Headers as unique, stripped text; a blank header becomes 'column N' so no data is lost."""
    seen: dict[str, int] = {}
    cleaned = []
    for position, cell in enumerate(cells):
        text = (
            " ".join(str(cell).split()) if cell is not None and not (isinstance(cell, float) and cell != cell) else ""
        )
        if not text or text.startswith("__UNNAMED__") or text.lower() == "nan":
            text = label(position)
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        cleaned.append(text)
    return cleaned


def drop_empty(frame: pd.DataFrame, generated: set[str]) -> pd.DataFrame:
    """Rows with no value at all, and columns without a header or a value, are not part of the table."""
    frame = frame.dropna(how="all")
    empty = [c for c in frame.columns if c in generated and frame[c].isna().all()]
    return frame.drop(columns=empty) if empty else frame
