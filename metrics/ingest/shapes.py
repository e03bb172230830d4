"""Which kind of table a table's columns describe, why, what else it could be, and what a table lacks to be one.

Each shape has the roles it needs (REQUIRED); a table may have those of several. The shape is then decided by
the strength of the evidence, never by whichever partial match comes first:

- a stage or status column with an amount, a won flag or a converted flag is strong evidence of deals;
- an activity type or a date named as an activity's ('Activity type', 'ActivityDate', 'Task Subtype'), or a
  done flag, time, outcome or duration beside them, is strong evidence of an activity log; a bare 'Type'
  and 'Date' are weak, since a deals export has those too;
- count columns per activity type ('Calls', 'Demos'), or a week or month column, are strong evidence of a
  rep × period summary;
- a table of people (ids with names, and no rep column) is a roster of users.

The strongest shape wins; between equals, an activity log comes first, then a summary with count columns,
then deals. The runner-up, when it too has every role it needs, is kept as the alternative the Data page
offers with one click.
"""
from __future__ import annotations

from dataclasses import dataclass

from metrics.ingest.recognition import PREFIXED, Recognition, header_label

SHAPES = ("activities", "deals", "summary", "roster")
SHAPE_TITLES = {"activities": "Activity log", "deals": "Deals table", "summary": "Rep × period summary",
                "roster": "Roster"}
# The roles the engine reads for each shape, in the order the Data page offers them.
SHAPE_ROLES = {
    "activities": ("rep", "date", "activity_type", "team", "deal_id", "record_id", "time", "done", "status",
                   "amount", "manager", "region"),
    "deals": ("rep", "status", "stage", "amount", "closed", "expected_close", "created", "date", "deal_id",
              "record_id", "team", "satisfaction", "activities_count", "won", "closed_flag", "converted",
              "modified", "manager", "region"),
    "summary": ("rep", "period", "date", "year", "won", "revenue", "satisfaction", "team", "manager", "region"),
    "roster": ("rep", "rep_id", "person_name", "first_name", "last_name", "team", "manager", "region", "target"),
}
REQUIRED = {"activities": (("rep",), ("date",), ("activity_type",)),
            "deals": (("rep",), ("status", "stage", "won and amount", "converted")),
            "summary": (("rep",), ("period", "date"), ("activity counts", "won", "revenue")),
            "roster": (("rep",), ("team", "manager", "region", "target"))}
ROLE_WORDS = {"rep": "rep", "date": "date", "activity_type": "activity type", "team": "team", "deal_id": "deal id",
              "record_id": "activity or record id", "time": "time of day", "done": "done flag",
              "manager": "manager", "region": "region", "status": "status", "stage": "stage", "amount": "amount",
              "closed": "close date", "created": "created date", "satisfaction": "satisfaction",
              "activities_count": "number of activities", "won": "won", "closed_flag": "closed flag",
              "period": "week/month", "year": "year", "revenue": "revenue", "target": "target",
              "account": "account", "outcome": "outcome", "duration": "duration",
              "activity counts": "activity counts", "won and amount": "won with amount",
              "rep_id": "rep's id", "person_name": "person's name", "first_name": "first name",
              "last_name": "last name", "converted": "converted flag", "expected_close": "expected close date",
              "modified": "last modified date"}
# Bare words that a deals export and an activity log share: they are weak evidence of an activity log.
GENERIC_ACTIVITY_HEADERS = {"type", "kind", "category", "date", "dato", "day", "dag", "kanal", "channel"}
STRONG, WEAK = 2, 1
# Between shapes of equal strength: the first one here.
PRECEDENCE = ("activities", "summary counts", "summary", "deals", "summary dates", "roster")


@dataclass
class ShapeChoice:
    """What a table was read as, in words for the Data page, and the close alternative if there is one."""

    shape: str | None
    reason: str = ""
    alternative: str | None = None
    alternative_reason: str | None = None
    shape_by_user: bool = False


def _named(recognition: Recognition, *roles: str) -> str:
    """"'StageName' as stage and 'Amount' as amount" for the roles the table has."""
    parts = [f"'{recognition.column(role)}' as {ROLE_WORDS[role]}" for role in roles if recognition.has(role)]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else ""


def _generic(recognition: Recognition, role: str) -> bool:
    column = recognition.column(role)
    match = recognition.roles.get(role)
    return column is None or header_label(column) in GENERIC_ACTIVITY_HEADERS or (
        match is not None and not match.by_user and match.confidence < PREFIXED)


def has_user_names(recognition: Recognition) -> bool:
    return recognition.has("person_name") or recognition.has("first_name", "last_name")


def _is_user_table(recognition: Recognition) -> bool:
    """People with their ids and names and nothing about deals or activities: a CRM's user export."""
    named_rep = recognition.has("rep") and not recognition.rep_is_id
    ids = recognition.has("record_id") or recognition.has("rep_id") or recognition.rep_is_id
    evidence = ("status", "stage", "amount", "won", "converted", "activity_type", "date", "period", "revenue")
    return (not named_rep and ids and has_user_names(recognition)
            and not any(recognition.has(role) for role in evidence))


def _candidates(recognition: Recognition) -> list[tuple[int, str, str, str]]:
    """(strength, precedence key, shape, reason) for every shape whose needed roles the table has."""
    found = []
    if _is_user_table(recognition):
        people = _named(recognition, "person_name") or _named(recognition, "first_name", "last_name")
        ids = recognition.column("rep_id") or recognition.column("record_id")
        found.append((STRONG, "roster", "roster", f"it lists people by id ('{ids}') and name ({people}), so the "
                      "reps other tables give as ids are named from it"))
    if not recognition.has("rep") or found:
        return found
    has = recognition.has
    if has("date", "activity_type"):
        specific = not _generic(recognition, "activity_type") or not _generic(recognition, "date") or any(
            has(role) for role in ("done", "time", "outcome", "duration"))
        found.append((STRONG if specific else WEAK, "activities", "activities",
                      f"each row is an activity: {_named(recognition, 'date', 'activity_type', 'done')}"))
    period_strong = has("period") and recognition.roles["period"].confidence >= PREFIXED
    if recognition.activity_columns and (has("period") or has("date")):
        counted = ", ".join(f"'{c}'" for c in list(recognition.activity_columns)[:3])
        found.append((STRONG, "summary counts", "summary",
                      f"it counts activities per rep and period: {counted} per "
                      f"{_named(recognition, 'period', 'date')}"))
    elif has("period") and (has("won") or has("revenue")):
        found.append((STRONG if period_strong else WEAK, "summary", "summary",
                      f"it sums results per rep and period: {_named(recognition, 'period', 'won', 'revenue')}"))
    outcome = has("status") or has("stage") or has("converted")
    if outcome or has("won") and has("amount"):
        strong = outcome and (has("amount") or has("won") or has("converted"))
        rows = "each row is a lead, won once converted" if has("converted") else "each row is a deal"
        found.append((STRONG if strong else WEAK, "deals", "deals",
                      f"{rows}: {_named(recognition, 'stage', 'status', 'converted', 'won', 'amount')}"))
    if has("date") and (has("won") or has("revenue")) and not any(c[2] == "summary" for c in found):
        found.append((WEAK, "summary dates", "summary",
                      f"it sums results per rep and date: {_named(recognition, 'date', 'won', 'revenue')}"))
    if any(has(role) for role in ("team", "manager", "region", "target")):
        found.append((WEAK, "roster", "roster",
                      f"it gives reps their {_named(recognition, 'team', 'manager', 'region', 'target')}"))
    return found


def decide_shape(recognition: Recognition) -> ShapeChoice:
    """The shape a table's columns describe, why, and the close alternative (see the module's docstring)."""
    found = sorted(_candidates(recognition), key=lambda c: (-c[0], PRECEDENCE.index(c[1])))
    if not found:
        return ShapeChoice(None)
    strength, _, shape, reason = found[0]
    choice = ShapeChoice(shape, f"Read as {_article(shape)} {SHAPE_TITLES[shape].lower()}: {reason}.")
    others = [c for c in found[1:] if c[2] not in (shape, "roster")]
    if others and shape != "roster":
        other_strength, _, other, other_reason = others[0]
        why = ("its evidence is weaker" if other_strength < strength else
               f"both fit as well, and {_article(shape)} {SHAPE_TITLES[shape].lower()} comes first")
        choice.alternative = other
        choice.alternative_reason = (f"It could also be {_article(other)} {SHAPE_TITLES[other].lower()} "
                                     f"({other_reason}), but {why}.")
    return choice


def classify(recognition: Recognition) -> str | None:
    """The input shape a table's columns describe, or None (then missing_roles says what each shape lacks)."""
    return decide_shape(recognition).shape


def _satisfied(recognition: Recognition, role: str) -> bool:
    if role == "activity counts":
        return bool(recognition.activity_columns)
    return recognition.has(*role.split(" and "))


def missing_roles(recognition: Recognition) -> dict[str, list[str]]:
    """For each shape, the roles (in words) its table still lacks: {'activities': ['date', 'activity type'], ...}."""
    missing = {}
    for shape, needs in REQUIRED.items():
        lacking = []
        for alternatives in needs:
            if shape == "roster" and alternatives == ("rep",) and _is_user_table(recognition):
                continue
            if shape == "roster" and _is_user_table(recognition):
                break
            if any(_satisfied(recognition, role) for role in alternatives):
                continue
            lacking.append(_either([ROLE_WORDS[role] for role in alternatives]))
        missing[shape] = lacking
    return missing


def _either(words: list[str], joiner: str = "or") -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def missing_roles_message(recognition: Recognition, shape: str | None = None) -> str:
    """What a table lacks to be used: the roles missing for `shape`, or else for the table type(s) it comes
    closest to, or for every type when nothing in it was recognised."""
    found = ", ".join(f"{ROLE_WORDS.get(m.role, m.role)} = '{m.column}'" for m in recognition.roles.values())
    missing = missing_roles(recognition)
    if shape is not None:
        shown = [shape]
    else:
        fewest = min(len(roles) for roles in missing.values())
        shown = [s for s, roles in missing.items() if len(roles) == fewest or not found]
    lacking = " ".join(f"Missing for {_article(s)} {SHAPE_TITLES[s].lower()}: {_either(missing[s], 'and')}."
                       for s in shown)
    return (f"No known table was recognised in its columns (recognised: {found or 'nothing'}). {lacking} Pick the "
            "columns on the Data page, or download a template there and copy your rows into it.")


def _article(shape: str) -> str:
    return "an" if shape == "activities" else "a"
