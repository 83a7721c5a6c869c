"""Read the registry files named by the configuration, validating every entry.

Each entry is validated on its own against its JSON Schema in `schemas/`, so one broken entry is
one clear finding (file, line, entry index and id, key) and the rest of the registry still loads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kblint import schemas
from kblint.config import RegistryPaths
from kblint.facts import CitationStats
from kblint.frontmatter import load_yaml_node
from kblint.memory import gc_paused
from kblint.procs import can_fork, fork_pool
from kblint.registries import (
    EditLogEntry,
    Entity,
    Registries,
    RelatedEntry,
    Resource,
    ResourceIndex,
    as_str,
)

if TYPE_CHECKING:
    from jsonschema import ValidationError


@dataclass(frozen=True, slots=True)
class RegistryIssue:
    """A problem in a registry file, reported as a finding against that file."""

    path: Path
    line: int
    rule: str
    message: str


@dataclass(slots=True)
class _Entry:
    data: dict[str, Any]
    index: int
    line: int
    source: Path


@dataclass(slots=True)
class LoadResult:
    registries: Registries
    issues: list[RegistryIssue] = field(default_factory=list)
    digest: str = ""  # of every registry file's bytes: cache entries depend on it


def digest(kb_root: Path, paths: RegistryPaths) -> str:
    """Of every registry file's path and bytes: a loaded result is reusable while it holds."""
    files = [*_files(kb_root, paths.entities), *_files(kb_root, paths.resources)]
    for patterns in (paths.citation_stats, paths.edit_log, paths.external_links):
        files += _files(kb_root, patterns)
    return _digest(files)


def load(
    kb_root: Path, paths: RegistryPaths, known_digest: str | None = None, jobs: int = 1
) -> LoadResult:
    """Every registry, validated entry by entry. With `jobs` above one and enough YAML, the
    files are parsed in forked processes (parsing is nearly all of the cost)."""
    with gc_paused(keep=True):  # they live as long as the run
        return _load(kb_root, paths, known_digest, jobs)


def _load(kb_root: Path, paths: RegistryPaths, known_digest: str | None, jobs: int) -> LoadResult:
    issues: list[RegistryIssue] = []
    groups = {
        "entities.schema.json": _files(kb_root, paths.entities),
        "resources.schema.json": _files(kb_root, paths.resources),
        "citation-stats.schema.json": _files(kb_root, paths.citation_stats),
        "edit-log.schema.json": _files(kb_root, paths.edit_log),
        "external-links.schema.json": _files(kb_root, paths.external_links),
    }
    parsed = _parse_all([(path, name) for name, files in groups.items() for path in files], jobs)
    edit_files = groups["edit-log.schema.json"]
    registries = Registries(
        entities=_load_entities(groups["entities.schema.json"], parsed, issues),
        resources=ResourceIndex(_load_resources(groups["resources.schema.json"], parsed, issues)),
        citation_stats=_load_citation_stats(groups["citation-stats.schema.json"], parsed, issues),
        edit_log=_load_edit_log(edit_files, parsed, issues),
        external_links=_load_external_links(groups["external-links.schema.json"], parsed, issues),
        has_edit_log=bool(edit_files),
    )
    return LoadResult(registries, issues, known_digest or digest(kb_root, paths))


# -- parsing files, in parallel when there is enough to parse ---------------------------

#: Registry files are parsed in forked processes from this many bytes on (below, forking
#: costs more than it saves).
PARALLEL_BYTES = 512 * 1024

_Job = tuple[Path, str]  # a file and the schema its entries follow
_Parsed = dict[_Job, tuple[list["_Entry"], list[RegistryIssue]]]


def _parse_all(jobs_list: list[_Job], jobs: int) -> _Parsed:
    if jobs > 1 and len(jobs_list) > 1 and can_fork():
        sizes = {job: _size(job[0]) for job in jobs_list}
        if sum(sizes.values()) >= PARALLEL_BYTES:
            # Largest files first: a big file handed out last would finish alone while the
            # other processes idle (the benchmark's 20,000-article KB has 33 MB of registries,
            # 13 MB of them in one resource list).
            largest_first = sorted(jobs_list, key=sizes.__getitem__, reverse=True)
            with fork_pool(min(jobs, len(jobs_list))) as pool:
                done = pool.map(_parse_file, largest_first, chunksize=1)
            parsed = dict(zip(largest_first, done, strict=True))
            return {job: parsed[job] for job in jobs_list}  # in the order given
    return {job: _parse_file(job) for job in jobs_list}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _parse_file(job: _Job) -> tuple[list[_Entry], list[RegistryIssue]]:
    path, schema_name = job
    issues: list[RegistryIssue] = []
    return list(_entries(path, schema_name, issues)), issues


def _take(
    parsed: _Parsed, path: Path, schema_name: str, issues: list[RegistryIssue]
) -> list[_Entry]:
    entries, found = parsed[(path, schema_name)]
    issues.extend(found)
    return entries


def _digest(files: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for path in files:
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0unreadable")
    return digest.hexdigest()


def _files(kb_root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found: dict[Path, None] = {}
    for pattern in patterns:
        found.update(dict.fromkeys(sorted(kb_root.glob(pattern))))
    return [path for path in found if path.is_file()]


def _entries(path: Path, schema_name: str, issues: list[RegistryIssue]) -> Iterator[_Entry]:
    """Valid entries of one registry file; problems go to `issues`."""
    try:
        items = _read_list(path)
    except _RegistryError as error:
        issues.append(RegistryIssue(path, error.line, "registry-schema", str(error)))
        return
    for index, (data, line) in enumerate(items):
        if schemas.is_valid(schema_name, data, items=True):
            yield _Entry(data, index, line, path)
            continue
        validator = schemas.validator(schema_name, items=True)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            issues.append(
                RegistryIssue(path, line, "registry-schema", _describe(index, data, errors[0]))
            )
            continue
        yield _Entry(data, index, line, path)


def _describe(index: int, data: Any, error: ValidationError) -> str:
    who = f"entry {index}"
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        who += f" (id {data['id']!r})"
    key = ".".join(str(part) for part in error.absolute_path) or "(entry)"
    hint = ""
    if isinstance(error.instance, int | float) and error.validator == "type":
        # an all-digit id such as 1234567890123456 is read as a number by YAML
        hint = "; quote it in the YAML file to keep it a string"
    return f"{who}: {key}: {error.message}{hint}"


class _RegistryError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _read_list(path: Path) -> list[tuple[Any, int]]:
    """The file's top-level list as (entry, 1-based line) pairs."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _RegistryError(f"cannot read registry: {error}") from error
    try:
        node, data = load_yaml_node(text)
    except yaml.YAMLError as error:
        if path.suffix.lower() == ".json":
            # JSON is nearly always YAML too (which gives us line numbers); when it is not,
            # read it as plain JSON.
            return _read_json_list(text)
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        raise _RegistryError(f"registry is not valid YAML: {reason}", line) from error
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise _RegistryError(f"registry must be a list of entries, got {type(data).__name__}")
    return [(item, child.start_mark.line + 1) for item, child in zip(data, node.value, strict=True)]


def _read_json_list(text: str) -> list[tuple[Any, int]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _RegistryError(f"registry is not valid JSON: {error.msg}", error.lineno) from error
    if not isinstance(data, list):
        raise _RegistryError(f"registry must be a list of entries, got {type(data).__name__}")
    return [(item, 1) for item in data]


def _load_entities(
    files: list[Path], parsed: _Parsed, issues: list[RegistryIssue]
) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for path in files:
        for entry in _take(parsed, path, "entities.schema.json", issues):
            entity = _entity(entry)
            if _duplicate(entities, entity.id, entry, issues, "entity"):
                continue
            entities[entity.id] = entity
    return entities


def _entity(entry: _Entry) -> Entity:
    data = entry.data
    related = tuple(
        RelatedEntry(str(r["id"]), as_str(r.get("type")), as_str(r.get("relationship")))
        for r in data.get("relatedEntries") or []
    )
    return Entity(
        id=data["id"],
        type=as_str(data.get("type")),
        title=as_str(data.get("title")),
        numeric_id=as_str(data.get("numericId")),
        description=as_str(data.get("description")),
        aliases=tuple(data.get("aliases") or ()),
        related=related,
        source=f"{entry.source}:{entry.line}",
    )


def _duplicate(
    seen: dict[str, Any], key: str, entry: _Entry, issues: list[RegistryIssue], kind: str
) -> bool:
    if key not in seen:
        return False
    first = seen[key].source
    message = (
        f"entry {entry.index}: duplicate {kind} id {key!r} (first defined at {first}); ignored"
    )
    issues.append(RegistryIssue(entry.source, entry.line, "registry-duplicate-id", message))
    return True


def _load_resources(
    files: list[Path], parsed: _Parsed, issues: list[RegistryIssue]
) -> list[Resource]:
    resources: dict[str, Resource] = {}
    ordered: list[Resource] = []
    for path in files:
        for entry in _take(parsed, path, "resources.schema.json", issues):
            resource = _resource(entry)
            if _duplicate(resources, resource.id, entry, issues, "resource"):
                continue
            resources[resource.id] = resource
            ordered.append(resource)
    return ordered


def _resource(entry: _Entry) -> Resource:
    data = entry.data
    return Resource(
        id=data["id"],
        url=data["url"],
        title=as_str(data.get("title")),
        type=as_str(data.get("type")),
        cited_by=tuple(data.get("cited_by") or ()),
        stable_id=as_str(data.get("stable_id")),
        source=f"{entry.source}:{entry.line}",
    )


def _load_citation_stats(
    files: list[Path], parsed: _Parsed, issues: list[RegistryIssue]
) -> dict[str, CitationStats]:
    stats: dict[str, CitationStats] = {}
    for path in files:
        for entry in _take(parsed, path, "citation-stats.schema.json", issues):
            data = entry.data
            stats[data["page"]] = CitationStats(
                total=data["total"],
                with_quotes=data.get("withQuotes", 0),
                accuracy_checked=data.get("accuracyChecked", 0),
                inaccurate=data.get("inaccurate", 0),
            )
    return stats


def _load_edit_log(
    files: list[Path], parsed: _Parsed, issues: list[RegistryIssue]
) -> list[EditLogEntry]:
    entries = []
    for path in files:
        for entry in _take(parsed, path, "edit-log.schema.json", issues):
            data = entry.data
            title = as_str(data.get("title")) or ""
            entries.append(EditLogEntry(str(data["date"])[:10], title, tuple(data["pages"])))
    return entries


def _load_external_links(
    files: list[Path], parsed: _Parsed, issues: list[RegistryIssue]
) -> dict[str, dict[str, str]]:
    links: dict[str, dict[str, str]] = {}
    for path in files:
        for entry in _take(parsed, path, "external-links.schema.json", issues):
            links[entry.data["pageId"]] = dict(entry.data["links"])
    return links
