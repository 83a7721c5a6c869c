"""The command line as a user meets it: exit codes, plain output, bad input, subsets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_KB
from kblint.cli import app

GOOD = "---\ntitle: Good Page\nquality: 50\n---\n\n## Overview\n\nA short but valid article.\n"


def make_kb(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, content in files.items():
        path = root / "content" / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    return root


def check(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess (no TTY: plain output)."""
    return subprocess.run(
        [sys.executable, "-m", "kblint", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_clean_kb_exits_0_with_summary(tmp_path: Path) -> None:
    make_kb(tmp_path, {"kb/risks/good.mdx": GOOD})
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "content/docs/kb/risks/good.mdx"
    assert result.stdout.splitlines()[-1].startswith("1 article · 0 errors · 0 warnings")
    assert "\x1b[" not in result.stdout  # no colour codes in a pipe


def test_a_run_that_finds_no_article_says_where_it_looked_and_what_it_passed_over(
    tmp_path: Path,
) -> None:
    make_kb(tmp_path, {"index.mdx": GOOD, "about.md": GOOD})
    result = check(tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1].startswith("0 articles · 0 errors")
    assert result.stderr == (
        "kblint: no articles found below content/docs; files directly in it (about.md, "
        "index.mdx) are articles only with `include_root_files: true`\n"
    )
    (tmp_path / "kblint.yaml").write_text("git_dates: false\ninclude_root_files: true\n")
    with_them = check(tmp_path)
    assert with_them.stdout.splitlines()[-1].startswith("2 articles · 0 errors")
    assert with_them.stderr == ""


def test_error_finding_exits_1_and_other_files_are_still_checked(tmp_path: Path) -> None:
    make_kb(
        tmp_path,
        {
            "kb/a/broken.mdx": '---\ntitle: "Broken\n---\nText.\n',
            "kb/a/binary.md": b"\x00\x01\x02PNG",
            "kb/a/latin1.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
            "kb/a/unclosed.mdx": GOOD + "\n```python\nprint('never closed')\n",
            "kb/b/good.mdx": GOOD,
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "content/docs/kb/a/broken.mdx:2:8 error KB002 frontmatter-parse" in out
    assert (
        "content/docs/kb/a/binary.md:1:1 error KB001 file-unreadable cannot read file: looks like a binary file"
        in out
    )
    assert (
        "content/docs/kb/a/latin1.md:2:11 error KB001 file-unreadable file is not valid UTF-8: byte 0xE9 cannot be decoded"
        in out
    )
    assert (
        "content/docs/kb/a/unclosed.mdx:10:1 error KB003 mdx-unclosed code fence ``` is never closed"
        in out
    )
    assert "content/docs/kb/b/good.mdx" in out
    assert "5 articles · 4 errors" in out
    assert "Traceback" not in result.stderr + out


def test_empty_and_frontmatter_only_files(tmp_path: Path) -> None:
    make_kb(tmp_path, {"kb/a/empty.mdx": "", "kb/a/only-fm.mdx": "---\ntitle: Only\n---\n"})
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 articles · 0 errors" in result.stdout


def test_crlf_and_bom_positions(tmp_path: Path) -> None:
    text = '---\r\ntitle: "Broken\r\n---\r\nText.\r\n'
    make_kb(
        tmp_path, {"kb/a/crlf.mdx": text, "kb/a/bom.mdx": "\ufeff" + text.replace("\r\n", "\n")}
    )
    out = check(tmp_path).stdout
    assert "content/docs/kb/a/crlf.mdx:2:8 error KB002" in out
    assert "content/docs/kb/a/bom.mdx:2:8 error KB002" in out


def test_no_color_flag_and_env(tmp_path: Path) -> None:
    make_kb(tmp_path, {"kb/a/good.mdx": GOOD})
    forced = check(tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    assert "\x1b[" not in check(tmp_path, "--no-color", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in check(tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    make_kb(tmp_path, {"kb/a/good.mdx": GOOD})
    result = check(tmp_path, "does/not/exist.mdx")
    assert result.returncode == 2
    assert "kblint: does/not/exist.mdx: no such file or directory" in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    assert check(tmp_path, "--frobnicate").returncode == 2


def test_bad_now_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["record", str(EXAMPLE_KB), "--now", "yesterday"])
    assert result.exit_code == 2
    assert "--now: 'yesterday' is not an ISO 8601 date or date-time" in result.output


def test_record_formats(tmp_path: Path) -> None:
    make_kb(tmp_path, {"kb/a/good.mdx": GOOD})
    runner = CliRunner()
    as_json = runner.invoke(app, ["record", str(tmp_path), "--now", "2026-03-14"])
    assert json.loads(as_json.stdout)[0]["pageRecord"]["id"] == "good"
    as_yaml = runner.invoke(app, ["record", str(tmp_path), "--format", "yaml"])
    assert "pageRecord:\n    id: good\n" in as_yaml.stdout
    table = runner.invoke(app, ["record", str(tmp_path), "--format", "table", "--no-color"])
    assert "good" in table.stdout and "article" in table.stdout


def test_default_paths_use_content_docs_below_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_kb(tmp_path, {"kb/a/good.mdx": GOOD})
    (tmp_path / "stray.mdx").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0  # stray.mdx is outside the content root
    assert "1 article " in result.stdout


def test_large_article_is_handled(tmp_path: Path) -> None:
    paragraph = (
        "Mesa-optimizers may pursue goals that differ from the base objective. " * 12 + "\n\n"
    )
    table = "| a | b |\n|---|---|\n" + "| x | [y](https://example.org/y) |\n" * 20 + "\n"
    body = (paragraph + table) * 3300  # about 5 MB
    assert len(body) > 5_000_000
    make_kb(tmp_path, {"kb/a/huge.mdx": "---\ntitle: Huge\n---\n" + body})
    result = check(tmp_path)
    assert result.returncode in (0, 1)
    assert "1 article" in result.stdout


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(app, ["--help"])
    text = " ".join(result.output.split())
    assert "Exit codes: 0 no findings at or above --fail-on (default: error);" in text
    assert "2 usage, configuration or internal error." in text


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kblint", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("kblint ")


def test_piped_check_never_imports_rich() -> None:
    """rich is for terminals; a pre-commit or CI run should not pay for importing it."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kblint", "check", str(EXAMPLE_KB)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "", "FORCE_COLOR": ""},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "articles ·" in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "rich" not in imported and "rich.console" not in imported
