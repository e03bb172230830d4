"""How many more linked deals the activity mix needs before it can tell whether a type pays off."""

import numpy as np
import pandas as pd
import pytest

from metrics.mix import DOES_NOT_PAY, PAYS_OFF, UNCLEAR, activity_mix, deals_needed
from metrics.scenarios import SCENARIOS
from metrics.stats import wilson_interval
from tests.conftest import make_slice

STARTUP = SCENARIOS["startup"]


def email_slice(email_won: int, email_lost: int, other_won: int, other_lost: int, rep: str = "K"):
    """Decided deals that all had a call (so calls are their own baseline); the first ones had an email too."""
    acts, deals = [], []
    outcomes = ["won"] * email_won + ["lost"] * email_lost + ["won"] * other_won + ["lost"] * other_lost
    for i, status in enumerate(outcomes):
        deal = f"{rep}{i}"
        acts.append({"date": "2026-01-02", "rep": rep, "deal_id": deal, "activity_type": "call", "stage": 0})
        if i < email_won + email_lost:
            acts.append({"date": "2026-01-03", "rep": rep, "deal_id": deal, "activity_type": "email", "stage": 0})
        deals.append({"date": "2026-01-20", "rep": rep, "deal_id": deal, "status": status})
    return acts, deals


@pytest.mark.parametrize(
    "counts, confidence, verdict, needed",
    [
        # 5 of 6 against 6 of 10: the interval leaves 0.6 at 17 deals (z²·0.24 / (5/6 − 0.6)² = 16.93), 11 more.
        ((5, 1, 1, 3), 0.95, UNCLEAR, 11),
        # At 80% the interval is narrower: 1.2816²·0.24 / 0.2333² = 7.24, so 8 deals, 2 more.
        ((5, 1, 1, 3), 0.80, UNCLEAR, 2),
        # 1 of 6 against 10 of 20: 1.96²·0.25 / (1/3)² = 8.64, so 9 deals, 3 more.
        ((1, 5, 9, 5), 0.95, UNCLEAR, 3),
        # 3 of 6 against 5 of 10: the rate is the baseline, and no number of deals would tell.
        ((3, 3, 2, 2), 0.95, UNCLEAR, None),
        # 90 of 100 against 100 of 200: already clear, nothing more needed.
        ((90, 10, 10, 90), 0.95, PAYS_OFF, None),
        ((10, 90, 90, 10), 0.95, DOES_NOT_PAY, None),
    ],
)
def test_deals_needed_for_a_type_the_data_cannot_judge_yet(counts, confidence, verdict, needed):
    mix = activity_mix(make_slice(*email_slice(*counts)), STARTUP, confidence=confidence).set_index("activity_type")
    assert mix.loc["email", "verdict"] == verdict
    got = mix.loc["email", "deals_needed"]
    assert got is pd.NA if needed is None else got == needed


def test_a_type_that_touched_every_deal_is_its_own_baseline_and_needs_no_number():
    mix = activity_mix(make_slice(*email_slice(5, 1, 1, 3)), STARTUP).set_index("activity_type")
    assert mix.loc["call", "verdict"] == UNCLEAR
    assert mix.loc["call", "deals_needed"] is pd.NA


def test_types_without_a_deal_link_or_decided_deals_need_no_number():
    acts = [
        {"date": "2026-01-02", "rep": "K", "activity_type": "email", "stage": 0},
        {"date": "2026-01-02", "rep": "K", "deal_id": "D1", "activity_type": "call", "stage": 0},
        {"date": "2026-01-02", "rep": "K", "deal_id": "D2", "activity_type": "demo", "stage": 2},
    ]
    deals = [
        {"date": "2026-01-20", "rep": "K", "deal_id": "D1", "status": "won"},
        {"date": "2026-01-20", "rep": "K", "deal_id": "D2", "status": "open"},
    ]
    mix = activity_mix(make_slice(acts, deals), STARTUP).set_index("activity_type")
    assert mix["deals_needed"].isna().all()
    assert mix["deals_needed"].dtype == "Int64"


def test_deals_needed_per_rep_against_the_teams_baseline():
    kari, ola = email_slice(5, 1, 1, 3, rep="K"), email_slice(1, 5, 9, 5, rep="O")
    data = make_slice(kari[0] + ola[0], kari[1] + ola[1])
    # Baseline: 16 won of 30 decided. Kari 5 of 6: 3.8415·(16/30)(14/30) / (5/6 − 16/30)² = 10.6 → 11, 5 more;
    # Ola 1 of 6: 3.8415·0.2489 / (1/6 − 16/30)² = 7.1 → 8, 2 more.
    by_rep = activity_mix(data, STARTUP, by=("rep",))
    emails = by_rep[by_rep["activity_type"] == "email"].set_index("rep")
    assert emails["deals_needed"].to_dict() == {"K": 5, "O": 2}


@pytest.mark.parametrize(
    "won, decided, baseline", [(5, 6, 0.6), (1, 6, 0.5), (48, 100, 0.4), (0, 3, 0.3), (7, 9, 0.55), (120, 400, 0.33)]
)
def test_the_interval_leaves_the_baseline_at_exactly_that_many_more_deals(won, decided, baseline):
    more = deals_needed([won], [decided], [baseline])[0]
    rate = won / decided

    def separates(trials):
        low, high = wilson_interval(rate * trials, trials)
        return bool(low > baseline or high < baseline)

    assert not separates(decided)
    assert separates(decided + more) and not separates(decided + more - 1)


def test_deals_needed_is_nan_where_there_is_no_rate_or_no_baseline():
    assert np.isnan(deals_needed([0, 3], [0, 6], [0.5, np.nan])).all()
