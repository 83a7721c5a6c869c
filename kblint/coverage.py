"""Coverage targets and the green/amber/red status of each item (spec §8)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kblint.scoring import round_half_up

GREEN, AMBER, RED = "green", "amber", "red"
NUMERIC_ITEMS = ("tables", "diagrams", "internalLinks", "externalLinks", "footnotes", "references")
ITEM_ORDER = (
    "llmSummary",
    "schedule",
    "entity",
    "editHistory",
    "overview",
    *NUMERIC_ITEMS,
    "quotes",
    "accuracy",
)

# (multiplier of k = words/1000, floor) per item; floor None means no max(); see spec §8.
_Rule = tuple[Fraction, int | None]
_TARGET_RULES: dict[str, dict[str, _Rule]] = {
    "article": {
        "tables": (Fraction(4), 1),
        "diagrams": (Fraction(2, 5), 0),
        "internalLinks": (Fraction(8), 3),
        "externalLinks": (Fraction(5), 1),
        "footnotes": (Fraction(3), 2),
        "references": (Fraction(3), 1),
    },
    "table": {
        "tables": (Fraction(5), 2),
        "diagrams": (Fraction(3, 10), None),
        "internalLinks": (Fraction(5), 3),
        "externalLinks": (Fraction(3), 1),
        "footnotes": (Fraction(2), 1),
        "references": (Fraction(2), 1),
    },
    "diagram": {
        "tables": (Fraction(1), None),
        "diagrams": (Fraction(1), 1),
        "internalLinks": (Fraction(5), 3),
        "externalLinks": (Fraction(3), 1),
        "footnotes": (Fraction(2), 1),
        "references": (Fraction(2), 1),
    },
    "index": {
        "tables": (Fraction(1), None),
        "diagrams": (Fraction(0), None),
        "internalLinks": (Fraction(8), 5),
        "externalLinks": (Fraction(2), None),
        "footnotes": (Fraction(0), None),
        "references": (Fraction(1), None),
    },
}


@dataclass(frozen=True, slots=True)
class CoverageInputs:
    """Everything the coverage items look at."""

    content_format: str
    word_count: int
    actuals: dict[str, int]  # the six numeric actuals
    has_llm_summary: bool
    has_schedule: bool
    is_entity: bool
    has_edit_history: bool
    has_overview: bool
    quotes_with_quotes: int = 0
    quotes_total: int = 0
    accuracy_checked: int = 0
    accuracy_total: int = 0


def targets(content_format: str, word_count: int) -> dict[str, int]:
    family = "index" if content_format == "dashboard" else content_format
    rules = _TARGET_RULES.get(family, _TARGET_RULES["article"])
    k = Fraction(word_count, 1000)
    result = {}
    for item, (multiplier, floor) in rules.items():
        value = round_half_up(multiplier * k)
        result[item] = value if floor is None else max(floor, value)
    return result


def numeric_status(actual: int, target: int) -> str:
    if target == 0:
        return GREEN if actual > 0 else RED
    if actual >= target:
        return GREEN
    return AMBER if actual > 0 else RED


def ratio_status(numerator: int, total: int) -> str:
    if total <= 0:
        return RED
    if numerator / total >= 0.75:
        return GREEN
    return AMBER if numerator > 0 else RED


def has_overview_item(content_format: str) -> bool:
    return content_format in ("article", "diagram")


def compute(inputs: CoverageInputs, ratings: Any) -> dict[str, Any]:
    goal = targets(inputs.content_format, inputs.word_count)
    items: dict[str, str] = {
        "llmSummary": GREEN if inputs.has_llm_summary else RED,
        "schedule": GREEN if inputs.has_schedule else RED,
        "entity": GREEN if inputs.is_entity else RED,
        "editHistory": GREEN if inputs.has_edit_history else RED,
    }
    if has_overview_item(inputs.content_format):
        items["overview"] = GREEN if inputs.has_overview else RED
    for item in NUMERIC_ITEMS:
        items[item] = numeric_status(inputs.actuals[item], goal[item])
    items["quotes"] = ratio_status(inputs.quotes_with_quotes, inputs.quotes_total)
    items["accuracy"] = ratio_status(inputs.accuracy_checked, inputs.accuracy_total)
    actuals: dict[str, int] = {item: inputs.actuals[item] for item in NUMERIC_ITEMS}
    actuals |= {
        "quotesWithQuotes": inputs.quotes_with_quotes,
        "quotesTotal": inputs.quotes_total,
        "accuracyChecked": inputs.accuracy_checked,
        "accuracyTotal": inputs.accuracy_total,
    }
    return {
        "passing": sum(1 for status in items.values() if status == GREEN),
        "total": len(items),
        "targets": goal,
        "actuals": actuals,
        "items": items,
        "ratingsString": ratings_string(ratings),
    }


def ratings_string(ratings: Any) -> str:
    if not isinstance(ratings, dict):
        return ""
    parts = []
    for key, letter in (
        ("novelty", "N"),
        ("rigor", "R"),
        ("actionability", "A"),
        ("completeness", "C"),
    ):
        value = ratings.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        parts.append(f"{letter}:{js_number(value)}")
    return " ".join(parts)


def js_number(value: float) -> str:
    """Print a number the way JavaScript's String(n) does for ordinary values (7, not 7.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
