"""Credential redaction for every log record of the process.

Scrapy logs overridden settings (``-s MONGO_URI=mongodb://user:pw@host``) and
components log URIs; a log-record factory redacts ``scheme://user:password@``
wherever it appears, so no code path can leak a password into a log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_CREDENTIALS = re.compile(
    r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:@/\s'\"]*):[^@/\s'\"]+@"
)


# URI options whose value is a secret (a key file's password, an AWS session token).
_SECRET_OPTIONS = re.compile(
    r"(?P<name>\b(?:tlsCertificateKeyFilePassword|sslPEMKeyPassword|authMechanismProperties)=)"
    r"[^&\s'\"]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    if "@" in text:
        text = _CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", text)
    if "=" in text:
        text = _SECRET_OPTIONS.sub(r"\g<name>***", text)
    return text


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_arg(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact_arg(v) for v in value)
    return value


def install_redaction() -> None:
    """Wrap the log-record factory once per process."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_eduscrape_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = _redact_arg(record.args)
        return record

    # pymongo's DEBUG command monitoring logs every document it writes.
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    factory._eduscrape_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
