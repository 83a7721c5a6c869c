"""What needs more than one file: id maps, auto-entities, backlinks (§7), rankings (§11).

The corpus is built from small per-file `PageSummary` objects (never from parsed articles), so
a run on one file can use summaries of the rest of the KB without keeping them in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from kblint.model import pickled_by_fields
from kblint.redundancy import Fingerprint, PageKey, Pages, Ranking
from kblint.redundancy import rank as rank_redundancy
from kblint.redundancy import score as score_redundancy
from kblint.registries import Entity, Registries

NUMERIC_ID_PREFIX = "E"


class LinkRef(NamedTuple):
    """An outgoing reference with its file position: an EntityLink id or a link target.

    A named tuple, not a dataclass: a KB has tens of thousands of them and every warm run reads
    them back from the cache, where tuples unpickle four times faster."""

    target: str
    line: int
    column: int
    name: str | None = None  # the EntityLink `name` attribute, when given


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the corpus needs to know about one article. Small and picklable."""

    rel_path: str
    id: str
    path: str
    title: str
    content_format: str
    numeric_id: str | None
    entity_type: str | None  # frontmatter `entityType`
    description: str | None
    entity_links: tuple[LinkRef, ...]  # every EntityLink element with an `id`, in order
    reader_importance: float | None
    research_importance: float | None
    numeric_id_line: int = 1  # file line of the frontmatter `numericId` key
    internal_links: tuple[LinkRef, ...] = ()  # Markdown links whose target starts with `/`
    # shingles and long words for redundancy (§10); the pipeline takes them out before the corpus
    # is built (see `pipeline._take_fingerprints`)
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True, slots=True)
class CorpusIssue:
    rel_path: str
    line: int
    rule: str
    message: str


class Corpus:
    """Cross-file index over every article of the KB (walk order) and the registries."""

    def __init__(self, pages: Iterable[PageSummary], registries: Registries) -> None:
        self.pages = list(pages)
        self.registries = registries
        self.page_by_id: dict[str, PageSummary] = {}
        for page in self.pages:
            self.page_by_id.setdefault(page.id, page)
        self.page_paths = {page.path for page in self.pages}
        self.entities = self._entities_with_auto()
        self.numeric_ids = self._numeric_id_map()
        self._backlinks = self._compute_backlinks()
        self._redundancy: dict[str, dict[str, Any]] | None = None
        self._numeric_issues: dict[str, list[CorpusIssue]] = {}
        for issue in self._compute_numeric_id_issues():
            self._numeric_issues.setdefault(issue.rel_path, []).append(issue)
        self.ranks = self._compute_ranks()

    # -- entities and ids -------------------------------------------------------------------

    def _entities_with_auto(self) -> dict[str, Entity]:
        """Registry entities, then pages with `entityType` that are not registry ids (§4)."""
        entities = dict(self.registries.entities)
        for page in self.pages:
            if page.entity_type and page.id not in entities:
                entities[page.id] = Entity(
                    id=page.id,
                    type=page.entity_type,
                    title=page.title,
                    numeric_id=page.numeric_id,
                    description=page.description,
                    source=page.rel_path,
                    auto=True,
                )
        return entities

    def _numeric_id_map(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for entity in self.entities.values():
            if entity.numeric_id:
                mapping.setdefault(entity.numeric_id, entity.id)
        for page in self.pages:
            if page.numeric_id:
                mapping.setdefault(page.numeric_id, page.id)
        return mapping

    def resolve(self, link_id: str) -> str:
        """An EntityLink id as a page/entity id: `E123` goes through the numeric id map."""
        if _is_numeric_id(link_id):
            return self.numeric_ids.get(link_id, link_id)
        return link_id

    def is_known_id(self, link_id: str) -> bool:
        resolved = self.resolve(link_id)
        return resolved in self.entities or resolved in self.page_by_id

    def entity_type_of(self, page_id: str) -> str | None:
        entity = self.entities.get(page_id)
        return entity.type if entity else None

    def numeric_id_issues(self, rel_path: str) -> list[CorpusIssue]:
        return list(self._numeric_issues.get(rel_path, []))

    def _compute_numeric_id_issues(self) -> list[CorpusIssue]:
        """A page claiming a numericId that belongs to another entity or page (§7)."""
        issues = []
        owner_of: dict[str, str] = {}
        for entity in self.registries.entities.values():
            if entity.numeric_id:
                owner_of.setdefault(entity.numeric_id, entity.id)
        for page in self.pages:
            if not page.numeric_id:
                continue
            owner = owner_of.setdefault(page.numeric_id, page.id)
            if owner != page.id:
                message = f"numericId {page.numeric_id} belongs to {owner!r}, not to this page"
                issues.append(
                    CorpusIssue(page.rel_path, page.numeric_id_line, "numeric-id-conflict", message)
                )
        return issues

    # -- backlinks --------------------------------------------------------------------------

    def backlinks(self, page_id: str) -> list[dict[str, Any]]:
        return list(self._backlinks.get(page_id, []))

    def _compute_backlinks(self) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {}
        listed: dict[str, set[str]] = {}
        for entity in self.registries.entities.values():
            for related in entity.related:
                entry = {
                    "id": entity.id,
                    "title": entity.title,
                    "type": entity.type,
                    "relationship": related.relationship,
                }
                result.setdefault(related.id, []).append(entry)
                listed.setdefault(related.id, set()).add(entity.id)
        for page in self.pages:
            for target in dict.fromkeys(self.resolve(link.target) for link in page.entity_links):
                if target == page.id or page.id in listed.get(target, ()):
                    continue
                entry = {
                    "id": page.id,
                    "title": page.title,
                    "type": self.entity_type_of(page.id) or "concept",
                    "relationship": None,
                }
                result.setdefault(target, []).append(entry)
                listed.setdefault(target, set()).add(page.id)
        return result

    # -- redundancy -------------------------------------------------------------------------

    def redundancy_pages(self, fingerprints: dict[str, Fingerprint]) -> Pages:
        """The pages with a fingerprint (by rel path), in walk order. Takes the fingerprints out
        of `fingerprints`: the computation frees them as soon as they are indexed (see
        `redundancy.score`)."""
        return Pages.of(
            (
                page.rel_path,
                PageKey(page.id, page.title, page.path, page.content_format),
                fingerprints.pop(page.rel_path),
            )
            for page in self.pages
            if page.rel_path in fingerprints
        )

    def compute_redundancy(
        self,
        pages: Pages,
        targets: Collection[str] | None = None,
        jobs: int = 1,
        previous: Ranking | None = None,
    ) -> Ranking | None:
        """Spec §10 for the pages linted (`targets`, rel paths; None = all), against every page
        of `pages`. For all pages, also the ranking a later run can update (`previous`, from an
        earlier run, spares rescoring the pages that did not change: see `redundancy.rank`)."""
        ranking = None
        if targets is None:
            results, ranking = rank_redundancy(pages, jobs, previous)
        else:
            wanted = {index for index, name in enumerate(pages.names) if name in targets}
            results = score_redundancy(pages.keys, pages.fingerprints, wanted, jobs)
        self._redundancy = dict(zip(pages.names, results, strict=True))
        return ranking

    def redundancy_results(self) -> dict[str, dict[str, Any]]:
        return dict(self._redundancy or {})

    def set_redundancy(self, results: dict[str, dict[str, Any]]) -> None:
        self._redundancy = dict(results)

    def redundancy(self, rel_path: str) -> dict[str, Any]:
        """Spec §10 for one page (after `compute_redundancy` or `set_redundancy`)."""
        assert self._redundancy is not None, "near-duplicates were not computed"
        return self._redundancy.get(rel_path, {"maxSimilarity": 0, "similarPages": []})

    # -- rankings ---------------------------------------------------------------------------

    def _compute_ranks(self) -> dict[str, dict[str, int | None]]:
        ranks: dict[str, dict[str, int | None]] = {
            page.rel_path: {"readerRank": None, "researchRank": None} for page in self.pages
        }
        for attribute, key in (
            ("reader_importance", "readerRank"),
            ("research_importance", "researchRank"),
        ):
            scored = [p for p in self.pages if getattr(p, attribute) is not None]
            # sorted() is stable, so equal importance keeps walk order (§11).
            for position, page in enumerate(
                sorted(scored, key=lambda p: -getattr(p, attribute)), 1
            ):
                ranks[page.rel_path][key] = position
        return ranks


def _is_numeric_id(value: str) -> bool:
    return len(value) > 1 and value[0] == NUMERIC_ID_PREFIX and value[1:].isdigit()
