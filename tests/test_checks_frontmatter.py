"""Frontmatter check (KB101): boundaries, options, messages and positions the fixtures do not
show. `frontmatter_issues` is the pure core (a mapping in, issues out); `frontmatter_schema` adds
positions, tested through parsed articles."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, article_from_text
from kblint.checks import FileContext
from kblint.checks.frontmatter import frontmatter_issues, frontmatter_schema, schema
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.record import build
from kblint.registries import Registries
from kblint.rulebook import builtin

REL = "knowledge-base/risks/example.mdx"

#: The seed record's frontmatter (spec/seed-page-record.json), as the article would carry it.
SEED: dict[str, Any] = {
    "title": "Mesa-Optimization",
    "description": "The risk that AI systems develop internal optimizers with other objectives.",
    "llmSummary": "Mesa-optimization: learned optimizers with objectives of their own.",
    "quality": 63,
    "readerImportance": 18.5,
    "researchImportance": 85,
    "causalLevel": "pathway",
    "subcategory": "accident",
    "entityType": "risk",
    "contentFormat": "article",
    "ratings": {"novelty": 4.5, "rigor": 6.8, "actionability": 5.2, "completeness": 7.5},
    "clusters": ["ai-safety"],
    "update_frequency": 45,
    "lastEdited": "2026-03-13",
    "createdAt": "2026-02-15",
}


def options(**overrides: Any) -> dict[str, Any]:
    rule = builtin().get("frontmatter-schema")
    assert rule is not None
    return {**rule.options, **overrides}


def messages(data: Any, **overrides: Any) -> list[str]:
    return [issue.message for issue in frontmatter_issues(data, options(**overrides))]


def with_seed(**changes: Any) -> dict[str, Any]:
    return {**SEED, **changes}


def hits(text: str, rel_path: str = REL) -> list[tuple[int, int, int, int, str]]:
    """(line, column, end line, end column, message) of each hit on the article."""
    article = article_from_text(text, rel_path)
    # The check reads only the article. The record comes from an empty page because building
    # one from odd values can fail outside this rule (see the robustness tests below).
    identity = PageIdentity.from_rel_path(rel_path)
    record = build(article_from_text("", rel_path), identity, Config(), NOW)
    ctx = FileContext(article, record, Config(), Registries())
    found = []
    for hit in frontmatter_schema(ctx, options()):
        assert hit.offset is not None and hit.end_offset is not None
        start, end = article.position(hit.offset), article.position(hit.end_offset)
        found.append((start.line, start.column, end.line, end.column, hit.message))
    return found


# -- the schema ---------------------------------------------------------------------------------


def test_schema_is_a_valid_2020_12_schema() -> None:
    loaded = schema()
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(loaded)


def test_every_deprecated_key_names_a_replacement_the_schema_knows() -> None:
    properties = schema()["properties"]
    deprecated = {k: v["x-replacedBy"] for k, v in properties.items() if v.get("deprecated")}
    assert deprecated == {
        "lastModified": "lastEdited",
        "importance": "readerImportance",
        "updateFrequency": "update_frequency",
        "todo": "todos",
    }
    assert set(deprecated.values()) <= set(properties)


def test_the_seed_frontmatter_is_valid() -> None:
    assert messages(SEED) == []


def test_unknown_keys_are_allowed() -> None:
    assert (
        messages(with_seed(reviewOwner="alignment-desk", sidebar={"badge": {"text": "New"}})) == []
    )


# -- ranges and types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["quality", "readerImportance", "researchImportance", "tacticalValue"]
)
def test_importance_fields_accept_0_to_100(key: str) -> None:
    assert messages(with_seed(**{key: 0})) == messages(with_seed(**{key: 100})) == []
    assert messages(with_seed(**{key: 100.5})) == [
        f"{key} is 100.5; allowed: a number from 0 to 100"
    ]
    assert messages(with_seed(**{key: -1})) == [f"{key} is -1; allowed: a number from 0 to 100"]


@pytest.mark.parametrize("key", ["tractability", "neglectedness", "uncertainty"])
def test_itn_fields_use_the_0_to_100_scale(key: str) -> None:
    assert messages(with_seed(**{key: 45})) == []
    assert messages(with_seed(**{key: 101})) == [f"{key} is 101; allowed: a number from 0 to 100"]


def test_ratings_are_0_to_10_and_reported_with_their_dotted_key() -> None:
    assert messages(with_seed(ratings={"rigor": 10, "novelty": 0})) == []
    assert messages(with_seed(ratings={"rigor": 10.1})) == [
        "ratings.rigor is 10.1; allowed: a number from 0 to 10"
    ]


def test_a_number_written_as_text_is_a_type_problem() -> None:
    assert messages(with_seed(quality="63")) == ['quality is "63"; allowed: a number from 0 to 100']
    assert messages(with_seed(quality=True)) == ["quality is true; allowed: a number from 0 to 100"]


def test_update_frequency_is_a_positive_whole_number() -> None:
    allowed = "allowed: a whole number of days, at least 1"
    assert messages(with_seed(update_frequency=1)) == []
    assert messages(with_seed(update_frequency=0)) == [f"update_frequency is 0; {allowed}"]
    assert messages(with_seed(update_frequency=30.5)) == [f"update_frequency is 30.5; {allowed}"]


def test_dates_need_the_iso_form_and_must_exist() -> None:
    allowed = "allowed: a date written YYYY-MM-DD, e.g. 2026-01-29"
    assert messages(with_seed(lastEdited="2026-1-29")) == [f'lastEdited is "2026-1-29"; {allowed}']
    assert messages(with_seed(createdAt="2026-02-30")) == [
        f'createdAt is "2026-02-30", which is not a real date; {allowed}'
    ]


def test_last_updated_may_also_be_a_starlight_switch() -> None:
    assert messages(with_seed(lastUpdated=False)) == messages(with_seed(lastUpdated="2026-02-14"))
    assert messages(with_seed(lastUpdated=False)) == []
    assert messages(with_seed(lastUpdated="yesterday")) == [
        'lastUpdated is "yesterday"; allowed: a date written YYYY-MM-DD (e.g. 2026-01-29), or '
        "true/false"
    ]


def test_yaml_11_booleans_and_quoted_booleans_get_a_hint() -> None:
    assert messages(with_seed(evergreen="no")) == [
        'evergreen is "no", which YAML 1.2 reads as text; write false'
    ]
    assert messages(with_seed(evergreen="on")) == [
        'evergreen is "on", which YAML 1.2 reads as text; write true'
    ]
    assert messages(with_seed(evergreen="false")) == [
        'evergreen is "false", a quoted string; write false without quotes'
    ]


def test_empty_values_and_wrong_containers() -> None:
    data = with_seed(quality=None, ratings=[1, 2], clusters="ai-safety", todos=[])
    assert sorted(messages(data)) == [
        'clusters is "ai-safety"; allowed: a list of kebab-case text (lower-case words joined '
        "by -), e.g. ai-safety",
        "quality is empty; allowed: a number from 0 to 100",
        "ratings is a list; allowed: a mapping of keys",
        "todos is an empty list; allowed: a non-empty list of text",
    ]


def test_a_long_string_value_is_shortened_in_the_message() -> None:
    [message] = messages(with_seed(numericId="E" + "x" * 80))
    assert message == f'numericId is "E{"x" * 58}…"; allowed: E followed by digits, e.g. E123'


# -- lists of allowed values --------------------------------------------------------------------


def test_enum_message_suggests_the_closest_value() -> None:
    assert messages(with_seed(contentFormat="Table")) == [
        'contentFormat is "Table"; did you mean "table"? allowed: one of article, table, '
        "diagram, index, dashboard"
    ]
    assert messages(with_seed(pageType="redirect")) == [
        'pageType is "redirect"; allowed: one of content, stub, documentation, overview'
    ]


def test_a_long_enum_is_summarised() -> None:
    assert messages(with_seed(entityType="organisation")) == [
        'entityType is "organisation"; did you mean "organization"? allowed: one of the 38 '
        "values listed in schemas/frontmatter.schema.json"
    ]


def test_entity_type_aliases_of_the_spec_are_accepted() -> None:
    for alias in ("researcher", "lab-frontier", "safety-approaches", "policies", "models"):
        assert messages(with_seed(entityType=alias)) == []


def test_extra_values_extend_a_list() -> None:
    data = with_seed(entityType="dataset", causalLevel="root-factor")
    assert len(messages(data)) == 2
    extra = {"entityType": ["dataset"], "causalLevel": ["root-factor"]}
    assert messages(data, extra_values=extra) == []
    assert messages(with_seed(causalLevel="Pathway"), extra_values=extra) == [
        'causalLevel is "Pathway"; did you mean "pathway"? allowed: one of pathway, outcome, '
        "amplifier, factor, intervention, root-factor"
    ]


def test_a_malformed_extra_values_option_is_ignored() -> None:
    assert messages(with_seed(entityType="dataset"), extra_values=["dataset"]) != []


# -- title, deprecated keys, contradictions -----------------------------------------------------


def test_title_is_required_and_not_blank() -> None:
    data = dict(SEED)
    del data["title"]
    assert messages(data) == [
        "frontmatter has no title; add `title: …` (without it the site shows the file name)"
    ]
    assert messages(with_seed(title="  ")) == ['title is "  "; allowed: non-empty text']


def test_a_page_without_frontmatter_is_one_issue() -> None:
    issues = frontmatter_issues({}, options(), has_block=False)
    assert [(i.path, i.message) for i in issues] == [
        ((), "page has no frontmatter; add a `---` block with at least `title: …`")
    ]


def test_a_non_mapping_is_left_to_frontmatter_parse() -> None:
    assert messages(["title", "quality"]) == []


def test_deprecated_keys_name_their_replacement() -> None:
    data = {k: v for k, v in SEED.items() if k != "update_frequency"}
    assert messages({**data, "updateFrequency": 30, "todo": "cite the 2024 paper"}) == [
        "updateFrequency is deprecated; rename it to update_frequency (only update_frequency is "
        "read)",
        "todo is deprecated; rename it to todos (only todos is read)",
    ]
    assert messages(with_seed(importance=40)) == [
        "importance is deprecated and readerImportance is also set; remove importance"
    ]


def test_not_evergreen_with_a_schedule_is_a_contradiction() -> None:
    assert messages(with_seed(evergreen=False)) == [
        "update_frequency is 45 but evergreen is false: a page that is not kept up to date has "
        "no review schedule; remove update_frequency or `evergreen: false`"
    ]
    no_schedule = {k: v for k, v in SEED.items() if k != "update_frequency"}
    assert messages({**no_schedule, "evergreen": False}) == []
    assert messages(with_seed(evergreen=True)) == []


def test_stub_quality_cap_boundary_and_option() -> None:
    stub = with_seed(pageType="stub")
    assert messages({**stub, "quality": 35}) == []
    assert messages({**stub, "quality": 35.5}) == [
        "quality is 35.5 but pageType is stub, and stubs are capped at 35; lower quality to at "
        "most 35 or remove `pageType: stub`"
    ]
    assert messages({**stub, "quality": 48}, stub_quality_cap=50) == []


def test_one_finding_per_key_when_a_value_is_also_out_of_range() -> None:
    assert messages(with_seed(pageType="stub", quality=150)) == [
        "quality is 150; allowed: a number from 0 to 100"
    ]
    assert messages(with_seed(evergreen=False, update_frequency=0)) == [
        "update_frequency is 0; allowed: a whole number of days, at least 1"
    ]


# -- positions ----------------------------------------------------------------------------------


def test_positions_of_top_level_nested_and_listed_keys() -> None:
    text = (
        "---\n"
        "title: Debate\n"
        "quality: 120\n"
        "ratings:\n"
        "  novelty: 5\n"
        "  rigor: 11\n"
        "clusters:\n"
        "  - ai-safety\n"
        "  - Governance\n"
        "---\n"
        "Body.\n"
    )
    assert [h[:4] for h in hits(text)] == [(3, 1, 3, 8), (6, 3, 6, 8), (9, 5, 9, 15)]


def test_positions_inside_flow_collections() -> None:
    text = "---\ntitle: Debate\nratings: {novelty: 4, rigor: 11}\nclusters: [a, B c]\n---\n"
    assert [h[:4] for h in hits(text)] == [(3, 23, 3, 28), (4, 15, 4, 18)]


def test_a_duplicate_key_is_reported_where_yaml_takes_it_from() -> None:
    text = "---\ntitle: Debate\nquality: 40\nquality: 400\n---\n"
    assert [h[:2] for h in hits(text)] == [(4, 1)]


def test_missing_title_points_at_the_opening_delimiter() -> None:
    assert [h[:4] for h in hits("---\nquality: 40\n---\nBody.\n")] == [(1, 1, 1, 4)]
    assert [h[:4] for h in hits("---\n---\nBody.\n")] == [(1, 1, 1, 4)]


def test_no_frontmatter_points_at_the_start() -> None:
    [(line, column, _, _, message)] = hits("## Overview\n\nText.\n")
    assert (line, column) == (1, 1)
    assert message.startswith("page has no frontmatter")


def test_a_key_from_a_merge_falls_back_to_the_block() -> None:
    text = "---\ndefaults: &d {quality: 150}\n<<: *d\ntitle: Debate\n---\n"
    assert [h[:2] for h in hits(text)] == [(1, 1)]


def test_a_frontmatter_that_does_not_parse_gets_no_schema_findings() -> None:
    assert hits('---\ntitle: "Broken\nquality: 400\n---\nBody.\n') == []
    assert hits("---\n- title: A list\n---\nBody.\n") == []


def test_crlf_and_bom_keep_positions() -> None:
    text = "\ufeff---\r\ntitle: Debate\r\nquality: 120\r\n---\r\nBody.\r\n"
    assert [h[:4] for h in hits(text)] == [(3, 1, 3, 8)]


def test_markdown_files_are_checked_too() -> None:
    text = "---\ntitle: Debate\nquality: 120\n---\nBody.\n"
    assert [h[:2] for h in hits(text, "knowledge-base/risks/example.md")] == [(3, 1)]


# -- robustness ---------------------------------------------------------------------------------

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(st.dictionaries(st.sampled_from(sorted(schema()["properties"])), _VALUES, max_size=8))
@settings(max_examples=300, deadline=None)
def test_any_values_for_known_keys_never_crash(data: dict[str, Any]) -> None:
    for issue in frontmatter_issues(data, options(extra_values={"entityType": ["x", 1]})):
        assert issue.message
        assert not issue.path or issue.path[0] in data


@pytest.mark.parametrize(
    "yaml_text",
    [
        "title: A\nratings: [1, 2]\nclusters: {a: 1}\nsidebar:\n",
        "title: A\n? [complex, key]\n: value\nquality: 500\n",
        "title: A\n1: numeric key\nquality: .inf\n",
        "title: A\nbase: &b {rigor: 12}\nratings: *b\n",
        "title: A\ntodos: !!set {a, b}\n",
    ],
)
def test_odd_yaml_never_crashes_and_points_into_the_block(yaml_text: str) -> None:
    text = f"---\n{yaml_text}---\nBody.\n"
    last_line = text.count("\n", 0, text.index("---\nBody"))
    for line, _, _, _, message in hits(text):
        assert 1 <= line <= last_line and message
