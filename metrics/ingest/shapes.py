"""Which kind of table a table's columns describe, and what a table lacks to be one."""
from __future__ import annotations

from metrics.ingest.recognition import Recognition

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
