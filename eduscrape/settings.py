"""Scrapy settings for eduscrape.

Standard Scrapy settings come first; eduscrape's own settings follow, each
documented next to its default. Every setting can be overridden per run with
``-s NAME=VALUE`` or per spider with ``custom_settings``.
"""

from __future__ import annotations

import os
from pathlib import Path

from scrapy.utils.conf import closest_scrapy_cfg

from eduscrape._logging import install_redaction

install_redaction()  # before Scrapy logs "Overridden settings", which may hold MONGO_URI

BOT_NAME = "eduscrape"
SPIDER_MODULES = ["eduscrape.spiders"]
NEWSPIDER_MODULE = "eduscrape.spiders"
COMMANDS_MODULE = "eduscrape.commands"

# Where eduscrape keeps its own files (embedded MongoDB, spool, saved broken pages):
# like Scrapy's .scrapy/, at the project root (the folder of the closest scrapy.cfg,
# whichever subfolder a command runs from), else the current folder (a scrapyd job
# runs in scrapyd's folder: give such jobs MONGO_URI, or EDUSCRAPE_HOME).
PROJECT_ROOT = Path(closest_scrapy_cfg() or "scrapy.cfg").resolve().parent
EDUSCRAPE_HOME = os.environ.get("EDUSCRAPE_HOME") or str(PROJECT_ROOT / ".eduscrape")

USER_AGENT = "eduscrape/0.1 (+research crawler; https://github.com/eduscrape)"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
DOWNLOAD_TIMEOUT = 30

# --- Politeness: the defaults are for crawling other people's sites ------------------
# (university servers are often small). Scrapy's own project template ships the same
# spirit: obey robots.txt, one or two requests at a time per site, a delay between
# them, AutoThrottle adapting the delay to the server's latency. Crawls of your own
# servers override them explicitly (the demo, tests and benchmarks use
# SCRAPY_SETTINGS_MODULE=eduscrape.demo.settings).
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Seconds between two requests to the same site (AutoThrottle never goes below it).
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
# Requests in flight per site AutoThrottle aims at (1.0: one at a time on average).
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
LOG_LEVEL = os.environ.get("EDUSCRAPE_LOG_LEVEL", "INFO")

ITEM_PIPELINES = {
    # Domain pipelines (extraction, comparison) run at 100-800 and add themselves
    # here; storage always runs last. (MOOC concepts: a spider middleware, see
    # eduscrape.middlewares.mooc, enabled by the MOOC spiders.)
    "eduscrape.pipelines.housing.HousingExtractionPipeline": 300,
    "eduscrape.pipelines.mongo.MongoPipeline": 900,
}

# Check required -a arguments when the spider is created (`scrapy crawl` sets it;
# `scrapy parse` and `scrapy check` create spiders without their arguments).
EDUSCRAPE_CHECK_ARGUMENTS = False

# `scrapy check` contracts of the spider callbacks (eduscrape/contracts.py): @demo /PATH
# requests PATH on the demo web at EDUSCRAPE_DEMO_URL, so checks run offline.
SPIDER_CONTRACTS = {
    "eduscrape.contracts.DemoContract": 10,
    "eduscrape.contracts.CourseContract": 10,
    "eduscrape.contracts.VideoContract": 10,
    "eduscrape.contracts.RenderedContract": 10,
    "eduscrape.contracts.RootsContract": 10,
    "eduscrape.contracts.WrapperContract": 10,
}

# `scrapy crawl` fails (exit 1) when more than this share of the pages a spider parsed
# were broken: their selectors found nothing (a site redesign; see eduscrape/spiders/_broken.py).
EDUSCRAPE_BROKEN_PAGES_MAX_SHARE = 0.5

# -a max_pages=N: at most N pages requested from each site, in every spider.
SPIDER_MIDDLEWARES = {
    "eduscrape.middlewares.budget.PageBudgetMiddleware": 30,
}

EXTENSIONS = {
    # The crawl's one MongoDB (client, embedded server, batching writer, spool):
    # MongoPipeline, the wrapper middleware and the Redis scheduler go through it.
    "eduscrape.storage.service.StorageService": 100,
    # With JOBDIR: a run resumed after a hard kill discards Scrapy's stale queue state
    # (one WARNING) and re-crawls from the start URLs instead of stopping at once.
    "eduscrape.extensions.crawlstate.CrawlState": 0,
    "eduscrape.extensions.summary.CrawlSummary": 500,
    # CrawlProgress replaces LogStats (same "Crawled N pages" lines, more often, more numbers).
    "scrapy.extensions.logstats.LogStats": None,
    "eduscrape.extensions.progress.CrawlProgress": 500,
    "eduscrape.extensions.report.CrawlReport": 500,
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

# --- MongoDB storage (eduscrape.storage.service.StorageService, MongoPipeline) ---

# False: crawl to feeds only (-O), no MongoDB at all (no embedded server, no spool);
# tree-grams then stay in memory and variants tracking compares in full.
MONGO_ENABLED = True
# Where items go. Unset (the default) starts the embedded nx-27017 server under
# EDUSCRAPE_MONGO_DATA_DIR. The environment variable MONGO_URI is used when the
# setting is not given. A URI with a password is never logged in clear.
MONGO_URI = os.environ.get("MONGO_URI") or None
# A named connection profile instead of a URI: its URI is read from the environment
# variable EDUSCRAPE_MONGO_URI_<NAME> of the host that runs the crawl, and wins over
# MONGO_URI. For scrapyd jobs: `-d setting=MONGO_PROFILE=prod` puts no password in
# schedule.json, scrapyd's log or the job's command line (see README, "Secrets").
MONGO_PROFILE = os.environ.get("MONGO_PROFILE") or None
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
MONGO_SPOOL_PATH = os.environ.get("MONGO_SPOOL_PATH") or f"{EDUSCRAPE_HOME}/spool/mongo.jsonl"
# Crash safety: every write accepted by the storage service is first appended to a
# local journal (JSON lines, one segment per ~2 batches, deleted once its writes are
# settled), so `kill -9` loses nothing: the next start of any crawl using the same
# folder replays what a killed process left (one WARNING naming the count and files).
MONGO_JOURNAL = True
# When the journal reaches the disk: "batch" (the writer thread fsyncs once per batch
# or MONGO_FLUSH_INTERVAL, so only an OS crash / power loss can lose up to that much),
# "always" (fsync before each item is acknowledged), "off" (never; a killed process
# still loses nothing). Cost per item measured by bench/bench_mongo_writes.py.
MONGO_JOURNAL_FSYNC = "batch"
# Journal folder; None = `journal/` next to MONGO_SPOOL_PATH.
MONGO_JOURNAL_DIR = os.environ.get("MONGO_JOURNAL_DIR") or None
# Collection for plain dict items (item classes name their own); None = spider name.
MONGO_DEFAULT_COLLECTION = None

# --- Embedded MongoDB (eduscrape.storage.embedded) -------------------------------

# Data folder of the embedded server (SQLite files, log, state file).
EDUSCRAPE_MONGO_DATA_DIR = os.environ.get("EDUSCRAPE_MONGO_DATA_DIR") or f"{EDUSCRAPE_HOME}/mongo"
# Port of a server started by `scrapy mongo start`; 0 picks a free port.
EDUSCRAPE_MONGO_PORT = int(os.environ.get("EDUSCRAPE_MONGO_PORT", "0"))

# --- Crawl summary (eduscrape.extensions.summary.CrawlSummary) --------------------

# Write the final stats as JSON to this path (used by `make demo` and the tests).
EDUSCRAPE_STATS_FILE = os.environ.get("EDUSCRAPE_STATS_FILE") or None
# Log a summary table when the spider closes.
EDUSCRAPE_SUMMARY = True

# --- Progress and crawl report (eduscrape.extensions.progress / .report) ----------

# "auto": a live progress line on an interactive terminal, plain log lines
# otherwise; "live", "lines" force one; "off" shows none.
EDUSCRAPE_PROGRESS = os.environ.get("EDUSCRAPE_PROGRESS", "auto")
# Seconds between two plain progress lines.
EDUSCRAPE_PROGRESS_INTERVAL = 10.0
# Write a self-contained HTML report (charts of items, fields filled, wrapper
# repairs, stats per component) of every crawl...
EDUSCRAPE_REPORT = True
# ...into this folder, as <spider>-<start time>.html.
EDUSCRAPE_REPORT_DIR = os.environ.get("EDUSCRAPE_REPORT_DIR") or str(
    PROJECT_ROOT / "output" / "reports"
)

# --- Distributed crawling (eduscrape.distributed, scrapy-redis) -------------------

# Any spider becomes a scrapy-redis worker when REDIS_URL is set (setting or
# environment): shared request queue and duplicate filter in Redis, start URLs
# pushable to "<spider>:start_urls". Unset: plain single-process Scrapy.
REDIS_URL = os.environ.get("REDIS_URL") or None
ADDONS = {
    "eduscrape.distributed.RedisAddon": 0,
    "eduscrape.middlewares.guards.GuardsAddon": 0,  # start errors, refused URL schemes
    # Self-healing page models for every spider that declares them (see below).
    "eduscrape.middlewares.wrappers.WrappersAddon": 0,
    # Spiders yielding several item types write one CSV file per type (eduscrape.feeds).
    "eduscrape.feeds.CsvPerItemTypeAddon": 0,
}
# Seconds a request taken by a worker stays leased without renewal; live workers
# renew every third of it, so only a dead (or frozen) worker's requests come back.
EDUSCRAPE_REDIS_LEASE = 60.0
# Seconds between Redis polls of a worker with nothing to do while others still
# hold requests (Scrapy's own heartbeat is 5 s).
EDUSCRAPE_REDIS_POLL = 0.2
# Seconds after a response was processed before its lease is acknowledged (its
# items must have reached the MongoDB writer; the ack also waits for their write).
EDUSCRAPE_REDIS_ACK_GRACE = 0.5
# Safety net: a response no middleware reported is acknowledged after this many s.
EDUSCRAPE_REDIS_ACK_TIMEOUT = 120.0
# Keep an idle worker alive this many seconds waiting for pushed start URLs (0 = close
# as soon as the shared crawl is finished).
EDUSCRAPE_REDIS_IDLE_TIMEOUT = 0.0
# scrapy-redis: keep queue and fingerprints in Redis after the crawl (resume/re-run).
SCHEDULER_PERSIST = False

# --- Self-healing wrappers (eduscrape.middlewares.wrappers.WrapperMiddleware) ----------
# Enabled for every spider (WrappersAddon in ADDONS); it acts for spiders that
# declare page models (`page_models`, role -> wrapper name, see eduscrape/spiders/_base.py)
# or have a `wrapper` attribute (the `wrapper` spider).

# Folder of wrapper definitions (YAML/JSON) looked up by name (-a wrapper=NAME);
# the bundled eduscrape/wrappers/ is searched after it.
WRAPPERS_DIR = "wrappers"
# MongoDB collection of tree-grams (one document per site and field, with history).
WRAPPER_TREEGRAM_COLLECTION = "treegrams"
# Store tree-grams at all (False: learned and repaired ones live only for the crawl).
WRAPPER_STORE_ENABLED = True
# After a successful repair, store the new tree-gram and selector (follow small
# changes over time); False keeps the original in MongoDB (the crawl still uses the repair).
WRAPPER_UPDATE_TREEGRAMS = True
# Matching algorithm: clustered | simple | bigram | sequence (None: the wrapper's own setting).
WRAPPER_ALGORITHM = None
# Minimum similarity to accept a repair (0: the wrapper's own threshold, default 0.6).
WRAPPER_THRESHOLD = 0
# Pages with fields that stay broken are saved here (path in the item's page_path).
WRAPPER_BROKEN_DIR = str(PROJECT_ROOT / "output" / "wrapper-broken")
# Larger pages are not evaluated (counted in wrapper/skipped_huge).
WRAPPER_MAX_PAGE_BYTES = 5_000_000
# Pages whose fields could not be repaired are fetched once more (at most this many)
# after the wrapper is repaired on another page of the crawl.
WRAPPER_RETRY_PAGES = 20
# Check selectors against tree-grams and repair them (False: the declared selectors
# only, broken fields still reported; for comparisons such as bench/bench_redesigns.py).
WRAPPER_HEALING = True
# Start from the tree-grams bundled with a wrapper (NAME.treegrams.json next to it), so a
# first crawl with an empty MongoDB can repair; stored tree-grams take precedence.
WRAPPER_BUNDLED_TREEGRAMS = True
# An optional field or record with a tree-gram that no page of a crawl of at least this
# many pages had gets a WARNING and a wrapper/vanished stat (a redesign not followed?).
WRAPPER_VANISHED_MIN_PAGES = 10

# --- MOOC repository (eduscrape.mooc, spiders ocw/openedx/xuetangx) -------------------

# Concepts per video (MOOCCube keeps about 10).
MOOC_CONCEPTS_TOP = 10
# Concepts per course, aggregated from its videos.
MOOC_COURSE_CONCEPTS_TOP = 30
# Turn concept extraction off (items keep the concepts the spider gave them).
MOOC_CONCEPTS_ENABLED = True
# Emit RefD prerequisite candidates between a course's concepts (prerequisite-dependency).
MOOC_PREREQUISITES = True
# Minimum RefD score of a prerequisite candidate (-1..1), between the course's
# MOOC_PREREQUISITE_CONCEPTS best concepts; at most MOOC_PREREQUISITE_LIMIT pairs.
MOOC_PREREQUISITE_THRESHOLD = 0.5
MOOC_PREREQUISITE_CONCEPTS = 15
MOOC_PREREQUISITE_LIMIT = 20
# XuetangX session cookie ("sessionid=...; csrftoken=..."), needed where the API
# wants a login. Read from the environment so it never lands in a command line.
XUETANGX_COOKIE = os.environ.get("XUETANGX_COOKIE", "")

# --- Retry-After (eduscrape.middlewares.retry_after; enabled by the MOOC API spiders) ---

# Statuses retried after the server's Retry-After (or a backoff when it has none).
RETRY_AFTER_HTTP_CODES = [429, 503]
# Retries per request before the response is handed to the spider.
RETRY_AFTER_TIMES = 3
# Backoff without a Retry-After header: RETRY_AFTER_BACKOFF * 2**n seconds.
RETRY_AFTER_BACKOFF = 0.5
# Never wait longer than this (s), whatever the server asks.
RETRY_AFTER_MAX = 60.0


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
# In translation mode, checks inside aligned blocks (eduscrape.variants.blocks): "order"
# (links traded in place in a block, or a list item / block moved: type 2), "emphasis"
# (<em>/<i> on a text the aligned block does not emphasize, a word kept untranslated
# in italics excepted: non-structural), "link_lists" (an item of a block made of links,
# a menu or a header cell, that lost or gained its link, the target gone from the block
# and linked fewer times on the page; or a code text, a directive or module name, the
# translation keeps where the source links it but leaves unlinked: type 1), "links"
# (an occurrence missing or added in any block while the page links the target
# elsewhere; off, real translations link a term of a sentence at a different number
# of mentions on 8% of pages).
VARIANTS_BLOCK_CHECKS: list[str] = ["link_lists", "order", "emphasis"]
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
# Site conventions (eduscrape.variants.conventions): an external link retargeted (or
# added, dropped) the same way on at least this many page pairs, and on at least this
# share of the pages whose reference links it, is a localization convention of the
# site (reported once), not an inconsistency of each page; keeping the old target breaks it.
VARIANTS_CONVENTION_MIN_PAGES = 3
VARIANTS_CONVENTION_MIN_SHARE = 0.8
# A translation whose outdated likelihood (eduscrape.variants.outdated: its own notice,
# older dates, missing sections, structure) reaches this is reported as likely outdated.
VARIANTS_OUTDATED_THRESHOLD = 0.5
# `scrapy variants-report`: link the compared pages (True), show their URLs as text
# (False), or "auto": link unless they were crawled from loopback (the demo web, gone
# once `make demo` ends). The report always says where the pages were crawled from.
VARIANTS_REPORT_LINKS = "auto"


# --- Honest failures (eduscrape.commands.crawl, eduscrape.middlewares.guards) ----------

# URL schemes spiders crawl (a spider's `url_schemes` attribute wins). Others are
# refused with one clear line before any download: Scrapy's ftp handler ignores
# DOWNLOAD_TIMEOUT (a server that never answers hangs the crawl) and s3 needs
# botocore; these four all end within DOWNLOAD_TIMEOUT.
EDUSCRAPE_URL_SCHEMES = ["http", "https", "file", "data"]
# `scrapy crawl` exits 1 when the crawl ends with one of these finish reasons...
EDUSCRAPE_FAILED_FINISH_REASONS = [
    "start_error",  # start() raised or gave unusable start URLs (bad -a arguments)
    "bad_mongo_uri",  # MONGO_URI is malformed
    "bad_mongo_setting",  # another MONGO_* setting cannot work (MONGO_JOURNAL_FSYNC)
    "memusage_exceeded",
    "closespider_errorcount",
]
# ...or, with this on, when it produced no item (scraped or dropped) and recorded
# errors or warnings (log lines, spider or download exceptions): a crawl that only
# failed, e.g. an API answering errors (spiders log those as WARNINGs).
EDUSCRAPE_FAIL_WITHOUT_ITEMS = True
