"""Facts about one page that come from outside its file: registries, the edit log, git.

The corpus layer fills these in; the page record is a pure function of Article + PageFacts +
Config, so a record can be computed (and cached) without the rest of the KB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kblint.model import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CitationStats:
    """Per-page citation quality (spec §4): all citations, with a quote, checked, inaccurate."""

    total: int = 0
    with_quotes: int = 0
    accuracy_checked: int = 0
    inaccurate: int = 0

    @property
    def inaccurate_share(self) -> float | None:
        """Share of the accuracy-checked citations found inaccurate (None when none checked)."""
        if self.accuracy_checked <= 0:
            return None
        return self.inaccurate / self.accuracy_checked


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class UnconvertedLink:
    """A Markdown link to a URL the bibliography knows: it should be an `<R id>` (spec §5)."""

    text: str
    url: str
    resource_id: str
    resource_title: str | None
    start: int  # offsets into the article's normalised text (for fixes)
    end: int
    line: int = 0  # 1-based file position of the `[`
    column: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "url": self.url,
            "resourceId": self.resource_id,
            "resourceTitle": self.resource_title,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PageFacts:
    """Everything about a page that its own file cannot tell."""

    is_entity: bool = False
    entity_type: str | None = None  # as the registry writes it; aliases are mapped later
    edit_dates: tuple[str, ...] = ()
    git_last_updated: str | None = None
    git_created: str | None = None  # None also when the first commit was a bulk import
    citations: CitationStats | None = None
    reviewed: bool | None = None  # None: no review registry configured
    external_links: dict[str, str] | None = None
