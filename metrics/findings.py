"""The analysis in one pass, and its top findings as sentences (Messages, said in the user's language).

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
from metrics.text import N_, Message, listing
from metrics.trends import period_table

# Lower tiers come first; within a tier, the larger impact (in won deals) first.
TIERS = {"flagged": 0, "what_if": 1, "period": 2, "activity_type": 2, "team": 3, "satisfaction": 3, "efficient": 4}


@dataclass(frozen=True)
class Finding:
    """One finding: its sentences as a Message (whole sentences, said in the user's language where shown)."""

    kind: str
    message: Message | str
    impact: float  # roughly, won deals at stake
    rep: str | None = None

    @property
    def text(self) -> str:
        """The finding in plain English, for logs and tests."""
        return str(self.message)


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
    curves: dict[str, expectation.Curve | None] = field(default_factory=dict)  # expected.team_curves(reps)


def insights(
    population: Slice,
    scenario: Scenario,
    reps: pd.DataFrame | None = None,
    frequency: str = "month",
    lag: int = 0,
    limit: int = 6,
    weights: Mapping[str, float] | None = None,
) -> Insights:
    """Run every analysis on the population (dates and teams applied) and rank the findings.

    `weights` (activity key → weight) default to the scenario's presets; pass the ones `reps` was made with.
    """
    weights = scenario.activity_weights if weights is None else weights
    reps = diagnostics.rep_table(population, scenario.thresholds, weights=weights) if reps is None else reps
    funnel = funnel_table(population, scenario)
    curves = expectation.team_curves(reps)
    found = Insights(
        reps=reps,
        expected=expectation.expected_table(reps, curves),
        what_if=expectation.what_if(reps),
        funnel=funnel,
        leaks=leaks.leak_stages(funnel) if len(funnel) else pd.DataFrame(columns=leaks.LEAK_COLUMNS),
        periods=period_table(population, frequency, scenario.thresholds.rise_pct, lag),
        mix=activity_mix.activity_mix(population, scenario, confidence=scenario.thresholds.confidence),
        teams=teams.team_table(population, scenario.thresholds, weights),
        team_spread=teams.team_spread(reps),
        satisfaction=satisfaction.satisfaction_gaps(population, reps, scenario.thresholds.confidence),
        curves=curves,
    )
    found.findings = rank(_all_findings(found, scenario, population.basis))[:limit]
    return found


def rank(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (TIERS[f.kind], -f.impact))


# What a rep's effort is counted in, as the sentences name it.
ACTIVITIES, WEIGHTED_ACTIVITIES, DEALS_ENGAGED = N_("activities"), N_("weighted activities"), N_("deals engaged")


def _effort_word(basis: str, reps: pd.DataFrame | None = None) -> str:
    if basis == "deals":
        return DEALS_ENGAGED
    weighted = reps is not None and not reps["effort"].equals(reps["activities"])
    return WEIGHTED_ACTIVITIES if weighted else ACTIVITIES


def _caveat(row) -> list[Message]:
    """The sentence a flag or an 'efficient' finding carries when the rep's effort is probably under-recorded."""
    if diagnostics.CAVEAT_EMPTY_WEEKS in row.caveat:
        return [
            Message(
                N_(
                    "But their log is empty for {weeks:count} weeks, in stretches, while the rest of the team "
                    "logged, so their effort is probably under-recorded."
                ),
                {"weeks": int(row.empty_weeks)},
            )
        ]
    if diagnostics.CAVEAT_THIN_LOG in row.caveat:
        return [
            Message(
                N_(
                    "But their log holds almost no activity for {won:count} won, so their effort is probably "
                    "under-recorded."
                ),
                {"won": int(row.won)},
            )
        ]
    return []


def _sentences(*sentences: Message) -> Message:
    """A finding of more than one sentence, each whole, said one after the other."""
    return sentences[0] if len(sentences) == 1 else listing(sentences, "sentences")


def _all_findings(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    return [
        *_flagged(found, scenario, basis),
        *_what_if(found, scenario),
        *_periods(found, scenario, basis),
        *_activity_types(found, scenario),
        *_teams(found, basis),
        *_satisfaction(found, scenario),
        *_efficient(found, basis),
    ]


def _against_median(value: float, median: float) -> tuple[str, dict]:
    """How an effort compares with the median: 'ratio' ('2.4× the team's median') — or 'above', 'below'
    ('just above the team's median') or 'unknown' ('more than most'), where a ratio would mislead or divide by
    zero; with the ratio as a value."""
    if not median or median != median:
        return "unknown", {}
    ratio = value / median
    if 1 < ratio < 1.1:
        return "above", {}
    if 0.9 < ratio < 1:
        return "below", {}
    return "ratio", {"ratio": ratio}


# One whole sentence for each way an effort compares with the median.
FLAGGED = {
    "ratio": N_(
        "{rep} made {ratio:ratio} the team's median {effort:term} ({effort_count:count} against "
        "{median:count}) but converted {conversion:percent} against the team's {pooled:percent}."
    ),
    "above": N_(
        "{rep} made just above the team's median {effort:term} ({effort_count:count} against "
        "{median:count}) but converted {conversion:percent} against the team's {pooled:percent}."
    ),
    "below": N_(
        "{rep} made just below the team's median {effort:term} ({effort_count:count} against "
        "{median:count}) but converted {conversion:percent} against the team's {pooled:percent}."
    ),
    "unknown": N_(
        "{rep} made more than most of the team's {effort:term} ({effort_count:count} against "
        "{median:count}) but converted {conversion:percent} against the team's {pooled:percent}."
    ),
}
LEAK = N_(
    "{rep} loses most between {from_stage:lower} and {stage:lower} ({rep_rate:percent.0} against the team's "
    "{team_rate:percent.0})."
)
TEAM = {
    "ratio": N_(
        "Team {team} converted {conversion:percent} against {pooled:percent} across teams, on {ratio:ratio} "
        "the teams' median {effort:term}."
    ),
    "above": N_(
        "Team {team} converted {conversion:percent} against {pooled:percent} across teams, on just above "
        "the teams' median {effort:term}."
    ),
    "below": N_(
        "Team {team} converted {conversion:percent} against {pooled:percent} across teams, on just below "
        "the teams' median {effort:term}."
    ),
    "unknown": N_(
        "Team {team} converted {conversion:percent} against {pooled:percent} across teams, on more than "
        "most of the teams' {effort:term}."
    ),
}
EFFICIENT = {
    "ratio": N_(
        "{rep} converted {conversion:percent} — {rate_ratio:ratio} the team's rate — on {ratio:ratio} the "
        "team's median {effort:term}."
    ),
    "above": N_(
        "{rep} converted {conversion:percent} — {rate_ratio:ratio} the team's rate — on just above the "
        "team's median {effort:term}."
    ),
    "below": N_(
        "{rep} converted {conversion:percent} — {rate_ratio:ratio} the team's rate — on just below the "
        "team's median {effort:term}."
    ),
    "unknown": N_(
        "{rep} converted {conversion:percent} — {rate_ratio:ratio} the team's rate — on more than most of "
        "the team's {effort:term}."
    ),
}


# A period whose effort rose while its results fell: (effort is deals engaged, results are lagged) → sentence.
PERIOD = {
    (False, False): N_(
        "In {period:month}, activities rose {change:percent.0} (from {before:count} to {after:count}) "
        "while {won_label:lower} went from {won_before:count} to {won_after:count}."
    ),
    (False, True): N_(
        "In {period:month}, activities rose {change:percent.0} (from {before:count} to {after:count}) "
        "while {won_label:lower} in the later results periods went from {won_before:count} "
        "({before_period:month}) to {won_after:count} ({results_period:month})."
    ),
    (True, False): N_(
        "In {period:month}, deals engaged rose {change:percent.0} (from {before:count} to "
        "{after:count}) while {won_label:lower} went from {won_before:count} to {won_after:count}."
    ),
    (True, True): N_(
        "In {period:month}, deals engaged rose {change:percent.0} (from {before:count} to {after:count}) "
        "while {won_label:lower} in the later results periods went from {won_before:count} "
        "({before_period:month}) to {won_after:count} ({results_period:month})."
    ),
}


def _flagged(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    reps, pooled = found.reps, diagnostics.pooled_rate(found.reps)
    median = diagnostics.quadrant_lines(reps)["effort"]
    extra = found.what_if.set_index("rep")["extra_won"] if len(found.what_if) else pd.Series(dtype=float)
    worst = found.leaks.set_index("rep") if len(found.leaks) else pd.DataFrame()
    results = []
    for row in reps[reps["flagged"]].itertuples():
        comparison, ratio = _against_median(row.effort, median)
        sentences = [
            Message(
                FLAGGED[comparison],
                {
                    "rep": row.rep,
                    **ratio,
                    "effort": _effort_word(basis, reps),
                    "effort_count": round(row.effort),
                    "median": round(median),
                    "conversion": row.conversion,
                    "pooled": pooled,
                },
            )
        ]
        if row.rep in worst.index:
            leak = worst.loc[row.rep]
            sentences.append(
                Message(
                    LEAK,
                    {
                        "rep": row.rep,
                        "from_stage": leak["from_stage"],
                        "stage": leak["stage"],
                        "rep_rate": leak["rep_rate"],
                        "team_rate": leak["team_rate"],
                    },
                )
            )
        results.append(
            Finding("flagged", _sentences(*sentences, *_caveat(row)), float(extra.get(row.rep, 0.0)), row.rep)
        )
    return results


def _what_if(found: Insights, scenario: Scenario) -> list[Finding]:
    table = found.what_if
    if table.empty:
        return []
    won, revenue = table["extra_won"].sum(), table["extra_revenue"].sum()
    # 'about 46 more', never '45.6 more': the count is an estimate.
    values = {
        "reps": len(table),
        "rate": table["team_rate"].iloc[0],
        "won": round(won),
        "won_label": scenario.won_label,
        "revenue": revenue,
        "revenue_label": scenario.revenue_label,
    }
    template = (
        N_(
            "If the flagged rep converted at the team's rate of {rate:percent}, the team would have about "
            "{won:count} more {won_label:lower}, worth about {revenue:money} in {revenue_label:lower} at the "
            "team's average deal size."
        )
        if len(table) == 1
        else N_(
            "If the {reps:count} flagged reps converted at the team's rate of {rate:percent}, the team would have "
            "about "
            "{won:count} more {won_label:lower}, worth about {revenue:money} in {revenue_label:lower} at the team's "
            "average deal size."
        )
    )
    return [Finding("what_if", Message(template, values), float(won))]


def _periods(found: Insights, scenario: Scenario, basis: str) -> list[Finding]:
    periods = found.periods
    # A period that had no results before (a data set's first months, say) loses nothing worth a sentence.
    marked = periods[periods["rose_without_results"] & (periods["previous_won"] > 0)]
    lagged = bool((periods["results_period"] != periods["period"]).any())
    results = []
    for position, row in zip(marked.index, marked.itertuples()):
        values = {
            "period": row.period,
            "change": row.activity_change,
            "before": int(row.previous_activities),
            "after": int(row.activities),
            "won_label": scenario.won_label,
            "won_before": int(row.previous_won),
            "won_after": int(row.won_after_lag),
        }
        if lagged:
            values.update(before_period=periods.loc[position - 1, "results_period"], results_period=row.results_period)
        message = Message(PERIOD[basis == "deals", lagged], values)
        results.append(Finding("period", message, float(row.previous_won - row.won_after_lag)))
    return results


def _activity_types(found: Insights, scenario: Scenario) -> list[Finding]:
    confidence = scenario.thresholds.confidence
    judged = found.mix[found.mix["verdict"].isin([activity_mix.PAYS_OFF, activity_mix.DOES_NOT_PAY])]
    results = []
    for row in judged.itertuples():
        values = {
            "activity": row.label,
            "win_rate": row.win_rate,
            "confidence": confidence,
            "low": row.win_rate_low,
            "high": row.win_rate_high,
            "decided": int(row.decided_deals),
            "baseline": row.baseline,
            "stage": scenario.funnel[scenario.activity_stage.get(row.activity_type, 0)],
        }
        template = (
            N_(
                "{activity:term}: deals with one were won {win_rate:percent.0} of the time "
                "({confidence:percent.0} interval {low:percent.0}–{high:percent.0}, {decided:count} decided "
                "deals) against {baseline:percent.0} for all decided deals that reached {stage:lower} — it pays "
                "off."
            )
            if row.verdict == activity_mix.PAYS_OFF
            else N_(
                "{activity:term}: deals with one were won {win_rate:percent.0} of the time ({confidence:percent.0} "
                "interval {low:percent.0}–{high:percent.0}, {decided:count} decided deals) against "
                "{baseline:percent.0} "
                "for all decided deals that reached {stage:lower} — it does not pay off."
            )
        )
        impact = abs(row.win_rate - row.baseline) * row.decided_deals
        results.append(
            Finding(
                "activity_type",
                Message(template, values),
                float(impact if row.verdict == activity_mix.DOES_NOT_PAY else impact / 4),
            )
        )
    return results


def _teams(found: Insights, basis: str) -> list[Finding]:
    table = found.teams
    if len(table) < 2:
        return []
    pooled = diagnostics.pooled_rate(table)
    median = diagnostics.quadrant_lines(table)["effort"]
    results = []
    for row in table[table["flagged"]].itertuples():
        comparison, ratio = _against_median(row.effort, median)
        message = Message(
            TEAM[comparison],
            {
                "team": row.team,
                "conversion": row.conversion,
                "pooled": pooled,
                **ratio,
                "effort": _effort_word(basis, table),
            },
        )
        results.append(Finding("team", message, float(pooled * row.trials - row.won)))
    return results


def _satisfaction(found: Insights, scenario: Scenario) -> list[Finding]:
    gaps = found.satisfaction
    median_revenue = satisfaction.median_seller_revenue(found.reps)
    results = []
    for row in gaps[gaps["gap"] != ""].itertuples():
        values = {
            "rep": row.rep,
            "revenue": row.revenue,
            "ratio": row.revenue / median_revenue,
            "label": scenario.satisfaction_label,
            "score": row.satisfaction,
            "ratings": int(row.ratings),
            "others": row.others,
            "p": row.p,
            "gap": row.gap,
        }
        template = (
            N_(
                "{rep} brought in {revenue:money} ({ratio:ratio} the median rep) with {label:lower} of "
                "{score:number.2} over {ratings:count} ratings against {others:number.2} for the rest of the "
                "team (p < 0.001): {gap:term}."
            )
            if row.p < 0.001
            else N_(
                "{rep} brought in {revenue:money} ({ratio:ratio} the median rep) with {label:lower} of "
                "{score:number.2} "
                "over {ratings:count} ratings against {others:number.2} for the rest of the team (p = {p:number.3}): "
                "{gap:term}."
            )
        )
        results.append(Finding("satisfaction", Message(template, values), abs(row.t), row.rep))
    return results


def _efficient(found: Insights, basis: str) -> list[Finding]:
    reps, pooled = found.reps, diagnostics.pooled_rate(found.reps)
    if not pooled:
        return []
    efficient = reps[(reps["quadrant"] == "low_activity_high_performance") & (reps["conversion_low"] > pooled)]
    median = diagnostics.quadrant_lines(reps)["effort"]
    results = []
    for row in efficient.itertuples():
        comparison, ratio = _against_median(row.effort, median)
        message = Message(
            EFFICIENT[comparison],
            {
                "rep": row.rep,
                "conversion": row.conversion,
                "rate_ratio": row.conversion / pooled,
                **ratio,
                "effort": _effort_word(basis, reps),
            },
        )
        results.append(
            Finding("efficient", _sentences(message, *_caveat(row)), float(row.won - pooled * row.trials), row.rep)
        )
    return results
