"""Dates from git history (spec §1): newest and first commit touching each article.

One `git log` over the content root for the whole run, never one per file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kblint import vcs

#: More files than this sharing one first-commit date means a bulk import: not a creation date.
BULK_IMPORT_THRESHOLD = 50
_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class GitDates:
    """`YYYY-MM-DD` (UTC author dates) keyed by path relative to the content root."""

    last_updated: dict[str, str] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)


def collect(content_root: Path) -> GitDates:
    """Read the history below `content_root`; empty outside a git repository."""
    args = ["log", "--no-merges", "--relative", "--name-only", f"--format={_RECORD}%at", "--", "."]
    try:
        return parse_log(vcs.git(args, content_root))
    except vcs.VcsError:
        return GitDates()


def parse_log(output: str) -> GitDates:
    """Parse `git log --name-only --format=<RS>%at` output (newest commit first)."""
    newest: dict[str, str] = {}
    oldest: dict[str, str] = {}
    for chunk in output.split(_RECORD):
        lines = [line.strip() for line in chunk.strip().splitlines()]
        if not lines or not lines[0].isdigit():
            continue
        day = datetime.fromtimestamp(int(lines[0]), tz=UTC).strftime("%Y-%m-%d")
        for path in filter(None, lines[1:]):
            newest.setdefault(path, day)
            oldest[path] = day
    per_day = Counter(oldest.values())
    created = {path: day for path, day in oldest.items() if per_day[day] <= BULK_IMPORT_THRESHOLD}
    return GitDates(newest, created)
