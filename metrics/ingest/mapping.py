"""The user's choices as a mapping: checked when a saved file comes back, written for download, and matched to
tables."""

from __future__ import annotations

import json

from metrics.errors import InputError
from metrics.ingest.frames import RawTable
from metrics.ingest.recognition import ROLE_SYNONYMS
from metrics.ingest.shapes import SHAPES
from metrics.ingest.values import STATUSES
from metrics.scenarios import SCENARIOS
from metrics.text import N_, Message, listing

MAPPING_VERSION = 1
MAX_MAPPING_BYTES = 1024 * 1024


def validate_mapping(raw: bytes | str | dict) -> dict:
    """A mapping as load() takes it, from a saved mapping file; an InputError says what is wrong with it.

    {"version": 1,
     "columns": {source: {role: column or null}},        source is 'file.csv' or 'book.xlsx › Sheet'
     "statuses": {raw text: "won" | "lost" | "open"},
     "activity_types": {raw text: activity key, or null to leave those rows out},
     "shapes": {source: "activities" | "deals" | "summary" | "roster"}}   what a table is read as
    """
    if isinstance(raw, (bytes, str)):
        raw = _decoded(raw)
    if not isinstance(raw, dict):
        raise InputError(
            N_(
                "This is not a mapping file: it should hold an object with 'columns', 'statuses' and "
                "'activity_types'. Upload the .json file the Data page saved."
            )
        )
    problems: list[Message] = []
    columns = _checked_columns(raw.get("columns", {}), problems)
    statuses = _checked_statuses(raw.get("statuses", {}), problems)
    activity_types = _checked_activity_types(raw.get("activity_types", {}), problems)
    shapes = _checked_shapes(raw.get("shapes", {}), problems)
    if problems:
        raise InputError(
            N_("This mapping file can't be used: {problems}. Save a new one on the Data page."),
            problems=listing(problems[:5], "list"),
        )
    valid = {
        "columns": {s: dict(r) for s, r in columns.items()},
        "statuses": dict(statuses),
        "activity_types": dict(activity_types),
    }
    if shapes:
        valid["shapes"] = dict(shapes)
    return valid


def _decoded(raw: bytes | str):
    if len(raw) > MAX_MAPPING_BYTES:
        raise InputError(
            N_("This mapping file is far larger than a mapping. Upload the .json file the Data page saved.")
        )
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(
            N_(
                "This is not a mapping file: it is not valid JSON (it goes wrong at line "
                "{line:count}, column {column:count}). Upload the .json file the Data page "
                "saved."
            ),
            line=error.lineno,
            column=error.colno,
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise InputError(
            N_("This is not a mapping file: it is not valid JSON. Upload the .json file the Data page saved.")
        ) from None


def _checked_columns(columns, problems: list[Message]) -> dict:
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in columns.items()):
        problems.append(Message(N_("'columns' should map each table to its roles")))
        return {}
    for source, roles in columns.items():
        for role, column in roles.items():
            if role not in ROLE_SYNONYMS:
                problems.append(
                    Message(N_("'{role}' (in {source}) is not a role this app knows"), {"role": role, "source": source})
                )
            elif column is not None and not isinstance(column, str):
                problems.append(
                    Message(
                        N_("the column for '{role}' in {source} should be a column name or null"),
                        {"role": role, "source": source},
                    )
                )
    return columns


def _checked_statuses(statuses, problems: list[Message]) -> dict:
    if not isinstance(statuses, dict):
        problems.append(Message(N_("'statuses' should map status texts to won, lost or open")))
        return {}
    for text, status in statuses.items():
        if status not in STATUSES:
            problems.append(
                Message(
                    N_("the status for '{text}' should be won, lost or open, not {status}"),
                    {"text": text, "status": repr(status)},
                )
            )
    return statuses


def _checked_activity_types(activity_types, problems: list[Message]) -> dict:
    if not isinstance(activity_types, dict):
        problems.append(Message(N_("'activity_types' should map activity texts to activity types")))
        return {}
    activity_keys = {a.key for scenario in SCENARIOS.values() for a in scenario.activity_types}
    for text, key in activity_types.items():
        if key is not None and key not in activity_keys:
            problems.append(
                Message(
                    N_("'{key}' (for '{text}') is not an activity type of any scenario"),
                    {"key": str(key), "text": text},
                )
            )
    return activity_types


def _checked_shapes(shapes, problems: list[Message]) -> dict:
    if not isinstance(shapes, dict):
        problems.append(Message(N_("'shapes' should map each table to what it is read as")))
        return {}
    for source, shape in shapes.items():
        if shape not in SHAPES:
            problems.append(
                Message(
                    N_("'{shape}' (for {source}) is not a kind of table this app reads; use one of {shapes}"),
                    {"shape": str(shape), "source": source, "shapes": ", ".join(SHAPES)},
                )
            )
    return shapes


def mapping_json(mapping: dict) -> str:
    """The mapping as the file the Data page offers for download."""
    return json.dumps(
        {
            "version": MAPPING_VERSION,
            "columns": mapping.get("columns", {}),
            "statuses": mapping.get("statuses", {}),
            "activity_types": mapping.get("activity_types", {}),
            "shapes": mapping.get("shapes", {}),
        },
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def _sheet_of(source: str) -> str | None:
    return source.split(" › ", 1)[1] if " › " in source else None


def _saved_source(table: RawTable, columns: dict[str, dict]) -> str | None:
    """The table the user's choices were saved under: its own name, or else any table of the same sheet name
    whose chosen columns all exist here (next week's export of the same CRM has a new file name)."""
    if table.source in columns:
        return table.source
    headers = set(table.frame.columns)
    fitting = [
        (sum(c is not None for c in roles.values()), source)
        for source, roles in columns.items()
        if _sheet_of(source) == table.sheet
        and any(c is not None for c in roles.values())
        and all(c is None or c in headers for c in roles.values())
    ]
    return max(fitting)[1] if fitting else None


def overrides_for(table: RawTable, columns: dict[str, dict]) -> dict[str, str | None] | None:
    """The user's column choices for a table (see _saved_source)."""
    source = _saved_source(table, columns)
    return columns[source] if source is not None else None


def shape_for(table: RawTable, mapping: dict) -> str | None:
    """What the user chose to read a table as, if they did: saved under its name, or under the table whose
    column choices it takes."""
    shapes = mapping.get("shapes", {})
    if table.source in shapes:
        return shapes[table.source]
    source = _saved_source(table, mapping.get("columns", {}))
    return shapes.get(source) if source is not None else None
