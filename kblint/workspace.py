"""Which KB a run is about and which of its articles to lint.

A KB root is the nearest directory (walking up from the path given, or from the working
directory) that has a kblint config file or the content root folder (`content/docs` by default).
Without one, the path itself is the content root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kblint.config import Config
from kblint.discovery import walk

CONFIG_NAMES = ("kblint.yaml", ".kblint.yaml")


class UsageError(Exception):
    """A problem with the command line: reported with exit code 2."""


@dataclass(frozen=True, slots=True)
class Workspace:
    kb_root: Path
    content_root: Path
    config: Config
    #: No KB structure was found: the folder given is linted as it is, files in it included.
    standalone: bool = False

    def all_articles(self) -> list[Path]:
        """Every article below the content root, in walk order (spec §1)."""
        include_root = self.standalone or self.config.include_root_files
        return list(walk(self.content_root, self.config.sections, include_root))

    def rel_path(self, path: Path) -> str:
        """`filePath`: relative to the content root, `/`-separated; the name alone outside it."""
        root = str(self.content_root) + os.sep
        if str(path).startswith(root):  # already absolute below the (resolved) root: no syscalls
            return str(path)[len(root) :].replace(os.sep, "/")
        try:
            return path.resolve().relative_to(self.content_root.resolve()).as_posix()
        except ValueError:
            return path.name


def find_kb_root(start: Path, config: Config) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for candidate in [folder.resolve(), *folder.resolve().parents]:
        if (candidate / config.content_root).is_dir():
            return candidate
        if any((candidate / name).is_file() for name in CONFIG_NAMES):
            return candidate
    return None


def open_workspace(start: Path, config: Config, config_file: Path | None = None) -> Workspace:
    """The KB a run is about: the config file's folder, else the nearest KB-looking folder."""
    kb_root = config_file.resolve().parent if config_file else find_kb_root(start, config)
    if kb_root is None:
        folder = start if start.is_dir() else start.parent
        return Workspace(folder.resolve(), folder.resolve(), config, standalone=True)
    content_root = (kb_root / config.content_root).resolve()
    if not content_root.is_dir():
        content_root = kb_root
    return Workspace(kb_root, content_root, config)


def select_targets(workspace: Workspace, paths: list[Path]) -> list[Path]:
    """The articles named on the command line (files, or folders walked), in walk order.

    A folder that is the KB root or the content root means "every article"; any other folder
    means every article file below it.
    """
    if not paths:
        return workspace.all_articles()
    chosen: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        resolved = path.resolve()
        if resolved.is_dir():
            # the walk yields absolute paths below a resolved folder: resolved already
            if resolved in (workspace.kb_root.resolve(), workspace.content_root.resolve()):
                chosen.update(dict.fromkeys(workspace.all_articles()))
            else:
                chosen.update(dict.fromkeys(walk_all(resolved)))
        else:
            chosen[resolved] = None
    return list(chosen)


def walk_all(folder: Path) -> list[Path]:
    """Every article file below a folder, files directly in it included."""
    return list(walk(folder, None, include_root_files=True))
