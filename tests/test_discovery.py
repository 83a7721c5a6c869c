"""Which files are articles, and in what order the walk visits them (spec §1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kblint.discovery import walk


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n", encoding="utf-8")


def test_byte_order_depth_first_files_and_folders_interleaved(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _tree(
        root,
        [
            "kb/b.mdx",
            "kb/B.mdx",  # upper case sorts before lower case in bytes
            "kb/a/z.md",
            "kb/a.mdx",  # after the folder "a" and all it holds: "a" is a prefix of "a.mdx"
            "kb/_under.mdx",
            "kb/notes.txt",
            "kb/Loud.MDX",
            "kb/deep/er/x.mdx",
            "other/y.mdx",
        ],
    )
    found = [path.relative_to(root).as_posix() for path in walk(root)]
    assert found == [
        "kb/B.mdx",
        "kb/Loud.MDX",
        "kb/_under.mdx",
        "kb/a/z.md",
        "kb/a.mdx",
        "kb/b.mdx",
        "kb/deep/er/x.mdx",
        "other/y.mdx",
    ]


def test_hidden_and_dependency_folders_and_root_files_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _tree(
        root,
        [
            "index.mdx",
            "kb/.draft.mdx",
            "kb/.cache/x.mdx",
            "kb/node_modules/pkg/readme.md",
            "kb/__pycache__/x.md",
            "kb/page.mdx",
        ],
    )
    assert [p.relative_to(root).as_posix() for p in walk(root)] == ["kb/page.mdx"]
    with_root = [p.relative_to(root).as_posix() for p in walk(root, include_root_files=True)]
    assert with_root == ["index.mdx", "kb/page.mdx"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlinked_folders_are_not_followed_but_symlinked_files_are_read(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _tree(root, ["kb/page.mdx"])
    _tree(tmp_path, ["elsewhere/far.mdx"])
    (root / "kb" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "kb" / "alias.mdx").symlink_to(root / "kb" / "page.mdx")
    found = [path.relative_to(root).as_posix() for path in walk(root)]
    assert found == ["kb/alias.mdx", "kb/page.mdx"]


def test_sections_are_visited_in_the_order_given(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _tree(root, ["a/x.mdx", "b/y.mdx", "c/z.mdx"])
    found = [p.relative_to(root).as_posix() for p in walk(root, sections=["c", "a", "missing"])]
    assert found == ["c/z.mdx", "a/x.mdx"]
