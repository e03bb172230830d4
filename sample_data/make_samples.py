"""Make the sample workbook of each scenario, with the patterns the dashboard must find planted in it.

Each workbook holds three sheets, Activities, Deals and Roster, under the headers the app recognises.
Every rep's activity count and won-deal count is decided up front from the rep's profile (normal, busy
or efficient), so the planted "busy but not converting" and "efficient" reps hold under the app's
flagging rule by design rather than by luck; `check_planted` proves it each time the frames are built.

Regenerate from anywhere with `python sample_data/make_samples.py`.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import numpy as np
import pandas as pd

SAMPLE_DIR = Path(__file__).resolve().parent
# Run as a script, Python puts sample_data/ on the path, not the repo root the engine lives in.
if str(SAMPLE_DIR.parent) not in sys.path:
    sys.path.insert(0, str(SAMPLE_DIR.parent))

from metrics.scenarios import SCENARIOS, Scenario  # noqa: E402

Z_95 = 1.959964
MIN_VOLUME = 20  # the app never flags a rep with fewer activities than this
WEEKEND_SHARE = 0.02  # a few reps log the odd activity on a Saturday
DIP_RISE = 1.40  # team activity in the dip month against the month before
QUIET_RISE = 0.03  # other months wobble by at most this much, so only the dip month reads as "activity rose"
# Norwegian public holidays in 2026 stay as empty as weekends.
HOLIDAYS = np.array(
    ["2026-01-01", "2026-04-02", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25"],
    dtype="datetime64[D]",
)
OPEN_DEAL_WEIGHT = 0.5  # open deals are only part-way through their life, so they have had fewer activities
# Activity of the planted reps against the median rep: the brief's "about 2x" and "0.5-0.7x".
BUSY_VOLUME = (1.75, 2.35)
ACTIVITY_SPACING_MINUTES = 25  # one rep's activities on one day, from 08:30
UNHAPPY_SATISFACTION = 3.4  # the planted high-revenue rep's customers' mean rating (others sit near 4.1)
EFFICIENT_VOLUME = (0.55, 0.7)


class Planted(TypedDict):
    busy: tuple[str, str]  # flagged "busy but not converting"
    efficient: tuple[str, str]  # below-median activity, conversion well above the pooled rate
    dip_month: str  # "YYYY-MM": team activity up 30-50% on the month before while won deals fall
    unhappy: str  # a high-revenue rep whose customers rate them well below the rest of the team
    pays_off: str  # the activity type whose deals are won clearly more often than deals that got as far
    does_not_pay: str  # the activity type whose deals are won clearly less often


PLANTED: dict[str, Planted] = {
    "startup": {
        "busy": ("Lars Johansen", "Tomás García"),
        "efficient": ("Aisha Khan", "Nora Lie"),
        "dip_month": "2026-09",
        "unhappy": "Ingvild Dahl",
        "pays_off": "call",
        "does_not_pay": "email",
    },
    "consultancy": {
        "busy": ("Jonas Bakken", "Kristian Vik"),
        "efficient": ("Fatima Ali", "Ragnhild Aune"),
        "dip_month": "2026-05",
        "unhappy": "Erik Lund",
        "pays_off": "networking",
        "does_not_pay": "conference",
    },
    "agency": {
        "busy": ("Håkon Lien", "Omar Farouk"),
        "efficient": ("Ida Karlsen", "Thea Myhre"),
        "dip_month": "2026-06",
        "unhappy": "Sara Pedersen",
        "pays_off": "capability_demo",
        "does_not_pay": "pitch",
    },
}


@dataclass(frozen=True)
class Rep:
    name: str
    team: str
    region: str
    target: int  # yearly revenue target


@dataclass(frozen=True)
class Profile:
    """How a kind of rep spends effort, and what it buys them."""

    conversion_share: float  # won ÷ activities against the pooled rate (normal reps draw theirs instead)
    lost_per_won: float
    lost_stage_weights: tuple[float, float, float]  # where their lost deals stopped
    open_deals: int
    cold_share: float  # share of activities tied to no deal: cold outreach, events, speculative pitches
    stage_intensity: tuple[float, float, float]  # how many activities a deal gets at each stage, relatively
    satisfaction: float  # mean score of their won deals
    type_weights: dict[str, float] = field(default_factory=dict)  # overrides of the scenario's activity mix
    trap_share: float = 0.0  # share of their deals lost at the trap's stages that fell into the trap


@dataclass(frozen=True)
class Trap:
    """How the scenario's trap shows in the activity mix: the deals lost to it lean on one activity type.

    At the trap's stage those deals get only the trap's type, never the other one of that stage. So the deals
    the trap's type touched are won clearly less often than all decided deals that got as far ("does not pay
    off"), and the deals the other type touched clearly more often ("pays off").
    """

    lost_at: tuple[int, ...]  # the funnel stages where deals lost to the trap stopped
    type_weights: dict[str, float]  # their mix of activity types, laid over the rep's


@dataclass(frozen=True)
class Amounts:
    median: float
    spread: float  # sigma of the log-normal
    low: int
    high: int
    big_low: int  # the few big deals above the usual range
    big_high: int
    big_share: float
    step: int


@dataclass(frozen=True)
class SampleSpec:
    scenario_key: str
    seed: int
    first_day: str
    last_day: str
    deal_prefix: str
    median_activities: int  # of a normal rep over the whole period
    normal_conversion: float  # won ÷ activities of a normal rep
    managers: dict[str, str]  # team → manager
    reps: tuple[Rep, ...]
    amounts: Amounts
    stage_days: tuple[int, int]  # days a deal spends in each funnel stage
    open_window_days: int  # open deals were created within this many days of the end
    type_weights: dict[str, float]  # mix of activity types within one funnel stage
    profiles: dict[str, Profile]
    trap: Trap


# Profiles below read: Profile(conversion_share, lost_per_won, lost_stage_weights, open_deals, cold_share,
#                             stage_intensity, satisfaction[, type_weights][, trap_share]).
SPECS: dict[str, SampleSpec] = {
    "startup": SampleSpec(
        scenario_key="startup",
        seed=20260101,
        first_day="2026-01-01",
        last_day="2026-10-31",
        deal_prefix="ST",
        median_activities=420,
        normal_conversion=0.042,
        managers={"SMB": "Ingrid Solberg", "Mid-market": "Daniel Okafor"},
        reps=(
            Rep("Kari Nordmann", "SMB", "Oslo", 450_000),
            Rep("Ola Hansen", "SMB", "Oslo", 450_000),
            Rep("Aisha Khan", "SMB", "Oslo", 450_000),
            Rep("Lars Johansen", "SMB", "Bergen", 450_000),
            Rep("Sofia Rossi", "SMB", "Bergen", 400_000),
            Rep("Emil Berg", "SMB", "Trondheim", 400_000),
            Rep("Nora Lie", "Mid-market", "Oslo", 550_000),
            Rep("Mateusz Nowak", "Mid-market", "Oslo", 550_000),
            Rep("Ingvild Dahl", "Mid-market", "Stavanger", 500_000),
            Rep("Tomás García", "Mid-market", "Oslo", 550_000),
            Rep("Sander Haugen", "Mid-market", "Bergen", 500_000),
            Rep("Mei Lin Chen", "Mid-market", "Remote", 500_000),
        ),
        amounts=Amounts(16_000, 0.55, 5_000, 60_000, 75_000, 140_000, 0.03, 500),
        stage_days=(4, 16),
        open_window_days=45,
        type_weights={"call": 0.8, "email": 0.2, "follow_up": 1.0, "demo": 1.0},
        profiles={
            "normal": Profile(1.0, 2.0, (0.45, 0.35, 0.20), 6, 0.40, (1.0, 1.0, 1.0), 4.1, trap_share=0.8),
            # The startup trap: demos booked with anyone who answers, lost once the demo is done.
            "busy": Profile(0.33, 6.0, (0.10, 0.15, 0.75), 5, 0.30, (1.0, 1.0, 3.0), 3.7, trap_share=1.0),
            "efficient": Profile(2.1, 0.8, (0.60, 0.30, 0.10), 4, 0.35, (1.0, 1.2, 1.0), 4.5),
        },
        # Poorly qualified leads: a demo booked from an email reply, with no qualifying call, and lost at the demo.
        trap=Trap(lost_at=(2,), type_weights={"call": 0.0}),
    ),
    "consultancy": SampleSpec(
        scenario_key="consultancy",
        seed=20260102,
        first_day="2026-01-01",
        last_day="2026-09-30",
        deal_prefix="CO",
        median_activities=210,
        normal_conversion=0.085,
        managers={"Strategy": "Henrik Aas", "Technology": "Priya Raman", "Public sector": "Gunnar Eide"},
        reps=(
            Rep("Marte Solheim", "Strategy", "Oslo", 6_000_000),
            Rep("Jonas Bakken", "Strategy", "Oslo", 6_000_000),
            Rep("Fatima Ali", "Strategy", "Oslo", 6_000_000),
            Rep("Erik Lund", "Strategy", "Bergen", 5_500_000),
            Rep("Hanna Moe", "Strategy", "Oslo", 5_500_000),
            Rep("Oliver Bennett", "Strategy", "London", 6_000_000),
            Rep("Silje Strand", "Technology", "Oslo", 5_500_000),
            Rep("Ahmed Hassan", "Technology", "Oslo", 5_500_000),
            Rep("Kristian Vik", "Technology", "Bergen", 5_500_000),
            Rep("Julia Novak", "Technology", "Oslo", 5_000_000),
            Rep("Thomas Nilsen", "Technology", "Trondheim", 5_000_000),
            Rep("Ragnhild Aune", "Public sector", "Oslo", 5_500_000),
            Rep("Magnus Holm", "Public sector", "Trondheim", 5_000_000),
            Rep("Leila Haddad", "Public sector", "Oslo", 5_000_000),
            Rep("Petter Foss", "Public sector", "Tromsø", 5_000_000),
            Rep("Anna Kowalska", "Public sector", "Oslo", 5_000_000),
        ),
        amounts=Amounts(180_000, 0.6, 50_000, 600_000, 750_000, 1_400_000, 0.03, 5_000),
        stage_days=(10, 35),
        open_window_days=75,
        type_weights={"conference": 0.35, "networking": 0.65, "meeting": 1.0, "proposal": 1.0},
        profiles={
            "normal": Profile(1.0, 1.5, (0.40, 0.35, 0.25), 5, 0.35, (1.0, 1.0, 1.0), 4.2, trap_share=0.3),
            # The consultancy trap: every conference yields business cards, hardly any become projects.
            # Their contacts come from conferences far more than other reps' do.
            "busy": Profile(
                0.33,
                5.0,
                (0.80, 0.15, 0.05),
                6,
                0.60,
                (1.0, 1.0, 1.0),
                3.9,
                type_weights={"conference": 1.6, "networking": 0.2},
                trap_share=0.5,
            ),
            "efficient": Profile(2.1, 0.7, (0.30, 0.40, 0.30), 4, 0.15, (1.0, 1.3, 1.0), 4.6),
        },
        # Business cards from a conference that never became a meeting; smaller networking events do.
        trap=Trap(lost_at=(0,), type_weights={"networking": 0.0}),
    ),
    "agency": SampleSpec(
        scenario_key="agency",
        seed=20260103,
        first_day="2026-03-01",
        last_day="2026-10-31",
        deal_prefix="AG",
        median_activities=330,
        normal_conversion=0.05,
        managers={"Brand": "Camilla Wold", "Performance": "Rafael Costa", "Digital products": "Tone Bjerke"},
        reps=(
            Rep("Ida Karlsen", "Brand", "Oslo", 2_000_000),
            Rep("Martin Sæther", "Brand", "Oslo", 2_000_000),
            Rep("Yasmin Osman", "Brand", "Oslo", 1_800_000),
            Rep("Håkon Lien", "Brand", "Bergen", 2_000_000),
            Rep("Chloé Martin", "Brand", "Oslo", 1_800_000),
            Rep("Even Kristiansen", "Performance", "Oslo", 1_800_000),
            Rep("Linnea Andersson", "Performance", "Stockholm", 1_800_000),
            Rep("Omar Farouk", "Performance", "Oslo", 1_800_000),
            Rep("Sara Pedersen", "Performance", "Bergen", 1_600_000),
            Rep("Jakob Ruud", "Performance", "Oslo", 1_600_000),
            Rep("Thea Myhre", "Digital products", "Oslo", 2_200_000),
            Rep("Lukas Weber", "Digital products", "Oslo", 2_200_000),
            Rep("Amalie Strøm", "Digital products", "Trondheim", 2_000_000),
            Rep("Daniel Mensah", "Digital products", "Oslo", 2_000_000),
        ),
        amounts=Amounts(70_000, 0.6, 20_000, 250_000, 300_000, 550_000, 0.03, 1_000),
        stage_days=(6, 22),
        open_window_days=60,
        type_weights={"pitch": 0.25, "capability_demo": 0.75, "presentation": 0.55, "proposal": 0.45},
        profiles={
            "normal": Profile(1.0, 2.0, (0.30, 0.40, 0.30), 5, 0.35, (0.0, 1.0, 1.0), 4.1, trap_share=0.5),
            # The agency trap: polished pitches and presentations to clients who never sign.
            "busy": Profile(
                0.33,
                5.0,
                (0.05, 0.45, 0.50),
                5,
                0.30,
                (0.0, 1.5, 2.5),
                3.8,
                {"pitch": 0.8, "capability_demo": 0.2, "presentation": 0.75, "proposal": 0.25},
                trap_share=1.0,
            ),
            "efficient": Profile(2.1, 0.8, (0.50, 0.30, 0.20), 4, 0.25, (0.0, 1.0, 1.2), 4.5),
        },
        # A polished pitch with nothing built to show, lost at the pitch or the presentation.
        trap=Trap(lost_at=(1, 2), type_weights={"capability_demo": 0.0}),
    ),
}

# Outcome of each activity type: (outcome, weight on a deal, weight when cold, minutes from, minutes to).
OUTCOMES: dict[str, tuple[tuple[str, float, float, int, int], ...]] = {
    "call": (("Connected", 0.70, 0.30, 4, 20), ("No answer", 0.20, 0.50, 1, 2), ("Voicemail", 0.10, 0.20, 1, 3)),
    "email": (("Sent", 0.60, 0.85, 3, 10), ("Replied", 0.40, 0.15, 5, 15)),
    "follow_up": (("Held", 0.80, 0.80, 15, 45), ("Rescheduled", 0.12, 0.12, 5, 10), ("No show", 0.08, 0.08, 15, 15)),
    "demo": (("Held", 0.85, 0.85, 30, 60), ("Rescheduled", 0.10, 0.10, 5, 10), ("No show", 0.05, 0.05, 30, 30)),
    "conference": (("Attended", 1.0, 1.0, 240, 480),),
    "networking": (("Attended", 1.0, 1.0, 60, 180),),
    "meeting": (("Held", 0.88, 0.88, 45, 90), ("Rescheduled", 0.12, 0.12, 10, 15)),
    "proposal": (("Sent", 0.80, 0.80, 60, 240), ("Revised", 0.20, 0.20, 30, 120)),
    "pitch": (("Held", 0.90, 0.90, 60, 120), ("Rescheduled", 0.10, 0.10, 10, 15)),
    "capability_demo": (("Held", 0.90, 0.90, 45, 90), ("Rescheduled", 0.10, 0.10, 10, 15)),
    "presentation": (("Held", 0.90, 0.90, 60, 120), ("Rescheduled", 0.10, 0.10, 10, 15)),
}


def rep_profile(scenario_key: str, rep: str) -> str:
    """ "busy", "efficient" or "normal": the part a rep plays in the planted patterns."""
    planted = PLANTED[scenario_key]
    if rep in planted["busy"]:
        return "busy"
    if rep in planted["efficient"]:
        return "efficient"
    return "normal"


def wilson_bounds(won: np.ndarray, activities: np.ndarray, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper Wilson score limits of won ÷ activities.

    Kept here rather than imported from the engine so the samples are checked against the rule as
    written in the brief, whatever the engine does.
    """
    n = np.asarray(activities, dtype=float)
    rate = np.asarray(won, dtype=float) / n
    centre = rate + z**2 / (2 * n)
    margin = z * np.sqrt(rate * (1 - rate) / n + z**2 / (4 * n**2))
    scale = 1 + z**2 / n
    return (centre - margin) / scale, (centre + margin) / scale


def split_by_weights(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole counts summing to `total` in proportion to `weights` (largest remainder)."""
    shares = total * np.asarray(weights, dtype=float) / np.sum(weights)
    counts = np.floor(shares).astype(int)
    leftover = total - counts.sum()
    counts[np.argsort(-(shares - counts), kind="stable")[:leftover]] += 1
    return counts


def months_between(first_day: np.datetime64, last_day: np.datetime64) -> list[np.datetime64]:
    return list(np.arange(first_day.astype("datetime64[M]"), last_day.astype("datetime64[M]") + 1))


def pick_day(rng: np.random.Generator, first: np.datetime64, last: np.datetime64) -> np.datetime64:
    """A day in [first, last], a weekday unless the rare weekend entry comes up or no weekday fits."""
    days = np.arange(first, last + 1)
    weekdays = days[np.is_busday(days, holidays=HOLIDAYS)]
    if len(weekdays) and rng.random() >= WEEKEND_SHARE:
        return weekdays[rng.integers(len(weekdays))]
    return days[rng.integers(len(days))]


def pick_weekday(rng: np.random.Generator, first: np.datetime64, last: np.datetime64) -> np.datetime64:
    """A working day in [first, last]; deals are opened and closed in office hours."""
    days = np.arange(first, last + 1)
    weekdays = days[np.is_busday(days, holidays=HOLIDAYS)]
    return (weekdays if len(weekdays) else days)[rng.integers(len(weekdays) or len(days))]


def stage_segments(
    created: np.datetime64, ends: np.datetime64, durations: np.ndarray
) -> list[tuple[np.datetime64, np.datetime64]]:
    """Split a deal's life into consecutive (first day, last day) spans, one per stage, in proportion."""
    life = int((ends - created).astype(int))
    cuts = np.round(np.cumsum(durations) / np.sum(durations) * life).astype(int)
    starts = np.concatenate([[0], cuts[:-1]])
    return [(created + int(a), created + int(max(a, b))) for a, b in zip(starts, cuts)]


def rep_volumes(spec: SampleSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Activities and won deals per rep, fixed from each rep's profile.

    Columns: rep, profile, activities, won.
    """
    names = [r.name for r in spec.reps]
    profiles = np.array([rep_profile(spec.scenario_key, name) for name in names])
    normal = profiles == "normal"
    activities = np.zeros(len(names), dtype=int)
    activities[normal] = np.round(spec.median_activities * rng.uniform(0.85, 1.2, normal.sum()))
    median = np.median(activities[normal])
    for profile, (low, high) in (("busy", BUSY_VOLUME), ("efficient", EFFICIENT_VOLUME)):
        chosen = profiles == profile
        # Spread evenly across the band, so the planted reps' points and labels never sit on top of each other.
        activities[chosen] = np.round(median * np.linspace(low, high, chosen.sum()))

    won = np.zeros(len(names), dtype=int)
    drawn = np.round(activities[normal] * spec.normal_conversion * rng.uniform(0.88, 1.15, normal.sum()))
    won[normal] = wins_in_activity_order(activities[normal], drawn.astype(int))
    share = np.array([spec.profiles[p].conversion_share for p in profiles])
    pooled = won[normal].sum() / activities[normal].sum()
    for _ in range(50):  # the pooled rate depends on the planted reps' wins, so settle it by iteration
        won[~normal] = np.round(activities[~normal] * pooled * share[~normal])
        pooled = won.sum() / activities.sum()
    return pd.DataFrame(
        {
            "rep": names,
            "profile": profiles,
            "activities": activities,
            "won": won,
        }
    )


def wins_in_activity_order(activities: np.ndarray, won: np.ndarray) -> np.ndarray:
    """The drawn win counts handed out in order of activity, the busier half all above the quieter half.

    The quadrant chart splits reps at the median activity and the median wins; this keeps normal reps on
    the diagonal, so only the planted reps sit in the "busy, not converting" and "efficient" corners.
    """
    order = np.argsort(activities, kind="stable")
    ordered = np.empty_like(won)
    ordered[order] = np.sort(won)
    busier = activities > np.median(activities)
    ordered[busier] = np.maximum(ordered[busier], ordered[~busier].max() + 1)
    return ordered


def won_close_months(spec: SampleSpec, total_won: int, rng: np.random.Generator) -> list[np.datetime64]:
    """The close month of every won deal, shuffled; the dip month gets markedly fewer than the month before."""
    months = months_between(np.datetime64(spec.first_day), np.datetime64(spec.last_day))
    dip = np.datetime64(PLANTED[spec.scenario_key]["dip_month"])
    weights = 1 + rng.uniform(-0.1, 0.1, len(months))
    weights[0] = 0.45  # the pipeline is only starting to fill
    position = months.index(dip)
    weights[position - 1] = 1.15
    weights[position] = 0.55
    counts = split_by_weights(total_won, weights)
    return list(rng.permutation(np.repeat(np.array(months), counts)))


def monthly_activity_totals(spec: SampleSpec, total: int, rng: np.random.Generator) -> dict[str, int]:
    """Team activity per month ("YYYY-MM"): nearly flat, except the dip month jumps against the month before."""
    months = months_between(np.datetime64(spec.first_day), np.datetime64(spec.last_day))
    dip = months.index(np.datetime64(PLANTED[spec.scenario_key]["dip_month"]))
    weights = 1 + rng.uniform(-QUIET_RISE, QUIET_RISE, len(months))
    weights[dip] = weights[dip - 1] * DIP_RISE
    return dict(zip(map(str, months), split_by_weights(total, weights)))


def draw_amount(amounts: Amounts, rng: np.random.Generator, allow_big: bool = True) -> int:
    if rng.random() < amounts.big_share and allow_big:
        value = rng.uniform(amounts.big_low, amounts.big_high)
    else:
        value = np.clip(rng.lognormal(np.log(amounts.median), amounts.spread), amounts.low, amounts.high)
    return int(round(value / amounts.step) * amounts.step)


def rep_deals(
    spec: SampleSpec, rep: str, profile: Profile, won: int, close_months: list[np.datetime64], rng: np.random.Generator
) -> list[dict]:
    """The rep's deals with their life spans: won ones close in the given months, open ones are recent."""
    first_day, last_day = np.datetime64(spec.first_day), np.datetime64(spec.last_day)
    low, high = spec.stage_days
    deals = []
    for month in close_months:
        month_first = max(month.astype("datetime64[D]"), first_day + 14)
        close = pick_weekday(rng, month_first, (month + 1).astype("datetime64[D]") - 1)
        durations = rng.integers(low, high + 1, 3)
        created = np.busday_offset(close - int(durations.sum()), 0, roll="forward", holidays=HOLIDAYS)
        if created < first_day:
            created = pick_weekday(rng, first_day, first_day + 5)
        deals.append(
            {
                "rep": rep,
                "status": "Won",
                "reached": 2,
                "created": created,
                "close": close,
                "segments": stage_segments(created, close, durations),
                "trapped": False,
            }
        )

    lost = round(won * profile.lost_per_won)
    for reached, count in enumerate(split_by_weights(lost, np.array(profile.lost_stage_weights))):
        trapped = round(count * profile.trap_share) if reached in spec.trap.lost_at else 0
        for number in range(count):
            durations = rng.integers(low, high + 1, reached + 1)
            created = pick_weekday(rng, first_day, last_day - int(durations.sum()))
            close = np.busday_offset(created + int(durations.sum()), 0, roll="backward", holidays=HOLIDAYS)
            deals.append(
                {
                    "rep": rep,
                    "status": "Lost",
                    "reached": reached,
                    "created": created,
                    "close": close,
                    "segments": stage_segments(created, close, durations),
                    "trapped": number < trapped,
                }
            )

    for _ in range(profile.open_deals + int(rng.integers(0, 3))):
        reached = int(rng.integers(0, 3))
        created = pick_weekday(rng, last_day - spec.open_window_days, last_day - 7)
        durations = np.append(rng.integers(low, high + 1, reached), high).astype(float)
        deals.append(
            {
                "rep": rep,
                "status": "Open",
                "reached": reached,
                "created": created,
                "close": None,
                "segments": stage_segments(created, last_day, durations),
                "trapped": False,
            }
        )
    return deals


def pick_type(scenario: Scenario, stage: int, weights: dict[str, float], rng: np.random.Generator) -> str:
    """An activity type of the given funnel stage, drawn by the mix in `weights`."""
    keys = [a.key for a in scenario.activity_types if a.stage == stage]
    chances = np.array([weights[k] for k in keys])
    return keys[rng.choice(len(keys), p=chances / chances.sum())]


def activity_row(
    rep: str, day: np.datetime64, activity: str, deal: int | None, cold: bool, rng: np.random.Generator
) -> dict:
    outcomes = OUTCOMES[activity]
    chances = np.array([o[2] if cold else o[1] for o in outcomes])
    outcome, _, _, low, high = outcomes[rng.choice(len(outcomes), p=chances / chances.sum())]
    return {
        "rep": rep,
        "date": day,
        "activity": activity,
        "deal": deal,
        "outcome": outcome,
        "minutes": int(rng.integers(low, high + 1)),
    }


def deal_activities(
    scenario: Scenario,
    spec: SampleSpec,
    rep: str,
    profile: Profile,
    deals: list[dict],
    first_deal: int,
    budget: int,
    rng: np.random.Generator,
) -> list[dict]:
    """Spend `budget` activities on the rep's deals: one at least per stage reached, the rest by intensity."""
    stages_with_types = {a.stage for a in scenario.activity_types}
    slots = [
        (first_deal + i, stage)
        for i, deal in enumerate(deals)
        for stage in range(deal["reached"] + 1)
        if stage in stages_with_types
    ]
    if budget < len(slots):
        raise ValueError(f"{spec.scenario_key}: {rep} needs {len(slots)} deal activities but has {budget}")
    intensity = np.array(
        [
            profile.stage_intensity[stage]
            * (OPEN_DEAL_WEIGHT if deals[index - first_deal]["status"] == "Open" else 1.0)
            for index, stage in slots
        ]
    )
    per_slot = 1 + rng.multinomial(budget - len(slots), intensity / intensity.sum())
    mix = spec.type_weights | profile.type_weights
    rows = []
    for (deal_index, stage), count in zip(slots, per_slot):
        deal = deals[deal_index - first_deal]
        first, last = deal["segments"][stage]
        weights = mix | spec.trap.type_weights if deal["trapped"] else mix
        for _ in range(count):
            activity = pick_type(scenario, stage, weights, rng)
            rows.append(activity_row(rep, pick_day(rng, first, last), activity, deal_index, False, rng))
    return rows


def cold_activities(
    scenario: Scenario, spec: SampleSpec, cold_per_rep: dict[str, int], month_room: dict, rng: np.random.Generator
) -> list[dict]:
    """Activities tied to no deal, placed so that each month reaches its planned team total."""
    entry_stage = min(a.stage for a in scenario.activity_types)
    reps = rng.permutation(np.repeat(list(cold_per_rep), list(cold_per_rep.values())))
    mix = {
        rep: spec.type_weights | spec.profiles[rep_profile(spec.scenario_key, rep)].type_weights for rep in cold_per_rep
    }
    months = rng.permutation(np.repeat(np.array(list(month_room)), list(month_room.values())))
    first_day, last_day = np.datetime64(spec.first_day), np.datetime64(spec.last_day)
    rows = []
    for rep, month in zip(reps, months):
        month = np.datetime64(month, "M")
        first = max(month.astype("datetime64[D]"), first_day)
        last = min((month + 1).astype("datetime64[D]") - 1, last_day)
        activity = pick_type(scenario, entry_stage, mix[str(rep)], rng)
        rows.append(activity_row(str(rep), pick_day(rng, first, last), activity, None, True, rng))
    return rows


def build_workbook_frames(scenario_key: str) -> dict[str, pd.DataFrame]:
    """The Activities, Deals and Roster sheets of one scenario's sample workbook."""
    spec, scenario = SPECS[scenario_key], SCENARIOS[scenario_key]
    rng = np.random.default_rng(spec.seed)
    volumes = rep_volumes(spec, rng)
    close_months = won_close_months(spec, int(volumes["won"].sum()), rng)

    deals: list[dict] = []
    activities: list[dict] = []
    cold_per_rep: dict[str, int] = {}
    for row in volumes.itertuples():
        profile = spec.profiles[row.profile]
        mine = rep_deals(spec, row.rep, profile, row.won, close_months[: row.won], rng)
        close_months = close_months[row.won :]
        cold = round(row.activities * profile.cold_share)
        activities += deal_activities(scenario, spec, row.rep, profile, mine, len(deals), row.activities - cold, rng)
        deals += mine
        cold_per_rep[row.rep] = cold

    planned = monthly_activity_totals(spec, int(volumes["activities"].sum()), rng)
    on_deals = pd.Series([str(a["date"].astype("datetime64[M]")) for a in activities]).value_counts()
    month_room = {month: int(total - on_deals.get(month, 0)) for month, total in planned.items()}
    if min(month_room.values()) < 0:
        raise ValueError(f"{scenario_key}: deal activities alone exceed a month's planned total: {month_room}")
    activities += cold_activities(scenario, spec, cold_per_rep, month_room, rng)

    frames = {
        "Activities": activities_frame(scenario, spec, activities, deals),
        "Deals": deals_frame(scenario, spec, deals, rng),
        "Roster": roster_frame(spec),
    }
    check_planted(scenario_key, frames)
    return frames


def deal_ids(spec: SampleSpec, deals: list[dict]) -> list[str]:
    """IDs numbered in order of creation, as a CRM would hand them out."""
    order = sorted(range(len(deals)), key=lambda i: (deals[i]["created"], deals[i]["rep"], i))
    ids = [""] * len(deals)
    for number, index in enumerate(order, start=1):
        ids[index] = f"{spec.deal_prefix}-{number:04d}"
    return ids


def activities_frame(scenario: Scenario, spec: SampleSpec, activities: list[dict], deals: list[dict]) -> pd.DataFrame:
    ids = deal_ids(spec, deals)
    team = {r.name: r.team for r in spec.reps}
    frame = pd.DataFrame(
        {
            "Date": pd.to_datetime([a["date"] for a in activities]),
            "Rep": [a["rep"] for a in activities],
            "Team": [team[a["rep"]] for a in activities],
            "Activity type": [scenario.activity_labels[a["activity"]] for a in activities],
            "Deal ID": pd.array([None if a["deal"] is None else ids[a["deal"]] for a in activities], dtype="string"),
            "Outcome": [a["outcome"] for a in activities],
            "Duration (min)": [a["minutes"] for a in activities],
        }
    )
    frame = frame.sort_values(["Date", "Rep", "Deal ID"], kind="stable").reset_index(drop=True)
    # A CRM logs the time of each activity; without it, two calls by one rep on one day look like duplicates.
    slot = frame.groupby(["Date", "Rep"]).cumcount()
    minutes = 8 * 60 + 30 + slot * ACTIVITY_SPACING_MINUTES
    frame.insert(1, "Time", [f"{m // 60:02d}:{m % 60:02d}" for m in minutes])
    return frame


def deals_frame(scenario: Scenario, spec: SampleSpec, deals: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    ids = deal_ids(spec, deals)
    dip = np.datetime64(PLANTED[spec.scenario_key]["dip_month"])
    rows = []
    for deal_id, deal in zip(ids, deals):
        profile = spec.profiles[rep_profile(spec.scenario_key, deal["rep"])]
        won = deal["status"] == "Won"
        # One big win in the dip month could outweigh the drop in wins; there revenue must fall too.
        in_dip = won and deal["close"].astype("datetime64[M]") == dip
        unhappy = deal["rep"] == PLANTED[spec.scenario_key]["unhappy"]
        mean = UNHAPPY_SATISFACTION if unhappy else profile.satisfaction
        satisfaction = round(float(np.clip(rng.normal(mean, 0.5), 1, 5)), 1) if won else np.nan
        rows.append(
            {
                "Deal ID": deal_id,
                "Rep": deal["rep"],
                "Stage": "Closed won" if won else scenario.funnel[deal["reached"]],
                "Status": deal["status"],
                "Amount": draw_amount(spec.amounts, rng, allow_big=not in_dip),
                "Created": deal["created"],
                "Close date": deal["close"] if deal["close"] is not None else np.datetime64("NaT"),
                "Satisfaction": satisfaction,
            }
        )
    frame = pd.DataFrame(rows)
    frame["Created"] = pd.to_datetime(frame["Created"])
    frame["Close date"] = pd.to_datetime(frame["Close date"])
    return frame.sort_values("Deal ID").reset_index(drop=True)


def roster_frame(spec: SampleSpec) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rep": [r.name for r in spec.reps],
            "Team": [r.team for r in spec.reps],
            "Manager": [spec.managers[r.team] for r in spec.reps],
            "Region": [r.region for r in spec.reps],
            "Target": [r.target for r in spec.reps],
        }
    )


def rep_scorecard(activities: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """Per rep: activities, won, conversion and its Wilson limits, flagged and efficient under the app's rule.

    Columns: activities, won, conversion, lower, upper, flagged, efficient; indexed by rep.
    """
    card = (
        pd.DataFrame(
            {
                "activities": activities.groupby("Rep").size(),
                "won": deals[deals["Status"] == "Won"].groupby("Rep").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    pooled = card["won"].sum() / card["activities"].sum()
    median = card["activities"].median()
    card["conversion"] = card["won"] / card["activities"]
    card["lower"], card["upper"] = wilson_bounds(card["won"].to_numpy(), card["activities"].to_numpy())
    enough = card["activities"] >= MIN_VOLUME
    card["flagged"] = enough & (card["activities"] > median) & (card["upper"] < pooled)
    card["efficient"] = (card["activities"] < median) & (card["lower"] > pooled)
    return card


def monthly_trend(activities: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """Team activity, won deals and revenue (by close date) per month, with the change against the month before."""
    won = deals[deals["Status"] == "Won"]
    close_month = won["Close date"].dt.strftime("%Y-%m")
    trend = (
        pd.DataFrame(
            {
                "activities": activities.groupby(activities["Date"].dt.strftime("%Y-%m")).size(),
                "won": won.groupby(close_month).size(),
                "revenue": won.groupby(close_month)["Amount"].sum(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    trend["activity_rise"] = trend["activities"] / trend["activities"].shift() - 1
    trend["won_change"] = trend["won"] - trend["won"].shift()
    trend["revenue_change"] = trend["revenue"] - trend["revenue"].shift()
    return trend


def mix_verdicts(scenario: Scenario, activities: pd.DataFrame, deals: pd.DataFrame) -> dict[str, str]:
    """Activity key → "pays off", "does not pay off" or "can't tell yet", by the rule the brief gives.

    The deals a type touched are set against the decided deals that got at least as far as the type's stage:
    a lost deal as far as its stage column says, a won one to the stage before the win.
    """
    decided = deals[deals["Status"].isin(["Won", "Lost"])].set_index("Deal ID")
    level = {name: index for index, name in enumerate(scenario.funnel)} | {"Closed won": len(scenario.funnel) - 2}
    reached = decided["Stage"].map(level)
    keys = {label: key for key, label in scenario.activity_labels.items()}
    linked = activities[activities["Deal ID"].isin(decided.index)].assign(key=lambda a: a["Activity type"].map(keys))
    won = decided["Status"] == "Won"
    verdicts = {}
    for key, touched in linked.groupby("key")["Deal ID"]:
        mine = won[touched.unique()]
        baseline = won[reached >= scenario.activity_stage[key]].mean()
        (lower,), (upper,) = wilson_bounds(np.array([mine.sum()]), np.array([len(mine)]))
        verdicts[key] = "pays off" if lower > baseline else "does not pay off" if upper < baseline else "can't tell yet"
    return verdicts


def check_planted(scenario_key: str, frames: dict[str, pd.DataFrame]) -> None:
    """Raise if the workbook does not show exactly the planted patterns, for the whole team and each team."""
    planted = PLANTED[scenario_key]
    activities, deals, roster = frames["Activities"], frames["Deals"], frames["Roster"]
    problems = []
    card = rep_scorecard(activities, deals)
    if set(card.index[card["flagged"]]) != set(planted["busy"]):
        problems.append(f"flagged {sorted(card.index[card['flagged']])}, planted busy {planted['busy']}")
    if set(card.index[card["efficient"]]) != set(planted["efficient"]):
        problems.append(f"efficient {sorted(card.index[card['efficient']])}, planted {planted['efficient']}")
    # The app filters by team, so the planted reps must stand out inside their own team too.
    for team, members in roster.groupby("Team")["Rep"]:
        in_team = rep_scorecard(activities[activities["Rep"].isin(members)], deals[deals["Rep"].isin(members)])
        if set(in_team.index[in_team["flagged"]]) != set(members) & set(planted["busy"]):
            problems.append(f"team {team}: flagged {sorted(in_team.index[in_team['flagged']])}")
        if set(in_team.index[in_team["efficient"]]) != set(members) & set(planted["efficient"]):
            problems.append(f"team {team}: efficient {sorted(in_team.index[in_team['efficient']])}")

    # The quadrant chart uses the medians of activity and wins; the planted reps must own their corners.
    busier = card["activities"] > card["activities"].median()
    winning = card["won"] > card["won"].median()
    if set(card.index[busier & ~winning]) != set(planted["busy"]):
        problems.append(f"busy, not converting quadrant: {sorted(card.index[busier & ~winning])}")
    if set(card.index[~busier & winning]) != set(planted["efficient"]):
        problems.append(f"efficient quadrant: {sorted(card.index[~busier & winning])}")

    trend = monthly_trend(activities, deals)
    dip = planted["dip_month"]
    dip_month = trend.loc[dip]
    if not (
        0.30 <= dip_month["activity_rise"] <= 0.50 and dip_month["won_change"] < 0 and dip_month["revenue_change"] < 0
    ):
        problems.append(f"dip month {dip} does not show: {dip_month.to_dict()}")
    # The app marks a month where activity rose by over 10% and wins did not grow; only the dip may qualify.
    rose_alone = trend[(trend["activity_rise"] > 0.10) & (trend["won_change"] <= 0)].index
    if list(rose_alone) != [dip]:
        problems.append(f"months where activity rose and wins did not: {list(rose_alone)}, planted {dip}")

    clear = {
        key: verdict
        for key, verdict in mix_verdicts(SCENARIOS[scenario_key], activities, deals).items()
        if verdict != "can't tell yet"
    }
    if clear != {planted["pays_off"]: "pays off", planted["does_not_pay"]: "does not pay off"}:
        problems.append(
            f"activity mix: {clear}, planted {planted['pays_off']} pays off, {planted['does_not_pay']} does not"
        )
    if problems:
        raise AssertionError(f"{scenario_key}: " + "; ".join(problems))


def reproducible_xlsx(raw: bytes) -> bytes:
    """The same workbook with fixed zip timestamps and document dates, so regenerating leaves no diff."""
    fixed = b"2026-01-01T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + fixed, content)
            target.writestr(
                zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0)),
                content,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def workbook_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as .xlsx bytes: dates shown as dates, header row frozen, columns wide enough to read."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
            worksheet = writer.sheets[sheet]
            worksheet.freeze_panes = "A2"
            for cells, header in zip(worksheet.iter_cols(max_row=len(frame) + 1), frame.columns):
                if pd.api.types.is_datetime64_any_dtype(frame[header]):
                    # pandas 3.1's openpyxl writer drops ExcelWriter(datetime_format=...); these hold no time.
                    for cell in cells[1:]:
                        cell.number_format = "YYYY-MM-DD"
                longest = frame[header].astype("string").str.len().max()
                width = max(len(header), 0 if pd.isna(longest) else int(longest)) + 3
                worksheet.column_dimensions[cells[0].column_letter].width = min(width, 30)
    return reproducible_xlsx(buffer.getvalue())


if __name__ == "__main__":
    for key in SPECS:
        workbook = build_workbook_frames(key)
        path = SAMPLE_DIR / f"{key}.xlsx"
        path.write_bytes(workbook_bytes(workbook))
        print(
            f"{path.relative_to(SAMPLE_DIR.parent)}: "
            + ", ".join(f"{sheet} {len(frame)} rows" for sheet, frame in workbook.items())
        )
