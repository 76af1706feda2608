"""scrapy-playwright wiring for spiders that need a browser.

Spiders merge :data:`PLAYWRIGHT_SETTINGS` into their ``custom_settings`` and
mark requests with ``meta={"playwright": True}``; launch options (the system
Chromium at /usr/bin/chromium) come from the project settings.
"""

from __future__ import annotations

PLAYWRIGHT_SETTINGS: dict[str, object] = {
    "DOWNLOAD_HANDLERS": {
        "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    },
}
