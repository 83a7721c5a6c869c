"""Content-hash cache of per-file results (`.kblint_cache/` at the KB root).

An entry is keyed by everything a file's result depends on: the kblint version, the run's
fingerprint (effective configuration, rule book, registries, the year), the file's path and
git dates, and the hash of its bytes. The page record's `recommendedScore` depends on "now" to
the second, so it is recomputed after a hit instead of being part of the key.

Entries are pickles behind a header (magic with format version, then length and CRC-32 of
each part: an entry may hold several pickles, of which a reader loads only the first ones);
an entry whose header or checksum does not match (truncated, corrupt, or written by another
kblint) is ignored and rebuilt, never unpickled. The checksum is there to catch damaged
entries, not forgeries, and costs a fifth of a cryptographic digest over the megabytes a warm
run reads. Like a `.pyc`, the cache is trusted not to be forged by someone who can already
write to the KB.

All entries live in one SQLite database (`v2/cache.sqlite3`, write-ahead log). The first
format (`v1/`) kept a file per entry; but creating a file cost 0.5-1 ms of kernel time on the
2-core virtual machine kblint is developed on (measured), which made a cold run of 700
articles ~0.6 s slower than the same run without a cache, while a transaction of a hundred
entries costs a few milliseconds.
SQLite's locking lets two kblint processes share the cache: a writer holds the lock only for
one short transaction, a reader never waits. Nothing is synced to disk (see `_open`): a
database SQLite reports as damaged, which only a crash of the whole system could leave, is
deleted and started afresh; one that cannot be opened at all (a read-only KB) costs speed only.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sqlite3
import time
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from kblint import __version__
from kblint.model import content_hash

__all__ = ["CACHE_DIR_NAME", "Cache", "content_hash", "fingerprint", "pack", "unpack"]

CACHE_DIR_NAME = ".kblint_cache"
_FORMAT = "v2"
_OLD_FORMATS = ("v1",)  # folders of earlier cache formats, deleted when the cache is pruned
_DATABASE = "cache.sqlite3"
_MAGIC = b"KBLINTC3"
_CHECK_SIZE = 4
_HEADER = len(_MAGIC) + 4  # magic, number of parts
_PART_HEADER = 8 + _CHECK_SIZE  # per part: length, CRC-32
#: An entry the current run does not use is deleted when it is older than this (by the time it
#: was written or, for the report, registries and near-duplicate slots, last reused).
PRUNE_AFTER_DAYS = 7
_PRUNE_EVERY_SECONDS = 24 * 3600
#: Writes inside `Cache.batch()` are kept until this many, then written in one transaction.
_BATCH_ENTRIES = 128
#: Entries larger than this (a whole run's report) are read and written through blob handles.
_STREAMED_BYTES = 1 << 20
#: How long a writer waits for another kblint process's transaction before giving up the write.
_BUSY_SECONDS = 10.0
#: SQLite's result codes for a damaged database and for a file that is not a database at all.
_DAMAGED = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
#: A new database: pages large enough for an entry or two (entries are ~20 KB; with 4 KB pages
#: writing 700 took 120 ms, with 64 KB pages 33 ms, measured), freed pages given back when
#: pruned, and the write-ahead log (where the file system cannot hold one, SQLite keeps its
#: rollback journal: readers and a writer then wait for each other, which is just as safe).
_SCHEMA_VERSION = 1
_SCHEMA = f"""
PRAGMA page_size = 65536;
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, blob BLOB NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value REAL NOT NULL);
PRAGMA user_version = {_SCHEMA_VERSION};
"""


def fingerprint(*parts: object) -> str:
    """A stable digest of the things every entry of a run depends on."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(__version__.encode())
    for part in parts:
        digest.update(b"\x1f")
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class Cache:
    """The entries of one cache folder; every failure to read or write degrades to a miss."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / _FORMAT
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._unusable = False  # could not be opened: every read misses, writes are dropped
        self._reset_done = False  # a damaged database is started afresh once per process
        self._batched = False
        self._pending: dict[str, bytes] = {}  # written in `batch()`, not yet in the database

    def key(self, run_fingerprint: str, *parts: object) -> str:
        return fingerprint(run_fingerprint, *parts)

    # -- reading ---------------------------------------------------------------------------

    def get_parts(self, key: str, count: int, first: Any = None) -> list[Any] | None:
        """The first `count` parts of an entry (only those are checked and unpickled); with
        `first`, None unless the first part equals it (the rest is then not unpickled)."""
        blob = self._blob(key)
        values = None if blob is None else unpack(blob, count, first)
        if values is None:
            self.misses += 1
        else:
            self.hits += 1
        return values

    def get_current(self, slot: str, inputs: str) -> Any | None:
        """The value kept in `slot` when it was computed from `inputs` (see `put_current`)."""
        parts = self.get_parts(slot, 2, first=inputs)
        if parts is None:
            return None
        # in use, so not to be pruned: noted once a day (a write on every warm run would cost
        # a commit and a checkpoint, and pruning counts in days anyway)
        now = time.time()
        self._execute(
            "UPDATE entries SET used = ? WHERE key = ? AND used < ?",
            (now, slot, now - _PRUNE_EVERY_SECONDS),
        )
        return parts[1]

    def get_stale(self, slot: str, part: int) -> Any | None:
        """One part of what `slot` holds, whatever inputs it was computed from: for results
        that can be updated from an older version instead of computed again."""
        blob = self._blob(slot)
        return None if blob is None else unpack_part(blob, part)

    def _blob(self, key: str) -> bytes | None:
        pending = self._pending.get(key)
        if pending is not None:
            return pending
        row = self._execute(
            "SELECT rowid, CASE WHEN length(blob) <= ? THEN blob END FROM entries WHERE key = ?",
            (_STREAMED_BYTES, key),
            fetch=True,
        )
        if row is None:
            return None
        if isinstance(row[1], bytes):
            return row[1]
        streamed: bytes | None = self._transaction(lambda db: _read_streamed(db, key), write=False)
        return streamed

    # -- writing ---------------------------------------------------------------------------

    def put_parts(self, key: str, values: list[Any]) -> None:
        """One entry of several parts: a reader may take only the first ones."""
        self.put_packed(key, pack(values))

    def put_packed(self, key: str, blob: bytes) -> None:
        """An entry already packed (by a worker process, with `pack`)."""
        self._pending[key] = blob
        if not self._batched or len(self._pending) >= _BATCH_ENTRIES:
            self._flush()

    def put_current(self, slot: str, inputs: str, value: Any, *more: Any) -> None:
        """Keep one value per slot, replacing the previous one: results that depend on many
        files (a whole report, the registries) would otherwise pile up, one per edit. `more`
        parts are kept beside it, read only by `get_stale`."""
        self.put_parts(slot, [inputs, value, *more])

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write the entries put inside the block in transactions of `_BATCH_ENTRIES`: one
        transaction per entry would cost a write-ahead-log commit each."""
        self._batched = True
        try:
            yield
        finally:
            self._batched = False
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        now = time.time()
        rows = [(key, blob, now) for key, blob in self._pending.items()]
        self._pending.clear()

        def write(db: sqlite3.Connection) -> None:
            small = [row for row in rows if len(row[1]) <= _STREAMED_BYTES]
            db.executemany(
                "INSERT OR REPLACE INTO entries (key, blob, used) VALUES (?, ?, ?)", small
            )
            for key, blob, used in rows:
                if len(blob) > _STREAMED_BYTES:
                    _write_streamed(db, key, blob, used)

        self._transaction(write)

    def close(self) -> None:
        """Write what is pending and close the database (its write-ahead log goes with the
        last connection)."""
        self._flush()
        if self._db is not None:
            db, self._db = self._db, None
            with suppress(sqlite3.Error):
                db.close()

    # -- pruning ---------------------------------------------------------------------------

    def prune_if_due(self, in_use: Callable[[], Collection[str]], now: float | None = None) -> int:
        """`prune` the entries whose keys `in_use()` does not list, if the last pruning is a day
        old; returns how many were deleted. Also deletes the folders of earlier cache formats."""
        now = time.time() if now is None else now
        if self._connection() is None:
            return 0  # nothing to prune in a cache that cannot be opened
        row = self._execute("SELECT value FROM meta WHERE name = 'last_prune'", (), fetch=True)
        if row is not None and now - float(row[0]) < _PRUNE_EVERY_SECONDS:
            return 0
        removed = self.prune(in_use(), now - PRUNE_AFTER_DAYS * 24 * 3600)
        self._execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('last_prune', ?)", (now,))
        for old in _OLD_FORMATS:
            shutil.rmtree(self.root / old, ignore_errors=True)
        return removed

    def prune(self, in_use: Collection[str], older_than: float) -> int:
        """Delete every entry whose key is not `in_use` and which was last written (or, for a
        slot, reused) before `older_than` (a POSIX time); returns how many."""
        self._flush()

        def delete(db: sqlite3.Connection) -> int:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS in_use (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM in_use")
            db.executemany("INSERT OR IGNORE INTO in_use (key) VALUES (?)", ((k,) for k in in_use))
            cursor = db.execute(
                "DELETE FROM entries WHERE used < ? AND key NOT IN (SELECT key FROM in_use)",
                (older_than,),
            )
            return cursor.rowcount

        removed = self._transaction(delete) or 0
        if removed:
            self._execute("PRAGMA incremental_vacuum", ())  # give the freed pages back
        return removed

    # -- the database ----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._unusable:
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError) as error:
                if not self._reset_after(error):
                    self._unusable = True
                    return None
                return self._connection()
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        _ensure_gitignore(self.root)
        # autocommit (isolation_level None): transactions are begun explicitly, IMMEDIATE so
        # that a second writer waits for the lock instead of failing halfway
        db = sqlite3.connect(self.folder / _DATABASE, timeout=_BUSY_SECONDS, isolation_level=None)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA_VERSION:
                db.executescript(_SCHEMA)
            # No fsync at all. With the log, a crash of kblint loses nothing that was committed;
            # only a crash of the whole system can leave the file damaged, and a cache can take
            # that: SQLite's damage reports reset it (`_reset_after`), an entry that does not
            # match its checksum is a miss, and a stale row of a key is still that key's entry
            # (keys name their inputs; a slot's inputs are checked). NORMAL synced at every
            # checkpoint: closing the database after a cold run of 700 articles took 0.035-0.045
            # s, now 0.011 s; a 20,000-article run's writes 3.8 s, now 2.3 s (one run each).
            db.execute("PRAGMA synchronous = OFF")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _execute(self, sql: str, parameters: tuple[Any, ...], fetch: bool = False) -> Any:
        """One statement in its own transaction; its first row when `fetch`; None on failure."""
        db = self._connection()
        if db is None:
            return None
        try:
            cursor = db.execute(sql, parameters)
            return cursor.fetchone() if fetch else None
        except sqlite3.Error as error:
            self._reset_after(error)
            return None

    def _transaction(self, work: Callable[[sqlite3.Connection], Any], write: bool = True) -> Any:
        """`work` in one transaction; None when it could not be done (locked for too long, disk
        full, read-only): the entries are then simply not cached."""
        db = self._connection()
        if db is None:
            return None
        try:
            # a writer waits for another writer up to `_BUSY_SECONDS`
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            result = work(db)
            db.execute("COMMIT")
        except sqlite3.Error as error:
            with suppress(sqlite3.Error):
                if db.in_transaction:
                    db.execute("ROLLBACK")
            self._reset_after(error)
            return None
        return result

    def _reset_after(self, error: BaseException) -> bool:
        """After SQLite reports the database damaged (or not a database), delete it so that
        it is rebuilt; once per process. True when it was deleted."""
        code = getattr(error, "sqlite_errorcode", None)
        if code not in _DAMAGED or self._reset_done:
            return False
        self._reset_done = True
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            try:
                (self.folder / (_DATABASE + suffix)).unlink(missing_ok=True)
            except OSError:
                return False
        return True


def _read_streamed(db: sqlite3.Connection, key: str) -> bytes | None:
    """A large entry read through a blob handle: a plain SELECT would hold it twice at once
    (SQLite's copy of the row and Python's bytes: +110 MB for a 20,000-article report). In
    a transaction, so the row cannot be replaced between finding and reading it."""
    row = db.execute("SELECT rowid FROM entries WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    with db.blobopen("entries", "blob", row[0], readonly=True) as handle:
        return handle.read()


def _write_streamed(db: sqlite3.Connection, key: str, blob: bytes, used: float) -> None:
    """A large entry written through a blob handle (binding it would copy it whole first)."""
    cursor = db.execute(
        "INSERT OR REPLACE INTO entries (key, blob, used) VALUES (?, zeroblob(?), ?)",
        (key, len(blob), used),
    )
    assert cursor.lastrowid is not None
    with db.blobopen("entries", "blob", cursor.lastrowid) as handle:
        handle.write(blob)


def pack(values: list[Any]) -> bytes:
    """The entry of `values`: each pickled, behind the checked header (see the module docs)."""
    return _wrap([pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for v in values])


def unpack(blob: bytes, count: int, first: Any = None) -> list[Any] | None:
    """The first `count` values of an entry; None when it is not a sound entry of ours, or
    when `first` is given and the first value differs (the rest is then not unpickled)."""
    payloads = _unwrap(blob, count)
    if payloads is None:
        return None
    values: list[Any] = []
    for payload in payloads:
        value = _loaded(payload)
        if value is _UNREADABLE or (first is not None and not values and value != first):
            return None
        values.append(value)
    return values


def unpack_part(blob: bytes, part: int) -> Any | None:
    """Value `part` of an entry alone (the ones before it are checked, not unpickled)."""
    payloads = _unwrap(blob, part + 1)
    value = _UNREADABLE if payloads is None else _loaded(payloads[part])
    return None if value is _UNREADABLE else value


_UNREADABLE = object()  # what `_loaded` returns for a payload that does not unpickle


def _loaded(payload: bytes) -> Any:
    try:
        return pickle.loads(payload)  # checksummed entries of our own cache
    except Exception:  # noqa: BLE001 - any unpickling problem is a miss
        return _UNREADABLE


def _wrap(payloads: list[bytes]) -> bytes:
    header = [_MAGIC, len(payloads).to_bytes(4, "little")]
    for payload in payloads:
        header.append(len(payload).to_bytes(8, "little"))
        header.append(zlib.crc32(payload).to_bytes(_CHECK_SIZE, "little"))
    return b"".join(header + payloads)


def _unwrap(blob: bytes, count: int) -> list[bytes] | None:
    """The first `count` payloads, each checked; None when the entry is not ours or damaged."""
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        return None
    stored = int.from_bytes(blob[len(_MAGIC) : _HEADER], "little")
    table_end = _HEADER + stored * _PART_HEADER
    if stored < count or len(blob) < table_end:
        return None
    payloads, cursor = [], table_end
    for index in range(stored):
        at = _HEADER + index * _PART_HEADER
        length = int.from_bytes(blob[at : at + 8], "little")
        check = blob[at + 8 : at + _PART_HEADER]
        payload = blob[cursor : cursor + length]
        if len(payload) != length:
            return None
        cursor += length
        if index < count:
            if zlib.crc32(payload).to_bytes(_CHECK_SIZE, "little") != check:
                return None
            payloads.append(payload)
    return payloads if cursor == len(blob) else None


def _ensure_gitignore(folder: Path) -> None:
    """The cache folder ignores itself, so it never ends up in a commit by accident."""
    marker = folder / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by kblint\n*\n", encoding="utf-8")
        except OSError:
            return
