"""The rule book: one YAML file per rule (code, name, summary, severity, options, docs).

Built-in rules live in `rules/`; a team adds its own declarative rules with `rule_dirs`. Every
file is validated against `schemas/rule.schema.json`, and a rule's regex is compiled and checked
for nested unbounded repetition (the shape that backtracks catastrophically) when it is loaded,
so a bad rule is one clear error naming its file — never a hang in the middle of a run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kblint import schemas
from kblint.frontmatter import load_yaml
from kblint.model import Severity
from kblint.regexfilter import Requirement, Starts, requirement, starts, with_first_char_hint
from kblint.resources import data_dir

# The stdlib regex parser, to inspect a pattern's structure (private, but stable since 3.11).
sre_parse: Any = importlib.import_module("re._parser")
_UNBOUNDED = 65535  # sre's MAXREPEAT as the parser reports it


class RuleBookError(Exception):
    """A rule file that cannot be used; the message names the file."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A declarative rule's matcher."""

    regex: re.Pattern[str]
    message: str
    applies_to: str = "prose"
    #: Literal words every match contains: text without them is not searched (regexfilter).
    requirement: Requirement | None = None
    #: Literals every match starts with: the regex is tried only where they are (regexfilter).
    starts: Starts | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    paths: tuple[str, ...] = ()
    content_formats: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    family: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    check: str | None = None
    pattern: Pattern | None = None
    scope: Scope = field(default_factory=Scope)
    builtin: bool = False
    fixable: bool = False
    fix_safety: str = "safe"
    source: str = ""

    @property
    def docs_url(self) -> str:
        """Where the rule's documentation lives (`kblint explain` prints the same text)."""
        return f"https://kblint.dev/rules/{self.name}"


class RuleBook:
    """All known rules, by name and by code."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = sorted(rules, key=lambda rule: rule.code)
        self.by_name: dict[str, Rule] = {}
        self.by_code: dict[str, Rule] = {}
        for rule in self.rules:
            for index, key in ((self.by_name, rule.name), (self.by_code, rule.code)):
                if key in index:
                    raise RuleBookError(
                        f"{rule.source}: {key} is already defined in {index[key].source}"
                    )
                index[key] = rule

    def get(self, key: str) -> Rule | None:
        return self.by_name.get(key) or self.by_code.get(key.upper())

    def matching(self, selector: str) -> list[Rule]:
        """Rules a select/ignore entry means: a name, a code, or a code prefix (`KB1`, `ALL`)."""
        rule = self.get(selector)
        if rule is not None:
            return [rule]
        prefix = selector.upper()
        if prefix == "ALL":
            return list(self.rules)
        return [r for r in self.rules if prefix.startswith("KB") and r.code.startswith(prefix)]

    def with_extra(self, rules: Iterable[Rule]) -> RuleBook:
        return RuleBook([*self.rules, *rules])


def load_rule(path: Path, allow_checks: bool = True, validate: bool = True) -> Rule:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise RuleBookError(f"{path}: cannot read rule: {error}") from error
    if validate:
        _validate(path, raw)
    if raw.get("check") and not allow_checks:
        raise RuleBookError(f"{path}: team rules must be declarative (a `pattern`), not `check`")
    return Rule(
        code=raw["code"],
        name=raw["name"],
        summary=raw["summary"],
        severity=Severity(raw["severity"]),
        family=raw.get("family", ""),
        docs=dict(raw["docs"]),
        options=dict(raw.get("options") or {}),
        check=raw.get("check"),
        pattern=_pattern(path, raw["name"], raw.get("pattern")),
        scope=_scope(raw.get("scope") or {}),
        builtin=bool(raw.get("builtin", False)),
        fixable=bool(raw.get("fixable", False)),
        fix_safety=raw.get("fix_safety", "safe"),
        source=str(path),
    )


def _validate(path: Path, raw: Any) -> None:
    if schemas.is_valid("rule.schema.json", raw):
        return
    validator = schemas.validator("rule.schema.json")
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "(rule)"
        raise RuleBookError(f"{path}: {where}: {errors[0].message}")


def _scope(raw: dict[str, Any]) -> Scope:
    return Scope(
        paths=tuple(raw.get("paths", ())),
        content_formats=tuple(raw.get("contentFormat", ())),
        entity_types=tuple(raw.get("entityTypes", ())),
    )


def _pattern(path: Path, name: str, raw: dict[str, Any] | None) -> Pattern | None:
    if raw is None:
        return None
    flags = re.IGNORECASE if raw.get("ignore_case", True) else 0
    if "words" in raw:
        source = r"\b(?:" + "|".join(re.escape(word) for word in raw["words"]) + r")\b"
    else:
        source = raw["regex"]
    try:
        compiled = re.compile(with_first_char_hint(source, flags), flags)
    except re.error as error:
        raise RuleBookError(f"{path}: rule {name}: invalid regex: {error}") from error
    if backtracking_risk(source):
        raise RuleBookError(
            f"{path}: rule {name}: regex nests unbounded repetition (like `(a+)+`), which can "
            "take exponential time; rewrite it without the nested quantifier"
        )
    return Pattern(
        compiled,
        raw["message"],
        raw.get("applies_to", "prose"),
        requirement(source, flags),
        starts(source, flags),
    )


def backtracking_risk(source: str) -> bool:
    """True when an unbounded repeat contains another unbounded repeat (`(a+)+`, `(\\w*)*`)."""
    try:
        parsed = sre_parse.parse(source)
    except re.error:
        return False
    return _nested_unbounded(parsed, inside_unbounded=False)


def _nested_unbounded(items: Any, inside_unbounded: bool) -> bool:
    for op, argument in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _, high, body = argument
            unbounded = high == _UNBOUNDED or high is sre_parse.MAXREPEAT
            if unbounded and inside_unbounded and name != "POSSESSIVE_REPEAT":
                return True
            if _nested_unbounded(body, inside_unbounded or unbounded):
                return True
        elif name == "SUBPATTERN":
            if _nested_unbounded(argument[-1], inside_unbounded):
                return True
        elif name == "BRANCH" and any(
            _nested_unbounded(branch, inside_unbounded) for branch in argument[1]
        ):
            return True
    return False


def load_folder(folder: Path, allow_checks: bool, validate: bool = True) -> list[Rule]:
    if not folder.is_dir():
        raise RuleBookError(f"{folder}: rule directory does not exist")
    return [load_rule(path, allow_checks, validate) for path in sorted(folder.glob("*.yaml"))]


@cache
def builtin() -> RuleBook:
    """The rule book shipped with kblint. Its files are validated against the rule schema by the
    test suite, so a normal run skips that (importing jsonschema alone costs ~50 ms)."""
    return RuleBook(load_folder(data_dir("rules"), allow_checks=True, validate=False))
