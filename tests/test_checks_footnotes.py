"""Footnote checks (KB201–KB204): edge cases the fixture articles do not show, with exact
messages and positions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import NOW, article_from_text
from kblint.checks import FileContext, Hit
from kblint.checks.footnotes import (
    footnote_duplicate_definition,
    footnote_undefined,
    footnote_unsourced,
    footnote_unused,
)
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.record import build
from kblint.registries import Registries

Check = Callable[[FileContext, dict[str, Any]], Iterator[Hit]]
HEAD = "---\ntitle: Reward Hacking\n---\n"  # the body starts on line 4


def run(
    check: Check,
    body: str,
    config: Config | None = None,
    rel_path: str = "knowledge-base/risks/reward-hacking.mdx",
    **options: Any,
) -> list[tuple[int, int, str]]:
    """(line, column, message) of every hit, with the end offset checked to be sane."""
    config = config or Config()
    article = article_from_text(HEAD + body, rel_path)
    record = build(article, PageIdentity.from_rel_path(rel_path), config, NOW)
    ctx = FileContext(article, record, config, Registries())
    found = []
    for hit in check(ctx, options):
        assert hit.offset is not None
        assert hit.end_offset is not None
        assert hit.end_offset > hit.offset
        where = article.position(hit.offset)
        found.append((where.line, where.column, hit.message))
    return found


def spans(check: Check, body: str) -> list[str]:
    """The text each hit covers (offset to end offset)."""
    article = article_from_text(HEAD + body)
    config = Config()
    record = build(article, PageIdentity.from_rel_path("x/y.mdx"), config, NOW)
    ctx = FileContext(article, record, config, Registries())
    return [article.text[hit.offset or 0 : hit.end_offset] for hit in check(ctx, {})]


# --- footnote-undefined ----------------------------------------------------------------------


def test_undefined_message_position_and_span() -> None:
    body = (
        "Models game their reward.[^1] See the survey.[^2]\n\n[^1]: [Paper](https://a.org), 2024.\n"
    )
    assert run(footnote_undefined, body) == [
        (
            4,
            46,
            "footnote [^2] is referenced but never defined; add a `[^2]: …` definition citing "
            "its source, or remove the reference",
        )
    ]
    assert spans(footnote_undefined, body) == ["[^2]"]


def test_external_labels_follow_the_configured_pattern() -> None:
    body = "Claim.[^rc-3dfc] Other claim.[^src-12ab]\n"
    assert [hit[:2] for hit in run(footnote_undefined, body)] == [(4, 30)]
    no_pattern = Config(external_footnote_pattern=None)
    assert [hit[:2] for hit in run(footnote_undefined, body, no_pattern)] == [(4, 7), (4, 30)]
    custom = Config(external_footnote_pattern=r"^src-")
    assert [hit[:2] for hit in run(footnote_undefined, body, custom)] == [(4, 7)]


def test_labels_match_case_insensitively_like_the_mdx_build() -> None:
    body = (
        "As shown by Krakovna.[^Krakovna2020]\n\n[^krakovna2020]: [Spec gaming](https://a.org).\n"
    )
    assert run(footnote_undefined, body) == []
    assert run(footnote_unused, body) == []


def test_reference_inside_another_definition_is_checked() -> None:
    body = "Claim.[^1]\n\n[^1]: [Paper](https://a.org), 2024.\n    Extends the result of [^9].\n"
    assert [hit[:2] for hit in run(footnote_undefined, body)] == [(7, 27)]


def test_code_and_comments_are_not_references() -> None:
    body = (
        "Inline `[^1]` code and a comment {/* [^2] */}.\n\n"
        "```markdown\nText.[^3]\n```\n\n"
        '<Aside type="note">\nInside a container.[^4]\n</Aside>\n'
    )
    assert [hit[:2] for hit in run(footnote_undefined, body)] == [(11, 20)]


def test_markdown_file_html_comment_is_not_a_reference() -> None:
    body = "A claim.<!-- [^1] --> Another.[^2]\n"
    found = run(footnote_undefined, body, rel_path="knowledge-base/risks/page.md")
    assert [hit[:2] for hit in found] == [(4, 31)]


# --- footnote-unused -------------------------------------------------------------------------


def test_unused_message_and_span() -> None:
    body = "Claim.[^1]\n\n[^1]: [A](https://a.org).\n[^note]: [B](https://b.org).\n"
    assert run(footnote_unused, body) == [
        (
            7,
            1,
            "footnote [^note] is defined but never referenced; cite it with [^note] where the "
            "claim it supports is made, or delete the definition",
        )
    ]
    assert spans(footnote_unused, body) == ["[^note]:"]


def test_used_only_inside_another_definition_is_used() -> None:
    body = "Claim.[^1]\n\n[^1]: [A](https://a.org); see also [^2].\n[^2]: [B](https://b.org).\n"
    assert run(footnote_unused, body) == []


def test_a_definition_citing_itself_is_still_unused() -> None:
    body = "Text.\n\n[^1]: [A](https://a.org), discussed again in [^1].\n"
    assert [hit[:2] for hit in run(footnote_unused, body)] == [(6, 1)]


def test_unused_label_defined_twice_is_reported_once() -> None:
    body = "Text.\n\n[^1]: [A](https://a.org).\n[^1]: [B](https://b.org).\n"
    assert [hit[:2] for hit in run(footnote_unused, body)] == [(6, 1)]


def test_reference_in_code_does_not_use_a_definition() -> None:
    body = "See `[^1]`.\n\n[^1]: [A](https://a.org).\n"
    assert [hit[:2] for hit in run(footnote_unused, body)] == [(6, 1)]


def test_definition_inside_a_container_is_positioned_on_its_marker() -> None:
    body = '<Aside type="note">\nA note.\n\n  [^aside]: [A](https://a.org).\n</Aside>\n'
    assert [hit[:2] for hit in run(footnote_unused, body)] == [(7, 3)]


# --- footnote-duplicate-definition -----------------------------------------------------------


def test_duplicate_names_the_first_definition_line() -> None:
    body = (
        "A.[^1] B.[^2]\n\n"
        "[^1]: [A](https://a.org).\n[^2]: [B](https://b.org).\n[^1]: [C](https://c.org).\n"
    )
    assert run(footnote_duplicate_definition, body) == [
        (
            8,
            1,
            "footnote [^1] is already defined on line 6; the site renders only the first "
            "definition, so merge the sources into it and delete this one (or give this "
            "footnote its own label)",
        )
    ]
    assert spans(footnote_duplicate_definition, body) == ["[^1]:"]


def test_duplicate_differing_in_case_says_how_the_first_was_spelled() -> None:
    body = "A.[^Amodei]\n\n[^Amodei]: [A](https://a.org).\n[^amodei]: [B](https://b.org).\n"
    ((line, column, message),) = run(footnote_duplicate_definition, body)
    assert (line, column) == (7, 1)
    assert message.startswith("footnote [^amodei] is already defined on line 6 (as [^Amodei]);")


def test_every_later_copy_is_flagged() -> None:
    body = (
        "A.[^1]\n\n"
        "[^1]: [A](https://a.org).\n[^1]: [B](https://b.org).\n[^1]: [C](https://c.org).\n"
    )
    assert [hit[:2] for hit in run(footnote_duplicate_definition, body)] == [(7, 1), (8, 1)]


# --- footnote-unsourced ----------------------------------------------------------------------

UNSOURCED = (
    "A.[^1] B.[^2] C.[^3] D.[^4]\n\n"
    "[^1]: Personal communication, 2024.\n"  # line 6
    '[^2]: <R id="a1b2c3d4e5f60718">Alignment faking</R>, 2024.\n'  # line 7
    "[^3]: Carlsmith, Scheming AIs, 2023.\n"  # line 8
    "    Available at https://arxiv.org/abs/2311.08379.\n"
    "[^4]: Hubinger et al., 2019.\n"  # line 10
    "\n"
    "A later paragraph links https://arxiv.org/abs/1906.01820 but is not part of [^4].\n"
)


def test_unsourced_message_and_what_counts_as_a_source() -> None:
    message = (
        "cites no source: its definition has no http(s) link or <R id> citation; add the URL "
        "of the work it cites"
    )
    assert run(footnote_unsourced, UNSOURCED) == [
        (6, 1, f"footnote [^1] {message}"),
        (10, 1, f"footnote [^4] {message}"),
    ]


def test_r_citation_can_be_made_not_to_count() -> None:
    found = run(footnote_unsourced, UNSOURCED, r_counts_as_source=False)
    assert [hit[:2] for hit in found] == [(6, 1), (7, 1), (10, 1)]
    assert found[1][2] == (
        "footnote [^2] cites no source: its definition has no http(s) link; add the URL of "
        "the work it cites"
    )


def test_url_in_a_comment_is_no_source() -> None:
    body = "A.[^1]\n\n[^1]: Draft note. {/* https://example.org/source */}\n"
    assert [hit[:2] for hit in run(footnote_unsourced, body)] == [(6, 1)]


@pytest.mark.parametrize(
    "definition",
    [
        '[^1]: <a href="https://www.gov.uk/x">Seoul commitments</a>, 2024.',
        "[^1]: Seoul commitments, <https://www.gov.uk/x>.",
        "[^1]: Seoul commitments, `https://www.gov.uk/x`.",
    ],
)
def test_any_visible_url_is_a_source(definition: str) -> None:
    assert run(footnote_unsourced, f"A.[^1]\n\n{definition}\n") == []
