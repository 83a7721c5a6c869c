"""The KB's registries: entities, resources (bibliography), citation stats, edit log.

This module holds the in-memory model and its indexes; `kblint.registry_loader` reads and
validates the files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kblint import urls
from kblint.facts import CitationStats
from kblint.model import pickled_by_fields


@pickled_by_fields  # the cached registries hold tens of thousands
@dataclass(frozen=True, slots=True)
class RelatedEntry:
    id: str
    type: str | None
    relationship: str | None


@pickled_by_fields  # the cached registries hold tens of thousands
@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str | None
    title: str | None
    numeric_id: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[RelatedEntry, ...] = ()
    source: str = ""  # "file.yaml#3": where it was defined, for messages
    auto: bool = False  # made from a page's frontmatter `entityType` (spec §4)


@pickled_by_fields  # the cached registries hold tens of thousands
@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    url: str
    title: str | None
    type: str | None = None
    cited_by: tuple[str, ...] = ()
    stable_id: str | None = None
    source: str = ""


@pickled_by_fields  # the cached registries hold tens of thousands
@dataclass(frozen=True, slots=True)
class EditLogEntry:
    date: str
    title: str
    pages: tuple[str, ...]


class ResourceIndex:
    """Lookups over the bibliography: by id/stable id, by URL variant, by citing page."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: list[Resource] = list(resources)
        self.by_id: dict[str, Resource] = {}
        self.by_variant: dict[str, Resource] = {}
        self.by_url: dict[str, list[Resource]] = {}
        self.cited_by: dict[str, list[Resource]] = {}
        for resource in self.resources:
            self.by_id.setdefault(resource.id, resource)
            if resource.stable_id:
                self.by_id.setdefault(resource.stable_id, resource)
            for variant in urls.variants(resource.url):
                self.by_variant[variant] = resource  # several share a variant: last loaded wins
            self.by_url.setdefault(resource.url, []).append(resource)
            for page in resource.cited_by:
                self.cited_by.setdefault(page, []).append(resource)

    def match_link(self, target: str) -> Resource | None:
        """Spec §5: the target as written, then with one trailing `/` removed."""
        found = self.by_variant.get(target)
        if found is None and target.endswith("/"):
            found = self.by_variant.get(target[:-1])
        return found

    def match_exact(self, target: str) -> list[Resource]:
        """Spec §6: resources whose URL is the link target, without or with one trailing `/`."""
        found: list[Resource] = []
        for form in (target, urls.strip_one_slash(target), target + "/"):
            found.extend(self.by_url.get(form, []))
        return found


@dataclass(slots=True)
class Registries:
    """Everything loaded from the registry files."""

    entities: dict[str, Entity] = field(default_factory=dict)
    resources: ResourceIndex = field(default_factory=lambda: ResourceIndex([]))
    citation_stats: dict[str, CitationStats] = field(default_factory=dict)
    edit_log: list[EditLogEntry] = field(default_factory=list)
    external_links: dict[str, dict[str, str]] = field(default_factory=dict)
    reviews: frozenset[str] | None = None
    has_edit_log: bool = False
    _edit_dates: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        dates: dict[str, list[str]] = {}
        for entry in self.edit_log:
            for page in entry.pages:
                dates.setdefault(page, []).append(entry.date)
        self._edit_dates = {page: tuple(found) for page, found in dates.items()}

    def edit_dates(self, page_id: str) -> tuple[str, ...]:
        return self._edit_dates.get(page_id, ())


def as_str(value: Any) -> str | None:
    return None if value is None else str(value)
