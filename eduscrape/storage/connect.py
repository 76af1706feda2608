"""Which MongoDB to use: ``MONGO_URI`` when configured, else the embedded server.

Every component that talks to MongoDB outside the storage pipeline (commands,
the wrapper middleware, the variants spider) goes through these helpers, so
the rule "profile, then setting, then environment, then embedded nx-27017" lives
in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import MongoClient

from eduscrape.storage.embedded import EmbeddedMongo
from eduscrape.storage.uri import BadMongoURI, validate_uri


def configured_uri(settings: Any) -> str | None:
    """The URI of ``MONGO_PROFILE`` when one is named, else ``MONGO_URI`` (setting,
    then environment), validated; None means "use the embedded server".

    Raises :class:`~eduscrape.storage.uri.BadMongoURI` for a malformed URI or an
    unknown profile.
    """
    profile = settings.get("MONGO_PROFILE") or os.environ.get("MONGO_PROFILE")
    if profile:
        return validate_uri(profile_uri(str(profile)))
    uri = settings.get("MONGO_URI") or os.environ.get("MONGO_URI") or None
    return validate_uri(uri) if uri else None


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


def ensure_uri(settings: Any) -> tuple[str, EmbeddedMongo | None]:
    """The URI to use, starting the embedded server if needed.

    Returns ``(uri, server)``: *server* is the embedded server this call started
    (the caller stops it when done; it also stops when the process ends), else None.
    """
    uri = configured_uri(settings)
    if uri is not None:
        return uri, None
    server = EmbeddedMongo(settings.get("EDUSCRAPE_MONGO_DATA_DIR"))
    info, started = server.ensure()
    return info.uri, server if started else None


@contextmanager
def open_database(settings: Any, database: str | None = None) -> Iterator[tuple[Any, str]]:
    """``with open_database(settings) as (db, uri):`` for one-shot commands.

    Closes the client, and stops the embedded server if this call started it.
    """
    uri, started = ensure_uri(settings)
    client: MongoClient[Any] = MongoClient(
        uri, serverSelectionTimeoutMS=settings.getint("MONGO_TIMEOUT_MS", 5000)
    )
    try:
        yield client[database or settings.get("MONGO_DATABASE")], uri
    finally:
        client.close()
        if started is not None:
            started.stop()
