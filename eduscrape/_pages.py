"""Keeping a crawled page on disk for inspection (broken pages, unrepaired wrappers)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from scrapy.http import Response

logger = logging.getLogger(__name__)


def keep_page(folder: str | Path, response: Response, suffix: str = ".html") -> str | None:
    """Save *response*'s body under *folder* (named by a hash of its URL); its path, or None."""
    path = Path(folder) / f"{hashlib.sha1(response.url.encode()).hexdigest()[:16]}{suffix}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.body)
    except OSError as exc:
        logger.warning("Could not keep page %s: %s", response.url, exc)
        return None
    return str(path)
