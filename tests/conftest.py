"""Shared test helpers: parse an article from text or a file and build its page record."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kblint.article import Article, decode, parse_text, read_article
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.facts import PageFacts
from kblint.record import PageRecord, build
from kblint.registries import ResourceIndex

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
EXAMPLE_KB = REPO / "examples" / "kb"
NOW = datetime(2026, 3, 14, tzinfo=UTC)


def article_from_text(
    text: str, rel_path: str = "knowledge-base/risks/example.mdx", math: bool = True
) -> Article:
    """Parse article text given as a Python string (LF, CRLF and a BOM are normalised); `math`
    as the configuration's (on by default)."""
    normalised, _, _ = decode(text.encode("utf-8"))
    return parse_text(Path(rel_path), rel_path, normalised, math)


def record_from_text(
    text: str,
    rel_path: str = "knowledge-base/risks/example.mdx",
    config: Config | None = None,
    facts: PageFacts | None = None,
    resources: ResourceIndex | None = None,
) -> PageRecord:
    article = article_from_text(text, rel_path)
    identity = PageIdentity.from_rel_path(rel_path)
    return build(article, identity, config or Config(), NOW, facts, resources)


def record_from_file(path: Path, rel_path: str | None = None) -> PageRecord:
    rel = rel_path or path.name
    article = read_article(path, rel)
    return build(article, PageIdentity.from_rel_path(rel), Config(), NOW)


@pytest.fixture
def now() -> datetime:
    return NOW


def metrics_of(record: PageRecord) -> dict[str, Any]:
    metrics: dict[str, Any] = record.data["metrics"]
    return metrics
