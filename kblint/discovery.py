"""Which files are articles, in which order, and what they are called (spec §1)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kblint.model import pickled_by_fields

ARTICLE_SUFFIXES = (".mdx", ".md")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PageIdentity:
    """`id`, `path`, `filePath` and `category` of an article (spec §1)."""

    id: str
    path: str
    file_path: str
    category: str

    @classmethod
    def from_rel_path(cls, rel_path: str) -> PageIdentity:
        parts = rel_path.split("/")
        folders, filename = parts[:-1], parts[-1]
        stem = filename.rsplit(".", 1)[0]
        prefix = "/".join(folders)
        if stem == "index":
            page_id = f"__index__/{prefix}" if prefix else "__index__"
            url = f"/{prefix}/" if prefix else "/"
        else:
            page_id = stem
            url = f"/{prefix}/{stem}/" if prefix else f"/{stem}/"
        if len(folders) >= 2:
            category = folders[1]
        elif folders:
            category = folders[0]
        else:
            category = "other"
        return cls(page_id, url, rel_path, category)


def is_article(name: str) -> bool:
    return name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith(".")


def walk(
    root: Path, sections: Iterable[str] | None = None, include_root_files: bool = False
) -> Iterator[Path]:
    """Articles below `root` in walk order: byte-sorted, depth-first, files and folders interleaved.

    `sections` is an ordered list of top-level folders to visit (others are skipped); None visits
    every folder in byte order. Files directly in the root are articles only when asked for.
    """
    if not root.is_dir():
        return
    if sections is None:
        entries = _sorted_entries(root)
    else:
        entries = [root / name for name in sections if (root / name).is_dir()]
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk_folder(entry)
        elif include_root_files and entry.is_file() and is_article(entry.name):
            yield entry


def _walk_folder(folder: Path) -> Iterator[Path]:
    # Directory entries know their type from the listing: no stat call per file (two per
    # file with Path objects, ~0.2 s at 20,000 articles).
    for entry in _sorted_scan(folder):
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk_folder(folder / entry.name)
        elif entry.is_file() and is_article(entry.name):
            yield folder / entry.name


_SKIPPED = frozenset({"node_modules", "__pycache__"})


def _sorted_entries(folder: Path) -> list[Path]:
    return [folder / entry.name for entry in _sorted_scan(folder)]


def _sorted_scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            entries = [e for e in listing if not e.name.startswith(".") and e.name not in _SKIPPED]
    except OSError:
        return []
    return sorted(entries, key=lambda entry: os.fsencode(entry.name))
