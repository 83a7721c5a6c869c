"""Page-level checks (KB401–KB403): coverage gaps, hallucination risk, sequential arXiv ids.

The fixture pages' numbers are worked out by hand from spec §8/§9 (k = words / 1000, r = round
half up); the word counts come from the page record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, NOW, article_from_text
from kblint.checks import FileContext, Hit
from kblint.checks import coverage as checks
from kblint.checks.coverage import coverage_gaps, hallucination_risk, suspicious_sequential_ids
from kblint.config import Config
from kblint.config_loader import load_config
from kblint.discovery import PageIdentity
from kblint.engine import RunOptions, RunReport, run
from kblint.facts import CitationStats, PageFacts
from kblint.record import build
from kblint.registries import EditLogEntry, Registries
from kblint.workspace import open_workspace

Check = Callable[[FileContext, dict[str, Any]], Iterator[Hit]]
KB = FIXTURES / "rules" / "kb"
PAGES = KB / "content" / "docs" / "fixtures"


@pytest.fixture(scope="module")
def fixture_report() -> RunReport:
    config, book = load_config(KB / "kblint.yaml")
    workspace = open_workspace(KB, config, KB / "kblint.yaml")
    targets = [PAGES / name for name in ("coverage.mdx", "hallucination-risk.mdx")]
    return run(workspace, book, targets, RunOptions(NOW))


def messages(report: RunReport, name: str, rule: str) -> list[tuple[int, int, str]]:
    return [
        (f.line, f.column, f.message)
        for article in report.articles
        if Path(article.display_path).resolve() == (PAGES / name).resolve()
        for f in article.findings
        if f.rule == rule
    ]


def context(
    text: str,
    config: Config | None = None,
    facts: PageFacts | None = None,
    registries: Registries | None = None,
    rel_path: str = "knowledge-base/responses/ai-control.mdx",
) -> FileContext:
    config = config or Config()
    article = article_from_text(text, rel_path)
    record = build(article, PageIdentity.from_rel_path(rel_path), config, NOW, facts)
    return FileContext(article, record, config, registries or Registries())


def hits(check: Check, ctx: FileContext, **options: Any) -> list[tuple[int, int, str]]:
    found = []
    for hit in check(ctx, options):
        assert hit.offset is not None
        where = ctx.article.position(hit.offset)
        found.append((where.line, where.column, hit.message))
    return found


def words(count: int) -> str:
    """Prose of exactly `count` words (spec §3.1 tokens)."""
    return " ".join(["alignment"] * count)


# --- coverage --------------------------------------------------------------------------------


def test_coverage_fixture_reports_exactly_the_red_items(fixture_report: RunReport) -> None:
    # 420 words, k = 0.42: tables max(1, r(1.68)) = 2, diagrams r(0.168) = 0,
    # internalLinks max(3, r(3.36)) = 3, externalLinks max(1, r(2.1)) = 2,
    # footnotes max(2, r(1.26)) = 2, references max(1, r(1.26)) = 1.
    # Actuals: 1 table (amber), 0 diagrams (red: a 0 target needs one), 4 EntityLinks (green),
    # 0 external links (red), 1 footnote (amber), 0 resources (red). No llmSummary (red),
    # update_frequency set (green), entityType set (green), no Overview h2 (red). The fixture
    # KB has no edit log and no citation stats: editHistory, quotes, accuracy are not reported.
    assert messages(fixture_report, "coverage.mdx", "coverage") == [
        (2, 1, f"coverage: {item}")
        for item in (
            "llmSummary red — the frontmatter has no llmSummary; add a short summary of the page",
            "overview red — the page has no `## Overview` section; add one near the top",
            "diagrams red — 0 of 1 expected for 420 words; add a diagram (e.g. a <Mermaid> chart)",
            "externalLinks red — 0 of 2 expected for 420 words; link the primary sources",
            "references red — 0 of 1 expected for 420 words; cite bibliography resources with "
            "<R id>",
        )
    ]


ARTICLE = (
    "---\ntitle: AI Control\nllmSummary: Control keeps a misaligned model from causing harm.\n"
    "update_frequency: 30\n---\n\n## Overview\n\n"
    + words(1200)
    + "[^1]\n\n| Protocol | Cost |\n|---|---|\n| Trusted monitoring | Low |\n\n"
    "[^1]: [AI Control](https://arxiv.org/abs/2312.06942), 2023.\n"
)
# "## Overview" 2 tokens + 1,200 words (the last carries the [^1]) + table 5 + 1 + 6 tokens +
# definition 4 ("[^1]:", "AI", "Control,", "2023.") = 1,218 words, k = 1.218:
# tables max(1, r(4.872)) = 5 → 1 is amber; footnotes max(2, r(3.654)) = 4 → 1 is amber;
# externalLinks max(1, r(6.09)) = 6 → 1 is amber.


def test_amber_items_are_reported_when_asked() -> None:
    ctx = context(ARTICLE)
    assert ctx.record.data["wordCount"] == 1218
    amber = [m for *_, m in hits(coverage_gaps, ctx, report=["red", "amber"]) if "amber" in m]
    assert amber == [
        "coverage: tables amber — 1 of 5 expected for 1,218 words; summarise comparisons in a "
        "table",
        "coverage: externalLinks amber — 1 of 6 expected for 1,218 words; link the primary sources",
        "coverage: footnotes amber — 1 of 4 expected for 1,218 words; cite sources with footnotes",
    ]
    assert not [m for *_, m in hits(coverage_gaps, ctx) if "amber" in m]


def test_skip_option_and_config_skip_combine() -> None:
    def items(ctx: FileContext, **options: Any) -> list[str]:
        return [m.split()[1] for *_, m in hits(coverage_gaps, ctx, **options)]

    everything = items(context(ARTICLE))
    assert everything == ["entity", "diagrams", "internalLinks", "references"]
    config = Config(coverage_skip=frozenset({"entity"}))
    assert items(context(ARTICLE, config), skip=["diagrams"]) == ["internalLinks", "references"]


def test_registry_items_are_reported_when_the_kb_has_the_registry() -> None:
    stats = CitationStats(total=8, with_quotes=2, accuracy_checked=0)
    facts = PageFacts(citations=stats)
    log = [EditLogEntry("2026-01-05", "Other page", ("scheming",))]
    registries = Registries(edit_log=log, has_edit_log=True, citation_stats={"ai-control": stats})
    found = [
        m
        for *_, m in hits(
            coverage_gaps,
            context(ARTICLE, facts=facts, registries=registries),
            report=["red", "amber"],
        )
    ]
    assert "coverage: editHistory red — the edit log has no entry for this page" in found
    assert (
        "coverage: quotes amber — 2 of 8 citations carry a quote (75% needed); complete the "
        "citation review" in found
    )
    assert (
        "coverage: accuracy red — 0 of 8 citations were accuracy-checked (75% needed); "
        "complete the "
        "citation review" in found
    )


def test_unconfigured_registry_items_can_be_reported_anyway() -> None:
    found = [m for *_, m in hits(coverage_gaps, context(ARTICLE), skip_unconfigured=False)]
    assert (
        found[0]
        == "coverage: entity red — the page is not an entity; add it to the entity registry "
        "or set entityType"
    )
    assert "coverage: editHistory red — the edit log has no entry for this page" in found
    assert "coverage: quotes red — the citation stats record no citations for this page" in found


def test_short_pages_are_skipped_unless_min_words_is_lowered() -> None:
    stub = "---\ntitle: Eliciting Latent Knowledge\n---\n\n" + words(299) + "\n"
    assert hits(coverage_gaps, context(stub)) == []
    assert len(hits(coverage_gaps, context(stub), min_words=0)) == 10
    at_threshold = "---\ntitle: Eliciting Latent Knowledge\n---\n\n" + words(300) + "\n"
    assert len(hits(coverage_gaps, context(at_threshold))) == 10


def test_other_formats_say_so_and_position_falls_back_to_line_one() -> None:
    text = "---\ncontentFormat: table\nquality: 40\n---\n\n" + words(500) + "\n"
    found = hits(coverage_gaps, context(text))
    # table format, k = 0.5: tables max(2, r(2.5)) = 3.
    assert (
        1,
        1,
        "coverage: tables red — 0 of 3 expected for 500 words of a table page; "
        "summarise comparisons in a table",
    ) in found


def test_report_option_rejects_unknown_statuses() -> None:
    with pytest.raises(ValueError, match="red and/or amber"):
        hits(coverage_gaps, context(ARTICLE), report=["green"])


# --- hallucination-risk ----------------------------------------------------------------------


def test_risk_fixture_message(fixture_report: RunReport) -> None:
    # organization (+20), 336 words and no footnotes (+15), rigor 3 (+10), quality 34 (+5):
    # 40 + 50 = 90, high. Only 1 external link, but few-external-sources needs > 500 words.
    assert messages(fixture_report, "hallucination-risk.mdx", "hallucination-risk") == [
        (
            2,
            1,
            "hallucination risk is high (score 90/100; factors: biographical-claims, "
            "no-citations, low-rigor-score, low-quality-score); cite sources with footnotes",
        )
    ]


MEDIUM = (
    "---\ntitle: Sleeper Agents\nquality: 55\n---\n\n" + words(600) + "[^1][^2]\n\n"
    "[^1]: Hubinger et al., 2024.\n[^2]: [Paper](https://arxiv.org/abs/2401.05566).\n"
)
# 600 words (the last carries the refs) + definitions 5 + 2 = 607 words, 2 footnotes: density
# 3.3, neither < 2 nor > 4, so no density factor; 1 external link and > 500 words →
# few-external-sources +5; one of two definitions without a URL (share 0.5, not > 0.5) →
# some-unsourced-footnotes +5. 40 + 10 = 50: medium.


def test_threshold_medium_reports_a_medium_page() -> None:
    ctx = context(MEDIUM)
    assert ctx.record.data["wordCount"] == 607
    assert ctx.record.risk["score"] == 50
    assert hits(hallucination_risk, ctx) == []
    assert hits(hallucination_risk, ctx, threshold="medium") == [
        (
            2,
            1,
            "hallucination risk is medium (score 50/100; factors: few-external-sources, "
            "some-unsourced-footnotes); link the primary sources, add URLs to the footnote "
            "definitions",
        )
    ]


def test_low_threshold_reports_every_page_with_generic_advice() -> None:
    short = "---\ntitle: Glossary\n---\n\nA few words.\n"
    assert hits(hallucination_risk, context(short), threshold="low") == [
        (
            2,
            1,
            "hallucination risk is low (score 30/100; factors: minimal-content); check the "
            "page's claims against sources",
        )
    ]


def test_threshold_must_be_a_level() -> None:
    with pytest.raises(ValueError, match="low, medium or high"):
        hits(hallucination_risk, context(MEDIUM), threshold="severe")


# --- suspicious-sequential-ids ---------------------------------------------------------------

HEAD = "---\ntitle: Probes\n---\n"  # body from line 4


def ids(body: str, **options: Any) -> list[tuple[int, int, str]]:
    return hits(suspicious_sequential_ids, context(HEAD + body), **options)


def test_run_is_reported_at_the_lowest_ids_first_occurrence() -> None:
    body = "See 2402.10007 and 2402.10005, then 2402.10006 and again 2402.10005.\n"
    assert ids(body) == [
        (
            4,
            20,
            "2402.10005, 2402.10006, 2402.10007 look invented: a page rarely cites consecutive "
            "arXiv submissions; check each id against arxiv.org and fix or remove it",
        )
    ]


def test_ids_in_code_and_comments_do_not_count() -> None:
    body = (
        "Cited: 2311.00001 and 2311.00002. {/* 2311.00003 */} `2311.00003`\n\n"
        "```\n2311.00003\n```\n"
    )
    assert ids(body) == []
    assert [hit[:2] for hit in ids(body + "\nAnd 2311.00003.\n")] == [(4, 8)]


def test_each_prefix_with_a_run_is_reported_and_min_run_applies() -> None:
    body = (
        "[a](https://arxiv.org/abs/2305.01001) 2305.01002 2305.01003 2305.01004\n"
        "2501.00002 2501.00003 2501.00004\n"
    )
    assert [hit[:2] for hit in ids(body)] == [(4, 27), (5, 1)]
    ((line, column, message),) = ids(body, min_run=4)
    assert (line, column) == (4, 27)
    assert message.startswith("2305.01001, 2305.01002, 2305.01003, 2305.01004 look invented")


def test_too_few_or_out_of_range_ids_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ids("2401.00001 and 2401.00002 only.\n") == []
    # YY 06 predates the scheme; month 13 does not exist; versions keep the id.
    assert ids("0612.00001 0612.00002 0612.00003 2413.00001 2413.00002 2413.00003\n") == []
    assert [hit[:2] for hit in ids("0704.0001v2 0704.0002 0704.0003\n")] == [(4, 1)]
    # "Next year" follows the clock: 27xx ids are valid in 2026, not in 2025.
    future = "2701.00001 2701.00002 2701.00003\n"
    monkeypatch.setattr(checks, "current_year", lambda: 2026)
    assert len(ids(future)) == 1
    monkeypatch.setattr(checks, "current_year", lambda: 2025)
    assert ids(future) == []
