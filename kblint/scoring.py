"""Structural score, suggested quality and the shared rounding rule (spec §3.8)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from kblint.metrics import Metrics

STRUCTURED_FORMATS = frozenset({"table", "diagram", "index", "dashboard"})
LISTING_FORMATS = frozenset({"index", "dashboard"})


def round_half_up(value: float | Fraction) -> int:
    """The spec's rounding: floor(x + 0.5), never banker's rounding."""
    return math.floor(value + Fraction(1, 2) if isinstance(value, Fraction) else value + 0.5)


def round2_half_up(value: float) -> float:
    """Half-up rounding to 2 decimals, exact for the decimal the float stands for."""
    return float(math.floor(Fraction(repr(value)) * 100 + Fraction(1, 2))) / 100


def points(value: float, steps: Sequence[tuple[float, int]]) -> int:
    """Points for the first threshold (highest first) that `value` reaches, else 0."""
    for threshold, score in steps:
        if value >= threshold:
            return score
    return 0


def structural_score(metrics: Metrics, content_format: str) -> int:
    if content_format in ("table", "diagram"):
        return _structured_score(metrics, content_format)
    if content_format in LISTING_FORMATS:
        return _listing_score(metrics)
    return _article_score(metrics)


def _citations(metrics: Metrics) -> int:
    return metrics.footnote_count + metrics.external_links


def _article_score(m: Metrics) -> int:
    ratio = m.bullet_ratio
    return (
        points(m.word_count, [(800, 2), (300, 1)])
        + points(m.table_count, [(2, 2), (1, 1)])
        + points(m.diagram_count, [(1, 1)])
        + points(m.h3_count, [(4, 2), (2, 1)])
        + points(m.internal_links, [(4, 2), (1, 1)])
        + points(_citations(m), [(6, 3), (3, 2), (1, 1)])
        + (2 if ratio < 0.3 else 1 if ratio < 0.5 else 0)
        + (1 if m.has_overview else 0)
    )


def _structured_score(m: Metrics, content_format: str) -> int:
    primary, secondary = (
        (m.table_count, m.diagram_count)
        if content_format == "table"
        else (m.diagram_count, m.table_count)
    )
    score = (
        points(primary, [(3, 5), (2, 4), (1, 3)])
        + points(m.word_count, [(400, 2), (100, 1)])
        + points(m.internal_links, [(4, 2), (1, 1)])
        + points(_citations(m), [(3, 2), (1, 1)])
        + points(m.section_count, [(3, 2), (1, 1)])
        + (1 if m.has_overview else 0)
        + points(secondary, [(1, 1)])
    )
    return min(score, 15)


def _listing_score(m: Metrics) -> int:
    score = (
        points(m.internal_links, [(20, 5), (10, 4), (5, 3), (1, 1)])
        + points(m.section_count, [(6, 3), (3, 2), (1, 1)])
        + points(m.word_count, [(200, 2), (50, 1)])
        + points(m.table_count, [(2, 2), (1, 1)])
        + points(m.diagram_count, [(1, 2)])
        + (1 if m.has_overview else 0)
    )
    return min(score, 15)


def suggested_quality(score: int, content_format: str, page_type: object) -> int:
    if content_format in LISTING_FORMATS:
        return 0
    quality = round_half_up(Fraction(score * 100, 15))
    if page_type == "stub":
        quality = min(quality, 35)
    return max(0, min(100, quality))
