"""Runs enabled rules and turns their hits into findings.

File rules run inside the per-file unit (`analysis.analyse`), corpus rules after the corpus is
built. A check that raises becomes one error finding naming the rule; the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from typing import Any

from kblint.article import Article
from kblint.checks import CorpusContext, FileContext, Hit, registry
from kblint.config import EffectiveRule
from kblint.model import Finding, Severity
from kblint.prose import frontmatter_text, heading_text, prose_text
from kblint.regexfilter import find_matches, may_match
from kblint.rulebook import Rule


def run_file_rules(ctx: FileContext, rules: dict[str, EffectiveRule]) -> list[Finding]:
    checks = registry()
    findings: list[Finding] = []
    for effective in rules.values():
        rule = effective.rule
        if not in_scope(rule, ctx):
            continue
        spec = checks.get(rule.check) if rule.check else None
        if spec is not None and spec.kind == "file":
            hits = _guarded(rule, lambda s=spec, e=effective: list(s.function(ctx, e.options)))
        elif rule.pattern is not None:
            hits = list(pattern_hits(rule, ctx.article))
        else:
            continue
        findings += [to_finding(ctx.article.rel_path, effective, hit, ctx.article) for hit in hits]
    return findings


def run_corpus_rules(ctx: CorpusContext, rules: dict[str, EffectiveRule]) -> list[Finding]:
    checks = registry()
    findings: list[Finding] = []
    for effective in rules.values():
        rule = effective.rule
        spec = checks.get(rule.check) if rule.check else None
        if spec is None or spec.kind != "corpus":
            continue
        hits = _guarded(rule, lambda s=spec, e=effective: list(s.function(ctx, e.options)))
        findings += [to_finding(ctx.summary.rel_path, effective, hit, None) for hit in hits]
    return findings


def _guarded(rule: Rule, action: Any) -> list[Hit]:
    try:
        hits: list[Hit] = action()
    except Exception as error:  # noqa: BLE001 - one broken check must not stop the run
        message = (
            f"rule crashed on this file ({type(error).__name__}: {error}); other rules still ran"
        )
        return [Hit(message, line=1, column=1, internal_error=True)]
    return hits


def in_scope(rule: Rule, ctx: FileContext) -> bool:
    scope = rule.scope
    if scope.paths and not any(fnmatch(ctx.article.rel_path, p) for p in scope.paths):
        return False
    if scope.content_formats and ctx.record.data["contentFormat"] not in scope.content_formats:
        return False
    return not scope.entity_types or ctx.record.data.get("entityType") in scope.entity_types


def pattern_hits(rule: Rule, article: Article) -> Iterator[Hit]:
    """A declarative rule: its regex over the prose (or headings, or frontmatter)."""
    pattern = rule.pattern
    assert pattern is not None
    if pattern.applies_to == "headings":
        text = article.memo("headings", lambda: heading_text(article, prose_text(article)))
    elif pattern.applies_to == "frontmatter":
        text = article.memo("frontmatter", lambda: frontmatter_text(article))
    else:
        text = prose_text(article)
    if not may_match(pattern.requirement, text):
        return
    matches = (
        pattern.regex.finditer(text)
        if pattern.starts is None
        else find_matches(pattern.regex, pattern.starts, text)
    )
    for match in matches:
        if match.end() > match.start():
            message = pattern.message.replace("{match}", match.group(0))
            yield Hit(message, offset=match.start(), end_offset=match.end())


def to_finding(
    rel_path: str, effective: EffectiveRule, hit: Hit, article: Article | None
) -> Finding:
    rule = effective.rule
    line, column = hit.line or 1, hit.column or 1
    end_line = end_column = None
    if hit.offset is not None and article is not None:
        start = article.position(hit.offset)
        line, column = start.line, start.column
        if hit.end_offset is not None:
            end = article.position(hit.end_offset)
            end_line, end_column = end.line, end.column
    severity = Severity.ERROR if hit.internal_error else effective.severity
    return Finding(
        path=rel_path,
        line=line,
        column=column,
        rule=rule.name,
        code=rule.code,
        severity=severity,
        message=hit.message,
        end_line=end_line,
        end_column=end_column,
        edits=hit.edits,
    )


def builtin_findings(
    rel_path: str,
    problems: Iterable[tuple[str, int, int, str, int | None, int | None]],
    rules: dict[str, EffectiveRule],
) -> list[Finding]:
    """Parser problems (frontmatter-parse, mdx-unclosed …) as findings of enabled rules."""
    findings = []
    for name, line, column, message, end_line, end_column in problems:
        effective = rules.get(name)
        if effective is None:
            continue
        hit = Hit(message, line=line, column=column)
        finding = to_finding(rel_path, effective, hit, None)
        findings.append(_with_end(finding, end_line, end_column))
    return findings


def _with_end(finding: Finding, end_line: int | None, end_column: int | None) -> Finding:
    if end_line is None:
        return finding
    return Finding(
        finding.path,
        finding.line,
        finding.column,
        finding.rule,
        finding.code,
        finding.severity,
        finding.message,
        end_line,
        end_column,
        finding.edits,
    )
