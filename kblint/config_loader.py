"""Find, read, merge and validate configuration.

Search: walking up from the first path given (or the working directory) for `kblint.yaml`,
`.kblint.yaml`, or a `pyproject.toml` with a `[tool.kblint]` table; the first folder that has
one wins. `extends` chains to a preset (`default`, `strict`) or another file. Merging: a key in
the child replaces the parent's, except `rules`, `components` and `registries`, which merge key
by key. Every file is validated against `schemas/config.schema.json`; a problem is one
`ConfigError` naming the file, the key path and what is allowed.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kblint import schemas
from kblint.config import Components, Config, Override, RegistryPaths, RuleSetting
from kblint.frontmatter import load_yaml
from kblint.resources import data_dir
from kblint.rulebook import RuleBook, RuleBookError, load_folder
from kblint.rulebook import builtin as builtin_rules

if TYPE_CHECKING:
    from jsonschema import ValidationError

CONFIG_FILES = ("kblint.yaml", ".kblint.yaml", "pyproject.toml")
PRESETS = ("default", "strict")
_MERGED_KEYS = ("rules", "components", "registries", "coverage")


class ConfigError(Exception):
    """An unusable configuration (exit code 2)."""


def find_config(start: Path) -> Path | None:
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in [folder, *folder.parents]:
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "kblint" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_config(path: Path | None, isolated: bool = False) -> tuple[Config, RuleBook]:
    """The effective configuration and rule book (built-in rules plus `rule_dirs`)."""
    if isolated or path is None:
        raw, sources = _resolve_preset("default", set())
        base = path.parent if path else Path.cwd()
    else:
        raw, sources = _resolve_file(path.resolve(), set())
        base = path.resolve().parent
    book = _rule_book(raw, base)
    _check_rule_references(raw, book, " → ".join(sources))
    return _build(raw, base, " → ".join(sources)), book


def _resolve_file(path: Path, seen: set[Path]) -> tuple[dict[str, Any], list[str]]:
    if path in seen:
        raise ConfigError(f"{path}: extends: circular chain of configuration files")
    seen.add(path)
    raw = _read(path)
    _validate(raw, str(path))
    parent_name = raw.get("extends", "default")
    if parent_name in PRESETS:
        parent, sources = _resolve_preset(parent_name, seen)
    else:
        parent_path = (path.parent / parent_name).resolve()
        if not parent_path.is_file():
            raise ConfigError(
                f"{path}: extends: {parent_name!r} is neither a preset "
                f"({', '.join(PRESETS)}) nor a file"
            )
        parent, sources = _resolve_file(parent_path, seen)
    return _merge(parent, raw), [*sources, str(path)]


def _resolve_preset(name: str, seen: set[Path]) -> tuple[dict[str, Any], list[str]]:
    path = data_dir("rules") / "presets" / f"{name}.yaml"
    raw = _read(path)
    _validate(raw, str(path))
    if raw.get("extends") and raw["extends"] != name:
        parent, sources = _resolve_preset(raw["extends"], seen)
        return _merge(parent, raw), [*sources, f"preset {name}"]
    return raw, [f"preset {name}"]


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    try:
        if path.name == "pyproject.toml":
            data = tomllib.loads(text).get("tool", {}).get("kblint", {})
        else:
            data = load_yaml(text)  # YAML 1.2: `KB902: off` stays the string "off"
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(
            f"{path}{where}: not valid YAML: {getattr(error, 'problem', error)}"
        ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of keys")
    return data


def _validate(raw: dict[str, Any], source: str) -> None:
    if schemas.is_valid("config.schema.json", raw):
        return
    errors = list(schemas.validator("config.schema.json").iter_errors(raw))
    if not errors:
        return
    error = min(errors, key=lambda e: (len(list(e.absolute_path)), str(e.message)))
    raise ConfigError(f"{source}: {_describe(error)}")


def _describe(error: ValidationError) -> str:
    key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unexpected = re.findall(r"'([^']+)' (?:was|were) unexpected", error.message)
        extra = unexpected[0] if unexpected else "?"
        hint = _did_you_mean(extra, allowed)
        where = f"{key}." if key != "(top level)" else ""
        return f"{where}{extra}: unknown key{hint}; allowed: {', '.join(allowed)}"
    if error.validator == "enum":
        values = ", ".join(str(v) for v in schema.get("enum", []))
        return f"{key}: {error.instance!r} is not allowed; allowed values: {values}"
    if error.validator == "oneOf" and isinstance(error.instance, str):
        return (
            f"{key}: {error.instance!r} is not allowed; allowed values: off, error, warning, info"
        )
    return f"{key}: {error.message}"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if key == "extends":
            continue
        if key in _MERGED_KEYS and isinstance(value, dict) and isinstance(parent.get(key), dict):
            merged[key] = {**parent[key], **value}
        else:
            merged[key] = value
    return merged


def _rule_book(raw: dict[str, Any], base: Path) -> RuleBook:
    book = builtin_rules()
    extra = []
    for folder in raw.get("rule_dirs", []):
        try:
            extra += load_folder((base / folder).resolve(), allow_checks=False)
        except RuleBookError as error:
            raise ConfigError(str(error)) from error
    if not extra:
        return book
    try:
        return book.with_extra(extra)
    except RuleBookError as error:
        raise ConfigError(str(error)) from error


def _check_rule_references(raw: dict[str, Any], book: RuleBook, source: str) -> None:
    places: list[tuple[str, list[str]]] = [
        ("select", list(raw.get("select", []))),
        ("ignore", list(raw.get("ignore", []))),
        ("rules", list(raw.get("rules", {}))),
    ]
    for index, override in enumerate(raw.get("overrides", [])):
        for key in ("select", "ignore"):
            places.append((f"overrides.{index}.{key}", list(override.get(key, []))))
        places.append((f"overrides.{index}.rules", list(override.get("rules", {}))))
    names = [rule.name for rule in book.rules]
    for key, selectors in places:
        for selector in selectors:
            if not book.matching(selector):
                hint = _did_you_mean(selector, names)
                raise ConfigError(
                    f"{source}: {key}: unknown rule or code prefix {selector!r}{hint}"
                )


def _build(raw: dict[str, Any], base: Path, source: str) -> Config:
    defaults = Config()
    sections = raw.get("sections", defaults.sections)
    return Config(
        content_root=raw.get("content_root", defaults.content_root),
        sections=tuple(sections) if sections is not None else None,
        include_root_files=raw.get("include_root_files", defaults.include_root_files),
        components=_components(raw.get("components", {})),
        registries=_registries(raw.get("registries", {})),
        default_clusters=tuple(raw.get("default_clusters", defaults.default_clusters)),
        external_footnote_pattern=_footnote_pattern(raw, defaults, source),
        git_dates=raw.get("git_dates", defaults.git_dates),
        math=raw.get("math", defaults.math),
        exclude=tuple(raw.get("exclude", ())),
        coverage_skip=frozenset(raw.get("coverage", {}).get("skip", ())),
        select=tuple(raw.get("select", defaults.select)),
        ignore=tuple(raw.get("ignore", ())),
        rules=_rule_settings(raw.get("rules", {})),
        overrides=tuple(_override(item) for item in raw.get("overrides", [])),
        rule_dirs=tuple(str((base / d).resolve()) for d in raw.get("rule_dirs", [])),
        source=source,
    )


def _footnote_pattern(raw: dict[str, Any], defaults: Config, source: str) -> str | None:
    pattern = raw.get("external_footnote_pattern", defaults.external_footnote_pattern)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                f"{source}: external_footnote_pattern: invalid regex: {error}"
            ) from error
    return pattern


def _components(raw: dict[str, Any]) -> Components:
    defaults = Components()
    return Components(
        **{
            key: frozenset(raw[key]) if key in raw else getattr(defaults, key)
            for key in ("tables", "diagrams", "entity_links", "resource_refs", "known")
        }
    )


def _registries(raw: dict[str, Any]) -> RegistryPaths:
    defaults = RegistryPaths()
    keys = ("entities", "resources", "citation_stats", "edit_log", "external_links")
    return RegistryPaths(**{key: tuple(raw.get(key, getattr(defaults, key))) for key in keys})


def _rule_settings(raw: dict[str, Any]) -> tuple[tuple[str, RuleSetting], ...]:
    settings = []
    for name, value in raw.items():
        if isinstance(value, str):
            settings.append((name, RuleSetting(severity=value)))
        else:
            options = tuple(sorted((value.get("options") or {}).items()))
            settings.append((name, RuleSetting(value.get("severity"), options)))
    return tuple(settings)


def _override(raw: dict[str, Any]) -> Override:
    select = raw.get("select")
    return Override(
        files=tuple(raw["files"]),
        select=tuple(select) if select is not None else None,
        ignore=tuple(raw.get("ignore", ())),
        rules=_rule_settings(raw.get("rules", {})),
    )
