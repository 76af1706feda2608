"""Distributed crawling on scrapy-redis (enabled by ``REDIS_URL``), see :mod:`.addon`."""

from __future__ import annotations

from eduscrape.distributed.addon import RedisAddon

__all__ = ["RedisAddon"]
