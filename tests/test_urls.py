"""`BareUrlScanner` against the regular expressions it replaces (their definition of a bare URL).

The scanner exists for speed only: it must give exactly the spans of `re.finditer` over the
alternation, for both configurations kblint uses, on any text.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kblint.urls import BareUrlScanner

PROSE_TAIL = r"[^\s<>()\]]"
LINK_TAIL = r"[^\s<>()\[\]\"'`]"

CONFIGURATIONS = [
    # (scanner, the alternation it stands for) as prose.py and checks/links.py use them
    (
        BareUrlScanner(PROSE_TAIL, scheme_boundary=False, scheme_tail_optional=False),
        re.compile(rf"(?:https?|ftp)://{PROSE_TAIL}+|\bwww\.{PROSE_TAIL}+"),
    ),
    (
        BareUrlScanner(LINK_TAIL, scheme_boundary=True, scheme_tail_optional=True),
        re.compile(rf"\b(?:https?|ftp)://{LINK_TAIL}*|\bwww\.{LINK_TAIL}+"),
    ),
]

# pieces that make URLs start, nest, end and fail to start (a word character before them)
PIECES = [
    "http://", "https://", "ftp://", "www.", "www", "http:/", "htt", "w", "x", "_", "é", "7",
    ".", "/", ":", " ", "\n", "(", ")", "[", "]", "<", ">", '"', "'", "`", "-", "example.org",
]  # fmt: skip


def reference(pattern: re.Pattern[str], text: str, pos: int) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text, pos)]


@settings(max_examples=3000)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=30), pos=st.integers(0, 12))
def test_same_spans_as_the_alternation(pieces: list[str], pos: int) -> None:
    text = "".join(pieces)
    for scanner, pattern in CONFIGURATIONS:
        assert scanner.spans(text, pos) == reference(pattern, text, pos), text


def test_nested_and_glued_urls() -> None:
    prose, links = (scanner for scanner, _ in CONFIGURATIONS)
    text = "see https://www.example.org/a, xwww.www.ex.org and _http://q.org or (http://) end"
    #       0         1         2         3         4         5         6         7
    # the www. inside the https URL is part of it; after "x" the first www. starts no URL but
    # the second does; "_http" starts no URL where a scheme needs a word boundary
    assert [text[s:e] for s, e in prose.spans(text)] == [
        "https://www.example.org/a,",
        "www.ex.org",
        "http://q.org",
    ]
    assert [text[s:e] for s, e in links.spans(text)] == [
        "https://www.example.org/a,",
        "www.ex.org",
        "http://",
    ]
