"""Recognise what each column of an upload means: its role (rep, date, amount, ...) and how sure we are.

Headers are compared after normalise_label, so case, punctuation, accents and Pipedrive's
"Entity - Field" dash (hyphen or en dash) do not matter. A header combined from a two-row header
("Activities - Calls", "Deal - Owner") is also matched by its last part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from metrics.scenarios import SCENARIOS
from metrics.text import normalise_label

ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "rep": ("rep", "sales rep", "rep name", "salesperson", "sales person", "seller", "selger", "saelger",
            "deal owner", "opportunity owner", "owner", "assigned", "assigned to", "activity assigned to user",
            "assigned to user", "activity owner", "sales agent", "agent", "account executive", "user",
            "employee", "ansatt", "konsulent", "consultant", "radgiver", "ansvarlig", "eier"),
    "date": ("date", "dato", "activity date", "activity due date", "due date", "activity time", "activity datetime",
             "day", "dag", "aktivitetsdato", "completed date", "timestamp"),
    "activity_type": ("activity type", "type", "activity", "aktivitet", "aktivitetstype", "task subtype",
                      "task type", "activity kind", "subtype", "kanal", "channel"),
    "team": ("team", "avdeling", "department", "sales team", "group", "gruppe", "squad", "business unit"),
    "manager": ("manager", "sales manager", "team lead", "team leader", "leder", "sjef", "teamleder"),
    "region": ("region", "regional office", "office", "kontor", "area", "territory", "distrikt"),
    "deal_id": ("deal id", "deal", "opportunity id", "opportunity", "record id", "opportunity_id", "deal record id",
                "associated deal", "associated deal ids", "avtale id", "avtalenummer", "sak id", "deal number",
                "deal name", "opportunity name", "deal title", "avtale", "avtalenavn", "sak", "saksnummer"),
    "record_id": ("id", "activity id", "task id", "event id", "call id", "aktivitet id", "aktivitets id",
                  "aktivitetsid", "row id", "rad id", "lopenummer", "engagement id", "activity record id"),
    "time": ("time", "tid", "klokkeslett", "start time", "due time", "activity due time", "starttid", "kl",
             "time of day"),
    "account": ("account", "account name", "company", "company name", "kunde", "customer", "client",
                "organization", "organisation", "org", "firma", "deal organization"),
    "outcome": ("outcome", "result", "call result", "activity outcome", "resultat", "utfall", "call outcome"),
    "duration": ("duration", "duration min", "duration minutes", "varighet", "minutes", "minutter",
                 "call duration", "activity duration"),
    "status": ("status", "deal status", "won lost", "opportunity status", "utfall avtale", "avtalestatus"),
    "stage": ("stage", "deal stage", "opportunity stage", "pipeline stage", "fase", "steg", "salgsfase"),
    "amount": ("amount", "value", "deal value", "close value", "belop", "verdi", "deal amount",
               "opportunity amount", "avtaleverdi", "deal size", "contract value"),
    "created": ("create date", "created", "created date", "engage date", "opprettet", "deal created",
                "add time", "deal add time", "deal created on", "created on", "opened", "start date"),
    "closed": ("close date", "closed date", "won time", "deal won time", "deal close time", "closed on",
               "lukket", "avsluttet", "lukkedato", "expected close date", "deal expected close date", "lost time",
               "lukket dato", "avsluttet dato", "dato lukket", "forventet lukkedato", "won date", "lost date"),
    "satisfaction": ("satisfaction", "csat", "customer satisfaction", "kundetilfredshet", "client satisfaction",
                     "client experience score", "tilfredshet", "nps", "satisfaction score", "cx score"),
    "won": ("won", "vunnet", "won deals", "avtaler vunnet", "deals won", "wins", "customers acquired",
            "projects secured", "new clients", "is won", "closed won", "antall vunnet"),
    "revenue": ("revenue", "omsetning", "inntekt", "sales", "campaign revenue", "won revenue", "won amount",
                "salg", "revenue won", "inntekter"),
    "period": ("week", "uke", "month", "maned", "period", "periode", "mnd", "ukenummer", "year week", "ukenr",
               "uke nr", "week number", "month name", "year month", "ar mnd", "ar uke"),
    "year": ("year", "ar", "aar", "arstall", "fiscal year", "regnskapsar"),
    "target": ("target", "mal", "quota", "budsjett", "budget", "sales target", "maltall"),
    "activities_count": ("number of sales activities", "number of activities", "activities", "antall aktiviteter",
                         "activity count", "sales activities"),
    "closed_flag": ("closed", "is closed", "lukket status"),
    "done": ("done", "activity done", "completed", "utfort", "ferdig", "marked as done"),
}
# Prefixes CRMs put before a field name, as in Pipedrive's "Activity - Type" or "Deal - Owner".
ENTITY_PREFIXES = ("activity", "deal", "opportunity", "person", "organization", "organisation", "lead",
                   "contact", "task", "event", "company")

EXACT, PREFIXED, GROUPED, PARTIAL = 1.0, 0.9, 0.8, 0.6
# What a two-row header or a CRM puts between a group and a field: "Deal - Owner", "Activities › Calls".
_GROUP_SEPARATOR = re.compile(r"\s+[-\u2013\u2014/|›>]\s+|\s*[:›]\s+")
# Words before an activity in a count column's header: "Antall samtaler", "Number of calls", "# demos".
_COUNT_PREFIX = re.compile(r"^(?:antall|ant|number of|no of|count of|num|n|sum of|sum)\s+")


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

    def column(self, role: str) -> str | None:
        match = self.roles.get(role)
        return match.column if match else None

    def has(self, *roles: str) -> bool:
        return all(role in self.roles for role in roles)


_SYNONYM_INDEX = {normalise_label(word): role for role, words in ROLE_SYNONYMS.items() for word in words}
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


def _candidates(header: str) -> list[tuple[str, float]]:
    label = normalise_label(header)
    if not label:
        return []
    found: dict[str, float] = {}
    if label in _SYNONYM_INDEX:
        found[_SYNONYM_INDEX[label]] = EXACT
    grouped = split_group(header)
    field_label = label
    if grouped:
        group_label, field_label = normalise_label(grouped[0]), normalise_label(grouped[1])
        if field_label in _SYNONYM_INDEX:
            confidence = PREFIXED if group_label.rstrip("s") in ENTITY_PREFIXES else GROUPED
            found.setdefault(_SYNONYM_INDEX[field_label], confidence)
    first, _, rest = label.partition(" ")
    if first in ENTITY_PREFIXES and rest in _SYNONYM_INDEX:
        found.setdefault(_SYNONYM_INDEX[rest], PREFIXED)
    tokens = f" {field_label} "
    for word, role in _SYNONYM_INDEX.items():
        if role not in found and len(word) > 3 and f" {word} " in tokens:
            found[role] = PARTIAL
    return sorted(found.items(), key=lambda item: -item[1])


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


def count_recognised(headers: list[str]) -> int:
    return sum(bool(_candidates(h)) or activity_type_of_header(h) is not None for h in headers)


def recognise(headers: list[str], overrides: dict[str, str | None] | None = None) -> Recognition:
    """Assign each role its best column, the surest matches first; the user's overrides win.

    An override maps a role to a column name, or to None to say the role is not in the table.
    """
    overrides = overrides or {}
    recognition = Recognition()
    taken: set[str] = set()
    for role, column in overrides.items():
        if column is not None and column in headers and role in ROLE_SYNONYMS:
            recognition.roles[role] = ColumnMatch(role, column, EXACT, by_user=True)
            taken.add(column)
    proposals = sorted(
        ((confidence, position, role, header)
         for position, header in enumerate(headers)
         for role, confidence in _candidates(header)),
        key=lambda item: (-item[0], item[1]),
    )
    for confidence, _, role, header in proposals:
        if header in taken or role in recognition.roles or role in overrides:
            continue
        recognition.roles[role] = ColumnMatch(role, header, confidence)
        taken.add(header)
    for header in headers:
        if header in taken:
            continue
        activity = activity_type_of_header(header)
        if activity is not None:
            recognition.activity_columns[header] = activity
        else:
            recognition.unrecognised.append(header)
    return recognition
