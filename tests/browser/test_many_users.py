"""Many users at once (benchmarks/load.py) with a few users: each sees only their own reps, nobody fails.

CI runs it with LOAD_USERS (3 by default); `python benchmarks/load.py --users 20` is the full run whose
figures are in docs/RELIABILITY.md.
"""

import os

import pytest

from benchmarks.load import run

pytestmark = [pytest.mark.browser, pytest.mark.load]


def test_several_users_at_once_each_see_only_their_own_data(chromium_path):
    load = run(int(os.environ.get("LOAD_USERS", "3")))
    assert load.failures == []
    assert all(set(result.steps) == {"open", "upload", "filter", "page"} for result in load.results)
