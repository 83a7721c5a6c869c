"""Inline suppression: next-line, line, range, file; by code or name; several; none = all."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW
from kblint.config import Config
from kblint.engine import RunOptions, run
from kblint.rulebook import builtin
from kblint.suppress import Covering, Directive, build
from kblint.workspace import open_workspace

UNCLOSED = '<Aside type="note">'


def lint(tmp_path: Path, body: str, warn_unused: bool = False) -> list[tuple[int, str]]:
    article = tmp_path / "content" / "docs" / "risks" / "page.mdx"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text("---\ntitle: Page\n---\n" + body, encoding="utf-8")
    config = Config(git_dates=False)
    workspace = open_workspace(tmp_path, config)
    report = run(workspace, builtin(), [article], RunOptions(NOW, warn_unused))
    return [(f.line, f.rule) for f in report.findings]


def test_unsuppressed_baseline(tmp_path: Path) -> None:
    assert lint(tmp_path, f"Intro.\n\n{UNCLOSED}\nText.\n") == [(6, "mdx-unclosed")]


def test_next_line_by_name_and_by_code(tmp_path: Path) -> None:
    for rule in ("mdx-unclosed", "KB003", "kb003"):
        body = f"Intro.\n\n{{/* kblint-disable-next-line {rule} */}}\n{UNCLOSED}\nText.\n"
        assert lint(tmp_path, body) == [], rule


def test_next_line_for_another_rule_does_not_suppress(tmp_path: Path) -> None:
    body = f"Intro.\n\n{{/* kblint-disable-next-line mdx-syntax */}}\n{UNCLOSED}\nText.\n"
    assert lint(tmp_path, body) == [(7, "mdx-unclosed")]


def test_html_comment_form_and_several_rules(tmp_path: Path) -> None:
    body = (
        f"Intro.\n\n<!-- kblint-disable-next-line mdx-syntax, mdx-unclosed -->\n{UNCLOSED}\nText.\n"
    )
    assert lint(tmp_path, body) == []


def test_disable_line(tmp_path: Path) -> None:
    body = f"Intro.\n\n{UNCLOSED} {{/* kblint-disable-line */}}\nText.\n"
    assert lint(tmp_path, body) == []


def test_range_disable_enable(tmp_path: Path) -> None:
    inside = (
        f"{{/* kblint-disable mdx-unclosed */}}\n{UNCLOSED}\n{{/* kblint-enable mdx-unclosed */}}\n"
    )
    assert lint(tmp_path, "Intro.\n\n" + inside + "Text.\n") == []
    after = (
        f"{{/* kblint-disable mdx-unclosed */}}\nA.\n{{/* kblint-enable */}}\n{UNCLOSED}\nText.\n"
    )
    assert lint(tmp_path, "Intro.\n\n" + after) == [(9, "mdx-unclosed")]


def test_disable_file_anywhere(tmp_path: Path) -> None:
    body = f"Intro.\n\n{UNCLOSED}\nText.\n\n{{/* kblint-disable-file */}}\n"
    assert lint(tmp_path, body) == []


def test_unknown_rule_in_directive_is_a_warning(tmp_path: Path) -> None:
    body = f"Intro.\n\n{{/* kblint-disable-next-line mdx-unclosd */}}\n{UNCLOSED}\nText.\n"
    assert lint(tmp_path, body) == [(6, "invalid-suppression"), (7, "mdx-unclosed")]


def test_unused_suppressions_only_when_asked(tmp_path: Path) -> None:
    body = "Intro.\n\n{/* kblint-disable-next-line mdx-unclosed */}\nAll closed here.\n"
    assert lint(tmp_path, body) == []
    assert lint(tmp_path, body, warn_unused=True) == [(6, "unused-suppression")]


# A directive on `line` whose comment runs over `extra` more lines.
_DIRECTIVES = st.lists(
    st.builds(
        lambda kind, rules, line, extra: Directive(kind, rules, line, 1, line + extra),
        kind=st.sampled_from(
            ["disable-next-line", "disable-line", "disable-file", "disable", "enable"]
        ),
        rules=st.sampled_from([(), ("weasel-attribution",), ("kb701", "placeholder-text")]),
        line=st.integers(1, 30),
        extra=st.integers(0, 2),
    ),
    max_size=12,
).map(lambda found: sorted(found, key=lambda d: d.line))


@settings(max_examples=300, deadline=None)
@given(_DIRECTIVES)
def test_covering_finds_every_suppression_of_a_line(directives: list[Directive]) -> None:
    """Looking suppressions up by line finds exactly those whose lines include it."""
    suppressions = build(directives)
    covering = Covering(suppressions)
    for line in range(1, 40):
        expected = [id(s) for s in suppressions if s.first <= line <= s.last]
        assert sorted(id(s) for s in covering.at(line)) == sorted(expected)
