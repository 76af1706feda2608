"""``variants``: compare language variants of a web site, page by page, in lock-step.

    scrapy crawl variants -a left=https://example.org/en/ -a right=https://example.org/es/
    scrapy crawl variants -a variants=URL_EN,URL_ES,URL_FR      # first = reference
    scrapy crawl variants -a left=... -a right=... -a track=1   # re-check since last session

Breadth-first over *sets of related nodes* (one page per variant, paired by
hreflang links, the URL rule detected from the roots, or link position), one
batch of sets at a time, inside each variant's site; a history of set keys
stops link cycles. Each set is compared with :mod:`eduscrape.variants`
(Scrapy-free); the spider only fetches and yields items:
:class:`~eduscrape.items.VariantSetItem` per set and compared variant,
:class:`~eduscrape.items.VariantPageItem` per page (tracking state) and one
:class:`~eduscrape.items.VariantSessionItem` (traversal log) at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime, timezone
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS

from eduscrape.items import VariantPageItem, VariantSessionItem, VariantSetItem
from eduscrape.variants import (
    Comparison,
    Criteria,
    PageStructure,
    VariantMapper,
    compare_pages,
    missing_counterpart,
    reduce_page,
    verify_pair,
)
from eduscrape.variants.pairing import base_lang, detect_language
from eduscrape.variants.report import KINDS
from eduscrape.variants.structure import DEFAULT_IGNORED_TAGS, content_hash, normalize_url
from eduscrape.variants.tracking import conditional_headers, tracking_status

# A set waiting in the walk: key, URL per variant, how paired, position fallbacks.
Entry = tuple[str, dict[int, str], str, dict[int, str]]
# Comparison fields copied as they are into the set item (the diff and the
# similarity are stored under other names or rounded).
_RESULT_FIELDS = tuple(
    f.name for f in dataclass_fields(Comparison) if f.name not in ("tag_diff", "similarity")
)
_SKIP_EXT = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Fetched:
    """One variant's page of a set, as fetched (or recalled from the previous session)."""

    url: str
    status: int | None = None
    page: PageStructure | None = None
    problem: str = ""  # why there is no page: 404, error, non-HTML...
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    not_modified: bool = False
    changed: bool = True


class VariantsSpider(scrapy.Spider):
    name = "variants"
    item_types: ClassVar[list[type]] = [VariantSetItem, VariantSessionItem, VariantPageItem]
    custom_settings: ClassVar[dict[str, Any]] = {
        # Repeated sessions do not refetch: RFC 2616 policy revalidates stale
        # entries with conditional requests (304 keeps the cached body).
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
        "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504],
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOAD_MAXSIZE": 20 * 1024 * 1024,
        "REDIRECT_MAX_TIMES": 10,
        "RETRY_TIMES": 1,
        # Python's http.server listens with a backlog of 5: more simultaneous
        # connections get SYNs dropped and a 1 s retransmit each. 4 keeps loopback fast.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    }

    def __init__(
        self,
        left: str | None = None,
        right: str | None = None,
        variants: str | None = None,
        track: str | bool = False,
        max_sets: str | int = 0,
        rule: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        roots = [u.strip() for u in variants.split(",") if u.strip()] if variants else []
        if not roots and left and right:
            roots = [left, right]
        if len(roots) < 2:
            raise ValueError(
                "the variants spider needs -a left=URL -a right=URL or -a variants=URL1,URL2,..."
            )
        self.roots = roots
        self.track = _truthy(track)
        self.max_sets_arg = int(max_sets)
        self.rule_arg = rule
        self.session = (
            datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        )
        self.pair_id = hashlib.sha1("\n".join(roots).encode()).hexdigest()[:16]

    # -- settings -------------------------------------------------------------------

    def _criteria(self) -> Criteria:
        s = self.crawler.settings
        ignored = s.getlist("VARIANTS_IGNORED_TAGS") or None
        interest = s.getlist("VARIANTS_TAGS_OF_INTEREST") or None
        return Criteria(
            ignored_tags=frozenset(t.lower() for t in ignored) if ignored else DEFAULT_IGNORED_TAGS,
            tags_of_interest=frozenset(t.lower() for t in interest) if interest else None,
            skipped_classes=frozenset(s.getlist("VARIANTS_SKIPPED_CLASSES")),
            ignore_fragments=s.getbool("VARIANTS_IGNORE_FRAGMENTS", True),
            include_internal_anchors=s.getbool("VARIANTS_INTERNAL_ANCHORS", False),
            max_bytes=s.getint("VARIANTS_MAX_PAGE_BYTES", 5_000_000),
        )

    # -- crawl ----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        # One driving request (no network); the walk fetches every page itself, in lock-step.
        yield scrapy.Request(
            "data:,", callback=self.walk, dont_filter=True, meta={"dont_cache": True}
        )

    async def _fetch(self, url: str, variant: int, state: dict[str, Any] | None) -> Fetched:
        stats = self.crawler.stats
        got = Fetched(url=url)
        if url.split("?")[0].lower().endswith(_SKIP_EXT):
            got.problem = "not an HTML page (by extension)"
            stats.inc_value("variants/non_html")
            return got
        headers = conditional_headers(state) if self.track else {}
        request = scrapy.Request(
            url, headers=headers, dont_filter=True, meta={"dont_cache": self.track}
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # redirect loops, timeouts, size limits: recorded, not fatal
            got.problem = f"{type(exc).__name__}: {exc}"[:300]
            stats.inc_value("variants/fetch_error")
            return got
        return self._read(got, response, variant, state)

    def _read(
        self, got: Fetched, response: Response, variant: int, state: dict[str, Any] | None
    ) -> Fetched:
        stats = self.crawler.stats
        got.status = response.status
        header = response.headers.get
        got.etag = (header("ETag") or b"").decode("latin-1") or None
        got.last_modified = (header("Last-Modified") or b"").decode("latin-1") or None
        if response.status == 304 and state and state.get("structure"):
            stats.inc_value("variants/not_modified")
            got.page = PageStructure.from_dict(json.loads(state["structure"]))
            got.digest = state.get("content_hash")
            got.etag = got.etag or state.get("etag")
            got.last_modified = got.last_modified or state.get("last_modified")
            got.not_modified, got.changed = True, False
            return got
        if response.status >= 400:
            got.problem = f"HTTP {response.status}"
            stats.inc_value(f"variants/http_{response.status}")
            return got
        ctype = (header("Content-Type") or b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or ("html" not in ctype and ctype):
            got.problem = f"not an HTML page ({ctype or 'unknown type'})"
            stats.inc_value("variants/non_html")
            return got
        got.digest = content_hash(response.body)
        got.page = reduce_page(response.body, response.url, self.criteria)
        got.page.url = normalize_url(got.url, Criteria(ignore_fragments=True))
        if got.page.truncated:
            stats.inc_value("variants/truncated")
        if state and state.get("content_hash") == got.digest:
            got.changed = False
        stats.inc_value("variants/pages_fetched")
        return got

    def _variant_language(self, fetched: Fetched) -> str | None:
        if fetched.page is None:
            return None
        return base_lang(fetched.page.lang) or base_lang(detect_language(fetched.page))

    async def walk(self, response: Response) -> AsyncIterator[Any]:
        t0 = time.monotonic()
        stats = self.crawler.stats
        s = self.crawler.settings
        self.criteria = self._criteria()
        rule_setting = self.rule_arg or s.get("VARIANTS_MAPPING_RULE", "auto")
        mapper = VariantMapper(self.roots, rule=rule_setting, criteria=self.criteria)
        previous_session, previous_sets, states = await asyncio.to_thread(self._load_previous)
        session = VariantSessionItem(
            session=self.session,
            pair_id=self.pair_id,
            roots=self.roots,
            rule=mapper.rule.describe() if mapper.rule else "same relative path / link position",
            started_at=_now(),
            tracking=self.track,
            previous_session=previous_session,
        )

        # Roots first: they give the variants' languages, hence the criteria.
        root_keys = [normalize_url(r, Criteria(ignore_fragments=True)) for r in self.roots]
        roots = await asyncio.gather(
            *(self._fetch(u.split("#", 1)[0], i, states.get(u)) for i, u in enumerate(self.roots))
        )
        langs = [self._variant_language(f) for f in roots]
        session.languages = langs
        mapper.set_languages(langs)
        mode = s.get("VARIANTS_TRANSLATION_MODE", "auto")
        known = [lang for lang in langs if lang]
        if mode == "on" or (mode == "auto" and len(set(known)) > 1):
            self.criteria = self.criteria.for_translation()
            mapper.criteria = self.criteria
            # The root set is fetched again in the walk (cache / 304), reduced with these.
        session.criteria = {
            k: sorted(v) if isinstance(v, frozenset) else v
            for k, v in asdict(self.criteria).items()
        }
        root_key = mapper.key(root_keys[0])
        for i, url in enumerate(root_keys):
            mapper.register(root_key, i, url)
        root_urls = [r.split("#", 1)[0] for r in self.roots]

        max_sets = self.max_sets_arg or s.getint("VARIANTS_MAX_SETS", 0)
        batch = max(1, s.getint("VARIANTS_CONCURRENT_SETS", 2))
        min_sim = s.getfloat("VARIANTS_MIN_SIMILARITY", 0.3)
        queue: deque[Entry] = deque([(root_key, dict(enumerate(root_urls)), "root", {})])
        history = {root_key}
        order = 0
        while queue and (not max_sets or order < max_sets):
            take = min(batch, len(queue), (max_sets - order) if max_sets else len(queue))
            sets = [queue.popleft() for _ in range(take)]
            fetched_sets = await asyncio.gather(
                *(self._fetch_set(urls, states) for _, urls, _, _ in sets)
            )
            for (key, _urls, how, fallback), fetched in zip(sets, fetched_sets, strict=True):
                fetched = await self._apply_hreflang(fetched, mapper, langs, states)
                fetched, how = await self._apply_position(
                    key, fetched, fallback, mapper, states, how
                )
                if mapper.rule is None:
                    self._pair_children_by_position(fetched, mapper)
                order += 1
                visit: dict[str, Any] = {
                    "order": order,
                    "key": key,
                    "urls": [f.url for f in fetched],
                    "status": [f.status for f in fetched],
                    "pairing": how,
                }
                if all(f.page is None for f in fetched):
                    problem = {
                        "key": key,
                        "urls": visit["urls"],
                        "problem": fetched[0].problem or "no page",
                    }
                    session.problems.append(problem)
                    stats.inc_value("variants/broken_sets")
                    visit["result"] = "no page in any variant: " + problem["problem"]
                    session.visits.append(visit)
                    continue
                results = []
                for i in range(1, len(fetched)):
                    item = self._compare_set(
                        key,
                        order,
                        fetched[0],
                        fetched[i],
                        i,
                        langs,
                        mapper,
                        previous_sets,
                        min_sim,
                        how,
                    )
                    results.append(item)
                    self._count(session, item)
                    yield item
                visit["result"] = [
                    "consistent"
                    if it.consistent
                    else ",".join(
                        k for k in ("type1", "type2", "nonstructural", "doubtful") if getattr(it, k)
                    )
                    for it in results
                ]
                session.visits.append(visit)
                for i, f in enumerate(fetched):
                    if (
                        f.page is not None
                        and f.status is not None
                        and (f.changed or not f.not_modified)
                    ):
                        yield VariantPageItem(
                            pair_id=self.pair_id,
                            page=f.url,
                            variant=i,
                            status=200 if f.not_modified else f.status,
                            etag=f.etag,
                            last_modified=f.last_modified,
                            content_hash=f.digest,
                            structure=json.dumps(f.page.to_dict(), ensure_ascii=False),
                            session=self.session,
                            fetched_at=_now(),
                        )
                self._enqueue(fetched, mapper, history, queue)
        if queue:
            stats.set_value("variants/unvisited_sets", len(queue))
        # Inconsistent sets of the previous session not reached this time are gone:
        # resolved (the page or the link to it was removed) unless the walk was cut short.
        if self.track and not queue:
            for (key, _variant), prev in previous_sets.items():
                if key not in history and not prev.get("consistent", True):
                    label = prev.get("left_url") or prev.get("right_url") or key
                    session.resolved.append(label)
                    session.counts["resolved"] = session.counts.get("resolved", 0) + 1
        session.finished_at = _now()
        session.duration_s = round(time.monotonic() - t0, 3)
        stats.set_value("variants/sets", order)
        yield session

    async def _fetch_set(self, urls: dict[int, str], states: dict[str, Any]) -> list[Fetched]:
        n = len(self.roots)
        return list(
            await asyncio.gather(
                *(
                    self._fetch(urls[i], i, states.get(urls[i])) if urls.get(i) else self._none(i)
                    for i in range(n)
                )
            )
        )

    async def _none(self, variant: int) -> Fetched:
        return Fetched(url="", problem="no counterpart URL")

    async def _apply_hreflang(
        self,
        fetched: list[Fetched],
        mapper: VariantMapper,
        langs: list[str | None],
        states: dict[str, Any],
    ) -> list[Fetched]:
        """The reference page's hreflang links name its counterparts: they win over the rule."""
        ref = fetched[0].page
        if ref is None:
            return fetched
        out = list(fetched)
        for i in range(1, len(out)):
            alt = mapper.alternate_for(ref, i, langs)
            plain = Criteria(ignore_fragments=True)
            if alt and normalize_url(alt, plain) != normalize_url(out[i].url or "-", plain):
                alt = normalize_url(alt, Criteria(ignore_fragments=True))
                self.crawler.stats.inc_value("variants/hreflang_pairs")
                out[i] = await self._fetch(alt, i, states.get(alt))
                mapper.register(mapper.key(fetched[0].url), i, alt)
        return out

    def _pair_children_by_position(self, fetched: list[Fetched], mapper: VariantMapper) -> None:
        """No URL rule: the i-th in-site link of each variant's page go to counterpart
        pages, unless the same path is linked on both sides (then the path pairs them).
        Done before the set is compared, so its links are compared through this pairing."""
        ref = fetched[0].page
        if ref is None:
            return
        ref_links = self._insite(ref, mapper, 0)
        ref_keys = {mapper.key(u) for u in ref_links}
        for j in range(1, len(fetched)):
            other = fetched[j].page
            if other is None:
                continue
            other_links = self._insite(other, mapper, j)
            other_keys = {mapper.key(u) for u in other_links}
            for mine, theirs in zip(ref_links, other_links, strict=False):
                k_mine, k_theirs = mapper.key(mine), mapper.key(theirs)
                if k_mine == k_theirs or k_mine in other_keys or k_theirs in ref_keys:
                    continue
                if not mapper.is_registered(k_mine, j):
                    mapper.register(k_mine, j, theirs)
                    self.crawler.stats.inc_value("variants/position_pairs")

    @staticmethod
    def _insite(page: PageStructure, mapper: VariantMapper, variant: int) -> list[str]:
        """Distinct in-site link targets of *page* in *variant*, in order, without fragment."""
        seen: dict[str, None] = {}
        for a in page.anchors:
            url = a.url.split("#", 1)[0]
            if mapper.variant_of(url) == variant:
                seen.setdefault(url, None)
        return list(seen)

    async def _apply_position(
        self,
        key: str,
        fetched: list[Fetched],
        fallback: dict[int, str],
        mapper: VariantMapper,
        states: dict[str, Any],
        how: str,
    ) -> tuple[list[Fetched], str]:
        """Last resort (no URL rule found the page): the link at the same position."""
        out = list(fetched)
        for j, url in fallback.items():
            if out[j].page is None and out[j].status in (None, 404, 410) and url != out[j].url:
                candidate = await self._fetch(url, j, states.get(url))
                if candidate.page is not None:
                    self.crawler.stats.inc_value("variants/position_pairs")
                    mapper.register(key, j, url)
                    out[j] = candidate
                    how = "position"
        return out, how

    def _compare_set(
        self,
        key: str,
        order: int,
        ref: Fetched,
        other: Fetched,
        variant: int,
        langs: list[str | None],
        mapper: VariantMapper,
        previous_sets: dict[tuple[str, int], dict[str, Any]],
        min_sim: float,
        how: str,
    ) -> VariantSetItem:
        prev = previous_sets.get((key, variant))
        common = {
            "session": self.session,
            "pair_id": self.pair_id,
            "order": order,
            "set_key": key,
            "variant": variant,
            "left_status": ref.status,
            "right_status": other.status,
            "pairing": how,
            "compared_at": _now(),
        }
        doubtful, reason, sim = False, "", None
        if ref.page is None or other.page is None:
            lurl = ref.url if ref.page is not None else None
            rurl = other.url if other.page is not None else None
            result: Comparison = missing_counterpart(
                lurl, rurl, (ref.problem or other.problem) or "not found"
            )
        elif prev is not None and not ref.changed and not other.changed:
            # Tracking: neither page changed, the previous result stands.
            self.crawler.stats.inc_value("variants/sets_reused")
            fields = {k: v for k, v in prev.items() if k in VariantSetItem.__dataclass_fields__}
            fields.update(common)
            fields["recompared"] = False
            item = VariantSetItem(**fields)
            item.tracking = tracking_status(prev, item.consistent, item.doubtful)
            return item
        else:
            doubtful, reason, sim = verify_pair(
                ref.page, other.page, langs[0], langs[variant], min_similarity=min_sim
            )
            if doubtful:
                self.crawler.stats.inc_value("variants/doubtful_pairs")
                result = Comparison(left_url=ref.url, right_url=other.url, consistent=False)
                result.summary = [f"Doubtful pair, not compared: {reason}."]
            else:
                result = compare_pages(ref.page, other.page, mapper, variant)
            result.similarity = sim
        shared = {k: getattr(result, k) for k in _RESULT_FIELDS}
        item = VariantSetItem(
            **shared,
            doubtful=doubtful,
            doubt_reason=reason,
            similarity=None if sim is None else round(sim, 3),
            diff=result.tag_diff,
            **common,
        )
        if self.track:
            item.tracking = tracking_status(prev, item.consistent, item.doubtful)
        return item

    def _count(self, session: VariantSessionItem, item: VariantSetItem) -> None:
        counts = session.counts
        counts["compared"] = counts.get("compared", 0) + 1
        for k in ("consistent", *KINDS):
            if getattr(item, k):
                counts[k] = counts.get(k, 0) + 1
                self.crawler.stats.inc_value(f"variants/{k}")
        if not item.consistent:
            counts["inconsistent"] = counts.get("inconsistent", 0) + 1
        if item.tracking:
            counts[item.tracking] = counts.get(item.tracking, 0) + 1
            label = item.left_url or item.right_url or item.set_key
            if item.tracking in ("new", "resolved", "unchanged"):
                getattr(session, item.tracking).append(label)

    def _enqueue(
        self,
        fetched: list[Fetched],
        mapper: VariantMapper,
        history: set[str],
        queue: deque[Entry],
    ) -> None:
        """Children of a set: every in-site target of any variant's page, by key."""
        n = len(self.roots)
        for i, f in enumerate(fetched):
            if f.page is None:
                continue
            for position, anchor in enumerate(
                a for a in f.page.anchors if mapper.variant_of(a.url) is not None
            ):
                target = anchor.url.split("#", 1)[0]
                key = mapper.key(target)
                if key in history or not key.startswith("~/"):
                    continue
                history.add(key)
                urls: dict[int, str] = {}
                # Fetch what the page links ("dir/index.html"), not the normalized "dir/".
                last = anchor.raw.rsplit("/", 1)[-1]
                index = last if last in self.criteria.index_names else ""
                for j in range(n):
                    url = mapper.url_for(key, j)
                    if url:
                        urls[j] = url + index if url.endswith("/") else url
                fallback: dict[int, str] = {}
                if mapper.rule is None:
                    # No URL rule: if the same path is missing, try the paper's pairing,
                    # the in-site anchor at the same position in the other variant.
                    for j in range(n):
                        other = fetched[j].page
                        if j == i or other is None:
                            continue
                        insite = [
                            a.url.split("#", 1)[0]
                            for a in other.anchors
                            if mapper.variant_of(a.url) == j
                        ]
                        if position < len(insite):
                            fallback[j] = insite[position]
                how = "rule" if mapper.rule else "path"
                if mapper.rule is None and mapper.is_registered(key):
                    how = "position"
                queue.append((key, urls, how, fallback))

    # -- previous session (tracking) ----------------------------------------------------

    def _load_previous(
        self,
    ) -> tuple[str | None, dict[tuple[str, int], dict[str, Any]], dict[str, Any]]:
        if not self.track:
            return None, {}, {}
        from eduscrape.variants import store

        try:
            db = self._database()
            prev = store.latest_session(db, self.pair_id)
            if prev is None:
                self.logger.info("tracking: no earlier session of this pair, full comparison")
                return None, {}, {}
            sets = {
                (d["set_key"], d["variant"]): d for d in store.session_sets(db, prev["session"])
            }
            return prev["session"], sets, store.page_states(db, self.pair_id)
        except Exception as exc:  # no database: tracking degrades to a full comparison
            self.logger.warning("tracking: cannot read the previous session (%s)", exc)
            self.crawler.stats.set_value("variants/tracking_error", str(exc)[:200])
            return None, {}, {}

    def _database(self) -> Any:
        from pymongo import MongoClient

        from eduscrape.storage.connect import ensure_uri

        s = self.crawler.settings
        uri, _started = ensure_uri(s)  # normally MongoPipeline's server, already running
        client: Any = MongoClient(uri, serverSelectionTimeoutMS=s.getint("MONGO_TIMEOUT_MS", 5000))
        return client[s.get("MONGO_DATABASE")]
