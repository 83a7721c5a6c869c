"""Links and references: bibliography links not yet written as `<R>`, references to entities,
resources and pages that do not exist, and placeholder URLs (rules KB301–KB305)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from weakref import WeakKeyDictionary

from kblint.article import Article
from kblint.checks import CorpusContext, FileContext, Hit, corpus_check, file_check
from kblint.checks.prose import code_of
from kblint.corpus import Corpus, LinkRef
from kblint.facts import UnconvertedLink
from kblint.markdown import Link
from kblint.model import Edit, Intervals
from kblint.registries import Resource
from kblint.urls import BareUrlScanner

_NUMERIC_ID = re.compile(r"E\d+")
_SPACE = re.compile(r"\s+")
# Bare URLs in the text; `www.` without a scheme too. Trailing sentence punctuation is trimmed.
_BARE_URLS = BareUrlScanner(r"[^\s<>()\[\]\"'`]", scheme_boundary=True, scheme_tail_optional=True)
_TRAILING = ".,;:!?*_"
_EXAMPLE_DOMAINS = frozenset({"example.com", "example.org", "example.net"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})
# RFC 2606/6761 names that never resolve to a real site.
_RESERVED_TLDS = frozenset({"test", "invalid", "example", "localhost"})
# Placeholder words inside a URL, as a whole host label or path/query token.
_PLACEHOLDER_TOKEN = re.compile(
    r"(?<![a-z0-9_-])(?:todo|tbd|x{3,}|url-?here|link-?here|insert-?(?:url|link)(?:-?here)?"
    r"|your-?(?:site|domain|website|url|link|org|company)|placeholder)(?![a-z0-9_-])",
    re.IGNORECASE,
)
# A whole link target that is only a stand-in word: `[the paper](URL)`, `[source](#)`.
_PLACEHOLDER_TARGET = re.compile(r"#?|url|link|todo|tbd|tk|xxx+|placeholder", re.IGNORECASE)
_STATIC_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_CANDIDATES: WeakKeyDictionary[Corpus, dict[str, list[str]]] = WeakKeyDictionary()


# -- KB301 unconverted-link -----------------------------------------------------------------


@file_check
def unconverted_link(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """A Markdown link to a bibliography URL: cite it as `<R id>` (spec §5), with the fix."""
    use_stable_id = bool(options.get("use_stable_id", False))
    by_id = ctx.registries.resources.by_id
    for link in ctx.record.unconverted:
        ref_id = _resource_ref_id(link, by_id.get(link.resource_id), use_stable_id)
        label = link.text if link.text.strip() else (link.resource_title or link.url)
        replacement = f'<R id="{ref_id}">{label}</R>'
        title = f' ("{_one_line(link.resource_title)}")' if link.resource_title else ""
        message = (
            f"link to a registered resource{title}: write "
            f'<R id="{ref_id}">{_one_line(label)}</R> so the bibliography tracks the citation'
        )
        if not ctx.article.is_mdx:
            # Plain Markdown has no components: report, but do not rewrite into JSX.
            yield Hit(f"{message} (needs an .mdx file)", offset=link.start, end_offset=link.end)
            continue
        edit = Edit(link.start, link.end, replacement)
        yield Hit(message, offset=link.start, end_offset=link.end, edits=(edit,))


def _resource_ref_id(link: UnconvertedLink, resource: Resource | None, use_stable_id: bool) -> str:
    if use_stable_id and resource is not None and resource.stable_id:
        return resource.stable_id
    return link.resource_id


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# -- KB302 unknown-entity-link --------------------------------------------------------------


@corpus_check
def unknown_entity_link(ctx: CorpusContext, options: dict[str, Any]) -> Iterator[Hit]:
    """An `<EntityLink id>` that resolves to nothing, or whose `name` names another entity."""
    corpus = ctx.corpus
    for ref in ctx.summary.entity_links:
        if not corpus.is_known_id(ref.target):
            hint = _entity_hint(corpus, ref)
            message = f'EntityLink id "{ref.target}" is not in the entity registry{hint}'
            yield Hit(message, line=ref.line, column=ref.column)
        elif ref.name and not _name_matches(corpus, ref.target, ref.name):
            yield Hit(_name_message(corpus, ref, ref.name), line=ref.line, column=ref.column)


def _name_matches(corpus: Corpus, link_id: str, name: str) -> bool:
    """`name` carries the entity slug; its aliases and title (any case) are accepted too."""
    resolved = corpus.resolve(link_id)
    if name == resolved:
        return True
    entity = corpus.entities.get(resolved)
    if entity is None:
        return False
    folded = name.casefold()
    return folded in {alias.casefold() for alias in entity.aliases} or (
        entity.title is not None and folded == entity.title.casefold()
    )


def _name_message(corpus: Corpus, ref: LinkRef, name: str) -> str:
    resolved = corpus.resolve(ref.target)
    where = f'{ref.target} (= "{resolved}")' if resolved != ref.target else f'"{resolved}"'
    fix = ""
    if corpus.is_known_id(name):
        # Answer in the form the writer used: a numeric id for a numeric id.
        numeric = _numeric_id_of(corpus, name) if _NUMERIC_ID.fullmatch(ref.target) else None
        fix = f'; if you meant {name}, use id="{numeric or name}"'
    return f'EntityLink name "{name}" does not match {where}{fix}'


def _entity_hint(corpus: Corpus, ref: LinkRef) -> str:
    if _NUMERIC_ID.fullmatch(ref.target):
        # Numeric ids are not similar by spelling; the `name` says which entity was meant.
        if ref.name and corpus.is_known_id(ref.name):
            numeric = _numeric_id_of(corpus, ref.name)
            return f'; the name "{ref.name}" is id="{numeric or ref.name}"'
        return ""
    return _did_you_mean(ref.target, _candidates(corpus)["ids"])


def _numeric_id_of(corpus: Corpus, entity_id: str) -> str | None:
    entity = corpus.entities.get(entity_id)
    if entity is not None and entity.numeric_id:
        return entity.numeric_id
    page = corpus.page_by_id.get(entity_id)
    return page.numeric_id if page is not None else None


def _candidates(corpus: Corpus) -> dict[str, list[str]]:
    """Ids and paths to suggest from, built once per corpus (only when something is unknown)."""
    found = _CANDIDATES.get(corpus)
    if found is None:
        ids = list(dict.fromkeys([*corpus.entities, *corpus.page_by_id]))
        found = {"ids": ids, "paths": sorted(corpus.page_paths)}
        _CANDIDATES[corpus] = found
    return found


def _did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.75) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f'; did you mean "{close[0]}"?' if close else ""


# -- KB303 unknown-resource-ref -------------------------------------------------------------


@file_check
def unknown_resource_ref(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """An `<R>` without an id, or whose id is neither a resource id nor a stable id."""
    names = ctx.config.components.resource_refs
    by_id = ctx.registries.resources.by_id
    code = code_of(ctx)
    for element in ctx.article.mdx_layer.elements:
        if element.name not in names or element.start in code:
            continue
        attribute = next((a for a in element.attributes if a.name == "id"), None)
        if attribute is None:
            message = (
                f"<{element.name}> has no id attribute: cite a resource from the "
                f'bibliography as <{element.name} id="RESOURCE_ID">'
            )
        elif not attribute.is_expression and attribute.value not in by_id:
            value = attribute.value or ""
            hint = _did_you_mean(value, by_id, cutoff=0.8) if value else ""
            message = (
                f'<{element.name} id="{value}"> is not in the resource registry '
                f"(neither an id nor a stable_id){hint}"
            )
        else:
            continue
        yield Hit(message, offset=element.start, end_offset=element.open_end)


# -- KB304 broken-internal-link -------------------------------------------------------------


@corpus_check
def broken_internal_link(ctx: CorpusContext, options: dict[str, Any]) -> Iterator[Hit]:
    """A Markdown link to `/some/path/` that is no page of the KB."""
    ignored = tuple(str(prefix) for prefix in options.get("ignore_prefixes") or ())
    corpus = ctx.corpus
    for ref in ctx.summary.internal_links:
        path = page_path(ref.target)
        if path is None or path.startswith(ignored) or path in corpus.page_paths:
            continue
        message = f'internal link "{ref.target}" does not match any page{_path_hint(corpus, path)}'
        yield Hit(message, line=ref.line, column=ref.column)


def page_path(target: str) -> str | None:
    """The page path a `/…` link target means, or None for what is not a page link: the site
    root, protocol-relative URLs (`//host/x`) and static files (`/images/x.png`)."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if path in ("", "/") or path.startswith("//"):
        return None
    if not path.endswith("/") and _STATIC_SUFFIX.search(path):
        return None
    return path if path.endswith("/") else path + "/"


def _path_hint(corpus: Corpus, path: str) -> str:
    # A page that moved to another section keeps its id (the last path segment).
    moved = corpus.page_by_id.get(PurePosixPath(path).name)
    if moved is not None:
        return f'; did you mean "{moved.path}"?'
    return _did_you_mean(path, _candidates(corpus)["paths"], cutoff=0.8)


# -- KB305 fake-url -------------------------------------------------------------------------


@file_check
def fake_url(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """Link targets and bare URLs that point at placeholder hosts or placeholder words."""
    article = ctx.article
    skip = _not_text(article, code_of(ctx))
    link_spans = []
    for link in article.md_layer.links:
        link_spans.append((link.start, link.end))
        if link.start in skip:
            continue
        start = _target_offset(article.text, link)
        if start is None:
            continue  # a reference link: its definition line is scanned as text below
        reason = placeholder_reason(link.target, whole_target=True)
        if reason is not None:
            shown = link.target or "(empty)"
            yield Hit(_fake_message(shown, reason), offset=start, end_offset=link.end)
    in_links = Intervals(link_spans)
    text = article.text
    for start, end in _BARE_URLS.spans(text, article.body_start):
        if start in skip or start in in_links:
            continue
        url = text[start:end].rstrip(_TRAILING)
        reason = placeholder_reason(url, whole_target=False)
        if reason is not None:
            yield Hit(_fake_message(url, reason), offset=start, end_offset=start + len(url))


def _not_text(article: Article, code: Intervals) -> Intervals:
    """Code, comments and ESM: URLs there are examples or notes, not links on the page."""
    layer = article.mdx_layer
    spans = [*code.spans, (0, article.body_start)]
    spans += [(s.start, s.end) for s in (*layer.comments, *layer.esm)]
    return Intervals(spans)


@lru_cache(maxsize=4096)  # a KB cites the same sources on many pages
def placeholder_reason(url: str, whole_target: bool) -> str | None:
    """Why `url` is a placeholder, or None when it looks like a real address."""
    if whole_target and _PLACEHOLDER_TARGET.fullmatch(url.strip()):
        return "the link target is a placeholder, not an address"
    try:
        parts = urlsplit(url if "://" in url or not url.startswith("www.") else "//" + url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if parts.scheme in ("http", "https", "ftp") and not host:
        return "the URL has no host"
    if parts.scheme == "mailto":
        host = parts.path.rpartition("@")[2].lower()
    host_reason = _host_reason(host)
    if host_reason is not None:
        return host_reason
    token = _PLACEHOLDER_TOKEN.search(url)
    if token is not None:
        return f'"{token.group(0)}" is a placeholder'
    # An archive or proxy URL wraps the real one: web.archive.org/web/2025/https://…
    inner = _BARE_URLS.spans(url, url.find("://") + 3) if "://" in url else []
    if not inner:
        return None
    start, end = inner[0]
    return placeholder_reason(url[start:end], whole_target=False)


def _host_reason(host: str) -> str | None:
    if not host:
        return None
    if host in _LOCAL_HOSTS:
        return f"{host} is the reader's own computer, not a public site"
    labels = host.split(".")
    domain = ".".join(labels[-2:])
    if domain in _EXAMPLE_DOMAINS:
        return f"{domain} is reserved for examples"
    if labels[-1] in _RESERVED_TLDS:
        return f".{labels[-1]} is a reserved top-level domain"
    return None


def _fake_message(url: str, reason: str) -> str:
    return f'placeholder URL "{url}": {reason}; link the real source or remove the link'


def _target_offset(text: str, link: Link) -> int | None:
    """Where the target of an inline link starts (`[t](<here>)`); None for a reference link."""
    cursor = link.start + (2 if link.image else 1) + len(link.text)
    if not text.startswith("](", cursor):
        return None
    cursor += 2
    while cursor < link.end and text[cursor] in " \t\n<":
        cursor += 1
    return cursor
