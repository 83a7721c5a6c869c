"""Structural metrics (spec §2, §3.1–§3.7), with every expected number counted by hand.

The fixture files in ``tests/fixtures/metrics/`` carry their expected values in a trailing
``expect:`` comment; ``tests/fixtures/metrics/README.md`` shows the token arithmetic for each.
The targeted tests below spell their arithmetic out next to the input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, article_from_text, record_from_file, record_from_text
from kblint.metrics import import_lines

METRIC_FIXTURES = sorted(p for p in (FIXTURES / "metrics").glob("*.md*") if p.name != "README.md")
_EXPECT = re.compile(r"expect:\s*(.*?)\s*(?:\*/\}|-->)", re.DOTALL)
MDX = "knowledge-base/risks/example.mdx"
MD = "knowledge-base/risks/example.md"


def _value(raw: str) -> Any:
    if raw in ("true", "false"):
        return raw == "true"
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d+", raw):
        return float(raw)
    return raw


def expectations(path: Path) -> dict[str, Any]:
    match = _EXPECT.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} has no expect: comment"
    pairs = (item.split("=", 1) for item in match.group(1).split())
    return {key: _value(value) for key, value in pairs}


def test_there_are_enough_fixtures() -> None:
    assert len(METRIC_FIXTURES) >= 8
    assert {p.suffix for p in METRIC_FIXTURES} == {".md", ".mdx"}


@pytest.mark.parametrize("path", METRIC_FIXTURES, ids=lambda p: p.name)
def test_fixture_metrics(path: Path) -> None:
    expected = expectations(path)
    record = record_from_file(path, f"knowledge-base/risks/{path.name}")
    data = record.data
    assert not record.data["metrics"].keys() - {
        "wordCount",
        "tableCount",
        "diagramCount",
        "internalLinks",
        "externalLinks",
        "footnoteCount",
        "bulletRatio",
        "sectionCount",
        "hasOverview",
        "structuralScore",
    }
    actual: dict[str, Any] = dict(data["metrics"])
    actual["suggestedQuality"] = data["suggestedQuality"]
    risk = data["hallucinationRisk"]
    actual["risk"] = f"{risk['level']}/{risk['score']}"
    actual["factors"] = ",".join(risk["factors"])
    checked = {key: actual[key] for key in expected}
    assert checked == expected
    # the top-level wordCount repeats metrics.wordCount
    assert data["wordCount"] == data["metrics"]["wordCount"]


def metrics(text: str, rel_path: str = MDX) -> dict[str, Any]:
    result: dict[str, Any] = record_from_text(text, rel_path).data["metrics"]
    return result


def words(text: str, rel_path: str = MDX) -> int:
    return int(metrics(text, rel_path)["wordCount"])


# --- §3.1 wordCount: quirks the spec keeps ----------------------------------------------------


def test_punctuation_tokens_count() -> None:
    text = "## A → B\n\n| x | y |\n|---|---|\n| - | → |\n"
    # "## A → B" 4; "| x | y |" 5; "|---|---|" 1; "| - | → |" 5
    assert words(text) == 15


def test_inline_component_text_is_not_counted() -> None:
    text = (
        'The lab <EntityLink id="E22" name="anthropic">Anthropic</EntityLink> and '
        '<R id="a1b2c3d4e5f60718">the 2024 survey</R> and '
        '<KBF entity="acme" property="revenue">\\$14B</KBF> end.\n'
    )
    # The, lab, and, and, end.
    m = metrics(text)
    assert m["wordCount"] == 5
    assert m["internalLinks"] == 2  # EntityLink + R with id first


def test_punctuation_left_behind_by_a_removed_component_counts() -> None:
    # "the survey" goes with its <R>; the "." after it is a token of its own, "'s" too.
    text = 'As <R id="abc">the survey</R>. And <EntityLink id="E1">Acme</EntityLink>\'s plan.\n'
    # As, ., And, 's, plan.
    assert words(text) == 5


def test_self_closing_components_vanish_inline_and_block() -> None:
    assert words('Before <DataInfoBox entityId="E1" /> after.\n') == 2
    assert words('<DataInfoBox entityId="E1" />\n\nText.\n') == 1


def test_slash_inside_attribute_does_not_swallow_following_text() -> None:
    text = (
        '<KeyQuestions questions={[\n  "Is A and/or B true?",\n  "x/y"\n]} />\n\n'
        "Then five more words follow.\n"
    )
    assert words(text) == 5
    calc = 'A multiple of ≈<Calc expr="{acme.valuation} / {acme.revenue}" precision={0} /> x.\n'
    # A, multiple, of, ≈, x.
    assert words(calc) == 5


def test_paired_element_ends_at_its_own_closing_tag() -> None:
    text = 'A <Tooltip tip="t">x <EntityLink id="E1">y</EntityLink> z</Tooltip> B.\n'
    # the whole Tooltip (with "x" and "z") goes: A, B.
    m = metrics(text)
    assert m["wordCount"] == 2
    assert m["internalLinks"] == 1


def test_container_prose_is_counted() -> None:
    text = (
        '<Aside type="tip">\n'
        'Deception is **hard** to see, says <EntityLink id="E11">Evan</EntityLink> today.\n'
        "</Aside>\n"
    )
    # Deception, is, **hard**, to, see,, says, today.
    assert words(text) == 7


def test_paired_element_alone_on_one_line_is_inline() -> None:
    assert words('<Aside type="tip">Inline aside text.</Aside>\n') == 0
    # the closing tag does not start its line: not a container either
    assert words("<Aside>\ntext here</Aside>\n") == 0


def test_lowercase_html_keeps_its_text() -> None:
    assert words("a <span>small</span> tag\n") == 3


def test_bare_urls_are_removed_and_link_text_kept() -> None:
    text = (
        'Visit https://bare.org and <a href="https://x.org">site</a> or [ok](https://ok.org) '
        "or ![img](http://img.org/a.png).\n"
    )
    m = metrics(text)
    # Visit, and, site, or, ok, or, img.
    assert m["wordCount"] == 7
    assert m["externalLinks"] == 2  # the link and the image; not the bare URL nor <a href>


# --- §2 deviations: code and comments count nothing ------------------------------------------


def test_code_counts_nothing() -> None:
    text = (
        "Before `code [x](https://x.org) here` after.\n\n"
        "~~~\n| a | b |\n|---|---|\n## not a heading\n[x](https://x.org)\n~~~\n\n"
        "```js\n[^9] and [y](/y)\n```\n"
    )
    m = metrics(text)
    assert m["wordCount"] == 2
    assert m["tableCount"] == 0
    assert m["sectionCount"] == 0
    assert m["externalLinks"] == 0
    assert m["internalLinks"] == 0
    assert m["footnoteCount"] == 0


def test_indented_code_is_code_in_markdown_only() -> None:
    text = "Para.\n\n    Indented [x](https://x.org) words.\n"
    md = metrics(text, MD)
    assert (md["wordCount"], md["externalLinks"]) == (1, 0)
    # MDX has no indented code blocks: the indented line is prose (Para., Indented, x, words.)
    mdx = metrics(text, MDX)
    assert (mdx["wordCount"], mdx["externalLinks"]) == (4, 1)


def test_comments_count_nothing() -> None:
    mdx = metrics("Text.{/* NEEDS CITATION [x](https://x.org) [^9] */} More.\n")
    assert (mdx["wordCount"], mdx["externalLinks"], mdx["footnoteCount"]) == (2, 0, 0)
    md = metrics("Text. <!-- hidden [x](/x) words --> More.\n", MD)
    assert (md["wordCount"], md["internalLinks"]) == (2, 0)


def test_import_lines_are_blank() -> None:
    text = "import {EntityLink} from '@components/wiki';\nimport X from 'y';\n\n- one\n"
    m = metrics(text)
    assert m["wordCount"] == 2
    assert m["bulletRatio"] == 1.0  # the import lines are blank lines of B


def test_multiline_import_only_first_line_blank() -> None:
    text = "import {\n  EntityLink,\n  R,\n} from '@components/wiki';\n\nText here.\n"
    # EntityLink,  R,  }  from  '@components/wiki';  Text  here.
    assert words(text) == 7


def test_export_line_tokens_count() -> None:
    # export, const, rows, =, [1,, 2];, Text, here.
    assert words("export const rows = [1, 2];\n\nText here.\n") == 8


def test_prose_expression_is_a_token() -> None:
    assert words("Price is {price} today.\n") == 4


def test_link_next_to_escaped_pipe_in_table_cell() -> None:
    text = "| A | B |\n|---|---|\n| Debate | see [the paper](https://x.org) \\| more |\n"
    # "| A | B |" 5; "|---|---|" 1; "| Debate | see the paper \| more |" 9
    assert words(text) == 15


def test_escaped_pipe_inside_a_link_label_in_a_table_cell() -> None:
    text = "| A | B |\n|---|---|\n| [x \\| y](/p) | z |\n"
    # "| A | B |" 5; "|---|---|" 1; "| x \| y | z |" 7 (the label is kept whole: its last
    # word "y" is not cut off by the backslash markdown-it drops)
    assert words(text) == 13


def test_markdown_indented_fence_marker_is_indented_code() -> None:
    text = "Example:\n\n    ```\n    only an opening marker\n\nProse after.\n"
    # Example:  Prose  after.
    assert words(text, MD) == 3


# --- §3.2 tables, §3.3 diagrams --------------------------------------------------------------


def test_table_count_needs_pipes_at_both_ends_of_the_delimiter_row() -> None:
    text = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "a | b\n--- | ---\n1 | 2\n\n"
        "| a | b |\n|---|---\n| 1 | 2 |\n\n"
        "| a | b |\n| :--- | ---: |\n| 1 | 2 |\n\n"
        '<ComparisonTable rows={[{ a: "x/y" }]} />\n\n'
        "<EvalTypesTableView />\n"
    )
    assert metrics(text)["tableCount"] == 4  # 2 piped + 2 components


def test_a_table_right_after_a_line_of_text_is_a_table() -> None:
    """GFM lets a table interrupt a paragraph (and the seed's regular expressions never needed
    a blank line either)."""
    text = (
        "Headcount by lab:\n| Lab | Staff |\n|---|---|\n| A | 3 |\n\n"
        "Budget by year (USD M):\n| Year | Budget |\n| :--- | ---: |\n| 2024 | 12 |\n"
    )
    assert metrics(text)["tableCount"] == 2


def test_diagrams_components_and_mermaid_fences_not_images() -> None:
    text = (
        "<Mermaid chart={`flowchart TD\n  A --> B{x}`} />\n\n"
        "```mermaid\nflowchart LR\n  A --> B\n```\n\n"
        "```text\nmermaid\n```\n\n"
        '<SquiggleEstimate code="normal(1, 2)" />\n\n'
        "![chart](/images/chart.png)\n"
    )
    m = metrics(text)
    assert m["diagramCount"] == 3
    assert m["internalLinks"] == 1  # the image
    assert m["wordCount"] == 1  # "chart" (the image's text)


def test_jsx_tags_inside_an_expression_go_with_their_attributes_and_their_text_stays() -> None:
    # §3.1 step 4 removes any remaining tag, also one inside a `{…}` block (the reference system
    # saw no expressions); a `<` that starts no tag (`a < b`) is a token like any other
    text = (
        "<Example>\n"
        "  {\n"
        '    <div className="grid grid-cols-2">\n'
        '      <p className="mb-2 text-sm">Light mode</p>\n'
        '      <svg viewBox="0 0 24 24"><path d="M11 5H6a2 2 0 00-2 2" /></svg>\n'
        "      <p children={`text in a prop > here`} />\n"
        "    </div>\n"
        "  }\n"
        "</Example>\n\n"
        'Some prose {a < b ? "x" : "y"} here.\n'
    )
    # `{`, Light, mode, `}` inside the container; then Some, prose, `{a`, `<`, b, ?, "x", :,
    # `"y"}`, here.
    assert words(text) == 14


def test_an_image_keeps_its_alt_text_when_it_holds_a_footnote_reference() -> None:
    # §3.1 step 3 keeps a link's or an image's text; the alt text may hold brackets of its own
    text = "![Cathode and Anode of an LED[^1]](img/led.jpg)\n\n[^1]: Source one.\n"
    m = metrics(text)
    assert m["wordCount"] == 9  # the 6 tokens of the alt text, then "[^1]:", "Source", "one."
    assert m["footnoteCount"] == 1


# --- §3.4 / §3.5 links ----------------------------------------------------------------------


def test_internal_links() -> None:
    text = (
        '<R id="a">t</R>, <R href="https://x.org" id="b">u</R> and <R id="c" />.\n\n'
        '<EntityLink id="E1" /> and <EntityLink name="x">y</EntityLink>\n\n'
        "[a](/x) ![b](/y.png) [c](../x) [d](#y) [e](x/y)\n"
    )
    m = metrics(text)
    # R(id first) 2 + EntityLink 2 + "/" targets 2
    assert m["internalLinks"] == 6
    assert m["externalLinks"] == 0


def test_external_links_include_footnote_definitions() -> None:
    text = "Claim.[^1]\n\n[^1]: [Source](https://example.org/a), see also [b](http://b.org).\n"
    assert metrics(text)["externalLinks"] == 2


# --- §3.6 footnotes ---------------------------------------------------------------------------


def test_footnote_count_counts_distinct_labels_named_ones_too() -> None:
    text = "A.[^rc-1] B.[^note] C.[^1] D.[^note] E.[^undefined-one]\n\n[^1]: x\n[^note]: y\n"
    assert metrics(text)["footnoteCount"] == 4


def test_footnote_references_inside_definitions_do_not_count() -> None:
    text = "A.[^1]\n\n[^1]: see also [^2] and [^3]\n"
    assert metrics(text)["footnoteCount"] == 1


# --- §3.7 sections, bullets, overview ---------------------------------------------------------


def test_section_count_counts_atx_h2_and_h3_only() -> None:
    text = "# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n```\n## code\n```\n"
    m = metrics(text)
    assert m["sectionCount"] == 2
    record = record_from_text(text, MDX)
    assert (record.metrics.h2_count, record.metrics.h3_count) == (1, 1)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("## Overview", True),
        ("## overview", True),
        ("## OVERVIEW of the field", True),
        ("## Overviews", True),
        ("## The overview", False),
        ("### Overview", False),
        ("# Overview", False),
    ],
)
def test_has_overview(heading: str, expected: bool) -> None:
    assert metrics(f"{heading}\n\nText.\n")["hasOverview"] is expected


def test_bullet_lines() -> None:
    text = "- a\n* b\n  - c\n\t- d\n1. e\n12. f\n2024. It was\n+ g\n1) h\n-i\n**j**\nk\n"
    # bullets: "- a", "* b", "  - c", "\t- d", "1. e", "12. f", "2024. It was" = 7 of 12
    record = record_from_text(text, MDX)
    assert record.metrics.bullet_ratio == pytest.approx(7 / 12)
    assert record.data["metrics"]["bulletRatio"] == 0.58


def test_bullet_ratio_rounds_half_up_on_the_exact_value() -> None:
    # 29 / 200 = 0.145 exactly → 0.15 (binary 0.145 is a hair below; half-up of the ratio wins)
    text = "- bullet\n" * 29 + "text\n" * 171
    record = record_from_text(text, MDX)
    assert record.metrics.bullet_ratio == pytest.approx(0.145)
    assert record.data["metrics"]["bulletRatio"] == 0.15
    # 1 / 8 = 0.125 → 0.13
    assert metrics("- a\n" + "b\n" * 7)["bulletRatio"] == 0.13


def test_bullet_ratio_denominator_has_jsx_tables_headings_definitions_comments() -> None:
    text = (
        "## H\n\n"  # 1
        "| a | b |\n|---|---|\n"  # 2, 3
        '<DataInfoBox entityId="E1" />\n\n'  # 4
        "{/* note */}\n\n"  # 5
        "- one\n- two\n\n"  # 6, 7 (bullets)
        "Ref.[^1]\n\n"  # 8
        "[^1]: def\n"  # 9
        "```\n- code\n- code\n```\n"  # not counted
    )
    record = record_from_text(text, MDX)
    assert record.metrics.bullet_ratio == pytest.approx(2 / 9)
    assert record.data["metrics"]["bulletRatio"] == 0.22


def test_bullet_ratio_is_zero_without_lines() -> None:
    assert metrics("")["bulletRatio"] == 0
    assert metrics("---\ntitle: x\n---\n")["bulletRatio"] == 0
    assert metrics("```\n- a\n```\n")["bulletRatio"] == 0


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(["import {A} from 'a';", " import x", "x import y", "", "import"]),
        max_size=6,
    ),
    body_line=st.integers(min_value=0, max_value=3),
)
def test_import_lines_are_those_a_multiline_anchor_finds(lines: list[str], body_line: int) -> None:
    text = "\n".join(lines)
    body_start = sum(len(line) + 1 for line in lines[:body_line])
    body_start = min(body_start, len(text))
    article = article_from_text(text)
    article.body_start = body_start
    expected = [
        (m.start(), m.end())
        for m in re.compile(r"^import [^\n]*", re.MULTILINE).finditer(text, body_start)
    ]
    assert import_lines(article) == expected
