"""Link checks (KB301–KB305): edge cases and options the fixture articles do not show."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import NOW, article_from_text
from kblint.analysis import summarize
from kblint.checks import CorpusContext, FileContext, Hit
from kblint.checks.links import (
    broken_internal_link,
    fake_url,
    page_path,
    placeholder_reason,
    unconverted_link,
    unknown_entity_link,
    unknown_resource_ref,
)
from kblint.config import Components, Config
from kblint.corpus import Corpus
from kblint.discovery import PageIdentity
from kblint.record import build
from kblint.registries import Entity, Registries, Resource, ResourceIndex
from kblint.rulebook import builtin

HEAD = "---\ntitle: Example\n---\nimport {EntityLink, R} from '@components/wiki';\n\n"
SLEEPER = Resource(
    id="5a7c9e1b3d2f4860",
    url="https://arxiv.org/abs/2401.05566",
    title="Sleeper Agents",
    stable_id="r-sleeper-agents-2024",
)
FAKING = Resource(
    id="c51d7e03a9b4f268", url="https://www.anthropic.com/research/alignment-faking", title=None
)


def file_ctx(
    text: str,
    resources: tuple[Resource, ...] = (SLEEPER, FAKING),
    rel_path: str = "knowledge-base/risks/example.mdx",
    config: Config | None = None,
) -> FileContext:
    config = config or Config()
    article = article_from_text(text, rel_path)
    registries = Registries(resources=ResourceIndex(resources))
    identity = PageIdentity.from_rel_path(rel_path)
    record = build(article, identity, config, NOW, None, registries.resources)
    return FileContext(article, record, config, registries)


def options(rule: str, **overrides: Any) -> dict[str, Any]:
    found = builtin().get(rule)
    assert found is not None
    return {**found.options, **overrides}


def positions(ctx: FileContext, hits: list[Hit]) -> list[tuple[int, int]]:
    result = []
    for hit in hits:
        assert hit.offset is not None
        position = ctx.article.position(hit.offset)
        result.append((position.line, position.column))
    return result


ENTITIES = {
    "anthropic": Entity("anthropic", "lab", "Anthropic", numeric_id="E3"),
    "openai": Entity("openai", "lab", "OpenAI", numeric_id="E22", aliases=("open-ai",)),
    "scheming": Entity("scheming", "risk", "Scheming", numeric_id="E40"),
}


def corpus_ctx(pages: dict[str, str], page: str) -> CorpusContext:
    """A corpus of the given articles (rel_path → text); the context is that of `page`."""
    summaries = [
        summarize(
            article_from_text(text, rel), PageIdentity.from_rel_path(rel), frozenset({"EntityLink"})
        )
        for rel, text in pages.items()
    ]
    corpus = Corpus(summaries, Registries(entities=dict(ENTITIES)))
    summary = next(s for s in summaries if s.rel_path == page)
    return CorpusContext(summary, None, corpus, Config())


def corpus_hits(check: Any, text: str, opts: dict[str, Any] | None = None) -> list[Hit]:
    pages = {
        "knowledge-base/risks/example.mdx": text,
        "knowledge-base/risks/deceptive-alignment.mdx": "---\ntitle: Deceptive Alignment\n---\n",
        "knowledge-base/people/evan-hubinger.mdx": "---\ntitle: Evan\nentityType: person\n---\n",
        "knowledge-base/risks/index.mdx": "---\ntitle: Risks\n---\n",
    }
    hits: list[Hit] = list(check(corpus_ctx(pages, "knowledge-base/risks/example.mdx"), opts or {}))
    return hits


# -- unconverted-link ---------------------------------------------------------------------------


def test_unconverted_link_fix_replaces_the_whole_link() -> None:
    text = HEAD + "Backdoors persisted ([Hubinger et al.](https://arxiv.org/abs/2401.05566)).\n"
    ctx = file_ctx(text)
    [hit] = unconverted_link(ctx, options("unconverted-link"))
    assert hit.message == (
        'link to a registered resource ("Sleeper Agents"): write '
        '<R id="5a7c9e1b3d2f4860">Hubinger et al.</R> so the bibliography tracks the citation'
    )
    assert positions(ctx, [hit]) == [(6, 22)]
    [edit] = hit.edits
    fixed = text[: edit.start] + edit.replacement + text[edit.end :]
    assert fixed.endswith('(<R id="5a7c9e1b3d2f4860">Hubinger et al.</R>).\n')


def test_unconverted_link_use_stable_id_when_the_resource_has_one() -> None:
    text = HEAD + "[paper](https://arxiv.org/abs/2401.05566) and [post](https://anthropic.com/research/alignment-faking)\n"
    ctx = file_ctx(text)
    hits = list(unconverted_link(ctx, options("unconverted-link", use_stable_id=True)))
    assert [h.edits[0].replacement for h in hits] == [
        '<R id="r-sleeper-agents-2024">paper</R>',
        '<R id="c51d7e03a9b4f268">post</R>',  # no stable_id: the id
    ]
    assert hits[1].message.startswith("link to a registered resource: write")  # no title


def test_unconverted_link_empty_text_and_wrapped_text() -> None:
    text = HEAD + "See [](https://arxiv.org/abs/2401.05566) and [the sleeper\nagents paper](https://arxiv.org/abs/2401.05566/).\n"
    hits = list(unconverted_link(file_ctx(text), {}))
    assert hits[0].edits[0].replacement == '<R id="5a7c9e1b3d2f4860">Sleeper Agents</R>'
    assert hits[1].edits[0].replacement == '<R id="5a7c9e1b3d2f4860">the sleeper\nagents paper</R>'
    assert '<R id="5a7c9e1b3d2f4860">the sleeper agents paper</R>' in hits[1].message


def test_unconverted_link_in_markdown_file_has_no_fix() -> None:
    text = "---\ntitle: Example\n---\n\nSee [the paper](https://arxiv.org/abs/2401.05566).\n"
    [hit] = unconverted_link(file_ctx(text, rel_path="knowledge-base/people/x.md"), {})
    assert hit.edits == ()
    assert hit.message.endswith("(needs an .mdx file)")


# -- unknown-entity-link --------------------------------------------------------------------------


def test_unknown_entity_link_messages_and_positions() -> None:
    text = HEAD + (
        'At <EntityLink id="E22" name="anthropic">Anthropic</EntityLink> and\n'
        '<EntityLink id="schemng">scheming</EntityLink>, <EntityLink id="E999" />,\n'
        '<EntityLink id="E998" name="scheming">x</EntityLink>.\n'
    )
    hits = corpus_hits(unknown_entity_link, text)
    assert [(h.line, h.column, h.message) for h in hits] == [
        (6, 4, 'EntityLink name "anthropic" does not match E22 (= "openai"); if you meant anthropic, use id="E3"'),
        (7, 1, 'EntityLink id "schemng" is not in the entity registry; did you mean "scheming"?'),
        (7, 49, 'EntityLink id "E999" is not in the entity registry'),
        (8, 1, 'EntityLink id "E998" is not in the entity registry; the name "scheming" is id="E40"'),
    ]


def test_entity_link_name_may_be_alias_title_or_page_id() -> None:
    text = HEAD + (
        '<EntityLink id="E22" name="open-ai">a</EntityLink> <EntityLink id="E22" name="OpenAI">b</EntityLink>\n'
        '<EntityLink id="deceptive-alignment" name="deceptive-alignment">c</EntityLink>\n'
        '<EntityLink id="evan-hubinger">auto-entity</EntityLink>\n'
        '<EntityLink id="openai" name="">empty name is no name</EntityLink>\n'
    )
    assert corpus_hits(unknown_entity_link, text) == []


def test_entity_link_slug_with_wrong_name_suggests_the_slug() -> None:
    text = HEAD + '<EntityLink id="openai" name="anthropic">x</EntityLink>\n'
    [hit] = corpus_hits(unknown_entity_link, text)
    assert hit.message == (
        'EntityLink name "anthropic" does not match "openai"; if you meant anthropic, use id="anthropic"'
    )


def test_entity_link_unknown_name_has_no_suggestion() -> None:
    text = HEAD + '<EntityLink id="E3" name="deepmind">x</EntityLink>\n'
    [hit] = corpus_hits(unknown_entity_link, text)
    assert hit.message == 'EntityLink name "deepmind" does not match E3 (= "anthropic")'


# -- unknown-resource-ref -------------------------------------------------------------------------


def test_unknown_resource_ref_id_stable_id_expression_and_missing() -> None:
    text = HEAD + (
        '<R id="5a7c9e1b3d2f4860">a</R> <R id="r-sleeper-agents-2024">b</R> <R id={ids.x}>c</R>\n'
        '<R id="5a7c9e1b3d2f4861">d</R> <R id="r-sleeper-agents-2025" /> <R>no id</R>\n'
        '`<R id="in-code">x</R>`\n'
    )
    ctx = file_ctx(text)
    hits = list(unknown_resource_ref(ctx, {}))
    assert positions(ctx, hits) == [(7, 1), (7, 32), (7, 65)]
    assert [h.message for h in hits] == [
        '<R id="5a7c9e1b3d2f4861"> is not in the resource registry (neither an id nor a stable_id); did you mean "5a7c9e1b3d2f4860"?',
        '<R id="r-sleeper-agents-2025"> is not in the resource registry (neither an id nor a stable_id); did you mean "r-sleeper-agents-2024"?',
        '<R> has no id attribute: cite a resource from the bibliography as <R id="RESOURCE_ID">',
    ]
    assert hits[0].end_offset is not None
    assert text[hits[0].offset : hits[0].end_offset] == '<R id="5a7c9e1b3d2f4861">'


def test_unknown_resource_ref_uses_configured_component_names() -> None:
    config = Config(components=Components(resource_refs=frozenset({"Cite"})))
    text = HEAD + '<Cite id="nope">x</Cite> and <R id="nope">not a resource ref here</R>\n'
    [hit] = unknown_resource_ref(file_ctx(text, config=config), {})
    assert hit.message.startswith('<Cite id="nope"> is not in the resource registry')


# -- broken-internal-link -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/knowledge-base/risks/scheming/", "/knowledge-base/risks/scheming/"),
        ("/knowledge-base/risks/scheming", "/knowledge-base/risks/scheming/"),
        ("/knowledge-base/risks/scheming#evidence", "/knowledge-base/risks/scheming/"),
        ("/knowledge-base/risks/scheming/?tab=2#x", "/knowledge-base/risks/scheming/"),
        ("/knowledge-base/models/gpt-4.5/", "/knowledge-base/models/gpt-4.5/"),
        ("/knowledge-base/caf%C3%A9/", "/knowledge-base/café/"),
        ("/images/chart.png", None),
        ("/papers/report.pdf#page=3", None),
        ("/", None),
        ("/#top", None),
        ("//cdn.example.org/x", None),
    ],
)
def test_page_path(target: str, expected: str | None) -> None:
    assert page_path(target) == expected


def test_broken_internal_link_suggestions_and_ignored_prefixes() -> None:
    text = HEAD + (
        "[a](/knowledge-base/risks/deceptive-alignment) [b](/knowledge-base/risks/)\n"
        "[c](/knowledge-base/risk/deceptive-alignment/) [d](/kb/evan-hubinger/)\n"
        "[e](/knowledge-base/risks/unknown-page/) [f](/assets/diagrams/) [g](/static/x/)\n"
    )
    hits = corpus_hits(broken_internal_link, text, options("broken-internal-link"))
    assert [(h.line, h.column, h.message) for h in hits] == [
        (7, 1, 'internal link "/knowledge-base/risk/deceptive-alignment/" does not match any page; did you mean "/knowledge-base/risks/deceptive-alignment/"?'),
        (7, 48, 'internal link "/kb/evan-hubinger/" does not match any page; did you mean "/knowledge-base/people/evan-hubinger/"?'),
        (8, 1, 'internal link "/knowledge-base/risks/unknown-page/" does not match any page'),
    ]
    narrowed = corpus_hits(broken_internal_link, text, {"ignore_prefixes": ["/kb/"]})
    assert [(h.line, h.column) for h in narrowed] == [(7, 1), (8, 1), (8, 42), (8, 65)]


# -- fake-url -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://example.com/paper.pdf", "example.com is reserved for examples"),
        ("https://docs.example.org/x", "example.org is reserved for examples"),
        ("http://EXAMPLE.NET", "example.net is reserved for examples"),
        ("http://localhost:8080/evals", "localhost is the reader's own computer, not a public site"),
        ("http://127.0.0.1/x", "127.0.0.1 is the reader's own computer, not a public site"),
        ("http://[::1]/x", "::1 is the reader's own computer, not a public site"),
        ("https://evals.test/", ".test is a reserved top-level domain"),
        ("https://site.invalid/a", ".invalid is a reserved top-level domain"),
        ("https://", "the URL has no host"),
        ("https://www.your-site.com/post", '"your-site" is a placeholder'),
        ("https://arxiv.org/abs/2401.xxxxx", '"xxxxx" is a placeholder'),
        ("https://lesswrong.com/posts/TODO", '"TODO" is a placeholder'),
        ("https://blog.org/url-here", '"url-here" is a placeholder'),
        ("mailto:team@example.com", "example.com is reserved for examples"),
        ("https://web.archive.org/web/2024/https://example.com/x", "example.com is reserved for examples"),
        ("https://arxiv.org/abs/2401.05566", None),
        ("https://github.com/org/todo-app", None),
        ("https://www.lesswrong.com/posts/abc/an-example-of-x", None),
        ("https://examples.com/", None),
        ("https://xxx-research.org/", None),
        ("/knowledge-base/risks/scheming/", None),
    ],
)
def test_placeholder_reason(url: str, reason: str | None) -> None:
    assert placeholder_reason(url, whole_target=False) == reason


@pytest.mark.parametrize("target", ["", "#", "URL", "link", "TODO", "xxx"])
def test_placeholder_whole_targets(target: str) -> None:
    assert placeholder_reason(target, whole_target=True) == (
        "the link target is a placeholder, not an address"
    )
    assert placeholder_reason("#evidence", whole_target=True) is None


def test_fake_url_positions_and_what_is_skipped() -> None:
    text = (
        "---\ntitle: Example\nsource: https://example.com/in-frontmatter\n---\n"
        "import {R} from '@components/wiki';\n\n"
        "See [the report]( <https://example.com/a b> ) and http://localhost:3000/x.\n"
        "`https://example.com/code` {/* https://example.com/comment */}\n"
        "```\nhttps://example.com/fenced\n```\n"
        '<Card href="https://example.org/card" />\n'
    )
    ctx = file_ctx(text)
    hits = list(fake_url(ctx, {}))
    assert positions(ctx, hits) == [(7, 20), (7, 51), (12, 13)]
    assert hits[1].message == (
        'placeholder URL "http://localhost:3000/x": localhost is the reader\'s own computer, '
        "not a public site; link the real source or remove the link"
    )
    assert hits[1].end_offset is not None and hits[1].offset is not None
    assert text[hits[1].offset : hits[1].end_offset] == "http://localhost:3000/x"


def test_fake_url_reference_link_is_reported_once_at_its_definition() -> None:
    text = HEAD + "See [the report][r] and [again][r].\n\n[r]: https://example.com/report\n"
    ctx = file_ctx(text)
    hits = list(fake_url(ctx, {}))
    assert positions(ctx, hits) == [(8, 6)]
