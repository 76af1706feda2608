"""The lock-step walk over the language variants of a site (Scrapy-free).

Breadth-first over *sets of related nodes* (one page per variant, paired by
hreflang links, the URL rule detected from the roots, or link position), one
batch of sets at a time, inside each variant's site; a history of set keys stops
link cycles. Each set is compared (:func:`~eduscrape.variants.compare_pages`) and
the walk yields a :class:`~eduscrape.items.VariantPageItem` per page (tracking
state) as it goes; once every pair is seen, a :class:`~eduscrape.items.VariantSetItem`
per set and compared variant, revised by the site conventions learned from the
whole session (:mod:`~eduscrape.variants.conventions`) and scored for being an
outdated translation (:mod:`~eduscrape.variants.outdated`); and last one
:class:`~eduscrape.items.VariantSessionItem` (traversal log, conventions).

    walk = VariantWalk(["https://x.org/en/", "https://x.org/es/"], fetch, WalkConfig())
    async for item in walk.run():
        ...

Pages come from a fetch function (:mod:`eduscrape.variants.fetching`); the
``variants`` spider passes one built on Scrapy's engine.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from eduscrape.items import VariantPageItem, VariantSessionItem, VariantSetItem
from eduscrape.variants.compare import Comparison, compare_pages, missing_counterpart
from eduscrape.variants.conventions import ConventionLearner, session_fields
from eduscrape.variants.fetching import Counts, Fetch, Fetched, PageFetcher, Stats
from eduscrape.variants.kinds import KINDS, STRUCTURAL_KINDS, kinds_of
from eduscrape.variants.outdated import PageSignals, outdated_score
from eduscrape.variants.pairing import (
    VariantMapper,
    base_lang,
    detect_language,
    text_segments,
    verify_pair,
)
from eduscrape.variants.structure import (
    PAGE_URL,
    Criteria,
    PageStructure,
    normalize_url,
)
from eduscrape.variants.tracking import tracking_status

# A text segment seen on this many pages of a variant is the site's, not the page's
# (the language check of a pair leaves it out: pairing.verify_pair).
BOILERPLATE_PAGES = 3
# A set waiting in the walk: key, URL per variant, how paired, position fallbacks.
Entry = tuple[str, dict[int, str], str, dict[int, str]]
# A compared set and its pages' freshness signals (reference, variant), when both are known.
Compared = tuple[VariantSetItem, tuple[PageSignals, PageSignals] | None]
# A set held until the walk ends: its traversal-log entry and one Compared per variant.
Held = tuple[dict[str, Any], list[Compared]]
Item = VariantSetItem | VariantPageItem | VariantSessionItem


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_session_id() -> str:
    """A new session id: UTC time stamp and a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def pair_id_of(roots: Sequence[str]) -> str:
    """The stable id of a site pair (tracking finds its previous sessions by it)."""
    return hashlib.sha1("\n".join(roots).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class WalkConfig:
    """How to walk and compare. The defaults are eduscrape/settings.py's (the spider builds
    this from the ``VARIANTS_*`` settings; a test keeps the two equal)."""

    criteria: Criteria = field(default_factory=Criteria)
    rule: str = "auto"  # "auto": detected from the roots; or patterns, "/en/,/es/"
    translation_mode: str = "auto"  # on / off / auto: on when the languages differ
    min_similarity: float = 0.3  # below: doubtful pair, not compared
    max_sets: int = 0  # 0: the whole site
    concurrent_sets: int = 2
    track: bool = False  # conditional requests, reuse the results of unchanged sets
    skipped_extensions: tuple[str, ...] = ()  # not fetched (".pdf", ...)
    convention_min_pages: int = 3  # site conventions (eduscrape.variants.conventions)
    convention_min_share: float = 0.8


@dataclass
class Previous:
    """The previous session of the same pair, for tracking (empty: compare everything)."""

    session: str | None = None
    sets: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # (key, variant)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # URL -> page state


class VariantWalk:
    """One session over N variants (``roots[0]`` is the reference)."""

    def __init__(
        self,
        roots: Sequence[str],
        fetch: Fetch,
        config: WalkConfig | None = None,
        *,
        session: str | None = None,
        previous: Previous | None = None,
        stats: Stats | None = None,
    ):
        if len(roots) < 2:
            raise ValueError(f"comparing variants needs two or more root URLs, got {list(roots)}")
        self.roots = list(roots)
        self.config = config = config or WalkConfig()
        self.session = session or new_session_id()
        self.pair_id = pair_id_of(self.roots)
        self.previous = previous or Previous()
        self.stats: Stats = Counts() if stats is None else stats
        self.criteria = config.criteria
        self.mapper = VariantMapper(self.roots, rule=config.rule, criteria=self.criteria)
        self.pages = PageFetcher(
            fetch,
            self.criteria,
            self.stats,
            states=self.previous.pages,
            track=config.track,
            skipped_extensions=config.skipped_extensions,
        )
        self.langs: list[str | None] = []
        # One learner per compared variant: a French and a Spanish site each have their
        # own accounts, and a convention's share counts the pages of its variant only.
        self.learners = {
            i: ConventionLearner(config.convention_min_pages, config.convention_min_share)
            for i in range(1, len(self.roots))
        }
        self._segments_seen: dict[int, Counter[str]] = {}

    # -- the walk -------------------------------------------------------------------

    async def run(self) -> AsyncIterator[Item]:
        t0 = time.monotonic()
        mapper = self.mapper
        session = VariantSessionItem(
            session=self.session,
            pair_id=self.pair_id,
            roots=self.roots,
            rule=mapper.rule.describe() if mapper.rule else "same relative path / link position",
            started_at=_now(),
            tracking=self.config.track,
            previous_session=self.previous.session,
        )
        root_key = await self._start(session)
        root_urls = [r.split("#", 1)[0] for r in self.roots]
        queue: deque[Entry] = deque([(root_key, dict(enumerate(root_urls)), "root", {})])
        history = {root_key}
        max_sets = self.config.max_sets
        order = 0
        # Set items are held until the walk ends: site conventions are learned from every
        # page pair, then revise each set. An item is a few KB (links, summary, diff), so
        # sessions of thousands of sets stay at some tens of MB; pages are not held.
        held: list[Held] = []
        while queue and (not max_sets or order < max_sets):
            take = min(
                self.config.concurrent_sets,
                len(queue),
                (max_sets - order) if max_sets else len(queue),
            )
            sets = [queue.popleft() for _ in range(take)]
            fetched_sets = await asyncio.gather(*(self._fetch_set(urls) for _, urls, _, _ in sets))
            for (key, _urls, how, fallback), fetched in zip(sets, fetched_sets, strict=True):
                fetched, how = await self._pair(key, fetched, fallback, how)
                order += 1
                for item in self._visit(session, order, key, fetched, how, held):
                    yield item
                self._enqueue(fetched, history, queue)
        for visit, items in held:
            for item in self._finish(session, visit, items):
                yield item
        for field_name, values in self._learned().items():
            setattr(session, field_name, values)
        if queue:
            self.stats.set_value("variants/unvisited_sets", len(queue))
        elif self.config.track:
            self._resolve_unreached(session, history)
        session.finished_at = _now()
        session.duration_s = round(time.monotonic() - t0, 3)
        self.stats.set_value("variants/sets", order)
        yield session

    async def _start(self, session: VariantSessionItem) -> str:
        """Roots first: they give the variants' languages, hence the criteria. The root
        set is fetched again in the walk (cache / 304), reduced with those criteria."""
        mapper = self.mapper
        root_keys = [normalize_url(r, PAGE_URL) for r in self.roots]
        roots = await asyncio.gather(*(self.pages.get(u.split("#", 1)[0]) for u in self.roots))
        self.langs = langs = [_language(f.page) for f in roots]
        session.languages = langs
        mapper.set_languages(langs)
        mode = self.config.translation_mode
        known = [lang for lang in langs if lang]
        if mode == "on" or (mode == "auto" and len(set(known)) > 1):
            self.criteria = self.criteria.for_translation()
            mapper.criteria = self.pages.criteria = self.criteria
        session.criteria = {
            k: sorted(v) if isinstance(v, frozenset) else v
            for k, v in asdict(self.criteria).items()
        }
        root_key = mapper.key(root_keys[0])
        for i, url in enumerate(root_keys):
            mapper.register(root_key, i, url)
        return root_key

    async def _fetch_set(self, urls: dict[int, str]) -> list[Fetched]:
        return list(
            await asyncio.gather(
                *(
                    self.pages.get(urls[i]) if urls.get(i) else self.pages.missing()
                    for i in range(len(self.roots))
                )
            )
        )

    def _visit(
        self,
        session: VariantSessionItem,
        order: int,
        key: str,
        fetched: list[Fetched],
        how: str,
        held: list[Held],
    ) -> list[Item]:
        """Compare one set: its page items now; its set items, and its entry in the
        traversal log, into *held* (finished by :meth:`_finish` once conventions are known)."""
        visit: dict[str, Any] = {
            "order": order,
            "key": key,
            "urls": [f.url for f in fetched],
            "status": [f.status for f in fetched],
            "pairing": how,
        }
        session.visits.append(visit)
        if all(f.page is None for f in fetched):
            problem = {
                "key": key,
                "urls": visit["urls"],
                "problem": fetched[0].problem or "no page",
            }
            session.problems.append(problem)
            self.stats.inc_value("variants/broken_sets")
            visit["result"] = "no page in any variant: " + problem["problem"]
            return []
        results: list[Compared] = []
        for i in range(1, len(fetched)):
            ref, other = fetched[0], fetched[i]
            signals = None
            if ref.signals is not None and other.signals is not None:
                signals = (ref.signals, other.signals)
            results.append((self._compare(key, order, ref, other, i, how), signals))
        held.append((visit, results))
        return [
            self._page_item(f, i)
            for i, f in enumerate(fetched)
            if f.page is not None and f.status is not None and (f.changed or not f.not_modified)
        ]

    def _finish(
        self, session: VariantSessionItem, visit: dict[str, Any], items: list[Compared]
    ) -> list[VariantSetItem]:
        """A held set, revised by the session's conventions, scored, tracked and counted."""
        out = []
        for item, signals in items:
            if item.recompared:  # a result reused from the previous session stands as it was
                learner = self.learners[item.variant]
                item = VariantSetItem(**learner.apply(item.set_key, asdict(item)))
                if signals is not None and not item.missing_counterpart:
                    # After the conventions: a localized link is no sign of an old page.
                    item.outdated = outdated_score(*signals, item).to_dict()
                if self.config.track:
                    prev = self.previous.sets.get((item.set_key, item.variant))
                    item.tracking = tracking_status(prev, item.consistent, item.doubtful)
            self._count(session, item)
            out.append(item)
        visit["result"] = [
            "consistent"
            if it.consistent
            else ",".join(kinds_of(it, (*STRUCTURAL_KINDS, "doubtful")))
            for it in out
        ]
        return out

    def _learned(self) -> dict[str, list[dict[str, Any]]]:
        """The session's conventions and equivalences, each with its variant."""
        out: dict[str, list[dict[str, Any]]] = {
            "conventions": [],
            "equivalences": [],
            "link_places": [],
        }
        for variant, learner in self.learners.items():
            for name, values in session_fields(learner).items():
                out[name].extend({**value, "variant": variant} for value in values)
        return out

    def _page_item(self, f: Fetched, variant: int) -> VariantPageItem:
        assert f.page is not None and f.status is not None
        return VariantPageItem(
            pair_id=self.pair_id,
            page=f.url,
            variant=variant,
            status=200 if f.not_modified else f.status,
            etag=f.etag,
            last_modified=f.last_modified,
            content_hash=f.digest,
            structure=json.dumps(f.page.to_dict(), ensure_ascii=False),
            signals=json.dumps(f.signals.to_dict(), ensure_ascii=False) if f.signals else "",
            session=self.session,
            fetched_at=_now(),
        )

    # -- pairing --------------------------------------------------------------------

    async def _pair(
        self, key: str, fetched: list[Fetched], fallback: dict[int, str], how: str
    ) -> tuple[list[Fetched], str]:
        fetched = await self._apply_hreflang(fetched)
        fetched, how = await self._apply_position(key, fetched, fallback, how)
        if self.mapper.rule is None:
            self._pair_children_by_position(fetched)
        return fetched, how

    async def _apply_hreflang(self, fetched: list[Fetched]) -> list[Fetched]:
        """The reference page's hreflang links name its counterparts: they win over the rule."""
        ref = fetched[0].page
        if ref is None:
            return fetched
        mapper = self.mapper
        out = list(fetched)
        for i in range(1, len(out)):
            alt = mapper.alternate_for(ref, i, self.langs)
            if alt and normalize_url(alt, PAGE_URL) != normalize_url(out[i].url or "-", PAGE_URL):
                alt = normalize_url(alt, PAGE_URL)
                self.stats.inc_value("variants/hreflang_pairs")
                out[i] = await self.pages.get(alt)
                mapper.register(mapper.key(fetched[0].url), i, alt)
        return out

    async def _apply_position(
        self, key: str, fetched: list[Fetched], fallback: dict[int, str], how: str
    ) -> tuple[list[Fetched], str]:
        """Last resort (no URL rule found the page): the link at the same position."""
        out = list(fetched)
        for j, url in fallback.items():
            if out[j].page is None and out[j].status in (None, 404, 410) and url != out[j].url:
                candidate = await self.pages.get(url)
                if candidate.page is not None:
                    self.stats.inc_value("variants/position_pairs")
                    self.mapper.register(key, j, url)
                    out[j] = candidate
                    how = "position"
        return out, how

    def _pair_children_by_position(self, fetched: list[Fetched]) -> None:
        """No URL rule: the i-th in-site link of each variant's page go to counterpart
        pages, unless the same path is linked on both sides (then the path pairs them).
        Done before the set is compared, so its links are compared through this pairing."""
        ref = fetched[0].page
        if ref is None:
            return
        mapper = self.mapper
        ref_links = self._insite(ref, 0)
        ref_keys = {mapper.key(u) for u in ref_links}
        for j in range(1, len(fetched)):
            other = fetched[j].page
            if other is None:
                continue
            other_links = self._insite(other, j)
            other_keys = {mapper.key(u) for u in other_links}
            for mine, theirs in zip(ref_links, other_links, strict=False):
                k_mine, k_theirs = mapper.key(mine), mapper.key(theirs)
                if k_mine == k_theirs or k_mine in other_keys or k_theirs in ref_keys:
                    continue
                if not mapper.is_registered(k_mine, j):
                    mapper.register(k_mine, j, theirs)
                    self.stats.inc_value("variants/position_pairs")

    def _insite(self, page: PageStructure, variant: int) -> list[str]:
        """Distinct in-site link targets of *page* in *variant*, in order, without fragment."""
        seen: dict[str, None] = {}
        for a in page.anchors:
            url = a.url.split("#", 1)[0]
            if self.mapper.variant_of(url) == variant:
                seen.setdefault(url, None)
        return list(seen)

    def _enqueue(self, fetched: list[Fetched], history: set[str], queue: deque[Entry]) -> None:
        """Children of a set: every in-site target of any variant's page, by key."""
        mapper = self.mapper
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

    # -- comparison and tracking ------------------------------------------------------

    def _compare(
        self, key: str, order: int, ref: Fetched, other: Fetched, variant: int, how: str
    ) -> VariantSetItem:
        prev = self.previous.sets.get((key, variant))
        context = {
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
        doubtful, reason = False, ""
        if ref.page is None or other.page is None:
            lurl = ref.url if ref.page is not None else None
            rurl = other.url if other.page is not None else None
            result: Comparison = missing_counterpart(
                lurl, rurl, (ref.problem or other.problem) or "not found"
            )
        elif prev is not None and not ref.changed and not other.changed:
            # Tracking: neither page changed, the previous result stands.
            self.stats.inc_value("variants/sets_reused")
            kept = {k: v for k, v in prev.items() if k in VariantSetItem.__dataclass_fields__}
            item = VariantSetItem(**{**kept, **context, "recompared": False})
            item.tracking = tracking_status(prev, item.consistent, item.doubtful)
            return item
        else:
            doubtful, reason, sim = verify_pair(
                ref.page,
                other.page,
                self.langs[0],
                self.langs[variant],
                min_similarity=self.config.min_similarity,
                boilerplate=self._boilerplate(variant, other.page),
            )
            if doubtful:
                self.stats.inc_value("variants/doubtful_pairs")
                result = Comparison(left_url=ref.url, right_url=other.url, consistent=False)
                result.summary = [f"Doubtful pair, not compared: {reason}."]
            else:
                result = compare_pages(ref.page, other.page, self.mapper, variant)
                self.learners[variant].observe(key, result, ref.page, other.page, self.mapper)
            result.similarity = sim
        item = VariantSetItem.from_comparison(
            result, doubtful=doubtful, doubt_reason=reason, **context
        )
        return item

    def _boilerplate(self, variant: int, page: PageStructure) -> set[str]:
        """Text segments the variant has repeated on BOILERPLATE_PAGES or more pages so
        far, this one included (menus, an untranslated notice in every footer)."""
        seen = self._segments_seen.setdefault(variant, Counter())
        seen.update(set(text_segments(page.text_sample)))
        return {s for s, n in seen.items() if n >= BOILERPLATE_PAGES}

    def _count(self, session: VariantSessionItem, item: VariantSetItem) -> None:
        counts = session.counts
        counts["compared"] = counts.get("compared", 0) + 1
        for k in ("consistent", *KINDS):
            if getattr(item, k):
                counts[k] = counts.get(k, 0) + 1
                self.stats.inc_value(f"variants/{k}")
        if not item.consistent:
            counts["inconsistent"] = counts.get("inconsistent", 0) + 1
        if item.tracking:
            counts[item.tracking] = counts.get(item.tracking, 0) + 1
            label = item.left_url or item.right_url or item.set_key
            if item.tracking in ("new", "resolved", "unchanged"):
                getattr(session, item.tracking).append(label)

    def _resolve_unreached(self, session: VariantSessionItem, history: set[str]) -> None:
        """Inconsistent sets of the previous session not reached this time are gone:
        resolved (the page or the link to it was removed). Only after a whole walk."""
        for (key, _variant), prev in self.previous.sets.items():
            if key not in history and not prev.get("consistent", True):
                label = prev.get("left_url") or prev.get("right_url") or key
                session.resolved.append(label)
                session.counts["resolved"] = session.counts.get("resolved", 0) + 1


def _language(page: PageStructure | None) -> str | None:
    if page is None:
        return None
    return base_lang(page.lang) or base_lang(detect_language(page))
