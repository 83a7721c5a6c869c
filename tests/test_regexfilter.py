"""The literal prefilter of declarative rules may skip a text only when the regex cannot match."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kblint.regexfilter import (
    _FOLDS_TO_ASCII,
    Requirement,
    Starts,
    _lowered,
    find_matches,
    may_match,
    requirement,
    starts,
    with_first_char_hint,
)
from kblint.rulebook import builtin, load_folder

TEAM_RULES = Path(__file__).parent / "fixtures" / "team-rules"


def test_requirement_of_a_weasel_pattern() -> None:
    found = requirement(r"\b(?:many|some)\s+experts?\s+(?:say|think)\b", re.IGNORECASE)
    # "many", "some", "say" and "think" sit between `\b` or `\s+` and are looked up as whole
    # words (first: a set lookup each); "expert" is followed by an optional "s", so it is looked
    # for as a literal, anywhere.
    assert found == Requirement(
        "all",
        (
            Requirement(
                "any", (Requirement("word", text="many"), Requirement("word", text="some"))
            ),
            Requirement(
                "any", (Requirement("word", text="say"), Requirement("word", text="think"))
            ),
            Requirement("literal", text="expert"),
        ),
    )
    assert not may_match(found, "Many researchers say so.")
    assert may_match(found, "MANY EXPERTS THINK so.")


@pytest.mark.parametrize(
    ("source", "needed"),
    [
        (r"\d+ percent", " percent"),  # the literal after the digits is still required
        (r"(?:a|\w+)\s+b?", None),  # one alternative has no literal: nothing is certain
        (r".*", None),
        (r"[A-Z]{3}", None),
        (r"(?=x)", None),  # lookarounds match nothing themselves
        (r"x*y?", None),  # optional literals are not required
    ],
)
def test_patterns_without_a_certain_literal_are_not_filtered(
    source: str, needed: str | None
) -> None:
    found = requirement(source, 0)
    if needed is None:
        assert found is None
    else:
        assert found == Requirement("literal", text=needed)
        assert not may_match(found, "no number here")


@pytest.mark.parametrize("text", ["ſome", "SOME", "thİs", "thıs", "linK"])
def test_letters_ignorecase_folds_to_ascii_are_never_skipped(text: str) -> None:
    # re.IGNORECASE matches "ſ" (long s) with "s", "K" (Kelvin) with "k"; lower() does not
    for source in (r"\bsome\b", r"\bthis\b", r"\blink\b"):
        pattern = re.compile(source, re.IGNORECASE)
        if pattern.search(text):
            assert may_match(requirement(source, re.IGNORECASE), text)


def test_every_such_letter_is_known() -> None:
    """Which non-ASCII characters IGNORECASE matches with an ASCII letter (all of Unicode)."""
    folding = set()
    for letter in "abcdefghijklmnopqrstuvwxyz":
        pattern = re.compile(letter, re.IGNORECASE)
        folding |= {chr(c) for c in range(0x80, 0x3000) if pattern.fullmatch(chr(c))}
        folding |= {chr(c) for c in range(0x2100, 0x2200) if pattern.fullmatch(chr(c))}
    assert folding == {"\u0130", "\u0131", "\u017f", "\u212a"}
    assert all(may_match(requirement("zzz", 0), char) for char in folding)


_WORDS = ["many", "some", "experts", "say", "clearly", "proves", "click", "here", "this", "link"]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from([*_WORDS, "x", "  ", "\n", "Many", "EXPERTS"]), max_size=12))
def test_never_skips_a_text_a_builtin_or_team_rule_matches(words: list[str]) -> None:
    text = " ".join(words)
    rules = [*builtin().rules, *load_folder(TEAM_RULES, allow_checks=False)]
    for rule in rules:
        if rule.pattern is None:
            continue
        if rule.pattern.regex.search(text):
            assert may_match(rule.pattern.requirement, text), (rule.name, text)


_PIECES = st.sampled_from(
    [
        "ab",
        "a",
        "b",
        "c",
        r"\s+",
        r"\b",
        "(?:ab|c)",
        "(?:a|)",
        "b?",
        "(?:ca)+",
        "[ab]",
        ".",
        "x*",
        "a{2,}",
        r"\?{3,}",
        "b{2,3}",
    ]
)


@settings(max_examples=500, deadline=None)
@given(
    pieces=st.lists(_PIECES, min_size=1, max_size=5),
    text=st.text(alphabet="abcAB x?", max_size=20),
    ignore_case=st.booleans(),
)
def test_random_patterns_agree_with_the_engine(
    pieces: list[str], text: str, ignore_case: bool
) -> None:
    source = "".join(pieces)
    flags = re.IGNORECASE if ignore_case else 0
    if re.compile(source, flags).search(text):
        assert may_match(requirement(source, flags), text)


def _holds(condition: Requirement | None, text: str) -> bool:
    """The condition itself, without `may_match`'s giving up on conditions that rarely skip
    (which would leave a long property test with nothing to check)."""
    lowered = _lowered(text)
    return condition is None or lowered is None or condition.holds(lowered)


# Pieces around which a literal is, or is not, a whole word: boundaries, blanks and quotes
# (not word characters), optional or repeated letters, a hyphen inside a literal, `\w`.
_WORD_PIECES = st.sampled_from(
    [
        "ab",
        "b",
        "a-b",
        "_a",
        "a1",
        r"\b",
        r"\B",
        r"\s+",
        r"\s*",
        " ",
        "['’]",
        r"[\s-]",
        "[a ]",
        r"\w",
        r"\W+",
        "b?",
        "(?:ab|b a)",
        "(?:a|)",
        r"(?:\bb|a)",
        "(?:ab)+",
        "é",
        ".",
    ]
)


@settings(max_examples=1500, deadline=None)
# mistakes planted on purpose that the random search missed, each caught by one of these: a
# literal taken for a whole word though it may go on ("ab" in "abb"), or follow a word character
# after `\s*` (empty), `\w` or `\B`
@example(["\\b", "ab"], "abb", 0)
@example(["\\s*", "ab", "\\b"], "xab ", 0)
@example(["\\w", "b", "\\b"], "ab", 0)
@example(["\\B", "b", "\\b"], "ab", 0)
@given(
    pieces=st.lists(_WORD_PIECES, min_size=1, max_size=6),
    text=st.text(alphabet="abAB _1-'’é—\n", max_size=24),
    flags=st.sampled_from([0, re.IGNORECASE, re.ASCII, re.IGNORECASE | re.ASCII]),
)
def test_whole_words_are_required_only_where_the_engine_needs_them(
    pieces: list[str], text: str, flags: int
) -> None:
    source = "".join(pieces)
    if re.compile(source, flags).search(text):
        assert _holds(requirement(source, flags), text), (source, text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bclick here\b", ("word", "word")),  # both ends guarded, the blank inside
        (r"\bsources? say\b", ("literal", "word")),  # "source" may go on: a literal
        (r"\bsources? say", ("literal", "literal")),  # and so may "say" ("says")
        (r"(?:\s|^)todo\b", ("literal",)),  # a group's edges are not looked into: cautious
        (r"real-time\b", ("literal",)),  # nothing certain before "real"
        (r"\breal-time\b", ("word", "word")),  # "-" separates: two whole words
        (r"\bdon['’]t\b", ("word", "word")),
        (r"\?{3,}", ("literal",)),
    ],
)
def test_which_literals_are_whole_words(source: str, expected: tuple[str, ...]) -> None:
    found = requirement(source, re.IGNORECASE)
    assert found is not None
    leaves = [found] if found.kind in ("word", "literal") else list(found.parts)
    assert sorted(leaf.kind for leaf in leaves) == sorted(expected)


def test_words_next_to_non_ascii_letters_and_punctuation() -> None:
    words = requirement(r"\bexperts\s+say\b", re.IGNORECASE)
    assert _holds(words, "the—experts say")  # an em dash is no word character: \b holds
    assert _holds(words, "“Experts say”")
    assert not _holds(words, "the expertssay")
    # not a whole word in the text, and no match either: skipping it is right
    assert not re.search(r"\bexperts\s+say\b", "xexperts say", re.IGNORECASE)
    assert not _holds(words, "xexperts say")


def test_lower_case_never_turns_a_non_word_character_into_an_ascii_word_character() -> None:
    """Words are found in `str.lower()` of the text; a neighbour that is no word character must
    not become one there. Only the two characters the filter never trusts do (all of Unicode)."""
    ascii_word = set("abcdefghijklmnopqrstuvwxyz0123456789_")
    turned = {chr(c) for c in range(0x80, sys.maxunicode + 1) if ascii_word & set(chr(c).lower())}
    assert turned == {"\u0130", "\u212a"}
    assert turned <= set(_FOLDS_TO_ASCII)


def test_the_builtin_rules_have_requirements() -> None:
    """The filter is what keeps these rules cheap: a rule edit that loses it should be seen."""
    for rule in builtin().rules:
        if rule.pattern is not None:
            assert rule.pattern.requirement is not None, rule.name


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="TODOtbdXx?[] citneedlorms", max_size=40))
def test_placeholder_filter_never_hides_a_placeholder(text: str) -> None:
    from kblint.checks.prose import _PLACEHOLDER, _PLACEHOLDER_NEEDS  # noqa: PLC0415

    if _PLACEHOLDER.search(text):
        assert may_match(_PLACEHOLDER_NEEDS, text)


def test_a_condition_that_never_skips_stops_being_tested_and_findings_stay_exact() -> None:
    common = requirement(r"\bthe\s+\w+", re.IGNORECASE)
    texts = [f"the page {n}" for n in range(100)]
    assert all(may_match(common, text) for text in texts)  # never skipped: stops being tested
    assert may_match(common, "no such article here")  # so the regex decides, as it must
    rare = requirement(r"\bobviously\b", re.IGNORECASE)
    assert not any(may_match(rare, text) for text in texts)  # keeps skipping: stays tested
    assert not may_match(rare, "nothing to see")


# -- where matches start -------------------------------------------------------------------------


def finditer_spans(source: str, flags: int, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.compile(source, flags).finditer(text)]


def started_spans(source: str, flags: int, text: str) -> list[tuple[int, int]] | None:
    where = starts(source, flags)
    if where is None:
        return None
    return [m.span() for m in find_matches(re.compile(source, flags), where, text)]


def test_starts_of_the_builtin_weasel_pattern() -> None:
    where = starts(r"\b(?:many|some)\s+experts?\b|\bit\s+is\s+said\b", re.IGNORECASE)
    assert where == Starts((("many", True), ("some", True), ("it", True)), True, False)


@pytest.mark.parametrize(
    "source",
    [
        r"(?:a|\w+)b",  # an alternative starts with a class: a match may start anywhere
        r"x*ab",  # may start with the repeat or with "a"
        r"(?=a)ab",  # a lookahead first
        r"^ab",  # anchors other than \b are left alone
        r"(?i:ab)c",  # scoped flags change how the literal compares
        r"\bé",  # with IGNORECASE only ASCII literals are compared through str.lower()
    ],
)
def test_patterns_whose_starts_are_not_known(source: str) -> None:
    assert starts(source, re.IGNORECASE) is None


def test_matches_found_from_their_starts_by_hand() -> None:
    source, flags = r"\b(?:many|some)\s+(?:experts|people)\b", re.IGNORECASE
    text = "Handsome people, MANY Experts and manyexperts; some  people.\nsomepeople"
    assert (
        started_spans(source, flags, text)
        == finditer_spans(source, flags, text)
        == [
            (17, 29),
            (47, 59),
        ]
    )
    # "Handsome people": "some" inside a word cannot follow \b; a letter that IGNORECASE folds
    # to ASCII (the Kelvin sign) makes the scan fall back to the engine, with the same result
    kelvin = "\u212a" + text
    assert started_spans(source, flags, kelvin) == finditer_spans(source, flags, kelvin)


_START_PIECES = st.sampled_from(
    ["ab", "a", "b", "c", r"\s+", r"\b", "(?:ab|c)", "(?:ca)+", "b?", "[ab]", "a{2,}", "x*"]
)
# few letters, so that candidates fall inside matches and next to word characters often
_TEXT = st.text(alphabet=["a", "b", "c", "A", " ", "_", "é", "\u212a"], max_size=16)


@settings(max_examples=3000, deadline=None)
@given(
    pieces=st.lists(_START_PIECES, min_size=1, max_size=4),
    text=_TEXT,
    flags=st.sampled_from([0, re.IGNORECASE, re.ASCII, re.IGNORECASE | re.ASCII]),
)
@example(pieces=["a{2,}"], text="aaab", flags=0)  # a start inside a match: skipped
@example(pieces=[r"\b", "ab"], text="_ab éab ab", flags=re.ASCII)  # \w of the ASCII flag
@example(pieces=[r"\b", "(?:ab|c)"], text="cab Ab", flags=re.IGNORECASE)
def test_matches_from_starts_are_those_of_finditer(
    pieces: list[str], text: str, flags: int
) -> None:
    source = "".join(pieces)
    found = started_spans(source, flags, text)
    if found is not None:
        assert found == finditer_spans(source, flags, text), (source, text)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.sampled_from([*_WORDS, "x", "  ", "\n", "Many", "EXPERTS", "in", "it"]), max_size=14
    )
)
def test_builtin_and_team_rules_find_the_same_matches_from_their_starts(words: list[str]) -> None:
    text = " ".join(words)
    rules = [*builtin().rules, *load_folder(TEAM_RULES, allow_checks=False)]
    used = 0
    for rule in rules:
        pattern = rule.pattern
        if pattern is None or pattern.starts is None:
            continue
        used += 1
        expected = [m.span() for m in pattern.regex.finditer(text)]
        assert [m.span() for m in find_matches(pattern.regex, pattern.starts, text)] == expected
    assert used >= 3  # the built-in declarative rules all have known starts


# -- the first-character hint of declarative rules --------------------------------------------


def test_a_scoped_flag_gets_no_first_character_hint() -> None:
    # `(?i:abc)` matches "ABC" too: a hint built from the literal "a" would hide that match
    source = r"x|(?i:abc)"
    assert with_first_char_hint(source, 0) == source
    assert re.compile(with_first_char_hint(source, 0)).findall("ABC x") == ["ABC", "x"]


@settings(max_examples=1000, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from([*_START_PIECES.elements, "(?i:ab)", "(?-i:b)", "^", "A"]),
        min_size=1,
        max_size=4,
    ),
    text=_TEXT,
    flags=st.sampled_from([0, re.IGNORECASE]),
)
def test_the_first_character_hint_changes_no_match(
    pieces: list[str], text: str, flags: int
) -> None:
    source = "".join(pieces)
    hinted = with_first_char_hint(source, flags)
    assert finditer_spans(hinted, flags, text) == finditer_spans(source, flags, text), hinted
