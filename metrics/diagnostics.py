"""Per-rep activity against performance: effort, conversion, quadrants, and the flag for busy reps who don't
convert, decided so that a manager can defend every flag in front of the whole team.

Who is judged. A rep who logs activity but owns no deals (an SDR who books meetings for others) has nothing
to convert: "owns no deals", never judged, not in the pooled rate, still shown with their activity. A rep
with fewer than thresholds.min_volume activities (decided deals for deals-only data), or with so little
effort that even zero wins would not be significant on its own, is "not enough data". The rest are judged.

The test. Each rep judged gets a one-sided p-value for "converts below the rest of the team": the
two-proportion score test of the rep against everyone else, with Yates' continuity correction,
z = (k/n + ½/n − p0) ÷ √(p0(1 − p0)/n·(1 − n/N) + τ²·(1 − n/N)²·(1 + H)) and p = Φ(z), where k is the rep's
wins, n their trials, N the team's, p0 the pooled rate of the reps who own deals (the rate the rep shares
with the rest under the null), τ² the spread between reps below (0 when none is found) and H = Σ_rest nⱼ² ÷
(N − n)², what the rest's own spread adds to their rate's. The factor 1 − n/N makes it the leave-one-out
comparison: against a pool that holds the rep, a rep with much of the team's volume drags the pooled rate
toward themselves and is hard to flag; against the rest's rate as if it were known exactly, the test would
flag too easily. The half win keeps the normal tail
honest for counts: against Fisher's exact test of the rep against the rest (scipy's hypergeometric, over a
grid of teams, where p is between 0.0001 and 0.05), uncorrected p-values ran 30–40% too small; corrected,
at win rates up to a half they were never below the exact ones (median 16% above). Above a half the
binomial's long lower tail makes them run lighter (median 0.89 of the exact, 0.53 at the 5th percentile on
50 trials or more); of 500 simulated teams of 30 equal reps winning 63%, 3.8% had a flag. With many reps
and much volume z is Spiegelhalter's funnel-plot z-score. `conversion_low`/`_high` stay the rep's own Wilson
interval, for reading; the flag does not use them.

Overdispersion (Spiegelhalter, "Funnel plots for comparing institutional performance", 2005, and the
random-effects limits of Spiegelhalter et al. 2012). Reps differ by more than chance (territory, seniority,
leads). φ is the mean square of the judged reps' funnel z-scores (r − p0) ÷ √(p0(1 − p0)/n), taken about
the median rep's and winsorised so that the reps under suspicion don't inflate it: the ⌈10%⌉ most extreme
at each end are pulled in to the next (stats.winsorise: two of a dozen reps, where an interpolated 10%
quantile pulls in barely one and two busy reps would read as spread; about the median, because reps with
much volume pull the pooled rate toward themselves and make everyone else look far from it). I·φ is
tested against chi-square on I − 1 degrees of freedom. When that is significant at DISPERSION_LEVEL (with
at least MIN_REPS_FOR_DISPERSION reps judged), the between-rep variance τ² = (I·φ − (I − 1)) ÷ (Σw − Σw²/Σw),
w = n ÷ p0(1 − p0) (DerSimonian–Laird), is added to every rep's: the test and the limits widen. Additive
rather than multiplying the variance by φ: a territory's lead quality does not shrink with a rep's volume,
and busy reps are the ones with volume. Multiplied, the limits of high-volume reps stayed too narrow: of
simulated 30-rep teams whose reps' rates spread with a logit sd of 0.3 and nobody stood out, 19% winning 30%
(33% winning 63%) had a flag, against 8% (23%) with τ² (benchmarks/flag_simulation.py). Winsorising makes
τ² an underestimate where the spread is wide, which is the price of not letting two busy reps hide in it.

False discoveries (Benjamini–Hochberg; as in Jones, Ohlssen & Spiegelhalter 2008 for hospitals). The
p-values of every rep judged, busy or not, are adjusted together; a rep is `below_limit` when p_adjusted ≤
α = 1 − confidence, and flagged when their effort is also above the activity line. Of the reps below the
limit, at most a share α are expected to be there by chance (the false discovery rate), and in a team of
equal reps the chance that anyone at all is flagged is at most α. The flagged are those of them who are
busy; volume says nothing about a rep's luck, so chance results are no likelier among the busy, while real
gaps, measured on more volume, are. The family is every rep judged rather than the busy ones because the activity line
is the user's to move: were the family the busy reps, a line moved to just below one rep would shrink the
family to that rep and undo the correction.

Weighted effort. `effort` counts each activity at its type's weight, scaled so that the team's effort equals
its activity count: weights are relative, so the pooled rate stays won ÷ activities and multiplying every
weight by ten changes nothing. Conversion is won ÷ effort, and the quadrant, the curve and the flag read
effort. Weighted units are not Bernoulli trials: the test uses p0(1 − p0)/effort only as a working variance
(a quasi-binomial model), and where reps' rates per unit scatter more than it allows, the overdispersion
test finds it and τ² widens the test by what the reps show. With every weight 1, effort is the activity
count and the test is the binomial one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from metrics.filters import Slice
from metrics.scenarios import Thresholds
from metrics.stats import (
    benjamini_hochberg,
    beta_binomial_prior,
    chi_square_sf,
    normal_cdf,
    normal_quantile,
    wilson_interval,
    winsorise,
    z_value,
)
from metrics.text import N_, Message

QUADRANTS = {
    (True, False): "high_activity_low_performance",
    (True, True): "high_activity_high_performance",
    (False, True): "low_activity_high_performance",
    (False, False): "low_activity_low_performance",
}
NO_DEALS_QUADRANT = "owns_no_deals"
QUADRANT_LABELS = {
    "high_activity_low_performance": N_("Busy, not converting"),
    "high_activity_high_performance": N_("Busy and converting"),
    "low_activity_high_performance": N_("Efficient"),
    "low_activity_low_performance": N_("Quiet"),
    NO_DEALS_QUADRANT: N_("Owns no deals"),
}
STATUS_FLAGGED, STATUS_OK, STATUS_THIN, STATUS_NO_DEALS = (
    N_("flagged"),
    N_("ok"),
    N_("not enough data"),
    N_("owns no deals"),
)
JUDGED = (STATUS_FLAGGED, STATUS_OK)
PERFORMANCE_MEASURES = ("won", "revenue")

DISPERSION_LEVEL = 0.05  # fixed, not the flag's α: a stricter flag must not also mean a laxer check of spread
MIN_REPS_FOR_DISPERSION = 5  # with fewer, pulling in the extremes leaves nothing to measure spread by
WINSOR_SHARE = 0.10
# Under-recorded effort: this many weeks, and this share of the weeks the team logged, empty in a rep's log;
# a holiday of three weeks in a year is neither.
MIN_EMPTY_WEEKS, EMPTY_WEEK_SHARE = 3, 0.2
THIN_LOG_FACTOR = 5  # wins at more than 5× the team's rate per unit of effort: the log is probably missing some
CAVEAT_EMPTY_WEEKS = N_("weeks missing from the log")
CAVEAT_THIN_LOG = N_("wins with almost no logged activity")
CAVEAT_SEPARATOR = "; "

REP_COLUMNS = [
    "rep",
    "team",
    "activities",
    "deals",
    "won",
    "lost",
    "decided",
    "revenue",
    "trials",
    "conversion",
    "conversion_low",
    "conversion_high",
    "limit_low",
    "avg_deal_size",
    "satisfaction",
    "ratings",
    "quadrant",
    "status",
    "flagged",
    "effort",
    "shrunk_conversion",
    "p_value",
    "p_adjusted",
    "below_limit",
    "caveat",
    "empty_weeks",
]


@dataclass(frozen=True)
class FlagRule:
    """How the flag was decided across one table of reps (or teams): the numbers the pages state."""

    alpha: float  # 1 − confidence: the false discovery rate the flags are held to
    pooled: float | None  # p0, the pooled rate of the reps who own deals
    pool: float  # N: their trials
    pool_squares: float  # Σ n²: how unevenly the trials are spread
    judged: int  # reps in the Benjamini–Hochberg family
    dispersion: float  # φ, the winsorised mean square z-score about the median rep (NaN with too few reps)
    dispersion_p: float  # P(chi-square on I − 1 ≥ I·φ)
    dispersion_applied: bool
    tau: float  # τ, the spread of reps' rates beyond chance added to the test (0 when none was found)
    cutoff: float  # the largest p-value flagged; α ÷ judged when nobody is (the first rep's bar)

    @property
    def cutoff_z(self) -> float:
        """How many standard errors below the pooled rate the adjusted limit lies."""
        if not self.cutoff < 1:
            return float("nan")
        return -normal_quantile(max(self.cutoff, 1e-300))  # from the lower tail: 1 − 1e-20 is 1.0 in floats

    def standard_error(self, trials, tau: float | None = None) -> np.ndarray:
        """The spread of a rate on `trials` against the rest of the team (see the module docstring)."""
        n = np.asarray(trials, dtype=float)
        if self.pooled is None:
            return np.full(n.shape, np.nan)
        tau = self.tau if tau is None else tau
        share = np.clip(1 - n / self.pool, 0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(self.pool > n, (self.pool_squares - n**2) / (self.pool - n) ** 2, 0.0)
            variance = self.pooled * (1 - self.pooled) / n * share + tau**2 * share**2 * (1 + np.clip(rest, 0, None))
        return np.sqrt(variance)

    def limits(self, trials, z: float) -> tuple[np.ndarray, np.ndarray]:
        """The conversion at which the test's z reaches −z (lower) and +z (upper) at each volume: z standard
        errors from the pooled rate, and the continuity correction's half win beyond."""
        n = np.asarray(trials, dtype=float)
        if self.pooled is None:  # nobody owns a decided deal: no rate to draw limits around
            return np.full(n.shape, np.nan), np.full(n.shape, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            half = z * self.standard_error(n) + 0.5 / n
        return np.clip(self.pooled - half, 0, 1), np.clip(self.pooled + half, 0, 1)

    def spread(self) -> Message:
        """Whether reps differ beyond chance and what that did to the limits, in a manager's words."""
        if self.dispersion != self.dispersion:
            return Message(
                N_(
                    "With fewer than {reps:count} reps judged, whether reps differ by more than chance "
                    "can't be tested: the limits are chance's alone."
                ),
                {"reps": MIN_REPS_FOR_DISPERSION},
            )
        scatter = (
            Message(
                N_("their scatter is {scatter:ratio} what chance alone gives, p < 0.001"), {"scatter": self.dispersion}
            )
            if self.dispersion_p < 0.001
            else Message(
                N_("their scatter is {scatter:ratio} what chance alone gives, p = {p:number.3}"),
                {"scatter": self.dispersion, "p": self.dispersion_p},
            )
        )
        if self.dispersion_applied:
            return Message(
                N_(
                    "Reps differ by more than chance explains ({scatter}), as territories and leads do: the "
                    "limits are widened by a spread between reps of ±{tau:number} percentage points."
                ),
                {"scatter": scatter, "tau": self.tau * 100},
            )
        return Message(
            N_("Reps differ no more than chance explains ({scatter}): the limits are chance's alone."),
            {"scatter": scatter},
        )

    def guarantee(self) -> Message:
        """What a flag promises, in a manager's words."""
        return Message(
            N_(
                "The limit is adjusted for judging {judged:count} reps at once: of the reps below it, at "
                "most 1 in {one_in:count} is expected to be there by chance, and in a team where everyone "
                "converts alike the chance that anyone is flagged at all is at most {alpha:percent.0}."
            ),
            {"judged": self.judged, "one_in": round(1 / self.alpha) if self.alpha > 0 else 0, "alpha": self.alpha},
        )


def _between_reps(rate, trials, pooled: float) -> tuple[float, float, float]:
    """φ, its chi-square p-value and τ² (0 unless the spread is significant) from the reps judged."""
    count = len(rate)
    if count < MIN_REPS_FOR_DISPERSION:
        return np.nan, np.nan, 0.0
    funnel_z = (rate - pooled) / np.sqrt(pooled * (1 - pooled) / trials)
    dispersion = float(np.mean(winsorise(funnel_z - np.median(funnel_z), WINSOR_SHARE) ** 2))
    dispersion_p = chi_square_sf(count * dispersion, count - 1)
    weight = trials / (pooled * (1 - pooled))
    room = weight.sum() - np.sum(weight**2) / weight.sum()
    between = (count * dispersion - (count - 1)) / room if room > 0 else 0.0
    return dispersion, dispersion_p, max(between, 0.0) if dispersion_p < DISPERSION_LEVEL else 0.0


def _decide(won, trials, in_pool, candidates, alpha: float) -> tuple[FlagRule, np.ndarray, np.ndarray, np.ndarray]:
    """The rule, and per rep: whether judged, the p-value and the adjusted p-value (NaN outside the family)."""
    won, trials = np.asarray(won, dtype=float), np.asarray(trials, dtype=float)
    in_pool = np.asarray(in_pool, dtype=bool) & (trials > 0)
    pool, wins = float(trials[in_pool].sum()), float(won[in_pool].sum())
    pooled = wins / pool if pool > 0 else None
    squares = float(np.sum(trials[in_pool] ** 2))
    nothing = np.full(len(trials), np.nan)
    if pooled is None or not 0 < pooled < 1:
        return (
            FlagRule(alpha, pooled, pool, squares, 0, np.nan, np.nan, False, 0.0, np.nan),
            np.zeros(len(trials), bool),
            nothing,
            nothing.copy(),
        )
    rule = FlagRule(alpha, pooled, pool, squares, 0, np.nan, np.nan, False, 0.0, np.nan)
    error = np.where(in_pool, rule.standard_error(trials), np.nan)
    testable = in_pool & (error > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(testable, won / trials, np.nan)
        half_win = 0.5 / trials
        zero_wins_p = normal_cdf(np.where(testable, (half_win - pooled) / error, np.nan))
    judged = testable & np.asarray(candidates, dtype=bool) & (zero_wins_p <= alpha)
    count = int(judged.sum())
    dispersion, dispersion_p, between = _between_reps(rate[judged], trials[judged], pooled)
    rule = FlagRule(
        alpha, pooled, pool, squares, count, dispersion, dispersion_p, between > 0, float(np.sqrt(between)), np.nan
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = normal_cdf((rate + half_win - pooled) / rule.standard_error(trials))
    p_adjusted = benjamini_hochberg(np.where(judged, p_value, np.nan))
    flagged = judged & (p_adjusted <= alpha)
    cutoff = float(p_value[flagged].max()) if flagged.any() else (alpha / count if count else np.nan)
    return replace(rule, cutoff=cutoff), judged, p_value, p_adjusted


def flag_rule(reps: pd.DataFrame, confidence: float = 0.95) -> FlagRule:
    """The rule a rep_table was flagged by, recomputed from its columns: pass the whole team's table."""
    return _decide(
        reps["won"],
        reps["trials"],
        reps["status"] != STATUS_NO_DEALS,
        reps["status"].isin(JUDGED),
        round(1 - confidence, 12),
    )[0]


def reps_without_deals(data: Slice) -> set[str]:
    """Reps who log activity but own no deal or result row, when others do: their effort converts nothing of
    their own (an SDR books meetings for account executives).

    Only when the results also hold something other than wins (a lost or open deal, a period without a
    win): from a list of won deals alone, a seller who won nothing looks the same as an SDR, and hiding
    them as "owns no deals" would hide the very rep a flag is for.
    """
    if data.basis == "deals" or not (data.outcomes["won"] == 0).any():
        return set()
    logging = set(data.activities.loc[data.activities["count"] > 0, "rep"].dropna().unique())
    return logging - set(data.outcomes["rep"].dropna().unique())


def rep_totals(data: Slice, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per rep: activities, effort (activities at their type's weight, unscaled; activity types without a
    weight count 1), deals, won, lost, decided, revenue, satisfaction (mean of `ratings` ratings), team."""
    weights = weights if weights and any(weight != 1 for weight in weights.values()) else None
    counts, by_rep = data.activities["count"], data.activities["rep"]
    effort = [counts.groupby(by_rep, observed=True).sum().rename("activities")]
    if weights:
        weighted = counts * data.activities["activity_type"].map(dict(weights)).astype(float).fillna(1.0)
        effort.append(weighted.groupby(by_rep, observed=True).sum().rename("effort"))
    # Deals-only data counts a rep's effort in the deals they engaged in the slice's dates (see Slice).
    deals = data.deals_engaged.groupby("rep", observed=True).size().rename("deals")
    results = data.outcomes.groupby("rep", observed=True).agg(
        won=("won", "sum"),
        lost=("lost", "sum"),
        revenue=("revenue", "sum"),
        satisfaction=("satisfaction", "mean"),
        ratings=("satisfaction", "count"),
    )
    teams = (
        pd.concat([data.activities[["rep", "team"]], data.outcomes[["rep", "team"]]])
        .dropna(subset=["rep"])
        .drop_duplicates("rep")
        .set_index("rep")["team"]
    )
    totals = pd.concat([*effort, deals, results], axis=1)
    totals.index.name = "rep"
    totals = totals.reset_index()
    for column in ("activities", "deals", "won", "lost", "ratings"):
        totals[column] = totals[column].fillna(0).astype("int64")
    totals["effort"] = totals["effort"].fillna(0.0).astype(float) if weights else totals["activities"]
    totals["revenue"] = totals["revenue"].fillna(0.0).astype(float)
    totals["decided"] = totals["won"] + totals["lost"]
    totals["team"] = totals["rep"].map(teams).astype("string")
    totals["satisfaction"] = pd.to_numeric(totals["satisfaction"]).astype("Float64")
    return totals.sort_values("rep", ignore_index=True)


def pooled_rate(reps: pd.DataFrame) -> float | None:
    """The team's won ÷ trials, over the reps with any trials: wins of a rep whose effort is unknown (say, in
    the deals file but not the activity log) have no denominator and would inflate the rate. Reps who own no
    deals have no trials."""
    judged = reps[reps["trials"] > 0]
    trials = judged["trials"].sum()
    return float(judged["won"].sum() / trials) if trials > 0 else None


def without_effort(reps: pd.DataFrame) -> pd.DataFrame:
    """Reps with results but no recorded effort: they can't be placed or judged, so the pages say so."""
    return reps[(reps["activities"] == 0) & ((reps["won"] > 0) | (reps["revenue"] > 0))]


def _weeks(dates: pd.Series) -> np.ndarray:
    """Monday-based week numbers (1970-01-05 was a Monday)."""
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    return (days - 4) // 7


def _in_stretches(empty: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Per row: how many of its counted cells are empty next to another empty counted cell of that row."""
    rows, columns = np.nonzero(counted)  # row by row, left to right
    blank = empty[rows, columns]
    same_row = rows[1:] == rows[:-1]
    beside = np.zeros(len(rows), dtype=bool)
    beside[1:] |= blank[:-1] & same_row
    beside[:-1] |= blank[1:] & same_row
    return np.bincount(rows[blank & beside], minlength=len(counted))


def log_gaps(data: Slice) -> pd.DataFrame:
    """Per rep who logs activity: `team_weeks`, the weeks of the rep's span (first to last activity or deal)
    in which at least half of the other reps active then logged activity, and `empty_weeks`, those of them
    the rep logged nothing in, counted only in stretches of two or more team weeks. A lone empty week beside
    busier ones is how a low-volume rep or one who logs in batches looks, and their effort is all there;
    weeks on end with nothing while the team logs are not. A rep × month sheet counts the week each row falls
    in, so a month without a row is a gap."""
    activities = data.activities
    logged = ((activities["count"] > 0) & activities["rep"].notna() & activities["date"].notna()).to_numpy()
    if not logged.any():
        return pd.DataFrame(
            {
                "rep": pd.Series(dtype="string"),
                "team_weeks": pd.Series(dtype="int64"),
                "empty_weeks": pd.Series(dtype="int64"),
            }
        )
    rep_codes, reps = pd.factorize(activities["rep"][logged], sort=True)
    week = _weeks(activities["date"][logged])
    first_week = int(week.min())
    weeks = int(week.max()) - first_week + 1
    grid = np.zeros((len(reps), weeks), dtype=bool)
    grid[rep_codes, week - first_week] = True
    start, end = grid.argmax(axis=1), weeks - 1 - grid[:, ::-1].argmax(axis=1)
    # Deals stretch the span: a rep who stopped logging but kept winning has a gap, not an end.
    deals = data.outcomes[data.outcomes["rep"].isin(reps)]
    for column in ("date", "engaged"):
        dated = deals.dropna(subset=[column])
        if len(dated):
            at = (
                pd.Series(np.clip(_weeks(dated[column]) - first_week, 0, weeks - 1), index=dated.index)
                .groupby(dated["rep"])
                .agg(["min", "max"])
                .reindex(reps)
            )
            start = np.fmin(start, at["min"].to_numpy())
            end = np.fmax(end, at["max"].to_numpy())
    columns = np.arange(weeks)
    active = (columns >= start[:, None]) & (columns <= end[:, None])
    logs = grid & active
    others_active = active.sum(axis=0) - active
    others_logging = logs.sum(axis=0) - logs
    team_logs = active & (others_active > 0) & (others_logging >= 0.5 * others_active)
    return pd.DataFrame(
        {
            "rep": pd.Series(reps, dtype="string"),
            "team_weeks": team_logs.sum(axis=1),
            "empty_weeks": _in_stretches(~logs, team_logs).astype("int64"),
        }
    )


def effort_caveats(data: Slice, reps: pd.DataFrame, pooled: float | None) -> pd.DataFrame:
    """Per rep, why their logged effort is probably under-recorded ('' when nothing says so): stretches of
    whole weeks empty while the team logged (log_gaps) adding up to MIN_EMPTY_WEEKS and EMPTY_WEEK_SHARE of
    the team's weeks, or wins at more than THIN_LOG_FACTOR × the team's rate per unit of effort
    (wins with no logged activity at all included). Deals-only data records no manual log: no caveats.

    Columns: rep, caveat, empty_weeks.
    """
    caveats = pd.DataFrame({"rep": reps["rep"], "caveat": "", "empty_weeks": 0})
    if data.basis == "deals":
        return caveats
    gaps = log_gaps(data).set_index("rep").reindex(reps["rep"])
    empty, team_weeks = gaps["empty_weeks"].fillna(0).to_numpy(), gaps["team_weeks"].fillna(0).to_numpy()
    gapped = (empty >= MIN_EMPTY_WEEKS) & (empty >= EMPTY_WEEK_SHARE * team_weeks)
    owns = reps["status"].ne(STATUS_NO_DEALS).to_numpy() if "status" in reps else np.ones(len(reps), bool)
    thin = (
        owns
        & (reps["won"].to_numpy() > 0)
        & (reps["effort"].to_numpy() * THIN_LOG_FACTOR * (pooled or 0) < reps["won"].to_numpy())
    )
    caveats["caveat"] = [
        CAVEAT_SEPARATOR.join(reason for reason, applies in ((CAVEAT_EMPTY_WEEKS, g), (CAVEAT_THIN_LOG, t)) if applies)
        for g, t in zip(gapped, thin)
    ]
    caveats["empty_weeks"] = empty.astype("int64")
    return caveats


def rep_table(
    data: Slice,
    thresholds: Thresholds,
    performance: str = "won",
    activity_line: float | None = None,
    performance_line: float | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per rep: effort and conversion, the quadrant, the flag and the numbers behind it.

    `activities` is the activity count, or the number of deals for deals-only data; `effort` weighs it by
    `weights` (activity key → weight; see the module docstring), and is the same when every weight is 1.
    `trials`, the denominator of `conversion`, is effort, or decided deals for deals-only data, and 0 for
    a rep who owns no deals. The quadrant lines are the team medians of effort and performance unless the
    user sets `activity_line` / `performance_line` (in units of effort). `conversion_low`/`_high` is the
    rep's own Wilson interval; `p_value`, `p_adjusted`, `below_limit` and `limit_low` (the conversion below
    which the adjusted test flags at the rep's volume) are the test of the module docstring, and `flagged`
    needs `below_limit` and effort above the activity line. `shrunk_conversion` is the rate shrunk toward
    the team's by an empirical-Bayes beta-binomial fit (stats.beta_binomial_prior): rank reps by it, so
    3 won of 3 never tops 80 of 120. `caveat` says why effort is probably under-recorded (effort_caveats).
    `status` is 'flagged', 'ok', 'not enough data' or 'owns no deals'.
    """
    reps = rep_totals(data, weights)
    no_deals = reps["rep"].isin(reps_without_deals(data)).to_numpy()
    if data.basis == "deals":
        reps["activities"] = reps["effort"] = reps["deals"]
        reps["trials"] = reps["decided"]
        volume = reps["decided"]
    else:
        if not reps["effort"].equals(reps["activities"]):
            weighted = reps.loc[~no_deals, "effort"].sum()
            scale = reps.loc[~no_deals, "activities"].sum() / weighted if weighted > 0 else 1.0
            reps["effort"] = reps["effort"] * scale
        reps["trials"] = reps["effort"].where(~no_deals, 0)
        volume = reps["activities"]
    with np.errstate(divide="ignore", invalid="ignore"):
        reps["conversion"] = np.where(reps["trials"] > 0, reps["won"] / reps["trials"], np.nan)
        reps["avg_deal_size"] = np.where(reps["won"] > 0, reps["revenue"] / reps["won"], np.nan)
    low, high = wilson_interval(reps["won"], reps["trials"], thresholds.confidence)
    reps["conversion_low"], reps["conversion_high"] = low, high

    alpha = round(1 - thresholds.confidence, 12)  # 0.05, not 0.050000000000000044
    rule, judged, p_value, p_adjusted = _decide(
        reps["won"], reps["trials"], ~no_deals, volume >= thresholds.min_volume, alpha
    )
    reps["p_value"], reps["p_adjusted"] = p_value, p_adjusted
    reps["below_limit"] = judged & (p_adjusted <= alpha)
    reps["limit_low"] = rule.limits(reps["trials"], rule.cutoff_z)[0] if rule.judged else np.nan
    prior = beta_binomial_prior(reps.loc[~no_deals, "won"], reps.loc[~no_deals, "trials"])
    reps["shrunk_conversion"] = prior.shrink(reps["won"], reps["trials"]) if prior else reps["conversion"]

    reps["status"] = np.select([no_deals, ~judged], [STATUS_NO_DEALS, STATUS_THIN], STATUS_OK)
    lines = quadrant_lines(reps, performance, activity_line, performance_line)
    reps["quadrant"] = _quadrants(reps, performance, lines)
    reps["flagged"] = ((reps["effort"] > lines["effort"]) & reps["below_limit"]).astype(bool)
    reps["status"] = reps["status"].mask(reps["flagged"], STATUS_FLAGGED)
    reps = reps.merge(effort_caveats(data, reps, rule.pooled), on="rep", how="left")
    return reps[REP_COLUMNS]


def _quadrants(reps: pd.DataFrame, performance: str, lines: Mapping[str, float]) -> np.ndarray:
    """Each rep's quadrant against `lines` (quadrant_lines), or NO_DEALS_QUADRANT for a rep who owns no deals."""
    busy = reps["effort"] > lines["effort"]
    performing = reps[performance] > lines[performance]
    return np.where(
        reps["status"].eq(STATUS_NO_DEALS),
        NO_DEALS_QUADRANT,
        [QUADRANTS[(b, p)] for b, p in zip(busy, performing)],
    )


def with_quadrants(reps: pd.DataFrame, performance: str = "won") -> pd.DataFrame:
    """A rep_table with its quadrants drawn on `performance` instead, at the team medians (quadrant_lines).

    Only `quadrant` depends on the performance measure: the effort line, and so the flag, are the same for
    every measure. Pass the whole team's table, made with the team medians as lines."""
    return reps.assign(quadrant=_quadrants(reps, performance, quadrant_lines(reps, performance)))


def quadrant_lines(
    reps: pd.DataFrame,
    performance: str = "won",
    activity_line: float | None = None,
    performance_line: float | None = None,
) -> dict[str, float]:
    """Where the quadrant lines sit: the medians of the reps with recorded effort who own deals, or the
    user's targets. `effort` is the line the quadrant and the flag use; `activities` the same median in
    unweighted activities (equal to it when every weight is 1), for charts drawn in activities."""
    placed = (
        reps[(reps["activities"] > 0) & reps["status"].ne(STATUS_NO_DEALS)]
        if "status" in reps
        else reps[reps["activities"] > 0]
    )
    effort = "effort" if "effort" in reps else "activities"

    def line(column: str, chosen: float | None) -> float:
        if chosen is not None:
            return float(chosen)
        return float(placed[column].median()) if len(placed) else 0.0

    return {
        "activities": line("activities", activity_line),
        "effort": line(effort, activity_line),
        performance: line(performance, performance_line),
    }


def funnel_plot_limits(reps: pd.DataFrame, flag_confidence: float = 0.95, points: int = 120) -> pd.DataFrame:
    """Control-limit curves around the pooled rate over the volumes the reps span, from the whole team's
    rep_table: the 95% and 99.8% limits, and the lower limit the flag uses after the Benjamini–Hochberg
    adjustment (`curve` 'flag', `confidence` 1 − the largest p-value flagged; a rep below it has
    `below_limit`). All are widened by the spread between reps when overdispersion was found (`tau` holds
    the τ used, 0 when none; flag_rule gives φ and its test).

    Columns: trials, confidence, lower, upper, pooled, curve, tau.
    """
    columns = ["trials", "confidence", "lower", "upper", "pooled", "curve", "tau"]
    rule = flag_rule(reps, flag_confidence)
    if rule.pooled is None or reps["trials"].max() <= 0:
        return pd.DataFrame(columns=columns)
    top = float(reps["trials"].max()) * 1.1
    grid = np.unique(np.geomspace(1, max(top, 2), points).round(2))
    curves = []
    for confidence, name in ((0.95, "95%"), (0.998, "99.8%")):
        lower, upper = rule.limits(grid, z_value(confidence))
        curves.append(
            pd.DataFrame(
                {
                    "trials": grid,
                    "confidence": confidence,
                    "lower": lower,
                    "upper": upper,
                    "pooled": rule.pooled,
                    "curve": name,
                    "tau": rule.tau,
                }
            )
        )
    if rule.judged:
        curves.append(
            pd.DataFrame(
                {
                    "trials": grid,
                    "confidence": 1 - rule.cutoff,
                    "lower": rule.limits(grid, rule.cutoff_z)[0],
                    "upper": np.nan,
                    "pooled": rule.pooled,
                    "curve": "flag",
                    "tau": rule.tau,
                }
            )
        )
    return pd.concat(curves, ignore_index=True)[columns]


def rep_against_team(reps: pd.DataFrame, rep: str) -> pd.DataFrame:
    """One rep's numbers beside the team's: medians for counts, the pooled rate for conversion.

    Columns: measure, rep, team, ratio (rep ÷ team).
    """
    row = reps.set_index("rep").loc[rep]
    placed = reps[(reps["activities"] > 0) & reps["status"].ne(STATUS_NO_DEALS)]
    team = {
        "activities": float(placed["activities"].median()),
        "won": float(placed["won"].median()),
        "revenue": float(placed["revenue"].median()),
        "conversion": pooled_rate(reps),
    }
    table = pd.DataFrame(
        {
            "measure": list(team),
            "rep": [float(row[m]) if pd.notna(row[m]) else np.nan for m in team],
            "team": [np.nan if v is None else v for v in team.values()],
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = np.where(table["team"] > 0, table["rep"] / table["team"], np.nan)
    return table
