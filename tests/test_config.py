"""Configuration: discovery, extends/presets, merging, validation errors, overrides, selection."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kblint.analysis import RunContext
from kblint.cli import app
from kblint.config_loader import ConfigError, find_config, load_config
from kblint.gitdates import GitDates
from kblint.model import Severity
from kblint.registries import Registries


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_config_walks_up_and_prefers_kblint_yaml(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.kblint]\ncontent_root = 'docs'\n")
    nested = tmp_path / "content" / "docs" / "risks"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "pyproject.toml"
    write(tmp_path / "content" / "kblint.yaml", "content_root: docs\n")
    assert find_config(nested) == tmp_path / "content" / "kblint.yaml"


def test_pyproject_without_tool_table_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml", "[tool.kblint]\ncontent_root = 'wiki'\nmath = false\n"
    )
    config, _ = load_config(path)
    assert config.content_root == "wiki"
    assert config.math is False


def test_defaults_without_a_file() -> None:
    config, book = load_config(None)
    assert config.content_root == "content/docs"
    assert "frontmatter-parse" in config.effective_rules(book, "a.mdx")


def test_extends_a_file_merges_rules_key_by_key(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "rules:\n  mdx-syntax: warning\n  invalid-suppression: info\n")
    path = write(
        tmp_path / "kblint.yaml",
        "extends: base.yaml\nrules:\n  mdx-syntax: error\n  unused-suppression: 'off'\n",
    )
    config, book = load_config(path)
    rules = config.effective_rules(book, "x.mdx")
    assert rules["mdx-syntax"].severity is Severity.ERROR
    assert rules["invalid-suppression"].severity is Severity.INFO  # inherited
    assert "unused-suppression" not in rules  # turned off
    assert config.source.endswith("kblint.yaml")
    assert "base.yaml" in config.source


def test_circular_extends_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    path = write(tmp_path / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ConfigError, match="circular"):
        load_config(path)


def test_unknown_key_names_file_key_and_allowed_values(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "content_rot: docs\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert "content_rot: unknown key (did you mean 'content_root'?)" in message
    assert "allowed: " in message and "content_root" in message


def test_unknown_nested_key_gives_the_key_path(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "components:\n  diagram: [Mermaid]\n")
    with pytest.raises(
        ConfigError, match=r"components\.diagram: unknown key \(did you mean 'diagrams'\?\)"
    ):
        load_config(path)


def test_bad_severity_lists_allowed_values(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "rules:\n  mdx-syntax: fatal\n")
    with pytest.raises(
        ConfigError,
        match="rules.mdx-syntax: 'fatal' is not allowed; allowed values: off, error, warning, info",
    ):
        load_config(path)


def test_unknown_rule_in_select_is_an_error_with_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "select: [mdx-unclosd]\n")
    with pytest.raises(
        ConfigError,
        match="select: unknown rule or code prefix 'mdx-unclosd' \\(did you mean 'mdx-unclosed'\\?\\)",
    ):
        load_config(path)


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "rules:\n  mdx-syntax: [error\n")
    with pytest.raises(ConfigError, match=r"kblint\.yaml:\d+:\d+: not valid YAML"):
        load_config(path)


def test_select_ignore_most_specific_wins(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "select: [KB0]\nignore: [KB00]\nrules: {}\n")
    config, book = load_config(path)
    names = set(config.effective_rules(book, "x.mdx"))
    assert names == set()  # KB00 is more specific than KB0 and covers KB001–KB006
    path = write(tmp_path / "kblint.yaml", "select: [KB0, mdx-syntax]\nignore: [KB00]\n")
    config, book = load_config(path)
    assert set(config.effective_rules(book, "x.mdx")) == {"mdx-syntax"}


def test_per_path_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path / "kblint.yaml",
        "overrides:\n"
        "  - files: ['drafts/**']\n"
        "    ignore: [mdx-syntax]\n"
        "    rules:\n"
        "      mdx-unclosed: warning\n",
    )
    config, book = load_config(path)
    draft = config.effective_rules(book, "drafts/new-page.mdx")
    live = config.effective_rules(book, "risks/scheming.mdx")
    assert "mdx-syntax" not in draft and "mdx-syntax" in live
    assert draft["mdx-unclosed"].severity is Severity.WARNING
    assert live["mdx-unclosed"].severity is Severity.ERROR


def test_a_run_works_out_the_rules_once_per_set_of_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path / "kblint.yaml",
        "overrides:\n"
        "  - files: ['drafts/**']\n"
        "    ignore: [mdx-syntax]\n"
        "  - files: ['**/scheming.mdx', 'drafts/old-*']\n"
        "    rules:\n"
        "      mdx-unclosed: warning\n",
    )
    config, book = load_config(path)
    context = RunContext(config, Registries(), GitDates(), datetime.now(UTC), book)
    files = ["drafts/a.mdx", "drafts/old-b.mdx", "risks/scheming.mdx", "risks/x.mdx", "y.mdx"]
    for rel_path in files * 2:
        assert context.rules_for(rel_path) == config.effective_rules(book, rel_path)
    assert sorted(context.rules_memo) == [(), (0,), (0, 1), (1,)]
    context.rules_for("drafts/a.mdx").clear()  # a caller's copy: the memo keeps its own
    assert context.rules_for("drafts/a.mdx") == config.effective_rules(book, "drafts/a.mdx")


def test_isolated_ignores_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "kblint.yaml", "content_root: elsewhere\n")
    config, _ = load_config(path, isolated=True)
    assert config.content_root == "content/docs"


def test_cli_exits_2_on_a_bad_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "kblint.yaml", "selekt: [ALL]\n")
    write(tmp_path / "content" / "docs" / "a" / "b.mdx", "---\ntitle: B\n---\nText.\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "kblint.yaml: selekt: unknown key (did you mean 'select'?)" in result.output


def test_cli_isolated_and_config_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "kblint.yaml", "selekt: [ALL]\n")
    write(tmp_path / "content" / "docs" / "a" / "b.mdx", "---\ntitle: B\n---\nText.\n")
    good = write(tmp_path / "other.yaml", "git_dates: false\n")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["check", "--isolated"]).exit_code == 0
    assert CliRunner().invoke(app, ["check", "--config", str(good)]).exit_code == 0
    missing = CliRunner().invoke(app, ["check", "--config", "nope.yaml"])
    assert missing.exit_code == 2 and "--config: nope.yaml: no such file" in missing.output
