"""Scrapy settings for eduscrape.

Standard Scrapy settings come first; eduscrape's own settings follow, each
documented next to its default. Every setting can be overridden per run with
``-s NAME=VALUE`` or per spider with ``custom_settings``.
"""

from __future__ import annotations

import os

from eduscrape._logging import install_redaction

install_redaction()  # before Scrapy logs "Overridden settings", which may hold MONGO_URI

BOT_NAME = "eduscrape"
SPIDER_MODULES = ["eduscrape.spiders"]
NEWSPIDER_MODULE = "eduscrape.spiders"
COMMANDS_MODULE = "eduscrape.commands"

USER_AGENT = "eduscrape/0.1 (+research crawler; https://github.com/eduscrape)"
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 30
LOG_LEVEL = os.environ.get("EDUSCRAPE_LOG_LEVEL", "INFO")

ITEM_PIPELINES = {
    # Domain pipelines (extraction, comparison, concepts) run at 100-800 and add
    # themselves here; storage always runs last.
    "eduscrape.pipelines.mongo.MongoPipeline": 900,
}

EXTENSIONS = {
    "eduscrape.extensions.summary.CrawlSummary": 500,
}

# CSV feeds: nested values are JSON-encoded, columns come from the item type.
FEED_EXPORTERS = {
    "csv": "eduscrape.exporters.CsvItemExporter",
}

# scrapy-playwright: spiders that render pages in a browser install its download
# handler in their custom_settings (see eduscrape.playwright.PLAYWRIGHT_SETTINGS)
# and mark requests with meta={"playwright": True}. Other spiders don't pay for it.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    # The system Chromium (Debian package `chromium`); `playwright install` cannot download here.
    "executable_path": os.environ.get("EDUSCRAPE_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
}

# --- MongoDB storage (eduscrape.pipelines.mongo.MongoPipeline) ------------------

# Where items go. Unset (the default) starts the embedded nx-27017 server under
# EDUSCRAPE_MONGO_DATA_DIR. The environment variable MONGO_URI is used when the
# setting is not given. A URI with a password is never logged in clear.
MONGO_URI = os.environ.get("MONGO_URI") or None
# Database name.
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "eduscrape")
# Upserts per bulk_write; the writer flushes when this many are buffered...
MONGO_BATCH_SIZE = 500
# ...or after this many seconds, and always at close.
MONGO_FLUSH_INTERVAL = 1.0
# Retries of a batch after a transient error (connection refused, timeout)...
MONGO_RETRY_TIMES = 3
# ...waiting MONGO_RETRY_BACKOFF * 2**n seconds before retry n.
MONGO_RETRY_BACKOFF = 0.5
# Server selection / connect timeout, milliseconds.
MONGO_TIMEOUT_MS = 5000
# While MongoDB is unreachable, items are spooled and a ping is tried this often (s).
MONGO_PROBE_INTERVAL = 5.0
# JSON-lines spool for items that could not be stored; replayed automatically at
# the next start and on demand with `scrapy mongo replay`.
MONGO_SPOOL_PATH = os.environ.get("MONGO_SPOOL_PATH", ".eduscrape/spool/mongo.jsonl")
# Collection for plain dict items (item classes name their own); None = spider name.
MONGO_DEFAULT_COLLECTION = None

# --- Embedded MongoDB (eduscrape.storage.embedded) -------------------------------

# Data folder of the embedded server (SQLite files, log, state file).
EDUSCRAPE_MONGO_DATA_DIR = os.environ.get("EDUSCRAPE_MONGO_DATA_DIR", ".eduscrape/mongo")
# Port of a server started by `scrapy mongo start`; 0 picks a free port.
EDUSCRAPE_MONGO_PORT = int(os.environ.get("EDUSCRAPE_MONGO_PORT", "0"))

# --- Crawl summary (eduscrape.extensions.summary.CrawlSummary) --------------------

# Write the final stats as JSON to this path (used by `make demo` and the tests).
EDUSCRAPE_STATS_FILE = os.environ.get("EDUSCRAPE_STATS_FILE") or None
# Log a summary table when the spider closes.
EDUSCRAPE_SUMMARY = True

# --- Language variants (eduscrape.spiders.variants, eduscrape.variants) -----------

# Tags whose element is not compared (children are); empty = the built-in list
# (span, font, br, img, abbr, small, tt, ...; see eduscrape.variants.structure).
VARIANTS_IGNORED_TAGS: list[str] = []
# When set, only these tags are compared (ignored tags are then unused).
VARIANTS_TAGS_OF_INTEREST: list[str] = []
# Elements with one of these classes are dropped with their content (e.g. "outofdate").
VARIANTS_SKIPPED_CLASSES: list[str] = []
# Compare link targets without #fragment (translations translate fragment ids).
VARIANTS_IGNORE_FRAGMENTS = True
# Compare same-page links (#x, tables of contents) too.
VARIANTS_INTERNAL_ANCHORS = False
# auto: variants in different languages (from <html lang> or the text) tolerate
# phrase-level markup (em, code, strong...), reordered links inside one block and
# repeated links; on/off force it.
VARIANTS_TRANSLATION_MODE = "auto"
# Counterpart URLs: "auto" detects the language token from the roots (/en/ <-> /es/,
# -en.html <-> -fr.html); or give patterns, e.g. "/en/,/es/". hreflang links win.
VARIANTS_MAPPING_RULE = "auto"
# A pair whose effective-tag similarity is below this is reported as doubtful, not compared.
VARIANTS_MIN_SIMILARITY = 0.3
# Stop after this many sets (0 = whole site).
VARIANTS_MAX_SETS = 0
# Sets fetched concurrently (each set is one page per variant; results stay in BFS order).
VARIANTS_CONCURRENT_SETS = 2
# Pages larger than this are compared on their first bytes only (recorded in stats).
VARIANTS_MAX_PAGE_BYTES = 5_000_000
