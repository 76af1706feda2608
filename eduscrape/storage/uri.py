"""MongoDB URI helpers: validation with a one-line reason, and redaction for logs."""

from __future__ import annotations

import re

from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import parse_uri

from eduscrape._logging import redact

_USERINFO = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:@/]*)(?::[^@/]*)?@")


class BadMongoURI(ValueError):
    """``MONGO_URI`` cannot be used; ``str()`` is a single readable line."""


def redact_uri(uri: str) -> str:
    """Hide the password of *uri* (``mongodb://user:***@host``); never log a URI without this."""
    if "@" in uri:
        uri = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", uri, count=1)
    return redact(uri)  # secret options (tlsCertificateKeyFilePassword=...) too


def validate_uri(uri: str) -> str:
    """Return *uri* if pymongo can parse it, else raise :class:`BadMongoURI`.

    Parsing does not contact the server: an unreachable server is a transient
    condition handled by retries and the spool, a malformed URI is a mistake.
    """
    try:
        parse_uri(uri, connect_timeout=1)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        match = _USERINFO.match(uri)
        password = uri[match.end("user") + 1 : match.end() - 1] if match else ""
        if password:
            reason = reason.replace(password, "***")
        raise BadMongoURI(
            f"MONGO_URI {redact_uri(uri)!r} is not a usable MongoDB URI: {reason}"
        ) from None
    return uri
