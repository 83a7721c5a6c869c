"""Reporters: concise, json, sarif, github, rdjsonl, junit, --statistics, and the console's
plain and styled output.

Reports are built by hand so every awkward case is present: a finding with an end position and
one without, a message with `%`, `,`, `:`, a line break and non-ASCII text, a registry finding
that belongs to no article, a clean article, and an article without a page record.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_KB, REPO, record_from_text
from kblint.cli import app
from kblint.engine import ArticleReport, RunReport
from kblint.model import Finding, Severity, counted
from kblint.report import (
    FORMATS,
    concise,
    console,
    github,
    json_report,
    junit,
    rdjsonl,
    reporter,
    sarif,
)
from kblint.report.statistics import render_statistics
from kblint.rulebook import RuleBook, builtin

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0.json"
REPORT_SCHEMA = REPO / "schemas" / "report.schema.json"

A = "content/docs/risks/alpha.mdx"
CLEAN = "content/docs/risks/clean.mdx"
BROKEN = "content/docs/risks/broken.mdx"
REGISTRY = "data/entities/people.yaml"
TRICKY = "100% sure, see a:b\nsecond line — Zürich"

ARTICLE_TEXT = "---\ntitle: Alpha\n---\n\n## Overview\n\nSome text about alignment.\n"


def finding(
    path: str,
    line: int,
    column: int,
    rule: str,
    code: str,
    severity: Severity,
    message: str,
    end: tuple[int, int] | None = None,
) -> Finding:
    end_line, end_column = end if end else (None, None)
    return Finding(path, line, column, rule, code, severity, message, end_line, end_column)


UNDEFINED = finding(A, 3, 5, "footnote-undefined", "KB201", Severity.ERROR, TRICKY, end=(3, 9))
UNCONVERTED = finding(A, 7, 1, "unconverted-link", "KB301", Severity.WARNING, "convert to <R>")
UNCITED = finding(A, 9, 1, "uncited-section", "KB602", Severity.INFO, "section has no citation")
UNREADABLE = finding(BROKEN, 1, 1, "file-unreadable", "KB001", Severity.ERROR, "not UTF-8")
REGISTRY_FINDING = finding(
    REGISTRY, 4, 3, "registry-schema", "KB501", Severity.ERROR, "entry 2 (id x): 'type' missing"
)


def make_report() -> RunReport:
    record = record_from_text(ARTICLE_TEXT, "knowledge-base/risks/alpha.mdx")
    clean_record = record_from_text(ARTICLE_TEXT, "knowledge-base/risks/clean.mdx")
    return RunReport(
        [
            ArticleReport(A, record, [UNCITED, UNDEFINED, UNCONVERTED]),
            ArticleReport(CLEAN, clean_record, []),
            ArticleReport(BROKEN, None, [UNREADABLE]),
        ],
        [REGISTRY_FINDING],
    )


def clean_report() -> RunReport:
    return RunReport([ArticleReport(CLEAN, record_from_text(ARTICLE_TEXT), [])])


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return builtin()


def render(renderer: Callable[..., None], report: RunReport, book: RuleBook, **options: Any) -> str:
    out = io.StringIO()
    renderer(report, book, out, tool_version="9.9.9", **options)
    return out.getvalue()


def validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checked: jsonschema.protocols.Validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return checked


def assert_valid(path: Path, document: Any) -> None:
    errors = sorted(validator(path).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [(list(e.absolute_path), e.message) for e in errors]


# --- registry ---------------------------------------------------------------------------------


def test_registry_maps_every_format_name() -> None:
    assert set(FORMATS) == {"concise", "json", "sarif", "github", "rdjsonl", "junit"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_reporter_is_deterministic(name: str, book: RuleBook) -> None:
    first = render(reporter(name), make_report(), book)
    assert first == render(reporter(name), make_report(), book)
    assert first.endswith("\n")


# --- concise ----------------------------------------------------------------------------------


def test_concise_lines(book: RuleBook) -> None:
    assert render(concise.render, make_report(), book).splitlines() == [
        "content/docs/risks/alpha.mdx:3:5: KB201 footnote-undefined "
        "100% sure, see a:b second line — Zürich",
        "content/docs/risks/alpha.mdx:7:1: KB301 unconverted-link convert to <R>",
        "content/docs/risks/alpha.mdx:9:1: KB602 uncited-section section has no citation",
        "content/docs/risks/broken.mdx:1:1: KB001 file-unreadable not UTF-8",
        "data/entities/people.yaml:4:3: KB501 registry-schema entry 2 (id x): 'type' missing",
    ]


def test_concise_is_empty_when_clean(book: RuleBook) -> None:
    assert render(concise.render, clean_report(), book) == ""


# --- json -------------------------------------------------------------------------------------


def test_report_schema_is_a_valid_2020_12_schema() -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_json_validates_and_has_exact_values(book: RuleBook) -> None:
    document = json.loads(render(json_report.render, make_report(), book))
    assert_valid(REPORT_SCHEMA, document)
    assert document["version"] == 1
    assert document["tool"] == {"name": "kblint", "version": "9.9.9"}
    assert document["summary"] == {
        "articles": 3,
        "findings": {"error": 3, "warning": 1, "info": 1},
        "coveragePassing": 2,
        "coverageTotal": 26,
    }
    alpha, clean, broken = document["articles"]
    assert [alpha["path"], alpha["id"]] == [A, "alpha"]
    assert alpha["coverage"]["passing"] == 1 and alpha["coverage"]["total"] == 13
    assert alpha["coverage"]["items"]["overview"] == "green"
    assert set(alpha["coverage"]) == {"passing", "total", "items"}
    assert alpha["hallucinationRisk"] == {
        "level": "low",
        "score": 30,
        "factors": ["minimal-content"],
    }
    assert [f["code"] for f in alpha["findings"]] == ["KB201", "KB301", "KB602"]
    assert clean["findings"] == [] and clean["id"] == "clean"
    assert broken == {
        "path": BROKEN,
        "id": None,
        "coverage": None,
        "hallucinationRisk": None,
        "findings": [json_report.finding_object(UNREADABLE, book)],
    }


def test_json_finding_objects(book: RuleBook) -> None:
    document = json.loads(render(json_report.render, make_report(), book))
    findings = document["findings"]
    assert [f["path"] for f in findings] == [A, A, A, BROKEN, REGISTRY]  # registry included
    assert findings[0] == {
        "path": A,
        "line": 3,
        "column": 5,
        "endLine": 3,
        "endColumn": 9,
        "code": "KB201",
        "rule": "footnote-undefined",
        "severity": "error",
        "message": TRICKY,
        "docs": "https://kblint.dev/rules/footnote-undefined",
        "fixable": False,
    }
    assert findings[1]["endLine"] is None and findings[1]["endColumn"] is None
    assert findings[1]["fixable"] is True  # unconverted-link has a fix
    assert findings[4]["rule"] == "registry-schema"


def test_json_keeps_non_ascii_readable(book: RuleBook) -> None:
    assert "Zürich" in render(json_report.render, make_report(), book)


def test_json_clean_run(book: RuleBook) -> None:
    document = json.loads(render(json_report.render, RunReport([]), book))
    assert_valid(REPORT_SCHEMA, document)
    assert document["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert document["articles"] == [] and document["findings"] == []


# --- sarif ------------------------------------------------------------------------------------


def sarif_run(report: RunReport, book: RuleBook) -> dict[str, Any]:
    document = json.loads(render(sarif.render, report, book))
    assert_valid(SARIF_SCHEMA, document)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(document["runs"]) == 1
    run: dict[str, Any] = document["runs"][0]
    return run


def test_vendored_sarif_schema_is_the_official_one() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_sarif_driver_and_rules(book: RuleBook) -> None:
    driver = sarif_run(make_report(), book)["tool"]["driver"]
    assert driver["name"] == "kblint"
    assert driver["version"] == "9.9.9"
    assert driver["informationUri"] == "https://kblint.dev"
    assert [r["id"] for r in driver["rules"]] == ["KB001", "KB201", "KB301", "KB501", "KB602"]
    rule = driver["rules"][1]
    book_rule = book.by_code["KB201"]
    assert rule["name"] == "footnote-undefined"
    assert rule["shortDescription"] == {"text": book_rule.summary}
    assert rule["fullDescription"]["text"] == " ".join(book_rule.docs["what"].split())
    assert rule["helpUri"] == "https://kblint.dev/rules/footnote-undefined"
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert driver["rules"][4]["defaultConfiguration"] == {"level": "note"}  # info → note


def test_sarif_results(book: RuleBook) -> None:
    run = sarif_run(make_report(), book)
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("KB201", "error"),
        ("KB301", "warning"),
        ("KB602", "note"),
        ("KB001", "error"),
        ("KB501", "error"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    first = results[0]
    assert first["message"] == {"text": TRICKY}
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": A, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 9}
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 1}
    registry = results[4]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert registry == {"uri": REGISTRY, "uriBaseId": "%SRCROOT%"}
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_fingerprints_are_stable_and_distinct(book: RuleBook) -> None:
    def prints(report: RunReport) -> list[str]:
        return [
            r["partialFingerprints"]["kblintFinding/v1"] for r in sarif_run(report, book)["results"]
        ]

    assert prints(make_report()) == prints(make_report())
    twin = finding(A, 12, 1, "uncited-section", "KB602", Severity.INFO, UNCITED.message)
    doubled = RunReport([ArticleReport(A, None, [UNCITED, twin])])
    first, second = prints(doubled)
    assert first != second
    # The first occurrence keeps its fingerprint whatever follows, and lines do not matter.
    moved = dataclasses.replace(UNCITED, line=20)
    assert prints(RunReport([ArticleReport(A, None, [moved])])) == [first]
    assert len(first) == 64


def test_sarif_uris(book: RuleBook) -> None:
    assert sarif.artifact_location("docs/a b/ü:x#1.mdx") == {
        "uri": "docs/a%20b/%C3%BC%3Ax%231.mdx",
        "uriBaseId": "%SRCROOT%",
    }
    assert sarif.artifact_location("/srv/kb/a b.mdx") == {"uri": "file:///srv/kb/a%20b.mdx"}
    odd = finding("docs/a b/ü.mdx", 1, 1, "uncited-section", "KB602", Severity.INFO, "m")
    outside = finding("/srv/kb/x.mdx", 1, 1, "uncited-section", "KB602", Severity.INFO, "m")
    sarif_run(RunReport([ArticleReport("x", None, [odd, outside])]), book)  # schema-valid


def test_sarif_clean_run(book: RuleBook) -> None:
    run = sarif_run(clean_report(), book)
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


# --- github -----------------------------------------------------------------------------------


def test_github_annotations(book: RuleBook) -> None:
    assert render(github.render, make_report(), book).splitlines() == [
        "::error file=content/docs/risks/alpha.mdx,line=3,col=5,endLine=3,endColumn=9,"
        "title=KB201 footnote-undefined::100%25 sure, see a:b%0Asecond line — Zürich",
        "::warning file=content/docs/risks/alpha.mdx,line=7,col=1,"
        "title=KB301 unconverted-link::convert to <R>",
        "::notice file=content/docs/risks/alpha.mdx,line=9,col=1,"
        "title=KB602 uncited-section::section has no citation",
        "::error file=content/docs/risks/broken.mdx,line=1,col=1,"
        "title=KB001 file-unreadable::not UTF-8",
        "::error file=data/entities/people.yaml,line=4,col=3,"
        "title=KB501 registry-schema::entry 2 (id x): 'type' missing",
    ]


def test_github_escapes_properties() -> None:
    assert github.escape_data("50%\r\nnext, a:b") == "50%25%0D%0Anext, a:b"
    assert github.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    odd = finding("docs/a,b:c.mdx", 2, 3, "uncited-section", "KB602", Severity.INFO, "x")
    assert github.annotation(odd) == (
        "::notice file=docs/a%2Cb%3Ac.mdx,line=2,col=3,title=KB602 uncited-section::x"
    )


def test_github_is_empty_when_clean(book: RuleBook) -> None:
    assert render(github.render, clean_report(), book) == ""


# --- rdjsonl ----------------------------------------------------------------------------------


def test_rdjsonl_lines(book: RuleBook) -> None:
    lines = render(rdjsonl.render, make_report(), book).splitlines()
    diagnostics = [json.loads(line) for line in lines]
    assert len(diagnostics) == 5
    assert diagnostics[0] == {
        "message": TRICKY,
        "location": {
            "path": A,
            "range": {"start": {"line": 3, "column": 5}, "end": {"line": 3, "column": 9}},
        },
        "severity": "ERROR",
        "source": {"name": "kblint", "url": "https://kblint.dev"},
        "code": {"value": "KB201", "url": "https://kblint.dev/rules/footnote-undefined"},
    }
    assert diagnostics[1]["location"]["range"] == {"start": {"line": 7, "column": 1}}
    assert [d["severity"] for d in diagnostics] == ["ERROR", "WARNING", "INFO", "ERROR", "ERROR"]
    assert diagnostics[4]["location"]["path"] == REGISTRY
    assert all("suggestions" not in d for d in diagnostics)


# --- junit ------------------------------------------------------------------------------------


def junit_root(report: RunReport, book: RuleBook, **options: Any) -> ET.Element:
    text = render(junit.render, report, book, **options)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_junit_counts_and_cases(book: RuleBook) -> None:
    root = junit_root(make_report(), book)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "kblint"
    assert [suite.get(k) for k in ("tests", "failures", "errors")] == ["4", "3", "0"]
    assert [root.get(k) for k in ("tests", "failures", "errors")] == ["4", "3", "0"]
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [A, CLEAN, BROKEN, REGISTRY]
    assert {c.get("classname") for c in cases} == {"kblint"}
    alpha, clean, broken, registry = cases
    failure = alpha.find("failure")
    assert failure is not None
    assert failure.get("message") == "3 findings" and failure.get("type") == "error"
    assert failure.text is not None
    assert f"{A}:3:5: error KB201 footnote-undefined {TRICKY}" in failure.text
    assert f"{A}:9:1: info KB602 uncited-section" in failure.text
    assert list(clean) == []
    assert len(broken.findall("failure")) == 1
    registry_failure = registry.find("failure")
    assert registry_failure is not None and "KB501" in (registry_failure.text or "")


def test_junit_threshold(book: RuleBook) -> None:
    root = junit_root(make_report(), book, threshold=Severity.ERROR)
    suite = root.find("testsuite")
    assert suite is not None
    assert [suite.get(k) for k in ("tests", "failures")] == ["4", "3"]
    alpha = suite.findall("testcase")[0]
    failure, out = alpha.find("failure"), alpha.find("system-out")
    assert failure is not None and out is not None
    assert failure.get("message") == "1 finding"
    assert "KB201" in (failure.text or "") and "KB301" not in (failure.text or "")
    assert "KB301" in (out.text or "") and "KB602" in (out.text or "")
    info_only = RunReport([ArticleReport(A, None, [UNCITED])])
    quiet = junit_root(info_only, book, threshold=Severity.WARNING)
    assert quiet.get("failures") == "0" and quiet.get("tests") == "1"


def test_junit_escapes_markup_and_control_characters(book: RuleBook) -> None:
    nasty = finding(A, 1, 1, "uncited-section", "KB602", Severity.INFO, 'a <b> & "c"\x01\x1b]')
    root = junit_root(RunReport([ArticleReport('x "<&>".mdx', None, [nasty])]), book)
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == 'x "<&>".mdx'
    failure = case.find("failure")
    assert failure is not None
    assert (failure.text or "").endswith('a <b> & "c"\ufffd\ufffd]')


# --- statistics -------------------------------------------------------------------------------


def test_statistics(book: RuleBook) -> None:
    extra = [
        dataclasses.replace(UNCONVERTED, line=20),
        dataclasses.replace(UNCONVERTED, line=30, severity=Severity.ERROR),
    ]
    report = make_report()
    report.articles[0].findings.extend(extra)
    out = io.StringIO()
    render_statistics(report, book, out)
    assert out.getvalue().splitlines() == [
        "3  KB301  unconverted-link    error,warning",
        "1  KB001  file-unreadable     error",
        "1  KB201  footnote-undefined  error",
        "1  KB501  registry-schema     error",
        "1  KB602  uncited-section     info",
    ]


def test_statistics_clean(book: RuleBook) -> None:
    out = io.StringIO()
    render_statistics(clean_report(), book, out)
    assert out.getvalue() == ""


# --- end to end on the example KB -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_cli_formats_on_example_kb(name: str) -> None:
    result = CliRunner().invoke(
        app, ["check", str(EXAMPLE_KB), "--format", name, "--now", "2026-03-14T12:00:00Z"]
    )
    assert result.exit_code in (0, 1), result.output  # 1 only means error findings
    text = result.stdout
    if name == "json":
        document = json.loads(text)
        assert_valid(REPORT_SCHEMA, document)
        assert document["summary"]["articles"] == 11
    elif name == "sarif":
        assert_valid(SARIF_SCHEMA, json.loads(text))
    elif name == "rdjsonl":
        assert all(json.loads(line)["source"]["name"] == "kblint" for line in text.splitlines())
    elif name == "junit":
        assert ET.fromstring(text.encode("utf-8")).find("testsuite") is not None
    else:
        assert text.splitlines(), "the example KB has findings"


def test_schemas_reject_broken_documents(book: RuleBook) -> None:
    """Guards the validation above against silently accepting anything."""
    report = json.loads(render(json_report.render, make_report(), book))
    report["findings"][0]["extra"] = 1
    assert list(validator(REPORT_SCHEMA).iter_errors(report))
    log = json.loads(render(sarif.render, make_report(), book))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(list(validator(SARIF_SCHEMA).iter_errors(log))) == 2


# --- console ----------------------------------------------------------------------------------


def test_console_plain_lines() -> None:
    report = make_report()
    out = io.StringIO()
    console.write_plain(report, out)
    lines = out.getvalue().split("\n")
    alpha = report.articles[0].record
    assert alpha is not None
    assert lines[:3] == [
        A,
        console.plain(console.coverage_line(alpha.coverage)),
        console.plain(console.risk_line(alpha.risk)),
    ]
    # findings in file order whatever order the article holds them in; a message's own line
    # break is kept (the plain output is for people; `concise` is the one-line shape)
    assert lines[3:8] == [
        f"  {A}:3:5 error KB201 footnote-undefined 100% sure, see a:b",
        "second line — Zürich",
        f"  {A}:7:1 warning KB301 unconverted-link convert to <R>",
        f"  {A}:9:1 info KB602 uncited-section section has no citation",
        CLEAN,
    ]
    assert lines[10:13] == [
        BROKEN,  # no page record: no coverage or risk line
        f"  {BROKEN}:1:1 error KB001 file-unreadable not UTF-8",
        f"  {REGISTRY}:4:3 error KB501 registry-schema entry 2 (id x): 'type' missing",
    ]
    assert lines[13].startswith("3 articles · 3 errors · 1 warning · 1 info")
    assert lines[14:] == [""]  # the output ends with a line break


def test_console_styled_output_is_the_plain_output_with_colour() -> None:
    from rich.console import Console  # noqa: PLC0415 - only this test renders styles

    report = make_report()
    plain_out, styled_out = io.StringIO(), io.StringIO()
    console.write_plain(report, plain_out)
    terminal = Console(
        file=styled_out, force_terminal=True, color_system="standard", width=200, soft_wrap=True
    )
    console.render(report, terminal)
    styled = styled_out.getvalue()
    assert "\x1b[" in styled  # it is styled: severities, marks and rule names have colours
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == plain_out.getvalue()


def test_finding_text_is_the_plain_finding_line() -> None:
    for one in (UNDEFINED, UNCONVERTED, UNCITED, UNREADABLE, REGISTRY_FINDING):
        assert console.finding_text(one) == console.plain(console.finding_line(one)) + "\n"


def test_counts_are_singular_only_for_one() -> None:
    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
