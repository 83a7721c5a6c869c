"""URL normalisation and the variants a resource URL is registered under (spec §4.1)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

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
