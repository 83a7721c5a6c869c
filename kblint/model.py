"""Plain data shared by every layer: positions, problems found while parsing, findings.

This module imports nothing from kblint; everything else may import it (one import direction:
model ← article/record/corpus ← checks ← engine ← report ← cli).
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

_Class = TypeVar("_Class", bound=type)


def content_hash(data: bytes) -> str:
    """What a file held: the cache keys results by it, the fixer checks a file still holds it."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


#: Bytes of lower-case ASCII text: word characters ([a-z0-9_]) stay, every other byte becomes a
#: space.
_ASCII_WORD_BYTES = bytes(
    byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz0123456789_" else ord(" ")
    for byte in range(256)
)


def ascii_words(lowered: str) -> list[str]:
    """The runs of `[a-z0-9_]` in a lower-cased text, in order; every other character (a
    non-ASCII one too) separates them. A byte translation and a split: 0.2 ms on a 20 KB
    article where `findall(r"[a-z0-9_]+")` takes 0.45 ms."""
    return lowered.encode("ascii", "replace").translate(_ASCII_WORD_BYTES).decode("ascii").split()


def counted(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `0 files`: a count with its noun, plural unless exactly one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def pickled_by_fields(cls: _Class) -> _Class:
    """Pickle a dataclass as a call of its constructor with its field values.

    Slots dataclasses otherwise unpickle through `dataclasses.fields()` once per object, three
    times slower; the cache holds tens of thousands of them and every run reads them back.
    """
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    if any(not f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ argument")

    values = _values_of(names)

    def reduce(self: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = reduce  # type: ignore[assignment]
    return cls


def _values_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives an object's values of `names`, as a tuple. From two names on, attrgetter, which
    builds the tuple in C: with a generator over the names, pickling a 20,000-article report took
    2.2 s, with attrgetter 1.9-2.0 s (a reduce per finding, record and position; measured)."""
    if len(names) > 1:
        getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
        return getter
    return lambda obj: tuple(getattr(obj, name) for name in names)


class Severity(StrEnum):
    """How bad a finding is; ordered from worst to mildest."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A 1-based line and column in *file* coordinates (frontmatter included)."""

    line: int
    column: int


class LineIndex:
    """Maps character offsets of the normalised text to file positions and back."""

    __slots__ = ("_length", "_starts")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts
        self._length = len(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, self._length))
        line = bisect_right(self._starts, offset) - 1
        return Position(line + 1, offset - self._starts[line] + 1)

    def line_of(self, offset: int) -> int:
        """0-based line number of an offset."""
        return bisect_right(self._starts, max(0, offset)) - 1

    def line_start(self, line0: int) -> int:
        """Offset of the first character of a 0-based line."""
        if line0 >= len(self._starts):
            return self._length
        return self._starts[max(0, line0)]

    def line_end(self, line0: int) -> int:
        """Offset of the newline ending a 0-based line (or the end of the text)."""
        if line0 + 1 < len(self._starts):
            return self._starts[line0 + 1] - 1
        return self._length


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    """Something the parser could not make sense of, reported by a built-in rule.

    `rule` is the rule name (e.g. ``mdx-unclosed``); positions are character offsets into the
    article's normalised text (see :class:`kblint.article.Article`).
    """

    rule: str
    offset: int
    message: str
    end_offset: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] (offsets of the normalised article text) with `replacement`."""

    start: int
    end: int
    replacement: str


@pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One reported problem, ready for a reporter. Sorted by file, then position, then rule."""

    path: str
    line: int
    column: int
    rule: str
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)
    edits: tuple[Edit, ...] = field(default=(), compare=False, repr=False)


class Intervals:
    """Sorted, merged, half-open offset intervals with a fast membership test."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.spans = merged
        self._starts = [start for start, _ in merged]

    def __contains__(self, offset: int) -> bool:
        position = bisect_right(self._starts, offset) - 1
        return position >= 0 and offset < self.spans[position][1]

    def gaps(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The parts of [start, end) not covered."""
        cursor = start
        for span_start, span_end in self.spans:
            if span_end <= cursor:
                continue
            if span_start >= end:
                break
            if span_start > cursor:
                yield cursor, span_start
            cursor = max(cursor, span_end)
        if cursor < end:
            yield cursor, end
