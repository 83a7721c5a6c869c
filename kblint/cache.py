"""Content-hash cache of per-file results (`.kblint_cache/` at the KB root).

An entry is keyed by everything a file's result depends on: the kblint version, the run's
fingerprint (effective configuration, rule book, registries, the year), the file's path and
git dates, and the hash of its bytes. The page record's `recommendedScore` depends on "now" to
the second, so it is recomputed after a hit instead of being part of the key.

Entries are pickles behind a header (magic, format version, length, CRC-32 of the payload);
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
import zlib
from pathlib import Path
from typing import Any

from kblint import __version__

CACHE_DIR_NAME = ".kblint_cache"
_MAGIC = b"KBLINTC2"
_CHECK_SIZE = 4
_HEADER = len(_MAGIC) + 8 + _CHECK_SIZE


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


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

    def key(self, run_fingerprint: str, *parts: object) -> str:
        return fingerprint(run_fingerprint, *parts)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Any | None:
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload = _unwrap(blob)
        if payload is None:
            self.misses += 1
            return None
        try:
            value = pickle.loads(payload)  # digest-checked entry of our own cache (see module docs)
        except Exception:  # noqa: BLE001 - any unpickling problem is a miss
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.folder.parent)
            blob = _wrap(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(blob)
            Path(temporary).replace(path)
        except OSError:
            return  # a read-only or full disk only costs speed


def _wrap(payload: bytes) -> bytes:
    check = zlib.crc32(payload).to_bytes(_CHECK_SIZE, "little")
    return _MAGIC + len(payload).to_bytes(8, "little") + check + payload


def _unwrap(blob: bytes) -> bytes | None:
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        return None
    length = int.from_bytes(blob[len(_MAGIC) : len(_MAGIC) + 8], "little")
    check = blob[len(_MAGIC) + 8 : _HEADER]
    payload = blob[_HEADER:]
    if len(payload) != length:
        return None
    if zlib.crc32(payload).to_bytes(_CHECK_SIZE, "little") != check:
        return None
    return payload


def _ensure_gitignore(folder: Path) -> None:
    """The cache folder ignores itself, so it never ends up in a commit by accident."""
    marker = folder / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by kblint\n*\n", encoding="utf-8")
        except OSError:
            return
