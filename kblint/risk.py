"""Hallucination-risk estimate and integrity signals (spec §9)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPE_ALIASES = {
    "researcher": "person",
    "lab": "organization",
    "lab-frontier": "organization",
    "lab-research": "organization",
    "lab-academic": "organization",
    "lab-startup": "organization",
    "safety-approaches": "safety-agenda",
    "policies": "policy",
    "concepts": "concept",
    "events": "event",
    "models": "model",
}
BIOGRAPHICAL_TYPES = frozenset({"person", "organization", "funder"})
FACTUAL_TYPES = frozenset({"event", "historical", "case-study"})
CONCEPTUAL_TYPES = frozenset(
    {"concept", "approach", "safety-agenda", "intelligence-paradigm", "crux", "debate", "argument"}
)
STRUCTURED_FORMATS = frozenset({"table", "diagram", "index", "dashboard"})

_ARXIV_ID = re.compile(r"(?<![\d.])(\d{2})(\d{2})\.(\d{4,5})(?!\d)")
_ARXIV_DOT = re.compile(r"\.\d{4}")  # a literal first character: scanned for fast, in C
_URL = re.compile(r"https?://")


def canonical_entity_type(entity_type: object) -> str | None:
    if not isinstance(entity_type, str) or not entity_type:
        return None
    return ENTITY_TYPE_ALIASES.get(entity_type, entity_type)


@dataclass(frozen=True, slots=True)
class FootnoteFacts:
    """What the integrity signals need to know about a page's footnotes."""

    referenced: tuple[str, ...]  # distinct labels, in order of first reference
    defined: tuple[str, ...]  # one label per definition, duplicates kept
    unsourced_definitions: int  # definitions without an http(s) URL
    external_pattern: re.Pattern[str] | None = None

    @property
    def orphans(self) -> list[str]:
        defined = set(self.defined)
        external = self.external_pattern
        return [
            label
            for label in self.referenced
            if label not in defined and not (external and external.search(label))
        ]

    @property
    def duplicate_definitions(self) -> list[str]:
        return [label for label, count in Counter(self.defined).items() if count > 1]


@dataclass(frozen=True, slots=True)
class RiskInputs:
    entity_type: str | None
    word_count: int
    footnote_count: int
    external_links: int
    rigor: float | None
    quality: float | None
    content_format: str
    footnotes: FootnoteFacts
    arxiv_text: str
    now_year: int
    reviewed: bool | None = None  # None: no review registry configured
    inaccurate_share: float | None = None  # None: no citation stats for the page


@dataclass(slots=True)
class _Tally:
    score: int = 40
    factors: list[str] = field(default_factory=list)

    def add(self, factor: str, delta: int) -> None:
        self.score += delta
        self.factors.append(factor)


def assess(inputs: RiskInputs) -> dict[str, Any]:
    tally = _Tally()
    _content_factors(inputs, tally)
    integrity = integrity_issues(inputs)
    for factor, delta in integrity:
        tally.add(factor, delta)
    score = max(0, min(100, tally.score))
    result: dict[str, Any] = {"level": risk_level(score), "score": score, "factors": tally.factors}
    if integrity:
        result["integrityIssues"] = [factor for factor, _ in integrity]
    return result


def risk_level(score: int) -> str:
    if score <= 30:
        return "low"
    return "medium" if score <= 60 else "high"


def _content_factors(i: RiskInputs, tally: _Tally) -> None:
    words = i.word_count
    density = i.footnote_count / words * 1000 if words else 0.0
    if i.entity_type in BIOGRAPHICAL_TYPES:
        tally.add("biographical-claims", 20)
    if i.entity_type in FACTUAL_TYPES:
        tally.add("specific-factual-claims", 15)
    if i.footnote_count == 0 and words > 300:
        tally.add("no-citations", 15)
    elif density < 2 and words > 500:
        tally.add("low-citation-density", 10)
    if i.rigor is not None and i.rigor < 4:
        tally.add("low-rigor-score", 10)
    if i.quality is not None and i.quality < 40:
        tally.add("low-quality-score", 5)
    if i.external_links < 2 and words > 500:
        tally.add("few-external-sources", 5)
    if i.reviewed is False:
        tally.add("no-human-review", 5)
    _accuracy_factors(i.inaccurate_share, tally)
    if density > 8:
        tally.add("well-cited", -15)
    elif density > 4:
        tally.add("moderately-cited", -10)
    if i.rigor is not None and i.rigor >= 7:
        tally.add("high-rigor", -15)
    if i.entity_type in CONCEPTUAL_TYPES:
        tally.add("conceptual-content", -10)
    if i.content_format in STRUCTURED_FORMATS:
        tally.add("structured-format", -15)
    if words < 300:
        tally.add("minimal-content", -10)
    if i.quality is not None and i.quality >= 80:
        tally.add("high-quality", -5)


def _accuracy_factors(share: float | None, tally: _Tally) -> None:
    if share is None or share <= 0:
        return
    if share > 0.5:
        tally.add("majority-inaccurate", 20)
    elif share > 0.3:
        tally.add("many-inaccurate", 10)
    else:
        tally.add("some-inaccurate", 5)


def integrity_issues(i: RiskInputs) -> list[tuple[str, int]]:
    issues: list[tuple[str, int]] = []
    notes = i.footnotes
    orphans = notes.orphans
    if orphans:
        severe = len(orphans) / len(notes.referenced) > 0.5
        issues.append(("severe-truncation", 30) if severe else ("orphaned-footnotes", 15))
    if sequential_arxiv_run(i.arxiv_text, i.now_year):
        issues.append(("suspicious-sequential-ids", 25))
    if notes.duplicate_definitions:
        issues.append(("duplicate-footnote-defs", 10))
    if notes.unsourced_definitions:
        mostly = notes.unsourced_definitions / len(notes.defined) > 0.5
        issues.append(
            ("mostly-unsourced-footnotes", 10) if mostly else ("some-unsourced-footnotes", 5)
        )
    return issues


def arxiv_ids(text: str, now_year: int) -> list[tuple[str, int]]:
    """(prefix YYMM, serial) of every arXiv-shaped id: YY from 07 to next year, MM 01–12."""
    latest = (now_year + 1) % 100
    found = []
    for match in arxiv_matches(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 7 <= year <= latest and 1 <= month <= 12:
            found.append((match.group(1) + match.group(2), int(match.group(3))))
    return found


def arxiv_matches(text: str, start: int = 0) -> Iterator[re.Match[str]]:
    """Matches of `_ARXIV_ID` from `start`, like `finditer` but 20-50 times faster: the dot is
    found first and the id matched around it (matches cannot overlap: every character of one
    is a digit or a dot, which the leading lookbehind rules out as a start)."""
    for dot in _ARXIV_DOT.finditer(text, start):
        begin = dot.start() - 4
        if begin >= start:
            match = _ARXIV_ID.match(text, begin)
            if match is not None:
                yield match


def sequential_arxiv_run(text: str, now_year: int, min_run: int = 3) -> list[str]:
    """The ids of the first run of ≥ `min_run` distinct same-prefix ids stepping by one, if any
    (and only when at least `min_run` arXiv-shaped strings occur at all)."""
    ids = arxiv_ids(text, now_year)
    if len(ids) < min_run:
        return []
    by_prefix: dict[str, set[int]] = {}
    for prefix, serial in ids:
        by_prefix.setdefault(prefix, set()).add(serial)
    for prefix, serials in by_prefix.items():
        run = _longest_step_run(sorted(serials))
        if len(run) >= min_run:
            return [
                f"{prefix}.{serial:05d}" if serial >= 10000 else f"{prefix}.{serial:04d}"
                for serial in run
            ]
    return []


def _longest_step_run(serials: Iterable[int]) -> list[int]:
    best: list[int] = []
    current: list[int] = []
    for serial in serials:
        if current and serial == current[-1] + 1:
            current.append(serial)
        else:
            current = [serial]
        if len(current) > len(best):
            best = list(current)
    return best


def has_url(text: str) -> bool:
    return _URL.search(text) is not None
