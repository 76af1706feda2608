"""Which institution a URL belongs to, and one canonical form per page (Scrapy-free).

Site identity, from strict to loose (``group``):

- ``host``: the exact host (``www.a.edu`` and ``a.edu`` are two sites);
- ``www``: the host without a leading ``www.``/``www2.``;
- ``domain`` (default): the registered domain (``lib.a.edu`` -> ``a.edu``; ``a.edu.evil.org``
  -> ``evil.org``, never ``a.edu``), from the Public Suffix List bundled with tldextract
  (no download); unknown suffixes (``.test``, intranets) keep their last two labels.

A crawled site with a path (``host/dept``, the site spider's ``scope=path``) is matched
by host and path segment, never grouped. An explicit list of hosts or ``host/path``
roots per institution (:class:`Institutions` ``explicit``) overrides all of this.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import tldextract

from eduscrape.webometrics.errors import WebometricsError

GROUPS = ("domain", "www", "host")
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled list, offline
_WWW = re.compile(r"^www\d?\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX = re.compile(r"/(index|default)\.(html?|php|aspx?|jsp|cfm|shtml)$", re.I)
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|"
    r"_ga|_gl|_hs(enc|mi)|mkt_tok|phpsessid|jsessionid|sessionid|sid)$",
    re.I,
)


def netloc_of(url: str) -> str:
    """Lower-case ``host[:port]`` of *url* (or of a bare ``host/path``), default ports dropped."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").rstrip(".")
    if port and port != _DEFAULT_PORTS.get(parts.scheme or "http"):
        return f"{host}:{port}"
    return host


def _split_port(netloc: str) -> tuple[str, str]:
    if netloc.startswith("["):
        return netloc, ""
    host, _, port = netloc.partition(":")
    return host, (f":{port}" if port else "")


@lru_cache(maxsize=65536)
def registered_domain(netloc: str) -> str:
    """The registered domain of *netloc* (Public Suffix List), port kept; IPs as given."""
    host, port = _split_port(netloc)
    try:
        ipaddress.ip_address(host.strip("[]"))
        return netloc
    except ValueError:
        pass
    if "." not in host:
        return netloc
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}{port}"
    return ".".join(host.split(".")[-2:]) + port


def group_key(netloc: str, group: str) -> str:
    """The site *netloc* counts for under *group* (host, www or domain)."""
    if group == "host":
        return netloc
    if group == "www":
        return _WWW.sub("", netloc)
    if group == "domain":
        return registered_domain(netloc)
    raise WebometricsError(f"unknown grouping {group!r} (known: {', '.join(GROUPS)})")


def canonical_url(url: str) -> str:
    """One form per page: lower-case host, no default port, no fragment, ``/index.html`` ->
    ``/``, tracking and session parameters dropped, the others sorted."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    path = unquote(parts.path.split(";", 1)[0]) or "/"  # ;jsessionid=...
    path = _INDEX.sub("/", path)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    return urlunsplit(
        (scheme, netloc_of(url), quote(path, safe="/%:@!$&'()*+,;=~-._"), urlencode(query), "")
    )


def page_key(url: str) -> str:
    """The canonical URL without its scheme: http and https are one page."""
    return canonical_url(url).split("://", 1)[1]


class Institutions:
    """Maps URLs to institutions, built from the crawled sites (and an explicit list).

    *sites*: site ids as the ``site`` spider records them (``host`` or ``host/path``).
    *explicit*: institution -> hosts or ``host/path`` roots; a listed root belongs to it
    whatever the grouping.
    """

    def __init__(
        self,
        sites: Iterable[str] = (),
        group: str = "domain",
        explicit: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        if group not in GROUPS:
            raise WebometricsError(f"unknown grouping {group!r} (known: {', '.join(GROUPS)})")
        self.group = group
        self._roots: list[tuple[str, str, str]] = []  # (netloc, path prefix, institution)
        self._hosts: dict[str, str] = {}  # group key -> institution
        self.names: list[str] = []
        for name, roots in (explicit or {}).items():
            for root in roots:
                self._add_root(str(root), str(name), explicit_root=True)
        for site in sites:
            self.of_site(site)

    def _add_root(self, root: str, name: str, explicit_root: bool = False) -> None:
        netloc = netloc_of(root)
        path = urlsplit(root if "//" in root else f"//{root}").path.rstrip("/")
        if not netloc:
            raise WebometricsError(f"institution {name!r}: {root!r} is not a host or URL")
        if name not in self.names:
            self.names.append(name)
        if path:
            self._roots.append((netloc, path, name))
            self._roots.sort(key=lambda r: len(r[1]), reverse=True)
        elif explicit_root:
            self._roots.append((netloc, "", name))
        else:
            self._hosts.setdefault(group_key(netloc, self.group), name)

    def of_site(self, site: str) -> str:
        """The institution of a crawled site id, registering it when new."""
        found = self.of_url(site if "//" in site else f"//{site}/")
        if found is not None:
            return found
        netloc = netloc_of(site)
        path = urlsplit(f"//{site}").path.rstrip("/")
        name = f"{netloc}{path}" if path else group_key(netloc, self.group)
        self._add_root(site, name)
        return name

    def of_url(self, url: str) -> str | None:
        """The institution *url* belongs to, or None (outside every ranked institution)."""
        netloc = netloc_of(url)
        path = urlsplit(url if "//" in url else f"//{url}").path
        for root_netloc, prefix, name in self._roots:
            if netloc == root_netloc and (
                not prefix or path == prefix or path.startswith(prefix + "/")
            ):
                return name
        return self._hosts.get(group_key(netloc, self.group))
