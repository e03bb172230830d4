"""The share store, run the same way against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa

from metrics import diagnostics, filters
from metrics.errors import InputError
from metrics.ingest import Dataset, Upload, load
from metrics.scenarios import SCENARIOS
from metrics.sharing import (
    NotFound,
    SharedTable,
    ShareStore,
    ShareTooLarge,
    StoreFull,
    default_url,
    letters,
    pseudonyms,
    token_hash,
)
from metrics.sharing.anonymise import NAME_REMOVED, Scrubber
from metrics.sharing.store import DEFAULT_PATH, shared_views, utc_now
from metrics.sharing.view import SharedView
from metrics.text import Message
from tests import share_pg
from tests.conftest import ROOT, activities, outcomes

START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
STATE = {
    "scenario": "startup",
    "page": "activity",
    "lang": "nb",
    "from": "2026-01-01",
    "to": "2026-01-31",
    "team": ["North"],
    "rep": ["Kari Nordmann"],
    "focus": "Kari Nordmann",
    "performance": "won",
    "lag": 1,
    "thresholds": {"min_volume": 20, "confidence": 0.95},
    "weights": {"call": 1.5},
    "mapping": {"activity_types": {"Demo call": "demo"}},
}


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, by: dt.timedelta) -> None:
        self.now += by


# ------------------------------------------------------------------------------------------- the servers


@pytest.fixture(scope="session")
def postgres():
    binaries = share_pg.binaries()
    if binaries is None:
        message = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = share_pg.Cluster(binaries)
    try:
        cluster.start()
        cluster.create_database("shares")
        yield cluster
    finally:
        cluster.remove()


def empty_postgres(cluster: share_pg.Cluster) -> str:
    """The cluster's shares database without the store's table (a new database per test is slower)."""
    url = cluster.url("shares")
    engine = sa.create_engine(url)
    try:
        shared_views.drop(engine, checkfirst=True)
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def url(backend, request, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'shares' / 'shares.sqlite'}"
    return empty_postgres(request.getfixturevalue("postgres"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_store(url, clock):
    """Stores over the test's database, all on the test's clock unless told otherwise; closed at the end."""
    opened = []

    def make(**options) -> ShareStore:
        store = ShareStore(url, **{"clock": clock, **options})
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store) -> ShareStore:
    return make_store()


def stored_rows(store: ShareStore) -> list[dict]:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(shared_views))]


# --------------------------------------------------------------------------------------------- the data


def small_dataset() -> Dataset:
    """Every dtype the canonical frames use: datetimes, nullable ints and floats, both string dtypes, NA."""
    acts = activities(
        [
            {"date": "2026-01-05T00:00:00", "rep": "Kari Nordmann", "team": "North", "deal_id": "D1"},
            {"date": "2026-01-06T14:30:00", "rep": "Ola Hansen", "activity_type": "meeting", "count": 3},
        ]
    )
    outs = outcomes(
        [
            {
                "date": "2026-01-20",
                "rep": "Kari Nordmann",
                "status": "won",
                "amount": 1200.5,
                "deal_id": "D1",
                "stage_level": 2,
                "satisfaction": 4,
            },
            {"date": "2026-01-21", "rep": "Ola Hansen", "status": "lost"},
            {"date": "2026-01-22", "rep": "Ola Hansen", "status": pd.NA},
        ]
    )
    roster = pd.DataFrame(
        {
            "rep": pd.array(["Kari Nordmann", "Ola Hansen"], dtype="string"),
            "team": pd.array(["North", pd.NA], dtype="string"),
            "manager": pd.array(["Ingrid Solberg", "Ingrid Solberg"], dtype="string"),
            "region": pd.array([pd.NA, "Oslo"], dtype="string"),
            "target": pd.array([450000.0, pd.NA], dtype="Float64"),
        }
    )
    problems = pd.DataFrame(
        {
            "source": ["deals.csv", "deals.csv"],
            "row": pd.array([4, 9], dtype="int64"),
            "reason": ["no date", "unparseable count in '{column}' (counted as 0)"],
            "detail": ["", '{"column": "Calls"}'],
            "action": ["dropped", "repaired"],
        }
    )
    tables = [
        SharedTable("activities.csv", "activities", 2, 2).report(),
        SharedTable("deals.csv", "deals", 4, 3).report(),
    ]
    warning = Message(
        "{source}: {note}", {"source": "deals.csv", "note": Message("{cells:count} cell holds a formula", {"cells": 1})}
    )
    return Dataset(
        acts,
        outs,
        roster,
        problems,
        tables,
        warnings=[warning],
        notes=[Message("{source}: one column of text", {"source": "notes.csv"})],
    )


@pytest.fixture(scope="module")
def startup() -> Dataset:
    path = ROOT / "sample_data" / "startup.xlsx"
    return load([Upload(path.name, path.read_bytes())])


def rep_table(dataset: Dataset) -> pd.DataFrame:
    scenario = SCENARIOS["startup"]
    return diagnostics.rep_table(filters.scope(dataset, scenario), scenario.thresholds)


def by_rep(reps: pd.DataFrame) -> pd.DataFrame:
    return reps.sort_values("rep").reset_index(drop=True)


# ----------------------------------------------------------------------------------------- round trips


def test_a_shared_view_opens_with_the_frames_and_dtypes_it_was_saved_with(store):
    dataset = small_dataset()
    opened = store.open(store.save(dataset, STATE).token)
    for name in ("activities", "outcomes", "roster", "problems"):
        pd.testing.assert_frame_equal(getattr(opened, name), getattr(dataset, name), check_exact=True)
    assert (opened.view_state, opened.warnings, opened.notes, opened.anonymised) == (
        STATE,
        dataset.warnings,
        dataset.notes,
        False,
    )
    assert [(t.source, t.shape, t.rows_read, t.rows_used) for t in opened.dataset.tables] == [
        ("activities.csv", "activities", 2, 2),
        ("deals.csv", "deals", 4, 3),
    ]
    assert (opened.dataset.rows_read, opened.dataset.rows_used, opened.dataset.rows_dropped) == (6, 5, 1)


def test_a_shared_view_redraws_the_same_rep_table(store, startup):
    opened = store.open(store.save(startup, STATE).token)
    pd.testing.assert_frame_equal(rep_table(opened.dataset), rep_table(startup))


def test_frames_are_stored_as_arrow_and_the_view_state_as_json(store):
    store.save(small_dataset(), STATE)
    [row] = stored_rows(store)
    assert [bytes(row[name])[:6] for name in ("activities", "outcomes", "roster", "problems")] == [b"ARROW1"] * 4
    assert json.loads(row["view_state"]) == STATE


@pytest.mark.parametrize(
    "view_state, error",
    [
        ({"reps": {"Kari", "Ola"}}, TypeError),  # a set: JSON has none, and nothing is pickled instead
        ({"frame": pd.DataFrame({"a": [1]})}, TypeError),
        ({"lag": float("nan")}, ValueError),
        (["page", "activity"], TypeError),
        ({"mapping": "x" * 70_000}, ValueError),
    ],
)
def test_a_view_state_that_is_not_small_json_is_refused_and_nothing_is_stored(store, view_state, error):
    with pytest.raises(error):
        store.save(small_dataset(), view_state)
    assert stored_rows(store) == []


# ------------------------------------------------------------------------------------------------ tokens


def test_a_link_has_two_256_bit_tokens_and_the_store_keeps_only_their_hashes(store):
    link = store.save(small_dataset(), STATE)
    [row] = stored_rows(store)
    assert [len(base64.urlsafe_b64decode(t + "=")) for t in (link.token, link.owner_token)] == [32, 32]
    assert link.token != link.owner_token
    assert (bytes(row["token_hash"]), bytes(row["owner_hash"])) == (
        token_hash(link.token),
        token_hash(link.owner_token),
    )
    everything = b"".join(
        v.encode() if isinstance(v, str) else bytes(v) for v in row.values() if isinstance(v, (str, bytes, memoryview))
    )
    assert link.token.encode() not in everything and link.owner_token.encode() not in everything


def test_every_save_gets_new_tokens(store):
    links = [store.save(small_dataset(), STATE) for _ in range(3)]
    assert len({t for link in links for t in (link.token, link.owner_token)}) == 6


@pytest.mark.parametrize(
    "wrong",
    [
        lambda link: "",
        lambda link: secrets.token_urlsafe(32),
        lambda link: link.owner_token,  # the delete token does not open the view
        lambda link: link.token[:-1],
        lambda link: link.token + "A",
        lambda link: link.token.swapcase(),
        lambda link: None,
    ],
)
def test_a_wrong_token_is_not_found(store, wrong):
    link = store.save(small_dataset(), STATE)
    with pytest.raises(NotFound):
        store.open(wrong(link))


def _unknown(store, clock, link):
    return secrets.token_urlsafe(32)


def _expired(store, clock, link):
    clock.advance(31 * DAY)
    return link.token


def _deleted(store, clock, link):
    store.delete(link.token, link.owner_token)
    return link.token


MISSES = pytest.mark.parametrize("miss", [_unknown, _expired, _deleted], ids=["unknown", "expired", "deleted"])


@MISSES
def test_unknown_expired_and_deleted_links_get_the_same_message(store, clock, miss):
    token = miss(store, clock, store.save(small_dataset(), STATE))
    with pytest.raises(NotFound) as raised:
        store.open(token)
    assert str(raised.value) == (
        "This shared link was not found. It may have expired or been deleted, or the "
        "address may be incomplete. Ask the person who shared it for a new link."
    )
    assert isinstance(raised.value, InputError)


def test_unknown_expired_and_deleted_links_cost_the_same_statements(store, clock):
    statements: list[str] = []
    sa.event.listen(
        store.engine, "before_cursor_execute", lambda conn, cursor, statement, *rest: statements.append(statement)
    )
    seen = {}
    for miss in (_unknown, _expired, _deleted):
        clock.now = START
        token = miss(store, clock, store.save(small_dataset(), STATE))
        statements.clear()
        with pytest.raises(NotFound):
            store.open(token)
        seen[miss.__name__] = list(statements)
    assert seen["_unknown"] == seen["_expired"] == seen["_deleted"]
    assert len([s for s in seen["_unknown"] if "shared_views" in s]) == 1  # the lookup, and no payload read


# ------------------------------------------------------------------------------------------------ expiry


@pytest.mark.parametrize(
    "expires_in, lasts", [(None, 30 * DAY), (7 * DAY, 7 * DAY), (dt.timedelta(hours=1), dt.timedelta(hours=1))]
)
def test_a_link_opens_until_it_expires(store, clock, expires_in, lasts):
    link = store.save(small_dataset(), STATE, expires_in=expires_in)
    assert link.expires_at == START + lasts
    clock.advance(lasts - dt.timedelta(seconds=1))
    assert store.open(link.token).expires_at == START + lasts
    clock.advance(dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        store.open(link.token)


def test_the_store_sets_the_default_expiry(make_store, clock):
    link = make_store(expires_in=2 * DAY).save(small_dataset(), STATE)
    assert link.expires_at == START + 2 * DAY


@pytest.mark.parametrize("expires_in", [dt.timedelta(0), -DAY, 366 * DAY])
def test_an_expiry_outside_a_moment_to_a_year_is_refused(store, expires_in):
    with pytest.raises(InputError, match="up to 365 days"):
        store.save(small_dataset(), STATE, expires_in=expires_in)
    assert stored_rows(store) == []


# ------------------------------------------------------------------------------------------------ delete


def test_the_owner_token_deletes_the_link_and_its_data(store):
    kept = store.save(small_dataset(), STATE)
    link = store.save(small_dataset(), STATE)
    store.delete(link.token, link.owner_token)
    with pytest.raises(NotFound):
        store.open(link.token)
    assert [bytes(row["token_hash"]) for row in stored_rows(store)] == [token_hash(kept.token)]


@pytest.mark.parametrize("owner", ["the share token", "another link's owner token", "a random token", "nothing"])
def test_delete_without_the_links_owner_token_is_not_found_and_deletes_nothing(store, owner):
    link = store.save(small_dataset(), STATE)
    other = store.save(small_dataset(), STATE)
    wrong = {
        "the share token": link.token,
        "another link's owner token": other.owner_token,
        "a random token": secrets.token_urlsafe(32),
        "nothing": "",
    }[owner]
    with pytest.raises(NotFound):
        store.delete(link.token, wrong)
    assert store.open(link.token).view_state == STATE


@MISSES
def test_delete_of_a_missing_link_is_not_found(store, clock, miss):
    link = store.save(small_dataset(), STATE)
    token = miss(store, clock, link)
    if miss is _expired:  # the owner may still delete an expired link that is not yet purged
        store.delete(token, link.owner_token)
        assert stored_rows(store) == []
        return
    with pytest.raises(NotFound):
        store.delete(token, link.owner_token)


# ----------------------------------------------------------------------------------------- bounded storage


def test_a_dataset_over_the_cap_is_refused_with_the_limit_named(make_store, startup):
    store = make_store(max_bytes=20_000)
    with pytest.raises(ShareTooLarge) as raised:
        store.save(startup, STATE)
    assert "the limit is 20 kB per shared dataset" in str(raised.value.message)
    assert re.search(r"too large to share: \d+ kB once compressed", str(raised.value.message))
    assert stored_rows(store) == []
    assert store.open(store.save(small_dataset(), STATE).token).view_state == STATE


def test_a_full_store_refuses_until_expired_links_are_purged_on_save(make_store, clock):
    probe = make_store().save(small_dataset(), STATE)
    store = make_store(max_store_bytes=2 * probe.size)
    first = store.save(small_dataset(), STATE, expires_in=DAY)
    with pytest.raises(StoreFull, match=r"The store of shared links is full"):
        store.save(small_dataset(), STATE)
    clock.advance(DAY)
    latest = store.save(small_dataset(), STATE)
    assert {bytes(row["token_hash"]) for row in stored_rows(store)} == {
        token_hash(probe.token),
        token_hash(latest.token),
    }
    with pytest.raises(NotFound):
        store.open(first.token)


def test_purge_deletes_expired_links_only(store, clock):
    short = store.save(small_dataset(), STATE, expires_in=DAY)
    long = store.save(small_dataset(), STATE, expires_in=3 * DAY)
    clock.advance(DAY)
    assert store.purge_expired() == 1
    assert [bytes(row["token_hash"]) for row in stored_rows(store)] == [token_hash(long.token)]
    assert store.open(long.token).view_state == STATE
    assert store.purge_expired() == 0
    with pytest.raises(NotFound):
        store.open(short.token)


def test_a_save_purges_expired_links(store, clock):
    store.save(small_dataset(), STATE, expires_in=DAY)
    clock.advance(2 * DAY)
    latest = store.save(small_dataset(), STATE)
    assert [bytes(row["token_hash"]) for row in stored_rows(store)] == [token_hash(latest.token)]


# ----------------------------------------------------------------------------------- a save killed midway

SAVER = textwrap.dedent("""
    import json, os, secrets, sys, time
    from pathlib import Path
    import pandas as pd
    import sqlalchemy as sa
    from metrics.ingest import ACTIVITY_COLUMNS, OUTCOME_COLUMNS, PROBLEM_COLUMNS, ROSTER_COLUMNS, Dataset, empty_frame
    from metrics.sharing import ShareStore

    url, events = sys.argv[1], Path(sys.argv[2])
    store = ShareStore(url)
    inserted = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def seen(connection, cursor, statement, *rest):
        inserted.append(statement.lstrip().upper().startswith("INSERT"))

    @sa.event.listens_for(store.engine, "commit")
    def hang(connection):
        # The INSERT has run and the transaction is about to commit: report what this transaction sees, then
        # wait here for the test to kill the process (or the server).
        if not any(inserted):
            return
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SELECT token_hash FROM shared_views")
        seen = {"hashes": [bytes(row[0]).hex() for row in cursor.fetchall()], "backend": None}
        if store.url.get_backend_name() == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            seen["backend"] = cursor.fetchone()[0]
        events.with_suffix(".tmp").write_text(json.dumps(seen))
        os.replace(events.with_suffix(".tmp"), events)
        time.sleep(600)

    # Random deal ids don't compress: the payload outgrows SQLite's page cache, so pages reach the disk
    # before the commit, and the kill finds half a dataset written.
    rows = 300_000
    big = pd.DataFrame({"date": pd.Timestamp("2026-01-01"), "rep": "Kari Nordmann", "team": "North",
                        "activity_type": "call", "deal_id": [secrets.token_hex(16) for _ in range(rows)],
                        "count": 1, "source": "big.csv"})[ACTIVITY_COLUMNS]
    store.save(Dataset(big, empty_frame(OUTCOME_COLUMNS), empty_frame(ROSTER_COLUMNS), empty_frame(PROBLEM_COLUMNS)),
               {"page": "overview"})
    print("saved", flush=True)
""")


def _start_saver(url: str, events: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-c", SAVER, url, str(events)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


def _wait_for_commit(saver: subprocess.Popen, events: Path, log: Path) -> dict:
    deadline = time.monotonic() + 120
    while not events.exists():
        if saver.poll() is not None or time.monotonic() > deadline:
            saver.kill()
            pytest.fail(f"the saving process never reached its commit:\n{log.read_text()}")
        time.sleep(0.05)
    return json.loads(events.read_text())


def _sqlite_files_size(url: str) -> int:
    database = Path(sa.engine.make_url(url).database)
    return sum(path.stat().st_size for path in (database, database.with_name(database.name + "-wal")) if path.exists())


def test_a_save_killed_before_its_commit_leaves_nothing_and_earlier_links_work(url, backend, make_store, tmp_path):
    store = make_store(clock=utc_now)
    earlier = store.save(small_dataset(), STATE)
    before = _sqlite_files_size(url) if backend == "sqlite" else 0
    events, log = tmp_path / "commit.json", tmp_path / "saver.log"
    saver = _start_saver(url, events, log)
    try:
        seen = _wait_for_commit(saver, events, log)
        # Half-way for real: the new row is in the saving transaction, and for SQLite its pages on disk.
        assert len(seen["hashes"]) == 2 and token_hash(earlier.token).hex() in seen["hashes"]
        if backend == "sqlite":
            assert _sqlite_files_size(url) - before > 2_000_000
    finally:
        saver.send_signal(signal.SIGKILL)
        saver.wait()
    store.close()
    reopened = make_store(clock=utc_now)
    assert [bytes(row["token_hash"]) for row in stored_rows(reopened)] == [token_hash(earlier.token)]
    pd.testing.assert_frame_equal(reopened.open(earlier.token).activities, small_dataset().activities)
    assert reopened.open(reopened.save(small_dataset(), STATE).token).view_state == STATE


def test_a_database_server_killed_during_a_save_recovers_without_it(postgres, tmp_path):
    url = empty_postgres(postgres)
    with ShareStore(url) as store:
        earlier = store.save(small_dataset(), STATE)
    events, log = tmp_path / "commit.json", tmp_path / "saver.log"
    saver = _start_saver(url, events, log)
    try:
        seen = _wait_for_commit(saver, events, log)
        assert len(seen["hashes"]) == 2 and seen["backend"]
        postgres.kill()
    finally:
        saver.send_signal(signal.SIGKILL)
        saver.wait()
    postgres.start()  # crash recovery replays the log: committed rows only
    with ShareStore(url) as reopened:
        assert [bytes(row["token_hash"]) for row in stored_rows(reopened)] == [token_hash(earlier.token)]
        assert reopened.open(earlier.token).view_state == STATE


# --------------------------------------------------------------------------------------------- anonymise


@pytest.mark.parametrize(
    "number, name",
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")],
)
def test_pseudonyms_count_like_spreadsheet_columns(number, name):
    assert letters(number) == name


PEOPLE = {
    "Kari Nordmann": "Rep A",
    "Ola Hansen": "Rep B",
    "Kari Berg": "Rep C",
    "1042": "Rep D",
    "Won Kim": "Rep E",
    "Ingrid Solberg": "Manager A",
}
SCRUB = Scrubber(PEOPLE, {"Acme (Kari)": "Deal 1"}, {"Kari Nordmann leads.csv": "Table 1"})


@pytest.mark.parametrize(
    "text, scrubbed",
    [
        ("Kari Nordmann", "Rep A"),
        ("KARI NORDMANN", "Rep A"),
        ("Meeting with Ola Hansen", "Meeting with Rep B"),
        ("Hansen account", "Rep B account"),
        ("Kari's team", f"{NAME_REMOVED}'s team"),  # two reps are called Kari: say neither
        ("Team Ingrid", "Team Manager A"),
        ("Bergen", "Bergen"),
        ("1042", "Rep D"),
        ("Order 1042-7 on 2026-10-42", "Order 1042-7 on 2026-10-42"),  # a name without letters only as a whole
        ("Kari Nordmann leads.csv: 3 cells hold formulas", "Table 1: 3 cells hold formulas"),
        ("call", "call"),
    ],
)
def test_names_are_replaced_in_text(text, scrubbed):
    assert SCRUB.text(text) == scrubbed


def test_the_view_state_keeps_its_code_words_and_loses_its_names():
    state = {
        "page": "reps",
        "focus": "Won Kim",
        "performance": "won",
        "rep": ["Ola Hansen", "1042"],
        "from": "2026-10-04",
        "mapping": {"activity_types": {"Call Kari Berg": "call"}},
    }
    assert SCRUB.state(state) == {
        "page": "reps",
        "focus": "Rep E",
        "performance": "won",
        "rep": ["Rep B", "Rep D"],
        "from": "2026-10-04",
        "mapping": {"activity_types": {"Call Rep C": "call"}},
    }


@pytest.mark.parametrize(
    "detail, scrubbed",
    [
        ("", ""),
        ('{"column": "Calls by Per"}', '{"column": "…"}'),
        ('{"column": "Per\'s calls", "value": "Kari"}', '{"column": "…", "value": "…"}'),
        ('{"year": 2025}', '{"year": 2025}'),
    ],
)
def test_a_reason_loses_the_words_it_quotes_and_keeps_its_numbers(detail, scrubbed):
    assert SCRUB.detail(detail) == scrubbed


def test_a_reasons_template_is_never_scrubbed_even_when_a_rep_shares_its_words():
    frame = pd.DataFrame(
        {
            "rep": pd.array(["Won Kim"], dtype="string"),
            "reason": pd.array(
                ["status says converted or won, the converted flag says not (counted as open)"], dtype="string"
            ),
        }
    )
    assert SCRUB.frame(frame)["reason"].tolist() == frame["reason"].tolist()


def test_statuses_stay_when_a_rep_is_called_won():
    frame = pd.DataFrame(
        {
            "rep": pd.array(["Won Kim"], dtype="string"),
            "status": pd.array(["won"], dtype="string"),
            "team": pd.array(["Won's team"], dtype="string"),
        }
    )
    assert SCRUB.frame(frame).to_dict("records") == [{"rep": "Rep E", "status": "won", "team": "Rep E's team"}]


def test_a_manager_who_is_also_a_rep_keeps_one_pseudonym():
    view = SharedView.of(small_dataset(), {})
    roster = view.roster.assign(manager=pd.array(["Ola Hansen", "Ingrid Solberg"], dtype="string"))
    dealt = pseudonyms(dataclasses.replace(view, roster=roster), random.Random(0))
    assert sorted(dealt) == ["Ingrid Solberg", "Kari Nordmann", "Ola Hansen"]
    assert sorted(dealt.values()) == ["Manager A", "Rep A", "Rep B"]


def test_pseudonyms_are_dealt_in_a_random_order_not_the_alphabets():
    view = SharedView.of(small_dataset(), {})
    first = {pseudonyms(view, random.Random(seed))["Kari Nordmann"] for seed in range(20)}
    assert first == {"Rep A", "Rep B"}


PLANTED_NAMES = [
    "Kari Nordmann",
    "Ola Hansen",
    "Ingrid Solberg",
    "Per Persen",
    "Nordmann",
    "Hansen",
    "Solberg",
    "Persen",
    "Kari",
    "Ola",
    "Ingrid",
]


def planted_dataset() -> Dataset:
    """People's names in every text the engine keeps: file names, teams, regions, activity types, deal ids,
    warnings and notes; and a rep (Per Persen) whose every row is dropped."""
    logged = (
        "rep,date,activity type,deal id\n"
        "Kari Nordmann,2026-01-05,Call,Acme (Kari Nordmann)\n"
        "Kari Nordmann,2026-01-06,Meeting with Ola,Acme (Kari Nordmann)\n"
        "Ola Hansen,2026-01-07,Email,Fjord AS - Hansen\n"
        "Per Persen,2030-02-01,Call,Secret Persen deal\n"
    )
    deals = (
        "owner,status,amount,close date,deal id\n"
        "Kari Nordmann,won,1000,2026-01-20,Acme (Kari Nordmann)\n"
        "Ola Hansen,lost,500,2026-01-21,Fjord AS - Hansen\n"
        "Ola Hansen,won,n/a,2026-01-22,Ingrid's referral\n"
    )
    roster = (
        "rep,team,manager,region\n"
        "Kari Nordmann,Team Ingrid,Ingrid Solberg,Oslo\n"
        "Ola Hansen,Team Ingrid,Ingrid Solberg,Kari's region\n"
    )
    dataset = load(
        [
            Upload("Kari Nordmann activities.csv", logged.encode()),
            Upload("deals by Ola Hansen.csv", deals.encode()),
            Upload("roster.csv", roster.encode()),
        ],
        today=pd.Timestamp("2026-03-01"),
    )
    return dataclasses.replace(
        dataset,
        problems=pd.concat(
            [
                dataset.problems,
                pd.DataFrame(
                    {
                        "source": ["deals by Ola Hansen.csv"],
                        "row": [2],
                        "reason": ["unparseable count in '{column}'"],
                        "detail": ['{"column": "Per\'s calls"}'],
                        "action": ["repaired"],
                    }
                ),
            ],
            ignore_index=True,
        ),
        warnings=[
            Message(
                "{source}: {cells:count} cell in '{column}' holds a formula",
                {"source": "Kari Nordmann activities.csv", "cells": 1, "column": "Notes by Per"},
            ),
            Message("{source}: not used", {"source": "deals by Ola Hansen.csv › Per Persen's sheet"}),
        ],
        notes=[Message("{source}: one column of text", {"source": "deals by Ola Hansen.csv › Per Persen's notes"})],
    )


def _uncompressed(content: bytes) -> bytes:
    """An Arrow file rewritten without compression, so that every string in it is there to search."""
    table = pa.ipc.open_file(pa.BufferReader(content)).read_all()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_an_anonymised_link_stores_no_real_name_anywhere(store):
    dataset = planted_dataset()
    state = {
        **STATE,
        "rep": ["Ola Hansen"],
        "focus": "Kari Nordmann",
        "team": ["Team Ingrid"],
        "mapping": {"activity_types": {"Meeting with Ola": "meeting"}},
    }
    store.save(dataset, state, anonymise=True)
    [row] = stored_rows(store)
    stored = []
    for value in row.values():
        if isinstance(value, (bytes, memoryview)) and bytes(value)[:6] == b"ARROW1":
            stored.append(_uncompressed(bytes(value)).decode("utf-8", "replace"))
        elif isinstance(value, str):
            stored.append(value)
    text = "\n".join(stored).casefold()
    assert "rep a" in text and "manager a" in text  # the search looks where the pseudonyms are
    assert [name for name in PLANTED_NAMES if name.casefold() in text] == []


def test_an_anonymised_view_labels_deals_and_tables_the_same_in_every_frame(store):
    opened = store.open(store.save(planted_dataset(), STATE, anonymise=True).token)
    assert list(opened.activities["deal_id"]) == ["Deal 1", "Deal 1", "Deal 2"]  # Acme twice, then Fjord
    assert list(opened.outcomes["deal_id"]) == ["Deal 1", "Deal 2", "Deal 3"]
    assert [t.source for t in opened.tables] == ["Table 1", "Table 2", "Table 3"]
    assert (set(opened.activities["source"]), set(opened.outcomes["source"]), list(opened.problems["source"])) == (
        {"Table 1"},
        {"Table 2"},
        ["Table 1", "Table 2", "Table 2"],
    )


def test_an_anonymised_view_counts_the_warnings_it_leaves_out(store):
    opened = store.open(store.save(planted_dataset(), STATE, anonymise=True).token)
    assert [str(warning) for warning in opened.warnings] == [
        "2 reading warnings about the uploaded files are left out of this anonymised view, as they quote the files' "
        "own words. The numbers may be affected: the person who shared it can see the warnings."
    ]
    assert opened.notes == []


def test_an_anonymised_view_keeps_every_number_under_stable_pseudonyms(store, startup):
    link = store.save(startup, STATE, anonymise=True)
    opened = store.open(link.token)
    assert opened.anonymised
    expected = rep_table(startup).assign(rep=lambda reps: reps["rep"].map(link.pseudonyms))
    pd.testing.assert_frame_equal(by_rep(rep_table(opened.dataset)), by_rep(expected), check_dtype=False)
    roster = startup.roster.assign(
        rep=startup.roster["rep"].map(link.pseudonyms), manager=startup.roster["manager"].map(link.pseudonyms)
    )
    assert opened.roster[["rep", "manager"]].to_dict("records") == roster[["rep", "manager"]].to_dict("records")
    assert opened.view_state["focus"] == link.pseudonyms["Kari Nordmann"]


def test_the_pseudonyms_are_returned_to_the_sharer_but_not_kept_in_the_link(store):
    link = store.save(small_dataset(), STATE, anonymise=True, rng=random.Random(3))
    assert sorted(link.pseudonyms.values()) == ["Manager A", "Rep A", "Rep B"]
    assert "pseudonyms" not in repr(link) and link.token not in repr(link)


# -------------------------------------------------------------------------------------------- where it lives


def test_the_default_store_is_sqlite_in_the_data_folder(monkeypatch):
    monkeypatch.delenv("SHARES_URL", raising=False)
    assert default_url() == f"sqlite:///{ROOT / 'data' / 'shares.sqlite'}"
    assert DEFAULT_PATH == ROOT / "data" / "shares.sqlite"


def test_the_environment_chooses_another_store_and_its_folder_is_made_on_first_use(monkeypatch, tmp_path):
    path = tmp_path / "not" / "yet" / "shares.sqlite"
    monkeypatch.setenv("SHARES_URL", f"sqlite:///{path}")
    with ShareStore() as store:
        link = store.save(small_dataset(), STATE)
        assert store.open(link.token).view_state == STATE
    assert path.exists()
