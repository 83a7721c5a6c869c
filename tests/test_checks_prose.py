"""Prose checks (KB601–KB604): options, boundaries and edge cases beyond the fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import NOW, article_from_text
from kblint.checks import FileContext, Hit
from kblint.checks.prose import (
    editorial_artifacts,
    empty_section,
    placeholder_text,
    sections,
    uncited_section,
)
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.record import build
from kblint.registries import Registries
from kblint.rulebook import builtin

HEAD = "---\ntitle: Example\n---\nimport {R, Aside} from '@components/wiki';\n\n"


def ctx_of(text: str, rel_path: str = "knowledge-base/risks/example.mdx") -> FileContext:
    article = article_from_text(text, rel_path)
    record = build(article, PageIdentity.from_rel_path(rel_path), Config(), NOW)
    return FileContext(article, record, Config(), Registries())


def options(rule: str, **overrides: Any) -> dict[str, Any]:
    found = builtin().get(rule)
    assert found is not None
    return {**found.options, **overrides}


def found(check: Any, text: str, **overrides: Any) -> list[tuple[int, int, str]]:
    """(line, column, matched text) of every hit."""
    ctx = ctx_of(text)
    name = check.__name__.replace("_", "-")
    hits: list[Hit] = list(check(ctx, options(name, **overrides)))
    result = []
    for hit in hits:
        assert hit.offset is not None and hit.end_offset is not None
        position = ctx.article.position(hit.offset)
        result.append((position.line, position.column, text[hit.offset : hit.end_offset]))
    return result


# -- placeholder-text -----------------------------------------------------------------------------


def test_placeholder_markers_are_upper_case_words() -> None:
    text = HEAD + "TODO and TBD and FIXME and XXXX.\nA todo list, TODOs, 20XX, XX and ?? are fine.\n"
    assert found(placeholder_text, text) == [
        (6, 1, "TODO"),
        (6, 10, "TBD"),
        (6, 18, "FIXME"),
        (6, 28, "XXXX"),
    ]


def test_placeholder_insert_here_needs_brackets_or_capitals() -> None:
    text = HEAD + (
        "(insert quote here) and [Insert the 2025\nfigure here] and INSERT CHART HERE.\n"
        "Researchers insert a trigger here in the prompt.\n"
    )
    assert [f[2] for f in found(placeholder_text, text)] == [
        "(insert quote here)",
        "[Insert the 2025\nfigure here]",
        "INSERT CHART HERE",
    ]


def test_placeholder_message_names_the_text() -> None:
    ctx = ctx_of(HEAD + "Revenue grew 40% [citation needed].\n")
    [hit] = placeholder_text(ctx, {})
    assert hit.message == (
        'placeholder text "[citation needed]" left in the article: add the source as a footnote '
        "or an <R> citation, or remove the claim"
    )


def test_placeholder_comments_only_with_flag_comments() -> None:
    text = HEAD + "The lab raised \\$8B.{/* NEEDS CITATION */} <!-- TODO: check -->\n"
    assert found(placeholder_text, text) == []
    assert found(placeholder_text, text, flag_comments=True) == [
        (6, 25, "NEEDS CITATION"),
        (6, 49, "TODO"),
    ]


def test_placeholder_never_in_code_attributes_urls_or_frontmatter() -> None:
    text = (
        "---\ntitle: TODO\ndescription: lorem ipsum\n---\n"
        '`TODO` <Aside title="TBD">Fine.</Aside> https://example.org/TODO/???\n'
        "```\nFIXME\n```\n"
    )
    assert found(placeholder_text, text) == []


# -- sections -------------------------------------------------------------------------------------


def test_sections_end_at_the_next_heading_of_same_or_higher_level() -> None:
    text = HEAD + "## A\n\n### A1\n\n#### A1a\n\n### A2\n\n## B\n\ntext\n"
    article = ctx_of(text).article
    spans = [(s.heading.text, text[s.start : s.end].count("\n")) for s in sections(article)]
    assert spans == [("A", 8), ("A1", 4), ("A1a", 2), ("A2", 2), ("B", 3)]


def words(count: int) -> str:
    return " ".join(["alignment"] * count)


# -- uncited-section ------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "flagged"), [(199, False), (200, True)])
def test_uncited_section_min_words_boundary(count: int, flagged: bool) -> None:
    text = HEAD + f"## Evidence\n\n{words(count)}\n"
    result = found(uncited_section, text)
    assert result == ([(6, 1, "## Evidence")] if flagged else [])


def test_uncited_section_message() -> None:
    ctx = ctx_of(HEAD + f"## Evidence\n\n{words(250)}\n")
    [hit] = uncited_section(ctx, options("uncited-section"))
    assert hit.message == (
        'section "Evidence" has 250 words and no citation: add a footnote, an <R> reference or a '
        "link to the source"
    )


@pytest.mark.parametrize(
    "citation",
    [
        "[^1]",
        "[^rc-3dfc]",
        '<R id="a1b2c3d4e5f60718">survey</R>',
        "[survey](https://arxiv.org/abs/2401.05566)",
    ],
)
def test_uncited_section_any_citation_counts(citation: str) -> None:
    text = HEAD + f"## Evidence\n\n{words(250)} {citation}\n\n[^1]: A source.\n"
    assert found(uncited_section, text) == []


def test_uncited_section_images_bare_urls_and_internal_links_are_not_citations() -> None:
    text = HEAD + (
        f"## Evidence\n\n{words(250)} ![chart](https://example.org/c.png) https://arxiv.org/abs/1 "
        "[scheming](/knowledge-base/risks/scheming/)\n"
    )
    assert [f[:2] for f in found(uncited_section, text)] == [(6, 1)]


def test_uncited_section_nesting_levels_and_footnote_definitions() -> None:
    text = HEAD + (
        f"## Parent\n\n### Child one\n\n{words(210)}\n\n### Child two\n\nShort.[^1]\n\n"
        f"## Last\n\nShort text.\n\n[^1]: {words(300)} https://example.org/source\n"
    )
    # The parent is cited through its second child; the first child is not; the footnote
    # definition's words and link do not belong to "Last".
    assert [f[2] for f in found(uncited_section, text)] == ["### Child one"]
    assert found(uncited_section, text, levels=[2]) == []
    assert found(uncited_section, text, min_words=1000) == []


def test_uncited_section_words_in_code_do_not_count() -> None:
    text = HEAD + f"## Setup\n\n{words(20)}\n\n```python\n{words(400)}\n```\n"
    assert found(uncited_section, text) == []


# -- empty-section --------------------------------------------------------------------------------


def test_empty_section_variants() -> None:
    text = HEAD + (
        "## Empty\n\n{/* TODO */}\n<!-- note -->\n\n## Has sub\n### Sub\n\nText.\n\n"
        "#### Deep\n## Setext\n\n   ### Indented\n\nNext\n====\n\n"
        "<Aside>only a component</Aside>\n\n## Last\n"
    )
    assert found(empty_section, text) == [
        (6, 1, "## Empty"),
        (16, 1, "#### Deep"),
        (19, 4, "### Indented"),
        (26, 1, "## Last"),
    ]


def test_empty_section_messages_and_levels() -> None:
    text = HEAD + "## Risks\n## Responses\n"
    hits = list(empty_section(ctx_of(text), options("empty-section")))
    assert [h.message for h in hits] == [
        'section "Risks" is empty: "Responses" follows directly; write the section or remove it',
        'section "Responses" is empty: the article ends after its heading; write the section or '
        "remove it",
    ]
    assert found(empty_section, HEAD + "### A\n### B\nText.\n", levels=[2]) == []
    assert found(empty_section, HEAD + "# Title\n## Overview\nText.\n") == []


def test_empty_setext_heading_points_at_its_text() -> None:
    text = HEAD + "Overview\n--------\n\nAnalysis\n--------\n\nText.\n"
    assert found(empty_section, text) == [(6, 1, "Overview")]


# -- editorial-artifacts --------------------------------------------------------------------------


def test_editorial_phrases_wrap_lines_and_match_curly_quotes() -> None:
    text = HEAD + "As an AI\nlanguage model I can't say. Here’s the revised table.\n"
    assert [f[2] for f in found(editorial_artifacts, text)] == [
        "As an AI\nlanguage model",
        "Here’s the revised",
    ]


def test_editorial_phrases_are_whole_words_and_options_replace_the_list() -> None:
    text = HEAD + "Certainly! Here is a table. I hope this helpsful.\n"
    assert [f[2] for f in found(editorial_artifacts, text)] == ["Certainly! Here"]
    assert [f[2] for f in found(editorial_artifacts, text, phrases=["here is a table"])] == [
        "Here is a table"
    ]
    assert found(editorial_artifacts, text, phrases=[]) == []


def test_heading_phrases_only_in_headings() -> None:
    text = HEAD + "## Evidence (Updated)\n\nThe estimate (updated) in 2025 rose.\n"
    assert found(editorial_artifacts, text) == [(6, 13, "(Updated)")]
    assert found(editorial_artifacts, text, heading_phrases=[]) == []


def test_editorial_never_in_code_comments_or_frontmatter() -> None:
    text = (
        "---\ntitle: I hope this helps\n---\n"
        "`as an AI language model` {/* an earlier version of this page */}\n"
        "```\nCertainly! Here is the code.\n```\n"
    )
    assert found(editorial_artifacts, text) == []
