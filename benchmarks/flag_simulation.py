"""How often the flag fires by chance, and how often it finds a real gap: issue 11's simulation.

Every team is a deals table (one row per decided deal, won or lost) run through diagnostics.rep_table with
the default thresholds (at least 20 decided deals, 95% confidence), so what is measured is the app's rule.

- Equal teams: 30 reps who all share one true win rate, with 300–600 or 60–400 decided deals each.
  A team "has a false flag" when anyone in it is flagged.
- Real gaps: 30 reps of whom two truly win at half the team's rate. They do the most deals in the team
  (the top of the range): the flag is for busy reps, and a gap on little volume is not meant to be found.
- Teams that differ: every rep's true rate drawn around the team's (logit-normal, sd 0.3: territory and
  leads), nobody planted: how often the spread alone produces a flag, with the between-rep spread τ².
- A dozen with two far behind: 12 reps, two at a third of the rate on twice the volume and two winning
  twice as often on 0.6× (the samples' pattern).

The old rule (busy, and the upper end of the rep's own 95% Wilson interval below the pooled rate) is
measured on the same teams for comparison.

    python benchmarks/flag_simulation.py            # the issue's design, about half a minute
    python benchmarks/flag_simulation.py --teams 500  # tighter estimates
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from metrics.diagnostics import flag_rule, rep_table  # noqa: E402
from metrics.filters import Slice  # noqa: E402
from metrics.ingest import ACTIVITY_COLUMNS, OUTCOME_COLUMNS  # noqa: E402
from metrics.scenarios import Thresholds  # noqa: E402
from metrics.stats import wilson_interval  # noqa: E402

THRESHOLDS = Thresholds()
NO_ACTIVITY = pd.DataFrame(
    {
        column: pd.Series(
            dtype="string" if column in {"rep", "team", "activity_type", "deal_id", "source"} else "float64"
        )
        for column in ACTIVITY_COLUMNS
    }
).assign(stage=pd.Series(dtype="Int64"))


def deals_table(decided: np.ndarray, won: np.ndarray) -> Slice:
    """A deals-only slice: for rep i, won[i] won deals and decided[i] − won[i] lost ones."""
    reps = np.repeat([f"Rep {i:02d}" for i in range(len(decided))], decided)
    wins = np.concatenate([np.arange(n) < k for n, k in zip(decided, won)]).astype("int64")
    count = len(reps)
    date = pd.Series(np.full(count, np.datetime64("2026-06-30", "ns")))
    outcomes = pd.DataFrame(
        {
            "date": date,
            "rep": pd.Series(reps, dtype="string"),
            "team": pd.Series(pd.NA, index=range(count), dtype="string"),
            "deal_id": pd.Series([f"D{i}" for i in range(count)], dtype="string"),
            "status": pd.Series(np.where(wins == 1, "won", "lost"), dtype="string"),
            "stage_level": pd.Series(pd.NA, index=range(count), dtype="Int64"),
            "won": wins,
            "lost": 1 - wins,
            "revenue": wins * 1000.0,
            "amount": pd.Series(1000.0, index=range(count), dtype="Float64"),
            "satisfaction": pd.Series(pd.NA, index=range(count), dtype="Float64"),
            "engaged": date,
            "source": "sim",
        }
    )
    return Slice(NO_ACTIVITY, outcomes[OUTCOME_COLUMNS], "deals")


def old_rule(reps: pd.DataFrame) -> pd.Series:
    """Busy, at least min_volume decided deals, and the rep's own Wilson upper bound below the pooled rate."""
    pooled = reps["won"].sum() / reps["trials"].sum()
    upper = wilson_interval(reps["won"], reps["trials"], THRESHOLDS.confidence)[1]
    busy = reps["activities"] > reps["activities"].median()
    return busy & (reps["trials"] >= THRESHOLDS.min_volume) & (upper < pooled)


def run(
    rng: np.random.Generator,
    teams: int,
    rate: float,
    reps: int,
    low: int,
    high: int,
    weak: int = 0,
    weak_share: float = 0.5,
    spread: float = 0.0,
    star: int = 0,
) -> dict:
    """Simulate `teams` teams; the first `weak` reps win at rate × weak_share on the team's top volume."""
    new_false = old_false = both = old_both = applied = 0
    caught, old_caught = [], []
    for _ in range(teams):
        decided = rng.integers(low, high + 1, reps)
        logit = np.log(rate / (1 - rate)) + (rng.normal(0, spread, reps) if spread else 0)
        rates = 1 / (1 + np.exp(-logit)) * np.ones(reps)
        decided[:weak], rates[:weak] = (2 * high if star else high), rate * weak_share
        if star:
            decided[weak : weak + star], rates[weak : weak + star] = int(0.6 * (low + high) / 2), min(2.1 * rate, 0.95)
        table = rep_table(deals_table(decided, rng.binomial(decided, rates)), THRESHOLDS)
        planted = table["rep"].isin([f"Rep {i:02d}" for i in range(weak)])
        new_false += bool((table["flagged"] & ~planted).any())
        old_false += bool((old_rule(table) & ~planted).any())
        applied += flag_rule(table, THRESHOLDS.confidence).dispersion_applied
        if weak:
            caught.append(int((table["flagged"] & planted).sum()))
            old_caught.append(int((old_rule(table) & planted).sum()))
            both += caught[-1] == weak
            old_both += old_caught[-1] == weak
    return {
        "teams": teams,
        "false": new_false,
        "old_false": old_false,
        "applied": applied,
        "both": both,
        "caught": sum(caught),
        "weak": weak * teams,
        "old_both": old_both,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=60, help="teams per equal-rate run (the issue: 60)")
    parser.add_argument("--gap-teams", type=int, default=30, help="teams per real-gap run (the issue: 30)")
    parser.add_argument("--rates", type=float, nargs="+", default=[0.1, 0.3, 0.63], help="true win rates")
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    print(
        f"Default thresholds: at least {THRESHOLDS.min_volume} decided deals, {THRESHOLDS.confidence:.0%} "
        f"confidence (false discovery rate {1 - THRESHOLDS.confidence:.0%}). Seed {args.seed}.\n"
    )
    print("Equal teams (30 reps, one true win rate): teams with anyone flagged")
    for low, high in ((300, 600), (60, 400)):
        for rate in args.rates:
            result = run(rng, args.teams, rate, 30, low, high)
            print(
                f"  {low}-{high} deals, win rate {rate:.0%}: {result['false']} of {result['teams']} "
                f"({result['false'] / result['teams']:.1%}); old rule {result['old_false']} "
                f"({result['old_false'] / result['teams']:.1%}); overdispersion applied in {result['applied']}"
            )
    print("\nReal gaps (two of 30 reps at half the rate, on the team's top volume): both caught")
    for low, high in ((300, 600), (60, 400)):
        for rate in args.rates:
            result = run(rng, args.gap_teams, rate, 30, low, high, weak=2)
            print(
                f"  {low}-{high} deals, win rate {rate:.0%}: both in {result['both']} of {result['teams']} "
                f"teams, {result['caught']} of {result['weak']} reps; another rep flagged in {result['false']}; "
                f"old rule: both in {result['old_both']}"
            )
    print("\nTeams that differ (logit sd 0.3 around the rate, nobody planted): teams with anyone flagged")
    for rate in args.rates:
        result = run(rng, args.teams, rate, 30, 60, 400, spread=0.3)
        print(
            f"  60-400 deals, win rate {rate:.0%}: {result['false']} of {result['teams']} "
            f"({result['false'] / result['teams']:.1%}); old rule {result['old_false']}; overdispersion "
            f"applied in {result['applied']}"
        )
    print("\nA dozen with two far behind (a third of the rate on twice the top volume, two stars on 0.6×)")
    for rate in args.rates:
        result = run(rng, args.gap_teams, rate, 12, 60, 400, weak=2, weak_share=1 / 3, star=2)
        print(
            f"  win rate {rate:.0%}: both in {result['both']} of {result['teams']} teams, {result['caught']} of "
            f"{result['weak']} reps; another rep flagged in {result['false']}; overdispersion applied in "
            f"{result['applied']}; old rule: both in {result['old_both']}"
        )
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
