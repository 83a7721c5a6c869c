"""Effective configuration: frozen, validated, with the defaults of the spec's reference KB.

`kblint.config_loader` finds, merges and validates the files; this module holds the settings
every layer reads and decides which rules run on which file with which severity and options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any

from kblint.model import Severity

if TYPE_CHECKING:
    from kblint.rulebook import Rule, RuleBook

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
#: Components a KB of the reference kind uses besides the ones above (for `mdx-syntax`).
DEFAULT_KNOWN_COMPONENTS = (
    "Aside",
    "Calc",
    "DataInfoBox",
    "KBF",
    "KeyQuestions",
    "Tabs",
    "TabItem",
    "Card",
    "CardGrid",
    "Badge",
    "Steps",
    "Details",
    "Summary",
)


@dataclass(frozen=True, slots=True)
class Components:
    """Which JSX components mean what (spec §3)."""

    tables: frozenset[str] = frozenset(DEFAULT_TABLE_COMPONENTS)
    diagrams: frozenset[str] = frozenset(DEFAULT_DIAGRAM_COMPONENTS)
    entity_links: frozenset[str] = frozenset({"EntityLink"})
    resource_refs: frozenset[str] = frozenset({"R"})
    known: frozenset[str] = frozenset(DEFAULT_KNOWN_COMPONENTS)

    def is_known(self, name: str) -> bool:
        everything = self.tables | self.diagrams | self.entity_links | self.resource_refs
        return name in self.known or name in everything


@dataclass(frozen=True, slots=True)
class RegistryPaths:
    """Glob patterns (relative to the KB root) of each registry, spec §4; a missing file is fine."""

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
class RuleSetting:
    """One rule's config entry: severity (None keeps the default, "off" disables), options."""

    severity: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    """Settings for files matching `files` (globs on the path relative to the content root)."""

    files: tuple[str, ...]
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    rules: tuple[tuple[str, RuleSetting], ...] = ()

    def applies_to(self, rel_path: str) -> bool:
        return any(fnmatch(rel_path, pattern) for pattern in self.files)


@dataclass(frozen=True, slots=True)
class EffectiveRule:
    rule: Rule
    severity: Severity
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that change what kblint computes and reports."""

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
    git_dates: bool = True
    math: bool = True
    exclude: tuple[str, ...] = ()
    coverage_skip: frozenset[str] = frozenset()
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    rules: tuple[tuple[str, RuleSetting], ...] = ()
    overrides: tuple[Override, ...] = ()
    rule_dirs: tuple[str, ...] = ()
    source: str = "(defaults)"  # the file(s) this came from, for messages

    def is_excluded(self, rel_path: str) -> bool:
        return any(fnmatch(rel_path, pattern) for pattern in self.exclude)

    def effective_rules(self, book: RuleBook, rel_path: str) -> dict[str, EffectiveRule]:
        """Enabled rules for one file, with severities and options after overrides."""
        return self.rules_with(book, self.overrides_for(rel_path))

    def overrides_for(self, rel_path: str) -> tuple[int, ...]:
        """Which overrides apply to a file (positions in `overrides`): all its rules depend on."""
        return tuple(i for i, o in enumerate(self.overrides) if o.applies_to(rel_path))

    def rules_with(self, book: RuleBook, applying: tuple[int, ...]) -> dict[str, EffectiveRule]:
        """Enabled rules, with severities and options after the overrides `applying`."""
        select, ignore = list(self.select), list(self.ignore)
        settings = dict(self.rules)
        for override in (self.overrides[i] for i in applying):
            select = list(override.select) if override.select is not None else select
            ignore += override.ignore
            settings |= dict(override.rules)
        enabled = _selected(book, select, ignore)
        result = {}
        for rule in book.rules:
            if rule.name not in enabled:
                continue
            effective = _apply_setting(rule, _setting_for(rule, settings))
            if effective is not None:
                result[rule.name] = effective
        return result


def _selected(book: RuleBook, select: list[str], ignore: list[str]) -> set[str]:
    """The most specific selector wins (a name or code beats a prefix, a longer prefix beats a
    shorter one); at equal specificity `ignore` wins."""
    verdict: dict[str, tuple[int, bool]] = {}
    for selectors, keep in ((select, True), (ignore, False)):
        for selector in selectors:
            weight = _specificity(book, selector)
            for rule in book.matching(selector):
                current = verdict.get(rule.name)
                if current is None or weight > current[0] or (weight == current[0] and not keep):
                    verdict[rule.name] = (weight, keep)
    return {name for name, (_, keep) in verdict.items() if keep}


def _specificity(book: RuleBook, selector: str) -> int:
    if book.get(selector) is not None:
        return 100
    return 0 if selector.upper() == "ALL" else len(selector)


def _setting_for(rule: Rule, settings: dict[str, RuleSetting]) -> RuleSetting | None:
    return settings.get(rule.name) or settings.get(rule.code)


def _apply_setting(rule: Rule, setting: RuleSetting | None) -> EffectiveRule | None:
    if setting is None:
        return EffectiveRule(rule, rule.severity, dict(rule.options))
    if setting.severity == "off":
        return None
    severity = Severity(setting.severity) if setting.severity else rule.severity
    return EffectiveRule(rule, severity, {**rule.options, **dict(setting.options)})
