"""The pipeline's last step: one view's analysis, which every page and the CLI read.

    read(upload) -> RawFile                     metrics.sandbox.read: bytes to raw tables, in a worker
    ingest(files, mapping) -> Dataset           metrics.ingest.ingest: raw tables to canonical frames
    analyse(dataset, scenario, filters) -> Analysis

An Analysis is frozen: the same data, scenario and filters always give the same numbers, so a page can
never compute one figure differently from another page. Its tables are computed on first use and kept
with it, so a page pays only for what it draws; a cache of Analysis objects (the dashboard keeps one per
population, dates and teams, in the session) makes a click or a page switch cost nothing, and choosing reps
(Analysis.with_reps) shares everything the population decides. What depends on a page's own choice —
the performance measure, the period and lag of a trend, the comparison, the rep in focus — is asked for
with that choice and kept too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from metrics import diagnostics, expected as expectation, filters as filtering
from metrics.filters import Filters, Slice
from metrics.findings import Finding, Insights, insights
from metrics.funnel import lost_without_stage, stages_unknown_for_lost_deals, unrecorded_stages
from metrics.ingest import Dataset
from metrics.kpis import kpi_table
from metrics.mix import activity_mix
from metrics.scenarios import Scenario, activity_weights
from metrics.trends import lag_effect, period_table

COMPARISONS = ("chosen", "month", "quarter")
MAX_LAG = 6
# Views of the same population over other reps that an Analysis keeps: a rep filter clicked on and off again
# costs nothing, and a long session of clicks cannot grow without bound.
KEPT_REP_CHOICES = 8


def _population_level(compute):
    """A property that depends on the population only (data, scenario, weights, dates and teams), never on
    the reps chosen: computed once, and kept where every Analysis of the same population finds it."""
    name = compute.__name__

    def get(self):
        return self._keep(name, lambda: compute(self), shared=True)

    return property(get, doc=compute.__doc__)


@dataclass(frozen=True)
class Comparison:
    """What the headline numbers compare: this period, the one before and a year earlier (None where the
    data doesn't wholly cover them), and the KPIs over each."""

    unit: str
    now: Filters
    before: Filters | None
    year_ago: Filters | None
    kpis: pd.DataFrame
    fitted: bool  # False when no whole period of `unit` fits, and the chosen dates were used instead


@dataclass(frozen=True)
class FunnelEvidence:
    """What the data says, and doesn't, about how far deals got: for the funnel's caption."""

    stages_unknown_for_lost_deals: bool  # lost deals never name a stage: the funnel is deals → decided → won
    lost_without_stage: int  # lost deals left out of the funnel for want of a stage
    unrecorded_stages: list[int]  # funnel stages no deal or activity in the data evidences


@dataclass(frozen=True)
class RepView:
    """One rep against the team, for the Reps page."""

    rep: str
    row: pd.Series  # the rep's row of the rep table
    against_team: pd.DataFrame  # diagnostics.rep_against_team
    expected: pd.Series  # the rep's row of the expected table
    findings: list[Finding]
    leak: pd.Series | None  # the step where the rep loses most, if any
    mix: pd.DataFrame  # the rep's activity mix, with the team's share of each type
    periods: pd.DataFrame  # the rep's monthly trend


@dataclass(frozen=True, eq=False)
class Analysis:
    scenario: Scenario
    dataset: Dataset
    filters: Filters
    scoped: Slice  # every row, in the scenario's words
    weights: dict[str, float]  # activity key → weight: how much one activity of each type counts as effort
    _kept: dict = field(default_factory=dict, repr=False)  # what this view's chosen reps decide
    _shared: dict = field(default_factory=dict, repr=False)  # what the population decides (see with_reps)

    def _keep(self, key, compute, shared: bool = False):
        kept = self._shared if shared else self._kept
        if key not in kept:
            kept[key] = compute()
        return kept[key]

    def with_reps(self, reps: tuple[str, ...]) -> Analysis:
        """The same analysis with other reps chosen. Everything the population decides (the rep table, the
        flags, the curves, the funnel and the findings) is shared with this one, not computed again: choosing
        a rep costs only the chosen reps' own numbers."""
        reps = tuple(reps)
        if reps == self.filters.reps:
            return self
        choices = self._shared.setdefault("with_reps", {})
        if reps not in choices:
            while len(choices) >= KEPT_REP_CHOICES:
                del choices[next(iter(choices))]
            choices[reps] = Analysis(
                self.scenario,
                self.dataset,
                replace(self.filters, reps=reps),
                self.scoped,
                self.weights,
                _shared=self._shared,
            )
        return choices[reps]

    # --------------------------------------------------------------------------------------------- slices

    @property
    def basis(self) -> str:
        return self.scoped.basis

    @_population_level
    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """The first and last date in the data."""
        return filtering.date_bounds(self.scoped)

    @_population_level
    def coverage(self) -> tuple[dt.date, dt.date] | None:
        """The dates both effort and results are recorded for: what a comparison may use."""
        return filtering.coverage(self.scoped)

    @_population_level
    def _of_the_teams(self) -> Slice:
        """The chosen teams over every date: what the population and each compared period are cut from, so
        that a cut filters the teams' rows, not the whole data again."""
        if not self.filters.teams:
            return self.scoped
        return filtering.apply(self.scoped, Filters(teams=self.filters.teams))

    @cached_property
    def _of_the_people(self) -> Slice:
        """The chosen teams and reps over every date."""
        if not self.filters.reps:
            return self._of_the_teams
        return filtering.apply(self._of_the_teams, Filters(teams=self.filters.teams, reps=self.filters.reps))

    @_population_level
    def population(self) -> Slice:
        """Dates and teams applied: the group every rep is compared with."""
        return filtering.apply(self._of_the_teams, self.filters.without_reps())

    @cached_property
    def current(self) -> Slice:
        """Reps applied too: what the headline numbers count. Filters only narrow, so it is cut from the
        population, and is the population itself when no rep is chosen."""
        return filtering.apply(self.population, self.filters) if self.filters.reps else self.population

    # ------------------------------------------------------------------------------------------------ reps

    def team_reps(self, performance: str = "won") -> pd.DataFrame:
        """Every rep of the population, with quadrants drawn on `performance`: the table comparisons use."""
        if performance == "won":
            return self.insights.reps
        return self._keep(
            ("team_reps", performance),
            lambda: diagnostics.with_quadrants(self.insights.reps, performance),
            shared=True,
        )

    def reps(self, performance: str = "won") -> pd.DataFrame:
        """The team's rep table restricted to the reps the filter chose (all when it chose none)."""
        everyone = self.team_reps(performance)
        return (
            everyone[everyone["rep"].isin(self.filters.reps)].reset_index(drop=True) if self.filters.reps else everyone
        )

    @_population_level
    def insights(self) -> Insights:
        """Every analysis of the population, and the ranked findings."""
        return insights(self.population, self.scenario, weights=self.weights)

    @property
    def findings(self) -> list[Finding]:
        return self.insights.findings

    @_population_level
    def pooled_rate(self) -> float | None:
        return diagnostics.pooled_rate(self.team_reps())

    @_population_level
    def flag_rule(self) -> diagnostics.FlagRule:
        """How the flag was decided across the team: what it guarantees, and how far reps differ."""
        return diagnostics.flag_rule(self.team_reps(), self.scenario.thresholds.confidence)

    @property
    def weighted(self) -> bool:
        """Whether some activity type counts more or less than one activity."""
        return any(weight != 1 for weight in self.weights.values())

    def quadrant_lines(self, performance: str = "won") -> dict[str, float]:
        return diagnostics.quadrant_lines(self.team_reps(performance), performance)

    @_population_level
    def expected(self) -> pd.DataFrame:
        return self.insights.expected

    def curve(self, performance: str = "won") -> pd.DataFrame:
        """The team's expected curve for `performance`, as points to draw."""
        return self._keep(
            ("curve", performance),
            lambda: expectation.curve_points(self.team_reps(performance), performance, curves=self.curves),
            shared=True,
        )

    @property
    def curves(self) -> dict[str, expectation.Curve | None]:
        """The team curves for won deals and revenue (expected.team_curves), fitted once with the insights."""
        return self.insights.curves

    @_population_level
    def without_effort(self) -> pd.DataFrame:
        return diagnostics.without_effort(self.team_reps())

    @_population_level
    def funnel_limits(self) -> pd.DataFrame:
        return diagnostics.funnel_plot_limits(self.team_reps(), self.scenario.thresholds.confidence)

    # ---------------------------------------------------------------------------------------------- funnel

    @property
    def funnel(self) -> pd.DataFrame:
        return self.insights.funnel

    @property
    def leaks(self) -> pd.DataFrame:
        return self.insights.leaks

    @_population_level
    def funnel_evidence(self) -> FunnelEvidence:
        return FunnelEvidence(
            stages_unknown_for_lost_deals(self.population, self.scenario),
            lost_without_stage(self.population, self.scenario),
            unrecorded_stages(self.population, self.scenario),
        )

    # ------------------------------------------------------------------------------------------------- mix

    @cached_property
    def mix(self) -> pd.DataFrame:
        """The activity mix of the chosen reps (the whole population's when the filter chose none)."""
        if not self.filters.reps:
            return self.insights.mix
        return activity_mix(self.current, self.scenario, confidence=self.scenario.thresholds.confidence)

    @_population_level
    def mix_by_rep(self) -> pd.DataFrame:
        return activity_mix(self.population, self.scenario, by=("rep",), confidence=self.scenario.thresholds.confidence)

    # -------------------------------------------------------------------------------------- time and teams

    def trends(self, frequency: str = "month", lag: int = 0) -> pd.DataFrame:
        """Activity and results per period of the chosen reps, results taken `lag` periods later."""
        if (frequency, lag) == ("month", 0) and not self.filters.reps:
            return self.insights.periods  # the population's, which insights() draws monthly without a lag
        return self._keep(
            ("trends", frequency, lag),
            lambda: period_table(self.current, frequency, self.scenario.thresholds.rise_pct, lag),
        )

    def lag_effect(self, frequency: str = "month") -> pd.DataFrame:
        return self._keep(("lag_effect", frequency), lambda: lag_effect(self.current, frequency, max_lag=MAX_LAG))

    def comparison(self, unit: str = "chosen") -> Comparison | None:
        """The chosen reps' KPIs in this period against the one before and a year earlier; None without dates."""

        def compute() -> Comparison | None:
            fitted = filtering.comparison(self.filters, self.bounds, unit, self.coverage)
            periods = fitted or filtering.comparison(self.filters, self.bounds, "chosen", self.coverage)
            if periods is None:
                return None
            now, before, year = periods
            people = self._of_the_people
            kpis = kpi_table(
                filtering.apply(people, now),
                filtering.apply(people, before) if before else None,
                filtering.apply(people, year) if year else None,
            )
            return Comparison(unit, now, before, year, kpis, fitted is not None)

        return self._keep(("comparison", unit), compute)

    @cached_property
    def default_comparison(self) -> str:
        """The first comparison that has an earlier period to compare with, so the cards show their changes."""
        return next(
            (
                unit
                for unit in COMPARISONS
                if (found := self.comparison(unit)) is not None and found.fitted and found.before is not None
            ),
            "chosen",
        )

    @property
    def teams(self) -> pd.DataFrame:
        return self.insights.teams

    @_population_level
    def team_lines(self) -> dict[str, float]:
        """Where the quadrant lines sit when the units are teams."""
        return diagnostics.quadrant_lines(self.teams, "won")

    @property
    def team_spread(self) -> pd.DataFrame:
        return self.insights.team_spread

    @property
    def satisfaction(self) -> pd.DataFrame:
        return self.insights.satisfaction

    @property
    def what_if(self) -> pd.DataFrame:
        return self.insights.what_if

    # -------------------------------------------------------------------------------------------- one rep

    def rep(self, rep: str) -> RepView:
        def compute() -> RepView:
            everyone = self.team_reps()
            mine = filtering.apply(self.population, Filters(reps=(rep,)))
            mix = activity_mix(mine, self.scenario, confidence=self.scenario.thresholds.confidence)
            team_share = self.insights.mix.set_index("activity_type")["share"] if len(self.insights.mix) else {}
            leak = self.leaks[self.leaks["rep"] == rep]
            return RepView(
                rep=rep,
                row=everyone.set_index("rep").loc[rep],
                against_team=diagnostics.rep_against_team(everyone, rep),
                expected=self.expected.set_index("rep").loc[rep],
                findings=[finding for finding in self.findings if finding.rep == rep],
                leak=leak.iloc[0] if len(leak) else None,
                mix=mix.assign(team_share=mix["activity_type"].map(team_share)) if len(mix) else mix,
                periods=period_table(mine, "month", self.scenario.thresholds.rise_pct),
            )

        return self._keep(("rep", rep), compute, shared=True)


def analyse(
    dataset: Dataset,
    scenario: Scenario,
    filters: Filters | None = None,
    scoped: Slice | None = None,
    assigned_types: dict[str, str] | None = None,
    weights: dict[str, float] | None = None,
) -> Analysis:
    """The analysis of `dataset` in `scenario`'s words over `filters`.

    `scoped` is `metrics.filters.scope(dataset, scenario, assigned_types)` when the caller has it already
    (the dashboard needs it first, to offer the filters). `weights` are the user's activity weights laid
    over the scenario's presets (metrics.scenarios.activity_weights).
    """
    if scoped is None:
        scoped = filtering.scope(dataset, scenario, assigned_types)
    return Analysis(scenario, dataset, filters or Filters(), scoped, activity_weights(scenario, weights))
