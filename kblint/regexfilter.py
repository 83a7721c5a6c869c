"""Cheap tests that let a declarative rule skip most articles without running its regex.

Python's regex engine tries a pattern like `\\b(?:many|some)\\s+experts…` at every position of
the text, ~0.5 ms per rule on a 20 KB article. But a match needs certain literal words: every
`LITERAL` run on the path through the pattern must occur in the text. `Requirement` is that
condition (all of / any of / a literal), read off the parsed pattern, and testing it on the
lower-cased text takes a few substring searches.
Only when it holds does the regex run, so the findings are exactly those of the regex.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from typing import Any

from kblint.model import ascii_words

sre_parse: Any = importlib.import_module("re._parser")

#: The only characters IGNORECASE takes for an ASCII letter (i, s, k) that `str.lower()` does not
#: turn into it: text containing one is always searched. (Found by testing every code point.)
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_MAX_ALTERNATIVES = 64  # past this many literal alternatives a condition is not worth testing


@dataclass(frozen=True, slots=True)
class Requirement:
    """`kind` "all": every part holds; "any": one part holds; "literal": `text` occurs;
    "word": `text` (ASCII word characters) occurs as a whole word, between two characters
    that are not ASCII word characters (or the ends of the text)."""

    kind: str
    parts: tuple[Requirement, ...] = ()
    text: str = ""

    def holds(self, text: _Lowered) -> bool:
        if self.kind == "word":
            return text.has_word(self.text)
        if self.kind == "literal":
            return text.contains(self.text)
        if self.kind == "all":
            return all(part.holds(text) for part in self.parts)
        return any(part.holds(text) for part in self.parts)


class _Lowered:
    """A text lower-cased once, remembering which literals it contains (the rules of one
    article ask for the same short words again and again), and its set of ASCII words.

    A literal absent from the text costs a search of all of it (~10 µs on 20 KB); the rules of
    one article asked for ~50 of them, half a millisecond. A whole word is looked up in the set
    instead, made once per article (~0.25 ms)."""

    __slots__ = ("found", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, bool] = {}
        self.words: set[str] | None = None

    def contains(self, literal: str) -> bool:
        known = self.found.get(literal)
        if known is None:
            known = self.found[literal] = literal in self.text
        return known

    def has_word(self, word: str) -> bool:
        if self.words is None:
            self.words = set(ascii_words(self.text))
        return word in self.words


def requirement(source: str, flags: int) -> Requirement | None:
    """What every match of the pattern contains; None when nothing useful is known."""
    try:
        parsed = sre_parse.parse(source, flags)
    except (re.error, RecursionError):
        return None
    found = _sequence(list(parsed))
    return found if found is not None and _useful(found) else None


def may_match(condition: Requirement | None, text: str) -> bool:
    """False only when the pattern certainly cannot match `text`."""
    if condition is None or not _worth_testing(condition):
        return True
    lowered = _lowered(text)
    holds = lowered is None or condition.holds(lowered)
    _record(condition, skipped=not holds)
    return holds


#: Per condition, by identity: (tests, skips, the condition itself, kept so that its id is
#: never reused). A condition that almost never lets a text be skipped (its words are common:
#: "some", "say") only costs time; after `_TRIAL` tests with under `_MIN_SKIP_SHARE` skipped it
#: is no longer tested. The regex then runs on every text, so findings never depend on this.
_TALLY: dict[int, tuple[int, int, Requirement]] = {}
_TRIAL = 64
_MIN_SKIP_SHARE = 0.2


def _worth_testing(condition: Requirement) -> bool:
    tally = _TALLY.get(id(condition))
    return tally is None or tally[0] < _TRIAL or tally[1] >= _MIN_SKIP_SHARE * tally[0]


def _record(condition: Requirement, skipped: bool) -> None:
    tests, skips, _ = _TALLY.get(id(condition), (0, 0, condition))
    _TALLY[id(condition)] = (tests + 1, skips + skipped, condition)


@lru_cache(maxsize=4)
def _lowered(text: str) -> _Lowered | None:
    """The text lower-cased once for all rules; None when it has a letter that IGNORECASE
    folds to ASCII differently from `str.lower()`."""
    if any(char in text for char in _FOLDS_TO_ASCII):  # four fast scans; a class is slower
        return None
    return _Lowered(text.lower())


def _useful(found: Requirement) -> bool:
    if found.kind in ("literal", "word"):
        return True
    return bool(found.parts) and (found.kind == "any" or any(_useful(p) for p in found.parts))


def _sequence(
    items: list[tuple[Any, Any]], before: bool = False, after: bool = False
) -> Requirement | None:
    """The requirement of a sequence: all of its literal runs and of its items' requirements.

    `before` / `after`: the sequence is certainly preceded / followed by `\\b` or a character
    that is not a word character (see `_separates`); a literal run with such neighbours needs
    its words as whole words."""
    names = [str(op) for op, _ in items]
    guards = [_separates(name, argument) for name, (_, argument) in zip(names, items, strict=True)]
    parts: list[Requirement] = []
    run: list[str] = []
    for index, (name, (_, argument)) in enumerate(zip(names, items, strict=True)):
        ahead = guards[index + 1] if index + 1 < len(items) else after
        if name == "LITERAL":
            if not run:
                run_before = guards[index - 1] if index else before
            run.append(chr(argument))
            if index + 1 == len(items) or names[index + 1] != "LITERAL":
                parts.extend(_run_parts("".join(run).lower(), run_before, ahead))
                run.clear()
            continue
        part = _item(name, argument, guards[index - 1] if index else before, ahead)
        if part is not None:
            parts.append(part)
    if not parts:
        return None
    parts.sort(key=_cost)
    return parts[0] if len(parts) == 1 else Requirement("all", tuple(parts))


def _cost(part: Requirement) -> tuple[int, int]:
    """Test order: what only needs whole words first (a set lookup each), then literals
    (a search each), long ones first: they are the rarest, so a text without them fails fast."""
    if part.kind == "word" or (part.kind != "literal" and _words_only(part)):
        return 0, -len(part.text)
    return (1 if part.kind == "literal" else 2), -len(part.text)


def _words_only(part: Requirement) -> bool:
    return part.kind == "word" or (part.kind != "literal" and all(map(_words_only, part.parts)))


def _run_parts(text: str, before: bool, after: bool) -> list[Requirement]:
    """A lower-cased literal run as its words, to be found whole, when each of them has
    neighbours that are not word characters (inside the run, or guarded ends); else as one
    literal. (Non-ASCII runs tell nothing: `str.lower()` and IGNORECASE may disagree.)"""
    if not text or not text.isascii():
        return []
    words = ascii_words(text)
    starts_whole = before or not is_word_char(text[0], ascii_only=True)
    ends_whole = after or not is_word_char(text[-1], ascii_only=True)
    if words and starts_whole and ends_whole:
        return [Requirement("word", text=word) for word in dict.fromkeys(words)]
    return [Requirement("literal", text=text)]


def _separates(name: str, argument: Any) -> bool:
    """Whether the item is `\\b` or certainly matches a character that is not a word character
    at each of its ends: one such literal or class (`\\s`, `['’]`), or one repeated at least
    once (`\\s+`)."""
    if name == "AT":
        return str(argument) == "AT_BOUNDARY"
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, body = argument
        items = list(body)
        return low >= 1 and len(items) == 1 and _non_word_char(*items[0])
    return _non_word_char(name, argument)


def _non_word_char(op: Any, argument: Any) -> bool:
    """One character, certainly not a word character (nor one that IGNORECASE could fold)."""
    name = str(op)
    if name == "LITERAL":
        return not is_word_char(chr(argument))
    if name != "IN":
        return False
    for member_op, member in argument:
        member_name = str(member_op)
        if member_name == "LITERAL" and not is_word_char(chr(member)):
            continue
        if member_name == "CATEGORY" and str(member) in _NON_WORD_CATEGORIES:
            continue
        return False  # a range, a negation, a word character: not certain
    return True


_NON_WORD_CATEGORIES = {"CATEGORY_SPACE", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK"}


def _item(name: str, argument: Any, before: bool, after: bool) -> Requirement | None:
    """The requirement of one item, given what surrounds it (see `_sequence`)."""
    if name == "SUBPATTERN":
        return _sequence(list(argument[-1]), before, after)
    if name == "BRANCH":
        branches = [_sequence(list(branch), before, after) for branch in argument[1]]
        if any(branch is None for branch in branches) or len(branches) > _MAX_ALTERNATIVES:
            return None  # an alternative with no literal: the whole choice tells nothing
        return Requirement("any", tuple(b for b in branches if b is not None))
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, body = argument
        items = list(body)
        if low >= 2 and len(items) == 1 and str(items[0][0]) == "LITERAL":
            return _sequence(items * min(low, 8))  # `\?{3,}` needs "???", not just "?"
        return _sequence(items) if low >= 1 else None
    return None  # classes, `.`, anchors, lookarounds, back-references: no literal is certain


def with_first_char_hint(source: str, flags: int) -> str:
    """Prefix `(?=[…])` when every match must start with one of a few known characters.

    A leading character-class lookahead lets the engine reject most positions at once (3-4x
    faster on prose than trying `\\b(?:many|some)…` everywhere).
    """
    try:
        firsts = _first_chars(sre_parse.parse(source, flags))
    except (re.error, RecursionError):
        return source
    if not firsts or len(firsts) > 40:
        return source
    if flags & re.IGNORECASE:
        firsts = {c for char in firsts for c in (char.lower(), char.upper())}
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])(?:" + source + ")"


def _first_chars(items: Any) -> set[str] | None:
    """Characters a match of the parsed pattern can start with; None when unknown."""
    openings = _openings(items)
    return None if openings is None else {char for o in openings for char in o.chars}


@dataclass(frozen=True, slots=True)
class _Opening:
    """One way a match can begin: a run of literal characters, or (`text` empty) one of a
    class's characters; with the zero-width assertions before it."""

    text: str
    chars: frozenset[str]  # what its first character can be
    boundary: bool  # `\b` right before it
    anchored: bool  # another anchor before it (`^`, `$`, `\B`…)


def _openings(items: Any, boundary: bool = False, anchored: bool = False) -> list[_Opening] | None:
    """Every way a match of the parsed items can begin; None when it may begin with anything,
    or when scoped flags (`(?i:…)`) change how its characters compare."""
    for index, (op, argument) in enumerate(items):
        name = str(op)
        if name == "AT":  # zero width: look at what follows
            boundary |= str(argument) == "AT_BOUNDARY"
            anchored |= str(argument) != "AT_BOUNDARY"
            continue
        if name == "LITERAL":
            run = "".join(chr(value) for _, value in takewhile(_is_literal, items[index:]))
            return [_Opening(run, frozenset(run[0]), boundary, anchored)]
        if name == "IN":
            chars = _class_chars(argument)
            return None if chars is None else [_Opening("", frozenset(chars), boundary, anchored)]
        if name == "SUBPATTERN":
            _, add_flags, del_flags, body = argument
            if add_flags or del_flags:
                return None  # `(?i:a)` also starts with "A"
            return _openings(body, boundary, anchored)
        if name == "BRANCH":
            found: list[_Opening] = []
            for branch in argument[1]:
                got = _openings(branch, boundary, anchored)
                if not got:
                    return None
                found += got
            return found
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, body = argument
            return _openings(body, boundary, anchored) if low >= 1 else None
        return None  # `.`, lookarounds, back-references: anything may come first
    return None  # nothing but anchors: an empty match


def _is_literal(item: tuple[Any, Any]) -> bool:
    return str(item[0]) == "LITERAL"


def _class_chars(items: Any) -> set[str] | None:
    chars = set()
    for op, argument in items:
        if str(op) != "LITERAL":
            return None
        chars.add(chr(argument))
    return chars


# -- where matches can start ---------------------------------------------------------------------

#: Past this many start literals the scan costs more than the regex engine's own search.
_MAX_STARTS = 64


@dataclass(frozen=True, slots=True)
class Starts:
    """The literal texts one of which every match of a pattern starts with.

    `literals` are (text, after_boundary) pairs; `after_boundary`: the pattern has `\\b` right
    before that literal and the literal starts with a word character, so a match can only start
    where the previous character is not one. `ignore_case`: the literals are lower-cased and
    looked for in the lower-cased text.
    """

    literals: tuple[tuple[str, bool], ...]
    ignore_case: bool
    ascii_words: bool  # `\\w` is ASCII only (the ASCII flag)


def starts(source: str, flags: int) -> Starts | None:
    """Where matches of the pattern can start; None when that is not known exactly."""
    try:
        parsed = sre_parse.parse(source, flags)
    except (re.error, RecursionError):
        return None
    openings = _openings(parsed)
    if not openings or len(openings) > _MAX_STARTS:
        return None
    if any(not o.text or o.anchored for o in openings):
        return None  # a class or an anchor other than `\b` first: not worth the cases
    all_flags = parsed.state.flags
    ignore_case, ascii_words = bool(all_flags & re.IGNORECASE), bool(all_flags & re.ASCII)
    if ignore_case and not all(o.text.isascii() for o in openings):
        return None  # str.lower() and IGNORECASE agree on ASCII literals only
    literals = tuple(
        dict.fromkeys(
            (
                o.text.lower() if ignore_case else o.text,
                o.boundary and is_word_char(o.text[0], ascii_words),
            )
            for o in openings
        )
    )
    return Starts(literals, ignore_case, ascii_words)


def find_matches(regex: re.Pattern[str], where: Starts, text: str) -> Iterator[re.Match[str]]:
    """What `regex.finditer(text)` yields, trying the regex only where a start literal is.

    The engine tries a pattern like `\\b(?:many|some)\\s+…` at every position of the text
    (~0.4 ms per rule on a 20 KB article); finding the start literals with `str.find` and
    matching there is several times faster. Matches are the same: no match can start
    elsewhere, a match at a position is the one a search reaching it would find, and the scan
    resumes after each match as `finditer` does. (Every match is non-empty: it starts with a
    literal.)
    """
    haystack = text
    if where.ignore_case:
        lowered = _lowered(text)
        if lowered is None:  # a letter that IGNORECASE folds differently from str.lower()
            yield from regex.finditer(text)
            return
        haystack = lowered.text  # same length as `text`: see `_FOLDS_TO_ASCII`
    positions: set[int] = set()
    for literal, after_boundary in where.literals:
        at = haystack.find(literal)
        while at >= 0:
            if not (after_boundary and at and is_word_char(text[at - 1], where.ascii_words)):
                positions.add(at)
            at = haystack.find(literal, at + 1)
    end = 0
    for position in sorted(positions):
        if position >= end:
            match = regex.match(text, position)
            if match is not None:
                yield match
                end = match.end()


def is_word_char(char: str, ascii_only: bool = False) -> bool:
    """What `\\w` matches in a str pattern (so `\\b` holds before a word character after a
    non-word one); with `ascii_only`, under the ASCII flag."""
    if ascii_only and not char.isascii():
        return False
    return char.isalnum() or char == "_"
