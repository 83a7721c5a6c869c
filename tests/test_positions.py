"""Frontmatter (spec §1), parse problems and positions in file coordinates.

Lines and columns are 1-based and count the frontmatter; every expected position below was
counted by hand in the literal text next to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import article_from_text, record_from_text
from kblint.article import Article, decode, parse_text
from kblint.model import Position


def problems(article: Article, rule: str | None = None) -> list[tuple[str, Position]]:
    return [
        (p.rule, article.position(p.offset))
        for p in article.problems
        if rule is None or p.rule == rule
    ]


# --- frontmatter scalars --------------------------------------------------------------------


def test_yaml_12_scalars() -> None:
    text = (
        "---\n"
        "title: Dates\n"
        "lastEdited: 2026-01-29\n"
        'quoted: "2026-01-30"\n'
        "published: yes\n"
        "draft: on\n"
        "flag: no\n"
        "other: off\n"
        "visible: true\n"
        "hidden: False\n"
        "count: 12\n"
        "ratio: 4.5\n"
        "---\n"
        "Body.\n"
    )
    fm = article_from_text(text).frontmatter
    assert fm["lastEdited"] == "2026-01-29"
    assert fm["quoted"] == "2026-01-30"
    assert (fm["published"], fm["draft"], fm["flag"], fm["other"]) == ("yes", "on", "no", "off")
    assert fm["visible"] is True
    assert fm["hidden"] is False
    assert fm["count"] == 12
    assert fm["ratio"] == 4.5
    record = record_from_text(text)
    assert record.data["lastUpdated"] == "2026-01-29"
    assert record.data["title"] == "Dates"


@pytest.mark.parametrize(
    ("line", "evergreen"),
    [
        ("evergreen: false", False),
        ("evergreen: true", True),
        ("evergreen: no", True),
        ('evergreen: "false"', True),
        ("other: 1", True),
    ],
)
def test_evergreen(line: str, evergreen: bool) -> None:
    assert record_from_text(f"---\n{line}\n---\nText.\n").data["evergreen"] is evergreen


@pytest.mark.parametrize(
    ("line", "frequency"),
    [
        ("update_frequency: 45", 45),
        ("update_frequency: 45.9", 45),
        ("update_frequency: 0", None),
        ("other: 1", None),
    ],
)
def test_update_frequency(line: str, frequency: int | None) -> None:
    assert record_from_text(f"---\n{line}\n---\nText.\n").data["updateFrequency"] == frequency


def test_defaults_without_frontmatter() -> None:
    record = record_from_text("Text.\n", "knowledge-base/risks/goal-mis-generalization.mdx")
    data = record.data
    assert data["title"] == "goal mis generalization"
    assert data["contentFormat"] == "article"
    assert data["clusters"] == ["ai-safety"]
    assert data["quality"] is None
    assert data["lastUpdated"] is None
    assert data["evergreen"] is True


# --- frontmatter problems -------------------------------------------------------------------


def test_malformed_yaml_reports_file_line_and_column() -> None:
    text = "---\ntitle: Broken page\nsummary: a: b\n---\nSome body text here.\n"
    # line 3 is "summary: a: b"; the second ":" (where a mapping value is not allowed) is the
    # 11th character: s1 u2 m3 m4 a5 r6 y7 :8 ␠9 a10 :11
    article = article_from_text(text)
    assert problems(article, "frontmatter-parse") == [("frontmatter-parse", Position(3, 11))]
    assert article.frontmatter == {}
    record = record_from_text(text)
    # measured with empty frontmatter, the block itself still removed: 4 words
    assert record.data["wordCount"] == 4
    assert record.data["title"] == "example"


def test_malformed_yaml_position_ignores_line_ends_and_bom() -> None:
    text = "---\ntitle: Broken page\nsummary: a: b\n---\nSome body text here.\n"
    for variant in (
        text.replace("\n", "\r\n"),
        "\ufeff" + text,
        "\ufeff" + text.replace("\n", "\r\n"),
    ):
        article = article_from_text(variant)
        assert problems(article, "frontmatter-parse") == [("frontmatter-parse", Position(3, 11))]


def test_frontmatter_that_is_a_list() -> None:
    article = article_from_text("---\n- a\n- b\n---\nText.\n")
    assert [rule for rule, _ in problems(article)] == ["frontmatter-parse"]
    assert article.frontmatter == {}
    assert record_from_text("---\n- a\n- b\n---\nText.\n").data["wordCount"] == 1


def test_unclosed_frontmatter() -> None:
    text = "---\ntitle: Never closed\n\nBody text.\n"
    article = article_from_text(text)
    assert [rule for rule, _ in problems(article)] == ["frontmatter-parse"]
    assert article.frontmatter == {}
    record_from_text(text)  # no crash


def test_empty_frontmatter_is_fine() -> None:
    article = article_from_text("---\n---\nText.\n")
    assert article.problems == []
    assert article.frontmatter == {}


# --- degenerate files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\n", "\n\n\n", "---\ntitle: Only\n---\n", "---\ntitle: Only\n---", "\ufeff"],
)
def test_empty_files_do_not_crash(text: str) -> None:
    for path in ("knowledge-base/risks/x.mdx", "knowledge-base/risks/x.md"):
        record = record_from_text(text, path)
        assert record.data["wordCount"] == 0
        assert record.data["metrics"]["bulletRatio"] == 0
        assert record.data["metrics"]["structuralScore"] == 2  # bullet ratio 0 < 0.3 only


# --- line ends and BOM --------------------------------------------------------------------------

ARTICLE = (
    "---\n"  # 1
    "title: Positions\n"  # 2
    "---\n"  # 3
    "import {EntityLink, Aside} from '@components/wiki';\n"  # 4
    "\n"  # 5
    "## Overview\n"  # 6
    "\n"  # 7
    'See [the report](https://example.org/r) and <EntityLink id="E1">X</EntityLink>.\n'  # 8
    "\n"  # 9
    '<Aside type="note">\n'  # 10
    "Inside, a [link](/a/b/) here.\n"  # 11
    "</Aside>\n"  # 12
    "\n"  # 13
    "- item with [a](/x) link\n"  # 14
    "\n"  # 15
    "> quoted [b](/y)\n"  # 16
    "\n"  # 17
    "| c | e |\n"  # 18
    "|---|---|\n"  # 19
    "| [f](/g) | x [h](https://e.org) |\n"  # 20
    "\n"  # 21
    "## Heading [i](/j)\n"  # 22
    "\n"  # 23
    "Ref.[^1]\n"  # 24
    "\n"  # 25
    "[^1]: Def [k](https://k.org)\n"  # 26
    "    cont [l](https://l.org)\n"  # 27
)

# (target, start line, start column, end column); counted by hand, e.g. line 8:
# S1 e2 e3 ␠4 [5 … "[the report](https://example.org/r)" is 12 + 23 = 35 characters → ends
# before column 40; " and " → "<" at column 45.
EXPECTED_LINKS = [
    ("https://example.org/r", 8, 5, 40),
    ("/a/b/", 11, 11, 24),  # "[link](/a/b/)" 13 characters
    ("/x", 14, 13, 20),  # - i t e m ␠ w i t h ␠ [13; "[a](/x)" 7
    ("/y", 16, 10, 17),  # > ␠ q u o t e d ␠ [10
    ("/g", 20, 3, 10),  # | ␠ [3
    ("https://e.org", 20, 15, 33),  # | ␠ [f](/g) ␠ | ␠ x ␠ [15; "[h](https://e.org)" 18
    ("/j", 22, 12, 19),  # # # ␠ H e a d i n g ␠ [12
    ("https://k.org", 26, 11, 29),  # [ ^ 1 ] : ␠ D e f ␠ [11
    ("https://l.org", 27, 10, 28),  # ␠×4 c o n t ␠ [10
]


def link_positions(article: Article) -> list[tuple[str, int, int, int]]:
    result = []
    for link in article.md_layer.links:
        start, end = article.position(link.start), article.position(link.end)
        assert start.line == end.line
        result.append((link.target, start.line, start.column, end.column))
    return result


def element_positions(article: Article) -> list[tuple[str, Position, Position]]:
    return [
        (e.name, article.position(e.start), article.position(e.end))
        for e in article.mdx_layer.elements
    ]


def test_link_positions_by_hand() -> None:
    assert link_positions(article_from_text(ARTICLE)) == EXPECTED_LINKS


def test_element_positions_by_hand() -> None:
    article = article_from_text(ARTICLE)
    assert element_positions(article) == [
        # '<EntityLink id="E1">X</EntityLink>' is 20 + 1 + 13 = 34 characters from column 45
        ("EntityLink", Position(8, 45), Position(8, 79)),
        ("Aside", Position(10, 1), Position(12, 9)),  # "</Aside>" is 8 characters
    ]
    aside = article.mdx_layer.elements[1]
    assert aside.container
    assert not article.mdx_layer.elements[0].container


def variants(text: str) -> dict[str, Article]:
    encoded = {
        "lf": text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    }
    result = {}
    for name, data in encoded.items():
        normalised, _, _ = decode(data)
        result[name] = parse_text(Path("x.mdx"), "knowledge-base/risks/x.mdx", normalised)
    return result


def test_line_ends_and_bom_do_not_move_positions() -> None:
    for name, article in variants(ARTICLE).items():
        assert link_positions(article) == EXPECTED_LINKS, name
        assert element_positions(article)[0] == (
            "EntityLink",
            Position(8, 45),
            Position(8, 79),
        ), name


def test_line_ends_and_bom_do_not_change_metrics() -> None:
    def data(text: str) -> dict[str, Any]:
        record = record_from_text(text)
        return {
            "metrics": record.data["metrics"],
            "risk": record.data["hallucinationRisk"],
            "coverage": record.data["coverage"],
            "title": record.data["title"],
        }

    base = data(ARTICLE)
    assert base["title"] == "Positions"
    assert data(ARTICLE.replace("\n", "\r\n")) == base
    assert data("\ufeff" + ARTICLE) == base
    assert data("\ufeff" + ARTICLE.replace("\n", "\r\n")) == base


def test_decode_remembers_bom_and_crlf() -> None:
    assert decode(b"\xef\xbb\xbfa\r\nb\r\n") == ("a\nb\n", True, True)
    assert decode(b"a\nb\n") == ("a\nb\n", False, False)


def test_link_position_next_to_escaped_pipe() -> None:
    text = "| A | B |\n|---|---|\n| Debate | see [the paper](https://x.org) \\| more |\n"
    # | ␠ D e b a t e ␠ | ␠ s e e ␠ [16
    (link,) = article_from_text(text).md_layer.links
    assert article_from_text(text).position(link.start) == Position(3, 16)


def test_nul_characters_do_not_move_links() -> None:
    # markdown-it's own normalisation is off (the text is LF-only already); a NUL, which it
    # would have replaced by U+FFFD, is replaced by kblint without changing any offset
    text = "# T\n\nA\0 line with [a link](https://x.org/\0) and \0 more [b](/c/).\n"
    # 1-based columns on line 3: "A\0 line with [" → the link opens at column 14
    article = parse_text(Path("t.mdx"), "t.mdx", text)  # `decode` refuses NUL in the first 8 KB
    first, second = article.md_layer.links
    assert (first.text, first.target) == ("a link", "https://x.org/%EF%BF%BD")
    assert article.position(first.start) == Position(3, 14)
    assert (second.text, second.target) == ("b", "/c/")
    assert text[second.start : second.end] == "[b](/c/)"


# --- MDX problems ------------------------------------------------------------------------------


def test_unclosed_container_is_reported_at_its_opening_tag() -> None:
    text = '---\ntitle: Unclosed\n---\n\nIntro paragraph.\n\n  <Aside type="tip">\nNever closed.\n'
    # line 7, after two spaces: column 3
    assert problems(article_from_text(text), "mdx-unclosed") == [("mdx-unclosed", Position(7, 3))]


def test_unclosed_code_fence() -> None:
    text = "---\ntitle: x\n---\n## Code\n\n```python\nprint(1)\n"
    article = article_from_text(text)
    assert problems(article, "mdx-unclosed") == [("mdx-unclosed", Position(6, 1))]
    # the fence runs to the end of the file: nothing in it counts
    assert record_from_text(text).data["wordCount"] == 2


def test_unclosed_expression() -> None:
    text = "---\ntitle: x\n---\nSome text {unclosed expression here\nmore text.\n"
    # S1 o2 m3 e4 ␠5 t6 e7 x8 t9 ␠10 {11
    assert problems(article_from_text(text), "mdx-unclosed") == [("mdx-unclosed", Position(4, 11))]


def test_unclosed_problem_positions_survive_crlf_and_bom() -> None:
    text = '---\ntitle: Unclosed\n---\n\nIntro paragraph.\n\n  <Aside type="tip">\nNever closed.\n'
    for name, article in variants(text).items():
        assert problems(article, "mdx-unclosed") == [("mdx-unclosed", Position(7, 3))], name


def test_well_formed_article_has_no_problems() -> None:
    assert article_from_text(ARTICLE).problems == []


# --- link spans, property-tested ----------------------------------------------------------

# (source, label as the file has it, target, image)
_LINKS = [
    ("[a](/x)", "a", "/x", False),
    ("[b c](https://e.org/p)", "b c", "https://e.org/p", False),
    ("![chart](/img.png)", "chart", "/img.png", True),
    ("![LED[^n] wiring](/led.jpg)", "LED[^n] wiring", "/led.jpg", True),  # [^n] is defined
    ("![a [b] c](/i.png)", "a [b] c", "/i.png", True),
    ("[r][ref]", "r", "/ref", False),
    ('[t](/y "title")', "t", "/y", False),
    ("[x\\|y](/z)", "x\\|y", "/z", False),
    ("[**b**](/w)", "**b**", "/w", False),
    (
        '[<EntityLink id="e1">E</EntityLink> post](/e)',
        '<EntityLink id="e1">E</EntityLink> post',
        "/e",
        False,
    ),
]
# No bare `|`: in a table cell it starts a new cell, and cells past the header's are dropped.
_WORDS = ["word", "\\|", "*e*", "`code`", "—", "é", '<R id="r1">R</R>', "{/* c */}", "\\$5"]


@st.composite
def _paragraph(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, bool]]]:
    pieces = draw(
        st.lists(
            st.one_of(st.sampled_from(_LINKS), st.sampled_from(_WORDS)), min_size=1, max_size=5
        )
    )
    links = [(p[1], p[2], p[3]) for p in pieces if isinstance(p, tuple)]
    return " ".join(p[0] if isinstance(p, tuple) else p for p in pieces), links


_CONTEXTS = [
    "{}",
    "- {}",
    "  - {}",
    "1. {}",
    "> {}",
    "> - {}",
    "## {}",
    "<Aside>\n{}\n</Aside>",
    "[^1]: {}",
    "| h | k |\n|---|---|\n| {} | x |",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_CONTEXTS), _paragraph()), min_size=1, max_size=6))
def test_every_link_is_found_with_its_label_and_span_in_the_file(
    blocks: list[tuple[str, tuple[str, list[tuple[str, str, bool]]]]],
) -> None:
    """Whatever block a link sits in (list, quote, heading, container, footnote, table cell),
    its span starts at its `[` (`![`), its label is the file's text up to the `]`, and the span
    ends at the `)` or `]` that closes it."""
    body = "\n\n".join(context.format(paragraph) for context, (paragraph, _) in blocks)
    esm = "import {R, EntityLink, Aside} from '@components/wiki';"
    text = f"---\ntitle: T\n---\n{esm}\n\n{body}\n\n[ref]: /ref\n\n[^n]: A note.\n"
    article = article_from_text(text)
    found = article.md_layer.links
    assert [(link.text, link.target, link.image) for link in found] == [
        link for _, (_, links) in blocks for link in links
    ]
    for link in found:
        opening = "![" if link.image else "["
        assert text.startswith(opening + link.text + "]", link.start)
        assert text[link.end - 1] in ")]"
