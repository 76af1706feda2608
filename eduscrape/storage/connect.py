"""Which MongoDB to use, and the storage settings as one typed value.

The URI of ``MONGO_PROFILE`` when one is named, else ``MONGO_URI``, else the
embedded nx-27017 server. Inside a crawl
:class:`eduscrape.storage.service.StorageService` applies this rule; one-shot
code outside a crawl (commands, the demo runner) uses :func:`ensure_uri`,
:func:`open_database` or :func:`open_writer`. The environment variable ``MONGO_URI`` is read in one
place only, :mod:`eduscrape.settings` (a profile's URI, from this host's
environment, in :func:`profile_uri`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eduscrape.config import from_settings, setting
from eduscrape.storage.embedded import EmbeddedMongo
from eduscrape.storage.journal import FSYNC_POLICIES, Journal
from eduscrape.storage.spool import Spool
from eduscrape.storage.uri import BadMongoURI, validate_uri
from eduscrape.storage.writer import MongoWriter, mongo_client


class BadStorageSetting(ValueError):
    """A ``MONGO_*`` setting with a value that cannot work."""


@dataclass(frozen=True)
class StorageConfig:
    """The ``MONGO_*`` settings (defaults and meaning: :mod:`eduscrape.settings`)."""

    uri: str | None = setting("MONGO_URI")
    profile: str | None = setting("MONGO_PROFILE")
    database: str = setting("MONGO_DATABASE")
    batch_size: int = setting("MONGO_BATCH_SIZE")
    flush_interval: float = setting("MONGO_FLUSH_INTERVAL")
    retry_times: int = setting("MONGO_RETRY_TIMES")
    retry_backoff: float = setting("MONGO_RETRY_BACKOFF")
    timeout_ms: int = setting("MONGO_TIMEOUT_MS")
    probe_interval: float = setting("MONGO_PROBE_INTERVAL")
    spool_path: str = setting("MONGO_SPOOL_PATH")
    journal: bool = setting("MONGO_JOURNAL")
    journal_fsync: str = setting("MONGO_JOURNAL_FSYNC")
    journal_dir: str | None = setting("MONGO_JOURNAL_DIR")
    data_dir: str = setting("EDUSCRAPE_MONGO_DATA_DIR")

    @classmethod
    def from_settings(cls, settings: Any) -> StorageConfig:
        return from_settings(cls, settings)

    def configured_uri(self) -> str | None:
        """The URI of ``MONGO_PROFILE`` when one is named, else ``MONGO_URI``, validated;
        None means "use the embedded server".

        Raises :class:`~eduscrape.storage.uri.BadMongoURI` for a malformed URI or an
        unknown profile.
        """
        if self.profile:
            return validate_uri(profile_uri(str(self.profile)))
        return validate_uri(self.uri) if self.uri else None

    def check(self) -> None:
        """Raise :class:`BadStorageSetting` for a setting that cannot work (before anything
        starts: the crawl stops with one line, not with an error on every item)."""
        if self.journal and self.journal_fsync not in FSYNC_POLICIES:
            raise BadStorageSetting(
                f"MONGO_JOURNAL_FSYNC must be one of {', '.join(FSYNC_POLICIES)}, "
                f"not {self.journal_fsync!r}"
            )

    def journal_directory(self) -> Path:
        """``MONGO_JOURNAL_DIR``, else ``journal/`` next to the spool."""
        return Path(self.journal_dir or Path(self.spool_path).parent / "journal")


def profile_uri(name: str) -> str:
    """The URI of the connection profile *name*, from this host's environment.

    ``EDUSCRAPE_MONGO_URI_<NAME>`` (upper case, other characters as ``_``): the
    credentials stay on the host that runs the crawl (a scrapyd server's
    environment), and a job only names the profile (``setting=MONGO_PROFILE=prod``).
    """
    variable = "EDUSCRAPE_MONGO_URI_" + re.sub(r"[^A-Z0-9]", "_", name.upper())
    uri = os.environ.get(variable)
    if not uri:
        raise BadMongoURI(f"MONGO_PROFILE {name!r}: no {variable} in the environment of this host")
    return uri


def _config(settings: Any) -> StorageConfig:
    return (
        settings if isinstance(settings, StorageConfig) else StorageConfig.from_settings(settings)
    )


def configured_uri(settings: Any) -> str | None:
    """``MONGO_URI`` of *settings* (Scrapy settings or a :class:`StorageConfig`), validated."""
    return _config(settings).configured_uri()


def ensure_uri(settings: Any) -> tuple[str, EmbeddedMongo | None]:
    """The URI to use, starting the embedded server if needed.

    Returns ``(uri, server)``: *server* is the embedded server this call started
    (the caller stops it when done; it also stops when the process ends), else None.
    """
    config = _config(settings)
    uri = config.configured_uri()
    if uri is not None:
        return uri, None
    server = EmbeddedMongo(config.data_dir)
    info, started = server.ensure()
    return info.uri, server if started else None


@contextmanager
def open_database(settings: Any, database: str | None = None) -> Iterator[tuple[Any, str]]:
    """``with open_database(settings) as (db, uri):`` for one-shot commands.

    Closes the client, and stops the embedded server if this call started it.
    """
    config = _config(settings)
    uri, started = ensure_uri(config)
    mongo = mongo_client(uri, config.timeout_ms)
    try:
        yield mongo[database or config.database], uri
    finally:
        mongo.close()
        if started is not None:
            started.stop()


def writer_for(config: StorageConfig, uri: str, **kwargs: Any) -> MongoWriter:
    """A :class:`MongoWriter` to *uri* configured by *config* (not started)."""
    return MongoWriter(
        uri,
        config.database,
        spool=Spool(config.spool_path),
        batch_size=config.batch_size,
        flush_interval=config.flush_interval,
        retry_times=config.retry_times,
        retry_backoff=config.retry_backoff,
        timeout_ms=config.timeout_ms,
        probe_interval=config.probe_interval,
        journal=(
            Journal(config.journal_directory(), config.journal_fsync, config.batch_size * 2)
            if config.journal
            else None
        ),
        **kwargs,
    )


@contextmanager
def open_writer(settings: Any) -> Iterator[MongoWriter]:
    """``with open_writer(settings) as writer:`` for one-shot commands that write.

    At exit: flushes (retried, spooled if MongoDB is down), disconnects, and stops
    the embedded server if this call started it.
    """
    config = _config(settings)
    uri, started = ensure_uri(config)
    writer = writer_for(config, uri)
    try:
        yield writer
    finally:
        writer.close()
        writer.disconnect()
        if started is not None:
            started.stop()
