"""The example KB end to end: registry-derived fields computed by hand from its files, and a
golden page record.

The KB is copied out of the repository first so git history (which changes with every commit of
this repository) does not feed `lastUpdated`/`dateCreated`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_KB, REPO
from kblint.cli import app

GOLDEN = REPO / "tests" / "golden" / "mesa-optimization.json"
NOW = "2026-03-14T00:00:00+00:00"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(EXAMPLE_KB, target)
    return target


def records(kb: Path, *paths: str) -> dict[str, dict[str, Any]]:
    args = ["record", *(str(kb / p) for p in paths or ["."]), "--now", NOW]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return {item["pageRecord"]["id"]: item for item in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def everything(kb: Path) -> dict[str, dict[str, Any]]:
    return records(kb)


def test_walk_order(everything: dict[str, dict[str, Any]]) -> None:
    assert list(everything) == [
        "accident-risks",
        "anthropic",
        "apollo-research",
        "evan-hubinger",
        "interpretability",
        "safety-approaches-comparison",
        "deceptive-alignment",
        "goal-misgeneralization",
        "__index__/knowledge-base/risks",
        "mesa-optimization",
        "scheming",
    ]


def test_unconverted_links_variants(everything: dict[str, dict[str, Any]]) -> None:
    page = everything["mesa-optimization"]["pageRecord"]
    # aisafety.info matches the registry's upper-case host after normalisation; the FLI link
    # lacks the registry URL's trailing slash; the arXiv 2209.00626 link is not registered.
    assert [(u["url"], u["resourceId"]) for u in page["unconvertedLinks"]] == [
        ("https://aisafety.info/questions/8V5k/What-is-mesa-optimization", "6b0f4d8e2a9c1357"),
        ("https://www.lesswrong.com/tag/mesa-optimization", "e4d0b6f2a8c15937"),
        ("https://futureoflife.org/ai-safety-index-summer-2025", "c3e9f5a1b7d20486"),
    ]
    assert page["unconvertedLinkCount"] == 3
    assert page["convertedLinkCount"] == 6


def test_references_count_r_ids_cited_by_and_exact_links(
    everything: dict[str, dict[str, Any]],
) -> None:
    # 6 <R> ids (one by stable_id) + 0 new from cited_by (3e7a… already cited)
    # + lesswrong (exact) + FLI (with "/" added); aisafety.info differs in host case: not exact.
    assert everything["mesa-optimization"]["pageRecord"]["coverage"]["actuals"]["references"] == 8


def test_backlinks_registry_then_pages(everything: dict[str, dict[str, Any]]) -> None:
    backlinks = everything["mesa-optimization"]["backlinks"]
    assert [(b["id"], b["type"], b["relationship"]) for b in backlinks] == [
        ("accident-risks", "crux", None),
        ("evan-hubinger", "researcher", "related"),
        ("interpretability", "safety-agenda", "mitigates"),
        ("alignment-evals", "approach", "related"),
        ("deceptive-alignment", "risk", None),
        ("scheming", "risk", None),
        ("goal-misgeneralization", "risk", "related"),
        ("reward-hacking", "risk", None),
        ("sharp-left-turn", "risk", None),
        ("inner-alignment", "concept", "analyzes"),
        # interpretability.mdx also has an EntityLink to this page: already listed above.
        ("__index__/knowledge-base/risks", "concept", None),
    ]
    assert everything["mesa-optimization"]["pageRecord"]["backlinkCount"] == 11


def test_entity_item_and_auto_entity(everything: dict[str, dict[str, Any]]) -> None:
    items = {pid: r["pageRecord"]["coverage"]["items"]["entity"] for pid, r in everything.items()}
    assert items["mesa-optimization"] == "green"  # registry entity
    assert items["safety-approaches-comparison"] == "green"  # frontmatter entityType only
    assert items["__index__/knowledge-base/risks"] == "red"


def test_citation_stats_and_edit_log(everything: dict[str, dict[str, Any]]) -> None:
    page = everything["mesa-optimization"]["pageRecord"]
    actuals = page["coverage"]["actuals"]
    assert (actuals["quotesWithQuotes"], actuals["quotesTotal"]) == (9, 14)  # 0.64 → amber
    assert (actuals["accuracyChecked"], actuals["accuracyTotal"]) == (12, 14)  # 0.86 → green
    assert page["coverage"]["items"]["quotes"] == "amber"
    assert page["coverage"]["items"]["accuracy"] == "green"
    assert page["coverage"]["items"]["editHistory"] == "green"
    assert page["lastUpdated"] == "2026-03-02"  # edit log beats lastEdited 2026-01-29
    assert page["dateCreated"] == "2025-12-15"  # earliest edit-log entry (no git, no createdAt)
    # 1 of 12 checked citations inaccurate: some-inaccurate (+5)
    assert "some-inaccurate" in page["hallucinationRisk"]["factors"]


def test_entity_type_from_registry_drives_risk(everything: dict[str, dict[str, Any]]) -> None:
    # evan-hubinger is a registry `researcher` (alias of person): biographical claims.
    risk = everything["evan-hubinger"]["pageRecord"]["hallucinationRisk"]
    assert risk["factors"][0] == "biographical-claims"
    assert everything["evan-hubinger"]["pageRecord"]["entityType"] == "researcher"


def test_subset_run_sees_the_whole_kb(kb: Path, everything: dict[str, dict[str, Any]]) -> None:
    one = records(kb, "content/docs/knowledge-base/risks/mesa-optimization.mdx")
    assert list(one) == ["mesa-optimization"]
    assert one["mesa-optimization"] == everything["mesa-optimization"]


def test_golden_record(everything: dict[str, dict[str, Any]]) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert everything["mesa-optimization"] == expected


def test_redundancy_is_symmetric_and_by_format(everything: dict[str, dict[str, Any]]) -> None:
    similar = {
        pid: {p["id"]: p["similarity"] for p in r["pageRecord"]["redundancy"]["similarPages"]}
        for pid, r in everything.items()
    }
    assert similar["mesa-optimization"]["scheming"] == similar["scheming"]["mesa-optimization"] == 16
    # the table-format page and the index are only compared with pages of their own format
    assert similar["safety-approaches-comparison"] == {}
    assert similar["__index__/knowledge-base/risks"] == {}
    for page, partners in similar.items():
        assert list(partners.values()) == sorted(partners.values(), reverse=True), page
        assert everything[page]["pageRecord"]["redundancy"]["maxSimilarity"] == max(partners.values(), default=0)
