"""A baseline of accepted findings, for adopting kblint on a KB that already has many.

A finding's fingerprint is its rule code, its file (relative to the KB root), the text of its
line with white space collapsed, and its occurrence index among findings sharing those three.
Line numbers are deliberately not part of it, so a baselined finding stays baselined when text
above it moves; editing the offending line itself makes it new again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kblint.model import Finding

BASELINE_NAME = ".kblint-baseline.json"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file kblint cannot use (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    message: str


def fingerprints(findings: Iterable[Finding], kb_root: Path) -> list[tuple[Finding, str]]:
    """Each finding with its fingerprint (see module docs)."""
    lines = _LineCache()
    seen: Counter[tuple[str, str, str]] = Counter()
    result = []
    for finding in sorted(findings):
        rel = _relative(finding.path, kb_root)
        text = " ".join(lines.get(finding.path, finding.line).split())
        key = (finding.code or finding.rule, rel, text)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\x1f".join([*key, str(occurrence)]).encode("utf-8")).hexdigest()
        result.append((finding, digest[:32]))
    return result


def _relative(path: str, kb_root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(kb_root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


class _LineCache:
    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str:
        if path not in self.files:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.files[path] = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
        lines = self.files[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def load(path: Path) -> list[Entry]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read baseline: {error}") from error
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}: baseline is not valid JSON (line {error.lineno}): {error.msg}"
        ) from error
    if not isinstance(raw, dict) or raw.get("tool") != "kblint":
        raise BaselineError(f"{path}: not a kblint baseline file")
    if raw.get("version") != FORMAT_VERSION:
        raise BaselineError(
            f"{path}: baseline format version {raw.get('version')!r} is not supported "
            f"(expected {FORMAT_VERSION}); run `kblint baseline` to write a new one"
        )
    try:
        return [
            Entry(e["fingerprint"], e["rule"], e["path"], e["message"]) for e in raw["findings"]
        ]
    except (KeyError, TypeError) as error:
        raise BaselineError(f"{path}: baseline entries are malformed ({error})") from error


def write(path: Path, entries: list[Entry]) -> None:
    """Write atomically: a crash leaves the old baseline or the new one, never half of one."""
    document: dict[str, Any] = {
        "tool": "kblint",
        "version": FORMAT_VERSION,
        "findings": [
            {"fingerprint": e.fingerprint, "rule": e.rule, "path": e.path, "message": e.message}
            for e in sorted(entries, key=lambda e: (e.path, e.rule, e.fingerprint))
        ],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".kblint-baseline.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def entries_for(findings: list[Finding], kb_root: Path) -> list[Entry]:
    return [
        Entry(
            fingerprint,
            finding.code or finding.rule,
            _relative(finding.path, kb_root),
            finding.message,
        )
        for finding, fingerprint in fingerprints(findings, kb_root)
    ]


@dataclass(frozen=True, slots=True)
class Comparison:
    new: list[Finding]  # not in the baseline: reported
    known: list[Finding]  # in the baseline: hidden
    stale: list[Entry]  # baseline entries (for the files checked) that no longer occur


def compare(
    findings: list[Finding], entries: list[Entry], kb_root: Path, checked: set[str]
) -> Comparison:
    """Match findings against the baseline; `checked` are the KB-relative paths linted now
    (entries for other files are neither used nor stale)."""
    available = Counter(e.fingerprint for e in entries)
    new, known = [], []
    for finding, fingerprint in fingerprints(findings, kb_root):
        if available[fingerprint] > 0:
            available[fingerprint] -= 1
            known.append(finding)
        else:
            new.append(finding)
    stale = []
    for entry in entries:
        if entry.path in checked and available[entry.fingerprint] > 0:
            available[entry.fingerprint] -= 1
            stale.append(entry)
    return Comparison(new, known, stale)
