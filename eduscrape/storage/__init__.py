"""MongoDB storage (Scrapy-free but for :mod:`~eduscrape.storage.service`).

- :mod:`eduscrape.storage.keys`: reversible escaping of field names MongoDB refuses.
- :mod:`eduscrape.storage.uri`: URI validation and credential redaction.
- :mod:`eduscrape.storage.spool`: the local JSON-lines spool for items that could not be stored.
- :mod:`eduscrape.storage.writer`: the batching writer thread (bulk upserts, retries, spooling).
- :mod:`eduscrape.storage.journal`: the append-only journal of accepted writes (crash safety).
- :mod:`eduscrape.storage.embedded`: the embedded nx-27017 wire-protocol server.
- :mod:`eduscrape.storage.connect`: which MongoDB (``MONGO_URI`` or embedded), the typed
  :class:`~eduscrape.storage.connect.StorageConfig`, helpers for one-shot commands.
- :mod:`eduscrape.storage.service`: :class:`StorageService`, the crawl's one MongoDB
  (a Scrapy extension: client, embedded server, writer, spool; signal ``items_persisted``).
"""

from eduscrape.storage.keys import escape_keys, unescape_keys
from eduscrape.storage.uri import redact_uri, validate_uri
from eduscrape.storage.writer import MongoWriter, WriteTarget

__all__ = [
    "MongoWriter",
    "WriteTarget",
    "escape_keys",
    "redact_uri",
    "unescape_keys",
    "validate_uri",
]
