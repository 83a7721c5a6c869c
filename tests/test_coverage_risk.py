"""Coverage targets and statuses (spec §8), hallucination risk (§9) and recommendedScore (§11).

Every expected number is worked out by hand from the spec; k = words / 1000, r = half up.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, record_from_text
from kblint import coverage, risk
from kblint.config import Config
from kblint.facts import CitationStats, PageFacts
from kblint.record import recommended_score
from kblint.risk import (
    _ARXIV_ID,
    FootnoteFacts,
    RiskInputs,
    arxiv_matches,
    assess,
    sequential_arxiv_run,
)

# --- §8 targets ------------------------------------------------------------------------------

KEYS = ("tables", "diagrams", "internalLinks", "externalLinks", "footnotes", "references")


def t(*values: int) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


@pytest.mark.parametrize(
    ("fmt", "words", "expected"),
    [
        # article: max(1,r(4k)) max(0,r(.4k)) max(3,r(8k)) max(1,r(5k)) max(2,r(3k)) max(1,r(3k))
        ("article", 0, t(1, 0, 3, 1, 2, 1)),
        ("article", 624, t(2, 0, 5, 3, 2, 2)),  # 2.496 .2496 4.992 3.12 1.872 1.872
        ("article", 625, t(3, 0, 5, 3, 2, 2)),  # 2.5 .25 5 3.125 1.875 1.875
        ("article", 1249, t(5, 0, 10, 6, 4, 4)),  # 4.996 .4996 9.992 6.245 3.747
        ("article", 1250, t(5, 1, 10, 6, 4, 4)),  # 5 .5 10 6.25 3.75
        ("article", 4336, t(17, 2, 35, 22, 13, 13)),  # the seed: 17.344 1.7344 34.688 21.68 13.008
        # table: max(2,r(5k)) r(.3k) max(3,r(5k)) max(1,r(3k)) max(1,r(2k)) max(1,r(2k))
        ("table", 0, t(2, 0, 3, 1, 1, 1)),
        ("table", 300, t(2, 0, 3, 1, 1, 1)),  # 1.5→2 .09 1.5 .9→1 .6→1
        ("table", 500, t(3, 0, 3, 2, 1, 1)),  # 2.5 .15 2.5 1.5 1
        ("table", 4999, t(25, 1, 25, 15, 10, 10)),  # 24.995 1.4997 24.995 14.997 9.998
        ("table", 5000, t(25, 2, 25, 15, 10, 10)),  # 25 1.5 25 15 10
        # diagram: r(k) max(1,r(k)) max(3,r(5k)) max(1,r(3k)) max(1,r(2k)) max(1,r(2k))
        ("diagram", 0, t(0, 1, 3, 1, 1, 1)),
        ("diagram", 499, t(0, 1, 3, 1, 1, 1)),  # .499 .499 2.495 1.497 .998
        ("diagram", 500, t(1, 1, 3, 2, 1, 1)),  # .5 .5 2.5 1.5 1
        ("diagram", 2500, t(3, 3, 13, 8, 5, 5)),  # 2.5 2.5 12.5 7.5 5
        # index / dashboard: r(k) 0 max(5,r(8k)) r(2k) 0 r(k)
        ("index", 0, t(0, 0, 5, 0, 0, 0)),
        ("index", 250, t(0, 0, 5, 1, 0, 0)),  # .25 - 2 .5 - .25
        ("index", 500, t(1, 0, 5, 1, 0, 1)),  # .5 - 4 1 - .5
        ("dashboard", 1500, t(2, 0, 12, 3, 0, 2)),  # 1.5 - 12 3 - 1.5
        ("dashboard", 687, t(1, 0, 5, 1, 0, 1)),  # .687 - 5.496 1.374 - .687
        ("dashboard", 688, t(1, 0, 6, 1, 0, 1)),  # 5.504 → 6
        # unknown formats use the article formulas
        ("timeline", 625, t(3, 0, 5, 3, 2, 2)),
    ],
)
def test_targets(fmt: str, words: int, expected: dict[str, int]) -> None:
    assert coverage.targets(fmt, words) == expected


# --- §8 statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "status"),
    [
        (0, 0, "red"),
        (1, 0, "green"),
        (5, 0, "green"),
        (0, 3, "red"),
        (1, 3, "amber"),
        (2, 3, "amber"),
        (3, 3, "green"),
        (4, 3, "green"),
    ],
)
def test_numeric_status(actual: int, target: int, status: str) -> None:
    assert coverage.numeric_status(actual, target) == status


@pytest.mark.parametrize(
    ("numerator", "total", "status"),
    [
        (0, 0, "red"),
        (0, 4, "red"),
        (1, 4, "amber"),
        (2, 4, "amber"),
        (3, 4, "green"),  # exactly 0.75
        (74, 100, "amber"),
        (75, 100, "green"),
        (4, 4, "green"),
    ],
)
def test_ratio_status(numerator: int, total: int, status: str) -> None:
    assert coverage.ratio_status(numerator, total) == status


def seed_inputs(**changes: Any) -> coverage.CoverageInputs:
    base = coverage.CoverageInputs(
        content_format="article",
        word_count=4336,
        actuals={
            "tables": 12,
            "diagrams": 1,
            "internalLinks": 39,
            "externalLinks": 14,
            "footnotes": 0,
            "references": 14,
        },
        has_llm_summary=True,
        has_schedule=True,
        is_entity=True,
        has_edit_history=False,
        has_overview=True,
    )
    return replace(base, **changes)


SEED_RATINGS = {"novelty": 4.5, "rigor": 6.8, "actionability": 5.2, "completeness": 7.5}


def test_seed_coverage() -> None:
    result = coverage.compute(seed_inputs(), SEED_RATINGS)
    assert result["items"] == {
        "llmSummary": "green",
        "schedule": "green",
        "entity": "green",
        "editHistory": "red",
        "overview": "green",
        "tables": "amber",  # 12 < 17
        "diagrams": "amber",  # 1 < 2
        "internalLinks": "green",  # 39 ≥ 35
        "externalLinks": "amber",  # 14 < 22
        "footnotes": "red",  # 0
        "references": "green",  # 14 ≥ 13
        "quotes": "red",  # no citations
        "accuracy": "red",
    }
    assert list(result["items"]) == list(coverage.ITEM_ORDER)
    assert (result["passing"], result["total"]) == (6, 13)
    assert result["targets"] == t(17, 2, 35, 22, 13, 13)
    assert result["actuals"] == {
        "tables": 12,
        "diagrams": 1,
        "internalLinks": 39,
        "externalLinks": 14,
        "footnotes": 0,
        "references": 14,
        "quotesWithQuotes": 0,
        "quotesTotal": 0,
        "accuracyChecked": 0,
        "accuracyTotal": 0,
    }
    assert result["ratingsString"] == "N:4.5 R:6.8 A:5.2 C:7.5"


@pytest.mark.parametrize(
    ("fmt", "total"),
    [("article", 13), ("diagram", 13), ("table", 12), ("index", 12), ("dashboard", 12)],
)
def test_overview_item_only_for_article_and_diagram(fmt: str, total: int) -> None:
    result = coverage.compute(seed_inputs(content_format=fmt), None)
    assert result["total"] == total
    assert ("overview" in result["items"]) is (total == 13)


def test_quotes_and_accuracy_items() -> None:
    result = coverage.compute(
        seed_inputs(quotes_with_quotes=3, quotes_total=4, accuracy_checked=1, accuracy_total=4),
        None,
    )
    assert result["items"]["quotes"] == "green"  # 0.75
    assert result["items"]["accuracy"] == "amber"  # 0.25
    assert result["passing"] == 7


def test_coverage_through_the_record() -> None:
    text = (
        "---\n"
        "llmSummary: A summary.\n"
        "update_frequency: 30\n"
        "contentFormat: table\n"
        "ratings:\n  rigor: 7.0\n  novelty: 4.5\n"
        "---\n"
        "## Overview\n\n"
        "| a | b |\n|---|---|\n\n"
        'See [x](https://x.org) and <EntityLink id="E1">y</EntityLink>.[^1]\n\n'
        "[^1]: note\n"
    )
    facts = PageFacts(
        is_entity=False,
        edit_dates=("2026-01-02",),
        citations=CitationStats(total=4, with_quotes=2, accuracy_checked=3, inaccurate=0),
    )
    record = record_from_text(text, facts=facts)
    cov = record.data["coverage"]
    # words: "## Overview" 2 + table 5+1 + "See x and .[^1]" 4 + "[^1]: note" 2 = 14 → k=0.014
    assert record.data["wordCount"] == 14
    assert cov["targets"] == t(2, 0, 3, 1, 1, 1)
    assert cov["items"] == {
        "llmSummary": "green",
        "schedule": "green",
        "entity": "red",
        "editHistory": "green",
        "tables": "amber",  # 1 < 2
        "diagrams": "red",  # target 0, actual 0
        "internalLinks": "amber",  # 1 < 3
        "externalLinks": "green",  # 1 ≥ 1
        "footnotes": "green",  # 1 ≥ 1
        "references": "red",  # no registry: 0
        "quotes": "amber",  # 2/4
        "accuracy": "green",  # 3/4
    }
    assert (cov["passing"], cov["total"]) == (6, 12)
    assert cov["actuals"]["quotesTotal"] == 4
    assert cov["actuals"]["accuracyTotal"] == 4
    assert cov["ratingsString"] == "N:4.5 R:7"


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (
            {"novelty": 4.5, "rigor": 7.0, "actionability": 5.2, "completeness": 7.5},
            "N:4.5 R:7 A:5.2 C:7.5",
        ),
        ({"completeness": 7, "novelty": 2}, "N:2 C:7"),
        ({"rigor": 6.8}, "R:6.8"),
        ({"actionability": 10}, "A:10"),
        ({}, ""),
        (None, ""),
    ],
)
def test_ratings_string(ratings: Any, expected: str) -> None:
    assert coverage.ratings_string(ratings) == expected


def test_llm_summary_empty_is_red() -> None:
    record = record_from_text('---\nllmSummary: ""\n---\nText.\n')
    assert record.data["coverage"]["items"]["llmSummary"] == "red"


# --- §9 risk ---------------------------------------------------------------------------------

NO_NOTES = FootnoteFacts(referenced=(), defined=(), unsourced_definitions=0)
EXTERNAL = re.compile(Config().external_footnote_pattern or "")


def inputs(**changes: Any) -> RiskInputs:
    """300 words, no citations, nothing else: scores exactly 40 with no factor."""
    base = RiskInputs(
        entity_type=None,
        word_count=300,
        footnote_count=0,
        external_links=0,
        rigor=None,
        quality=None,
        content_format="article",
        footnotes=NO_NOTES,
        arxiv_text="",
        now_year=2026,
    )
    return replace(base, **changes)


def outcome(**changes: Any) -> tuple[int, list[str]]:
    result = assess(inputs(**changes))
    return result["score"], result["factors"]


def test_baseline_is_40_with_no_factor() -> None:
    assert assess(inputs()) == {"level": "medium", "score": 40, "factors": []}


@pytest.mark.parametrize("entity", ["person", "organization", "funder"])
def test_biographical_claims(entity: str) -> None:
    assert outcome(entity_type=entity) == (60, ["biographical-claims"])


@pytest.mark.parametrize("entity", ["event", "historical", "case-study"])
def test_specific_factual_claims(entity: str) -> None:
    assert outcome(entity_type=entity) == (55, ["specific-factual-claims"])


@pytest.mark.parametrize(
    "entity",
    ["concept", "approach", "safety-agenda", "intelligence-paradigm", "crux", "debate", "argument"],
)
def test_conceptual_content(entity: str) -> None:
    assert outcome(entity_type=entity) == (30, ["conceptual-content"])


@pytest.mark.parametrize("entity", ["risk", "policy", "model", "analysis"])
def test_other_entity_types_add_nothing(entity: str) -> None:
    assert outcome(entity_type=entity) == (40, [])


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("researcher", "person"),
        ("lab", "organization"),
        ("lab-frontier", "organization"),
        ("lab-research", "organization"),
        ("lab-academic", "organization"),
        ("lab-startup", "organization"),
        ("safety-approaches", "safety-agenda"),
        ("policies", "policy"),
        ("concepts", "concept"),
        ("events", "event"),
        ("models", "model"),
        ("risk", "risk"),
    ],
)
def test_entity_type_aliases(alias: str, canonical: str) -> None:
    assert risk.canonical_entity_type(alias) == canonical


def test_alias_applies_through_the_record() -> None:
    record = record_from_text("---\nentityType: researcher\n---\n" + "word " * 300 + "\n")
    # person +20; 300 words: no no-citations (needs > 300), no minimal-content (needs < 300)
    assert record.data["hallucinationRisk"] == {
        "level": "medium",
        "score": 60,
        "factors": ["biographical-claims"],
    }


def test_no_citations_needs_more_than_300_words() -> None:
    assert outcome(word_count=300) == (40, [])
    assert outcome(word_count=301) == (55, ["no-citations"])
    # 501 words, no citations: no-citations, never low-citation-density as well
    assert outcome(word_count=501, external_links=2) == (55, ["no-citations"])


def test_low_citation_density() -> None:
    # 1 / 501 × 1000 = 1.996 < 2 and words > 500
    assert outcome(word_count=501, footnote_count=1, external_links=2) == (
        50,
        ["low-citation-density"],
    )
    # 1 / 500 × 1000 = 2: neither below 2 nor more than 500 words
    assert outcome(word_count=500, footnote_count=1) == (40, [])
    # 2 / 1000 × 1000 = 2 exactly: not below 2
    assert outcome(word_count=1000, footnote_count=2, external_links=2) == (40, [])
    # 1 / 400 = 2.5 per 1000 but only 400 words
    assert outcome(word_count=400, footnote_count=1) == (40, [])


def test_low_rigor_and_high_rigor() -> None:
    assert outcome(rigor=3.9) == (50, ["low-rigor-score"])
    assert outcome(rigor=4) == (40, [])
    assert outcome(rigor=0) == (50, ["low-rigor-score"])
    assert outcome(rigor=6.9) == (40, [])
    assert outcome(rigor=7) == (25, ["high-rigor"])
    assert outcome(rigor=10) == (25, ["high-rigor"])


def test_quality_factors() -> None:
    assert outcome(quality=39) == (45, ["low-quality-score"])
    assert outcome(quality=40) == (40, [])
    assert outcome(quality=0) == (45, ["low-quality-score"])
    assert outcome(quality=79) == (40, [])
    assert outcome(quality=80) == (35, ["high-quality"])


def test_few_external_sources() -> None:
    # 2 footnotes in 501 words: density 3.99, no density factor either way
    assert outcome(word_count=501, footnote_count=2, external_links=1) == (
        45,
        ["few-external-sources"],
    )
    assert outcome(word_count=501, footnote_count=2, external_links=2) == (40, [])
    assert outcome(word_count=500, footnote_count=2, external_links=0) == (40, [])


def test_no_human_review() -> None:
    assert outcome(reviewed=False) == (45, ["no-human-review"])
    assert outcome(reviewed=True) == (40, [])
    assert outcome(reviewed=None) == (40, [])


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (None, (40, [])),
        (0.0, (40, [])),
        (0.01, (45, ["some-inaccurate"])),
        (0.3, (45, ["some-inaccurate"])),
        (0.31, (50, ["many-inaccurate"])),
        (0.5, (50, ["many-inaccurate"])),
        (0.51, (60, ["majority-inaccurate"])),
        (1.0, (60, ["majority-inaccurate"])),
    ],
)
def test_inaccuracy(share: float | None, expected: tuple[int, list[str]]) -> None:
    assert outcome(inaccurate_share=share) == expected


def test_inaccurate_share_from_citation_stats() -> None:
    # 2 of 4 checked citations inaccurate: 0.5 → many-inaccurate
    stats = CitationStats(total=10, with_quotes=0, accuracy_checked=4, inaccurate=2)
    record = record_from_text("---\n---\n" + "word " * 300 + "\n", facts=PageFacts(citations=stats))
    assert record.data["hallucinationRisk"]["factors"] == ["many-inaccurate"]
    assert record.data["hallucinationRisk"]["score"] == 50


def test_citation_density_bonuses() -> None:
    # 9 / 1000 × 1000 = 9 > 8
    assert outcome(word_count=1000, footnote_count=9, external_links=2) == (25, ["well-cited"])
    # exactly 8: not above 8, but above 4
    assert outcome(word_count=1000, footnote_count=8, external_links=2) == (
        30,
        ["moderately-cited"],
    )
    assert outcome(word_count=1000, footnote_count=5, external_links=2) == (
        30,
        ["moderately-cited"],
    )
    # exactly 4: neither
    assert outcome(word_count=1000, footnote_count=4, external_links=2) == (40, [])


def test_density_uses_footnotes_not_external_links() -> None:
    assert outcome(word_count=1000, footnote_count=0, external_links=50) == (55, ["no-citations"])


@pytest.mark.parametrize("fmt", ["table", "diagram", "index", "dashboard"])
def test_structured_format(fmt: str) -> None:
    assert outcome(content_format=fmt) == (25, ["structured-format"])


@pytest.mark.parametrize("fmt", ["article", "timeline"])
def test_unstructured_format(fmt: str) -> None:
    assert outcome(content_format=fmt) == (40, [])


def test_minimal_content() -> None:
    assert outcome(word_count=299) == (30, ["minimal-content"])
    assert outcome(word_count=0) == (30, ["minimal-content"])
    assert outcome(word_count=300) == (40, [])


def test_factor_order_positive() -> None:
    score, factors = outcome(
        entity_type="person",
        word_count=600,
        footnote_count=1,  # 1.67 per 1000
        external_links=0,
        rigor=3,
        quality=30,
        reviewed=False,
        inaccurate_share=0.2,
    )
    assert factors == [
        "biographical-claims",
        "low-citation-density",
        "low-rigor-score",
        "low-quality-score",
        "few-external-sources",
        "no-human-review",
        "some-inaccurate",
    ]
    assert score == 40 + 20 + 10 + 10 + 5 + 5 + 5 + 5 == 100


def test_factor_order_negative_and_clamp_to_zero() -> None:
    result = assess(
        inputs(
            entity_type="event",
            word_count=200,
            footnote_count=2,  # 10 per 1000
            rigor=8,
            quality=90,
            content_format="diagram",
        )
    )
    assert result["factors"] == [
        "specific-factual-claims",
        "well-cited",
        "high-rigor",
        "structured-format",
        "minimal-content",
        "high-quality",
    ]
    # 40 + 15 − 15 − 15 − 15 − 10 − 5 = −5 → 0
    assert (result["score"], result["level"]) == (0, "low")


def test_clamp_to_100() -> None:
    notes = FootnoteFacts(referenced=("1", "2", "3"), defined=("1", "1"), unsourced_definitions=2)
    result = assess(
        inputs(
            entity_type="organization",
            word_count=600,
            rigor=1,
            quality=10,
            reviewed=False,
            inaccurate_share=0.9,
            footnotes=notes,
            arxiv_text="2401.00001 2401.00002 2401.00003",
        )
    )
    assert result["factors"] == [
        "biographical-claims",
        "no-citations",
        "low-rigor-score",
        "low-quality-score",
        "few-external-sources",
        "no-human-review",
        "majority-inaccurate",
        "severe-truncation",
        "suspicious-sequential-ids",
        "duplicate-footnote-defs",
        "mostly-unsourced-footnotes",
    ]
    assert result["integrityIssues"] == [
        "severe-truncation",
        "suspicious-sequential-ids",
        "duplicate-footnote-defs",
        "mostly-unsourced-footnotes",
    ]
    assert (result["score"], result["level"]) == (100, "high")


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "low"), (30, "low"), (31, "medium"), (60, "medium"), (61, "high"), (100, "high")],
)
def test_levels(score: int, level: str) -> None:
    assert risk.risk_level(score) == level


def test_levels_through_assess() -> None:
    assert assess(inputs(word_count=299))["level"] == "low"  # 30
    assert assess(inputs(quality=39))["level"] == "medium"  # 45
    assert assess(inputs(entity_type="person"))["level"] == "medium"  # 60
    assert assess(inputs(entity_type="person", quality=39))["level"] == "high"  # 65


def test_seed_risk() -> None:
    result = assess(
        inputs(
            entity_type="risk",
            word_count=4336,
            footnote_count=0,
            external_links=14,
            rigor=6.8,
            quality=63,
        )
    )
    assert result == {"level": "medium", "score": 55, "factors": ["no-citations"]}


# --- §9 integrity signals --------------------------------------------------------------------


def notes(
    referenced: tuple[str, ...], defined: tuple[str, ...], unsourced: int = 0
) -> FootnoteFacts:
    return FootnoteFacts(referenced, defined, unsourced, EXTERNAL)


@pytest.mark.parametrize(
    ("facts", "factors", "score"),
    [
        (notes(("1", "2"), ("1", "2")), [], 40),
        (notes(("1", "2", "3"), ("1", "2")), ["orphaned-footnotes"], 55),  # 1/3
        (notes(("1", "2"), ("1",)), ["orphaned-footnotes"], 55),  # 1/2: not above 0.5
        (notes(("1", "2", "3"), ("1",)), ["severe-truncation"], 70),  # 2/3
        (notes(("1",), ()), ["severe-truncation"], 70),  # 1/1
        (notes(("rc-3dfc", "cr-eb4f"), ()), [], 40),  # resolved by the site
        (notes(("1", "rc-3dfc", "rc-XYZ"), ("1",)), ["orphaned-footnotes"], 55),  # XYZ ≠ [0-9a-z]
        (notes(("xrc-1", "rc-1"), ()), ["orphaned-footnotes"], 55),  # anchored pattern
        (notes(("1",), ("1", "1")), ["duplicate-footnote-defs"], 50),
        (notes(("1", "2", "3"), ("1", "2", "3"), 1), ["some-unsourced-footnotes"], 45),
        (notes(("1", "2"), ("1", "2"), 1), ["some-unsourced-footnotes"], 45),  # 1/2
        (notes(("1", "2", "3"), ("1", "2", "3"), 2), ["mostly-unsourced-footnotes"], 50),
        (notes((), ("1",), 1), ["mostly-unsourced-footnotes"], 50),
    ],
)
def test_footnote_integrity(facts: FootnoteFacts, factors: list[str], score: int) -> None:
    result = assess(inputs(footnotes=facts))
    assert result["factors"] == factors
    assert result["score"] == score
    if factors:
        assert result["integrityIssues"] == factors
    else:
        assert "integrityIssues" not in result


def test_integrity_order() -> None:
    result = assess(
        inputs(
            footnotes=notes(("1", "2", "3"), ("1", "1", "2"), 1),
            arxiv_text="see 2401.00001, 2401.00002 and 2401.00003",
        )
    )
    # 1/3 orphaned (+15), sequential (+25), duplicate (+10), 1/3 unsourced (+5)
    assert result["integrityIssues"] == [
        "orphaned-footnotes",
        "suspicious-sequential-ids",
        "duplicate-footnote-defs",
        "some-unsourced-footnotes",
    ]
    assert result["factors"] == result["integrityIssues"]
    assert result["score"] == 40 + 15 + 25 + 10 + 5 == 95


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("2401.00001 2401.00002 2401.00003", True),
        ("arXiv:2401.00011, https://arxiv.org/abs/2401.00012 and 2401.00013v2", True),
        ("2401.00001 2401.00002", False),
        ("2401.00001 2401.00003 2401.00005", False),
        ("2401.00001 2401.00001 2401.00002", False),  # 3 occurrences but 2 distinct
        ("2401.00001 2402.00002 2403.00003", False),  # different prefixes
        ("0601.00001 0601.00002 0601.00003", False),  # YY 06 is before 07
        ("0704.00001 0704.00002 0704.00003", True),  # YY 07
        ("2701.00001 2701.00002 2701.00003", True),  # next year (now 2026)
        ("2801.00001 2801.00002 2801.00003", False),  # the year after
        ("2413.00001 2413.00002 2413.00003", False),  # month 13
        ("2400.00001 2400.00002 2400.00003", False),  # month 00
        ("2401.00007 1312.99999 2401.00005 2401.00006", True),  # unordered, run 5-6-7
        ("2401.00001 2401.00002 2401.00004 2401.00005", False),  # two runs of 2
    ],
)
def test_sequential_arxiv_ids(text: str, flagged: bool) -> None:
    assert bool(sequential_arxiv_run(text, 2026)) is flagged
    factors = assess(inputs(arxiv_text=text))["factors"]
    assert ("suspicious-sequential-ids" in factors) is flagged


def test_integrity_through_the_record() -> None:
    text = (
        "Claims.[^1] More.[^2] Site.[^rc-3dfc] Again.[^1]\n\n"
        "Papers: [a](https://arxiv.org/abs/2401.00001), [b](https://arxiv.org/abs/2401.00002), "
        "[c](https://arxiv.org/abs/2401.00003).\n\n"
        "[^1]: First source https://example.org/1\n"
        "[^1]: Duplicate without a URL\n"
    )
    record = record_from_text(text)
    # refs 1, 2, rc-3dfc → footnoteCount 3; defined 1, 1; orphan: 2 → 1/3 → orphaned
    # words: 4 + (Papers:, a,, b,, c.) 4 + ([^1]:, First, source; the bare URL goes) 3
    # + ([^1]:, Duplicate, without, a, URL) 5 = 16 → minimal-content
    # density 3/16×1000 > 8 → well-cited; unsourced 1 of 2 definitions → some-unsourced
    assert record.data["wordCount"] == 16
    assert record.data["metrics"]["footnoteCount"] == 3
    result = record.data["hallucinationRisk"]
    assert result["factors"] == [
        "well-cited",
        "minimal-content",
        "orphaned-footnotes",
        "suspicious-sequential-ids",
        "duplicate-footnote-defs",
        "some-unsourced-footnotes",
    ]
    assert result["score"] == 40 - 15 - 10 + 15 + 25 + 10 + 5 == 70
    assert result["level"] == "high"


def test_external_pattern_can_be_switched_off() -> None:
    text = "Claim.[^rc-3dfc]\n"
    default = record_from_text(text).data["hallucinationRisk"]
    assert "severe-truncation" not in default["factors"]
    none = record_from_text(text, config=Config(external_footnote_pattern=None))
    assert "severe-truncation" in none.data["hallucinationRisk"]["factors"]


def test_lazy_continuation_is_not_part_of_a_definition() -> None:
    text = "Claim.[^1]\n\n[^1]: Source text\nhttps://example.org lazily continued\n"
    # words: Claim.[^1], [^1]:, Source, text, lazily, continued = 6; density 1/6 → well-cited
    # the definition has no URL → 1/1 unsourced → mostly-unsourced-footnotes
    result = record_from_text(text).data["hallucinationRisk"]
    assert result["factors"] == ["well-cited", "minimal-content", "mostly-unsourced-footnotes"]
    assert result["score"] == 40 - 15 - 10 + 10


def test_arxiv_ids_in_component_attributes_count() -> None:
    text = 'A <Paper id="2401.00001" /> B <Paper id="2401.00002" /> C <Paper id="2401.00003" />\n'
    assert (
        "suspicious-sequential-ids" in record_from_text(text).data["hallucinationRisk"]["factors"]
    )


# --- §11 recommendedScore ----------------------------------------------------------------------


def test_recommended_score_today() -> None:
    data = {"lastUpdated": "2026-03-14", "quality": 63, "readerImportance": 18.5}
    # recency 10 (0 days); 2·10 + 2·63 + 0.5·18.5 + min(2, log10(4337) − 1.5 = 2.137) = 157.25
    assert recommended_score(data, 4336, NOW) == 157.25


def test_recommended_score_120_days() -> None:
    data = {"lastUpdated": "2025-11-14", "quality": 63, "readerImportance": 18.5}
    # 2025-11-14 → 2026-03-14 is 16 + 31 + 31 + 28 + 14 = 120 days; recency 10/e = 3.67879…
    # 7.35759 + 126 + 9.25 + 2 = 144.60759 → 144.61
    assert recommended_score(data, 4336, NOW) == 144.61
    assert recommended_score(data, 4336, NOW) == round(2 * 10 / math.e + 137.25, 2)


def test_recommended_score_without_date_and_small_word_bonus() -> None:
    data = {"lastUpdated": None, "quality": 63, "readerImportance": 18.5}
    assert recommended_score(data, 4336, NOW) == 137.25
    assert recommended_score(data, 0, NOW) == 135.25  # no bonus without words
    assert recommended_score(data, 9, NOW) == 134.75  # log10(10) − 1.5 = −0.5
    assert recommended_score(data, 99, NOW) == 135.75  # log10(100) − 1.5 = 0.5


def test_recommended_score_through_the_record() -> None:
    text = (
        "---\nquality: 63\nreaderImportance: 18.5\nlastUpdated: 2026-03-14\n---\n"
        + "word " * 4336
        + "\n"
    )
    record = record_from_text(text)
    assert record.data["wordCount"] == 4336
    assert record.data["lastUpdated"] == "2026-03-14"
    assert record.data["recommendedScore"] == 157.25


def test_last_updated_is_the_greatest_date() -> None:
    text = "---\nlastUpdated: 2026-03-12\nlastEdited: 2026-01-29\n---\nText.\n"
    facts = PageFacts(git_last_updated="2026-03-10", edit_dates=("2026-03-13", "2025-01-01"))
    assert record_from_text(text, facts=facts).data["lastUpdated"] == "2026-03-13"
    assert record_from_text(text).data["lastUpdated"] == "2026-03-12"
    late_git = PageFacts(git_last_updated="2026-03-14")
    assert record_from_text(text, facts=late_git).data["lastUpdated"] == "2026-03-14"


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="0123456789. a\n", max_size=60), start=st.integers(0, 60))
def test_fast_arxiv_scan_finds_what_the_plain_regex_finds(text: str, start: int) -> None:
    start = min(start, len(text))
    expected = [m.span() for m in _ARXIV_ID.finditer(text, start)]
    assert [m.span() for m in arxiv_matches(text, start)] == expected
