"""``RedisAddon``: one setting (``REDIS_URL``) turns any spider into a scrapy-redis worker.

Enabled in ``eduscrape.settings.ADDONS``; it does nothing unless ``REDIS_URL`` is
set (setting or environment variable). Then it installs:

- ``SCHEDULER`` :class:`~eduscrape.distributed.scheduler.RedisScheduler` (shared
  request queue in Redis) with ``SCHEDULER_QUEUE_CLASS``
  :class:`~eduscrape.distributed.queue.LeasedPriorityQueue` (leases + acks);
- ``DUPEFILTER_CLASS`` :class:`~eduscrape.distributed.scheduler.RedisDupeFilter`
  (shared fingerprints, Scrapy's fingerprinter);
- the middlewares of :mod:`eduscrape.distributed.middleware` (start URLs pushed to
  ``<spider>:start_urls``; lease acknowledgement).

Settings given explicitly (e.g. another ``SCHEDULER_QUEUE_CLASS``) win: the
add-on sets its values at ``addon`` priority.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eduscrape.config import setting


@dataclass(frozen=True)
class RedisConfig:
    """The ``EDUSCRAPE_REDIS_*`` settings (defaults and meaning: :mod:`eduscrape.settings`)."""

    lease: float = setting("EDUSCRAPE_REDIS_LEASE")
    poll: float = setting("EDUSCRAPE_REDIS_POLL")
    ack_grace: float = setting("EDUSCRAPE_REDIS_ACK_GRACE")
    ack_timeout: float = setting("EDUSCRAPE_REDIS_ACK_TIMEOUT")
    idle_timeout: float = setting("EDUSCRAPE_REDIS_IDLE_TIMEOUT")


_MODE = {
    "SCHEDULER": "eduscrape.distributed.scheduler.RedisScheduler",
    "SCHEDULER_QUEUE_CLASS": "eduscrape.distributed.queue.LeasedPriorityQueue",
    "DUPEFILTER_CLASS": "eduscrape.distributed.scheduler.RedisDupeFilter",
}


class RedisAddon:
    def update_settings(self, settings: Any) -> None:
        if not settings.get("REDIS_URL"):
            return
        for name, value in _MODE.items():
            settings.set(name, value, "addon")
        # 10: outermost, so the output seen is the final one (after HttpError etc.).
        settings["SPIDER_MIDDLEWARES"]["eduscrape.distributed.middleware.RedisStartMiddleware"] = 10
        # 50: its process_exception runs after the retry middleware gave up.
        settings["DOWNLOADER_MIDDLEWARES"][
            "eduscrape.distributed.middleware.LeaseDownloaderMiddleware"
        ] = 50
