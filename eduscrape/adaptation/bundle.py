"""Bundled tree-grams: a wrapper ships the tree-grams of its reference pages.

Next to ``NAME.yaml`` sits ``NAME.treegrams.json``::

    {"site": "craigslist-posting", "learned_from": ["tests/fixtures/...html", ...],
     "treegrams": {"posting/title": {...}, ...}}

so that the first crawl of a redesigned site, with an empty MongoDB, can repair.
Tree-grams stored by earlier crawls take precedence over bundled ones
(:class:`eduscrape.middlewares.wrappers.WrapperMiddleware`). ``scrapy learn-wrapper
NAME PAGE... --bundle`` re-learns the file from fresh pages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.repair import Repairer
from eduscrape.adaptation.treegram import TreeGram
from eduscrape.adaptation.wrapper import Session, Wrapper, evaluate, gram_key

logger = logging.getLogger(__name__)


def bundle_path(wrapper: Wrapper) -> Path | None:
    """Where *wrapper*'s bundled tree-grams live (None: a wrapper not loaded from a file)."""
    if wrapper.source is None:
        return None
    return wrapper.source.with_name(f"{wrapper.source.stem}.treegrams.json")


def load_bundled(wrapper: Wrapper) -> dict[str, TreeGram]:
    """The bundled tree-grams of *wrapper* (empty when it ships none).

    A bundle of another site, or a malformed one, is ignored with a WARNING: it
    must never stop a crawl, only make a cold repair impossible.
    """
    path = bundle_path(wrapper)
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("site") != wrapper.site:
            raise ValueError(f"it is for site {data.get('site')!r}, not {wrapper.site!r}")
        return {key: TreeGram.from_dict(tg) for key, tg in data["treegrams"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("Ignoring the bundled tree-grams %s: %s", path, exc)
        return {}


def learn_pages(
    wrapper: Wrapper, pages: Iterable[str], *, bundle: bool = False
) -> dict[str, TreeGram]:
    """Tree-grams of *wrapper*'s fields learned from *pages* (HTML texts).

    Each key is learned on the first page where its selector extracts a valid value,
    so optional fields missing from one reference page come from another. For a
    *bundle*, fields declared ``bundle: false`` are left out.
    """
    unbundled = {
        gram_key(p.name, f.name)
        for p in wrapper.patterns
        for f in p.fields
        if bundle and not f.bundle
    }
    grams: dict[str, TreeGram] = {}
    repairer = Repairer(algorithm=wrapper.algorithm, threshold=wrapper.threshold)
    for html in pages:
        result = evaluate(wrapper, parse_html(html), {}, repairer, Session())
        for key, tg in result.learned.items():
            if key not in unbundled:
                grams.setdefault(key, tg)
    return grams


def write_bundle(
    wrapper: Wrapper, grams: dict[str, TreeGram], learned_from: list[str], path: Path | None = None
) -> Path:
    """Write *grams* as *wrapper*'s bundle (default: next to its file); the path."""
    target = path or bundle_path(wrapper)
    if target is None:
        raise ValueError(f"wrapper {wrapper.site!r} has no file to bundle tree-grams with")
    data: dict[str, Any] = {
        "site": wrapper.site,
        "learned_from": learned_from,
        "treegrams": {key: grams[key].to_dict() for key in sorted(grams)},
    }
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return target
