"""One kblint invocation from the command line's point of view: config, workspace, which files,
the engine run, and the baseline. The CLI only parses options and prints; everything that can
fail with a user-facing message raises `UsageError` (exit code 2).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kblint import baseline, vcs
from kblint.cache import CACHE_DIR_NAME
from kblint.config import Config
from kblint.config_loader import ConfigError, find_config, load_config
from kblint.discovery import is_article
from kblint.engine import ArticleReport, RunOptions, RunReport, default_jobs, display_path, run
from kblint.rulebook import Rule, RuleBook
from kblint.workspace import UsageError, Workspace, open_workspace, select_targets

if TYPE_CHECKING:
    from kblint import fixer

STDIN = Path("-")


@dataclass(frozen=True, slots=True)
class Invocation:
    """What the user asked for (options shared by the commands that lint)."""

    paths: list[Path] = field(default_factory=list)
    now: str | None = None
    config_path: Path | None = None
    isolated: bool = False
    warn_unused_suppressions: bool = False
    changed_since: str | None = None
    diff_base: str | None = None
    stdin_filename: Path | None = None
    baseline_path: Path | None = None
    use_baseline: bool = True
    prune_baseline: bool = False
    jobs: int | None = None  # None: one per CPU
    use_cache: bool = True
    cache_dir: Path | None = None  # default: .kblint_cache at the KB root


@dataclass(slots=True)
class Outcome:
    report: RunReport
    workspace: Workspace
    book: RuleBook
    stale: list[baseline.Entry] = field(default_factory=list)
    baselined: int = 0


def empty_run_hint(workspace: Workspace) -> str:
    """What a run that found no article at all tells the user (on stderr): where it looked,
    and the files it passed over because they sit directly in the content root (spec §1: those
    are articles only when configured)."""
    root = workspace.content_root
    message = f"no articles found below {display_path(root)}"
    if workspace.config.include_root_files or not root.is_dir():
        return message
    passed_over = sorted(p.name for p in root.iterdir() if p.is_file() and is_article(p.name))
    if passed_over:
        shown = ", ".join(passed_over[:3]) + (", …" if len(passed_over) > 3 else "")
        message += (
            f"; files directly in it ({shown}) are articles only with `include_root_files: true`"
        )
    return message


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(tz=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise UsageError(f"--now: {value!r} is not an ISO 8601 date or date-time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def configure(invocation: Invocation, start: Path) -> tuple[Config, RuleBook, Path | None]:
    config_file = _config_file(start, invocation)
    try:
        config, book = load_config(config_file, isolated=invocation.isolated)
    except ConfigError as error:
        raise UsageError(str(error)) from error
    return config, book, config_file


def _config_file(start: Path, invocation: Invocation) -> Path | None:
    if invocation.config_path is not None:
        if not invocation.config_path.is_file():
            raise UsageError(f"--config: {invocation.config_path}: no such file")
        return invocation.config_path
    return None if invocation.isolated else find_config(start)


def lint(invocation: Invocation) -> Outcome:
    """Run the engine on what the invocation names; apply the baseline."""
    paths, texts = _stdin(invocation)
    start = paths[0] if paths else Path.cwd()
    config, book, config_file = configure(invocation, start)
    workspace = open_workspace(start, config, config_file)
    deleted: list[Path] = []
    if texts:
        targets = list(texts)  # an editor's buffer: the file need not exist on disk yet
    elif invocation.changed_since:
        changed, deleted = _changed(workspace, invocation.changed_since, paths)
        targets = _excluding(workspace, changed)
    else:
        targets = _excluding(workspace, select_targets(workspace, paths))
    options = RunOptions(
        now=parse_now(invocation.now),
        warn_unused_suppressions=invocation.warn_unused_suppressions,
        texts=texts,
        diff_base=_checked_ref(start, invocation.diff_base),
        deleted=tuple(deleted),
        jobs=invocation.jobs or default_jobs(),
        cache_dir=_cache_dir(workspace, invocation),
    )
    outcome = Outcome(run(workspace, book, targets, options), workspace, book)
    if invocation.use_baseline:
        _apply_baseline(outcome, invocation.baseline_path, invocation.prune_baseline)
    return outcome


def _cache_dir(workspace: Workspace, invocation: Invocation) -> Path | None:
    if not invocation.use_cache:
        return None
    if invocation.cache_dir is not None:
        return invocation.cache_dir
    if workspace.standalone:
        return None  # a loose folder of files is no KB to leave a cache folder in
    return workspace.kb_root / CACHE_DIR_NAME


def _stdin(invocation: Invocation) -> tuple[list[Path], dict[Path, str]]:
    if STDIN not in invocation.paths:
        return list(invocation.paths), {}
    if invocation.stdin_filename is None:
        raise UsageError("reading from stdin (`-`) needs --stdin-filename PATH")
    if len(invocation.paths) > 1:
        raise UsageError("`-` (stdin) cannot be combined with other paths")
    try:
        text = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"stdin is not valid UTF-8 (byte {error.start})") from error
    path = invocation.stdin_filename.absolute()
    return [path], {path: text}


def _changed(workspace: Workspace, ref: str, paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Articles changed since `ref` (within the given paths, when any) and articles deleted."""
    try:
        changes = vcs.changed_since(workspace.content_root, ref)
    except vcs.VcsError as error:
        raise UsageError(f"--changed-since: {error}") from error
    content = workspace.content_root.resolve()

    def wanted(path: Path) -> bool:
        if not is_article(path.name) or not path.resolve().is_relative_to(content):
            return False
        return not paths or any(path.resolve().is_relative_to(p.resolve()) for p in paths)

    walk = {path.resolve(): index for index, path in enumerate(workspace.all_articles())}
    changed = [p.resolve() for p in changes.changed if wanted(p) and p.exists()]
    changed.sort(key=lambda path: walk.get(path, len(walk)))  # report in walk order
    deleted = [p for p in changes.deleted if wanted(p) and not p.exists()]
    return changed, deleted


def _excluding(workspace: Workspace, targets: list[Path]) -> list[Path]:
    """Configured excludes apply to paths given on the command line too."""
    return [p for p in targets if not workspace.config.is_excluded(workspace.rel_path(p))]


def _checked_ref(start: Path, ref: str | None) -> str | None:
    if ref is None:
        return None
    try:
        vcs.verify_ref(vcs.repo_root(start), ref)
    except vcs.VcsError as error:
        raise UsageError(f"--diff-base: {error}") from error
    return ref


def baseline_file(workspace: Workspace, given: Path | None) -> Path:
    return given if given is not None else workspace.kb_root / baseline.BASELINE_NAME


def _apply_baseline(outcome: Outcome, given: Path | None, prune: bool) -> None:
    path = baseline_file(outcome.workspace, given)
    if not path.is_file():
        if given is not None:
            raise UsageError(f"--baseline: {given}: no such file")
        return
    try:
        entries = baseline.load(path)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from error
    report = outcome.report
    kb_root = outcome.workspace.kb_root
    checked = {_kb_relative(a.display_path, kb_root) for a in report.articles}
    comparison = baseline.compare(report.findings, entries, kb_root, checked)
    new = set(map(id, comparison.new))
    report.articles = [_only(article, new) for article in report.articles]
    report.other_findings = [f for f in report.other_findings if id(f) in new]
    outcome.stale = comparison.stale
    outcome.baselined = len(comparison.known)
    if prune and comparison.stale:
        gone = list(comparison.stale)
        kept = []
        for entry in entries:
            if entry in gone:
                gone.remove(entry)
            else:
                kept.append(entry)
        baseline.write(path, kept)


def _only(article: ArticleReport, keep: set[int]) -> ArticleReport:
    return replace(article, findings=[f for f in article.findings if id(f) in keep])


def _kb_relative(path: str, kb_root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(kb_root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def write_baseline(invocation: Invocation) -> tuple[Path, int]:
    """`kblint baseline`: record every current finding; returns the file and the count."""
    outcome = lint(replace(invocation, use_baseline=False))
    path = baseline_file(outcome.workspace, invocation.baseline_path)
    entries = baseline.entries_for(outcome.report.findings, outcome.workspace.kb_root)
    baseline.write(path, entries)
    return path, len(entries)


@dataclass(slots=True)
class FixResult:
    plans: list[fixer.FilePlan]  # files that changed (or would change, with --diff)
    refused: list[str]  # files with fixable findings that kblint did not fully understand
    outcome: Outcome  # the findings after fixing (before, with --diff)
    changed: list[str] = field(default_factory=list)  # saved again after they were checked


def fix(
    invocation: Invocation,
    select: list[str],
    ignore: list[str],
    unsafe: bool,
    write: bool,
) -> FixResult:
    """Apply (or, with write=False, only plan) the fixes of fixable rules."""
    if invocation.stdin_filename is not None or STDIN in invocation.paths:
        raise UsageError("fixes need files on disk; they cannot be applied to stdin")
    # Fixes apply whether or not a finding is baselined: the baseline hides findings, it does
    # not protect text from being fixed (`check --fix` and `fix` behave the same).
    from kblint import fixer  # noqa: PLC0415 - deferred: a check run never needs the fixer

    outcome = lint(replace(invocation, use_baseline=False))
    rules = _fix_rules(outcome.book, select, ignore, unsafe)
    components = _component_names(outcome.workspace.config)
    plans, refused, changed = [], [], []
    for article in outcome.report.articles:
        findings = [f for f in article.findings if f.edits and f.rule in rules]
        if not findings or article.path is None:
            continue
        if not article.fixable:
            refused.append(article.display_path)
            continue
        planned = fixer.plan(article.path, findings, components=components, checked=article.digest)
        if planned is not None and planned.stale:
            changed.append(article.display_path)
        elif planned is not None and planned.changed:
            plans.append(planned)
    if write and plans:
        written = [p for p in plans if fixer.write_atomically(p.path, p.new, expected=p.old)]
        changed += [display_path(p.path) for p in plans if p not in written]
        plans = written
    after = lint(invocation) if write or invocation.use_baseline else outcome
    return FixResult(plans, refused, after, changed)


def _component_names(config: Config) -> frozenset[str]:
    parts = config.components
    return parts.known | parts.tables | parts.diagrams | parts.entity_links | parts.resource_refs


def _fix_rules(book: RuleBook, select: list[str], ignore: list[str], unsafe: bool) -> set[str]:
    chosen = book.rules if not select else [r for s in select for r in _matching(book, s)]
    ignored = {r.name for s in ignore for r in _matching(book, s)}
    return {
        rule.name
        for rule in chosen
        if rule.fixable and rule.name not in ignored and (unsafe or rule.fix_safety == "safe")
    }


def _matching(book: RuleBook, selector: str) -> list[Rule]:
    found = book.matching(selector)
    if not found:
        raise UsageError(f"unknown rule or code prefix {selector!r} (see `kblint rules`)")
    return found
