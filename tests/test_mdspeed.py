"""The stand-ins of kblint.mdspeed compute exactly what markdown-it-py computes."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block.state_block import StateBlock

from conftest import EXAMPLE_KB, FIXTURES
from kblint import markdown
from kblint.article import read_article
from kblint.mdspeed import line_markers, table_rule

_TABLE_MODULE = importlib.import_module("markdown_it.rules_block.table")

# Lines of blanks, tabs, pipes and backslashes are where the two loops have their edge cases.
_TEXT = st.text(alphabet=" \t\n|\\a-:", max_size=60)


def _library_markers(src: str) -> tuple[list[int], ...]:
    state = StateBlock(src, markdown.configured(True), {}, [])
    return state.bMarks, state.eMarks, state.tShift, state.sCount


@pytest.mark.parametrize(
    "src",
    ["", " ", "\n", "a", "a\n", "a\n  ", "a\n\t", "\n\n", "  \n  x", "\t x\n \tx\n  \t\tx", " \t"],
)
def test_line_markers_match_the_library_on_edge_cases(src: str) -> None:
    assert line_markers(src) == _library_markers(src)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_line_markers_match_the_library(src: str) -> None:
    assert line_markers(src) == _library_markers(src)


def test_a_tab_in_the_indent_expands_to_the_next_stop_of_four() -> None:
    begins, ends, shifts, widths = line_markers(" \tx\n\t\t y\n")
    assert (begins, ends, shifts, widths) == ([0, 4, 9], [3, 8, 9], [2, 3, 0], [4, 9, 0])


@settings(max_examples=300, deadline=None)
@given(_TEXT.filter(lambda s: "\n" not in s))
def test_rows_split_as_the_library_splits_them(row: str) -> None:
    rebound = table_rule().__globals__["escapedSplit"]
    assert rebound(row) == _TABLE_MODULE.escapedSplit(row)


def test_the_table_rule_is_rebound_and_the_library_left_alone() -> None:
    rule = table_rule()
    assert rule is not _TABLE_MODULE.table
    assert rule.__code__ is _TABLE_MODULE.table.__code__
    assert _TABLE_MODULE.table.__globals__["escapedSplit"] is _TABLE_MODULE.escapedSplit


def _shape(tokens: list[Any] | None) -> list[tuple[Any, ...]]:
    return [
        (t.type, t.tag, t.map, t.content, t.info, t.markup, t.attrs, t.meta, _shape(t.children))
        for t in tokens or []
    ]


# every readable article of the example KB and the fixtures (one fixture is unreadable on
# purpose: it has nothing to parse)
_ARTICLES = [
    path
    for path in sorted(
        [*EXAMPLE_KB.rglob("*.mdx"), *FIXTURES.rglob("*.mdx"), *FIXTURES.rglob("*.md")], key=str
    )
    if read_article(path, path.name).readable
]


@pytest.mark.parametrize("path", _ARTICLES, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_whole_parses_match_token_for_token(path: Path) -> None:
    article = read_article(path, path.name)
    mdx = path.suffix == ".mdx"
    fast = markdown.parser(mdx).parse(article.masked, {})
    plain = markdown.configured(mdx).parse(article.masked, {})
    assert _shape(fast) == _shape(plain)


@pytest.mark.parametrize("mdx", [True, False])
def test_the_fast_table_rule_keeps_its_terminator_chains(mdx: bool) -> None:
    def chains(md: Any) -> dict[str, list[str]]:
        return {rule.name: rule.alt for rule in md.block.ruler.__rules__}

    assert chains(markdown.parser(mdx)) == chains(markdown.configured(mdx))


def test_the_articles_checked_have_tables_and_indented_lines() -> None:
    """The token-for-token test is only worth something if the articles exercise both loops."""
    texts = [read_article(p, p.name).masked for p in _ARTICLES]
    assert sum("|---" in t or "| ---" in t for t in texts) >= 5
    assert sum("\n   " in t for t in texts) >= 20
    assert any("\\|" in t for t in texts)
