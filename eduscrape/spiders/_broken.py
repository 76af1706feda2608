"""Pages whose selectors found nothing: never silent.

A spider calls :func:`record_broken_page` for every page (or JSON API reply) it
parses, with the fields its selectors (or expected keys) could not find, and why.
Broken pages get a WARNING naming the URL and the fields, per-field stats, and a
copy of the page (or reply) for inspection;
``scrapy crawl`` exits non-zero when more than ``EDUSCRAPE_BROKEN_PAGES_MAX_SHARE``
of the parsed pages are broken (a redesign, not a bad page).

Stats: ``eduscrape/pages/parsed``, ``eduscrape/pages/broken``,
``eduscrape/broken/<spider>/<field>`` (a JSON field path without its list indexes
and map keys: ``data.product_list[].teacher``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from scrapy.http import Response

from eduscrape._pages import keep_page
from eduscrape.config import default

logger = logging.getLogger(__name__)
_INDEX = re.compile(r"\[[^\]]*\]")  # "[3]" in "data.list[3].name"


def record_broken_page(crawler: Any, response: Response, broken: dict[str, str]) -> str | None:
    """Count a parsed page; when *broken* names fields, warn, count them and keep the page.

    Returns the kept page's path (None when nothing is broken or it could not be saved).
    """
    stats = crawler.stats
    stats.inc_value("eduscrape/pages/parsed")
    if not broken:
        return None
    name = crawler.spider.name if crawler.spider else "spider"
    stats.inc_value("eduscrape/pages/broken")
    # Per kind of field: list indexes and map keys of JSON paths would make a stat per record.
    for field in dict.fromkeys(_INDEX.sub("[]", field) for field in broken):
        stats.inc_value(f"eduscrape/broken/{name}/{field}")
    logger.warning(
        "Broken page %s: %s",
        response.url,
        "; ".join(f"{field}: {why}" for field, why in broken.items()),
    )
    # The default lives in eduscrape/settings.py (also for a project that only enables this).
    folder = (
        Path(crawler.settings.get("WRAPPER_BROKEN_DIR") or default("WRAPPER_BROKEN_DIR")) / name
    )
    json = b"json" in (response.headers.get("Content-Type") or b"")
    return keep_page(folder, response, ".json" if json else ".html")


def broken_share(stats: dict[str, Any]) -> tuple[int, int]:
    """(broken pages, parsed pages) of a finished crawl."""
    return int(stats.get("eduscrape/pages/broken", 0)), int(stats.get("eduscrape/pages/parsed", 0))
