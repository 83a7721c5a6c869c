"""Apply the edits of fixable findings to files: safely, atomically, idempotently.

Rules of the house:
- a file is rewritten only when at least one edit applies, and never when kblint could not
  fully understand it (unreadable, frontmatter or MDX it could not parse);
- edits are offsets into the *normalised* text; they are mapped back onto the raw text, so the
  BOM, CRLF line ends and every byte outside the edited spans stay exactly as they were
  (inserted line breaks follow the file's style);
- overlapping edits are not guessed at: the first wins, the others are reported as skipped;
- the write goes to a temporary file in the same folder, keeps the file's mode, and replaces the
  original with `os.replace`, so an interruption leaves the old file or the new one.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kblint.article import BOM, normalise
from kblint.model import Edit, Finding, content_hash


@dataclass(slots=True)
class FilePlan:
    """What fixing one file would do."""

    path: Path
    old: str  # raw decoded text (BOM and CR included)
    new: str
    applied: list[Finding] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)  # overlapped an earlier edit
    #: The file no longer holds what was checked (saved again meanwhile): nothing is applied.
    stale: bool = False

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def diff(self, label: str) -> str:
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                fromfile=f"a/{label}",
                tofile=f"b/{label}",
            )
        )


def plan(
    path: Path,
    findings: Iterable[Finding],
    add_imports: bool = True,
    components: Collection[str] = frozenset(),
    checked: str | None = None,
) -> FilePlan | None:
    """Edits of `findings` applied to the file, plus the import of any component they add to
    the file's component import line (`components`: the KB's configured component names).

    `checked` is the content hash of the bytes the findings were computed from: a file that
    holds anything else now gets a stale plan that changes nothing (its offsets are not ours)."""
    try:
        data = path.read_bytes()
        raw = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    result = FilePlan(path, raw, raw)
    if checked is not None and content_hash(data) != checked:
        result.stale = True
        return result
    chosen, skipped = non_overlapping([(e, f) for f in findings for e in f.edits])
    result.skipped = skipped
    edits = [edit for edit, _ in chosen]
    if add_imports and path.suffix.lower() == ".mdx":
        # only for the edits that survived the overlap check
        edits += import_edits(path, raw, edits, components)
    result.new = _apply(raw, edits)
    result.applied = list(dict.fromkeys(f for _, f in chosen))
    return result


def non_overlapping(
    candidates: list[tuple[Edit, Finding]],
) -> tuple[list[tuple[Edit, Finding]], list[Finding]]:
    """The edits to apply, in order of position, each kept unless it overlaps one kept before;
    and the findings an edit of which was left out.

    Only the last kept edit needs comparing: kept edits are sorted by start and do not overlap,
    so their ends never decrease, and one that overlaps a new edit overlaps the last (comparing
    with all of them was quadratic: 16,000 fixes in one file took 44 s under the profiler)."""
    chosen: list[tuple[Edit, Finding]] = []
    skipped: dict[Finding, None] = {}  # in order, each once
    last: Edit | None = None
    for edit, finding in sorted(candidates, key=lambda pair: (pair[0].start, pair[0].end)):
        if last is not None and _overlaps(edit, last.start, last.end):
            skipped[finding] = None
            continue
        last = edit
        chosen.append((edit, finding))
    return chosen, list(skipped)


def _overlaps(edit: Edit, start: int, end: int) -> bool:
    if edit.start == edit.end == start == end:
        return True  # two insertions at the same point: order would be a guess
    return edit.start < end and start < edit.end


def _apply(raw: str, edits: list[Edit]) -> str:
    """Apply normalised-offset edits to the raw text (BOM/CRLF aware)."""
    mapper = _OffsetMap(raw)
    newline = "\r\n" if mapper.crlf_style else "\n"
    pieces, cursor = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        start, end = mapper.raw(edit.start), mapper.raw(edit.end)
        pieces.append(raw[cursor:start])
        pieces.append(edit.replacement.replace("\n", newline))
        cursor = end
    pieces.append(raw[cursor:])
    return "".join(pieces)


class _OffsetMap:
    """Normalised offset → raw offset: a BOM shifts everything by one, each CRLF by one more."""

    def __init__(self, raw: str) -> None:
        self.bom = 1 if raw.startswith(BOM) else 0
        self.crlf_normalised: list[int] = []
        position = raw.find("\r\n", self.bom)
        removed = 0
        while position != -1:
            self.crlf_normalised.append(position - self.bom - removed)
            removed += 1
            position = raw.find("\r\n", position + 2)
        self.crlf_style = len(self.crlf_normalised) * 2 > raw.count("\n")

    def raw(self, offset: int) -> int:
        return offset + self.bom + bisect_right(self.crlf_normalised, offset - 1)


_IMPORT_BRACES = re.compile(
    r"^import\s*\{([^}]*)\}\s*from\s*(['\"])([^'\"]+)\2[^\n]*$", re.MULTILINE
)
_COMPONENT = re.compile(r"<([A-Z][A-Za-z0-9_]*)")


def import_edits(
    path: Path, raw: str, edits: Iterable[Edit], components: Collection[str] = frozenset()
) -> list[Edit]:
    """Add components the edits introduce (e.g. `R`) to the file's component import line.

    The file's own convention decides: the import line is an ESM `import {…} from '…'` (never a
    code sample) that already imports one of the KB's components (never a data import); when
    there is none (the site injects components), nothing is added. A component an edit only
    moves (it was in the replaced text already) is not "introduced".
    """
    text = normalise(raw)
    needed: set[str] = set()
    for edit in edits:
        needed |= set(_COMPONENT.findall(edit.replacement))
        needed -= set(_COMPONENT.findall(text[edit.start : edit.end]))
    if not needed:
        return []
    line = _component_import(path, text, components)
    if line is None:
        return []
    names = [name.strip() for name in line.group(1).split(",") if name.strip()]
    missing = sorted(needed - set(names))
    if not missing:
        return []
    inner_end = line.start(1) + len(line.group(1).rstrip())
    separator = ", " if names else " "
    return [Edit(inner_end, inner_end, separator + ", ".join(missing))]


def _component_import(path: Path, text: str, components: Collection[str]) -> re.Match[str] | None:
    from kblint.article import parse_text  # noqa: PLC0415 - the fixer's one parse, on demand

    esm = parse_text(path, path.name, text).mdx_layer.esm
    for span in esm:
        for line in _IMPORT_BRACES.finditer(text, span.start, span.end):
            names = {name.strip().split(" as ")[0] for name in line.group(1).split(",")}
            if not components or names & set(components):
                return line
    return None


def write_atomically(path: Path, text: str, expected: str | None = None) -> bool:
    """Replace `path` with `text`, keeping its mode; never leave a half-written file. With
    `expected` (the text the new one was made from), a file that no longer holds it is left
    alone and False returned: it was saved again after it was read."""
    if expected is not None and _current(path) != expected:
        return False
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".kblint-tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(mode & 0o7777)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _current(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
