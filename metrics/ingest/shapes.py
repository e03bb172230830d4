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
from metrics.text import N_, Message, listing

SHAPES = ("activities", "deals", "summary", "roster")
SHAPE_TITLES = {
    "activities": N_("Activity log"),
    "deals": N_("Deals table"),
    "summary": N_("Rep × period summary"),
    "roster": N_("Roster"),
}
# The roles the engine reads for each shape, in the order the Data page offers them.
SHAPE_ROLES = {
    "activities": (
        "rep",
        "date",
        "activity_type",
        "team",
        "deal_id",
        "record_id",
        "time",
        "done",
        "status",
        "amount",
        "manager",
        "region",
    ),
    "deals": (
        "rep",
        "status",
        "stage",
        "amount",
        "closed",
        "expected_close",
        "created",
        "date",
        "deal_id",
        "record_id",
        "team",
        "satisfaction",
        "activities_count",
        "won",
        "closed_flag",
        "converted",
        "modified",
        "manager",
        "region",
    ),
    "summary": ("rep", "period", "date", "year", "won", "revenue", "satisfaction", "team", "manager", "region"),
    "roster": ("rep", "rep_id", "person_name", "first_name", "last_name", "team", "manager", "region", "target"),
}
REQUIRED = {
    "activities": (("rep",), ("date",), ("activity_type",)),
    "deals": (("rep",), ("status", "stage", "won and amount", "converted")),
    "summary": (("rep",), ("period", "date"), ("activity counts", "won", "revenue")),
    "roster": (("rep",), ("team", "manager", "region", "target")),
}
# Each role in the words of the catalog (pages and sentences translate them where shown).
ROLE_WORDS = {
    "rep": N_("rep"),
    "date": N_("date"),
    "activity_type": N_("activity type"),
    "team": N_("team"),
    "deal_id": N_("deal id"),
    "record_id": N_("activity or record id"),
    "time": N_("time of day"),
    "done": N_("done flag"),
    "manager": N_("manager"),
    "region": N_("region"),
    "status": N_("status"),
    "stage": N_("stage"),
    "amount": N_("amount"),
    "closed": N_("close date"),
    "created": N_("created date"),
    "satisfaction": N_("satisfaction"),
    "activities_count": N_("number of activities"),
    "won": N_("won"),
    "closed_flag": N_("closed flag"),
    "period": N_("week/month"),
    "year": N_("year"),
    "revenue": N_("revenue"),
    "target": N_("target"),
    "account": N_("account"),
    "outcome": N_("outcome"),
    "duration": N_("duration"),
    "activity counts": N_("activity counts"),
    "won and amount": N_("won with amount"),
    "rep_id": N_("rep's id"),
    "person_name": N_("person's name"),
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "converted": N_("converted flag"),
    "expected_close": N_("expected close date"),
    "modified": N_("last modified date"),
}
# What the Data page says of a table's shape, one whole sentence per shape: {why} is what its columns show.
READ_AS = {
    "activities": N_("Read as an activity log: {why}."),
    "deals": N_("Read as a deals table: {why}."),
    "summary": N_("Read as a rep × period summary: {why}."),
    "roster": N_("Read as a roster: {why}."),
}
CHOSEN_AS = {
    "activities": N_("Read as an activity log: your choice."),
    "deals": N_("Read as a deals table: your choice."),
    "summary": N_("Read as a rep × period summary: your choice."),
    "roster": N_("Read as a roster: your choice."),
}
ALONE_AS = {
    "activities": N_("Its columns alone would make it an activity log: {why}."),
    "deals": N_("Its columns alone would make it a deals table: {why}."),
    "summary": N_("Its columns alone would make it a rep × period summary: {why}."),
    "roster": N_("Its columns alone would make it a roster: {why}."),
}
COULD_ALSO_BE = {
    "activities": N_("It could also be an activity log ({why}), but {because}."),
    "deals": N_("It could also be a deals table ({why}), but {because}."),
    "summary": N_("It could also be a rep × period summary ({why}), but {because}."),
    "roster": N_("It could also be a roster ({why}), but {because}."),
}
COMES_FIRST = {
    "activities": N_("both fit as well, and an activity log comes first"),
    "deals": N_("both fit as well, and a deals table comes first"),
    "summary": N_("both fit as well, and a rep × period summary comes first"),
    "roster": N_("both fit as well, and a roster comes first"),
}
MISSING_FOR = {
    "activities": N_("Missing for an activity log: {roles}."),
    "deals": N_("Missing for a deals table: {roles}."),
    "summary": N_("Missing for a rep × period summary: {roles}."),
    "roster": N_("Missing for a roster: {roles}."),
}
# Bare words that a deals export and an activity log share: they are weak evidence of an activity log.
GENERIC_ACTIVITY_HEADERS = {"type", "kind", "category", "date", "dato", "day", "dag", "kanal", "channel"}
STRONG, WEAK = 2, 1
# Between shapes of equal strength: the first one here.
PRECEDENCE = ("activities", "summary counts", "summary", "deals", "summary dates", "roster")


@dataclass
class ShapeChoice:
    """What a table was read as, in words for the Data page, and the close alternative if there is one."""

    shape: str | None
    reason: Message | str = ""
    alternative: str | None = None
    alternative_reason: Message | None = None
    shape_by_user: bool = False
    why: Message | None = None  # what the columns show, without the shape: 'each row is a deal: …'

    def automatic(self) -> Message | None:
        """What the columns alone would make of the table, when the user chose another shape."""
        return Message(ALONE_AS[self.shape], {"why": self.why}) if self.shape else None


def _named(recognition: Recognition, *roles: str) -> Message | str:
    """ "'StageName' as stage and 'Amount' as amount" for the roles the table has."""
    parts = [
        Message(N_("'{column}' as {role}"), {"column": recognition.column(role), "role": role_word(role)})
        for role in roles
        if recognition.has(role)
    ]
    return listing(parts) if parts else ""


def role_word(role: str) -> Message:
    """A role in the catalog's words, to be said in the user's language."""
    return Message(ROLE_WORDS.get(role, role))


def _generic(recognition: Recognition, role: str) -> bool:
    column = recognition.column(role)
    match = recognition.roles.get(role)
    return (
        column is None
        or header_label(column) in GENERIC_ACTIVITY_HEADERS
        or (match is not None and not match.by_user and match.confidence < PREFIXED)
    )


def has_user_names(recognition: Recognition) -> bool:
    return recognition.has("person_name") or recognition.has("first_name", "last_name")


def _is_user_table(recognition: Recognition) -> bool:
    """People with their ids and names and nothing about deals or activities: a CRM's user export."""
    named_rep = recognition.has("rep") and not recognition.rep_is_id
    ids = recognition.has("record_id") or recognition.has("rep_id") or recognition.rep_is_id
    evidence = ("status", "stage", "amount", "won", "converted", "activity_type", "date", "period", "revenue")
    return not named_rep and ids and has_user_names(recognition) and not any(recognition.has(role) for role in evidence)


def _candidates(recognition: Recognition) -> list[tuple[int, str, str, Message]]:
    """(strength, precedence key, shape, reason) for every shape whose needed roles the table has."""
    found = []
    if _is_user_table(recognition):
        people = _named(recognition, "person_name") or _named(recognition, "first_name", "last_name")
        ids = recognition.column("rep_id") or recognition.column("record_id")
        found.append(
            (
                STRONG,
                "roster",
                "roster",
                Message(
                    N_(
                        "it lists people by id ('{ids}') and name ({people}), so the reps other tables give "
                        "as ids are named from it"
                    ),
                    {"ids": ids, "people": people},
                ),
            )
        )
    if not recognition.has("rep") or found:
        return found
    has = recognition.has
    if has("date", "activity_type"):
        specific = (
            not _generic(recognition, "activity_type")
            or not _generic(recognition, "date")
            or any(has(role) for role in ("done", "time", "outcome", "duration"))
        )
        found.append(
            (
                STRONG if specific else WEAK,
                "activities",
                "activities",
                Message(
                    N_("each row is an activity: {columns}"),
                    {"columns": _named(recognition, "date", "activity_type", "done")},
                ),
            )
        )
    period_strong = has("period") and recognition.roles["period"].confidence >= PREFIXED
    if recognition.activity_columns and (has("period") or has("date")):
        counted = ", ".join(f"'{c}'" for c in list(recognition.activity_columns)[:3])
        found.append(
            (
                STRONG,
                "summary counts",
                "summary",
                Message(
                    N_("it counts activities per rep and period: {counted} per {period}"),
                    {"counted": counted, "period": _named(recognition, "period", "date")},
                ),
            )
        )
    elif has("period") and (has("won") or has("revenue")):
        found.append(
            (
                STRONG if period_strong else WEAK,
                "summary",
                "summary",
                Message(
                    N_("it sums results per rep and period: {columns}"),
                    {"columns": _named(recognition, "period", "won", "revenue")},
                ),
            )
        )
    outcome = has("status") or has("stage") or has("converted")
    if outcome or has("won") and has("amount"):
        strong = outcome and (has("amount") or has("won") or has("converted"))
        rows = (
            N_("each row is a lead, won once converted: {columns}")
            if has("converted")
            else N_("each row is a deal: {columns}")
        )
        found.append(
            (
                STRONG if strong else WEAK,
                "deals",
                "deals",
                Message(rows, {"columns": _named(recognition, "stage", "status", "converted", "won", "amount")}),
            )
        )
    if has("date") and (has("won") or has("revenue")) and not any(c[2] == "summary" for c in found):
        found.append(
            (
                WEAK,
                "summary dates",
                "summary",
                Message(
                    N_("it sums results per rep and date: {columns}"),
                    {"columns": _named(recognition, "date", "won", "revenue")},
                ),
            )
        )
    if any(has(role) for role in ("team", "manager", "region", "target")):
        found.append(
            (
                WEAK,
                "roster",
                "roster",
                Message(
                    N_("it gives reps their {columns}"),
                    {"columns": _named(recognition, "team", "manager", "region", "target")},
                ),
            )
        )
    return found


def decide_shape(recognition: Recognition) -> ShapeChoice:
    """The shape a table's columns describe, why, and the close alternative (see the module's docstring)."""
    found = sorted(_candidates(recognition), key=lambda c: (-c[0], PRECEDENCE.index(c[1])))
    if not found:
        return ShapeChoice(None)
    strength, _, shape, why = found[0]
    choice = ShapeChoice(shape, Message(READ_AS[shape], {"why": why}), why=why)
    others = [c for c in found[1:] if c[2] not in (shape, "roster")]
    if others and shape != "roster":
        other_strength, _, other, other_why = others[0]
        because = N_("its evidence is weaker") if other_strength < strength else COMES_FIRST[shape]
        choice.alternative = other
        choice.alternative_reason = Message(COULD_ALSO_BE[other], {"why": other_why, "because": Message(because)})
    return choice


def classify(recognition: Recognition) -> str | None:
    """The input shape a table's columns describe, or None (then missing_roles says what each shape lacks)."""
    return decide_shape(recognition).shape


def _satisfied(recognition: Recognition, role: str) -> bool:
    if role == "activity counts":
        return bool(recognition.activity_columns)
    return recognition.has(*role.split(" and "))


def lacking_roles(recognition: Recognition) -> dict[str, list[Message]]:
    """For each shape, the roles its table still lacks, each as the words that would do ('status, stage or
    converted flag'), to be said in the user's language: {'activities': [date, activity type], ...}."""
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
            words = [role_word(role) for role in alternatives]
            lacking.append(words[0] if len(words) == 1 else listing(words, "or"))
        missing[shape] = lacking
    return missing


def missing_roles(recognition: Recognition) -> dict[str, list[str]]:
    """lacking_roles in plain English: {'activities': ['date', 'activity type'], ...}."""
    return {shape: [str(roles) for roles in lacking] for shape, lacking in lacking_roles(recognition).items()}


def missing_roles_message(recognition: Recognition, shape: str | None = None) -> Message:
    """What a table lacks to be used: the roles missing for `shape`, or else for the table type(s) it comes
    closest to, or for every type when nothing in it was recognised."""
    found = [
        Message(N_("{role} = '{column}'"), {"role": role_word(m.role), "column": m.column})
        for m in recognition.roles.values()
    ]
    missing = lacking_roles(recognition)
    if shape is not None:
        shown = [shape]
    else:
        fewest = min(len(roles) for roles in missing.values())
        shown = [s for s, roles in missing.items() if len(roles) == fewest or not found]
    lacking = listing([Message(MISSING_FOR[s], {"roles": listing(missing[s])}) for s in shown], "sentences")
    if not found:
        return Message(
            N_(
                "No known table was recognised in its columns (recognised: nothing). {lacking} Pick the "
                "columns on the Data page, or download a template there and copy your rows into it."
            ),
            {"lacking": lacking},
        )
    return Message(
        N_(
            "No known table was recognised in its columns (recognised: {found}). {lacking} Pick the columns "
            "on the Data page, or download a template there and copy your rows into it."
        ),
        {"found": listing(found), "lacking": lacking},
    )
