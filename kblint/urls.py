"""URL normalisation and the variants a resource URL is registered under (spec §4.1)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from kblint.regexfilter import is_word_char

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters WHATWG leaves alone in a path / query (everything else is percent-encoded; an
# existing %XX escape is kept as written).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~[]"
_QUERY_SAFE = _PATH_SAFE + "?"


def normalise(url: str) -> str | None:
    """The URL as a WHATWG parser would serialise it, or None when it does not parse."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    query = quote(parts.query, safe=_QUERY_SAFE)
    fragment = quote(parts.fragment, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, fragment))


def variants(url: str) -> list[str]:
    """Every form a resource URL is registered under, most specific first.

    The normalised URL, without one trailing `/`, with one trailing `/`; and the same with `www.`
    added to or removed from the host. A URL that does not parse is registered as written.
    """
    normal = normalise(url)
    if normal is None:
        return [url]
    forms = _slash_forms(normal)
    toggled = _toggle_www(normal)
    if toggled is not None:
        forms += _slash_forms(toggled)
    return list(dict.fromkeys(forms))


def strip_one_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else url


def _slash_forms(url: str) -> list[str]:
    return [url, strip_one_slash(url), url + "/"]


def _toggle_www(url: str) -> str | None:
    parts = urlsplit(url)
    host = parts.netloc
    if host.startswith("www."):
        host = host[4:]
    elif host:
        host = "www." + host
    else:
        return None
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class BareUrlScanner:
    """Finds bare URLs (`http://…`, `https://…`, `ftp://…`, `www.…`) in running text.

    Gives exactly the spans `re.finditer` gives for the alternation
    `[\\b](?:https?|ftp)://TAIL | \\bwww\\.TAIL` (non-overlapping, leftmost first), about ten
    times faster: that alternation has no literal prefix, so the regex engine tries it at every
    position of the text, while each scheme alone starts with a literal the engine jumps to.
    A `\\b` before a scheme or `www.` is checked by hand, since a look-behind would cost the jump.
    """

    def __init__(self, tail: str, scheme_boundary: bool, scheme_tail_optional: bool) -> None:
        """`tail`: a character class for the rest of the URL; `scheme_boundary`: a scheme must
        start a word (`\\b`), as `www.` always must; `scheme_tail_optional`: `http://` alone
        is a URL."""
        scheme_tail = tail + ("*" if scheme_tail_optional else "+")
        self._kinds = [
            ("http", re.compile(r"https?://" + scheme_tail), scheme_boundary),
            ("ftp://", re.compile(r"ftp://" + scheme_tail), scheme_boundary),
            ("www.", re.compile(r"www\." + tail + "+"), True),
        ]

    def spans(self, text: str, pos: int = 0) -> list[tuple[int, int]]:
        """(start, end) of every bare URL from `pos` on, in order."""
        found: list[tuple[int, int]] = []
        for literal, pattern, boundary in self._kinds:
            if literal in text:
                found += _matches(text, pos, pattern, boundary)
        found.sort()
        kept: list[tuple[int, int]] = []
        end = -1
        for span in found:
            # one kind found inside a URL of another ends where that URL ends (same tail):
            # the alternation would have consumed it
            if span[0] >= end:
                kept.append(span)
                end = span[1]
        return kept


def _matches(
    text: str, pos: int, pattern: re.Pattern[str], boundary: bool
) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    match = pattern.search(text, pos)
    while match is not None:
        start = match.start()
        if boundary and start and is_word_char(text[start - 1]):
            match = pattern.search(text, start + 1)  # a URL may still start inside this one
            continue
        found.append(match.span())
        match = pattern.search(text, match.end())
    return found
