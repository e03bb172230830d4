"""Shared views behind capability links, in SQLite or PostgreSQL through SQLAlchemy.

Threat model (docs/SHARING.md says more):
- Whoever holds a link may open it; nobody else can find it. A token is 32 random bytes from `secrets`
  (256 bits), so guessing one is hopeless, and the store keeps only its SHA-256: a copy of the database
  opens no link. A second, separate token lets the owner delete the link.
- An expired, deleted and unknown token look alike: the same NotFound, after the same statements and the
  same comparisons (a miss is compared with a dummy row), so neither the answer nor its timing tells
  whether a token ever existed.
- A save is one INSERT in one transaction: killed half-way, it leaves nothing visible, and the links
  saved before it keep working.
- Storage is bounded: a cap per dataset, a cap on the whole store, and expired rows deleted on every save
  and by purge_expired().
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from metrics.errors import InputError
from metrics.ingest import Dataset
from metrics.sharing.anonymise import anonymise as anonymised
from metrics.sharing.view import FORMAT, FRAMES, SharedView, decode, encode, size_of
from metrics.text import N_, Message

URL_VARIABLE = "SHARES_URL"
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "shares.sqlite"
DEFAULT_EXPIRY = dt.timedelta(days=30)
LONGEST_EXPIRY = dt.timedelta(days=365)
MAX_DATASET_BYTES = 50_000_000
MAX_STORE_BYTES = 2_000_000_000
TOKEN_BYTES = 32

metadata = sa.MetaData()
shared_views = sa.Table(
    "shared_views",
    metadata,
    sa.Column("token_hash", sa.LargeBinary(32), primary_key=True),
    sa.Column("owner_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),  # UTC
    sa.Column("expires_at", sa.DateTime(), nullable=False, index=True),
    sa.Column("format", sa.Integer(), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=False),
    sa.Column("anonymised", sa.Boolean(), nullable=False),
    sa.Column("view_state", sa.Text(), nullable=False),
    sa.Column("summary", sa.Text(), nullable=False),
    *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in FRAMES),
)
_ENTRY = (shared_views.c.token_hash, shared_views.c.owner_hash, shared_views.c.expires_at)


@dataclass(frozen=True)
class _Entry:
    token_hash: bytes
    owner_hash: bytes
    expires_at: dt.datetime


# What a miss is compared with, so that it costs what a hit costs. No token hashes to 32 zero bytes.
_DUMMY = _Entry(bytes(32), bytes(32), dt.datetime.max)


class NotFound(InputError):
    """The one answer for an unknown, expired or deleted link."""

    def __init__(self):
        super().__init__(
            N_(
                "This shared link was not found. It may have expired or been deleted, or the address "
                "may be incomplete. Ask the person who shared it for a new link."
            )
        )


class ShareTooLarge(InputError):
    """A dataset above the store's cap per dataset."""


class StoreFull(InputError):
    """The store as a whole is at its cap."""


@dataclass(frozen=True)
class SharedLink:
    """What the sharer gets back. The tokens are shown once and never stored; keep them out of logs."""

    token: str = field(repr=False)  # opens the view
    owner_token: str = field(repr=False)  # deletes it
    expires_at: dt.datetime  # UTC
    size: int  # bytes stored
    pseudonyms: dict[str, str] = field(default_factory=dict, repr=False)  # real name → pseudonym, if anonymised


def default_url() -> str:
    """The SHARES_URL environment variable, else SQLite in the repository's data folder."""
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{DEFAULT_PATH}"


def token_hash(token: str) -> bytes:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def readable_size(size: int) -> Message:
    """'1.5 MB', '20 kB'."""
    if size >= 1_000_000:
        return Message(N_("{megabytes:number} MB"), {"megabytes": size / 1_000_000})
    return Message(N_("{kilobytes:count} kB"), {"kilobytes": round(size / 1000)})


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _sqlite_engine(url: sa.URL, options: dict[str, Any]) -> sa.Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **options)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # SQLAlchemy's documented recipe: the driver's own transaction handling is switched off and every
        # transaction begins explicitly, so a save's reads and its INSERT are one transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers go on while a save writes
        cursor.execute("PRAGMA secure_delete=ON")  # a deleted dataset is overwritten, not left in free pages
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # A writer takes the lock at once, so two saves queue instead of failing on a lock upgrade.
        writes = connection.get_execution_options().get("share_writes")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


class ShareStore:
    """Saves, opens and deletes shared views. One store per process is enough; it is safe across threads.

    `url` is a SQLAlchemy URL: `postgresql+psycopg://…` for several app replicas, else SQLite (the default,
    see default_url). `clock` returns the current time, aware; tests pass their own.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        expires_in: dt.timedelta = DEFAULT_EXPIRY,
        longest_expiry: dt.timedelta = LONGEST_EXPIRY,
        max_bytes: int = MAX_DATASET_BYTES,
        max_store_bytes: int = MAX_STORE_BYTES,
        clock: Callable[[], dt.datetime] = utc_now,
        engine_options: dict[str, Any] | None = None,
    ):
        self.url = make_url(url or default_url())
        options = {"pool_pre_ping": True, **(engine_options or {})}
        self.engine = (
            _sqlite_engine(self.url, options)
            if self.url.get_backend_name() == "sqlite"
            else sa.create_engine(self.url, **options)
        )
        self.expires_in, self.longest_expiry = expires_in, longest_expiry
        self.max_bytes, self.max_store_bytes = max_bytes, max_store_bytes
        self.clock = clock
        self._create_table()

    def _create_table(self) -> None:
        try:
            metadata.create_all(self.engine)
        except sa.exc.DatabaseError:
            # Another replica created it between the check and the CREATE; anything else fails again here.
            metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _now(self) -> dt.datetime:
        return _naive_utc(self.clock())

    def _writing(self) -> sa.Connection:
        return self.engine.connect().execution_options(share_writes=True)

    def save(
        self,
        dataset: Dataset,
        view_state: dict[str, Any],
        *,
        expires_in: dt.timedelta | None = None,
        anonymise: bool = False,
        rng: random.Random | None = None,
    ) -> SharedLink:
        """Store the dataset's frames and the view state behind a new link; `rng` deals the pseudonyms."""
        expires_in = self.expires_in if expires_in is None else expires_in
        if not dt.timedelta(0) < expires_in <= self.longest_expiry:
            raise InputError(
                N_("A shared link can last from a moment up to {days:count} days."), days=self.longest_expiry.days
            )
        view = SharedView.of(dataset, view_state)
        pseudonyms: dict[str, str] = {}
        if anonymise:
            view, pseudonyms = anonymised(view, rng)
        columns = encode(view)
        size = size_of(columns)
        if size > self.max_bytes:
            raise ShareTooLarge(
                N_(
                    "This data is too large to share: {size} once compressed, and the limit is "
                    "{limit} per shared dataset. Share a smaller upload (fewer months or teams), or ask "
                    "whoever runs the app to raise the limit."
                ),
                size=readable_size(size),
                limit=readable_size(self.max_bytes),
            )
        token, owner_token = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES)
        now = self._now()
        expires_at = now + expires_in
        with self._writing() as connection, connection.begin():
            connection.execute(sa.delete(shared_views).where(shared_views.c.expires_at <= now))
            used = connection.execute(sa.select(sa.func.coalesce(sa.func.sum(shared_views.c.size), 0))).scalar_one()
            if used + size > self.max_store_bytes:
                raise StoreFull(
                    N_(
                        "The store of shared links is full ({used} of {limit}). Try again once older "
                        "links have expired, or ask whoever runs the app to raise the limit."
                    ),
                    used=readable_size(used),
                    limit=readable_size(self.max_store_bytes),
                )
            connection.execute(
                sa.insert(shared_views).values(
                    token_hash=token_hash(token),
                    owner_hash=token_hash(owner_token),
                    created_at=now,
                    expires_at=expires_at,
                    format=FORMAT,
                    size=size,
                    anonymised=view.anonymised,
                    **columns,
                )
            )
        return SharedLink(token, owner_token, expires_at.replace(tzinfo=dt.UTC), size, pseudonyms)

    def _entry(self, connection: sa.Connection, token: str) -> tuple[_Entry, bytes]:
        digest = token_hash(token if isinstance(token, str) else "")
        row = connection.execute(sa.select(*_ENTRY).where(shared_views.c.token_hash == digest)).first()
        found = row or _DUMMY  # a miss is read like a row, too
        return _Entry(bytes(found.token_hash), bytes(found.owner_hash), found.expires_at), digest

    def _live(self, entry: _Entry, digest: bytes) -> bool:
        # Both tests always run, hit or miss: `&` rather than `and`.
        return hmac.compare_digest(entry.token_hash, digest) & (entry.expires_at > self._now())

    def open(self, token: str) -> SharedView:
        """The view behind a token, or NotFound when it is unknown, expired or deleted."""
        with self.engine.connect() as connection:
            entry, digest = self._entry(connection, token)
            if not self._live(entry, digest):
                raise NotFound()
            stored = connection.execute(sa.select(shared_views).where(shared_views.c.token_hash == digest)).first()
        if stored is None or stored.format != FORMAT:  # deleted a moment ago, or written by a newer version
            raise NotFound()
        return decode(
            dict(stored._mapping),
            anonymised=stored.anonymised,
            created_at=stored.created_at.replace(tzinfo=dt.UTC),
            expires_at=stored.expires_at.replace(tzinfo=dt.UTC),
        )

    def delete(self, token: str, owner_token: str) -> None:
        """Delete a link for good; NotFound unless both tokens are its own (an expired one is deleted too)."""
        with self._writing() as connection, connection.begin():
            entry, digest = self._entry(connection, token)
            owner = token_hash(owner_token if isinstance(owner_token, str) else "")
            if not hmac.compare_digest(entry.token_hash, digest) & hmac.compare_digest(entry.owner_hash, owner):
                raise NotFound()
            connection.execute(sa.delete(shared_views).where(shared_views.c.token_hash == digest))

    def purge_expired(self) -> int:
        """Delete every expired link; how many were deleted."""
        with self._writing() as connection, connection.begin():
            return connection.execute(sa.delete(shared_views).where(shared_views.c.expires_at <= self._now())).rowcount
