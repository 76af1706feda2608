"""eduscrape.variants.walk without Scrapy: the walk over local files, a loopback HTTP
server and in-memory pages, tracking from the items of an earlier walk, config."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import http.server
import mimetypes
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from _support import PROJECT_DIR
from scrapy.settings import Settings

from eduscrape.items import VariantPageItem, VariantSessionItem, VariantSetItem
from eduscrape.variants.fetching import Counts, Download
from eduscrape.variants.structure import DEFAULT_IGNORED_TAGS, Criteria
from eduscrape.variants.walk import Previous, VariantWalk, WalkConfig, pair_id_of

HOST = "http://site.test"


def walk(roots: list[str], fetch: Any, config: WalkConfig | None = None, **kwargs: Any):
    """Run one walk; (set items by key, page items, session, stats)."""
    stats = Counts()

    async def collect() -> list[Any]:
        engine = VariantWalk(roots, fetch, config, stats=stats, **kwargs)
        return [item async for item in engine.run()]

    # Its own loop in a thread: pytest-twisted runs the asyncio reactor's loop here.
    with ThreadPoolExecutor(1) as pool:
        items = pool.submit(asyncio.run, collect()).result()
    assert isinstance(items[-1], VariantSessionItem)  # the session comes last
    sets = [i for i in items if isinstance(i, VariantSetItem)]
    pages = [i for i in items if isinstance(i, VariantPageItem)]
    return {(s.set_key, s.variant): s for s in sets}, pages, items[-1], stats


def by_key(sets: dict[tuple[str, int], VariantSetItem]) -> dict[str, VariantSetItem]:
    return {key: item for (key, variant), item in sets.items() if variant == 1}


class FilesFetch:
    """Pages from a folder, as if served at HOST (folders answer their index.html)."""

    def __init__(self, root: Path):
        self.root = root
        self.calls: list[str] = []

    async def __call__(self, url: str, headers: Mapping[str, str]) -> Download:
        self.calls.append(url)
        path = self.root / url.removeprefix(HOST + "/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return Download(url=url, status=404)
        ctype = mimetypes.guess_type(path.name)[0] or ""
        return Download(url=url, status=200, body=path.read_bytes(), content_type=ctype)


class MemoryFetch:
    """Pages from a dict URL -> HTML; an exception value is raised, None answers None."""

    def __init__(self, pages: dict[str, Any]):
        self.pages = pages
        self.calls: list[str] = []

    async def __call__(self, url: str, headers: Mapping[str, str]) -> Download | None:
        self.calls.append(url)
        if url not in self.pages:
            return Download(url=url, status=404)
        page = self.pages[url]
        if isinstance(page, Exception):
            raise page
        if page is None:
            return None
        return Download(url=url, status=200, body=page.encode(), content_type="text/html")


def html(lang: str, body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title>{head}</head><body>{body}</body></html>'


EN_TEXT = "<p>" + "The faculty publishes its course catalogue every spring for all. " * 3 + "</p>"
ES_TEXT = (
    "<p>" + "La facultad publica su catálogo de cursos cada primavera para todos. " * 3 + "</p>"
)


def test_demo_pair_from_local_files() -> None:
    fetch = FilesFetch(PROJECT_DIR / "eduscrape" / "demo" / "sites")
    roots = [f"{HOST}/university/en/index.html", f"{HOST}/university/es/index.html"]
    config = WalkConfig(skipped_extensions=(".pdf",))
    sets, pages, session, stats = walk(roots, fetch, config)
    sets_ = by_key(sets)
    assert sets_["~/"].consistent and sets_["~/"].pairing == "root"
    assert [m["key"] for m in sets_["~/about.html"].missing_links] == ["~/library.html"]
    assert sets_["~/programs/"].type2 and not sets_["~/programs/"].type1
    assert sets_["~/research/labs.html"].nonstructural and "+" in sets_["~/research/labs.html"].diff
    bio = sets_["~/programs/biology.html"]
    assert bio.missing_counterpart and bio.right_url is None and bio.right_status == 404
    assert bio.summary == ["No counterpart in the right variant: HTTP 404."]
    assert sets_["~/news/2026-becas.html"].left_url is None
    contact = sets_["~/contact.html"]
    assert contact.doubtful and "expected es" in contact.doubt_reason and contact.similarity
    for key in ("~/campus-life.html", "~/library.html", "~/programs/history.html"):
        assert sets_[key].consistent, sets_[key].summary

    assert session.languages == ["en", "es"] and session.rule == "/en/ <-> /es/"
    assert session.criteria["distinct_targets"]  # en vs es: translation criteria
    assert session.pair_id == pair_id_of(roots) and session.tracking is False
    assert [v["order"] for v in session.visits] == list(range(1, len(session.visits) + 1))
    # The PDF is never fetched: recorded as a broken set (no page in any variant).
    assert not any(u.endswith(".pdf") for u in fetch.calls)
    pdf = [p for p in session.problems if p["key"].endswith(".pdf")]
    assert pdf and pdf[0]["problem"] == "not an HTML page (by extension)"
    assert stats["variants/non_html"] == 2 and stats["variants/broken_sets"] == 1
    # Counts, stats and items agree.
    assert session.counts["compared"] == len(sets) == stats["variants/sets"] - 1
    assert session.counts["doubtful"] == stats["variants/doubtful"] == 1
    assert session.counts["inconsistent"] == sum(not s.consistent for s in sets.values())
    # One page item per page of a set, with its reduced structure (the roots are
    # fetched twice: first alone, for the languages).
    assert len(pages) == stats["variants/pages_fetched"] - 2 and all(p.structure for p in pages)


def test_three_variants_one_item_per_compared_variant() -> None:
    nav = '<ul><li><a href="a.html">A</a></li></ul>'
    shared = "<div><h3>a</h3><h3>b</h3><h3>c</h3></div>"
    pages = {
        f"{HOST}/en/index.html": html("en", EN_TEXT + nav),
        f"{HOST}/es/index.html": html("es", ES_TEXT + nav),
        f"{HOST}/fr/index.html": html("fr", ES_TEXT + nav),
        f"{HOST}/en/a.html": html("en", EN_TEXT + shared),
        f"{HOST}/es/a.html": html("es", ES_TEXT + shared),
        f"{HOST}/fr/a.html": html("fr", ES_TEXT + shared + "<table><tr><td>x</td></tr></table>"),
    }
    roots = [f"{HOST}/en/index.html", f"{HOST}/es/index.html", f"{HOST}/fr/index.html"]
    sets, _, session, _ = walk(roots, MemoryFetch(pages))
    assert set(sets) == {("~/", 1), ("~/", 2), ("~/a.html", 1), ("~/a.html", 2)}
    assert sets[("~/a.html", 1)].consistent
    assert sets[("~/a.html", 2)].nonstructural
    assert sets[("~/a.html", 2)].right_url == f"{HOST}/fr/a.html"
    assert session.visits[1]["result"] == ["consistent", "nonstructural"]


def test_each_variant_learns_its_own_conventions() -> None:
    """es and fr each link their own account: one convention per variant, no inconsistency."""
    names = ["a.html", "b.html", "c.html", "d.html"]
    nav = "<ul>" + "".join(f'<li><a href="{n}">{n}</a></li>' for n in names) + "</ul>"
    accounts = {
        lang: f'<p><a href="https://social.test/uni-{lang}x">@</a></p>'
        for lang in ("en", "es", "fr")
    }
    text = {"en": EN_TEXT, "es": ES_TEXT, "fr": ES_TEXT}
    pages = {}
    for lang in ("en", "es", "fr"):
        pages[f"{HOST}/{lang}/index.html"] = html(lang, text[lang] + nav + accounts[lang])
        for name in names:
            pages[f"{HOST}/{lang}/{name}"] = html(lang, text[lang] + accounts[lang])
    roots = [f"{HOST}/en/index.html", f"{HOST}/es/index.html", f"{HOST}/fr/index.html"]
    sets, _, session, _ = walk(roots, MemoryFetch(pages))
    assert len(sets) == 10
    assert all(item.consistent for item in sets.values()), [
        item.summary for item in sets.values() if not item.consistent
    ]
    learned = {(c["variant"], c["right"]) for c in session.conventions}
    assert learned == {(1, "//social.test/uni-esx"), (2, "//social.test/uni-frx")}, (
        session.conventions
    )
    assert all(c["pages"] == 5 for c in session.conventions)


def test_fetch_failures_and_no_response_are_recorded_not_raised() -> None:
    nav = '<p><a href="loop.html">L</a> <a href="void.html">V</a> <a href="b.html">B</a></p>'
    pages: dict[str, Any] = {
        f"{HOST}/en/index.html": html("en", EN_TEXT + nav),
        f"{HOST}/es/index.html": html("es", ES_TEXT + nav),
        f"{HOST}/en/loop.html": html("en", EN_TEXT),
        f"{HOST}/es/loop.html": RuntimeError("max redirections reached"),
        f"{HOST}/en/void.html": html("en", EN_TEXT),
        f"{HOST}/es/void.html": None,
        f"{HOST}/en/b.html": html("en", EN_TEXT),
        f"{HOST}/es/b.html": html("es", ES_TEXT),
    }
    sets, _, _, stats = walk([f"{HOST}/en/index.html", f"{HOST}/es/index.html"], MemoryFetch(pages))
    sets_ = by_key(sets)
    loop = sets_["~/loop.html"]
    assert loop.missing_counterpart and loop.right_url is None and loop.right_status is None
    assert loop.summary == [
        "No counterpart in the right variant: RuntimeError: max redirections reached."
    ]
    assert sets_["~/void.html"].summary == ["No counterpart in the right variant: no response."]
    assert sets_["~/b.html"].consistent  # the walk went on
    assert stats["variants/fetch_error"] == 2


def test_max_sets_stops_the_walk_and_counts_what_is_left() -> None:
    links = "".join(f'<a href="p{i}.html">{i}</a>' for i in range(5))
    pages = {f"{HOST}/en/index.html": html("en", links), f"{HOST}/es/index.html": html("es", links)}
    for i in range(5):
        pages[f"{HOST}/en/p{i}.html"] = html("en", "<p>x</p>")
        pages[f"{HOST}/es/p{i}.html"] = html("es", "<p>x</p>")
    roots = [f"{HOST}/en/index.html", f"{HOST}/es/index.html"]
    _, _, session, stats = walk(roots, MemoryFetch(pages), WalkConfig(max_sets=3))
    assert [v["key"] for v in session.visits] == ["~/", "~/p0.html", "~/p1.html"]
    assert stats["variants/sets"] == 3 and stats["variants/unvisited_sets"] == 3


def test_hreflang_links_win_over_the_url_rule() -> None:
    alt = '<link rel="alternate" hreflang="es" href="/es/acerca.html">'
    nav = '<p><a href="about.html">About</a></p>'
    pages = {
        f"{HOST}/en/index.html": html("en", EN_TEXT + nav),
        f"{HOST}/es/index.html": html("es", ES_TEXT + nav.replace("about", "acerca")),
        f"{HOST}/en/about.html": html("en", EN_TEXT, head=alt),
        f"{HOST}/es/acerca.html": html("es", ES_TEXT),
    }
    fetch = MemoryFetch(pages)
    sets, _, _, stats = walk([f"{HOST}/en/index.html", f"{HOST}/es/index.html"], fetch)
    about = by_key(sets)["~/about.html"]
    assert about.right_url == f"{HOST}/es/acerca.html" and about.consistent
    assert stats["variants/hreflang_pairs"] == 1
    assert f"{HOST}/es/about.html" in fetch.calls  # the rule's guess, tried first (404)


def test_position_pairing_without_url_rule() -> None:
    shared = "<div><h3>a</h3><h3>b</h3><h3>c</h3></div>"
    en, es = EN_TEXT + shared, ES_TEXT + shared
    pages = {
        f"{HOST}/english/home.html": html(
            "en", en + '<ul><li><a href="one.html">1</a></li><li><a href="two.html">2</a></li></ul>'
        ),
        f"{HOST}/espanol/inicio.html": html(
            "es", es + '<ul><li><a href="uno.html">1</a></li><li><a href="dos.html">2</a></li></ul>'
        ),
        f"{HOST}/english/one.html": html("en", en + "<h2>Optics</h2>"),
        f"{HOST}/espanol/uno.html": html("es", es + "<h2>Óptica</h2>"),
        f"{HOST}/english/two.html": html("en", en + "<h2>Lasers</h2><ol><li>x</li></ol>"),
        f"{HOST}/espanol/dos.html": html(
            "es", es + "<h2>Láser</h2><table><tr><td>x</td></tr></table>"
        ),
    }
    roots = [f"{HOST}/english/home.html", f"{HOST}/espanol/inicio.html"]
    sets, _, session, stats = walk(roots, MemoryFetch(pages))
    sets_ = by_key(sets)
    assert session.rule == "same relative path / link position"
    assert sets_["~/one.html"].pairing == "position" and sets_["~/one.html"].consistent
    assert sets_["~/two.html"].right_url == f"{HOST}/espanol/dos.html"
    assert sets_["~/two.html"].nonstructural
    assert sets_["~/home.html"].consistent, sets_["~/home.html"].summary
    assert stats["variants/position_pairs"] == 2


# -- tracking over a real loopback HTTP server (304s) ----------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def _http_get(url: str, headers: Mapping[str, str]) -> Download:
    request = urllib.request.Request(url, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body, info = response.status, response.read(), response.headers
            final = response.geturl()
    except urllib.error.HTTPError as exc:  # 304, 404...
        status, body, info, final = exc.code, exc.read(), exc.headers, url
    return Download(
        url=final,
        status=status,
        body=body,
        content_type=info.get("Content-Type", ""),
        etag=info.get("ETag"),
        last_modified=info.get("Last-Modified"),
    )


async def http_fetch(url: str, headers: Mapping[str, str]) -> Download:
    return await asyncio.to_thread(_http_get, url, headers)


def write(root: Path, rel: str, lang: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    # Visibly newer than an earlier copy (If-Modified-Since has 1 s granularity).
    stamp = path.stat().st_mtime + 5 if path.exists() else time.time()
    path.write_text(html(lang, body), encoding="utf-8")
    os.utime(path, (stamp, stamp))


def previous_of(items: tuple[Any, ...], earlier: Previous | None = None) -> Previous:
    """What the spider reads back from MongoDB, built from a walk's items."""
    sets, pages, session, _ = items
    states = dict(earlier.pages) if earlier else {}
    states.update({p.page: dataclasses.asdict(p) for p in pages})
    stored = {k: dataclasses.asdict(s) for k, s in sets.items()}
    return Previous(session.session, stored, states)


def test_tracking_reuses_unchanged_sets_and_reports_changes(served) -> None:
    base, root = served
    nav = '<p><a href="a.html">A</a> <a href="b.html">B</a> <a href="gone.html">G</a></p>'
    write(root, "en/index.html", "en", EN_TEXT + nav)
    write(root, "es/index.html", "es", ES_TEXT + nav)
    write(root, "en/a.html", "en", EN_TEXT + '<ul><li><a href="b.html">B</a></li></ul>')
    write(root, "es/a.html", "es", ES_TEXT + '<ul><li><a href="b.html">B</a></li></ul>')
    write(root, "en/b.html", "en", EN_TEXT + '<p><a href="a.html">A</a></p>')
    write(root, "es/b.html", "es", ES_TEXT + '<p><a href="index.html">I</a></p>')  # retargeted
    write(root, "en/gone.html", "en", EN_TEXT)  # no es counterpart: 404
    roots = [f"{base}/en/index.html", f"{base}/es/index.html"]
    config = WalkConfig(track=True)

    first = walk(roots, http_fetch, config)
    assert by_key(first[0])["~/b.html"].retargeted_links
    assert by_key(first[0])["~/b.html"].tracking == "new"
    fetched_first = first[3]["variants/pages_fetched"]

    # Nothing changed: every page answers 304, every set keeps its result.
    second = walk(roots, http_fetch, config, previous=previous_of(first))
    sets, pages, session, stats = second
    assert "variants/pages_fetched" not in stats
    assert stats["variants/not_modified"] == fetched_first
    # Reused: every set with both pages (gone.html has no es page: compared again).
    assert stats["variants/sets_reused"] == len(sets) - 1 == 3
    assert [k for (k, _), s in sets.items() if s.recompared] == ["~/gone.html"]
    assert pages == []
    assert session.previous_session == first[2].session
    assert session.new == [] and session.resolved == []
    assert f"{base}/en/b.html" in session.unchanged

    # Fix b.html in es, break a.html: one resolved, one new; only those re-compared.
    write(root, "es/b.html", "es", ES_TEXT + '<p><a href="a.html">A</a></p>')
    write(root, "es/a.html", "es", ES_TEXT + '<ol><li><a href="b.html">B</a></li></ol>')
    third = walk(roots, http_fetch, config, previous=previous_of(second, previous_of(first)))
    sets, _, session, stats = third
    assert session.resolved == [f"{base}/en/b.html"] and session.new == [f"{base}/en/a.html"]
    assert stats["variants/pages_fetched"] == 2
    recompared = {k for (k, _), s in sets.items() if s.recompared}
    assert recompared == {"~/a.html", "~/b.html", "~/gone.html"}

    # The link to gone.html (404 in es) dropped from both home pages: resolved, not visited.
    write(root, "en/index.html", "en", EN_TEXT + nav.replace('<a href="gone.html">G</a>', ""))
    write(root, "es/index.html", "es", ES_TEXT + nav.replace('<a href="gone.html">G</a>', ""))
    fourth = walk(roots, http_fetch, config, previous=previous_of(third, previous_of(first)))
    assert f"{base}/en/gone.html" in fourth[2].resolved
    assert ("~/gone.html", 1) not in fourth[0]


# -- configuration ----------------------------------------------------------------------


def test_walk_config_from_the_variants_settings() -> None:
    """The spider's VARIANTS_* settings -> WalkConfig; its defaults are settings.py's."""
    from eduscrape.config import from_settings
    from eduscrape.spiders.variants import VariantsConfig

    assert from_settings(VariantsConfig, Settings()).walk_config() == WalkConfig()
    settings = Settings(
        {
            "VARIANTS_IGNORED_TAGS": ["SPAN", "Em"],
            "VARIANTS_SKIPPED_CLASSES": "outofdate",
            "VARIANTS_CONCURRENT_SETS": "0",
            "VARIANTS_MAPPING_RULE": "/en/,/es/",
            "VARIANTS_BLOCK_CHECKS": "Order, links",
        }
    )
    config = from_settings(VariantsConfig, settings).walk_config(max_sets=5, track=True)
    # The block checks apply between languages only (for_translation()).
    assert config.criteria.block_checks == frozenset()
    assert config.criteria.for_translation().block_checks == frozenset({"order", "links"})
    off = from_settings(VariantsConfig, Settings({"VARIANTS_BLOCK_CHECKS": ""})).walk_config()
    assert off.criteria.for_translation().block_checks == frozenset()
    with pytest.raises(ValueError, match="unknown block checks"):
        from_settings(
            VariantsConfig, Settings({"VARIANTS_BLOCK_CHECKS": "order,words"})
        ).walk_config()
    assert config.criteria.ignored_tags == frozenset({"span", "em"})
    assert config.criteria.skipped_classes == frozenset({"outofdate"})
    assert config.concurrent_sets == 1 and config.rule == "/en/,/es/"
    assert config.max_sets == 5 and config.track
    assert WalkConfig().criteria.ignored_tags == DEFAULT_IGNORED_TAGS


def test_walk_needs_two_roots_and_a_readable_rule() -> None:
    with pytest.raises(ValueError, match="two or more"):
        VariantWalk([f"{HOST}/en/"], MemoryFetch({}))
    with pytest.raises(ValueError, match="mapping rule"):
        VariantWalk([f"{HOST}/en/", f"{HOST}/es/"], MemoryFetch({}), WalkConfig(rule="/en/"))


def test_same_language_variants_keep_the_strict_criteria() -> None:
    nav = "<p>See <em>this</em> <a href='a.html'>A</a></p>"
    pages = {
        f"{HOST}/a/index.html": html("en", EN_TEXT + nav),
        f"{HOST}/b/index.html": html("en", EN_TEXT + nav.replace("<em>this</em>", "this")),
    }
    sets, _, session, _ = walk([f"{HOST}/a/index.html", f"{HOST}/b/index.html"], MemoryFetch(pages))
    assert session.criteria["distinct_targets"] is False
    assert by_key(sets)["~/"].nonstructural  # em dropped: a difference between mirrors
    assert Criteria().for_translation().distinct_targets
