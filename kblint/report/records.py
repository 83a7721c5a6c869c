"""`kblint record --format table`: the headline numbers of each page record."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kblint.engine import RunReport


def render_table(report: RunReport, console: Console) -> None:
    table = Table(show_edge=False, pad_edge=False)
    for column in (
        "id",
        "format",
        "words",
        "tables",
        "diagrams",
        "int",
        "ext",
        "fn",
        "score",
        "coverage",
        "risk",
    ):
        table.add_column(column, justify="left" if column in ("id", "format", "risk") else "right")
    for article in report.articles:
        if article.record is None:
            continue
        data = article.record.data
        metrics = data["metrics"]
        coverage = data["coverage"]
        risk = data["hallucinationRisk"]
        table.add_row(
            data["id"],
            data["contentFormat"],
            str(metrics["wordCount"]),
            str(metrics["tableCount"]),
            str(metrics["diagramCount"]),
            str(metrics["internalLinks"]),
            str(metrics["externalLinks"]),
            str(metrics["footnoteCount"]),
            str(metrics["structuralScore"]),
            f"{coverage['passing']}/{coverage['total']}",
            f"{risk['level']} {risk['score']}",
        )
    console.print(table)
