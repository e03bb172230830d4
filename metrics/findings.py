"""The analysis in one pass, and its top findings as plain sentences.

Every number in a sentence is read from the tables in Insights; nothing here computes a rate of its own.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from metrics import diagnostics, expected as expectation, leaks, mix as activity_mix, satisfaction, teams
from metrics.filters import Slice
from metrics.funnel import funnel_table
from metrics.scenarios import Scenario
from metrics.trends import period_table

# Where each kind of finding is drawn, for the link beside it.
PAGES = {
    "flagged": "views/activity.py",
    "what_if": "views/activity.py",
    "period": "views/trends.py",
    "activity_type": "views/conversion.py",
    "team": "views/activity.py",
    "satisfaction": "views/activity.py",
    "efficient": "views/activity.py",
}
# Lower tiers come first; within a tier, the larger impact (in won deals) first.
TIERS = {"flagged": 0, "what_if": 1, "period": 2, "activity_type": 2, "team": 3, "satisfaction": 3, "efficient": 4}


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    impact: float  # roughly, won deals at stake
    rep: str | None = None

    @property
    def page(self) -> str:
        return PAGES[self.kind]


@dataclass
class Insights:
    reps: pd.DataFrame
    expected: pd.DataFrame
    what_if: pd.DataFrame
    funnel: pd.DataFrame
    leaks: pd.DataFrame  # the worst step of every rep who loses somewhere
    periods: pd.DataFrame
    mix: pd.DataFrame
    teams: pd.DataFrame
    team_spread: pd.DataFrame
    satisfaction: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


def insights(population: Slice, scenario: Scenario, reps: pd.DataFrame | None = None, frequency: str = "month",
             lag: int = 0, limit: int = 6, weights: Mapping[str, float] | None = None) -> Insights:
    """Run every analysis on the population (dates and teams applied) and rank the findings.

    `weights` (activity key → weight) default to the scenario's presets; pass the ones `reps` was made with.
    """
    weights = scenario.activity_weights if weights is None else weights
    reps = diagnostics.rep_table(population, scenario.thresholds, weights=weights) if reps is None else reps
    funnel = funnel_table(population, scenario)
    found = Insights(
        reps=reps,
        expected=expectation.expected_table(reps),
        what_if=expectation.what_if(reps),
        funnel=funnel,
        leaks=leaks.leak_stages(funnel) if len(funnel) else pd.DataFrame(columns=leaks.LEAK_COLUMNS),
        periods=period_table(population, frequency, scenario.thresholds.rise_pct, lag),
        mix=activity_mix.activity_mix(population, scenario, confidence=scenario.thresholds.confidence),
        teams=teams.team_table(population, scenario.thresholds, weights),
        team_spread=teams.team_spread(reps),
        satisfaction=satisfaction.satisfaction_gaps(population, reps, scenario.thresholds.confidence),
    )
    found.findings = rank(_all_findings(found, scenario, population.basis))[:limit]
    return found


def rank(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (TIERS[f.kind], -f.impact))


def _effort_word(basis: str, reps: pd.DataFrame | None = None) -> str:
    if basis == "deals":
        return "deals engaged"
    weighted = reps is not None and not reps["effort"].equals(reps["activities"])
    return "weighted activities" if weighted else "activities"


def _caveat(row) -> str:
    """The clause a flag or an 'efficient' sentence carries when the rep's effort is probably under-recorded."""
    if diagnostics.CAVEAT_EMPTY_WEEKS in row.caveat:
        return (f" — but their log is empty for {row.empty_weeks:,} weeks, in stretches, while the rest of the team "
                "logged, so their effort is probably under-recorded")
    if diagnostics.CAVEAT_THIN_LOG in row.caveat:
        return (f" — but their log holds almost no activity for {row.won:,} won, so their effort is probably "
                "under-recorded")
    return ""


def _all_findings(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    return [*_flagged(found, scenario, basis), *_what_if(found, scenario), *_periods(found, scenario, basis),
            *_activity_types(found, scenario), *_teams(found, basis), *_satisfaction(found, scenario),
            *_efficient(found, basis)]


def _against_median(value: float, median: float) -> str:
    """'2.4× the team's median' — or plainer words where a ratio would mislead or divide by zero."""
    if not median or median != median:
        return "more than most of the team's"
    ratio = value / median
    if 1 < ratio < 1.1:
        return "just above the team's median"
    if 0.9 < ratio < 1:
        return "just below the team's median"
    return f"{ratio:.1f}× the team's median"


def _flagged(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    reps, pooled = found.reps, diagnostics.pooled_rate(found.reps)
    median = diagnostics.quadrant_lines(reps)["effort"]
    extra = found.what_if.set_index("rep")["extra_won"] if len(found.what_if) else pd.Series(dtype=float)
    worst = found.leaks.set_index("rep") if len(found.leaks) else pd.DataFrame()
    results = []
    for row in reps[reps["flagged"]].itertuples():
        text = (f"{row.rep} made {_against_median(row.effort, median)} {_effort_word(basis, reps)} "
                f"({row.effort:,.0f} against {median:,.0f}) but converted {row.conversion:.1%} against the "
                f"team's {pooled:.1%}")
        if row.rep in worst.index:
            leak = worst.loc[row.rep]
            text += (f"; {row.rep} loses most between {leak['from_stage'].lower()} and {leak['stage'].lower()} "
                     f"({leak['rep_rate']:.0%} against the team's {leak['team_rate']:.0%})")
        results.append(Finding("flagged", text + _caveat(row) + ".", float(extra.get(row.rep, 0.0)), row.rep))
    return results


def _what_if(found: Insights, scenario: Scenario) -> list[Finding]:
    table = found.what_if
    if table.empty:
        return []
    won, revenue = table["extra_won"].sum(), table["extra_revenue"].sum()
    who = "the flagged rep" if len(table) == 1 else f"the {len(table)} flagged reps"
    text = (f"If {who} converted at the team's rate of {table['team_rate'].iloc[0]:.1%}, the team would have "
            f"about {won:,.0f} more {scenario.won_label.lower()}, worth about {revenue:,.0f} in "
            f"{scenario.revenue_label.lower()} at the team's average deal size.")
    return [Finding("what_if", text, float(won))]


def _periods(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    periods = found.periods
    # A period that had no results before (a data set's first months, say) loses nothing worth a sentence.
    marked = periods[periods["rose_without_results"] & (periods["previous_won"] > 0)]
    lagged = bool((periods["results_period"] != periods["period"]).any())
    results = []
    for position, row in zip(marked.index, marked.itertuples()):
        won = scenario.won_label.lower()
        if lagged:
            before = periods.loc[position - 1, "results_period"]
            outcome = (f"{won} in the later results periods went from {row.previous_won:,} ({before:%B %Y}) to "
                       f"{row.won_after_lag:,} ({row.results_period:%B %Y})")
        else:
            outcome = f"{won} went from {row.previous_won:,} to {row.won_after_lag:,}"
        text = (f"In {row.period:%B %Y}, {_effort_word(basis)} rose {row.activity_change:.0%} (from "
                f"{row.previous_activities:,} to {row.activities:,}) while {outcome}.")
        results.append(Finding("period", text, float(row.previous_won - row.won_after_lag)))
    return results


def _activity_types(found: Insights, scenario: Scenario) -> list[Finding]:
    confidence = scenario.thresholds.confidence
    judged = found.mix[found.mix["verdict"].isin([activity_mix.PAYS_OFF, activity_mix.DOES_NOT_PAY])]
    results = []
    for row in judged.itertuples():
        stage = scenario.funnel[scenario.activity_stage.get(row.activity_type, 0)].lower()
        text = (f"{row.label}: deals with one were won {row.win_rate:.0%} of the time ({confidence:.0%} interval "
                f"{row.win_rate_low:.0%}–{row.win_rate_high:.0%}, {row.decided_deals:,} decided deals) against "
                f"{row.baseline:.0%} for all decided deals that reached {stage} — it {row.verdict}.")
        impact = abs(row.win_rate - row.baseline) * row.decided_deals
        results.append(Finding("activity_type", text, float(impact if row.verdict == activity_mix.DOES_NOT_PAY
                                                             else impact / 4)))
    return results


def _teams(found: Insights, basis: str) -> list[Finding]:
    table = found.teams
    if len(table) < 2:
        return []
    pooled = diagnostics.pooled_rate(table)
    median = diagnostics.quadrant_lines(table)["effort"]
    return [Finding("team", f"Team {row.team} converted {row.conversion:.1%} against {pooled:.1%} across teams, on "
                            f"{_against_median(row.effort, median).replace('team', 'teams')} "
                            f"{_effort_word(basis, table)}.",
                    float(pooled * row.trials - row.won))
            for row in table[table["flagged"]].itertuples()]


def _satisfaction(found: Insights, scenario: Scenario) -> list[Finding]:
    gaps = found.satisfaction
    median_revenue = satisfaction.median_seller_revenue(found.reps)
    label = scenario.satisfaction_label.lower()
    return [Finding("satisfaction",
                    f"{row.rep} brought in {row.revenue:,.0f} ({row.revenue / median_revenue:.1f}× the median rep) "
                    f"with {label} of {row.satisfaction:.2f} over {row.ratings} ratings against {row.others:.2f} for "
                    f"the rest of the team ({'p < 0.001' if row.p < 0.001 else f'p = {row.p:.3f}'}): {row.gap}.",
                    abs(row.t), row.rep)
            for row in gaps[gaps["gap"] != ""].itertuples()]


def _efficient(found: Insights, basis: str) -> list[Finding]:
    reps, pooled = found.reps, diagnostics.pooled_rate(found.reps)
    if not pooled:
        return []
    efficient = reps[(reps["quadrant"] == "low_activity_high_performance") & (reps["conversion_low"] > pooled)]
    median = diagnostics.quadrant_lines(reps)["effort"]
    return [Finding("efficient", f"{row.rep} converted {row.conversion:.1%} — {row.conversion / pooled:.1f}× the "
                                 f"team's rate — on {_against_median(row.effort, median)} "
                                 f"{_effort_word(basis, reps)}{_caveat(row)}.", float(row.won - pooled * row.trials),
                    row.rep)
            for row in efficient.itertuples()]
