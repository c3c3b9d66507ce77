"""The archive's state: which version of each article is durably in the output, and up to which
byte of each output file the state is reconciled. The hand-off between dedupe and store.

One `ArchiveState` per crawl, `CrawlContext.of(crawler).archive` (crawler/context.py):

- the **store owns it**: it opens it (after taking the data directory's lock), reconciles it with
  the output files, commits each batch into it only after the batch is fsynced, and closes it;
- **dedupe reads it**: `lookup(id)` gives the latest version and content digest, from the
  decisions of this run not yet durable (`hold`, kept in memory) or else from the database.

Database: SQLite (`<data_dir>/state.sqlite3`, WAL), two tables, both looked up by primary key:
`articles(id, version, digest)` and `files(path, offset)`. A batch's rows and its file's new
offset are one transaction, so the state is never ahead of the output: a crash between the
fsync and the commit leaves the state behind, and the next start-up reads the file from the
recorded offset on and adopts what it finds (`adopt`). Memory holds only the pending decisions
of the current batch; the database holds one small row per article.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from crawler.archive.jsonl import utf8

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,          -- Article.id
    version INTEGER NOT NULL,     -- the latest version durably in the output
    digest BLOB NOT NULL,         -- content_digest() of that version
    published TEXT                -- Article.published (ISO 8601): the recheck window, status
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gone (
    id TEXT PRIMARY KEY,          -- an article whose page answered 404 or 410
    status INTEGER NOT NULL,
    at TEXT NOT NULL              -- when (UTC, ISO 8601): asked again after the recheck days
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,        -- output file, relative to the data directory
    offset INTEGER NOT NULL       -- bytes of it already reflected in `articles`
) WITHOUT ROWID;
"""
_UPSERT = (
    "INSERT INTO articles (id, version, digest, published) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, digest = excluded.digest, "
    "published = excluded.published WHERE excluded.version > articles.version"
)
# `gone` came without a version step: CREATE IF NOT EXISTS adds it, and an older crawler
# ignores it. At most GONE_MAX rows: the oldest go first.
GONE_MAX = 10_000
# Version 1 had no `published`: added, empty (rows fill in as articles are written again).
_MIGRATIONS = {1: "ALTER TABLE articles ADD COLUMN published TEXT"}
_CHECKPOINT = (
    "INSERT INTO files (path, offset) VALUES (?, ?) "
    "ON CONFLICT (path) DO UPDATE SET offset = excluded.offset"
)


class StateDamaged(Exception):
    """The state file is no SQLite database, or a damaged one: the store sets it aside and
    rebuilds the state from the archive."""


class Entry(NamedTuple):
    """The latest known version of an article, the digest of its text, its publication time."""

    version: int
    digest: bytes
    published: str | None = None


class Totals(NamedTuple):
    """What the archive holds, for `cri-crawler status`."""

    articles: int
    versions: int
    newest_published: str | None


def _normalised(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def content_digest(headline: str | None, body: str | None) -> bytes:
    """Digest of the normalised headline and body (NFC, any whitespace run as one space), so a
    change of spacing or paragraph breaks only is no new version."""
    text = f"{_normalised(headline)}\x1f{_normalised(body)}"
    return hashlib.blake2b(utf8(text), digest_size=16).digest()


class ArchiveState:
    """The dedupe state of a data directory: SQLite rows plus this run's pending decisions."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._pending: dict[str, Entry] = {}

    @property
    def is_open(self) -> bool:
        return self._db is not None

    def open(self, path: Path) -> None:
        """Open (or create) the state. StateDamaged when the file is no SQLite database or a
        damaged one; sqlite3.Error for anything else (locked, unreadable, a newer schema)."""
        db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
        try:
            try:
                # WAL: a commit is one append; NORMAL: a power loss may lose the last commits
                # but never corrupts, and a state behind the output is what reconciliation
                # repairs.
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                # A few ms for a state of 100,000 articles; a torn file fails here, not later.
                if (check := db.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                    raise StateDamaged(f"{path}: {check}")
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
                raise StateDamaged(f"{path}: {exc}") from exc
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(
                    f"{path} has schema version {version}; this crawler knows {SCHEMA_VERSION}"
                )
            if version and version < SCHEMA_VERSION:
                for step in range(version, SCHEMA_VERSION):
                    db.execute(_MIGRATIONS[step])
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        self._db = db

    def close(self) -> None:
        self._pending.clear()
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    # -- dedupe's side ---------------------------------------------------------------------

    def lookup(self, article_id: str) -> Entry | None:
        """The latest version of the article: decided in this run, else durably stored."""
        entry = self._pending.get(article_id)
        if entry is not None:
            return entry
        assert self._db is not None, "the archive state is not open"
        row = self._db.execute(
            "SELECT version, digest, published FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return Entry(row[0], bytes(row[1]), row[2]) if row else None

    def mark_gone(self, article_id: str, status: int) -> None:
        """An article whose page is gone (404/410): not asked again for a while (`is_gone`)."""
        assert self._db is not None, "the archive state is not open"
        now = datetime.now(timezone.utc).isoformat()
        with self._db:  # one small transaction, independent of the batches
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO gone (id, status, at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET status = excluded.status, at = excluded.at", (article_id, status, now),
            )
            self._db.execute(
                "DELETE FROM gone WHERE id IN (SELECT id FROM gone ORDER BY at DESC, rowid DESC LIMIT -1 "
                "OFFSET ?)", (GONE_MAX,),
            )

    def is_gone(self, article_id: str, recheck_days: float) -> bool:
        """Marked gone within the last `recheck_days` days."""
        assert self._db is not None, "the archive state is not open"
        row = self._db.execute("SELECT at FROM gone WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return False
        since = datetime.now(timezone.utc) - timedelta(days=recheck_days)
        return datetime.fromisoformat(row[0]) > since

    def totals(self) -> Totals:
        assert self._db is not None
        return _totals(self._db)

    @staticmethod
    def read_totals(path: Path) -> Totals:
        """Totals of a state file without writing anything (for `cri-crawler status`).

        While a run writes, the state's -wal and -shm exist and are shared with it. When they do
        not (no writer, all checkpointed), the file is complete and does not change until a
        writer opens it: `immutable` then keeps SQLite from creating -wal and -shm owned by
        whoever reads (root, say), which the cron user's next run could not write to."""
        wal = path.with_name(path.name + "-wal")
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")
        db = sqlite3.connect(uri, uri=True)
        try:
            return _totals(db)
        finally:
            db.close()

    def hold(self, article_id: str, entry: Entry) -> Entry | None:
        """Record a decision not yet durable; returns the pending entry it replaces."""
        previous = self._pending.get(article_id)
        self._pending[article_id] = entry
        return previous

    def release(self, article_id: str, entry: Entry, previous: Entry | None) -> None:
        """Undo `hold` for an item that will not be written after all."""
        if self._pending.get(article_id) == entry:
            if previous is None:
                del self._pending[article_id]
            else:
                self._pending[article_id] = previous

    def held(self, article_id: str) -> Entry | None:
        return self._pending.get(article_id)

    # -- the store's side ------------------------------------------------------------------

    def offsets(self) -> dict[str, int]:
        """Every output file's reconciled size (one row per file, i.e. per day)."""
        assert self._db is not None
        return dict(self._db.execute("SELECT path, offset FROM files"))

    def commit(self, records: Iterable[tuple[str, Entry]], path: str, offset: int) -> None:
        """A durable batch: its rows and its file's new offset, in one transaction."""
        records = list(records)
        self._write(records, path, offset)
        for article_id, entry in records:
            if self._pending.get(article_id) == entry:
                del self._pending[article_id]

    def adopt(self, records: Iterable[tuple[str, Entry]], path: str, offset: int) -> None:
        """Reconciliation: lines found in the output after the recorded offset."""
        self._write(list(records), path, offset)

    def reset(self, entries: dict[str, Entry | None]) -> None:
        """Reconciliation after damage: these articles' rows as given (None: no row, so the
        article is fetched again like a new one), whatever version the rows held."""
        db = self._db
        assert db is not None
        db.execute("BEGIN IMMEDIATE")
        try:
            for article_id, entry in entries.items():
                db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
                if entry is not None:
                    db.execute(_UPSERT, (article_id, entry.version, entry.digest, entry.published))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _write(self, records: list[tuple[str, Entry]], path: str, offset: int) -> None:
        db = self._db
        assert db is not None
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(_UPSERT, ((i, e.version, e.digest, e.published) for i, e in records))
            db.execute(_CHECKPOINT, (path, offset))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _totals(db: sqlite3.Connection) -> Totals:
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    newest = "max(published)" if "published" in columns else "NULL"  # schema 1 had none
    count, versions, latest = db.execute(
        f"SELECT count(*), coalesce(sum(version), 0), {newest} FROM articles"
    ).fetchone()
    return Totals(count, versions, latest)
