"""Effective configuration: frozen, validated, with the defaults of the spec's reference KB.

Loading `kblint.yaml` / `pyproject.toml` is added by the rule-engine issue; this module holds the
settings every layer reads and their defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_TABLE_COMPONENTS = (
    "ComparisonTable",
    "SafetyApproachesTableView",
    "AccidentRisksTableView",
    "EvalTypesTableView",
    "ArchitectureScenariosTableView",
    "DeploymentArchitecturesTableView",
    "SafetyGeneralizabilityTableView",
)
DEFAULT_DIAGRAM_COMPONENTS = (
    "Mermaid",
    "MermaidDiagram",
    "SquiggleEstimate",
    "CauseEffectGraph",
    "PageCauseEffectGraph",
)


@dataclass(frozen=True, slots=True)
class Components:
    """Which JSX components mean what (spec §3)."""

    tables: frozenset[str] = frozenset(DEFAULT_TABLE_COMPONENTS)
    diagrams: frozenset[str] = frozenset(DEFAULT_DIAGRAM_COMPONENTS)
    entity_links: frozenset[str] = frozenset({"EntityLink"})
    resource_refs: frozenset[str] = frozenset({"R"})


@dataclass(frozen=True, slots=True)
class RegistryPaths:
    """Glob patterns, relative to the KB root, of each registry (spec §4). Missing files are fine."""

    entities: tuple[str, ...] = ("data/entities/*.yaml", "data/entities/*.yml")
    resources: tuple[str, ...] = (
        "data/resources/*.yaml",
        "data/resources/*.yml",
        "data/resources-snapshot.json",
    )
    citation_stats: tuple[str, ...] = ("data/citation-stats.yaml",)
    edit_log: tuple[str, ...] = ("data/edit-log.yaml",)
    external_links: tuple[str, ...] = ("data/external-links.yaml",)


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that change what kblint computes."""

    content_root: str = "content/docs"
    #: Ordered top-level sections to visit; None visits every folder in byte order (spec §1).
    sections: tuple[str, ...] | None = None
    include_root_files: bool = False
    components: Components = field(default_factory=Components)
    registries: RegistryPaths = field(default_factory=RegistryPaths)
    #: `clusters` of a page whose frontmatter has none (the spec's reference preset).
    default_clusters: tuple[str, ...] = ("ai-safety",)
    #: Footnote labels the site resolves at build time (e.g. `[^rc-3dfc]`): never orphans.
    external_footnote_pattern: str | None = r"^(?:rc|cr)-[0-9a-z]+$"
