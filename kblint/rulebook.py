"""The rule book: one YAML file per rule in `rules/` (code, name, summary, severity, docs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kblint.model import Severity
from kblint.resources import data_dir


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    family: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""


class RuleBook:
    """All known rules, by name and by code."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = sorted(rules, key=lambda rule: rule.code)
        self.by_name = {rule.name: rule for rule in self.rules}
        self.by_code = {rule.code: rule for rule in self.rules}

    def get(self, key: str) -> Rule | None:
        return self.by_name.get(key) or self.by_code.get(key.upper())


def _load_rule(path: Path) -> Rule:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Rule(
        code=str(raw["code"]),
        name=str(raw["name"]),
        summary=str(raw["summary"]),
        severity=Severity(raw["severity"]),
        family=str(raw.get("family", "")),
        docs=dict(raw.get("docs") or {}),
        options=dict(raw.get("options") or {}),
        source=str(path),
    )


@cache
def builtin() -> RuleBook:
    folder = data_dir("rules")
    return RuleBook([_load_rule(path) for path in sorted(folder.glob("*.yaml"))])
