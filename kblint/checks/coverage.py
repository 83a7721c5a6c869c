"""Page-level checks on the page record (KB401–KB403): coverage gaps (spec §8), a high
hallucination-risk estimate (spec §9), and runs of consecutive arXiv ids that look invented.

Coverage and risk describe the whole page, so their findings sit on the frontmatter `title`
line (line 1 when there is none): an editor shows them at the top of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kblint.article import Article
from kblint.checks import FileContext, Hit, file_check
from kblint.checks.footnotes import code_of
from kblint.risk import arxiv_matches

_TITLE_KEY = re.compile(r"^title[ \t]*:", re.MULTILINE)
# Same shape as the risk factor's (kblint.risk): YYMM.NNNN(N), not part of a longer number.
_LEVELS = {"low": 0, "medium": 1, "high": 2}
_REPORTABLE = ("red", "amber")
_RATIO_NEEDED = "75%"

_NUMERIC_ADVICE = {
    "tables": "summarise comparisons in a table",
    "diagrams": "add a diagram (e.g. a <Mermaid> chart)",
    "internalLinks": "link related pages with <EntityLink>",
    "externalLinks": "link the primary sources",
    "footnotes": "cite sources with footnotes",
    "references": "cite bibliography resources with <R id>",
}
_FLAG_DETAIL = {
    "llmSummary": "the frontmatter has no llmSummary; add a short summary of the page",
    "schedule": "the frontmatter sets no update_frequency; add one so the page gets reviewed",
    "entity": "the page is not an entity; add it to the entity registry or set entityType",
    "editHistory": "the edit log has no entry for this page",
    "overview": "the page has no `## Overview` section; add one near the top",
}
_RISK_ADVICE = {
    "no-citations": "cite sources with footnotes",
    "low-citation-density": "cite more claims with footnotes",
    "few-external-sources": "link the primary sources",
    "severe-truncation": "define the missing footnotes",
    "orphaned-footnotes": "define the missing footnotes",
    "suspicious-sequential-ids": "check the arXiv ids",
    "duplicate-footnote-defs": "merge duplicate footnote definitions",
    "mostly-unsourced-footnotes": "add URLs to the footnote definitions",
    "some-unsourced-footnotes": "add URLs to the footnote definitions",
    "no-human-review": "have the page reviewed",
    "majority-inaccurate": "correct the citations found inaccurate",
    "many-inaccurate": "correct the citations found inaccurate",
    "some-inaccurate": "correct the citations found inaccurate",
}


def page_offset(article: Article) -> int:
    """Where a page-level finding goes: the frontmatter `title:` key, else the file start."""
    match = _TITLE_KEY.search(article.text, 0, article.body_start)
    return match.start() if match else 0


# --- coverage ----------------------------------------------------------------------------------


@file_check
def coverage_gaps(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    report = _statuses(options.get("report", ["red"]))
    # A stub or a fresh draft misses every target by construction; report it once it has grown.
    if ctx.record.data["wordCount"] < int(options.get("min_words", 300)):
        return
    skip = set(options.get("skip") or ()) | ctx.config.coverage_skip
    if options.get("skip_unconfigured", True):
        skip |= _unconfigured(ctx)
    data = ctx.record.coverage
    offset = page_offset(ctx.article)
    for item, status in data["items"].items():
        if status in report and item not in skip:
            detail = _detail(item, data, ctx.record.data)
            yield Hit(f"coverage: {item} {status} — {detail}", offset=offset)


def _statuses(value: Any) -> set[str]:
    wanted = {value} if isinstance(value, str) else set(value or ())
    unknown = wanted - set(_REPORTABLE)
    if unknown:
        raise ValueError(f"option `report` takes red and/or amber, not {sorted(unknown)}")
    return wanted


def _unconfigured(ctx: FileContext) -> set[str]:
    """Items fed by a registry the KB does not have: red on every page, so not news."""
    registries = ctx.registries
    missing = set()
    if not registries.has_edit_log:
        missing.add("editHistory")
    if not registries.citation_stats:
        missing |= {"quotes", "accuracy"}
    return missing


def _detail(item: str, data: dict[str, Any], page: dict[str, Any]) -> str:
    actuals = data["actuals"]
    if item in _NUMERIC_ADVICE:
        needed = max(1, data["targets"][item])  # a target of 0 still needs one to be green
        words = f"{page['wordCount']:,} words"
        if page["contentFormat"] != "article":
            words += f" of a {page['contentFormat']} page"
        return f"{actuals[item]} of {needed} expected for {words}; {_NUMERIC_ADVICE[item]}"
    if item == "quotes":
        return _ratio(actuals["quotesWithQuotes"], actuals["quotesTotal"], "carry a quote")
    if item == "accuracy":
        return _ratio(actuals["accuracyChecked"], actuals["accuracyTotal"], "were accuracy-checked")
    return _FLAG_DETAIL.get(item, "see the page record")


def _ratio(numerator: int, total: int, verb: str) -> str:
    if total <= 0:
        return "the citation stats record no citations for this page"
    return (
        f"{numerator} of {total} citations {verb} ({_RATIO_NEEDED} needed); "
        "complete the citation review"
    )


# --- hallucination risk ------------------------------------------------------------------------


@file_check
def hallucination_risk(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    threshold = options.get("threshold", "high")
    if threshold not in _LEVELS:
        raise ValueError(f"option `threshold` takes low, medium or high, not {threshold!r}")
    risk = ctx.record.risk
    if _LEVELS[risk["level"]] < _LEVELS[threshold]:
        return
    factors = list(risk["factors"])
    advice = list(dict.fromkeys(_RISK_ADVICE[f] for f in factors if f in _RISK_ADVICE))
    advice_text = ", ".join(advice) if advice else "check the page's claims against sources"
    yield Hit(
        f"hallucination risk is {risk['level']} (score {risk['score']}/100; factors: "
        f"{', '.join(factors) or 'none'}); {advice_text}",
        offset=page_offset(ctx.article),
    )


# --- suspicious sequential ids -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArxivId:
    prefix: str  # YYMM
    serial: int
    text: str  # as written
    offset: int


def current_year() -> int:
    """The risk factor uses the run's `now`, which FileContext does not carry (yet)."""
    return datetime.now(UTC).year


def arxiv_ids(ctx: FileContext, now_year: int) -> list[ArxivId]:
    """arXiv-shaped ids outside code and comments (YY 07..next year, MM 01–12), in order."""
    article = ctx.article
    latest = (now_year + 1) % 100
    code = code_of(ctx)
    found = []
    for match in arxiv_matches(article.masked, article.body_start):
        year, month = int(match.group(1)), int(match.group(2))
        if 7 <= year <= latest and 1 <= month <= 12 and match.start() not in code:
            prefix = match.group(1) + match.group(2)
            found.append(ArxivId(prefix, int(match.group(3)), match.group(0), match.start()))
    return found


def sequential_runs(ids: list[ArxivId], min_run: int) -> Iterator[list[ArxivId]]:
    """Per prefix (in order of first appearance), its longest run of serials stepping by one,
    when it has at least `min_run` ids; nothing unless `min_run` ids occur at all."""
    if len(ids) < min_run:
        return
    by_prefix: dict[str, dict[int, ArxivId]] = {}
    for found in ids:
        by_prefix.setdefault(found.prefix, {}).setdefault(found.serial, found)
    for serials in by_prefix.values():
        run = _longest_step_run(sorted(serials))
        if len(run) >= min_run:
            yield [serials[serial] for serial in run]


def _longest_step_run(serials: list[int]) -> list[int]:
    """The first longest slice of sorted distinct serials that steps by exactly one."""
    best_start = best_length = run_start = 0
    for position, serial in enumerate(serials):
        if position and serial != serials[position - 1] + 1:
            run_start = position
        if position - run_start + 1 > best_length:
            best_start, best_length = run_start, position - run_start + 1
    return serials[best_start : best_start + best_length]


@file_check
def suspicious_sequential_ids(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    min_run = int(options.get("min_run", 3))
    for run in sequential_runs(arxiv_ids(ctx, current_year()), min_run):
        first = run[0]  # the lowest id, where it first appears
        yield Hit(
            f"{', '.join(found.text for found in run)} look invented: a page rarely cites "
            "consecutive arXiv submissions; check each id against arxiv.org and fix or remove it",
            offset=first.offset,
            end_offset=first.offset + len(first.text),
        )
