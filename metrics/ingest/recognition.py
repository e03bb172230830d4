"""Recognise what each column of an upload means: its role (rep, date, amount, ...) and how sure we are.

Headers are compared after header_label: case, punctuation, accents and Pipedrive's "Entity - Field" dash
(hyphen or en dash) do not matter, and API names are split into their words ('StageName', 'OwnerId',
'Owner.External_Id__c', 'hubspot_owner_id' read as 'stage name', 'owner id', 'owner external id',
'hubspot owner id'). A header combined from a two-row header ("Activities - Calls", "Deal - Owner") is also
matched by its last part.

A header that only ends with a known word ('Total revenue') is a weaker, partial match. The head of an
English compound is its last word, so 'Sales cycle days' is no revenue and 'Close date pushed' no date; a
header with a word that qualifies the field away ('Last activity date', 'Expected revenue', 'Created by') or
that names a flag ('IsWon', 'HasOpenActivity') is matched only as a whole.

When the table's cells are at hand, each candidate column is checked against its values, column by column
and on a sample of distinct values, never row by row: a date role needs dates, an amount numbers, a count
column plain counts, and a rep is not a column of 1s and blanks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from metrics.ingest.values import is_task_status, lacks_year, parse_amounts, parse_dates, parse_periods
from metrics.scenarios import SCENARIOS
from metrics.text import normalise_label

ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "rep": (
        "rep",
        "sales rep",
        "rep name",
        "salesperson",
        "sales person",
        "seller",
        "selger",
        "saelger",
        "deal owner",
        "opportunity owner",
        "owner",
        "assigned",
        "assigned to",
        "activity assigned to user",
        "assigned to user",
        "activity owner",
        "sales agent",
        "agent",
        "account executive",
        "user",
        "employee",
        "ansatt",
        "konsulent",
        "consultant",
        "radgiver",
        "ansvarlig",
        "eier",
        "owner name",
        "owner full name",
        "owner alias",
        "deal owner name",
        "opportunity owner name",
        "assigned to name",
        "sales rep name",
        "employee name",
        "user full name",
        "selger navn",
        "lead owner",
        "task owner",
        "event owner",
        "contact owner",
        "account owner",
    ),
    # Reps given as ids, as CRM APIs and Data Loader export them; without a rep name they are the rep.
    "rep_id": (
        "owner id",
        "rep id",
        "user id",
        "sales rep id",
        "salesperson id",
        "seller id",
        "owner employee id",
        "employee id",
        "owner external id",
        "owner user id",
        "hubspot owner id",
        "deal owner id",
        "assigned to id",
        "assigned user id",
        "agent id",
        "sales agent id",
        "account executive id",
        "selger id",
        "ansatt id",
        "ansattnummer",
        "employee number",
        "owner employee number",
        "user external id",
        "sales rep external id",
        "rep external id",
    ),
    "date": (
        "date",
        "dato",
        "activity date",
        "activity due date",
        "due date",
        "activity time",
        "activity datetime",
        "day",
        "dag",
        "aktivitetsdato",
        "completed date",
        "timestamp",
        "event date",
        "meeting date",
        "task date",
        "call date",
        "date of activity",
        "activity timestamp",
        "completed on",
        "done on",
        "activity done date",
        "marked as done time",
    ),
    "activity_type": (
        "activity type",
        "type",
        "activity",
        "aktivitet",
        "aktivitetstype",
        "task subtype",
        "task type",
        "activity kind",
        "subtype",
        "kanal",
        "channel",
        "event subtype",
        "event type",
        "engagement type",
        "type of activity",
        "communication type",
    ),
    "team": (
        "team",
        "avdeling",
        "department",
        "sales team",
        "group",
        "gruppe",
        "squad",
        "business unit",
        "user role name",
        "user role",
        "role name",
        "team name",
        "sales team name",
        "owner team",
        "owner user role name",
    ),
    "manager": ("manager", "sales manager", "team lead", "team leader", "leder", "sjef", "teamleder", "manager name"),
    "region": ("region", "regional office", "office", "kontor", "area", "territory", "distrikt"),
    "deal_id": (
        "deal id",
        "deal",
        "opportunity id",
        "opportunity",
        "record id",
        "opportunity_id",
        "deal record id",
        "associated deal",
        "associated deal ids",
        "avtale id",
        "avtalenummer",
        "sak id",
        "deal number",
        "deal name",
        "opportunity name",
        "deal title",
        "avtale",
        "avtalenavn",
        "sak",
        "saksnummer",
        "what id",
        "what external id",
        "related to id",
        "opportunity external id",
        "deal external id",
        "associated deal id",
        "dealname",
    ),
    "record_id": (
        "id",
        "activity id",
        "task id",
        "event id",
        "call id",
        "aktivitet id",
        "aktivitets id",
        "aktivitetsid",
        "row id",
        "rad id",
        "lopenummer",
        "engagement id",
        "activity record id",
        "external id",
        "object id",
        "hs object id",
        "meeting id",
        "note id",
        "lead id",
    ),
    "time": (
        "time",
        "tid",
        "klokkeslett",
        "start time",
        "due time",
        "activity due time",
        "starttid",
        "kl",
        "time of day",
    ),
    "account": (
        "account",
        "account name",
        "company",
        "company name",
        "kunde",
        "customer",
        "client",
        "organization",
        "organisation",
        "org",
        "firma",
        "deal organization",
        "kundenavn",
    ),
    "outcome": (
        "outcome",
        "result",
        "call result",
        "activity outcome",
        "resultat",
        "utfall",
        "call outcome",
        "call disposition",
        "disposition",
    ),
    "duration": (
        "duration",
        "duration min",
        "duration minutes",
        "varighet",
        "minutes",
        "minutter",
        "call duration",
        "activity duration",
        "duration in minutes",
        "call duration in seconds",
    ),
    "status": (
        "status",
        "deal status",
        "won lost",
        "opportunity status",
        "utfall avtale",
        "avtalestatus",
        "lead status",
        "task status",
        "activity status",
        "hs task status",
        "lead stage",
    ),
    "stage": (
        "stage",
        "deal stage",
        "opportunity stage",
        "pipeline stage",
        "fase",
        "steg",
        "salgsfase",
        "stage name",
        "dealstage",
        "deal stage name",
        "opportunity stage name",
        "sales stage",
    ),
    "amount": (
        "amount",
        "value",
        "deal value",
        "close value",
        "belop",
        "verdi",
        "deal amount",
        "opportunity amount",
        "avtaleverdi",
        "deal size",
        "contract value",
        "amount in company currency",
        "opportunity value",
    ),
    "created": (
        "create date",
        "created",
        "created date",
        "engage date",
        "opprettet",
        "deal created",
        "add time",
        "deal add time",
        "deal created on",
        "created on",
        "opened",
        "start date",
        "created at",
        "createdate",
        "create time",
        "created time",
        "date created",
        "creation date",
        "opprettet dato",
        "lead created",
        "deal create date",
        "opened date",
    ),
    "closed": (
        "close date",
        "closed date",
        "deal close time",
        "closed on",
        "lukket",
        "avsluttet",
        "lukkedato",
        "lukket dato",
        "avsluttet dato",
        "dato lukket",
        "closedate",
        "closing date",
        "actual close date",
        "closed at",
        "close time",
        "date closed",
        "deal closed on",
        "converted date",
        "conversion date",
        "won date",
        "lost date",
        "won time",
        "lost time",
        "deal won time",
    ),
    "expected_close": (
        "expected close date",
        "deal expected close date",
        "forventet lukkedato",
        "expected closing date",
        "estimated close date",
        "projected close date",
    ),
    "modified": (
        "last modified date",
        "modified date",
        "last modified",
        "modified",
        "updated at",
        "last updated",
        "update time",
        "modified time",
        "last modified time",
        "sist endret",
        "endret",
        "updated",
        "lastmodifieddate",
        "last update",
    ),
    "satisfaction": (
        "satisfaction",
        "csat",
        "customer satisfaction",
        "kundetilfredshet",
        "client satisfaction",
        "client experience score",
        "tilfredshet",
        "nps",
        "satisfaction score",
        "cx score",
    ),
    "won": (
        "won",
        "vunnet",
        "won deals",
        "avtaler vunnet",
        "deals won",
        "wins",
        "customers acquired",
        "projects secured",
        "new clients",
        "is won",
        "closed won",
        "antall vunnet",
        "is closed won",
    ),
    "converted": ("converted", "is converted", "lead converted", "konvertert", "converted to customer"),
    "revenue": (
        "revenue",
        "omsetning",
        "inntekt",
        "sales",
        "campaign revenue",
        "won revenue",
        "won amount",
        "salg",
        "revenue won",
        "inntekter",
    ),
    "period": (
        "week",
        "uke",
        "month",
        "maned",
        "period",
        "periode",
        "mnd",
        "ukenummer",
        "year week",
        "ukenr",
        "uke nr",
        "week number",
        "month name",
        "year month",
        "ar mnd",
        "ar uke",
    ),
    "year": ("year", "ar", "aar", "arstall", "fiscal year", "regnskapsar"),
    "target": ("target", "mal", "quota", "budsjett", "budget", "sales target", "maltall"),
    "activities_count": (
        "number of sales activities",
        "number of activities",
        "activities",
        "antall aktiviteter",
        "activity count",
        "sales activities",
        "done activities",
        "completed activities",
        "number of completed activities",
        "total activities",
    ),
    "closed_flag": ("closed", "is closed", "lukket status", "hs is closed"),
    "done": ("done", "activity done", "completed", "utfort", "ferdig", "marked as done", "is done", "is completed"),
    "person_name": ("name", "full name", "navn", "fullt navn", "display name"),
    "first_name": ("first name", "firstname", "fornavn", "given name"),
    "last_name": ("last name", "lastname", "surname", "etternavn", "family name"),
}
# Headers that are known and mean none of the roles: matched as a whole, so no part of them is taken
# for a role ('Deal Type' is no activity type, 'Created By' a person and not a date).
NOT_A_ROLE = (
    "created by",
    "created by id",
    "modified by",
    "last modified by",
    "last modified by id",
    "creator",
    "deal creator",
    "deal type",
    "opportunity type",
    "lead type",
    "record type",
    "user type",
    "account type",
    "forecast category",
    "forecast category name",
    "lead source",
    "next step",
    "probability",
    "fiscal period",
    "fiscal quarter",
    "fiscal",
    "age",
    "currency",
    "annual revenue",
    "expected revenue",
    "weighted amount",
    "weighted value",
    "next activity date",
    "last activity date",
    "last activity",
    "last activity time",
    "system modstamp",
    "last viewed date",
    "last referenced date",
    "account id",
    "contact id",
    "who id",
    "company id",
    "lead conversion time",
)
# Second choices: a column that is right only when nothing better is there ('Won time' dates won deals only).
WEAKER = {
    "won date": 0.85,
    "lost date": 0.85,
    "won time": 0.85,
    "lost time": 0.85,
    "deal won time": 0.85,
    "total activities": 0.85,
    "converted date": 0.85,
    "conversion date": 0.85,
    "user": 0.85,
    "external id": 0.85,
    "object id": 0.85,
    "what id": 0.85,
    "related to id": 0.85,
    "employee": 0.85,
    "account owner": 0.8,
    "contact owner": 0.8,
    "opportunity": 0.85,
    "deal": 0.85,
    # Salesforce's subtype says Task, Email or Call; its Type (or a custom Type__c) says more.
    "task subtype": 0.9,
    "event subtype": 0.9,
    "subtype": 0.9,
}
# Prefixes CRMs put before a field name, as in Pipedrive's "Activity - Type" or "Deal - Owner"; 'hs' is
# HubSpot's own (hs_object_id, hs_task_status).
ENTITY_PREFIXES = (
    "activity",
    "deal",
    "opportunity",
    "person",
    "organization",
    "organisation",
    "lead",
    "contact",
    "task",
    "event",
    "company",
    "hs",
    "engagement",
    "call",
    "meeting",
)
# A role that says what an activity is, read from under a prefix only when the prefix is an activity:
# 'Deal - Type' is the deal's type.
ACTIVITY_ENTITIES = ("activity", "task", "event", "engagement", "call", "meeting", "hs")
ACTIVITY_ROLES = ("activity_type", "time", "done")
EXACT_ONLY_ROLES = ("person_name", "first_name", "last_name")
# Known words too general to stand for their role at the end of a longer header ('User Type', 'Lead
# Conversion Time', 'Product group', 'Deal - Done activities' are none of them).
GENERIC_TAILS = {
    "type",
    "name",
    "user",
    "time",
    "day",
    "deal",
    "opportunity",
    "group",
    "done",
    "completed",
    "activity",
    "activities",
    "id",
    "closed",
    "opened",
    "subtype",
    "employee",
}
# Words that qualify a field into another one: a header with one is matched only as a whole.
QUALIFIERS = {
    "last",
    "next",
    "modified",
    "updated",
    "update",
    "viewed",
    "referenced",
    "modstamp",
    "expected",
    "weighted",
    "annual",
    "potential",
    "forecast",
    "projected",
    "previous",
    "reminder",
    "bounced",
    "by",
    "pushed",
    "currency",
    "probability",
    "planned",
    "overdue",
    "open",
    "estimated",
    "average",
    "avg",
    "converted",
}
FLAG_WORDS = ("is", "has")
ID_WORDS = {"id", "ids", "key", "number", "nr", "nummer"}
UNIT_WORDS = {"nok", "kr", "usd", "eur", "sek", "dkk", "gbp", "chf"}  # a currency after a field: 'Beløp NOK'

NAME_WORDS = {"name", "title", "navn", "tittel"}
DATE_ROLES = ("date", "closed", "created", "expected_close", "modified")
NUMBER_ROLES = ("amount", "revenue", "target", "satisfaction", "activities_count", "duration")
TEXT_ROLES = ("rep", "rep_id", "team", "manager", "region", "activity_type", "person_name", "first_name", "last_name")
# The roles a wholly blank column may still be given, by its whole header: they say what the table is
# (a blank 'Deal Stage' still makes a deals table, whose deals then count as open).
BLANK_ROLES = ("rep", "stage", "status", "date", "activity_type", "amount", "won")

EXACT, PREFIXED, GROUPED, PARTIAL = 1.0, 0.9, 0.8, 0.6
SAMPLE_ROWS = 5000  # how many cells of a column its values are judged by
# What a two-row header or a CRM puts between a group and a field: "Deal - Owner", "Activities › Calls".
_GROUP_SEPARATOR = re.compile(r"\s+[-\u2013\u2014/|›>]\s+|\s*[:›]\s+")
# Words before an activity in a count column's header: "Antall samtaler", "Number of calls", "# demos".
_COUNT_PREFIX = re.compile(r"^(?:antall|ant|number of|no of|count of|num|n|sum of|sum)\s+")
_CUSTOM_SUFFIX = re.compile(r"__[a-z]$", re.IGNORECASE)  # Salesforce custom fields and relations: Type__c
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PARENTHESIS = re.compile(r"\([^)]*\)")
_PLAIN_COUNT = r"-?[0-9]+(?:[.,][0-9]+)?"
_BOOLEAN_LIKE = {"0", "1", "true", "false", "yes", "no", "y", "n", "x", "ja", "nei"}


@dataclass
class ColumnMatch:
    role: str
    column: str
    confidence: float
    by_user: bool = False


@dataclass
class Recognition:
    """How a table's columns were understood."""

    roles: dict[str, ColumnMatch] = field(default_factory=dict)
    activity_columns: dict[str, str] = field(default_factory=dict)  # column → activity type, for rep × period sheets
    unrecognised: list[str] = field(default_factory=list)
    # For each role, the other columns that would also fit it, best first: where the chosen column is blank on
    # a row, a parser may take the value from these ('Type' blank, 'TaskSubtype' filled).
    fallbacks: dict[str, list[str]] = field(default_factory=dict)

    def column(self, role: str) -> str | None:
        match = self.roles.get(role)
        return match.column if match else None

    def has(self, *roles: str) -> bool:
        return all(role in self.roles for role in roles)

    @property
    def rep_is_id(self) -> bool:
        """Whether the rep column holds ids ('OwnerId', 'rep_id'), which only a roster can name."""
        column = self.column("rep")
        return column is not None and is_id_header(column)


def split_api_name(header: str) -> str:
    """'Stage Name' for 'StageName', 'Owner External Id' for 'Owner.External_Id__c': an API name in words."""
    text = _CUSTOM_SUFFIX.sub("", str(header).strip())
    text = text.replace("_", " ").replace(".", " ")
    return _CAMEL.sub(" ", text)


def header_label(header: str) -> str:
    """A header as matching compares it: API names split into words, then normalise_label."""
    return normalise_label(split_api_name(header))


def is_id_header(header: str) -> bool:
    words = header_label(header).split()
    return bool(words) and words[-1] in ID_WORDS


def is_name_header(header: str) -> bool:
    """Whether a header names things by name ('Opportunity Name', 'Deal title'): names repeat, ids don't."""
    return bool(set(header_label(header).split()) & NAME_WORDS)


_SYNONYM_INDEX = {normalise_label(word): role for role, words in ROLE_SYNONYMS.items() for word in words}
_IGNORED = {normalise_label(word) for word in NOT_A_ROLE}
_WEAKER = {normalise_label(word): factor for word, factor in WEAKER.items()}
_ACTIVITY_WORDS = {
    normalise_label(word): activity.key
    for scenario in SCENARIOS.values()
    for activity in scenario.activity_types
    for word in (activity.key, activity.label, *activity.synonyms)
}


def split_group(header: str) -> tuple[str, str] | None:
    """('Deal', 'Owner') for 'Deal - Owner': the group and the field of a combined header, or None."""
    parts = _GROUP_SEPARATOR.split(str(header).strip())
    if len(parts) < 2 or not parts[-1].strip():
        return None
    return " ".join(parts[:-1]).strip(), parts[-1].strip()


def _prefixed_fits(role: str, entity: str) -> bool:
    if role in EXACT_ONLY_ROLES:
        return False
    return role not in ACTIVITY_ROLES or entity in ACTIVITY_ENTITIES


def _exact(label: str) -> tuple[str, float] | None:
    if label in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[label], EXACT * _WEAKER.get(label, 1.0)
    return None


def _labels(header: str) -> list[str]:
    """The header's label: with an API name split into words, as it is, and without a unit ('Amount (NOK)',
    'Beløp kr'), each when it differs."""
    text = str(header)
    bare = _PARENTHESIS.sub(" ", text) if "(" in text else text
    labels = [header_label(header), normalise_label(header), header_label(bare)]
    words = labels[-1].split()
    if len(words) > 1 and words[-1] in UNIT_WORDS:
        labels.append(" ".join(words[:-1]))
    return list(dict.fromkeys(label for label in labels if label))


def _candidates(header: str) -> list[tuple[str, float]]:
    found: dict[str, float] = {}
    for label in _labels(header):
        if label in _IGNORED:
            return []
        exact = _exact(label)
        if exact:
            found.setdefault(*exact)
        grouped = split_group(header)
        field_label = label
        if grouped:
            group_label, field_label = normalise_label(grouped[0]), header_label(grouped[1])
            group = group_label.rstrip("s")
            if field_label in _IGNORED:
                return sorted(found.items(), key=lambda item: -item[1])
            exact = _exact(field_label)
            if exact and (group not in ENTITY_PREFIXES or _prefixed_fits(exact[0], group)):
                confidence = PREFIXED if group in ENTITY_PREFIXES else GROUPED
                found.setdefault(exact[0], confidence * _WEAKER.get(field_label, 1.0))
        first, _, rest = label.partition(" ")
        if first in ENTITY_PREFIXES and rest in _SYNONYM_INDEX and rest not in _IGNORED:
            role = _SYNONYM_INDEX[rest]
            if _prefixed_fits(role, first):
                found.setdefault(role, PREFIXED * _WEAKER.get(rest, 1.0))
        for role, confidence in _partial(field_label):
            found.setdefault(role, confidence)
    return sorted(found.items(), key=lambda item: -item[1])


def _partial(label: str) -> list[tuple[str, float]]:
    """Roles whose word ends the header: 'Total revenue' → revenue. See the module's docstring for the rules."""
    words = label.split()
    if len(words) < 2 or words[0] in FLAG_WORDS or QUALIFIERS & set(words) or label in _IGNORED:
        return []
    found = []
    for size in range(len(words) - 1, 0, -1):
        tail = " ".join(words[-size:])
        role = _SYNONYM_INDEX.get(tail)
        if role is None or tail in GENERIC_TAILS or len(tail) <= 3 or role in EXACT_ONLY_ROLES:
            continue
        if words[-1] in ID_WORDS and role not in ("deal_id", "record_id", "rep_id"):
            continue
        found.append((role, PARTIAL))
        break
    return found


def activity_text_of_header(header: str) -> str:
    """The words in a count column's header that name its activity: 'Samtaler' for 'Aktiviteter - Samtaler',
    'samtaler' for 'Antall samtaler'; the header itself when nothing is to be taken away."""
    grouped = split_group(header)
    for text in ([grouped[1]] if grouped else []) + [str(header)]:
        label = normalise_label(text)
        if label in _ACTIVITY_WORDS:
            return text.strip()
        stripped = _COUNT_PREFIX.sub("", label)
        if stripped in _ACTIVITY_WORDS:
            return stripped
    return str(header).strip()


def activity_type_of_header(header: str) -> str | None:
    """The activity type a count column stands for, as in a rep × period sheet's 'Samtaler', 'Demos',
    'Antall møter' or, under a two-row header, 'Activities - Calls'."""
    labels = [normalise_label(header)]
    grouped = split_group(header)
    if grouped:
        labels.append(normalise_label(grouped[1]))
    for label in labels:
        for candidate in (label, _COUNT_PREFIX.sub("", label)):
            if candidate in _ACTIVITY_WORDS:
                return _ACTIVITY_WORDS[candidate]
    return None


def is_known_header(header: str) -> bool:
    """A header this app knows: one with a role, a count column's, or one known to mean none ('Lead Source')."""
    return (
        bool(_candidates(header))
        or activity_type_of_header(header) is not None
        or any(label in _IGNORED for label in _labels(header))
    )


def count_recognised(headers: list[str]) -> int:
    return sum(is_known_header(h) for h in headers)


class ValueCheck:
    """Whether a column's values fit a role, judged once per column on a sample of its distinct values."""

    def __init__(self, frame: pd.DataFrame | None):
        self.frame = frame
        self._samples: dict[str, pd.Series] = {}
        self._fits: dict[tuple[str, str], bool] = {}

    def sample(self, column: str) -> pd.Series:
        if self.frame is None:
            return pd.Series(dtype="string")
        if column not in self._samples:
            values = self.frame[column].head(SAMPLE_ROWS).astype("string").str.strip()
            self._samples[column] = pd.Series(values[values.notna() & (values != "")].unique(), dtype="string")
        return self._samples[column]

    def blank(self, column: str) -> bool:
        return self.frame is not None and column in self.frame and self.sample(column).empty

    def fits(self, role: str, column: str) -> bool:
        if self.frame is None or column not in self.frame:
            return True
        key = (role, column)
        if key not in self._fits:
            self._fits[key] = self._judge(role, column)
        return self._fits[key]

    def _judge(self, role: str, column: str) -> bool:
        values = self.sample(column)
        if values.empty:
            return True
        if role in TEXT_ROLES and values.str.lower().isin(_BOOLEAN_LIKE).all():
            return False
        if role in DATE_ROLES:
            dates = parse_dates(values)
            if role == "date":
                dates = dates.fillna(parse_periods(values.where(dates.isna())))
            return bool(dates.notna().mean() >= 0.5)
        if role in NUMBER_ROLES:
            return bool(parse_amounts(values).notna().mean() >= 0.5)
        if role == "period":
            return bool((parse_periods(values).notna() | lacks_year(values)).mean() >= 0.5)
        return True

    def counts(self, column: str) -> bool:
        """Whether a column holds counts, as a rep × period sheet's 'Calls' does, and not phone numbers."""
        if self.frame is None or column not in self.frame:
            return True
        values = self.sample(column)
        return not values.empty and bool(values.str.fullmatch(_PLAIN_COUNT).mean() >= 0.9)


def _move(recognition: Recognition, role: str, to: str) -> None:
    match = recognition.roles.pop(role)
    recognition.roles[to] = ColumnMatch(to, match.column, match.confidence, match.by_user)


def recognise(
    headers: list[str], overrides: dict[str, str | None] | None = None, frame: pd.DataFrame | None = None
) -> Recognition:
    """Assign each role its best column, the surest matches first; the user's overrides win.

    An override maps a role to a column name, or to None to say the role is not in the table. With `frame`,
    the table's cells, a column whose values don't fit a role is given it only when no column that fits does
    (and never by a partial match), a wholly blank column is given only a role that says what the table is
    (BLANK_ROLES), after any filled column that fits it, and a status
    column of task statuses (Completed, Not Started) is the done flag. A rep given only as ids ('OwnerId')
    is the rep.
    """
    overrides = overrides or {}
    check = ValueCheck(frame)
    recognition = Recognition()
    taken: set[str] = set()
    for role, column in overrides.items():
        if column is not None and column in headers and role in ROLE_SYNONYMS:
            recognition.roles[role] = ColumnMatch(role, column, EXACT, by_user=True)
            taken.add(column)
    proposals = sorted(
        (
            (confidence, position, role, header)
            for position, header in enumerate(headers)
            for role, confidence in _candidates(header)
            if (confidence > PARTIAL or check.fits(role, header))
            and (not check.blank(header) or role in BLANK_ROLES and confidence > PARTIAL)
        ),
        key=lambda item: (check.blank(item[3]), not check.fits(item[2], item[3]), -item[0], item[1]),
    )
    for confidence, _, role, header in proposals:
        if header in taken or role in recognition.roles or role in overrides:
            continue
        recognition.roles[role] = ColumnMatch(role, header, confidence)
        taken.add(header)
    for _confidence, _, role, header in proposals:
        if header not in taken and role in recognition.roles:
            recognition.fallbacks.setdefault(role, []).append(header)
    if "rep" not in recognition.roles and "rep" not in overrides and "rep_id" in recognition.roles:
        _move(recognition, "rep_id", "rep")
    status = recognition.roles.get("status")
    if (
        frame is not None
        and status is not None
        and not status.by_user
        and "done" not in recognition.roles
        and "done" not in overrides
        and is_task_status(check.sample(status.column))
    ):
        _move(recognition, "status", "done")  # Completed / Not Started: whether the task was done
    for header in headers:
        if header in taken:
            continue
        activity = activity_type_of_header(header)
        if activity is not None and check.counts(header):
            recognition.activity_columns[header] = activity
        else:
            recognition.unrecognised.append(header)
    return recognition
