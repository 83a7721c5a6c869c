"""Content-hash cache of per-file results (`.kblint_cache/` at the KB root).

An entry is keyed by everything a file's result depends on: the kblint version, the run's
fingerprint (effective configuration, rule book, registries, the year), the file's path and
git dates, and the hash of its bytes. The page record's `recommendedScore` depends on "now" to
the second, so it is recomputed after a hit instead of being part of the key.

Entries are pickles behind a header (magic with format version, then length and CRC-32 of
each part: an entry may hold several pickles, of which a reader loads only the first ones);
an entry whose header or checksum does not match (truncated, corrupt, or written by another
kblint) is ignored and rebuilt, never unpickled. The checksum is there to catch torn or
damaged files, not forgeries, and costs a fifth of a cryptographic digest over the megabytes
a warm run reads. Writes go to a temporary file and are
renamed into place, so two kblint processes sharing a cache never see half an entry. Like a
`.pyc`, the cache is trusted not to be forged by someone who can already write to the KB.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from kblint import __version__
from kblint.model import content_hash

__all__ = ["CACHE_DIR_NAME", "Cache", "content_hash", "fingerprint"]

CACHE_DIR_NAME = ".kblint_cache"
_MAGIC = b"KBLINTC3"
_CHECK_SIZE = 4
_HEADER = len(_MAGIC) + 4  # magic, number of parts
_PART_HEADER = 8 + _CHECK_SIZE  # per part: length, CRC-32
#: An entry the current run does not use is deleted when it is older than this (by the time it
#: was written or, for the report, registries and near-duplicate slots, last reused).
PRUNE_AFTER_DAYS = 7
_PRUNE_EVERY_SECONDS = 24 * 3600
_PRUNE_MARKER = ".last-prune"  # its modification time is when the cache was last pruned


def fingerprint(*parts: object) -> str:
    """A stable digest of the things every entry of a run depends on."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(__version__.encode())
    for part in parts:
        digest.update(b"\x1f")
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class Cache:
    """A folder of entries; every failure to read or write degrades to a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "v1"
        self.hits = 0
        self.misses = 0
        self._folders: set[Path] = set()  # created (and .gitignore checked) by this process

    def key(self, run_fingerprint: str, *parts: object) -> str:
        return fingerprint(run_fingerprint, *parts)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get_parts(self, key: str, count: int, first: Any = None) -> list[Any] | None:
        """The first `count` parts of an entry (only those are checked and unpickled); with
        `first`, None unless the first part equals it (the rest is then not unpickled)."""
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        payloads = _unwrap(blob, count)
        if payloads is None:
            self.misses += 1
            return None
        values: list[Any] = []
        try:
            for payload in payloads:
                # checksummed entries of our own cache (see the module docs)
                values.append(pickle.loads(payload))
                if first is not None and values[0] != first:
                    self.misses += 1
                    return None
        except Exception:  # noqa: BLE001 - any unpickling problem is a miss
            self.misses += 1
            return None
        self.hits += 1
        return values

    def get_current(self, slot: str, inputs: str) -> Any | None:
        """The value kept in `slot` when it was computed from `inputs` (see `put_current`)."""
        parts = self.get_parts(slot, 2, first=inputs)
        if parts is None:
            return None
        _touch(self._path(slot))  # in use: not to be pruned
        return parts[1]

    def put_current(self, slot: str, inputs: str, value: Any) -> None:
        """Keep one value per slot, replacing the previous one: results that depend on many
        files (a whole report, the registries) would otherwise pile up, one per edit."""
        self.put_parts(slot, [inputs, value])

    def put_parts(self, key: str, values: list[Any]) -> None:
        """One entry of several parts: a reader may take only the first ones (one file, not
        several: creating files is the slow part of writing a cache on many file systems)."""
        path = self._path(key)
        try:
            self._prepare(path.parent)
            blob = _wrap([pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for v in values])
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(blob)
            Path(temporary).replace(path)
        except OSError:
            return  # a read-only or full disk only costs speed

    def prune_if_due(self, in_use: Callable[[], Collection[str]], now: float | None = None) -> int:
        """`prune` the entries whose keys `in_use()` does not list, if the last pruning is a day
        old; returns how many were deleted. Listing the folder costs ~50 ms at 20,000 entries,
        so once a day."""
        now = time.time() if now is None else now
        marker = self.folder / _PRUNE_MARKER
        try:
            if now - marker.stat().st_mtime < _PRUNE_EVERY_SECONDS:
                return 0
        except OSError:
            pass  # never pruned (or a cache from before pruning existed)
        if not self.folder.is_dir():
            return 0
        removed = self.prune(in_use(), now - PRUNE_AFTER_DAYS * 24 * 3600)
        try:
            marker.touch()
            os.utime(marker, (now, now))
        except OSError:
            pass
        return removed

    def prune(self, in_use: Collection[str], older_than: float) -> int:
        """Delete every entry (and temporary file of an interrupted write) whose key is not
        `in_use` and which was last written before `older_than` (a POSIX time)."""
        removed = 0
        try:
            buckets = [entry.path for entry in os.scandir(self.folder) if entry.is_dir()]
        except OSError:
            return 0
        for bucket in buckets:
            try:
                entries = list(os.scandir(bucket))
            except OSError:
                continue
            for entry in entries:
                if entry.name in in_use:
                    continue
                try:
                    if entry.is_file() and entry.stat().st_mtime < older_than:
                        Path(entry.path).unlink()
                        removed += 1
                except OSError:
                    continue  # gone already, or not ours to delete: another time
        return removed

    def _prepare(self, folder: Path) -> None:
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.folder.parent)
            self._folders.add(folder)


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


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        return


def _ensure_gitignore(folder: Path) -> None:
    """The cache folder ignores itself, so it never ends up in a commit by accident."""
    marker = folder / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by kblint\n*\n", encoding="utf-8")
        except OSError:
            return
