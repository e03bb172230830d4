"""Scenario presets: the vocabulary, funnel, measures and default thresholds of each kind of business.

All scenario knowledge lives in the SCENARIOS table below; the rest of the engine reads it and never
branches on a scenario's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics.columns import by_distinct
from metrics.text import N_, normalise_label


@dataclass(frozen=True)
class ActivityType:
    key: str
    label: str
    stage: int  # index into Scenario.funnel: the furthest stage this activity shows a deal has reached
    synonyms: tuple[str, ...] = ()
    # How much one of these counts as effort against the scenario's other types (see diagnostics.rep_table).
    # Every preset is 1: a demo surely takes more than an email, but no data we have says how much more,
    # and a guessed preset would decide who is flagged while looking like a measurement. Users who know
    # their team's effort set their own in the sidebar.
    weight: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    min_volume: int = 20  # below this many activities (or deals) a rep is "not enough data"
    confidence: float = 0.95  # the binomial limit a rep must fall below to be flagged
    rise_pct: float = 0.10  # a period "rose" when activity grew by more than this share


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    activity_types: tuple[ActivityType, ...]
    funnel: tuple[str, ...]  # stage names, first to won
    won_label: str
    revenue_label: str
    satisfaction_label: str
    trap: str
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def activity_labels(self) -> dict[str, str]:
        return {a.key: a.label for a in self.activity_types}

    @property
    def activity_stage(self) -> dict[str, int]:
        return {a.key: a.stage for a in self.activity_types}

    @property
    def activity_weights(self) -> dict[str, float]:
        """Activity key → the preset weight of its effort."""
        return {a.key: a.weight for a in self.activity_types}


# Words for the first three funnel levels that CRMs and hand-kept sheets use in a deal's stage column,
# whatever the scenario calls its stages. The last level is always "won".
STAGE_LEVEL_WORDS: tuple[tuple[str, ...], ...] = (
    (
        "lead",
        "new",
        "prospect",
        "prospecting",
        "outreach",
        "contact",
        "contacted",
        "appointment scheduled",
        "appointmentscheduled",
        "kontakt",
        "ny",
        "emne",
    ),
    (
        "qualified",
        "qualification",
        "qualifiedtobuy",
        "qualified to buy",
        "engaging",
        "engaged",
        "conversation",
        "meeting",
        "discovery",
        "needs analysis",
        "pitch",
        "kvalifisert",
        "mote",
        "samtale",
        "contact made",
        "value proposition",
        "id decision makers",
    ),
    (
        "demo",
        "demo scheduled",
        "presentation",
        "presentationscheduled",
        "presentation scheduled",
        "proposal",
        "proposal price quote",
        "quote",
        "negotiation",
        "negotiation review",
        "perception analysis",
        "decisionmakerboughtin",
        "decision maker bought in",
        "contractsent",
        "contract sent",
        "tilbud",
        "presentasjon",
        "forhandling",
    ),
)

SCENARIOS: dict[str, Scenario] = {
    "startup": Scenario(
        key="startup",
        label=N_("Startup"),
        activity_types=(
            ActivityType(
                "call",
                N_("Outreach call"),
                0,
                (
                    "call",
                    "calls",
                    "phone call",
                    "outreach call",
                    "cold call",
                    "ringt",
                    "ring",
                    "samtale",
                    "samtaler",
                    "telefon",
                    "oppringing",
                    "outbound call",
                    "logged call",
                    "ringe",
                    "anrop",
                    "telefonsamtale",
                    "telefonsamtaler",
                    "phone",
                    "phone calls",
                    "outreach calls",
                ),
            ),
            ActivityType(
                "email",
                N_("Email"),
                0,
                (
                    "email",
                    "emails",
                    "e-mail",
                    "mail",
                    "e-post",
                    "e-poster",
                    "epost",
                    "outreach email",
                    "sent email",
                    "email sent",
                    "e-mails",
                    "eposter",
                    "incoming email",
                    "outgoing email",
                    "sendt e-post",
                    "list email",
                ),
            ),
            ActivityType(
                "follow_up",
                N_("Follow-up"),
                1,
                (
                    "follow-up",
                    "follow up",
                    "followup",
                    "follow-ups",
                    "oppfolging",
                    "oppfølging",
                    "oppfolginger",
                    "check-in",
                    "meeting",
                    "møte",
                    "mote",
                    "møter",
                ),
            ),
            ActivityType(
                "demo",
                N_("Product demo"),
                2,
                (
                    "demo",
                    "demos",
                    "product demo",
                    "demoer",
                    "produktdemo",
                    "demonstration",
                    "product demos",
                    "produktdemoer",
                    "demonstrasjon",
                ),
            ),
        ),
        funnel=(N_("Outreach"), N_("Conversation"), N_("Demo"), N_("Customer")),
        won_label=N_("Customers acquired"),
        revenue_label=N_("Revenue"),
        satisfaction_label=N_("Customer satisfaction"),
        trap=N_("many demos to poorly qualified leads"),
    ),
    "consultancy": Scenario(
        key="consultancy",
        label=N_("Consultancy"),
        activity_types=(
            ActivityType(
                "conference",
                N_("Conference"),
                0,
                ("conference", "conferences", "konferanse", "seminar", "trade show", "messe"),
            ),
            ActivityType(
                "networking",
                N_("Networking event"),
                0,
                (
                    "networking",
                    "networking event",
                    "event",
                    "nettverk",
                    "nettverksmøte",
                    "nettverksmote",
                    "arrangement",
                ),
            ),
            ActivityType(
                "meeting",
                N_("Relationship meeting"),
                1,
                (
                    "meeting",
                    "meetings",
                    "referral meeting",
                    "relationship meeting",
                    "referral",
                    "møte",
                    "mote",
                    "møter",
                    "kundemøte",
                    "kundemøter",
                    "lunch",
                    "lunsj",
                    "call",
                    "samtale",
                ),
            ),
            ActivityType(
                "proposal",
                N_("Proposal"),
                2,
                ("proposal", "proposals", "tilbud", "rfp", "rfp response", "quote", "offer"),
            ),
        ),
        funnel=(N_("Contact"), N_("Meeting"), N_("Proposal"), N_("Project won")),
        won_label=N_("Projects secured"),
        revenue_label=N_("Revenue"),
        satisfaction_label=N_("Client satisfaction"),
        trap=N_("events that bring contacts but no projects"),
    ),
    "agency": Scenario(
        key="agency",
        label=N_("Digital agency"),
        activity_types=(
            ActivityType("pitch", N_("Pitch"), 1, ("pitch", "pitches", "pitching", "creative pitch")),
            ActivityType(
                "capability_demo",
                N_("Capability demo"),
                1,
                ("capability demo", "capabilities demo", "credentials", "showcase", "demo", "demoer"),
            ),
            ActivityType(
                "presentation",
                N_("Presentation"),
                2,
                ("presentation", "presentations", "presentasjon", "presentasjoner", "workshop"),
            ),
            ActivityType("proposal", N_("Proposal"), 2, ("proposal", "proposals", "tilbud", "quote", "offer", "rfp")),
        ),
        funnel=(N_("Lead"), N_("Pitch"), N_("Presentation"), N_("Client won")),
        won_label=N_("New clients"),
        revenue_label=N_("Campaign revenue"),
        satisfaction_label=N_("Client experience score"),
        trap=N_("polished pitches that don't win clients"),
    ),
}

DEFAULT_SCENARIO = "startup"


def activity_weights(scenario: Scenario, chosen: dict | None = None) -> dict[str, float]:
    """The scenario's preset weights with the user's `chosen` ones (activity key → weight, as a mapping file
    or the address holds them) laid over; a weight must be a number from 0 to 100."""
    from metrics.errors import InputError

    weights = scenario.activity_weights
    for key, value in (chosen or {}).items():
        try:
            weight = float(value)
        except (TypeError, ValueError):
            weight = float("nan")
        if not 0 <= weight <= 100:
            raise InputError(
                N_(
                    "The weight for '{key}' is '{value}'. Give a number from 0 to 100: 1 counts an "
                    "activity like any other, 2 as two of them, 0 leaves it out of effort."
                ),
                key=str(key),
                value=str(value),
            )
        weights[str(key)] = weight
    return weights


def get_scenario(key: str) -> Scenario:
    from metrics.errors import InputError

    try:
        return SCENARIOS[key]
    except KeyError:
        raise InputError(
            N_("Unknown scenario '{key}'. Choose one of: {scenarios}."), key=str(key), scenarios=", ".join(SCENARIOS)
        ) from None


def activity_key_lookup(scenario: Scenario) -> dict[str, str]:
    """Normalised spelling → activity key, for the scenario's own words first, then every other scenario's."""
    lookup: dict[str, str] = {}
    for preset in sorted(SCENARIOS.values(), key=lambda s: s.key != scenario.key):
        for activity in preset.activity_types:
            for word in (activity.key, activity.label, *activity.synonyms):
                lookup.setdefault(normalise_label(word), activity.key)
    return lookup


def normalise_activity_types(raw: pd.Series, scenario: Scenario, assigned: dict[str, str] | None = None) -> pd.Series:
    """Map raw activity-type text to the scenario's keys; the user's `assigned` choices (raw text → key) win,
    and unknown values keep their cleaned text. Each distinct text is named once: a million activities hold
    a few dozen types."""
    lookup = activity_key_lookup(scenario)
    assigned = assigned or {}

    def keys(texts: pd.Series) -> pd.Series:
        return pd.Series(
            [assigned.get(value) or lookup.get(normalise_label(value), str(value).strip().lower()) for value in texts],
            dtype="string",
        )

    return by_distinct(raw, keys).rename(raw.name)


def stage_level(stage_text: str) -> int | None:
    """The funnel level (0..2) a CRM stage name stands for, or None when it names none."""
    label = normalise_label(stage_text)
    for level, words in enumerate(STAGE_LEVEL_WORDS):
        if label in {normalise_label(w) for w in words}:
            return level
    return None
