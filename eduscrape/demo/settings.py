"""Settings for crawling your own servers on loopback: the demo web, tests, benchmarks.

``SCRAPY_SETTINGS_MODULE=eduscrape.demo.settings`` (``make demo``, the test
suite and ``bench/`` set it) keeps every eduscrape setting and lifts the
politeness defaults meant for other people's sites (see eduscrape/settings.py):
these servers are ours and run on this machine.
"""

from __future__ import annotations

from eduscrape.settings import *  # noqa: F403

CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
