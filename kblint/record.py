"""The page record (spec §1–§3, §5, §6, §8, §9, §11): a pure function of Article + facts + Config.

Fields that need the whole corpus (backlinks, redundancy, ranks) are left empty here and filled
in by :mod:`kblint.corpus`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kblint import coverage, risk, scoring
from kblint.article import Article
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.facts import PageFacts, UnconvertedLink
from kblint.metrics import FootnoteRef, Metrics, code_intervals, footnote_refs
from kblint.metrics import compute as compute_metrics
from kblint.model import pickled_by_fields
from kblint.registries import ResourceIndex

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PASS_THROUGH_TEXT = ("numericId", "llmSummary", "description", "subcategory", "causalLevel")
PASS_THROUGH_NUMBERS = (
    "quality",
    "readerImportance",
    "researchImportance",
    "tacticalValue",
    "tractability",
    "neglectedness",
    "uncertainty",
)


@pickled_by_fields
@dataclass(slots=True)
class PageRecord:
    """One article's record. `data` is the JSON `pageRecord` in the seed's key order."""

    identity: PageIdentity
    metrics: Metrics
    data: dict[str, Any]
    unconverted: list[UnconvertedLink]
    footnote_refs: list[FootnoteRef]
    external_links: dict[str, str] | None = None
    backlinks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def coverage(self) -> dict[str, Any]:
        coverage_data: dict[str, Any] = self.data["coverage"]
        return coverage_data

    @property
    def risk(self) -> dict[str, Any]:
        risk_data: dict[str, Any] = self.data["hallucinationRisk"]
        return risk_data

    def to_json(self) -> dict[str, Any]:
        self.data["backlinkCount"] = len(self.backlinks)
        return {
            "pageRecord": self.data,
            "externalLinks": self.external_links,
            "backlinks": self.backlinks,
        }


def build(
    article: Article,
    identity: PageIdentity,
    config: Config,
    now: datetime,
    facts: PageFacts | None = None,
    resources: ResourceIndex | None = None,
) -> PageRecord:
    facts = facts or PageFacts()
    resources = resources or ResourceIndex([])
    fm = article.frontmatter
    metrics = compute_metrics(article, config.components)
    content_format = _text(fm.get("contentFormat")) or "article"
    refs = footnote_refs(article, code_intervals(article))
    unconverted = unconverted_links(article, resources)
    references = page_resources(article, identity.id, resources, config)
    data = _identity_fields(identity, fm, content_format, facts, config)
    data |= _metric_fields(metrics, content_format, fm)
    data |= {
        "unconvertedLinks": [link.to_json() for link in unconverted],
        "unconvertedLinkCount": len(unconverted),
        "convertedLinkCount": _converted_count(article, config),
        "backlinkCount": 0,
        "hallucinationRisk": _risk(article, metrics, content_format, facts, refs, config, now),
        "entityType": facts.entity_type or _text(fm.get("entityType")),
        "redundancy": {"maxSimilarity": 0, "similarPages": []},
        "coverage": _coverage(metrics, content_format, fm, facts, len(references)),
        "readerRank": None,
        "researchRank": None,
        "recommendedScore": recommended_score(data, metrics.word_count, now),
    }
    return PageRecord(identity, metrics, data, unconverted, refs, facts.external_links)


def _identity_fields(
    identity: PageIdentity,
    fm: dict[str, Any],
    content_format: str,
    facts: PageFacts,
    config: Config,
) -> dict[str, Any]:
    numbers = {key: finite_number(fm.get(key)) for key in PASS_THROUGH_NUMBERS}
    text = {key: _text(fm.get(key)) for key in PASS_THROUGH_TEXT}
    clusters = fm.get("clusters")
    return {
        "id": identity.id,
        "numericId": text["numericId"],
        "path": identity.path,
        "filePath": identity.file_path,
        "title": _text(fm.get("title")) or identity.id.replace("-", " "),
        "quality": numbers["quality"],
        "readerImportance": numbers["readerImportance"],
        "researchImportance": numbers["researchImportance"],
        "tacticalValue": numbers["tacticalValue"],
        "contentFormat": content_format,
        "tractability": numbers["tractability"],
        "neglectedness": numbers["neglectedness"],
        "uncertainty": numbers["uncertainty"],
        "causalLevel": text["causalLevel"],
        "lastUpdated": last_updated(fm, facts),
        "dateCreated": date_created(fm, facts),
        "llmSummary": text["llmSummary"],
        "description": text["description"],
        "ratings": fm.get("ratings") if isinstance(fm.get("ratings"), dict) else None,
        "category": identity.category,
        "subcategory": text["subcategory"],
        "clusters": list(clusters) if isinstance(clusters, list) else list(config.default_clusters),
    }


def _metric_fields(metrics: Metrics, content_format: str, fm: dict[str, Any]) -> dict[str, Any]:
    score = scoring.structural_score(metrics, content_format)
    return {
        "metrics": {
            "wordCount": metrics.word_count,
            "tableCount": metrics.table_count,
            "diagramCount": metrics.diagram_count,
            "internalLinks": metrics.internal_links,
            "externalLinks": metrics.external_links,
            "footnoteCount": metrics.footnote_count,
            "bulletRatio": scoring.round2_half_up(metrics.bullet_ratio),
            "sectionCount": metrics.section_count,
            "hasOverview": metrics.has_overview,
            "structuralScore": score,
        },
        "suggestedQuality": scoring.suggested_quality(score, content_format, fm.get("pageType")),
        "updateFrequency": update_frequency(fm.get("update_frequency")),
        "evergreen": fm.get("evergreen") is not False,
        "wordCount": metrics.word_count,
    }


def _coverage(
    metrics: Metrics, content_format: str, fm: dict[str, Any], facts: PageFacts, references: int
) -> dict[str, Any]:
    stats = facts.citations
    inputs = coverage.CoverageInputs(
        content_format=content_format,
        word_count=metrics.word_count,
        actuals={
            "tables": metrics.table_count,
            "diagrams": metrics.diagram_count,
            "internalLinks": metrics.internal_links,
            "externalLinks": metrics.external_links,
            "footnotes": metrics.footnote_count,
            "references": references,
        },
        has_llm_summary=bool(_text(fm.get("llmSummary"))),
        has_schedule=update_frequency(fm.get("update_frequency")) is not None,
        is_entity=facts.is_entity,
        has_edit_history=bool(facts.edit_dates),
        has_overview=metrics.has_overview,
        quotes_with_quotes=stats.with_quotes if stats else 0,
        quotes_total=stats.total if stats else 0,
        accuracy_checked=stats.accuracy_checked if stats else 0,
        accuracy_total=stats.total if stats else 0,
    )
    return coverage.compute(inputs, fm.get("ratings"))


def _risk(
    article: Article,
    metrics: Metrics,
    content_format: str,
    facts: PageFacts,
    refs: list[FootnoteRef],
    config: Config,
    now: datetime,
) -> dict[str, Any]:
    fm = article.frontmatter
    ratings = fm.get("ratings")
    rigor = finite_number(ratings.get("rigor")) if isinstance(ratings, dict) else None
    pattern = (
        re.compile(config.external_footnote_pattern) if config.external_footnote_pattern else None
    )
    inputs = risk.RiskInputs(
        entity_type=risk.canonical_entity_type(facts.entity_type or fm.get("entityType")),
        word_count=metrics.word_count,
        footnote_count=metrics.footnote_count,
        external_links=metrics.external_links,
        rigor=rigor,
        quality=finite_number(fm.get("quality")),
        content_format=content_format,
        footnotes=footnote_facts(article, refs, pattern),
        arxiv_text=_without_code(article),
        now_year=now.year,
        reviewed=facts.reviewed,
        inaccurate_share=facts.citations.inaccurate_share if facts.citations else None,
    )
    return risk.assess(inputs)


def _without_code(article: Article) -> str:
    """The body (file minus frontmatter) with code blanked: what §9 scans for arXiv ids."""
    text = article.text
    pieces, cursor = [], article.body_start
    for start, end in code_intervals(article).spans:
        if end <= cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(" ")
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def footnote_facts(
    article: Article, refs: list[FootnoteRef], pattern: re.Pattern[str] | None
) -> risk.FootnoteFacts:
    definitions = article.md_layer.footnote_definitions
    index = article.index
    unsourced = 0
    for definition in definitions:
        last = definition_extent(article, definition.first_line, definition.last_line)
        text = article.text[index.line_start(definition.first_line) : index.line_end(last)]
        if not risk.has_url(text):
            unsourced += 1
    return risk.FootnoteFacts(
        referenced=tuple(dict.fromkeys(ref.label for ref in refs)),
        defined=tuple(d.label for d in definitions),
        unsourced_definitions=unsourced,
        external_pattern=pattern,
    )


def definition_extent(article: Article, first: int, last: int) -> int:
    """Last line of a footnote definition per spec §9: the `[^x]:` line plus the indented lines
    that continue it (a blank line may separate them), never an unindented lazy continuation."""
    text, index = article.text, article.index
    end = first
    for line0 in range(first + 1, last + 1):
        line = text[index.line_start(line0) : index.line_end(line0)]
        if not line.strip():
            continue
        if not line[:1].isspace():
            break
        end = line0
    return end


def unconverted_links(article: Article, resources: ResourceIndex) -> list[UnconvertedLink]:
    """Spec §5: Markdown links (not images) whose target is a registered resource URL."""
    found = []
    for link in article.md_layer.links:
        if link.image or link.target.startswith(("/", "#", "mailto:")):
            continue
        resource = resources.match_link(link.target)
        if resource is not None:
            where = article.position(link.start)
            found.append(
                UnconvertedLink(
                    text=link.text,
                    url=link.target,
                    resource_id=resource.id,
                    resource_title=resource.title,
                    start=link.start,
                    end=link.end,
                    line=where.line,
                    column=where.column,
                )
            )
    return found


def page_resources(
    article: Article, page_id: str, resources: ResourceIndex, config: Config
) -> list[str]:
    """Spec §6: resolved `<R id>`s, then resources citing the page, then matching links."""
    ids: dict[str, None] = {}
    for element in article.mdx_layer.elements:
        if element.name in config.components.resource_refs:
            resource = resources.by_id.get(element.attribute("id") or "")
            if resource is not None:
                ids[resource.id] = None
    for resource in resources.cited_by.get(page_id, []):
        ids[resource.id] = None
    for link in article.md_layer.links:
        if not link.image and link.target.startswith(("http://", "https://")):
            for resource in resources.match_exact(link.target):
                ids[resource.id] = None
    return list(ids)


def _converted_count(article: Article, config: Config) -> int:
    return sum(
        1
        for element in article.mdx_layer.elements
        if element.name in config.components.resource_refs and element.attribute("id") is not None
    )


def update_frequency(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number or None


def _date(value: Any) -> str | None:
    """`YYYY-MM-DD` from a frontmatter or registry value; None unless it is a real date
    (`2026-02-30` is reported by frontmatter-schema and ignored here)."""
    if value is None:
        return None
    match = _DATE.match(str(value))
    if match is None:
        return None
    try:
        date.fromisoformat(match.group(0))
    except ValueError:
        return None
    return match.group(0)


def last_updated(fm: dict[str, Any], facts: PageFacts) -> str | None:
    candidates = [facts.git_last_updated, _date(fm.get("lastUpdated")), _date(fm.get("lastEdited"))]
    candidates += [_date(d) for d in facts.edit_dates]
    dates = [d for d in candidates if d]
    return max(dates) if dates else None


def date_created(fm: dict[str, Any], facts: PageFacts) -> str | None:
    edit_dates = sorted(d for d in (_date(x) for x in facts.edit_dates) if d)
    for candidate in (
        _date(fm.get("createdAt")),
        facts.git_created,
        edit_dates[0] if edit_dates else None,
        _date(fm.get("dateCreated")),
    ):
        if candidate:
            return candidate
    return None


def recommended_score(data: dict[str, Any], word_count: int, now: datetime) -> float:
    """Spec §11: round₂(2·recency + 2·quality + 0.5·readerImportance + wordBonus)."""
    recency = 0.0
    if data.get("lastUpdated"):
        updated = datetime.fromisoformat(data["lastUpdated"]).replace(tzinfo=UTC)
        days = (now - updated).total_seconds() / 86400
        recency = 10 * math.exp(-days / 120)
    word_bonus = min(2.0, math.log10(word_count + 1) - 1.5) if word_count > 0 else 0.0
    quality = data.get("quality") or 0
    importance = data.get("readerImportance") or 0
    return scoring.round2_half_up(2 * recency + 2 * quality + 0.5 * importance + word_bonus)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def finite_number(value: Any) -> float | None:
    """A finite number, else None (`.inf` and `.nan` are YAML numbers but no score)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def refresh_record(record: PageRecord, now: datetime) -> None:
    """recommendedScore depends on "now" to the second: recompute it for a reused record."""
    data = record.data
    data["recommendedScore"] = recommended_score(data, data["wordCount"], now)
