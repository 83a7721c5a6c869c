"""Declarative rules (KB701–KB703) and team rules loaded with `rule_dirs` (no Python).

A declarative rule's regex runs over the prose only: code, comments, JSX attributes, URLs and the
frontmatter are blanked, so a match there is never reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, NOW, article_from_text
from kblint.cli import app
from kblint.config_loader import ConfigError, load_config
from kblint.engine import RunOptions, run
from kblint.rulebook import Rule, builtin
from kblint.runner import pattern_hits
from kblint.workspace import open_workspace

TEAM_RULES = FIXTURES / "team-rules"
DECLARATIVE = ("weasel-attribution", "absolute-claims", "link-text-click-here")


def rule(name: str) -> Rule:
    found = builtin().get(name)
    assert found is not None and found.pattern is not None
    return found


def matches(name: str, text: str) -> list[tuple[int, int, str]]:
    article = article_from_text(text)
    result = []
    for hit in pattern_hits(rule(name), article):
        assert hit.offset is not None and hit.end_offset is not None
        position = article.position(hit.offset)
        result.append((position.line, position.column, text[hit.offset : hit.end_offset]))
    return result


HEAD = "---\ntitle: Example\n---\nimport {EntityLink, R, Aside} from '@components/wiki';\n\n"


@pytest.mark.parametrize(
    ("name", "prose", "matched"),
    [
        ("weasel-attribution", "Many experts believe it.", "Many experts believe"),
        ("weasel-attribution", "It is widely\nthought to be rare.", "It is widely\nthought"),
        ("weasel-attribution", "Some researchers argue otherwise.", "Some researchers argue"),
        ("weasel-attribution", "It has been suggested that", "It has been suggested"),
        ("absolute-claims", "This obviously fails.", "obviously"),
        ("absolute-claims", "The result clearly shows that probes work.", "clearly shows that"),
        ("absolute-claims", "It proves beyond any doubt that", "proves beyond any doubt"),
        ("link-text-click-here", "For details, [click here](https://metr.org/).", "click here"),
        ("link-text-click-here", "The report is at this link.", "at this link"),
    ],
)
def test_declarative_rules_match_prose(name: str, prose: str, matched: str) -> None:
    [(line, _, text)] = matches(name, HEAD + prose + "\n")
    assert (line, text) == (6, matched)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("weasel-attribution", "many experts believe"),
        ("absolute-claims", "obviously"),
        ("link-text-click-here", "click here"),
    ],
)
def test_declarative_rules_ignore_everything_but_prose(name: str, phrase: str) -> None:
    slug = phrase.replace(" ", "-")
    text = (
        f"---\ntitle: Example\ndescription: {phrase}\n---\n"
        "import {EntityLink, R, Aside} from '@components/wiki';\n\n"
        f"`{phrase}` and {{/* {phrase} */}} and <!-- x -->\n"
        f'<Aside title="{phrase}">Nothing to see.</Aside>\n'
        f"[the METR report](https://example.org/{slug}) and https://example.org/{slug}\n"
        f"```\n{phrase}\n```\n"
        f'<R id="{slug}" note="{phrase}">the METR report</R>\n'
    )
    assert matches(name, text) == []


def test_declarative_rules_report_positions_and_messages() -> None:
    text = HEAD + "| Claim | Note |\n|---|---|\n| Probes | Obviously robust |\n"
    article = article_from_text(text)
    [hit] = pattern_hits(rule("absolute-claims"), article)
    assert hit.offset is not None
    assert article.position(hit.offset).line == 8
    assert article.position(hit.offset).column == 12
    assert hit.message == (
        'absolute claim "Obviously": say what the evidence shows and how strong it is'
    )


def test_declarative_rules_are_info_with_codes_kb70x() -> None:
    assert [(rule(n).code, rule(n).severity.value) for n in DECLARATIVE] == [
        ("KB701", "info"),
        ("KB702", "info"),
        ("KB703", "info"),
    ]


# -- team rules -----------------------------------------------------------------------------------


def team_kb(root: Path, config_extra: str = "") -> Path:
    article = (
        "---\ntitle: Frontier Labs\n---\n\n## Overview\n\n"
        "Researchers at Deepmind and Open AI published evaluations;\n"
        "we believe the results matter. `Open AI` in code is fine.\n"
    )
    for rel in ("knowledge-base/labs.md", "essays/labs.md"):
        path = root / "content" / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article, encoding="utf-8")
    config = root / "kblint.yaml"
    config.write_text(
        f"git_dates: false\nrule_dirs: [{TEAM_RULES.as_posix()}]\n{config_extra}", encoding="utf-8"
    )
    return config


def test_team_rule_dir_runs_declarative_rules_without_python(tmp_path: Path) -> None:
    config_file = team_kb(tmp_path)
    config, book = load_config(config_file)
    assert book.get("lab-name-spelling") is not None and book.get("KB902") is not None
    workspace = open_workspace(tmp_path, config, config_file)
    report = run(workspace, book, workspace.all_articles(), RunOptions(NOW))
    found = sorted(
        (Path(f.path).parts[-2], f.line, f.column, f.code, f.severity.value)
        for f in report.findings
        if f.code.startswith("KB9")
    )
    assert found == [
        ("essays", 7, 16, "KB901", "warning"),
        ("essays", 7, 29, "KB901", "warning"),
        ("knowledge-base", 7, 16, "KB901", "warning"),
        ("knowledge-base", 7, 29, "KB901", "warning"),
        ("knowledge-base", 8, 1, "KB902", "info"),  # scope: knowledge-base/* only
    ]
    messages = {f.message for f in report.findings if f.code == "KB901"}
    assert 'lab name "Deepmind" is misspelled: write OpenAI, Google DeepMind or Anthropic' in messages


def test_team_rules_can_be_configured_like_builtin_ones(tmp_path: Path) -> None:
    config_file = team_kb(tmp_path, "rules:\n  lab-name-spelling: error\n  KB902: \"off\"\n")
    config, book = load_config(config_file)
    workspace = open_workspace(tmp_path, config, config_file)
    report = run(workspace, book, workspace.all_articles(), RunOptions(NOW))
    team = {(f.code, f.severity.value) for f in report.findings if f.code.startswith("KB9")}
    assert team == {("KB901", "error")}


def test_team_rules_must_not_name_python_checks(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "sneaky.yaml").write_text(
        "code: KB950\nname: sneaky\nsummary: Runs code.\nseverity: info\n"
        "check: prose.placeholder_text\n"
        "docs: {what: x, why: x, fails: x, passes: x}\n",
        encoding="utf-8",
    )
    (tmp_path / "kblint.yaml").write_text("rule_dirs: [rules]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="team rules must be declarative"):
        load_config(tmp_path / "kblint.yaml")


def _team_rule(tmp_path: Path, regex: str) -> Path:
    rules = tmp_path / "team-rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        "code: KB950\nname: bad-pattern\nsummary: A team rule.\nseverity: info\n"
        f"pattern:\n  regex: '{regex}'\n  message: 'found {{match}}'\n"
        "docs: {what: w, why: w, fails: f, passes: p}\n",
        encoding="utf-8",
    )
    (tmp_path / "kblint.yaml").write_text("rule_dirs: [team-rules]\n", encoding="utf-8")
    (tmp_path / "content" / "docs" / "a").mkdir(parents=True)
    (tmp_path / "content" / "docs" / "a" / "b.mdx").write_text("---\ntitle: B\n---\nText.\n", encoding="utf-8")
    return rules / "bad.yaml"


def test_team_rule_with_a_bad_regex_is_a_clear_config_error(tmp_path: Path) -> None:
    path = _team_rule(tmp_path, "(unclosed")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{path}: rule bad-pattern: invalid regex: missing ), unterminated subpattern" in result.output


def test_team_rule_that_could_backtrack_forever_is_refused(tmp_path: Path) -> None:
    path = _team_rule(tmp_path, "(a+)+$")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{path}: rule bad-pattern: regex nests unbounded repetition" in result.output
