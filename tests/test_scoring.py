"""Structural score and suggested quality (spec §3.8): every threshold just below and at it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from conftest import record_from_text
from kblint.metrics import Metrics
from kblint.scoring import round_half_up, structural_score, suggested_quality

ARTICLE_LIKE = ["article", "timeline", "something-else"]


def make(**changes: Any) -> Metrics:
    """All-zero metrics that score nothing in any format (a bullet ratio of 0.9 gives 0)."""
    values: dict[str, Any] = {
        "word_count": 0,
        "table_count": 0,
        "diagram_count": 0,
        "internal_links": 0,
        "external_links": 0,
        "footnote_count": 0,
        "h2_count": 0,
        "h3_count": 0,
        "bullet_ratio": 0.9,
        "has_overview": False,
    }
    values.update(changes)
    return Metrics(**values)


@pytest.mark.parametrize("fmt", [*ARTICLE_LIKE, "table", "diagram", "index", "dashboard"])
def test_nothing_scores_nothing(fmt: str) -> None:
    assert structural_score(make(), fmt) == 0


# --- article (and any unknown format) --------------------------------------------------------

ARTICLE_CASES = [
    ({"word_count": 299}, 0),
    ({"word_count": 300}, 1),
    ({"word_count": 799}, 1),
    ({"word_count": 800}, 2),
    ({"word_count": 100_000}, 2),
    ({"table_count": 1}, 1),
    ({"table_count": 2}, 2),
    ({"table_count": 12}, 2),
    ({"diagram_count": 1}, 1),
    ({"diagram_count": 5}, 1),
    ({"h3_count": 1}, 0),
    ({"h3_count": 2}, 1),
    ({"h3_count": 3}, 1),
    ({"h3_count": 4}, 2),
    ({"h2_count": 9}, 0),  # only h3 headings score in this format
    ({"internal_links": 1}, 1),
    ({"internal_links": 3}, 1),
    ({"internal_links": 4}, 2),
    ({"footnote_count": 1}, 1),
    ({"external_links": 2}, 1),
    ({"footnote_count": 3}, 2),
    ({"footnote_count": 2, "external_links": 1}, 2),
    ({"external_links": 5}, 2),
    ({"footnote_count": 6}, 3),
    ({"footnote_count": 1, "external_links": 5}, 3),
    ({"bullet_ratio": 0.0}, 2),
    ({"bullet_ratio": 0.2999}, 2),
    ({"bullet_ratio": 0.3}, 1),
    ({"bullet_ratio": 0.4999}, 1),
    ({"bullet_ratio": 0.5}, 0),
    ({"bullet_ratio": 1.0}, 0),
    ({"has_overview": True}, 1),
]


@pytest.mark.parametrize("fmt", ARTICLE_LIKE)
@pytest.mark.parametrize(("changes", "expected"), ARTICLE_CASES)
def test_article_thresholds(fmt: str, changes: dict[str, Any], expected: int) -> None:
    assert structural_score(make(**changes), fmt) == expected


def test_article_uses_the_unrounded_bullet_ratio() -> None:
    # 0.2999 would be stored as 0.30 but still scores 2; 0.4999 → 0.50 still scores 1
    assert structural_score(make(bullet_ratio=0.29951), "article") == 2
    assert structural_score(make(bullet_ratio=0.49951), "article") == 1


def test_article_maximum_is_15() -> None:
    full = make(
        word_count=800,
        table_count=2,
        diagram_count=1,
        h3_count=4,
        internal_links=4,
        footnote_count=6,
        bullet_ratio=0.1,
        has_overview=True,
    )
    assert structural_score(full, "article") == 2 + 2 + 1 + 2 + 2 + 3 + 2 + 1 == 15


# --- table and diagram --------------------------------------------------------------------------

STRUCTURED_CASES = [
    ({"word_count": 99}, 0),
    ({"word_count": 100}, 1),
    ({"word_count": 399}, 1),
    ({"word_count": 400}, 2),
    ({"internal_links": 1}, 1),
    ({"internal_links": 3}, 1),
    ({"internal_links": 4}, 2),
    ({"footnote_count": 1}, 1),
    ({"external_links": 2}, 1),
    ({"footnote_count": 1, "external_links": 2}, 2),
    ({"external_links": 30}, 2),
    ({"h2_count": 1}, 1),
    ({"h3_count": 1}, 1),
    ({"h2_count": 1, "h3_count": 1}, 1),
    ({"h2_count": 2, "h3_count": 1}, 2),
    ({"h3_count": 3}, 2),
    ({"has_overview": True}, 1),
    ({"bullet_ratio": 0.0}, 0),  # bullets do not score here
]


@pytest.mark.parametrize("fmt", ["table", "diagram"])
@pytest.mark.parametrize(("changes", "expected"), STRUCTURED_CASES)
def test_structured_common_thresholds(fmt: str, changes: dict[str, Any], expected: int) -> None:
    assert structural_score(make(**changes), fmt) == expected


@pytest.mark.parametrize(
    ("fmt", "primary", "secondary"),
    [("table", "table_count", "diagram_count"), ("diagram", "diagram_count", "table_count")],
)
@pytest.mark.parametrize(
    ("primary_n", "secondary_n", "expected"),
    [(1, 0, 3), (2, 0, 4), (3, 0, 5), (9, 0, 5), (0, 1, 1), (0, 4, 1), (3, 1, 6)],
)
def test_structured_primary_and_secondary(
    fmt: str, primary: str, secondary: str, primary_n: int, secondary_n: int, expected: int
) -> None:
    metrics = make(**{primary: primary_n, secondary: secondary_n})
    assert structural_score(metrics, fmt) == expected


@pytest.mark.parametrize("fmt", ["table", "diagram"])
def test_structured_maximum(fmt: str) -> None:
    full = make(
        word_count=5000,
        table_count=9,
        diagram_count=9,
        internal_links=50,
        footnote_count=20,
        h2_count=10,
        h3_count=10,
        bullet_ratio=0.0,
        has_overview=True,
    )
    assert structural_score(full, fmt) == min(15, 5 + 2 + 2 + 2 + 2 + 1 + 1) == 15


# --- index and dashboard -----------------------------------------------------------------------

LISTING_CASES = [
    ({"internal_links": 1}, 1),
    ({"internal_links": 4}, 1),
    ({"internal_links": 5}, 3),
    ({"internal_links": 9}, 3),
    ({"internal_links": 10}, 4),
    ({"internal_links": 19}, 4),
    ({"internal_links": 20}, 5),
    ({"h2_count": 1}, 1),
    ({"h2_count": 2}, 1),
    ({"h2_count": 2, "h3_count": 1}, 2),
    ({"h3_count": 5}, 2),
    ({"h2_count": 3, "h3_count": 3}, 3),
    ({"word_count": 49}, 0),
    ({"word_count": 50}, 1),
    ({"word_count": 199}, 1),
    ({"word_count": 200}, 2),
    ({"table_count": 1}, 1),
    ({"table_count": 2}, 2),
    ({"diagram_count": 1}, 2),
    ({"has_overview": True}, 1),
    ({"footnote_count": 9, "external_links": 9}, 0),  # citations do not score here
    ({"bullet_ratio": 0.0}, 0),
]


@pytest.mark.parametrize("fmt", ["index", "dashboard"])
@pytest.mark.parametrize(("changes", "expected"), LISTING_CASES)
def test_listing_thresholds(fmt: str, changes: dict[str, Any], expected: int) -> None:
    assert structural_score(make(**changes), fmt) == expected


@pytest.mark.parametrize("fmt", ["index", "dashboard"])
def test_listing_maximum(fmt: str) -> None:
    full = make(
        word_count=500,
        table_count=2,
        diagram_count=1,
        internal_links=20,
        h2_count=6,
        has_overview=True,
    )
    assert structural_score(full, fmt) == 5 + 3 + 2 + 2 + 2 + 1 == 15


# --- suggested quality -------------------------------------------------------------------------

# round(s / 15 × 100), worked out by hand: 100 s / 15 = 20 s / 3, so the fractional part is
# always 0, 1/3 or 2/3: no score lands on x.5.
QUALITY_BY_SCORE = [0, 7, 13, 20, 27, 33, 40, 47, 53, 60, 67, 73, 80, 87, 93, 100]


@pytest.mark.parametrize("score", range(16))
def test_suggested_quality_table(score: int) -> None:
    assert suggested_quality(score, "article", None) == QUALITY_BY_SCORE[score]
    assert suggested_quality(score, "table", None) == QUALITY_BY_SCORE[score]
    assert suggested_quality(score, "diagram", None) == QUALITY_BY_SCORE[score]


def test_no_score_lands_on_a_half() -> None:
    assert all(Fraction(100 * s, 15).denominator in (1, 3) for s in range(16))


def test_suggested_quality_named_values() -> None:
    assert suggested_quality(1, "article", None) == 7  # 6.666… up
    assert suggested_quality(3, "article", None) == 20
    assert suggested_quality(9, "article", None) == 60


@pytest.mark.parametrize("fmt", ["index", "dashboard"])
@pytest.mark.parametrize("score", [0, 6, 15])
def test_suggested_quality_zero_for_listings(fmt: str, score: int) -> None:
    assert suggested_quality(score, fmt, None) == 0
    assert suggested_quality(score, fmt, "stub") == 0


def test_stub_cap() -> None:
    assert suggested_quality(5, "article", "stub") == 33  # below the cap
    assert suggested_quality(6, "article", "stub") == 35  # 40 → 35
    assert suggested_quality(15, "article", "stub") == 35
    assert suggested_quality(15, "table", "stub") == 35
    assert suggested_quality(15, "article", "article") == 100


def test_stub_cap_through_the_record() -> None:
    text = "---\npageType: stub\n---\n## Overview\n\n- a\n" + "text\n" * 9
    # words: "## Overview" 2 + "- a" 2 + 9 = 13 → 0; bullets 1/11 → 2; overview 1 → score 3 → 20
    record = record_from_text(text)
    assert record.data["metrics"]["structuralScore"] == 3
    assert record.data["suggestedQuality"] == 20
    many = "---\npageType: stub\n---\n## Overview\n\n" + "word " * 800 + "\n"
    # 802 words → 2, bullets 0 → 2, overview 1: 5 → 33, not capped
    assert record_from_text(many).data["suggestedQuality"] == 33
    tables = many + "\n| a | b |\n|---|---|\n\n| c | d |\n|---|---|\n"
    # + 2 tables → 7 → 47 → capped at 35
    assert record_from_text(tables).data["metrics"]["structuralScore"] == 7
    assert record_from_text(tables).data["suggestedQuality"] == 35


def test_unknown_format_scores_like_article_through_the_record() -> None:
    text = "---\ncontentFormat: timeline\n---\n## Overview\n\n### A\n\n### B\n\nText.\n"
    # words 2+2+2+1 = 7 → 0; h3 2 → 1; bullets 0 → 2; overview 1 → 4 → 27
    record = record_from_text(text)
    assert record.data["contentFormat"] == "timeline"
    assert record.data["metrics"]["structuralScore"] == 4
    assert record.data["suggestedQuality"] == 27


# --- rounding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1),
        (1.5, 2),
        (2.5, 3),  # banker's rounding would give 2
        (2.4999, 2),
        (-0.5, 0),
        (Fraction(5, 2), 3),
        (Fraction(20, 3), 7),
        (Fraction(40, 3), 13),
    ],
)
def test_round_half_up(value: float | Fraction, expected: int) -> None:
    assert round_half_up(value) == expected
