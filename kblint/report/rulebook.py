"""`kblint rules` and `kblint explain`: the rule book, rendered from the rule YAML files."""

from __future__ import annotations

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kblint.rulebook import Rule, RuleBook


def render_rules(book: RuleBook, console: Console) -> None:
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("code", "name", "severity", "fixable", "summary"):
        table.add_column(column, no_wrap=column != "summary")
    for rule in book.rules:
        fixable = "yes" if rule.fixable else ""
        # Text(), not markup: summaries contain brackets like "[citation needed]".
        table.add_row(rule.code, rule.name, rule.severity.value, fixable, Text(rule.summary))
    console.print(table)


def markdown_table(book: RuleBook) -> str:
    """The README's rules table (kept in sync by a test)."""
    lines = ["| code | name | severity | fixable | summary |", "|---|---|---|---|---|"]
    for rule in book.rules:
        fixable = "yes" if rule.fixable else ""
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| {rule.code} | `{rule.name}` | {rule.severity.value} | {fixable} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def render_explain(rule: Rule, console: Console) -> None:
    console.print(Text(f"{rule.code} {rule.name}", style="bold"))
    console.print(Text(rule.summary))
    console.print()
    kind = "declarative pattern" if rule.pattern else "built in" if rule.builtin else "check"
    fixable = "yes" if rule.fixable else "no"
    console.print(f"Default severity: {rule.severity.value}. Kind: {kind}. Fixable: {fixable}.")
    for heading, key in (("What it flags", "what"), ("Why it matters", "why"), ("Notes", "notes")):
        if rule.docs.get(key):
            console.print()
            console.print(Text(heading, style="bold"))
            console.print(Text(rule.docs[key].strip()))
    for heading, key in (("Fails", "fails"), ("Passes", "passes")):
        console.print()
        console.print(Text(heading, style="bold"))
        console.print(Text(_indent(rule.docs.get(key, ""))))
    console.print()
    console.print(Text("Options", style="bold"))
    if rule.options:
        console.print(Text(_indent(yaml.safe_dump(rule.options, sort_keys=False))))
    else:
        console.print("  (none)")
    console.print()
    console.print(Text(f"Docs: {rule.docs_url}"))


def _indent(block: str) -> str:
    return "\n".join("    " + line for line in block.rstrip().splitlines())
