"""The little git kblint needs: what changed since a ref, and a file as it was at a ref.

Every call runs `git` as a subprocess without touching the work tree (no checkout, no stash).
Failures become `VcsError` with a message fit for the user (exit code 2).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class VcsError(Exception):
    """Not a git repository, an unknown ref, or git itself missing."""


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Files changed between a ref and the working tree (absolute paths)."""

    changed: list[Path] = field(default_factory=list)  # added, modified, renamed (new name)
    deleted: list[Path] = field(default_factory=list)  # deleted, and the old name of a rename


def git(args: list[str], cwd: Path) -> str:
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )
    except FileNotFoundError as error:
        raise VcsError("git is not installed or not on PATH") from error
    except subprocess.TimeoutExpired as error:
        raise VcsError(f"git {' '.join(args)} timed out") from error
    if completed.returncode != 0:
        raise VcsError(_explain(completed.stderr.strip(), args))
    return completed.stdout


def _explain(stderr: str, args: list[str]) -> str:
    lowered = stderr.lower()
    if "not a git repository" in lowered:
        return "not a git repository (needed for --changed-since / --diff-base)"
    if (
        "unknown revision" in lowered
        or "bad revision" in lowered
        or "invalid object name" in lowered
    ):
        ref = next((a for a in args if not a.startswith("-")), "")
        return f"git does not know the ref {ref!r} (fetch it first, e.g. git fetch origin main)"
    return (
        f"git {' '.join(args[:2])} failed: {stderr.splitlines()[0] if stderr else 'unknown error'}"
    )


def repo_root(start: Path) -> Path:
    folder = start if start.is_dir() else start.parent
    return Path(git(["rev-parse", "--show-toplevel"], folder).strip())


def verify_ref(root: Path, ref: str) -> None:
    git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)


def changed_since(start: Path, ref: str) -> ChangeSet:
    """Added, modified, renamed and deleted files between `ref` and the working tree,
    untracked files included (a new article not yet added is a change too)."""
    root = repo_root(start)
    try:
        verify_ref(root, ref)
    except VcsError as error:
        raise VcsError(
            f"git does not know the ref {ref!r} (fetch it first, e.g. git fetch origin)"
        ) from error
    changes = ChangeSet()
    output = git(["diff", "--name-status", "-z", "-M", ref, "--"], root)
    fields = output.split("\0")
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith(("R", "C")):
            old, new = fields[index + 1], fields[index + 2]
            changes.changed.append(root / new)
            if status.startswith("R"):
                changes.deleted.append(root / old)
            index += 3
            continue
        path = root / fields[index + 1]
        (changes.deleted if status.startswith("D") else changes.changed).append(path)
        index += 2
    untracked = git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    changes.changed.extend(root / name for name in untracked.split("\0") if name)
    return changes


def show(path: Path, ref: str) -> bytes | None:
    """The file's bytes at `ref`, or None when it did not exist there."""
    root = repo_root(path)
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        completed = subprocess.run(
            ["git", "show", f"{ref}:{relative}"],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise VcsError(f"git show failed: {error}") from error
    return completed.stdout if completed.returncode == 0 else None
